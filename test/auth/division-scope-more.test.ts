/**
 * 股室审核 works only on the units of their own 股室: beside the item lists, the 整改 list, 事前评估
 * (list and one proposal) and the 驾驶舱 figures are limited to those units, and the 驾驶舱 says so.
 * Material: 教科文股 links 县教育局, 行政政法股 links 县司法局; each unit has a 2023 project under 财政评价
 * with an open 整改, a 2024 project, a 事前评估 proposal and a training its 股室 took part in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanup, makeSetUpBackend, TEST_PASSWORD } from '../helpers/backend'

type T = Awaited<ReturnType<typeof makeSetUpBackend>>
let t: T
let xz: { id: string }
let proposalB: { id: string }
const WAN = 1_000_000 // 分 in 1 万元

beforeAll(async () => {
  t = await makeSetUpBackend({ now: () => new Date('2024-12-27T09:00:00') })
  xz = await t.call('divisions/save', { name: '行政政法股' })
  const a = await t.call('units/save', { code: '101001', name: '县教育局', parentName: '', divisionId: t.divisions.jkw.id })
  const b = await t.call('units/save', { code: '102001', name: '县司法局', parentName: '', divisionId: xz.id })
  const pa = await t.call('projects/save', { budgetYear: 2023, unitId: a.id, code: 'A1', name: '农村学校营养餐', amountWan: '300', fundSource: '一般公共预算', category: '项目' })
  const pb = await t.call('projects/save', { budgetYear: 2023, unitId: b.id, code: 'B1', name: '社区矫正经费', amountWan: '50', fundSource: '一般公共预算', category: '项目' })
  await t.call('projects/save', { budgetYear: 2024, unitId: a.id, code: 'A2', name: '校舍维修', amountWan: '100', fundSource: '一般公共预算', category: '项目' })
  await t.call('projects/save', { budgetYear: 2024, unitId: b.id, code: 'B2', name: '法庭修缮', amountWan: '200', fundSource: '政府性基金预算', category: '项目' })
  const round = await t.call('rounds/save', { stage: 'fiscaleval', workYear: 2024, title: '财政重点绩效评价', deadline: '2024-12-20', projectIds: [pa.id, pb.id] })
  for (const it of (await t.call('items/list', { roundId: round.id })).rows) {
    await t.call('rectify/save', { itemId: it.id, deadline: '2024-12-26', copies: 2, requirements: '逐项整改', status: '未整改' })
  }
  await t.call('exante/save', { workYear: 2024, unitId: a.id, projectName: '新建食堂', amountWan: '50', fundSource: '一般公共预算', basis: '', scores: {} })
  proposalB = await t.call('exante/save', { workYear: 2024, unitId: b.id, projectName: '法院档案室改造', amountWan: '20', fundSource: '一般公共预算', basis: '', scores: {} })
  const training = { date: '2024-05-10', organiser: '县财政局', form: '集中培训', notes: '', unitIds: [] }
  await t.call('trainings/save', { ...training, title: '教育系统绩效培训', participantCount: 30, divisionIds: [t.divisions.jkw.id] })
  await t.call('trainings/save', { ...training, title: '政法系统绩效培训', participantCount: 12, divisionIds: [xz.id] })
  await t.signInAs('张审核', ['股室审核'], t.divisions.jkw.id)
})
afterAll(async () => {
  await t.close()
  cleanup(t.dataDir)
})

describe('a 股室审核 of 教科文股', () => {
  it('sees only 县教育局 in the 整改 list', async () => {
    const rows = await t.call('rectify/list', {})
    expect(rows.map((r) => `${r.unitName}·${r.projectName}`)).toEqual(['县教育局·农村学校营养餐'])
    expect((await t.call('rectify/list', { overdueOnly: true })).map((r) => r.unitName)).toEqual(['县教育局'])
  })

  it('sees only 县教育局 in 事前评估 and cannot open a 县司法局 proposal', async () => {
    const list = await t.call('exante/list', { workYear: 2024 })
    expect(list.rows.map((r) => r.projectName)).toEqual(['新建食堂'])
    expect(list.totalFen).toBe(50 * WAN)
    const e = await t.fail('exante/get', { id: proposalB.id })
    expect(e.code).toBe('FORBIDDEN')
    expect(e.message).toBe('“县司法局”属于“行政政法股”，不是您所在股室联系的单位，不能查看。请由该股室的审核人员或预算股办理')
  })

  it('gets the 驾驶舱 figures of 教科文股 only, and is told so', async () => {
    const d = await t.call('dashboard/get', { workYear: 2024 })
    expect(d.scope).toEqual({ divisionId: t.divisions.jkw.id, divisionName: '教科文股' })
    expect(d.headline).toMatchObject({
      trainings: 1,
      trainingParticipants: 30,
      exanteProjects: 1,
      exanteFen: 50 * WAN,
      keyEvalProjects: 1,
      keyEvalFen: 300 * WAN,
      rectifyOpen: 1,
    })
    expect(d.byUnit).toEqual([{ key: expect.any(String), name: '县教育局', count: 1, fen: 100 * WAN }])
    expect(d.byDivision.map((g) => g.name)).toEqual(['教科文股'])
    expect(d.byFundSource).toEqual([{ key: '一般公共预算', name: '一般公共预算', count: 1, fen: 100 * WAN }])
    expect(d.byStageStatus).toEqual([{ stage: 'fiscaleval', stageName: expect.any(String), status: '待填报', count: 1, fen: 300 * WAN }])
    const overdue = d.warnings.find((w) => w.kind === 'rectify-overdue')
    expect(overdue).toMatchObject({ title: '整改逾期1项', detail: '农村学校营养餐' })
    expect(d.pipeline.find((p) => p.stage === 'rectify')).toMatchObject({ count: 1, fen: 300 * WAN })
    const years = await t.call('dashboard/years', {})
    expect(years.find((y) => y.source === '工作数据' && y.headline.workYear === 2024)?.headline).toMatchObject({ exanteProjects: 1, rectifyOpen: 1, trainings: 1 })
  })

  it('预算股 still sees the whole bureau', async () => {
    await t.call('session/signIn', { name: '李明', password: TEST_PASSWORD })
    expect((await t.call('rectify/list', {})).map((r) => r.unitName).sort()).toEqual(['县司法局', '县教育局'].sort())
    expect((await t.call('exante/get', { id: proposalB.id })).projectName).toBe('法院档案室改造')
    const d = await t.call('dashboard/get', { workYear: 2024 })
    expect(d.scope).toBeNull()
    expect(d.headline).toMatchObject({ trainings: 2, exanteProjects: 2, exanteFen: 70 * WAN, keyEvalProjects: 2, keyEvalFen: 350 * WAN, rectifyOpen: 2 })
    expect(d.byUnit.map((g) => g.name)).toEqual(['县司法局', '县教育局'])
  })
})
