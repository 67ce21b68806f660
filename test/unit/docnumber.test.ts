import { describe, expect, it } from 'vitest'
import { formatDocNumber, nextSerial, parseDocNumber } from '../../shared/docnumber'
import { formatChineseDate, parseBody } from '../../shared/documents'

describe('发文字号', () => {
  it('uses 六角括号 and no leading zeros', () => {
    expect(formatDocNumber('师财预', 2024, 104)).toBe('师财预〔2024〕104号')
    expect(formatDocNumber('师财绩', 2024, 2)).toBe('师财绩〔2024〕2号')
  })
  it('refuses a zero or fractional serial and a blank prefix', () => {
    expect(() => formatDocNumber('师财预', 2024, 0)).toThrow()
    expect(() => formatDocNumber('师财预', 2024, 1.5)).toThrow()
    expect(() => formatDocNumber(' ', 2024, 1)).toThrow(/代字/)
  })
  it('reads numbers as people type them', () => {
    for (const t of ['师财预[2024]70号', '师财预〔2024〕070号', '师财预（2024）第70号', '师财预【2024】70号']) {
      expect(parseDocNumber(t)).toEqual({ prefix: '师财预', year: 2024, serial: 70 })
    }
    expect(parseDocNumber('关于做好工作的通知')).toBeNull()
  })
  it('allocates above the highest issued and the configured start', () => {
    expect(nextSerial([])).toBe(1)
    expect(nextSerial([1, 2, 5])).toBe(6)
    expect(nextSerial([1, 2], 100)).toBe(100)
    expect(nextSerial([104], 100)).toBe(105)
  })
})

describe('body text', () => {
  it('recognises the three heading levels by their numbering', () => {
    const blocks = parseBody('根据要求：\n一、评估情况\n（一）范围\n1. 项目\n正文\n\n(二)半角括号')
    expect(blocks.map((b) => b.level)).toEqual([0, 1, 2, 3, 0, 2])
  })
  it('does not take a decimal number for a level-3 heading', () => {
    expect(parseBody('1.5万元用于培训')[0]!.level).toBe(0)
  })
  it('writes dates without leading zeros', () => {
    expect(formatChineseDate('2024-10-08')).toBe('2024年10月8日')
  })
})
