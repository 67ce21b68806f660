/**
 * The 绩效运行监控表 workbook (domain-facts §4, 黄石市 layout with the vendor cause columns folded into
 * one list): per project the 执行数 to date and the 全年预计执行数, per approved indicator the 完成值,
 * 全年预计, 完成目标可能性, 偏差原因 and 纠偏措施. Units cannot add or remove projects or indicators
 * here; the approved targets are shown locked.
 */
import ExcelJS from 'exceljs'
import type { Writable } from 'node:stream'
import type { ImportProblem } from '../../shared/domain'
import { DEVIATION_CAUSES, LIKELIHOODS, type Likelihood } from '../../shared/monitoring'
import { parseMoney } from '../../shared/money'
import { readTableSteps, type ColumnSpec } from './read-table'
import { runAsync, runSync, type Steps } from './yield'
import type { MonitoringWorkbookInput, ParsedMonitoring, SheetMonitorIndicator, SheetMonitorProject } from './stage-types'
import {
  MONEY_FORMAT,
  cellValueText,
  moneyUnitOf,
  commitLists,
  commitSheet,
  instructionsSheet,
  tableSheet,
  newStreamWorkbook,
  pickSheet,
  problemAt,
  protect,
  writeInstructions,
  writeLists,
  writeTable,
  toBuffer,
  withOpinions,
  indicatorSource,
  opinionColumn,
  type CellRow,
  type TableRowSource,
  type SheetCol,
} from './targets-sheet'

export const MONITORING_SHEETS = { help: '填表说明', projects: '项目执行', indicators: '指标完成', lists: '下拉列表' } as const

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1)
/** "1-9月执行数" in the dashes and words people use, for any month. */
const monthly = (what: string) => MONTHS.flatMap((m) => ['-', '—', '–', '－', '~', '～', '至'].map((d) => `1${d}${m}月${what}`))

export const MONITOR_PROJECT_COLUMNS: ColumnSpec[] = [
  { key: 'id', label: '项目编号', aliases: ['项目ID', '系统项目编号'], required: true },
  { key: 'unitCode', label: '单位编码', aliases: ['单位代码', '预算单位编码'], required: false },
  { key: 'unitName', label: '单位名称', aliases: ['预算单位', '预算单位名称', '项目执行单位', '实施单位'], required: false },
  { key: 'name', label: '项目名称', aliases: ['预算项目名称'], required: false },
  { key: 'budget', label: '全年预算数', aliases: ['全年预算', '年度预算数', '调整后预算数', '全年预算金额', '预算数'], required: false },
  {
    key: 'executed',
    label: '执行数',
    aliases: [...monthly('执行数'), ...monthly('执行'), '累计执行数', '截至目前执行数', '当前执行数', '实际执行数', '预算执行数', '已执行数'],
    required: true,
  },
  { key: 'forecast', label: '全年预计执行数', aliases: ['全年预计执行', '预计全年执行数', '全年预计执行金额'], required: true },
  { key: 'deviation', label: '偏差原因说明', aliases: ['偏差原因', '偏差原因分析', '偏差或不能完成目标原因分析', '原因说明', '执行偏差原因'], required: false },
  { key: 'measures', label: '纠偏措施', aliases: ['整改措施', '相关建议或举措', '改进措施', '纠偏措施及建议'], required: false },
  { key: 'itemId', label: '监控编号', aliases: [], required: false },
]

export const MONITOR_INDICATOR_COLUMNS: ColumnSpec[] = [
  { key: 'projectId', label: '项目编号', aliases: ['项目ID', '系统项目编号'], required: false },
  { key: 'projectName', label: '项目名称', aliases: ['预算项目名称'], required: false },
  { key: 'id', label: '指标编号', aliases: ['指标ID', '系统指标编号'], required: true },
  { key: 'level1', label: '一级指标', aliases: ['一级'], required: false },
  { key: 'level2', label: '二级指标', aliases: ['二级'], required: false },
  { key: 'name', label: '三级指标', aliases: ['指标名称', '绩效指标', '指标内容', '三级指标名称'], required: false },
  { key: 'operator', label: '指标性质', aliases: ['运算符', '符号'], required: false },
  { key: 'targetValue', label: '指标值', aliases: ['目标值', '年度指标值'], required: false },
  { key: 'unit', label: '度量单位', aliases: ['计量单位', '单位'], required: false },
  {
    key: 'actual',
    label: '完成值',
    aliases: [...monthly('完成值'), ...monthly('完成情况'), '累计完成值', '当前完成值', '截至目前完成值', '实际完成值', '半年度指标执行情况', '当前月执行情况', '绩效指标完成情况'],
    required: true,
  },
  { key: 'forecast', label: '全年预计完成值', aliases: ['全年预计完成', '全年预计完成情况', '绩效指标全年预计完成情况', '全年预计'], required: true },
  { key: 'likelihood', label: '完成目标可能性', aliases: ['完成可能性', '可能性', '能否完成目标'], required: true },
  { key: 'causes', label: '偏差原因', aliases: ['偏差原因类型', '偏差原因分类', '偏差类型'], required: false },
  { key: 'measures', label: '纠偏措施', aliases: ['整改措施', '相关建议或举措', '改进措施', '纠偏措施及建议'], required: false },
]

