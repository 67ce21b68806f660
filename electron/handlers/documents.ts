/**
 * Documents and the 发文登记 register. Every document goes draft → (user edits) → issue. Numbered
 * documents take their 文号 from the register per 代字 and year; a number is never issued twice
 * (a unique index guards it) and re-issuing the same document keeps its number.
 */
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { formatDocNumber, nextSerial } from '../../shared/docnumber'
import { DOC_KINDS, type DocDraft, type DocKind } from '../../shared/documents'
import type { RegisterEntry } from '../../shared/domain'
import { AppError } from '../../shared/result'
import { isOrgComplete, type Settings } from '../../shared/settings'
import { composeExanteFeedback, composeExanteOpinion } from '../docs/compose/exante'
import type { Composer, DocDefaults } from '../docs/compose/types'
import { writeFileAtomic } from '../docs/write-file'
import type { DocumentRow } from '../db/schema'
import { parseJson, type Ctx, type Handlers } from './context'

const COMPOSERS: Record<DocKind, Composer> = {
  'exante-opinion': composeExanteOpinion,
  'exante-feedback': composeExanteFeedback,
}

const kindName = (kind: string) => (DOC_KINDS as Record<string, { name: string }>)[kind]?.name ?? '手工登记'

function toEntry(r: DocumentRow & { operator_name: string | null }): RegisterEntry {
  return {
    id: r.id,
    kind: r.kind,
    kindName: kindName(r.kind),
    prefix: r.prefix,
    year: r.year,
    serial: r.serial,
    docNumber: r.doc_number,
    title: r.title,
    recipients: r.recipients,
    issuedDate: r.issued_date,
    fileName: r.file_name,
    filePath: r.file_path,
    records: parseJson(r.records, []),
    generated: r.generated === 1,
    operatorName: r.operator_name ?? '',
    createdAt: r.created_at,
  }
}

function registerQuery(ctx: Ctx) {
  return ctx.db
    .selectFrom('documents')
    .leftJoin('operators', 'operators.id', 'documents.operator_id')
    .selectAll('documents')
    .select('operators.name as operator_name')
}

function prefixFor(kind: DocKind, s: Settings): string {
  return DOC_KINDS[kind].prefix === 'budget' ? s.org.prefixBudget : s.org.prefixPerformance
}

function isNumbered(kind: DocKind, s: Settings): boolean {
  return DOC_KINDS[kind].layout === 'gongwen' || s.numberForms
}

