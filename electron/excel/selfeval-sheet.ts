/**
 * The 项目支出绩效自评表 workbook (domain-facts §1, the 青神县 county layout): a 填表说明 sheet, then one
 * sheet per project laid out like the printed form — header, 预算执行情况 (10分) by fund source with a
 * 合计 row, the 绩效指标 table from the approved targets, then 评价结论 / 存在问题 / 改进措施.
 *
 * The approved targets are locked; the unit fills amounts, 完成值, optionally 得分, the reasons and the
 * conclusion. 执行率, the execution 得分 and the 合计 row are formulas for the unit's convenience; the
 * importer trusts only the amounts and recomputes. Hidden ids (自评编号, 项目编号, 指标编号) in column K
 * let a re-import find the round item and its indicators.
 */
import ExcelJS from 'exceljs'
import { FUND_ROW_SOURCES, type ImportProblem } from '../../shared/domain'
import { numericValue } from '../../shared/indicators'
import { formatMoney, parseMoney, ratePercent, type MoneyUnit } from '../../shared/money'
import { DEFAULT_SCORING_RULES, scoreIndicator, type ScoringRules } from '../../shared/scoring'
import { cellNumber as numOf, cellText, cellTextOrBlank as textOf, columnLetter, normalizeHeader, type ColumnSpec } from './read-table'
import type { Writable } from 'node:stream'
import type { ParsedSelfEval, SelfEvalWorkbookInput, SheetSelfEvalIndicator, SheetSelfEvalProject } from './stage-types'
import { commitLists, instructionsSheet, listRanges, MONEY_FORMAT, moneyUnitOf, newStreamWorkbook, protect, toBuffer, writeInstructions, writeLists } from './targets-sheet'
import { runSync, yielder, type Steps } from './yield'

export const SELFEVAL_SHEETS = { help: '填表说明', lists: '下拉列表' } as const

/** What a unit may type in 完成值 for an indicator that does not apply; read back as '不适用'. */
export const INAPPLICABLE = '不适用'
const INAPPLICABLE_WORDS = ['不适用', '无', '不涉及']

/** 执行率 below this (percent) needs a 原因说明 (county form). */
export const EXPLAIN_BELOW = 90

// ——— layout ———

/** Visible columns A–J; K is hidden and holds the ids. */
const LAST_COL = 10
const ID_COL = 11
/**
 * The two tables share the columns, so the widths serve both: the 资金 table merges D:E (全年执行数)
 * and I:J (原因说明) to fit its eight columns into the indicator table's ten.
 */
const WIDTHS = [12, 12, 20, 6, 10, 8, 11, 7, 7, 22]
const FUND = { label: 1, initial: 2, budget: 3, executed: 4, executedEnd: 5, rate: 6, weight: 7, score: 8, note: 9, noteEnd: 10 } as const
const IND = { level1: 1, level2: 2, name: 3, operator: 4, target: 5, unit: 6, actual: 7, weight: 8, score: 9, reason: 10, id: 11 } as const
/** Labels of the hidden id cells (column K, value in the cell below). */
const ID_LABELS = { itemId: '自评编号', projectId: '项目编号', code: '项目编码' } as const

const FOOTERS = [
  { key: 'conclusion', label: '评价结论' },
  { key: 'problems', label: '存在问题' },
  { key: 'improvements', label: '改进措施' },
] as const
const FOOTER_LIMIT = 200

const solid = (argb: string): ExcelJS.Fill => ({ type: 'pattern', pattern: 'solid', fgColor: { argb } })
const FILL = { header: solid('FFDDEBF7'), label: solid('FFF2F2F2'), locked: solid('FFF2F2F2'), id: solid('FFE7E6E6'), input: solid('FFFFFBEA') }
const thin = { style: 'thin' as const, color: { argb: 'FF808080' } }
const BORDER: Partial<ExcelJS.Borders> = { top: thin, left: thin, bottom: thin, right: thin }
const FONT: Partial<ExcelJS.Font> = { name: '宋体', size: 10.5 }
const OPINION_FILL = solid('FFFFC7CE')
const OPINION_FONT: Partial<ExcelJS.Font> = { ...FONT, color: { argb: 'FF9C0006' } }
const BOLD: Partial<ExcelJS.Font> = { ...FONT, bold: true }
const TITLE_FONT: Partial<ExcelJS.Font> = { name: '黑体', size: 16, bold: true }
const SECTION_FONT: Partial<ExcelJS.Font> = { ...BOLD, size: 12 }
const SMALL: Partial<ExcelJS.Font> = { name: '宋体', size: 9, color: { argb: 'FF595959' } }
const ID_FONT: Partial<ExcelJS.Font> = { name: 'Arial', size: 8, color: { argb: 'FF7F7F7F' } }

interface Style {
  font?: Partial<ExcelJS.Font>
  fill?: ExcelJS.Fill
  align?: Partial<ExcelJS.Alignment>
  numFmt?: string
  border?: boolean
  /** Editable by the unit (the sheet is protected; everything else is locked). */
  input?: boolean
}

/**
 * The cell style of a Style, one object per distinct Style: exceljs renders a style object once
 * and knows it again by identity, where rendering each cell's own (a few hundred cells a sheet, a
 * sheet per project) was half the export's time. Never changed once made: a cell that needs
 * another look gets a style object of its own.
 */
const cellStyles = new Map<string, Partial<ExcelJS.Style>>()
/** The fonts and fills of the Styles are this module's constants: known by identity, not content. */
const constants = new WeakMap<object, number>()
let constantsSeen = 0
const idOf = (o: object | undefined) => {
  if (!o) return 0
  let id = constants.get(o)
  if (id === undefined) constants.set(o, (id = ++constantsSeen))
  return id
}
function cellStyle(s: Style): Partial<ExcelJS.Style> {
  const key = `${idOf(s.font)}|${idOf(s.fill)}|${s.align ? JSON.stringify(s.align) : ''}|${s.numFmt ?? ''}|${s.border !== false}|${!!s.input}`
  let style = cellStyles.get(key)
  if (!style) {
    style = {
      font: s.font ?? FONT,
      alignment: { vertical: 'middle', wrapText: true, ...s.align },
      ...(s.fill ? { fill: s.fill } : {}),
      ...(s.border !== false ? { border: BORDER } : {}),
      ...(s.numFmt ? { numFmt: s.numFmt } : {}),
      protection: { locked: !s.input },
    }
    cellStyles.set(key, style)
  }
  return style
}

/** Writes a value into a (possibly merged) range and styles every cell of it. */
function put(ws: ExcelJS.Worksheet, row: number, col: number, value: ExcelJS.CellValue, s: Style, toCol = col, toRow = row): ExcelJS.Cell {
  if (toCol > col || toRow > row) ws.mergeCells(row, col, toRow, toCol)
  const style = cellStyle(s)
  for (let r = row; r <= toRow; r++) {
    for (let c = col; c <= toCol; c++) ws.getCell(r, c).style = style
  }
  const master = ws.getCell(row, col)
  if (value !== null && value !== undefined && value !== '') master.value = value
  return master
}