// ——— export ———

export async function buildMonitoringWorkbook(input: MonitoringWorkbookInput): Promise<Buffer> {
  return toBuffer((out) => writeMonitoringWorkbook(input, out))
}

/** Writes the 监控表 with the streaming writer, sheet after sheet (see writeTargetsWorkbook). */
export async function writeMonitoringWorkbook(input: MonitoringWorkbookInput, out: Writable): Promise<void> {
  const m = input.asOfMonth
  const wb = newStreamWorkbook(out)
  const help = instructionsSheet(wb, MONITORING_SHEETS.help)
  const projectsWs = tableSheet(wb, MONITORING_SHEETS.projects, 4)
  const indicatorsWs = tableSheet(wb, MONITORING_SHEETS.indicators, 3)
  const lists = writeLists(wb, MONITORING_SHEETS.lists, { 完成目标可能性: [...LIKELIHOODS], 偏差原因: [...DEVIATION_CAUSES] })

  writeInstructions(help, input.title, input.deadline, [
    ['一、本工作簿包括', true],
    [`1. “项目执行”表：每行一个项目，灰色部分是财政局下发的项目和全年预算数。请填写1-${m}月执行数（截至${m}月底的实际支出）和全年预计执行数，单位均为万元；执行进度偏慢或预计全年不能全部执行的，请填写偏差原因说明和纠偏措施。`, false],
    [`2. “指标完成”表：每行一个已批复的绩效指标，灰色部分是批复的指标，不能修改。请填写截至${m}月底的完成值和全年预计完成值，选择完成目标可能性；预计不能完成或有偏差的，选择偏差原因并填写纠偏措施。`, false],
    ['二、填写要求', true],
    ['1. 完成值与指标值使用同一度量单位，定量指标只填数字（如 96、85%）；定性指标填写“达成年度指标”“部分达成年度指标并具有一定效果”或“未达成年度指标且效果较差”，也可简要描述。', false],
    [`2. 完成目标可能性：从下拉列表选择${LIKELIHOODS.join('、')}之一。`, false],
    [`3. 偏差原因：从${DEVIATION_CAUSES.join('、')}中选择；有多项原因的，直接输入并用顿号“、”分隔，如“经费保障、人员保障”。选择“其他”的，请在纠偏措施中说明具体原因。`, false],
    ['4. 金额单位为万元，最多保留六位小数（即到元角分）。执行率由表格自动计算，无需填写。', false],
    ['三、注意事项', true],
    ['1. 本表不能新增或删除项目和指标；项目或指标需要调整的，请另行向财政局申请。', false],
    ['2. 灰色单元格（项目编号、指标编号等）由系统生成，用于导入时对应项目和指标，请勿修改。', false],
    ['3. 请勿修改表头和工作表名称，请勿插入或删除列；行高、列宽可以调整。', false],
    ['4. 请保持 .xlsx 格式报送，不要另存为 .xls 或 .et。', false],
  ])

  const wan = (fen: number | null) => (fen === null ? null : fen / 1_000_000)
  const projectCols: SheetCol[] = [
    { header: '项目编号', width: 10, kind: 'id' },
    { header: '单位编码', width: 11, kind: 'locked', numFmt: '@' },
    { header: '单位名称', width: 22, kind: 'locked', wrap: true },
    { header: '项目名称', width: 32, kind: 'locked', wrap: true },
    { header: '全年预算数\n（万元）', width: 14, kind: 'locked', numFmt: MONEY_FORMAT },
    { header: `1-${m}月执行数\n（万元）`, width: 14, kind: 'input', numFmt: MONEY_FORMAT, highlight: true },
    { header: '执行率', width: 9, kind: 'locked', numFmt: '0.00%' },
    { header: '全年预计执行数\n（万元）', width: 15, kind: 'input', numFmt: MONEY_FORMAT, highlight: true },
    { header: '偏差原因说明', width: 36, kind: 'input', wrap: true, highlight: true },
    { header: '纠偏措施', width: 36, kind: 'input', wrap: true, highlight: true },
    // The round item id: lets the importer tell a workbook of another round from this one.
    { header: '监控编号', width: 10, kind: 'id', hidden: true },
  ]
  const projectOpinions = input.projects.map((p) => p.opinion)
  const projectTable = withOpinions(
    projectCols,
    input.projects.map((p, i): CellRow => {
      const r = 4 + i
      const rate = p.executedFen !== null && p.budgetFen > 0 ? p.executedFen / p.budgetFen : undefined
      return [
        p.projectId,
        p.unitCode,
        p.unitName,
        p.name,
        wan(p.budgetFen),
        wan(p.executedFen),
        { formula: `IF(AND(ISNUMBER(F${r}),E${r}>0),F${r}/E${r},"")`, result: rate } as ExcelJS.CellFormulaValue,
        wan(p.forecastFen),
        p.deviation,
        p.measures,
        p.itemId,
      ]
    }),
    projectOpinions,
  )
  await writeTable(projectsWs, {
    title: input.title,
    note: `金额单位：万元。灰色部分由财政局下发，请勿修改；请填写1-${m}月执行数、全年预计执行数，执行偏慢的填写偏差原因说明和纠偏措施。${projectTable.column ? '红色标出的是财政局的审核意见，请逐条修改。' : ''}`,
    cols: projectTable.cols,
    rows: projectTable.rows,
    idColumnsOpenInSpareRows: false,
    freezeColumns: 4,
    spareRows: 0,
    opinions: { column: projectTable.column, opinions: projectOpinions, keyColumns: [4] },
  })
  await protect(projectsWs)
  commitSheet(projectsWs)

  const indicatorCols: SheetCol[] = [
    { header: '项目编号', width: 10, kind: 'id' },
    { header: '项目名称', width: 24, kind: 'locked', wrap: true },
    { header: '指标编号', width: 10, kind: 'id' },
    { header: '一级指标', width: 11, kind: 'locked' },
    { header: '二级指标', width: 18, kind: 'locked' },
    { header: '三级指标', width: 26, kind: 'locked', wrap: true },
    { header: '指标性质', width: 8, kind: 'locked', align: 'center' },
    { header: '指标值', width: 12, kind: 'locked', numFmt: '@', wrap: true },
    { header: '度量单位', width: 9, kind: 'locked' },
    { header: `1-${m}月完成值`, width: 13, kind: 'input', numFmt: '@', wrap: true, highlight: true },
    { header: '全年预计完成值', width: 13, kind: 'input', numFmt: '@', wrap: true, highlight: true },
    { header: '完成目标\n可能性', width: 11, kind: 'input', highlight: true, list: lists['完成目标可能性'], listError: `请选择${LIKELIHOODS.join('、')}之一` },
    {
      header: '偏差原因',
      width: 18,
      kind: 'input',
      wrap: true,
      highlight: true,
      list: lists['偏差原因'],
      listLenient: true,
      listError: '有多项原因的，请用顿号“、”分隔，如“经费保障、人员保障”',
    },
    { header: '纠偏措施', width: 34, kind: 'input', wrap: true, highlight: true },
  ]
  // One page of projects' indicators and values at a time: each page's rows are written, then dropped.
  const source = indicatorSource(input.projects, input.indicatorPages)
  const indicatorTable = opinionColumn(indicatorCols, source.anyOpinion)
  async function* indicatorRows(): AsyncIterable<TableRowSource> {
    for await (const page of source.pages()) {
      for (const p of page) for (const i of p.indicators) yield { values: [p.projectId, p.name, i.id, i.level1, i.level2, i.name, i.operator, i.targetValue, i.unit, i.actual, i.forecast, i.likelihood, i.causes.join('、'), i.measures], opinion: i.opinion }
    }
  }
  await writeTable(indicatorsWs, {
    title: input.title,
    note: `灰色部分为批复的绩效目标，请勿修改；请填写1-${m}月完成值、全年预计完成值，选择完成目标可能性，有偏差的选择偏差原因（可多项，用顿号分隔）并填写纠偏措施。${indicatorTable.column ? '红色标出的是财政局的审核意见。' : ''}`,
    cols: indicatorTable.cols,
    rows: { count: source.count, rows: indicatorRows() },
    idColumnsOpenInSpareRows: false,
    freezeColumns: 3,
    spareRows: 0,
    opinions: { column: indicatorTable.column, keyColumns: [6] },
  })
  await protect(indicatorsWs)
  await wb.commit()
}

