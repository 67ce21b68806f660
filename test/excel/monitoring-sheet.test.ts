import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { buildMonitoringWorkbook, normalizeLikelihood, parseCauses, parseMonitoringWorkbook } from '../../electron/excel/monitoring-sheet'
import type { ImportProblem } from '../../shared/domain'
import { FIRST, monitoringInput, open, protection, rowOf, saveAndLoad } from './fixtures'

// Column numbers of the exported layout.
const P = { id: 1, unitCode: 2, unitName: 3, name: 4, budget: 5, executed: 6, rate: 7, forecast: 8, deviation: 9, measures: 10, itemId: 11 }
const I = { projectId: 1, projectName: 2, id: 3, level1: 4, name: 6, value: 8, actual: 10, forecast: 11, likelihood: 12, causes: 13, measures: 14 }

async function parseEdited(edit: (projects: ExcelJS.Worksheet, indicators: ExcelJS.Worksheet, wb: ExcelJS.Workbook) => void) {
  const wb = await open(await buildMonitoringWorkbook(monitoringInput()))
  edit(wb.getWorksheet('项目执行')!, wb.getWorksheet('指标完成')!, wb)
  return parseMonitoringWorkbook(await saveAndLoad(wb))
}

function only(problems: ImportProblem[]): ImportProblem {
  expect(problems).toHaveLength(1)
  return problems[0]!
}

describe('运行监控表: export', () => {
  it('shows the approved targets locked and the month in the headers', async () => {
    const wb = await open(await buildMonitoringWorkbook(monitoringInput()))
    expect(wb.worksheets.map((w) => w.name)).toEqual(['填表说明', '项目执行', '指标完成', '下拉列表'])
    const ps = wb.getWorksheet('项目执行')!
    const is = wb.getWorksheet('指标完成')!
    expect(ps.getRow(3).values).toEqual([
      undefined,
      '项目编号',
      '单位编码',
      '单位名称',
      '项目名称',
      '全年预算数\n（万元）',
      '1-9月执行数\n（万元）',
      '执行率',
      '全年预计执行数\n（万元）',
      '偏差原因说明',
      '纠偏措施',
      '监控编号',
    ])
    expect(ps.getColumn(P.itemId).hidden).toBe(true)
    expect(ps.getCell(FIRST, P.budget).value).toBe(1573)
    expect(ps.getCell(FIRST, P.budget).protection?.locked).not.toBe(false)
    expect(ps.getCell(FIRST, P.executed).value).toBe(1000)
    expect(ps.getCell(FIRST, P.executed).protection?.locked).toBe(false)
    expect(ps.getCell(FIRST, P.rate).value).toMatchObject({ formula: 'IF(AND(ISNUMBER(F4),E4>0),F4/E4,"")' })
    expect(is.getCell(3, I.actual).value).toBe('1-9月完成值')
    expect(is.getCell(FIRST, I.name).value).toBe('受益学生人数')
    expect(is.getCell(FIRST, I.name).protection?.locked).not.toBe(false)
    expect(is.getCell(FIRST, I.actual).protection?.locked).toBe(false)
    expect(is.getCell(FIRST, I.likelihood).dataValidation).toMatchObject({ type: 'list', errorStyle: 'stop' })
    // Several causes joined by 、 must be accepted by Excel, so the list only advises.
    expect(is.getCell(FIRST + 5, I.causes).dataValidation).toMatchObject({ type: 'list', errorStyle: 'information' })
    expect(protection(ps)?.sheet).toBe(true)
    expect(is.views[0]).toMatchObject({ state: 'frozen', ySplit: 3, xSplit: 3 })
  })
})

