/**
 * Bulk actions on a stage list: 600 items of one round, selected by id or by the list's filters,
 * each taken through the state machine on its own, refusals reported with their reasons, every
 * change audited, and a run that can be cancelled part-way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobState } from '../../shared/domain'
import { cleanup, makeSetUpBackend } from '../helpers/backend'
import { completeIndicators } from '../helpers/stage-setup'

type T = Awaited<ReturnType<typeof makeSetUpBackend>>
let t: T
let roundId: string
/** item ids by what the set-up did to them */
const ids = { filled: [] as string[], empty: [] as string[], reviewed: [] as string[], returned: [] as string[] }
const names = new Map<string, string>()

const wait = (job: JobState): Promise<JobState> => t.backend.ctx.jobs.wait(job.id)

beforeAll(async () => {
  t = await makeSetUpBackend({ now: () => new Date('2024-03-01T09:00:00') })
  const units = []
  for (let u = 0; u < 12; u++) units.push(await t.call('units/save', { code: String(101100 + u), name: `师宗县第${u + 1}预算单位`, parentName: '', divisionId: t.divisions.jkw.id }))
  // 600 projects, 50 per unit; amounts 1.00 … 600.00 万元.
  for (let p = 0; p < 600; p++) {
    const unit = units[p % 12]!
    const saved = await t.call('projects/save', { budgetYear: 2024, unitId: unit.id, code: `5303232400${String(p).padStart(3, '0')}`, name: `项目${String(p + 1).padStart(3, '0')}`, amountWan: String(p + 1), fundSource: '一般公共预算', category: '项目' })
    // Every 20th project is left without targets: its submission must be refused with the reason.
    if (p % 20 !== 19) await t.call('targets/save', { projectId: saved.id, annualGoal: '按期完成年度任务', indicators: completeIndicators(String(p + 1)) })
  }
  const round = await t.call('rounds/save', { stage: 'targets', workYear: 2024, title: '2024年度预算绩效目标编审', deadline: '2024-03-15', unitIds: [] })
  roundId = round.id
  expect(round.itemCount).toBe(600)
}, 120_000)
afterAll(async () => {
  await t.close()
  cleanup(t.dataDir)
})

