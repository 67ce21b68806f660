/**
 * End to end: real Chromium drives the built renderer through the loopback harness against a real
 * SQLite file in a temp folder. Screenshots of every page go to test-output/screenshots/.
 */
import ExcelJS from 'exceljs'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type LaunchedBrowser } from './browser'
import { ensureRendererBuilt } from './build'
import { TEST_PASSWORD } from '../helpers/backend'
import { SHOTS, T, expectMessage, menu, openStageSession, pick, setDate, shot } from './stage-helpers'

let browser: LaunchedBrowser

/** A session on a fresh database: the flow sets everything up through the screens. */
// An empty database, nobody signed in: the page starts at the first-administrator screen.
const openSession = (name: string) => openStageSession(browser, name, async () => undefined, { signIn: false })

async function unitWorkbook(path: string, rows: (string | null)[][], header = ['单位编码', '单位名称', '主管部门', '所属股室']) {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('预算单位')
  ws.addRow(header)
  for (const r of rows) ws.addRow(r)
  ws.getColumn(1).numFmt = '@'
  await wb.xlsx.writeFile(path)
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  await ensureRendererBuilt()
  browser = await launchBrowser()
}, 120_000)

afterAll(async () => {
  await browser?.close()
})

describe('事前绩效评估 end to end', () => {
  it('sets up the organisation, imports units, scores a proposal and issues both documents', async () => {
    const s = await openSession('flow')
    const { page } = s
    try {
      // 1. First operator on an empty database.
      const start = page.getByRole('dialog', { name: '创建第一个操作员' })
      await expect.poll(() => start.isVisible(), { timeout: T }).toBe(true)
      await expect.poll(() => start.getByRole('button', { name: '载入演示数据' }).isVisible()).toBe(true)
      await shot(page, '01-start-first-operator')
      await start.getByLabel('姓名').fill('李明')
      await start.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD)
      await start.getByLabel('确认密码').fill(TEST_PASSWORD)
      await start.getByLabel('所在股室').fill('预算股')
      await start.getByRole('button', { name: '创建并开始使用' }).click()
      await expect.poll(() => page.getByTestId('current-operator').textContent()).toBe('李明')
      await expect.poll(() => page.getByTestId('welcome-card').isVisible()).toBe(true)
      await shot(page, '02-welcome-empty')

      // 2. 单位信息: fill from the county name, then save.
      await menu(page, '单位信息')
      await page.getByLabel('县名').fill('师宗县')
      await page.getByText('按县名填充').click()
      await expect.poll(() => page.getByLabel('文号代字（预算）').inputValue()).toBe('师财预')
      await expect.poll(() => page.getByLabel('文号代字（绩效）').inputValue()).toBe('师财绩')
      await expect.poll(() => page.getByLabel('发文机关标志').inputValue()).toBe('师宗县财政局文件')
      await page.getByRole('button', { name: '保存' }).click()
      await expectMessage(page, '设置已保存')
      await expect.poll(() => page.getByTestId('org-name').textContent()).toBe('师宗县财政局')
      await shot(page, '03-settings-org')

      // 公文设置: 意见书 also take a 文号, so both documents appear numbered in the register.
      await menu(page, '公文设置')
      await page.getByLabel('意见书编文号').click()
      // 主送与抄送: a 抄送 for the 运行监控工作通知, kept after saving.
      const copyTo = page.getByTestId('addressees-monitoring-notice').locator('input').nth(1)
      await copyTo.fill('县审计局')
      await page.getByRole('button', { name: '保存' }).click()
      await expectMessage(page, '设置已保存')
      await shot(page, '04-settings-docs')
      await copyTo.scrollIntoViewIfNeeded()
      await expect.poll(() => copyTo.inputValue()).toBe('县审计局')
      await shot(page, '04b-settings-addressees')

      await menu(page, '评估规则')
      await expect.poll(() => page.locator('.ant-table-row').count()).toBe(5)
      await shot(page, '05-settings-rules')

      // 3. Two 股室 besides the 预算股 created with the operator.
      await menu(page, '股室')
      for (const name of ['教科文股', '经济建设股']) {
        await page.getByRole('button', { name: '新增股室' }).click()
        const dlg = page.getByRole('dialog', { name: '新增股室' })
        await dlg.getByLabel('股室名称').fill(name)
        await dlg.getByRole('button', { name: '保存' }).click()
        await expectMessage(page, `已保存股室“${name}”`)
        await expect.poll(() => dlg.isVisible()).toBe(false)
      }
      await expect.poll(() => page.locator('.ant-table-row').count()).toBe(3)
      await shot(page, '06-divisions')

      // 4. Units from Excel: a good list, then a bad one that changes nothing.
      const good = join(s.dir, '预算单位名单.xlsx')
      await unitWorkbook(good, [
        ['101001', '师宗县城市管理局', '师宗县住房和城乡建设局', '经济建设股'],
        ['102001', '师宗县教育体育局', '师宗县教育体育局', '教科文股'],
        ['102002', '师宗县第一中学', '师宗县教育体育局', '教科文股'],
      ])
      await menu(page, '预算单位')
      await expect.poll(() => page.getByText('还没有预算单位').isVisible()).toBe(true)
      await shot(page, '07-units-empty')
      await page.getByRole('button', { name: '从Excel导入' }).click()
      const imp = page.getByRole('dialog', { name: '从 Excel 导入预算单位' })
      await imp.locator('input[type=file]').setInputFiles(good)
      await expect.poll(() => imp.getByTestId('import-preview').isVisible()).toBe(true)
      await expect.poll(() => imp.locator('.ant-table-row').count()).toBe(3)
      await expect.poll(() => imp.getByText('新增 3').isVisible()).toBe(true)
      await shot(page, '08-units-import-preview')
      await imp.getByTestId('import-apply').click()
      await expectMessage(page, '导入完成：新增 3 个')
      await expect.poll(() => page.getByTestId('units-count').textContent()).toContain('共 3 个预算单位')
      await shot(page, '09-units')
      await page.getByRole('button', { name: '导出Excel模板' }).click()
      const exported = page.getByRole('dialog', { name: 'Excel 模板已导出' })
      const templatePath = (await exported.getByTestId('saved-path').textContent())!.trim()
      expect(templatePath).toMatch(/\.xlsx$/)
      expect(existsSync(templatePath)).toBe(true)
      await exported.getByRole('button', { name: 'Close' }).click()

      const bad = join(s.dir, '有问题的名单.xlsx')
      await unitWorkbook(bad, [
        ['101001', '师宗县城市管理局（改名）', '师宗县住房和城乡建设局', '经济建设股'],
        ['103001', '师宗县农业农村局', '师宗县农业农村局', '农业农村股'],
        ['101001', '重复编码的单位', '', '经济建设股'],
      ])
      await page.getByRole('button', { name: '从Excel导入' }).click()
      await imp.locator('input[type=file]').setInputFiles(bad)
      const problems = imp.getByTestId('import-problems')
      await expect.poll(() => problems.isVisible()).toBe(true)
      await expect.poll(() => problems.textContent()).toContain('农业农村股')
      await expect.poll(() => problems.textContent()).toContain('重复')
      // Row-level: the unknown 股室 is on sheet row 3.
      const unknownRow = problems.locator('.ant-table-row').filter({ hasText: '农业农村股' })
      await expect.poll(() => unknownRow.locator('td').nth(1).textContent()).toBe('3')
      await expect.poll(() => imp.getByTestId('import-apply').isDisabled()).toBe(true)
      await shot(page, '10-units-import-problems')
      await imp.getByRole('button', { name: '取消' }).click()
      await expect.poll(() => page.getByTestId('units-count').textContent()).toContain('共 3 个预算单位')
      await expect.poll(() => page.locator('.page-card .ant-table-row').filter({ hasText: '改名' }).count()).toBe(0)
      await expect.poll(() => page.locator('.page-card .ant-table-row').filter({ hasText: '师宗县城市管理局' }).count()).toBe(1)

      // 5. Work year 2024 (proposals for the 2025 budget).
      await pick(page, page.getByTestId('work-year'), '2024年')
      await menu(page, '评估项目')
      await expect.poll(() => page.locator('.page-title').textContent()).toContain('2025年预算项目事前绩效评估')
      await expect.poll(() => page.getByText('还没有2025年预算项目的事前评估记录').isVisible()).toBe(true)
      await shot(page, '11-exante-empty')

      // 6. Enter and score a proposal; the amount is checked as typed.
      await page.getByRole('button', { name: '新增项目' }).click()
      const form = page.getByRole('dialog', { name: /新增事前评估项目/ })
      await pick(page, form.getByLabel('预算单位'), '师宗县城市管理局', '城市管理')
      await form.getByLabel('项目名称').fill('师宗县环卫一体化经费')
      await form.getByLabel('申请金额').fill('12,3x')
      await expect.poll(() => form.getByText('不是有效数字').isVisible()).toBe(true)
      await form.getByLabel('申请金额').fill('1573')
      await expect.poll(() => form.getByText('1573.00 万元（15,730,000.00 元）').isVisible()).toBe(true)
      await form.getByLabel('立项依据').fill('《师宗县县级预算绩效事前评估管理暂行办法》（师财绩〔2021〕6号）；县人民政府常务会议纪要。')
      const scores: [string, string][] = [
        ['立项必要性', '18'],
        ['投入经济性', '17'],
        ['绩效目标合理性', '16'],
        ['实施方案可行性', '17'],
        ['筹资合规性', '18'],
      ]
      for (const [label, v] of scores) await form.getByLabel(label).fill(v)
      await expect.poll(() => form.getByTestId('score-total').textContent()).toBe('86.0')
      await expect.poll(() => form.getByTestId('score-summary').textContent()).toContain('予以支持')
      await shot(page, '12-exante-form')
      await form.getByRole('button', { name: '保存' }).click()
      await expectMessage(page, '已保存“师宗县环卫一体化经费”')

      // 7. Confirm: a different conclusion needs a reason; confirm the suggestion.
      const confirm = page.getByRole('dialog', { name: '确认评估结论' })
      await expect.poll(() => confirm.isVisible()).toBe(true)
      await pick(page, confirm.getByLabel('确认结论'), '调整后予以支持')
      await expect.poll(() => confirm.getByText('请说明理由').isVisible()).toBe(true)
      await confirm.getByRole('button', { name: '确认' }).click()
      await expect.poll(() => confirm.getByText('结论与建议结论不同，请填写理由').isVisible()).toBe(true)
      await shot(page, '13-exante-confirm-reason')
      await pick(page, confirm.getByLabel('确认结论'), '予以支持')
      await confirm.getByRole('button', { name: '确认' }).click()
      await expectMessage(page, '已确认结论：予以支持')

      const row = page.locator('.ant-table-row').filter({ hasText: '师宗县环卫一体化经费' })
      await expect.poll(() => row.textContent()).toContain('1573.00')
      await expect.poll(() => row.locator('td').nth(8).textContent()).toBe('予以支持')
      await expect.poll(() => page.getByTestId('exante-sum').textContent()).toBe('1573.00')
      await expect.poll(() => page.getByTestId('exante-count').textContent()).toContain('1 项')
      await shot(page, '14-exante-list')

      // 8. Into the 2025 项目库.
      await row.locator('input[type=checkbox]').check()
      await page.getByRole('button', { name: /纳入项目库/ }).click()
      await expectMessage(page, '已纳入2025年项目库 1 个项目')
      await menu(page, '项目库')
      await expect.poll(() => page.getByTestId('projects-sum').textContent()).toBe('1573.00')
      await shot(page, '15-projects')

      // 9. 意见书 for the proposal.
      await menu(page, '评估项目')
      await row.getByText('意见书').click()
      const opinion = page.getByRole('dialog', { name: /绩效评估结果运用意见书/ })
      await expect.poll(() => opinion.getByLabel('标题').inputValue(), { timeout: T }).not.toBe('')
      await setDate(page, opinion.getByLabel('成文日期'), '2024-10-08')
      await expect.poll(() => opinion.getByTestId('doc-number-prefix').textContent()).toBe('师财预〔2024〕')
      const serialInput = (dlg: Locator) => dlg.locator('input[data-testid=doc-serial], [data-testid=doc-serial] input').first()
      await expect.poll(() => serialInput(opinion).inputValue()).toBe('1')
      await shot(page, '16-doc-opinion-draft')
      await opinion.getByTestId('doc-issue').click()
      await expect.poll(() => opinion.getByText('文号：师财预〔2024〕1号').isVisible(), { timeout: 30_000 }).toBe(true)
      const opinionPath = (await opinion.getByTestId('saved-path').textContent())!.trim()
      expect(opinionPath).toMatch(/\.docx$/)
      expect(existsSync(opinionPath)).toBe(true)
      expect(readFileSync(opinionPath).subarray(0, 2).toString()).toBe('PK')
      await shot(page, '17-doc-opinion-issued')
      await opinion.getByRole('button', { name: '关闭' }).click()

      // 10. The year's 反馈通知.
      await page.getByRole('button', { name: '生成结果反馈通知' }).click()
      const feedback = page.getByRole('dialog', { name: /事前评估结果反馈通知/ })
      await expect.poll(() => feedback.getByLabel('标题').inputValue(), { timeout: T }).not.toBe('')
      await setDate(page, feedback.getByLabel('成文日期'), '2024-10-10')
      await expect.poll(() => feedback.getByTestId('doc-number-prefix').textContent()).toBe('师财预〔2024〕')
      await expect.poll(() => serialInput(feedback).inputValue()).toBe('2')
      await shot(page, '18-doc-feedback-draft')
      await feedback.getByTestId('doc-issue').click()
      await expect.poll(() => feedback.getByText('文号：师财预〔2024〕2号').isVisible(), { timeout: 30_000 }).toBe(true)
      const feedbackPath = (await feedback.getByTestId('saved-path').textContent())!.trim()
      expect(existsSync(feedbackPath)).toBe(true)
      await shot(page, '19-doc-feedback-issued')
      await feedback.getByRole('button', { name: '关闭' }).click()

      // Re-opening an issued document keeps its number.
      await page.getByRole('button', { name: '生成结果反馈通知' }).click()
      await expect.poll(() => feedback.getByText('已登记，重新生成沿用原文号').isVisible(), { timeout: T }).toBe(true)
      await expect.poll(() => feedback.getByTestId('doc-number').textContent()).toBe('师财预〔2024〕2号')
      await feedback.getByRole('button', { name: '取消' }).click()

      // 11. 发文登记: both documents, plus a number used outside the app.
      // The register asks for one page of the work year (register/page), never the whole register.
      const registerRequests: string[] = []
      page.on('request', (r) => {
        const m = /\/api\/(register\/(?:list|page))$/.exec(r.url())
        if (m) registerRequests.push(`${m[1]} ${r.postData() ?? ''}`)
      })
      await menu(page, '发文登记')
      const reg = page.locator('.ant-table-row')
      await expect.poll(() => reg.filter({ hasText: '师财预〔2024〕1号' }).count()).toBe(1)
      await expect.poll(() => reg.filter({ hasText: '师财预〔2024〕2号' }).count()).toBe(1)
      expect(registerRequests).toEqual([`register/page ${JSON.stringify({ year: 2024, offset: 0, limit: 100 })}`])
      expect(await page.locator('.page-card .ant-table-footer').textContent()).toBe('共 2 份')
      await expect.poll(() => reg.filter({ hasText: '师财预〔2024〕2号' }).textContent()).toContain('系统生成')
      await page.getByRole('button', { name: '手工登记' }).click()
      const manual = page.getByRole('dialog', { name: '手工登记文号' })
      await manual.getByPlaceholder('序号').fill('103')
      await manual.getByLabel('标题').fill('关于反馈县本级2024年度绩效运行监控结果的通知')
      await manual.getByLabel('主送').fill('县级各预算部门')
      await setDate(page, manual.getByLabel('成文日期'), '2024-09-30')
      await manual.getByRole('button', { name: '登记' }).click()
      await expectMessage(page, '已登记 师财预〔2024〕103号')
      await expect.poll(() => reg.filter({ hasText: '师财预〔2024〕103号' }).textContent()).toContain('手工登记')
      await shot(page, '20-register')

      // 12. 业务培训.
      await menu(page, '业务培训')
      await expect.poll(() => page.getByText('2024年度还没有培训记录').isVisible()).toBe(true)
      await page.getByRole('button', { name: '新增培训' }).click()
      const drawer = page.locator('.ant-drawer-content').filter({ hasText: '新增培训' })
      await setDate(page, drawer.getByLabel('日期'), '2024-04-24')
      await drawer.getByLabel('培训名称').fill('曲靖市2024年预算绩效管理培训视频会')
      await drawer.getByLabel('参加人数').fill('36')
      await shot(page, '21-training-form')
      await drawer.getByRole('button', { name: '保存' }).click()
      await expectMessage(page, '培训记录已保存')
      await expect.poll(() => page.getByTestId('trainings-count').textContent()).toContain('共开展培训 1 次，参加 36 人次')
      await shot(page, '22-trainings')

      await menu(page, '操作员')
      await expect.poll(() => page.locator('.ant-table-row').filter({ hasText: '李明' }).count()).toBe(1)
      await shot(page, '23-operators')
      await menu(page, '演示数据')
      await shot(page, '24-demo-page-not-empty')
      await menu(page, '首页')
      await expect.poll(() => page.locator('.page-title').textContent()).toContain('2024年度工作概况')
      await shot(page, '25-home')

      expect(s.errors).toEqual([])
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'zz-failure-flow.png') }).catch(() => undefined)
      throw e
    } finally {
      await s.close()
    }
  }, 90_000)
})
