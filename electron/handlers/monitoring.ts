/** 运行监控 data of one item: execution to date, forecasts, per-indicator progress and the lights. */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { QualitativeLevel } from '../../shared/qualitative'
import { DEFAULT_SCORING_RULES } from '../../shared/scoring'
import { budgetLight, indicatorLight, worstLight, type Light, type WarningRules } from '../../shared/monitoring'
import { AppError } from '../../shared/result'
import { canEdit, type ItemStatus } from '../../shared/stage'
import type { DB } from '../db/schema'
import type { Writer } from '../db/writer'
import type { Handlers } from './context'
import { loadItemDetail } from './rounds'

export interface MonitorInput {
  executedFen: number | null
  forecastFen: number | null
  deviation: string
  measures: string
  values: { indicatorId: string; actual: string; forecast: string; likelihood: string; causes: string[]; measures: string }[]
}

/**
 * Writes one item's monitoring figures and recomputes its lights. Used by the form and by the
 * Excel import, so both give the same result.
 */
export async function writeMonitoring(w: Writer, itemId: string, input: MonitorInput, rules: WarningRules, levels: QualitativeLevel[] = DEFAULT_SCORING_RULES.qualitative): Promise<void> {
  const trx = w.trx as unknown as Kysely<DB>
  const item = await trx
    .selectFrom('round_items as i')
    .innerJoin('rounds as r', 'r.id', 'i.round_id')
    .innerJoin('projects as p', 'p.id', 'i.project_id')
    .select(['i.id', 'i.status', 'i.project_id', 'r.as_of_month', 'r.stage', 'p.amount_fen', 'p.name'])
    .where('i.id', '=', itemId)
    .executeTakeFirst()
  if (!item) throw new AppError('NOT_FOUND', '该项目不在任务中，可能已被删除，请刷新')
  if (item.stage !== 'monitoring') throw new AppError('VALIDATION', '该项目不属于运行监控任务')
  if (!canEdit(item.status as ItemStatus)) throw new AppError('LOCKED', `“${item.name}”已审核通过，监控数据不能再修改；如需修改请先撤销审核`)
  const month = item.as_of_month ?? 12
  const indicators = await trx.selectFrom('indicators').selectAll().where('project_id', '=', item.project_id).execute()
  const byId = new Map(indicators.map((i) => [i.id, i]))
  const existing = new Map((await trx.selectFrom('indicator_values').selectAll().where('item_id', '=', itemId).execute()).map((v) => [v.indicator_id, v]))
  const lights: (Light | null)[] = []
  for (const v of input.values) {
    const ind = byId.get(v.indicatorId)
    if (!ind) throw new AppError('VALIDATION', `指标不属于项目“${item.name}”，可能已被修改，请刷新后重填`)
    const light = indicatorLight({ operator: ind.operator, level2: ind.level2, targetValue: ind.target_value, unit: ind.unit, ...v }, month, rules, levels)
    lights.push(light)
    const row = { actual: v.actual, forecast: v.forecast, likelihood: v.likelihood, causes: JSON.stringify(v.causes), measures: v.measures, light }
    const old = existing.get(v.indicatorId)
    if (old) {
      const changed = old.actual !== row.actual || old.forecast !== row.forecast || old.likelihood !== row.likelihood || old.causes !== row.causes || old.measures !== row.measures || old.light !== row.light
      if (changed) await w.update('indicator_values', old.id, row)
    } else {
      await w.insert('indicator_values', { id: randomUUID(), item_id: itemId, indicator_id: v.indicatorId, ...row })
    }
  }
  const budget = input.executedFen === null ? null : budgetLight(input.executedFen, item.amount_fen, month, rules).light
  await w.update('round_items', itemId, {
    executed_fen: input.executedFen,
    forecast_fen: input.forecastFen,
    deviation: input.deviation,
    measures: input.measures,
    light: worstLight([budget, ...lights]),
  })
}

export const monitoringHandlers: Pick<Handlers, 'monitoring/save'> = {
  async 'monitoring/save'(input, ctx) {
    const settings = await ctx.settings()
    const rules = settings.warnings
    const year = await ctx.db.selectFrom('round_items as i').innerJoin('rounds as r', 'r.id', 'i.round_id').select('r.work_year').where('i.id', '=', input.itemId).executeTakeFirst()
    if (year) await ctx.assertYearOpen(year.work_year)
    await ctx.write((w) =>
      writeMonitoring(w, input.itemId, { executedFen: input.executedWan, forecastFen: input.forecastWan, deviation: input.deviation, measures: input.measures, values: input.values }, rules, settings.scoring.qualitative),
    )
    return loadItemDetail(ctx, input.itemId)
  },
}
