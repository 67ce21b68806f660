/**
 * The shared stage mechanism: rounds (任务) over the projects of a budget year, per-project items
 * moving 待填报 → 已填报 → 退回修改 / 已审核, every review kept, and the 结果运用 step.
 * Stages differ only in what "filled in" means (checkFilled) and in their data screens.
 */
import { defaultDateIn, isoDate } from '../../shared/dates'
import { randomUUID } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { ItemSort } from '../../shared/api'
import type { FundSource, ItemDetail, JobOutcome, MonitorValue, ProjectCategory, Review, ReviewOpinion, Round, RoundItem } from '../../shared/domain'
import { checkIndicators, type IndicatorProblem } from '../../shared/indicators'
import { sumFen, ratePercent } from '../../shared/money'
import type { Light } from '../../shared/monitoring'
import { AppError } from '../../shared/result'
import type { Settings } from '../../shared/settings'
import { numericValueProblem, overBudgetProblem } from '../../shared/value-checks'
import {
  ACTION_NAMES,
  actionForConclusion,
  ITEM_STATUSES,
  nextStatus,
  refusalMessage,
  STAGES,
  type ItemAction,
  type ItemStatus,
  type Stage,
  type TargetConclusion,
} from '../../shared/stage'
import { assertItemVisible, assertMayTransition, assertMayUseResult, listDivisionScope } from '../auth/scope'
import type { DB, RoundRow } from '../db/schema'
import type { Writer } from '../db/writer'
import { parseJson, type Ctx, type Handlers } from './context'
import { checkSelfEval, loadEvaluation, loadRectification } from './evaluation'
import { getProject, listIndicators } from './projects'

const emptyCounts = () => Object.fromEntries(ITEM_STATUSES.map((s) => [s, 0])) as Record<ItemStatus, number>

async function toRound(db: Kysely<DB>, r: RoundRow, now: Date, withStats = true, divisionScope?: string): Promise<Round> {
  // An item's detail needs the round's facts, not its totals: skip the group-by over every item.
  let q = db
    .selectFrom('round_items as i')
    .innerJoin('projects as p', 'p.id', 'i.project_id')
    .select(['i.status', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('p.amount_fen').as('fen')])
    .where('i.round_id', '=', r.id)
  // A 股室审核's totals are those of their 股室's units, like their list.
  if (divisionScope !== undefined) q = q.where((eb) => eb.exists(eb.selectFrom('units as u').select('u.id').whereRef('u.id', '=', 'p.unit_id').where('u.division_id', '=', divisionScope)))
  const stats = !withStats ? [] : await q.groupBy('i.status').execute()
  const counts = emptyCounts()
  for (const s of stats) counts[s.status as ItemStatus] = Number(s.n)
  const itemCount = stats.reduce((a, s) => a + Number(s.n), 0)
  return {
    id: r.id,
    stage: r.stage as Stage,
    workYear: r.work_year,
    budgetYear: r.budget_year,
    title: r.title,
    deadline: r.deadline,
    asOfMonth: r.as_of_month,
    unitIds: parseJson<string[]>(r.unit_ids, []),
    projectIds: parseJson<string[]>(r.project_ids, []),
    notes: r.notes,
    counts,
    itemCount,
    totalFen: sumFen(stats.map((s) => Number(s.fen ?? 0))),
    overdue: !!r.deadline && r.deadline < isoDate(now) && counts['已审核'] < itemCount,
    createdAt: r.created_at,
    version: r.version,
  }
}

export async function getRound(ctx: Ctx, id: string, db: Kysely<DB> = ctx.db, withStats = true): Promise<Round> {
  const r = await db.selectFrom('rounds').selectAll().where('id', '=', id).executeTakeFirst()
  if (!r) throw new AppError('NOT_FOUND', '该任务不存在，可能已被删除，请刷新')
  return toRound(db, r, ctx.now(), withStats, listDivisionScope(ctx))
}

