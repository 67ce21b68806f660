/**
 * 绩效评价 on the stage mechanism: 单位自评 (the 自评表: funds by source, indicator scores by rule
 * with recorded overrides, conclusion), 财政评价 results, 整改, third-party agencies and their 考评表.
 */
import { isoDate } from '../../shared/dates'
import { randomUUID } from 'node:crypto'
import { sql, type Kysely, type Selectable } from 'kysely'
import type { Agency, AgencyRating, Engagement, EvalValue, EvaluationDetail, FundRow, Rectification } from '../../shared/domain'
import type { IndicatorProblem } from '../../shared/indicators'
import { sumFen } from '../../shared/money'
import { dateOrderProblem, numericValueProblem, overBudgetProblem } from '../../shared/value-checks'
import { AppError } from '../../shared/result'
import { defaultWeights, executionScore, gradeOf, needsOverrideReason, scoreIndicator, totalScore, type Grade, type ScoringRules } from '../../shared/scoring'
import { canEdit, type ItemStatus } from '../../shared/stage'
import type { DB, IndicatorRow, RoundItemRow } from '../db/schema'
import type { Writer } from '../db/writer'
import { groupBy, parseJson, type Ctx, type Handlers } from './context'
import { projectQuery, toProjectDetail } from './projects'
import { loadItemDetail } from './rounds'
import { listDivisionScope } from '../auth/scope'

/** Effective weights: an indicator's own, or its share of its category's weight. */
function weightsOf(indicators: Pick<IndicatorRow, 'level1' | 'weight'>[], rules: ScoringRules): number[] {
  const fallback = defaultWeights(indicators.map((i) => i.level1), rules)
  return indicators.map((i, k) => i.weight ?? fallback[k]!)
}

/** An indicator value row as the 自评表 reads it: with the name of whoever overrode the score. */
type ValueRow = Selectable<DB['indicator_values']> & { override_name: string | null }

const valueRows = (db: Kysely<DB>, itemIds: string[]) =>
  db.selectFrom('indicator_values as v').leftJoin('operators as o', 'o.id', 'v.override_by').selectAll('v').select('o.name as override_name').where('v.item_id', 'in', itemIds).execute()

export async function loadEvaluation(ctx: Ctx, db: Kysely<DB>, item: RoundItemRow, indicators: IndicatorRow[]): Promise<EvaluationDetail> {
  return evaluationOf(item, indicators, await valueRows(db, [item.id]), (await ctx.settings()).scoring)
}

/**
 * The 自评 of many items at once, for the 自评表 export: items, their indicators (in sort order)
 * and values read in three statements however many items there are; each item's evaluation is
 * the one the item's own page shows (evaluationOf). `breathe` between the pieces (an export's
 * yielder) gives the event loop its turns.
 */
export async function loadEvaluations(ctx: Ctx, items: RoundItemRow[], breathe: () => Promise<void> = async () => undefined): Promise<Map<string, { indicators: IndicatorRow[]; evaluation: EvaluationDetail }>> {
  const out = new Map<string, { indicators: IndicatorRow[]; evaluation: EvaluationDetail }>()
  if (items.length === 0) return out
  const rules = (await ctx.settings()).scoring
  const projectIds = [...new Set(items.map((i) => i.project_id))]
  const indicators = groupBy(await ctx.db.selectFrom('indicators').selectAll().where('project_id', 'in', projectIds).orderBy('project_id').orderBy('sort').execute(), (r) => r.project_id)
  await breathe()
  const values = groupBy(await valueRows(ctx.db, items.map((i) => i.id)), (r) => r.item_id)
  await breathe()
  for (const item of items) {
    const own = indicators.get(item.project_id) ?? []
    out.set(item.id, { indicators: own, evaluation: evaluationOf(item, own, values.get(item.id) ?? [], rules) })
    await breathe()
  }
  return out
}

