/** The shared stage mechanism (绩效目标, 运行监控) against a real SQLite file. */
import JSZip from 'jszip'
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup } from '../helpers/backend'
import { completeIndicators, makeStageBackend } from '../helpers/stage-setup'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach(cleanup))
async function setUp() {
  const t = await makeStageBackend()
  dirs.push(t.dataDir)
  return t
}
const xml = async (path: string) => (await JSZip.loadAsync(readFileSync(path))).file('word/document.xml')!.async('string')

describe('绩效目标 round', () => {
  it('dates a past year’s 意见书 and 公开日期 at the round’s deadline, not by the PC clock (backfilling 2024 in 2026)', async () => {
    const t = await makeStageBackend(() => new Date('2026-12-01T09:00:00'))
    dirs.push(t.dataDir)
    const round = await t.call('rounds/save', { stage: 'targets', workYear: 2024, title: '2024年度预算绩效目标编审', deadline: '2024-03-15', unitIds: [] })
    const item = (await t.call('items/list', { roundId: round.id })).rows.find((r) => r.projectName === '城乡环卫一体化经费')!
    await t.call('targets/save', { projectId: item.projectId, annualGoal: '实现城乡环卫一体化全覆盖', indicators: completeIndicators('1573') })
    await t.call('items/transition', { id: item.id, action: 'submit' })
    await t.signInAs('王芳')
    await t.call('items/transition', { id: item.id, action: 'approve', conclusion: '优' })
    await t.call('items/resultUse', { id: item.id, resultUse: '进入预算安排流程', isPublic: true })
    expect((await t.call('items/get', { id: item.id })).item.publicDate).toBe('2024-03-15')
    expect((await t.call('docs/draft', { kind: 'targets-opinion', recordId: item.id })).date).toBe('2024-03-15')
  })

  it('runs 填报 → 审核 with opinions → revise → 审核 → 结果运用, keeping every round of opinions', async () => {
    const t = await setUp()
    const round = await t.call('rounds/save', { stage: 'targets', workYear: 2024, title: '2024年度预算绩效目标编审', deadline: '2024-03-15', unitIds: [] })
    expect(round).toMatchObject({ itemCount: 2, totalFen: 1_893_500_000, counts: { 待填报: 2 } })
    const { rows } = await t.call('items/list', { roundId: round.id })
    const item = rows.find((r) => r.projectName === '城乡环卫一体化经费')!

    // Submitting an empty table is refused with the reasons.
    const empty = await t.fail('items/transition', { id: item.id, action: 'submit' })
    expect(empty.message).toContain('年度总体目标未填写')

    const saved = await t.call('targets/save', { projectId: item.projectId, annualGoal: '实现城乡环卫一体化全覆盖', indicators: completeIndicators('1573') })
    expect(saved.problems).toEqual([])
    await t.call('items/transition', { id: item.id, action: 'submit' })
    // 中 goes back to the unit with opinions; 优 cannot be used to return.
    await t.signInAs('王芳') // the reviewer: nobody approves what they submitted
    expect((await t.fail('items/transition', { id: item.id, action: 'approve', conclusion: '中' })).message).toContain('应退回单位修改')
    await t.call('items/transition', { id: item.id, action: 'return', conclusion: '中', summary: '指标不够细化', opinions: [{ ref: 'x', label: '清扫保洁面积', text: '请与作业合同面积一致' }] })
    expect((await t.fail('items/transition', { id: item.id, action: 'approve', conclusion: '优' })).message).toContain('当前状态为“退回修改”')
    await t.signInAs('李明')
    await t.call('targets/save', { projectId: item.projectId, annualGoal: '实现城乡环卫一体化全覆盖', indicators: completeIndicators('1573').map((i, k) => (k === 0 ? { ...i, targetValue: '150' } : i)) })
    await t.call('items/transition', { id: item.id, action: 'submit' })
    await t.signInAs('王芳') // the reviewer: nobody approves what they submitted
    expect((await t.fail('items/transition', { id: item.id, action: 'approve' })).message).toContain('须选择审核结论')
    const approved = await t.call('items/transition', { id: item.id, action: 'approve', conclusion: '优' })
    expect(approved.item).toMatchObject({ status: '已审核', conclusion: '优', reviewCount: 2 })

    // Approved targets are locked until the review is undone.
    expect((await t.fail('targets/save', { projectId: item.projectId, annualGoal: 'x', indicators: [] })).code).toBe('LOCKED')
    await t.call('items/resultUse', { id: item.id, resultUse: '进入预算安排流程', isPublic: true })
    const detail = await t.call('items/get', { id: item.id })
    expect(detail.reviews.map((r) => [r.action, r.conclusion])).toEqual([
      ['submit', null],
      ['return', '中'],
      ['submit', null],
      ['approve', '优'],
    ])
    expect(detail.reviews[1]!.opinions[0]!.text).toBe('请与作业合同面积一致')
    expect(detail.item).toMatchObject({ resultUse: '进入预算安排流程', isPublic: true, publicDate: '2024-10-08' })
    expect((await t.call('rounds/get', { id: round.id })).counts).toMatchObject({ 待填报: 1, 已审核: 1 })

    // The 意见书 and the notice.
    const draft = await t.call('docs/draft', { kind: 'targets-opinion', recordId: item.id })
    expect(draft.body).toBe('进入预算安排流程')
    const op = await t.call('docs/issue', { kind: 'targets-opinion', recordId: item.id, title: draft.title, recipients: draft.recipients, body: draft.body, attachments: [], copyTo: '', date: '2024-10-08', serial: null })
    const opXml = await xml(op.path)
    expect(opXml.replace(/<[^>]+>/g, '')).toContain('预算绩效目标审核结果运用意见书') // the title runs over two lines
    expect(opXml).toContain('请与作业合同面积一致')
    const n = await t.call('docs/draft', { kind: 'targets-notice', recordId: round.id })
    expect(n.title).toBe('关于做好2024年度预算绩效目标编审工作的通知')
    expect(n.body).toContain('2024年3月15日前')
    const issued = await t.call('docs/issue', { kind: 'targets-notice', recordId: round.id, title: n.title, recipients: n.recipients, body: n.body, attachments: n.attachments, copyTo: '', date: '2024-02-20', serial: 104 })
    expect(issued.entry.docNumber).toBe('师财预〔2024〕104号')
  })

  it('issues the 批复通知 of the approved targets: 差 not approved, the pending said to follow, the list kept as at 下达', async () => {
    const t = await setUp()
    const road = await t.call('projects/save', { budgetYear: 2024, unitId: t.units.jsj.id, code: '530323240003', name: '城市道路维护', amountWan: '120', fundSource: '一般公共预算', category: '项目' })
    const round = await t.call('rounds/save', { stage: 'targets', workYear: 2024, title: '2024年度预算绩效目标编审', deadline: '2024-03-15', unitIds: [] })
    const items = new Map((await t.call('items/list', { roundId: round.id })).rows.map((r) => [r.projectName, r]))
    expect((await t.fail('docs/draft', { kind: 'targets-approval', recordId: round.id })).message).toContain('还没有审核通过的绩效目标')
    for (const [name, wan] of [['城乡环卫一体化经费', '1573'], ['学生资助补助经费', '320.5'], ['城市道路维护', '120']] as const) {
      await t.call('targets/save', { projectId: items.get(name)!.projectId, annualGoal: '按期完成年度任务', indicators: completeIndicators(wan) })
      await t.call('items/transition', { id: items.get(name)!.id, action: 'submit' })
    }
    await t.signInAs('王芳')
    await t.call('items/transition', { id: items.get('城乡环卫一体化经费')!.id, action: 'approve', conclusion: '优' })
    await t.call('items/transition', { id: items.get('城市道路维护')!.id, action: 'approve', conclusion: '差' })
    const n = await t.call('docs/draft', { kind: 'targets-approval', recordId: round.id })
    expect(n.title).toBe('关于批复2024年度项目支出绩效目标的通知')
    expect(n.recipients).toBe('师宗县住房和城乡建设局')
    expect(n.body).toContain('本次批复1个预算单位1个项目的绩效目标，涉及资金1573万元，其中审核结论为“优”的1个。')
    expect(n.body).toContain('审核结论为“差”的1个项目不予批复')
    expect(n.body).toContain('另有1个项目尚未审核通过，审核通过后另行批复')
    expect(n.attachments).toEqual(['2024年度项目支出绩效目标批复表'])
    const issued = await t.call('docs/issue', { kind: 'targets-approval', recordId: round.id, title: n.title, recipients: n.recipients, body: n.body, attachments: n.attachments, copyTo: '', date: '2024-04-10', serial: null })
    expect(issued.entry.docNumber).toMatch(/^师财预〔2024〕\d+号$/)
    const text = (await xml(issued.path)).replace(/<[^>]+>/g, '')
    expect(text).toContain('2024年度项目支出绩效目标批复表')
    expect(text).toContain('城乡环卫一体化经费')
    expect(text).not.toContain(road.name)
    // A later approval does not change what was issued: the regenerate keeps the list of 下达.
    await t.call('items/transition', { id: items.get('学生资助补助经费')!.id, action: 'approve', conclusion: '良' })
    expect((await t.call('docs/draft', { kind: 'targets-approval', recordId: round.id })).body).toContain('本次批复1个预算单位1个项目')
    // 按最新数据重新起草 lists both approved projects: 1573 + 320.5 = 1893.5 万元.
    expect((await t.call('docs/draft', { kind: 'targets-approval', recordId: round.id, fresh: true })).body).toContain('本次批复2个预算单位2个项目的绩效目标，涉及资金1893.5万元')
  })

  it('reopens an approved item only with a reason, and 差 closes the review with its consequence', async () => {
    const t = await setUp()
    const round = await t.call('rounds/save', { stage: 'targets', workYear: 2024, title: 'r', deadline: null, unitIds: [t.units.jsj.id] })
    expect(round.itemCount).toBe(1)
    const [item] = (await t.call('items/list', { roundId: round.id })).rows
    await t.call('targets/save', { projectId: item!.projectId, annualGoal: 'g', indicators: completeIndicators('1573') })
    await t.call('items/transition', { id: item!.id, action: 'submit' })
    await t.signInAs('王芳') // the reviewer: nobody approves what they submitted
    await t.call('items/transition', { id: item!.id, action: 'approve', conclusion: '差' })
    expect((await t.fail('items/transition', { id: item!.id, action: 'reopen' })).message).toContain('须填写原因')
    const r = await t.call('items/transition', { id: item!.id, action: 'reopen', summary: '单位申请调整' })
    expect(r.item).toMatchObject({ status: '已填报', conclusion: null })
  })
})