export function itemQuery(db: Kysely<DB>) {
  return db
    .selectFrom('round_items as i')
    .innerJoin('projects as p', 'p.id', 'i.project_id')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .leftJoin('divisions as d', 'd.id', 'u.division_id')
    .selectAll('i')
    .select([
      'p.code as project_code',
      'p.name as project_name',
      'p.category',
      'p.unit_id',
      'p.fund_source',
      'p.amount_fen',
      'u.code as unit_code',
      'u.name as unit_name',
      'u.division_id',
      'd.name as division_name',
      (eb) => eb.selectFrom('indicators as x').select(eb.fn.countAll<number>().as('n')).whereRef('x.project_id', '=', 'p.id').as('indicator_count'),
    ])
}
type ItemSelect = Awaited<ReturnType<ReturnType<typeof itemQuery>['execute']>>[number]

export const toItem = (r: ItemSelect): RoundItem => ({
  id: r.id,
  roundId: r.round_id,
  projectId: r.project_id,
  projectCode: r.project_code,
  projectName: r.project_name,
  category: r.category as ProjectCategory,
  unitId: r.unit_id,
  unitCode: r.unit_code,
  unitName: r.unit_name,
  divisionId: r.division_id,
  divisionName: r.division_name ?? null,
  fundSource: r.fund_source as FundSource,
  amountFen: r.amount_fen,
  status: r.status as ItemStatus,
  reviewCount: r.review_count,
  conclusion: r.conclusion,
  resultUse: r.result_use,
  isPublic: r.is_public === 1,
  publicDate: r.public_date,
  executedFen: r.executed_fen,
  forecastFen: r.forecast_fen,
  executionRate: r.executed_fen === null ? null : ratePercent(r.executed_fen, r.amount_fen),
  light: r.light as Light | null,
  totalScore: r.total_score,
  grade: r.grade,
  indicatorCount: Number(r.indicator_count ?? 0),
  updatedAt: r.updated_at,
})

export async function getItemRow(db: Kysely<DB>, id: string) {
  const r = await itemQuery(db).where('i.id', '=', id).executeTakeFirst()
  if (!r) throw new AppError('NOT_FOUND', '该项目不在任务中，可能已被删除，请刷新')
  return r
}

export async function loadItemDetail(ctx: Ctx, id: string, db: Kysely<DB> = ctx.db): Promise<ItemDetail> {
  const r = await getItemRow(db, id)
  const round = await getRound(ctx, r.round_id, db, false)
  const project = await getProject(db, r.project_id)
  const indicators = (await listIndicators(db, [r.project_id])).get(r.project_id) ?? []
  const valueRows = await db.selectFrom('indicator_values').selectAll().where('item_id', '=', id).execute()
  const values: MonitorValue[] = valueRows.map((v) => ({
    indicatorId: v.indicator_id,
    actual: v.actual,
    forecast: v.forecast,
    likelihood: v.likelihood,
    causes: parseJson<string[]>(v.causes, []),
    measures: v.measures,
    light: v.light as Light | null,
  }))
  const reviewRows = await db
    .selectFrom('reviews as v')
    .leftJoin('operators as o', 'o.id', 'v.operator_id')
    .leftJoin('divisions as d', 'd.id', 'v.division_id')
    .selectAll('v')
    .select(['o.name as operator_name', 'd.name as division_name'])
    .where('v.item_id', '=', id)
    .orderBy('v.seq')
    .execute()
  const reviews: Review[] = reviewRows.map((v) => ({
    id: v.id,
    seq: v.seq,
    action: v.action,
    actionName: ACTION_NAMES[v.action as keyof typeof ACTION_NAMES] ?? v.action,
    conclusion: v.conclusion,
    summary: v.summary,
    opinions: parseJson(v.opinions, []),
    operatorName: v.operator_name ?? '',
    divisionName: v.division_name ?? '',
    at: v.at,
  }))
  const evaluated = round.stage === 'selfeval' || round.stage === 'fiscaleval'
  const rawIndicators = evaluated ? await db.selectFrom('indicators').selectAll().where('project_id', '=', r.project_id).orderBy('sort').execute() : []
  const evaluation = evaluated ? await loadEvaluation(ctx, db, r, rawIndicators) : null
  const rectification = round.stage === 'fiscaleval' ? await loadRectification(ctx, db, r.id) : null
  const problems =
    round.stage === 'selfeval'
      ? [...checkSelfEval(evaluation!, rawIndicators, r.deviation), ...targetHints(await ctx.settings(), project.annualGoal, project.amountFen, indicators)]
      : round.stage === 'fiscaleval'
        ? r.total_score === null
          ? [{ severity: 'error' as const, index: null, message: '尚未录入财政评价得分' }]
          : []
        : await checkFilled(ctx, round, project.annualGoal, project.amountFen, indicators, r, values)
  return { item: toItem(r), evaluation, rectification, round, project, indicators, values, deviation: r.deviation, measures: r.measures, reviews, problems }
}