function evaluationOf(item: RoundItemRow, indicators: IndicatorRow[], rows: ValueRow[], rules: ScoringRules): EvaluationDetail {
  const funds = parseJson<FundRow[]>(item.funds, [])
  const totals: FundRow = {
    source: '合计',
    initialFen: sumFen(funds.map((f) => f.initialFen)),
    budgetFen: sumFen(funds.map((f) => f.budgetFen)),
    executedFen: sumFen(funds.map((f) => f.executedFen)),
  }
  const exec = executionScore(totals.budgetFen, totals.executedFen, rules)
  const byId = new Map(rows.map((r) => [r.indicator_id, r]))
  const weights = weightsOf(indicators, rules)
  const values: EvalValue[] = indicators.map((ind, k) => {
    const v = byId.get(ind.id)
    const rule = scoreIndicator({ operator: ind.operator, targetValue: ind.target_value, actual: v?.actual ?? '', weight: weights[k]! }, rules)
    return {
      indicatorId: ind.id,
      actual: v?.actual ?? '',
      inapplicable: v?.inapplicable === 1,
      suggestedScore: v?.suggested_score ?? null,
      finalScore: v?.final_score ?? null,
      overrideReason: v?.override_reason ?? '',
      overrideBy: v?.override_name ?? null,
      reason: v?.reason ?? '',
      rule: rule.rule,
      weight: weights[k]!,
    }
  })
  return {
    funds,
    executionNote: item.deviation,
    totals,
    executionRate: exec.rate,
    executionScore: exec.score,
    values,
    totalScore: item.total_score,
    grade: item.grade,
    unitTotalScore: item.unit_total_score ?? null,
    unitExecutionScore: item.unit_execution_score ?? null,
    conclusion: item.eval_conclusion,
    problems: item.eval_problems,
    improvements: item.eval_improvements,
    findings: parseJson<string[]>(item.findings, []),
    consequence: item.consequence,
  }
}

/** What a 自评表 needs before it can be submitted, each problem naming the row. */
export function checkSelfEval(e: EvaluationDetail, indicators: IndicatorRow[], deviation: string): IndicatorProblem[] {
  const out: IndicatorProblem[] = []
  if (e.funds.length === 0) out.push({ severity: 'error', index: null, message: '未填写预算执行情况' })
  if (e.totals.budgetFen === 0 && e.funds.length > 0) out.push({ severity: 'error', index: null, message: '全年预算数合计为0，无法计算预算执行率' })
  e.funds.forEach((f) => {
    const over = overBudgetProblem(f.executedFen, f.budgetFen, `“${f.source}”全年执行数`, deviation, '预算执行情况说明')
    if (over) out.push(over)
  })
  if (e.executionRate !== null && e.executionRate < 90 && !deviation.trim()) {
    out.push({ severity: 'error', index: null, message: `预算执行率${e.executionRate}%低于90%，须说明原因` })
  }
  indicators.forEach((ind, k) => {
    const v = e.values[k]!
    if (v.inapplicable) return
    const notNumber = numericValueProblem({ name: ind.name, operator: ind.operator, targetValue: ind.target_value, unit: ind.unit }, v.actual, '实际完成值')
    if (!v.actual.trim()) out.push({ severity: 'error', index: k, message: `指标“${ind.name}”未填写实际完成值` })
    else if (notNumber) out.push({ severity: 'error', index: k, message: notNumber })
    else if (v.finalScore === null) out.push({ severity: 'error', index: k, message: `指标“${ind.name}”尚未得分` })
    if (v.finalScore !== null && v.finalScore < v.weight - 1e-9 && !v.reason.trim()) {
      out.push({ severity: 'error', index: k, message: `指标“${ind.name}”未完全完成，须填写偏差原因` })
    }
    if (v.finalScore !== null && v.finalScore > v.weight + 1e-9) out.push({ severity: 'error', index: k, message: `指标“${ind.name}”得分${v.finalScore}超过其分值${v.weight}` })
  })
  if (!e.conclusion.trim()) out.push({ severity: 'error', index: null, message: '未填写评价结论' })
  return out
}

