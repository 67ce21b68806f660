/**
 * The first year's evaluation of LAST year (2023, worked in 2024), through the page only: the
 * 单位自评 round and its notice, the units' filled 自评表 imported (which submits), the scores checked
 * against the rule by hand, approval by a second operator; a 财政评价 of one project with its notice,
 * a problem found, the 整改通知 and the 整改 closed, 结果运用 and the 意见书; the 驾驶舱's 2023 figures
 * and the annual report; finally 2023 locked in 年度数据.
 *
 * Runs after the baseline of first-year.test.ts (the 2023 list and its approved targets: 城乡环卫一体化经费
 * 1500万元 with 清扫保洁面积 ≥120万平方米 (50) and 服务对象满意度 ≥90% (50); 学生资助补助经费 310.5万元
 * with 资助学生人数 ≥3000人 (100); four more projects, two per unit, with one indicator of 100 each),
 * and possibly after the 2024 stages: nothing here counts 2024 data.
 */
import ExcelJS from 'exceljs'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { TEST_PASSWORD } from '../../helpers/backend'
import { T, closeDrawer, drawer, expectMessage, field, issueDoc, menu, openItem, pick, setDate, shot, shotOnFailure, signInThroughPage, type StageSession } from '../stage-helpers'

export const FIRST_OPERATOR = '李明'
export const SECOND_OPERATOR = '王芳'

/**
 * The second operator (王芳, 预算股), created by the administrator on 设置 · 操作员 if the 2024 steps
 * have not already done so; either way the caller then signs in as her through the page.
 */
export async function ensureSecondOperator(s: StageSession) {
  const { page } = s
  await signInThroughPage(s.page, FIRST_OPERATOR)
  await menu(page, '操作员')
  const rows = page.locator('.page-card .ant-table-row')
  await expect.poll(() => rows.filter({ hasText: FIRST_OPERATOR }).count(), { timeout: T }).toBe(1)
  if ((await rows.filter({ hasText: SECOND_OPERATOR }).count()) > 0) return
  await page.getByRole('button', { name: '新增操作员' }).click()
  const add = page.getByRole('dialog', { name: '新增操作员' })
  await add.getByLabel('姓名').fill(SECOND_OPERATOR)
  await add.getByRole('checkbox', { name: /^录入/ }).uncheck() // the default role
  await add.getByRole('checkbox', { name: /^预算股/ }).check()
  await add.getByLabel('初始密码').fill(TEST_PASSWORD)
  await add.getByLabel('确认密码').fill(TEST_PASSWORD)
  await shot(page, 'fy-40-second-operator')
  await add.getByRole('button', { name: '保存' }).click()
  await expectMessage(page, `已保存操作员“${SECOND_OPERATOR}”`)
  await expect.poll(() => rows.filter({ hasText: SECOND_OPERATOR }).textContent()).toContain('预算股')
}

/**
 * 设置 · 单位信息, filled from the county's name, unless the 2024 steps already did (no 文号 can be
 * formed before it: the document dialog says so).
 */
export async function ensureOrgInfo(s: StageSession) {
  const { page } = s
  const missing = page.getByText('尚未设置单位信息')
  if (!(await missing.isVisible())) return
  await missing.click()
  await page.getByLabel('县名').fill('师宗县')
  await page.getByRole('button', { name: '按县名填充' }).click()
  await expect.poll(() => page.getByLabel('文号代字（绩效）').inputValue()).toBe('师财绩')
  await page.getByRole('button', { name: '保存' }).click()
  await expectMessage(page, '设置已保存')
  await expect.poll(() => missing.count()).toBe(0)
}

