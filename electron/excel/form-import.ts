/**
 * What a form sheet (form-reader.ts) means for a stage: the 自评 values of an approved project, or the
 * 绩效目标 of a project. The unit's own 得分 is kept as its score beside the rule's suggestion and
 * flagged; a rule that needs a column the form does not have becomes a warning saying what is missing.
 */
import type { ImportProblem, Indicator } from '../../shared/domain'
import { decimalValue, defaultWeights, scoreIndicator, type ScoringRules } from '../../shared/scoring'
import { EXPLAIN_BELOW, INAPPLICABLE } from './selfeval-sheet'
import type { FormSheet } from './form-reader'
import { normalizeName } from './match-sheets'
import type { ParsedTargetsProject, SheetIndicator } from './stage-types'
import { ratePercent } from '../../shared/money'
import { cmpDec } from '../../shared/decimal'

export interface SelfEvalFromForm {
  values: { indicatorId: string; actual: string; inapplicable: boolean; finalScore: number | null; overrideReason: string; reason: string }[]
  problems: ImportProblem[]
  warnings: ImportProblem[]
  /** Indicators whose typed 得分 differs from the rule's suggestion. */
  ownScores: number
}

const INAPPLICABLE_WORDS = [INAPPLICABLE, '不涉及']

/** Same value, however written: "95" vs "95%" with unit "%", "1,200" vs "1200". */
function sameTarget(a: string, b: string): boolean {
  const x = decimalValue(a)
  const y = decimalValue(b)
  if (x && y) return cmpDec(x, y) === 0
  return normalizeName(a) === normalizeName(b)
}

