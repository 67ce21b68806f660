/** Calendar dates as the records store them: YYYY-MM-DD in local time. */
export function isoDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

/** A date as documents and lists write it: 2024年3月15日 (no leading zeros). */
export function zhDate(iso: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? '')
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : ''
}

/** A moment as lists write it, in local time: 2024年3月15日 09:47 (left as given when not a date). */
export function zhDateTime(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const p = (n: number) => String(n).padStart(2, '0')
  return `${zhDate(isoDate(d))} ${p(d.getHours())}:${p(d.getMinutes())}`
}

/**
 * The date a form or document proposes in a work year: today when the PC's clock is in that year,
 * else a date inside the work year, so that a clerk entering 2023's records in 2024 is not handed a
 * 2024 date. Backfilling a past year, a round's date (its deadline, when it falls in the year) is
 * used, else the year's last day; preparing a later year, its first day.
 */
export function defaultDateIn(workYear: number, today: Date, roundDate?: string | null): string {
  const t = isoDate(today)
  if (today.getFullYear() === workYear) return t
  if (today.getFullYear() < workYear) return `${workYear}-01-01`
  return roundDate && roundDate.startsWith(`${workYear}-`) ? roundDate.slice(0, 10) : `${workYear}-12-31`
}

/** A deadline `days` after a date, as YYYY-MM-DD (calendar days, local time). */
export function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number]
  return isoDate(new Date(y, m - 1, d + days))
}

/**
 * The work years a clerk may switch to: every year the data needs (work years with records; for
 * each budget year with projects, that year and the next, which evaluates it), the year being
 * worked in, and N−1 … N+1 around the year chosen on first start (before that, the PC's year −3 … +1).
 */
export function workYearsOffered(o: { dataYears: number[]; budgetYears: number[]; chosen: number | null; current: number; pcYear: number }): number[] {
  const set = new Set<number>([...o.dataYears, o.current])
  for (const b of o.budgetYears) set.add(b).add(b + 1)
  // Before a year is chosen the PC's clock is all there is: offer a wider range around it.
  const [from, to] = o.chosen !== null ? [o.chosen - 1, o.chosen + 1] : [o.pcYear - 3, o.pcYear + 1]
  for (let y = from; y <= to; y++) set.add(y)
  return [...set].filter((y) => y >= 2000 && y <= 2100).sort((a, b) => b - a)
}
