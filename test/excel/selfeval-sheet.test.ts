import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { loadWorkbook } from '../../electron/excel/read-table'
import { buildSelfEvalWorkbook, parseSelfEvalWorkbook, selfEvalSheetNames } from '../../electron/excel/selfeval-sheet'
import type { SelfEvalWorkbookInput, SheetSelfEvalProject } from '../../electron/excel/stage-types'
import type { ImportProblem } from '../../shared/domain'
import { open, protection, rowOf, sampleProjects, saveAndLoad } from './fixtures'

/** The three sample projects as a 2023 自评 round: budgets pre-filled, the first one already filled in. */
function selfEvalInput(): SelfEvalWorkbookInput {
  const projects: SheetSelfEvalProject[] = sampleProjects().map((p, n) => ({
    itemId: `se-${n + 1}`,
    projectId: p.id,
    unitCode: p.unitCode,
    unitName: p.unitName,
    code: p.code,
    name: p.name,
    funds:
      n === 0
        ? [
            { source: '当年财政资金', initialFen: 1_500_000_000, budgetFen: 1_573_000_000, executedFen: 1_500_000_000 },
            { source: '上年结转资金', initialFen: 0, budgetFen: 20_000_000, executedFen: 20_000_000 },
            { source: '其他资金', initialFen: 0, budgetFen: 0, executedFen: 0 },
          ]
        : [],
    executionNote: '',
    indicators: p.indicators.map((i, k) => ({
      id: i.id,
      level1: i.level1,
      level2: i.level2,
      name: i.name,
      operator: i.operator,
      targetValue: i.targetValue,
      unit: i.unit,
      weight: i.weight ?? 10,
      actual: n === 0 ? ['21350', '0', '100%', '5', '达成年度指标', '96'][k]! : '',
      score: n === 0 && k === 0 ? 20 : null,
      reason: '',
    })),
    conclusion: n === 0 ? '项目资金使用规范，绩效目标全部完成。' : '',
    problems: '',
    improvements: '',
  }))
  return { title: '师宗县2023年度项目支出绩效自评表', budgetYear: 2023, deadline: '2024-03-31', projects }
}

// Rows and columns of the exported layout (same for every project sheet).
const F = { first: 7, other: 9, total: 10, initial: 2, budget: 3, executed: 4, rate: 6, weight: 7, score: 8, note: 9 }
const I = { first: 13, level1: 1, name: 3, operator: 4, target: 5, actual: 7, weight: 8, score: 9, reason: 10, id: 11 }
const SHEETS = ['农村义务教育学生营养改善计划', '学前教育幼儿资助', '高标准农田建设']

async function parseEdited(edit: (sheets: ExcelJS.Worksheet[], wb: ExcelJS.Workbook) => void, input = selfEvalInput()) {
  const wb = await open(await buildSelfEvalWorkbook(input))
  edit(
    SHEETS.map((n) => wb.getWorksheet(n)!),
    wb,
  )
  return parseSelfEvalWorkbook(await saveAndLoad(wb))
}

/** What a unit types into the second project's sheet (学前教育幼儿资助, budget 15.5万元). */
function fillSecond(ws: ExcelJS.Worksheet): void {
  ws.getCell(F.first, F.initial).value = 15.5
  ws.getCell(F.first, F.budget).value = 15.5
  ws.getCell(F.first, F.executed).value = 15.2
  ws.getCell(I.first, I.actual).value = '1260'
  ws.getCell(I.first + 1, I.actual).value = '97%'
  ws.getCell(I.first + 1, I.reason).value = '部分家庭外出务工，幼儿随迁'
  ws.getCell(I.first + 2, I.actual).value = '95'
  ws.getCell(I.first + 2, I.score).value = 10
  ws.getCell(rowOf(ws, 1, '评价结论\n（限200字）'), 3).value = '资助资金足额发放，目标基本完成。'
  ws.getCell(rowOf(ws, 1, '存在问题\n（限200字）'), 3).value = '个别幼儿入园率未达标。'
  ws.getCell(rowOf(ws, 1, '改进措施\n（限200字）'), 3).value = '加强与乡镇的协作。'
}