/** Display width in Excel character units: CJK characters take two. */
function textWidth(s: string): number {
  let w = 0
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1
  return w
}

/** Lines a wrapped text takes in a column of the given width (LibreOffice and WPS do not grow rows on open). */
function linesIn(text: string, width: number): number {
  return text.split('\n').reduce((n, part) => n + Math.max(1, Math.ceil(textWidth(part) / Math.max(1, width - 1.5))), 0)
}

const LINE = 14
const widthOf = (from: number, to = from) => WIDTHS.slice(from - 1, to).reduce((a, b) => a + b, 0)

/**
 * Sheet names for the projects: the project name without the characters Excel forbids, at most
 * 24 characters, unique (case-insensitively, as Excel compares) with a (2), (3)… suffix.
 */
export function selfEvalSheetNames(projects: { name: string; code: string }[]): string[] {
  const taken = new Set<string>([SELFEVAL_SHEETS.help, SELFEVAL_SHEETS.lists, 'history'].map((s) => s.toLowerCase()))
  return projects.map((p, i) => {
    const clean = (s: string) =>
      s
        .replace(/[[\]:*?/\\]/g, '')
        .replace(/\s+/g, ' ')
        .trim()
        .replace(/^'+|'+$/g, '')
    const base = ([...clean(p.name)].slice(0, 24).join('') || clean(p.code).slice(0, 24) || `项目${i + 1}`).trim()
    let name = base
    for (let n = 2; taken.has(name.toLowerCase()); n++) {
      const suffix = `(${n})`
      name = [...base].slice(0, 31 - suffix.length).join('') + suffix
    }
    taken.add(name.toLowerCase())
    return name
  })
}

const EXEC_WEIGHT = DEFAULT_SCORING_RULES.weights.execution
const fmtPoints = (n: number) => String(Number(n.toFixed(2)))

// ——— export ———

export async function buildSelfEvalWorkbook(input: SelfEvalWorkbookInput): Promise<Buffer> {
  return toBuffer((out) => writeSelfEvalWorkbook(input, out))
}

/**
 * Writes the 自评表 with exceljs's streaming writer, one project sheet after another: each is laid
 * out, protected and committed before the next is begun, the event loop turning between sheets.
 * The whole-workbook writer held every sheet's model and then wrote them in one stretch (for 5,000
 * sheets: 1.5 GB and the main process held for 19 s). A file holds at most SELFEVAL_FILE_PROJECTS
 * projects, what the import takes back (the export refuses more).
 */
export async function writeSelfEvalWorkbook(input: SelfEvalWorkbookInput, out: Writable): Promise<void> {
  const wb = newStreamWorkbook(out)
  const help = instructionsSheet(wb, SELFEVAL_SHEETS.help)
  const levels = DEFAULT_SCORING_RULES.qualitative
  const names = selfEvalSheetNames(input.projects)
  // The (hidden) lists sheet comes last, after the project sheets that refer to it.
  const listValues = { 定性完成等级: [...levels.map((l) => l.level), INAPPLICABLE] }
  const lists = listRanges(SELFEVAL_SHEETS.lists, listValues)
  const pct = (x: number) => `${Math.round(x * 100)}%`

  writeInstructions(help, input.title, input.deadline, [
    ['一、本工作簿包括', true],
    [`本“填表说明”和 ${input.projects.length} 张项目自评表，每个项目一张，工作表名称为项目名称（过长的已截短）。每张表依次为预算执行情况（${EXEC_WEIGHT}分）、绩效指标和评价结论三部分，版式与县级项目支出绩效自评表相同，可直接打印盖章。`, false],
    ['二、预算执行情况', true],
    ['1. 按资金来源（当年财政资金、上年结转资金、其他资金）分别填写年初预算数、全年预算数和全年执行数，单位为万元，最多保留六位小数（即到元角分）。没有该项资金的填 0 或留空；有全年预算数而没有支出的，全年执行数填 0。', false],
    [`2. 执行率（=全年执行数÷全年预算数）、得分和合计行由公式自动计算，请勿改写。得分 = 执行率 × ${EXEC_WEIGHT}，最高 ${EXEC_WEIGHT} 分。`, false],
    [`3. 合计行的执行率低于${EXPLAIN_BELOW}%的，必须在“原因说明”中说明原因（限100字）；年中追加或调减预算的，也请在此说明。`, false],
    ['三、绩效指标', true],
    ['1. 灰色部分为批复的绩效目标（一级至三级指标、指标性质、指标值、度量单位和分值），不能修改。请逐项填写完成值：定量指标只填数字，度量单位与指标值相同（如 96、98.5%）；定性指标从下拉列表选择完成等级。', false],
    ['2. 得分可以不填，由财政局系统按下列规则计算；自行填写的，须在 0 至该指标分值之间，与规则不一致的，财政局审核时可能调整。', false],
    ['正向指标（≥）：完成值达到或超过指标值的得满分；未达到的，得分 = 完成值 ÷ 指标值 × 分值。', false],
    ['反向指标（≤）：完成值不超过指标值的得满分；超过的，得分 = (1 −（完成值 − 指标值）÷ 指标值) × 分值，完成值达到指标值 2 倍及以上的得 0 分。', false],
    ['等于（=）：指标值为 0 的，完成值不大于 0 得满分，否则得 0 分；指标值大于 0 的，按正向指标计分。', false],
    [`定性指标：按三个完成等级计分——${levels.map((l, i) => `“${l.level}”得分为分值的${pct(l.min)}（含）至${pct(l.max)}${i === 0 ? '（含）' : ''}`).join('；')}。`, false],
    [`3. 确实不适用的指标，完成值填“${INAPPLICABLE}”，该指标不计分，总分按其余指标的分值折算为百分制。`, false],
    ['4. 未达到指标值（得分低于分值）的指标，必须填写未完成原因分析。', false],
    ['四、评价结论、存在问题和改进措施', true],
    [`在每张表的末尾填写评价结论、存在问题和改进措施，每项不超过${FOOTER_LIMIT}字。总分和评价等级由财政局系统计算。`, false],
    ['五、注意事项', true],
    ['1. 请勿增删、改名或复制工作表，请勿插入或删除行列；行高、列宽可以调整。隐藏的编号用于导入时对应项目和指标，请勿改动。', false],
    ['2. 带下拉箭头的单元格请从列表中选择；浅黄色单元格为需要填写的内容。', false],
    ['3. 请保持 .xlsx 格式报送，不要另存为 .xls 或 .et。', false],
  ])

  help.commit()
  const breathe = yielder()
  for (const [i, p] of input.projects.entries()) {
    const ws = wb.addWorksheet(names[i]!, projectSheetOptions())
    writeProjectSheet(ws, p, input, lists['定性完成等级'])
    await protect(ws)
    ws.commit()
    await breathe()
  }
  writeLists(wb, SELFEVAL_SHEETS.lists, listValues)
  commitLists(wb)
  // Every formula is written with its result (what Excel would compute from the amounts filled
  // in), so the workbook shows right as opened; the streaming writer has no full-calc-on-load flag.
  await wb.commit()
}

