/**
 * One reader for form-shaped sheets (one project per sheet: the 财政部 自评表, its provincial variants,
 * the 绩效目标申报表), driven by a layout description (form-layouts.ts). It reads by labels, never by
 * positions: a label cell's value is the next cell to its right (or after its colon), tables are found
 * by their header rows, merged group labels are carried down, spacer rows and placeholders are skipped.
 *
 * A 总额 row and its 其中 rows are checked against each other and never added together; what the unit
 * typed as 得分 or 总分 is kept beside the rule's suggestion. Every problem names the sheet, row and
 * column; errors block the import, warnings are shown and do not.
 */
import type ExcelJS from 'exceljs'
import type { ImportProblem } from '../../shared/domain'
import { normalizeLevel1, normalizeLevel2, parseOperator, splitInlineTarget, type IndicatorOperator } from '../../shared/indicators'
import { formatMoney, parseMoney, ratePercent, type MoneyUnit } from '../../shared/money'
import { FORM_LAYOUTS, FUND_PART_LABELS, FUND_TOTAL_LABELS, PLACEHOLDERS, SCORE_TOTAL_LABELS, TABLE_END_LABELS, type FooterKey, type FormLayout, type HeaderKey } from './form-layouts'
import { cellNumber as numOf, cellText, cellTextOrBlank as textOf, columnLetter, type ColumnSpec } from './read-table'
import { INDICATOR_COLUMNS as TABLE_INDICATOR_COLUMNS, PROJECT_COLUMNS as TABLE_PROJECT_COLUMNS } from './targets-sheet'

/** The product's one-table workbook columns: a row of these is a table header, not a form's label row. */
const TABLE_COLUMNS = { projects: TABLE_PROJECT_COLUMNS, indicators: TABLE_INDICATOR_COLUMNS }

export interface FormIndicator {
  row: number
  level1: string
  level2: string
  name: string
  operator: IndicatorOperator | ''
  targetValue: string
  unit: string
  /** 分值 / 权重 as written; null when the form has none. */
  weight: number | null
  actual: string
  /** A placeholder ("/", "—", "无") in 完成值: the indicator does not apply. */
  inapplicable: boolean
  /** 得分 as the unit typed it (its own score, kept beside the rule's suggestion). */
  score: number | null
  reason: string
  note: string
}

export interface FormFund {
  source: string
  initialFen: number
  budgetFen: number
  executedFen: number
}

export interface FormSheet {
  sheet: string
  layout: FormLayout
  header: Record<HeaderKey, string>
  /** The project code split off "编码-名称" or from a 项目编码 field. */
  projectCode: string
  projectName: string
  moneyUnit: MoneyUnit
  funds: FormFund[]
  /** The 总额 (or the sum of the parts when no 总额 was written), in 分. */
  totalFen: { initial: number; budget: number; executed: number } | null
  /** 执行率 explanation, when the form has a column for it. */
  executionNote: string
  typedExecutionScore: { value: number; where: string } | null
  goal: string
  goalActual: string
  indicators: FormIndicator[]
  typedTotalScore: { value: number; where: string } | null
  footer: Record<FooterKey, string>
  /** Columns the form has, so rules that need an absent one become warnings. */
  has: { executionNote: boolean; reason: boolean; weight: boolean; score: boolean; actual: boolean; conclusion: boolean }
  problems: ImportProblem[]
  warnings: ImportProblem[]
}

// ——— cells ———

/** A label as compared: no spaces, "*", numbering ("一、", "1."), bracketed notes or trailing colon. */
export function normLabel(s: string): string {
  return s
    .replace(/\s+/g, '')
    .replace(/[*＊]/g, '')
    .replace(/^([一二三四五六七八九十]+[、．.]|\d+[、．.](?!\d))/, '')
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/[：:]+$/, '')
}

