/**
 * Excel out and in for the stage rounds: pre-filled workbooks per unit, and filled workbooks
 * imported as a preview first, then applied in one transaction. Re-importing updates; matching is
 * by the ids the export wrote, falling back to unit + project name, so nothing is duplicated.
 */
import { createHash, randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { sql, type Kysely, type Selectable } from 'kysely'
import type { Writable } from 'node:stream'
import { MATCH_CREATE, type EvaluationDetail, type ImportMatchRequest, type ImportProblem, type Indicator, type StageImportPreview } from '../../shared/domain'
import { checkIndicators } from '../../shared/indicators'
import { formatWan } from '../../shared/money'
import { SELFEVAL_FILE_PROJECTS } from '../../shared/limits'
import { AppError } from '../../shared/result'
import { canEdit, nextStatus, type ItemStatus } from '../../shared/stage'
import type { DB, IndicatorRow } from '../db/schema'
import { withWriter, type Writer } from '../db/writer'
import { safeFileName } from '../docs/write-file'
import { parseMonitoringWorkbookAsync, writeMonitoringWorkbook } from '../excel/monitoring-sheet'
import { KeptFiles } from '../excel/kept-files'
import { parseLeanWorkbook, readLeanWorkbook } from '../excel/stream-workbook'
import { runAsync, turn, yielder, type Steps } from '../excel/yield'
import { writeStreamedFile } from '../excel/stream-file'
import { monitoringFieldSteps, selfEvalFieldSteps, targetFieldSteps } from '../excel/field-limits'
import { workbookNotices } from '../excel/guard'
import { loadWorkbook } from '../excel/read-table'
import type { IndicatorPages, SheetMonitorProject, SheetProject, SheetSelfEvalProject } from '../excel/stage-types'
import { PROJECT_COLUMNS, TARGET_SHEETS, parseTargetsSteps, parseTargetsWorkbook, pickSheet, writeTargetsWorkbook } from '../excel/targets-sheet'
import { hasSelfEvalIds, parseSelfEvalSteps, writeSelfEvalWorkbook } from '../excel/selfeval-sheet'
import { detectLayout, readFormSheet, type FormSheet } from '../excel/form-reader'
import { selfEvalFromForm, targetsFromForm } from '../excel/form-import'
import { matchSheet, normalizeName, type MatchCandidate } from '../excel/match-sheets'
import type { ParsedMonitoring, ParsedSelfEval, ParsedTargets, ParsedTargetsProject } from '../excel/stage-types'
import type ExcelJS from 'exceljs'
import { executionScore, totalScore } from '../../shared/scoring'
import { FUND_ROW_SOURCES } from '../../shared/domain'
import { computeSelfEval, loadEvaluations, writeSelfEval, type SelfEvalComputed, type SelfEvalInput } from './evaluation'
import { parseJson, type Ctx, type Handlers } from './context'
import { writeMonitoring, type MonitorInput } from './monitoring'
import { listIndicators, replaceIndicators, toIndicator } from './projects'
import { getRound, itemQuery, loadItemDetail, newItemRow, toItem } from './rounds'
import { loadOpenOpinions, opinionCell } from './review-opinions'


async function roundRow(db: Kysely<DB>, id: string) {
  const r = await db.selectFrom('rounds').selectAll().where('id', '=', id).executeTakeFirst()
  if (!r) throw new AppError('NOT_FOUND', '该任务不存在，可能已被删除，请刷新')
  return r
}

/** What a step did with its item: submitted it for review, or why it kept it back. */
type Submission = { submitted: true } | { submitted: false; reason: string }
type Step = (w: Writer) => Promise<Submission>
interface Plan {
  preview: StageImportPreview
  /** One per preview row, in the same order. */
  steps: Step[]
  /** Known before writing (申报表: its own checks); otherwise found by a rehearsal that is rolled back. */
  predicted?: Submission[]
}

const emptySummary = (): StageImportPreview['summary'] => ({ projectsCreated: 0, projectsUpdated: 0, indicatorsCreated: 0, indicatorsUpdated: 0, indicatorsRemoved: 0, itemsFilled: 0, itemsSubmitted: 0 })

/**
 * After the import wrote an item's data: submit it if the stage's checks find nothing missing, as
 * the clerk's 提交审核 would (the unit handing in its form is its submission).
 */
async function submitIfComplete(ctx: Ctx, w: Writer, itemId: string, fileName: string): Promise<Submission> {
  const d = await loadItemDetail(ctx, itemId, w.trx as unknown as Kysely<DB>)
  const errors = d.problems.filter((p) => p.severity === 'error')
  if (errors.length > 0) return { submitted: false, reason: `仍有${errors.length}处需完善（${errors[0]!.message}${errors.length > 1 ? '等' : ''}），导入后暂不提交审核` }
  await submitImported(w, itemId, d.item.status, fileName)
  return { submitted: true }
}

const ROLLBACK = Symbol('rehearsal')

/** Runs the steps in a transaction that is always rolled back, to tell the preview what apply will submit. */
async function rehearse(ctx: Ctx, steps: Step[]): Promise<Submission[] | null> {
  if (ctx.view) return null
  const out: Submission[] = []
  try {
    const breathe = yielder()
    await withWriter(ctx.db, ctx.session.operatorId, ctx.now(), async (w) => {
      for (const step of steps) {
        out.push(await step(w))
        await breathe()
      }
      throw ROLLBACK
    })
  } catch (e) {
    if (e !== ROLLBACK) return null
  }
  return out
}

/** The preview says, per row and in total, what importing will submit for review. */
function annotate(preview: StageImportPreview, outcomes: Submission[]): void {
  outcomes.forEach((o, k) => {
    const row = preview.rows[k]
    if (!row) return
    row.detail = `${row.detail}；${o.submitted ? '导入后提交审核' : o.reason}`
  })
  preview.summary.itemsSubmitted = outcomes.filter((o) => o.submitted).length
}

type Matches = Record<string, string>

const emptyPreview = (problems: ImportProblem[]): StageImportPreview => ({
  summary: emptySummary(),
  rows: [],
  problems,
  warnings: [],
  matching: [],
})

/**
 * The form-shaped sheets of a workbook (one project per sheet, read by labels), each with its layout.
 * A workbook of tables (the product's 项目信息/绩效指标 export) has none and keeps its fast path.
 */
function formSheets(wb: ExcelJS.Workbook, stage: 'selfeval' | 'targets'): FormSheet[] {
  const out: FormSheet[] = []
  for (const ws of wb.worksheets) {
    const d = detectLayout(ws, stage)
    if (d) out.push(readFormSheet(ws, d.layout))
  }
  return out
}

const describeSheet = (f: FormSheet) =>
  `${[f.header.unitName, f.header.department].filter(Boolean).filter((x, i, a) => a.indexOf(x) === i).join(' / ') || '（未填单位）'} · ${f.projectName || '（未填项目名称）'}${f.projectCode ? `（编码 ${f.projectCode}）` : ''}`

/**
 * The project a form sheet belongs to: the user's pick from the matching step, else by code or by
 * unit + name. Unmatched or ambiguous sheets are queued for the matching step; null means "not yet".
 */
function resolveSheet(form: FormSheet, candidates: MatchCandidate[], matches: Matches, county: string, preview: StageImportPreview, canCreate: boolean): MatchCandidate | 'create' | null {
  const chosen = matches[form.sheet]
  if (chosen === MATCH_CREATE && canCreate) return 'create'
  if (chosen) {
    const c = candidates.find((x) => x.id === chosen)
    if (c) return c
    preview.problems.push({ sheet: form.sheet, row: 0, column: '项目名称', message: `为工作表“${form.sheet}”选择的项目已不在本任务中，请重新选择` })
    return null
  }
  const r = matchSheet({ projectCode: form.projectCode, projectName: form.projectName, unitNames: [form.header.unitName, form.header.department] }, candidates, county)
  if (r.kind === 'matched') return r.candidate
  const label = (c: MatchCandidate) => `${c.unitName} · ${c.projectName}${c.projectCode ? `（${c.projectCode}）` : ''}`
  // Suggestions first, then every other project so that any can be picked.
  const ordered = [...r.suggestions, ...candidates.filter((c) => !r.suggestions.includes(c))].slice(0, 1000)
  const request: ImportMatchRequest = { sheet: form.sheet, read: describeSheet(form), reason: r.reason, candidates: ordered.map((c) => ({ id: c.id, label: label(c) })), canCreate }
  preview.matching!.push(request)
  return null
}

/** Marks imported items as submitted (the unit handing in its workbook is its submission). */
async function submitImported(w: Writer, itemId: string, status: ItemStatus, fileName: string) {
  const to = nextStatus(status, 'submit')
  if (!to) return
  const seq = (await w.trx.selectFrom('reviews').select((eb) => eb.fn.max<number>('seq').as('m')).where('item_id', '=', itemId).executeTakeFirst())?.m ?? 0
  await w.insert('reviews', { id: randomUUID(), item_id: itemId, seq: Number(seq) + 1, action: 'submit', conclusion: null, summary: `导入《${fileName}》`, opinions: '[]', operator_id: w.operatorId, division_id: null, at: w.now })
  await w.update('round_items', itemId, { status: to, submitted_at: w.now })
}

/** A stage workbook parsed once at its preview; the apply plans against the database again from it. */
type ParsedFile =
  | { stage: 'targets'; forms: FormSheet[]; parsed: ParsedTargets; notices: string[] }
  | { stage: 'monitoring'; parsed: ParsedMonitoring; notices: string[] }
  | { stage: 'selfeval'; forms: FormSheet[]; parsed: ParsedSelfEval | null; notices: string[] }

interface KeptStageFile {
  roundId: string
  sha256: string
  file: ParsedFile
}

/** Parsed workbooks between preview and apply (a 5,000-project one holds some 30 MB of rows). */
const keptFiles = new KeptFiles<KeptStageFile>(3)

/**
 * Above this size a 申报表 or 监控表 is read with the streaming reader (stream-workbook.ts): the
 * product's list-shaped tables, one row per project or indicator, reach 5,000 projects and 60,000
 * indicator rows at city scale, which exceljs's whole-workbook loader held in 0.6–1 GB. Smaller files,
 * every 自评表 (a sheet per project) and the county forms read by their labels keep the whole loader:
 * the form reader needs merged cells, which the streaming reader does not report, and a small file
 * costs little either way. A big 申报表 whose sheets turn out to be forms is loaded whole after all.
 */
const STREAM_BYTES = 512 * 1024

/**
 * The parse with the save channels' field limits checked (field-limits.ts), once per file: the
 * problems join the reader's, so the preview and the apply that reuses its parse both see them.
 */
async function checked<T extends { problems: ImportProblem[] }>(parsed: T, fields: (p: T) => Steps<ImportProblem[]>): Promise<T> {
  parsed.problems.push(...(await runAsync(fields(parsed))))
  return parsed
}

async function parseStageFile(ctx: Ctx, stage: string, fileName: string, data: Buffer): Promise<ParsedFile> {
  if (stage === 'targets') {
    if (data.length > STREAM_BYTES) {
      // A workbook of tables is parsed as its 绩效指标 sheet streams, the other sheets read first.
      const { wb: lean, result } = await parseLeanWorkbook(data, fileName, {
        live: TARGET_SHEETS.indicators,
        parse: (wb) => (wb.worksheets.some((ws) => ws.name.trim() === '项目信息') || pickSheet(wb, ['项目信息'], PROJECT_COLUMNS, null) ? parseTargetsSteps(wb) : null),
      })
      if (result) return { stage, forms: [], parsed: await checked(result, targetFieldSteps), notices: workbookNotices(lean) }
    }
    const wb = await loadWorkbook(data, fileName)
    // The sheet's shape picks the reader: the product's 项目信息 table (many projects, read as a table),
    // or form-shaped sheets (one project each, read by their labels).
    const forms = wb.worksheets.some((ws) => ws.name.trim() === '项目信息') ? [] : formSheets(wb, 'targets')
    return { stage, forms, parsed: forms.length ? { projects: [], problems: [] } : await checked(parseTargetsWorkbook(wb), targetFieldSteps), notices: workbookNotices(wb) }
  }
  if (stage === 'monitoring') {
    const wb = data.length > STREAM_BYTES ? await readLeanWorkbook(data, fileName) : await loadWorkbook(data, fileName)
    return { stage, parsed: await checked(await parseMonitoringWorkbookAsync(wb), monitoringFieldSteps), notices: workbookNotices(wb) }
  }
  if (stage === 'selfeval') {
    const wb = await loadWorkbook(data, fileName)
    // The product's own 自评表 (hidden ids) keeps its reader; any other form is read by its labels.
    if (!hasSelfEvalIds(wb)) {
      const forms = formSheets(wb, 'selfeval')
      if (forms.length) return { stage, forms, parsed: null, notices: workbookNotices(wb) }
    }
    return { stage, forms: [], parsed: await checked(await runAsync(parseSelfEvalSteps(wb, (await ctx.settings()).scoring)), selfEvalFieldSteps), notices: workbookNotices(wb) }
  }
  throw new AppError('VALIDATION', '财政评价任务不通过 Excel 导入，请在项目详情中录入评价结果')
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')
const expired = (fileName: string) => new AppError('NOT_FOUND', `“${fileName}”的预览已过期（软件重启、预览了其他文件或换了任务），未导入任何数据；请重新预览后再导入`, { repreview: true })
const otherBytes = (fileName: string) => new AppError('VALIDATION', `“${fileName}”与预览时的文件内容不同（预览后文件被修改或换成了另一个文件），未导入任何数据；请重新预览后再导入`, { repreview: true })

/**
 * The parsed file for this call: the preview's, by its token, when the bytes are the same (their
 * sha256); parsed now otherwise. An apply with a token that is unknown or whose file differs is
 * refused, so what is applied is what the user saw previewed.
 */
async function parsedFor(
  ctx: Ctx,
  round: { id: string; stage: string },
  input: { fileName: string; base64?: string | undefined; token?: string | undefined; sha256?: string | undefined },
  forApply: boolean,
): Promise<{ token: string; hash: string; file: ParsedFile }> {
  if (input.base64 === undefined) {
    // An apply naming the kept parse by its token and the file's sha256 (the file is not sent again).
    const kept = input.token ? keptFiles.find(input.token) : undefined
    if (!kept || kept.roundId !== round.id) throw expired(input.fileName)
    if (kept.sha256 !== input.sha256) throw otherBytes(input.fileName)
    return { token: input.token!, hash: kept.sha256, file: kept.file }
  }
  const data = Buffer.from(input.base64, 'base64')
  const hash = sha256(data)
  await turn()
  if (input.token) {
    const kept = keptFiles.find(input.token)
    if (kept && kept.roundId === round.id && kept.sha256 === hash) return { token: input.token, hash, file: kept.file }
    if (forApply) throw !kept || kept.roundId !== round.id ? expired(input.fileName) : otherBytes(input.fileName)
  }
  const file = await parseStageFile(ctx, round.stage, input.fileName, data)
  return { token: keptFiles.keep({ roundId: round.id, sha256: hash, file }), hash, file }
}

async function planTargets(ctx: Ctx, roundId: string, fileName: string, file: Extract<ParsedFile, { stage: 'targets' }>, matches: Matches): Promise<Plan> {
  const round = await roundRow(ctx.db, roundId)
  if (round.stage !== 'targets') throw new AppError('VALIDATION', '请在绩效目标任务中导入申报表')
  const { forms } = file
  // A copy: the kept parse is planned again at apply (form sheets add their projects here).
  const parsed: ParsedTargets = { projects: [...file.parsed.projects], problems: [...file.parsed.problems] }
  const problems: ImportProblem[] = [...parsed.problems]
  const settings = await ctx.settings()
  const scope = parseJson<string[]>(round.unit_ids, [])
  const units = await ctx.db.selectFrom('units').select(['id', 'code', 'name']).execute()
  const unitByCode = new Map(units.map((u) => [u.code, u]))
  const unitByName = new Map(units.map((u) => [u.name, u]))
  // The year's projects (5,000 at city scale) and the round's items: each read in a turn of its own.
  await turn()
  const projects = await ctx.db
    .selectFrom('projects')
    .select(['id', 'unit_id', 'code', 'name', 'amount_fen', 'annual_goal', 'fund_source', 'category'])
    .where('budget_year', '=', round.budget_year)
    .execute()
  const projectById = new Map(projects.map((p) => [p.id, p]))
  const projectByKey = new Map(projects.map((p) => [`${p.unit_id}|${p.name}`, p]))
  await turn()
  const items = await ctx.db.selectFrom('round_items').select(['id', 'project_id', 'status']).where('round_id', '=', roundId).execute()
  const itemByProject = new Map(items.map((i) => [i.project_id, i]))
  await turn()
  const indicators = await listIndicators(ctx.db, projects.map((p) => p.id))
  const preview = emptyPreview(problems)
  preview.notices = file.notices
  const steps: Step[] = []
  const predicted: Submission[] = []
  const breathe = yielder()
  if (forms.length) {
    const unitById = new Map(units.map((u) => [u.id, u]))
    const candidates: MatchCandidate[] = projects.map((p) => ({ id: p.id, unitName: unitById.get(p.unit_id)?.name ?? '', projectName: p.name, projectCode: p.code }))
    const county = settings.org.county
    for (const form of forms) {
      problems.push(...form.problems)
      preview.warnings!.push(...form.warnings)
      const hit = resolveSheet(form, candidates, matches, county, preview, true)
      if (!hit || form.problems.length) continue
      const existing = hit === 'create' ? null : projectById.get(hit.id)!
      let unit = existing ? unitById.get(existing.unit_id) : undefined
      if (!unit) {
        const names = [form.header.unitName, form.header.department].filter(Boolean).map((n) => normalizeName(n, county))
        const found = units.filter((u) => names.includes(normalizeName(u.name, county)))
        if (found.length !== 1) {
          problems.push({ sheet: form.sheet, row: 0, column: '主管部门', message: `新增项目需要预算单位，但“${[form.header.unitName, form.header.department].filter(Boolean).join('”/“') || '（未填）'}”${found.length ? '对应多个单位' : '不在单位名单中'}，请先在“设置—预算单位”中添加或在表中填写单位全称` })
          continue
        }
        unit = found[0]!
      }
      const info = existing ? { id: existing.id, code: existing.code, name: existing.name, fundSource: existing.fund_source, category: existing.category, amountFen: existing.amount_fen, annualGoal: existing.annual_goal } : null
      parsed.projects.push(targetsFromForm(form, { code: unit.code, name: unit.name }, info, existing ? (indicators.get(existing.id) ?? []) : []))
    }
  }
  const seen = new Set<string>()
  for (const p of parsed.projects) {
    await breathe()
    const where = (column: string, message: string) => problems.push({ sheet: p.sheet ?? '项目信息', row: p.row, column, message })
    const unit = unitByCode.get(p.unitCode) ?? unitByName.get(p.unitName)
    if (!unit) {
      where('单位编码', `预算单位“${p.unitCode || p.unitName}”不在单位名单中，请先在“设置—预算单位”中添加`)
      continue
    }
    if (scope.length > 0 && !scope.includes(unit.id)) {
      where('单位编码', `“${unit.name}”不在本任务的单位范围内`)
      continue
    }
    const existing = (p.id && projectById.get(p.id)) || projectByKey.get(`${unit.id}|${p.name}`)
    const key = existing?.id ?? `${unit.id}|${p.name}`
    if (seen.has(key)) {
      where('项目名称', `项目“${p.name}”在表中出现了两次`)
      continue
    }
    seen.add(key)
    const item = existing ? itemByProject.get(existing.id) : undefined
    const old = existing ? (indicators.get(existing.id) ?? []) : []
    const oldById = new Map(old.map((i) => [i.id, i]))
    // Per indicator row, the id it updates (one of the project's own), else undefined for a new one.
    const ids = p.indicators.map((i) => (i.id && oldById.has(i.id) ? i.id : undefined))
    const keptIds = new Set(ids.filter(Boolean))
    const created = ids.filter((id) => !id).length
    const removed = old.filter((i) => !keptIds.has(i.id)).length
    const updated = p.indicators.filter((i, k) => {
      const o = ids[k] ? oldById.get(ids[k]) : undefined
      return o && (o.name !== i.name || o.targetValue !== i.targetValue || o.operator !== i.operator || o.unit !== i.unit || o.weight !== i.weight || o.level2 !== i.level2 || o.explanation !== i.explanation)
    }).length
    const projectChanged = !existing || existing.amount_fen !== p.amountFen || existing.annual_goal !== p.annualGoal || existing.fund_source !== p.fundSource || existing.code !== p.code || existing.category !== p.category
    const action = !existing ? '新增' : projectChanged || created || updated || removed ? '更新' : '不变'
    if (item && !canEdit(item.status as ItemStatus)) {
      // A unit's re-exported workbook holds its approved projects beside the returned one: left as
      // they were, they are passed over; changed, they are refused.
      if (action === '不变') {
        preview.warnings!.push({ sheet: p.sheet ?? '项目信息', row: p.row, column: '项目名称', message: `项目“${p.name}”在本任务中已审核通过，表中未改动，不再导入` })
        continue
      }
      where('项目名称', `项目“${p.name}”在本任务中已审核通过，表中却有改动，不能通过导入修改；如需修改请先撤销审核`)
      continue
    }
    if (!existing) preview.summary.projectsCreated++
    else if (projectChanged) preview.summary.projectsUpdated++
    preview.summary.indicatorsCreated += created
    preview.summary.indicatorsUpdated += updated
    preview.summary.indicatorsRemoved += removed
    preview.summary.itemsFilled++
    const checks = checkIndicators(p.annualGoal, p.indicators.map((i, k) => ({ ...i, id: ids[k] ?? '' })), { weightTotal: settings.indicatorWeightTotal, projectAmountFen: p.amountFen })
    const errors = checks.filter((c) => c.severity === 'error')
    preview.rows.push({
      unitName: unit.name,
      projectName: p.name,
      action,
      detail: `${p.layout ? `按《${p.layout}》读取工作表“${p.sheet}”；` : ''}${p.indicators.length}个指标（新增${created}、修改${updated}、删除${removed}）`,
    })
    // Named as the clerk's 提交审核 would name it, so the unit knows what to complete in its form.
    const submission: Submission = errors.length
      ? { submitted: false, reason: `仍有${errors.length}处需完善（${errors[0]!.message}${errors.length > 1 ? '等' : ''}），导入后暂不提交审核` }
      : { submitted: true }
    predicted.push(submission)
    steps.push(targetStep({ p, ids, projectId: existing?.id, projectChanged, item, unitId: unit.id, budgetYear: round.budget_year, roundId, fileName, submission }))
  }
  return { preview, steps, predicted }
}

/**
 * The write of one 申报表 project, made outside the planning loop so that it holds only what it
 * writes: a closure made in the loop kept the loop's whole scope alive until the apply was done (the
 * project's old indicators, their id sets, the checks), some 5,000 of each at city scale.
 */
function targetStep(s: {
  p: ParsedTargetsProject
  ids: (string | undefined)[]
  projectId: string | undefined
  projectChanged: boolean
  item: { id: string; project_id: string; status: string } | undefined
  unitId: string
  budgetYear: number
  roundId: string
  fileName: string
  submission: Submission
}): Step {
  return async (w) => {
    const { p } = s
    let projectId = s.projectId
    const row = { code: p.code, name: p.name, amount_fen: p.amountFen, fund_source: p.fundSource, category: p.category, annual_goal: p.annualGoal }
    if (!projectId) {
      projectId = randomUUID()
      await w.insert('projects', { id: projectId, budget_year: s.budgetYear, unit_id: s.unitId, origin: '导入', origin_id: null, ...row })
    } else if (s.projectChanged) await w.update('projects', projectId, row)
    await replaceIndicators(w, projectId, p.indicators.map((i, k) => ({ ...i, id: s.ids[k] })))
    let it = s.item
    if (!it) {
      const id = randomUUID()
      await w.insert('round_items', newItemRow(id, s.roundId, projectId))
      it = { id, project_id: projectId, status: '待填报' }
    }
    if (s.submission.submitted) await submitImported(w, it.id, it.status as ItemStatus, s.fileName)
    return s.submission
  }
}

async function planMonitoring(ctx: Ctx, roundId: string, fileName: string, file: Extract<ParsedFile, { stage: 'monitoring' }>): Promise<Plan> {
  const round = await roundRow(ctx.db, roundId)
  if (round.stage !== 'monitoring') throw new AppError('VALIDATION', '请在运行监控任务中导入监控表')
  const { parsed } = file
  const problems: ImportProblem[] = [...parsed.problems]
  const rows = await roundRows(ctx.db, roundId)
  const byItem = new Map(rows.map((r) => [r.id, r]))
  const byProject = new Map(rows.map((r) => [r.projectId, r]))
  const byName = new Map(rows.map((r) => [`${r.unitCode}|${r.projectName}`, r]))
  const indicators = await listIndicators(ctx.db, rows.map((r) => r.projectId))
  // Read before the write transaction, once for every project of the workbook.
  const settings = await ctx.settings()
  const rules = settings.warnings
  const levels = settings.scoring.qualitative
  const warnings: ImportProblem[] = []
  const preview: StageImportPreview = { summary: emptySummary(), rows: [], problems, warnings, notices: file.notices }
  const steps: Step[] = []
  const breathe = yielder()
  for (const p of parsed.projects) {
    await breathe()
    const item = byItem.get(p.itemId) ?? byProject.get(p.projectId) ?? byName.get(`${p.unitCode}|${p.name}`)
    if (!item) {
      problems.push({ sheet: '项目执行', row: p.row, column: '项目编号', message: `项目“${p.name}”不在本监控任务中，请使用本任务导出的监控表` })
      continue
    }
    const own = indicators.get(item.projectId) ?? []
    const ownIds = new Set(own.map((i) => i.id))
    const values: MonitorInput['values'] = []
    let bad = false
    for (const ind of p.indicators) {
      const match = ownIds.has(ind.id) ? ind.id : own.find((o) => o.name === ind.name)?.id
      if (!match) {
        problems.push({ sheet: '指标完成', row: p.row, column: '指标编号', message: `项目“${p.name}”的指标“${ind.name}”不在已批复的绩效目标中，监控表中的指标不能增删` })
        bad = true
        continue
      }
      values.push({ indicatorId: match, actual: ind.actual, forecast: ind.forecast, likelihood: ind.likelihood, causes: ind.causes, measures: ind.measures })
    }
    if (bad) continue
    const input: MonitorInput = { executedFen: p.executedFen, forecastFen: p.forecastFen, deviation: p.deviation, measures: p.measures, values }
    if (!canEdit(item.status)) {
      // A returned unit's re-exported 监控表 holds its approved projects too: unchanged, they are passed over.
      if (await sameMonitoring(ctx, item.id, input)) {
        warnings.push({ sheet: '项目执行', row: p.row, column: '项目名称', message: `项目“${p.name}”已审核通过，表中未改动，不再导入` })
        continue
      }
      problems.push({ sheet: '项目执行', row: p.row, column: '项目名称', message: `项目“${p.name}”已审核通过，表中却有改动，不能通过导入修改；如需修改请先撤销审核` })
      continue
    }
    preview.summary.itemsFilled++
    preview.rows.push({ unitName: item.unitName, projectName: item.projectName, action: item.status === '待填报' ? '新增' : '更新', detail: `执行数${p.executedFen === null ? '未填' : formatWan(p.executedFen) + '万元'}，${values.length}个指标` })
    steps.push(async (w) => {
      await writeMonitoring(w, item.id, input, rules, levels)
      return submitIfComplete(ctx, w, item.id, fileName)
    })
  }
  return { preview, steps }
}

/** Whether a 监控表 row says what the item already holds (its figures, 说明 and every indicator's values). */
async function sameMonitoring(ctx: Ctx, itemId: string, input: MonitorInput): Promise<boolean> {
  const d = await loadItemDetail(ctx, itemId)
  if (d.item.executedFen !== input.executedFen || d.item.forecastFen !== input.forecastFen || d.deviation !== input.deviation || d.measures !== input.measures) return false
  const stored = new Map(d.values.map((v) => [v.indicatorId, v]))
  return input.values.every((v) => {
    const o = stored.get(v.indicatorId)
    return !!o && o.actual === v.actual && o.forecast === v.forecast && o.likelihood === v.likelihood && o.causes.join('、') === v.causes.join('、') && o.measures === v.measures
  })
}

/**
 * A unit's re-exported 自评表 holds its approved projects beside the returned one: left as they
 * were, they are passed over with a note; changed, they are refused (an approval is undone first).
 */
async function passOverApproved(ctx: Ctx, itemId: string, name: string, c: SelfEvalComputed, where: Omit<ImportProblem, 'message'>, preview: StageImportPreview): Promise<void> {
  if (await sameSelfEval(ctx, itemId, c)) (preview.warnings ??= []).push({ ...where, message: `项目“${name}”已审核通过，表中未改动，不再导入` })
  else preview.problems.push({ ...where, message: `项目“${name}”已审核通过，表中却有改动，不能通过导入修改；如需修改请先撤销审核` })
}

/** Fund lines as a comparable text, leaving out the form's empty lines (上年结转 0, 其他 0). */
const fundsKey = (funds: { source: string; initialFen: number | null; budgetFen: number | null; executedFen: number | null }[]) =>
  JSON.stringify(funds.filter((f) => f.initialFen || f.budgetFen || f.executedFen).map((f) => [f.source, f.initialFen ?? 0, f.budgetFen ?? 0, f.executedFen ?? 0]))

/** Whether a 自评表 says what the item already holds: its funds, texts and every indicator's 完成值, 得分 and 原因. */
async function sameSelfEval(ctx: Ctx, itemId: string, c: SelfEvalComputed): Promise<boolean> {
  const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? '') === (b ?? '')
  const item = await ctx.db.selectFrom('round_items').select(['funds', 'eval_conclusion', 'eval_problems', 'eval_improvements', 'deviation']).where('id', '=', itemId).executeTakeFirstOrThrow()
  if (!same(fundsKey(parseJson(item.funds ?? '[]', [])), fundsKey(c.funds)) || !same(item.eval_conclusion, c.input.conclusion) || !same(item.eval_problems, c.input.problems) || !same(item.eval_improvements, c.input.improvements) || !same(item.deviation, c.input.executionNote)) return false
  const stored = new Map((await ctx.db.selectFrom('indicator_values').select(['indicator_id', 'actual', 'inapplicable', 'final_score', 'reason']).where('item_id', '=', itemId).execute()).map((v) => [v.indicator_id, v]))
  return c.rows.every((r) => {
    const o = stored.get(r.ind.id)
    return !!o && same(o.actual, r.actual) && o.inapplicable === (r.inapplicable ? 1 : 0) && o.final_score === r.final && same(o.reason, r.reason)
  })
}

async function planSelfEval(ctx: Ctx, roundId: string, fileName: string, file: Extract<ParsedFile, { stage: 'selfeval' }>, matches: Matches): Promise<Plan> {
  if (!file.parsed) return planSelfEvalForms(ctx, roundId, fileName, file.forms, matches)
  const { parsed } = file
  const problems: ImportProblem[] = [...parsed.problems]
  const rows = await roundRows(ctx.db, roundId)
  const byItem = new Map(rows.map((r) => [r.id, r]))
  const byProject = new Map(rows.map((r) => [r.projectId, r]))
  const byName = new Map(rows.map((r) => [`${r.unitCode}|${r.projectName}`, r]))
  const indicators = await listIndicators(ctx.db, rows.map((r) => r.projectId))
  const preview: StageImportPreview = { summary: emptySummary(), rows: [], problems, notices: file.notices }
  const steps: Step[] = []
  const breathe = yielder()
  for (const p of parsed.projects) {
    await breathe()
    const item = byItem.get(p.itemId) ?? byProject.get(p.projectId) ?? byName.get(`${p.unitCode}|${p.name}`)
    if (!item) {
      problems.push({ sheet: p.sheet, row: 2, column: '自评编号', message: `项目“${p.name}”不在本自评任务中，请使用本任务导出的自评表` })
      continue
    }
    const own = indicators.get(item.projectId) ?? []
    const values: SelfEvalInput['values'] = []
    for (const ind of p.indicators) {
      const match = own.find((o) => o.id === ind.id) ?? own.find((o) => o.name === ind.name)
      if (!match) {
        problems.push({ sheet: p.sheet, row: 0, column: '指标编号', message: `指标“${ind.name}”不在该项目已批复的绩效目标中` })
        continue
      }
      const inapplicable = ind.actual === '不适用'
      // A unit's own 得分 is kept as the final score; where it differs from the rule the difference
      // is recorded as an override whose reason says it came from the unit's workbook.
      values.push({ indicatorId: match.id, actual: inapplicable ? '' : ind.actual, inapplicable, finalScore: inapplicable ? null : ind.score, overrideReason: ind.score !== null ? `单位自评表填报得分（导入《${fileName}》）` : '', reason: ind.reason })
    }
    const typed = p.typedTotalScore ?? null
    const input: SelfEvalInput = { funds: p.funds, values, executionNote: p.executionNote, conclusion: p.conclusion, problems: p.problems, improvements: p.improvements, unitScores: { total: typed, execution: null } }
    try {
      const computed = await computeSelfEval(ctx, ctx.db, item.projectId, input)
      if (!canEdit(item.status)) {
        await passOverApproved(ctx, item.id, item.projectName, computed, { sheet: p.sheet, row: 3, column: '项目名称' }, preview)
        continue
      }
      const t = computed.total
      const flag = typed !== null && typed !== t?.total ? `；单位填报总分${typed}分，按规则计算${t ? `${t.total}分` : '尚无总分（有指标未得分）'}` : ''
      preview.summary.itemsFilled++
      preview.rows.push({ unitName: item.unitName, projectName: item.projectName, action: item.status === '待填报' ? '新增' : '更新', detail: `${t ? `自评得分${t.total}分（${t.grade}）` : '尚有指标未得分'}${flag}` })
      steps.push(async (w) => {
        await writeSelfEval(w, item.id, computed)
        return submitIfComplete(ctx, w, item.id, fileName)
      })
    } catch (e) {
      problems.push({ sheet: p.sheet, row: 0, column: '', message: e instanceof Error ? e.message : String(e) })
    }
  }
  return { preview, steps }
}

/** "H20" as the row and the column a problem names: 20, "H（总分）". */
function cellAt(address: string, label: string): { row: number; column: string } {
  const m = /^([A-Z]+)(\d+)$/.exec(address)
  return m ? { row: Number(m[2]), column: `${m[1]}（${label}）` } : { row: 0, column: address }
}

/** 自评 from form sheets (the 财政部 form, provincial variants): matched, converted and scored by rule. */
async function planSelfEvalForms(ctx: Ctx, roundId: string, fileName: string, forms: FormSheet[], matches: Matches): Promise<Plan> {
  const settings = await ctx.settings()
  const rows = await roundRows(ctx.db, roundId)
  const byId = new Map(rows.map((r) => [r.id, r]))
  const indicators = await listIndicators(ctx.db, rows.map((r) => r.projectId))
  const candidates: MatchCandidate[] = rows.map((r) => ({ id: r.id, unitName: r.unitName, projectName: r.projectName, projectCode: r.projectCode }))
  const preview = emptyPreview([])
  const { problems } = preview
  const warnings = preview.warnings!
  const steps: Step[] = []
  const used = new Map<string, string>()
  const breathe = yielder()
  for (const form of forms) {
    await breathe()
    problems.push(...form.problems)
    warnings.push(...form.warnings)
    const hit = resolveSheet(form, candidates, matches, settings.org.county, preview, false)
    if (!hit || hit === 'create') continue
    const item = byId.get(hit.id)!
    if (used.has(item.id)) {
      problems.push({ sheet: form.sheet, row: 0, column: '项目名称', message: `工作表“${form.sheet}”与“${used.get(item.id)}”对应同一个项目“${item.projectName}”，请删除多余的一张或重新选择` })
      continue
    }
    used.set(item.id, form.sheet)
    const conv = selfEvalFromForm(form, indicators.get(item.projectId) ?? [], settings.scoring, fileName)
    problems.push(...conv.problems)
    warnings.push(...conv.warnings)
    if (form.problems.length || conv.problems.length) continue
    // The unit's typed 总分 and 预算执行 得分 are kept as its own, beside the rule's (never over them).
    const unitScores = { total: form.typedTotalScore?.value ?? null, execution: form.typedExecutionScore?.value ?? null }
    // The 10号 form has no 评价结论 row: there the unit's 年度总体目标 实际完成情况 is its statement of
    // the year's result and stands as the conclusion (else every such import would stay 待填报). A form
    // with a 评价结论 row left blank still has to be completed.
    const conclusion = form.has.conclusion || !form.goalActual ? form.footer.conclusion : `年度总体目标完成情况：${form.goalActual}`
    const input: SelfEvalInput = { funds: form.funds, values: conv.values, executionNote: form.executionNote, conclusion, problems: form.footer.problems, improvements: form.footer.improvements, unitScores }
    try {
      const computed = await computeSelfEval(ctx, ctx.db, item.projectId, input)
      if (!canEdit(item.status)) {
        await passOverApproved(ctx, item.id, item.projectName, computed, { sheet: form.sheet, row: 0, column: '项目名称' }, preview)
        continue
      }
      const exec = executionScore(computed.budget, computed.executed, settings.scoring)
      const flags: string[] = []
      if (form.typedExecutionScore && form.typedExecutionScore.value !== exec.score) {
        flags.push(`单位填报预算执行得分${form.typedExecutionScore.value}分，按金额计算${exec.score}分`)
        warnings.push({ sheet: form.sheet, ...cellAt(form.typedExecutionScore.where, '预算执行得分'), message: `单位填报的预算执行得分${form.typedExecutionScore.value}分，按金额计算为${exec.score}分：保留单位得分，计算结果一并记录，审核时请确认` })
      }
      const total = computed.total
      if (form.typedTotalScore && form.typedTotalScore.value !== total?.total) {
        flags.push(`单位填报总分${form.typedTotalScore.value}分，按规则计算${total ? `${total.total}分` : '尚无总分（有指标未得分）'}`)
        warnings.push({
          sheet: form.sheet,
          ...cellAt(form.typedTotalScore.where, '总分'),
          message: `单位填报总分${form.typedTotalScore.value}分，按规则和单位各项得分计算为${total ? `${total.total}分（${total.grade}）` : '——（尚有指标未得分）'}：保留单位填报总分，计算结果一并记录，审核时请确认`,
        })
      }
      if (conclusion !== form.footer.conclusion) flags.push('表中没有“评价结论”栏，以年度总体目标的“实际完成情况”作为评价结论')
      preview.summary.itemsFilled++
      preview.rows.push({
        unitName: item.unitName,
        projectName: item.projectName,
        action: item.status === '待填报' ? '新增' : '更新',
        detail: `按《${form.layout.name}》读取工作表“${form.sheet}”；${total ? `自评得分${total.total}分（${total.grade}）` : '尚有指标未得分'}${conv.ownScores ? `；${conv.ownScores}个指标保留单位填报得分` : ''}${flags.map((f) => `；${f}`).join('')}`,
      })
      steps.push(async (w) => {
        await writeSelfEval(w, item.id, computed)
        return submitIfComplete(ctx, w, item.id, fileName)
      })
    } catch (e) {
      problems.push({ sheet: form.sheet, row: 0, column: '', message: e instanceof Error ? e.message : String(e) })
    }
  }
  return { preview, steps }
}

async function plan(ctx: Ctx, roundId: string, fileName: string, file: ParsedFile, matches: Matches = {}): Promise<Plan> {
  if (file.stage === 'targets') return planTargets(ctx, roundId, fileName, file, matches)
  if (file.stage === 'monitoring') return planMonitoring(ctx, roundId, fileName, file)
  return planSelfEval(ctx, roundId, fileName, file, matches)
}

/**
 * Items per page when an export reads a round: its rows, and what the 申报表's and 监控表's
 * sheets need of them (indicators, values), a page at a time as the workbook is written. Under SQLite's limit of
 * bound parameters, and small enough that a page's rows are a few MB at most.
 */
export const EXPORT_PAGE = 500

type RoundRowItem = ReturnType<typeof toItem>
type OpinionsOf = (itemId: string, indicatorIds: string[]) => { project: string | undefined; indicator: (id: string) => string | undefined }

/** One project's 自评表 sheet from its item and its 自评 (as the item's own page shows them). */
function selfEvalSheetProject(r: RoundRowItem, own: { indicators: IndicatorRow[]; evaluation: EvaluationDetail }, opinionsOf: OpinionsOf): SheetSelfEvalProject {
  const e = own.evaluation
  const given = new Map(e.funds.map((f) => [f.source, f]))
  const op = opinionsOf(r.id, own.indicators.map((i) => i.id))
  return {
    opinion: op.project,
    itemId: r.id,
    projectId: r.projectId,
    unitCode: r.unitCode,
    unitName: r.unitName,
    code: r.projectCode,
    name: r.projectName,
    // All three sources pre-filled with what is known, so the unit only adds 全年执行数.
    funds: FUND_ROW_SOURCES.map((source, k) => given.get(source) ?? { source, initialFen: k === 0 ? r.amountFen : 0, budgetFen: k === 0 ? r.amountFen : 0, executedFen: 0 }),
    executionNote: e.executionNote,
    indicators: own.indicators.map((row, k) => {
      const ind = toIndicator(row)
      const v = e.values[k]!
      return { id: ind.id, level1: ind.level1, level2: ind.level2, name: ind.name, operator: ind.operator, targetValue: ind.targetValue, unit: ind.unit, weight: v.weight, actual: v.inapplicable ? '不适用' : v.actual, score: v.finalScore, reason: v.reason, opinion: op.indicator(ind.id) }
    }),
    conclusion: e.conclusion,
    problems: e.problems,
    improvements: e.improvements,
  }
}

/**
 * A round's items in the workbook's order (unit code, project name), read a page at a time with the
 * event loop given a turn between pages: the whole of a 5,000-project round in one statement held
 * the main process for 150 ms and more. Keyset paging, so a page never repeats or skips a row.
 */
async function roundRows(db: Kysely<DB>, roundId: string) {
  const out: RoundRowItem[] = []
  let after: { code: string; name: string; id: string } | null = null
  for (;;) {
    let q = itemQuery(db).where('i.round_id', '=', roundId)
    if (after) q = q.where(sql<boolean>`(u.code, p.name, i.id) > (${after.code}, ${after.name}, ${after.id})`)
    const page = await q.orderBy('u.code').orderBy('p.name').orderBy('i.id').limit(EXPORT_PAGE).execute()
    for (const r of page) out.push(toItem(r))
    const last = page[page.length - 1]
    if (page.length < EXPORT_PAGE || !last) return out
    after = { code: last.unit_code, name: last.project_name, id: last.id }
    await new Promise<void>((r) => setImmediate(r))
  }
}

/** The round, refusing 财政评价 (no workbook) before any file is read. */
async function importRound(ctx: Ctx, roundId: string) {
  const round = await roundRow(ctx.db, roundId)
  if (round.stage === 'fiscaleval') throw new AppError('VALIDATION', '财政评价任务不通过 Excel 导入，请在项目详情中录入评价结果')
  return round
}

export const stageExcelHandlers: Pick<Handlers, 'stageExcel/export' | 'stageExcel/preview' | 'stageExcel/apply'> = {
  async 'stageExcel/export'({ roundId, unitIds, oneFile }, ctx) {
    const round = await getRound(ctx, roundId)
    const rows = await roundRows(ctx.db, roundId)
    const chosen = unitIds.length ? ((wanted: Set<string>) => rows.filter((r) => wanted.has(r.unitId)))(new Set(unitIds)) : rows
    if (chosen.length === 0) throw new AppError('VALIDATION', '所选单位在本任务中没有项目')
    // A returned item's workbook carries the opinions it was returned with, where they apply.
    const opinions = await loadOpenOpinions(ctx.db, roundId)
    const opinionsOf = (itemId: string, indicatorIds: string[]) => {
      const o = opinions.get(itemId)
      if (!o) return { project: undefined, indicator: (_id: string): string | undefined => undefined }
      const known = new Set(indicatorIds)
      // An opinion on an indicator the unit has since removed still reaches it, on the project row.
      const orphans = [...o.indicators].filter(([id]) => !known.has(id)).flatMap(([, t]) => t)
      return { project: opinionCell([...o.project, ...orphans]), indicator: (id: string) => opinionCell(o.indicators.get(id)) }
    }
    /**
     * The indicators of a sheet read a page of EXPORT_PAGE items at a time as it is written (申报表, 监控表:
     * a whole round's 60,000 at once held tens of MB for the length of the export). The few items
     * with open opinions have theirs placed first (an opinion on a removed indicator goes on the
     * project row), so the opinion column is known before any row is written.
     */
    const opinionPlan = async (group: typeof chosen) => {
      const opinionated = group.filter((r) => opinions.has(r.id))
      const own = await listIndicators(ctx.db, opinionated.map((r) => r.projectId))
      const ops = new Map(opinionated.map((r) => [r.id, opinionsOf(r.id, (own.get(r.projectId) ?? []).map((i) => i.id))]))
      // `fill` gets the page's sheet rows, their indicators by project id, and their round items.
      const pagesOf = <P,>(projects: P[], projectId: (p: P) => string, fill: (page: P[], indicators: Map<string, Indicator[]>, items: typeof group) => Promise<P[]>): IndicatorPages<P> => ({
        count: group.reduce((n, r) => n + r.indicatorCount, 0),
        anyOpinion: opinionated.some((r) => (own.get(r.projectId) ?? []).some((i) => ops.get(r.id)!.indicator(i.id)?.trim())),
        async *pages() {
          for (let i = 0; i < projects.length; i += EXPORT_PAGE) {
            const page = projects.slice(i, i + EXPORT_PAGE)
            yield await fill(page, await listIndicators(ctx.db, page.map(projectId)), group.slice(i, i + EXPORT_PAGE))
          }
        },
      })
      return { ops, pagesOf }
    }
    const folder = join(await ctx.outputDir(), String(round.workYear), safeFileName(round.title))
    const byUnit = new Map<string, typeof chosen>()
    for (const r of chosen) {
      const list = byUnit.get(r.unitId)
      if (list) list.push(r)
      else byUnit.set(r.unitId, [r])
    }
    const groups = oneFile ? [chosen] : [...byUnit.values()]
    // The 自评表 has a sheet per project: each file must be one the import takes back. Checked
    // before any file is written.
    const crowded = round.stage === 'selfeval' ? groups.find((g) => g.length > SELFEVAL_FILE_PROJECTS) : undefined
    if (crowded) {
      throw new AppError(
        'VALIDATION',
        oneFile
          ? `自评表每个项目一张工作表，一个文件最多 ${SELFEVAL_FILE_PROJECTS} 个项目（再多 Excel、WPS 打开缓慢，导入时也会被拒绝），本任务${unitIds.length ? '所选单位' : ''}有 ${crowded.length} 个项目；请选择“每个单位一个文件”`
          : `“${crowded[0]!.unitName}”在本任务中有 ${crowded.length} 个项目，超过自评表一个文件 ${SELFEVAL_FILE_PROJECTS} 个项目的上限（每个项目一张工作表）；请把该单位的项目分到两个自评任务中`,
      )
    }
    const paths: string[] = []
    const breathe = yielder()
    for (const group of groups) {
      const first = group[0]!
      const label = oneFile ? '全部单位' : `${first.unitCode}${first.unitName}`
      let write: (out: Writable) => Promise<void>
      let kind: string
      if (round.stage === 'targets') {
        const goals = new Map<string, string>()
        for (let i = 0; i < group.length; i += EXPORT_PAGE) {
          const rows = await ctx.db.selectFrom('projects').select(['id', 'annual_goal']).where('id', 'in', group.slice(i, i + EXPORT_PAGE).map((r) => r.projectId)).execute()
          for (const p of rows) goals.set(p.id, p.annual_goal)
          await breathe()
        }
        const { ops, pagesOf } = await opinionPlan(group)
        const projects: SheetProject[] = group.map((r) => ({ id: r.projectId, unitCode: r.unitCode, unitName: r.unitName, code: r.projectCode, name: r.projectName, fundSource: r.fundSource, category: r.category, amountFen: r.amountFen, annualGoal: goals.get(r.projectId) ?? '', indicators: [], opinion: ops.get(r.id)?.project }))
        const indicatorPages = pagesOf(projects, (p) => p.id, async (page, own, items) =>
          page.map((p, k) => {
            const list = own.get(p.id) ?? []
            const op = ops.get(items[k]!.id)
            // Most items have no open opinion: their indicators go in as loaded, not copied.
            return { ...p, indicators: op ? list.map((x) => ({ ...x, opinion: op.indicator(x.id) })) : list }
          }),
        )
        const units = [...new Map(group.map((r) => [r.unitCode, { code: r.unitCode, name: r.unitName }])).values()]
        const input = { title: `${round.budgetYear}年度项目支出绩效目标申报表`, deadline: round.deadline, units, projects, indicatorPages }
        write = (out) => writeTargetsWorkbook(input, out)
        kind = '绩效目标申报表'
      } else if (round.stage === 'selfeval') {
        // A file holds at most SELFEVAL_FILE_PROJECTS (checked above): its items, their indicators
        // and values in three statements (loadEvaluations).
        const rows = new Map((await ctx.db.selectFrom('round_items').selectAll().where('id', 'in', group.map((r) => r.id)).execute()).map((x) => [x.id, x]))
        const items = group.map((r) => rows.get(r.id))
        if (items.some((x) => !x)) throw new AppError('CONFLICT', '导出过程中本任务的项目有变动（可能刚被移出任务），请重新导出')
        await breathe()
        const evaluations = await loadEvaluations(ctx, items as NonNullable<(typeof items)[number]>[], breathe)
        const projects = group.map((r) => selfEvalSheetProject(r, evaluations.get(r.id)!, opinionsOf))
        const input = { title: `${round.budgetYear}年度项目支出绩效自评表`, budgetYear: round.budgetYear, deadline: round.deadline, projects }
        write = (out) => writeSelfEvalWorkbook(input, out)
        kind = '项目支出绩效自评表'
      } else if (round.stage === 'fiscaleval') {
        throw new AppError('VALIDATION', '财政评价任务没有需要单位填写的表格')
      } else {
        const itemText = new Map<string, { deviation: string; measures: string }>()
        for (let i = 0; i < group.length; i += EXPORT_PAGE) {
          for (const it of await ctx.db.selectFrom('round_items').select(['id', 'deviation', 'measures']).where('id', 'in', group.slice(i, i + EXPORT_PAGE).map((r) => r.id)).execute()) itemText.set(it.id, it)
          await breathe()
        }
        const { ops, pagesOf } = await opinionPlan(group)
        const projects: SheetMonitorProject[] = group.map((r) => {
          const it = itemText.get(r.id) ?? { deviation: '', measures: '' }
          return { opinion: ops.get(r.id)?.project, itemId: r.id, projectId: r.projectId, unitCode: r.unitCode, unitName: r.unitName, code: r.projectCode, name: r.projectName, budgetFen: r.amountFen, executedFen: r.executedFen, forecastFen: r.forecastFen, deviation: it.deviation, measures: it.measures, indicators: [] }
        })
        itemText.clear()
        // Each page's indicators with the values the units filled in.
        const indicatorPages = pagesOf(projects, (p) => p.projectId, async (page, own) => {
          const values = new Map<string, Selectable<DB['indicator_values']>>()
          for (const v of await ctx.db.selectFrom('indicator_values').selectAll().where('item_id', 'in', page.map((p) => p.itemId)).execute()) values.set(`${v.item_id}|${v.indicator_id}`, v)
          return page.map((p) => {
            const op = ops.get(p.itemId)
            return {
              ...p,
              indicators: (own.get(p.projectId) ?? []).map((ind) => {
                const v = values.get(`${p.itemId}|${ind.id}`)
                return { ...ind, actual: v?.actual ?? '', forecast: v?.forecast ?? '', likelihood: v?.likelihood ?? '', causes: v ? parseJson<string[]>(v.causes, []) : [], measures: v?.measures ?? '', opinion: op?.indicator(ind.id) }
              }),
            }
          })
        })
        const input = { title: `${round.budgetYear}年度项目支出绩效运行监控表（1-${round.asOfMonth}月）`, asOfMonth: round.asOfMonth ?? 12, deadline: round.deadline, projects, indicatorPages }
        write = (out) => writeMonitoringWorkbook(input, out)
        kind = `绩效运行监控表（1-${round.asOfMonth}月）`
      }
      const path = join(folder, safeFileName(`${label}-${round.budgetYear}年度${kind}.xlsx`))
      await writeStreamedFile(path, write)
      paths.push(path)
    }
    return { paths, folder }
  },

  async 'stageExcel/preview'(input, ctx) {
    const { roundId, fileName, matches } = input
    const round = await importRound(ctx, roundId)
    const { token, hash, file } = await parsedFor(ctx, round, input, false)
    const { preview, steps, predicted } = await plan(ctx, roundId, fileName, file, matches)
    preview.token = token
    preview.sha256 = hash
    // What apply will submit is told once every sheet has its project and nothing is wrong.
    if (preview.problems.length === 0 && !preview.matching?.length) {
      const outcomes = predicted ?? (await rehearse(ctx, steps))
      if (outcomes) annotate(preview, outcomes)
    }
    return preview
  },

  async 'stageExcel/apply'(input, ctx) {
    const { roundId, fileName, matches } = input
    const round = await importRound(ctx, roundId)
    // With the preview's token, the preview's parse (refused if the bytes differ); without one
    // (scripts), the file is parsed here once.
    const { token, file } = await parsedFor(ctx, round, input, true)
    const { preview, steps } = await plan(ctx, roundId, fileName, file, matches)
    const waiting = preview.matching?.length ?? 0
    if (waiting > 0) {
      throw new AppError('IMPORT_INVALID', `“${fileName}”中有 ${waiting} 张工作表还没有对应到项目，请在预览中为每张表选择项目后再导入。`, waiting ? preview.matching!.map((m) => ({ sheet: m.sheet, row: 0, column: '项目名称', message: `${m.read}：${m.reason}` })) : [])
    }
    if (preview.problems.length > 0) {
      throw new AppError('IMPORT_INVALID', `“${fileName}”中有 ${preview.problems.length} 处问题，未导入任何数据。请修改后重新导入。`, preview.problems)
    }
    // Apply answers with the summary only: the plan's 5,000 preview rows need not live through the writes.
    preview.rows = []
    const outcomes: Submission[] = []
    // One transaction; the loop gives the event loop a turn every few tens of milliseconds (other
    // calls' queries wait for the connection meanwhile, their answers do not wait for the whole import).
    const breathe = yielder()
    await ctx.write(async (w) => {
      for (const step of steps) {
        outcomes.push(await step(w))
        await breathe()
      }
    })
    keptFiles.drop(token)
    annotate(preview, outcomes)
    return preview.summary
  },
}
