/**
 * Money is stored as integer 分 (fen). Users enter and read 万元 (2 decimals by default) or 元.
 * All arithmetic runs on integers; decimal text is parsed digit by digit, never through floats.
 */

export const FEN_PER_YUAN = 100
export const FEN_PER_WAN = 1_000_000

export type MoneyUnit = '万元' | '元'

const FEN_PER: Record<MoneyUnit, number> = { 万元: FEN_PER_WAN, 元: FEN_PER_YUAN }
/** Decimal places that still land on whole 分 for each unit. */
const MAX_DECIMALS: Record<MoneyUnit, number> = { 万元: 6, 元: 2 }

export type ParseMoneyResult = { ok: true; fen: number } | { ok: false; message: string }

function toHalfWidth(s: string): string {
  return s
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\uFF0E/g, '.')
    .replace(/[\uFF0C，]/g, ',')
    .replace(/\uFF0D/g, '-')
}

/**
 * Parses a user's amount ("1,573.00", "１５７３", " 280610.08 ", 1573) in the given unit into 分.
 * Digits beyond what 分 can hold are rounded half away from zero. Returns a Chinese message on failure.
 */
export function parseMoney(input: string | number | null | undefined, unit: MoneyUnit = '万元'): ParseMoneyResult {
  if (input === null || input === undefined) return { ok: false, message: '金额不能为空' }
  let text = typeof input === 'number' ? numberToPlain(input) : toHalfWidth(String(input)).trim()
  if (text === '') return { ok: false, message: '金额不能为空' }
  text = text.replace(/(万元|元)$/, '').trim()
  const shown = typeof input === 'number' ? String(input) : String(input).trim()
  // Thousands separators only in groups of three before the decimal point.
  if (text.includes(',')) {
    if (!/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) {
      return { ok: false, message: `金额“${shown}”不是有效数字，请只填数字和小数点（千分位逗号须每三位一组）` }
    }
    text = text.replace(/,/g, '')
  }
  const m = /^(-)?(\d+)(?:\.(\d*))?$/.exec(text)
  if (!m) return { ok: false, message: `金额“${shown}”不是有效数字，请只填数字和小数点` }
  const negative = m[1] === '-'
  const intPart = m[2]!
  const fracPart = m[3] ?? ''
  const scale = MAX_DECIMALS[unit]
  const kept = (fracPart + '0'.repeat(scale)).slice(0, scale)
  const nextDigit = fracPart.length > scale ? Number(fracPart[scale]) : 0
  const digits = (intPart + kept).replace(/^0+(?=\d)/, '')
  if (digits.length > 15) return { ok: false, message: `金额“${shown}”过大，请检查单位是否应为万元` }
  let fen = Number(digits)
  if (nextDigit >= 5) fen += 1
  if (!Number.isSafeInteger(fen)) return { ok: false, message: `金额“${shown}”过大` }
  return { ok: true, fen: negative ? -fen : fen }
}

/** Like parseMoney but throws; for code paths where the input was already validated. */
export function toFen(input: string | number, unit: MoneyUnit = '万元'): number {
  const r = parseMoney(input, unit)
  if (!r.ok) throw new Error(r.message)
  return r.fen
}

function numberToPlain(n: number): string {
  if (!Number.isFinite(n)) return 'NaN'
  // toFixed(8) avoids exponent notation; floats from Excel cells are rounded at 分 afterwards.
  return n.toFixed(8).replace(/\.?0+$/, '')
}

/** Integer division rounded half away from zero. */
function divRound(a: number, b: number): number {
  const q = Math.trunc(a / b)
  const r = a - q * b
  if (Math.abs(r) * 2 >= b) return q + Math.sign(a)
  return q
}

/**
 * Formats 分 as text in the unit with `decimals` places (rounded half away from zero),
 * with thousands separators when `grouping` is true.
 */
export function formatMoney(fen: number, unit: MoneyUnit = '万元', decimals = 2, grouping = false): string {
  const per = FEN_PER[unit]
  const step = per / 10 ** decimals
  if (!Number.isInteger(step)) throw new Error(`${unit} 最多保留 ${MAX_DECIMALS[unit]} 位小数`)
  const units = divRound(fen, step)
  const neg = units < 0
  const abs = String(Math.abs(units)).padStart(decimals + 1, '0')
  let int = abs.slice(0, abs.length - decimals)
  const frac = decimals > 0 ? abs.slice(abs.length - decimals) : ''
  if (grouping) int = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return (neg ? '-' : '') + int + (frac ? '.' + frac : '')
}

export const formatWan = (fen: number, decimals = 2) => formatMoney(fen, '万元', decimals)
export const formatYuan = (fen: number) => formatMoney(fen, '元', 2)

/** 万元 text without trailing zeros, as a report would write it: 1573, 15718.94, 280610.08. */
export function formatWanPlain(fen: number): string {
  return formatMoney(fen, '万元', 2).replace(/\.00$/, '').replace(/(\.\d)0$/, '$1')
}

/** Sums 分 amounts; refuses non-integers so a float never slips into a total. */
export function sumFen(values: Iterable<number | null | undefined>): number {
  let total = 0
  for (const v of values) {
    if (v === null || v === undefined) continue
    if (!Number.isSafeInteger(v)) throw new Error(`金额 ${v} 不是整数分`)
    total += v
  }
  if (!Number.isSafeInteger(total)) throw new Error('合计金额超出可精确表示的范围')
  return total
}

/** Ratio of two 分 amounts as a percentage with 2 decimals (e.g. 执行率), or null when the base is 0. */
export function ratePercent(part: number, whole: number): number | null {
  if (whole === 0) return null
  return divRound(part * 10000, whole) / 100
}
