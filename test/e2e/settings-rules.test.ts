/**
 * End to end: the rules that vary by region are settings a user can change — the warning
 * thresholds and the annual report template — and the indicator library can be edited.
 * Screenshots: test-output/screenshots/rules-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type LaunchedBrowser } from './browser'
import { ensureRendererBuilt } from './build'
import { T, expectMessage, menu, openStageSession, setUpCounty, shot } from './stage-helpers'

let browser: LaunchedBrowser

beforeAll(async () => {
  await ensureRendererBuilt()
  browser = await launchBrowser()
}, 180_000)

afterAll(async () => {
  await browser?.close()
})

describe('设置 · 规则与指标库', () => {
  it('saves a changed warning threshold and adds an indicator to the library', async () => {
    const s = await openStageSession(browser, 'rules', async (api) => {
      await setUpCounty(api)
    })
    const { page } = s
    try {
      await expect.poll(() => page.getByTestId('current-operator').textContent(), { timeout: T }).toBe('李明')
      await menu(page, '监控与评价规则')
      const yellow = page.locator('.ant-card').filter({ hasText: '运行监控预警' }).locator('.ant-input-number-input').nth(1)
      await expect.poll(() => yellow.inputValue()).toBe('80')
      await yellow.fill('85')
      await page.getByRole('button', { name: '保存规则' }).click()
      await expectMessage(page, '设置已保存')
      expect((await s.api('settings/get', {})).warnings.yellow).toBe(85)
      await shot(page, 'rules-01-eval-rules')

      await menu(page, '指标库')
      await expect.poll(() => page.locator('.ant-table-row').count()).toBeGreaterThan(30)
      await page.getByRole('button', { name: '新增指标' }).click()
      const drawer = page.locator('.ant-drawer-content')
      await drawer.locator('#name').fill('农村公路列养率')
      await drawer.locator('#targetValue').fill('100')
      await drawer.locator('#unit').fill('%')
      await drawer.getByRole('button', { name: '保存' }).click()
      await expectMessage(page, '已保存“农村公路列养率”')
      expect((await s.api('library/list', { search: '列养率' })).map((l) => l.name)).toEqual(['农村公路列养率'])
      await shot(page, 'rules-02-library')
      expect(s.errors).toEqual([])
    } finally {
      await s.close()
    }
  })
})
