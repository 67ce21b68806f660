/**
 * Reads a table out of a worksheet the way people actually fill them: the header row may sit
 * below a title, headers vary ("单位编码"/"编码"/"单位代码"), cells may be merged, numbers may be
 * stored as text, and blank rows trail at the end. Every problem names sheet, row and column.
 */
import ExcelJS from 'exceljs'
import type { ImportProblem } from '../../shared/domain'
import { AppError } from '../../shared/result'
import { guardParsedWorkbook, guardWorkbookBytes } from './guard'
import { runSync, type Steps } from './yield'

export interface ColumnSpec {
  key: string
  label: string
  aliases: string[]
  required: boolean
}

export interface TableRow {
  row: number
  values: Record<string, string>
  /** Column letter of each key, for messages. */
  columns: Record<string, string>
  /** A number shown as a percentage (0.95 as 95%), by key, read before its row was let go (arrivingRows). */
  shown?: Record<string, string>
}

/**
 * A sheet whose rows are still streaming in while it is parsed (stream-workbook.ts,
 * parseLeanWorkbook): the table reader asks for more by setting `hungry` and yielding, and lets
 * each row go once it has made its TableRow.
 */
export interface ArrivingRows {
  readonly complete: boolean
  hungry: boolean
  release(row: number): void
}

export const arrivingRows = new WeakMap<object, ArrivingRows>()

/** A number cell formatted as a percentage, as the user sees it ("95%" for 0.95); null for any other cell. */
export function percentText(cell: ExcelJS.Cell): string | null {
  const v = cell.value
  const n = typeof v === 'number' ? v : v && typeof v === 'object' && 'result' in v && typeof v.result === 'number' ? v.result : null
  return n !== null && /%/.test(cell.numFmt ?? '') ? `${Number((n * 100).toPrecision(12))}%` : null
}

export interface ReadTableResult {
  sheet: string
  headerRow: number
  rows: TableRow[]
  problems: ImportProblem[]
}

export function normalizeHeader(text: string): string {
  return text
    .replace(/\s+/g, '')
    .replace(/[*＊]/g, '')
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/[：:]$/, '')
}

/**
 * Plain text of a cell, whatever exceljs holds in it. A formula gives its cached result, and
 * nothing when it has none (never "[object Object]"); guard.ts refuses such cells in workbooks
 * this product did not write.
 */
export function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value
  if (v === null || v === undefined) return ''
  if (typeof v === 'object' && ('formula' in v || 'sharedFormula' in v) && (v as { result?: unknown }).result == null) return ''
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)))
  if (typeof v === 'string') return v.trim()
  if (typeof v === 'boolean') return v ? '是' : '否'
  if (v instanceof Date) return v.toISOString().slice(0, 10)
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('').trim()
    if ('result' in v) {
      const r = (v as { result?: unknown }).result
      if (r === undefined || r === null) return ''
      if (r instanceof Date) return r.toISOString().slice(0, 10)
      return typeof r === 'number' ? String(Number(r.toPrecision(15))) : String(r).trim()
    }
    if ('text' in v) return String((v as { text: unknown }).text).trim()
    if ('error' in v) return ''
  }
  return String(v).trim()
}

/** Loads an .xlsx buffer with a Chinese message for anything that is not one. */
export async function loadWorkbook(data: Buffer, fileName: string): Promise<ExcelJS.Workbook> {
  if (data.length >= 4 && data[0] === 0xd0 && data[1] === 0xcf && data[2] === 0x11 && data[3] === 0xe0) {
    throw new AppError('IMPORT_INVALID', `文件“${fileName}”是旧版 Excel 97-2003（.xls）格式，请在 Excel 或 WPS 中另存为 .xlsx 后再导入`)
  }
  // Bounds before the parser holds anything in memory (guard.ts).
  await guardWorkbookBytes(data, fileName)
  const wb = new ExcelJS.Workbook()
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer)
  } catch {
    throw new AppError('IMPORT_INVALID', `文件“${fileName}”不是有效的 Excel 工作簿（.xlsx），可能已损坏或不是表格文件，请用 Excel 或 WPS 打开确认后另存为 .xlsx 再导入`)
  }
  if (wb.worksheets.length === 0) throw new AppError('IMPORT_INVALID', `文件“${fileName}”中没有工作表`)
  guardParsedWorkbook(wb, fileName)
  return wb
}

