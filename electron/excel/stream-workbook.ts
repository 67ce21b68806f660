/**
 * Big list-shaped workbooks (the 申报表's 项目信息/绩效指标, the 监控表's 项目执行/指标完成: one row per
 * project or indicator, thousands of rows) are read with exceljs's streaming reader into a lean
 * grid: per row only the cell values (and a number's format where one is set), no style objects,
 * no workbook model. A 申报表's biggest sheet (绩效指标) is not held whole: it is parsed as it
 * streams, each row let go once the table reader has it (parseLeanWorkbook). It offers the part of exceljs's Workbook/Worksheet that the table readers use
 * (worksheets, getRow/getCell/eachCell/eachRow, value, numFmt, address), so the same parsers read
 * it and read it the same way. The streaming reader does not see merged cells; the label-driven
 * form reader (form-reader.ts, small county forms, one project a sheet) needs them and keeps
 * exceljs's whole-workbook loader (see stage-file.ts for the choice).
 *
 * The bounds of guard.ts are kept: the file size and parts first (each part but the sheets
 * inflated off the main thread with a cap, nothing kept), then the sheets' inflated bytes against
 * what is left of that cap, rows per sheet, cells and cell length as the rows arrive.
 */
import ExcelJS from 'exceljs'
import { Readable, Transform, type TransformCallback } from 'node:stream'
import { promisify } from 'node:util'
import { createInflateRaw, inflateRaw } from 'node:zlib'
import { WORKBOOK_LIMITS as L } from '../../shared/limits'
import { AppError } from '../../shared/result'
import { PRODUCT_CREATOR, formulaWithoutResult, guardParsedWorkbook, zipEntries } from './guard'
import { arrivingRows, columnLetter, type ArrivingRows } from './read-table'
import { runAsync, yielder, type Steps } from './yield'

const inflateRawAsync = promisify(inflateRaw) as (buf: Buffer, opts: { maxOutputLength: number }) => Promise<Buffer>

/**
 * The length a deflated part inflates to, counted as it streams and nothing kept (inflated whole,
 * the 33 MB 绩效指标 sheet of a 5,000-project file and zlib's pieces of it were held at once);
 * refused with a RangeError past `cap`.
 */