async function itemForEval(db: Kysely<DB>, itemId: string, stage: 'selfeval' | 'fiscaleval') {
  const r = await db
    .selectFrom('round_items as i')
    .innerJoin('rounds as r', 'r.id', 'i.round_id')
    .innerJoin('projects as p', 'p.id', 'i.project_id')
    .selectAll('i')
    .select(['r.stage', 'r.work_year', 'p.name as project_name'])
    .where('i.id', '=', itemId)
    .executeTakeFirst()
  if (!r) throw new AppError('NOT_FOUND', '该项目不在任务中，可能已被删除，请刷新')
  if (r.stage !== stage) throw new AppError('VALIDATION', stage === 'selfeval' ? '该项目不属于自评任务' : '该项目不属于财政评价任务')
  if (!canEdit(r.status as ItemStatus)) throw new AppError('LOCKED', `“${r.project_name}”已审核通过，不能再修改；如需修改请先撤销审核`)
  return r
}

function toRectification(r: DB['rectifications'] & Record<string, unknown>, now: Date): Rectification {
  const row = r as unknown as { id: string; item_id: string; round_id: string; project_name: string; unit_name: string; work_year: number; deadline: string; copies: number; requirements: string; status: Rectification['status']; report_date: string | null; report_content: string; notice_number: string | null; version: number }
  return {
    id: row.id,
    itemId: row.item_id,
    roundId: row.round_id,
    projectName: row.project_name,
    unitName: row.unit_name,
    workYear: row.work_year,
    deadline: row.deadline,
    copies: row.copies,
    requirements: row.requirements,
    status: row.status,
    reportDate: row.report_date,
    reportContent: row.report_content,
    overdue: row.status !== '已整改' && row.deadline < isoDate(now),
    noticeNumber: row.notice_number ?? '',
    version: row.version,
  }
}

export function rectificationQuery(db: Kysely<DB>) {
  return db
    .selectFrom('rectifications as x')
    .innerJoin('round_items as i', 'i.id', 'x.item_id')
    .innerJoin('rounds as r', 'r.id', 'i.round_id')
    .innerJoin('projects as p', 'p.id', 'i.project_id')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .selectAll('x')
    .select(['p.name as project_name', 'u.name as unit_name', 'r.work_year', 'r.id as round_id'])
    .select(sql<string | null>`(SELECT d.doc_number FROM documents d WHERE d.doc_key = 'rectify-notice:' || x.item_id)`.as('notice_number'))
}

export async function loadRectification(ctx: Ctx, db: Kysely<DB>, itemId: string): Promise<Rectification | null> {
  const r = await rectificationQuery(db).where('x.item_id', '=', itemId).executeTakeFirst()
  return r ? toRectification(r as never, ctx.now()) : null
}

async function loadEngagements(ctx: Ctx, where: { roundId?: string; agencyId?: string; id?: string }): Promise<Engagement[]> {
  let q = ctx.db
    .selectFrom('engagements as e')
    .innerJoin('rounds as r', 'r.id', 'e.round_id')
    .innerJoin('agencies as a', 'a.id', 'e.agency_id')
    .selectAll('e')
    .select(['r.title as round_title', 'r.work_year', 'a.name as agency_name'])
    .select((eb) => eb.selectFrom('round_items as i').select(eb.fn.countAll<number>().as('n')).whereRef('i.round_id', '=', 'e.round_id').as('project_count'))
    .select(sql<number>`(SELECT sum(p.amount_fen) FROM round_items i JOIN projects p ON p.id = i.project_id WHERE i.round_id = e.round_id)`.as('project_fen'))
  if (where.roundId) q = q.where('e.round_id', '=', where.roundId)
  if (where.agencyId) q = q.where('e.agency_id', '=', where.agencyId)
  if (where.id) q = q.where('e.id', '=', where.id)
  const rows = await q.orderBy('r.work_year', 'desc').orderBy('e.created_at', 'desc').execute()
  const ratings = rows.length
    ? await ctx.db.selectFrom('agency_ratings').selectAll().where('engagement_id', 'in', rows.map((r) => r.id)).execute()
    : []
  // Grouped once (no scan of every rating per engagement).
  const ratingsOf = groupBy(ratings, (r) => r.engagement_id)
  return rows.map((e) => {
    const own: AgencyRating[] = (ratingsOf.get(e.id) ?? [])
      .map((r) => ({ rater: r.rater as AgencyRating['rater'], raterName: r.rater_name, scores: parseJson(r.scores, {}), total: r.total, ratedAt: r.rated_at }))
    const both = own.length === 2
    return {
      id: e.id,
      roundId: e.round_id,
      roundTitle: e.round_title,
      workYear: e.work_year,
      agencyId: e.agency_id,
      agencyName: e.agency_name,
      services: e.services,
      quality: e.quality,
      deliverBy: e.deliver_by,
      feeFen: e.fee_fen,
      method: e.method,
      contractDate: e.contract_date,
      periodStart: e.period_start,
      periodEnd: e.period_end,
      reportDate: e.report_date,
      notes: e.notes,
      projectCount: Number(e.project_count ?? 0),
      projectFen: Number(e.project_fen ?? 0),
      ratings: own,
      finalScore: both ? Math.round(((own[0]!.total + own[1]!.total) / 2) * 100) / 100 : null,
      version: e.version,
    }
  })
}

