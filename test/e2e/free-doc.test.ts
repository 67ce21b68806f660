/**
 * End to end: 起草公文 on the 发文登记 screen — a 办法 with 一、（一）1. headings and two 附件,
 * numbered from the register (after a number registered by hand), its 附件 ticked as 另行附送,
 * listed there, then changed and issued again under the same number. Screenshots: test-output/screenshots/free-doc-*.png.
 */
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type LaunchedBrowser } from './browser'
import { ensureRendererBuilt } from './build'
import { T, expectMessage, field, menu, openStageSession, setUpCounty, shot } from './stage-helpers'

let browser: LaunchedBrowser

beforeAll(async () => {
  await ensureRendererBuilt()
  browser = await launchBrowser()
}, 180_000)

afterAll(async () => {
  await browser?.close()
})

const Y = new Date().getFullYear()
const TITLE = '师宗县第三方中介机构参与预算绩效管理办法'
const BODY = ['为规范第三方中介机构参与预算绩效管理工作，制定本办法。', '一、总则', '（一）适用范围。本办法适用于参与预算绩效管理的第三方中介机构。', '1.委托方式。通过政府采购方式选取。', '二、附则', '本办法自印发之日起施行。'].join('\n')

describe('发文登记 · 起草公文', () => {
  it('drafts a 办法, issues it with the register’s next number, and re-issues it under the same number', async () => {
    const s = await openStageSession(browser, 'free-doc', async (api) => {
      await setUpCounty(api)
      await api('register/add', { prefix: '师财预', year: Y, serial: 101, title: '关于做好预算绩效管理工作的通知', recipients: '', issuedDate: `${Y}-01-10` })
    })
    const { page } = s
    try {
      await expect.poll(() => page.getByTestId('current-operator').textContent(), { timeout: T }).toBe('李明')
      await menu(page, '发文登记')
      await page.getByTestId('free-doc-new').click()
      const start = page.getByRole('dialog', { name: '起草公文' })
      await start.getByText('办法', { exact: true }).click()
      await field(start, 'free-doc-title').fill(TITLE)
      await shot(page, 'free-doc-01-start')
      await start.getByRole('button', { name: '下一步：填写正文' }).click()

      const dlg = page.getByRole('dialog', { name: /自拟公文/ })
      await expect.poll(() => dlg.getByLabel('标题').inputValue(), { timeout: T }).toBe(TITLE)
      await expect.poll(() => field(dlg, 'doc-serial').inputValue()).toBe('102')
      await dlg.getByLabel('主送').fill('县直各部门：')
      await dlg.getByLabel('正文').fill(BODY)
      await dlg.getByLabel('附件').fill('第三方中介机构考评表\n第三方中介机构工作底稿目录')
      await dlg.getByLabel('抄送').fill('县审计局')
      // The 附件 check: the two annexes listed are not bound in, and the dialog says so before issue.
      await expect.poll(() => dlg.getByTestId('doc-check-warnings').textContent(), { timeout: T }).toContain('附件说明第1项《第三方中介机构考评表》没有随文附上')
      await shot(page, 'free-doc-02-dialog')
      // The clerk binds the two forms in by hand: ticked as 另行附送, the 附件 check has nothing to say.
      const apart = dlg.getByTestId('doc-apart')
      await apart.getByText('第三方中介机构考评表', { exact: true }).click()
      await expect.poll(() => dlg.getByTestId('doc-check-warnings').textContent(), { timeout: T }).toContain('附件说明第2项《第三方中介机构工作底稿目录》没有随文附上')
      await apart.getByText('第三方中介机构工作底稿目录', { exact: true }).click()
      await expect.poll(async () => ((await dlg.getByTestId('doc-check-warnings').count()) ? await dlg.getByTestId('doc-check-warnings').textContent() : ''), { timeout: T }).not.toContain('附件说明')
      await shot(page, 'free-doc-02b-apart')
      await dlg.getByTestId('doc-issue').click()
      await expect.poll(() => dlg.locator('.ant-result-subtitle').textContent(), { timeout: 30_000 }).toBe(`文号：师财预〔${Y}〕102号`)
      const path = ((await dlg.getByTestId('saved-path').textContent()) ?? '').trim()
      expect(existsSync(path)).toBe(true)
      await shot(page, 'free-doc-03-issued')
      await dlg.getByRole('button', { name: '关闭' }).click()

      // The register lists it as 自拟公文 with its 文号; 修改 reopens it with its text and number.
      const row = page.locator('.ant-table-row').filter({ hasText: `师财预〔${Y}〕102号` })
      await expect.poll(() => row.textContent(), { timeout: T }).toContain(TITLE)
      await shot(page, 'free-doc-04-register')
      await row.getByText('修改').click()
      await expect.poll(() => dlg.getByTestId('doc-number').textContent(), { timeout: T }).toBe(`师财预〔${Y}〕102号`)
      expect(await dlg.getByLabel('正文').inputValue()).toBe(BODY)
      // Re-opened, the 另行附送 ticks are as issued.
      await expect.poll(() => dlg.getByTestId('doc-apart').locator('input:checked').count(), { timeout: T }).toBe(2)
      // 按最新数据重新起草: said so in the dialog; the 另行附送 ticks name lines, not data, and stay.
      await dlg.getByText('按最新数据重新起草').click()
      await expect.poll(() => dlg.getByTestId('doc-fresh').textContent(), { timeout: T }).toContain('已按最新数据重新起草')
      await expect.poll(() => dlg.getByTestId('doc-apart').locator('input:checked').count(), { timeout: T }).toBe(2)
      expect(await dlg.getByLabel('正文').inputValue()).toBe(BODY)
      await shot(page, 'free-doc-04b-redraft')
      await dlg.getByLabel('标题').fill('师宗县第三方中介机构参与预算绩效管理暂行办法')
      await dlg.getByTestId('doc-issue').click()
      await expect.poll(() => dlg.locator('.ant-result-subtitle').textContent(), { timeout: 30_000 }).toBe(`文号：师财预〔${Y}〕102号`)
      await dlg.getByRole('button', { name: '关闭' }).click()
      await expectMessage(page, `已生成 师财预〔${Y}〕102号`)
      const register = await s.api('register/list', { year: Y })
      expect(register.filter((e) => e.docNumber === `师财预〔${Y}〕102号`).map((e) => e.title)).toEqual(['师宗县第三方中介机构参与预算绩效管理暂行办法'])
      expect(s.errors).toEqual([])
    } catch (e) {
      await shot(page, 'free-doc-99-failure').catch(() => undefined)
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n页面错误：${s.errors.join('；')}`)
    } finally {
      await s.close()
    }
  })
})
