import { describe, expect, it } from 'vitest'
import { DEFAULT_REPORT_TEMPLATE, MISSING_STATEMENTS, fillReport } from '../../shared/report-template'

describe('report template', () => {
  it('fills placeholders', () => {
    expect(fillReport('一、基础工作\n业务培训。共开展{{trainingCount}}次培训。', { trainingCount: '1' })).toBe('一、基础工作\n业务培训。共开展1次培训。')
  })
  it('says there is no data instead of inventing a figure, once per line', () => {
    const t = '业务培训。共开展{{trainingCount}}次培训；第一次为{{trainingCount}}。其他内容。'
    expect(fillReport(t, { trainingCount: null })).toBe('业务培训。本年度未记录业务培训。其他内容。')
  })
  it('drops a line that only held missing data', () => {
    expect(fillReport('标题\n{{trainingLines}}\n结尾', { trainingLines: '' })).toBe('标题\n结尾')
  })
  it('has a Chinese statement for every placeholder of the default template: a first year without data never shows a key', () => {
    const keys = [...new Set([...DEFAULT_REPORT_TEMPLATE.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!))]
    expect(keys.filter((k) => !MISSING_STATEMENTS[k])).toEqual([])
    const empty = fillReport(DEFAULT_REPORT_TEMPLATE, {})
    expect(empty).not.toMatch(/[A-Za-z{}]/)
    expect(fillReport(DEFAULT_REPORT_TEMPLATE, { year: '2024' })).toContain('本年度尚无运行监控记录')
    expect(fillReport('评价方式：{{custom}}。', {})).toBe('相关数据本年度尚无记录。')
  })
})