// ——— import ———

/** Exact list values plus the obvious ways of writing them (the vendor codes 1/2/3 among them). */
export function normalizeLikelihood(text: string): Likelihood | null {
  const t = text.replace(/\s+/g, '').replace(/^[123][.、．]?(?=\D)/, '')
  if ((LIKELIHOODS as readonly string[]).includes(t)) return t as Likelihood
  if (/^(1|能|确定|确定能完成|肯定能|能完成|可以完成|能够完成)$/.test(t)) return '确定能'
  if (/^(2|可能|有可能完成|基本能|基本能完成|可能完成)$/.test(t)) return '有可能'
  if (/^(3|不能|完全不可能|不能完成|无法完成|不可能完成)$/.test(t)) return '不可能'
  return null
}

const CAUSE_SYNONYMS: Record<string, (typeof DEVIATION_CAUSES)[number]> = {
  经费: '经费保障',
  资金: '经费保障',
  资金保障: '经费保障',
  制度: '制度保障',
  人员: '人员保障',
  硬件: '硬件条件保障',
  硬件保障: '硬件条件保障',
  硬件条件: '硬件条件保障',
  其它: '其他',
  其他保障: '其他',
  其他原因: '其他',
}

/** Splits "经费保障、人员保障" on 、,，;； and checks each; unknown words come back as `bad`. */
export function parseCauses(text: string): { causes: string[]; bad: string[] } {
  const causes: string[] = []
  const bad: string[] = []
  for (const part of text.split(/[、,，;；\n]+/)) {
    const t = part.replace(/\s+/g, '').replace(/偏差(原因)?$/, '').replace(/原因$/, '')
    if (!t) continue
    const hit = (DEVIATION_CAUSES as readonly string[]).includes(t) ? t : CAUSE_SYNONYMS[t]
    if (!hit) bad.push(part.trim())
    else if (!causes.includes(hit)) causes.push(hit)
  }
  return { causes, bad }
}