/** cellText, but '' for a formula without a cached result or with an error (#DIV/0!) as its result. */
export function cellTextOrBlank(cell: ExcelJS.Cell): string {
  const v = cell.value
  if (v && typeof v === 'object' && ('formula' in v || 'sharedFormula' in v)) {
    const r = (v as { result?: unknown }).result
    if (r === undefined || r === null || (typeof r === 'object' && !(r instanceof Date))) return ''
  }
  return cellText(cell)
}

/** A number typed in the cell or cached as its formula's result; null for anything else. */
export function cellNumber(cell: ExcelJS.Cell): number | null {
  const v = cell.value
  if (typeof v === 'number') return v
  if (v && typeof v === 'object' && 'result' in v && typeof v.result === 'number') return v.result
  return null
}

/** Finds the sheet whose header row matches the most of the given columns. */
export function findSheet(wb: ExcelJS.Workbook, columns: ColumnSpec[], preferredName?: string): ExcelJS.Worksheet {
  let best: { ws: ExcelJS.Worksheet; score: number } | null = null
  for (const ws of wb.worksheets) {
    const score = locateHeader(ws, columns).score + (preferredName && ws.name === preferredName ? 0.5 : 0)
    if (!best || score > best.score) best = { ws, score }
  }
  return best!.ws
}

function locateHeader(ws: ExcelJS.Worksheet, columns: ColumnSpec[]): { row: number; score: number; map: Map<string, number> } {
  let best = { row: 1, score: 0, map: new Map<string, number>() }
  const last = Math.min(ws.rowCount, 15)
  for (let r = 1; r <= last; r++) {
    const map = new Map<string, number>()
    ws.getRow(r).eachCell({ includeEmpty: false }, (cell, col) => {
      const h = normalizeHeader(cellText(cell))
      if (!h) return
      for (const c of columns) {
        if (map.has(c.key)) continue
        if ([c.label, ...c.aliases].some((a) => normalizeHeader(a) === h)) {
          map.set(c.key, col)
          break
        }
      }
    })
    if (map.size > best.score) best = { row: r, score: map.size, map }
  }
  return best
}

export function columnLetter(col: number): string {
  let s = ''
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s
  return s
}

export function readTable(ws: ExcelJS.Worksheet, columns: ColumnSpec[]): ReadTableResult {
  return runSync(readTableSteps(ws, columns))
}

/** readTable, yielding every few hundred rows (see runAsync). */
export function* readTableSteps(ws: ExcelJS.Worksheet, columns: ColumnSpec[]): Steps<ReadTableResult> {
  const { row: headerRow, map } = locateHeader(ws, columns)
  const problems: ImportProblem[] = []
  for (const c of columns) {
    if (c.required && !map.has(c.key)) {
      problems.push({ sheet: ws.name, row: headerRow, column: c.label, message: `表头缺少“${c.label}”列，请按模板填写表头` })
    }
  }
  const letters: Record<string, string> = {}
  for (const [k, col] of map) letters[k] = columnLetter(col)
  const rows: TableRow[] = []
  if (problems.length > 0) return { sheet: ws.name, headerRow, rows, problems }
  const live = arrivingRows.get(ws)
  for (let r = headerRow + 1; ; r++) {
    while (live && r > ws.rowCount && !live.complete) {
      live.hungry = true
      yield
    }
    if (r > ws.rowCount) break
    const row = ws.getRow(r)
    const values: Record<string, string> = {}
    let shown: Record<string, string> | undefined
    let any = false
    for (const [k, col] of map) {
      const cell = row.getCell(col)
      const t = cellText(cell)
      values[k] = t
      if (t) any = true
      const pct = live ? percentText(cell) : null
      if (pct !== null) (shown ??= {})[k] = pct
    }
    if (any) rows.push(shown ? { row: r, values, columns: letters, shown } : { row: r, values, columns: letters })
    live?.release(r)
    if (r % 500 === 0) yield
  }
  return { sheet: ws.name, headerRow, rows, problems }
}