/**
 * The approved targets' own slips (a 正向 indicator written with ≤, a cost in 元 beside funds in
 * 万元) shown again while the unit evaluates against them, as warnings: the targets are settled.
 */
function targetHints(s: Settings, annualGoal: string, amountFen: number, indicators: ItemDetail['indicators']): IndicatorProblem[] {
  return checkIndicators(annualGoal, indicators, { weightTotal: s.indicatorWeightTotal, projectAmountFen: amountFen })
    .filter((p) => /正向指标|单位是否应为/.test(p.message))
    .map((p) => ({ ...p, severity: 'warning' as const }))
}

/** What a stage needs filled in before an item can go to review. */
async function checkFilled(
  ctx: Ctx,
  round: Round,
  annualGoal: string,
  amountFen: number,
  indicators: ItemDetail['indicators'],
  item: { executed_fen: number | null; forecast_fen: number | null; deviation: string },
  values: MonitorValue[],
): Promise<IndicatorProblem[]> {
  const s = await ctx.settings()
  const targets = checkIndicators(annualGoal, indicators, { weightTotal: s.indicatorWeightTotal, projectAmountFen: amountFen })
  if (round.stage === 'targets') return targets
  const out: IndicatorProblem[] = []
  if (indicators.length === 0) out.push({ severity: 'error', index: null, message: '该项目没有绩效目标，无法监控；请先在绩效目标中填报指标' })
  if (item.executed_fen === null) out.push({ severity: 'error', index: null, message: `未填写1-${round.asOfMonth}月执行数` })
  if (item.forecast_fen === null) out.push({ severity: 'error', index: null, message: '未填写全年预计执行数' })
  if (item.executed_fen !== null && item.forecast_fen !== null && item.forecast_fen < item.executed_fen) {
    out.push({ severity: 'error', index: null, message: '全年预计执行数小于已执行数，请核对' })
  }
  const overBudget = overBudgetProblem(item.executed_fen, amountFen, `1-${round.asOfMonth}月执行数`, item.deviation, '偏差原因说明')
  if (overBudget) out.push(overBudget)
  else if (item.forecast_fen !== null && item.forecast_fen > amountFen) {
    out.push(overBudgetProblem(item.forecast_fen, amountFen, '全年预计执行数', item.deviation, '偏差原因说明')!)
  }
  const byId = new Map(values.map((v) => [v.indicatorId, v]))
  indicators.forEach((ind, i) => {
    const v = byId.get(ind.id)
    if (!v?.actual) out.push({ severity: 'error', index: i, message: `指标“${ind.name}”未填写1-${round.asOfMonth}月完成值` })
    for (const [value, field] of [[v?.actual ?? '', `1-${round.asOfMonth}月完成值`], [v?.forecast ?? '', '全年预计完成值']] as const) {
      const bad = numericValueProblem(ind, value, field)
      if (bad) out.push({ severity: 'error', index: i, message: bad })
    }
    if (!v?.likelihood) out.push({ severity: 'error', index: i, message: `指标“${ind.name}”未选择完成目标可能性` })
    if (v && (v.likelihood === '有可能' || v.likelihood === '不可能' || v.light === 'red') && v.causes.length === 0) {
      out.push({ severity: 'error', index: i, message: `指标“${ind.name}”可能无法完成，请选择偏差原因并填写纠偏措施` })
    }
  })
  return out
}

/** A project newly in a round: nothing filled in, nothing reviewed. */
export function newItemRow(id: string, roundId: string, projectId: string) {
  return {
    id,
    round_id: roundId,
    project_id: projectId,
    status: '待填报',
    review_count: 0,
    conclusion: null,
    result_use: '',
    is_public: 0,
    public_date: null,
    executed_fen: null,
    forecast_fen: null,
    deviation: '',
    measures: '',
    light: null,
    submitted_at: null,
    reviewed_at: null,
  }
}

