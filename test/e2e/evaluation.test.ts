/**
 * End to end, in Chromium against a real SQLite file: 绩效评价 on the one StagePage — a 单位自评 round
 * (自评表 with suggested scores and a reasoned override), then a 财政评价 round picked with its total,
 * a third-party engagement, score and problems, 整改 overdue until its 整改报告, the 考评表 by both raters, and
 * the 评价结果报告; and a 自评 round larger than one 自评表 file holds (a sheet per project,
 * WORKBOOK_LIMITS.sheets less the instructions and the lists), exported a file per unit, the dialog
 * saying why. Screenshots: test-output/screenshots/eval-*.png, selfeval-crowded-export.png.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { generateCity } from '../../scripts/bench/city-data'
import { WORKBOOK_LIMITS } from '../../shared/limits'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type LaunchedBrowser } from './browser'
import { ensureRendererBuilt } from './build'
import { SHOTS, T, closeDrawer, drawer, expectMessage, field, issueDoc, menu, openItem, openStageSession, pick, setDate, setUpCounty, shot, shotOnFailure, signInOnPage } from './stage-helpers'

let browser: LaunchedBrowser

beforeAll(async () => {
  await ensureRendererBuilt()
  browser = await launchBrowser()
}, 180_000)

afterAll(async () => {
  await browser?.close()
})

/** The 2023 targets of the rural-road project (weights sum to 90, 执行率 takes 10). */
const roadTargets = [
  { level1: '产出指标', level2: '数量指标', name: '新建（改建）农村公路里程', operator: '≥', targetValue: '12', unit: '公里', weight: 20, explanation: '' },
  { level1: '产出指标', level2: '质量指标', name: '工程质量达标率', operator: '=', targetValue: '100', unit: '%', weight: 10, explanation: '' },
  { level1: '产出指标', level2: '时效指标', name: '项目完成及时率', operator: '≥', targetValue: '95', unit: '%', weight: 10, explanation: '' },
  { level1: '产出指标', level2: '成本指标', name: '项目总成本', operator: '≤', targetValue: '5216.32', unit: '万元', weight: 10, explanation: '' },
  { level1: '效益指标', level2: '社会效益指标', name: '群众出行条件改善', operator: '定性', targetValue: '明显改善', unit: '', weight: 30, explanation: '' },
  { level1: '满意度指标', level2: '服务对象满意度指标', name: '受益群众满意度', operator: '≥', targetValue: '90', unit: '%', weight: 10, explanation: '' },
]

