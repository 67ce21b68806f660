/**
 * The streaming paths: a big 申报表/监控表 read with exceljs's streaming reader gives what the
 * whole-workbook loader gives; the streamed export keeps its locks, drop-downs, instructions and
 * opinions; and a stage import's apply applies the preview's parse (same bytes, by token).
 */
import ExcelJS from 'exceljs'
import JSZip from 'jszip'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { buildMonitoringWorkbook, parseMonitoringWorkbook } from '../../electron/excel/monitoring-sheet'
import * as readTable from '../../electron/excel/read-table'
import type { SheetProject } from '../../electron/excel/stage-types'
import { readGrids } from '../../electron/excel/project-list'
import { parseLeanWorkbook, readLeanWorkbook } from '../../electron/excel/stream-workbook'
import { buildTargetsWorkbook, parseTargetsSteps, parseTargetsWorkbook } from '../../electron/excel/targets-sheet'
import { LEVELS } from '../../shared/indicators'
import { WORKBOOK_LIMITS } from '../../shared/limits'
import { cleanup, makeSetUpBackend } from '../helpers/backend'
import { FIRST, monitorLine, monitoringInput, protection, targetsInput } from './fixtures'

vi.mock('../../electron/excel/read-table', async (importOriginal) => {
  const mod = await importOriginal<typeof import('../../electron/excel/read-table')>()
  return { ...mod, loadWorkbook: vi.fn(mod.loadWorkbook) }
})

const PAIRS = Object.entries(LEVELS).flatMap(([l1, l2s]) => l2s.map((l2) => [l1, l2] as const))

/** n projects of 12 indicators; Chinese text throughout, so characters cross the reader's chunk boundaries. */
function manyProjects(n: number): SheetProject[] {
  return Array.from({ length: n }, (_, p) => ({
    id: `p-${p}`,
    unitCode: `1010${String(p % 7).padStart(2, '0')}`,
    unitName: `师宗县第${(p % 7) + 1}预算单位`,
    code: `53032324${String(p).padStart(8, '0')}`,
    name: `乡村振兴产业发展补助资金项目${p + 1}`,
    fundSource: p % 5 === 0 ? '政府性基金预算' : '一般公共预算',
    category: '项目',
    amountFen: 1_000_000 * (p + 1) + 1234,
    annualGoal: `完成第${p + 1}个项目的年度建设任务，带动农户增收，群众满意度达到90%以上。`,
    indicators: Array.from({ length: 12 }, (_, i) => {
      const [level1, level2] = PAIRS[i % PAIRS.length]!
      return { id: `i-${p}-${i}`, level1, level2, name: `三级指标${i + 1}：受益建档立卡户数`, operator: i % 4 === 3 ? '定性' : '≥', targetValue: i % 4 === 3 ? '明显改善' : String(50 + i), unit: i % 4 === 3 ? '' : '%', weight: 8, explanation: '口径：以乡镇上报的台账为准。' }
    }),
  }))
}