/** Adds the projects of the round's budget year inside its scope that have no item yet. */
async function addMissingItems(w: Writer, round: { id: string; stage: string; budget_year: number; unit_ids: string; project_ids: string }): Promise<number> {
  const unitIds = parseJson<string[]>(round.unit_ids, [])
  let q = w.trx
    .selectFrom('projects as p')
    .select('p.id')
    .where('p.budget_year', '=', round.budget_year)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('round_items as i').select('i.id').whereRef('i.project_id', '=', 'p.id').where('i.round_id', '=', round.id))))
  if (unitIds.length > 0) q = q.where('p.unit_id', 'in', unitIds)
  // Budget lines monitored for their money only have no 绩效目标 to review.
  if (round.stage === 'targets') q = q.where('p.needs_targets', '=', 1)
  const projectIds = parseJson<string[]>(round.project_ids, [])
  if (projectIds.length > 0) q = q.where('p.id', 'in', projectIds)
  const missing = await q.execute()
  for (const p of missing) await w.insert('round_items', newItemRow(randomUUID(), round.id, p.id))
  return missing.length
}

/** The list's filters (unit, 股室, fund, light, search, status), shared by the list and the bulk actions. */
export function applyItemFilters(q: ReturnType<typeof itemQuery>, f: ItemFilterInput): ReturnType<typeof itemQuery> {
  if (f.unitId) q = q.where('p.unit_id', '=', f.unitId)
  if (f.divisionId) q = q.where('u.division_id', '=', f.divisionId)
  if (f.fundSource) q = q.where('p.fund_source', '=', f.fundSource)
  if (f.light === 'none') q = q.where('i.light', 'is', null)
  else if (f.light) q = q.where('i.light', '=', f.light)
  if (f.search?.trim()) {
    const s = `%${f.search.trim()}%`
    q = q.where((eb) => eb.or([eb('p.name', 'like', s), eb('u.name', 'like', s), eb('p.code', 'like', s)]))
  }
  if (f.status) q = q.where('i.status', '=', f.status)
  return q
}
/** SQL for the list's sort orders: what the column shows, in the order the user reads it. */
const ITEM_SORT_SQL: Record<Exclude<ItemSort, 'unit'>, ReturnType<typeof sql>> = {
  amount: sql`p.amount_fen`,
  name: sql`p.name`,
  // The state machine's order (待填报 → 已填报 → 退回修改 → 已审核), not the characters'.
  status: sql.raw(`case i.status ${ITEM_STATUSES.map((st, k) => `when '${st}' then ${k}`).join(' ')} else ${ITEM_STATUSES.length} end`),
  score: sql`i.total_score`,
  executed: sql`i.executed_fen`,
  rate: sql`(i.executed_fen * 1.0 / nullif(p.amount_fen, 0))`,
  light: sql`case i.light when 'red' then 3 when 'yellow' then 2 when 'green' then 1 else 0 end`,
  indicators: sql`(select count(*) from indicators x where x.project_id = p.id)`,
}

/** One order for every page: the chosen column, then 单位编码, project name and the id, so pages never overlap. */
function sortItems(q: ReturnType<typeof itemQuery>, sort: ItemSort | undefined, dir: 'asc' | 'desc') {
  const head = !sort || sort === 'unit' ? q.orderBy('u.code', dir) : q.orderBy(ITEM_SORT_SQL[sort], dir).orderBy('u.code')
  return head.orderBy('p.name').orderBy('i.id')
}

/** The rows a bulk action or batch "over every filtered row" means: the list's filters within the caller's 股室. */
export function filteredItems(ctx: Ctx, roundId: string, filters: ItemFilterInput) {
  let q = applyItemFilters(itemQuery(ctx.db).where('i.round_id', '=', roundId), filters)
  const scope = listDivisionScope(ctx)
  if (scope !== undefined) q = q.where('u.division_id', '=', scope)
  return q
}

export interface ItemFilterInput {
  unitId?: string | undefined
  divisionId?: string | undefined
  fundSource?: string | undefined
  light?: string | undefined
  search?: string | undefined
  status?: string | undefined
}