function only(problems: ImportProblem[]): ImportProblem {
  expect(problems).toHaveLength(1)
  return problems[0]!
}

describe('自评表: export', () => {
  it('has the instructions, one sheet per project in the county layout and hidden lists', async () => {
    const wb = await open(await buildSelfEvalWorkbook(selfEvalInput()))
    expect(wb.worksheets.map((w) => w.name)).toEqual(['填表说明', ...SHEETS, '下拉列表'])
    expect(wb.getWorksheet('下拉列表')!.state).toBe('veryHidden')
    const help = wb.getWorksheet('填表说明')!.getColumn(1).values.join('\n')
    expect(help).toContain('2024年3月31日')
    expect(help).toContain('得分 = 执行率 × 10，最高 10 分')
    expect(help).toContain('完成值达到指标值 2 倍及以上的得 0 分')
    expect(help).toContain('“部分达成年度指标并具有一定效果”得分为分值的60%')
    expect(help).toContain('低于90%的，必须在“原因说明”中说明原因')

    const ws = wb.getWorksheet(SHEETS[0]!)!
    expect(ws.getCell('A1').value).toBe('师宗县2023年度项目支出绩效自评表')
    expect(ws.getCell('B3').value).toBe('53032324000000000001-农村义务教育学生营养改善计划')
    expect(ws.getCell('B4').value).toBe('师宗县教育体育局')
    // The ids sit in hidden, locked cells of column K.
    expect(ws.getColumn(11).hidden).toBe(true)
    expect([ws.getCell('K1').value, ws.getCell('K2').value, ws.getCell('K3').value, ws.getCell('K4').value]).toEqual(['自评编号', 'se-1', '项目编号', 'p-0001'])
    expect(ws.getCell('K2').protection?.locked).not.toBe(false)
    expect(protection(ws)?.sheet).toBe(true)

    // 预算执行情况: rows per source, 合计 as SUM, 执行率 and 得分 as formulas with cached values.
    expect([7, 8, 9, 10].map((r) => ws.getCell(r, 1).value)).toEqual(['当年财政资金', '上年结转资金', '其他资金', '合计'])
    expect(ws.getCell(F.first, F.budget).value).toBe(1573)
    expect(ws.getCell(F.first, F.executed).protection?.locked).toBe(false)
    expect(ws.getCell(F.total, F.budget).value).toEqual({ formula: 'SUM(C7:C9)', result: 1593 })
    expect(ws.getCell(F.total, F.rate).value).toMatchObject({ formula: 'IF(AND(N(C10)>0,ISNUMBER(D10)),D10/C10,"")', result: 1520 / 1593 })
    expect(ws.getCell(F.first, F.score).value).toMatchObject({ formula: 'IF(N(C10)>0,ROUND(MIN(1,N(D10)/C10)*G7,2),"")', result: 9.54 })
    expect(ws.getCell(F.first, F.weight).value).toBe(10)
    expect(ws.getCell(F.total, F.rate).protection?.locked).not.toBe(false)
    expect(ws.getCell(F.first, F.note).protection?.locked).toBe(false)

    // 绩效指标: the approved targets locked, 完成值/得分/原因 open, 定性 with the level drop-down.
    expect(ws.getCell(I.first - 2, 1).value).toBe('二、绩效指标（90分）')
    expect(ws.getRow(I.first - 1).values).toEqual([undefined, '一级指标', '二级指标', '三级指标', '指标\n性质', '指标值', '度量\n单位', '完成值', '分值', '得分', '未完成原因分析', '指标编号'])
    expect(ws.getCell(I.first, I.name).value).toBe('受益学生人数')
    expect(ws.getCell(I.first, I.name).protection?.locked).not.toBe(false)
    expect(ws.getCell(I.first, I.weight).protection?.locked).not.toBe(false)
    expect(ws.getCell(I.first, I.actual).protection?.locked).toBe(false)
    expect(ws.getCell(I.first, I.actual).numFmt).toBe('@')
    expect(ws.getCell(I.first, I.score).value).toBe(20)
    expect(ws.getCell(I.first, I.score).dataValidation).toMatchObject({ type: 'decimal', formulae: [0, 20] })
    const qualitative = rowOf(ws, I.name, '学生营养健康状况')
    expect(ws.getCell(qualitative, I.actual).dataValidation).toMatchObject({ type: 'list', formulae: ["'下拉列表'!$A$2:$A$5"] })
    expect(wb.getWorksheet('下拉列表')!.getColumn(1).values.slice(2)).toEqual(['达成年度指标', '部分达成年度指标并具有一定效果', '未达成年度指标且效果较差', '不适用'])
    // 一级指标 appears once per group, as on the printed form.
    expect(ws.getCell(I.first + 3, I.level1).isMerged).toBe(true)
    expect(ws.getCell(I.first + 3, I.level1).master.address).toBe(`A${I.first}`)
    expect(ws.getCell(rowOf(ws, 1, '评价结论\n（限200字）'), 3).value).toBe('项目资金使用规范，绩效目标全部完成。')
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 })
  })

  it('names sheets uniquely within Excel’s limits', () => {
    const long = '一二三四五六七八九十'.repeat(4)
    expect(selfEvalSheetNames([
      { name: '道路[改造]:一期/二期*?', code: '' },
      { name: long, code: '' },
      { name: long + '续', code: '' },
      { name: '填表说明', code: '' },
      { name: '  ', code: 'X01' },
      { name: '', code: '' },
    ])).toEqual(['道路改造一期二期', long.slice(0, 24), long.slice(0, 24) + '(2)', '填表说明(2)', 'X01', '项目6'])
  })
})