export async function getEngagement(ctx: Ctx, id: string): Promise<Engagement> {
  const [e] = await loadEngagements(ctx, { id })
  if (!e) throw new AppError('NOT_FOUND', '该委托不存在，可能已被删除，请刷新')
  return e
}

export interface SelfEvalInput {
  funds: { source: string; initialFen: number; budgetFen: number; executedFen: number }[]
  values: { indicatorId: string; actual: string; inapplicable: boolean; finalScore: number | null; overrideReason: string; reason: string }[]
  executionNote: string
  conclusion: string
  problems: string
  improvements: string
  /**
   * The 总分 and 预算执行 得分 the unit typed on its 自评表, kept beside the rule's. An import says
   * what the sheet held (null: none typed); left out (a save from the screen), the stored ones stay.
   */
  unitScores?: { total: number | null; execution: number | null }
}

export type SelfEvalComputed = Awaited<ReturnType<typeof computeSelfEval>>

/**
 * Scores a 自评表: suggestions by rule, final scores (an override needs a reason), the 执行率 score
 * and the total. Throws a Chinese AppError naming the indicator; used by the form and the import.
 */
export async function computeSelfEval(ctx: Ctx, db: Kysely<DB>, projectId: string, input: SelfEvalInput) {
  const rules = (await ctx.settings()).scoring
  const indicators = await db.selectFrom('indicators').selectAll().where('project_id', '=', projectId).orderBy('sort').execute()
  const weights = weightsOf(indicators, rules)
  const given = new Map(input.values.map((v) => [v.indicatorId, v]))
  for (const id of given.keys()) if (!indicators.some((i) => i.id === id)) throw new AppError('VALIDATION', '有指标不属于该项目，可能已被修改，请刷新后重填')
  const funds: FundRow[] = input.funds.map((f) => ({ source: f.source, initialFen: f.initialFen, budgetFen: f.budgetFen, executedFen: f.executedFen }))
  const budget = sumFen(funds.map((f) => f.budgetFen))
  const executed = sumFen(funds.map((f) => f.executedFen))
  const exec = executionScore(budget, executed, rules)
  const scored: { weight: number; score: number }[] = []
  const rows = indicators.map((ind, k) => {
    const v = given.get(ind.id)
    const weight = weights[k]!
    const actual = v?.actual ?? ''
    const inapplicable = v?.inapplicable ?? false
    const suggested = inapplicable ? null : scoreIndicator({ operator: ind.operator, targetValue: ind.target_value, actual, weight }, rules).score
    const final = inapplicable ? null : (v?.finalScore ?? suggested)
    if (!inapplicable && needsOverrideReason(suggested, final, ind.operator, weight, actual, rules) && !v?.overrideReason.trim()) {
      throw new AppError('VALIDATION', `指标“${ind.name}”的得分${final}与按规则计算的建议分${suggested ?? '（无）'}不同，请填写调整理由`)
    }
    if (final !== null && final > weight + 1e-9) throw new AppError('VALIDATION', `指标“${ind.name}”得分${final}超过其分值${weight}`)
    if (!inapplicable && final !== null) scored.push({ weight, score: final })
    const overridden = final !== null && suggested !== final
    return { ind, actual, inapplicable, suggested, final, overrideReason: overridden ? (v?.overrideReason ?? '') : '', reason: v?.reason ?? '', overridden }
  })
  const complete = rows.every((r) => r.inapplicable || r.final !== null)
  const total = complete ? totalScore({ executionScore: exec.score, indicators: scored }, rules) : null
  return { rows, funds, budget, executed, total, input }
}

