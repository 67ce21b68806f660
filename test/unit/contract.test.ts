import { describe, expect, it } from 'vitest'
import { api, describeZodError } from '../../shared/api'
import { CHANNELS } from '../../shared/channels'
import { DEFAULT_SETTINGS } from '../../shared/settings'

describe('API contract', () => {
  it('defines exactly the channels the preload exposes', () => {
    expect(Object.keys(api).sort()).toEqual([...CHANNELS].sort())
  })
  it('parses an amount in 万元 to 分 and names a bad one in Chinese', () => {
    const base = { workYear: 2024, unitId: 'u', projectName: '项目', fundSource: '一般公共预算', basis: '', scores: {} }
    const ok = api['exante/save'].input.safeParse({ ...base, amountWan: '1,573.5' })
    expect(ok.success && ok.data.amountWan).toBe(1_573_500_000)
    const bad = api['exante/save'].input.safeParse({ ...base, amountWan: '12,3x' })
    expect(bad.success).toBe(false)
    if (!bad.success) expect(describeZodError(bad.error)).toBe('金额“12,3x”不是有效数字，请只填数字和小数点（千分位逗号须每三位一组）')
  })
  it('refuses a negative amount, a bad date and an unknown fund source', () => {
    const r = api['exante/save'].input.safeParse({ workYear: 2024, unitId: 'u', projectName: 'x', amountWan: '-1', fundSource: '其他', basis: '', scores: {} })
    expect(r.success).toBe(false)
    expect(api['trainings/save'].input.safeParse({ date: '2024/4/24', title: 'a', organiser: 'b', form: 'c', participantCount: 1, notes: '' }).success).toBe(false)
  })
  it('speaks Chinese for type mismatches too', () => {
    const r = api['units/save'].input.safeParse({ code: 1, name: '', divisionId: null, parentName: '' })
    expect(r.success).toBe(false)
    if (!r.success) expect(describeZodError(r.error)).toMatch(/[\u4e00-\u9fa5]/)
    if (!r.success) expect(describeZodError(r.error)).not.toMatch(/Invalid|expected/)
  })
  it('checks settings thresholds', () => {
    const s = api['settings/save'].input.safeParse({
      org: { county: 'a', bureau: 'b', issuerMark: 'c', prefixBudget: 'd', prefixPerformance: 'e', printer: 'f', signature: 'g' },
      fonts: { body: 'a', title: 'b', heading1: 'c', heading2: 'd', latin: 'e' },
      exante: { dimensions: [{ key: 'a', name: '甲', maxScore: 100 }], thresholds: { support: 60, adjust: 80 } },
      outputDir: '',
      numberForms: false,
      warnings: { red: 60, yellow: 80, reverseRedFactor: 1.2 },
      indicatorWeightTotal: 90,
      scoring: DEFAULT_SETTINGS.scoring,
      consequences: DEFAULT_SETTINGS.consequences,
      reportRecipients: '',
      ratingItems: DEFAULT_SETTINGS.ratingItems,
      rectifyDays: 30,
      reportTemplate: 'x',
    })
    expect(s.success).toBe(false)
  })
})
