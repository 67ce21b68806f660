/**
 * Lists page, sort and filter in SQL (issue 11 §3): items/list and projects/list hand out one page
 * with the counts and sums of every filtered row, and the rows carry what the list shows (得分/等级).
 * Expected values are written out by hand from the projects below.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, makeSetUpBackend } from '../helpers/backend'
import { completeIndicators } from '../helpers/stage-setup'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach(cleanup))

/** Two units, seven 2024 projects (万元): 甲 10 / 30 / 20, 乙 50 / 5 / 40 / 25 — 180 万元 in all. */
async function setUp() {
  const t = await makeSetUpBackend({ now: () => new Date('2024-10-08T09:00:00') })
  dirs.push(t.dataDir)
  const a = await t.call('units/save', { code: '101001', name: '师宗县甲局', parentName: '', divisionId: t.divisions.jkw.id })
  const b = await t.call('units/save', { code: '101002', name: '师宗县乙局', parentName: '', divisionId: null })
  const made: Record<string, string> = {}
  const add = async (unitId: string, code: string, name: string, wan: string, year = 2024) => {
    const p = await t.call('projects/save', { budgetYear: year, unitId, code, name, amountWan: wan, fundSource: '一般公共预算', category: '项目' })
    made[name] = p.id
  }
  await add(a.id, 'A1', '甲一经费', '10')
  await add(a.id, 'A2', '甲二经费', '30')
  await add(a.id, 'A3', '甲三经费', '20')
  await add(b.id, 'B1', '乙一经费', '50')
  await add(b.id, 'B2', '乙二经费', '5')
  await add(b.id, 'B3', '乙三经费', '40')
  await add(b.id, 'B4', '乙四经费', '25')
  return { ...t, a, b, made, add }
}

const WAN = 1_000_000 // 分 per 万元

