/**
 * The 绩效目标申报表 workbook: exported to 预算单位 pre-filled with their projects, filled by them in
 * Excel or WPS, imported back. The layout follows the county 申报表 (one project table, one three-level
 * indicator table). Hidden ids (项目编号/指标编号) let a re-import update rather than duplicate.
 *
 * The sheet-writing and reading helpers at the bottom are shared with the 监控表 (monitoring-sheet.ts).
 */
import ExcelJS from 'exceljs'
import type { ImportProblem } from '../../shared/domain'
import { FUND_SOURCES, PROJECT_CATEGORIES } from '../../shared/domain'
import { ALL_LEVEL2, LEVEL1_KEYS, LEVELS, OPERATORS, normalizeLevel1, normalizeLevel2, normalizeOperator, parentOf, type Level1 } from '../../shared/indicators'
import { parseMoney, type MoneyUnit } from '../../shared/money'
import { PassThrough, type Writable } from 'node:stream'
import { cellText, columnLetter, normalizeHeader, percentText, readTableSteps, type ColumnSpec, type TableRow } from './read-table'
import { runSync, turn, yielder, type Steps } from './yield'
import type { IndicatorPages, ParsedTargets, ParsedTargetsProject, SheetIndicator, TargetsWorkbookInput } from './stage-types'

export const TARGET_SHEETS = { help: '填表说明', projects: '项目信息', indicators: '绩效指标', lists: '下拉列表' } as const

/** Empty formatted rows below the data, where units add projects and indicators. */
export const SPARE_ROWS = 20
/** Drop-downs and unlocked cells reach this far below the spare rows, for rows typed further down. */
const VALIDATION_TAIL = 300

export const PROJECT_COLUMNS: ColumnSpec[] = [
  { key: 'id', label: '项目编号', aliases: ['项目ID', '系统项目编号'], required: false },
  { key: 'unitCode', label: '单位编码', aliases: ['单位代码', '预算单位编码', '单位编号', '部门编码'], required: false },
  { key: 'unitName', label: '单位名称', aliases: ['预算单位', '预算单位名称', '填报单位', '实施单位', '项目实施单位', '单位'], required: false },
  { key: 'code', label: '项目编码', aliases: ['项目代码', '预算项目编码'], required: false },
  { key: 'name', label: '项目名称', aliases: ['预算项目名称'], required: true },
  { key: 'fundSource', label: '资金来源', aliases: ['资金性质', '预算类型', '资金类型', '预算类别'], required: true },
  { key: 'category', label: '项目类别', aliases: ['项目类型', '类别'], required: false },
  {
    key: 'amount',
    label: '项目金额',
    aliases: ['金额', '项目资金', '资金总额', '项目资金总额', '年度资金总额', '年度资金申请总额', '预算金额', '预算数', '申请金额'],
    required: true,
  },
  { key: 'annualGoal', label: '年度总体目标', aliases: ['年度目标', '总体目标', '年度绩效目标', '项目年度目标'], required: false },
]

export const INDICATOR_COLUMNS: ColumnSpec[] = [
  { key: 'projectId', label: '项目编号', aliases: ['项目ID', '系统项目编号'], required: false },
  { key: 'unitCode', label: '单位编码', aliases: ['单位代码', '预算单位编码'], required: false },
  { key: 'projectName', label: '项目名称', aliases: ['预算项目名称'], required: false },
  { key: 'id', label: '指标编号', aliases: ['指标ID', '系统指标编号'], required: false },
  { key: 'level1', label: '一级指标', aliases: ['一级'], required: true },
  { key: 'level2', label: '二级指标', aliases: ['二级'], required: true },
  { key: 'name', label: '三级指标', aliases: ['指标名称', '绩效指标', '指标内容', '三级指标名称', '三级'], required: true },
  { key: 'operator', label: '指标性质', aliases: ['运算符', '符号', '计算符号', '指标方向', '比较符号'], required: true },
  { key: 'targetValue', label: '指标值', aliases: ['目标值', '年度指标值', '指标目标值', '年度目标值'], required: true },
  { key: 'unit', label: '度量单位', aliases: ['计量单位', '单位', '指标单位'], required: false },
  { key: 'weight', label: '权重', aliases: ['分值', '权重分值', '指标权重'], required: false },
  { key: 'explanation', label: '指标解释', aliases: ['指标说明', '备注', '评分标准', '指标解释及评分标准'], required: false },
]

// ——— export ———

export async function buildTargetsWorkbook(input: TargetsWorkbookInput): Promise<Buffer> {
  return toBuffer((out) => writeTargetsWorkbook(input, out))
}

/**
 * Writes the 申报表 with exceljs's streaming writer: rows go to the zip as they are written, so a
 * 5,000-project round never sits in memory as a workbook model (the whole-workbook writer needed
 * more than 1 GB for it). Sheets are written one after another, each committed before the next.
 */