describe('自评表: round trip', () => {
  it('parses an export back to the same data', async () => {
    const input = selfEvalInput()
    const parsed = await parseEdited(() => {})
    // The untouched second and third projects have blank 完成值; only the first is complete.
    expect(parsed.problems.every((p) => p.sheet !== SHEETS[0])).toBe(true)
    expect(parsed.projects.map((p) => p.sheet)).toEqual([SHEETS[0]])
    const { sheet: _s, ...first } = parsed.projects[0]!
    expect(first).toEqual(input.projects[0])
  })

  it('reads back what a unit filled in', async () => {
    const input = selfEvalInput()
    const parsed = await parseEdited(([, second, third]) => {
      fillSecond(second!)
      // The third in 元 (the unit retyped the headers), text amounts, 执行率 typed over the formula, and
      // an indicator that does not apply.
      third!.getCell(6, F.budget).value = '全年预算数（元）'
      third!.getCell(6, F.executed).value = '全年执行数（元）'
      third!.getCell(6, F.initial).value = '年初预算数（元）'
      third!.getCell(F.first, F.initial).value = '2,806,100,800.00'
      third!.getCell(F.first, F.budget).value = 2_806_100_800
      third!.getCell(F.first, F.executed).value = '2,650,000,000'
      third!.getCell(F.first, F.rate).value = '94.44%'
      third!.getCell(F.total, F.executed).value = 2_650_000_000
      third!.getCell(I.first, I.actual).value = 2.1
      third!.getCell(I.first + 1, I.actual).value = '无'
      third!.getCell(I.first + 2, I.actual).value = '92%'
    })
    expect(parsed.problems.filter((p) => p.sheet !== SHEETS[0])).toEqual([])
    const [, p2, p3] = parsed.projects
    const expected2 = input.projects[1]!
    expect(p2).toEqual({
      ...expected2,
      sheet: SHEETS[1],
      funds: [{ source: '当年财政资金', initialFen: 15_500_000, budgetFen: 15_500_000, executedFen: 15_200_000 }],
      indicators: [
        { ...expected2.indicators[0]!, actual: '1260' },
        { ...expected2.indicators[1]!, actual: '97%', reason: '部分家庭外出务工，幼儿随迁' },
        { ...expected2.indicators[2]!, actual: '95', score: 10 },
      ],
      conclusion: '资助资金足额发放，目标基本完成。',
      problems: '个别幼儿入园率未达标。',
      improvements: '加强与乡镇的协作。',
    })
    expect(p3!.funds).toEqual([{ source: '当年财政资金', initialFen: 280_610_080_000, budgetFen: 280_610_080_000, executedFen: 265_000_000_000 }])
    expect(p3!.indicators.map((i) => i.actual)).toEqual(['2.1', '不适用', '92%'])
  })

  it('keeps a 总分 the unit typed (the form leaves it to the bureau) as the unit’s own; none typed, none kept', async () => {
    const parsed = await parseEdited(([, second]) => {
      fillSecond(second!)
      second!.getCell(rowOf(second!, 1, '总分'), I.score).value = 88.5
    })
    expect(parsed.problems.filter((p) => p.sheet === SHEETS[1])).toEqual([])
    const [p1, p2] = parsed.projects
    expect(p2!.typedTotalScore).toBe(88.5)
    expect(p1!.typedTotalScore).toBeUndefined()
  })

  it('finds a project sheet by its 项目名称 row when the ids were removed', async () => {
    const parsed = await parseEdited(([first]) => {
      for (let r = 1; r <= 6; r++) first!.getCell(r, 11).value = null
    })
    const p = parsed.projects.find((x) => x.sheet === SHEETS[0])!
    expect(p).toMatchObject({ itemId: '', projectId: '', code: '53032324000000000001', name: '农村义务教育学生营养改善计划', unitCode: '101001' })
    expect(p.indicators).toHaveLength(6)
  })

  it('reads a sheet whose merged cells were unmerged and a 定性 level typed in short', async () => {
    const parsed = await parseEdited(([first]) => {
      first!.unMergeCells(`A${I.first}:A${I.first + 3}`)
      first!.getCell(rowOf(first!, I.name, '学生营养健康状况'), I.actual).value = '部分达成'
      first!.getCell(rowOf(first!, I.name, '学生营养健康状况'), I.reason).value = '监测数据尚不完整'
    })
    const p = parsed.projects.find((x) => x.sheet === SHEETS[0])!
    expect(p.indicators.map((i) => i.level1)).toEqual(['产出指标', '产出指标', '产出指标', '产出指标', '效益指标', '满意度指标'])
    expect(p.indicators[4]).toMatchObject({ actual: '部分达成', reason: '监测数据尚不完整' })
  })
})

