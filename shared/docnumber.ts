/**
 * 发文字号 per GB/T 9704-2012 7.2.4: 代字 + year in 六角括号 + serial number without leading zeros + 号.
 * Example: 师财预〔2024〕104号.
 */
export function formatDocNumber(prefix: string, year: number, serial: number): string {
  if (!prefix.trim()) throw new Error('文号代字不能为空')
  if (!Number.isInteger(year) || year < 1900 || year > 9999) throw new Error(`年份 ${year} 无效`)
  if (!Number.isInteger(serial) || serial < 1) throw new Error(`序号 ${serial} 无效，须为正整数`)
  return `${prefix.trim()}〔${year}〕${serial}号`
}

export interface ParsedDocNumber {
  prefix: string
  year: number
  serial: number
}

/**
 * Reads a 文号 as people actually type it: 〔〕, [], ［］, 【】, () or （） around the year,
 * with or without 第, with leading zeros. Returns null if it is not a 文号.
 */
export function parseDocNumber(text: string): ParsedDocNumber | null {
  const m = /^\s*(.+?)\s*[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*第?\s*0*(\d+)\s*号\s*$/.exec(text)
  if (!m) return null
  return { prefix: m[1]!, year: Number(m[2]), serial: Number(m[3]) }
}

/** The next free serial: above both the highest issued and the configured starting point. */
export function nextSerial(issued: readonly number[], startAt = 1): number {
  let max = startAt - 1
  for (const n of issued) if (n > max) max = n
  return max + 1
}