export async function writeTargetsWorkbook(input: TargetsWorkbookInput, out: Writable): Promise<void> {
  const wb = newStreamWorkbook(out)
  const help = instructionsSheet(wb, TARGET_SHEETS.help)
  const projectsWs = tableSheet(wb, TARGET_SHEETS.projects, 0)
  const indicatorsWs = tableSheet(wb, TARGET_SHEETS.indicators, 2)
  const lists = writeLists(wb, TARGET_SHEETS.lists, {
    资金来源: [...FUND_SOURCES],
    项目类别: [...PROJECT_CATEGORIES],
    一级指标: [...LEVEL1_KEYS],
    二级指标: ALL_LEVEL2,
    指标性质: [...OPERATORS],
    单位编码: input.units.map((u) => u.code),
    单位名称: input.units.map((u) => u.name),
  })

  writeInstructions(help, input.title, input.deadline, [
    ['一、本工作簿包括', true],
    ['1. “项目信息”表：每行一个项目。财政局已填入贵单位的项目，请核对项目名称、资金来源、项目类别和项目金额（万元），并填写年度总体目标。', false],
    ['2. “绩效指标”表：每行一个三级指标。已列出的指标请核对修改，缺少的请补充。每个项目都应有产出、效益、满意度三类一级指标。', false],
    ['二、新增、删除', true],
    ['1. 新增项目：在“项目信息”表已有项目下方的空行填写，项目编号留空；单位编码、项目名称、资金来源、项目金额必须填写。', false],
    ['2. 新增指标：在“绩效指标”表已有指标下方的空行填写，项目编号、指标编号留空，“项目名称”须与“项目信息”表中的项目名称完全一致，导入时据此对应到项目。也可以复制已有指标行插入后修改，复制出的行按新增指标处理。', false],
    ['3. 删除指标：清空该行除灰色单元格以外的全部内容，导入时该指标即被删除。', false],
    ['4. 已列出的项目请不要删除；如某项目不再申报，请另行告知财政局。', false],
    ['三、一级指标与二级指标（二级指标必须属于所填的一级指标）', true],
    ...LEVEL1_KEYS.map((l1): [string, boolean] => [`${l1}：${LEVELS[l1].join('、')}`, false]),
    ['四、指标性质、指标值、度量单位和权重', true],
    ['≥：正向指标，完成值不低于指标值即为达成。例如：受益人数 ≥ 500 人；服务对象满意度 ≥ 90 %。', false],
    ['≤：反向指标，完成值不高于指标值即为达成。例如：人均成本 ≤ 120 元；投诉次数 ≤ 3 次。', false],
    ['=：完成值应等于指标值。例如：项目验收合格率 = 100 %。', false],
    ['定性：无法用数字衡量的指标，指标值填写文字，例如：达成年度指标；群众生活条件明显改善。', false],
    ['符号填在“指标性质”列，单位（如 %、人、万元）填在“度量单位”列，定量指标的“指标值”只填数字。权重填数字（如 10），各项目的指标权重合计按通知要求填写。', false],
    ['五、注意事项', true],
    ['1. 灰色单元格（项目编号、指标编号）由系统生成，用于导入时对应项目和指标，请勿修改、删除或复制到其他项目。', false],
    ['2. 请勿修改表头和工作表名称，请勿插入或删除列；行高、列宽可以调整。', false],
    ['3. 带下拉箭头的单元格请从列表中选择。金额单位为万元，最多保留六位小数（即到元角分）。', false],
    ['4. 请保持 .xlsx 格式报送，不要另存为 .xls 或 .et。', false],
  ])
  help.commit()
  // The opening sheets are written in a few pieces, each in a turn of its own.
  await turn()
  commitLists(wb)
  await turn()

  const projectCols: SheetCol[] = [
    { header: '项目编号', width: 10, kind: 'id' },
    { header: '单位编码', width: 12, kind: 'input', numFmt: '@' },
    { header: '单位名称', width: 24, kind: 'input', wrap: true },
    { header: '项目编码', width: 22, kind: 'input', numFmt: '@' },
    { header: '项目名称', width: 34, kind: 'input', wrap: true },
    { header: '资金来源', width: 16, kind: 'input', list: lists['资金来源'], listError: '请从下拉列表中选择资金来源' },
    { header: '项目类别', width: 12, kind: 'input', list: lists['项目类别'], listError: '请从下拉列表中选择项目类别' },
    { header: '项目金额\n（万元）', width: 14, kind: 'input', numFmt: MONEY_FORMAT },
    { header: '年度总体目标', width: 60, kind: 'input', wrap: true },
  ]
  const projectOpinions = input.projects.map((p) => p.opinion)
  const projectTable = withOpinions(projectCols, input.projects.map((p) => [p.id, p.unitCode, p.unitName, p.code, p.name, p.fundSource, p.category, p.amountFen / 1_000_000, p.annualGoal]), projectOpinions)
  await writeTable(projectsWs, {
    title: input.title,
    note: `金额单位：万元。灰色列由系统生成，请勿修改；新增项目请在下方空行填写，项目编号留空。${projectTable.column ? '红色标出的是财政局的审核意见，请逐条修改。' : ''}`,
    cols: projectTable.cols,
    rows: projectTable.rows,
    idColumnsOpenInSpareRows: false,
    freezeColumns: 0,
    opinions: { column: projectTable.column, opinions: projectOpinions, keyColumns: [5] },
  })
  await protect(projectsWs)
  commitSheet(projectsWs)
  await turn()

  const indicatorCols: SheetCol[] = [
    { header: '项目编号', width: 10, kind: 'id' },
    { header: '项目名称', width: 26, kind: 'input', wrap: true },
    { header: '指标编号', width: 10, kind: 'id' },
    { header: '一级指标', width: 12, kind: 'input', list: lists['一级指标'], listError: '请从下拉列表中选择一级指标' },
    { header: '二级指标', width: 18, kind: 'input', list: lists['二级指标'], listError: '请从下拉列表中选择二级指标' },
    { header: '三级指标', width: 30, kind: 'input', wrap: true },
    { header: '指标性质', width: 9, kind: 'input', align: 'center', list: lists['指标性质'], listError: '请选择 ≥、≤、= 或 定性' },
    // Text format so 95% or 1.50 stays what was typed instead of becoming 0.95 or 1.5.
    { header: '指标值', width: 14, kind: 'input', numFmt: '@', wrap: true },
    { header: '度量单位', width: 10, kind: 'input' },
    { header: '权重', width: 7, kind: 'input', align: 'center' },
    { header: '指标解释', width: 40, kind: 'input', wrap: true },
  ]
  // One page of projects' indicators at a time: each page's rows are written, then dropped.
  const source = indicatorSource(input.projects, input.indicatorPages)
  const indicatorTable = opinionColumn(indicatorCols, source.anyOpinion)
  async function* indicatorRows(): AsyncIterable<TableRowSource> {
    for await (const page of source.pages()) {
      for (const p of page) for (const i of p.indicators) yield { values: [p.id, p.name, i.id, i.level1, i.level2, i.name, i.operator, i.targetValue, i.unit, i.weight, i.explanation], opinion: i.opinion }
    }
  }
  await writeTable(indicatorsWs, {
    title: input.title,
    note: `灰色列由系统生成，请勿修改。新增指标请在下方空行填写，项目编号、指标编号留空，项目名称须与“项目信息”表一致；删除指标请清空该行内容。${indicatorTable.column ? '红色标出的是财政局的审核意见。' : ''}`,
    cols: indicatorTable.cols,
    rows: { count: source.count, rows: indicatorRows() },
    // Pasting a copied indicator row into a spare row must not hit locked cells.
    idColumnsOpenInSpareRows: true,
    freezeColumns: 2,
    opinions: { column: indicatorTable.column, keyColumns: [6] },
  })
  await protect(indicatorsWs)
  await wb.commit()
}

