/**
 * Optimistic concurrency on the remaining editable records: operators, rounds (任务), 第三方机构,
 * 第三方委托, 整改 and the 指标库. Per channel: 王芳 saves from the copy both loaded; 李明's save from the
 * same copy is refused with CONFLICT naming 王芳 and the minute; 王芳's change is what is stored;
 * after reloading, 李明's save goes through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_PASSWORD } from '../helpers/backend'
import { closeEditors, localMinute, signInAs, twoEditors, type SetUp } from '../helpers/two-editors'

const AT = new Date('2024-06-03T01:07:00.000Z')
let t: SetUp
let wang: { id: string }
beforeAll(async () => {
  ;({ t, wang } = await twoEditors(AT))
})
afterAll(() => closeEditors(t))

const when = localMinute(AT)
const asWang = () => signInAs(t, '王芳')
const asLi = () => signInAs(t, '李明')

function expectStale(e: { code: string; message: string; details?: unknown }) {
  expect(e.code).toBe('CONFLICT')
  expect(e.message).toBe(`该记录已被王芳于${when}修改，您看到的是修改前的内容，本次保存未生效；请重新载入后再修改`)
  expect(e.details).toMatchObject({ stale: true, changedBy: '王芳', changedAt: AT.toISOString() })
}

describe('a save from a stale version', () => {
  it('operators/save', async () => {
    await asLi()
    const zhao = await t.call('operators/save', { name: '赵敏', divisionId: null, roles: ['录入'], password: TEST_PASSWORD })
    expect(zhao.version).toBe(1)
    await asWang()
    expect(await t.call('operators/save', { id: zhao.id, version: 1, name: '赵敏', divisionId: t.divisions.jkw.id, active: true, roles: ['录入', '股室审核'] })).toMatchObject({ version: 2 })
    await asLi()
    expectStale(await t.fail('operators/save', { id: zhao.id, version: 1, name: '赵敏', divisionId: null, active: false, roles: ['查看'] }))
    const row = (await t.call('operators/list', {})).find((o) => o.id === zhao.id)!
    expect(row).toMatchObject({ divisionId: t.divisions.jkw.id, active: true, roles: ['股室审核', '录入'], version: 2 })
    expect(await t.call('operators/save', { id: zhao.id, version: row.version, name: '赵敏', divisionId: t.divisions.jkw.id, active: true, roles: ['录入'] })).toMatchObject({ roles: ['录入'], version: 3 })
  })

  it('library/save', async () => {
    await asLi()
    const base = { level1: '产出指标', level2: '数量指标', operator: '≥', targetValue: '100', unit: '人次', explanation: '', field: '教育' }
    const ind = await t.call('library/save', { ...base, name: '培训人次' })
    expect(ind.version).toBe(1)
    await asWang()
    await t.call('library/save', { ...base, id: ind.id, version: 1, name: '培训教师人次' })
    await asLi()
    expectStale(await t.fail('library/save', { ...base, id: ind.id, version: 1, name: '旧名称' }))
    const row = (await t.call('library/list', {})).find((x) => x.id === ind.id)!
    expect(row).toMatchObject({ name: '培训教师人次', version: 2 })
    expect(await t.call('library/save', { ...base, id: ind.id, version: 2, name: '培训人次（重新载入后）' })).toMatchObject({ version: 3 })
  })

  it('rounds/save, agencies/save, engagements/save and rectify/save', async () => {
    await asLi()
    const unit = await t.call('units/save', { code: '101043', name: '师宗县交通运输局', parentName: '', divisionId: t.divisions.jkw.id })
    const road = await t.call('projects/save', { budgetYear: 2023, unitId: unit.id, code: 'A1', name: '农村公路建设项目', amountWan: '500', fundSource: '一般公共预算', category: '项目' })
    const round = await t.call('rounds/save', { stage: 'fiscaleval', workYear: 2024, title: '财政重点绩效评价', deadline: '2024-12-20', projectIds: [road.id] })
    const agency = await t.call('agencies/save', { name: '云南永盛会计师事务所', creditCode: '', contact: '王会计', phone: '', qualifications: '', notes: '' })
    const engBase = { roundId: round.id, agencyId: agency.id, services: '评价', quality: '', deliverBy: null, feeWan: '8', method: '询价', contractDate: null, periodStart: null, periodEnd: null, reportDate: null }
    const eng = await t.call('engagements/save', { ...engBase, notes: '' })
    const [item] = (await t.call('items/list', { roundId: round.id })).rows
    const rectBase = { itemId: item!.id, deadline: '2024-12-26', copies: 2, reportDate: null, reportContent: '' }
    const rect = await t.call('rectify/save', { ...rectBase, requirements: '逐项整改', status: '未整改' })
    for (const v of [round, agency, eng, rect]) expect(v.version).toBe(1)

    await asWang()
    const roundBase = { stage: 'fiscaleval' as const, workYear: 2024, deadline: '2024-12-20', projectIds: [road.id] }
    await t.call('rounds/save', { ...roundBase, id: round.id, version: 1, title: '财政重点绩效评价（王芳改）' })
    await t.call('agencies/save', { id: agency.id, version: 1, name: '云南永盛会计师事务所', creditCode: '', contact: '李会计', phone: '', qualifications: '', notes: '' })
    await t.call('engagements/save', { ...engBase, id: eng.id, version: 1, notes: '王芳补记' })
    await t.call('rectify/save', { ...rectBase, version: 1, requirements: '王芳改的要求', status: '整改中' })

    await asLi()
    expectStale(await t.fail('rounds/save', { ...roundBase, id: round.id, version: 1, title: '旧标题' }))
    expectStale(await t.fail('agencies/save', { id: agency.id, version: 1, name: '云南永盛会计师事务所', creditCode: '', contact: '旧联系人', phone: '', qualifications: '', notes: '' }))
    expectStale(await t.fail('engagements/save', { ...engBase, id: eng.id, version: 1, notes: '旧备注' }))
    expectStale(await t.fail('rectify/save', { ...rectBase, version: 1, requirements: '旧要求', status: '未整改' }))

    // 王芳's changes are what is stored.
    expect(await t.call('rounds/get', { id: round.id })).toMatchObject({ title: '财政重点绩效评价（王芳改）', version: 2 })
    expect((await t.call('agencies/list', {})).find((a) => a.id === agency.id)).toMatchObject({ contact: '李会计', version: 2 })
    expect((await t.call('engagements/list', { roundId: round.id })).find((e) => e.id === eng.id)).toMatchObject({ notes: '王芳补记', version: 2 })
    expect((await t.call('rectify/list', {})).find((r) => r.itemId === item!.id)).toMatchObject({ requirements: '王芳改的要求', status: '整改中', version: 2 })

    // Reloaded: the current version saves.
    expect(await t.call('rounds/save', { ...roundBase, id: round.id, version: 2, title: '重新载入后' })).toMatchObject({ title: '重新载入后', version: 3 })
    expect(await t.call('rectify/save', { ...rectBase, version: 2, requirements: '重新载入后', status: '整改中' })).toMatchObject({ version: 3 })
  })
})
