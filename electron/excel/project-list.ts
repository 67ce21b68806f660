/**
 * Reading a project list as the 预算管理一体化 system (or a clerk) exports it: .xlsx streamed
 * row by row, or .csv in UTF-8 or GBK; the header row found among title rows, merged two-row
 * headers joined; each column guessed to a field from its header words; 元 or 万元 read from the
 * header or the title. The grid read here is kept by the caller and checked against the mapping
 * the clerk confirmed, so a large file is parsed once.
 */
import { FUND_SOURCES, PROJECT_CATEGORIES, type FundSource, type ImportProblem, type ProjectCategory } from '../../shared/domain'
import type { MoneyUnit } from '../../shared/money'
import {
  FUND_CHANNELS,
  PROJECT_FIELDS,
  PROJECT_FIELD_SPECS,
  normalizeHeaderText,
  type ColumnMapping,
  type FundChannel,
  type ImportColumn,
  type ProjectField,
} from '../../shared/project-import'
import { AppError } from '../../shared/result'
import { columnLetter } from './read-table'
import { streamReader } from './stream-workbook'

export interface GridRow {
  /** 1-based row number in the sheet or file, for messages. */
  n: number
  cells: string[]
}

export interface Grid {
  sheet: string
  rows: GridRow[]
}

export interface LocatedTable {
  sheet: string
  headerRow: number
  /** Rows above the header (titles such as “金额单位：万元”). */
  titleText: string
  columns: ImportColumn[]
  data: GridRow[]
  shapeKey: string
}

const MAX_HEADER_SCAN = 20

/** Plain text of a value as exceljs's stream reader hands it over. */
function valueText(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)))
  if (typeof v === 'string') return v.trim()
  if (typeof v === 'boolean') return v ? '是' : '否'
  if (v instanceof Date) return v.toISOString().slice(0, 10)
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>
    if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((r) => r.text).join('').trim()
    if ('result' in o || 'formula' in o || 'sharedFormula' in o) return o.result === undefined || o.result === null ? '' : valueText(o.result)
    if ('text' in o) return valueText(o.text)
    if ('error' in o) return ''
  }
  return String(v).trim()
}

const isOle = (b: Buffer) => b.length >= 4 && b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0
const isZip = (b: Buffer) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04

/** Reads every sheet of a file into rows of text, or says in Chinese why it cannot. */
export async function readGrids(data: Buffer, fileName: string): Promise<Grid[]> {
  const lower = fileName.toLowerCase()
  if (data.length === 0) throw new AppError('IMPORT_INVALID', `文件“${fileName}”是空文件（0 字节），请重新从预算管理一体化系统导出项目清单`)
  if (isOle(data)) {
    throw new AppError('IMPORT_INVALID', `文件“${fileName}”是旧版 Excel 97-2003（.xls）格式，本软件不能直接读取。请在 Excel 或 WPS 中打开，选择“另存为”→“Excel 工作簿（*.xlsx）”后再导入`)
  }
  if (isZip(data)) {
    // Zip entry names are stored as plain text: a Word or WPS document shows its own folders.
    const head = data.subarray(0, Math.min(data.length, 200_000)).toString('latin1')
    if (head.includes('word/document.xml')) throw new AppError('IMPORT_INVALID', `文件“${fileName}”是 Word 文档，不是 Excel 表格（可能改过扩展名）。请导入项目清单的 .xlsx 或 .csv 文件`)
    if (head.includes('ppt/presentation.xml')) throw new AppError('IMPORT_INVALID', `文件“${fileName}”是 PowerPoint 演示文稿，不是 Excel 表格。请导入项目清单的 .xlsx 或 .csv 文件`)
    return readXlsx(data, fileName)
  }
  if (lower.endsWith('.xlsx') || lower.endsWith('.xlsm')) {
    throw new AppError('IMPORT_INVALID', `文件“${fileName}”不是有效的 Excel 工作簿（.xlsx），可能已损坏或只是改了扩展名。请用 Excel 或 WPS 打开确认后另存为 .xlsx 再导入`)
  }
  if (lower.endsWith('.csv') || lower.endsWith('.txt') || looksLikeText(data)) return [{ sheet: fileName, rows: parseCsv(decodeText(data)) }]
  throw new AppError('IMPORT_INVALID', `文件“${fileName}”不是 Excel（.xlsx）或 CSV 文件，请导入项目清单的 .xlsx 或 .csv 文件`)
}

