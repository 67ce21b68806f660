import { describe, expect, it } from 'vitest'
import { DEFAULT_WARNING_RULES as R, budgetLight, indicatorLight, worstLight } from '../../shared/monitoring'

describe('budget execution light (执行率 against the share of the year)', () => {
  it.each([
    [44, 'red'], // 44% at month 9 → 58.67 of the expected 75% → red
    [45, 'yellow'], // exactly 60
    [59.99, 'yellow'],
    [60, 'green'], // exactly 80
    [100, 'green'],
  ])('%d%% executed by September → %s', (pct, light) => {
    const budget = 100_000_000
    expect(budgetLight(Math.round((budget * pct) / 100), budget, 9, R).light).toBe(light)
  })
  it('has no light without a budget', () => {
    expect(budgetLight(5, 0, 9, R)).toEqual({ score: null, light: null, rate: null })
  })
  it('follows thresholds from settings', () => {
    expect(budgetLight(50, 100, 12, { ...R, red: 70 }).light).toBe('red')
  })
})

describe('indicator light', () => {
  const base = { operator: '≥', level2: '数量指标', targetValue: '1200', actual: '', forecast: '', likelihood: '' }
  it('pro-rates an amount target by month', () => {
    expect(indicatorLight({ ...base, actual: '900' }, 9, R)).toBe('green') // 100% of 900
    expect(indicatorLight({ ...base, actual: '720' }, 9, R)).toBe('green') // 80%
    expect(indicatorLight({ ...base, actual: '719' }, 9, R)).toBe('yellow')
    expect(indicatorLight({ ...base, actual: '539' }, 9, R)).toBe('red')
  })
  it('treats 0 as red and compares percent targets directly', () => {
    expect(indicatorLight({ ...base, actual: '0' }, 9, R)).toBe('red')
    expect(indicatorLight({ ...base, targetValue: '95%', actual: '90' }, 9, R)).toBe('green')
    expect(indicatorLight({ ...base, targetValue: '95%', actual: '50' }, 9, R)).toBe('red')
  })
  it('judges a ≤ indicator by its forecast against the target', () => {
    const rev = { ...base, operator: '≤', targetValue: '100' }
    expect(indicatorLight({ ...rev, actual: '80', forecast: '100' }, 9, R)).toBe('green')
    expect(indicatorLight({ ...rev, actual: '80', forecast: '110' }, 9, R)).toBe('yellow')
    expect(indicatorLight({ ...rev, actual: '80', forecast: '121' }, 9, R)).toBe('red')
  })
  it('reads qualitative levels and 不可能', () => {
    const q = { ...base, operator: '定性', targetValue: '明显改善' }
    expect(indicatorLight({ ...q, actual: '达成年度指标' }, 9, R)).toBe('green')
    expect(indicatorLight({ ...q, actual: '部分达成年度指标并具有一定效果' }, 9, R)).toBe('yellow')
    expect(indicatorLight({ ...q, actual: '未达成年度指标且效果较差' }, 9, R)).toBe('red')
    expect(indicatorLight({ ...base, actual: '1200', likelihood: '不可能' }, 9, R)).toBe('red')
  })
  it('takes the worst light', () => {
    expect(worstLight(['green', null, 'yellow'])).toBe('yellow')
    expect(worstLight([null])).toBeNull()
  })
})
