import { describe, expect, it } from 'vitest'
import { DEFAULT_SCORING_RULES as R, defaultWeights, executionScore, gradeOf, needsOverrideReason, scoreIndicator, totalScore } from '../../shared/scoring'

const s = (operator: string, targetValue: string, actual: string, weight = 10) => scoreIndicator({ operator, targetValue, actual, weight }, R)

describe('预算执行率 score', () => {
  it('is rate × 10, capped at 10', () => {
    expect(executionScore(1000, 950, R)).toEqual({ rate: 95, score: 9.5 })
    expect(executionScore(1000, 1000, R)).toEqual({ rate: 100, score: 10 })
    expect(executionScore(1000, 1200, R)).toEqual({ rate: 120, score: 10 })
    expect(executionScore(1000, 1200, { ...R, capExecution: false }).score).toBe(12)
    expect(executionScore(0, 5, R)).toEqual({ rate: null, score: 0 })
  })
})

describe('indicator rules', () => {
  it('正向 ≥: full at the target, proportional below, capped above', () => {
    expect(s('≥', '100', '100').score).toBe(10)
    expect(s('≥', '100', '130').score).toBe(10)
    expect(s('≥', '100', '87').score).toBe(8.7)
    expect(s('≥', '95%', '90%').score).toBe(9.47)
    expect(s('≥', '100', '0').score).toBe(0)
  })
  it('反向 ≤: full at or under the target, linear to 0 at twice the target', () => {
    expect(s('≤', '100', '100').score).toBe(10)
    expect(s('≤', '100', '60').score).toBe(10)
    expect(s('≤', '100', '150').score).toBe(5)
    expect(s('≤', '100', '199').score).toBe(0.1)
    expect(s('≤', '100', '200').score).toBe(0)
    expect(s('≤', '100', '300').score).toBe(0)
  })
  it('等于: a zero target is all or nothing; a positive one scores like ≥', () => {
    expect(s('=', '0', '0').score).toBe(10)
    expect(s('=', '0', '1').score).toBe(0)
    expect(s('=', '100', '100').score).toBe(10)
    expect(s('=', '100', '90').score).toBe(9)
  })
  it('定性 by the three levels of 10号', () => {
    expect(s('定性', '明显改善', '达成年度指标').score).toBe(10)
    expect(s('定性', '明显改善', '部分达成年度指标并具有一定效果').score).toBe(7)
    expect(s('定性', '明显改善', '未达成年度指标且效果较差').score).toBe(3)
    expect(s('定性', '明显改善', '').score).toBeNull()
  })
  it('gives no suggestion for a blank or non-numeric actual', () => {
    expect(s('≥', '100', '').score).toBeNull()
    expect(s('≥', '100', '基本完成').score).toBeNull()
  })
})

describe('overrides', () => {
  it('need a reason when the final differs from the rule, except within a qualitative level’s range', () => {
    expect(needsOverrideReason(8.7, 8.7, '≥', 10, '87', R)).toBe(false)
    expect(needsOverrideReason(8.7, 10, '≥', 10, '87', R)).toBe(true)
    expect(needsOverrideReason(7, 6, '定性', 10, '部分达成年度指标并具有一定效果', R)).toBe(false)
    expect(needsOverrideReason(7, 8.5, '定性', 10, '部分达成年度指标并具有一定效果', R)).toBe(true)
  })
})

describe('total and grade', () => {
  it('adds execution and indicators on 100', () => {
    const t = totalScore({ executionScore: 9.5, indicators: [{ weight: 50, score: 45 }, { weight: 30, score: 27 }, { weight: 10, score: 9 }] }, R)
    expect(t).toEqual({ total: 90.5, grade: '优' })
  })
  it('rescales when an indicator is dropped as 不适用', () => {
    const t = totalScore({ executionScore: 10, indicators: [{ weight: 50, score: 40 }, { weight: 30, score: 30 }] }, R)
    expect(t.total).toBe(88.89) // 80 of 90
    expect(t.grade).toBe('良')
  })
  it.each([
    [90, '优'],
    [89.99, '良'],
    [80, '良'],
    [79.99, '中'],
    [60, '中'],
    [59.99, '差'],
  ])('%d → %s at the default bands 90/80/60', (total, g) => {
    expect(gradeOf(total, R)).toBe(g)
  })
  it('splits category weights when indicators carry none', () => {
    expect(defaultWeights(['产出指标', '产出指标', '效益指标', '满意度指标'], R)).toEqual([25, 25, 30, 10])
  })
})
