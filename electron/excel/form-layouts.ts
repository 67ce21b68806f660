/**
 * The forms units fill, described as data for the one label-driven reader (form-reader.ts): which
 * labels name each header field, each column of the 资金 and 绩效指标 tables, the 总额 and 其中 rows and
 * the footer. A new county variant is a new entry here, not new code. Labels are compared after
 * removing spaces, "*", a trailing colon and a bracketed note ("项目资金（万元）" → 项目资金).
 */
import type { ColumnSpec } from './read-table'

export type HeaderKey = 'projectName' | 'projectCode' | 'department' | 'departmentCode' | 'unitName' | 'reportNo' | 'year' | 'attribute'
export type FooterKey = 'conclusion' | 'problems' | 'improvements'
export type GoalKey = 'goal' | 'goalExpected' | 'goalActual'

export interface FormLayout {
  key: string
  /** Name shown in the preview ("按…读取"). */
  name: string
  stage: 'selfeval' | 'targets'
  /** Labels that tell this layout from the others; the layout with most of them present is used. */
  signature: string[]
  header: Record<HeaderKey, string[]>
  /** Labels of the 年度总体目标 block: a value beside it, or 预期目标 / 实际完成情况 under it. */
  goal: Record<GoalKey, string[]>
  /** Columns of a 资金 table (the 自评表); a 申报表 writes 资金 as label–amount pairs instead. */
  fundColumns: ColumnSpec[]
  indicatorColumns: ColumnSpec[]
  footer: Record<FooterKey, string[]>
}

/** Labels of a 总额 row or field, and of its 其中 parts by the source they mean. */
export const FUND_TOTAL_LABELS = ['年度资金总额', '资金总额', '总额', '合计', '总计', '项目资金总额', '年度资金申请总额', '资金合计', '预算资金总额']
export const FUND_PART_LABELS: Record<string, string> = {
  当年财政资金: '当年财政资金',
  当年财政拨款: '当年财政资金',
  财政拨款: '当年财政资金',
  财政资金: '当年财政资金',
  当年一般公共预算拨款: '当年财政资金',
  一般公共预算拨款: '当年财政资金',
  上年结转资金: '上年结转资金',
  上年结转: '上年结转资金',
  结转资金: '上年结转资金',
  其他资金: '其他资金',
  其它资金: '其他资金',
  其他: '其他资金',
  自有资金: '自有资金',
  单位资金: '单位资金',
  财政专户管理资金: '财政专户管理资金',
}

/** Placeholders people leave in a cell meaning "nothing here". */
export const PLACEHOLDERS = ['-', '--', '/', '／', '—', '——', '－', '–', '无', '暂无', '…', '……', 'xx', 'XX', '×', '\\']

/** A 合计 / 总分 row of the indicator table. */
export const SCORE_TOTAL_LABELS = ['总分', '合计', '总计', '合计得分', '自评总分', '总得分']

/** Rows that end the indicator table (a footer or a signature line). */
export const TABLE_END_LABELS = ['评价结论', '存在问题', '改进措施', '项目负责人', '财务负责人', '填报人', '单位负责人', '自评结论', '说明', '备注说明', '审核意见']

const HEADER: Record<HeaderKey, string[]> = {
  projectName: ['项目名称', '项目名称（预算项目编码-名称）', '预算项目名称'],
  projectCode: ['项目编码', '项目代码', '预算项目编码', '项目编号'],
  department: ['主管部门', '主管部门名称', '主管单位', '部门名称', '预算部门'],
  departmentCode: ['主管部门编码', '部门编码', '单位编码', '预算单位编码'],
  unitName: ['实施单位', '项目实施单位', '实施单位（盖章）', '填报单位', '填报单位（盖章）', '单位名称', '预算单位', '项目单位', '项目执行单位'],
  reportNo: ['报表编号', '编号'],
  year: ['年度', '预算年度', '填报年度'],
  attribute: ['项目属性', '项目性质'],
}

const GOAL: Record<GoalKey, string[]> = {
  goal: ['年度总体目标', '年度目标', '项目年度目标', '年度绩效目标', '总体目标', '项目年度目标/年度目标完成情况'],
  goalExpected: ['预期目标', '年度目标'],
  goalActual: ['实际完成情况', '年度目标完成情况', '完成情况', '目标完成情况'],
}

const FOOTER: Record<FooterKey, string[]> = {
  conclusion: ['评价结论', '自评结论', '总体评价结论'],
  problems: ['存在问题', '存在的问题', '主要问题'],
  improvements: ['改进措施', '改进措施及建议', '整改措施', '下一步改进措施'],
}

