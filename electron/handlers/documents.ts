/**
 * Documents and the 发文登记 register. Every document goes draft → (user edits) → issue. Numbered
 * documents take their 文号 from the register per 代字 and year; a number is never issued twice
 * (a unique index guards it) and re-issuing the same document keeps its number.
 */
import { defaultDateIn, isoDate } from '../../shared/dates'
import { randomUUID } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import { basename, dirname, extname, join } from 'node:path'
import { formatDocNumber, nextSerial } from '../../shared/docnumber'
import { DOC_KINDS, formatChineseDate, unitRecordId, type DocDraft, type DocKind } from '../../shared/documents'
import type { RegisterEntry } from '../../shared/domain'
import { AppError } from '../../shared/result'
import { isOrgComplete, type Settings } from '../../shared/settings'
import { composeAnnualReport } from '../docs/compose/annual'
import { composeAgencyRating, composeEvalOpinion, composeEvalReport, composeFiscalEvalNotice, composeRectifyNotice, composeSelfEvalNotice } from '../docs/compose/evaluation'
import { composeExanteFeedback, composeExanteOpinion } from '../docs/compose/exante'
import { composeMonitoringFeedback, composeMonitoringNotice, composeMonitoringOpinion, composeTargetsApproval, composeTargetsNotice, composeTargetsOpinion } from '../docs/compose/stage'
import { composeReviewFeedback } from '../docs/compose/review-feedback'
import { composeFreeDoc } from '../docs/compose/free'
import type { ComposeParams, Composed, Composer, DocDefaults } from '../docs/compose/types'
import { safeFileName, writeFileAtomic } from '../docs/write-file'
import { annexTitle, annexWarnings, unboundAnnexLines } from '../docs/annex-check'
import type { DocumentRow } from '../db/schema'
import { parseJson, type Ctx, type Handlers } from './context'
import { filteredItems, noticeDeadlineProblem } from './rounds'