export async function writeSelfEval(w: Writer, itemId: string, c: SelfEvalComputed): Promise<void> {
  const existing = new Map((await w.trx.selectFrom('indicator_values').selectAll().where('item_id', '=', itemId).execute()).map((v) => [v.indicator_id, v]))
  for (const r of c.rows) {
    const old = existing.get(r.ind.id)
    const row = {
      actual: r.actual,
      inapplicable: r.inapplicable ? 1 : 0,
      suggested_score: r.suggested,
      final_score: r.final,
      override_reason: r.overrideReason,
      // The author of an override stays the one who made it while the score is unchanged.
      override_by: r.overridden ? (old?.final_score === r.final ? (old?.override_by ?? w.operatorId) : w.operatorId) : null,
      reason: r.reason,
    }
    if (old) await w.update('indicator_values', old.id, row)
    else await w.insert('indicator_values', { id: randomUUID(), item_id: itemId, indicator_id: r.ind.id, forecast: '', likelihood: '', causes: '[]', measures: '', light: null, ...row })
  }
  await w.update('round_items', itemId, {
    funds: JSON.stringify(c.funds),
    executed_fen: c.executed,
    forecast_fen: c.budget,
    total_score: c.total?.total ?? null,
    grade: c.total?.grade ?? null,
    eval_conclusion: c.input.conclusion,
    eval_problems: c.input.problems,
    eval_improvements: c.input.improvements,
    deviation: c.input.executionNote,
    ...(c.input.unitScores ? { unit_total_score: c.input.unitScores.total, unit_execution_score: c.input.unitScores.execution } : {}),
  })
}

export const evaluationHandlers: Pick<
  Handlers,
  | 'selfeval/save'
  | 'fiscaleval/candidates'
  | 'fiscaleval/save'
  | 'rectify/list'
  | 'rectify/save'
  | 'agencies/list'
  | 'agencies/save'
  | 'agencies/remove'
  | 'engagements/list'
  | 'engagements/save'
  | 'engagements/remove'
  | 'ratings/save'