function bulkMessage(name: string, job: { readonly cancelled: boolean; readonly outcome: JobOutcome }, left: number, missing: number): string {
  const { done, refused } = job.outcome
  const parts = [`${job.cancelled ? '已取消，' : ''}完成 ${done} 项`]
  if (refused.length > 0) parts.push(`${refused.length} 项未处理（原因见下表）`)
  if (left > 0) parts.push(`其余 ${left} 项因取消未处理`)
  if (missing > 0) parts.push(`${missing} 项已不在本任务中`)
  return `批量${name}：${parts.join('，')}`
}

/**
 * A round's deadline may not fall before the date of the notice that launched it: units would be
 * told to hand in before they were asked. Checked when the round is saved and when its notice is issued.
 */
export async function noticeDeadlineProblem(db: Kysely<DB>, roundId: string, change: { deadline?: string | null; noticeDate?: string }): Promise<string | null> {
  const round = change.deadline === undefined ? await db.selectFrom('rounds').select('deadline').where('id', '=', roundId).executeTakeFirst() : null
  const deadline = change.deadline === undefined ? (round?.deadline ?? null) : change.deadline
  if (!deadline) return null
  let noticeDate = change.noticeDate
  let title = ''
  if (noticeDate === undefined) {
    const doc = await db.selectFrom('documents').select(['issued_date', 'title']).where('doc_key', 'like', `%-notice:${roundId}`).orderBy('issued_date', 'desc').executeTakeFirst()
    if (!doc) return null
    noticeDate = doc.issued_date
    title = doc.title
  }
  if (deadline >= noticeDate) return null
  return `任务截止日期（${deadline}）早于${title ? `《${title}》的` : '通知的'}成文日期（${noticeDate}）：单位收到通知时已过截止日期，请把截止日期改到通知日期之后`
}

export interface TransitionInput {
  id: string
  action: ItemAction
  conclusion: TargetConclusion | null
  summary: string
  opinions: ReviewOpinion[]
}

/**
 * One item through the state machine: the checks of its stage and status, then the review row and
 * the new status in one audited transaction. Used by the item's own buttons and by the bulk actions.
 */
export async function transitionItem(ctx: Ctx, { id, action, conclusion, summary, opinions }: TransitionInput): Promise<void> {
  // Only 提交审核 needs the stage's completeness checks; review actions need the row and the round.
  const detail = action === 'submit' ? await loadItemDetail(ctx, id) : null
  const r = detail ? null : await getItemRow(ctx.db, id)
  const item = detail?.item ?? toItem(r!)
  const round = detail?.round ?? (await getRound(ctx, r!.round_id, ctx.db, false))
  // Role, 股室 and no self-approval for each item on its own (the drawer and a bulk run alike).
  await assertMayTransition(ctx, ctx.db, id, action, item)
  await ctx.assertYearOpen(round.workYear)
  const to = nextStatus(item.status, action)
  if (!to) throw new AppError('VALIDATION', refusalMessage(item.status, action))
  if (action === 'submit') {
    const errors = detail!.problems.filter((p) => p.severity === 'error')
    if (errors.length > 0) {
      throw new AppError('VALIDATION', `“${item.projectName}”还有${errors.length}处未完成，不能提交审核：${errors.slice(0, 5).map((e) => e.message).join('；')}`, errors)
    }
  }
  if (action === 'approve' && round.stage === 'targets') {
    if (!conclusion) throw new AppError('VALIDATION', '审核通过须选择审核结论（优、良、差）')
    if (actionForConclusion(conclusion) === 'return') throw new AppError('VALIDATION', '审核结论为“中”的，应退回单位修改后重新报送，请选择“退回修改”')
  }
  if (action === 'return') {
    if (opinions.length === 0 && !summary.trim()) throw new AppError('VALIDATION', '退回修改须填写修改意见')
    if (round.stage === 'targets' && conclusion && actionForConclusion(conclusion) === 'approve') {
      throw new AppError('VALIDATION', `审核结论为“${conclusion}”的不需退回，请选择“审核通过”`)
    }
  }
  if (action === 'reopen' && !summary.trim()) throw new AppError('VALIDATION', '撤销审核须填写原因')
  await ctx.write(async (w) => {
    // Read again inside the transaction: a bulk run and a clerk at the drawer may meet on one item.
    const now = await w.trx.selectFrom('round_items').select(['status', 'review_count']).where('id', '=', id).executeTakeFirst()
    if (!now) throw new AppError('NOT_FOUND', '该项目不在任务中，可能已被删除，请刷新')
    if (now.status !== item.status) throw new AppError('CONFLICT', `“${item.projectName}”的状态刚被改为“${now.status}”，请刷新后重试`)
    const op = w.operatorId ? await w.trx.selectFrom('operators').select('division_id').where('id', '=', w.operatorId).executeTakeFirst() : undefined
    const seq = (await w.trx.selectFrom('reviews').select((eb) => eb.fn.max<number>('seq').as('m')).where('item_id', '=', id).executeTakeFirst())?.m ?? 0
    await w.insert('reviews', {
      id: randomUUID(),
      item_id: id,
      seq: Number(seq) + 1,
      action,
      conclusion: conclusion ?? null,
      summary,
      opinions: JSON.stringify(opinions),
      operator_id: w.operatorId,
      division_id: op?.division_id ?? null,
      at: w.now,
    })
    await w.update('round_items', id, {
      status: to,
      ...(action === 'submit' ? { submitted_at: w.now } : {}),
      ...(action === 'approve' || action === 'return' ? { reviewed_at: w.now, review_count: now.review_count + 1, conclusion: conclusion ?? null } : {}),
      ...(action === 'reopen' ? { conclusion: null } : {}),
    })
  })
}

