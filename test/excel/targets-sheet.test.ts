import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { buildTargetsWorkbook, parseTargetsWorkbook } from '../../electron/excel/targets-sheet'
import type { SheetProject } from '../../electron/excel/stage-types'
import type { ImportProblem } from '../../shared/domain'
import { FIRST, UNITS, firstEmptyRow, open, protection, rowOf, sampleProjects, saveAndLoad, setRow, targetsInput } from './fixtures'

// Column numbers of the exported layout.
const P = { id: 1, unitCode: 2, unitName: 3, code: 4, name: 5, fundSource: 6, category: 7, amount: 8, goal: 9 }
const I = { projectId: 1, projectName: 2, id: 3, level1: 4, level2: 5, name: 6, operator: 7, value: 8, unit: 9, weight: 10, explanation: 11 }

async function exported(projects?: SheetProject[]) {
  return open(await buildTargetsWorkbook(targetsInput(projects)))
}

async function parseEdited(edit: (projects: ExcelJS.Worksheet, indicators: ExcelJS.Worksheet, wb: ExcelJS.Workbook) => void) {
  const wb = await exported()
  edit(wb.getWorksheet('项目信息')!, wb.getWorksheet('绩效指标')!, wb)
  return parseTargetsWorkbook(await saveAndLoad(wb))
}

const strip = (p: { row: number; indicatorRows: number[] } & SheetProject): SheetProject => {
  const { row: _r, indicatorRows: _i, ...rest } = p
  return rest
}

describe('绩效目标申报表: export', () => {
  it('has the instructions, both tables, and hidden drop-down lists', async () => {
    const wb = await exported()
    expect(wb.worksheets.map((w) => w.name)).toEqual(['填表说明', '项目信息', '绩效指标', '下拉列表'])
    expect(wb.getWorksheet('下拉列表')!.state).toBe('veryHidden')
    const help = wb.getWorksheet('填表说明')!
    const text = help.getColumn(1).values.join('\n')
    expect(text).toContain('2024年3月15日')
    expect(text).toContain('项目编号、指标编号')
    expect(text).toContain('定性')
    expect(text).toContain('产出指标：数量指标、质量指标、时效指标、成本指标')
  })

  it('locks headers and ids, leaves data cells editable, freezes the header', async () => {
    const wb = await exported()
    const ps = wb.getWorksheet('项目信息')!
    const is = wb.getWorksheet('绩效指标')!
    expect(protection(ps)?.sheet).toBe(true)
    expect(protection(ps)?.hashValue).toBeUndefined() // no password
    expect(protection(is)).toMatchObject({ sheet: true, insertRows: true, deleteRows: true })
    expect(ps.getCell(3, P.name).value).toBe('项目名称')
    expect(ps.getCell(3, P.amount).value).toBe('项目金额\n（万元）')
    // Locked is Excel's default: exceljs writes no <protection> for it and reads back undefined.
    expect(ps.getCell(3, P.name).protection?.locked).not.toBe(false)
    expect(ps.getCell(FIRST, P.id).value).toBe('p-0001')
    expect(ps.getCell(FIRST, P.id).protection?.locked).not.toBe(false)
    expect(ps.getCell(FIRST, P.name).protection?.locked).toBe(false)
    expect(ps.getCell(FIRST, P.amount).value).toBe(1573)
    expect(ps.getCell(FIRST + 2, P.amount).value).toBe(280610.08)
    expect(is.getCell(FIRST, I.id).protection?.locked).not.toBe(false)
    expect(is.getCell(FIRST, I.value).protection?.locked).toBe(false)
    expect(is.getCell(FIRST, I.value).numFmt).toBe('@')
    // A spare row takes pasted ids; 20 of them are formatted.
    const spare = FIRST + 12
    expect(is.getCell(spare, I.id).protection?.locked).toBe(false)
    expect(is.getCell(spare + 19, I.name).border?.top).toBeTruthy()
    expect(ps.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 })
    expect(is.views[0]).toMatchObject({ state: 'frozen', ySplit: 3, xSplit: 2 })
    expect(is.getCell(FIRST, I.operator).dataValidation).toMatchObject({ type: 'list', formulae: ["'下拉列表'!$E$2:$E$5"] })
    expect(is.getCell(spare + 25, I.level2).dataValidation).toMatchObject({ type: 'list', formulae: ["'下拉列表'!$D$2:$D$10"] })
    expect(ps.getCell(FIRST, P.fundSource).dataValidation?.formulae).toEqual(["'下拉列表'!$A$2:$A$5"])
  })
})