export function parseMonitoringWorkbook(wb: ExcelJS.Workbook): ParsedMonitoring {
  return runSync(parseMonitoringSteps(wb))
}

/** parseMonitoringWorkbook giving the event loop a turn every few hundred rows. */
export function parseMonitoringWorkbookAsync(wb: ExcelJS.Workbook): Promise<ParsedMonitoring> {
  return runAsync(parseMonitoringSteps(wb))
}

function* parseMonitoringSteps(wb: ExcelJS.Workbook): Steps<ParsedMonitoring> {
  const problems: ImportProblem[] = []
  const projectsWs = pickSheet(wb, [MONITORING_SHEETS.projects, '项目执行情况', '预算执行'], MONITOR_PROJECT_COLUMNS, null)
  if (!projectsWs) {
    problems.push({ sheet: '', row: 0, column: '', message: '工作簿中找不到“项目执行”工作表，请使用财政局下发的监控表模板填写' })
    return { projects: [], problems }
  }
  const pt = yield* readTableSteps(projectsWs, MONITOR_PROJECT_COLUMNS)
  problems.push(...pt.problems)
  const first = pt.rows[0]
  const units = {
    budget: first?.columns.budget ? moneyUnitOf(projectsWs, pt.headerRow, first.columns.budget) : '万元',
    executed: first ? moneyUnitOf(projectsWs, pt.headerRow, first.columns.executed!) : '万元',
    forecast: first ? moneyUnitOf(projectsWs, pt.headerRow, first.columns.forecast!) : '万元',
  } as const

  type Parsed = SheetMonitorProject & { row: number }
  const projects: Parsed[] = []
  const byId = new Map<string, Parsed>()
  const all: Parsed[] = []
  for (const r of pt.rows) {
    if (r.row % 500 === 0) yield
    const at = problemAt(problems, pt.sheet, r)
    const v = r.values
    const id = v.id ?? ''
    let ok = true
    if (!id) {
      at('id', '项目编号', '项目编号为空，无法对应到监控项目；请勿修改或删除项目编号，本表也不能新增项目')
      ok = false
    } else if (byId.has(id)) {
      at('id', '项目编号', `项目编号“${id}”与第 ${byId.get(id)!.row} 行重复，请删除重复的行`)
      continue
    }
    const money = (key: 'budget' | 'executed' | 'forecast', label: string): number | null => {
      const text = v[key] ?? ''
      if (!text) return null
      const m = parseMoney(text, units[key])
      if (!m.ok) {
        at(key, label, m.message)
        ok = false
        return null
      }
      if (m.fen < 0) {
        at(key, label, `${label}“${text}”不能为负数`)
        ok = false
        return null
      }
      return m.fen
    }
    const budgetFen = money('budget', '全年预算数')
    const executedFen = money('executed', '执行数')
    const forecastFen = money('forecast', '全年预计执行数')
    const project: Parsed = {
      itemId: v.itemId ?? '',
      projectId: id,
      unitCode: v.unitCode ?? '',
      unitName: v.unitName ?? '',
      code: '',
      name: v.name ?? '',
      budgetFen: budgetFen ?? 0,
      executedFen,
      forecastFen,
      deviation: v.deviation ?? '',
      measures: v.measures ?? '',
      indicators: [],
      row: r.row,
    }
    all.push(project)
    if (id) byId.set(id, project)
    if (ok) projects.push(project)
  }
  if (pt.problems.length === 0 && pt.rows.length === 0) {
    problems.push({ sheet: pt.sheet, row: pt.headerRow + 1, column: '', message: '“项目执行”表中没有项目' })
  }

  const indicatorsWs = pickSheet(wb, [MONITORING_SHEETS.indicators, '指标完成情况', '绩效指标'], MONITOR_INDICATOR_COLUMNS, projectsWs)
  if (!indicatorsWs) {
    problems.push({ sheet: '', row: 0, column: '', message: '工作簿中找不到“指标完成”工作表，请使用财政局下发的监控表模板填写' })
    return { projects, problems }
  }
  const it = yield* readTableSteps(indicatorsWs, MONITOR_INDICATOR_COLUMNS)
  problems.push(...it.problems)
  const seen = new Map<string, number>()
  for (const r of it.rows) {
    if (r.row % 500 === 0) yield
    const at = problemAt(problems, it.sheet, r)
    const v = r.values
    const id = v.id ?? ''
    const filled = ['actual', 'forecast', 'likelihood', 'causes', 'measures', 'name', 'targetValue'].some((k) => v[k])
    if (!id) {
      if (filled) at('id', '指标编号', '指标编号为空，无法对应到已批复的绩效指标；请勿修改指标编号，本表也不能新增指标')
      continue
    }
    if (seen.has(id)) {
      at('id', '指标编号', `指标编号“${id}”与第 ${seen.get(id)} 行重复，请删除重复的行`)
      continue
    }
    seen.set(id, r.row)

    let owner: Parsed | undefined
    const projectId = v.projectId ?? ''
    if (projectId) {
      owner = byId.get(projectId)
      if (!owner) at('projectId', '项目编号', `项目编号“${projectId}”在“${pt.sheet}”表中找不到，请勿修改项目编号，也不要删除“${pt.sheet}”表中的项目`)
    } else if (v.projectName) {
      const hits = all.filter((p) => p.name.replace(/\s+/g, '') === v.projectName!.replace(/\s+/g, ''))
      if (hits.length === 1) owner = hits[0]
      else at('projectName', '项目名称', hits.length === 0 ? `项目“${v.projectName}”在“${pt.sheet}”表中找不到` : `“${pt.sheet}”表中有 ${hits.length} 个项目名为“${v.projectName}”，请勿清除项目编号`)
    } else {
      at('projectId', '项目编号', '项目编号为空，无法确定该指标属于哪个项目；请勿修改项目编号')
    }

    const likelihoodText = v.likelihood ?? ''
    const likelihood = likelihoodText ? normalizeLikelihood(likelihoodText) : ''
    if (likelihood === null) at('likelihood', '完成目标可能性', `完成目标可能性“${likelihoodText}”无效，应为${LIKELIHOODS.join('、')}之一`)
    const { causes, bad } = parseCauses(v.causes ?? '')
    if (bad.length > 0) {
      at('causes', '偏差原因', `偏差原因“${bad.join('、')}”无效，应从${DEVIATION_CAUSES.join('、')}中选择，多项用顿号“、”分隔`)
    }
    if (!owner) continue
    const indicator: SheetMonitorIndicator = {
      id,
      level1: v.level1 ?? '',
      level2: v.level2 ?? '',
      name: v.name ?? '',
      operator: v.operator ?? '',
      targetValue: cellValueText(indicatorsWs, r, 'targetValue'),
      unit: v.unit ?? '',
      weight: null,
      explanation: '',
      actual: cellValueText(indicatorsWs, r, 'actual'),
      forecast: cellValueText(indicatorsWs, r, 'forecast'),
      likelihood: likelihood ?? '',
      causes,
      measures: v.measures ?? '',
    }
    owner.indicators.push(indicator)
  }
  return { projects, problems }
}
