/**
 * A county's first year, from an empty database, through the screens alone (no demo, no API
 * calls): choose the work year, import the 2024 project list as the 一体化 system exports it
 * (title rows, a merged two-row header, amounts in 元, units the database does not know yet)
 * through the column-mapping step, add a project by hand, then last year's baseline: the 2023
 * list as CSV and its approved targets (历史目标导入). Then every stage, a second operator
 * reviewing: 2024's 事前评估 → 绩效目标 with a return, the 反馈单 and the re-exported workbook →
 * 运行监控 (first-year-steps/current-year.ts), and 2023's 单位自评 → 财政评价 with 整改 → 驾驶舱 →
 * annual report → the year locked (first-year-steps/last-year.ts). Screenshots under
 * test-output/screenshots (fy-01…fy-49).
 */
import ExcelJS from 'exceljs'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTargetsWorkbook } from '../../electron/excel/targets-sheet'
import { TEST_PASSWORD } from '../helpers/backend'
import { launchBrowser, type LaunchedBrowser } from './browser'
import { ensureRendererBuilt } from './build'
import { currentYearStages } from './first-year-steps/current-year'
import { lastYearStages } from './first-year-steps/last-year'
import { SHOTS, T, chooseFile, expectMessage, field, menu, openStageSession, pick, shot } from './stage-helpers'

let browser: LaunchedBrowser

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  await ensureRendererBuilt()
  browser = await launchBrowser()
}, 120_000)

afterAll(async () => {
  await browser?.close()
})

const UNITS = [
  { code: '101041', name: '师宗县住房和城乡建设局' },
  { code: '101024', name: '师宗县教育体育局' },
]

/** The 2024 list as the 一体化 export gives it: 元, a merged group header, a 合计 row at the foot. */
async function exportWorkbook(path: string) {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('项目明细')
  ws.addRow(['师宗县2024年部门预算项目明细表'])
  ws.addRow(['单位代码', '单位名称', '项目代码', '项目名称', '预算类型', '资金下达（元）', null, '备注'])
  ws.addRow([null, null, null, null, null, '小计', '其中：上级补助', null])
  const rows: (string | number)[][] = [
    ['101041', '师宗县住房和城乡建设局', '530323240001', '城乡环卫一体化经费', '一般公共预算', 15_730_000, 0, ''],
    ['101041', '师宗县住房和城乡建设局', '530323240002', '老旧小区改造', '政府性基金预算', 8_000_000, 8_000_000, '省级补助'],
    ['101041', '师宗县住房和城乡建设局', '530323240003', '城市道路维护', '一般公共预算', 1_200_000, 0, ''],
    ['101024', '师宗县教育体育局', '530323240004', '学生资助补助经费', '中央转移支付', 3_205_000, 3_205_000, ''],
    ['101024', '师宗县教育体育局', '530323240005', '学校公用经费', '一般公共预算', 6_400_000, 0, ''],
    ['101024', '师宗县教育体育局', '530323240006', '校舍维修改造', '一般公共预算', 2_150_000, 0, ''],
  ]
  for (const r of rows) ws.addRow(r)
  ws.addRow(['合计', null, null, null, null, 36_685_000, 11_205_000, null])
  for (const c of ['A2:A3', 'B2:B3', 'C2:C3', 'D2:D3', 'E2:E3', 'F2:G2', 'H2:H3']) ws.mergeCells(c)
  await wb.xlsx.writeFile(path)
}