describe('绩效目标申报表: round trip', () => {
  it('parses an untouched export back to the same projects and indicators', async () => {
    const parsed = parseTargetsWorkbook(await saveAndLoad(await exported()))
    expect(parsed.problems).toEqual([])
    expect(parsed.projects.map(strip)).toEqual(sampleProjects())
    expect(parsed.projects[0]!.row).toBe(FIRST)
    expect(parsed.projects[0]!.indicatorRows).toEqual([4, 5, 6, 7, 8, 9])
  })

  it('reads a unit’s edits, additions and deletions', async () => {
    const parsed = await parseEdited((ps, is) => {
      ps.getCell(rowOf(ps, P.id, 'p-0002'), P.amount).value = 16.25
      ps.getCell(rowOf(ps, P.id, 'p-0002'), P.goal).value = '资助家庭经济困难幼儿1200人。'
      const np = firstEmptyRow(ps, 9)
      setRow(ps, np, [null, '102003', '师宗县农业农村局', '', '农村人居环境整治', '一般公共预算', '', '320.5', '完成50个村庄人居环境整治。'])
      is.getCell(rowOf(is, I.id, 'i-0002'), I.value).value = '1'
      // Deleting an indicator: clear everything but the locked ids.
      const gone = rowOf(is, I.id, 'i-0102')
      for (let c = I.level1; c <= I.explanation; c++) is.getCell(gone, c).value = null
      let r = firstEmptyRow(is, 11)
      setRow(is, r++, [null, '农村人居环境整治', null, '产出', '数量', '整治村庄数', '≥', '50', '个', 60, ''])
      setRow(is, r++, [null, '农村人居环境整治', null, '满意度指标', '满意度', '村民满意度', '>=', '90', '%', 30, ''])
      setRow(is, r++, [null, '学前教育幼儿资助', null, '产出指标', '时效指标', '资金发放及时率', '=', '100%', '', 10, ''])
    })
    expect(parsed.problems).toEqual([])
    const expected = sampleProjects()
    expected[0]!.indicators[1]!.targetValue = '1'
    expected[1]!.amountFen = 16_250_000
    expected[1]!.annualGoal = '资助家庭经济困难幼儿1200人。'
    expected[1]!.indicators = [
      expected[1]!.indicators[0]!,
      expected[1]!.indicators[2]!,
      { id: '', level1: '产出指标', level2: '时效指标', name: '资金发放及时率', operator: '=', targetValue: '100%', unit: '', weight: 10, explanation: '' },
    ]
    expected.push({
      id: '',
      unitCode: '102003',
      unitName: '师宗县农业农村局',
      code: '',
      name: '农村人居环境整治',
      fundSource: '一般公共预算',
      category: '项目',
      amountFen: 320_500_000,
      annualGoal: '完成50个村庄人居环境整治。',
      indicators: [
        { id: '', level1: '产出指标', level2: '数量指标', name: '整治村庄数', operator: '≥', targetValue: '50', unit: '个', weight: 60, explanation: '' },
        { id: '', level1: '满意度指标', level2: '服务对象满意度指标', name: '村民满意度', operator: '≥', targetValue: '90', unit: '%', weight: 30, explanation: '' },
      ],
    })
    expect(parsed.projects.map(strip)).toEqual(expected)
  })

  it('treats a copied-and-inserted indicator row as a new indicator of the same project', async () => {
    const parsed = await parseEdited((_ps, is) => {
      const src = rowOf(is, I.id, 'i-0201')
      const r = firstEmptyRow(is, 11)
      for (let c = 1; c <= 11; c++) is.getCell(r, c).value = is.getCell(src, c).value
      is.getCell(r, I.name).value = '新建灌溉渠道长度'
      is.getCell(r, I.unit).value = '公里'
    })
    expect(parsed.problems).toEqual([])
    const p3 = parsed.projects.find((p) => p.id === 'p-0003')!
    expect(p3.indicators.map((i) => [i.id, i.name])).toEqual([
      ['i-0201', '新建高标准农田面积'],
      ['i-0202', '亩均增产'],
      ['i-0203', '农户满意度'],
      ['', '新建灌溉渠道长度'],
    ])
  })

  it('moves a copied row to the project its name names', async () => {
    const parsed = await parseEdited((_ps, is) => {
      const src = rowOf(is, I.id, 'i-0203')
      const r = firstEmptyRow(is, 11)
      for (let c = 1; c <= 11; c++) is.getCell(r, c).value = is.getCell(src, c).value
      is.getCell(r, I.projectName).value = '学前教育幼儿资助'
      is.getCell(r, I.name).value = '幼儿家长满意度'
    })
    expect(parsed.problems).toEqual([])
    expect(parsed.projects.find((p) => p.id === 'p-0003')!.indicators).toHaveLength(3)
    expect(parsed.projects.find((p) => p.id === 'p-0002')!.indicators.at(-1)).toMatchObject({ id: '', name: '幼儿家长满意度', level2: '服务对象满意度指标' })
  })

  it('fills in the unit of a new project in a one-unit workbook', async () => {
    const one = sampleProjects().slice(0, 2)
    const wb = await open(await buildTargetsWorkbook({ ...targetsInput(one), units: [UNITS[0]!] }))
    const ps = wb.getWorksheet('项目信息')!
    setRow(ps, firstEmptyRow(ps, 9), [null, null, null, null, '校园安全设施改造', '一般公共预算', '项目', 80, ''])
    const parsed = parseTargetsWorkbook(await saveAndLoad(wb))
    expect(parsed.problems).toEqual([])
    expect(parsed.projects[2]).toMatchObject({ id: '', unitCode: '101001', unitName: '师宗县教育体育局', name: '校园安全设施改造', amountFen: 80_000_000 })
  })
})