async function readXlsx(data: Buffer, fileName: string): Promise<Grid[]> {
  const grids: Grid[] = []
  try {
    // streamReader: exceljs's reader with whole UTF-8 characters in every chunk (stream-workbook.ts).
    const reader = streamReader(data, {
      sharedStrings: 'cache',
      worksheets: 'emit',
      styles: 'ignore',
      hyperlinks: 'ignore',
      entries: 'ignore',
    })
    let index = 0
    for await (const ws of reader) {
      index++
      const rows: GridRow[] = []
      for await (const row of ws) {
        const values = row.values as unknown[]
        const cells: string[] = []
        for (let c = 1; c < values.length; c++) cells[c - 1] = valueText(values[c])
        for (let c = 0; c < cells.length; c++) if (cells[c] === undefined) cells[c] = ''
        if (cells.some((t) => t !== '')) rows.push({ n: row.number, cells })
      }
      const name = (ws as unknown as { name?: string }).name
      grids.push({ sheet: name || `第${index}个工作表`, rows })
    }
  } catch {
    throw new AppError('IMPORT_INVALID', `文件“${fileName}”不是有效的 Excel 工作簿（.xlsx），可能已损坏或只是改了扩展名。请用 Excel 或 WPS 打开确认后另存为 .xlsx 再导入`)
  }
  if (grids.length === 0) throw new AppError('IMPORT_INVALID', `文件“${fileName}”中没有工作表，不是有效的 Excel 工作簿`)
  return grids
}

function looksLikeText(data: Buffer): boolean {
  const n = Math.min(data.length, 4096)
  for (let i = 0; i < n; i++) if (data[i] === 0) return false
  return true
}

/** UTF-8 (with or without BOM) if it decodes cleanly, else GBK/GB18030 as Chinese Excel saves CSV. */
export function decodeText(data: Buffer): string {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return data.subarray(3).toString('utf8')
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2))
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data)
  } catch {
    return new TextDecoder('gb18030').decode(data)
  }
}

/** RFC 4180 CSV (quotes, doubled quotes, line breaks in quotes); tab-separated if the first line is. */
export function parseCsv(text: string): GridRow[] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/))
  const sep = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ','
  const rows: GridRow[] = []
  let cells: string[] = []
  let cell = ''
  let quoted = false
  let line = 1
  let rowStart = 1
  const endRow = () => {
    cells.push(cell.trim())
    if (cells.some((c) => c !== '')) rows.push({ n: rowStart, cells })
    cells = []
    cell = ''
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"'
          i++
        } else quoted = false
      } else {
        if (ch === '\n') line++
        cell += ch
      }
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true
      cell = ''
    } else if (ch === sep) {
      cells.push(cell.trim())
      cell = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      endRow()
      line++
      rowStart = line
    } else cell += ch
  }
  if (cell !== '' || cells.length > 0) endRow()
  return rows
}

// ——— The header row and the mapping ———

const FIELD_WORDS: [ProjectField, string[]][] = PROJECT_FIELDS.map((f) => [f, [PROJECT_FIELD_SPECS[f].label, ...PROJECT_FIELD_SPECS[f].aliases].map(normalizeHeaderText)])

/** Joins a merged group label and the sub-header under it, e.g. 预算金额（万元）·合计. */
const GROUP_SEP = '·'

function fieldOf(header: string): ProjectField | null {
  const whole = normalizeHeaderText(header)
  if (!whole) return null
  const own = normalizeHeaderText(header.slice(header.lastIndexOf(GROUP_SEP) + 1))
  for (const h of [whole, own]) for (const [f, words] of FIELD_WORDS) if (words.includes(h)) return f
  return null
}

/** Header texts of row r, joined with the row above where that row carries merged group labels. */
function headerTexts(grid: Grid, at: number, withParent: boolean): string[] {
  const row = grid.rows[at]!.cells
  if (!withParent || at === 0) return row.map((c) => c ?? '')
  const above = grid.rows[at - 1]!.cells
  const width = Math.max(row.length, above.length)
  const out: string[] = []
  let group = ''
  for (let c = 0; c < width; c++) {
    const up = above[c] ?? ''
    const own = row[c] ?? ''
    // A merged group label sits in its first cell only; the cells under it carry the sub-headers.
    if (up) group = up
    else if (!own) group = ''
    if (!own) out.push(up)
    else if (group && group !== own) out.push(`${group}${GROUP_SEP}${own}`)
    else out.push(own)
  }
  return out
}

function scoreHeaders(texts: string[]): number {
  const seen = new Set<ProjectField>()
  for (const t of texts) {
    const f = fieldOf(t)
    if (f) seen.add(f)
  }
  return seen.size
}