> = {
  async 'selfeval/save'(input, ctx) {
    const item = await itemForEval(ctx.db, input.itemId, 'selfeval')
    await ctx.assertYearOpen(item.work_year)
    const computed = await computeSelfEval(ctx, ctx.db, item.project_id, {
      ...input,
      funds: input.funds.map((f) => ({ source: f.source, initialFen: f.initialWan, budgetFen: f.budgetWan, executedFen: f.executedWan })),
    })
    await ctx.write((w) => writeSelfEval(w, item.id, computed))
    return loadItemDetail(ctx, item.id)
  },

  async 'fiscaleval/candidates'(input, ctx) {
    let q = projectQuery(ctx.db).where('p.budget_year', '=', input.budgetYear)
    if (input.fundSource) q = q.where('p.fund_source', '=', input.fundSource)
    if (input.category) q = q.where('p.category', '=', input.category)
    if (input.unitId) q = q.where('p.unit_id', '=', input.unitId)
    if (input.minWan !== undefined) q = q.where('p.amount_fen', '>=', input.minWan)
    if (input.search?.trim()) q = q.where((eb) => eb.or([eb('p.name', 'like', `%${input.search!.trim()}%`), eb('u.name', 'like', `%${input.search!.trim()}%`)]))
    const rows = await q.orderBy('p.amount_fen', 'desc').limit(2000).execute()
    const selfs = rows.length
      ? await ctx.db
          .selectFrom('round_items as i')
          .innerJoin('rounds as r', 'r.id', 'i.round_id')
          .select(['i.project_id', 'i.grade', 'i.total_score'])
          .where('r.stage', '=', 'selfeval')
          .where('i.project_id', 'in', rows.slice(0, 900).map((r) => r.id))
          .execute()
      : []
    const self = new Map(selfs.map((s) => [s.project_id, s]))
    const out = rows.map((r) => ({ ...toProjectDetail(r), selfGrade: self.get(r.id)?.grade ?? null, selfScore: self.get(r.id)?.total_score ?? null }))
    return { rows: out, totalFen: sumFen(out.map((r) => r.amountFen)) }
  },

  async 'fiscaleval/save'({ itemId, totalScore: score, findings, conclusion, consequence }, ctx) {
    const item = await itemForEval(ctx.db, itemId, 'fiscaleval')
    await ctx.assertYearOpen(item.work_year)
    const s = await ctx.settings()
    const grade: Grade = gradeOf(score, s.scoring)
    await ctx.write((w) =>
      w
        .update('round_items', item.id, { total_score: score, grade, findings: JSON.stringify(findings), eval_conclusion: conclusion, consequence: consequence.trim() || s.consequences[grade] })
        .then(() => undefined),
    )
    return loadItemDetail(ctx, item.id)
  },

  async 'rectify/list'({ workYear, status, overdueOnly }, ctx) {
    let q = rectificationQuery(ctx.db)
    // A 股室审核 follows the 整改 of their own 股室's units only, like their item lists.
    const scope = listDivisionScope(ctx)
    if (scope !== undefined) q = q.where('u.division_id', '=', scope)
    if (workYear) q = q.where('r.work_year', '=', workYear)
    if (status) q = q.where('x.status', '=', status)
    if (overdueOnly) q = q.where('x.status', '!=', '已整改').where('x.deadline', '<', isoDate(ctx.now()))
    return (await q.orderBy('x.deadline').execute()).map((r) => toRectification(r as never, ctx.now()))
  },

  async 'rectify/save'(input, ctx) {
    const item = await ctx.db
      .selectFrom('round_items as i')
      .innerJoin('rounds as r', 'r.id', 'i.round_id')
      .select(['i.id', 'r.stage', 'r.work_year', 'i.grade'])
      .where('i.id', '=', input.itemId)
      .executeTakeFirst()
    if (!item) throw new AppError('NOT_FOUND', '该项目不在任务中，可能已被删除，请刷新')
    if (item.stage !== 'fiscaleval') throw new AppError('VALIDATION', '整改只针对财政评价项目')
    if (input.status === '已整改' && (!input.reportDate || !input.reportContent.trim())) {
      throw new AppError('VALIDATION', '标记为“已整改”须填写整改报告收到日期和整改情况')
    }
    if (input.reportDate && input.status === '未整改') throw new AppError('VALIDATION', '已收到整改报告的，状态应为“整改中”或“已整改”')
    const row = {
      deadline: input.deadline,
      copies: input.copies,
      requirements: input.requirements,
      status: input.status,
      report_date: input.reportDate,
      report_content: input.reportContent,
      closed_at: input.status === '已整改' ? ctx.now().toISOString() : null,
    }
    await ctx.write(async (w) => {
      const old = await w.trx.selectFrom('rectifications').select('id').where('item_id', '=', input.itemId).executeTakeFirst()
      if (old) await w.update('rectifications', old.id, row, { version: input.version })
      else await w.insert('rectifications', { id: randomUUID(), item_id: input.itemId, ...row })
    })
    return (await loadRectification(ctx, ctx.db, input.itemId))!
  },

  async 'agencies/list'({ includeInactive }, ctx) {
    let q = ctx.db.selectFrom('agencies').selectAll()
    if (!includeInactive) q = q.where('active', '=', 1)
    const rows = await q.orderBy('name').execute()
    const engagementsOf = groupBy(await loadEngagements(ctx, {}), (e) => e.agencyId)
    return rows.map((a): Agency => {
      const own = engagementsOf.get(a.id) ?? []
      const scored = own.filter((e) => e.finalScore !== null)
      return {
        id: a.id,
        name: a.name,
        creditCode: a.credit_code,
        contact: a.contact,
        phone: a.phone,
        qualifications: a.qualifications,
        notes: a.notes,
        active: a.active === 1,
        engagementCount: own.length,
        averageScore: scored.length ? Math.round((scored.reduce((x, e) => x + e.finalScore!, 0) / scored.length) * 100) / 100 : null,
        version: a.version,
      }
    })
  },

  async 'agencies/save'(input, ctx) {
    const clash = await ctx.db.selectFrom('agencies').select('id').where('name', '=', input.name).executeTakeFirst()
    if (clash && clash.id !== input.id) throw new AppError('CONFLICT', `机构“${input.name}”已在名录中`)
    const id = input.id ?? randomUUID()
    const row = { name: input.name, credit_code: input.creditCode, contact: input.contact, phone: input.phone, qualifications: input.qualifications, notes: input.notes, active: input.active ? 1 : 0 }
    await ctx.write(async (w) => (input.id ? void (await w.update('agencies', id, row, { version: input.version })) : w.insert('agencies', { id, ...row })))
    const list = await evaluationHandlers['agencies/list']({ includeInactive: true }, ctx)
    return list.find((a) => a.id === id)!
  },

  async 'agencies/remove'({ id }, ctx) {
    const used = await ctx.db.selectFrom('engagements').select('id').where('agency_id', '=', id).limit(1).executeTakeFirst()
    if (used) {
      // History decides future selections: an agency with engagements is kept, only deactivated.
      await ctx.write(async (w) => void (await w.update('agencies', id, { active: 0 })))
      return { removed: false, deactivated: true }
    }
    await ctx.write((w) => w.remove('agencies', id))
    return { removed: true, deactivated: false }
  },

  async 'engagements/list'({ roundId, agencyId }, ctx) {
    return loadEngagements(ctx, { ...(roundId ? { roundId } : {}), ...(agencyId ? { agencyId } : {}) })
  },

  async 'engagements/save'(input, ctx) {
    const round = await ctx.db.selectFrom('rounds').select(['stage', 'work_year']).where('id', '=', input.roundId).executeTakeFirst()
    if (!round) throw new AppError('NOT_FOUND', '该任务不存在，可能已被删除，请刷新')
    if (round.stage !== 'fiscaleval') throw new AppError('VALIDATION', '第三方委托只用于财政评价任务')
    await ctx.assertYearOpen(round.work_year)
    if (input.periodStart && input.periodEnd && input.periodEnd < input.periodStart) throw new AppError('VALIDATION', '评价结束日期早于开始日期')
    const contract = { label: '合同日期', date: input.contractDate }
    const misdated = dateOrderProblem(contract, { label: '交付期限', date: input.deliverBy }) ?? dateOrderProblem(contract, { label: '报告日期', date: input.reportDate })
    if (misdated) throw new AppError('VALIDATION', `第三方委托：${misdated}`)
    const id = input.id ?? randomUUID()
    const row = {
      round_id: input.roundId,
      agency_id: input.agencyId,
      services: input.services,
      quality: input.quality,
      deliver_by: input.deliverBy,
      fee_fen: input.feeWan,
      method: input.method,
      contract_date: input.contractDate,
      period_start: input.periodStart,
      period_end: input.periodEnd,
      report_date: input.reportDate,
      notes: input.notes,
    }
    await ctx.write(async (w) => (input.id ? void (await w.update('engagements', id, row, { version: input.version })) : w.insert('engagements', { id, ...row })))
    return getEngagement(ctx, id)
  },

  async 'engagements/remove'({ id }, ctx) {
    await ctx.write((w) => w.remove('engagements', id))
    return { removed: true }
  },

  async 'ratings/save'({ engagementId, rater, raterName, scores }, ctx) {
    const e = await getEngagement(ctx, engagementId)
    const items = (await ctx.settings()).ratingItems
    for (const it of items) {
      const v = scores[it.key]
      if (v === undefined) throw new AppError('VALIDATION', `考评项目“${it.name}”未评分`)
      if (v > it.points) throw new AppError('VALIDATION', `考评项目“${it.name}”得分${v}超过其分值${it.points}`)
    }
    const total = Math.round(items.reduce((a, it) => a + (scores[it.key] ?? 0), 0) * 100) / 100
    await ctx.write(async (w) => {
      const old = await w.trx.selectFrom('agency_ratings').select('id').where('engagement_id', '=', e.id).where('rater', '=', rater).executeTakeFirst()
      const row = { rater_name: raterName, scores: JSON.stringify(scores), total, rated_at: w.now }
      if (old) await w.update('agency_ratings', old.id, row)
      else await w.insert('agency_ratings', { id: randomUUID(), engagement_id: e.id, rater, ...row })
    })
    return getEngagement(ctx, engagementId)
  },
}
