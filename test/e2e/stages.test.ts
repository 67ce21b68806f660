/**
 * End to end, in Chromium against a real SQLite file: 绩效目标 and 运行监控 on the one StagePage —
 * a round from launch through the targets editor to 结果运用 and its documents, then a 运行监控 round
 * with a red light. The units' workbooks out and back in are walked by first-year.test.ts; the demo
 * year at scale is in stage-demo.test.ts.
 * Screenshots: test-output/screenshots/stage-*.png.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type LaunchedBrowser } from './browser'
import { ensureRendererBuilt } from './build'
import { SHOTS, T, closeDrawer, drawer, expectMessage, field, issueDoc, menu, openItem, openStageSession, pick, setDate, setUpCounty, shot, signInOnPage } from './stage-helpers'

let browser: LaunchedBrowser

beforeAll(async () => {
  await ensureRendererBuilt()
  browser = await launchBrowser()
}, 180_000)

afterAll(async () => {
  await browser?.close()
})

/** Targets of the two projects not entered in the UI (weights sum to 90). */
const targetsOf = (amountWan: string) => [
  { level1: '产出指标', level2: '数量指标', name: '受助学生人数', operator: '≥', targetValue: '1200', unit: '人', weight: 20, explanation: '' },
  { level1: '产出指标', level2: '质量指标', name: '资金发放准确率', operator: '=', targetValue: '100', unit: '%', weight: 10, explanation: '' },
  { level1: '产出指标', level2: '时效指标', name: '资金拨付及时率', operator: '≥', targetValue: '95', unit: '%', weight: 10, explanation: '' },
  { level1: '产出指标', level2: '成本指标', name: '项目总成本', operator: '≤', targetValue: amountWan, unit: '万元', weight: 10, explanation: '' },
  { level1: '效益指标', level2: '社会效益指标', name: '困难学生就学保障', operator: '定性', targetValue: '有效保障', unit: '', weight: 30, explanation: '' },
  { level1: '满意度指标', level2: '服务对象满意度指标', name: '受助学生满意度', operator: '≥', targetValue: '90', unit: '%', weight: 10, explanation: '' },
]