function today(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

async function issuedSerials(db: Ctx['db'], prefix: string, year: number): Promise<number[]> {
  const rows = await db.selectFrom('documents').select('serial').where('prefix', '=', prefix).where('year', '=', year).where('serial', 'is not', null).execute()
  return rows.map((r) => r.serial!)
}

/** Windows forbids these in file names; 〔〕 are fine. */
const safeFileName = (s: string) => s.replace(/[\\/:*?"<>|\r\n]+/g, '_').slice(0, 150)

export const documentHandlers: Pick<Handlers, 'docs/draft' | 'docs/issue' | 'register/list' | 'register/add'> = {
  async 'docs/draft'(input, ctx) {
    const settings = await ctx.settings()
    const composed = await COMPOSERS[input.kind](input, ctx)
    const existing = await ctx.db.selectFrom('documents').selectAll().where('doc_key', '=', composed.key).executeTakeFirst()
    const numbered = isNumbered(input.kind, settings)
    const stored = existing && !input.fresh ? parseJson<Partial<DocDefaults & { date: string }>>(existing.content, {}) : {}
    const date = stored.date ?? today(ctx.now())
    const prefix = existing?.prefix ?? prefixFor(input.kind, settings)
    const year = existing?.year ?? Number(date.slice(0, 4))
    const draft: DocDraft = {
      kind: input.kind,
      key: composed.key,
      layout: DOC_KINDS[input.kind].layout,
      ...composed.defaults,
      ...stored,
      date,
      prefix,
      year,
      serial: existing ? existing.serial : numbered ? nextSerial(await issuedSerials(ctx.db, prefix, year)) : null,
      issued: !!existing,
      numbered,
    }
    return draft
  },

  async 'docs/issue'(input, ctx) {
    const settings = await ctx.settings()
    if (!isOrgComplete(settings.org)) {
      throw new AppError('VALIDATION', '请先在“设置—单位信息”中填写县名、财政局全称、发文机关标志、文号代字、印发机关和署名，再生成公文')
    }
    const composed = await COMPOSERS[input.kind](input, ctx)
    const outDir = await ctx.outputDir()
    const numbered = isNumbered(input.kind, settings)
    const text = {
      title: input.title,
      recipients: input.recipients,
      body: input.body,
      attachments: input.attachments.filter((a) => a.trim()),
      copyTo: input.copyTo,
    }
    const id = await ctx.write(async (w) => {
      const existing = await w.trx.selectFrom('documents').selectAll().where('doc_key', '=', composed.key).executeTakeFirst()
      const prefix = existing?.prefix ?? prefixFor(input.kind, settings)
      const year = existing?.year ?? Number(input.date.slice(0, 4))
      let serial: number | null = existing?.serial ?? null
      if (!existing && numbered) {
        const taken = await issuedSerials(w.trx, prefix, year)
        if (input.serial !== null) {
          if (taken.includes(input.serial)) {
            const other = await w.trx.selectFrom('documents').select('title').where('prefix', '=', prefix).where('year', '=', year).where('serial', '=', input.serial).executeTakeFirst()
            throw new AppError('CONFLICT', `文号${formatDocNumber(prefix, year, input.serial)}已用于《${other?.title ?? ''}》，一个文号不能使用两次，请换一个序号`)
          }
          serial = input.serial
        } else serial = nextSerial(taken)
      }
      const docNumber = serial !== null ? formatDocNumber(prefix, year, serial) : ''
      const fileName = safeFileName(`${docNumber ? docNumber + ' ' : ''}${text.title}`) + '.docx'
      const path = join(outDir, String(year), fileName)
      const buffer = await composed.render({ ...text, date: input.date, docNumber: docNumber || null }, settings)
      await writeFileAtomic(path, buffer)
      const row = {
        kind: input.kind,
        doc_key: composed.key,
        prefix,
        year,
        serial,
        doc_number: docNumber,
        title: text.title,
        recipients: text.recipients,
        issued_date: input.date,
        file_name: fileName,
        file_path: path,
        content: JSON.stringify({ ...text, date: input.date }),
        records: JSON.stringify(composed.records),
        generated: 1,
        operator_id: w.operatorId,
      }
      if (existing) {
        await w.update('documents', existing.id, row)
        return existing.id
      }
      const newId = randomUUID()
      await w.insert('documents', { id: newId, ...row })
      return newId
    })
    const entry = toEntry(await registerQuery(ctx).where('documents.id', '=', id).executeTakeFirstOrThrow())
    return { entry, path: entry.filePath }
  },

  async 'register/list'({ year, prefix, search }, ctx) {
    let q = registerQuery(ctx)
    if (year) q = q.where('documents.year', '=', year)
    if (prefix) q = q.where('documents.prefix', '=', prefix)
    if (search?.trim()) {
      const s = `%${search.trim()}%`
      q = q.where((eb) => eb.or([eb('documents.title', 'like', s), eb('documents.doc_number', 'like', s), eb('documents.recipients', 'like', s)]))
    }
    const rows = await q.orderBy('documents.year', 'desc').orderBy('documents.prefix').orderBy('documents.serial', 'desc').orderBy('documents.created_at', 'desc').execute()
    return rows.map(toEntry)
  },

  async 'register/add'(input, ctx) {
    const id = randomUUID()
    await ctx.write(async (w) => {
      const clash = await w.trx.selectFrom('documents').select('title').where('prefix', '=', input.prefix).where('year', '=', input.year).where('serial', '=', input.serial).executeTakeFirst()
      if (clash) throw new AppError('CONFLICT', `文号${formatDocNumber(input.prefix, input.year, input.serial)}已登记（《${clash.title}》），不能重复登记`)
      await w.insert('documents', {
        id,
        kind: 'manual',
        doc_key: null,
        prefix: input.prefix,
        year: input.year,
        serial: input.serial,
        doc_number: formatDocNumber(input.prefix, input.year, input.serial),
        title: input.title,
        recipients: input.recipients,
        issued_date: input.issuedDate,
        file_name: '',
        file_path: '',
        content: '{}',
        records: '[]',
        generated: 0,
        operator_id: w.operatorId,
      })
    })
    return toEntry(await registerQuery(ctx).where('documents.id', '=', id).executeTakeFirstOrThrow())
  },
}