const isPlaceholder = (t: string) => PLACEHOLDERS.includes(t.replace(/\s+/g, ''))
/** Template instructions left in a value cell ("（请填写项目名称）", "例：≥95%"): nothing was filled in. */
const isInstruction = (t: string) => /^[（(【]?\s*(请(填写|输入|选择|根据|按|在)|填写说明|填表说明|示例[:：]|例[:：]|如[:：])/.test(t.trim())
/** A value cell that holds nothing: a placeholder or an instruction. */
const isBlank = (t: string) => !t || isPlaceholder(t) || isInstruction(t)

interface Span {
  top: number
  left: number
  bottom: number
  right: number
}

/** The sheet as text, each merged range read once at its top-left cell. */
class Grid {
  readonly rows: number
  readonly cols: number
  private spans = new Map<string, Span>()
  private covered = new Set<string>()
  constructor(readonly ws: ExcelJS.Worksheet) {
    this.rows = ws.rowCount
    this.cols = Math.max(ws.columnCount, 1)
    const merges: string[] = (ws.model as { merges?: string[] }).merges ?? []
    for (const m of merges) {
      const [a, b] = m.split(':')
      const tl = ws.getCell(a!)
      const br = ws.getCell(b ?? a!)
      const span = { top: Number(tl.row), left: Number(tl.col), bottom: Number(br.row), right: Number(br.col) }
      this.spans.set(`${span.top}:${span.left}`, span)
      for (let r = span.top; r <= span.bottom; r++) for (let c = span.left; c <= span.right; c++) if (r !== span.top || c !== span.left) this.covered.add(`${r}:${c}`)
    }
  }
  isCovered(r: number, c: number) {
    return this.covered.has(`${r}:${c}`)
  }
  span(r: number, c: number): Span {
    return this.spans.get(`${r}:${c}`) ?? { top: r, left: c, bottom: r, right: c }
  }
  cell(r: number, c: number) {
    return this.ws.getCell(r, c)
  }
  /** Text of a cell that starts here; '' for the inside of a merge. */
  text(r: number, c: number): string {
    if (this.isCovered(r, c)) return ''
    return textOf(this.ws.getCell(r, c))
  }
  /** Text of the cell, or of the merge it lies in. */
  valueAt(r: number, c: number): string {
    return textOf(this.ws.getCell(r, c))
  }
  /** Cells that start on row r, left to right. */
  starts(r: number): { c: number; text: string; span: Span }[] {
    const out: { c: number; text: string; span: Span }[] = []
    for (let c = 1; c <= this.cols; c++) {
      if (this.isCovered(r, c) || this.ws.getColumn(c).hidden) continue
      const t = textOf(this.ws.getCell(r, c))
      if (t) out.push({ c, text: t, span: this.span(r, c) })
    }
    return out
  }
  address(r: number, c: number) {
    return `${columnLetter(c)}${r}`
  }
}



/** A value cell's text; a percent-formatted number (0.95 shown as 95%) reads "95%". */
function valueText(cell: ExcelJS.Cell): string {
  const n = numOf(cell)
  if (n !== null && /%/.test(cell.numFmt ?? '')) return `${Number((n * 100).toPrecision(12))}%`
  return textOf(cell)
}

const matches = (text: string, labels: string[]) => {
  const t = normLabel(text)
  return t !== '' && labels.some((l) => normLabel(l) === t)
}

/** "项目名称：XX" in one cell: the value after the label's colon. */
function inlineValue(text: string, labels: string[]): string | null {
  const m = /^([^：:]+)[：:](.*)$/s.exec(text)
  if (!m || !matches(m[1]!, labels)) return null
  return m[2]!.trim()
}

// ——— layout ———

const allLabels = (l: FormLayout) => [
  ...Object.values(l.header).flat(),
  ...Object.values(l.goal).flat(),
  ...Object.values(l.footer).flat(),
  ...FUND_TOTAL_LABELS,
]

/** How well a sheet fits each layout of the stage: the count of its signature labels present. */
export function detectLayout(ws: ExcelJS.Worksheet, stage: FormLayout['stage']): { layout: FormLayout; score: number } | null {
  if (ws.state === 'veryHidden' || ws.state === 'hidden') return null
  const g = new Grid(ws)
  const texts = new Set<string>()
  const columnLabels = new Set(
    [...FORM_LAYOUTS.flatMap((l) => [...l.fundColumns, ...l.indicatorColumns]), ...TABLE_COLUMNS.projects, ...TABLE_COLUMNS.indicators].flatMap((c) => [c.label, ...c.aliases]).map(normLabel),
  )
  const nameLabels = FORM_LAYOUTS[0]!.header.projectName.map(normLabel)
  let formShaped = false
  const last = Math.min(g.rows, 200)
  for (let r = 1; r <= last; r++) {
    const cells = g.starts(r)
    cells.forEach((cell, i) => {
      const label = normLabel(cell.text.split(/[：:]/)[0]!)
      texts.add(label)
      // A form writes the project's name beside its label (or after its colon); a table has
      // 项目名称 as a column header with another header beside it and the names below.
      if (!formShaped && nameLabels.includes(label)) {
        const inline = /[：:]\s*\S/.test(cell.text)
        const next = cells[i + 1]
        const headersInRow = cells.filter((c) => columnLabels.has(normLabel(c.text))).length
        if (headersInRow < 3 && (inline || (next && !columnLabels.has(normLabel(next.text)) && !nameLabels.includes(normLabel(next.text))))) formShaped = true
      }
    })
  }
  const hasIndicators = [...texts].some((t) => ['三级指标', '指标名称', '指标内容', '三级指标名称', '具体指标'].includes(t))
  if (!formShaped || !hasIndicators) return null
  let best: { layout: FormLayout; score: number } | null = null
  for (const layout of FORM_LAYOUTS.filter((l) => l.stage === stage)) {
    const score = layout.signature.filter((s) => texts.has(normLabel(s))).length
    if (!best || score > best.score) best = { layout, score }
  }
  return best
}

/** Whether the sheet is a form (labels beside values, one project) rather than a table of many projects. */
export const isFormSheet = (ws: ExcelJS.Worksheet, stage: FormLayout['stage']) => detectLayout(ws, stage) !== null

// ——— the reader ———

const AMOUNTS = ['initial', 'budget', 'executed'] as const
type Amount = (typeof AMOUNTS)[number]
const AMOUNT_NAMES: Record<Amount, string> = { initial: '年初预算数', budget: '全年预算数', executed: '全年执行数' }

export function readFormSheet(ws: ExcelJS.Worksheet, layout: FormLayout): FormSheet {
  const g = new Grid(ws)
  const sheet = ws.name
  const problems: ImportProblem[] = []
  const warnings: ImportProblem[] = []
  const err = (r: number, c: number, label: string, message: string) => problems.push({ sheet, row: r, column: c ? `${columnLetter(c)}（${label}）` : label, message })
  const warn = (r: number, c: number, label: string, message: string) => warnings.push({ sheet, row: r, column: c ? `${columnLetter(c)}（${label}）` : label, message })
  const known = allLabels(layout)
  const isLabel = (t: string) => matches(t, known) || matches(t.split(/[：:]/)[0]!, known)

  // Table header rows first: the header fields are what lies above and between them.
  const fundHead = layout.fundColumns.length ? findHeader(g, layout.fundColumns, ['budget', 'executed'], 1) : null
  const indHead = findHeader(g, layout.indicatorColumns, ['name'], fundHead ? fundHead.bottom + 1 : 1, ['targetValue', 'actual', 'weight', 'level1'])

  // ——— header fields ———
  const header = Object.fromEntries(Object.keys(layout.header).map((k) => [k, ''])) as Record<HeaderKey, string>
  const headerEnd = indHead?.row ?? Math.min(g.rows, 40)
  let moneyUnit: MoneyUnit = '万元'
  for (let r = 1; r < headerEnd; r++) {
    const cells = g.starts(r)
    cells.forEach((cell, i) => {
      if (/单位[：:]\s*元/.test(cell.text) || /[（(]元[)）]/.test(cell.text)) moneyUnit = '元'
      for (const key of Object.keys(layout.header) as HeaderKey[]) {
        if (header[key]) continue
        const labels = layout.header[key]
        // "项目名称：XX" in one cell; "项目名称：" alone is a label with a trailing colon.
        const inline = inlineValue(cell.text, labels)
        if (inline) {
          header[key] = isBlank(inline) ? '' : inline
          return
        }
        if (matches(cell.text, labels)) {
          const next = cells[i + 1]
          header[key] = next && next.c > cell.span.right && !isLabel(next.text) && !isBlank(next.text) ? next.text : ''
          return
        }
      }
    })
  }
  // "编码-名称" (the provincial form's 项目名称（预算项目编码-名称）).
  let projectName = header.projectName
  let projectCode = header.projectCode
  const coded = /^([0-9A-Za-z]{6,})\s*[-－—–]\s*(\S.*)$/.exec(projectName)
  if (coded) {
    projectCode ||= coded[1]!
    projectName = coded[2]!
  }
  if (!projectName) err(0, 0, '项目名称', '表头没有填写项目名称')

  // ——— 资金 ———
  let funds: FormFund[] = []
  let totalFen: FormSheet['totalFen'] = null
  let executionNote = ''
  let typedExecutionScore: FormSheet['typedExecutionScore'] = null
  let hasNote = false
  const lines: FundLine[] = []
  if (fundHead) {
    const fc = fundHead.cols
    hasNote = fc.has('note')
    const firstAmountCol = Math.min(...AMOUNTS.filter((k) => fc.has(k)).map((k) => fc.get(k)!))
    const unitOf = (k: Amount): MoneyUnit => {
      const t = g.valueAt(fundHead.row, fc.get(k) ?? 0)
      return /万元/.test(t) ? '万元' : /元/.test(t) ? '元' : moneyUnit
    }
    // "项目资金（元）" as the section label beside the header.
    for (const s of g.starts(fundHead.row)) if (s.c < firstAmountCol && /[（(]元[)）]/.test(s.text)) moneyUnit = '元'
    const units = { initial: unitOf('initial'), budget: unitOf('budget'), executed: unitOf('executed') }
    const end = indHead ? indHead.row : g.rows + 1
    for (let r = fundHead.bottom + 1; r < end; r++) {
      const labelCells = g.starts(r).filter((s) => s.c < firstAmountCol)
      const labelTexts = labelCells.map((s) => s.text)
      const rowLabel = labelTexts.length ? labelTexts[labelTexts.length - 1]! : ''
      const norm = normLabel(rowLabel.replace(/^其中[：:]?/, ''))
      if (labelTexts.some((t) => matches(t, [...layout.goal.goal, '绩效指标', '项目基本情况', '项目实施内容及过程概述']))) break
      if (/^[一二三四五六七八九十]+[、．.]/.test(rowLabel.replace(/\s/g, '')) && !AMOUNTS.some((k) => fc.has(k) && g.valueAt(r, fc.get(k)!))) break
      const texts = AMOUNTS.map((k) => (fc.has(k) ? g.valueAt(r, fc.get(k)!) : ''))
      if (!norm && texts.every((t) => !t || isPlaceholder(t))) continue
      const isTotal = FUND_TOTAL_LABELS.some((l) => normLabel(l) === norm)
      const partOf = FUND_PART_LABELS[norm] ?? Object.entries(FUND_PART_LABELS).find(([k]) => norm.startsWith(k))?.[1]
      const line: FundLine = { row: r, label: rowLabel.replace(/[：:]+$/, ''), total: isTotal, source: isTotal ? '资金总额' : (partOf ?? norm), fen: { initial: null, budget: null, executed: null }, cols: {} }
      let bad = false
      AMOUNTS.forEach((k, i) => {
        const t = texts[i]!
        if (!fc.has(k)) return
        line.cols[k] = fc.get(k)!
        if (!t || isPlaceholder(t)) return
        const m = parseMoney(t, units[k])
        if (!m.ok) {
          err(r, fc.get(k)!, AMOUNT_NAMES[k], `“${line.label}”的${AMOUNT_NAMES[k]}：${m.message}`)
          bad = true
        } else if (m.fen < 0) {
          err(r, fc.get(k)!, AMOUNT_NAMES[k], `“${line.label}”的${AMOUNT_NAMES[k]}“${t}”不能为负数`)
          bad = true
        } else line.fen[k] = m.fen
      })
      if (!bad && !norm && AMOUNTS.some((k) => line.fen[k] !== null)) err(r, labelCells[0]?.c ?? 1, '资金来源', '该行填写了金额但没有资金名称（年度资金总额、财政拨款、其他资金等）')
      if (hasNote) {
        const note = g.valueAt(r, fc.get('note')!)
        if (!isBlank(note) && !executionNote.includes(note)) executionNote = executionNote ? `${executionNote}；${note}` : note
      }
      if (fc.has('score') && !typedExecutionScore) {
        const cell = g.cell(r, fc.get('score')!)
        const n = numOf(cell) ?? numberText(textOf(cell))
        if (n !== null && !g.isCovered(r, fc.get('score')!)) typedExecutionScore = { value: n, where: g.address(r, fc.get('score')!) }
      }
      lines.push(line)
    }
    const totals = lines.filter((l) => l.total)
    const parts = lines.filter((l) => !l.total)
    const show = (fen: number, unit: MoneyUnit) => `${unit === '元' ? formatMoney(fen, '元', 2) : formatMoney(fen, '万元', 6).replace(/\.?0{1,4}$/, '').replace(/(\.\d\d)0*$/, '$1')}${unit}`
    if (totals.length > 1) err(totals[1]!.row, 0, '资金总额', `资金表有两行总额（第${totals[0]!.row}行“${totals[0]!.label}”和第${totals[1]!.row}行“${totals[1]!.label}”），请只保留一行`)
    const total = totals[0]
    let partsAgree = parts.length >= 2
    if (total && parts.length > 0) {
      for (const k of AMOUNTS) {
        const t = total.fen[k]
        const given = parts.filter((p) => p.fen[k] !== null)
        if (given.length === 0) {
          if (t !== null && t !== 0) partsAgree = false
          continue
        }
        const sum = given.reduce((a, p) => a + p.fen[k]!, 0)
        const col = total.cols[k]!
        const partCells = given.map((p) => g.address(p.row, col)).join('、')
        if (t === null) {
          err(total.row, col, AMOUNT_NAMES[k], `“${total.label}”的${AMOUNT_NAMES[k]}（${g.address(total.row, col)}）未填写，而其中各项（${partCells}）填写了${show(sum, units[k])}；请填写总额（总额不会由其中各项相加得出）`)
          partsAgree = false
        } else if (parts.length >= 2 ? sum !== t : sum > t) {
          err(
            total.row,
            col,
            AMOUNT_NAMES[k],
            `“${total.label}”的${AMOUNT_NAMES[k]}（${g.address(total.row, col)}）为${show(t, units[k])}，与其中各项（${partCells}）之和${show(sum, units[k])}不符；总额与其中各项不会相加，请改正其中一处`,
          )
          partsAgree = false
        }
      }
    }
    const fenOf = (l: FundLine): FormFund => ({ source: l.source, initialFen: l.fen.initial ?? 0, budgetFen: l.fen.budget ?? 0, executedFen: l.fen.executed ?? 0 })
    if (total) {
      const filled = parts.filter((p) => AMOUNTS.some((k) => p.fen[k] !== null))
      funds = partsAgree && filled.length ? filled.map(fenOf) : [fenOf(total)]
      totalFen = { initial: total.fen.initial ?? 0, budget: total.fen.budget ?? 0, executed: total.fen.executed ?? 0 }
      if (total.fen.budget !== null && total.fen.budget > 0 && total.fen.executed === null && fc.has('executed')) err(total.row, fc.get('executed')!, '全年执行数', `“${total.label}”有全年预算数，但全年执行数为空；没有支出的请填 0`)
    } else if (parts.length > 0) {
      funds = parts.filter((p) => AMOUNTS.some((k) => p.fen[k] !== null)).map(fenOf)
      const sum = (k: Amount) => parts.reduce((a, p) => a + (p.fen[k] ?? 0), 0)
      totalFen = { initial: sum('initial'), budget: sum('budget'), executed: sum('executed') }
      warn(parts[0]!.row, 0, '资金总额', '资金表没有“年度资金总额”行，按各资金来源之和计算')
    } else err(fundHead.row, 0, '全年预算数', '资金表中没有填写任何金额')
    if (totalFen && (problems.length === 0 || !problems.some((p) => /资金|预算|执行/.test(p.column)))) {
      const rate = ratePercent(totalFen.executed, totalFen.budget)
      if (rate !== null && fc.has('rate')) {
        const row = total?.row ?? parts[0]!.row
        const cell = g.cell(row, fc.get('rate')!)
        const typed = readRate(cell)
        if (typed !== null && Math.abs(typed - rate) > 0.5) warn(row, fc.get('rate')!, '执行率', `填写的执行率${typed}%与全年执行数÷全年预算数（${rate}%）不符，按金额计算`)
      }
    }
  } else if (layout.fundColumns.length) {
    err(0, 0, '全年预算数', '找不到资金表（表头应有全年预算数、全年执行数）')
  } else {
    // 申报表: 资金 as label–amount pairs ("资金总额 | 100", "其中：财政拨款 | 80").
    const pairs = readFundPairs(g, headerEnd, moneyUnit, err)
    funds = pairs.funds
    totalFen = pairs.total === null ? null : { initial: 0, budget: pairs.total, executed: 0 }
  }

  // ——— 年度总体目标 ———
  let goal = ''
  let goalActual = ''
  for (let r = 1; r < (indHead?.row ?? g.rows + 1) && !goal; r++) {
    const cells = g.starts(r)
    const at = cells.findIndex((s) => matches(s.text, layout.goal.goal) || inlineValue(s.text, layout.goal.goal) !== null)
    if (at < 0) continue
    const label = cells[at]!
    const inline = inlineValue(label.text, layout.goal.goal)
    if (inline) {
      goal = inline
      break
    }
    // Sub-headers 预期目标 / 实际完成情况 on the label's row (or the rows it spans), texts under them.
    const subRows = [r, ...(label.span.bottom > r ? [r + 1] : [])]
    const sub = subRows.flatMap((sr) => g.starts(sr).filter((s) => s.c > label.span.right).map((s) => ({ ...s, r: sr })))
    const expected = sub.find((s) => matches(s.text, layout.goal.goalExpected))
    const actualHead = sub.find((s) => matches(s.text, layout.goal.goalActual))
    const below = (s: { r: number; c: number; span: Span }) => {
      for (let rr = s.span.bottom + 1; rr <= Math.min(g.rows, s.span.bottom + 3); rr++) {
        const t = g.valueAt(rr, s.c)
        if (!isBlank(t)) return t
      }
      return ''
    }
    if (expected || actualHead) {
      goal = expected ? below(expected) : below({ r, c: label.c, span: label.span })
      goalActual = actualHead ? below(actualHead) : ''
    } else {
      // Beside the label, or (a label heading its own row) under it.
      const next = cells[at + 1]
      goal = next && !isLabel(next.text) && !isBlank(next.text) ? next.text : below({ r, c: label.c, span: label.span })
      if (isLabel(goal)) goal = ''
    }
  }

  // ——— 绩效指标 ———
  const indicators: FormIndicator[] = []
  let typedTotalScore: FormSheet['typedTotalScore'] = null
  let tableEnd = g.rows + 1
  const ic = indHead?.cols ?? new Map<string, number>()
  if (!indHead) err(0, 0, '三级指标', '找不到绩效指标表（表头应有三级指标、指标值等列）')
  else {
    const at = (r: number, key: string) => (ic.has(key) ? g.valueAt(r, ic.get(key)!) : '')
    for (let r = indHead.bottom + 1; r <= g.rows; r++) {
      const starts = g.starts(r)
      const lead = starts[0]?.text ?? ''
      if (starts.some((s) => matches(s.text, SCORE_TOTAL_LABELS))) {
        if (ic.has('score')) {
          const c = ic.get('score')!
          const n = numOf(g.cell(r, c)) ?? numberText(g.valueAt(r, c))
          if (n !== null) typedTotalScore = { value: n, where: g.address(r, c) }
        }
        tableEnd = r + 1
        break
      }
      if (starts.some((s) => matches(s.text, TABLE_END_LABELS) || inlineValue(s.text, TABLE_END_LABELS) !== null) || /^[一二三四五六七八九十]+[、．.]/.test(lead)) {
        tableEnd = r
        break
      }
      // "指标1：培训人次" numbers the rows of some templates; the name is what follows.
      let name = at(r, 'name').replace(/^指标\s*\d+\s*[：:、.．]\s*/, '')
      if (!name || isPlaceholder(name)) {
        if (starts.length === 0) continue // spacer row
        const anyValue = ['targetValue', 'actual', 'score'].some((k) => at(r, k) && !isPlaceholder(at(r, k)))
        if (!anyValue) continue // a group label alone on its row, or a row of placeholders
        name = ''
      }
      // Template instructions left in the table ("注：…", "（请填写…）").
      if (/^(注[：:]|填表说明|说明[：:]|[（(]?请(填写|根据|按))/.test(name)) continue
      const prev = indicators[indicators.length - 1]
      const l1Text = at(r, 'level1')
      const level1 = l1Text && !isPlaceholder(l1Text) ? normalizeLevel1(l1Text) : (prev?.level1 ?? '')
      const l2Text = at(r, 'level2')
      const level2 = l2Text && !isPlaceholder(l2Text) ? normalizeLevel2(l2Text) : prev && prev.level1 === level1 ? prev.level2 : ''
      const label = `指标“${name || `第${r}行`}”`
      const colOf = (k: string) => ic.get(k) ?? 0
      if (!name) err(r, colOf('name'), '三级指标', `第${r}行填写了指标值或完成值，但三级指标名称为空`)

      // Operator: its own column, or written in the value cell ("≥90%"); never assumed.
      const opText = at(r, 'operator')
      const opColumn = opText && !isPlaceholder(opText) ? parseOperator(opText) : null
      if (opText && !isPlaceholder(opText) && !opColumn) err(r, colOf('operator'), '指标性质', `${label}的指标性质“${opText}”无法识别，应为≥、≤、=或定性`)
      const targetText = at(r, 'targetValue')
      const split = targetText && !isPlaceholder(targetText) ? splitInlineTarget(targetText) : null
      let operator: IndicatorOperator | '' = ''
      let targetValue = targetText && !isPlaceholder(targetText) ? targetText : ''
      let unit = at(r, 'unit').replace(/％/g, '%')
      if (isPlaceholder(unit)) unit = ''
      if (opColumn === '定性' || (!split && targetValue && !opColumn)) {
        operator = '定性'
      } else if (split) {
        targetValue = split.value
        if (split.unit && !unit) unit = split.unit
        else if (split.unit && unit && split.unit !== unit) warn(r, colOf('targetValue'), '指标值', `${label}的指标值“${targetText}”带的单位“${split.unit}”与度量单位“${unit}”不同，按度量单位“${unit}”`)
        if (split.operator && opColumn && split.operator !== opColumn) {
          const positiveWord = /正向/.test(opText)
          warn(
            r,
            colOf('targetValue'),
            '指标值',
            positiveWord && split.operator === '≤'
              ? `${label}的指标性质为“正向”，指标值却写作“${targetText}”（≤），按“≤”计分，请确认`
              : `${label}的指标性质“${opText}”与指标值“${targetText}”中的符号不同，按指标值中的“${split.operator}”计分，请确认`,
          )
        }
        operator = split.operator ?? opColumn ?? ''
        if (!operator) err(r, colOf(ic.has('operator') ? 'operator' : 'targetValue'), ic.has('operator') ? '指标性质' : '指标值', `${label}的指标值“${targetText}”没有写明≥、≤或=，无法判断指标性质；请写作“≥${targetText}”等`)
      } else if (opColumn) {
        operator = opColumn
      }
      if (!targetValue && name) (layout.stage === 'targets' ? err : warn)(r, colOf('targetValue'), '指标值', `${label}没有填写指标值`)

      // 分值 / 权重 and the unit's own 得分.
      const weightText = at(r, 'weight')
      let weight: number | null = null
      if (weightText && !isPlaceholder(weightText)) {
        weight = numberText(weightText)
        if (weight === null) err(r, colOf('weight'), '分值', `${label}的分值“${weightText}”不是数字`)
      }
      const scoreCell = ic.has('score') ? g.cell(r, ic.get('score')!) : null
      const scoreText = at(r, 'score')
      let score: number | null = null
      if (scoreCell && scoreText && !isPlaceholder(scoreText)) {
        score = numOf(scoreCell) ?? numberText(scoreText)
        if (score === null) err(r, colOf('score'), '得分', `${label}的得分“${scoreText}”不是数字`)
        else if (score < 0 || (weight !== null && score > weight + 1e-9)) err(r, colOf('score'), '得分', `${label}的得分${score}应在0至${weight ?? '分值'}分之间`)
      }

      // 完成值: an inline unit or operator is dropped; a placeholder means 不适用.
      let actual = ic.has('actual') ? valueText(g.cell(r, ic.get('actual')!)) : ''
      if (isInstruction(actual)) actual = ''
      let inapplicable = false
      if (actual && isPlaceholder(actual)) {
        inapplicable = true
        if (layout.stage === 'selfeval') warn(r, colOf('actual'), '完成值', `${label}的完成值为“${actual}”，按不适用处理（不计分，总分按其余指标折算）`)
        actual = ''
      } else if (actual && operator !== '定性') {
        const a = splitInlineTarget(actual)
        if (a && (!a.unit || a.unit === unit || a.unit === '%' || unit === '')) actual = a.value + (a.unit === '%' ? '%' : '')
      }
      const reasonText = at(r, 'reason')
      const noteText = at(r, 'note')
      indicators.push({ row: r, level1, level2, name, operator, targetValue, unit, weight, actual, inapplicable, score, reason: isBlank(reasonText) ? '' : reasonText, note: isBlank(noteText) ? '' : noteText })
    }
    if (indicators.length === 0) err(indHead.row + 1, 0, '三级指标', '绩效指标表中没有指标')
  }

  // ——— 评价结论, 存在问题, 改进措施 ———
  const footer: Record<FooterKey, string> = { conclusion: '', problems: '', improvements: '' }
  const footerLabelled = new Set<FooterKey>()
  for (let r = Math.min(tableEnd, g.rows); r <= g.rows; r++) {
    const cells = g.starts(r)
    cells.forEach((cell, i) => {
      for (const key of Object.keys(footer) as FooterKey[]) {
        const labels = layout.footer[key]
        if (!labels.length || footer[key]) continue
        const inline = inlineValue(cell.text, labels)
        if (inline || matches(cell.text, labels)) footerLabelled.add(key)
        if (inline) footer[key] = isBlank(inline) ? '' : inline
        else if (matches(cell.text, labels)) {
          const next = cells[i + 1]
          const right = next && !isLabel(next.text) ? next.text : ''
          footer[key] = isBlank(right) ? '' : right
          if (!right && !next) {
            const below = g.valueAt(cell.span.bottom + 1, cell.c)
            if (!isBlank(below) && !isLabel(below)) footer[key] = below
          }
        }
      }
    })
  }

  return {
    sheet,
    layout,
    header,
    projectCode,
    projectName,
    moneyUnit,
    funds,
    totalFen,
    executionNote,
    typedExecutionScore,
    goal,
    goalActual,
    indicators,
    typedTotalScore,
    footer,
    has: { executionNote: hasNote, reason: ic.has('reason'), weight: ic.has('weight'), score: ic.has('score'), actual: ic.has('actual'), conclusion: footerLabelled.has('conclusion') },
    problems,
    warnings,
  }
}

interface FundLine {
  row: number
  label: string
  total: boolean
  source: string
  fen: Record<Amount, number | null>
  cols: Partial<Record<Amount, number>>
}

/** "95", "9.5分", "95%" → the number; null otherwise. */
function numberText(t: string): number | null {
  const s = t.replace(/[\s分%％]/g, '')
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : null
}

function readRate(cell: ExcelJS.Cell): number | null {
  const n = numOf(cell)
  if (n !== null) return /%/.test(cell.numFmt ?? '') || Math.abs(n) <= 2 ? Math.round(n * 10000) / 100 : n
  const t = textOf(cell)
  const v = numberText(t)
  return v === null ? null : /%|％/.test(t) ? v : Math.abs(v) <= 2 ? Math.round(v * 10000) / 100 : v
}

interface Header {
  row: number
  /** Last row of the header (a header merged over two rows). */
  bottom: number
  cols: Map<string, number>
}

/**
 * The first row at or after `from` whose cells name all `need` columns (and one of `oneOf`). A cell
 * merged down past the header row is a section label in column A ("绩效指标"), not a column header.
 */
function findHeader(g: Grid, columns: ColumnSpec[], need: string[], from: number, oneOf: string[] = []): Header | null {
  for (let r = from; r <= g.rows; r++) {
    const cols = new Map<string, number>()
    let bottom = r
    for (const s of g.starts(r)) {
      const h = normLabel(s.text)
      const hit = columns.find((c) => !cols.has(c.key) && [c.label, ...c.aliases].some((a) => normLabel(a) === h))
      if (!hit) continue
      cols.set(hit.key, s.c)
      bottom = Math.max(bottom, Math.min(s.span.bottom, r + 1))
    }
    if (need.every((k) => cols.has(k)) && (oneOf.length === 0 || oneOf.some((k) => cols.has(k)))) return { row: r, bottom, cols }
  }
  return null
}

/**
 * The 申报表's 资金 block: label–amount pairs in any row above the indicator table. A 总额 and its
 * 其中 parts are checked against each other (parts may be a partial list: 其中：财政资金 only).
 */
function readFundPairs(g: Grid, end: number, unit: MoneyUnit, err: (r: number, c: number, label: string, message: string) => void): { funds: FormFund[]; total: number | null } {
  const found: { r: number; c: number; label: string; total: boolean; source: string; fen: number }[] = []
  for (let r = 1; r < end; r++) {
    const cells = g.starts(r)
    cells.forEach((cell, i) => {
      const raw = cell.text.replace(/^其中[：:]?/, '')
      // "资金总额（万元）：1573" in one cell, or the label with its amount in the next cell.
      const inline = /^([^：:]+)[：:]\s*(\S.*)$/.exec(raw)
      const labelText = inline ? inline[1]! : raw
      const norm = normLabel(labelText)
      const isTotal = FUND_TOTAL_LABELS.some((l) => normLabel(l) === norm)
      const part = FUND_PART_LABELS[norm]
      if (!isTotal && !part) return
      const next = cells[i + 1]
      const valueText = inline ? inline[2]! : next?.text
      const valueCol = inline ? cell.c : next?.c
      if (!valueText || valueCol === undefined || isBlank(valueText)) return
      const rowUnit: MoneyUnit = /[（(]元[)）]/.test(labelText) || /[^万]元$/.test(valueText) ? '元' : /[（(]万元[)）]/.test(labelText) ? '万元' : unit
      const m = parseMoney(valueText, rowUnit)
      if (!m.ok) {
        err(r, valueCol, norm, `“${norm}”：${m.message}`)
        return
      }
      found.push({ r, c: valueCol, label: norm, total: isTotal, source: isTotal ? '资金总额' : part!, fen: m.fen })
    })
  }
  // Each 其中 belongs to the 总额 above it; a form may have two (项目资金总额 and 年度资金申请总额).
  const groups: { total: (typeof found)[number] | null; parts: typeof found }[] = []
  for (const f of found) {
    if (f.total || groups.length === 0) groups.push({ total: f.total ? f : null, parts: f.total ? [] : [f] })
    else groups[groups.length - 1]!.parts.push(f)
  }
  for (const { total, parts } of groups) {
    if (!total || !parts.length) continue
    const sum = parts.reduce((a, p) => a + p.fen, 0)
    const bad = parts.length >= 2 ? sum !== total.fen : sum > total.fen
    if (bad) {
      const cells = parts.map((p) => g.address(p.r, p.c)).join('、')
      err(total.r, total.c, total.label, `“${total.label}”（${g.address(total.r, total.c)}）为${formatMoney(total.fen, unit)}${unit}，与其中各项（${cells}）之和${formatMoney(sum, unit)}${unit}不符；总额与其中各项不会相加，请改正其中一处`)
    }
  }
  // The year's request when the form has one, else the first 总额.
  const chosen = groups.find((x) => x.total && /年度/.test(x.total.label)) ?? groups.find((x) => x.total) ?? groups[0]
  const total = chosen?.total ?? null
  const parts = chosen?.parts ?? []
  const funds = parts.length >= 2 ? parts.map((p) => ({ source: p.source, initialFen: 0, budgetFen: p.fen, executedFen: 0 })) : total ? [{ source: '资金总额', initialFen: 0, budgetFen: total.fen, executedFen: 0 }] : []
  return { funds, total: total?.fen ?? (parts.length ? parts.reduce((a, p) => a + p.fen, 0) : null) }
}