/** One project's sheet in the 财政部 (10号) 自评表 layout, as a unit fills it: labels in column A merged down, operators and units inside the value cells. */
function selfEvalSheet(
  wb: ExcelJS.Workbook,
  p: { sheet: string; unit: string; name: string; budget: number; executed: number; rate: string; execScore: number; goal: string; done: string; indicators: [string, string, string, string, string, number, string?][] },
) {
  const ws = wb.addWorksheet(p.sheet)
  const put = (r: number, values: (string | number | null)[]) => values.forEach((v, i) => v !== null && (ws.getCell(r, i + 1).value = v))
  put(1, ['项目支出绩效自评表'])
  put(2, ['（2023年度）'])
  put(3, ['项目名称', null, p.name])
  put(4, ['主管部门', null, p.unit, null, null, '实施单位', null, p.unit])
  put(5, ['项目资金（万元）', null, '年初预算数', '全年预算数', '全年执行数', '分值', '执行率', '得分'])
  put(6, [null, '年度资金总额', p.budget, p.budget, p.executed, 10, p.rate, p.execScore])
  put(7, [null, '其中：当年财政拨款', p.budget, p.budget, p.executed, '—', '—', '—'])
  put(8, [null, '上年结转资金', '—', '—', '—'])
  put(9, [null, '其他资金', '—', '—', '—'])
  put(10, ['年度总体目标', '预期目标', null, null, null, '实际完成情况'])
  put(11, [null, p.goal, null, null, null, p.done])
  put(12, ['绩效指标', '一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '偏差原因分析及改进措施'])
  let r = 13
  for (const [l1, l2, name, target, actual, weight, reason] of p.indicators) {
    put(r, [null, l1, l2, name, target, actual, weight, null, reason ?? null])
    if (reason) ws.mergeCells(`I${r}:J${r}`)
    r++
  }
  put(r, ['总分', null, null, null, null, null, 100])
  for (const m of ['A1:J1', 'A2:J2', 'A3:B3', 'C3:J3', 'A4:B4', 'C4:E4', 'F4:G4', 'H4:J4', 'A5:A9', 'A10:A11', 'B10:E10', 'F10:J10', 'B11:E11', 'F11:J11', `A12:A${r - 1}`, `A${r}:F${r}`]) ws.mergeCells(m)
  ws.getColumn(1).width = 14
}

async function selfEvalWorkbook(path: string) {
  const wb = new ExcelJS.Workbook()
  selfEvalSheet(wb, {
    sheet: '城乡环卫',
    unit: '师宗县住房和城乡建设局',
    name: '城乡环卫一体化经费',
    budget: 1500,
    executed: 1350,
    rate: '90%',
    execScore: 9,
    goal: '实现城乡环卫一体化全覆盖',
    done: '完成清扫保洁108万平方米，部分乡镇未覆盖',
    indicators: [
      ['产出指标', '数量指标', '清扫保洁面积', '≥120万平方米', '108万平方米', 50, '两个乡镇转运设施未建成，已列入下年计划'],
      ['满意度指标', '服务对象满意度指标', '服务对象满意度', '≥90%', '93%', 50],
    ],
  })
  selfEvalSheet(wb, {
    sheet: '学生资助',
    unit: '师宗县教育体育局',
    name: '学生资助补助经费',
    budget: 310.5,
    executed: 310.5,
    rate: '100%',
    execScore: 10,
    goal: '应助尽助',
    done: '资助家庭经济困难学生2850人',
    indicators: [['产出指标', '数量指标', '资助学生人数', '≥3000人', '2850人', 100, '符合条件的申请学生少于预计']],
  })
  const more: [string, string, string, number, number, string, number, string, string, [string, string, string, string?]][] = [
    ['老旧小区', '师宗县住房和城乡建设局', '老旧小区改造', 800, 800, '100%', 10, '改造老旧小区', '完成10个小区改造', ['改造老旧小区数量', '≥10个', '10个']],
    ['道路维护', '师宗县住房和城乡建设局', '城市道路维护', 120, 108, '90%', 9, '道路完好通畅', '维护道路28公里', ['维护道路里程', '≥35公里', '28公里', '雨季延误，剩余路段转入下年']],
    ['公用经费', '师宗县教育体育局', '学校公用经费', 640, 608, '95%', 9.5, '保障学校正常运转', '保障25所学校运转', ['保障学校数量', '≥25所', '25所']],
    ['校舍维修', '师宗县教育体育局', '校舍维修改造', 215, 193.5, '90%', 9, '消除校舍安全隐患', '完成维修6000平方米', ['维修校舍面积', '≥8000平方米', '6000平方米', '两所学校改为来年拆除重建']],
  ]
  for (const [sheet, unit, name, budget, executed, rate, execScore, goal, done, [indicator, target, actual, reason]] of more) {
    selfEvalSheet(wb, { sheet, unit, name, budget, executed, rate, execScore, goal, done, indicators: [['产出指标', '数量指标', indicator, target, actual, 100, reason]] })
  }
  await wb.xlsx.writeFile(path)
}

export async function lastYearStages(s: StageSession) {
  await shotOnFailure(s.page, 'first-year-last-year', () => stages(s))
}

async function stages(s: StageSession) {
  const { page } = s
  const d = drawer(page)
  await ensureSecondOperator(s)
  await ensureOrgInfo(s)
  await pick(page, page.getByTestId('work-year'), '2024年')

  // ——— A. 单位自评 of budget year 2023: the round and its notice ———
  await menu(page, '单位自评')
  await page.getByTestId('round-new').click()
  const nr = page.getByRole('dialog', { name: /新建任务/ })
  await expect.poll(() => nr.getByLabel('任务名称').inputValue()).toBe('2023年度县本级部门预算财政支出绩效自评')
  await setDate(page, nr.getByLabel('截止日期'), '2024-04-30')
  await nr.getByRole('button', { name: '下达任务' }).click()
  await expectMessage(page, '共 6 个项目')
  // 1500 + 310.5 + 800 + 120 + 640 + 215 万元.
  await expect.poll(() => page.getByTestId('items-sum').textContent()).toBe('3585.50')
  await page.getByTestId('round-doc-selfeval-notice').click()
  const notice = await issueDoc(page, /绩效自评工作通知/, '2024-03-15')
  expect(notice.number).toMatch(/^文号：师财绩〔2024〕\d+号$/)
  expect(existsSync(notice.path)).toBe(true)
  await shot(page, 'fy-41-selfeval-notice')
  await notice.close()

  // The units' filled 自评表 (one workbook, one sheet per project): importing submits them.
  const file = join(s.dir, '2023年度项目支出绩效自评表（两单位六个项目）.xlsx')
  await selfEvalWorkbook(file)
  await page.getByTestId('excel-import').click()
  const imp = page.getByRole('dialog', { name: '导入绩效自评表' })
  await imp.locator('input[type=file]').setInputFiles(file)
  // By the rule (total = (执行得分 + Σ指标得分) × 100 / (10 + Σ权重), rounded to 2 places):
  //  城乡环卫: 执行率 1350/1500 = 90% → 9.00; 清扫保洁面积 108/120 × 50 = 45.00; 满意度 93 ≥ 90 → 50;
  //            (9 + 45 + 50) × 100 / 110 = 94.5454… → 94.55, 优 (≥ 90).
  //  学生资助: 执行率 310.5/310.5 = 100% → 10; 资助学生人数 2850/3000 × 100 = 95.00;
  //            (10 + 95) × 100 / 110 = 95.4545… → 95.45, 优.
  //  老旧小区: 800/800 → 10; 10 ≥ 10 → 100; (10 + 100) × 100 / 110 = 100.00, 优.
  //  道路维护: 108/120 = 90% → 9.00; 28/35 × 100 = 80.00; (9 + 80) × 100 / 110 = 80.9090… → 80.91, 良 (≥ 80).
  //  公用经费: 608/640 = 95% → 9.50; 25 ≥ 25 → 100; (9.5 + 100) × 100 / 110 = 99.5454… → 99.55, 优.
  //  校舍维修: 193.5/215 = 90% → 9.00; 6000/8000 × 100 = 75.00; (9 + 75) × 100 / 110 = 76.3636… → 76.36, 中.
  //  (执行率 under 90% would hold a project back until its 原因 is given: the 10号 form has no column for it.)
  await expect.poll(() => imp.getByTestId('import-rows').textContent(), { timeout: T }).toContain('自评得分94.55分（优）')
  await expect.poll(() => imp.getByTestId('import-rows').textContent()).toContain('自评得分95.45分（优）')
  for (const score of ['自评得分100分（优）', '自评得分80.91分（良）', '自评得分99.55分（优）', '自评得分76.36分（中）']) await expect.poll(() => imp.getByTestId('import-rows').textContent()).toContain(score)
  await expect.poll(() => imp.getByTestId('import-submits').textContent()).toContain('导入后提交审核 6 个')
  // The 10号 form has no 评价结论 row: the preview says what stands in for it.
  await expect.poll(() => imp.getByTestId('import-rows').textContent()).toContain('以年度总体目标的“实际完成情况”作为评价结论')
  await shot(page, 'fy-42-selfeval-import-preview')
  await imp.getByTestId('import-apply').click()
  await expectMessage(page, '导入完成：填报 6 个项目，提交审核 6 个')
  const list = page.getByTestId('stage-selfeval')
  const row = (name: string) => list.locator('.ant-table-row').filter({ hasText: name }).first()
  await expect.poll(() => row('城乡环卫一体化经费').textContent(), { timeout: T }).toContain('94.55')
  await expect.poll(() => row('学生资助补助经费').textContent()).toContain('95.45')
  await expect.poll(() => row('校舍维修改造').textContent()).toContain('76.36')
  await expect.poll(() => page.getByTestId('tab-已填报').textContent()).toBe('已填报 6')

  // ——— B. 财政评价 of the sanitation project: round, notice, score, a problem, 整改 ———
  await menu(page, '财政评价')
  await page.getByTestId('round-new').click()
  const fr = page.getByRole('dialog', { name: /新建任务/ })
  await expect.poll(() => fr.locator('.ant-table-row').count(), { timeout: T }).toBe(6)
  await fr.locator('.ant-table-row').filter({ hasText: '城乡环卫一体化经费' }).locator('.ant-checkbox-input').check()
  await expect.poll(() => fr.getByTestId('picker-total').textContent()).toBe('已选 1 个项目，合计 1500.00 万元')
  await setDate(page, fr.getByLabel('截止日期'), '2024-10-31')
  await fr.getByRole('button', { name: '下达任务' }).click()
  await expectMessage(page, '共 1 个项目')
  await page.getByTestId('round-doc-fiscaleval-notice').click()
  const fnotice = await issueDoc(page, /财政再评价工作通知/, '2024-06-20')
  expect(fnotice.number).toMatch(/^文号：师财预〔2024〕\d+号$/)
  await fnotice.close()

  await openItem(page, '城乡环卫一体化经费')
  await field(d, 'fe-score').fill('78')
  await expect.poll(() => d.getByTestId('fe-grade').textContent()).toBe('中')
  await field(d, 'fe-finding-0').fill('部分乡镇垃圾转运设施不足，清扫保洁面积未达目标')
  await field(d, 'fe-conclusion').fill('项目部分实现预期目标，综合评价为“中”。')
  await d.getByTestId('item-save').click()
  await expectMessage(page, '评价结果已保存：78 分，等级 中')
  await expect.poll(() => field(d, 'rect-requirements').inputValue()).toContain('部分乡镇垃圾转运设施不足')
  await setDate(page, d.getByTestId('rect-deadline'), '2024-12-31')
  await d.getByTestId('rect-save').click()
  await expectMessage(page, '整改信息已保存（未整改）')
  await d.getByTestId('rect-notice').click()
  const rect = await issueDoc(page, /评价结果反馈及整改通知/, '2024-11-05')
  expect(rect.number).toMatch(/^文号：师财预〔2024〕\d+号$/)
  expect(existsSync(rect.path)).toBe(true)
  await rect.close()
  await expect.poll(() => d.getByTestId('rect-notice-number').textContent()).toBe(`整改通知：${rect.number.replace('文号：', '')}`)
  await d.getByTestId('rect-status').getByText('已整改').click()
  await setDate(page, d.getByTestId('rect-report-date'), '2024-12-20')
  await field(d, 'rect-report').fill('已新增转运车辆3台，清扫保洁覆盖全部乡镇，整改报告已报送。')
  await d.getByTestId('rect-save').click()
  await expectMessage(page, '整改信息已保存（已整改）')
  await shot(page, 'fy-43-fiscaleval-rectified')
  await d.getByTestId('item-submit').click()
  await expectMessage(page, '已提交审核')
  await closeDrawer(page)

  // ——— D. The second operator approves what 李明 entered ———
  await signInThroughPage(s.page, SECOND_OPERATOR)
  await menu(page, '单位自评')
  await expect.poll(() => page.getByTestId('tab-已填报').textContent(), { timeout: T }).toBe('已填报 6')
  await page.getByTestId('bulk-select-all').click()
  await expect.poll(() => page.getByTestId('bulk-count').textContent()).toBe('已选 6 项（全部筛选结果）')
  await page.getByTestId('bulk-approve').click()
  const ap = page.getByRole('dialog', { name: /批量审核通过（6项）/ })
  await expect.poll(() => ap.getByTestId('bulk-applicable').textContent()).toContain('所选 6 项中有 6 项当前可审核通过')
  await ap.getByTestId('bulk-ok').click()
  const job = page.getByTestId('job-progress')
  await expect.poll(() => page.getByTestId('job-close').isVisible(), { timeout: 30_000 }).toBe(true)
  await expect.poll(() => job.getByTestId('job-done-count').textContent()).toBe('完成 6 项')
  await page.getByTestId('job-close').click()
  await expect.poll(() => page.getByTestId('tab-已审核').textContent(), { timeout: T }).toBe('已审核 6')
  await shot(page, 'fy-44-selfeval-approved')

  await menu(page, '财政评价')
  await openItem(page, '城乡环卫一体化经费')
  await d.getByTestId('item-approve').click()
  await page.getByRole('dialog', { name: /审核通过/ }).getByTestId('review-ok').click()
  await expectMessage(page, '已审核通过')
  await expect.poll(() => d.locator('.ant-drawer-title .ant-tag').first().textContent()).toBe('已审核')
  // 结果运用: the grade's consequence for next year's budget, published.
  await d.getByTestId('result-use-suggest').click()
  await expect.poll(() => field(d, 'result-use-text').inputValue()).not.toBe('')
  await d.getByTestId('result-use-save').click()
  await expectMessage(page, '结果运用已保存')
  await d.getByTestId('item-doc-eval-opinion').click()
  const opinion = await issueDoc(page, /预算绩效评价结果运用意见书/, '2024-12-25')
  expect(existsSync(opinion.path)).toBe(true)
  await shot(page, 'fy-45-eval-opinion')
  await opinion.close()
  await closeDrawer(page)

  // ——— C. 驾驶舱: the 2023 evaluation as done; the year's report ———
  await signInThroughPage(s.page, FIRST_OPERATOR)
  await menu(page, '驾驶舱')
  // 6 projects self-evaluated, 1500 + 310.5 + 800 + 120 + 640 + 215 = 3585.50 万元; 1 key evaluation of 1500.00 万元.
  await expect.poll(() => page.getByTestId('hl-selfeval-count').textContent(), { timeout: T }).toBe('6')
  await expect.poll(() => page.getByTestId('hl-selfeval-wan').textContent()).toBe('3585.50')
  await expect.poll(() => page.getByTestId('hl-keyeval-count').textContent()).toBe('1')
  await expect.poll(() => page.getByTestId('hl-keyeval-wan').textContent()).toBe('1500.00')
  await shot(page, 'fy-46-dashboard-2023-evaluated')
  await page.getByTestId('annual-report').click()
  const rep = page.getByRole('dialog', { name: /年度预算绩效工作开展情况/ })
  await expect.poll(() => rep.getByLabel('正文').inputValue(), { timeout: 30_000 }).not.toBe('')
  const body = await rep.getByLabel('正文').inputValue()
  // 6 projects, 3585.5 万元, under the notice issued above; the one key evaluation, 整改 closed.
  expect(body).toContain(`（${notice.number.replace('文号：', '')}），明确评价范围为：2023年度县级安排所有资金`)
  expect(body).toContain('共6个项目3585.5万元开展单位自评')
  expect(body).toContain('目前已整改1项，整改中0项')
  expect(body).toContain('评价结果为：“城乡环卫一体化经费”78分（中）')
  // No template key (camelCase) where a first year has no data.
  expect(body).not.toMatch(/[a-z]+[A-Z]\w*/)
  await shot(page, 'fy-47-annual-report')
  await setDate(page, rep.getByLabel('成文日期'), '2024-12-30')
  await rep.getByTestId('doc-issue').click()
  await expect.poll(() => rep.getByTestId('saved-path').isVisible(), { timeout: 30_000 }).toBe(true)
  expect(existsSync(((await rep.getByTestId('saved-path').textContent()) ?? '').trim())).toBe(true)
  await rep.getByRole('button', { name: '关闭' }).click()

  // ——— 2023 closed: locked in 年度数据; its 项目库 then says so ———
  await menu(page, '年度数据')
  const years = page.getByTestId('years')
  const y2023 = years.locator('.ant-table-row').filter({ hasText: '2023年度' })
  await expect.poll(() => y2023.count(), { timeout: T }).toBe(1)
  await y2023.getByText('锁定').click()
  const lock = page.getByRole('dialog', { name: '锁定2023年度' })
  await lock.getByLabel('原因（可选）').fill('2023年度评价工作已结束')
  await lock.getByRole('button', { name: '锁定' }).click()
  await expectMessage(page, '2023年度已锁定')
  await expect.poll(() => y2023.textContent()).toContain('已锁定')
  await shot(page, 'fy-48-year-2023-locked')
  await menu(page, '年度项目库')
  await pick(page, page.getByTestId('budget-year'), '2023年（上年）')
  await expect.poll(() => page.locator('.page-card .ant-table-row').count(), { timeout: T }).toBe(6)
  for (const id of ['project-add', 'project-import', 'history-import']) await expect.poll(() => page.getByTestId(id).isDisabled()).toBe(true)
  await page.getByTestId('project-add').hover({ force: true })
  await expect.poll(() => page.locator('.ant-tooltip').filter({ hasText: '2023年度已结账锁定' }).count()).toBeGreaterThan(0)
  await shot(page, 'fy-49-projects-2023-locked')
}