describe('a first year from an empty database', () => {
  it('chooses the year, imports the project list, loads last year’s baseline, then takes both years through every stage and document', async () => {
    const s = await openStageSession(browser, 'first-year', async () => undefined, { signIn: false })
    const { page } = s
    const started = Date.now()
    try {
      // 1. First operator, then the work year chosen on the welcome page.
      const start = page.getByRole('dialog', { name: '创建第一个操作员' })
      await expect.poll(() => start.isVisible(), { timeout: T }).toBe(true)
      await start.getByLabel('姓名').fill('李明')
      await start.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD)
      await start.getByLabel('确认密码').fill(TEST_PASSWORD)
      await start.getByLabel('所在股室').fill('预算股')
      await start.getByRole('button', { name: '创建并开始使用' }).click()
      await expect.poll(() => page.getByTestId('welcome-card').isVisible()).toBe(true)
      await pick(page, page.getByTestId('first-year-select'), '2024年')
      await page.getByTestId('first-year-ok').click()
      await expectMessage(page, '工作年度已设为 2024 年')
      await expect.poll(() => page.getByTestId('chosen-work-year').textContent()).toContain('2024')
      await expect.poll(() => page.getByTestId('work-year').textContent()).toContain('2024年')
      await shot(page, 'fy-01-welcome-year')

      // 2. The 2024 project list, foreign-shaped, through the mapping step.
      await menu(page, '年度项目库')
      await expect.poll(() => page.getByText('2024年项目库').first().isVisible()).toBe(true)
      await shot(page, 'fy-02-projects-empty')
      const file = join(s.dir, '2024年项目明细（一体化导出）.xlsx')
      await exportWorkbook(file)
      await page.getByTestId('project-import').click()
      const dlg = page.getByRole('dialog', { name: '导入2024年项目清单' })
      // A wrong file first: the dialog itself says why, and stays at 选择文件 for another file.
      const empty = join(s.dir, '2024年项目明细（空）.xlsx')
      writeFileSync(empty, '')
      await chooseFile(page, dlg, empty, dlg.getByTestId('import-read-error'))
      await expect.poll(() => dlg.getByTestId('import-read-error').textContent()).toBe('未能读取“2024年项目明细（空）.xlsx”：文件内容为空')
      await shot(page, 'fy-02b-import-read-error')
      await chooseFile(page, dlg, file, dlg.getByTestId('import-mapping'))
      await expect.poll(() => dlg.getByText('表头在第 3 行').isVisible()).toBe(true)
      // "资金下达（元）·小计" is not a word the importer knows for an amount: the clerk picks it.
      await expect.poll(() => dlg.getByTestId('map-amount').textContent()).toContain('表中没有此列')
      await expect.poll(() => dlg.getByTestId('map-code').textContent()).toContain('项目代码')
      await pick(page, dlg.getByTestId('map-amount'), 'F列　资金下达（元）·小计')
      await expect.poll(() => dlg.getByTestId('money-unit').textContent()).toContain('从表头“资金下达（元）·小计”识别')
      await shot(page, 'fy-03-mapping')
      await dlg.getByTestId('import-next').click()
      await expect.poll(() => dlg.getByTestId('import-preview').isVisible(), { timeout: T }).toBe(true)
      await expect.poll(() => dlg.getByTestId('unknown-units').textContent()).toContain('2 个预算单位不在单位名单中')
      await expect.poll(() => dlg.getByTestId('import-apply').isDisabled()).toBe(true)
      await dlg.getByRole('button', { name: '其余全部新增' }).click()
      // 36,685,000 元 = 3668.50 万元, the 合计 row left out.
      await expect.poll(() => dlg.getByText('3668.50').first().isVisible()).toBe(true)
      await shot(page, 'fy-04-preview')
      await dlg.getByTestId('import-apply').click()
      await expectMessage(page, '导入完成：新增 6 个、更新 0 个、未变 0 个项目，新增预算单位 2 个')
      await expect.poll(() => page.locator('.page-card .ant-table-row').count()).toBe(6)
      await expect.poll(() => page.getByTestId('projects-sum').textContent()).toBe('3668.50')
      // 学生资助补助经费 came as 中央转移支付 in the 预算类型 column.
      await expect.poll(() => page.locator('.page-card .ant-table-row').filter({ hasText: '学生资助补助经费' }).textContent()).toContain('一般公共预算·中央转移支付')
      await shot(page, 'fy-05-projects-imported')

      // 3. One more project by hand; the 股室 line follows the unit.
      await page.getByTestId('project-add').click()
      const form = page.getByRole('dialog', { name: '新增2024年项目' })
      await pick(page, form.getByTestId('project-unit'), '师宗县教育体育局', '教育')
      await field(form, 'project-code').fill('530323240007')
      await field(form, 'project-name').fill('乡村教师生活补助')
      await field(form, 'project-amount').fill('286.4')
      // Esc does not drop what was typed: it asks first, and 继续填写 keeps the form as it was.
      await page.keyboard.press('Escape')
      const asks = page.locator('.ant-modal-confirm-title').filter({ hasText: '放弃已填写的内容？' })
      await expect.poll(() => asks.isVisible()).toBe(true)
      await shot(page, 'fy-06a-add-project-esc-asks')
      await page.getByTestId('discard-cancel').click()
      await expect.poll(() => asks.count()).toBe(0)
      await expect.poll(() => field(form, 'project-name').inputValue()).toBe('乡村教师生活补助')
      await shot(page, 'fy-06-add-project')
      await form.getByRole('button', { name: '保存' }).click()
      await expectMessage(page, '已在2024年项目库中新增“乡村教师生活补助”')
      await expect.poll(() => page.locator('.page-card .ant-table-row').count()).toBe(7)
      // 3668.50 + 286.40 = 3954.90 万元.
      await expect.poll(() => page.getByTestId('projects-sum').textContent()).toBe('3954.90')

      // The same export again: the mapping is remembered, nothing would change, nothing is duplicated.
      await page.getByTestId('project-import').click()
      await chooseFile(page, dlg, file, dlg.getByTestId('import-mapping'))
      await expect.poll(() => dlg.getByText('已按上次导入同样表头的文件时的对应关系填好').isVisible()).toBe(true)
      await expect.poll(() => dlg.getByTestId('map-amount').textContent()).toContain('资金下达（元）·小计')
      await dlg.getByTestId('import-next').click()
      await expect.poll(() => dlg.getByTestId('import-nothing').textContent(), { timeout: T }).toContain('6 个项目与2024年项目库完全一致')
      await expect.poll(() => dlg.getByTestId('import-apply').isDisabled()).toBe(true)
      await shot(page, 'fy-06b-reimport-remembered')
      // A click outside asks too (the file and its mapping would be lost).
      await page.mouse.click(5, 5)
      await expect.poll(() => page.getByRole('button', { name: '放弃导入' }).isVisible()).toBe(true)
      await page.getByRole('button', { name: '继续导入' }).click()
      await expect.poll(() => page.locator('.ant-modal-confirm').count()).toBe(0)
      await expect.poll(() => dlg.getByTestId('import-apply').isVisible()).toBe(true)
      await dlg.getByRole('button', { name: '取消' }).click()
      await page.getByRole('button', { name: '放弃导入' }).click()
      await expect.poll(() => dlg.isVisible()).toBe(false)
      await expect.poll(() => page.locator('.page-card .ant-table-row').count()).toBe(7)

      // 4. Last year's baseline: the 2023 list as CSV (UTF-8 with BOM), then its approved targets.
      await pick(page, page.getByTestId('budget-year'), '2023年（上年）')
      await expect.poll(() => page.locator('.page-card .ant-table-row').count()).toBe(0)
      const csv = join(s.dir, '2023年项目清单.csv')
      writeFileSync(
        csv,
        '\ufeff预算单位编码,预算单位名称,项目编码,项目名称,资金来源,项目金额（万元）\r\n' +
          '101041,师宗县住房和城乡建设局,530323230001,城乡环卫一体化经费,一般公共预算,1500\r\n' +
          '101024,师宗县教育体育局,530323230002,学生资助补助经费,一般公共预算,310.5\r\n' +
          '101041,师宗县住房和城乡建设局,530323230003,老旧小区改造,政府性基金预算,800\r\n' +
          '101041,师宗县住房和城乡建设局,530323230004,城市道路维护,一般公共预算,120\r\n' +
          '101024,师宗县教育体育局,530323230005,学校公用经费,一般公共预算,640\r\n' +
          '101024,师宗县教育体育局,530323230006,校舍维修改造,一般公共预算,215\r\n',
      )
      await page.getByTestId('project-import').click()
      const dlg23 = page.getByRole('dialog', { name: '导入2023年项目清单' })
      await chooseFile(page, dlg23, csv, dlg23.getByTestId('import-mapping'))
      await dlg23.getByTestId('import-next').click()
      await expect.poll(() => dlg23.getByTestId('import-preview').isVisible(), { timeout: T }).toBe(true)
      await dlg23.getByTestId('import-apply').click()
      await expectMessage(page, '导入完成：新增 6 个')
      await expect.poll(() => page.locator('.page-card .ant-table-row').count()).toBe(6)

      const targets = join(s.dir, '2023年绩效目标申报表.xlsx')
      writeFileSync(
        targets,
        await buildTargetsWorkbook({
          title: '师宗县2023年度项目支出绩效目标申报表',
          deadline: null,
          units: UNITS,
          projects: [
            {
              id: '',
              unitCode: '101041',
              unitName: '师宗县住房和城乡建设局',
              code: '530323230001',
              name: '城乡环卫一体化经费',
              fundSource: '一般公共预算',
              category: '项目',
              amountFen: 1_500_000_000,
              annualGoal: '实现城乡环卫一体化全覆盖',
              indicators: [
                { id: '', level1: '产出指标', level2: '数量指标', name: '清扫保洁面积', operator: '≥', targetValue: '120', unit: '万平方米', weight: 50, explanation: '' },
                { id: '', level1: '满意度指标', level2: '服务对象满意度指标', name: '服务对象满意度', operator: '≥', targetValue: '90', unit: '%', weight: 50, explanation: '' },
              ],
            },
            {
              id: '',
              unitCode: '101024',
              unitName: '师宗县教育体育局',
              code: '530323230002',
              name: '学生资助补助经费',
              fundSource: '一般公共预算',
              category: '项目',
              amountFen: 310_500_000,
              annualGoal: '应助尽助',
              indicators: [{ id: '', level1: '产出指标', level2: '数量指标', name: '资助学生人数', operator: '≥', targetValue: '3000', unit: '人', weight: 100, explanation: '' }],
            },
            ...(
              [
                ['101041', '师宗县住房和城乡建设局', '530323230003', '老旧小区改造', '政府性基金预算', 800, '改造老旧小区', '改造老旧小区数量', '10', '个'],
                ['101041', '师宗县住房和城乡建设局', '530323230004', '城市道路维护', '一般公共预算', 120, '道路完好通畅', '维护道路里程', '35', '公里'],
                ['101024', '师宗县教育体育局', '530323230005', '学校公用经费', '一般公共预算', 640, '保障学校正常运转', '保障学校数量', '25', '所'],
                ['101024', '师宗县教育体育局', '530323230006', '校舍维修改造', '一般公共预算', 215, '消除校舍安全隐患', '维修校舍面积', '8000', '平方米'],
              ] as const
            ).map(([unitCode, unitName, code, name, fundSource, wan, annualGoal, indicator, targetValue, unit]) => ({
              id: '',
              unitCode,
              unitName,
              code,
              name,
              fundSource,
              category: '项目',
              amountFen: wan * 1_000_000,
              annualGoal,
              indicators: [{ id: '', level1: '产出指标', level2: '数量指标', name: indicator, operator: '≥', targetValue, unit, weight: 100, explanation: '' }],
            })),
          ],
        }),
      )
      await page.getByTestId('history-import').click()
      const hist = page.getByRole('dialog', { name: /导入2023年已批复的绩效目标/ })
      await hist.locator('input[type=file]').setInputFiles(targets)
      await expect.poll(() => hist.getByTestId('import-preview').textContent(), { timeout: T }).toContain('6 个项目、7 个指标')
      await shot(page, 'fy-07-history-targets-preview')
      await hist.getByTestId('import-apply').click()
      await expectMessage(page, '已导入 6 个项目的已批复绩效目标（7 个指标），记为历史目标导入')
      await expect.poll(() => page.locator('.page-card .ant-table-row').filter({ hasText: '已批复' }).count()).toBe(6)
      await shot(page, 'fy-08-baseline-2023')

      // 5. The year switcher offers the years around the first year.
      await page.getByTestId('work-year').click()
      const years = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
      await expect.poll(async () => (await years.allTextContents()).join(' ')).toBe('2025年 2024年 2023年')
      await page.keyboard.press('Escape')

      await currentYearStages(s)
      await lastYearStages(s)
      expect(s.errors).toEqual([])
      console.log(`first-year: ${((Date.now() - started) / 1000).toFixed(1)} s`)
    } finally {
      await s.close()
    }
  }, 300_000)
})