/** Finds the table in the sheet that looks most like a project list. */
export function locateTable(grids: Grid[], fileName: string): LocatedTable {
  let best: { grid: Grid; at: number; texts: string[]; score: number; withParent: boolean } | null = null
  for (const grid of grids) {
    const last = Math.min(grid.rows.length, MAX_HEADER_SCAN)
    for (let at = 0; at < last; at++) {
      for (const withParent of [false, true]) {
        // A group-label row has several labels; a title row above a header has one.
        if (withParent && (at === 0 || grid.rows[at - 1]!.cells.filter(Boolean).length < 2)) continue
        const texts = headerTexts(grid, at, withParent)
        const score = scoreHeaders(texts) + (withParent ? 0.1 : 0)
        if (!best || score > best.score) best = { grid, at, texts, score, withParent }
      }
    }
  }
  if (!best || grids.every((g) => g.rows.length === 0)) {
    throw new AppError('IMPORT_INVALID', `文件“${fileName}”中没有任何内容（只有空表），请确认导出的是项目清单`)
  }
  if (best.score < 2) {
    throw new AppError(
      'IMPORT_INVALID',
      `文件“${fileName}”的前 ${MAX_HEADER_SCAN} 行中找不到项目清单的表头（如“预算单位”“项目编码”“项目名称”“金额”），请确认导入的是项目清单，或在表中补上表头行`,
    )
  }
  const { grid, at, texts, withParent } = best
  const samplesOf = (c: number) =>
    grid.rows
      .slice(at + 1, at + 6)
      .map((r) => r.cells[c] ?? '')
      .filter(Boolean)
      .slice(0, 3)
  const width = Math.max(texts.length, ...grid.rows.slice(at + 1, at + 50).map((r) => r.cells.length))
  const columns: ImportColumn[] = []
  for (let c = 0; c < width; c++) {
    const header = texts[c] ?? ''
    if (!header && samplesOf(c).length === 0) continue
    columns.push({ index: c, letter: columnLetter(c + 1), header, samples: samplesOf(c), moneyUnit: headerMoneyUnit(header) })
  }
  const titleText = grid.rows
    .slice(0, withParent ? at - 1 : at)
    .flatMap((r) => r.cells)
    .filter(Boolean)
    .join(' ')
  return {
    sheet: grid.sheet,
    headerRow: grid.rows[at]!.n,
    titleText,
    columns,
    data: grid.rows.slice(at + 1),
    shapeKey: columns.map((c) => normalizeHeaderText(c.header) || `#${c.index}`).join('|'),
  }
}

/** Guesses each field's column from its header: exact words first, then a header containing the label. */
export function guessMapping(columns: ImportColumn[]): ColumnMapping {
  const mapping: ColumnMapping = {}
  const used = new Set<number>()
  for (const col of columns) {
    const f = fieldOf(col.header)
    if (f && mapping[f] === undefined) {
      mapping[f] = col.index
      used.add(col.index)
    }
  }
  // "预算金额（万元）合计" under a merged group: the group's sum column.
  if (mapping.amount === undefined) {
    const sum = columns.find((c) => !used.has(c.index) && /金额|预算/.test(c.header) && /合计|小计|总额/.test(c.header))
    if (sum) {
      mapping.amount = sum.index
      used.add(sum.index)
    }
  }
  for (const f of PROJECT_FIELDS) {
    if (mapping[f] !== undefined) continue
    const label = PROJECT_FIELD_SPECS[f].label
    const col = columns.find((c) => !used.has(c.index) && normalizeHeaderText(c.header).includes(normalizeHeaderText(label)))
    if (col) {
      mapping[f] = col.index
      used.add(col.index)
    }
  }
  for (const f of PROJECT_FIELDS) if (mapping[f] === undefined) mapping[f] = null
  return mapping
}

/** 万元 or 元 as a header writes it: “金额（万元）”, “预算数(元)”, “单位：元”. */
export function headerMoneyUnit(header: string): MoneyUnit | null {
  if (/万元/.test(header)) return '万元'
  if (/[（(]\s*元\s*[）)]|单位[:：]?\s*元/.test(header)) return '元'
  return null
}

export function titleMoneyUnit(table: LocatedTable): { unit: MoneyUnit; source: string } | null {
  const m = /(?:金额)?单位\s*[:：]\s*(万元|元)/.exec(table.titleText)
  return m ? { unit: m[1] as MoneyUnit, source: `标题“${m[0]}”` } : null
}