describe('自评表: malformed workbooks', () => {
  /** Problems of the second project's sheet after a unit fills it correctly and then `edit`s it. */
  async function secondSheetProblems(edit: (ws: ExcelJS.Worksheet) => void) {
    const parsed = await parseEdited(([, second]) => {
      fillSecond(second!)
      edit(second!)
    })
    expect(parsed.projects.map((p) => p.sheet)).not.toContain(SHEETS[1])
    return parsed.problems.filter((p) => p.sheet === SHEETS[1])
  }

  it('a blank 完成值', async () => {
    const problems = await secondSheetProblems((ws) => {
      ws.getCell(I.first + 1, I.actual).value = null
    })
    expect(only(problems)).toEqual({ sheet: SHEETS[1], row: I.first + 1, column: 'G（完成值）', message: '指标“困难家庭幼儿入园率”未填写完成值；确实不适用的请填“不适用”' })
  })

  it('a 合计 typed as a value that is not the sum of its parts', async () => {
    const problems = await secondSheetProblems((ws) => {
      ws.getCell(F.first + 1, F.budget).value = 2
      ws.getCell(F.first + 1, F.executed).value = 2
      ws.getCell(F.total, F.budget).value = 17.5
      ws.getCell(F.total, F.executed).value = 17
    })
    expect(only(problems)).toEqual({
      sheet: SHEETS[1],
      row: F.total,
      column: 'D（全年执行数）',
      message: '合计行的全年执行数17.00不等于各资金来源之和17.20，请按资金来源分行填写，合计行恢复求和公式或改为各行之和',
    })
  })

  it('a 合计 labelled “年度资金总额:” (trailing colon) is still the total: a 0 beside parts of 15.5 is refused, not added', async () => {
    const problems = await secondSheetProblems((ws) => {
      ws.getCell(F.total, 1).value = '年度资金总额:'
      ws.getCell(F.total, F.budget).value = 0
    })
    expect(only(problems)).toEqual({
      sheet: SHEETS[1],
      row: F.total,
      column: 'C（全年预算数）',
      message: '合计行的全年预算数0.00不等于各资金来源之和15.50，请按资金来源分行填写，合计行恢复求和公式或改为各行之和',
    })
  })

  it('accepts a typed 执行率 that matches, however it is written', async () => {
    // 15.2 / 15.5 = 98.0645…%; "98%" stands for 97.5–98.5%.
    const cases: [ExcelJS.CellValue, string | undefined][] = [['98.06%', undefined], ['98.0645%', undefined], [0.9806, '0.00%'], ['0.9806', undefined], [98.06, '0.00'], ['98%', undefined], [' 98.06 ％', undefined]]
    for (const [typed, numFmt] of cases) {
      const parsed = await parseEdited(([, second]) => {
        fillSecond(second!)
        second!.getCell(F.first, F.rate).value = typed
        second!.getCell(F.total, F.rate).value = typed
        if (numFmt) for (const r of [F.first, F.total]) second!.getCell(r, F.rate).numFmt = numFmt
      })
      expect(parsed.problems.filter((p) => p.sheet === SHEETS[1]), String(typed)).toEqual([])
    }
  })

  it('an 执行率 that does not match its amounts', async () => {
    const problems = await secondSheetProblems((ws) => {
      ws.getCell(F.first, F.rate).value = '98.10%'
      ws.getCell(F.total, F.rate).value = 0.95
      ws.getCell(F.total, F.rate).numFmt = '0%'
    })
    expect(problems).toEqual([
      { sheet: SHEETS[1], row: F.first, column: 'F（执行率）', message: '“当年财政资金”的执行率98.10%与全年执行数÷全年预算数（98.06%）不符，请恢复执行率公式或改正金额' },
      { sheet: SHEETS[1], row: F.total, column: 'F（执行率）', message: '“合计”的执行率95%与全年执行数÷全年预算数（98.06%）不符，请恢复执行率公式或改正金额' },
    ])
  })

  it('a bad amount', async () => {
    const problems = await secondSheetProblems((ws) => {
      ws.getCell(F.first, F.executed).value = '12,3x'
    })
    const p = only(problems)
    expect(p).toMatchObject({ sheet: SHEETS[1], row: F.first, column: 'D（全年执行数）' })
    expect(p.message).toContain('金额“12,3x”不是有效数字')
  })

  it('an 得分 above the 分值, negative, or not a number', async () => {
    const problems = await secondSheetProblems((ws) => {
      ws.getCell(I.first, I.score).value = 55
      ws.getCell(I.first + 1, I.score).value = -1
      ws.getCell(I.first + 2, I.score).value = '满分'
    })
    expect(problems).toEqual([
      { sheet: SHEETS[1], row: I.first, column: 'I（得分）', message: '指标“资助幼儿人数”的得分55超过该指标的分值50' },
      { sheet: SHEETS[1], row: I.first + 1, column: 'I（得分）', message: '指标“困难家庭幼儿入园率”的得分-1为负数，得分应在0至30分之间' },
      { sheet: SHEETS[1], row: I.first + 2, column: 'I（得分）', message: '指标“受助家庭满意度”的得分“满分”不是数字；不填则由系统按规则计算' },
    ])
  })

  it('a typed 总分 that is not a number, or above 100', async () => {
    let row = 0
    const problems = await secondSheetProblems((ws) => {
      row = rowOf(ws, 1, '总分')
      ws.getCell(row, I.score).value = '九十'
    })
    expect(only(problems)).toEqual({ sheet: SHEETS[1], row, column: 'I（总分）', message: '总分“九十”不是数字；总分可以不填，由财政局系统计算' })
    const over = await secondSheetProblems((ws) => {
      ws.getCell(rowOf(ws, 1, '总分'), I.score).value = 105
    })
    expect(only(over).message).toBe('总分105超出0至100分')
  })

  it('a missing 原因说明 where 执行率 < 90%', async () => {
    const problems = await secondSheetProblems((ws) => {
      ws.getCell(F.first, F.executed).value = 12
    })
    expect(only(problems)).toEqual({ sheet: SHEETS[1], row: F.first, column: 'I（原因说明）', message: '预算执行率为77.42%，低于90%，请在“原因说明”中说明原因（限100字）' })
  })

  it('a missing 未完成原因分析 where an indicator falls short, by rule or by the unit’s own score', async () => {
    const problems = await secondSheetProblems((ws) => {
      ws.getCell(I.first + 1, I.reason).value = null
      ws.getCell(I.first + 2, I.score).value = 8
    })
    expect(problems).toEqual([
      { sheet: SHEETS[1], row: I.first + 1, column: 'J（未完成原因分析）', message: '指标“困难家庭幼儿入园率”未达到指标值（指标值≥98%，完成值97%），请填写未完成原因分析' },
      { sheet: SHEETS[1], row: I.first + 2, column: 'J（未完成原因分析）', message: '指标“受助家庭满意度”未达到指标值（指标值≥90%，完成值95%），请填写未完成原因分析' },
    ])
  })

  it('a 完成值 that cannot be scored by rule when no 得分 is given', async () => {
    const problems = await secondSheetProblems((ws) => {
      ws.getCell(I.first, I.actual).value = '约一千二百'
    })
    expect(only(problems)).toEqual({
      sheet: SHEETS[1],
      row: I.first,
      column: 'G（完成值）',
      message: '指标“资助幼儿人数”的完成值“约一千二百”不是数字，无法按规则计分；请只填数字（单位为“人”），或自行填写得分',
    })
  })

  it('a copied sheet and a workbook with no 自评表', async () => {
    const parsed = await parseEdited((_s, wb) => {
      const copy = wb.addWorksheet('副本')
      copy.getCell('K1').value = '自评编号'
      copy.getCell('K2').value = 'se-1'
    })
    expect(parsed.problems).toContainEqual({ sheet: '副本', row: 2, column: '', message: '工作表“副本”与“农村义务教育学生营养改善计划”是同一个项目（编号相同），可能是复制的工作表，请删除多余的一张' })
    const empty = new ExcelJS.Workbook()
    empty.addWorksheet('Sheet1').getCell('A1').value = '随便什么'
    expect(parseSelfEvalWorkbook(empty)).toEqual({ projects: [], problems: [{ sheet: '', row: 0, column: '', message: '工作簿中找不到项目自评表，请使用财政局下发的自评表模板填写（每个项目一张工作表，不要改动表头）' }] })
  })
})