const col = (key: string, label: string, aliases: string[] = [], required = false): ColumnSpec => ({ key, label, aliases, required })

const FUND_COLUMNS: ColumnSpec[] = [
  col('initial', '年初预算数', ['年初预算', '年初预算金额', '年初预算数（万元）']),
  col('budget', '全年预算数', ['全年预算', '调整后预算数', '调整后预算', '全年预算金额', '预算数'], true),
  col('executed', '全年执行数', ['全年执行', '预算执行数', '执行数', '实际执行数', '全年实际执行数', '实际支出数'], true),
  col('weight', '分值', ['权重']),
  col('rate', '执行率', ['预算执行率']),
  col('score', '得分', ['自评得分']),
  col('note', '原因说明', ['原因', '原因分析', '偏差原因', '执行率偏低原因', '未完成原因']),
]

const INDICATOR_COMMON: ColumnSpec[] = [
  col('level1', '一级指标', ['一级']),
  col('level2', '二级指标', ['二级']),
  col('name', '三级指标', ['指标名称', '指标内容', '三级指标名称', '三级', '具体指标'], true),
  col('operator', '指标性质', ['运算符', '符号', '指标方向', '指标类型']),
  col('targetValue', '年度指标值', ['指标值', '目标值', '指标目标值', '年度目标值', '绩效指标值', '年度绩效指标值', '预期指标值', '指标值（年度）']),
  col('unit', '度量单位', ['计量单位', '单位']),
]

const SELFEVAL_INDICATORS: ColumnSpec[] = [
  ...INDICATOR_COMMON,
  col('actual', '实际完成值', ['完成值', '全年实际值', '实际完成情况', '全年完成值', '实际值', '全年实际完成值', '年度实际完成值', '实际完成指标值']),
  col('weight', '分值', ['权重']),
  col('score', '得分', ['自评得分', '单位自评分']),
  col('reason', '偏差原因分析及改进措施', ['未完成原因分析', '未完成原因', '偏差原因分析', '偏差原因', '原因分析', '偏差原因及改进措施', '未完成原因及改进措施', '未完成原因和改进措施', '原因分析及改进措施', '偏差原因分析和改进措施', '偏差分析及改进措施', '未达标原因']),
]

const TARGET_INDICATORS: ColumnSpec[] = [...INDICATOR_COMMON, col('weight', '分值', ['权重']), col('note', '备注', ['指标解释', '说明', '指标说明'])]

export const FORM_LAYOUTS: FormLayout[] = [
  {
    key: 'mof-selfeval',
    name: '财政部项目支出绩效自评表（财预〔2020〕10号附件）',
    stage: 'selfeval',
    signature: ['项目资金', '年度资金总额', '年初预算数', '全年预算数', '全年执行数', '年度总体目标', '预期目标', '实际完成情况', '年度指标值', '实际完成值', '偏差原因分析及改进措施', '总分'],
    header: HEADER,
    goal: GOAL,
    fundColumns: FUND_COLUMNS,
    indicatorColumns: SELFEVAL_INDICATORS,
    footer: FOOTER,
  },
  {
    key: 'province-selfeval',
    name: '省级项目支出绩效自评表（预算执行情况10分 + 绩效指标90分）',
    stage: 'selfeval',
    signature: ['报表编号', '预算执行情况', '调整后预算数', '预算执行数', '预算执行率', '权重', '指标性质', '指标值', '度量单位', '完成值', '未完成原因分析', '评价结论', '存在问题', '改进措施', '绩效指标'],
    header: HEADER,
    goal: GOAL,
    fundColumns: FUND_COLUMNS,
    indicatorColumns: SELFEVAL_INDICATORS,
    footer: FOOTER,
  },
  {
    key: 'targets-form',
    name: '项目支出绩效目标申报表',
    stage: 'targets',
    signature: ['绩效目标申报表', '项目属性', '资金总额', '年度总体目标', '长期目标', '指标值', '备注', '项目负责人', '联系电话', '主管部门编码', '年度资金申请总额', '项目总目标'],
    header: HEADER,
    goal: { ...GOAL, goalExpected: [], goalActual: [] },
    fundColumns: [],
    indicatorColumns: TARGET_INDICATORS,
    footer: { conclusion: [], problems: [], improvements: [] },
  },
]

export const layoutByKey = (key: string) => FORM_LAYOUTS.find((l) => l.key === key)