// ——— import ———

export function parseTargetsWorkbook(wb: ExcelJS.Workbook): ParsedTargets {
  return runSync(parseTargetsSteps(wb))
}

/** parseTargetsWorkbook as steps, giving the event loop a turn every few hundred rows (a 5,000-project file). */
export function* parseTargetsSteps(wb: ExcelJS.Workbook): Steps<ParsedTargets> {
  const problems: ImportProblem[] = []
  const projectsWs = pickSheet(wb, [TARGET_SHEETS.projects, '项目基本信息', '项目'], PROJECT_COLUMNS, null)
  if (!projectsWs) {
    problems.push({ sheet: '', row: 0, column: '', message: '工作簿中找不到“项目信息”工作表，请使用财政局下发的申报表模板填写' })
    return { projects: [], problems }
  }
  const indicatorsWs = pickSheet(wb, [TARGET_SHEETS.indicators, '绩效指标表', '指标'], INDICATOR_COLUMNS, projectsWs)
  const units = readUnitList(wb)

  const pt = yield* readTableSteps(projectsWs, PROJECT_COLUMNS)
  problems.push(...pt.problems)
  const amountUnit = pt.rows[0] ? moneyUnitOf(projectsWs, pt.headerRow, pt.rows[0].columns.amount!) : '万元'

  const projects: ParsedTargetsProject[] = []
  // Every named project row, valid or not, so indicator rows of a flawed project do not also fail to link.
  const linkable: ParsedTargetsProject[] = []
  const byId = new Map<string, ParsedTargetsProject>()
  for (const r of pt.rows) {
    if (r.row % 500 === 0) yield
    const at = problemAt(problems, pt.sheet, r)
    const v = r.values
    const id = v.id ?? ''
    let ok = true
    const name = v.name ?? ''
    if (!name) {
      at('name', '项目名称', '项目名称为空，请填写项目名称')
      ok = false
    }
    if (id && byId.has(id)) {
      at('id', '项目编号', `项目编号“${id}”与第 ${byId.get(id)!.row} 行重复；新增项目请在空行填写，不要复制已有项目行`)
      continue
    }
    const fundSource = normalizeFundSource(v.fundSource ?? '')
    if (!v.fundSource) {
      at('fundSource', '资金来源', '资金来源为空，请从下拉列表中选择')
      ok = false
    } else if (!fundSource) {
      at('fundSource', '资金来源', `资金来源“${v.fundSource}”无效，应为${FUND_SOURCES.join('、')}之一`)
      ok = false
    }
    const category = v.category ? normalizeCategory(v.category) : '项目'
    if (!category) {
      at('category', '项目类别', `项目类别“${v.category}”无效，应为${PROJECT_CATEGORIES.join('、')}之一`)
      ok = false
    }
    let amountFen = 0
    if (!v.amount) {
      at('amount', '项目金额', '项目金额为空，请填写项目金额')
      ok = false
    } else {
      const m = parseMoney(v.amount, amountUnit)
      if (!m.ok) {
        at('amount', '项目金额', m.message)
        ok = false
      } else if (m.fen < 0) {
        at('amount', '项目金额', `项目金额“${v.amount}”不能为负数`)
        ok = false
      } else amountFen = m.fen
    }
    const unit = resolveUnit(v.unitCode ?? '', v.unitName ?? '', units)
    if (!id && !unit.code && units.length > 1) {
      at('unitCode', '单位编码', '新增项目没有填写单位编码，本表包含多个单位，无法确定项目属于哪个单位')
      ok = false
    }
    const project: ParsedTargetsProject = {
      id,
      unitCode: unit.code,
      unitName: unit.name,
      code: v.code ?? '',
      name,
      fundSource: fundSource ?? '',
      category: category ?? '',
      amountFen,
      annualGoal: v.annualGoal ?? '',
      indicators: [],
      row: r.row,
      indicatorRows: [],
    }
    if (id) byId.set(id, project)
    if (name) linkable.push(project)
    if (ok) projects.push(project)
  }
  if (pt.problems.length === 0 && pt.rows.length === 0) {
    problems.push({ sheet: pt.sheet, row: pt.headerRow + 1, column: '', message: '“项目信息”表中没有项目，请至少填写一个项目' })
  }

  if (!indicatorsWs) {
    problems.push({ sheet: '', row: 0, column: '', message: '工作簿中找不到“绩效指标”工作表，请使用财政局下发的申报表模板填写' })
    return { projects, problems }
  }
  const it = yield* readTableSteps(indicatorsWs, INDICATOR_COLUMNS)
  problems.push(...it.problems)
  const first = it.rows[0]
  if (first && !first.columns.projectId && !first.columns.projectName) {
    problems.push({ sheet: it.sheet, row: it.headerRow, column: '项目名称', message: '表头缺少“项目编号”或“项目名称”列，无法确定指标属于哪个项目' })
    return { projects, problems }
  }
  const byName = new Map<string, typeof linkable>()
  for (const e of linkable) {
    const k = nameKey(e.name)
    byName.set(k, [...(byName.get(k) ?? []), e])
  }
  const seenIndicator = new Map<string, number>()
  for (const r of it.rows) {
    if (r.row % 500 === 0) yield
    const at = problemAt(problems, it.sheet, r)
    const v = r.values
    let id = v.id ?? ''
    const content = ['level1', 'level2', 'name', 'operator', 'targetValue', 'unit', 'weight', 'explanation'].some((k) => v[k])
    // A cleared row keeps only its locked ids: that is how a unit deletes an indicator.
    if (!content) continue

    if (id) {
      // A copied-and-inserted row repeats its source's id; the copy is a new indicator.
      if (seenIndicator.has(id)) id = ''
      else seenIndicator.set(id, r.row)
    }

    let owner: ParsedTargetsProject | undefined
    const projectId = v.projectId ?? ''
    const projectName = v.projectName ?? ''
    if (projectId) {
      owner = byId.get(projectId)
      // A row copied from another project carries that project's locked id; on a new row, the
      // exact name of a different project says which one the unit meant.
      if (owner && !id && projectName && nameKey(projectName) !== nameKey(owner.name)) {
        const hits = byName.get(nameKey(projectName)) ?? []
        if (hits.length === 1) owner = hits[0]
      }
      if (!owner) at('projectId', '项目编号', `项目编号“${projectId}”在“${pt.sheet}”表中找不到；请勿修改项目编号，新增项目的指标请把项目编号留空并填写项目名称`)
    } else if (projectName) {
      let hits = byName.get(nameKey(projectName)) ?? []
      const unitCode = v.unitCode ?? ''
      if (unitCode && hits.length > 1) hits = hits.filter((h) => h.unitCode === unitCode)
      if (hits.length === 1) owner = hits[0]
      else if (hits.length === 0) at('projectName', '项目名称', `项目“${projectName}”在“${pt.sheet}”表中找不到，请先在“${pt.sheet}”表中填写该项目，或核对项目名称是否一致`)
      else at('projectName', '项目名称', `“${pt.sheet}”表中有 ${hits.length} 个项目名为“${projectName}”，无法确定指标属于哪一个，请填写项目编号或单位编码`)
    } else {
      at('projectName', '项目名称', '没有填写项目编号或项目名称，无法确定该指标属于哪个项目')
    }

    const rawL1 = v.level1 ?? ''
    const rawL2 = v.level2 ?? ''
    const level2 = rawL2 ? normalizeLevel2(rawL2) : ''
    let level1 = rawL1 ? normalizeLevel1(rawL1) : ''
    if (rawL1 && !(LEVEL1_KEYS as string[]).includes(level1)) {
      at('level1', '一级指标', `一级指标“${rawL1}”无效，应为${LEVEL1_KEYS.join('、')}之一`)
    }
    if (rawL2 && !ALL_LEVEL2.includes(level2)) {
      at('level2', '二级指标', `二级指标“${rawL2}”无效，应为${ALL_LEVEL2.join('、')}之一`)
    } else if (rawL2) {
      const parent = parentOf(level2)!
      if (!rawL1) level1 = parent
      else if ((LEVEL1_KEYS as string[]).includes(level1) && parent !== level1) {
        at('level2', '二级指标', `二级指标“${rawL2}”不属于一级指标“${level1}”，“${level1}”下应为${LEVELS[level1 as Level1].join('、')}之一`)
      }
    }

    let targetValue = cellValueText(indicatorsWs, r, 'targetValue')
    let operator = v.operator ? normalizeOperator(v.operator) : ''
    if (v.operator && !(OPERATORS as readonly string[]).includes(operator)) {
      at('operator', '指标性质', `指标性质“${v.operator}”无效，应为≥、≤、=或定性`)
    }
    // County forms often write the sign into the value (≥95%); take it from there.
    const signed = /^(>=|<=|≥|≤|＞＝|＜＝|=|＝|>|<|＞|＜)\s*(.*)$/.exec(targetValue)
    if (signed) {
      const sign = normalizeOperator(signed[1]!)
      if (!operator) operator = sign
      if (operator === sign) targetValue = signed[2]!.trim()
      else if ((OPERATORS as readonly string[]).includes(operator)) {
        at('targetValue', '指标值', `指标值“${targetValue}”中的符号与指标性质“${operator}”不一致，请把符号只填在“指标性质”列`)
      }
    }

    const weight = parseWeight(v.weight ?? '')
    if (!weight.ok) at('weight', '权重', weight.message)

    if (!owner) continue
    const indicator: SheetIndicator = {
      id,
      level1,
      level2,
      name: v.name ?? '',
      operator,
      targetValue,
      unit: v.unit ?? '',
      weight: weight.ok ? weight.value : null,
      explanation: v.explanation ?? '',
    }
    owner.indicators.push(indicator)
    owner.indicatorRows.push(r.row)
  }
  return { projects, problems }
}

