/**
 * End to end, in Chromium against a real SQLite file, driving the page only: a 绩效目标 list where
 * the reviewer ticks rows and returns them with one opinion, then approves every filtered row at
 * once; the result dialog lists what was refused and why; the 反馈单 and the re-exported 申报表 carry
 * the opinion; a dialog with typed text asks before Esc closes it; a locked year's buttons say why.
 * Screenshots: test-output/screenshots/bulk-*.png.
 */
import ExcelJS from 'exceljs'
import { copyFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { completeIndicators } from '../helpers/stage-setup'
import { launchBrowser, type LaunchedBrowser } from './browser'
import { ensureRendererBuilt } from './build'
import { TEST_PASSWORD } from '../helpers/backend'
import { SHOTS, T, menu, openStageSession, pick, setUpCounty, shot } from './stage-helpers'

let browser: LaunchedBrowser

beforeAll(async () => {
  await ensureRendererBuilt()
  browser = await launchBrowser()
}, 180_000)

afterAll(async () => {
  await browser?.close()
})

const PROJECTS = [
  // 住建局: 6 projects, 教育局: 6; the last of each has no targets and stays 待填报.
  ['101041', '城乡环卫一体化经费', '1573'],
  ['101041', '城区道路养护经费', '88'],
  ['101041', '老旧小区改造补助', '620'],
  ['101041', '农村危房改造', '410.5'],
  ['101041', '城市绿化管护经费', '96'],
  ['101041', '市政设施维修（未填报）', '35'],
  ['101024', '学生资助补助经费', '320.5'],
  ['101024', '义务教育营养改善计划', '1280'],
  ['101024', '乡村教师生活补助', '540'],
  ['101024', '校舍维修改造', '230'],
  ['101024', '教师培训经费', '45'],
  ['101024', '课后服务补助（未填报）', '60'],
] as const

describe('bulk review on a stage list', () => {
  it('returns ticked rows with one opinion and approves all filtered rows, listing refusals with reasons', async () => {
    const s = await openStageSession(browser, 'bulk', async (api) => {
      const { divisions } = await setUpCounty(api)
      const jsj = await api('units/save', { code: '101041', name: '师宗县住房和城乡建设局', parentName: '', divisionId: divisions.jjs.id })
      const jyj = await api('units/save', { code: '101024', name: '师宗县教育体育局', parentName: '', divisionId: divisions.jkw.id })
      const unitOf = { '101041': jsj.id, '101024': jyj.id }
      for (const [code, name, wan] of PROJECTS) {
        const p = await api('projects/save', { budgetYear: 2024, unitId: unitOf[code], code: '', name, amountWan: wan, fundSource: '一般公共预算', category: '项目' })
        if (!name.includes('未填报')) await api('targets/save', { projectId: p.id, annualGoal: '按期完成年度任务', indicators: completeIndicators(wan) })
      }
      const round = await api('rounds/save', { stage: 'targets', workYear: 2024, title: '2024年度预算绩效目标编审', deadline: '2024-12-31', unitIds: [] })
      // A 录入 clerk submits; 李明 reviews (nobody approves what they submitted themselves).
      await api('operators/save', { name: '王芳', divisionId: null, roles: ['录入'], password: TEST_PASSWORD })
      await api('session/signIn', { name: '王芳', password: TEST_PASSWORD })
      for (const r of (await api('items/list', { roundId: round.id })).rows) if (!r.projectName.includes('未填报')) await api('items/transition', { id: r.id, action: 'submit' })
      await api('session/signIn', { name: '李明', password: TEST_PASSWORD })
    })
    const { page } = s
    // The stage list only: the job dialog's refusal table has rows too.
    const list = page.getByTestId('stage-targets')
    const row = (name: string) => list.locator('.ant-table-row').filter({ hasText: name }).first()
    const tick = (name: string) => row(name).locator('.ant-checkbox-input').check()
    const job = page.getByTestId('job-progress')
    try {
      await expect.poll(() => page.getByTestId('current-operator').textContent(), { timeout: T }).toBe('李明')
      await pick(page, page.getByTestId('work-year'), '2024年')
      await menu(page, '目标审核')
      await expect.poll(() => page.getByTestId('tab-已填报').textContent(), { timeout: T }).toBe('已填报 10')
      await expect.poll(() => page.getByTestId('bulk-approve').isDisabled()).toBe(true)

      // ——— tick three rows and return them with one opinion ———
      await tick('城区道路养护经费')
      await tick('老旧小区改造补助')
      await tick('校舍维修改造')
      // A tick does not open the row.
      await expect.poll(() => page.locator('.item-drawer .ant-drawer-content').isVisible().catch(() => false)).toBe(false)
      await expect.poll(() => page.getByTestId('bulk-count').textContent()).toBe('已选 3 项')
      await shot(page, 'bulk-01-selected')
      await page.getByTestId('bulk-return').click()
      const dlg = page.getByRole('dialog', { name: /批量退回修改（3项）/ })
      await expect.poll(() => dlg.getByTestId('bulk-applicable').textContent()).toContain('所选 3 项中有 3 项当前可退回修改')
      await dlg.getByTestId('bulk-opinion').fill('产出指标未量化，请按申报要求细化数量指标和质量指标')
      // Esc does not throw the typed opinion away: it asks, and 继续填写 keeps it.
      await page.keyboard.press('Escape')
      await expect.poll(() => page.getByTestId('discard-cancel').isVisible()).toBe(true)
      await shot(page, 'bulk-02-esc-asks')
      await page.getByTestId('discard-cancel').click()
      await expect.poll(() => dlg.getByTestId('bulk-opinion').inputValue()).toBe('产出指标未量化，请按申报要求细化数量指标和质量指标')
      // A click outside the dialog asks too.
      await expect.poll(() => page.getByTestId('discard-cancel').isVisible()).toBe(false)
      await page.mouse.click(12, 790)
      await expect.poll(() => page.getByTestId('discard-cancel').isVisible()).toBe(true)
      await page.getByTestId('discard-cancel').click()
      await expect.poll(() => dlg.getByTestId('bulk-opinion').inputValue()).toBe('产出指标未量化，请按申报要求细化数量指标和质量指标')
      await dlg.getByTestId('bulk-ok').click()
      await expect.poll(() => page.getByTestId('job-close').isVisible(), { timeout: 30_000 }).toBe(true)
      await expect.poll(() => job.getByTestId('job-done-count').textContent()).toBe('完成 3 项')
      expect(await job.getByTestId('job-refused-count').count()).toBe(0)
      await page.getByTestId('job-close').click()
      await expect.poll(() => page.getByTestId('tab-退回修改').textContent(), { timeout: T }).toBe('退回修改 3')

      // ——— all filtered rows (both pages of the filter, not only the ticked) → 审核通过 with 良 ———
      await page.getByTestId('bulk-select-all').click()
      await expect.poll(() => page.getByTestId('bulk-count').textContent()).toBe('已选 12 项（全部筛选结果）')
      await page.getByTestId('bulk-approve').click()
      const ap = page.getByRole('dialog', { name: /批量审核通过（12项）/ })
      await expect.poll(() => ap.getByTestId('bulk-applicable').textContent()).toContain('所选 12 项中有 7 项当前可审核通过')
      await ap.getByTestId('bulk-conclusion').getByText('良').click()
      await ap.getByTestId('bulk-ok').click()
      await expect.poll(() => page.getByTestId('job-close').isVisible(), { timeout: 30_000 }).toBe(true)
      await expect.poll(() => job.getByTestId('job-done-count').textContent()).toBe('完成 7 项')
      await expect.poll(() => job.getByTestId('job-refused-count').textContent()).toBe('未处理 5 项')
      const refused = job.getByTestId('job-refused')
      await expect.poll(() => refused.locator('tbody tr').filter({ hasText: '市政设施维修（未填报）' }).textContent()).toContain('当前状态为“待填报”，不能审核通过')
      await expect.poll(() => refused.locator('tbody tr').filter({ hasText: '校舍维修改造' }).textContent()).toContain('当前状态为“退回修改”，不能审核通过')
      await shot(page, 'bulk-03-result')
      await page.getByTestId('job-close').click()
      await expect.poll(() => page.getByTestId('tab-已审核').textContent(), { timeout: T }).toBe('已审核 7')
      await expect.poll(() => page.getByTestId('tab-待填报').textContent()).toBe('待填报 2')
      await expect.poll(() => row('城乡环卫一体化经费').textContent()).toContain('良')

      // ——— the loop back: 审核意见反馈单 for the returned, and the re-exported 申报表 ———
      await page.getByTestId('tab-退回修改').click()
      await expect.poll(() => list.locator('.ant-table-row').count()).toBe(3)
      await page.getByTestId('bulk-select-all').click()
      await page.getByTestId('bulk-feedback').click()
      const fb = page.getByRole('dialog', { name: /生成审核意见反馈单/ })
      await fb.getByTestId('bulk-ok').click()
      await expect.poll(() => page.getByTestId('job-close').isVisible(), { timeout: 30_000 }).toBe(true)
      await expect.poll(() => job.getByTestId('job-done-count').textContent()).toBe('完成 2 项')
      await expect.poll(() => job.getByTestId('job-files').locator('.ant-list-item').count()).toBe(2)
      // One per unit, told apart by the unit's name.
      expect(await job.getByTestId('job-files').textContent()).toMatch(/审核意见反馈单（师宗县教育体育局）\.docx.*审核意见反馈单（师宗县住房和城乡建设局）\.docx|审核意见反馈单（师宗县住房和城乡建设局）\.docx.*审核意见反馈单（师宗县教育体育局）\.docx/)
      await shot(page, 'bulk-04-feedback')
      await page.getByTestId('job-close').click()

      await page.getByTestId('excel-export').click()
      const exp = page.getByRole('dialog', { name: '导出绩效目标申报表' })
      await exp.getByTestId('export-run').click()
      await expect.poll(() => exp.getByTestId('export-path').count(), { timeout: T }).toBe(2)
      const jsjBook = (await exp.getByTestId('export-fullpath').allTextContents()).map((p) => p.trim()).find((p) => p.includes('住房和城乡建设局'))!
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.readFile(jsjBook)
      const ws = wb.getWorksheet('项目信息')!
      const header = ws.getRow(3).values as unknown[]
      const col = header.findIndex((h) => typeof h === 'string' && h.startsWith('审核意见'))
      const nameCol = header.indexOf('项目名称')
      const opinions = new Map<string, unknown>()
      for (let r = 4; r <= ws.rowCount; r++) opinions.set(String(ws.getRow(r).getCell(nameCol).value ?? ''), ws.getRow(r).getCell(col).value)
      expect(opinions.get('城区道路养护经费')).toBe('产出指标未量化，请按申报要求细化数量指标和质量指标')
      expect(opinions.get('老旧小区改造补助')).toBe('产出指标未量化，请按申报要求细化数量指标和质量指标')
      expect(opinions.get('城乡环卫一体化经费') ?? null).toBeNull()
      copyFileSync(jsjBook, join(SHOTS, 'bulk-reexported-申报表.xlsx'))
      await exp.getByRole('button', { name: '关闭' }).click()

      // ——— a locked year: the list's edit buttons are disabled and say why ———
      await s.api('yearData/lock', { workYear: 2024, locked: true, reason: '年度结账' })
      await page.reload()
      await expect.poll(() => page.getByTestId('current-operator').textContent(), { timeout: T }).toBe('李明')
      await menu(page, '目标审核')
      await expect.poll(() => page.getByTestId('round-new').isDisabled(), { timeout: T }).toBe(true)
      await expect.poll(() => page.getByTestId('excel-import').isDisabled()).toBe(true)
      await page.getByTestId('bulk-select-all').click()
      await expect.poll(() => page.getByTestId('bulk-approve').isDisabled()).toBe(true)
      await page.getByTestId('bulk-approve').locator('xpath=..').hover()
      await expect.poll(() => page.locator('.ant-tooltip:not(.ant-tooltip-hidden)').filter({ hasText: '2024年度已结账锁定' }).count()).toBeGreaterThan(0)
      await shot(page, 'bulk-05-locked')
      expect(existsSync(join(SHOTS, 'bulk-03-result.png'))).toBe(true)
      expect(s.errors).toEqual([])
    } finally {
      await s.close()
    }
  }, 240_000)
})