function inflatedLength(raw: Buffer, cap: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const z = createInflateRaw({ chunkSize: 64 * 1024 })
    let n = 0
    z.on('data', (chunk: Buffer) => {
      n += chunk.length
      if (n > cap) {
        z.destroy()
        reject(new RangeError('inflated past the cap'))
      }
    })
    z.on('end', () => resolve(n))
    z.on('error', reject)
    z.end(raw)
  })
}
const refuse = (fileName: string, why: string) => new AppError('IMPORT_INVALID', `文件“${fileName}”${why}，未导入任何数据`)
const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`
const invalid = (fileName: string) => new AppError('IMPORT_INVALID', `文件“${fileName}”不是有效的 Excel 工作簿（.xlsx），可能已损坏或不是表格文件，请用 Excel 或 WPS 打开确认后另存为 .xlsx 再导入`)

/** Bytes up to the last whole UTF-8 character, and the incomplete tail to carry into the next chunk. */
function splitUtf8(chunk: Buffer): [Buffer, Buffer | null] {
  let i = chunk.length - 1
  let back = 0
  while (i >= 0 && back < 3 && (chunk[i]! & 0xc0) === 0x80) {
    i--
    back++
  }
  if (i < 0) return [chunk, null]
  const b = chunk[i]!
  const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
  return need > chunk.length - i ? [chunk.subarray(0, i), chunk.subarray(i)] : [chunk, null]
}

async function* wholeCharacters(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let carry: Buffer | null = null
  for await (const raw of source) {
    const [whole, rest]: [Buffer, Buffer | null] = splitUtf8(carry ? Buffer.concat([carry, raw]) : raw)
    carry = rest
    if (whole.length) yield whole
  }
  if (carry) yield carry
}

class WholeCharacters extends Transform {
  private carry: Buffer | null = null
  override _transform(raw: Buffer, _enc: string, done: TransformCallback): void {
    const [whole, rest] = splitUtf8(this.carry ? Buffer.concat([this.carry, raw]) : raw)
    this.carry = rest
    done(null, whole.length ? whole : undefined)
  }
  override _flush(done: TransformCallback): void {
    done(null, this.carry ?? undefined)
  }
}

/**
 * exceljs's streaming reader, with one fix: it decodes each inflated chunk to text on its own, so a
 * Chinese character (3 bytes in UTF-8) split between two chunks came out as "产出���标". Every
 * chunk handed to its XML parser here ends on a whole character.
 */
export function streamReader(data: Buffer, options: Partial<ExcelJS.stream.xlsx.WorkbookStreamReaderOptions>): ExcelJS.stream.xlsx.WorkbookReader {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([data]), options)
  const r = reader as unknown as {
    _parseWorksheet(iterator: AsyncIterable<Buffer>, sheetNo: string): unknown
    _parseSharedStrings(entry: NodeJS.ReadableStream): unknown
  }
  const sheet = r._parseWorksheet.bind(reader)
  const strings = r._parseSharedStrings.bind(reader)
  r._parseWorksheet = (iterator, sheetNo) => sheet(wholeCharacters(iterator), sheetNo)
  r._parseSharedStrings = (entry) => strings(entry.pipe(new WholeCharacters()))
  return reader
}

class LeanCell {
  constructor(
    readonly row: number,
    readonly col: number,
    readonly value: ExcelJS.CellValue,
    readonly numFmt: string | undefined,
  ) {}
  get address(): string {
    return `${columnLetter(this.col)}${this.row}`
  }
  get text(): string {
    const v = this.value
    return v === null || v === undefined ? '' : String(v)
  }
}

class LeanRow {
  constructor(
    readonly number: number,
    private readonly values: ExcelJS.CellValue[],
    private readonly formats: (string | undefined)[] | undefined,
  ) {}
  getCell(col: number): LeanCell {
    return new LeanCell(this.number, col, this.values[col] ?? null, this.formats?.[col])
  }
  eachCell(opt: unknown, fn?: (cell: LeanCell, col: number) => void): void {
    const cb = (typeof opt === 'function' ? opt : fn) as (cell: LeanCell, col: number) => void
    for (let c = 1; c < this.values.length; c++) {
      const v = this.values[c]
      if (v !== null && v !== undefined) cb(this.getCell(c), c)
    }
  }
  get hasValues(): boolean {
    return this.values.some((v) => v !== null && v !== undefined)
  }
}

const EMPTY: ExcelJS.CellValue[] = []

class LeanSheet {
  readonly rows: (LeanRow | undefined)[] = []
  constructor(
    readonly name: string,
    readonly state: string,
    readonly id: number,
  ) {}
  get rowCount(): number {
    return this.rows.length > 0 ? this.rows.length - 1 : 0
  }
  getRow(r: number): LeanRow {
    return this.rows[r] ?? new LeanRow(r, EMPTY, undefined)
  }
  getCell(a: string | number, c?: number): LeanCell {
    if (typeof a === 'number') return this.getRow(a).getCell(c!)
    const m = /^([A-Z]+)(\d+)$/.exec(a.replace(/\$/g, ''))
    if (!m) return new LeanCell(0, 0, null, undefined)
    let col = 0
    for (const ch of m[1]!) col = col * 26 + ch.charCodeAt(0) - 64
    return this.getRow(Number(m[2])).getCell(col)
  }
  eachRow(opt: unknown, fn?: (row: LeanRow, n: number) => void): void {
    const cb = (typeof opt === 'function' ? opt : fn) as (row: LeanRow, n: number) => void
    for (let r = 1; r < this.rows.length; r++) {
      const row = this.rows[r]
      if (row?.hasValues) cb(row, r)
    }
  }
}

class LeanWorkbook {
  readonly worksheets: LeanSheet[] = []
  creator = ''
  getWorksheet(name: string | number): LeanSheet | undefined {
    return typeof name === 'number' ? this.worksheets.find((w) => w.id === name) : this.worksheets.find((w) => w.name === name)
  }
}


/** A part of the zip, still deflated (method 8) or stored (0). */
interface Part {
  method: number
  raw: Buffer
}

const SHEET_PART = /^xl\/worksheets\/sheet(\d+)\.xml$/
const bomb = (fileName: string) => refuse(fileName, `解压后超过 ${mb(L.inflatedBytes)}，不像是正常的填报表（可能是“压缩炸弹”）`)

/**
 * The zip's parts, each inflated off the main thread with a cap and dropped; returns them by name
 * (views of `data`, nothing copied), docProps/core.xml's text, and what is left of the cap for the
 * sheets. The sheets are counted as the reader inflates them (sheetBytes): inflated here as well,
 * the 绩效指标 sheet's 33 MB went through zlib's buffers twice, and the memory those took while
 * they waited for the garbage collector stayed with the process.
 */
async function checkParts(data: Buffer, fileName: string): Promise<{ core: string; parts: Map<string, Part>; sheetBudget: number }> {
  if (data.length > L.fileBytes) throw refuse(fileName, `有 ${mb(data.length)}，超过 ${mb(L.fileBytes)} 的上限`)
  if (data.length < 22 || data.readUInt32LE(0) !== 0x04034b50) throw invalid(fileName)
  const entries = zipEntries(data, fileName, () => invalid(fileName))
  let inflated = 0
  let core = ''
  const parts = new Map<string, Part>()
  for (const e of entries) {
    const at = e.localOffset
    if (at + 30 > data.length || data.readUInt32LE(at) !== 0x04034b50) throw refuse(fileName, '已损坏（内部结构不完整）')
    const start = at + 30 + data.readUInt16LE(at + 26) + data.readUInt16LE(at + 28)
    const raw = data.subarray(start, start + e.compressed)
    let size = raw.length
    const isCore = e.name === 'docProps/core.xml'
    if (e.method === 8 && SHEET_PART.test(e.name)) size = 0
    else if (e.method === 8) {
      const cap = Math.max(1, L.inflatedBytes - inflated + 1)
      try {
        if (isCore) {
          const buf = await inflateRawAsync(raw, { maxOutputLength: cap })
          core = buf.toString('utf8')
          size = buf.length
        } else size = await inflatedLength(raw, cap)
      } catch (err) {
        if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw bomb(fileName)
        throw refuse(fileName, '已损坏（内部数据无法解压）')
      }
    } else if (e.method === 0) {
      if (isCore) core = raw.toString('utf8')
    } else throw refuse(fileName, '使用了 Excel 不用的压缩方式，可能不是 Excel 保存的文件')
    inflated += size
    if (inflated > L.inflatedBytes) throw bomb(fileName)
    parts.set(e.name, { method: e.method, raw })
  }
  return { core, parts, sheetBudget: L.inflatedBytes - inflated }
}

/** A sheet's inflated bytes, refused once all the sheets together pass what checkParts left of the cap. */
async function* sheetBytes(source: AsyncIterable<Buffer>, budget: { left: number }, fileName: string): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    budget.left -= chunk.length
    if (budget.left < 0) throw bomb(fileName)
    yield chunk
  }
}

/**
 * A part's content as a stream, inflated as it is read. The deflated bytes go in as small pieces:
 * zlib inflates each written piece whole whatever the reader's pace, so the 绩效指标 sheet written
 * in one piece sat inflated (33 MB) in the stream's buffer.
 */
function partStream(part: Part): Readable {
  const { raw } = part
  function* pieces() {
    for (let at = 0; at < raw.length; at += 8 * 1024) yield raw.subarray(at, at + 8 * 1024)
  }
  if (part.method === 0) return Readable.from(pieces())
  return Readable.from(pieces()).pipe(createInflateRaw())
}

/**
 * streamReader over the parts checkParts found, each part inflated as its parser reads it, in the
 * order the reader needs them (relationships, workbook, shared strings, styles, then the sheets).
 * exceljs's own pass over the zip meets the sheets before workbook.xml in the files the streaming
 * writer makes (this product's exports), so it inflated every sheet into a temporary file first
 * and read it back, with the unzip's and the file streams' buffers piling up meanwhile.
 */
function partsReader(checked: { parts: Map<string, Part>; sheetBudget: number }, fileName: string, options: Partial<ExcelJS.stream.xlsx.WorkbookStreamReaderOptions>, last?: string): ExcelJS.stream.xlsx.WorkbookReader {
  const { parts } = checked
  const budget = { left: checked.sheetBudget }
  const reader = streamReader(Buffer.alloc(0), options)
  const r = reader as unknown as {
    parse(): AsyncGenerator<unknown>
    _parseRels(entry: Readable): Promise<void>
    _parseWorkbook(entry: Readable): Promise<void>
    _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>
    _parseStyles(entry: Readable): Promise<void>
    _parseWorksheet(iterator: AsyncIterable<Buffer>, sheetNo: string): Generator<unknown>
  }
  const model = reader as unknown as { workbookRels?: { Id: string; Target: string }[]; model?: { sheets?: { rId: string; name: string }[] } }
  // As exceljs's _parseWorksheet names a sheet.
  const sheetName = (sheetNo: string) => {
    const rel = (model.workbookRels ?? []).find((x) => x.Target === `worksheets/sheet${sheetNo}.xml`)
    return rel ? (model.model?.sheets ?? []).find((x) => x.rId === rel.Id)?.name.trim() : undefined
  }
  r.parse = async function* () {
    const part = (name: string) => {
      const p = parts.get(name)
      return p ? partStream(p) : null
    }
    const rels = part('xl/_rels/workbook.xml.rels')
    if (rels) await r._parseRels(rels)
    const book = part('xl/workbook.xml')
    if (book) await r._parseWorkbook(book)
    const strings = part('xl/sharedStrings.xml')
    if (strings) yield* r._parseSharedStrings(strings)
    const styles = part('xl/styles.xml')
    if (styles) await r._parseStyles(styles)
    // The sheet named `last` after all the others (it is parsed as it streams: parseLeanWorkbook).
    const sheets = [...parts].flatMap(([name, p]) => {
      const sheetNo = SHEET_PART.exec(name)?.[1]
      return sheetNo ? [{ sheetNo, p, last: !!last && sheetName(sheetNo) === last }] : []
    })
    for (const { sheetNo, p } of [...sheets.filter((x) => !x.last), ...sheets.filter((x) => x.last)]) yield* r._parseWorksheet(sheetBytes(partStream(p), budget, fileName), sheetNo)
  }
  return reader
}

const xmlText = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')

/**
 * A cell's text as a string of its own. The XML parser cuts cell texts out of the chunk it is
 * parsing, and V8 keeps a cut of 13 characters or more as a view of that chunk: a UUID kept in the
 * parse held its whole 124 KB chunk, some 35 MB of the 绩效指标 sheet's text at city scale.
 */
function own(v: ExcelJS.CellValue, seen: Map<string, string>): ExcelJS.CellValue {
  if (typeof v !== 'string') return v
  if (v.length >= 13) return (' ' + v).slice(1)
  // Short texts repeat down a list (一级指标, 指标性质, 度量单位, 指标值): one copy each, so 60,000
  // indicator rows hold a few hundred strings where they held 400,000. The table is bounded.
  const known = seen.get(v)
  if (known !== undefined) return known
  if (seen.size < 100_000) seen.set(v, v)
  return v
}

/** Whether a cell's number format can matter to a reader: only a number's (95% stored as 0.95). */
function numeric(v: ExcelJS.CellValue): boolean {
  return typeof v === 'number' || (!!v && typeof v === 'object' && 'result' in v && typeof v.result === 'number')
}

/** A cell value as the readers expect it; over-long text refused like guard.ts does. */
function lengthOf(v: ExcelJS.CellValue): number {
  if (typeof v === 'string') return v.length
  if (v && typeof v === 'object' && 'richText' in v) return v.richText.reduce((n, r) => n + r.text.length, 0)
  return 0
}

/** How many rows of a sheet that streams during its parse are read before the parse starts (headers are looked for in the first 15). */
const AHEAD = 20

/**
 * Reads an .xlsx with the streaming reader into a lean workbook, giving the event loop a turn
 * every few tens of milliseconds. `progress` hears the rows read so far.
 */
export async function readLeanWorkbook(data: Buffer, fileName: string, progress?: (rows: number) => void): Promise<ExcelJS.Workbook> {
  return (await parseLeanWorkbook(data, fileName, { progress })).wb
}

/**
 * readLeanWorkbook, and with `parse` the workbook parsed while its sheet named `live` streams: the
 * other sheets are read first, then the parse runs as that sheet's rows arrive, and each row the
 * table reader has taken is let go (read-table.ts, arrivingRows). A 申报表's 60,000 绩效指标 rows
 * were held whole as a grid beside the table rows made from them. `parse` may decline (null: not a
 * workbook of tables); the live sheet is then not read further.
 */
export async function parseLeanWorkbook<T>(
  data: Buffer,
  fileName: string,
  opts: { progress?: ((rows: number) => void) | undefined; live?: string; parse?: (wb: ExcelJS.Workbook) => Steps<T> | null },
): Promise<{ wb: ExcelJS.Workbook; result: T | null }> {
  const checked = await checkParts(data, fileName)
  const wb = new LeanWorkbook()
  wb.creator = xmlText(/<dc:creator>([^<]*)<\/dc:creator>/.exec(checked.core)?.[1] ?? '')
  const lean = wb as unknown as ExcelJS.Workbook
  const breathe = yielder()
  // The product's own exports carry formulas without results (guard.ts); any other file's are refused.
  const foreign = wb.creator !== PRODUCT_CREATOR
  let cells = 0
  let rowsRead = 0
  const seen = new Map<string, string>()
  /** Reads one streamed row into the sheet, with the bounds of guard.ts. */
  const take = (sheet: LeanSheet, count: number, src: ExcelJS.Row) => {
    const values: ExcelJS.CellValue[] = []
    let formats: (string | undefined)[] | undefined
    src.eachCell({ includeEmpty: false }, (cell, col) => {
      const v = own(cell.value, seen)
      values[col] = v
      cells++
      if (lengthOf(v) > L.cellChars) throw refuse(fileName, `的工作表“${sheet.name}”中有一个单元格长达 ${lengthOf(v)} 个字符，超过 Excel 单元格 ${L.cellChars} 个字符的上限`)
      if (foreign && v && typeof v === 'object' && ('formula' in v || 'sharedFormula' in v) && (v as { result?: unknown }).result == null) {
        throw formulaWithoutResult(fileName, sheet.name, `${columnLetter(col)}${src.number}`)
      }
      const f = cell.numFmt
      if (f && f !== 'General' && numeric(v)) (formats ??= [])[col] = f
    })
    if (count > L.rowsPerSheet) throw refuse(fileName, `的工作表“${sheet.name}”有超过 ${L.rowsPerSheet} 行，超过上限`)
    if (cells > L.cells) throw refuse(fileName, `的单元格超过 ${L.cells} 个的上限`)
    sheet.rows[src.number] = new LeanRow(src.number, values, formats)
    rowsRead++
    if (opts.progress && rowsRead % 1000 === 0) opts.progress(rowsRead)
  }
  let result: T | null = null
  try {
    const reader = partsReader(checked, fileName, { sharedStrings: 'cache', worksheets: 'emit', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' }, opts.parse ? opts.live : undefined)
    let index = 0
    for await (const wsr of reader) {
      index++
      const meta = wsr as unknown as { name?: string; state?: string; id?: number }
      const sheet = new LeanSheet(meta.name || `第${index}个工作表`, meta.state ?? 'visible', Number(meta.id ?? index))
      wb.worksheets.push(sheet)
      const rows = (wsr as unknown as AsyncIterable<ExcelJS.Row>)[Symbol.asyncIterator]()
      let count = 0
      /** Reads up to n more rows; false once the sheet has ended. */
      const more = async (n: number) => {
        for (let k = 0; k < n; k++) {
          const next = await rows.next()
          if (next.done) return false
          take(sheet, ++count, next.value)
          await breathe()
        }
        return true
      }
      if (!opts.parse || sheet.name.trim() !== opts.live) {
        while (await more(1000));
        continue
      }
      // The live sheet: the last one the reader hands over (partsReader), so every other is read.
      let complete = !(await more(AHEAD))
      const arriving: ArrivingRows = {
        get complete() {
          return complete
        },
        hungry: false,
        release: (r) => {
          sheet.rows[r] = undefined
        },
      }
      arrivingRows.set(sheet, arriving)
      wb.worksheets.sort((a, b) => a.id - b.id)
      const steps = opts.parse(lean)
      // Not a workbook of tables: the caller reads the file again with the whole-workbook loader
      // (and its bounds), so the rest of this sheet is not read here.
      if (!steps) return { wb: lean, result: null }
      for (;;) {
        const r = steps.next()
        if (r.done) {
          result = r.value
          break
        }
        if (arriving.hungry && !complete) {
          arriving.hungry = false
          complete = !(await more(500))
        } else await breathe()
      }
      // Whatever the parse did not ask for is still read, for the bounds, and let go.
      while (!complete) {
        const before = sheet.rows.length
        complete = !(await more(500))
        for (let r = before; r < sheet.rows.length; r++) sheet.rows[r] = undefined
      }
      arrivingRows.delete(sheet)
    }
  } catch (e) {
    if (e instanceof AppError) throw e
    throw invalid(fileName)
  }
  // Sheets in the workbook's order (the stream hands them over in the zip's order).
  wb.worksheets.sort((a, b) => a.id - b.id)
  if (wb.worksheets.length === 0) throw new AppError('IMPORT_INVALID', `文件“${fileName}”中没有工作表`)
  guardParsedWorkbook(lean, fileName, { formulasChecked: true })
  if (opts.parse && result === null) {
    // No sheet by the live name: parsed now, from the whole grid.
    const steps = opts.parse(lean)
    if (steps) result = await runAsync(steps)
  }
  return { wb: lean, result }
}
