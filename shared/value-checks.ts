/**
 * Checks on the values a clerk or a unit fills in, shared by the forms, the Excel imports and the
 * handlers. Each returns a Chinese sentence naming the field (and the indicator) it is about, so the
 * same words appear on the screen, in an import's problem table and in a refusal.
 */
import { formatWan } from './money'
import { isNumeric, numericValue, type IndicatorProblem } from './indicators'

/** 定量 indicators (≥ ≤ = with a numeric 指标值) are completed with a number, optionally with %. */
export function isQuantitative(ind: { operator: string; targetValue: string }): boolean {
  return (ind.operator === '≥' || ind.operator === '≤' || ind.operator === '=') && numericValue(ind.targetValue) !== null
}

/**
 * Text typed where a number belongs, e.g. “约九成” as the 完成值 of “覆盖率 ≥ 95 %”. `field` names the
 * column as the form calls it (1-9月完成值, 全年预计完成值, 实际完成值).
 */
export function numericValueProblem(ind: { name: string; operator: string; targetValue: string; unit: string }, value: string, field: string): string | null {
  const v = value.trim()
  if (!v || !isQuantitative(ind) || isNumeric(v)) return null
  return `指标“${ind.name}”的${field}“${v}”不是数字：定量指标（${ind.operator}${ind.targetValue}${ind.unit}）的${field}只填数字，如 ${ind.targetValue}`
}

/**
 * 执行数 above 全年预算: allowed only with a written 说明 (a mid-year 追加 not yet in the budget, a
 * slip in the figures). Without one it stops the submission; with one it stays as a warning.
 */
export function overBudgetProblem(executedFen: number | null, budgetFen: number, field: string, note: string, noteField: string): IndicatorProblem | null {
  if (executedFen === null || executedFen <= budgetFen) return null
  const what = `${field}${formatWan(executedFen)}万元超过全年预算数${formatWan(budgetFen)}万元`
  return note.trim()
    ? { severity: 'warning', index: null, message: `${what}（已说明：${note.trim().slice(0, 40)}）` }
    : { severity: 'error', index: null, message: `${what}，须在“${noteField}”中说明原因（如年中追加预算），否则不能提交审核` }
}

/** Two dates that must come in order (ISO YYYY-MM-DD); null when either is missing or they are in order. */
export function dateOrderProblem(earlier: { label: string; date: string | null }, later: { label: string; date: string | null }): string | null {
  if (!earlier.date || !later.date || later.date >= earlier.date) return null
  return `${later.label}（${later.date}）早于${earlier.label}（${earlier.date}），请核对日期`
}