describe('运行监控 round', () => {
  it('computes lights from the figures, refuses submission until complete, and feeds the documents', async () => {
    const t = await setUp()
    for (const p of [t.projects.p1, t.projects.p2]) await t.call('targets/save', { projectId: p.id, annualGoal: 'g', indicators: completeIndicators(p.amountFen === 1_573_000_000 ? '1573' : '320.5') })
    const round = await t.call('rounds/save', { stage: 'monitoring', workYear: 2024, title: '2024年1-9月绩效运行监控', deadline: '2024-10-20', asOfMonth: 9, unitIds: [] })
    expect(round.totalFen).toBe(1_893_500_000)
    const { rows } = await t.call('items/list', { roundId: round.id })
    const item = rows.find((r) => r.projectName === '城乡环卫一体化经费')!
    const detail = await t.call('items/get', { id: item.id })
    expect((await t.fail('items/transition', { id: item.id, action: 'submit' })).message).toContain('未填写1-9月执行数')

    const values = detail.indicators.map((ind) => ({
      indicatorId: ind.id,
      actual: ind.name === '清扫保洁面积' ? '50' : ind.operator === '定性' ? '部分达成年度指标并具有一定效果' : ind.targetValue,
      forecast: ind.targetValue,
      likelihood: ind.name === '清扫保洁面积' ? ('有可能' as const) : ('确定能' as const),
      causes: ind.name === '清扫保洁面积' ? (['经费保障'] as const).slice() : [],
      measures: '',
    }))
    const saved = await t.call('monitoring/save', { itemId: item.id, executedWan: '550', forecastWan: '1573', deviation: '前期手续滞后', measures: '加快拨付', values })
    // 550/1573 = 34.97% by September → 46.6 of the expected pace → red.
    expect(saved.item).toMatchObject({ executedFen: 550_000_000, executionRate: 34.97, light: 'red' })
    expect(saved.values.find((v) => v.causes.length)?.light).toBe('red') // 50 of 90 pro-rated = 55.6
    expect(saved.problems.filter((p) => p.severity === 'error')).toEqual([])
    expect((await t.call('items/list', { roundId: round.id, light: 'red' })).rows.map((r) => r.id)).toEqual([item.id])

    await t.call('items/transition', { id: item.id, action: 'submit' })
    await t.signInAs('王芳') // the reviewer: nobody approves what they submitted
    await t.call('items/transition', { id: item.id, action: 'approve' })
    expect((await t.fail('monitoring/save', { itemId: item.id, executedWan: '1', forecastWan: '1', deviation: '', measures: '', values: [] })).code).toBe('LOCKED')

    const fb = await t.call('docs/draft', { kind: 'monitoring-feedback', recordId: round.id })
    expect(fb.title).toBe('关于反馈县本级2024年度绩效运行监控结果的通知')
    expect(fb.body).toContain('红灯预警项目1个')
    expect(fb.body).toContain('师宗县住房和城乡建设局：“城乡环卫一体化经费”：预算执行率34.97%，低于序时进度75%')
    const issued = await t.call('docs/issue', { kind: 'monitoring-feedback', recordId: round.id, title: fb.title, recipients: fb.recipients, body: fb.body, attachments: fb.attachments, copyTo: '', date: '2024-10-30', serial: 103 })
    expect(await xml(issued.path)).toContain('师财预〔2024〕103号')
    const notice = await t.call('docs/draft', { kind: 'monitoring-notice', recordId: round.id })
    expect(notice.body).toContain('共2个项目，资金1893.5万元，全部纳入绩效运行监控')
  })

  it('generates a batch of 意见书 as a job with progress, and can cancel it', async () => {
    const t = await setUp()
    for (const p of [t.projects.p1, t.projects.p2]) await t.call('targets/save', { projectId: p.id, annualGoal: 'g', indicators: completeIndicators('100') })
    const round = await t.call('rounds/save', { stage: 'targets', workYear: 2024, title: 'r', deadline: null, unitIds: [] })
    for (const r of (await t.call('items/list', { roundId: round.id })).rows) {
      await t.call('items/transition', { id: r.id, action: 'submit' })
      await t.signInAs('王芳')
      await t.call('items/transition', { id: r.id, action: 'approve', conclusion: '良' })
      await t.signInAs('李明')
    }
    const job = await t.call('docs/batch', { kind: 'targets-opinion', roundId: round.id, date: '2024-10-08' })
    expect(job).toMatchObject({ status: 'running', total: 2, done: 0 })
    const end = await t.backend.ctx.jobs.wait(job.id)
    expect(end).toMatchObject({ status: 'done', done: 2, message: '已生成 2 份绩效目标审核结果运用意见书' })
    expect(end.paths).toHaveLength(2)
    expect(new Set(end.paths).size).toBe(2) // one file per project, names do not collide
    expect((await t.call('register/list', {})).filter((e) => e.kind === 'targets-opinion')).toHaveLength(2)

    // "All filtered rows" of the list (the list holds one page): the backend resolves the filters.
    const one = await t.call('docs/batch', { kind: 'targets-opinion', roundId: round.id, date: '2024-10-08', filters: { unitId: t.units.jyj.id } })
    expect(one.total).toBe(1)
    expect((await t.backend.ctx.jobs.wait(one.id)).done).toBe(1)
    expect((await t.fail('docs/batch', { kind: 'targets-opinion', roundId: round.id, date: '2024-10-08', filters: { search: '没有这个项目' } })).message).toBe('筛选结果中没有项目，请调整筛选条件后再生成')

    const again = await t.call('docs/batch', { kind: 'targets-opinion', roundId: round.id, date: '2024-10-08' })
    await t.call('jobs/cancel', { id: again.id })
    const cancelled = await t.backend.ctx.jobs.wait(again.id)
    expect(cancelled.status).toBe('cancelled')
    expect(cancelled.done).toBeLessThan(2)
  })
})