/** The one problem a malformed workbook must give. */
function only(problems: ImportProblem[]): ImportProblem {
  expect(problems).toHaveLength(1)
  return problems[0]!
}

describe('绩效目标申报表: malformed workbooks', () => {
  it('a missing required column', async () => {
    const parsed = await parseEdited((_ps, is) => {
      is.getCell(3, I.operator).value = null
    })
    expect(only(parsed.problems)).toEqual({ sheet: '绩效指标', row: 3, column: '指标性质', message: '表头缺少“指标性质”列，请按模板填写表头' })
  })

  it('a bad amount “12,3x”', async () => {
    const parsed = await parseEdited((ps) => {
      ps.getCell(FIRST + 1, P.amount).value = '12,3x'
    })
    const p = only(parsed.problems)
    expect(p).toMatchObject({ sheet: '项目信息', row: FIRST + 1, column: 'H（项目金额）' })
    expect(p.message).toContain('金额“12,3x”不是有效数字')
    expect(parsed.projects.map((x) => x.id)).toEqual(['p-0001', 'p-0003'])
  })

  it('an unknown operator', async () => {
    const parsed = await parseEdited((_ps, is) => {
      is.getCell(FIRST + 1, I.operator).value = '约等于'
    })
    expect(only(parsed.problems)).toEqual({ sheet: '绩效指标', row: FIRST + 1, column: 'G（指标性质）', message: '指标性质“约等于”无效，应为≥、≤、=或定性' })
  })

  it('a 二级指标 that does not belong to its 一级指标, and an unknown 一级指标', async () => {
    const parsed = await parseEdited((_ps, is) => {
      is.getCell(FIRST, I.level2).value = '社会效益指标'
      is.getCell(FIRST + 1, I.level1).value = '投入指标'
    })
    expect(parsed.problems).toEqual([
      { sheet: '绩效指标', row: FIRST, column: 'E（二级指标）', message: '二级指标“社会效益指标”不属于一级指标“产出指标”，“产出指标”下应为数量指标、质量指标、时效指标、成本指标之一' },
      { sheet: '绩效指标', row: FIRST + 1, column: 'D（一级指标）', message: '一级指标“投入指标”无效，应为产出指标、效益指标、满意度指标之一' },
    ])
  })

  it('indicator rows whose project cannot be found, by name and by 项目编号', async () => {
    const parsed = await parseEdited((_ps, is) => {
      const r = firstEmptyRow(is, 11)
      setRow(is, r, [null, '不存在的项目', null, '产出指标', '数量指标', '培训人次', '≥', '100', '人次', 10, ''])
      setRow(is, r + 1, ['p-9999', '', null, '产出指标', '数量指标', '培训场次', '≥', '4', '场', 10, ''])
      setRow(is, r + 2, [null, null, null, '产出指标', '数量指标', '培训天数', '≥', '2', '天', 10, ''])
    })
    expect(parsed.problems).toHaveLength(3)
    expect(parsed.problems[0]).toMatchObject({ sheet: '绩效指标', column: 'B（项目名称）', message: '项目“不存在的项目”在“项目信息”表中找不到，请先在“项目信息”表中填写该项目，或核对项目名称是否一致' })
    expect(parsed.problems[1]).toMatchObject({ column: 'A（项目编号）' })
    expect(parsed.problems[1]!.message).toContain('项目编号“p-9999”在“项目信息”表中找不到')
    expect(parsed.problems[2]).toMatchObject({ column: 'B（项目名称）', message: '没有填写项目编号或项目名称，无法确定该指标属于哪个项目' })
    expect(parsed.problems[1]!.row).toBe(parsed.problems[0]!.row + 1)
  })

  it('a duplicate 项目编号', async () => {
    const parsed = await parseEdited((ps) => {
      const r = firstEmptyRow(ps, 9)
      for (let c = 1; c <= 9; c++) ps.getCell(r, c).value = ps.getCell(FIRST, c).value
    })
    expect(only(parsed.problems)).toEqual({
      sheet: '项目信息',
      row: FIRST + 3,
      column: 'A（项目编号）',
      message: '项目编号“p-0001”与第 4 行重复；新增项目请在空行填写，不要复制已有项目行',
    })
  })

  it('a blank 项目名称, without also failing its indicators', async () => {
    const parsed = await parseEdited((ps) => {
      ps.getCell(FIRST + 1, P.name).value = '  '
    })
    expect(only(parsed.problems)).toEqual({ sheet: '项目信息', row: FIRST + 1, column: 'E（项目名称）', message: '项目名称为空，请填写项目名称' })
  })

  it('a weight written “十”', async () => {
    const parsed = await parseEdited((_ps, is) => {
      is.getCell(FIRST + 2, I.weight).value = '十'
    })
    expect(only(parsed.problems)).toEqual({ sheet: '绩效指标', row: FIRST + 2, column: 'J（权重）', message: '权重“十”不是数字，请填写阿拉伯数字，如 10' })
  })

  it('an unknown 资金来源 and 项目类别', async () => {
    const parsed = await parseEdited((ps) => {
      ps.getCell(FIRST, P.fundSource).value = '上级补助'
      ps.getCell(FIRST + 1, P.category).value = '基建'
    })
    expect(parsed.problems).toEqual([
      { sheet: '项目信息', row: FIRST, column: 'F（资金来源）', message: '资金来源“上级补助”无效，应为一般公共预算、政府性基金预算、国有资本经营预算、社会保险基金预算之一' },
      { sheet: '项目信息', row: FIRST + 1, column: 'G（项目类别）', message: '项目类别“基建”无效，应为项目、部门整体支出、专项债券、PPP之一' },
    ])
  })

  it('a new project without its unit in a workbook of several units', async () => {
    const parsed = await parseEdited((ps) => {
      setRow(ps, firstEmptyRow(ps, 9), [null, null, null, null, '校园安全设施改造', '一般公共预算', '项目', 80, ''])
    })
    expect(only(parsed.problems)).toEqual({ sheet: '项目信息', row: FIRST + 3, column: 'B（单位编码）', message: '新增项目没有填写单位编码，本表包含多个单位，无法确定项目属于哪个单位' })
  })

  it('a workbook without the indicator sheet', async () => {
    const parsed = await parseEdited((_ps, is, wb) => {
      wb.removeWorksheet(is.id)
    })
    expect(only(parsed.problems).message).toBe('工作簿中找不到“绩效指标”工作表，请使用财政局下发的申报表模板填写')
  })
})