describe('绩效评价 end to end', () => {
  it('runs a 自评 round with a reasoned override, then a 财政评价 with an agency, 整改 and the 考评表', async () => {
    const s = await openStageSession(browser, 'evaluation', async (api) => {
      const { divisions } = await setUpCounty(api)
      const unit = (code: string, name: string, divisionId: string) => api('units/save', { code, name, parentName: '', divisionId })
      const jt = await unit('101051', '师宗县交通运输局', divisions.jjs.id)
      const yb = await unit('101071', '师宗县医疗保障局', divisions.jkw.id)
      const wj = await unit('101072', '师宗县卫生健康局', divisions.jkw.id)
      const gx = await unit('101052', '师宗县工业商务和信息化局', divisions.jjs.id)
      const project = (unitId: string, code: string, name: string, amountWan: string, fundSource: '一般公共预算' | '政府性基金预算' | '社会保险基金预算') =>
        api('projects/save', { budgetYear: 2023, unitId, code, name, amountWan, fundSource, category: '项目' })
      const road = await project(jt.id, '530323230001', '师宗县解决农村公路建设项目', '5216.32', '一般公共预算')
      await project(yb.id, '530323230002', '师宗县城乡居民基本医疗保险', '7852.17', '社会保险基金预算')
      await project(wj.id, '530323230003', '师宗县疫情防控隔离酒店和隔离板房改造项目', '986.45', '一般公共预算')
      await project(gx.id, '530323230004', '师宗县不锈钢产业园区基础设施配套建设项目', '1664', '政府性基金预算')
      await project(wj.id, '530323230005', '基本公共卫生服务补助经费', '120', '一般公共预算')
      await api('targets/save', { projectId: road.id, annualGoal: '新建（改建）农村公路12公里，改善群众出行条件。', indicators: roadTargets })
    })
    const { page } = s
    const d = drawer(page)
    try {
      await expect.poll(() => page.getByTestId('current-operator').textContent(), { timeout: T }).toBe('李明')
      await pick(page, page.getByTestId('work-year'), '2024年')

      // ——— 单位自评 of budget year 2023 ———
      await menu(page, '单位自评')
      await expect.poll(() => page.getByTestId('no-rounds').textContent()).toContain('评价对象为2023年度预算项目')
      await page.getByTestId('round-new').click()
      const nr = page.getByRole('dialog', { name: /新建任务/ })
      await expect.poll(() => nr.getByLabel('任务名称').inputValue()).toBe('2023年度县本级部门预算财政支出绩效自评')
      await setDate(page, nr.getByLabel('截止日期'), '2024-06-30')
      await nr.getByRole('button', { name: '下达任务' }).click()
      await expectMessage(page, '共 5 个项目')
      await expect.poll(() => page.getByTestId('items-sum').textContent()).toBe('15838.94')
      // The 自评表 go out to the units, one workbook per unit.
      await page.getByTestId('excel-export').click()
      const exp = page.getByRole('dialog', { name: '导出绩效自评表' })
      await exp.getByTestId('export-run').click()
      await expect.poll(() => exp.getByTestId('export-path').count(), { timeout: T }).toBe(4)
      for (const p of await exp.getByTestId('export-fullpath').allTextContents()) expect(existsSync(p.trim())).toBe(true)
      await exp.getByRole('button', { name: '关闭' }).click()

      // The 自评表: funds, suggested scores live, an override that demands a reason.
      await openItem(page, '师宗县解决农村公路建设项目')
      await expect.poll(() => field(d, 'se-budget-0').inputValue()).toBe('5216.32')
      await field(d, 'se-executed-0').fill('5000')
      await expect.poll(() => d.getByTestId('se-rate').textContent()).toBe('95.85%')
      await expect.poll(() => d.getByTestId('se-exec-score').textContent()).toBe('9.59')
      for (const [k, v] of ['12.5', '100', '90', '5000'].entries()) await field(d, `se-actual-${k}`).fill(v)
      await pick(page, d.getByTestId('se-actual-4'), '达成年度指标')
      await field(d, 'se-actual-5').fill('93')
      await expect.poll(() => d.getByTestId('se-suggest-0').textContent()).toBe('20')
      await expect.poll(() => d.getByTestId('se-suggest-2').textContent()).toBe('9.47')
      await expect.poll(() => d.getByTestId('se-suggest-4').textContent()).toBe('30')
      await expect.poll(() => d.getByTestId('se-total').textContent()).toBe('99.06')
      await expect.poll(() => d.getByTestId('se-grade').textContent()).toBe('优')
      // The reviewer judges 及时率 lower than the rule: a reason is demanded.
      await field(d, 'se-final-2').fill('9')
      await expect.poll(() => field(d, 'se-override-2').isVisible()).toBe(true)
      await field(d, 'se-conclusion').fill('项目按计划完成农村公路建设，群众出行条件明显改善。')
      await field(d, 'se-problems').fill('个别路段因雨季停工，完工时间滞后。')
      await field(d, 'se-improvements').fill('合理安排施工工期，加强进度管理。')
      await field(d, 'se-override-2').scrollIntoViewIfNeeded()
      await shot(page, 'eval-01-selfeval-override')
      await d.getByTestId('item-save').click()
      await expectMessage(page, '请填写调整理由')
      await field(d, 'se-override-2').fill('部分路段11月底才完工，及时率按实际核减')
      await field(d, 'se-reason-2').fill('雨季停工，完工时间滞后')
      await expect.poll(() => d.getByTestId('se-total').textContent()).toBe('98.59')
      await d.getByTestId('item-save').click()
      await expectMessage(page, '自评表已保存：总分 98.59，等级 优')
      await expect.poll(() => d.getByTestId('se-saved').textContent()).toContain('总分 98.59，等级 优')
      await d.getByTestId('item-submit').click()
      await expectMessage(page, '已提交审核')
      // Approved by another operator: nobody approves what they submitted.
      await signInOnPage(s, '王芳')
      await openItem(page, '师宗县解决农村公路建设项目')
      await d.getByTestId('item-approve').click()
      await page.getByRole('dialog', { name: /审核通过/ }).getByTestId('review-ok').click()
      await expectMessage(page, '已审核通过')
      await expect.poll(() => d.locator('.ant-drawer-title .ant-tag').first().textContent()).toBe('已审核')
      await shot(page, 'eval-02-selfeval-reviewed')
      await closeDrawer(page)
      const roadRow = page.getByTestId('stage-selfeval').locator('.ant-table-row').filter({ hasText: '师宗县解决农村公路建设项目' })
      await expect.poll(() => roadRow.textContent()).toContain('98.59')
      await shot(page, 'eval-03-selfeval-list')

      // ——— 财政评价: pick the key projects; their total shows ———
      await menu(page, '财政评价')
      await page.getByTestId('round-new').click()
      const fr = page.getByRole('dialog', { name: /新建任务/ })
      await expect.poll(() => fr.locator('.ant-table-row').count(), { timeout: T }).toBe(5)
      await field(fr, 'picker-min').fill('500')
      await expect.poll(() => fr.locator('.ant-table-row').count()).toBe(4)
      await fr.locator('.ant-table-thead input[type=checkbox]').check()
      await expect.poll(() => fr.getByTestId('picker-total').textContent()).toBe('已选 4 个项目，合计 15718.94 万元')
      await setDate(page, fr.getByLabel('截止日期'), '2024-12-20')
      await shot(page, 'eval-04-fiscal-picker')
      await fr.getByRole('button', { name: '下达任务' }).click()
      await expectMessage(page, '共 4 个项目')
      await expect.poll(() => page.getByTestId('items-sum').textContent()).toBe('15718.94')

      // The engagement, with a new agency added on the spot.
      await page.getByRole('tab', { name: '第三方委托与考评' }).click()
      await page.getByTestId('engagement-new').click()
      const eng = page.getByRole('dialog', { name: '新增第三方委托' })
      await eng.getByTestId('agency-new').click()
      const ag = page.getByRole('dialog', { name: '新增第三方机构' })
      await field(ag, 'agency-name').fill('云南华通会计师事务所有限公司')
      await ag.getByRole('button', { name: '保存' }).click()
      await expectMessage(page, '已加入机构名录')
      await expect.poll(() => eng.locator('.ant-select-selection-item').first().textContent()).toContain('云南华通会计师事务所有限公司（无历史考评）')
      await field(eng, 'engagement-fee').fill('18.5')
      await setDate(page, eng.getByLabel('合同日期'), '2024-09-10')
      await setDate(page, eng.getByLabel('交付期限'), '2024-11-30')
      await setDate(page, eng.getByLabel('报告日期'), '2024-11-25')
      await shot(page, 'eval-05-engagement')
      await eng.getByRole('button', { name: '保存' }).click()
      await expectMessage(page, '已保存对“云南华通会计师事务所有限公司”的委托')
      await expect.poll(() => page.getByTestId('engagement-card').count()).toBe(1)
      await expect.poll(() => page.getByTestId('engagement-card').textContent()).toContain('4 个，15718.94 万元')

      // Score and problems of one project.
      await page.getByRole('tab', { name: '评价项目' }).click()
      await openItem(page, '师宗县解决农村公路建设项目')
      await field(d, 'fe-score').fill('84.5')
      await expect.poll(() => d.getByTestId('fe-grade').textContent()).toBe('良')
      await expect.poll(() => field(d, 'fe-consequence').inputValue()).toBe('下年度预算优先保障')
      await field(d, 'fe-finding-0').fill('绩效目标设置不够细化、量化')
      await d.getByTestId('fe-finding-add').click()
      await field(d, 'fe-finding-1').fill('项目资金拨付滞后于工程进度')
      await field(d, 'fe-conclusion').fill('项目基本实现预期目标，综合评价为“良”。')
      await d.getByTestId('item-save').click()
      await expectMessage(page, '评价结果已保存：84.5 分，等级 良')

      // 整改: deadline and copies, overdue until the 整改报告 is received.
      await expect.poll(() => field(d, 'rect-requirements').inputValue()).toContain('项目资金拨付滞后于工程进度')
      await expect.poll(() => field(d, 'rect-copies').inputValue()).toBe('2')
      await setDate(page, d.getByTestId('rect-deadline'), '2024-12-26')
      await d.getByTestId('rect-save').click()
      await expectMessage(page, '整改信息已保存（未整改）')
      await expect.poll(() => d.getByTestId('rect-overdue').isVisible()).toBe(true)
      // Its 整改通知 (numbered, recorded on the item) is issued in first-year-steps/last-year.ts.
      await d.getByTestId('rect-status').getByText('已整改').click()
      await setDate(page, d.getByTestId('rect-report-date'), '2024-12-20')
      await field(d, 'rect-report').fill('已细化量化绩效目标，建立按进度拨款制度，整改报告一式两份已报送。')
      await d.getByTestId('rect-save').click()
      await expectMessage(page, '整改信息已保存（已整改）')
      await expect.poll(() => d.getByTestId('rect-overdue').count()).toBe(0)
      await d.getByTestId('item-submit').click()
      await expectMessage(page, '已提交审核')
      await signInOnPage(s, '李明')
      await openItem(page, '师宗县解决农村公路建设项目')
      await d.getByTestId('item-approve').click()
      await page.getByRole('dialog', { name: /审核通过/ }).getByTestId('review-ok').click()
      await expectMessage(page, '已审核通过')
      await shot(page, 'eval-07-fiscal-reviewed')
      await closeDrawer(page)
      await expect.poll(() => page.getByTestId('stage-fiscaleval').locator('.ant-table-row').filter({ hasText: '农村公路' }).textContent()).toContain('84.50')

      // The 考评表 by both raters; the final score is their average.
      await page.getByRole('tab', { name: '第三方委托与考评' }).click()
      const rating = page.getByTestId('rating-table')
      const rate = async (idx: number, name: string, scores: number[]) => {
        await field(rating, `rating-name-${idx}`).fill(name)
        for (const [i, v] of scores.entries()) await field(rating, `rating-${idx}-${i}`).fill(String(v))
        await rating.getByTestId(`rating-save-${idx}`).click()
      }
      await rate(0, '师宗县交通运输局 王强', [13, 15, 18, 22, 22])
      await expectMessage(page, '已保存被评价单位评分：90 分')
      await rate(1, '李明', [12, 15, 16, 20, 21])
      await expectMessage(page, '已保存财政部门评分：84 分')
      await expect.poll(() => rating.getByTestId('rating-final').textContent()).toBe('87')
      await expect.poll(() => page.getByTestId('engagement-card').locator('.ant-card-head').textContent()).toContain('考评得分 87')
      await shot(page, 'eval-08-rating')

      // The 评价结果报告 to 县委、人大、政府、纪检监察.
      await page.getByTestId('round-doc-eval-report').click()
      const reportDlg = page.getByRole('dialog', { name: /财政评价结果报告/ })
      await expect.poll(() => reportDlg.getByLabel('主送').inputValue(), { timeout: T }).toContain('县人大常委会')
      const report = await issueDoc(page, /财政评价结果报告/, '2024-12-28')
      expect(report.number).toMatch(/^文号：师财预〔2024〕\d+号$/)
      expect(existsSync(report.path)).toBe(true)
      await shot(page, 'eval-09-report')
      await report.close()
      expect(s.errors).toEqual([])
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'zz-failure-evaluation.png') }).catch(() => undefined)
      throw e
    } finally {
      await s.close()
    }
  }, 120_000)
})

