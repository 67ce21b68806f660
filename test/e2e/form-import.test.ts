/**
 * End to end: a unit's 财政部-layout 自评表 whose project name differs from the 项目库 is not guessed —
 * the preview asks which project it is, and imports once one is picked. Then the 定性 synonyms are a
 * setting on 监控与评价规则. A typed 总分 that differs from the rule is kept and shown beside it in the
 * 自评表. Screenshots: test-output/screenshots/forms-*.png.
 */
import ExcelJS from 'exceljs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mofRoad, mofRoadOwnTotal } from '../excel/form-fixtures'
import { launchBrowser, type LaunchedBrowser } from './browser'
import { ensureRendererBuilt } from './build'
import { SHOTS, T, drawer, expectMessage, menu, openItem, openStageSession, pick, setUpCounty, shot } from './stage-helpers'

let browser: LaunchedBrowser

beforeAll(async () => {
  await ensureRendererBuilt()
  browser = await launchBrowser()
}, 180_000)

afterAll(async () => {
  await browser?.close()
})

const ROAD = [
  ['产出指标', '数量指标', '养护里程', '≥', '120', '公里', 20],
  ['产出指标', '质量指标', '路面完好率', '≥', '90', '%', 15],
  ['产出指标', '时效指标', '养护任务完成及时率', '≥', '95', '%', 10],
  ['产出指标', '成本指标', '养护成本', '≤', '300', '万元', 15],
  ['效益指标', '社会效益指标', '群众出行条件', '定性', '明显改善', '', 20],
  ['满意度指标', '服务对象满意度指标', '群众满意度', '≥', '90', '%', 10],
] as const