/** 万元 or 元 from the amount column's header, else from a title line such as “金额单位：万元”. */
export function detectMoneyUnit(table: LocatedTable, amountColumn: number | null | undefined): { unit: MoneyUnit | null; source: string } {
  const header = amountColumn === null || amountColumn === undefined ? '' : (table.columns.find((c) => c.index === amountColumn)?.header ?? '')
  const own = headerMoneyUnit(header)
  if (own) return { unit: own, source: `表头“${header}”` }
  return titleMoneyUnit(table) ?? { unit: null, source: '' }
}

/** Keeps a remembered mapping only where its header words still stand in this file. */
export function mappingFromHeaders(columns: ImportColumn[], byHeader: Partial<Record<ProjectField, string>>): ColumnMapping {
  const mapping: ColumnMapping = {}
  for (const f of PROJECT_FIELDS) {
    const h = byHeader[f]
    const col = h === undefined ? undefined : columns.find((c) => (normalizeHeaderText(c.header) || `#${c.index}`) === h)
    mapping[f] = col ? col.index : null
  }
  return mapping
}

export function headersOfMapping(columns: ImportColumn[], mapping: ColumnMapping): Partial<Record<ProjectField, string>> {
  const out: Partial<Record<ProjectField, string>> = {}
  for (const f of PROJECT_FIELDS) {
    const idx = mapping[f]
    const col = idx === null || idx === undefined ? undefined : columns.find((c) => c.index === idx)
    if (col) out[f] = normalizeHeaderText(col.header) || `#${col.index}`
  }
  return out
}

// ——— Values as the lists write them ———

export function normalizeFundSource(text: string): { source: FundSource; channel: FundChannel | null } | null {
  const t = text.replace(/\s+/g, '')
  const channel: FundChannel | null = /中央/.test(t) ? '中央转移支付' : /省/.test(t) ? '省级转移支付' : /市/.test(t) && /转移|补助/.test(t) ? '市级转移支付' : null
  if (!t) return { source: '一般公共预算', channel }
  if (/社会保险|社保/.test(t)) return { source: '社会保险基金预算', channel }
  if (/国有资本/.test(t)) return { source: '国有资本经营预算', channel }
  if (/基金/.test(t)) return { source: '政府性基金预算', channel }
  if (/一般公共|公共预算|财政拨款|一般预算/.test(t)) return { source: '一般公共预算', channel }
  if (channel) return { source: '一般公共预算', channel }
  const exact = FUND_SOURCES.find((s) => s === t)
  return exact ? { source: exact, channel } : null
}

export function normalizeFundChannel(text: string): FundChannel | null {
  const t = text.replace(/\s+/g, '')
  if (!t || /本级|县级|区级|自有/.test(t)) return '本级'
  if (/中央/.test(t)) return '中央转移支付'
  if (/省/.test(t)) return '省级转移支付'
  if (/市/.test(t)) return '市级转移支付'
  return (FUND_CHANNELS as readonly string[]).includes(t) ? (t as FundChannel) : null
}

export function normalizeCategory(text: string): ProjectCategory | null {
  const t = text.replace(/\s+/g, '').toUpperCase()
  if (!t) return '项目'
  if (/部门整体/.test(t)) return '部门整体支出'
  if (/专项债/.test(t)) return '专项债券'
  if (/PPP|政府和社会资本合作/.test(t)) return 'PPP'
  if (/项目|一般|其他|特定目标|运转|专项/.test(t)) return '项目'
  return (PROJECT_CATEGORIES as readonly string[]).includes(t) ? (t as ProjectCategory) : null
}

export function parseYesNo(text: string): boolean | null {
  const t = text.replace(/\s+/g, '')
  if (!t || /^(是|需要|需|Y|YES|√|✓|1|编报|设定)$/i.test(t)) return true
  if (/^(否|不需要|不|无|N|NO|×|0|不编报|免)$/i.test(t)) return false
  return null
}

/** Rows that total the list ("合计", "总计", "小计") rather than name a project. */
export function isTotalRow(cells: string[], mapping: ColumnMapping): boolean {
  const first = cells.find((c) => c !== '') ?? ''
  const code = mapping.code === null || mapping.code === undefined ? '' : (cells[mapping.code] ?? '')
  return !code && /^(合\s*计|总\s*计|小\s*计|总合计)/.test(first)
}

export function problem(sheet: string, row: number, column: string, message: string): ImportProblem {
  return { sheet, row, column, message }
}
