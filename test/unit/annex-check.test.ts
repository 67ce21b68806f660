/** The 附件 check: the 附件说明 and the body's mentions against the annexes bound in. */
import { describe, expect, it } from 'vitest'
import { annexWarnings, unboundAnnexLines } from '../../electron/docs/annex-check'
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

  it('accepts a line the product does not bind in only when declared apart: （另发） on the line or the clerk’s confirmation', () => {
    const listed = ['1.第三方中介机构考评表', '2.第三方中介机构工作底稿目录']
    const notBound = (n: number, title: string) => `附件说明第${n}项《${title}》没有随文附上（本文未附任何附件）：已另行附送（另发或自行装订）的，请在“附件”下勾选为“另行附送”，否则删去这一项`
    expect(annexWarnings({ listed, body: '', bound: [] })).toEqual([notBound(1, '第三方中介机构考评表'), notBound(2, '第三方中介机构工作底稿目录')])
    expect(unboundAnnexLines({ listed, bound: [] })).toEqual(listed)
    // One confirmed (by its title, numbering aside), one marked （另发）: nothing left to name.
    expect(annexWarnings({ listed: [listed[0]!, '2.第三方中介机构工作底稿目录（另发）'], body: '', bound: [], apart: ['第三方中介机构考评表'] })).toEqual([])
    // Only the confirmed one: the other is still named.
    expect(annexWarnings({ listed, body: '', bound: [], apart: ['《第三方中介机构考评表》'] })).toEqual([notBound(2, '第三方中介机构工作底稿目录')])
    // A confirmation of a line no longer listed declares nothing.
    expect(annexWarnings({ listed: ['第三方中介机构考评表'], body: '', bound: [], apart: ['第三方中介机构工作底稿目录'] })).toEqual([notBound(1, '第三方中介机构考评表')])
  })

  it('matches the bound annexes to the lines not declared apart, and counts declared ones for the body’s 附件N', () => {
    const bound = [{ label: '附件1', title: '2024年度运行监控预警项目汇总表', form: '随文表格' as const }]
    expect(annexWarnings({ listed: ['2024年度运行监控预警项目汇总表', '监控工作方案（另发）'], body: '见附件1和附件2。', bound })).toEqual([])
    expect(unboundAnnexLines({ listed: ['2024年度运行监控预警项目汇总表', '监控工作方案（另发）'], bound })).toEqual(['监控工作方案（另发）'])
    expect(annexWarnings({ listed: ['2024年度运行监控预警项目汇总表', '监控工作方案（另发）'], body: '见附件3。', bound })).toEqual(['正文提到“附件3”，但本文只有2个附件'])
    // The form's advice when the composer says how it reaches the units.
    expect(annexWarnings({ listed: ['2024年度项目支出绩效自评表'], body: '', bound: [], separately: [{ title: '2024年度项目支出绩效自评表', how: '由任务导出' }] })).toEqual([
      '附件说明第1项《2024年度项目支出绩效自评表》不随文生成（由任务导出）：已另行发送的，请在“附件”下勾选为“另行附送”，或在这一项末尾注明“（另发）”',
    ])
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