describe('绩效目标申报表: the usual variations', () => {
  /** A county's own layout: no ids, aliased headers, a title, amounts in 元, merged project names. */
  async function countyWorkbook() {
    const wb = new ExcelJS.Workbook()
    const ps = wb.addWorksheet('项目')
    ps.addRow(['2024年项目支出绩效目标申报表'])
    ps.addRow(['填报单位：师宗县教育体育局', null, null, '金额单位：元'])
    ps.addRow(['单位代码', '预算单位', '项目名称', '资金性质', '项目类型', '项目金额（元）', '年度目标'])
    ps.addRow(['101001', '师宗县教育体育局', '农村义务教育学生营养改善计划', '一般公共预算', '', 15_730_000, '改善营养'])
    ps.addRow(['101001', '师宗县教育体育局', '学前教育幼儿资助', '一般公共预算资金', '项目支出', '155,000.50', '资助幼儿'])
    // Trailing rows that only look blank: spaces, empty strings, borders.
    ps.addRow(['  ', '', null, null, '', '', ''])
    ps.addRow([null, null, null, null, null, null, null])
    ps.getCell('A8').border = { top: { style: 'thin' } }
    ps.addRow(['', ' '])

    const is = wb.addWorksheet('指标')
    is.addRow(['项目名称', '一级', '二级', '指标名称', '运算符', '目标值', '计量单位', '分值', '备注'])
    is.addRow(['农村义务教育学生营养改善计划', '产出', '数量', '受益学生人数', '≥', '21000', '人', '20', ''])
    is.addRow([null, '产出', '质量', '食品安全事故', '≤', 0, '次', 20, ''])
    is.addRow([null, '满意度', '满意度', '家长满意度', '', '≥95%', '', '10', ''])
    is.mergeCells('A2:A4')
    is.addRow(['学前教育幼儿资助', '效益', '社会效益', '入园率', '>=', 0.98, '', 10, ''])
    is.getCell('F5').numFmt = '0%'
    is.addRow(['学前教育幼儿资助', '', '可持续影响', '资助政策持续实施', '定性', '长期', '', '', ''])
    for (let i = 0; i < 5; i++) is.addRow(['', null, ' ', null, '', '', '', '', ''])
    return wb
  }

  it('reads a county layout: aliases, 元 column, merged names, numbers as text, trailing blank rows', async () => {
    const parsed = parseTargetsWorkbook(await saveAndLoad(await countyWorkbook()))
    expect(parsed.problems).toEqual([])
    expect(parsed.projects).toHaveLength(2)
    const [a, b] = parsed.projects
    expect(a).toMatchObject({ id: '', unitCode: '101001', name: '农村义务教育学生营养改善计划', fundSource: '一般公共预算', category: '项目', amountFen: 1_573_000_000, row: 4 })
    expect(b).toMatchObject({ name: '学前教育幼儿资助', fundSource: '一般公共预算', amountFen: 15_500_050, row: 5 })
    expect(a!.indicators.map((i) => [i.level1, i.level2, i.name, i.operator, i.targetValue, i.unit, i.weight])).toEqual([
      ['产出指标', '数量指标', '受益学生人数', '≥', '21000', '人', 20],
      ['产出指标', '质量指标', '食品安全事故', '≤', '0', '次', 20],
      ['满意度指标', '服务对象满意度指标', '家长满意度', '≥', '95%', '', 10],
    ])
    expect(a!.indicatorRows).toEqual([2, 3, 4])
    expect(b!.indicators.map((i) => [i.level1, i.level2, i.operator, i.targetValue])).toEqual([
      ['效益指标', '社会效益指标', '≥', '98%'],
      ['效益指标', '可持续影响指标', '定性', '长期'],
    ])
  })

  it('takes 元 from a “项目金额（元）” header in the exported layout', async () => {
    const parsed = await parseEdited((ps) => {
      ps.getCell(3, P.amount).value = '项目金额（元）'
      ps.getCell(FIRST, P.amount).value = 15_730_000
      ps.getCell(FIRST + 1, P.amount).value = '155000'
      ps.getCell(FIRST + 2, P.amount).value = '2,806,100,800.00'
    })
    expect(parsed.problems).toEqual([])
    expect(parsed.projects.map((p) => p.amountFen)).toEqual([1_573_000_000, 15_500_000, 280_610_080_000])
  })

  it('flags a sign in the value that contradicts the operator', async () => {
    const parsed = await parseEdited((_ps, is) => {
      is.getCell(FIRST, I.value).value = '≤21000'
    })
    expect(only(parsed.problems)).toMatchObject({ column: 'H（指标值）', message: '指标值“≤21000”中的符号与指标性质“≥”不一致，请把符号只填在“指标性质”列' })
  })

  it('links by 单位编码 and 项目名称 when two units have a project of the same name', async () => {
    const projects = sampleProjects()
    projects[2]!.name = projects[1]!.name
    const wb = await exported(projects)
    const is = wb.getWorksheet('绩效指标')!
    // A 单位编码 column next to the name disambiguates; without it the row is ambiguous.
    is.getCell(3, 12).value = '单位编码'
    const r = firstEmptyRow(is, 11)
    setRow(is, r, [null, '学前教育幼儿资助', null, '产出指标', '数量指标', '新增指标甲', '≥', '1', '个', 5, '', '102003'])
    setRow(is, r + 1, [null, '学前教育幼儿资助', null, '产出指标', '数量指标', '新增指标乙', '≥', '1', '个', 5, ''])
    const parsed = parseTargetsWorkbook(await saveAndLoad(wb))
    expect(only(parsed.problems)).toMatchObject({ row: r + 1, column: 'B（项目名称）', message: '“项目信息”表中有 2 个项目名为“学前教育幼儿资助”，无法确定指标属于哪一个，请填写项目编号或单位编码' })
    expect(parsed.projects.find((p) => p.id === 'p-0003')!.indicators.at(-1)!.name).toBe('新增指标甲')
  })
})
