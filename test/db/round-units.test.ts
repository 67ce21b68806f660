/** rounds/units: the units that have items in a round, by 单位编码 — the export dialog's list, without the items. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanup } from '../helpers/backend'
import { makeStageBackend } from '../helpers/stage-setup'

let t: Awaited<ReturnType<typeof makeStageBackend>>
beforeAll(async () => {
  t = await makeStageBackend()
})
afterAll(async () => {
  await t.close()
  cleanup(t.dataDir)
})

describe('rounds/units', () => {
  it('lists each unit of the round once, by 单位编码, and only units with items', async () => {
    // A third unit without projects has no item in the round.
    await t.call('units/save', { code: '101001', name: '师宗县人民政府办公室', parentName: '', divisionId: null })
    await t.call('projects/save', { budgetYear: 2024, unitId: t.units.jsj.id, code: '530323240003', name: '道路清扫经费', amountWan: '80', fundSource: '一般公共预算', category: '项目' })
    const round = await t.call('rounds/save', { stage: 'targets', workYear: 2024, title: '2024年度预算绩效目标编审', deadline: '2024-03-15', unitIds: [] })
    expect(await t.call('rounds/units', { roundId: round.id })).toEqual([
      { id: t.units.jyj.id, code: '101024', name: '师宗县教育体育局' },
      { id: t.units.jsj.id, code: '101041', name: '师宗县住房和城乡建设局' },
    ])
    expect((await t.fail('rounds/units', { roundId: 'no-such-round' })).code).toBe('NOT_FOUND')
  })
})