describe('运行监控表: round trip', () => {
  it('parses an untouched export back to the same data', async () => {
    const input = monitoringInput()
    const parsed = await parseEdited(() => {})
    expect(parsed.problems).toEqual([])
    expect(parsed.projects.map(({ row: _r, ...p }) => p)).toEqual(input.projects.map((p) => ({ ...p, code: '', indicators: p.indicators.map((i) => ({ ...i, weight: null, explanation: '' })) })))
    expect(parsed.projects.map((p) => p.row)).toEqual([4, 5, 6])
  })

  it('reads what a unit filled in', async () => {
    const parsed = await parseEdited((ps, is) => {
      const r2 = rowOf(ps, P.id, 'p-0002')
      ps.getCell(r2, P.executed).value = 8.5
      ps.getCell(r2, P.forecast).value = '15.50'
      ps.getCell(r2, P.deviation).value = '资助资金按学期发放'
      const r3 = rowOf(ps, P.id, 'p-0003')
      ps.getCell(r3, P.executed).value = '150,000.5'
      ps.getCell(r3, P.forecast).value = 280610.08
      ps.getCell(r3, P.measures).value = '加快工程进度'
      const a = rowOf(is, I.id, 'i-0201')
      is.getCell(a, I.actual).value = '1.2'
      is.getCell(a, I.forecast).value = '2'
      is.getCell(a, I.likelihood).value = '有可能'
      is.getCell(a, I.causes).value = '经费保障、人员保障'
      is.getCell(a, I.measures).value = '协调资金'
      const b = rowOf(is, I.id, 'i-0203')
      is.getCell(b, I.likelihood).value = '不可能'
      is.getCell(b, I.causes).value = '硬件，其它; 制度'
      const c = rowOf(is, I.id, 'i-0102')
      is.getCell(c, I.actual).value = 0.97
      is.getCell(c, I.actual).numFmt = '0%'
      is.getCell(c, I.likelihood).value = '能'
    })
    expect(parsed.problems).toEqual([])
    const [p1, p2, p3] = parsed.projects
    expect(p1).toMatchObject({ itemId: 'item-1', projectId: 'p-0001', budgetFen: 1_573_000_000, executedFen: 1_000_000_000, forecastFen: 1_573_000_000 })
    expect(p2).toMatchObject({ itemId: 'item-2', budgetFen: 15_500_000, executedFen: 8_500_000, forecastFen: 15_500_000, deviation: '资助资金按学期发放' })
    expect(p3).toMatchObject({ executedFen: 150_000_500_000, forecastFen: 280_610_080_000, measures: '加快工程进度' })
    expect(p3!.indicators[0]).toMatchObject({ id: 'i-0201', actual: '1.2', forecast: '2', likelihood: '有可能', causes: ['经费保障', '人员保障'], measures: '协调资金' })
    expect(p3!.indicators[2]).toMatchObject({ id: 'i-0203', likelihood: '不可能', causes: ['硬件条件保障', '其他', '制度保障'] })
    expect(p2!.indicators[1]).toMatchObject({ id: 'i-0102', actual: '97%', likelihood: '确定能' })
  })

  it('reads a 元-headed amount column and another month', async () => {
    const parsed = await parseEdited((ps) => {
      ps.getCell(3, P.executed).value = '1-6月执行数（元）'
      ps.getCell(3, P.forecast).value = '全年预计执行数(元)'
      ps.getCell(FIRST, P.executed).value = 10_000_000.5
      ps.getCell(FIRST, P.forecast).value = '15730000'
    })
    expect(parsed.problems).toEqual([])
    expect(parsed.projects[0]).toMatchObject({ executedFen: 1_000_000_050, forecastFen: 1_573_000_000, budgetFen: 1_573_000_000 })
  })
})