describe('绩效目标与运行监控 end to end', () => {
  it('runs a 绩效目标 round from launch to 结果运用 and its documents, then a 运行监控 round with a red light', async () => {
    const ids: Record<string, string> = {}
    const s = await openStageSession(browser, 'stages', async (api) => {
      const { divisions } = await setUpCounty(api)
      const jsj = await api('units/save', { code: '101041', name: '师宗县住房和城乡建设局', parentName: '', divisionId: divisions.jjs.id })
      const jyj = await api('units/save', { code: '101024', name: '师宗县教育体育局', parentName: '', divisionId: divisions.jkw.id })
      const p1 = await api('projects/save', { budgetYear: 2024, unitId: jsj.id, code: '530323240001', name: '城乡环卫一体化经费', amountWan: '1573', fundSource: '一般公共预算', category: '项目' })
      const p2 = await api('projects/save', { budgetYear: 2024, unitId: jyj.id, code: '530323240002', name: '学生资助补助经费', amountWan: '320.5', fundSource: '一般公共预算', category: '项目' })
      const p3 = await api('projects/save', { budgetYear: 2024, unitId: jsj.id, code: '530323240003', name: '城区道路养护经费', amountWan: '88', fundSource: '政府性基金预算', category: '项目' })
      await api('targets/save', { projectId: p2.id, annualGoal: '按政策资助家庭经济困难学生，保障其顺利完成学业。', indicators: targetsOf('320.5') })
      await api('targets/save', { projectId: p3.id, annualGoal: '完成城区主次干道日常养护，路面完好率保持在90%以上。', indicators: targetsOf('88') })
      Object.assign(ids, { jsj: jsj.id, jyj: jyj.id, p1: p1.id, p2: p2.id, p3: p3.id })
    })
    const { page } = s
    const d = drawer(page)
    try {
      await expect.poll(() => page.getByTestId('current-operator').textContent(), { timeout: T }).toBe('李明')
      await pick(page, page.getByTestId('work-year'), '2024年')

      // ——— 绩效目标: launch the round ———
      await menu(page, '目标审核')
      await expect.poll(() => page.getByTestId('no-rounds').isVisible()).toBe(true)
      await shot(page, 'stage-targets-00-empty')
      await page.getByTestId('round-new').click()
      const newRound = page.getByRole('dialog', { name: /新建任务/ })
      await expect.poll(() => newRound.getByLabel('任务名称').inputValue()).toBe('2024年度预算绩效目标编审')
      await setDate(page, newRound.getByLabel('截止日期'), '2024-03-15')
      await shot(page, 'stage-targets-01-new-round')
      await newRound.getByRole('button', { name: '下达任务' }).click()
      await expectMessage(page, '共 3 个项目')
      await expect.poll(() => page.getByTestId('items-sum').textContent()).toBe('1981.50')
      await expect.poll(() => page.getByTestId('tab-待填报').textContent()).toBe('待填报 3')
      await shot(page, 'stage-targets-02-list')

      // ——— Fill one project's targets in the editor ———
      await openItem(page, '城乡环卫一体化经费')
      await field(d, 'annual-goal').fill('完成城区120万平方米道路清扫保洁，生活垃圾日产日清，城乡人居环境明显改善。')
      await d.getByTestId('ind-add').click()
      await pick(page, d.getByTestId('ind-level2-0'), '数量指标')
      await field(d, 'ind-name-0').fill('清扫保洁面积')
      await field(d, 'ind-value-0').fill('120')
      await field(d, 'ind-unit-0').fill('万平方米')
      await d.getByTestId('ind-add').click()
      await pick(page, d.getByTestId('ind-level1-1'), '效益指标')
      await pick(page, d.getByTestId('ind-level2-1'), '社会效益指标')
      await field(d, 'ind-name-1').fill('城乡人居环境改善')
      await pick(page, d.getByTestId('ind-op-1'), '定性')
      await field(d, 'ind-value-1').fill('明显改善')
      const problems = d.getByTestId('problem-list')
      await expect.poll(() => problems.textContent()).toContain('缺少“满意度指标”')
      await shot(page, 'stage-targets-04-editor-problem')
      // Submitting now saves, then is refused with the reasons.
      await d.getByTestId('item-submit').click()
      await expect.poll(() => d.getByTestId('submit-problems').textContent(), { timeout: T }).toContain('缺少“满意度指标”')
      await shot(page, 'stage-targets-05-submit-refused')
      // 从指标库选择 fills the missing 满意度 indicator; the live problem disappears.
      await d.getByTestId('ind-library').click()
      const lib = page.getByRole('dialog', { name: '从指标库选择' })
      await lib.getByTestId('library-search').fill('服务对象满意度')
      await expect.poll(() => lib.locator('.ant-table-row').count()).toBe(1)
      await shot(page, 'stage-targets-06-library')
      await lib.getByTestId('library-pick').click()
      await expect.poll(() => field(d, 'ind-name-2').inputValue()).toBe('服务对象满意度')
      await expect.poll(() => problems.textContent()).not.toContain('缺少“满意度指标”')
      await expect.poll(() => problems.locator('.problem-error').count()).toBe(0)
      await shot(page, 'stage-targets-07-editor-complete')
      await d.getByTestId('item-submit').click()
      await expectMessage(page, '已提交审核：城乡环卫一体化经费')
      await expect.poll(() => d.locator('.ant-drawer-title .ant-tag').first().textContent()).toBe('已填报')

      // 退回修改 with an opinion on one indicator.
      await d.getByTestId('item-return').click()
      const ret = page.getByRole('dialog', { name: /退回修改/ })
      await pick(page, ret.getByTestId('opinion-ref-0'), '清扫保洁面积')
      await field(ret, 'opinion-text-0').fill('指标值偏低，请按上年实际完成量（150万平方米）调整')
      await field(ret, 'review-summary').fill('请补充质量、时效、成本指标后重新报送')
      await shot(page, 'stage-targets-08-return')
      await ret.getByTestId('review-ok').click()
      await expectMessage(page, '已退回修改')
      await expect.poll(() => d.locator('.ant-drawer-title .ant-tag').first().textContent()).toBe('退回修改')
      await expect.poll(() => d.getByTestId('review-entry').count()).toBe(2)
      await expect.poll(() => d.getByTestId('review-history').textContent()).toContain('指标值偏低')

      // The unit revises; resubmit.
      await field(d, 'ind-value-0').fill('150')
      await expect.poll(() => d.getByTestId('item-submit').textContent()).toBe('保存并提交审核')
      await d.getByTestId('item-submit').click()
      await expectMessage(page, '已提交审核：城乡环卫一体化经费')

      // 审核通过 with 优 and its consequence, by another operator: nobody approves what they submitted.
      await signInOnPage(s, '王芳')
      await openItem(page, '城乡环卫一体化经费')
      await d.getByTestId('item-approve').click()
      const ok = page.getByRole('dialog', { name: /审核通过/ })
      await expect.poll(() => ok.getByTestId('approve-consequence').textContent()).toContain('直接进入下一步预算安排流程')
      await field(ok, 'review-summary').fill('目标明确，指标完整')
      await shot(page, 'stage-targets-09-approve')
      await ok.getByTestId('review-ok').click()
      await expectMessage(page, '已审核通过')
      await expect.poll(() => d.locator('.ant-drawer-title .ant-tag').first().textContent()).toBe('已审核')
      await expect.poll(() => d.getByTestId('review-entry').count()).toBe(4)

      // 结果运用, published.
      await d.getByTestId('result-use-suggest').click()
      await d.getByTestId('result-use-public').click()
      await d.getByTestId('result-use-save').click()
      await expectMessage(page, '结果运用已保存')
      await expect.poll(() => d.getByTestId('result-use').textContent()).toContain('已于')
      await shot(page, 'stage-targets-10-reviewed')

      // Its 意见书 (numbered, as the settings say).
      await d.getByTestId('item-doc-targets-opinion').click()
      const opinion = await issueDoc(page, /绩效目标审核结果运用意见书/, '2024-03-20')
      expect(opinion.number).toBe('文号：师财预〔2024〕1号')
      expect(existsSync(opinion.path)).toBe(true)
      expect(readFileSync(opinion.path).subarray(0, 2).toString()).toBe('PK')
      await opinion.close()
      await closeDrawer(page)
      await expect.poll(() => page.getByTestId('tab-已审核').textContent()).toBe('已审核 1')

      // The round's notice.
      await page.getByTestId('round-doc-targets-notice').click()
      // Its 附件 (the 申报表) is not bound in: the check says how it reaches the units, and passes
      // once the clerk ticks it as 另行附送.
      const noticeDlg = page.getByRole('dialog', { name: /绩效目标编审工作通知/ })
      await expect.poll(() => noticeDlg.getByTestId('doc-check-warnings').textContent(), { timeout: T }).toContain('绩效目标申报表》不随文生成（各单位的表由本任务的“导出Excel”按单位导出')
      await shot(page, 'stage-targets-10b-notice-annex')
      await noticeDlg.getByTestId('doc-apart').getByText(/绩效目标申报表$/).click()
      await expect.poll(async () => ((await noticeDlg.getByTestId('doc-check-warnings').count()) ? await noticeDlg.getByTestId('doc-check-warnings').textContent() : ''), { timeout: T }).not.toContain('附件说明')
      const notice = await issueDoc(page, /绩效目标编审工作通知/, '2024-02-20')
      expect(notice.number).toBe('文号：师财预〔2024〕2号')
      expect(existsSync(notice.path)).toBe(true)
      await shot(page, 'stage-targets-11-notice')
      await notice.close()

      // 批量生成意见书 with progress.
      await page.getByTestId('batch-open').click()
      await expect.poll(() => page.getByRole('dialog', { name: /批量生成/ }).isVisible(), { timeout: T }).toBe(true)
      await page.getByTestId('batch-start').click()
      const job = page.getByTestId('job-progress')
      // The job's message, or (should it not start) the message saying why, so a failure names it.
      const outcome = async () =>
        (await page.getByTestId('job-message').count())
          ? await page.getByTestId('job-message').textContent()
          : `未开始：${(await page.locator('.ant-message-notice, .ant-modal-confirm').allTextContents()).join(' ')}`
      await expect.poll(outcome, { timeout: 30_000 }).toContain('已生成 1 份')
      await expect.poll(() => job.locator('.ant-list-item').count()).toBe(1)
      await shot(page, 'stage-targets-12-batch')
      await page.getByTestId('job-close').click()
      await shot(page, 'stage-targets-13-list-final')

      // ——— 运行监控 (1-9月) ———
      await menu(page, '监控任务')
      await page.getByTestId('round-new').click()
      const mon = page.getByRole('dialog', { name: /新建任务/ })
      await expect.poll(() => mon.getByLabel('任务名称').inputValue()).toBe('2024年1-9月绩效运行监控')
      await setDate(page, mon.getByLabel('截止日期'), '2024-10-20')
      await mon.getByRole('button', { name: '下达任务' }).click()
      await expectMessage(page, '共 3 个项目')
      await expect.poll(() => page.getByTestId('items-sum').textContent()).toBe('1981.50')

      // Figures that make 城乡环卫 red: 500 of 1573 by September is 31.79% against 75% of the year.
      await openItem(page, '城乡环卫一体化经费')
      await field(d, 'mon-executed').fill('500')
      await field(d, 'mon-forecast').fill('1200')
      await expect.poll(() => d.getByTestId('mon-rate').textContent()).toBe('31.79%')
      await expect.poll(() => d.getByTestId('mon-item-light').textContent()).toBe('红灯')
      const figures: [string, string, string][] = [
        ['110', '150', '确定能'],
        ['达成年度指标', '达成年度指标', '确定能'],
        ['92', '92', '确定能'],
      ]
      for (const [k, [actual, forecast, likelihood]] of figures.entries()) {
        await field(d, `mon-actual-${k}`).fill(actual)
        await field(d, `mon-forecast-${k}`).fill(forecast)
        await pick(page, d.getByTestId(`mon-likelihood-${k}`), likelihood)
      }
      await field(d, 'mon-deviation').fill('环卫车辆和设备采购款按合同于四季度集中支付')
      await field(d, 'mon-measures').fill('督促供应商按期交货，验收后及时支付')
      await d.getByTestId('item-save').click()
      await expectMessage(page, '监控数据已保存')
      await expect.poll(() => d.locator('.ant-drawer-title .light-tag').textContent()).toBe('红灯')
      await shot(page, 'stage-monitoring-01-red')
      await d.getByTestId('item-submit').click()
      await expectMessage(page, '已提交审核：城乡环卫一体化经费')
      await signInOnPage(s, '李明')
      await openItem(page, '城乡环卫一体化经费')
      await d.getByTestId('item-approve').click()
      await page.getByRole('dialog', { name: /审核通过/ }).getByTestId('review-ok').click()
      await expectMessage(page, '已审核通过')
      await closeDrawer(page)
      const red = page.locator('.ant-table-row').filter({ hasText: '城乡环卫一体化经费' })
      await expect.poll(() => red.locator('.light-tag').textContent()).toBe('红灯')
      await pick(page, page.getByTestId('filter-light'), '红灯')
      await expect.poll(() => page.locator('.ant-table-row').count()).toBe(1)
      await expect.poll(() => page.getByTestId('items-sum').textContent()).toBe('1573.00')
      await shot(page, 'stage-monitoring-02-red-filter')
      await page.getByTestId('filter-light').locator('.ant-select-clear').click({ force: true })
      await expect.poll(() => page.locator('.ant-table-row').count()).toBe(3)
      await shot(page, 'stage-monitoring-04-list')
      expect(s.errors).toEqual([])
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'zz-failure-stages.png') }).catch(() => undefined)
      throw e
    } finally {
      await s.close()
    }
  }, 120_000)
})