export function selfEvalFromForm(form: FormSheet, own: Indicator[], rules: ScoringRules, fileName: string): SelfEvalFromForm {
  const problems: ImportProblem[] = []
  const warnings: ImportProblem[] = []
  const sheet = form.sheet
  const at = (list: ImportProblem[], row: number, column: string, message: string) => list.push({ sheet, row, column, message })
  const weights = (() => {
    const fallback = defaultWeights(own.map((i) => i.level1), rules)
    return own.map((i, k) => i.weight ?? fallback[k]!)
  })()
  const values: SelfEvalFromForm['values'] = []
  if (own.length === 0) {
    // Scored on 执行率 alone the project would look excellent; refuse instead.
    at(problems, 0, '三级指标', `项目“${form.projectName}”没有已批复的绩效目标，无法按指标自评；请先在“绩效目标”中录入或导入该项目的申报表`)
    return { values, problems, warnings, ownScores: 0 }
  }
  const seen = new Map<string, number>()
  let ownScores = 0
  for (const fi of form.indicators) {
    const k = own.findIndex((o) => normalizeName(o.name) === normalizeName(fi.name))
    if (k < 0) {
      at(warnings, fi.row, '三级指标', `指标“${fi.name}”不在该项目已批复的绩效目标中，该行未导入`)
      continue
    }
    const ind = own[k]!
    const weight = weights[k]!
    if (seen.has(ind.id)) {
      at(problems, fi.row, '三级指标', `指标“${fi.name}”与第${seen.get(ind.id)}行重复，请删除重复的行`)
      continue
    }
    seen.set(ind.id, fi.row)
    const label = `指标“${ind.name}”`
    if (fi.weight !== null && Math.abs(fi.weight - weight) > 1e-9) at(warnings, fi.row, '分值', `${label}表中分值${fi.weight}与批复的分值${weight}不同，按批复分值计分`)
    if (fi.targetValue && ind.operator !== '定性' && !sameTarget(fi.targetValue, ind.targetValue)) {
      at(warnings, fi.row, '指标值', `${label}表中指标值“${fi.operator}${fi.targetValue}${fi.unit}”与批复的“${ind.operator}${ind.targetValue}${ind.unit}”不同，按批复的指标值计分`)
    } else if (fi.operator && fi.operator !== ind.operator && ind.operator !== '定性') {
      at(warnings, fi.row, '指标性质', `${label}表中指标性质“${fi.operator}”与批复的“${ind.operator}”不同，按批复的“${ind.operator}”计分`)
    }
    const inapplicable = fi.inapplicable || INAPPLICABLE_WORDS.includes(fi.actual.replace(/\s/g, ''))
    const actual = inapplicable ? '' : fi.actual
    if (!inapplicable && !actual && fi.score === null) {
      at(problems, fi.row, form.has.actual ? '完成值' : '三级指标', form.has.actual ? `${label}未填写完成值；确实不适用的请填“${INAPPLICABLE}”或“/”` : `表中没有完成值列，${label}无法计分`)
      continue
    }
    const rule = inapplicable ? null : scoreIndicator({ operator: ind.operator, targetValue: ind.targetValue, actual, weight }, rules)
    if (rule && rule.score === null && fi.score === null && actual) {
      at(warnings, fi.row, '完成值', `${label}：${rule.rule}；导入后该指标暂无得分，请在自评页面评分`)
    }
    let overrideReason = ''
    if (fi.score !== null && !inapplicable) {
      overrideReason = `单位自评表填报得分（导入《${fileName}》）`
      if (rule?.score !== fi.score) {
        ownScores++
        at(warnings, fi.row, '得分', `${label}单位填报得分${fi.score}，按规则建议${rule?.score ?? '（无）'}分：保留单位得分，建议分一并记录，审核时请确认`)
      }
    }
    const unmet = fi.score !== null ? fi.score < weight - 1e-9 : rule?.met === false
    if (unmet && !inapplicable && !fi.reason) {
      if (form.has.reason) at(problems, fi.row, '偏差原因', `${label}未达到指标值（指标值${ind.operator === '定性' ? '' : ind.operator}${ind.targetValue}${ind.unit}，完成值${actual}），请填写偏差原因分析`)
      else at(warnings, fi.row, '偏差原因', `${label}未达到指标值，但本表没有偏差原因（未完成原因分析）列，无法说明原因；如需说明请在自评页面补充`)
    }
    values.push({ indicatorId: ind.id, actual, inapplicable, finalScore: inapplicable ? null : fi.score, overrideReason, reason: fi.reason })
  }
  const missing = own.filter((o) => !seen.has(o.id))
  if (missing.length) at(warnings, 0, '三级指标', `表中缺少批复的指标${missing.map((m) => `“${m.name}”`).join('')}，导入后这些指标暂无完成值`)
  if (form.totalFen) {
    const rate = ratePercent(form.totalFen.executed, form.totalFen.budget)
    if (rate !== null && rate < EXPLAIN_BELOW && !form.executionNote) {
      if (form.has.executionNote) at(problems, 0, '原因说明', `预算执行率为${rate}%，低于${EXPLAIN_BELOW}%，请在资金表的“原因”列说明原因`)
      else at(warnings, 0, '原因说明', `预算执行率为${rate}%，低于${EXPLAIN_BELOW}%，本表没有原因说明列，请在自评页面补充原因`)
    }
  }
  return { values, problems, warnings, ownScores }
}

/** A 申报表 form as the 绩效目标 import's project: existing indicator ids kept by name. */
export function targetsFromForm(
  form: FormSheet,
  unit: { code: string; name: string },
  existing: { id: string; code: string; name: string; fundSource: string; category: string; amountFen: number; annualGoal: string } | null,
  oldIndicators: Indicator[],
): ParsedTargetsProject {
  const indicators: SheetIndicator[] = form.indicators.map((fi) => {
    const old = oldIndicators.find((o) => normalizeName(o.name) === normalizeName(fi.name))
    return { id: old?.id ?? '', level1: fi.level1, level2: fi.level2, name: fi.name, operator: fi.operator, targetValue: fi.targetValue, unit: fi.unit, weight: fi.weight, explanation: fi.note }
  })
  return {
    id: existing?.id ?? '',
    unitCode: unit.code,
    unitName: unit.name,
    code: form.projectCode || existing?.code || '',
    // A project matched by its code keeps the 项目库's name; the form's wording does not rename it.
    name: existing?.name ?? form.projectName,
    fundSource: existing?.fundSource ?? '一般公共预算',
    category: existing?.category ?? '项目',
    amountFen: form.totalFen?.budget ?? existing?.amountFen ?? 0,
    annualGoal: form.goal || existing?.annualGoal || '',
    indicators,
    row: 0,
    indicatorRows: form.indicators.map((i) => i.row),
    sheet: form.sheet,
    layout: form.layout.name,
  }
}
