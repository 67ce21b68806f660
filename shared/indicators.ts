/**
 * 绩效指标: the three-level table (中发〔2018〕34号; 财预〔2015〕88号) and the completeness checks run
 * before review. Every problem is a Chinese sentence naming the indicator.
 */
import { formatWan, parseMoney } from './money'

export const LEVELS = {
  产出指标: ['数量指标', '质量指标', '时效指标', '成本指标'],
  效益指标: ['经济效益指标', '社会效益指标', '生态效益指标', '可持续影响指标'],
  满意度指标: ['服务对象满意度指标'],
} as const
export type Level1 = keyof typeof LEVELS
export const LEVEL1_KEYS = Object.keys(LEVELS) as Level1[]
export const ALL_LEVEL2 = Object.values(LEVELS).flat() as string[]

export const OPERATORS = ['≥', '≤', '=', '定性'] as const
export type IndicatorOperator = (typeof OPERATORS)[number]

/** Qualitative levels (财预〔2020〕10号 wording). */
export const QUALITATIVE_LEVELS = ['达成年度指标', '部分达成年度指标并具有一定效果', '未达成年度指标且效果较差'] as const

export interface IndicatorInput {
  id?: string
  level1: string
  level2: string
  name: string
  operator: string
  targetValue: string
  unit: string
  weight: number | null
  explanation: string
}

/** Normalises what people type: "产出" → 产出指标, "数量" → 数量指标, ">=" → ≥. */
export function normalizeLevel1(s: string): string {
  const t = s.replace(/\s/g, '')
  const hit = LEVEL1_KEYS.find((k) => k === t || k.replace('指标', '') === t)
  return hit ?? t
}
export function normalizeLevel2(s: string): string {
  const t = s.replace(/\s/g, '')
  const hit = ALL_LEVEL2.find((k) => k === t || k.replace('指标', '') === t || (k === '服务对象满意度指标' && t === '满意度'))
  return hit ?? t
}
/**
 * What people write for an operator, full-width forms included (﹦ ＝ ≧ ≦ ＞ ＜ ⩾ ⩽). ">" and "<" are read
 * as ≥ and ≤ because forms use them so; anything else is not guessed.
 */
const OPERATOR_WORDS: [IndicatorOperator, string[]][] = [
  ['≥', ['≥', '≧', '⩾', '>=', '＞＝', '＞=', '>＝', '=>', '>', '＞', '大于等于', '大于或等于', '不低于', '不少于', '不小于', '正向', '正向指标']],
  ['≤', ['≤', '≦', '⩽', '<=', '＜＝', '＜=', '<＝', '=<', '<', '＜', '小于等于', '小于或等于', '不高于', '不超过', '不大于', '不多于', '反向', '反向指标']],
  ['=', ['=', '＝', '﹦', '==', '等于']],
  ['定性', ['定性', '定性指标']],
]
const OPERATOR_OF = new Map(OPERATOR_WORDS.flatMap(([op, words]) => words.map((w) => [w, op] as const)))
/** Operator tokens longest first, for reading one at the start of a cell ("≥90%"). */
const OPERATOR_TOKENS = [...OPERATOR_OF.keys()].filter((w) => !/指标$|^正向$|^反向$|^定性$/.test(w)).sort((a, b) => b.length - a.length)

/** The operator written, or null when it is empty or not one of ≥ ≤ = 定性 (never defaulted to ≥). */
export function parseOperator(s: string): IndicatorOperator | null {
  return OPERATOR_OF.get(s.replace(/\s/g, '')) ?? null
}

/** Normalises a typed operator; unknown text is returned as typed so the checks can name it. */
export function normalizeOperator(s: string): string {
  return parseOperator(s) ?? s.replace(/\s/g, '')
}

export interface InlineTarget {
  /** Operator written in the cell, or null when the cell starts with the number. */
  operator: IndicatorOperator | null
  value: string
  unit: string
}

/**
 * Splits what a form holds in one cell: "≥90%" → ≥ 90 %, "≤30万元" → ≤ 30 万元, "=100" → = 100,
 * "≧ 95 ％" → ≥ 95 %. Null when the cell holds no number (a 定性 target such as "明显改善").
 */
export function splitInlineTarget(text: string): InlineTarget | null {
  let t = toHalfWidthDigits(text).replace(/\s+/g, '').replace(/％/g, '%')
  let operator: IndicatorOperator | null = null
  const tok = OPERATOR_TOKENS.find((w) => t.startsWith(w))
  if (tok) {
    operator = OPERATOR_OF.get(tok)!
    t = t.slice(tok.length)
  }
  const m = /^(-?\d+(?:,\d{3})*(?:\.\d+)?)(.*)$/.exec(t)
  if (!m) return null
  const unit = m[2]!.replace(/^[（(](.*)[）)]$/, '$1')
  // A number followed by more words is a sentence ("3个月内完成"), not a value and a unit.
  if (unit.length > 6 || /[，,。；;]/.test(unit)) return null
  return { operator, value: m[1]!.replace(/,/g, ''), unit }
}

function toHalfWidthDigits(s: string): string {
  return s.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\uFF0E/g, '.')
}

export function parentOf(level2: string): Level1 | null {
  for (const k of LEVEL1_KEYS) if ((LEVELS[k] as readonly string[]).includes(level2)) return k
  return null
}