function nameKey(s: string): string {
  return s.replace(/\s+/g, '')
}

function normalizeFundSource(s: string): (typeof FUND_SOURCES)[number] | null {
  const t = s.replace(/\s+/g, '')
  if (!t) return null
  if ((FUND_SOURCES as readonly string[]).includes(t)) return t as (typeof FUND_SOURCES)[number]
  if (/^(一般公共预算(资金|拨款)?|一般预算(资金)?|公共预算|财政拨款|一般公共)$/.test(t)) return '一般公共预算'
  if (/^政府性基金(预算)?(资金)?$/.test(t)) return '政府性基金预算'
  if (/^国有资本经营(预算)?(资金)?$/.test(t)) return '国有资本经营预算'
  if (/^(社会保险基金(预算)?|社保基金)(资金)?$/.test(t)) return '社会保险基金预算'
  return null
}

function normalizeCategory(s: string): (typeof PROJECT_CATEGORIES)[number] | null {
  const t = s.replace(/\s+/g, '')
  if ((PROJECT_CATEGORIES as readonly string[]).includes(t)) return t as (typeof PROJECT_CATEGORIES)[number]
  if (/^(项目支出|一般项目|项目)$/.test(t)) return '项目'
  if (/^部门整体(支出)?$/.test(t)) return '部门整体支出'
  if (/^专项债(券)?(项目)?$/.test(t)) return '专项债券'
  if (/^ppp(项目)?$/i.test(t)) return 'PPP'
  return null
}