/**
 * A project sheet's views and page setup (A4 portrait, one page wide), given when it is added: a
 * streamed sheet writes them at once. The print area follows once the sheet's length is known.
 */
function projectSheetOptions(): Partial<ExcelJS.AddWorksheetOptions> {
  return {
    views: [{ showGridLines: false }],
    pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0, horizontalCentered: true, margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 } },
  }
}

function writeProjectSheet(ws: ExcelJS.Worksheet, p: SheetSelfEvalProject, input: Pick<SelfEvalWorkbookInput, 'title' | 'budgetYear'>, levelList: string | undefined): void {
  WIDTHS.forEach((w, i) => (ws.getColumn(i + 1).width = w))
  const idCol = ws.getColumn(ID_COL)
  idCol.width = 12
  idCol.hidden = true
  const label = (row: number, col: number, text: string, toCol = col, toRow = row) =>
    put(ws, row, col, text, { font: BOLD, fill: FILL.label, align: { horizontal: 'center' } }, toCol, toRow)

  // Header.
  put(ws, 1, 1, input.title, { font: TITLE_FONT, align: { horizontal: 'center' }, border: false }, LAST_COL)
  ws.getRow(1).height = 30
  // The year under the title, unless the title already says it.
  const year = input.title.includes(String(input.budgetYear)) ? '' : `（${input.budgetYear}年度）`
  put(ws, 2, 1, year, { font: FONT, align: { horizontal: 'center' }, border: false }, LAST_COL)
  ws.getRow(2).height = year ? 18 : 8
  const title = p.code ? `${p.code}-${p.name}` : p.name
  label(3, 1, '项目名称')
  put(ws, 3, 2, title, {}, LAST_COL)
  ws.getRow(3).height = Math.max(22, linesIn(title, widthOf(2, LAST_COL)) * LINE + 6)
  label(4, 1, '实施单位')
  put(ws, 4, 2, p.unitName, {}, 5)
  label(4, 6, '单位编码', 7)
  put(ws, 4, 8, p.unitCode, { numFmt: '@' }, LAST_COL)
  ws.getRow(4).height = Math.max(22, linesIn(p.unitName, widthOf(2, 5)) * LINE + 6)
  const ids: [string, string][] = [
    [ID_LABELS.itemId, p.itemId],
    [ID_LABELS.projectId, p.projectId],
    [ID_LABELS.code, p.code],
  ]
  ids.forEach(([l, v], k) => {
    put(ws, 2 * k + 1, ID_COL, l, { font: ID_FONT, fill: FILL.id, border: false })
    put(ws, 2 * k + 2, ID_COL, v, { font: ID_FONT, fill: FILL.id, border: false, numFmt: '@' })
  })

  // 一、预算执行情况.
  let r = 5
  put(ws, r, 1, `一、预算执行情况（${EXEC_WEIGHT}分）`, { font: SECTION_FONT, border: false }, 6)
  put(ws, r, 7, '金额单位：万元', { font: SMALL, align: { horizontal: 'right' }, border: false }, LAST_COL)
  ws.getRow(r).height = 24
  r++
  const head: [number, number, string][] = [
    [FUND.label, FUND.label, '资金来源'],
    [FUND.initial, FUND.initial, '年初预算数\n（万元）'],
    [FUND.budget, FUND.budget, '全年预算数\n（万元）'],
    [FUND.executed, FUND.executedEnd, '全年执行数\n（万元）'],
    [FUND.rate, FUND.rate, '执行率'],
    [FUND.weight, FUND.weight, '分值'],
    [FUND.score, FUND.score, '得分'],
    [FUND.note, FUND.noteEnd, `原因说明\n（执行率低于${EXPLAIN_BELOW}%的必填，限100字）`],
  ]
  for (const [from, to, text] of head) put(ws, r, from, text, { font: BOLD, fill: FILL.header, align: { horizontal: 'center' } }, to)
  ws.getRow(r).height = 44

  const sources = [...FUND_ROW_SOURCES, ...p.funds.map((f) => f.source).filter((s) => !(FUND_ROW_SOURCES as readonly string[]).includes(s))]
  const first = r + 1
  const last = first + sources.length - 1
  const total = last + 1
  const wan = (fen: number) => fen / 1_000_000
  const L = (col: number) => columnLetter(col)
  const [cI, cB, cE, cW] = [L(FUND.initial), L(FUND.budget), L(FUND.executed), L(FUND.weight)]
  const rateFormula = (row: number) => `IF(AND(N(${cB}${row})>0,ISNUMBER(${cE}${row})),${cE}${row}/${cB}${row},"")`
  const sum = { initial: 0, budget: 0, executed: 0 }
  let anyFunds = false
  sources.forEach((source, k) => {
    const row = first + k
    const f = p.funds.find((x) => x.source === source)
    label(row, FUND.label, source)
    const money = { numFmt: MONEY_FORMAT, fill: FILL.input, input: true, align: { horizontal: 'right' as const } }
    const amounts = [
      put(ws, row, FUND.initial, f ? wan(f.initialFen) : null, money),
      put(ws, row, FUND.budget, f ? wan(f.budgetFen) : null, money),
      put(ws, row, FUND.executed, f ? wan(f.executedFen) : null, money, FUND.executedEnd),
    ]
    for (const cell of amounts) {
      cell.dataValidation = {
        type: 'decimal',
        operator: 'greaterThanOrEqual',
        allowBlank: true,
        formulae: [0],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: '金额',
        error: '请填写不小于0的数字，单位为万元，不要带“万元”等文字',
      }
    }
    const rate = f && f.budgetFen > 0 ? f.executedFen / f.budgetFen : ''
    put(ws, row, FUND.rate, { formula: rateFormula(row), result: rate }, { numFmt: '0.00%', fill: FILL.locked, align: { horizontal: 'right' } })
    if (f) {
      sum.initial += f.initialFen
      sum.budget += f.budgetFen
      sum.executed += f.executedFen
      anyFunds = true
    }
    ws.getRow(row).height = 22
  })
  label(total, FUND.label, '合计')
  const sumOf = (col: string) => `SUM(${col}${first}:${col}${last})`
  const totalStyle = { numFmt: MONEY_FORMAT, fill: FILL.locked, font: BOLD, align: { horizontal: 'right' as const } }
  put(ws, total, FUND.initial, { formula: sumOf(cI), result: wan(sum.initial) }, totalStyle)
  put(ws, total, FUND.budget, { formula: sumOf(cB), result: wan(sum.budget) }, totalStyle)
  put(ws, total, FUND.executed, { formula: sumOf(cE), result: wan(sum.executed) }, totalStyle, FUND.executedEnd)
  const totalRate = anyFunds && sum.budget > 0 ? sum.executed / sum.budget : ''
  put(ws, total, FUND.rate, { formula: rateFormula(total), result: totalRate }, { ...totalStyle, numFmt: '0.00%' })
  ws.getRow(total).height = 22
  // 分值, 得分 and 原因说明 belong to the project as a whole: one merged cell down the fund rows.
  put(ws, first, FUND.weight, EXEC_WEIGHT, { fill: FILL.locked, align: { horizontal: 'center' } }, FUND.weight, total)
  const execScore = typeof totalRate === 'number' ? Math.round(Math.min(1, totalRate) * EXEC_WEIGHT * 100) / 100 : ''
  put(
    ws,
    first,
    FUND.score,
    { formula: `IF(N(${cB}${total})>0,ROUND(MIN(1,N(${cE}${total})/${cB}${total})*${cW}${first},2),"")`, result: execScore },
    { fill: FILL.locked, numFmt: '0.00', align: { horizontal: 'center' } },
    FUND.score,
    total,
  )
  put(ws, first, FUND.note, p.executionNote, { fill: FILL.input, input: true, align: { vertical: 'top' } }, FUND.noteEnd, total)
  const noteLines = linesIn(p.executionNote, widthOf(FUND.note, FUND.noteEnd))
  const fundRowsHeight = 22 * (total - first + 1)
  if (noteLines * LINE + 6 > fundRowsHeight) {
    const each = Math.ceil((noteLines * LINE + 6) / (total - first + 1))
    for (let row = first; row <= total; row++) ws.getRow(row).height = each
  }

  // 二、绩效指标.
  r = total + 1
  const weightSum = p.indicators.reduce((a, i) => a + (Number.isFinite(i.weight) ? i.weight : 0), 0)
  put(ws, r, 1, `二、绩效指标（${fmtPoints(weightSum)}分）`, { font: SECTION_FONT, border: false }, LAST_COL)
  ws.getRow(r).height = 26
  r++
  const indHead: [number, string][] = [
    [IND.level1, '一级指标'],
    [IND.level2, '二级指标'],
    [IND.name, '三级指标'],
    [IND.operator, '指标\n性质'],
    [IND.target, '指标值'],
    [IND.unit, '度量\n单位'],
    [IND.actual, '完成值'],
    [IND.weight, '分值'],
    [IND.score, '得分'],
    [IND.reason, '未完成原因分析'],
  ]
  for (const [col, text] of indHead) put(ws, r, col, text, { font: BOLD, fill: FILL.header, align: { horizontal: 'center' } })
  put(ws, r, IND.id, '指标编号', { font: ID_FONT, fill: FILL.id, border: false })
  // A returned 自评表: the reviewers' opinions per indicator in their own column, right of the form.
  const opinionCol = p.indicators.some((i) => i.opinion?.trim()) ? IND.id + 1 : null
  if (opinionCol) {
    put(ws, r, opinionCol, '审核意见\n（请按意见修改后重新报送）', { font: BOLD, fill: FILL.header, align: { horizontal: 'center' } })
    ws.getColumn(opinionCol).width = 40
  }
  ws.getRow(r).height = 32
  const indFirst = r + 1
  p.indicators.forEach((ind, k) => {
    const row = indFirst + k
    const locked = (col: number, v: ExcelJS.CellValue, align: Partial<ExcelJS.Alignment> = {}, numFmt?: string) =>
      put(ws, row, col, v, { fill: FILL.locked, align, ...(numFmt ? { numFmt } : {}) })
    locked(IND.level1, ind.level1, { horizontal: 'center' })
    locked(IND.level2, ind.level2, { horizontal: 'center' })
    locked(IND.name, ind.name)
    locked(IND.operator, ind.operator, { horizontal: 'center' })
    locked(IND.target, ind.targetValue, { horizontal: 'center' }, '@')
    locked(IND.unit, ind.unit, { horizontal: 'center' })
    // Text format so 95% or 1.50 stays what was typed instead of becoming 0.95 or 1.5.
    const actual = put(ws, row, IND.actual, ind.actual, { fill: FILL.input, input: true, numFmt: '@', align: { horizontal: 'center' } })
    locked(IND.weight, Number.isFinite(ind.weight) ? ind.weight : null, { horizontal: 'center' })
    const score = put(ws, row, IND.score, ind.score, { fill: FILL.input, input: true, align: { horizontal: 'center' } })
    put(ws, row, IND.reason, ind.reason, { fill: FILL.input, input: true })
    put(ws, row, IND.id, ind.id, { font: ID_FONT, fill: FILL.id, border: false, numFmt: '@' })
    if (opinionCol && ind.opinion?.trim()) {
      put(ws, row, opinionCol, ind.opinion.trim(), { font: OPINION_FONT, fill: OPINION_FILL })
      const named = ws.getCell(row, IND.name)
      named.style = { ...named.style, fill: OPINION_FILL }
    }
    if (ind.operator === '定性' && levelList) {
      actual.dataValidation = {
        type: 'list',
        allowBlank: true,
        formulae: [levelList],
        showErrorMessage: true,
        errorStyle: 'warning',
        errorTitle: '完成值',
        error: '定性指标请从下拉列表中选择完成等级，否则须自行填写得分',
      }
    }
    if (Number.isFinite(ind.weight)) {
      score.dataValidation = {
        type: 'decimal',
        operator: 'between',
        allowBlank: true,
        formulae: [0, ind.weight],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: '得分',
        error: `得分应在0至${fmtPoints(ind.weight)}分之间；不填则由系统按规则计算`,
      }
    }
    const lines = Math.max(
      linesIn(ind.level2, WIDTHS[IND.level2 - 1]!),
      linesIn(ind.name, WIDTHS[IND.name - 1]!),
      linesIn(ind.targetValue, WIDTHS[IND.target - 1]!),
      linesIn(ind.unit, WIDTHS[IND.unit - 1]!),
      linesIn(ind.actual, WIDTHS[IND.actual - 1]!),
      linesIn(ind.reason, WIDTHS[IND.reason - 1]!),
    )
    ws.getRow(row).height = Math.max(22, lines * LINE + 6)
  })
  const indLast = indFirst + p.indicators.length - 1
  // The county form shows 一级/二级 once per group: merge runs of the same value (locked cells only).
  for (const col of [IND.level1, IND.level2]) {
    let start = indFirst
    for (let row = indFirst + 1; row <= indLast + 1; row++) {
      const key = (x: number) => `${p.indicators[x - indFirst]?.level1}|${col === IND.level2 ? p.indicators[x - indFirst]?.level2 : ''}`
      if (row > indLast || key(row) !== key(start)) {
        if (row - 1 > start) ws.mergeCells(start, col, row - 1, col)
        start = row
      }
    }
  }

  r = Math.max(indLast, indFirst - 1) + 1
  put(ws, r, 1, '总分', { font: BOLD, fill: FILL.label, align: { horizontal: 'center' } }, IND.unit)
  put(ws, r, IND.actual, null, { fill: FILL.locked })
  const hL = columnLetter(IND.weight)
  const weights = p.indicators.length > 0 ? `+SUM(${hL}${indFirst}:${hL}${indLast})` : ''
  put(ws, r, IND.weight, { formula: `${cW}${first}${weights}`, result: EXEC_WEIGHT + weightSum }, { font: BOLD, fill: FILL.locked, align: { horizontal: 'center' } })
  put(ws, r, IND.score, '', { fill: FILL.locked })
  put(ws, r, IND.reason, '由财政局系统计算', { font: SMALL, fill: FILL.locked, align: { horizontal: 'center' } })
  ws.getRow(r).height = 22

  // 三、评价结论 etc.
  r++
  put(ws, r, 1, '三、自评结论', { font: SECTION_FONT, border: false }, LAST_COL)
  ws.getRow(r).height = 26
  for (const f of FOOTERS) {
    r++
    label(r, 1, `${f.label}\n（限${FOOTER_LIMIT}字）`, 2)
    const text = p[f.key]
    const cell = put(ws, r, 3, text, { fill: FILL.input, input: true, align: { vertical: 'top' } }, LAST_COL)
    cell.dataValidation = {
      type: 'textLength',
      operator: 'lessThanOrEqual',
      allowBlank: true,
      formulae: [FOOTER_LIMIT],
      showErrorMessage: true,
      errorStyle: 'warning',
      errorTitle: f.label,
      error: `${f.label}请不超过${FOOTER_LIMIT}字`,
    }
    ws.getRow(r).height = Math.max(4, linesIn(text, widthOf(3, LAST_COL))) * LINE + 8
  }
  if (p.opinion?.trim()) {
    // The opinions on the project as a whole, under the form where the unit signs.
    r++
    label(r, 1, '财政局审核意见\n（请按意见修改）', 2)
    put(ws, r, 3, p.opinion.trim(), { font: OPINION_FONT, fill: OPINION_FILL, align: { vertical: 'top' } }, LAST_COL)
    ws.getRow(r).height = Math.max(3, linesIn(p.opinion, widthOf(3, LAST_COL))) * LINE + 8
  }
  r++
  put(ws, r, 1, '项目负责人：                财务负责人：                填报人：                联系电话：', { font: FONT, border: false, align: { vertical: 'bottom' } }, LAST_COL)
  ws.getRow(r).height = 30

  ws.pageSetup.printArea = `A1:${columnLetter(LAST_COL)}${r}`
}

