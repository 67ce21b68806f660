/**
 * Every uploaded workbook passes here before a parser sees it (loadWorkbook calls it): the file's
 * size, the bytes it really inflates to (each part is inflated with a hard output cap, so a zip
 * whose directory lies about sizes is caught too), the number of parts, rows per sheet, cells and
 * the longest cell text. Then, on the parsed workbook: hidden sheets are reported,
 * and formula cells must carry their cached result.
 */
import type ExcelJS from 'exceljs'
import { promisify } from 'node:util'
import { inflateRaw } from 'node:zlib'
import { WORKBOOK_LIMITS as L } from '../../shared/limits'
import { AppError } from '../../shared/result'

const inflateRawAsync = promisify(inflateRaw) as (buf: Buffer, opts: { maxOutputLength: number }) => Promise<Buffer>
const refuse = (fileName: string, why: string) => new AppError('IMPORT_INVALID', `文件“${fileName}”${why}，未导入任何数据`)
/** What the product's workbook builders put in the file's creator property. */
export const PRODUCT_CREATOR = '预算绩效管理'
const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`

export interface ZipEntry {
  name: string
  method: number
  compressed: number
  localOffset: number
}

/**
 * The zip's central directory (the parts and where they are), without inflating anything.
 * `bad` makes the error for a structure that is not a zip (each reader words it for its users).
 */
export function zipEntries(
  data: Buffer,
  fileName: string,
  bad = () => refuse(fileName, '不是有效的 Excel 工作簿（.xlsx），可能已损坏，请用 Excel 或 WPS 打开确认后另存为 .xlsx 再导入'),
): ZipEntry[] {
  let eocd = -1
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 65535); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) throw bad()
  const count = data.readUInt16LE(eocd + 10)
  const cdOffset = data.readUInt32LE(eocd + 16)
  if (count === 0xffff || cdOffset === 0xffffffff) throw refuse(fileName, '过大（ZIP64 格式），不是普通的单位填报表')
  if (count > L.entries) throw refuse(fileName, `内部包含 ${count} 个部件，超过 ${L.entries} 个的上限，不像是正常的填报表`)
  const out: ZipEntry[] = []
  let p = cdOffset
  for (let i = 0; i < count; i++) {
    if (p + 46 > data.length || data.readUInt32LE(p) !== 0x02014b50) throw bad()
    const method = data.readUInt16LE(p + 10)
    const compressed = data.readUInt32LE(p + 20)
    const nameLen = data.readUInt16LE(p + 28)
    const extraLen = data.readUInt16LE(p + 30)
    const commentLen = data.readUInt16LE(p + 32)
    const localOffset = data.readUInt32LE(p + 42)
    out.push({ name: data.toString('utf8', p + 46, p + 46 + nameLen), method, compressed, localOffset })
    p += 46 + nameLen + extraLen + commentLen
  }
  return out
}

/**
 * One part inflated, in zlib's thread pool (a workbook's parts inflated on the main thread held it
 * for 90 ms at a few hundred sheets), refused past `cap` bytes.
 */
async function inflate(data: Buffer, e: ZipEntry, cap: number, fileName: string): Promise<Buffer> {
  const p = e.localOffset
  if (p + 30 > data.length || data.readUInt32LE(p) !== 0x04034b50) throw refuse(fileName, '已损坏（内部结构不完整）')
  const start = p + 30 + data.readUInt16LE(p + 26) + data.readUInt16LE(p + 28)
  const raw = data.subarray(start, start + e.compressed)
  if (e.method === 0) return raw
  if (e.method !== 8) throw refuse(fileName, '使用了 Excel 不用的压缩方式，可能不是 Excel 保存的文件')
  try {
    return await inflateRawAsync(raw, { maxOutputLength: Math.max(1, cap) })
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw refuse(fileName, `解压后超过 ${mb(L.inflatedBytes)}，不像是正常的填报表（可能是“压缩炸弹”）`)
    }
    throw refuse(fileName, '已损坏（内部数据无法解压）')
  }
}

function count(buf: Buffer, needle: string): number {
  const n = Buffer.from(needle)
  let c = 0
  for (let i = buf.indexOf(n); i >= 0; i = buf.indexOf(n, i + n.length)) c++
  return c
}

/** The longest <t>…</t> text in a part, in characters (entities counted as one). */
function longestText(buf: Buffer): number {
  let longest = 0
  const open = Buffer.from('<t')
  const close = Buffer.from('</t>')
  for (let i = buf.indexOf(open); i >= 0; i = buf.indexOf(open, i + 2)) {
    const next = buf[i + 2]
    if (next !== 0x3e && next !== 0x20) continue // <t> or <t xml:space…>, not <tableParts…>
    const gt = buf.indexOf(0x3e, i)
    const end = buf.indexOf(close, gt)
    if (gt < 0 || end < 0) break
    const bytes = end - gt - 1
    // Fewer bytes than the limit cannot be more characters; only long ones are decoded.
    if (bytes > L.cellChars) {
      const chars = [...buf.toString('utf8', gt + 1, end).replace(/&[#a-zA-Z0-9]+;/g, '_')].length
      if (chars > longest) longest = chars
    }
    i = end
  }
  return longest
}

/** Sheet names by part (xl/worksheets/sheetN.xml), and which are hidden, from workbook.xml + rels. */
function sheetNames(parts: Map<string, Buffer>): { byPart: Map<string, string>; hidden: string[] } {
  const wb = parts.get('xl/workbook.xml')?.toString('utf8') ?? ''
  const rels = parts.get('xl/_rels/workbook.xml.rels')?.toString('utf8') ?? ''
  const target = new Map<string, string>()
  for (const m of rels.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = /\bId="([^"]+)"/.exec(m[0])?.[1]
    const t = /\bTarget="([^"]+)"/.exec(m[0])?.[1]
    if (id && t) target.set(id, t.replace(/^\/?(xl\/)?/, 'xl/'))
  }
  const byPart = new Map<string, string>()
  const hidden: string[] = []
  for (const m of wb.matchAll(/<sheet\b[^>]*>/g)) {
    const name = (/\bname="([^"]*)"/.exec(m[0])?.[1] ?? '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
    const rid = /\br:id="([^"]+)"/.exec(m[0])?.[1]
    if (rid && target.has(rid)) byPart.set(target.get(rid)!, name)
    if (/\bstate="(hidden|veryHidden)"/.test(m[0])) hidden.push(name)
  }
  return { byPart, hidden }
}

/** Checks the bytes of an upload; throws IMPORT_INVALID naming the first bound it breaks. */
export async function guardWorkbookBytes(data: Buffer, fileName: string): Promise<void> {
  if (data.length > L.fileBytes) throw refuse(fileName, `有 ${mb(data.length)}，超过 ${mb(L.fileBytes)} 的上限`)
  if (data.length < 22 || data.readUInt32LE(0) !== 0x04034b50) {
    throw refuse(fileName, '不是有效的 Excel 工作簿（.xlsx），可能已损坏或不是表格文件，请用 Excel 或 WPS 打开确认后另存为 .xlsx 再导入')
  }
  let inflated = 0
  const parts = new Map<string, Buffer>()
  for (const e of zipEntries(data, fileName)) {
    const buf = await inflate(data, e, L.inflatedBytes - inflated + 1, fileName)
    inflated += buf.length
    if (inflated > L.inflatedBytes) throw refuse(fileName, `解压后超过 ${mb(L.inflatedBytes)}，不像是正常的填报表（可能是“压缩炸弹”）`)
    if (/\.xml$|\.rels$/.test(e.name)) parts.set(e.name, buf)
  }
  const { byPart } = sheetNames(parts)
  const sheets = [...parts.keys()].filter((n) => n.startsWith('xl/worksheets/') && n.endsWith('.xml')).length
  if (sheets > L.sheets) throw refuse(fileName, `有 ${sheets} 张工作表，超过一次导入 ${L.sheets} 张的上限；自评表等每个项目一张工作表的表格，请按单位分别导出、填写和导入`)
  let cells = 0
  for (const [name, buf] of parts) {
    if (name.startsWith('xl/worksheets/') && name.endsWith('.xml')) {
      const sheet = byPart.get(name) ?? name
      const rows = count(buf, '<row ') + count(buf, '<row>')
      if (rows > L.rowsPerSheet) throw refuse(fileName, `的工作表“${sheet}”有 ${rows} 行，超过 ${L.rowsPerSheet} 行的上限`)
      cells += count(buf, '<c ') + count(buf, '<c>')
      if (cells > L.cells) throw refuse(fileName, `的单元格超过 ${L.cells} 个的上限`)
      const long = longestText(buf)
      if (long > L.cellChars) throw refuse(fileName, `的工作表“${sheet}”中有一个单元格长达 ${long} 个字符，超过 Excel 单元格 ${L.cellChars} 个字符的上限`)
    } else if (name === 'xl/sharedStrings.xml') {
      const long = longestText(buf)
      if (long > L.cellChars) throw refuse(fileName, `中有一个单元格长达 ${long} 个字符，超过 Excel 单元格 ${L.cellChars} 个字符的上限`)
    }
  }
}

export const formulaWithoutResult = (fileName: string, sheet: string, address: string) =>
  refuse(fileName, `的工作表“${sheet}”单元格 ${address} 是公式，但文件中没有保存它的计算结果；请在 Excel 或 WPS 中打开后保存一次（或把公式改为数值）再导入`)

/** What the import should tell the user about a parsed workbook (hidden sheets set aside). */
const notices = new WeakMap<ExcelJS.Workbook, string[]>()
export const workbookNotices = (wb: ExcelJS.Workbook): string[] => notices.get(wb) ?? []

/** The product's own helper sheets (drop-down lists), which it makes very hidden itself. */
const OWN_HIDDEN = new Set(['下拉列表', '股室名单'])

/**
 * On the parsed workbook: hidden sheets (other than the product's own lists) are reported, since
 * what they hold is easy to overlook; a formula without a cached result is refused naming the cell.
 */
export function guardParsedWorkbook(wb: ExcelJS.Workbook, fileName: string, opts: { formulasChecked?: boolean } = {}): void {
  const said: string[] = []
  for (const ws of wb.worksheets) {
    if (ws.state === 'hidden' || (ws.state === 'veryHidden' && !OWN_HIDDEN.has(ws.name))) {
      said.push(`工作簿中的工作表“${ws.name}”是隐藏的；导入时它与其他工作表一样被读取，请在 Excel 中取消隐藏核对其内容`)
    }
  }
  // The product's own exports carry convenience formulas (合计, 执行率) that exceljs writes without
  // a result until Excel or WPS saves the file; the readers recompute those. In any other file, a
  // formula without a result has no known value: refused, naming the cell.
  if (wb.creator !== PRODUCT_CREATOR && !opts.formulasChecked) {
    for (const ws of wb.worksheets) {
      ws.eachRow({ includeEmpty: false }, (row) => {
        row.eachCell({ includeEmpty: false }, (cell) => {
          const v = cell.value as unknown
          if (v && typeof v === 'object' && ('formula' in v || 'sharedFormula' in v) && (v as { result?: unknown }).result == null) {
            throw formulaWithoutResult(fileName, ws.name, cell.address)
          }
        })
      })
    }
  }
  notices.set(wb, said)
}
