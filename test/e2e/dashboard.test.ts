/**
 * End to end over the demo year: the 驾驶舱 shows the source report's figures, a chart segment opens
 * the list behind it, a year package is exported, imported, opened read-only (edits refused) and
 * closed, and the annual work report is generated. Screenshots: test-output/screenshots/dash-*, year-*.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBackend, type Backend } from '../../electron/backend'
import { startHarness, type Harness } from '../../electron/harness/http'
import { headlessPlatform } from '../../electron/platform'
import { DOC_KINDS } from '../../shared/documents'
import { launchBrowser, type LaunchedBrowser } from './browser'
import { ROOT, STATIC_DIR, ensureRendererBuilt } from './build'
import { signInTestAdmin } from '../helpers/backend'

const SHOTS = join(ROOT, 'test-output', 'screenshots')
const T = 15_000

let browser: LaunchedBrowser
let dir: string
let backend: Backend
let harness: Harness

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  dir = mkdtempSync(join(tmpdir(), 'yusuan-e2e-dash-'))
  // Build, browser and the demo year in parallel: together they are most of the run.
  const [, b, be] = await Promise.all([
    ensureRendererBuilt(),
    launchBrowser(),
    (async () => {
      const be = await openBackend({ dataDir: join(dir, 'data'), appVersion: '0.0.0-e2e', platform: headlessPlatform, harness: true })
      // Signed in as the administrator, so the page opens without the sign-in screen.
      await signInTestAdmin(be.dispatch)
      const demo = await be.dispatch('demo/load', {})
      if (!demo.ok) throw new Error('demo/load: ' + demo.error.message)
      return be
    })(),
  ])
  browser = b
  backend = be
  harness = await startHarness({ backend, staticDir: STATIC_DIR })
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await harness?.close()
  await backend?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function shot(page: Page, name: string) {
  await page.waitForTimeout(300) // antd motion and ECharts' entry animation
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false })
}

async function menu(page: Page, label: string) {
  await page.getByRole('menuitem', { name: label, exact: true }).click()
}

async function expectMessage(page: Page, text: string | RegExp) {
  await expect.poll(() => page.locator('.ant-message-notice').filter({ hasText: text }).count(), { timeout: T }).toBeGreaterThan(0)
}

const text = (page: Page, testId: string) => page.getByTestId(testId).first().textContent()

/**
 * Page coordinates of the middle of a pie segment, from the chart's own layout
 * (echarts.getInstanceByDom, which the chart wrapper exposes in the harness).
 */
async function pieSegmentPoint(page: Page, testId: string, dataIndex: number): Promise<{ x: number; y: number }> {
  // A string, not a function: this file is type-checked without the DOM library.
  return page.evaluate(`(() => {
    const el = document.querySelector('[data-testid="${testId}"]')
    const l = window.echarts.getInstanceByDom(el).getModel().getSeriesByIndex(0).getData().getItemLayout(${dataIndex})
    const mid = (l.startAngle + l.endAngle) / 2
    const r = (l.r + l.r0) / 2
    const box = el.getBoundingClientRect()
    return { x: box.left + l.cx + r * Math.cos(mid), y: box.top + l.cy + r * Math.sin(mid) }
  })()`)
}