// ——— import ———

const FUND_COLUMNS: ColumnSpec[] = [
  { key: 'label', label: '资金来源', aliases: ['项目资金', '资金', '资金类别', '资金性质'], required: false },
  { key: 'initial', label: '年初预算数', aliases: ['年初预算', '年初预算金额'], required: false },
  { key: 'budget', label: '全年预算数', aliases: ['全年预算', '调整后预算数', '调整后预算', '全年预算金额'], required: true },
  { key: 'executed', label: '全年执行数', aliases: ['全年执行', '预算执行数', '执行数', '实际执行数', '全年实际执行数'], required: true },
  { key: 'rate', label: '执行率', aliases: ['预算执行率'], required: false },
  { key: 'weight', label: '分值', aliases: ['权重'], required: false },
  { key: 'score', label: '得分', aliases: [], required: false },
  { key: 'note', label: '原因说明', aliases: ['原因', '原因分析', '偏差原因', '执行率偏低原因', '说明'], required: false },
]

const INDICATOR_COLUMNS: ColumnSpec[] = [
  { key: 'level1', label: '一级指标', aliases: ['一级'], required: false },
  { key: 'level2', label: '二级指标', aliases: ['二级'], required: false },
  { key: 'name', label: '三级指标', aliases: ['指标名称', '绩效指标', '指标内容', '三级指标名称', '三级'], required: true },
  { key: 'operator', label: '指标性质', aliases: ['运算符', '符号', '指标方向'], required: false },
  { key: 'targetValue', label: '指标值', aliases: ['年度指标值', '目标值', '指标目标值'], required: false },
  { key: 'unit', label: '度量单位', aliases: ['计量单位', '单位'], required: false },
  { key: 'actual', label: '完成值', aliases: ['实际完成值', '全年实际值', '实际完成情况', '完成情况', '全年完成值'], required: true },
  { key: 'weight', label: '分值', aliases: ['权重'], required: false },
  { key: 'score', label: '得分', aliases: ['自评得分', '单位自评分'], required: false },
  { key: 'reason', label: '未完成原因分析', aliases: ['未完成原因', '偏差原因分析', '偏差原因', '原因分析', '偏差原因分析及改进措施'], required: false },
  { key: 'id', label: '指标编号', aliases: ['指标ID', '系统指标编号'], required: false },
]

