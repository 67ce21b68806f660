/**
 * 运行监控 warnings (红灯/黄灯/绿灯). No national thresholds exist; the defaults are the vendor rules
 * recorded in domain-facts §4 and are settings:
 * - budget execution: (执行数/全年预算数) ÷ (月份/12) × 100, below 60 red, 60–80 yellow, ≥ 80 green;
 * - a ≥ indicator: 完成值 ÷ (目标值/12 × 月份) × 100 on the same bands, 0 is red;
 * - a ≤ indicator: green while the 全年预计 stays within the target, red beyond 120% of it, yellow between;
 * - a qualitative indicator or one whose 完成可能性 is 不可能: by level (不可能 is always red).
 */
import { numericValue } from './indicators'

export type Light = 'red' | 'yellow' | 'green'
export const LIGHT_NAMES: Record<Light, string> = { red: '红灯', yellow: '黄灯', green: '绿灯' }

export interface WarningRules {
  red: number
  yellow: number
  /** A ≤ indicator whose forecast exceeds the target by more than this factor is red. */
  reverseRedFactor: number
}
export const DEFAULT_WARNING_RULES: WarningRules = { red: 60, yellow: 80, reverseRedFactor: 1.2 }

export const LIKELIHOODS = ['确定能', '有可能', '不可能'] as const
export type Likelihood = (typeof LIKELIHOODS)[number]

export const DEVIATION_CAUSES = ['经费保障', '制度保障', '人员保障', '硬件条件保障', '其他'] as const

const band = (score: number, r: WarningRules): Light => (score < r.red ? 'red' : score < r.yellow ? 'yellow' : 'green')

export interface BudgetProgress {
  /** Percent of the time-proportional expectation; null without a budget. */
  score: number | null
  light: Light | null
  rate: number | null // 执行率 %, 2 decimals
}

export function budgetLight(executedFen: number, budgetFen: number, month: number, r: WarningRules): BudgetProgress {
  if (budgetFen <= 0 || month < 1) return { score: null, light: null, rate: null }
  const rate = Math.round((executedFen * 10000) / budgetFen) / 100
  const score = Math.round((rate / (month / 12)) * 100) / 100
  return { score, light: band(score, r), rate }
}

export interface IndicatorProgressInput {
  operator: string
  level2: string
  targetValue: string
  actual: string
  forecast: string
  likelihood: string
}

/** The light of one indicator, or null while nothing is filled in. */
export function indicatorLight(i: IndicatorProgressInput, month: number, r: WarningRules): Light | null {
  if (i.likelihood === '不可能') return 'red'
  if (i.operator === '定性' || i.level2 === '时效指标') {
    if (/未达成/.test(i.actual)) return 'red'
    if (/部分/.test(i.actual)) return 'yellow'
    if (/达成|完成/.test(i.actual)) return 'green'
    if (i.likelihood === '有可能') return 'yellow'
    if (i.likelihood === '确定能') return 'green'
    return null
  }
  const target = numericValue(i.targetValue)
  const actual = numericValue(i.actual)
  if (target === null) return null
  if (i.operator === '≤') {
    const forecast = numericValue(i.forecast) ?? actual
    if (forecast === null) return null
    if (forecast <= target) return 'green'
    return forecast > target * r.reverseRedFactor ? 'red' : 'yellow'
  }
  if (actual === null) return null
  if (actual === 0) return target === 0 ? 'green' : 'red'
  if (target === 0) return 'green'
  // Percent targets (≥95%) are levels, not amounts accrued over the year: compare directly.
  const prorated = /%$/.test(i.targetValue.trim()) || i.operator === '=' ? target : (target / 12) * month
  return band((actual / prorated) * 100, r)
}

const ORDER: Record<Light, number> = { green: 0, yellow: 1, red: 2 }
export function worstLight(lights: (Light | null)[]): Light | null {
  let worst: Light | null = null
  for (const l of lights) if (l && (!worst || ORDER[l] > ORDER[worst])) worst = l
  return worst
}
