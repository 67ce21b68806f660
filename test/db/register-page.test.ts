/**
 * 发文登记 one page at a time (register/page): filtered, sorted and paged in SQL, with the count of
 * every filtered entry and the 代字 and years for the filters. Expected orders worked out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanup, makeBackend, type TestBackend } from '../helpers/backend'

let t: TestBackend
beforeAll(async () => {
  t = await makeBackend()
  const add = (prefix: string, year: number, serial: number, title: string, recipients: string, issuedDate: string) =>
    t.call('register/add', { prefix, year, serial, title, recipients, issuedDate })
  await add('师财预', 2024, 3, '关于甲项目的通知', '县教育局', '2024-03-01')
  await add('师财预', 2024, 1, '关于乙项目的通知', '', '2024-05-01')
  await add('师财预', 2024, 2, '关于丙项目的报告', '县人民政府', '2024-01-10')
  await add('师财绩', 2024, 1, '关于丁项目的意见书', '县教育局', '2024-04-01')
  await add('师财预', 2023, 9, '关于戊项目的通知', '', '2023-12-01')
  await add('师财绩', 2024, 2, '关于己项目的意见书', '县卫健局', '2024-05-01')
})
afterAll(async () => {
  await t.close()
  cleanup(t.dataDir)
})

const numbers = (rows: { docNumber: string }[]) => rows.map((r) => r.docNumber)

describe('register/page', () => {
  it('pages the default order (newest year, 代字, 序号 descending) and counts every entry', async () => {
    const p = await t.call('register/page', { offset: 2, limit: 2 })
    expect(p.total).toBe(6)
    expect(numbers(p.rows)).toEqual(['师财预〔2024〕3号', '师财预〔2024〕2号'])
    expect(p.prefixes).toEqual(['师财绩', '师财预'])
    expect(p.years).toEqual([2024, 2023])
    const last = await t.call('register/page', { offset: 4, limit: 4 })
    expect(numbers(last.rows)).toEqual(['师财预〔2024〕1号', '师财预〔2023〕9号'])
    expect(last.total).toBe(6)
  })

  it('filters by year, 代字 and a search over 文号, 标题 and 主送', async () => {
    const byRecipient = await t.call('register/page', { year: 2024, search: '县教育局', offset: 0, limit: 50 })
    expect(byRecipient.total).toBe(2)
    expect(numbers(byRecipient.rows)).toEqual(['师财绩〔2024〕1号', '师财预〔2024〕3号'])
    const byTitle = await t.call('register/page', { search: '意见书', offset: 0, limit: 1 })
    expect(byTitle.total).toBe(2)
    expect(numbers(byTitle.rows)).toEqual(['师财绩〔2024〕2号'])
    const byNumber = await t.call('register/page', { prefix: '师财预', search: '〔2023〕', offset: 0, limit: 50 })
    expect(numbers(byNumber.rows)).toEqual(['师财预〔2023〕9号'])
    const none = await t.call('register/page', { year: 2023, prefix: '师财绩', offset: 0, limit: 50 })
    expect(none).toMatchObject({ rows: [], total: 0 })
  })

  it('sorts by 文号 and by 成文日期, ties in a stable order across pages', async () => {
    const byNumber = await t.call('register/page', { sort: 'number', order: 'desc', offset: 0, limit: 50 })
    expect(numbers(byNumber.rows)).toEqual(['师财预〔2024〕3号', '师财预〔2024〕2号', '师财预〔2024〕1号', '师财预〔2023〕9号', '师财绩〔2024〕2号', '师财绩〔2024〕1号'])
    const all = await t.call('register/page', { year: 2024, sort: 'date', order: 'asc', offset: 0, limit: 50 })
    expect(all.rows.map((r) => r.issuedDate)).toEqual(['2024-01-10', '2024-03-01', '2024-04-01', '2024-05-01', '2024-05-01'])
    expect(numbers(all.rows).slice(0, 3)).toEqual(['师财预〔2024〕2号', '师财预〔2024〕3号', '师财绩〔2024〕1号'])
    // Page by page, one entry a page: the same order, so the two entries of 5月1日 are neither repeated nor skipped.
    const pages: string[] = []
    for (let offset = 0; offset < 5; offset++) pages.push(...numbers((await t.call('register/page', { year: 2024, sort: 'date', order: 'asc', offset, limit: 1 })).rows))
    expect(pages).toEqual(numbers(all.rows))
    expect(new Set(pages.slice(3))).toEqual(new Set(['师财预〔2024〕1号', '师财绩〔2024〕2号']))
  })

  it('refuses a page size beyond the limit', async () => {
    expect((await t.fail('register/page', { offset: 0, limit: 5000 })).code).toBe('VALIDATION')
  })
})
