/**
 * Imported fields pass the same zod rules as the save channels that would store them by hand
 * (shared/api.ts): a unit name the 预算单位 screen caps at 60 characters is capped at 60 in a
 * workbook too. Each failure becomes a problem row naming sheet, row (0 where the reader keeps none)
 * and field. A 5,000-project file has some 400,000 fields: the checks are generators (yield.ts) that the
 * import runs with the event loop given a turn, once, when the file is parsed.
 */
import type { z } from 'zod'
import { api } from '../../shared/api'
import type { ImportProblem } from '../../shared/domain'
import type { ParsedMonitoring, ParsedSelfEval, ParsedTargets } from './stage-types'
import { runSync, type Steps } from './yield'

type Field = { label: string; schema: z.ZodType }

function check(problems: ImportProblem[], sheet: string, row: number, fields: [Field, unknown][], prefix = ''): void {
  for (const [f, value] of fields) {
    const r = f.schema.safeParse(value)
    if (!r.success) problems.push({ sheet, row, column: f.label, message: `${prefix}${r.error.issues[0]?.message ?? `${f.label}不符合要求`}` })
  }
}

const units = api['units/save'].input.shape
const projects = api['projects/save'].input.shape
const targets = api['targets/save'].input.shape
const indicator = targets.indicators.element.shape

/** The 预算单位 import: code, name and 主管部门 as units/save takes them. */
export function unitFieldProblems(sheet: string, rows: { row: number; code: string; name: string; parentName: string }[]): ImportProblem[] {
  const problems: ImportProblem[] = []
  for (const r of rows) {
    check(problems, sheet, r.row, [
      [{ label: '单位编码', schema: units.code }, r.code],
      [{ label: '单位名称', schema: units.name }, r.name],
      [{ label: '主管部门', schema: units.parentName }, r.parentName],
    ])
  }
  return problems
}

/** The 绩效目标 申报表: each project as projects/save and its targets as targets/save take them. */
export function targetFieldProblems(parsed: ParsedTargets): ImportProblem[] {
  return runSync(targetFieldSteps(parsed))
}

export function* targetFieldSteps(parsed: ParsedTargets): Steps<ImportProblem[]> {
  const problems: ImportProblem[] = []
  let n = 0
  for (const p of parsed.projects) {
    if (++n % 100 === 0) yield
    check(problems, '项目信息', p.row, [
      [{ label: '项目名称', schema: projects.name }, p.name],
      [{ label: '项目编码', schema: projects.code }, p.code],
      [{ label: '年度总体目标', schema: targets.annualGoal }, p.annualGoal],
    ])
    for (const [k, i] of p.indicators.entries()) {
      check(
        problems,
        '绩效指标',
        // The row the reader found the indicator on (0 where it does not know).
        p.indicatorRows[k] ?? 0,
        [
          [{ label: '一级指标', schema: indicator.level1 }, i.level1],
          [{ label: '二级指标', schema: indicator.level2 }, i.level2],
          [{ label: '三级指标', schema: indicator.name }, i.name],
          [{ label: '指标值', schema: indicator.targetValue }, i.targetValue],
          [{ label: '度量单位', schema: indicator.unit }, i.unit],
          [{ label: '指标解释', schema: indicator.explanation }, i.explanation],
        ],
        `项目“${p.name.slice(0, 30)}”的指标“${i.name.slice(0, 30)}”：`,
      )
    }
  }
  return problems
}

const monitoring = api['monitoring/save'].input.shape
const monitoringValue = monitoring.values.element.shape
const selfeval = api['selfeval/save'].input.shape
const selfevalValue = selfeval.values.element.shape

/** The 运行监控 监控表: each project and indicator row as monitoring/save takes them. */
export function monitoringFieldProblems(parsed: ParsedMonitoring): ImportProblem[] {
  return runSync(monitoringFieldSteps(parsed))
}

export function* monitoringFieldSteps(parsed: ParsedMonitoring): Steps<ImportProblem[]> {
  const problems: ImportProblem[] = []
  let n = 0
  for (const p of parsed.projects) {
    if (++n % 100 === 0) yield
    check(problems, '项目执行', p.row, [
      [{ label: '偏差原因说明', schema: monitoring.deviation }, p.deviation],
      [{ label: '纠偏措施', schema: monitoring.measures }, p.measures],
    ])
    for (const i of p.indicators) {
      check(
        problems,
        '指标完成',
        0,
        [
          [{ label: '完成值', schema: monitoringValue.actual }, i.actual],
          [{ label: '全年预计完成值', schema: monitoringValue.forecast }, i.forecast],
          [{ label: '纠偏措施', schema: monitoringValue.measures }, i.measures],
        ],
        `项目“${p.name.slice(0, 30)}”的指标“${i.name.slice(0, 30)}”：`,
      )
    }
  }
  return problems
}

/** The 自评表: each project sheet as selfeval/save takes it. */
export function selfEvalFieldProblems(parsed: ParsedSelfEval): ImportProblem[] {
  return runSync(selfEvalFieldSteps(parsed))
}

export function* selfEvalFieldSteps(parsed: ParsedSelfEval): Steps<ImportProblem[]> {
  const problems: ImportProblem[] = []
  let n = 0
  for (const p of parsed.projects) {
    if (++n % 100 === 0) yield
    check(problems, p.sheet, 0, [
      [{ label: '执行率原因说明', schema: selfeval.executionNote }, p.executionNote],
      [{ label: '评价结论', schema: selfeval.conclusion }, p.conclusion],
      [{ label: '存在问题', schema: selfeval.problems }, p.problems],
      [{ label: '改进措施', schema: selfeval.improvements }, p.improvements],
    ])
    for (const i of p.indicators) {
      check(
        problems,
        p.sheet,
        0,
        [
          [{ label: '实际完成值', schema: selfevalValue.actual }, i.actual],
          [{ label: '偏差原因', schema: selfevalValue.reason }, i.reason],
        ],
        `指标“${i.name.slice(0, 30)}”：`,
      )
    }
  }
  return problems
}