describe('bulk 提交审核 / 审核通过 / 退回修改 over 600 items', () => {
  it('submits the 600 by id: 570 complete ones go to review, the 30 without targets are refused with their reasons', async () => {
    const { rows } = await t.call('items/list', { roundId })
    for (const r of rows) names.set(r.id, `${r.unitName}·${r.projectName}`)
    const job = await t.call('items/bulk', { roundId, ids: rows.map((r) => r.id), action: 'submit' })
    expect(job).toMatchObject({ status: 'running', total: 600 })
    const end = await wait(job)
    expect(end.status).toBe('done')
    expect(end.done).toBe(600)
    expect(end.outcome!.done).toBe(570)
    expect(end.outcome!.refused).toHaveLength(30)
    // The refused are exactly the projects without targets (项目020, 项目040 … 项目600).
    const refusedNames = end.outcome!.refused.map((r) => r.label.split('·')[1]).sort()
    expect(refusedNames).toEqual(Array.from({ length: 30 }, (_, k) => `项目${String((k + 1) * 20).padStart(3, '0')}`).sort())
    for (const r of end.outcome!.refused) expect(r.reason).toMatch(/还有\d+处未完成，不能提交审核：.*年度总体目标未填写/)
    const after = await t.call('items/list', { roundId })
    expect(after.counts).toMatchObject({ 待填报: 30, 已填报: 570, 退回修改: 0, 已审核: 0 })
    for (const r of after.rows) (r.status === '待填报' ? ids.empty : ids.filled).push(r.id)
  }, 120_000)

  it('approves a mix by id: only 已填报 items pass; 待填报, 已审核 and 退回修改 ones are refused, each saying why', async () => {
    // A second operator reviews: nobody approves what they submitted themselves (李明 submitted above).
    await t.signInAs('张审核', ['预算股'])
    // Make the mix by hand first: 20 approved, 10 returned, one at a time as a reviewer would.
    for (const id of ids.filled.slice(0, 20)) await t.call('items/transition', { id, action: 'approve', conclusion: '良' })
    for (const id of ids.filled.slice(20, 30)) await t.call('items/transition', { id, action: 'return', conclusion: '中', opinions: [{ ref: 'other', label: '其他', text: '请细化产出指标' }] })
    ids.reviewed = ids.filled.slice(0, 20)
    ids.returned = ids.filled.slice(20, 30)
    const waiting = ids.filled.slice(30)
    expect(waiting).toHaveLength(540)

    const all = [...ids.filled, ...ids.empty]
    const reviewAudit = () => (t.backend.ctx.sqlite.prepare(`SELECT count(*) AS n FROM audit_log WHERE entity = 'reviews' AND action = 'create'`).get() as { n: number }).n
    const auditBefore = reviewAudit()
    const end = await wait(await t.call('items/bulk', { roundId, ids: all, action: 'approve', conclusion: '优' }))
    expect(end.status).toBe('done')
    expect(end.outcome!.done).toBe(540)
    expect(end.outcome!.refused).toHaveLength(60)
    const reasons = new Map(end.outcome!.refused.map((r) => [r.id, r.reason]))
    for (const id of ids.empty) expect(reasons.get(id)).toBe('当前状态为“待填报”，不能审核通过。该项目尚未填报，请先填报或导入后再提交审核')
    for (const id of ids.reviewed) expect(reasons.get(id)).toBe('当前状态为“已审核”，不能审核通过。该项目已审核通过；如需修改，请先撤销审核')
    for (const id of ids.returned) expect(reasons.get(id)).toBe('当前状态为“退回修改”，不能审核通过。该项目已退回单位修改，请待单位修改后重新提交')
    // Refusals carry the names the list shows.
    for (const r of end.outcome!.refused) expect(r.label).toBe(names.get(r.id))
    expect(end.message).toBe('批量审核通过：完成 540 项，60 项未处理（原因见下表）')

    const after = await t.call('items/list', { roundId })
    expect(after.counts).toMatchObject({ 待填报: 30, 已填报: 0, 退回修改: 10, 已审核: 560 })
    // Each approved item has its own review row with the conclusion, and its own audit entries.
    const one = await t.call('items/get', { id: waiting[100]! })
    expect(one.item).toMatchObject({ status: '已审核', conclusion: '优', reviewCount: 1 })
    expect(one.reviews.map((r) => [r.action, r.conclusion])).toEqual([
      ['submit', null],
      ['approve', '优'],
    ])
    expect(one.reviews[0]!.operatorName).toBe('李明')
    expect(one.reviews[1]!.operatorName).toBe('张审核')
    expect(reviewAudit() - auditBefore).toBe(540)
    const itemAudit = await t.call('audit/list', { entity: 'round_items', entityId: waiting[100]!, limit: 10 })
    expect(itemAudit[0]).toMatchObject({ action: 'update', operatorName: '张审核' })
    expect((itemAudit[0]!.after as { status: string }).status).toBe('已审核')
    // A refused item is untouched: no review row was added.
    expect((await t.call('items/get', { id: ids.returned[0]! })).reviews.map((r) => r.action)).toEqual(['submit', 'return'])
  }, 120_000)

  it('returns every row the filters show (all pages) with one opinion; 审核通过 needs its conclusion and 退回 its opinion', async () => {
    expect((await t.fail('items/bulk', { roundId, filters: { status: '已审核' }, action: 'approve' })).message).toContain('须选择审核结论')
    expect((await t.fail('items/bulk', { roundId, filters: { status: '已审核' }, action: 'return', opinion: '  ' })).message).toContain('须填写修改意见')
    const unit = (await t.call('units/list', {})).find((u) => u.name === '师宗县第3预算单位')!
    // Unit 3 holds 50 items (待填报, 退回修改 and mostly 已审核 ones); the filter keeps its 已审核 rows only.
    const shown = await t.call('items/list', { roundId, unitId: unit.id, status: '已审核' })
    expect(shown.total).toBeGreaterThan(40)
    // 已审核 items cannot be returned (the state machine says 撤销审核 first): all refused, none changed.
    const refused = await wait(await t.call('items/bulk', { roundId, filters: { unitId: unit.id, status: '已审核' }, action: 'return', opinion: '请补充满意度调查方案' }))
    expect(refused.outcome).toEqual({ done: 0, refused: expect.any(Array) })
    expect(refused.outcome!.refused).toHaveLength(shown.total)
    expect(refused.outcome!.refused[0]!.reason).toContain('当前状态为“已审核”，不能退回修改')

    // Reopen three of them one by one, then return all the filter's 已填报 rows in one go.
    for (const r of shown.rows.slice(0, 3)) await t.call('items/transition', { id: r.id, action: 'reopen', summary: '单位申请调整' })
    const end = await wait(await t.call('items/bulk', { roundId, filters: { unitId: unit.id, status: '已填报' }, action: 'return', opinion: '请补充满意度调查方案' }))
    expect(end.outcome).toEqual({ done: 3, refused: [] })
    for (const r of shown.rows.slice(0, 3)) {
      const d = await t.call('items/get', { id: r.id })
      expect(d.item).toMatchObject({ status: '退回修改', conclusion: '中' })
      expect(d.reviews.at(-1)).toMatchObject({ action: 'return', summary: '请补充满意度调查方案' })
    }
  }, 60_000)

  it('stops when cancelled: the items done so far stay done, the rest untouched', async () => {
    const before = await t.call('items/list', { roundId, status: '已审核' })
    for (const r of before.rows) await t.call('items/transition', { id: r.id, action: 'reopen', summary: '重新审核' })
    const job = await t.call('items/bulk', { roundId, filters: { status: '已填报' }, action: 'approve', conclusion: '良' })
    expect(job.total).toBe(before.total)
    // Cancel once the first item is through.
    for (let s = t.backend.ctx.jobs.get(job.id); (s.outcome?.done ?? 0) < 1 && s.status === 'running'; s = t.backend.ctx.jobs.get(job.id)) await new Promise((r) => setTimeout(r, 5))
    await t.call('jobs/cancel', { id: job.id })
    const end = await wait(job)
    expect(end.status).toBe('cancelled')
    expect(end.message).toMatch(/^批量审核通过：已取消，完成 \d+ 项，其余 \d+ 项因取消未处理$/)
    const done = end.outcome!.done
    expect(done).toBeGreaterThanOrEqual(1)
    expect(done).toBeLessThan(before.total)
    const after = await t.call('items/list', { roundId })
    expect(after.counts['已审核']).toBe(done)
    expect(after.counts['已填报']).toBe(before.total - done)
  }, 120_000)

  it('refuses while a closed year is locked, before any item is touched', async () => {
    await t.signInAs('李明') // locking a year is the administrator's
    await t.call('yearData/lock', { workYear: 2024, locked: true, reason: '年度结账' })
    const e = await t.fail('items/bulk', { roundId, filters: { status: '已填报' }, action: 'approve', conclusion: '良' })
    expect(e.code).toBe('LOCKED')
    await t.call('yearData/lock', { workYear: 2024, locked: false, reason: '测试后解锁' })
  })
})
