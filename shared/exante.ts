/**
 * 事前绩效评估 scoring: five dimensions scored against their maximum points, total on 100,
 * conclusion suggested from thresholds in settings. The user confirms or overrides with a reason.
 */
export const EXANTE_CONCLUSIONS = ['予以支持', '调整后予以支持', '不予支持'] as const
export type ExanteConclusion = (typeof EXANTE_CONCLUSIONS)[number]

export interface ExanteDimension {
  key: string
  name: string
  /** Full points of this dimension; the dimensions' points add up to 100. */
  maxScore: number
}

export interface ExanteRules {
  dimensions: ExanteDimension[]
  /** Total ≥ support → 予以支持; ≥ adjust → 调整后予以支持; below → 不予支持. */
  thresholds: { support: number; adjust: number }
}

/**
 * Defaults. The five dimension names follow a city 事前绩效评估管理办法 (domain-facts §3); the sample
 * score sheet gives 20 points each to the first three, so the other two take 20 each to make 100.
 * No published thresholds were found: 80/60 mirror the usual 良/中 grade bands and are settings.
 */
export const DEFAULT_EXANTE_RULES: ExanteRules = {
  dimensions: [
    { key: 'necessity', name: '立项必要性', maxScore: 20 },
    { key: 'economy', name: '投入经济性', maxScore: 20 },
    { key: 'targets', name: '绩效目标合理性', maxScore: 20 },
    { key: 'feasibility', name: '实施方案可行性', maxScore: 20 },
    { key: 'compliance', name: '筹资合规性', maxScore: 20 },
  ],
  thresholds: { support: 80, adjust: 60 },
}

export type ExanteScores = Record<string, number | null>

export interface ExanteScoreProblem {
  key: string
  message: string
}

/** Checks each dimension's score is present and within 0..max; messages name the dimension. */
export function checkExanteScores(rules: ExanteRules, scores: ExanteScores): ExanteScoreProblem[] {
  const problems: ExanteScoreProblem[] = []
  for (const d of rules.dimensions) {
    const v = scores[d.key]
    if (v === null || v === undefined) {
      problems.push({ key: d.key, message: `“${d.name}”尚未评分` })
    } else if (!Number.isFinite(v) || v < 0 || v > d.maxScore) {
      problems.push({ key: d.key, message: `“${d.name}”得分 ${v} 超出范围，应在 0 至 ${d.maxScore} 分之间` })
    } else if (Math.round(v * 10) !== v * 10) {
      problems.push({ key: d.key, message: `“${d.name}”得分最多保留 1 位小数` })
    }
  }
  return problems
}

/** Total on a 100-point scale (rescaled if the configured maxima do not add up to 100), 1 decimal. */
export function exanteTotal(rules: ExanteRules, scores: ExanteScores): number | null {
  let sum = 0
  let max = 0
  for (const d of rules.dimensions) {
    const v = scores[d.key]
    if (v === null || v === undefined) return null
    sum += v
    max += d.maxScore
  }
  if (max <= 0) return null
  return Math.round((sum / max) * 1000) / 10
}

export function suggestExanteConclusion(rules: ExanteRules, total: number | null): ExanteConclusion | null {
  if (total === null) return null
  if (total >= rules.thresholds.support) return '予以支持'
  if (total >= rules.thresholds.adjust) return '调整后予以支持'
  return '不予支持'
}

/** Supported proposals (with or without adjustment) may enter the 项目库 of the next budget year. */
export function entersLibrary(conclusion: ExanteConclusion | null): boolean {
  return conclusion === '予以支持' || conclusion === '调整后予以支持'
}

export function checkThresholds(t: { support: number; adjust: number }): string | null {
  if (!(t.support > t.adjust)) return '“予以支持”分数线必须高于“调整后予以支持”分数线'
  if (t.adjust < 0 || t.support > 100) return '分数线应在 0 至 100 之间'
  return null
}