describe('运行监控表: malformed workbooks', () => {
  it('an unknown 完成目标可能性', async () => {
    const parsed = await parseEdited((_ps, is) => {
      is.getCell(FIRST + 1, I.likelihood).value = '大概吧'
    })
    expect(only(parsed.problems)).toEqual({ sheet: '指标完成', row: FIRST + 1, column: 'L（完成目标可能性）', message: '完成目标可能性“大概吧”无效，应为确定能、有可能、不可能之一' })
  })

  it('a bad 偏差原因 among good ones', async () => {
    const parsed = await parseEdited((_ps, is) => {
      is.getCell(FIRST + 2, I.causes).value = '经费保障、天气原因、疫情'
    })
    expect(only(parsed.problems)).toEqual({
      sheet: '指标完成',
      row: FIRST + 2,
      column: 'M（偏差原因）',
      message: '偏差原因“天气原因、疫情”无效，应从经费保障、制度保障、人员保障、硬件条件保障、其他中选择，多项用顿号“、”分隔',
    })
  })

  it('a bad amount', async () => {
    const parsed = await parseEdited((ps) => {
      ps.getCell(FIRST + 1, P.executed).value = '12,3x'
    })
    const p = only(parsed.problems)
    expect(p).toMatchObject({ sheet: '项目执行', row: FIRST + 1, column: 'F（执行数）' })
    expect(p.message).toContain('金额“12,3x”不是有效数字')
  })

  it('blank ids on filled rows', async () => {
    const parsed = await parseEdited((ps, is) => {
      ps.getCell(FIRST + 2, P.id).value = null
      is.getCell(FIRST + 3, I.id).value = null
      is.getCell(FIRST + 3, I.actual).value = '5'
    })
    expect(parsed.problems).toEqual([
      { sheet: '项目执行', row: FIRST + 2, column: 'A（项目编号）', message: '项目编号为空，无法对应到监控项目；请勿修改或删除项目编号，本表也不能新增项目' },
      { sheet: '指标完成', row: FIRST + 3, column: 'C（指标编号）', message: '指标编号为空，无法对应到已批复的绩效指标；请勿修改指标编号，本表也不能新增指标' },
      // The indicators of the project whose id was cleared now point at nothing.
      ...[10, 11, 12].map((row) => ({ sheet: '指标完成', row: FIRST + row - 1, column: 'A（项目编号）', message: '项目编号“p-0003”在“项目执行”表中找不到，请勿修改项目编号，也不要删除“项目执行”表中的项目' })),
    ])
  })

  it('a missing column and a duplicate row', async () => {
    const parsed = await parseEdited((ps, is) => {
      is.getCell(3, I.likelihood).value = '备注'
      const r = FIRST + 3
      for (let c = 1; c <= 11; c++) ps.getCell(r, c).value = ps.getCell(FIRST, c).value
    })
    expect(parsed.problems).toEqual([
      { sheet: '项目执行', row: FIRST + 3, column: 'A（项目编号）', message: '项目编号“p-0001”与第 4 行重复，请删除重复的行' },
      { sheet: '指标完成', row: 3, column: '完成目标可能性', message: '表头缺少“完成目标可能性”列，请按模板填写表头' },
    ])
  })
})

describe('运行监控表: normalising what units type', () => {
  it.each([
    ['确定能', '确定能'],
    ['能', '确定能'],
    ['确定', '确定能'],
    ['1', '确定能'],
    ['1 确定能', '确定能'],
    ['可能', '有可能'],
    ['2.有可能', '有可能'],
    ['不能', '不可能'],
    ['完全不可能', '不可能'],
    ['大概', null],
  ])('完成目标可能性 “%s” → %s', (text, expected) => {
    expect(normalizeLikelihood(text)).toBe(expected)
  })

  it('splits causes on 、,，;； and names the unknown ones', () => {
    expect(parseCauses('经费保障,制度保障；人员；硬件条件保障、其他')).toEqual({ causes: ['经费保障', '制度保障', '人员保障', '硬件条件保障', '其他'], bad: [] })
    expect(parseCauses('经费保障偏差原因，经费')).toEqual({ causes: ['经费保障'], bad: [] })
    expect(parseCauses('天气;经费')).toEqual({ causes: ['经费保障'], bad: ['天气'] })
    expect(parseCauses('  ')).toEqual({ causes: [], bad: [] })
  })
})
