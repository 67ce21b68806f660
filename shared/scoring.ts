/**
 * 单位自评 scoring (财预〔2020〕10号 as restated in domain-facts §1). Every rule gives a SUGGESTED score;
 * a user's final score may differ only with a recorded reason. Weights, caps and grade bands are
 * settings with these defaults.
 */
import { addDec, cmpDec, decOf, decToNumber, divDec, mulDec, parseDecimal, subDec, sign, type Dec } from './decimal'
import { parseOperator } from './indicators'
import { DEFAULT_QUALITATIVE_SYNONYMS, levelNames, matchQualitative, type QualitativeLevel } from './qualitative'

/** 反向 (≤) formula: linear to 0 at twice the target (PERF_T_WARNSET), or 指标值/实际值 × 分值 (a form note). */
export const REVERSE_FORMULAS = { linear: '(1-(实际值-指标值)/指标值)×分值，2倍及以上得0分', ratio: '指标值/实际值×分值' } as const
export type ReverseFormula = keyof typeof REVERSE_FORMULAS

export interface ScoringRules {
  /** Category weights: 预算执行率 10, 产出 50, 效益 30, 满意度 10 (total 100). */
  weights: { execution: number; output: number; effect: number; satisfaction: number }
  /** Cap the 执行率 score at its weight (a rate above 100% does not earn extra). */
  capExecution: boolean
  /** Grade bands: ≥ excellent 优, ≥ good 良, ≥ pass 中, below 差. */
  grades: { excellent: number; good: number; pass: number }
  /** Suggested share of the weight for each qualitative level, its allowed range and its synonyms. */
  qualitative: QualitativeLevel[]
  /** Decimal places of a suggested indicator score: 2 by default, 0 where a region scores whole points. */
  scoreDecimals: number
  reverseFormula: ReverseFormula
}

export const DEFAULT_SCORING_RULES: ScoringRules = {
  weights: { execution: 10, output: 50, effect: 30, satisfaction: 10 },
  capExecution: true,
  grades: { excellent: 90, good: 80, pass: 60 },
  qualitative: [
    { level: '达成年度指标', suggest: 1, min: 0.8, max: 1, synonyms: DEFAULT_QUALITATIVE_SYNONYMS['达成年度指标']! },
    { level: '部分达成年度指标并具有一定效果', suggest: 0.7, min: 0.6, max: 0.8, synonyms: DEFAULT_QUALITATIVE_SYNONYMS['部分达成年度指标并具有一定效果']! },
    { level: '未达成年度指标且效果较差', suggest: 0.3, min: 0, max: 0.6, synonyms: DEFAULT_QUALITATIVE_SYNONYMS['未达成年度指标且效果较差']! },
  ],
  scoreDecimals: 2,
  reverseFormula: 'linear',
}

export const GRADES = ['优', '良', '中', '差'] as const
export type Grade = (typeof GRADES)[number]

const round2 = (n: number) => decToNumber(divDec(decOf(n), { n: 1n, s: 0 }, 2))
const sumDec = (xs: number[]): Dec => xs.reduce<Dec>((a, x) => addDec(a, decOf(x)), { n: 0n, s: 0 })

export function gradeOf(total: number, r: ScoringRules): Grade {
  if (total >= r.grades.excellent) return '优'
  if (total >= r.grades.good) return '良'
  if (total >= r.grades.pass) return '中'
  return '差'
}

/** 执行率 = 全年执行数 / 全年预算数; score = rate × weight, capped. */
export function executionScore(budgetFen: number, executedFen: number, r: ScoringRules): { rate: number | null; score: number } {
  if (budgetFen <= 0) return { rate: null, score: 0 }
  const fen = (x: number): Dec => ({ n: BigInt(x), s: 0 })
  const rate = decToNumber(divDec(mulDec(fen(executedFen), { n: 100n, s: 0 }), fen(budgetFen), 2))
  const w = decOf(r.weights.execution)
  const score = r.capExecution && executedFen >= budgetFen ? w : divDec(mulDec(fen(executedFen), w), fen(budgetFen), 2)
  return { rate, score: decToNumber(score) }
}

export interface IndicatorScoreInput {
  operator: string
  targetValue: string
  actual: string
  weight: number
}

export interface IndicatorScore {
  /** null when the indicator cannot be scored by rule (blank or non-numeric actual, unknown operator). */
  score: number | null
  met: boolean | null
  rule: string
  /** Set when the row itself is wrong (an unknown operator): an error, not just "no suggestion". */
  error?: string
}

/** A number typed in a value cell: "95", "95%", "１,２００", "95 ％". */
export function decimalValue(v: string): Dec | null {
  return parseDecimal(v.replace(/[%％\s]/g, ''))
}

/**
 * One indicator's suggested score, computed in decimals and rounded half up at `scoreDecimals`:
 * ≥ full at or above the target, else actual/target × weight;
 * ≤ full at or below the target, else by the reverse formula setting;
 * = with target 0: full when actual ≤ 0, else 0; with target > 0 scored like ≥;
 * 定性 by level (the level names and their synonyms, matched exactly).
 * An empty or unknown operator is an error: nothing is scored as ≥ by default.
 */