function parseWeight(text: string): { ok: true; value: number | null } | { ok: false; message: string } {
  const t = text.replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\uFF0E/g, '.').replace(/分$/, '').trim()
  if (!t) return { ok: true, value: null }
  if (!/^\d+(\.\d+)?$/.test(t)) return { ok: false, message: `权重“${text}”不是数字，请填写阿拉伯数字，如 10` }
  return { ok: true, value: Number(t) }
}

// ——— helpers shared with the 监控表 ———

export type CellRow = (string | number | null | ExcelJS.CellFormulaValue)[]

export interface SheetCol {
  header: string
  width: number
  /** id: system id, grey and locked; locked: approved data shown for reference; input: for the unit. */
  kind: 'id' | 'locked' | 'input'
  numFmt?: string
  wrap?: boolean
  /** Formula of the drop-down's source range. */
  list?: string
  listError?: string
  /** The drop-down suggests but accepts other text (e.g. several causes joined by 、). */
  listLenient?: boolean
  hidden?: boolean
  align?: 'center'
  /** Tint the cells a unit is expected to fill, where most of the sheet is read-only. */
  highlight?: boolean
}

export const MONEY_FORMAT = '#,##0.00'
const HEADER_ROW = 3
const FIRST_DATA_ROW = HEADER_ROW + 1
const solid = (argb: string): ExcelJS.Fill => ({ type: 'pattern', pattern: 'solid', fgColor: { argb } })
const FILL = { header: solid('FFDDEBF7'), id: solid('FFE7E6E6'), locked: solid('FFF2F2F2'), input: solid('FFFFFBEA') }
const thin = { style: 'thin' as const, color: { argb: 'FFA6A6A6' } }
const BORDER: Partial<ExcelJS.Borders> = { top: thin, left: thin, bottom: thin, right: thin }
const FONT = { name: '宋体', size: 11 }
const ID_FONT = { name: 'Arial', size: 8, color: { argb: 'FF7F7F7F' } }

export function newWorkbook(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook()
  wb.creator = '预算绩效管理'
  wb.created = new Date()
  return wb
}

/** exceljs's streaming writer, with styles (fills, locks) and inline strings. */
export function newStreamWorkbook(out: Writable): ExcelJS.stream.xlsx.WorkbookWriter {
  const options = { stream: out, useStyles: true, useSharedStrings: false, creator: '预算绩效管理', created: new Date() }
  return new ExcelJS.stream.xlsx.WorkbookWriter(options as Partial<ExcelJS.stream.xlsx.WorkbookStreamWriterOptions>)
}

/** A streamed workbook collected into a Buffer (tests, small exports). */
export async function toBuffer(write: (out: Writable) => Promise<void>): Promise<Buffer> {
  const chunks: Buffer[] = []
  const out = new PassThrough()
  out.on('data', (c: Buffer) => chunks.push(c))
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', resolve)
    out.on('error', reject)
  })
  await write(out)
  await ended
  return Buffer.concat(chunks)
}

const isStreamSheet = (ws: ExcelJS.Worksheet) => typeof (ws as unknown as { _writeOpenSheetData?: unknown })._writeOpenSheetData === 'function'

/** How much of a streamed sheet's XML may wait for the zip's compressor before the writer goes on. */
const ZIP_BACKLOG = 1 << 20

type StreamState = { length: number; pipesCount?: number; pipes?: unknown[] | null }
type EntryStream = NodeJS.EventEmitter & { _writableState?: StreamState; _readableState?: StreamState }

/**
 * Waits until the zip has caught up with a streamed sheet. exceljs hands each 64 KB of a sheet's
 * XML to the archive's entry stream (a PassThrough archiver puts in front of every entry) without
 * heeding its backpressure, and the compressor takes it a piece per turn of the event loop: written
 * as fast as rows are made, a 60,000-row sheet sat in memory uncompressed (RSS 340 MB for a
 * 5,000-project round). The entry stream's buffers are what is not compressed yet. Until the
 * archive reaches the sheet's entry (an earlier sheet of the zip still open, as the 监控表 writes
 * them) nothing drains it, so there is nothing to wait for. A timer as well as 'drain', since the
 * entry's buffer may empty without a 'drain' owed.
 */
async function zipCaughtUp(ws: ExcelJS.Worksheet): Promise<void> {
  const entry = (ws as unknown as { stream: { pipes: EntryStream[] } }).stream.pipes[0]
  const reading = entry?._readableState
  if (!reading || !(reading.pipesCount ?? (reading.pipes?.length || 0))) return
  const backlog = () => (entry._writableState?.length ?? 0) + (entry._readableState?.length ?? 0)
  while (backlog() > ZIP_BACKLOG) {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        entry.off('drain', done)
        resolve()
      }
      const timer = setTimeout(done, 5)
      entry.once('drain', done)
    })
  }
}
/** Ends a sheet of a streamed workbook (no-op for a whole-workbook one). */
export function commitSheet(ws: ExcelJS.Worksheet): void {
  if (isStreamSheet(ws)) ws.commit()
}
const pendingLists = new WeakMap<ExcelJS.Workbook, ExcelJS.Worksheet>()
/** The lists sheet of a streamed workbook is filled at once; committing it lets the big sheets follow. */
export function commitLists(wb: ExcelJS.Workbook): void {
  const ws = pendingLists.get(wb)
  if (ws) commitSheet(ws)
}

