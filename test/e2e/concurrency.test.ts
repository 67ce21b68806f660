/**
 * End to end: a stale save offers to reload (optimistic concurrency), and the bureau key is set in
 * 设置 · 公文设置. Screenshots: test-output/screenshots/concurrency-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_PASSWORD } from '../helpers/backend'
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

const year = new Date().getFullYear()
const training = (title: string) => ({ date: `${year}-05-10`, title, organiser: '师宗县财政局', form: '视频会', participantCount: 12, notes: '', divisionIds: [], unitIds: [] })

describe('另一位操作员先保存了同一条记录', () => {
  it('refuses the stale save, says who changed it, and 重新载入 brings the current version into the form', async () => {
    let id = ''
    const s = await openStageSession(browser, 'concurrency', async (api) => {
      await setUpCounty(api)
      await api('operators/save', { name: '王芳', divisionId: null, roles: ['预算股'], password: TEST_PASSWORD })
      id = (await api('trainings/save', training('绩效管理培训'))).id
    })
    const { page } = s
    try {
      await expect.poll(() => page.getByTestId('current-operator').textContent(), { timeout: T }).toBe('李明')
      await menu(page, '业务培训')
      const row = page.locator('.ant-table-row').filter({ hasText: '绩效管理培训' })
      await row.getByText('编辑').click()
      const drawer = page.locator('.ant-drawer-content')
      await expect.poll(() => drawer.locator('#title').inputValue()).toBe('绩效管理培训')

      // Meanwhile 王芳 saves the same record on another screen.
      // (The harness shares one backend session with the page: sign back in as 李明 after.)
      await s.api('session/signIn', { name: '王芳', password: TEST_PASSWORD })
      await s.api('trainings/save', { ...training('王芳改过的培训名称'), id, version: 1 })
      await s.api('session/signIn', { name: '李明', password: TEST_PASSWORD })

      await drawer.locator('#title').fill('李明的修改')
      await drawer.getByRole('button', { name: '保存' }).click()
      const modal = page.locator('.ant-modal-confirm')
      await expect.poll(() => modal.textContent()).toMatch(/记录已被他人修改.*该记录已被王芳于\d{4}-\d{2}-\d{2} \d{2}:\d{2}修改/)
      await shot(page, 'concurrency-01-stale-save')
      expect((await s.api('trainings/list', {})).find((x) => x.id === id)!.title).toBe('王芳改过的培训名称')

      await modal.getByRole('button', { name: '重新载入' }).click()
      await expect.poll(() => drawer.locator('#title').inputValue()).toBe('王芳改过的培训名称')
      await drawer.locator('#title').fill('重新载入后李明的修改')
      await drawer.getByRole('button', { name: '保存' }).click()
      await expectMessage(page, '培训记录已保存')
      expect((await s.api('trainings/list', {})).find((x) => x.id === id)).toMatchObject({ title: '重新载入后李明的修改', version: 3 })

      await menu(page, '公文设置')
      const key = page.getByTestId('package-key')
      await key.fill('师宗县财政局-共享密钥')
      await page.getByRole('button', { name: '保存' }).click()
      await expectMessage(page, '设置已保存')
      expect((await s.api('settings/get', {})).packageKey).toBe('师宗县财政局-共享密钥')
      await page.locator('.ant-form-item').filter({ hasText: '单位密钥' }).scrollIntoViewIfNeeded()
      await shot(page, 'concurrency-02-package-key')
      expect(s.errors).toEqual([])
    } finally {
      await s.close()
    }
  })
})
