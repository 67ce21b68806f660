/**
 * End to end, in Chromium: the demo year, loaded from the start dialog (载入演示数据) of an empty
 * database, on the 评估项目, 业务培训 and 首页 pages and on the stage screens at the source report's
 * scale — 139 绩效目标 projects (14052.00万元), 600 monitored lines (280610.08万元) with their lights,
 * the 自评 and 财政评价 rounds. The lists come one page at a time from the backend: page 2 and the
 * order by amount are asked of items/list, never cut from a full download.
 * Screenshots: test-output/screenshots/stage-demo-*.png.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type LaunchedBrowser } from './browser'
import { ensureRendererBuilt } from './build'
import { TEST_PASSWORD } from '../helpers/backend'
import { SHOTS, T, closeDrawer, drawer, menu, openStageSession, pick, shot } from './stage-helpers'

let browser: LaunchedBrowser

beforeAll(async () => {
  await ensureRendererBuilt()
  browser = await launchBrowser()
}, 180_000)

afterAll(async () => {
  await browser?.close()
})

describe('阶段界面 · 演示数据', () => {
  it('shows the demo year at scale: 139 targets (14052.00万元) and 600 monitored lines (280610.08万元) with lights', async () => {
    // An empty database, nobody signed in: the demo year is loaded from the start dialog.
    const s = await openStageSession(browser, 'stage-demo', async () => undefined, { signIn: false })
    const { page } = s
    // Every items/list the page asks for, with what came back.
    const lists: { input: Record<string, unknown>; rows: { projectName: string }[]; total: number }[] = []
    page.on('response', (r) => {
      if (!r.url().endsWith('/api/items/list')) return
      void r
        .json()
        .then((body: { ok: boolean; data: { rows: { projectName: string }[]; total: number } }) => {
          if (body.ok) lists.push({ input: JSON.parse(r.request().postData() ?? '{}') as Record<string, unknown>, rows: body.data.rows, total: body.data.total })
        })
        .catch(() => undefined)
    })
    // Every items/list asked for, as it leaves the page (the responses above arrive later).
    const requested: Record<string, unknown>[] = []
    page.on('request', (r) => {
      if (r.url().endsWith('/api/items/list')) requested.push(JSON.parse(r.postData() ?? '{}') as Record<string, unknown>)
    })
    const names = () => page.locator('.ant-table-row td:nth-child(3)').allTextContents()
    try {
      // The demo needs its administrator first: name and password, then 载入演示数据.
      const start = page.getByRole('dialog', { name: '创建第一个操作员' })
      await start.getByLabel('姓名').fill('张丽')
      await start.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD)
      await start.getByLabel('确认密码').fill(TEST_PASSWORD)
      await start.getByRole('button', { name: '载入演示数据' }).click()
      await expect.poll(() => page.getByTestId('current-operator').textContent(), { timeout: 30_000 }).not.toBe('未选择操作员')
      await menu(page, '评估项目')
      await expect.poll(() => page.locator('.ant-table-row').count()).toBeGreaterThan(0)
      await expect.poll(() => page.getByTestId('exante-sum').textContent()).toMatch(/^\d+\.\d{2}$/)
      await shot(page, '31-demo-exante')
      await menu(page, '业务培训')
      await expect.poll(() => page.locator('.ant-table-row').count()).toBeGreaterThan(0)
      await shot(page, '32-demo-trainings')
      await menu(page, '预算单位')
      await shot(page, '33-demo-units')
      await menu(page, '首页')
      await shot(page, '34-demo-home')
      // What follows counts the stage lists' requests from here on.
      lists.length = 0
      requested.length = 0

      await pick(page, page.getByTestId('work-year'), '2024年')

      await menu(page, '目标审核')
      await expect.poll(() => page.getByTestId('items-sum').textContent(), { timeout: T }).toBe('14052.00')
      await expect.poll(() => page.getByTestId('items-count').textContent()).toContain('139 项')
      await expect.poll(() => page.getByTestId('round-total').textContent()).toBe('14052.00')
      await shot(page, 'stage-demo-01-targets-list')
      await page.locator('.ant-table-row').first().click()
      await expect.poll(() => drawer(page).getByTestId('targets-form').isVisible()).toBe(true)
      await shot(page, 'stage-demo-02-targets-drawer')
      await closeDrawer(page)

      await menu(page, '监控任务')
      await expect.poll(() => page.getByTestId('items-sum').textContent(), { timeout: T }).toBe('280610.08')
      await expect.poll(() => page.getByTestId('items-count').textContent()).toContain('600 项')
      for (const light of ['红灯', '黄灯', '绿灯']) await expect.poll(() => page.locator('.ant-table-row .light-tag').filter({ hasText: light }).count()).toBeGreaterThan(0)
      await shot(page, 'stage-demo-03-monitoring-list')
      // Opening the list asked for one page of 50, not the 600 rows.
      expect(lists.length).toBeGreaterThan(0)
      expect(lists.every((l) => l.input.limit === 50 && l.rows.length <= 50)).toBe(true)
      const roundId = lists.at(-1)!.input.roundId as string
      expect(lists.at(-1)!.total).toBe(600)

      // Page 2 comes from the backend (offset 50) and shows what the backend's page 2 holds.
      const asked = lists.length
      await page.locator('.ant-pagination-item-2').click()
      await expect.poll(() => lists.slice(asked).some((l) => l.input.offset === 50 && l.input.limit === 50)).toBe(true)
      const page2 = await s.api('items/list', { roundId, offset: 50, limit: 50 })
      await expect.poll(() => names()).toEqual(page2.rows.map((r) => r.projectName))
      await expect.poll(() => page.getByTestId('items-count').textContent()).toContain('600 项')
      await shot(page, 'stage-demo-03b-monitoring-page-2')

      // Sorting by amount asks the backend and goes back to page 1: first ascending, then descending.
      const amount = page.locator('.ant-table-thead th').filter({ hasText: '金额（万元）' })
      await amount.click()
      await expect.poll(() => lists.some((l) => l.input.sort === 'amount' && l.input.order === 'asc' && l.input.offset === 0)).toBe(true)
      await amount.click()
      const byAmount = await s.api('items/list', { roundId, sort: 'amount', order: 'desc', offset: 0, limit: 50 })
      await expect.poll(() => names()).toEqual(byAmount.rows.map((r) => r.projectName))
      expect(byAmount.rows[0]!.amountFen).toBeGreaterThanOrEqual(byAmount.rows[49]!.amountFen)
      expect(await page.locator('.ant-pagination-item-active').textContent()).toBe('1')
      await shot(page, 'stage-demo-03c-monitoring-by-amount')

      // A page of 200 rows (sorted as chosen), from the backend too.
      await pick(page, page.locator('.ant-pagination-options .ant-select'), '200 条/页')
      await page.locator('.ant-table-body').evaluate((el) => el.scrollTo(0, el.scrollHeight))
      await expect.poll(() => page.locator('.ant-table-row').count()).toBe(200)
      expect(lists.at(-1)!.input).toMatchObject({ limit: 200, sort: 'amount', order: 'desc' })
      await shot(page, 'stage-demo-04-monitoring-200-rows')
      await pick(page, page.getByTestId('filter-light'), '红灯')
      await expect.poll(() => page.locator('.ant-table-row .light-tag').filter({ hasNotText: '红灯' }).count()).toBe(0)
      await expect.poll(() => page.locator('.ant-table-row').count()).toBeGreaterThan(0)
      await shot(page, 'stage-demo-05-monitoring-red')
      await page.locator('.ant-table-row').first().click()
      await expect.poll(() => drawer(page).getByTestId('monitoring-form').isVisible()).toBe(true)
      await shot(page, 'stage-demo-06-monitoring-drawer')
      await closeDrawer(page)

      // The page remembers this round; opened in another work year it must not list it (2025 has no
      // monitoring round: nothing is listed at all).
      await menu(page, '目标审核')
      await pick(page, page.getByTestId('work-year'), '2025年')
      await expect.poll(() => page.getByTestId('work-year').textContent()).toContain('2025年')
      const before = requested.length
      await menu(page, '监控任务')
      await expect.poll(() => page.getByTestId('no-rounds').isVisible(), { timeout: T }).toBe(true)
      await expect.poll(() => page.getByTestId('no-rounds').textContent()).toContain('2025年度还没有运行监控任务')
      // Back to 2024 while the page is shown: the remembered round, one request, not two.
      await pick(page, page.getByTestId('work-year'), '2024年')
      await expect.poll(() => page.getByTestId('items-count').textContent(), { timeout: T }).toContain('600 项')
      await expect.poll(() => page.locator('.ant-table-row').count()).toBe(50)
      expect(requested.slice(before)).toEqual([{ roundId, offset: 0, limit: 50 }])

      await menu(page, '单位自评')
      await expect.poll(() => page.locator('.ant-table-row').count(), { timeout: T }).toBeGreaterThan(0)
      await shot(page, 'stage-demo-07-selfeval-list')
      await menu(page, '财政评价')
      await expect.poll(() => page.locator('.ant-table-row').count(), { timeout: T }).toBeGreaterThan(0)
      await expect.poll(() => page.getByTestId('items-sum').textContent()).toBe('15718.94')
      await shot(page, 'stage-demo-08-fiscaleval-list')

      // The 项目库 of the year, a page of 100 from projects/list with the count of every project.
      const projectLists: Record<string, unknown>[] = []
      page.on('request', (r) => {
        if (r.url().endsWith('/api/projects/list')) projectLists.push(JSON.parse(r.postData() ?? '{}') as Record<string, unknown>)
      })
      await menu(page, '年度项目库')
      const all = await s.api('projects/list', { budgetYear: 2024, limit: 1 })
      expect(all.total).toBeGreaterThan(100)
      await expect.poll(() => page.getByTestId('projects-count').textContent(), { timeout: T }).toBe(`合计（${all.total} 个项目）`)
      await expect.poll(() => page.locator('.ant-table-row').count()).toBe(100)
      expect(projectLists.filter((q) => q.budgetYear === 2024).every((q) => q.limit === 100)).toBe(true)
      await shot(page, 'stage-demo-09-projects-paged')
      expect(s.errors).toEqual([])
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'zz-failure-stage-demo.png') }).catch(() => undefined)
      throw e
    } finally {
      await s.close()
    }
  }, 90_000)
})
