import { describe, expect, it } from 'vitest'
import { DEFAULT_EXANTE_RULES as R, checkExanteScores, entersLibrary, exanteTotal, suggestExanteConclusion, type ExanteRules } from '../../shared/exante'

const all = (v: number) => Object.fromEntries(R.dimensions.map((d) => [d.key, v]))

describe('事前评估 scoring', () => {
  it('adds the five dimensions to a total on 100', () => {
    expect(exanteTotal(R, { necessity: 18, economy: 17, targets: 17, feasibility: 16, compliance: 18 })).toBe(86)
  })
  it('gives no total while a dimension is unscored', () => {
    expect(exanteTotal(R, { ...all(10), compliance: null })).toBeNull()
    expect(suggestExanteConclusion(R, null)).toBeNull()
  })
  it('rescales when the configured points do not add up to 100', () => {
    const rules: ExanteRules = { ...R, dimensions: [{ key: 'a', name: '甲', maxScore: 30 }, { key: 'b', name: '乙', maxScore: 30 }] }
    expect(exanteTotal(rules, { a: 30, b: 15 })).toBe(75)
  })
  it.each([
    [100, '予以支持'],
    [80, '予以支持'],
    [79.9, '调整后予以支持'],
    [60, '调整后予以支持'],
    [59.9, '不予支持'],
    [0, '不予支持'],
  ])('total %d → %s at the default thresholds 80/60', (total, c) => {
    expect(suggestExanteConclusion(R, total)).toBe(c)
  })
  it('follows thresholds from settings', () => {
    expect(suggestExanteConclusion({ ...R, thresholds: { support: 85, adjust: 70 } }, 80)).toBe('调整后予以支持')
  })
  it('names the dimension that is out of range or missing', () => {
    const p = checkExanteScores(R, { ...all(10), necessity: 25, economy: null })
    expect(p.map((x) => x.message)).toEqual(['“立项必要性”得分 25 超出范围，应在 0 至 20 分之间', '“投入经济性”尚未评分'])
  })
  it('lets only supported proposals into the 项目库', () => {
    expect(entersLibrary('予以支持')).toBe(true)
    expect(entersLibrary('调整后予以支持')).toBe(true)
    expect(entersLibrary('不予支持')).toBe(false)
  })
})