const TOTAL_LABEL = /^(合计|总计|小计|年度资金总额|资金总额|总额)[：:]?$/
const SOURCE_ALIASES: Record<string, string> = { 当年财政拨款: '当年财政资金', 财政拨款: '当年财政资金', 上年结转: '上年结转资金', 其它资金: '其他资金' }
/** A section title ("二、绩效指标（90分）") or a footer label: the end of the table above it. */
const SECTION = /^([一二三四五六七八九十]+[、．.]|总分|评价结论|存在问题|改进措施|项目负责人|自评结论)/

interface Located {
  row: number
  /** Column number of each key found in the header. */
  cols: Map<string, number>
}

/** The first header row at or after `from` carrying all of `need` (merged header cells count once). */
function locate(ws: ExcelJS.Worksheet, columns: ColumnSpec[], need: string[], from: number, to: number): Located | null {
  for (let r = from; r <= to; r++) {
    const cols = new Map<string, number>()
    ws.getRow(r).eachCell({ includeEmpty: false }, (cell, col) => {
      if (cell.isMerged && cell.master.address !== cell.address) return
      const h = normalizeHeader(textOf(cell))
      if (!h) return
      const hit = columns.find((c) => !cols.has(c.key) && [c.label, ...c.aliases].some((a) => normalizeHeader(a) === h))
      if (hit) cols.set(hit.key, col)
    })
    if (need.every((k) => cols.has(k))) return { row: r, cols }
  }
  return null
}

/** Text of the first cell right of `col` that is not part of the same merge (the value of a label). */
function valueRightOf(ws: ExcelJS.Worksheet, row: number, col: number): string {
  const own = ws.getCell(row, col).master.address
  for (let c = col + 1; c <= Math.max(ws.columnCount, LAST_COL); c++) {
    const cell = ws.getCell(row, c)
    if (cell.master.address === own) continue
    return textOf(cell)
  }
  return ''
}

function firstText(ws: ExcelJS.Worksheet, row: number): { col: number; text: string } | null {
  let out: { col: number; text: string } | null = null
  ws.getRow(row).eachCell({ includeEmpty: false }, (cell, col) => {
    if (out || ws.getColumn(col).hidden) return
    const text = textOf(cell)
    if (text) out = { col, text }
  })
  return out
}

const normFormula = (f: string) => f.replace(/\$/g, '').replace(/\s+/g, '').replace(/^=/, '').toUpperCase()

/** The formula of a cell (shared formulas, as Excel saves copied ones, translated), normalised; null for values. */
function formulaOf(cell: ExcelJS.Cell): string | null {
  if (cell.type !== ExcelJS.ValueType.Formula) return null
  return normFormula(cell.formula ?? '')
}



/** Number in a cell, typed or as a formula's cached result; text that reads as a number counts. */
function numberIn(cell: ExcelJS.Cell): number | null {
  const n = numOf(cell)
  if (n !== null) return n
  const t = textOf(cell)
  return t ? numericValue(t.replace(/分$/, '')) : null
}