describe('驾驶舱 and 年度数据 end to end', () => {
  it('shows the report figures, drills down, hands a year over and writes the annual report', async () => {
    const page = await browser.context.newPage()
    page.setDefaultTimeout(T)
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push('pageerror: ' + e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push('console: ' + m.text())
    })
    try {
      await page.goto(harness.url)

      // 1. The dashboard is the landing page of a database with data, on the demo year.
      await expect.poll(() => page.locator('.page-title').first().textContent(), { timeout: T }).toContain('2024年度预算绩效管理驾驶舱')
      await expect.poll(() => text(page, 'hl-target-units')).toBe('73')
      expect(await text(page, 'hl-target-projects')).toBe('139')
      expect(await text(page, 'hl-target-wan')).toBe('14052.00')
      expect(await text(page, 'hl-monitored-wan')).toBe('280610.08')
      expect(await text(page, 'hl-keyeval-count')).toBe('4')
      expect(await text(page, 'hl-keyeval-wan')).toBe('15718.94')
      expect(await text(page, 'hl-exante-count')).toBe('1')
      expect(await text(page, 'hl-exante-wan')).toBe('1573.00')
      await expect.poll(() => page.getByTestId('warnings').locator('li').count()).toBeGreaterThan(0)
      await shot(page, 'dash-01-overview')
      await page.getByTestId('card-funds').scrollIntoViewIfNeeded()
      await shot(page, 'dash-02-charts')

      // Tooltip over the 红灯 segment, then click it: the monitoring list filtered to red.
      await page.getByTestId('card-lights').scrollIntoViewIfNeeded()
      await page.waitForTimeout(900) // the pie's entry animation
      const red = await pieSegmentPoint(page, 'chart-lights', 0)
      await page.mouse.move(red.x, red.y)
      await page.waitForTimeout(200)
      await shot(page, 'dash-03-lights-hover')
      await page.mouse.click(red.x, red.y)
      await expect.poll(() => page.locator('.ant-menu-item-selected').textContent()).toBe('监控任务')
      expect(await page.getByTestId('chart-lights').count()).toBe(0) // left the dashboard
      await expect.poll(() => page.getByTestId('filter-light').textContent(), { timeout: T }).toContain('红灯')
      const rows = page.locator('.ant-table-row')
      await expect.poll(() => rows.count(), { timeout: T }).toBeGreaterThan(0)
      // Every row listed is a red one (the page shows at most one page of the 95).
      expect(await rows.locator('.light-tag.light-red').count()).toBe(await rows.count())
      await shot(page, 'dash-04-monitoring-red')

      // Multi-year view.
      await menu(page, '驾驶舱')
      await page.getByRole('tab', { name: '多年度' }).click()
      await expect.poll(() => page.getByTestId('years-table').locator('.ant-table-row').count()).toBeGreaterThan(0)
      await shot(page, 'dash-05-years')
      // The tooltip states each figure from its integer 分, as the table beside it does.
      const years = page.getByTestId('chart-years')
      const box = (await years.boundingBox())!
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
      await expect.poll(() => years.getByText('纳入运行监控　280610.08 万元').count(), { timeout: T }).toBe(1)
      await shot(page, 'dash-05b-years-tooltip')

      // 2. 第三方机构 with its engagement history, and the 整改 list.
      await menu(page, '第三方机构')
      const agency = page.getByTestId('agencies').locator('.ant-table-row').first()
      await expect.poll(() => agency.textContent()).toContain('云南永盛会计师事务所有限公司')
      await agency.locator('.ant-table-row-expand-icon').click()
      await expect.poll(() => page.getByTestId('engagements').locator('.ant-table-row').count()).toBeGreaterThan(0)
      await shot(page, 'dash-06-agencies')
      await menu(page, '整改')
      await expect.poll(() => page.getByTestId('rectify-list').locator('.ant-table-row').count()).toBe(4)
      await page.getByTestId('rectify-overdue').click()
      await expect.poll(() => page.getByTestId('rectify-list').locator('.ant-table-row').count()).toBe(3)
      await shot(page, 'dash-07-rectify')
      // A row opens the 财政评价 page on its round and project.
      await page.getByTestId('rectify-list').locator('.ant-table-row').first().click()
      await expect.poll(() => page.locator('.ant-menu-item-selected').textContent()).toBe('财政评价')
      const drawer = page.locator('.ant-drawer-content')
      await expect.poll(() => drawer.isVisible(), { timeout: T }).toBe(true)
      await expect.poll(() => drawer.textContent()).toContain('师宗县不锈钢产业园区基础设施配套建设项目')
      await shot(page, 'dash-08-rectify-to-fiscaleval')
      await page.keyboard.press('Escape')
      await expect.poll(() => page.locator('.ant-drawer-mask').count()).toBe(0)

      // 3. Export the year package: progress, then the file.
      await menu(page, '年度数据')
      await expect.poll(() => page.getByTestId('years').locator('.ant-table-row').count()).toBeGreaterThan(0)
      await page.getByTestId('export-2024').click()
      const exportDlg = page.getByRole('dialog', { name: '导出2024年度数据包' })
      await expect.poll(() => exportDlg.getByText('年度数据包已导出').isVisible(), { timeout: 30_000 }).toBe(true)
      const pkgPath = (await exportDlg.getByTestId('saved-path').textContent())!.trim()
      expect(pkgPath).toMatch(/\.ysjx\.sqlite$/)
      expect(existsSync(pkgPath)).toBe(true)
      expect(readFileSync(pkgPath).subarray(0, 15).toString()).toBe('SQLite format 3')
      await shot(page, 'year-01-exported')
      await exportDlg.getByRole('button', { name: '关闭' }).click()

      // A file that is not a package changes nothing and says why in Chinese.
      const bogus = join(dir, '不是数据包.ysjx.sqlite')
      writeFileSync(bogus, '这不是数据库文件'.repeat(200))
      await page.locator('input[type=file]').setInputFiles(bogus)
      await expect.poll(() => page.getByTestId('import-error').isVisible(), { timeout: T }).toBe(true)
      expect(await text(page, 'import-error')).toMatch(/[\u4e00-\u9fa5]/)
      await shot(page, 'year-02-import-refused')

      // A backup on demand.
      await page.getByRole('button', { name: '立即备份' }).click()
      await expectMessage(page, '已备份')
      await expect.poll(() => page.getByTestId('backups').locator('.ant-table-row').filter({ hasText: '手工' }).count()).toBeGreaterThan(0)

      // 4. Import the exported package: its manifest.
      await page.locator('input[type=file]').setInputFiles(pkgPath)
      const imported = page.getByRole('dialog', { name: '数据包已通过校验并导入' })
      await expect.poll(() => imported.isVisible(), { timeout: 30_000 }).toBe(true)
      expect(await imported.getByTestId('manifest').textContent()).toContain('师宗县')
      expect(await imported.getByTestId('manifest-year').textContent()).toBe('2024年度')
      await shot(page, 'year-03-imported')

      // 5. Open it read-only: the banner; an edit is refused.
      await imported.getByRole('button', { name: '只读查看' }).click()
      await expect.poll(() => page.getByTestId('viewing-banner').isVisible(), { timeout: T }).toBe(true)
      expect(await page.getByTestId('viewing-banner').textContent()).toContain('正在只读查看：师宗县2024年度数据包')
      await expect.poll(() => page.getByTestId('packages').locator('.ant-table-row').count()).toBe(1)
      await shot(page, 'year-04-viewing')
      await menu(page, '第三方机构')
      await page.getByTestId('agencies').locator('.ant-table-row').first().getByText('编辑').click()
      const edit = page.getByRole('dialog', { name: /编辑 · / })
      await edit.getByRole('button', { name: '保存' }).click()
      await expectMessage(page, /只读/)
      await shot(page, 'year-05-readonly-refused')
      await edit.getByRole('button', { name: '取消' }).click()
      // 项目库 looks read-only before any form is filled: its edit buttons are disabled with the reason.
      await menu(page, '年度项目库')
      await expect.poll(() => page.locator('.page-card .ant-table-row').count(), { timeout: T }).toBeGreaterThan(0)
      for (const id of ['project-add', 'project-import', 'history-import']) await expect.poll(() => page.getByTestId(id).isDisabled()).toBe(true)
      await expect.poll(() => page.locator('.page-card .ant-table-row').first().getByRole('button', { name: '编辑' }).isDisabled()).toBe(true)
      await page.getByTestId('project-add').hover({ force: true })
      await expect.poll(() => page.locator('.ant-tooltip').filter({ hasText: '正在查看只读的年度数据包' }).count()).toBeGreaterThan(0)
      await shot(page, 'year-05b-readonly-projects')
      await menu(page, '驾驶舱')
      await expect.poll(() => text(page, 'hl-target-projects')).toBe('139')
      await expect.poll(() => page.locator('.ant-message-notice').count(), { timeout: T }).toBe(0)
      await shot(page, 'year-06-viewing-dashboard')

      // 6. Back to the working data.
      await page.getByTestId('viewing-close').click()
      await expect.poll(() => page.getByTestId('viewing-banner').count()).toBe(0)
      await expectMessage(page, '已返回工作数据')

      // 7. The annual work report.
      if ('annual-report' in DOC_KINDS) {
        await page.getByTestId('annual-report').click()
        const dlg = page.getByRole('dialog', { name: /生成文件/ })
        await expect.poll(() => dlg.getByLabel('标题').inputValue(), { timeout: 30_000 }).not.toBe('')
        await shot(page, 'dash-09-annual-report-draft')
        await dlg.getByTestId('doc-issue').click()
        await expect.poll(() => dlg.getByTestId('saved-path').isVisible(), { timeout: 30_000 }).toBe(true)
        const reportPath = (await dlg.getByTestId('saved-path').textContent())!.trim()
        expect(reportPath).toMatch(/\.docx$/)
        expect(existsSync(reportPath)).toBe(true)
        expect(readFileSync(reportPath).subarray(0, 2).toString()).toBe('PK')
        await shot(page, 'dash-10-annual-report-issued')
        await dlg.getByRole('button', { name: '关闭' }).click()
      } else {
        console.warn('DOC_KINDS 中还没有 annual-report：跳过年度工作报告')
      }

      expect(errors).toEqual([])
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'zz-failure-dash.png') }).catch(() => undefined)
      throw e
    } finally {
      await page.close().catch(() => undefined)
    }
  }, 120_000)
})