/** The instructions sheet: title, deadline, then numbered paragraphs ([text, isHeading]). */
export function writeInstructions(ws: ExcelJS.Worksheet, title: string, deadline: string | null, lines: [string, boolean][]): void {
  // Narrow enough for A4 portrait at 100%: LibreOffice ignores fit-to-width on this sheet.
  ws.getColumn(1).width = 78
  ws.properties.defaultRowHeight = 20
  const t = ws.getCell(1, 1)
  t.value = `${title}·填表说明`
  t.font = { ...FONT, name: '黑体', size: 16, bold: true }
  t.alignment = { horizontal: 'center', vertical: 'middle' }
  ws.getRow(1).height = 32
  const d = ws.getCell(2, 1)
  d.value = deadline
    ? `报送截止日期：${formatDeadline(deadline)}。请在截止日期前将填好的本工作簿报送财政局。`
    : '请按通知要求的时间将填好的本工作簿报送财政局。'
  d.font = { ...FONT, bold: true, color: { argb: 'FFC00000' } }
  d.alignment = { wrapText: true, vertical: 'middle' }
  lines.forEach(([text, heading], i) => {
    const c = ws.getCell(i + 4, 1)
    c.value = text
    c.font = heading ? { ...FONT, name: '黑体', size: 12, bold: true } : FONT
    c.alignment = { wrapText: true, vertical: 'top', indent: heading ? 0 : 1 }
    // LibreOffice and WPS do not grow wrapped rows on open; give long paragraphs room.
    // About 36 characters a line in Excel at this width (LibreOffice fits a few more).
    if (!heading && text.length > 36) ws.getRow(i + 4).height = 17 * Math.ceil(text.length / 36) + 3
  })
  ws.pageSetup = INSTRUCTIONS_PAGE
}

function formatDeadline(d: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d)
  return m ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : d
}

/** A very hidden sheet holding the drop-down lists; returns each list's range formula by name. */
export function writeLists(wb: ExcelJS.Workbook, sheetName: string, lists: Record<string, readonly string[]>): Record<string, string | undefined> {
  const ws = wb.addWorksheet(sheetName, { state: 'veryHidden' })
  pendingLists.set(wb, ws)
  Object.entries(lists).forEach(([name, values], i) => {
    const col = i + 1
    ws.getCell(1, col).value = name
    values.forEach((v, j) => (ws.getCell(j + 2, col).value = v))
  })
  ws.state = 'veryHidden'
  return listRanges(sheetName, lists)
}

/** Where writeLists puts each list (a column each, values from row 2), for drop-downs that refer to it. */
export function listRanges(sheetName: string, lists: Record<string, readonly string[]>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  Object.entries(lists).forEach(([name, values], i) => {
    const L = columnLetter(i + 1)
    if (values.length > 0) out[name] = `'${sheetName}'!$${L}$2:$${L}$${values.length + 1}`
  })
  return out
}

/** Units written into the lists sheet by the export, so a blank 单位编码 on a new row can be filled in. */
export function readUnitList(wb: ExcelJS.Workbook): { code: string; name: string }[] {
  const ws = wb.getWorksheet(TARGET_SHEETS.lists)
  if (!ws) return []
  let codeCol = 0
  let nameCol = 0
  ws.getRow(1).eachCell((c, col) => {
    if (cellText(c) === '单位编码') codeCol = col
    if (cellText(c) === '单位名称') nameCol = col
  })
  if (!codeCol || !nameCol) return []
  const out: { code: string; name: string }[] = []
  for (let r = 2; r <= ws.rowCount; r++) {
    const code = cellText(ws.getCell(r, codeCol))
    if (code) out.push({ code, name: cellText(ws.getCell(r, nameCol)) })
  }
  return out
}

function resolveUnit(code: string, name: string, units: { code: string; name: string }[]): { code: string; name: string } {
  if (code) return { code, name: name || units.find((u) => u.code === code)?.name || '' }
  const byName = name ? units.find((u) => nameKey(u.name) === nameKey(name)) : undefined
  if (byName) return { code: byName.code, name }
  // A workbook exported for one unit: its new projects belong to that unit.
  if (units.length === 1 && (!name || nameKey(name) === nameKey(units[0]!.name))) return { code: units[0]!.code, name: units[0]!.name }
  return { code: '', name }
}

/** The pages given, or the projects' own indicators as one page. */
export function indicatorSource<P extends { indicators: { opinion?: string | undefined }[] }>(projects: P[], pages: IndicatorPages<P> | undefined): IndicatorPages<P> {
  return (
    pages ?? {
      count: projects.reduce((n, p) => n + p.indicators.length, 0),
      anyOpinion: projects.some((p) => p.indicators.some((i) => i.opinion?.trim())),
      async *pages() {
        yield projects
      },
    }
  )
}

/** A data row read as it is written, with its reviewer's opinion (the opinion column's value). */
export interface TableRowSource {
  values: CellRow
  opinion: string | undefined
}

export interface TableLayout {
  title: string
  note: string
  cols: SheetCol[]
  /** All rows, or as many rows as `count` says, made as they are written (a whole round's indicators). */
  rows: CellRow[] | { count: number; rows: AsyncIterable<TableRowSource> }
  idColumnsOpenInSpareRows: boolean
  freezeColumns: number
  /**
   * Reviewers' opinions in `column`; their rows' `keyColumns` are tinted too. `opinions` per data
   * row where `rows` is an array; rows made as written carry their own (TableRowSource.opinion).
   */
  opinions?: { column: number | null; opinions?: (string | undefined)[]; keyColumns: number[] }
  /** Formatted empty rows for additions; SPARE_ROWS unless the sheet takes no new rows. */
  spareRows?: number
}