describe('a 自评 round too large for one 自评表 file', () => {
  it('exports a file per unit, with one file for the round offered only where it fits', async () => {
    const s = await openStageSession(browser, 'selfeval-crowded', async () => undefined)
    const projects = WORKBOOK_LIMITS.sheets
    const sqlite = s.backend.ctx.sqlite
    const operator = sqlite.prepare('SELECT id FROM operators LIMIT 1').pluck().get() as string
    generateCity(sqlite, operator, { years: [2023, 2024], units: 3, projectsPerYear: projects, indicatorsPerProject: 3 })
    const { page } = s
    try {
      await shotOnFailure(page, 'selfeval-crowded-failure', async () => {
        await page.reload()
        await expect.poll(() => page.getByTestId('current-operator').isVisible(), { timeout: T }).toBe(true)
        await pick(page, page.getByTestId('work-year'), '2024年')
        await menu(page, '单位自评')
        await page.getByTestId('excel-export').click()
        const exp = page.getByRole('dialog', { name: '导出绩效自评表' })
        await expect.poll(() => exp.getByRole('radio', { name: '全部单位一个文件' }).isDisabled()).toBe(true)
        await expect.poll(() => exp.getByTestId('export-one-file-hint').textContent()).toBe(`自评表每个项目一张工作表，一个文件最多 ${projects - 2} 个项目（再多 Excel、WPS 打开缓慢，也无法导回），本任务有 ${projects} 个项目：请每个单位一个文件，或选择部分单位合为一个文件。`)
        await shot(page, 'selfeval-crowded-export')
        await exp.getByTestId('export-run').click()
        await expect.poll(() => exp.getByTestId('export-path').count(), { timeout: 60_000 }).toBe(3)
        for (const p of await exp.getByTestId('export-fullpath').allTextContents()) expect(existsSync(p.trim())).toBe(true)
      })
      expect(s.errors).toEqual([])
    } finally {
      await s.close()
    }
  }, 180_000)
})
