/** Dates as documents and lists write them, defaults inside the work year, the years offered. */
import { describe, expect, it } from 'vitest'
import { addDays, defaultDateIn, workYearsOffered, zhDate, zhDateTime } from '../../shared/dates'

describe('dates', () => {
  it('writes 2024年3月15日 without leading zeros', () => {
    expect(zhDate('2024-03-15')).toBe('2024年3月15日')
    expect(zhDate('2024-10-08')).toBe('2024年10月8日')
    expect(zhDate('')).toBe('')
    expect(zhDate(null)).toBe('')
  })

  it('writes a moment as 2024年3月5日 09:07 in local time', () => {
    expect(zhDateTime(new Date(2024, 2, 5, 9, 7).toISOString())).toBe('2024年3月5日 09:07')
    expect(zhDateTime('不是日期')).toBe('不是日期')
  })

  it('proposes a date inside the work year, not the PC clock alone', () => {
    const pc = new Date(2026, 11, 1) // 2026-12-01
    expect(defaultDateIn(2026, pc)).toBe('2026-12-01')
    expect(defaultDateIn(2024, pc)).toBe('2024-12-31')
    expect(defaultDateIn(2027, pc)).toBe('2027-01-01')
  })

  it('dates a round’s documents at its deadline when backfilling a past year, never outside the year', () => {
    const pc = new Date(2026, 11, 1) // 2026-12-01
    // 2024's round closed on 2024-03-15: its 意见书 and 公开日期 are proposed on that day.
    expect(defaultDateIn(2024, pc, '2024-03-15')).toBe('2024-03-15')
    // A deadline outside the work year (or none) falls back to the year's last day.
    expect(defaultDateIn(2024, pc, '2025-01-10')).toBe('2024-12-31')
    expect(defaultDateIn(2024, pc, null)).toBe('2024-12-31')
    // The clock in the work year: today, whatever the round says.
    expect(defaultDateIn(2026, pc, '2026-03-15')).toBe('2026-12-01')
    // Preparing a later year: its first day.
    expect(defaultDateIn(2027, pc, '2027-03-15')).toBe('2027-01-01')
  })

  it('counts deadlines in calendar days across month and year ends', () => {
    expect(addDays('2024-12-31', 30)).toBe('2025-01-30')
    expect(addDays('2024-02-15', 15)).toBe('2024-03-01') // 2024 is a leap year
  })

  it('offers N−1 … N+1 around the first year and every year the data needs', () => {
    // First start chose 2024 on a PC whose clock says 2026: 2023–2025, not 2023–2027.
    expect(workYearsOffered({ dataYears: [], budgetYears: [], chosen: 2024, current: 2024, pcYear: 2026 })).toEqual([2025, 2024, 2023])
    // 2021's projects are evaluated in 2022; an old round of 2019 stays reachable.
    expect(workYearsOffered({ dataYears: [2019], budgetYears: [2021, 2024], chosen: 2024, current: 2024, pcYear: 2026 })).toEqual([2025, 2024, 2023, 2022, 2021, 2019])
    // Nothing chosen yet: the PC's year −3 … +1.
    expect(workYearsOffered({ dataYears: [], budgetYears: [], chosen: null, current: 2026, pcYear: 2026 })).toEqual([2027, 2026, 2025, 2024, 2023])
  })
})