export function isNumeric(v: string): boolean {
  return /^-?\d+(\.\d+)?%?$/.test(v.replace(/[,，\s]/g, ''))
}
export function numericValue(v: string): number | null {
  const t = toHalfWidthDigits(v).replace(/[,，\s%％]/g, '')
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : null
}

export type Severity = 'error' | 'warning'
export interface IndicatorProblem {
  severity: Severity
  /** Index of the indicator in the list, or null for the whole table. */
  index: number | null
  message: string
}

export interface CheckOptions {
  /** What the indicator weights must add up to (90 in the county 自评表: 执行率 takes 10). */
  weightTotal: number
  projectAmountFen: number
}

/** Indicators that are good when larger; written with ≤ they are most likely a mistake. */
const POSITIVE_NAME = /(满意度|满意率|合格率|达标率|覆盖率|完成率|入学率|知晓率|及格率|使用率|普及率|到位率|受益|通过率|参保率)/

/** Structure and value checks of one project's indicator table. Errors block submission. */
export function checkIndicators(annualGoal: string, list: IndicatorInput[], opts: CheckOptions): IndicatorProblem[] {
  const out: IndicatorProblem[] = []
  const err = (index: number | null, message: string) => out.push({ severity: 'error', index, message })
  const warn = (index: number | null, message: string) => out.push({ severity: 'warning', index, message })
  if (!annualGoal.trim()) err(null, '年度总体目标未填写')
  if (list.length === 0) {
    err(null, '没有填写任何绩效指标')
    return out
  }
  list.forEach((ind, i) => {
    const label = `指标“${ind.name || `第${i + 1}行`}”`
    if (!ind.name.trim()) err(i, `第${i + 1}个指标的三级指标名称为空`)
    if (!(LEVEL1_KEYS as string[]).includes(ind.level1)) err(i, `${label}的一级指标“${ind.level1}”无效，应为产出指标、效益指标或满意度指标`)
    else if (!(LEVELS[ind.level1 as Level1] as readonly string[]).includes(ind.level2)) {
      err(i, `${label}的二级指标“${ind.level2}”不属于“${ind.level1}”，应为${LEVELS[ind.level1 as Level1].join('、')}之一`)
    }
    if (!(OPERATORS as readonly string[]).includes(ind.operator)) err(i, `${label}的指标性质“${ind.operator}”无效，应为≥、≤、=或定性`)
    if (!ind.targetValue.trim()) err(i, `${label}没有填写指标值`)
    else if (ind.operator !== '定性' && !isNumeric(ind.targetValue)) {
      err(i, `${label}的指标值“${ind.targetValue}”不是数值；定量指标请填数字，文字描述的指标请把指标性质选为“定性”`)
    }
    if (ind.operator !== '定性' && !ind.unit.trim()) err(i, `${label}没有填写度量单位`)
    if (ind.level1 === '满意度指标' && ind.operator === '≤') err(i, `${label}是满意度指标，应使用“≥”`)
    else if (ind.operator === '≤' && POSITIVE_NAME.test(ind.name)) warn(i, `${label}是正向指标（越高越好），却使用了“≤”，请确认指标性质`)
    if (ind.weight !== null && (ind.weight < 0 || ind.weight > 100)) err(i, `${label}的权重${ind.weight}超出0至100`)
    if (ind.level2 === '成本指标' && (ind.unit === '万元' || ind.unit === '元') && opts.projectAmountFen > 0) {
      const r = parseMoney(ind.targetValue, ind.unit)
      if (r.ok) {
        const fen = r.fen
        const projectWan = formatWan(opts.projectAmountFen)
        if (fen > opts.projectAmountFen * 1.05) {
          err(i, `${label}为${ind.targetValue}${ind.unit}，超过项目资金${projectWan}万元，请核对单位是否应为“元”`)
        } else if (ind.unit === '元' && fen * 10_000 <= opts.projectAmountFen * 1.05 && fen * 10_000 >= opts.projectAmountFen * 0.01) {
          warn(i, `${label}为${ind.targetValue}元，而项目资金为${projectWan}万元，数额相差上万倍，请核对单位是否应为“万元”`)
        }
      }
    }
  })
  const present = new Set(list.map((x) => x.level1))
  for (const l1 of LEVEL1_KEYS) if (!present.has(l1)) err(null, `缺少“${l1}”`)
  const outputs = new Set(list.filter((x) => x.level1 === '产出指标').map((x) => x.level2))
  for (const l2 of LEVELS.产出指标) if (present.has('产出指标') && !outputs.has(l2)) warn(null, `产出指标中没有“${l2}”，如项目有此类产出请补充`)
  const quantitative = list.filter((x) => x.operator !== '定性').length
  if (quantitative * 2 < list.length) warn(null, `定量指标只有${quantitative}个（共${list.length}个），能量化的指标请尽量量化`)
  const weights = list.map((x) => x.weight)
  if (weights.some((w) => w !== null)) {
    if (weights.some((w) => w === null)) err(null, '部分指标填写了权重、部分没有填写，请全部填写')
    else {
      const sum = Math.round(weights.reduce<number>((a, w) => a + (w ?? 0), 0) * 100) / 100
      if (sum !== opts.weightTotal) err(null, `指标权重合计为${sum}，应为${opts.weightTotal}`)
    }
  }
  return out
}
