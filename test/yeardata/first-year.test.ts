/**
 * A first-year county's data: only last year's 项目库 (its baseline) and this year's. 年度数据 must list
 * those budget years, so that the baseline year can be locked (which then guards its 项目库) and
 * exported as a package carrying its projects.
 */
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanup, makeSetUpBackend } from '../helpers/backend'
import { exportYear } from './fixtures'

let t: Awaited<ReturnType<typeof makeSetUpBackend>>

beforeAll(async () => {
  t = await makeSetUpBackend()
  const unit = await t.call('units/save', { code: '101041', name: '师宗县住房和城乡建设局', parentName: '', divisionId: t.divisions.budget.id })
  await t.call('projects/save', { budgetYear: 2023, unitId: unit.id, code: '530323230001', name: '城乡环卫一体化经费', amountWan: '1500', fundSource: '一般公共预算', category: '项目' })
  await t.call('projects/save', { budgetYear: 2024, unitId: unit.id, code: '530323240001', name: '城乡环卫一体化经费', amountWan: '1573', fundSource: '一般公共预算', category: '项目' })
})

afterAll(async () => {
  await t?.close()
  if (t) cleanup(t.dataDir)
})

describe('年度数据 on a database holding only 项目库 data', () => {
  it('lists each budget year, locks the baseline year (its 项目库 then refuses edits) and exports it', async () => {
    const before = await t.call('yearData/packages', {})
    expect(before.years).toEqual([
      { workYear: 2024, locked: false, lockedAt: null },
      { workYear: 2023, locked: false, lockedAt: null },
    ])
    const locked = await t.call('yearData/lock', { workYear: 2023, locked: true, reason: '' })
    expect(locked.locked).toBe(true)
    expect((await t.call('yearData/packages', {})).years.find((y) => y.workYear === 2023)?.locked).toBe(true)
    const unitId = (await t.call('units/list', {}))[0]!.id
    const refused = await t.fail('projects/save', { budgetYear: 2023, unitId, code: '530323230009', name: '锁定后新增', amountWan: '1', fundSource: '一般公共预算', category: '项目' })
    expect(refused.code).toBe('LOCKED')
    expect(refused.message).toMatch(/2023年度已结账锁定/)

    const path = await exportYear(t, 2023)
    const db = new Database(path, { readonly: true })
    try {
      expect(db.prepare('SELECT budget_year AS y, name FROM projects').all()).toEqual([{ y: 2023, name: '城乡环卫一体化经费' }])
    } finally {
      db.close()
    }
  })
})