export function scoreIndicator(i: IndicatorScoreInput, r: ScoringRules): IndicatorScore {
  if (!Number.isFinite(i.weight)) return { score: null, met: null, rule: '该指标没有分值，无法按规则计分' }
  const w = decOf(i.weight)
  const places = r.scoreDecimals ?? 2
  const one: Dec = { n: 1n, s: 0 }
  /** num ÷ den rounded once, at the score's places. */
  const pts = (num: Dec, den: Dec = one) => decToNumber(divDec(num, den, places))
  const full = decToNumber(w)
  const op = parseOperator(i.operator)
  if (!op) {
    const error = i.operator.trim() ? `指标性质“${i.operator}”无法识别，应为≥、≤、=或定性` : '指标性质为空，应为≥、≤、=或定性'
    return { score: null, met: null, rule: error, error }
  }
  if (op === '定性') {
    const k = matchQualitative(i.actual, r.qualitative)
    if (k === null) {
      const rule = i.actual.trim() ? `定性完成值“${i.actual.trim()}”不是${levelNames(r.qualitative)}或其同义词，无法按规则计分` : '定性指标请选择完成等级'
      return { score: null, met: null, rule }
    }
    const level = r.qualitative[k]!
    return { score: pts(mulDec(w, decOf(level.suggest))), met: k === 0, rule: `定性：${level.level}，建议得${decToNumber(mulDec(decOf(level.suggest), { n: 100n, s: 0 }))}%权重` }
  }
  const target = decimalValue(i.targetValue)
  const actual = decimalValue(i.actual)
  if (target === null) return { score: null, met: null, rule: '指标值不是数值，无法按规则计分' }
  if (actual === null) return { score: null, met: null, rule: '实际完成值为空或不是数值' }
  if (op === '≤') {
    if (cmpDec(actual, target) <= 0) return { score: full, met: true, rule: '反向指标：实际值未超过指标值，得满分' }
    if (sign(target) <= 0) return { score: 0, met: false, rule: '反向指标：指标值不大于0而实际值超过指标值，得0分' }
    if (r.reverseFormula === 'ratio') return { score: pts(mulDec(target, w), actual), met: false, rule: `反向指标：${REVERSE_FORMULAS.ratio}` }
    const twice = mulDec(target, { n: 2n, s: 0 })
    if (cmpDec(actual, twice) >= 0) return { score: 0, met: false, rule: '反向指标：实际值达到指标值的2倍及以上，得0分' }
    // (1 − (a − t)/t) × w = (2t − a) × w / t
    return { score: pts(mulDec(subDec(twice, actual), w), target), met: false, rule: '反向指标：(1-(实际值-指标值)/指标值)×权重' }
  }
  if (op === '=' && sign(target) === 0) {
    return sign(actual) <= 0 ? { score: full, met: true, rule: '等于0的指标：实际值不大于0，得满分' } : { score: 0, met: false, rule: '等于0的指标：实际值大于0，得0分' }
  }
  if (cmpDec(actual, target) >= 0) return { score: full, met: true, rule: '正向指标：达到指标值，得满分' }
  if (sign(target) <= 0) return { score: full, met: true, rule: '正向指标：指标值不大于0，得满分' }
  if (sign(actual) <= 0) return { score: 0, met: false, rule: '正向指标：实际值/指标值×权重' }
  return { score: pts(mulDec(actual, w), target), met: false, rule: '正向指标：实际值/指标值×权重' }
}

/** Whether a final score is within what the rule allows without a recorded reason. */
export function needsOverrideReason(suggested: number | null, final: number | null, operator: string, weight: number, actual: string, r: ScoringRules): boolean {
  if (final === null) return false
  if (!Number.isFinite(final) || !Number.isFinite(weight)) return true
  if (parseOperator(operator) === '定性') {
    const k = matchQualitative(actual, r.qualitative)
    if (k === null) return suggested !== final
    const level = r.qualitative[k]!
    const f = decOf(final)
    const w = decOf(weight)
    return !(cmpDec(f, mulDec(w, decOf(level.min))) >= 0 && cmpDec(f, mulDec(w, decOf(level.max))) <= 0)
  }
  return suggested === null || cmpDec(decOf(suggested), decOf(final)) !== 0
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
  const max = sumDec([r.weights.execution, ...t.indicators.map((i) => i.weight)])
  const got = sumDec([t.executionScore, ...t.indicators.map((i) => i.score)])
  const total = sign(max) > 0 ? decToNumber(divDec(mulDec(got, { n: 100n, s: 0 }), max, 2)) : 0
  return { total, grade: gradeOf(total, r) }
}

/** Weights for indicators that have none: each category's weight split evenly among its indicators. */
export function defaultWeights(levels1: string[], r: ScoringRules): number[] {
  const cat = (l1: string) => (l1 === '产出指标' ? r.weights.output : l1 === '效益指标' ? r.weights.effect : r.weights.satisfaction)
  const counts = new Map<string, number>()
  for (const l of levels1) counts.set(l, (counts.get(l) ?? 0) + 1)
  return levels1.map((l) => round2(cat(l) / (counts.get(l) ?? 1)))
}
