import { describe, expect, it } from 'vitest'
import { formatMoney, formatWan, formatWanPlain, parseMoney, ratePercent, sumFen, toFen } from '../../shared/money'

describe('parseMoney (万元 → 分)', () => {
  it.each([
    ['1573', 1_573_000_000],
    ['1,573.00', 1_573_000_000],
    ['280610.08', 280_610_080_000],
    ['15718.94', 15_718_940_000],
    ['０．５', 500_000],
    [' 12 ', 12_000_000],
    ['1573万元', 1_573_000_000],
    ['0.000001', 1],
    ['0.0000005', 1], // half a 分 rounds up
    ['0.0000004', 0],
  ])('%s 万元 = %i 分', (text, fen) => {
    expect(parseMoney(text)).toEqual({ ok: true, fen })
  })

  it('reads numbers from Excel cells without float noise', () => {
    expect(toFen(0.1 + 0.2)).toBe(300_000)
    expect(toFen(14052)).toBe(14_052_000_000)
  })

  it('reads 元', () => {
    expect(parseMoney('1234.56', '元')).toEqual({ ok: true, fen: 123456 })
    expect(parseMoney('0.005', '元')).toEqual({ ok: true, fen: 1 })
  })

  it.each(['12,3x', '1,23', 'abc', '1.2.3', '', '--5', '１２,３'])('rejects “%s” with a Chinese message naming it', (text) => {
    const r = parseMoney(text)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.message).toMatch(/金额/)
  })

  it('names the bad text in the message', () => {
    const r = parseMoney('12,3x')
    expect(r.ok === false && r.message).toContain('“12,3x”')
  })

  it('refuses absurdly large amounts instead of losing precision', () => {
    expect(parseMoney('99999999999999999').ok).toBe(false)
  })
})

describe('formatMoney', () => {
  it('shows 万元 with 2 decimals, rounding half away from zero', () => {
    expect(formatWan(1_573_000_000)).toBe('1573.00')
    expect(formatWan(280_610_080_000)).toBe('280610.08')
    expect(formatWan(5_000)).toBe('0.01') // 50元 = 0.005万元 → 0.01
    expect(formatWan(4_999)).toBe('0.00')
    expect(formatWan(-5_000)).toBe('-0.01')
  })
  it('groups thousands on request and shows 元', () => {
    expect(formatMoney(280_610_080_000, '万元', 2, true)).toBe('280,610.08')
    expect(formatMoney(123456, '元')).toBe('1234.56')
  })
  it('writes report figures without trailing zeros', () => {
    expect(formatWanPlain(1_573_000_000)).toBe('1573')
    expect(formatWanPlain(15_718_940_000)).toBe('15718.94')
    expect(formatWanPlain(14_052_500_000)).toBe('14052.5')
  })
})

describe('sums and rates on integers', () => {
  it('sums 分 exactly where floats would drift', () => {
    const parts = Array.from({ length: 10 }, () => toFen('0.000001'))
    expect(sumFen(parts)).toBe(10)
    expect(sumFen([toFen('15718.94'), toFen('0.06')])).toBe(15_719_000_000)
  })
  it('refuses a float in a sum', () => {
    expect(() => sumFen([1, 0.5])).toThrow(/整数分/)
  })
  it('computes 执行率 with 2 decimals and null for a zero base', () => {
    expect(ratePercent(2, 3)).toBe(66.67)
    expect(ratePercent(5, 0)).toBeNull()
  })
})
