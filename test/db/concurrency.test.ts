/**
 * Optimistic concurrency: two people edit the same record from one snapshot. The first save wins
 * and raises the version; the second is refused with CONFLICT naming who changed it and when, and
 * nothing of it is stored. Saves that carry the current version (or none, as older screens do) go
 * through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeEditors, localMinute, signInAs, twoEditors, type SetUp } from '../helpers/two-editors'

const AT = new Date('2024-06-03T01:07:00.000Z')
let t: SetUp
let wang: { id: string }
beforeAll(async () => {
  ;({ t, wang } = await twoEditors(AT))
})
afterAll(() => closeEditors(t))

const when = localMinute(AT)
const as = (id: string) => signInAs(t, id === wang.id ? '王芳' : t.operator.name)

describe('a save from a stale version', () => {
  it('trainings: the second editor gets CONFLICT naming 王芳 and the time; the first change stays', async () => {
    await as(t.operator.id)
    const base = { date: '2024-05-10', organiser: '县财政局', form: '集中培训', participantCount: 3, notes: '', divisionIds: [], unitIds: [] }
    const created = await t.call('trainings/save', { ...base, title: '绩效培训' })
    expect(created.version).toBe(1)

    await as(wang.id)
    const first = await t.call('trainings/save', { ...base, id: created.id, version: created.version, title: '王芳改过的标题' })
    expect(first.version).toBe(2)

    await as(t.operator.id)
    const e = await t.fail('trainings/save', { ...base, id: created.id, version: created.version, title: '李明从旧页面保存' })
    expect(e.code).toBe('CONFLICT')
    expect(e.message).toBe(`该记录已被王芳于${when}修改，您看到的是修改前的内容，本次保存未生效；请重新载入后再修改`)
    expect(e.details).toMatchObject({ stale: true, changedBy: '王芳', changedAt: AT.toISOString() })
    const [row] = (await t.call('trainings/list', {})).filter((x) => x.id === created.id)
    expect(row).toMatchObject({ title: '王芳改过的标题', version: 2 })

    // Reloaded: the current version saves.
    const again = await t.call('trainings/save', { ...base, id: created.id, version: row!.version, title: '李明重新载入后保存' })
    expect(again).toMatchObject({ title: '李明重新载入后保存', version: 3 })
  })

  it('units, 股室, projects and 事前评估 proposals behave the same', async () => {
    await as(t.operator.id)
    const unit = await t.call('units/save', { code: '101001', name: '县教育局', parentName: '', divisionId: null })
    const div = await t.call('divisions/save', { name: '经建股' })
    const project = await t.call('projects/save', { budgetYear: 2024, unitId: unit.id, code: '', name: '校舍维修', amountWan: '10', fundSource: '一般公共预算', category: '项目' })
    const prop = await t.call('exante/save', { workYear: 2024, unitId: unit.id, projectName: '新建食堂', amountWan: '50', fundSource: '一般公共预算', basis: '', scores: {} })
    for (const v of [unit, div, project, prop]) expect(v.version).toBe(1)

    await as(wang.id)
    await t.call('units/save', { id: unit.id, version: 1, code: '101001', name: '县教育体育局', parentName: '', divisionId: null })
    await t.call('divisions/save', { id: div.id, version: 1, name: '经济建设股' })
    await t.call('projects/save', { id: project.id, version: 1, budgetYear: 2024, unitId: unit.id, code: '', name: '校舍维修改造', amountWan: '12', fundSource: '一般公共预算', category: '项目' })
    await t.call('exante/save', { id: prop.id, version: 1, workYear: 2024, unitId: unit.id, projectName: '新建食堂（调整）', amountWan: '45', fundSource: '一般公共预算', basis: '', scores: {} })

    await as(t.operator.id)
    const refusals = [
      await t.fail('units/save', { id: unit.id, version: 1, code: '101001', name: '旧名', parentName: '', divisionId: null }),
      await t.fail('divisions/save', { id: div.id, version: 1, name: '旧股室名' }),
      await t.fail('projects/save', { id: project.id, version: 1, budgetYear: 2024, unitId: unit.id, code: '', name: '旧项目名', amountWan: '10', fundSource: '一般公共预算', category: '项目' }),
      await t.fail('exante/save', { id: prop.id, version: 1, workYear: 2024, unitId: unit.id, projectName: '旧项目', amountWan: '50', fundSource: '一般公共预算', basis: '', scores: {} }),
    ]
    for (const e of refusals) {
      expect(e.code).toBe('CONFLICT')
      expect(e.message).toMatch(new RegExp(`^该记录已被王芳于${when}修改`))
    }
    expect((await t.call('units/list', {})).find((u) => u.id === unit.id)).toMatchObject({ name: '县教育体育局', version: 2 })
    expect((await t.call('divisions/list', {})).find((d) => d.id === div.id)).toMatchObject({ name: '经济建设股', version: 2 })
  })

  it('two saves from one snapshot at the same moment: exactly one wins', async () => {
    await as(t.operator.id)
    const base = { date: '2024-05-11', organiser: '县财政局', form: '集中培训', participantCount: 3, notes: '', divisionIds: [], unitIds: [] }
    const created = await t.call('trainings/save', { ...base, title: '同时编辑' })
    const results = await Promise.all(
      ['甲的修改', '乙的修改'].map((title) => t.backend.dispatch('trainings/save', { ...base, id: created.id, version: created.version, title })),
    )
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    const lost = results.find((r) => !r.ok)
    expect(lost && !lost.ok && lost.error.code).toBe('CONFLICT')
  })
})