/** A table sheet's frozen panes and page setup, which a streamed sheet writes when it is added. */
function tableSheetOptions(freezeColumns: number): { views: Partial<ExcelJS.WorksheetView>[]; pageSetup: Partial<ExcelJS.PageSetup> } {
  const at = `${columnLetter(freezeColumns + 1)}${FIRST_DATA_ROW}`
  return {
    views: [{ state: 'frozen', xSplit: freezeColumns, ySplit: HEADER_ROW, topLeftCell: at, activeCell: at }],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}`,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
    },
  }
}

/** Adds a sheet for writeTable: a streamed sheet writes its panes and page setup at once. */
export function tableSheet(wb: ExcelJS.Workbook, name: string, freezeColumns: number): ExcelJS.Worksheet {
  return wb.addWorksheet(name, tableSheetOptions(freezeColumns))
}

const INSTRUCTIONS_PAGE: Partial<ExcelJS.PageSetup> = {
  paperSize: 9,
  orientation: 'portrait',
  fitToPage: true,
  fitToWidth: 1,
  fitToHeight: 0,
  margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
}

/** Adds the instructions sheet for writeInstructions (its settings given up front for a streamed sheet). */
export function instructionsSheet(wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  return wb.addWorksheet(name, { properties: { defaultRowHeight: 20 }, pageSetup: INSTRUCTIONS_PAGE })
}

/**
 * Title, note, header and data rows with spare rows, styles, drop-downs and per-cell locking, and
 * the reviewers' opinions tinted. Written top to bottom (sheet settings first, each row committed
 * once written), so it serves exceljs's streaming writer as well as a whole workbook; a streamed
 * sheet is then protected and committed by the caller.
 */
export async function writeTable(ws: ExcelJS.Worksheet, t: TableLayout): Promise<void> {
  const n = t.cols.length
  const lastData = FIRST_DATA_ROW + (Array.isArray(t.rows) ? t.rows.length : t.rows.count) - 1
  const spare = t.spareRows ?? SPARE_ROWS
  const lastSpare = lastData + spare
  const lastOpen = spare > 0 ? lastSpare + VALIDATION_TAIL : lastData
  t.cols.forEach((c, i) => {
    const col = ws.getColumn(i + 1)
    col.width = c.width
    if (c.hidden) col.hidden = true
    // Column-level style reaches cells that do not exist yet, so rows typed below the table stay editable.
    col.font = c.kind === 'id' ? ID_FONT : FONT
    col.alignment = { vertical: 'middle', wrapText: !!c.wrap, ...(c.align ? { horizontal: c.align } : {}) }
    if (c.numFmt) col.numFmt = c.numFmt
    if (c.kind === 'input' || (c.kind === 'id' && t.idColumnsOpenInSpareRows)) col.protection = { locked: false }
  })
  // Sheet settings before the first row: a streamed sheet writes them with its opening.
  // (a streamed sheet got them when it was added: tableSheet)
  const settings = tableSheetOptions(t.freezeColumns)
  ws.views.splice(0, ws.views.length, ...settings.views)
  ws.pageSetup = settings.pageSetup
  ws.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: HEADER_ROW, column: n } }

  // exceljs supports range validations but does not declare them; one range per column instead of
  // one entry per cell keeps a 1,500-row sheet quick to write and to open.
  const validations = (ws as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations
  t.cols.forEach((c, i) => {
    if (!c.list || lastOpen < FIRST_DATA_ROW) return
    const L = columnLetter(i + 1)
    validations.add(`${L}${FIRST_DATA_ROW}:${L}${lastOpen}`, {
      type: 'list',
      allowBlank: true,
      formulae: [c.list],
      showErrorMessage: true,
      errorStyle: c.listLenient ? 'information' : 'stop',
      errorTitle: c.header,
      error: c.listError ?? '请从下拉列表中选择',
    })
  })

  const lock = { locked: true }
  ws.mergeCells(1, 1, 1, n)
  ws.mergeCells(2, 1, 2, n)
  const titleRow = ws.getRow(1)
  titleRow.height = 28
  const title = titleRow.getCell(1)
  title.value = t.title
  title.font = { ...FONT, name: '黑体', size: 14, bold: true }
  title.alignment = { horizontal: 'center', vertical: 'middle' }
  title.protection = lock
  titleRow.commit()
  const noteRow = ws.getRow(2)
  noteRow.height = 30
  const note = noteRow.getCell(1)
  note.value = t.note
  note.font = { ...FONT, size: 10, color: { argb: 'FF595959' } }
  note.alignment = { vertical: 'middle', wrapText: true }
  note.protection = lock
  noteRow.commit()

  const header = ws.getRow(HEADER_ROW)
  header.height = 36
  t.cols.forEach((c, i) => {
    const cell = header.getCell(i + 1)
    cell.value = c.header
    cell.font = { ...FONT, bold: true }
    cell.fill = FILL.header
    cell.border = BORDER
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
    cell.protection = lock
  })
  header.commit()

  const op = t.opinions?.column ? t.opinions : null
  const breathe = yielder()
  // A streamed sheet's rows are gone once committed, so its cells can share one style object per
  // column and kind of row: exceljs's style table then finds the style by identity (a WeakMap)
  // instead of serialising a fresh object per cell, and no per-cell style objects pile up.
  const shared = isStreamSheet(ws)
  const styleCache = new Map<string, Partial<ExcelJS.Style>>()
  const styleOf = (i: number, c: SheetCol, filled: boolean, opinion: boolean): Partial<ExcelJS.Style> => {
    const key = `${i}|${filled ? 1 : 0}|${opinion ? 1 : 0}`
    let st = styleCache.get(key)
    if (!st) {
      st = { ...ws.getColumn(i + 1).style, border: BORDER }
      if (c.kind === 'id') {
        st.fill = FILL.id
        if (filled) st.protection = lock
      } else if (c.kind === 'locked') {
        st.fill = FILL.locked
        st.protection = lock
      } else if (c.highlight) {
        st.fill = FILL.input
      }
      if (opinion) {
        st.fill = OPINION_FILL
        if (i + 1 === op!.column) st.font = OPINION_FONT
      }
      styleCache.set(key, st)
    }
    return st
  }
  const writeRow = async (r: number, values: CellRow | null, hasOpinion: boolean) => {
    const row = ws.getRow(r)
    t.cols.forEach((c, i) => {
      const cell = row.getCell(i + 1)
      const v = values?.[i]
      if (v !== undefined && v !== null && v !== '') cell.value = v
      // The streaming writer drops a row without any value: a spare row's first cell holds ''.
      else if (!values && i === 0) cell.value = ''
      // A row with a reviewer's opinion: the opinion cell and the row's key cells tinted red.
      const tinted = hasOpinion && (i + 1 === op!.column || op!.keyColumns.includes(i + 1))
      const style = styleOf(i, c, !!values, tinted)
      // Streamed cells share one style object per kind (the writer dedupes by identity); a
      // whole-workbook sheet gets a copy, so that a later edit of one cell reaches no other.
      cell.style = shared ? style : { ...style }
    })
    row.commit()
    if (shared) await zipCaughtUp(ws)
    await breathe()
  }
  let r = FIRST_DATA_ROW
  if (Array.isArray(t.rows)) {
    for (const values of t.rows) {
      await writeRow(r, values, !!op?.opinions?.[r - FIRST_DATA_ROW]?.trim())
      r++
    }
  } else {
    // Made as written: the opinion, if the sheet has the column, goes into it. Should an edit made
    // meanwhile change the count a little, the spare rows follow the last row written and the
    // drop-downs' tail (VALIDATION_TAIL) still covers them.
    for await (const row of t.rows.rows) {
      const opinion = op ? row.opinion?.trim() || null : undefined
      await writeRow(r, opinion === undefined ? row.values : [...row.values, opinion], !!opinion)
      r++
    }
  }
  for (const end = r + spare; r < end; r++) await writeRow(r, null, false)
}

/** The reviewers' opinions on a returned item: their own locked column, the rows concerned tinted red. */
export const OPINION_COL: SheetCol = { header: '审核意见\n（请按意见修改后重新报送）', width: 44, kind: 'locked', wrap: true }
const OPINION_FILL = solid('FFFFC7CE')
const OPINION_FONT = { ...FONT, color: { argb: 'FF9C0006' } }

/** The columns of a table whose rows come as they are written: OPINION_COL last when any row has an opinion. */
export function opinionColumn(cols: SheetCol[], anyOpinion: boolean): { cols: SheetCol[]; column: number | null } {
  return anyOpinion ? { cols: [...cols, OPINION_COL], column: cols.length + 1 } : { cols, column: null }
}

/**
 * Adds OPINION_COL's values to a table's rows when any row has an opinion; returns the columns and
 * rows to write. Without opinions the sheet is the plain template (nothing to tell the unit).
 */
export function withOpinions(cols: SheetCol[], rows: CellRow[], opinions: (string | undefined)[]): { cols: SheetCol[]; rows: CellRow[]; column: number | null } {
  const table = opinionColumn(cols, opinions.some((o) => o?.trim()))
  return { ...table, rows: table.column ? rows.map((r, i) => [...r, opinions[i]?.trim() || null]) : rows }
}

/** Tints the opinion cell and the row's key cells (e.g. 项目名称, 三级指标) of every row that has an opinion. */
export function highlightOpinions(ws: ExcelJS.Worksheet, column: number | null, opinions: (string | undefined)[], keyColumns: number[]): void {
  if (column === null) return
  opinions.forEach((o, i) => {
    if (!o?.trim()) return
    const row = ws.getRow(FIRST_DATA_ROW + i)
    for (const c of [column, ...keyColumns]) {
      const cell = row.getCell(c)
      cell.fill = OPINION_FILL
      if (c === column) cell.font = OPINION_FONT
    }
  })
}

/** Protection without a password: it guards ids and headers against slips, not against intent. */
export async function protect(ws: ExcelJS.Worksheet): Promise<void> {
  await ws.protect('', {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatColumns: true,
    formatRows: true,
    insertRows: true,
    deleteRows: true,
    autoFilter: true,
  })
}

/** Header-match score of a sheet, as readTable would locate it (first 15 rows). */
function headerScore(ws: ExcelJS.Worksheet, columns: ColumnSpec[]): number {
  let best = 0
  const last = Math.min(ws.rowCount, 15)
  for (let r = 1; r <= last; r++) {
    const keys = new Set<string>()
    ws.getRow(r).eachCell({ includeEmpty: false }, (cell) => {
      const h = normalizeHeader(cellText(cell))
      if (!h) return
      const hit = columns.find((c) => !keys.has(c.key) && [c.label, ...c.aliases].some((a) => normalizeHeader(a) === h))
      if (hit) keys.add(hit.key)
    })
    best = Math.max(best, keys.size)
  }
  return best
}

/**
 * The sheet by its template name, else the visible sheet whose header best matches (a renamed
 * sheet), never the other table's sheet nor the hidden lists.
 */
export function pickSheet(wb: ExcelJS.Workbook, names: string[], columns: ColumnSpec[], exclude: ExcelJS.Worksheet | null): ExcelJS.Worksheet | null {
  const candidates = wb.worksheets.filter((ws) => ws.state !== 'veryHidden' && ws.name !== TARGET_SHEETS.lists && ws !== exclude)
  const named = candidates.find((ws) => names.includes(ws.name.trim()))
  if (named) return named
  const needed = columns.filter((c) => c.required).length
  let best: { ws: ExcelJS.Worksheet; score: number } | null = null
  for (const ws of candidates) {
    const score = headerScore(ws, columns)
    if (!best || score > best.score) best = { ws, score }
  }
  return best && best.score >= Math.min(needed, 3) ? best.ws : null
}

/**
 * The money unit of a column, from its header ("（元）" vs "（万元）") or else from a
 * "单位：元" note above the table; 万元 when nothing says otherwise.
 */
export function moneyUnitOf(ws: ExcelJS.Worksheet, headerRow: number, letter: string): MoneyUnit {
  const header = cellText(ws.getCell(`${letter}${headerRow}`))
  const inHeader = /万元/.test(header) ? '万元' : /元/.test(header) ? '元' : null
  if (inHeader) return inHeader
  for (let r = 1; r < headerRow; r++) {
    let found: MoneyUnit | null = null
    ws.getRow(r).eachCell((c) => {
      const m = /单位[：:]\s*(万元|元)/.exec(cellText(c))
      if (m) found = m[1] as MoneyUnit
    })
    if (found) return found
  }
  return '万元'
}

/** A value cell's text, reading a percent-formatted number (0.95 shown as 95%) as "95%". */
export function cellValueText(ws: ExcelJS.Worksheet, r: TableRow, key: string): string {
  const letter = r.columns[key]
  if (!letter) return ''
  return r.shown?.[key] ?? percentText(ws.getCell(`${letter}${r.row}`)) ?? r.values[key] ?? ''
}

/** Collects a problem at a row: the column reads "F（指标性质）". */
export function problemAt(problems: ImportProblem[], sheet: string, r: TableRow) {
  return (key: string, label: string, message: string) =>
    problems.push({ sheet, row: r.row, column: r.columns[key] ? `${r.columns[key]}（${label}）` : label, message })
}