describe('自评表: a county-sized workbook', () => {
  it('builds and parses 139 project sheets', async () => {
    const base = selfEvalInput().projects[0]!
    const projects: SheetSelfEvalProject[] = Array.from({ length: 139 }, (_, n) => ({
      ...base,
      itemId: `se-${n}`,
      projectId: `p-${n}`,
      name: `项目${n + 1}：乡村振兴产业发展补助资金`,
      code: `5303232400000${String(n).padStart(7, '0')}`,
      indicators: Array.from({ length: 11 }, (_, k) => ({ ...base.indicators[k % 6]!, id: `i-${n}-${k}`, name: `三级指标${k + 1}`, weight: k < 10 ? 8 : 10, score: null })),
    }))
    let t = performance.now()
    const buf = await buildSelfEvalWorkbook({ ...selfEvalInput(), projects })
    const build = performance.now() - t
    t = performance.now()
    const parsed = parseSelfEvalWorkbook(await loadWorkbook(buf, '自评表.xlsx'))
    const parse = performance.now() - t
    expect(parsed.problems).toEqual([])
    expect(parsed.projects).toHaveLength(139)
    expect(parsed.projects[138]!.indicators).toHaveLength(11)
    console.log(`自评表: 139 sheets, ${139 * 11} indicator rows: build ${build.toFixed(0)} ms, load+parse ${parse.toFixed(0)} ms, ${Math.round(buf.length / 1024)} KB`)
  })
})
