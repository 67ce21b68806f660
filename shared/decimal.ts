/**
 * Exact decimal numbers for rule boundaries: a value typed as "3.6" and a setting of 1.2 are compared
 * as 36/10 and 12/10, never as binary floats (3 × 1.2 is 3.5999999999999996 in a float, which would
 * turn a forecast of exactly 120% of its target red).
 */

/** value = n / 10^s */
export interface Dec {
  n: bigint
  s: number
}

const HALF_WIDTH = (t: string) =>
  t
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\uFF0E/g, '.')
    .replace(/[\uFF0D\u2212]/g, '-')

/** Parses "12", "-3.50", "１２.５", "1,234.5"; null for anything else (units and % must be stripped first). */
export function parseDecimal(text: string): Dec | null {
  let t = HALF_WIDTH(text).replace(/\s+/g, '')
  if (t.includes(',') || t.includes('，')) t = t.replace(/[,，]/g, '')
  const m = /^([-+])?(\d+)(?:\.(\d*))?$/.exec(t) ?? /^([-+])?()\.(\d+)$/.exec(t)
  if (!m) return null
  const frac = m[3] ?? ''
  const n = BigInt((m[2] || '0') + frac)
  return { n: m[1] === '-' ? -n : n, s: frac.length }
}

/** A number from a setting or a cell, by its shortest decimal text (1.2 → 12/10). */
export function decOf(x: number): Dec {
  if (!Number.isFinite(x)) throw new Error(`不是有限数：${x}`)
  const text = Math.abs(x) >= 1e21 || (x !== 0 && Math.abs(x) < 1e-6) ? x.toFixed(12) : String(x)
  return parseDecimal(text)!
}

const scaleTo = (d: Dec, s: number): bigint => d.n * 10n ** BigInt(s - d.s)

export function cmpDec(a: Dec, b: Dec): -1 | 0 | 1 {
  const s = Math.max(a.s, b.s)
  const x = scaleTo(a, s)
  const y = scaleTo(b, s)
  return x < y ? -1 : x > y ? 1 : 0
}

export const mulDec = (a: Dec, b: Dec): Dec => ({ n: a.n * b.n, s: a.s + b.s })
export const addDec = (a: Dec, b: Dec): Dec => {
  const s = Math.max(a.s, b.s)
  return { n: scaleTo(a, s) + scaleTo(b, s), s }
}
export const negDec = (a: Dec): Dec => ({ n: -a.n, s: a.s })
export const subDec = (a: Dec, b: Dec): Dec => addDec(a, negDec(b))
export const isZero = (a: Dec) => a.n === 0n
export const sign = (a: Dec) => (a.n < 0n ? -1 : a.n > 0n ? 1 : 0)

/** a ÷ b rounded half away from zero to `decimals` places; b must not be 0. */
export function divDec(a: Dec, b: Dec, decimals: number): Dec {
  if (b.n === 0n) throw new Error('除数为 0')
  // a/b = (a.n / 10^a.s) / (b.n / 10^b.s) = a.n × 10^(b.s) / (b.n × 10^(a.s))
  let num = a.n * 10n ** BigInt(b.s + decimals)
  let den = b.n * 10n ** BigInt(a.s)
  if (den < 0n) {
    num = -num
    den = -den
  }
  const neg = num < 0n
  const abs = neg ? -num : num
  let q = abs / den
  if ((abs % den) * 2n >= den) q += 1n
  return { n: neg ? -q : q, s: decimals }
}

/** Rounds half away from zero to `decimals` places. */
export const roundDec = (a: Dec, decimals: number): Dec => (a.s <= decimals ? a : divDec(a, { n: 1n, s: 0 }, decimals))

export function decToString(a: Dec): string {
  const neg = a.n < 0n
  const digits = (neg ? -a.n : a.n).toString().padStart(a.s + 1, '0')
  const int = digits.slice(0, digits.length - a.s)
  const frac = a.s > 0 ? digits.slice(digits.length - a.s).replace(/0+$/, '') : ''
  return (neg ? '-' : '') + int + (frac ? '.' + frac : '')
}

export const decToNumber = (a: Dec): number => Number(decToString(a))