describe('streamed reading of a big workbook', () => {
  it('reads 300 projects and 3,600 indicator rows exactly as the whole-workbook loader does', async () => {
    const projects = manyProjects(300)
    const buf = await buildTargetsWorkbook({ ...targetsInput(projects), units: [] })
    const streamed = parseTargetsWorkbook(await readLeanWorkbook(buf, '申报表.xlsx'))
    const whole = parseTargetsWorkbook(await readTable.loadWorkbook(buf, '申报表.xlsx'))
    expect(streamed.problems).toEqual([])
    expect(streamed.projects).toHaveLength(300)
    expect(streamed.projects.reduce((n, p) => n + p.indicators.length, 0)).toBe(3600)
    expect(streamed).toEqual(whole)
    // What was written comes back, Chinese characters intact.
    expect(streamed.projects[299]!.indicators[11]!.name).toBe('三级指标12：受益建档立卡户数')
    expect(streamed.projects[137]!.annualGoal).toBe(projects[137]!.annualGoal)
  })

  it('parses a 申报表 while its 绩效指标 sheet streams: the same result, a percentage as shown, each row let go once read', async () => {
    const projects = manyProjects(300)
    const edited = new ExcelJS.Workbook()
    await edited.xlsx.load((await buildTargetsWorkbook({ ...targetsInput(projects), units: [] })) as unknown as ArrayBuffer)
    // A unit typing 95% into a 指标值 cell: Excel stores 0.95 with a percent format.
    const cell = edited.getWorksheet('绩效指标')!.getCell(`H${FIRST + 40}`)
    cell.value = 0.95
    cell.numFmt = '0%'
    const buf = Buffer.from(await edited.xlsx.writeBuffer())
    const { wb, result } = await parseLeanWorkbook(buf, '申报表.xlsx', { live: '绩效指标', parse: (w) => parseTargetsSteps(w) })
    const whole = parseTargetsWorkbook(await readTable.loadWorkbook(buf, '申报表.xlsx'))
    expect(result!.problems).toEqual([])
    expect(result).toEqual(whole)
    expect(result!.projects.flatMap((p) => p.indicators).find((i) => i.targetValue === '95%')).toBeTruthy()
    // The sheet's data rows were let go as the table reader took them; its header stays.
    const ws = wb.getWorksheet('绩效指标')!
    expect(readTable.cellText(ws.getCell(`F${FIRST + 100}`))).toBe('')
    expect(readTable.cellText(ws.getCell(`F${FIRST - 1}`))).toBe('三级指标')
  })

  it('parses a big 申报表 laid out as no export of ours writes it (sheets reordered and renamed, no title rows, shared strings) as the whole loader does', async () => {
    const ours = new ExcelJS.Workbook()
    // 1,000 projects: over the 512 KB above which a 申报表 is streamed (stage-excel.ts).
    await ours.xlsx.load((await buildTargetsWorkbook({ ...targetsInput(manyProjects(1000)), units: [] })) as unknown as ArrayBuffer)
    // A unit's own copy: values only, the header in row 1, 绩效指标 first and 项目信息 named
    // 项目基本信息, written by Excel's usual writer (shared strings, no styles, no drop-downs).
    const theirs = new ExcelJS.Workbook()
    for (const [from, to] of [['绩效指标', '绩效指标'], ['项目信息', '项目基本信息']] as const) {
      const src = ours.getWorksheet(from)!
      const ws = theirs.addWorksheet(to)
      for (let r = FIRST - 1; r <= src.rowCount; r++) {
        const values = src.getRow(r).values as ExcelJS.CellValue[]
        if (values.some((v) => v !== null && v !== undefined && v !== '')) ws.addRow(values.slice(1))
      }
    }
    const buf = Buffer.from(await theirs.xlsx.writeBuffer())
    expect(buf.length).toBeGreaterThan(512 * 1024)
    const { result } = await parseLeanWorkbook(buf, '单位填报的申报表.xlsx', { live: '绩效指标', parse: (w) => parseTargetsSteps(w) })
    const whole = parseTargetsWorkbook(await readTable.loadWorkbook(buf, '单位填报的申报表.xlsx'))
    expect(result!.problems).toEqual([])
    expect(result!.projects).toHaveLength(1000)
    expect(result!.projects.reduce((n, p) => n + p.indicators.length, 0)).toBe(12000)
    expect(result).toEqual(whole)
  })

  it('reads a 监控表 of 3,600 indicator rows as the whole-workbook loader does', async () => {
    const base = monitoringInput()
    const projects = manyProjects(300).map((p, k) =>
      monitorLine(p, k, { executedFen: k % 3 === 0 ? null : 500_000 * k, forecastFen: p.amountFen }, () => ({ actual: '45', forecast: '90', likelihood: '确定能', causes: k % 9 === 0 ? ['经费保障'] : [], measures: '' })),
    )
    const buf = await buildMonitoringWorkbook({ ...base, projects })
    const streamed = parseMonitoringWorkbook(await readLeanWorkbook(buf, '监控表.xlsx'))
    const whole = parseMonitoringWorkbook(await readTable.loadWorkbook(buf, '监控表.xlsx'))
    expect(streamed.projects).toHaveLength(300)
    expect(streamed).toEqual(whole)
  })

  it('refuses what is not a workbook, in Chinese', async () => {
    await expect(readLeanWorkbook(Buffer.from('PK\u0003\u0004 这不是工作簿'), '坏文件.xlsx')).rejects.toThrow(/坏文件\.xlsx.*不是有效的 Excel 工作簿/)
  })

  it('refuses a sheet that inflates past the limit (counted as it streams), in Chinese', async () => {
    const zip = await JSZip.loadAsync(await buildTargetsWorkbook(targetsInput()))
    const name = Object.keys(zip.files).find((f) => /^xl\/worksheets\/sheet\d+\.xml$/.test(f))!
    // Whitespace between the rows: a parser keeps none of it, so only the count can stop it.
    zip.file(name, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${' '.repeat(WORKBOOK_LIMITS.inflatedBytes)}</sheetData></worksheet>`)
    const bomb = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } })
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024)
    await expect(readLeanWorkbook(bomb, '申报表.xlsx')).rejects.toThrow(/“申报表\.xlsx”解压后超过 160 MB，不像是正常的填报表（可能是“压缩炸弹”），未导入任何数据/)
  })
})

describe('the streamed export', () => {
  it('keeps locked ids, drop-downs, the hidden lists, instructions and the opinions with their tint', async () => {
    const projects = manyProjects(40)
    projects[3]!.opinion = '年度总体目标过于笼统，请细化'
    projects[3]!.indicators[2]!.opinion = '指标值偏低'
    const buf = await buildTargetsWorkbook({ ...targetsInput(projects) })
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(buf as unknown as ArrayBuffer)
    expect(wb.worksheets.map((w) => w.name)).toEqual(['填表说明', '项目信息', '绩效指标', '下拉列表'])
    expect(wb.creator).toBe('预算绩效管理')
    expect(wb.getWorksheet('下拉列表')!.state).toBe('veryHidden')
    expect(String(wb.getWorksheet('填表说明')!.getCell(1, 1).value)).toContain('填表说明')
    const ps = wb.getWorksheet('项目信息')!
    const is = wb.getWorksheet('绩效指标')!
    expect(ps.getCell(FIRST, 1).value).toBe('p-0')
    expect(ps.getCell(FIRST, 1).protection?.locked).not.toBe(false)
    expect(ps.getCell(FIRST, 5).protection?.locked).toBe(false)
    expect(ps.getCell(FIRST, 6).dataValidation).toMatchObject({ type: 'list', errorStyle: 'stop' })
    // The drop-down reaches the spare rows below the data.
    expect(ps.getCell(FIRST + 45, 6).dataValidation).toMatchObject({ type: 'list' })
    expect(protection(ps)?.sheet).toBe(true)
    expect(protection(is)?.sheet).toBe(true)
    expect(is.views[0]).toMatchObject({ state: 'frozen', ySplit: 3, xSplit: 2 })
    // The opinions column, and the rows it concerns tinted.
    expect(String(ps.getCell(3, 10).value)).toContain('审核意见')
    expect(ps.getCell(FIRST + 3, 10).value).toBe('年度总体目标过于笼统，请细化')
    expect((ps.getCell(FIRST + 3, 5).fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFC7CE')
    expect((ps.getCell(FIRST + 2, 5).fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb).not.toBe('FFFFC7CE')
    expect(is.getCell(FIRST + 3 * 12 + 2, 12).value).toBe('指标值偏低')
  })
})

describe('stage import: apply applies the preview’s parse', () => {
  const dirs: string[] = []
  afterEach(() => dirs.splice(0).forEach(cleanup))

  it('parses once for preview and apply with the same bytes, and refuses a token whose file differs or is unknown', async () => {
    const t = await makeSetUpBackend({ now: () => new Date('2024-03-01T09:00:00') })
    dirs.push(t.dataDir)
    const unit = await t.call('units/save', { code: '101001', name: '师宗县教育体育局', parentName: '', divisionId: t.divisions.jkw.id })
    await t.call('projects/save', { budgetYear: 2024, unitId: unit.id, code: 'SEED', name: '已有项目', amountWan: '1', fundSource: '一般公共预算', category: '项目' })
    const round = await t.call('rounds/save', { stage: 'targets', workYear: 2024, title: '2024年度预算绩效目标编审', deadline: null, unitIds: [] })
    const projects = manyProjects(3).map((p) => ({ ...p, id: '', unitCode: '101001', unitName: unit.name, indicators: p.indicators.map((i) => ({ ...i, id: '' })) }))
    const file = (await buildTargetsWorkbook({ ...targetsInput(projects), units: [{ code: '101001', name: unit.name }] })).toString('base64')
    const loads = vi.mocked(readTable.loadWorkbook)
    loads.mockClear()

    const preview = await t.call('stageExcel/preview', { roundId: round.id, fileName: '申报表.xlsx', base64: file })
    expect(preview.problems).toEqual([])
    expect(preview.summary.projectsCreated).toBe(3)
    expect(preview.token).toBeTruthy()
    expect(loads).toHaveBeenCalledTimes(1)

    // Other bytes under the same token: refused, nothing written, the renderer told to preview again.
    const other = (await buildTargetsWorkbook({ ...targetsInput(projects.slice(0, 2)), units: [{ code: '101001', name: unit.name }] })).toString('base64')
    const changed = await t.fail('stageExcel/apply', { roundId: round.id, fileName: '申报表.xlsx', base64: other, token: preview.token })
    expect(changed.message).toMatch(/申报表\.xlsx.*与预览时的文件内容不同.*请重新预览/)
    expect(changed.details).toMatchObject({ repreview: true })
    const unknown = await t.fail('stageExcel/apply', { roundId: round.id, fileName: '申报表.xlsx', base64: file, token: 'no-such-token' })
    expect(unknown.message).toMatch(/预览已过期.*请重新预览/)
    expect((await t.call('projects/list', { budgetYear: 2024 })).rows.map((p) => p.name)).toEqual(['已有项目'])
    expect(loads).toHaveBeenCalledTimes(1)

    // The token with a sha256 that is not the previewed file's, or an unknown token, without the file: refused the same way.
    const wrongHash = await t.fail('stageExcel/apply', { roundId: round.id, fileName: '申报表.xlsx', token: preview.token, sha256: 'a'.repeat(64) })
    expect(wrongHash.message).toMatch(/申报表\.xlsx.*与预览时的文件内容不同.*请重新预览/)
    expect(wrongHash.details).toMatchObject({ repreview: true })
    expect((await t.fail('stageExcel/apply', { roundId: round.id, fileName: '申报表.xlsx', token: 'no-such-token', sha256: preview.sha256 })).message).toMatch(/预览已过期.*请重新预览/)
    expect((await t.fail('stageExcel/apply', { roundId: round.id, fileName: '申报表.xlsx', token: preview.token })).message).toMatch(/请先选择并预览要导入的文件/)
    expect((await t.call('projects/list', { budgetYear: 2024 })).rows.map((p) => p.name)).toEqual(['已有项目'])

    // The token and the previewed file's sha256 name the kept parse: the file is not sent again.
    const summary = await t.call('stageExcel/apply', { roundId: round.id, fileName: '申报表.xlsx', token: preview.token, sha256: preview.sha256 })
    expect(summary.projectsCreated).toBe(3)
    expect(summary.indicatorsCreated).toBe(36)
    // Not parsed again for the apply.
    expect(loads).toHaveBeenCalledTimes(1)
    expect((await t.call('projects/list', { budgetYear: 2024 })).rows.map((p) => p.name).sort()).toEqual(['已有项目', ...projects.map((p) => p.name)].sort())
    // The token is used up: a second apply with it asks for a new preview.
    const again = await t.fail('stageExcel/apply', { roundId: round.id, fileName: '申报表.xlsx', base64: file, token: preview.token })
    expect(again.details).toMatchObject({ repreview: true })
  })
})

describe('the 项目清单 reader', () => {
  it('keeps every Chinese character of a 3,000-row list (chunks of the streamed XML end mid-character)', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('项目明细')
    ws.addRow(['单位代码', '单位名称', '项目代码', '项目名称', '年初预算数'])
    for (let p = 0; p < 3000; p++) ws.addRow([`2000${p % 75}`, `师宗县第${(p % 75) + 1}预算单位`, `5303232500${String(p).padStart(5, '0')}`, `农村人居环境整治提升补助资金项目第${p + 1}号`, 1000 + p])
    const grids = await readGrids(Buffer.from(await wb.xlsx.writeBuffer()), '项目清单.xlsx')
    const names = grids[0]!.rows.slice(1).map((r) => r.cells[3])
    expect(names).toHaveLength(3000)
    expect(names.filter((n, p) => n !== `农村人居环境整治提升补助资金项目第${p + 1}号`)).toEqual([])
  })
})
