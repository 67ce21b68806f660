/**
 * 运行监控 warnings (红灯/黄灯/绿灯). No national thresholds exist; the defaults are the vendor rules
 * recorded in domain-facts §4 and are settings:
 * - budget execution: (执行数/全年预算数) ÷ (月份/12) × 100, below 60 red, 60–80 yellow, ≥ 80 green;
 * - a ≥ indicator counted up over the year (数量, 成本 …): 完成值 ÷ (目标值/12 × 月份) × 100 on the same
 *   bands, 0 is red;
 * - a rate indicator (the 二级 in `rateLevel2`: 质量, 时效, 满意度 by default, or any value in %): a level,
 *   not an amount accrued by month, so 完成值 ÷ 目标值 × 100 without pro-rating;
 * - "=" with target 0: 0 is green, anything else red;
 * - a ≤ indicator: green while the 全年预计 stays within the target, red beyond `reverseRedFactor` × it;
 * - 定性: by the three 10号 levels and their synonyms (达成 green, 部分达成 yellow, 未达成 red);
 *   完成可能性 不可能 is always red.
 * Every boundary is compared in exact decimals (a forecast of 3.6 against ≤3 at 120% is yellow, not red).
 */
import { cmpDec, decOf, mulDec, sign, type Dec } from './decimal'
import { parseOperator } from './indicators'
import { matchQualitative, type QualitativeLevel } from './qualitative'
import { DEFAULT_SCORING_RULES, decimalValue } from './scoring'

export type Light = 'red' | 'yellow' | 'green'
export const LIGHT_NAMES: Record<Light, string> = { red: '红灯', yellow: '黄灯', green: '绿灯' }

export interface WarningRules {
  red: number
  yellow: number
  /** A ≤ indicator whose forecast exceeds the target by more than this factor is red. */
  reverseRedFactor: number
  /** 二级指标 whose values are rates or levels (compared to the target directly, not pro-rated by month). */
  rateLevel2: string[]
}
export const DEFAULT_WARNING_RULES: WarningRules = { red: 60, yellow: 80, reverseRedFactor: 1.2, rateLevel2: ['质量指标', '时效指标', '服务对象满意度指标'] }

export const LIKELIHOODS = ['确定能', '有可能', '不可能'] as const
export type Likelihood = (typeof LIKELIHOODS)[number]

export const DEVIATION_CAUSES = ['经费保障', '制度保障', '人员保障', '硬件条件保障', '其他'] as const

/** The band of part ÷ whole × 100, compared exactly: part × 100 < red × whole. whole > 0. */
function bandOf(part: Dec, whole: Dec, r: WarningRules): Light {
  const p = mulDec(part, { n: 100n, s: 0 })
  if (cmpDec(p, mulDec(decOf(r.red), whole)) < 0) return 'red'
  if (cmpDec(p, mulDec(decOf(r.yellow), whole)) < 0) return 'yellow'
  return 'green'
}

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
  const light = bandOf({ n: BigInt(executedFen) * 12n, s: 0 }, { n: BigInt(budgetFen) * BigInt(month), s: 0 }, r)
  return { score, light, rate }
}

export interface IndicatorProgressInput {
  operator: string
  level2: string
  targetValue: string
  /** 度量单位: "%" makes the value a rate, as "95%" typed in the value does. */
  unit?: string
  actual: string
  forecast: string
  likelihood: string
}

const QUALITATIVE_LIGHTS: Light[] = ['green', 'yellow', 'red']

/** The light of one indicator, or null while nothing is filled in (or the row cannot be judged). */
export function indicatorLight(i: IndicatorProgressInput, month: number, r: WarningRules, levels: QualitativeLevel[] = DEFAULT_SCORING_RULES.qualitative): Light | null {
  if (i.likelihood === '不可能') return 'red'
  const op = parseOperator(i.operator)
  // An unknown or empty operator is reported by the checks; it is never judged as ≥.
  if (!op) return null
  if (op === '定性') {
    const k = matchQualitative(i.actual, levels)
    if (k !== null) return QUALITATIVE_LIGHTS[k] ?? null
    if (i.likelihood === '有可能') return 'yellow'
    if (i.likelihood === '确定能') return 'green'
    return null
  }
  const target = decimalValue(i.targetValue)
  const actual = decimalValue(i.actual)
  if (target === null) return null
  if (op === '≤') {
    const forecast = decimalValue(i.forecast) ?? actual
    if (forecast === null) return null
    if (cmpDec(forecast, target) <= 0) return 'green'
    return cmpDec(forecast, mulDec(target, decOf(r.reverseRedFactor))) > 0 ? 'red' : 'yellow'
  }
  if (actual === null) return null
  if (op === '=' && sign(target) === 0) return sign(actual) === 0 ? 'green' : 'red'
  if (sign(target) <= 0) return 'green'
  if (sign(actual) === 0) return 'red'
  const isRate = /[%％]\s*$/.test(i.targetValue) || /^[%％]$/.test((i.unit ?? '').trim()) || (r.rateLevel2 ?? []).includes(i.level2)
  if (op === '=' || isRate) return bandOf(actual, target, r)
  // An amount accrued over the year: compare with target × month / 12, i.e. actual × 12 against target × month.
  return bandOf(mulDec(actual, { n: 12n, s: 0 }), mulDec(target, decOf(month)), r)
}

const ORDER: Record<Light, number> = { green: 0, yellow: 1, red: 2 }
export function worstLight(lights: (Light | null)[]): Light | null {
  let worst: Light | null = null
  for (const l of lights) if (l && (!worst || ORDER[l] > ORDER[worst])) worst = l
  return worst
}
