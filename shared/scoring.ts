/**
 * 单位自评 scoring (财预〔2020〕10号 as restated in domain-facts §1). Every rule gives a SUGGESTED score;
 * a user's final score may differ only with a recorded reason. Weights, caps and grade bands are
 * settings with these defaults.
 */
import { numericValue } from './indicators'

export interface ScoringRules {
  /** Category weights: 预算执行率 10, 产出 50, 效益 30, 满意度 10 (total 100). */
  weights: { execution: number; output: number; effect: number; satisfaction: number }
  /** Cap the 执行率 score at its weight (a rate above 100% does not earn extra). */
  capExecution: boolean
  /** Grade bands: ≥ excellent 优, ≥ good 良, ≥ pass 中, below 差. */
  grades: { excellent: number; good: number; pass: number }
  /** Suggested share of the weight for each qualitative level, and the level's allowed range. */
  qualitative: { level: string; suggest: number; min: number; max: number }[]
}

export const DEFAULT_SCORING_RULES: ScoringRules = {
  weights: { execution: 10, output: 50, effect: 30, satisfaction: 10 },
  capExecution: true,
  grades: { excellent: 90, good: 80, pass: 60 },
  qualitative: [
    { level: '达成年度指标', suggest: 1, min: 0.8, max: 1 },
    { level: '部分达成年度指标并具有一定效果', suggest: 0.7, min: 0.6, max: 0.8 },
    { level: '未达成年度指标且效果较差', suggest: 0.3, min: 0, max: 0.6 },
  ],
}

export const GRADES = ['优', '良', '中', '差'] as const
export type Grade = (typeof GRADES)[number]

const round2 = (n: number) => Math.round(n * 100) / 100

export function gradeOf(total: number, r: ScoringRules): Grade {
  if (total >= r.grades.excellent) return '优'
  if (total >= r.grades.good) return '良'
  if (total >= r.grades.pass) return '中'
  return '差'
}

/** 执行率 = 全年执行数 / 全年预算数; score = rate × weight, capped. */
export function executionScore(budgetFen: number, executedFen: number, r: ScoringRules): { rate: number | null; score: number } {
  if (budgetFen <= 0) return { rate: null, score: 0 }
  const rate = Math.round((executedFen * 10000) / budgetFen) / 100
  let score = (executedFen / budgetFen) * r.weights.execution
  if (r.capExecution) score = Math.min(score, r.weights.execution)
  return { rate, score: round2(score) }
}

export interface IndicatorScoreInput {
  operator: string
  targetValue: string
  actual: string
  weight: number
}

export interface IndicatorScore {
  /** null when the indicator cannot be scored by rule (blank or non-numeric actual). */
  score: number | null
  met: boolean | null
  rule: string
}

/**
 * One indicator's suggested score:
 * ≥ full at or above the target, else actual/target × weight;
 * ≤ full at or below the target, falling linearly to 0 at twice the target;
 * = with target 0: full when actual ≤ 0, else 0; with target > 0 scored like ≥;
 * 定性 by level (达成 / 部分达成 / 未达成).
 */
export function scoreIndicator(i: IndicatorScoreInput, r: ScoringRules): IndicatorScore {
  const w = i.weight
  if (i.operator === '定性') {
    const level = r.qualitative.find((q) => i.actual.trim() === q.level) ?? r.qualitative.find((q) => i.actual.includes(q.level.slice(0, 4)))
    if (!level) return { score: null, met: null, rule: '定性指标请选择完成等级' }
    return { score: round2(w * level.suggest), met: level.suggest >= 1, rule: `定性：${level.level}，建议得${level.suggest * 100}%权重` }
  }
  const target = numericValue(i.targetValue)
  const actual = numericValue(i.actual)
  if (target === null) return { score: null, met: null, rule: '指标值不是数值，无法按规则计分' }
  if (actual === null) return { score: null, met: null, rule: '实际完成值为空或不是数值' }
  if (i.operator === '≤') {
    if (actual <= target) return { score: w, met: true, rule: '反向指标：实际值未超过指标值，得满分' }
    if (target <= 0 || actual >= 2 * target) return { score: 0, met: false, rule: '反向指标：实际值达到指标值的2倍及以上，得0分' }
    return { score: round2((1 - (actual - target) / target) * w), met: false, rule: '反向指标：(1-(实际值-指标值)/指标值)×权重' }
  }
  if (i.operator === '=' && target === 0) {
    return actual <= 0 ? { score: w, met: true, rule: '等于0的指标：实际值不大于0，得满分' } : { score: 0, met: false, rule: '等于0的指标：实际值大于0，得0分' }
  }
  if (actual >= target) return { score: w, met: true, rule: '正向指标：达到指标值，得满分' }
  if (target <= 0) return { score: w, met: true, rule: '正向指标：指标值不大于0，得满分' }
  return { score: round2(Math.max(0, actual / target) * w), met: false, rule: '正向指标：实际值/指标值×权重' }
}

/** Whether a final score is within what the rule allows without a recorded reason. */
export function needsOverrideReason(suggested: number | null, final: number | null, operator: string, weight: number, actual: string, r: ScoringRules): boolean {
  if (final === null) return false
  if (operator === '定性') {
    const level = r.qualitative.find((q) => q.level === actual.trim())
    if (!level) return suggested !== final
    const ok = final >= weight * level.min - 1e-9 && (final <= weight * level.max + 1e-9)
    return !ok
  }
  return suggested === null || Math.abs(suggested - final) > 1e-9
}

export interface TotalInput {
  executionScore: number
  /** Applicable indicators: their weight and final (or suggested) score. */
  indicators: { weight: number; score: number }[]
}

/**
 * Total on 100: indicators marked 不适用 are left out and the rest rescaled, so a project without
 * (say) a satisfaction indicator is not marked down for it.
 */
export function totalScore(t: TotalInput, r: ScoringRules): { total: number; grade: Grade } {
  const max = r.weights.execution + t.indicators.reduce((a, i) => a + i.weight, 0)
  const got = t.executionScore + t.indicators.reduce((a, i) => a + i.score, 0)
  const total = max > 0 ? round2((got / max) * 100) : 0
  return { total, grade: gradeOf(total, r) }
}

/** Weights for indicators that have none: each category's weight split evenly among its indicators. */
export function defaultWeights(levels1: string[], r: ScoringRules): number[] {
  const cat = (l1: string) => (l1 === '产出指标' ? r.weights.output : l1 === '效益指标' ? r.weights.effect : r.weights.satisfaction)
  const counts = new Map<string, number>()
  for (const l of levels1) counts.set(l, (counts.get(l) ?? 0) + 1)
  return levels1.map((l) => round2(cat(l) / (counts.get(l) ?? 1)))
}