describe('单位按财政部格式填报的自评表', () => {
  it('asks which project an unmatched sheet is, imports it once picked, and keeps 定性 synonyms as a setting', async () => {
    let roadId = ''
    const s = await openStageSession(browser, 'forms', async (api) => {
      const { divisions } = await setUpCounty(api)
      const jt = await api('units/save', { code: '101043', name: '师宗县交通运输局', parentName: '', divisionId: divisions.jjs.id })
      const road = await api('projects/save', { budgetYear: 2023, unitId: jt.id, code: 'A1', name: '农村公路养护经费', amountWan: '300', fundSource: '一般公共预算', category: '项目' })
      await api('projects/save', { budgetYear: 2023, unitId: jt.id, code: 'A2', name: '农村公路建设项目', amountWan: '800', fundSource: '一般公共预算', category: '项目' })
      roadId = road.id
      await api('targets/save', {
        projectId: road.id,
        annualGoal: '养护农村公路120公里',
        indicators: ROAD.map(([level1, level2, name, operator, targetValue, unit, weight]) => ({ level1, level2, name, operator, targetValue, unit, weight, explanation: '' })),
      })
      await api('rounds/save', { stage: 'selfeval', workYear: 2024, title: '2023年度自评', deadline: '2024-06-30', unitIds: [] })
    })
    const { page } = s
    try {
      await expect.poll(() => page.getByTestId('current-operator').textContent(), { timeout: T }).toBe('李明')
      await pick(page, page.getByTestId('work-year'), '2024年')
      await menu(page, '单位自评')
      // The unit wrote its own name for the project: no id, no exact name.
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.load((await mofRoad()) as never)
      wb.worksheets[0]!.getCell('C3').value = '农村公路日常养护'
      const file = join(s.dir, '交通运输局-自评表.xlsx')
      await wb.xlsx.writeFile(file)
      await page.getByTestId('excel-import').click()
      const imp = page.getByRole('dialog', { name: '导入绩效自评表' })
      await imp.locator('input[type=file]').setInputFiles(file)
      await expect.poll(() => imp.getByTestId('import-matching').isVisible()).toBe(true)
      await expect.poll(() => imp.getByTestId('import-matching').textContent()).toContain('找不到项目“农村公路日常养护”')
      expect(await imp.getByTestId('import-apply').isDisabled()).toBe(true)
      await pick(page, imp.getByTestId('match-农村公路养护'), '师宗县交通运输局 · 农村公路养护经费（A1）')
      await shot(page, 'forms-01-matching-step')
      await imp.getByTestId('import-rematch').click()
      await expect.poll(() => imp.getByTestId('import-rows').textContent()).toContain('自评得分97.67分（优）')
      await expect.poll(() => imp.getByTestId('import-warnings').textContent()).toContain('单位填报得分9，按规则建议10分')
      await shot(page, 'forms-02-preview-after-matching')
      await imp.getByTestId('import-apply').click()
      await expectMessage(page, '导入完成：填报 1 个项目')
      const items = await s.api('items/list', { roundId: (await s.api('rounds/list', { stage: 'selfeval', workYear: 2024 }))[0]!.id })
      const item = items.rows.find((r) => r.projectId === roadId)!
      expect((await s.api('items/get', { id: item.id })).evaluation!.totalScore).toBe(97.67)

      // 定性 synonyms are a setting.
      await menu(page, '监控与评价规则')
      const card = page.getByTestId('rules-qualitative')
      await expect.poll(() => card.textContent()).toContain('达成年度指标')
      const tags = card.getByTestId('synonyms-0').locator('input')
      await tags.fill('圆满完成')
      await tags.press('Enter')
      await page.getByRole('button', { name: '保存规则' }).click()
      await expectMessage(page, '设置已保存')
      expect((await s.api('settings/get', {})).scoring.qualitative[0]!.synonyms).toContain('圆满完成')
      await card.scrollIntoViewIfNeeded()
      await shot(page, 'forms-03-qualitative-settings')
      expect(s.errors).toEqual([])
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'zz-failure-forms.png') }).catch(() => undefined)
      throw e
    } finally {
      await s.close()
    }
  }, 120_000)
  it('keeps the unit’s typed 总分 beside the rule’s and shows both in the 自评表, flagged', async () => {
    const s = await openStageSession(browser, 'forms-total', async (api) => {
      const { divisions } = await setUpCounty(api)
      const jt = await api('units/save', { code: '101043', name: '师宗县交通运输局', parentName: '', divisionId: divisions.jjs.id })
      const road = await api('projects/save', { budgetYear: 2023, unitId: jt.id, code: 'A1', name: '农村公路养护经费', amountWan: '300', fundSource: '一般公共预算', category: '项目' })
      await api('targets/save', {
        projectId: road.id,
        annualGoal: '养护农村公路120公里',
        indicators: ROAD.map(([level1, level2, name, operator, targetValue, unit, weight]) => ({ level1, level2, name, operator, targetValue, unit, weight, explanation: '' })),
      })
      await api('rounds/save', { stage: 'selfeval', workYear: 2024, title: '2023年度自评', deadline: '2024-06-30', unitIds: [] })
    })
    const { page } = s
    try {
      await expect.poll(() => page.getByTestId('current-operator').textContent(), { timeout: T }).toBe('李明')
      await pick(page, page.getByTestId('work-year'), '2024年')
      await menu(page, '单位自评')
      const file = join(s.dir, '交通运输局-自评表.xlsx')
      await writeFile(file, await mofRoadOwnTotal())
      await page.getByTestId('excel-import').click()
      const imp = page.getByRole('dialog', { name: '导入绩效自评表' })
      await imp.locator('input[type=file]').setInputFiles(file)
      // The unit typed 总分 92 and 执行 得分 10; the rule gives 97.67 and 9.5 (285/300 = 95% × 10).
      await expect.poll(() => imp.getByTestId('import-rows').textContent(), { timeout: T }).toContain('单位填报总分92分，按规则计算97.67分')
      await expect.poll(() => imp.getByTestId('import-warnings').textContent()).toContain('单位填报总分92分，按规则和单位各项得分计算为97.67分（优）：保留单位填报总分')
      await shot(page, 'forms-04-preview-own-total')
      await imp.getByTestId('import-apply').click()
      await expectMessage(page, '导入完成：填报 1 个项目')
      await openItem(page, '农村公路养护经费')
      const d = drawer(page)
      await expect.poll(() => d.getByTestId('se-total').textContent(), { timeout: T }).toBe('97.67')
      await expect.poll(() => d.getByTestId('se-unit-total').textContent()).toBe('与规则不一致单位填报总分 92 分，按规则计算 97.67 分')
      await expect.poll(() => d.getByTestId('se-unit-exec').textContent()).toBe('与规则不一致单位填报预算执行得分 10 分，按金额计算 9.5 分')
      await d.getByTestId('se-unit-scores').scrollIntoViewIfNeeded()
      await shot(page, 'forms-05-selfeval-own-total')
      expect(s.errors).toEqual([])
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'zz-failure-forms-total.png') }).catch(() => undefined)
      throw e
    } finally {
      await s.close()
    }
  }, 120_000)
})
