/**
 * End to end: a stale save in the 指标库 offers to reload and 重新载入 puts the current version into
 * the open drawer; a 股室审核's 驾驶舱 says its figures are those of their 股室 and shows only them.
 * Screenshots: test-output/screenshots/concurrency-scope-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_PASSWORD } from '../helpers/backend'
import { launchBrowser, type LaunchedBrowser } from './browser'
import { ensureRendererBuilt } from './build'
import { T, expectMessage, menu, openStageSession, setUpCounty, shot, signInOnPage } from './stage-helpers'

let browser: LaunchedBrowser

beforeAll(async () => {
  await ensureRendererBuilt()
  browser = await launchBrowser()
}, 180_000)

afterAll(async () => {
  await browser?.close()
})

const year = new Date().getFullYear()
const indicator = (name: string) => ({ level1: '产出指标', level2: '数量指标', name, operator: '≥', targetValue: '100', unit: '人次', explanation: '', field: '教育' })

describe('指标库: another operator saved the same indicator first', () => {
  it('refuses the stale save naming 王芳, and 重新载入 brings her version into the drawer', async () => {
    let id = ''
    const s = await openStageSession(browser, 'concurrency-scope-library', async (api) => {
      await setUpCounty(api)
      await api('operators/save', { name: '王芳', divisionId: null, roles: ['预算股'], password: TEST_PASSWORD })
      id = (await api('library/save', indicator('乡镇财政所业务骨干培训人次'))).id
    })
    const { page } = s
    try {
      await expect.poll(() => page.getByTestId('current-operator').textContent(), { timeout: T }).toBe('李明')
      await menu(page, '指标库')
      await page.locator('.ant-table-row').filter({ hasText: '乡镇财政所业务骨干培训人次' }).getByText('编辑').click()
      const drawer = page.locator('.ant-drawer-content')
      await expect.poll(() => drawer.locator('#name').inputValue()).toBe('乡镇财政所业务骨干培训人次')

      await s.api('session/signIn', { name: '王芳', password: TEST_PASSWORD })
      await s.api('library/save', { ...indicator('培训教师人次'), id, version: 1 })
      await s.api('session/signIn', { name: '李明', password: TEST_PASSWORD })

      await drawer.locator('#name').fill('李明的修改')
      await drawer.getByRole('button', { name: '保存' }).click()
      const modal = page.locator('.ant-modal-confirm')
      await expect.poll(() => modal.textContent()).toMatch(/记录已被他人修改.*该记录已被王芳于\d{4}-\d{2}-\d{2} \d{2}:\d{2}修改/)
      await shot(page, 'concurrency-scope-01-library-stale')
      expect((await s.api('library/list', {})).find((x) => x.id === id)!.name).toBe('培训教师人次')

      await modal.getByRole('button', { name: '重新载入' }).click()
      await expect.poll(() => drawer.locator('#name').inputValue()).toBe('培训教师人次')
      await drawer.locator('#name').fill('重新载入后李明的修改')
      await drawer.getByRole('button', { name: '保存' }).click()
      await expectMessage(page, '已保存“重新载入后李明的修改”')
      expect((await s.api('library/list', {})).find((x) => x.id === id)).toMatchObject({ name: '重新载入后李明的修改', version: 3 })
      expect(s.errors).toEqual([])
    } finally {
      await s.close()
    }
  })
})

describe('驾驶舱 of a 股室审核', () => {
  it('says the figures are those of 教科文股 and counts only its unit', async () => {
    let jkw = ''
    const s = await openStageSession(browser, 'concurrency-scope-dashboard', async (api) => {
      const { divisions } = await setUpCounty(api)
      jkw = divisions.jkw.id
      const a = await api('units/save', { code: '101024', name: '师宗县教育体育局', parentName: '', divisionId: divisions.jkw.id })
      const b = await api('units/save', { code: '101041', name: '师宗县住房和城乡建设局', parentName: '', divisionId: divisions.jjs.id })
      await api('exante/save', { workYear: year, unitId: a.id, projectName: '新建学校食堂', amountWan: '50', fundSource: '一般公共预算', basis: '', scores: {} })
      await api('exante/save', { workYear: year, unitId: b.id, projectName: '老旧小区改造', amountWan: '800', fundSource: '一般公共预算', basis: '', scores: {} })
    })
    const { page } = s
    try {
      await expect.poll(() => page.getByTestId('current-operator').textContent(), { timeout: T }).toBe('李明')
      await signInOnPage(s, '王芳', ['股室审核'], jkw)
      await menu(page, '驾驶舱')
      await expect.poll(() => page.getByTestId('dash-scope').textContent(), { timeout: T }).toBe(
        '以下数字为“教科文股”联系单位的项目、事前评估和整改（“股室审核”只看本股室）；培训为本股室参加的，发文数为全局。',
      )
      const d = await s.api('dashboard/get', { workYear: year })
      expect(d.headline).toMatchObject({ exanteProjects: 1, exanteFen: 50_000_000 })
      await shot(page, 'concurrency-scope-02-dashboard-reviewer')
      expect(s.errors).toEqual([])
    } finally {
      await s.close()
    }
  })
})