/** A cell's text, reading a percent-formatted number (0.95 shown as 95%) as "95%". */
function valueText(cell: ExcelJS.Cell): string {
  const n = numOf(cell)
  if (n !== null && /%/.test(cell.numFmt ?? '')) return `${Number((n * 100).toPrecision(12))}%`
  return textOf(cell)
}

const decimalsOf = (s: string) => (/\.(\d+)/.exec(s)?.[1]?.length ?? 0)

/**
 * An 执行率 as typed: 95%, "95.00%", 0.95 (a ratio) or 95. Returns the percent and how far it may be
 * from the computed rate: 0.01 percentage points, or half the last digit typed (95% stands for 94.5–95.5).
 */
function readRate(cell: ExcelJS.Cell): { pct: number; tolerance: number; shown: string } | 'bad' | null {
  const n = numOf(cell)
  let pct: number
  let decimals: number
  if (n !== null) {
    const percentFormat = /%/.test(cell.numFmt ?? '')
    pct = percentFormat || Math.abs(n) <= 2 ? n * 100 : n
    decimals = decimalsOf(String(Number(pct.toPrecision(12))))
  } else {
    const t = textOf(cell).replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[％]/g, '%').replace(/\s+/g, '')
    if (!t) return null
    const m = /^(-?\d+(?:\.\d+)?)(%?)$/.exec(t)
    if (!m) return 'bad'
    const x = Number(m[1])
    if (m[2] || Math.abs(x) > 2) {
      pct = x
      decimals = decimalsOf(m[1]!)
    } else {
      pct = x * 100
      decimals = Math.max(0, decimalsOf(m[1]!) - 2)
    }
  }
  const shown = n !== null ? `${Number(pct.toFixed(4))}%` : textOf(cell)
  return { pct, tolerance: Math.max(0.01, 0.5 * 10 ** -decimals) + 1e-9, shown }
}

function showMoney(fen: number, unit: MoneyUnit): string {
  return unit === '元' ? formatMoney(fen, '元', 2, true) : formatMoney(fen, '万元', 6, true).replace(/0{1,4}$/, '')
}

/** `rules`: the county's scoring settings (its 定性 synonyms decide which 完成值 can be scored by rule). */
export function parseSelfEvalWorkbook(wb: ExcelJS.Workbook, rules: ScoringRules = DEFAULT_SCORING_RULES): ParsedSelfEval {
  return runSync(parseSelfEvalSteps(wb, rules))
}

/** parseSelfEvalWorkbook a sheet at a time (the import runs it with the event loop turning between sheets). */
export function* parseSelfEvalSteps(wb: ExcelJS.Workbook, rules: ScoringRules = DEFAULT_SCORING_RULES): Steps<ParsedSelfEval> {
  const problems: ImportProblem[] = []
  const projects: ParsedSelfEval['projects'] = []
  const seen = new Map<string, string>()
  let found = 0
  for (const ws of wb.worksheets) {
    if (ws.state === 'veryHidden' || ws.name === SELFEVAL_SHEETS.help || ws.name === SELFEVAL_SHEETS.lists) continue
    yield
    const head = readHead(ws)
    if (!head) continue
    found++
    const key = head.itemId || head.projectId
    if (key && seen.has(key)) {
      problems.push({
        sheet: ws.name,
        row: head.idRow,
        column: '',
        message: `工作表“${ws.name}”与“${seen.get(key)}”是同一个项目（编号相同），可能是复制的工作表，请删除多余的一张`,
      })
      continue
    }
    if (key) seen.set(key, ws.name)
    const before = problems.length
    const project = parseProjectSheet(ws, head, problems, rules)
    if (project && problems.length === before) projects.push(project)
  }
  if (found === 0) {
    problems.push({ sheet: '', row: 0, column: '', message: '工作簿中找不到项目自评表，请使用财政局下发的自评表模板填写（每个项目一张工作表，不要改动表头）' })
  }
  return { projects, problems }
}

/** Whether the workbook is the product's own 自评表 export (its sheets carry the hidden 自评编号). */
export function hasSelfEvalIds(wb: ExcelJS.Workbook): boolean {
  return wb.worksheets.some((ws) => {
    for (let r = 1; r <= Math.min(ws.rowCount, 15); r++) if (textOf(ws.getCell(r, ID_COL)) === ID_LABELS.itemId) return true
    return false
  })
}

interface Head {
  itemId: string
  projectId: string
  code: string
  name: string
  unitName: string
  unitCode: string
  idRow: number
}

/** The ids (hidden cells, value below the label) and the header rows; null when the sheet is not a 自评表. */
function readHead(ws: ExcelJS.Worksheet): Head | null {
  const head: Head = { itemId: '', projectId: '', code: '', name: '', unitName: '', unitCode: '', idRow: 1 }
  let named = false
  let nameText = ''
  const last = Math.min(ws.rowCount, 15)
  for (let r = 1; r <= last; r++) {
    ws.getRow(r).eachCell({ includeEmpty: false }, (cell, col) => {
      if (cell.isMerged && cell.master.address !== cell.address) return
      const t = textOf(cell)
      if (t === ID_LABELS.itemId) {
        head.itemId = textOf(ws.getCell(r + 1, col))
        head.idRow = r + 1
      } else if (t === ID_LABELS.projectId) head.projectId = textOf(ws.getCell(r + 1, col))
      else if (t === ID_LABELS.code) head.code = textOf(ws.getCell(r + 1, col))
    })
    const lead = firstText(ws, r)
    if (!lead) continue
    const h = normalizeHeader(lead.text)
    if (h === '项目名称' && !named) {
      named = true
      nameText = valueRightOf(ws, r, lead.col)
    } else if (/^(主管部门\/)?(实施单位|项目实施单位|单位名称|预算单位)(盖章)?$/.test(h)) {
      head.unitName = valueRightOf(ws, r, lead.col)
      ws.getRow(r).eachCell({ includeEmpty: false }, (cell, col) => {
        if (normalizeHeader(textOf(cell)) === '单位编码' && (!cell.isMerged || cell.master.address === cell.address)) head.unitCode = valueRightOf(ws, r, col)
      })
    }
  }
  if (!head.itemId && !head.projectId && !named) return null
  // "编码-名称": the hidden 项目编码 says where the code ends; without it, a leading run of digits and letters.
  const sep = /^\s*[-－—–]\s*/
  if (head.code && nameText.startsWith(head.code) && sep.test(nameText.slice(head.code.length))) {
    head.name = nameText.slice(head.code.length).replace(sep, '')
  } else {
    const m = /^([0-9A-Za-z]{6,})\s*[-－—–]\s*(\S.*)$/.exec(nameText)
    if (m && !head.code) {
      head.code = m[1]!
      head.name = m[2]!
    } else head.name = nameText
  }
  return head
}

