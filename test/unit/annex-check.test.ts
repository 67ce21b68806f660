/** The 附件 check: the 附件说明 and the body's mentions against the annexes bound in. */
import { describe, expect, it } from 'vitest'
import { annexWarnings } from '../../electron/docs/annex-check'
import { DEFAULT_ADDRESSEES, withDefaults } from '../../shared/settings'

describe('annexWarnings', () => {
  it('is silent when the 附件说明 lists exactly what is bound, numbering and 《》 aside', () => {
    expect(annexWarnings({ listed: ['1. 《2024年度运行监控预警项目汇总表》'], body: '汇总见附件1。', bound: [{ label: '附件1', title: '2024年度运行监控预警项目汇总表', form: '随文表格' }] })).toEqual([])
  })

  it('names a different title, a body reference beyond the annexes, and 见附件 with none', () => {
    expect(
      annexWarnings({
        listed: ['2024年度项目清单'],
        body: '具体项目见附件1，明细见附件3。',
        bound: [{ label: '附件', title: '2024年度财政再评价项目清单', form: '随文表格' }],
      }),
    ).toEqual(['附件说明第1项为《2024年度项目清单》，而随文的附件是《2024年度财政再评价项目清单》：名称须一致', '正文提到“附件3”，但本文只有1个附件'])
    expect(annexWarnings({ listed: [], body: '具体项目详见附件。', bound: [] })).toEqual(['正文提到附件，但附件说明为空、也未随文附上附件'])
  })
})

describe('主送/抄送 settings of an older database', () => {
  it('fills every kind missing from the stored settings with its default, keeping what was stored', () => {
    expect(withDefaults({}).addressees).toEqual(DEFAULT_ADDRESSEES)
    const s = withDefaults({ addressees: { 'targets-notice': { recipients: '县直各部门', copyTo: '' } } as never })
    expect(s.addressees['targets-notice']).toEqual({ recipients: '县直各部门', copyTo: '' })
    expect(s.addressees['rectify-notice']).toEqual({ copyTo: '' })
    expect(s.addressees['monitoring-notice'].recipients).toBe('县直各预算单位')
  })
})
