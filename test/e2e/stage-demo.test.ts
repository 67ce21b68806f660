/**
 * End to end, in Chromium: the demo year (载入演示数据) on the stage screens at the source report's
 * scale — 139 绩效目标 projects (14052.00万元), 600 monitored lines (280610.08万元) with their lights,
 * the 自评 and 财政评价 rounds. Screenshots: test-output/screenshots/stage-demo-*.png.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type LaunchedBrowser } from './browser'
import { ensureRendererBuilt } from './build'
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
    const s = await openStageSession(browser, 'stage-demo', async (api) => {
      await api('demo/load', {})
    })
    const { page } = s
    try {
      await expect.poll(() => page.getByTestId('current-operator').textContent(), { timeout: T }).not.toBe('未选择操作员')
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
      // Scroll through a page of 200 rows: the list stays responsive.
      await pick(page, page.locator('.ant-pagination-options .ant-select'), '200 条/页')
      const started = Date.now()
      await page.locator('.ant-table-body').evaluate((el) => el.scrollTo(0, el.scrollHeight))
      await expect.poll(() => page.locator('.ant-table-row').count()).toBe(200)
      expect(Date.now() - started).toBeLessThan(3000)
      await shot(page, 'stage-demo-04-monitoring-200-rows')
      await pick(page, page.getByTestId('filter-light'), '红灯')
      await expect.poll(() => page.locator('.ant-table-row .light-tag').filter({ hasNotText: '红灯' }).count()).toBe(0)
      await expect.poll(() => page.locator('.ant-table-row').count()).toBeGreaterThan(0)
      await shot(page, 'stage-demo-05-monitoring-red')
      await page.locator('.ant-table-row').first().click()
      await expect.poll(() => drawer(page).getByTestId('monitoring-form').isVisible()).toBe(true)
      await shot(page, 'stage-demo-06-monitoring-drawer')
      await closeDrawer(page)

      await menu(page, '单位自评')
      await expect.poll(() => page.locator('.ant-table-row').count(), { timeout: T }).toBeGreaterThan(0)
      await shot(page, 'stage-demo-07-selfeval-list')
      await menu(page, '财政评价')
      await expect.poll(() => page.locator('.ant-table-row').count(), { timeout: T }).toBeGreaterThan(0)
      await expect.poll(() => page.getByTestId('items-sum').textContent()).toBe('15718.94')
      await shot(page, 'stage-demo-08-fiscaleval-list')
      expect(s.errors).toEqual([])
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'zz-failure-stage-demo.png') }).catch(() => undefined)
      throw e
    } finally {
      await s.close()
    }
  }, 90_000)
})