function parseProjectSheet(ws: ExcelJS.Worksheet, head: Head, problems: ImportProblem[], rules: ScoringRules): (SheetSelfEvalProject & { sheet: string }) | null {
  const sheet = ws.name
  const at = (row: number, col: number, label: string, message: string) =>
    problems.push({ sheet, row, column: col ? `${columnLetter(col)}（${label}）` : label, message })
  const lastRow = ws.rowCount

  const fh = locate(ws, FUND_COLUMNS, ['budget', 'executed'], 1, lastRow)
  const ih = locate(ws, INDICATOR_COLUMNS, ['name', 'actual'], fh ? fh.row + 1 : 1, lastRow)
  if (!fh) at(0, 0, '全年预算数', '找不到“预算执行情况”表（表头应有全年预算数、全年执行数），请勿改动表头')
  if (!ih) at(0, 0, '完成值', '找不到“绩效指标”表（表头应有三级指标、完成值），请勿改动表头')
  if (!fh || !ih) return null

  // ——— 预算执行情况 ———
  const fc = fh.cols
  const labelCol = fc.get('label') ?? 1
  const unitOf = (key: string): MoneyUnit => (fc.has(key) ? moneyUnitOf(ws, fh.row, columnLetter(fc.get(key)!)) : '万元')
  const units = { initial: unitOf('initial'), budget: unitOf('budget'), executed: unitOf('executed') }
  const LABELS = { initial: '年初预算数', budget: '全年预算数', executed: '全年执行数' } as const
  type Amount = keyof typeof LABELS
  const AMOUNTS: Amount[] = ['initial', 'budget', 'executed']

  interface FundLine {
    row: number
    source: string
    fen: Record<Amount, number | null>
    bad: boolean
  }
  const lines: FundLine[] = []
  const sourceRows: number[] = []
  let totalRow = 0
  const notes: string[] = []
  let noteRow = 0
  let amountsOk = true
  for (let r = fh.row + 1; r < ih.row; r++) {
    const lead = textOf(ws.getCell(r, labelCol))
    const label = lead.replace(/\s+/g, '').replace(/^其中[：:]?/, '')
    if (SECTION.test(label)) break
    const note = fc.has('note') ? textOf(ws.getCell(r, fc.get('note')!)) : ''
    if (note && !notes.includes(note)) notes.push(note)
    if (fc.has('note') && !noteRow) noteRow = Number(ws.getCell(r, fc.get('note')!).master.fullAddress.row)
    if (TOTAL_LABEL.test(label)) {
      totalRow = r
      continue
    }
    const texts = AMOUNTS.map((k) => (fc.has(k) ? textOf(ws.getCell(r, fc.get(k)!)) : ''))
    if (label) sourceRows.push(r)
    if (texts.every((t) => !t)) continue
    const line: FundLine = { row: r, source: SOURCE_ALIASES[label] ?? label, fen: { initial: null, budget: null, executed: null }, bad: false }
    AMOUNTS.forEach((k, i) => {
      const text = texts[i]!
      if (!text) return
      const col = fc.get(k)!
      const m = parseMoney(text, units[k])
      if (!m.ok) {
        at(r, col, LABELS[k], m.message)
        line.bad = true
      } else if (m.fen < 0) {
        at(r, col, LABELS[k], `${LABELS[k]}“${text}”不能为负数`)
        line.bad = true
      } else line.fen[k] = m.fen
    })
    if (!label && texts.some((t) => t)) at(r, labelCol, '资金来源', '该行填写了金额但没有资金来源名称，请勿改动资金来源')
    if (line.bad) amountsOk = false
    else if (line.fen.budget && line.fen.budget > 0 && line.fen.executed === null && fc.has('executed')) {
      at(r, fc.get('executed')!, '全年执行数', `“${line.source}”有全年预算数，但全年执行数为空；没有支出的请填 0`)
      amountsOk = false
    }
    lines.push(line)
  }
  const sumOf = (k: Amount) => lines.reduce((a, l) => a + (l.fen[k] ?? 0), 0)
  const firstLine = sourceRows[0] ?? fh.row + 1
  const lastLine = sourceRows[sourceRows.length - 1] ?? firstLine

  // 执行率 typed over the formula (or a formula of the unit's own): it must agree with the amounts.
  const ourRate = (r: number) => {
    const [b, e] = [columnLetter(fc.get('budget')!), columnLetter(fc.get('executed')!)]
    return normFormula(`IF(AND(N(${b}${r})>0,ISNUMBER(${e}${r})),${e}${r}/${b}${r},"")`)
  }
  const checkRate = (r: number, name: string, budget: number, executed: number) => {
    if (!fc.has('rate')) return
    const col = fc.get('rate')!
    const cell = ws.getCell(r, col)
    const f = formulaOf(cell)
    if (f !== null && f === ourRate(r)) return
    const typed = readRate(cell)
    if (typed === null) return
    if (typed === 'bad') {
      at(r, col, '执行率', `执行率“${textOf(cell)}”不是有效的百分数，请恢复公式或填写如 95.00%`)
      return
    }
    if (budget <= 0) {
      if (Math.abs(typed.pct) > 1e-9) at(r, col, '执行率', `“${name}”的全年预算数为空或为0，执行率应为空`)
      return
    }
    const actual = (executed / budget) * 100
    if (Math.abs(actual - typed.pct) > typed.tolerance) {
      at(r, col, '执行率', `“${name}”的执行率${typed.shown}与全年执行数÷全年预算数（${actual.toFixed(2)}%）不符，请恢复执行率公式或改正金额`)
    }
  }
  if (amountsOk) for (const l of lines) checkRate(l.row, l.source, l.fen.budget ?? 0, l.fen.executed ?? 0)

  if (totalRow && amountsOk) {
    for (const k of AMOUNTS) {
      if (!fc.has(k)) continue
      const col = fc.get(k)!
      const cell = ws.getCell(totalRow, col)
      const L = columnLetter(col)
      const f = formulaOf(cell)
      if (f !== null && sourceRows.length > 0 && f === `SUM(${L}${firstLine}:${L}${lastLine})`) continue
      const text = textOf(cell)
      if (!text) continue
      const m = parseMoney(text, units[k])
      if (!m.ok) {
        at(totalRow, col, LABELS[k], m.message)
        continue
      }
      const parts = sumOf(k)
      if (m.fen !== parts) {
        at(
          totalRow,
          col,
          LABELS[k],
          `合计行的${LABELS[k]}${showMoney(m.fen, units[k])}不等于各资金来源之和${showMoney(parts, units[k])}，请按资金来源分行填写，合计行恢复求和公式或改为各行之和`,
        )
      }
    }
    checkRate(totalRow, '合计', sumOf('budget'), sumOf('executed'))
  }

  // A typed execution 得分 is not used (the app scores by rule), but one above its 分值 is a slip.
  if (fc.has('score')) {
    const col = fc.get('score')!
    const cell = ws.getCell(firstLine, col)
    const f = formulaOf(cell)
    const text = textOf(cell)
    if (text && (f === null || !f.startsWith('IF(N('))) {
      const s = numberIn(cell)
      const w = fc.has('weight') ? (numberIn(ws.getCell(firstLine, fc.get('weight')!)) ?? EXEC_WEIGHT) : EXEC_WEIGHT
      if (s === null) at(firstLine, col, '得分', `预算执行情况得分“${text}”不是数字，请恢复得分公式`)
      else if (s < 0 || s > w + 1e-9) at(firstLine, col, '得分', `预算执行情况得分${fmtPoints(s)}超出0至${fmtPoints(w)}分，请恢复得分公式`)
    }
  }

  const executionNote = notes.join('；')
  if (amountsOk && lines.length > 0) {
    const rate = ratePercent(sumOf('executed'), sumOf('budget'))
    if (rate !== null && rate < EXPLAIN_BELOW && !executionNote) {
      at(noteRow || firstLine, fc.get('note') ?? 0, '原因说明', `预算执行率为${rate.toFixed(2)}%，低于${EXPLAIN_BELOW}%，请在“原因说明”中说明原因（限100字）`)
    }
  }

  // ——— 绩效指标 ———
  const ic = ih.cols
  const text = (r: number, key: string) => (ic.has(key) ? textOf(ws.getCell(r, ic.get(key)!)) : '')
  const indicators: SheetSelfEvalIndicator[] = []
  const seenIds = new Map<string, number>()
  let endRow = lastRow + 1
  for (let r = ih.row + 1; r <= lastRow; r++) {
    const lead = firstText(ws, r)
    if (lead && SECTION.test(normalizeHeader(lead.text))) {
      endRow = r
      break
    }
    const id = text(r, 'id')
    const name = text(r, 'name')
    const actualCell = ic.has('actual') ? ws.getCell(r, ic.get('actual')!) : null
    let actual = actualCell ? valueText(actualCell) : ''
    const scoreText = text(r, 'score')
    const reason = text(r, 'reason')
    if (!id && !name && !actual && !scoreText && !reason) continue
    if (id) {
      if (seenIds.has(id)) {
        at(r, ic.get('id')!, '指标编号', `指标编号“${id}”与第 ${seenIds.get(id)} 行重复，请删除重复的行`)
        continue
      }
      seenIds.set(id, r)
    }
    const operator = text(r, 'operator')
    const targetValue = text(r, 'targetValue')
    const unit = text(r, 'unit')
    const label = `指标“${name || `第${r}行`}”`
    const col = (key: string) => ic.get(key) ?? 0

    let weight = 0
    const weightText = text(r, 'weight')
    const w = weightText ? numericValue(weightText.replace(/分$/, '')) : null
    if (weightText && w === null) at(r, col('weight'), '分值', `${label}的分值“${weightText}”不是数字，请勿改动分值`)
    else if (w !== null) weight = w

    const inapplicable = INAPPLICABLE_WORDS.includes(actual.replace(/\s+/g, ''))
    if (inapplicable) actual = INAPPLICABLE
    else if (unit && unit !== '%' && actual.endsWith(unit) && numericValue(actual.slice(0, -unit.length)) !== null) actual = actual.slice(0, -unit.length).trim()
    if (!actual) at(r, col('actual'), '完成值', `${label}未填写完成值；确实不适用的请填“${INAPPLICABLE}”`)

    let score: number | null = null
    if (scoreText) {
      const s = numberIn(ws.getCell(r, col('score')))
      if (s === null) at(r, col('score'), '得分', `${label}的得分“${scoreText}”不是数字；不填则由系统按规则计算`)
      else if (s < 0) at(r, col('score'), '得分', `${label}的得分${fmtPoints(s)}为负数，得分应在0至${fmtPoints(weight)}分之间`)
      else if (ic.has('weight') && s > weight + 1e-9) at(r, col('score'), '得分', `${label}的得分${fmtPoints(s)}超过该指标的分值${fmtPoints(weight)}`)
      else if (inapplicable) at(r, col('score'), '得分', `${label}的完成值为“${INAPPLICABLE}”，不计分，请清空得分`)
      else score = s
    }

    if (actual && !inapplicable) {
      const rule = scoreIndicator({ operator, targetValue, actual, weight }, rules)
      if (score === null && !scoreText && rule.score === null) {
        if (operator === '定性') {
          const levels = rules.qualitative.map((q) => `“${q.level}”`).join('')
          at(r, col('actual'), '完成值', `${label}为定性指标，完成值“${actual}”不是${levels}之一，请从下拉列表中选择，或自行填写得分`)
        } else if (numericValue(targetValue) !== null) {
          at(r, col('actual'), '完成值', `${label}的完成值“${actual}”不是数字，无法按规则计分；请只填数字${unit ? `（单位为“${unit}”）` : ''}，或自行填写得分`)
        }
      }
      const unmet = score !== null ? score < weight - 1e-9 : !scoreText && rule.met === false
      if (unmet && !reason && ic.has('reason')) {
        at(r, col('reason'), '未完成原因分析', `${label}未达到指标值（指标值${operator === '定性' ? '' : operator}${targetValue}${unit}，完成值${actual}${unit && numericValue(actual) !== null && !actual.endsWith(unit) ? unit : ''}），请填写未完成原因分析`)
      }
    }

    // A group label written once (an unmerged or hand-made form): carry it down.
    const prev = indicators[indicators.length - 1]
    const level1 = text(r, 'level1') || prev?.level1 || ''
    const level2 = text(r, 'level2') || (prev && prev.level1 === level1 ? prev.level2 : '')
    indicators.push({ id, level1, level2, name, operator, targetValue, unit, weight, actual, score, reason })
  }
  if (indicators.length === 0) at(ih.row + 1, 0, '三级指标', '绩效指标表中没有指标')

  // ——— 总分: left blank for the bureau to compute; one the unit typed is kept as its own ———
  let typedTotalScore: number | null = null
  const totalLead = endRow <= lastRow ? firstText(ws, endRow) : null
  if (totalLead && normalizeHeader(totalLead.text) === '总分' && ic.has('score')) {
    const cell = ws.getCell(endRow, ic.get('score')!)
    if (textOf(cell)) {
      const s = numberIn(cell)
      if (s === null) at(endRow, ic.get('score')!, '总分', `总分“${textOf(cell)}”不是数字；总分可以不填，由财政局系统计算`)
      else if (s < 0 || s > 100) at(endRow, ic.get('score')!, '总分', `总分${fmtPoints(s)}超出0至100分`)
      else typedTotalScore = s
    }
  }

  // ——— 评价结论, 存在问题, 改进措施 ———
  const footer: Record<(typeof FOOTERS)[number]['key'], string> = { conclusion: '', problems: '', improvements: '' }
  for (let r = Math.min(endRow, lastRow); r <= lastRow; r++) {
    const lead = firstText(ws, r)
    if (!lead) continue
    const h = normalizeHeader(lead.text)
    const f = FOOTERS.find((x) => h === x.label || h === `${x.label}及建议`)
    if (f) footer[f.key] = valueRightOf(ws, r, lead.col)
  }

  return {
    itemId: head.itemId,
    projectId: head.projectId,
    unitCode: head.unitCode,
    unitName: head.unitName,
    code: head.code,
    name: head.name,
    funds: lines.map((l) => ({ source: l.source, initialFen: l.fen.initial ?? 0, budgetFen: l.fen.budget ?? 0, executedFen: l.fen.executed ?? 0 })),
    executionNote,
    indicators,
    ...footer,
    ...(typedTotalScore !== null ? { typedTotalScore } : {}),
    sheet,
  }
}
