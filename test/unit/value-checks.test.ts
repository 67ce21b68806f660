/** The value checks shared by forms, imports and handlers; expected sentences written from the rule. */
import { describe, expect, it } from 'vitest'
import { dateOrderProblem, numericValueProblem, overBudgetProblem } from '../../shared/value-checks'

const rate = { name: '资金拨付及时率', operator: '≥', targetValue: '95', unit: '%' }

describe('numericValueProblem', () => {
  it('flags words in the 完成值 of a quantitative indicator and names the indicator and field', () => {
    expect(numericValueProblem(rate, '基本及时', '实际完成值')).toBe('指标“资金拨付及时率”的实际完成值“基本及时”不是数字：定量指标（≥95%）的实际完成值只填数字，如 95')
  })
  it('accepts numbers written the usual ways, blanks, and any text for 定性 or text targets', () => {
    for (const v of ['96', '96%', '1,200', ' 95.5 ', '']) expect(numericValueProblem(rate, v, '完成值')).toBeNull()
    expect(numericValueProblem({ name: '群众满意', operator: '定性', targetValue: '明显改善', unit: '' }, '明显改善', '完成值')).toBeNull()
    expect(numericValueProblem({ name: '完成时间', operator: '≤', targetValue: '年底前', unit: '' }, '11月完成', '完成值')).toBeNull()
  })
})

describe('overBudgetProblem', () => {
  it('is an error without a 说明 and a warning with one; nothing at or under budget', () => {
    expect(overBudgetProblem(3_205_000_000, 3_205_000_000, '全年执行数', '', '说明')).toBeNull()
    expect(overBudgetProblem(3_205_000_001, 3_205_000_000, '全年执行数', '', '说明')?.severity).toBe('error')
    expect(overBudgetProblem(3_500_000_000, 3_205_000_000, '全年执行数', ' ', '预算执行情况说明')).toEqual({
      severity: 'error',
      index: null,
      message: '全年执行数3500.00万元超过全年预算数3205.00万元，须在“预算执行情况说明”中说明原因（如年中追加预算），否则不能提交审核',
    })
    expect(overBudgetProblem(3_500_000_000, 3_205_000_000, '全年执行数', '年中追加', '说明')).toEqual({ severity: 'warning', index: null, message: '全年执行数3500.00万元超过全年预算数3205.00万元（已说明：年中追加）' })
    expect(overBudgetProblem(null, 100, '执行数', '', '说明')).toBeNull()
  })
})

describe('dateOrderProblem', () => {
  it('names both dates when the later one comes first', () => {
    expect(dateOrderProblem({ label: '合同日期', date: '2024-11-04' }, { label: '交付期限', date: '2024-11-03' })).toBe('交付期限（2024-11-03）早于合同日期（2024-11-04），请核对日期')
    expect(dateOrderProblem({ label: '合同日期', date: '2024-11-04' }, { label: '交付期限', date: '2024-11-04' })).toBeNull()
    expect(dateOrderProblem({ label: '合同日期', date: null }, { label: '交付期限', date: '2024-01-01' })).toBeNull()
  })
})