const COMPOSERS: Record<DocKind, Composer> = {
  'exante-opinion': composeExanteOpinion,
  'exante-feedback': composeExanteFeedback,
  'targets-notice': composeTargetsNotice,
  'targets-opinion': composeTargetsOpinion,
  'targets-approval': composeTargetsApproval,
  'monitoring-notice': composeMonitoringNotice,
  'monitoring-opinion': composeMonitoringOpinion,
  'monitoring-feedback': composeMonitoringFeedback,
  'selfeval-notice': composeSelfEvalNotice,
  'fiscaleval-notice': composeFiscalEvalNotice,
  'rectify-notice': composeRectifyNotice,
  'eval-opinion': composeEvalOpinion,
  'eval-report': composeEvalReport,
  'agency-rating': composeAgencyRating,
  'annual-report': composeAnnualReport,
  'review-feedback': composeReviewFeedback,
  'free-doc': composeFreeDoc,
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

/** The register's entries of a year, a 代字 and a search over 文号, 标题 and 主送 (each optional). */
function registerFiltered(ctx: Ctx, { year, prefix, search }: { year?: number; prefix?: string; search?: string }) {
  let q = registerQuery(ctx)
  if (year) q = q.where('documents.year', '=', year)
  if (prefix) q = q.where('documents.prefix', '=', prefix)
  if (search?.trim()) {
    const s = `%${search.trim()}%`
    q = q.where((eb) => eb.or([eb('documents.title', 'like', s), eb('documents.doc_number', 'like', s), eb('documents.recipients', 'like', s)]))
  }
  return q
}

/** The 代字 of a first issue: the record's choice (a free 公文) or the kind's. */
/** A first-year database has no 单位信息 yet: no 文号 can be formed, so nothing is checked or issued before it is filled. */
function assertOrgComplete(settings: Settings): void {
  if (!isOrgComplete(settings.org)) {
    throw new AppError('VALIDATION', '请先在“设置—单位信息”中填写县名、财政局全称、发文机关标志、文号代字、印发机关和署名，再生成公文')
  }
}

function prefixFor(kind: DocKind, s: Settings, composed: Pick<Composed, 'prefixKey'>): string {
  return (composed.prefixKey ?? DOC_KINDS[kind].prefix) === 'budget' ? s.org.prefixBudget : s.org.prefixPerformance
}

function isNumbered(kind: DocKind, s: Settings): boolean {
  const k: { layout: string; numbered?: boolean } = DOC_KINDS[kind]
  if (k.numbered === false) return false
  return k.layout === 'gongwen' || s.numberForms
}

async function issuedSerials(db: Ctx['db'], prefix: string, year: number): Promise<number[]> {
  const rows = await db.selectFrom('documents').select('serial').where('prefix', '=', prefix).where('year', '=', year).where('serial', 'is not', null).execute()
  return rows.map((r) => r.serial!)
}

/**
 * The work year a document's record belongs to, and its round's deadline, so that its draft is
 * dated inside that year (shared/dates.ts defaultDateIn).
 */
async function yearOf(db: Ctx['db'], params: ComposeParams): Promise<{ workYear: number; deadline: string | null } | null> {
  const id = params.recordId
  const hit = id
    ? ((await db.selectFrom('rounds').select(['work_year', 'deadline']).where('id', '=', id).executeTakeFirst()) ??
      (await db.selectFrom('round_items as i').innerJoin('rounds as r', 'r.id', 'i.round_id').select(['r.work_year', 'r.deadline']).where('i.id', '=', id).executeTakeFirst()) ??
      (await db.selectFrom('engagements as e').innerJoin('rounds as r', 'r.id', 'e.round_id').select(['r.work_year', 'r.deadline']).where('e.id', '=', id).executeTakeFirst()) ??
      (await db.selectFrom('exante_proposals').select('work_year').where('id', '=', id).executeTakeFirst()))
    : undefined
  if (params.workYear) return { workYear: params.workYear, deadline: hit?.work_year === params.workYear && 'deadline' in hit ? (hit.deadline as string | null) : null }
  return hit ? { workYear: hit.work_year, deadline: 'deadline' in hit ? (hit.deadline as string | null) : null } : null
}

/** Today when it falls in the record's work year, else a date inside that year (its round's deadline when backfilling). */
async function defaultDate(ctx: Ctx, params: ComposeParams): Promise<string> {
  const y = await yearOf(ctx.db, params)
  return y ? defaultDateIn(y.workYear, ctx.now(), y.deadline) : isoDate(ctx.now())
}

/**
 * Issues (or re-issues) one document: takes or keeps its 文号 inside the transaction that records it,
 * renders the .docx and writes it atomically, so a failure leaves neither a number used nor a file.
 */
export async function issueDocument(
  ctx: Ctx,
  kind: DocKind,
  params: ComposeParams,
  text: DocDefaults,
  date: string,
  requestedSerial: number | null,
): Promise<string> {
  const settings = await ctx.settings()
  assertOrgComplete(settings)
  await ctx.assertYearOpen(Number(date.slice(0, 4)))
  if (DOC_KINDS[kind].scope === 'round' && kind.endsWith('-notice') && params.recordId) {
    const late = await noticeDeadlineProblem(ctx.db, params.recordId, { noticeDate: date })
    if (late) throw new AppError('VALIDATION', late)
  }
  const composed = await COMPOSERS[kind](params, ctx)
  if (composed.upward && !settings.org.signer?.trim()) {
    throw new AppError('VALIDATION', '上行文须标注签发人：请先在“设置—单位信息”中填写签发人，再生成上行文')
  }
  const outDir = await ctx.outputDir()
  const numbered = isNumbered(kind, settings)
  return ctx.write(async (w): Promise<string> => {
    const existing = await w.trx.selectFrom('documents').selectAll().where('doc_key', '=', composed.key).executeTakeFirst()
    const prefix = existing?.prefix ?? prefixFor(kind, settings, composed)
    const year = existing?.year ?? Number(date.slice(0, 4))
    let serial: number | null = existing?.serial ?? null
    if (!existing && numbered) {
      const taken = await issuedSerials(w.trx, prefix, year)
      if (requestedSerial !== null) {
        if (taken.includes(requestedSerial)) {
          const other = await w.trx.selectFrom('documents').select('title').where('prefix', '=', prefix).where('year', '=', year).where('serial', '=', requestedSerial).executeTakeFirst()
          throw new AppError('CONFLICT', `文号${formatDocNumber(prefix, year, requestedSerial)}已用于《${other?.title ?? ''}》，一个文号不能使用两次，请换一个序号`)
        }
        serial = requestedSerial
      } else serial = nextSerial(taken)
    }
    const docNumber = serial !== null ? formatDocNumber(prefix, year, serial) : ''
    const issueText = { ...text, date, docNumber: docNumber || null }
    const buffer = await composed.render(issueText, settings)
    const companions = composed.companions ? await composed.companions(issueText, settings) : []
    const dir = join(outDir, String(year), DOC_KINDS[kind].name)
    const path = await uniquePath(w.trx, dir, documentBaseName(kind, docNumber, text.title, composed.records[0]?.label ?? ''), existing?.id ?? null)
    const fileName = basename(path)
    const row = {
      kind,
      doc_key: composed.key,
      prefix,
      year,
      serial,
      doc_number: docNumber,
      title: text.title.replace(/\s*\n\s*/g, ''),
      recipients: text.recipients,
      issued_date: date,
      file_name: fileName,
      file_path: path,
      // The text as issued, and the data it was built from at its first issue (kept on re-issue).
      content: JSON.stringify({ ...issuedText(text), date, ...(composed.snapshot !== undefined ? { snapshot: composed.snapshot } : {}) }),
      records: JSON.stringify(composed.records),
      generated: 1,
      operator_id: w.operatorId,
    }
    // The register row first: a number taken twice fails here, before any file exists.
    let id: string
    if (existing) {
      await w.update('documents', existing.id, row)
      id = existing.id
    } else {
      id = randomUUID()
      await w.insert('documents', { id, ...row })
    }
    if (composed.persist) await composed.persist(w, issueText)
    // Then the files, last in the transaction: if one cannot be written, the row is rolled back
    // and what was written is taken away again, and the previous version is put back.
    const files = [{ path, data: buffer }, ...companions.map((c) => ({ path: companionPath(path, c.label, c.ext), data: c.data }))]
    const previous = existing?.file_path ? [existing.file_path, ...(await companionsOf(existing.file_path))] : []
    await replaceFiles(files, previous, ctx.now())
    return id
  })
}

/** The editable text of a register row's content (its snapshot and anything else left out). */
function issuedText(c: Partial<DocDefaults & { date: string }>): Partial<DocDefaults & { date: string }> {
  const out: Partial<DocDefaults & { date: string }> = {}
  for (const k of ['title', 'recipients', 'body', 'attachments', 'copyTo', 'apart', 'date'] as const) if (c[k] !== undefined) (out as Record<string, unknown>)[k] = c[k]
  return out
}

/**
 * A document's file name: 文号 and title for a numbered document; for the others the kind (when
 * the title does not say it) and the record, so that two documents never share a name (the 自评
 * and the 财政评价 意见书 of one project carry the same title).
 */
export function documentBaseName(kind: DocKind, docNumber: string, title: string, recordLabel: string): string {
  const flat = title.replace(/\s*\n\s*/g, '')
  const k = DOC_KINDS[kind]
  // A 文号 is never issued twice: with it, the name is unique already (and stays short); one per
  // unit under one title (审核意见反馈单) still says whose it is, for the clerk who hands them out.
  if (docNumber) return safeFileName(`${docNumber} ${flat}${k.scope === 'unit' && recordLabel ? `（${recordLabel}）` : ''}`)
  const kindPart = flat.includes(k.name) ? '' : `【${k.name}】`
  return safeFileName(`${kindPart}${flat}${recordLabel ? `（${recordLabel}）` : ''}`)
}

/** The name, made unique against every other registered document (a second one gets "（2）"). */
async function uniquePath(db: Ctx['db'], dir: string, base: string, selfId: string | null): Promise<string> {
  for (let n = 1; ; n++) {
    const path = join(dir, `${base}${n > 1 ? `（${n}）` : ''}.docx`)
    let q = db.selectFrom('documents').select('id').where('file_path', '=', path)
    if (selfId) q = q.where('id', '!=', selfId)
    if (!(await q.executeTakeFirst())) return path
  }
}

/** "…通知.docx" + 附件2 + xlsx → "…通知（附件2）.xlsx", beside the document. */
function companionPath(docPath: string, label: string, ext: string): string {
  return join(dirname(docPath), `${basename(docPath, extname(docPath))}（${label}）.${ext}`)
}

async function companionsOf(docPath: string): Promise<string[]> {
  const stem = basename(docPath, extname(docPath))
  const names = await fsp.readdir(dirname(docPath)).catch(() => [] as string[])
  return names.filter((n) => n.startsWith(`${stem}（附件`)).map((n) => join(dirname(docPath), n))
}

/** 旧版本/<name> 2024-12-28 0930.docx: where a regenerated document's previous file goes. */
function archivedPath(path: string, now: Date): string {
  const stamp = now.toISOString().slice(0, 16).replace('T', ' ').replace(':', '')
  return join(dirname(path), '旧版本', `${basename(path, extname(path))} ${stamp}${extname(path)}`)
}

/**
 * Moves the previous files aside to 旧版本, then writes the new ones atomically. On any failure the
 * new files are removed and the previous ones moved back, then the error goes on (rolling back the
 * register row), so a failed issue leaves exactly what was there before.
 */
async function replaceFiles(files: { path: string; data: Buffer }[], previous: string[], now: Date): Promise<void> {
  const moved: { from: string; to: string }[] = []
  const written: string[] = []
  try {
    for (const old of previous) {
      if (!(await fsp.stat(old).catch(() => null))) continue
      const to = archivedPath(old, now)
      await fsp.mkdir(dirname(to), { recursive: true })
      await fsp.rename(old, to)
      moved.push({ from: old, to })
    }
    for (const f of files) {
      await writeFileAtomic(f.path, f.data)
      written.push(f.path)
    }
  } catch (e) {
    for (const p of written) await fsp.rm(p, { force: true }).catch(() => undefined)
    for (const m of moved.reverse()) await fsp.rename(m.to, m.from).catch(() => undefined)
    if (e instanceof AppError) throw e
    throw new AppError('IO', e instanceof Error ? e.message : String(e))
  }
}

/** One turn of the event loop: other calls are answered before a batch goes on. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** One document per unit (审核意见反馈单) for the units of the selection that have returned items. */
async function batchPerUnit(ctx: Ctx, kind: DocKind, roundId: string, date: string, itemIds: string[] | undefined) {
  let q = ctx.db
    .selectFrom('round_items as i')
    .innerJoin('projects as p', 'p.id', 'i.project_id')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .select(['u.id', 'u.name', 'u.code'])
    .where('i.round_id', '=', roundId)
    .where('i.status', '=', '退回修改')
    .distinct()
  if (itemIds) q = q.where('i.id', 'in', itemIds)
  const units = await q.orderBy('u.code').execute()
  if (units.length === 0) throw new AppError('VALIDATION', `${itemIds ? '所选项目中' : '本任务中'}没有退回修改的项目，无需生成${DOC_KINDS[kind].name}`)
  return ctx.jobs.start(`生成${DOC_KINDS[kind].name}（${units.length}个单位）`, units.length, async (job) => {
    let n = 0
    let done = 0
    for (const u of units) {
      if (job.cancelled) break
      try {
        const recordId = unitRecordId(roundId, u.id)
        const composed = await COMPOSERS[kind]({ recordId }, ctx)
        await turn()
        const docId = await issueDocument(ctx, kind, { recordId }, composed.defaults, date, null)
        await turn()
        const row = await ctx.db.selectFrom('documents').select('file_path').where('id', '=', docId).executeTakeFirstOrThrow()
        job.addPath(row.file_path)
        job.succeeded()
        done++
      } catch (e) {
        if (!(e instanceof AppError)) throw e
        job.refuse(u.id, u.name, e.message)
      }
      job.progress(++n, u.name)
    }
    return `${job.cancelled ? '已取消：' : ''}已为 ${done} 个单位生成${DOC_KINDS[kind].name}${n > done ? `，${n - done} 个单位未生成` : ''}`
  })
}

/**
 * Dates that contradict each other, checked before issue (the user decides; nothing is blocked):
 * a deadline before its own notice, a 整改通知 before the third-party report it answers or with a
 * deadline before itself, and 文号 out of date order within a 代字 and year.
 */
export async function issueWarnings(
  ctx: Ctx,
  kind: DocKind,
  params: ComposeParams,
  date: string,
  requestedSerial: number | null,
  edited: { body?: string; attachments?: string[]; apart?: string[] } = {},
): Promise<{ warnings: string[]; unbound: string[] }> {
  const out: string[] = []
  const d = formatChineseDate
  const settings = await ctx.settings()
  const composed = await COMPOSERS[kind](params, ctx)
  const existing = await ctx.db.selectFrom('documents').selectAll().where('doc_key', '=', composed.key).executeTakeFirst()
  const scope = DOC_KINDS[kind].scope
  // The 附件 lines and the body's mentions against what is bound in (公文 only: a form has none),
  // and the lines nothing bound in answers, which the clerk may confirm as provided apart.
  let unbound: string[] = []
  if (DOC_KINDS[kind].layout === 'gongwen') {
    const kept = existing ? issuedText(parseJson<Partial<DocDefaults>>(existing.content, {})) : {}
    const stored = params.fresh ? {} : kept
    const attachments = (edited.attachments ?? stored.attachments ?? composed.defaults.attachments).filter((a) => a.trim())
    const body = edited.body ?? stored.body ?? composed.defaults.body
    // The clerk's 另行附送 confirmations outlive a redraft: they name lines, not data.
    const annexes = { listed: attachments, bound: composed.bound ? composed.bound({ attachments }) : [], apart: edited.apart ?? kept.apart ?? [] }
    out.push(...annexWarnings({ ...annexes, body, separately: composed.separately }))
    unbound = unboundAnnexLines(annexes)
  }
  // A document dated before the one it quotes (the notice it answers, the 整改通知 it reports).
  for (const c of await citedDocuments(ctx, kind, params)) {
    if (c.issued_date && c.issued_date > date) out.push(`本文引用的${c.doc_number ? c.doc_number : ''}《${c.title}》成文于${d(c.issued_date)}，晚于本文的成文日期${d(date)}`)
  }
  if (scope === 'round' && params.recordId && kind.endsWith('-notice')) {
    const round = await ctx.db.selectFrom('rounds').select(['deadline', 'title']).where('id', '=', params.recordId).executeTakeFirst()
    if (round?.deadline && round.deadline < date) out.push(`报送截止日期${d(round.deadline)}早于本通知的成文日期${d(date)}，请修改任务的截止日期或成文日期`)
  }
  if (kind === 'rectify-notice' && params.recordId) {
    const item = await ctx.db.selectFrom('round_items').select(['round_id']).where('id', '=', params.recordId).executeTakeFirst()
    const eng = item ? await ctx.db.selectFrom('engagements').select(['report_date']).where('round_id', '=', item.round_id).executeTakeFirst() : undefined
    if (eng?.report_date && eng.report_date > date) out.push(`第三方机构评价报告日期为${d(eng.report_date)}，整改通知的成文日期${d(date)}早于评价报告`)
    const rect = await ctx.db.selectFrom('rectifications').select(['deadline']).where('item_id', '=', params.recordId).executeTakeFirst()
    if (rect?.deadline && rect.deadline <= date) out.push(`整改期限${d(rect.deadline)}不晚于整改通知的成文日期${d(date)}`)
  }
  if (isNumbered(kind, settings)) {
    const prefix = existing?.prefix ?? prefixFor(kind, settings, composed)
    const year = existing?.year ?? Number(date.slice(0, 4))
    const serial = existing?.serial ?? requestedSerial ?? nextSerial(await issuedSerials(ctx.db, prefix, year))
    const others = await ctx.db.selectFrom('documents').select(['serial', 'issued_date', 'title', 'doc_number']).where('prefix', '=', prefix).where('year', '=', year).where('serial', 'is not', null).execute()
    const self = formatDocNumber(prefix, year, serial)
    for (const o of others) {
      if (o.serial === serial || !o.issued_date) continue
      const wrong = (o.serial! < serial && o.issued_date > date) || (o.serial! > serial && o.issued_date < date)
      if (wrong) out.push(`${o.doc_number}《${o.title}》成文于${d(o.issued_date)}，本文${self}成文于${d(date)}：文号顺序与日期顺序不一致`)
    }
  }
  return { warnings: out, unbound }
}

/** The issued documents a kind's text quotes: what it answers or reports on. */
async function citedDocuments(ctx: Ctx, kind: DocKind, params: ComposeParams) {
  const q = () => ctx.db.selectFrom('documents').select(['doc_number', 'title', 'issued_date'])
  const id = params.recordId
  if (!id) return []
  if (kind === 'monitoring-feedback') return q().where('doc_key', '=', `monitoring-notice:${id}`).execute()
  if (kind === 'targets-approval') return q().where('doc_key', '=', `targets-notice:${id}`).execute()
  if (kind === 'rectify-notice') {
    const item = await ctx.db.selectFrom('round_items').select('round_id').where('id', '=', id).executeTakeFirst()
    return item ? q().where('doc_key', '=', `fiscaleval-notice:${item.round_id}`).execute() : []
  }
  if (kind === 'eval-report') {
    const items = await ctx.db.selectFrom('round_items').select('id').where('round_id', '=', id).execute()
    return items.length ? q().where('doc_key', 'in', items.map((i) => `rectify-notice:${i.id}`)).execute() : []
  }
  return []
}

export const documentHandlers: Pick<Handlers, 'docs/draft' | 'docs/check' | 'docs/issue' | 'docs/batch' | 'jobs/get' | 'jobs/cancel' | 'register/list' | 'register/page' | 'register/add'> = {
  async 'docs/draft'(input, ctx) {
    const settings = await ctx.settings()
    const composed = await COMPOSERS[input.kind](input, ctx)
    const existing = await ctx.db.selectFrom('documents').selectAll().where('doc_key', '=', composed.key).executeTakeFirst()
    const numbered = isNumbered(input.kind, settings)
    const kept = existing ? issuedText(parseJson<Partial<DocDefaults & { date: string }>>(existing.content, {})) : {}
    const stored = input.fresh ? {} : kept
    const date = stored.date ?? composed.defaultDate ?? (await defaultDate(ctx, input))
    const prefix = existing?.prefix ?? prefixFor(input.kind, settings, composed)
    const year = existing?.year ?? Number(date.slice(0, 4))
    const draft: DocDraft = {
      kind: input.kind,
      key: composed.key,
      layout: DOC_KINDS[input.kind].layout,
      ...composed.defaults,
      ...stored,
      // The clerk's 另行附送 confirmations outlive a redraft (按最新数据重新起草): they name lines, not data.
      apart: kept.apart ?? [],
      date,
      prefix,
      year,
      serial: existing ? existing.serial : numbered ? nextSerial(await issuedSerials(ctx.db, prefix, year)) : null,
      issued: !!existing,
      numbered,
    }
    return draft
  },

  async 'docs/check'({ kind, recordId, workYear, fresh, date, serial, body, attachments, apart }, ctx) {
    assertOrgComplete(await ctx.settings())
    return issueWarnings(ctx, kind, { recordId, workYear, fresh }, date, serial, { body, attachments, apart })
  },

  async 'docs/issue'(input, ctx) {
    // fresh: issued after 按最新数据重新起草, so built (annexes too) and snapshotted from today's data.
    const { kind, recordId, workYear, fresh, date, serial, ...text } = input
    const attachments = text.attachments.filter((a) => a.trim())
    // Only confirmations of lines still listed are kept.
    const listed = new Set(attachments.map(annexTitle))
    const apart = [...new Set(text.apart.map((a) => a.trim()).filter((a) => listed.has(annexTitle(a))))]
    const id = await issueDocument(ctx, kind, { recordId, workYear, fresh }, { ...text, attachments, apart }, date, serial)
    const entry = toEntry(await registerQuery(ctx).where('documents.id', '=', id).executeTakeFirstOrThrow())
    return { entry, path: entry.filePath }
  },

  async 'docs/batch'({ kind, roundId, date, itemIds: picked, filters }, ctx) {
    // "All filtered rows" of the list: resolved here, once, like items/bulk's (the list holds one page).
    const itemIds = picked ?? (filters ? (await filteredItems(ctx, roundId, filters).execute()).map((r) => r.id) : undefined)
    if (itemIds && itemIds.length === 0) throw new AppError('VALIDATION', '筛选结果中没有项目，请调整筛选条件后再生成')
    if (DOC_KINDS[kind].scope === 'unit') return batchPerUnit(ctx, kind, roundId, date, itemIds)
    if (DOC_KINDS[kind].scope !== 'record') throw new AppError('VALIDATION', `“${DOC_KINDS[kind].name}”不是逐个项目生成的文书`)
    // A selection from the list may hold items not yet reviewed: each is refused with its reason.
    let q = ctx.db
      .selectFrom('round_items as i')
      .innerJoin('projects as p', 'p.id', 'i.project_id')
      .innerJoin('units as u', 'u.id', 'p.unit_id')
      .select(['i.id', 'i.status', 'p.name as project_name', 'u.name as unit_name'])
      .where('i.round_id', '=', roundId)
    q = itemIds ? q.where('i.id', 'in', itemIds) : q.where('i.status', '=', '已审核')
    const items = await q.orderBy('u.code').orderBy('p.name').execute()
    if (items.length === 0) throw new AppError('VALIDATION', itemIds ? '没有选中任何项目' : '该任务中还没有审核通过的项目，无法批量生成意见书')
    if (!items.some((it) => it.status === '已审核')) throw new AppError('VALIDATION', `所选${items.length}个项目都还未审核通过，审核通过后才能生成${DOC_KINDS[kind].name}`)
    return ctx.jobs.start(`批量生成${DOC_KINDS[kind].name}`, items.length, async (job) => {
      let done = 0
      let n = 0
      for (const it of items) {
        if (job.cancelled) return `已取消：已生成 ${done} 份，其余未生成`
        const label = `${it.unit_name}·${it.project_name}`
        if (it.status !== '已审核') {
          job.refuse(it.id, label, `当前状态为“${it.status}”，审核通过后才能生成意见书`)
        } else {
          try {
            const composed = await COMPOSERS[kind]({ recordId: it.id }, ctx)
            // Composing and writing one document are each a stretch of synchronous work: the loop
            // turns between them too, so no single stretch holds the main process for long.
            await turn()
            const existing = await ctx.db.selectFrom('documents').select('content').where('doc_key', '=', composed.key).executeTakeFirst()
            const { date: _issued, ...kept } = existing ? issuedText(parseJson<Partial<DocDefaults>>(existing.content, {})) : {}
            const text = { ...composed.defaults, ...kept }
            const docId = await issueDocument(ctx, kind, { recordId: it.id }, text, date, null)
            await turn()
            const row = await ctx.db.selectFrom('documents').select('file_path').where('id', '=', docId).executeTakeFirstOrThrow()
            job.addPath(row.file_path)
            job.succeeded()
            done++
          } catch (e) {
            if (!(e instanceof AppError)) throw e
            job.refuse(it.id, label, e.message)
          }
        }
        job.progress(++n, label)
        await turn()
      }
      const refused = n - done
      return `已生成 ${done} 份${DOC_KINDS[kind].name}${refused ? `，${refused} 项未生成` : ''}`
    })
  },

  async 'jobs/get'({ id }, ctx) {
    return ctx.jobs.get(id)
  },

  async 'jobs/cancel'({ id }, ctx) {
    return ctx.jobs.cancel(id)
  },

  async 'register/list'({ year, prefix, search }, ctx) {
    const rows = await registerFiltered(ctx, { year, prefix, search }).orderBy('documents.year', 'desc').orderBy('documents.prefix').orderBy('documents.serial', 'desc').orderBy('documents.created_at', 'desc').execute()
    return rows.map(toEntry)
  },

  async 'register/page'({ year, prefix, search, sort, order, offset, limit }, ctx) {
    const q = registerFiltered(ctx, { year, prefix, search })
    const dir = order ?? 'asc'
    // Every order ends on created_at and id, so that a page never repeats or skips an entry.
    const sorted = (
      sort === 'number'
        ? q.orderBy('documents.prefix', dir).orderBy('documents.year', dir).orderBy('documents.serial', dir)
        : sort === 'date'
          ? q.orderBy('documents.issued_date', dir)
          : q.orderBy('documents.year', 'desc').orderBy('documents.prefix').orderBy('documents.serial', 'desc')
    )
      .orderBy('documents.created_at', sort ? dir : 'desc')
      .orderBy('documents.id')
    const [rows, count, prefixes, years] = await Promise.all([
      sorted.limit(limit).offset(offset).execute(),
      q.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ctx.db.selectFrom('documents').select('prefix').distinct().where('prefix', '!=', '').orderBy('prefix').execute(),
      ctx.db.selectFrom('documents').select('year').distinct().orderBy('year', 'desc').execute(),
    ])
    return { rows: rows.map(toEntry), total: Number(count.n), prefixes: prefixes.map((r) => r.prefix), years: years.map((r) => r.year) }
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
