/**
 * 起草公文: drafts of freely written 通知 / 办法 / 报告. A draft is a record of its work year; it is
 * issued through docs/draft + docs/issue (kind free-doc), which number it from the 发文登记 register.
 */
import { randomUUID } from 'node:crypto'
import type { FreeDoc, FreeDocType } from '../../shared/documents'
import { AppError } from '../../shared/result'
import type { FreeDocumentsTable } from '../db/schema'
import type { Selectable } from 'kysely'
import { parseJson, type Ctx, type Handlers } from './context'

const toFreeDoc = (r: Selectable<FreeDocumentsTable>, docNumber: string): FreeDoc => ({
  id: r.id,
  workYear: r.work_year,
  docType: r.doc_type as FreeDocType,
  direction: r.direction === 'up' ? 'up' : 'down',
  prefixKey: r.prefix_key === 'performance' ? 'performance' : 'budget',
  title: r.title,
  recipients: r.recipients,
  body: r.body,
  attachments: parseJson<string[]>(r.attachments, []),
  copyTo: r.copy_to,
  date: r.date,
  version: r.version,
  docNumber,
  updatedAt: r.updated_at,
})

async function numbersOf(ctx: Ctx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await ctx.db.selectFrom('documents').select(['doc_key', 'doc_number']).where('doc_key', 'in', ids.map((id) => `free-doc:${id}`)).execute()
  return new Map(rows.map((r) => [r.doc_key!.slice('free-doc:'.length), r.doc_number]))
}

export const freeDocHandlers: Pick<Handlers, 'freedoc/list' | 'freedoc/save'> = {
  async 'freedoc/list'({ workYear }, ctx) {
    const rows = await ctx.db.selectFrom('free_documents').selectAll().where('work_year', '=', workYear).orderBy('created_at').execute()
    const numbers = await numbersOf(ctx, rows.map((r) => r.id))
    return rows.map((r) => toFreeDoc(r, numbers.get(r.id) ?? ''))
  },

  async 'freedoc/save'(input, ctx) {
    await ctx.assertYearOpen(input.workYear)
    const y = Number(input.date.slice(0, 4))
    // Backfilling a year's documents may date them in the next January, never in another year.
    if (y !== input.workYear && y !== input.workYear + 1) {
      throw new AppError('VALIDATION', `成文日期${input.date}不在${input.workYear}年度内（可为${input.workYear}年或${input.workYear + 1}年），请修改成文日期`)
    }
    const id = input.id ?? randomUUID()
    const row = {
      work_year: input.workYear,
      doc_type: input.docType,
      direction: input.direction,
      prefix_key: input.prefixKey,
      title: input.title,
      recipients: input.recipients,
      body: input.body,
      attachments: JSON.stringify(input.attachments.filter((a) => a)),
      copy_to: input.copyTo,
      date: input.date,
    }
    await ctx.write(async (w) => {
      if (input.id) await w.update('free_documents', id, row, { version: input.version })
      else await w.insert('free_documents', { id, ...row, operator_id: w.operatorId })
    })
    const saved = await ctx.db.selectFrom('free_documents').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    return toFreeDoc(saved, (await numbersOf(ctx, [id])).get(id) ?? '')
  },
}
