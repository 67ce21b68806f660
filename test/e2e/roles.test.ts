/**
 * End to end, in Chromium through the harness (the same dispatch as Electron): the first-start
 * screen, sign-in, the operators screen, the idle lock, and a 股室审核 who sees only the units of
 * her 股室 and cannot approve another's.
 * Screenshots: test-output/screenshots/roles-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_PASSWORD } from '../helpers/backend'
import { completeIndicators } from '../helpers/stage-setup'
import { launchBrowser, type LaunchedBrowser } from './browser'
import { ensureRendererBuilt } from './build'
import { T, closeDrawer, drawer, expectMessage, menu, openItem, openStageSession, setUpCounty, shot } from './stage-helpers'

let browser: LaunchedBrowser

beforeAll(async () => {
  await ensureRendererBuilt()
  browser = await launchBrowser()
}, 180_000)

afterAll(async () => {
  await browser?.close()
})

describe('sign-in and roles end to end', () => {
  it('starts an empty database at the first-administrator screen', async () => {
    const s = await openStageSession(browser, 'roles-first', async () => undefined, { signIn: false })
    const { page } = s
    try {
      const start = page.getByRole('dialog', { name: '创建第一个操作员（系统管理员）' })
      await expect.poll(() => start.isVisible(), { timeout: T }).toBe(true)
      await start.getByLabel('姓名').fill('张丽')
      await start.getByLabel('密码', { exact: true }).fill('abc')
      await start.getByLabel('确认密码').fill('abd')
      await start.getByRole('button', { name: '创建并开始使用' }).click()
      await expect.poll(() => start.getByText('密码至少8位').isVisible()).toBe(true)
      await expect.poll(() => start.getByText('两次输入的密码不一致').isVisible()).toBe(true)
      await shot(page, 'roles-00-first-admin')
      // Nothing of the data is reachable before: the harness answers as the app does.
      const units = await page.evaluate(async () => (await fetch('/api/units/list', { method: 'POST', body: '{}' })).json())
      expect(units).toEqual({ ok: false, error: { code: 'NO_OPERATOR', message: '请先登录：输入姓名和密码后再操作' } })
      expect(s.errors).toEqual([])
    } finally {
      await s.close()
    }
  }, 60_000)

  it('a 股室审核 signs in, sees only the units of her 股室, approves hers and cannot approve another', async () => {
    const ids: Record<string, string> = {}
    const s = await openStageSession(browser, 'roles', async (api) => {
      const { divisions } = await setUpCounty(api)
      const jsj = await api('units/save', { code: '101041', name: '师宗县住房和城乡建设局', parentName: '', divisionId: divisions.jjs.id })
      const jyj = await api('units/save', { code: '101024', name: '师宗县教育体育局', parentName: '', divisionId: divisions.jkw.id })
      const p1 = await api('projects/save', { budgetYear: 2024, unitId: jsj.id, code: '530323240001', name: '城乡环卫一体化经费', amountWan: '1573', fundSource: '一般公共预算', category: '项目' })
      const p2 = await api('projects/save', { budgetYear: 2024, unitId: jyj.id, code: '530323240002', name: '学生资助补助经费', amountWan: '320.5', fundSource: '一般公共预算', category: '项目' })
      for (const [p, wan] of [[p1, '1573'], [p2, '320.5']] as const) await api('targets/save', { projectId: p.id, annualGoal: '按期完成年度任务', indicators: completeIndicators(wan) })
      const round = await api('rounds/save', { stage: 'targets', workYear: 2024, title: '2024年度预算绩效目标编审', deadline: null, unitIds: [] })
      for (const it of (await api('items/list', { roundId: round.id })).rows) {
        await api('items/transition', { id: it.id, action: 'submit' })
        ids[it.projectName] = it.id
      }
      await api('operators/save', { name: '王芳', divisionId: divisions.jkw.id, roles: ['股室审核'], password: TEST_PASSWORD })
    })
    const { page } = s
    const d = drawer(page)
    try {
      await expect.poll(() => page.getByTestId('current-operator').textContent(), { timeout: T }).toBe('李明')

      // The administrator's screen: roles, passwords, the idle time.
      await menu(page, '操作员')
      await expect.poll(() => page.locator('.ant-table-row').filter({ hasText: '王芳' }).textContent()).toContain('股室审核')
      await shot(page, 'roles-01-operators')
      await page.getByRole('button', { name: '新增操作员' }).click()
      const add = page.getByRole('dialog', { name: '新增操作员' })
      await expect.poll(() => add.getByLabel('初始密码').isVisible()).toBe(true)
      await shot(page, 'roles-02-operator-new')
      await add.getByRole('button', { name: '取消' }).click()
      await page.getByTestId('reset-王芳').click()
      await expect.poll(() => page.getByRole('dialog', { name: '重设密码：王芳' }).isVisible()).toBe(true)
      await shot(page, 'roles-03-reset-password')
      await page.getByRole('dialog', { name: '重设密码：王芳' }).getByRole('button', { name: '取消' }).click()

      // 王芳 signs in; a wrong password first.
      await page.getByTestId('sign-out').click()
      const signIn = page.getByRole('dialog', { name: '登录' })
      await expect.poll(() => signIn.isVisible(), { timeout: T }).toBe(true)
      await signIn.getByLabel('姓名').fill('王芳')
      await signIn.getByLabel('密码').fill('wrong-password-1')
      await signIn.getByRole('button', { name: '登录' }).click()
      await expect.poll(() => signIn.getByTestId('sign-in-error').textContent()).toBe('姓名或密码不正确。再错4次后需等待一段时间才能再试')
      await shot(page, 'roles-04-sign-in-refused')
      await signIn.getByLabel('密码').fill(TEST_PASSWORD)
      await signIn.getByRole('button', { name: '登录' }).click()
      await expect.poll(() => page.getByTestId('current-operator').textContent(), { timeout: T }).toBe('王芳')

      // Only her 股室's unit, whatever the list is asked for.
      await menu(page, '目标审核')
      await expect.poll(() => page.locator('.ant-table-row').count(), { timeout: T }).toBe(1)
      await expect.poll(() => page.locator('.ant-table-row').first().textContent()).toContain('学生资助补助经费')
      await expect.poll(() => page.getByTestId('items-sum').textContent()).toBe('320.50')
      await shot(page, 'roles-05-reviewer-list')
      await menu(page, '预算单位')
      await expect.poll(() => page.locator('.ant-table-row').count(), { timeout: T }).toBe(1)
      await expect.poll(() => page.locator('.ant-table-row').first().textContent()).toContain('师宗县教育体育局')

      // Hers: approved.
      await menu(page, '目标审核')
      await openItem(page, '学生资助补助经费')
      await d.getByTestId('item-approve').click()
      await page.getByRole('dialog', { name: /审核通过/ }).getByTestId('review-ok').click()
      await expectMessage(page, '已审核通过')
      await expect.poll(() => d.locator('.ant-drawer-title .ant-tag').first().textContent()).toBe('已审核')
      await shot(page, 'roles-06-reviewer-approved')

      // Another 股室's: the page's own endpoint refuses, in Chinese, naming why.
      const other = ids['城乡环卫一体化经费']!
      const refused = await page.evaluate(
        async (id) => (await fetch('/api/items/transition', { method: 'POST', body: JSON.stringify({ id, action: 'approve', conclusion: '优' }) })).json(),
        other,
      )
      expect(refused).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN', message: '“师宗县住房和城乡建设局”属于“经济建设股”，不是您所在股室联系的单位，不能审核通过。请由该股室的审核人员或预算股办理' },
      })
      const locked = (await page.evaluate(async () => (await fetch('/api/yearData/lock', { method: 'POST', body: JSON.stringify({ workYear: 2024, locked: true, reason: 'x' }) })).json())) as { error: { message: string } }
      expect(locked.error.message).toContain('锁定或解锁年度需要“系统管理员”角色')

      // The backend's idle clock runs out (as if 16 minutes passed): the next action shows the lock.
      await closeDrawer(page)
      s.backend.ctx.session.lastActiveAt = Date.now() - 16 * 60_000
      await menu(page, '预算单位')
      const lock = page.getByRole('dialog', { name: '登录' })
      await expect.poll(() => lock.isVisible(), { timeout: T }).toBe(true)
      await expect.poll(() => lock.getByText('超过15分钟未操作，已自动锁定').isVisible()).toBe(true)
      await expect.poll(() => lock.getByLabel('姓名').inputValue()).toBe('王芳')
      await shot(page, 'roles-07-locked')
      await lock.getByLabel('密码').fill(TEST_PASSWORD)
      await lock.getByRole('button', { name: '登录' }).click()
      await expect.poll(() => page.getByTestId('current-operator').textContent(), { timeout: T }).toBe('王芳')
      expect(s.errors).toEqual([])
    } finally {
      await s.close()
    }
  }, 120_000)
})