export const roundHandlers: Pick<
  Handlers,
  'rounds/list' | 'rounds/get' | 'rounds/save' | 'rounds/sync' | 'rounds/remove' | 'rounds/units' | 'items/list' | 'items/get' | 'items/transition' | 'items/bulk' | 'items/resultUse'
> = {
  async 'rounds/list'({ stage, workYear }, ctx) {
    let q = ctx.db.selectFrom('rounds').selectAll().where('stage', '=', stage)
    if (workYear) q = q.where('work_year', '=', workYear)
    const rows = await q.orderBy('created_at', 'desc').execute()
    return Promise.all(rows.map((r) => toRound(ctx.db, r, ctx.now(), true, listDivisionScope(ctx))))
  },

  async 'rounds/get'({ id }, ctx) {
    return getRound(ctx, id)
  },

  async 'rounds/save'(input, ctx) {
    await ctx.assertYearOpen(input.workYear)
    if (input.stage === 'monitoring' && !input.asOfMonth) throw new AppError('VALIDATION', '运行监控任务须填写监控截止月份（如 1-9 月填 9）')
    const id = input.id ?? randomUUID()
    const row = {
      stage: input.stage,
      work_year: input.workYear,
      budget_year: input.workYear + STAGES[input.stage].budgetYearOffset,
      title: input.title,
      deadline: input.deadline,
      as_of_month: input.stage === 'monitoring' ? input.asOfMonth : null,
      unit_ids: JSON.stringify(input.unitIds),
      project_ids: JSON.stringify(input.projectIds),
      notes: input.notes,
    }
    if (input.stage === 'fiscaleval' && input.projectIds.length === 0) throw new AppError('VALIDATION', '请先选择要开展财政评价的项目')
    if (input.id) {
      const late = await noticeDeadlineProblem(ctx.db, input.id, { deadline: input.deadline })
      if (late) throw new AppError('VALIDATION', late)
    }
    await ctx.write(async (w) => {
      if (input.id) {
        const old = await w.trx.selectFrom('rounds').select(['stage']).where('id', '=', id).executeTakeFirst()
        if (!old) throw new AppError('NOT_FOUND', '该任务不存在，可能已被删除，请刷新')
        if (old.stage !== input.stage) throw new AppError('VALIDATION', '任务的阶段不能修改')
        await w.update('rounds', id, row, { version: input.version })
        if (input.stage === 'fiscaleval') {
          // The selection may change while nothing has been entered for a project yet.
          const items = await w.trx.selectFrom('round_items').select(['id', 'project_id', 'status', 'total_score']).where('round_id', '=', id).execute()
          for (const it of items) {
            if (input.projectIds.includes(it.project_id)) continue
            if (it.status !== '待填报' || it.total_score !== null) throw new AppError('CONFLICT', '已录入评价结果的项目不能移出财政评价任务')
            await w.remove('round_items', it.id)
          }
          await addMissingItems(w, { id, ...row })
        }
      } else {
        await w.insert('rounds', { id, ...row })
        const added = await addMissingItems(w, { id, ...row })
        if (added === 0) throw new AppError('VALIDATION', `${row.budget_year}年项目库中没有符合范围的项目，请先在项目库中录入或导入项目，再下达任务`)
      }
    })
    return getRound(ctx, id)
  },

  async 'rounds/sync'({ id }, ctx) {
    const round = await ctx.db.selectFrom('rounds').selectAll().where('id', '=', id).executeTakeFirst()
    if (!round) throw new AppError('NOT_FOUND', '该任务不存在，可能已被删除，请刷新')
    const added = await ctx.write((w) => addMissingItems(w, round))
    return { added }
  },

  async 'rounds/remove'({ id }, ctx) {
    const round = await getRound(ctx, id)
    if (round.itemCount - round.counts['待填报'] > 0) throw new AppError('CONFLICT', '该任务中已有项目填报或审核，不能删除')
    await ctx.write(async (w) => {
      for (const it of await w.trx.selectFrom('round_items').select('id').where('round_id', '=', id).execute()) await w.remove('round_items', it.id)
      await w.remove('rounds', id)
    })
    return { removed: true }
  },

  async 'rounds/units'({ roundId }, ctx) {
    await getRound(ctx, roundId)
    let q = ctx.db
      .selectFrom('units as u')
      .select(['u.id', 'u.code', 'u.name'])
      .where((eb) => eb.exists(eb.selectFrom('round_items as i').innerJoin('projects as p', 'p.id', 'i.project_id').select('i.id').where('i.round_id', '=', roundId).whereRef('p.unit_id', '=', 'u.id')))
    // A 股室审核 sees the units of their own 股室 only, as in items/list.
    const scope = listDivisionScope(ctx)
    if (scope !== undefined) q = q.where('u.division_id', '=', scope)
    return q.orderBy('u.code').orderBy('u.id').execute()
  },

  async 'items/list'(input, ctx) {
    let q = applyItemFilters(itemQuery(ctx.db).where('i.round_id', '=', input.roundId), { ...input, status: undefined })
    // A 股室审核 sees the units of their own 股室 only, whatever the filters ask for.
    const scope = listDivisionScope(ctx)
    if (scope !== undefined) q = q.where('u.division_id', '=', scope)
    // Counts by status over the other filters, so the status tabs show what each would hold; the
    // footer's sums come from the same pass (over the filtered rows' columns only, not their detail).
    const byStatus = await q
      .clearSelect()
      .select([
        'i.status',
        (eb) => eb.fn.countAll<number>().as('n'),
        (eb) => eb.fn.sum<number>('p.amount_fen').as('fen'),
        (eb) => eb.fn.sum<number>('i.executed_fen').as('executed'),
        sql<number>`sum(case when i.executed_fen is not null then p.amount_fen end)`.as('executed_amount'),
      ])
      .groupBy('i.status')
      .execute()
    const counts: Record<string, number> = { ...emptyCounts(), 全部: 0 }
    let total = 0
    let totalFen = 0
    let executedFen = 0
    let executedAmountFen = 0
    for (const s of byStatus) {
      counts[s.status] = Number(s.n)
      counts['全部'] = (counts['全部'] ?? 0) + Number(s.n)
      if (!input.status || input.status === s.status) {
        total += Number(s.n)
        totalFen += Number(s.fen ?? 0)
        executedFen += Number(s.executed ?? 0)
        executedAmountFen += Number(s.executed_amount ?? 0)
      }
    }
    if (input.status) q = q.where('i.status', '=', input.status)
    const sorted = sortItems(q, input.sort, input.order === 'desc' ? 'desc' : 'asc')
    let rows: RoundItem[]
    if (input.limit) {
      // The page's ids first (sorting ids, not whole rows), then those rows with their detail.
      const ids = (await sorted.clearSelect().select('i.id').limit(input.limit).offset(input.offset ?? 0).execute()).map((r) => r.id)
      const byId = new Map((ids.length ? await itemQuery(ctx.db).where('i.id', 'in', ids).execute() : []).map((r) => [r.id, toItem(r)]))
      rows = ids.flatMap((id) => byId.get(id) ?? [])
    } else rows = (await sorted.execute()).map(toItem)
    return { rows, total, totalFen, executedFen, executedAmountFen, counts }
  },

  async 'items/get'({ id }, ctx) {
    assertItemVisible(ctx, toItem(await getItemRow(ctx.db, id)))
    return loadItemDetail(ctx, id)
  },

  async 'items/transition'(input, ctx) {
    await transitionItem(ctx, input)
    const after = await loadItemDetail(ctx, input.id)
    return { item: after.item, problems: after.problems }
  },

  async 'items/bulk'({ roundId, ids, filters, action, conclusion, summary, opinion }, ctx) {
    const round = await getRound(ctx, roundId, ctx.db, false)
    await ctx.assertYearOpen(round.workYear)
    if (ctx.view) throw new AppError('LOCKED', `正在查看只读的年度数据包“${ctx.view.label}”，不能修改；请先关闭数据包回到工作数据`)
    if (!ctx.session.operatorId) throw new AppError('NO_OPERATOR', '请先登录，再进行修改')
    if (action === 'approve' && round.stage === 'targets' && !conclusion) throw new AppError('VALIDATION', '批量审核通过须选择审核结论（优、良、差）')
    if (action === 'return' && !opinion.trim()) throw new AppError('VALIDATION', '批量退回修改须填写修改意见')
    // The selection is resolved once, here: rows that appear or change later are not swept in.
    // "All filtered rows" of a 股室审核 are the rows of their 股室 (items outside it are refused one by one anyway).
    const q = ids ? itemQuery(ctx.db).where('i.round_id', '=', roundId).where('i.id', 'in', ids) : filteredItems(ctx, roundId, filters ?? {})
    const rows = await q.orderBy('u.code').orderBy('p.name').execute()
    if (rows.length === 0) throw new AppError('VALIDATION', '没有选中任何项目')
    const missing = ids ? ids.length - rows.length : 0
    const name = ACTION_NAMES[action]
    return ctx.jobs.start(`批量${name}（${rows.length}项）`, rows.length, async (job) => {
      let n = 0
      for (const r of rows) {
        if (job.cancelled) break
        const label = `${r.unit_name}·${r.project_name}`
        try {
          await transitionItem(ctx, { id: r.id, action, conclusion: action === 'approve' || (action === 'return' && round.stage === 'targets') ? (conclusion ?? (action === 'return' ? '中' : null)) : null, summary: action === 'return' ? opinion.trim() : summary, opinions: [] })
          job.succeeded()
        } catch (e) {
          // One refusal does not stop the others: each item obeys the state machine on its own.
          if (!(e instanceof AppError)) throw e
          job.refuse(r.id, label, e.message)
        }
        job.progress(++n, label)
        // SQLite calls resolve as microtasks: yield so that progress polls and 取消 are served meanwhile.
        await new Promise((resolve) => setImmediate(resolve))
      }
      const left = rows.length - n
      return bulkMessage(name, { cancelled: job.cancelled, outcome: job.outcome }, left, missing)
    })
  },

  async 'items/resultUse'({ id, resultUse, isPublic, publicDate }, ctx) {
    const r = await getItemRow(ctx.db, id)
    assertMayUseResult(ctx, toItem(r))
    const round = await getRound(ctx, r.round_id)
    await ctx.assertYearOpen(round.workYear)
    if (r.status !== '已审核') throw new AppError('VALIDATION', '审核通过后才能填写结果运用意见')
    // Published without a date: dated inside the round's work year, not by the PC's clock alone.
    const date = publicDate ?? defaultDateIn(round.workYear, ctx.now(), round.deadline)
    await ctx.write((w) =>
      w.update('round_items', id, { result_use: resultUse, is_public: isPublic ? 1 : 0, public_date: isPublic ? date : null }).then(() => undefined),
    )
    return toItem(await getItemRow(ctx.db, id))
  },
}