describe('items/list pages in SQL', () => {
  it('hands out pages in the asked order with the sums and counts of every filtered row', async () => {
    const t = await setUp()
    const round = await t.call('rounds/save', { stage: 'monitoring', workYear: 2024, title: '2024年1-9月绩效运行监控', deadline: null, asOfMonth: 9, unitIds: [] })
    const page = (offset: number, more: Record<string, unknown> = {}) => t.call('items/list', { roundId: round.id, sort: 'amount', order: 'desc', offset, limit: 3, ...more })

    const p1 = await page(0)
    expect(p1.rows.map((r) => r.amountFen / WAN)).toEqual([50, 40, 30])
    expect(p1).toMatchObject({ total: 7, totalFen: 180 * WAN, executedFen: 0, executedAmountFen: 0 })
    expect(p1.counts).toMatchObject({ 全部: 7, 待填报: 7, 已填报: 0 })
    expect((await page(3)).rows.map((r) => r.amountFen / WAN)).toEqual([25, 20, 10])
    const p3 = await page(6)
    expect(p3.rows.map((r) => r.projectName)).toEqual(['乙二经费'])
    expect(p3.total).toBe(7)
    expect((await page(0, { order: 'asc' })).rows.map((r) => r.amountFen / WAN)).toEqual([5, 10, 20])

    // Default order: 单位编码 (甲 101001 before 乙 101002), then the name by character (一 U+4E00,
    // 三 U+4E09, 二 U+4E8C, 四 U+56DB); two pages of four hold every row once.
    const byUnit = [...(await t.call('items/list', { roundId: round.id, limit: 4 })).rows, ...(await t.call('items/list', { roundId: round.id, offset: 4, limit: 4 })).rows]
    expect(byUnit.map((r) => r.projectCode)).toEqual(['A1', 'A3', 'A2', 'B1', 'B3', 'B2', 'B4'])

    // A filter narrows the rows, the total and the sum together.
    const unitA = await t.call('items/list', { roundId: round.id, unitId: t.a.id, sort: 'amount', order: 'asc', limit: 2 })
    expect(unitA.rows.map((r) => r.projectName)).toEqual(['甲一经费', '甲三经费'])
    expect(unitA).toMatchObject({ total: 3, totalFen: 60 * WAN })
    const search = await t.call('items/list', { roundId: round.id, search: '乙', limit: 1 })
    expect(search).toMatchObject({ total: 4, totalFen: 120 * WAN })
    expect(search.rows).toHaveLength(1)

    // 执行数 of two items: the footer's 执行数 and the amount it is a share of, and sorting by them.
    const list = (await t.call('items/list', { roundId: round.id })).rows
    const item = (name: string) => list.find((r) => r.projectName === name)!
    await t.call('monitoring/save', { itemId: item('甲一经费').id, executedWan: '8', forecastWan: '10', deviation: '', measures: '', values: [] })
    await t.call('monitoring/save', { itemId: item('乙三经费').id, executedWan: '20', forecastWan: '40', deviation: '', measures: '', values: [] })
    const filled = await page(0, { sort: 'executed', order: 'desc' })
    expect(filled).toMatchObject({ executedFen: 28 * WAN, executedAmountFen: 50 * WAN })
    expect(filled.rows.slice(0, 2).map((r) => r.projectName)).toEqual(['乙三经费', '甲一经费'])
    // 执行率 80% (甲一) before 50% (乙三); the unfilled ones last.
    const byRate = await page(0, { sort: 'rate', order: 'desc' })
    expect(byRate.rows.slice(0, 2).map((r) => [r.projectName, r.executionRate])).toEqual([
      ['甲一经费', 80],
      ['乙三经费', 50],
    ])
    expect(byRate.rows[2]!.executionRate).toBeNull()
    // Only 乙's items: 20 of 40 filled.
    expect(await t.call('items/list', { roundId: round.id, unitId: t.b.id, limit: 1 })).toMatchObject({ total: 4, executedFen: 20 * WAN, executedAmountFen: 40 * WAN })
  })

  it('counts by status over the other filters and pages the chosen status', async () => {
    const t = await setUp()
    const round = await t.call('rounds/save', { stage: 'targets', workYear: 2024, title: 'r', deadline: null, unitIds: [] })
    const all = (await t.call('items/list', { roundId: round.id })).rows
    // Two of 乙's and one of 甲's handed in.
    for (const name of ['乙一经费', '乙二经费', '甲二经费']) {
      const it = all.find((r) => r.projectName === name)!
      await t.call('targets/save', { projectId: it.projectId, annualGoal: '完成年度任务', indicators: completeIndicators(String(it.amountFen / WAN)) })
      await t.call('items/transition', { id: it.id, action: 'submit' })
    }
    const filled = await t.call('items/list', { roundId: round.id, status: '已填报', sort: 'amount', order: 'desc', limit: 2 })
    expect(filled.rows.map((r) => r.projectName)).toEqual(['乙一经费', '甲二经费'])
    expect(filled).toMatchObject({ total: 3, totalFen: 85 * WAN, counts: { 全部: 7, 待填报: 4, 已填报: 3 } })
    const bStatus = await t.call('items/list', { roundId: round.id, unitId: t.b.id, sort: 'status', order: 'desc', limit: 2 })
    // The state machine's order: 已填报 after 待填报, so descending puts them first.
    expect(bStatus.rows.map((r) => r.status)).toEqual(['已填报', '已填报'])
    expect(bStatus.counts).toMatchObject({ 全部: 4, 待填报: 2, 已填报: 2 })
    // The three with targets have 7 indicators each, the rest none.
    const byIndicators = await t.call('items/list', { roundId: round.id, sort: 'indicators', order: 'desc', limit: 4 })
    expect(byIndicators.rows.map((r) => r.indicatorCount)).toEqual([7, 7, 7, 0])
  })

  it('carries 得分 and 等级 in the rows of an evaluation list, sortable by score', async () => {
    const t = await setUp()
    await t.add(t.a.id, 'E1', '上年甲项目', '300', 2023)
    await t.add(t.b.id, 'E2', '上年乙项目', '200', 2023)
    const round = await t.call('rounds/save', { stage: 'fiscaleval', workYear: 2024, title: '2023年度财政重点绩效评价', deadline: null, projectIds: [t.made['上年甲项目']!, t.made['上年乙项目']!] })
    const before = await t.call('items/list', { roundId: round.id, limit: 50 })
    expect(before.rows.map((r) => [r.projectName, r.totalScore, r.grade])).toEqual([
      ['上年甲项目', null, null],
      ['上年乙项目', null, null],
    ])
    await t.call('fiscaleval/save', { itemId: before.rows[1]!.id, totalScore: 82.5, findings: [], conclusion: '总体较好', consequence: '' })
    const after = await t.call('items/list', { roundId: round.id, sort: 'score', order: 'desc', limit: 50 })
    // 82.5 is 良 under the default bands (优 90, 良 80, 中 60).
    expect(after.rows.map((r) => [r.projectName, r.totalScore, r.grade])).toEqual([
      ['上年乙项目', 82.5, '良'],
      ['上年甲项目', null, null],
    ])
  })
})

describe('projects/list pages in SQL', () => {
  it('hands out one page of the 项目库 with the count and sum of every filtered project', async () => {
    const t = await setUp()
    const p = await t.call('projects/list', { budgetYear: 2024, sort: 'amount', order: 'desc', offset: 2, limit: 2 })
    expect(p.rows.map((r) => r.name)).toEqual(['甲二经费', '乙四经费'])
    expect(p).toMatchObject({ total: 7, totalFen: 180 * WAN })
    expect(await t.call('projects/list', { budgetYear: 2024, unitId: t.a.id, limit: 1 })).toMatchObject({ total: 3, totalFen: 60 * WAN })
    // Without a limit: every row, as before.
    expect((await t.call('projects/list', { budgetYear: 2024 })).rows).toHaveLength(7)
  })
})
