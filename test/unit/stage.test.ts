import { describe, expect, it } from 'vitest'
import { ITEM_ACTIONS, ITEM_STATUSES, actionForConclusion, canEdit, nextStatus, refusalMessage } from '../../shared/stage'

describe('stage state machine', () => {
  const allowed: Record<string, string> = {
    '待填报 submit': '已填报',
    '已填报 approve': '已审核',
    '已填报 return': '退回修改',
    '退回修改 submit': '已填报',
    '已审核 reopen': '已填报',
  }
  for (const s of ITEM_STATUSES) {
    for (const a of ITEM_ACTIONS) {
      const key = `${s} ${a}`
      it(`${key} → ${allowed[key] ?? 'refused'}`, () => {
        expect(nextStatus(s, a)).toBe(allowed[key] ?? null)
        if (!allowed[key]) expect(refusalMessage(s, a)).toContain(`当前状态为“${s}”`)
      })
    }
  }
  it('lets the data be edited only before approval', () => {
    expect(ITEM_STATUSES.filter(canEdit)).toEqual(['待填报', '已填报', '退回修改'])
  })
  it('sends 中 back and lets 优/良/差 close the review (88号)', () => {
    expect(actionForConclusion('中')).toBe('return')
    expect(['优', '良', '差'].map((c) => actionForConclusion(c as '优'))).toEqual(['approve', 'approve', 'approve'])
  })
})
