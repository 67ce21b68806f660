/** The label-driven form reader on hand-built sheets: what it reads, what it refuses, what it warns. */
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { detectLayout, readFormSheet } from '../../electron/excel/form-reader'
import { matchSheet, normalizeName } from '../../electron/excel/match-sheets'
import { buildTargetsWorkbook } from '../../electron/excel/targets-sheet'
import * as F from './form-fixtures'

async function load(buf: Buffer) {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(buf as never)
  return wb
}
const read = (ws: ExcelJS.Worksheet, stage: 'selfeval' | 'targets' = 'selfeval') => readFormSheet(ws, detectLayout(ws, stage)!.layout)

describe('layouts are told apart by their labels', () => {
  it.each([
    ['mofRoad', 'mof-selfeval', F.mofRoad, 'selfeval'],
    ['mofTwoProjects', 'mof-selfeval', F.mofTwoProjects, 'selfeval'],
    ['provinceMeals', 'province-selfeval', F.provinceMeals, 'selfeval'],
    ['provinceSanitation', 'province-selfeval', F.provinceSanitation, 'selfeval'],
    ['targetsSanitation', 'targets-form', F.targetsSanitation, 'targets'],
    ['targetsTwoProjects', 'targets-form', F.targetsTwoProjects, 'targets'],
    ['targetsByCode', 'targets-form', F.targetsByCode, 'targets'],
  ] as const)('%s → %s', async (_n, key, make, stage) => {
    const wb = await load(await make())
    for (const ws of wb.worksheets) expect(detectLayout(ws, stage)?.layout.key).toBe(key)
  })

  it('the product’s own one-table 申报表 is not a form (it keeps the table reader)', async () => {
    const buf = await buildTargetsWorkbook({
      title: 't',
      deadline: null,
      units: [{ code: '101041', name: '住建局' }],
      projects: [{ id: 'p1', unitCode: '101041', unitName: '住建局', code: 'A', name: '项目一', fundSource: '一般公共预算', category: '项目', amountFen: 100, annualGoal: 'g', indicators: [] }],
    })
    const wb = await load(buf)
    for (const ws of wb.worksheets) expect(detectLayout(ws, 'targets')).toBeNull()
  })
})

describe('财政部 form', () => {
  it('reads header, the 总额 and its parts, the goal block and the indicator table by labels', async () => {
    const f = read((await load(await F.mofRoad())).worksheets[0]!)
    expect(f.problems).toEqual([])
    expect([f.projectName, f.header.department, f.header.unitName]).toEqual(['农村公路养护经费', '师宗县交通运输局', '师宗县交通运输局'])
    expect(f.totalFen).toEqual({ initial: 300_000_000, budget: 300_000_000, executed: 285_000_000 })
    expect(f.funds.map((x) => x.source)).toEqual(['当年财政资金', '上年结转资金']) // 其他资金 "—" left out
    expect([f.goal, f.goalActual]).toEqual(['完成全县农村公路日常养护120公里，路面完好率90%以上', '完成养护120公里，路面完好率85%'])
    expect(f.indicators.map((i) => `${i.level1}/${i.level2}/${i.name}/${i.operator}${i.targetValue}${i.unit}/${i.actual}/${i.weight}/${i.score}`)).toEqual([
      '产出指标/数量指标/养护里程/≥120公里/120/20/20',
      '产出指标/质量指标/路面完好率/≥90%/85%/15/14.17',
      '产出指标/时效指标/养护任务完成及时率/≥95%/100%/10/10',
      '产出指标/成本指标/养护成本/≤300万元/285/15/15',
      '效益指标/社会效益指标/群众出行条件/定性明显改善/达成年度指标/20/20',
      '满意度指标/服务对象满意度指标/群众满意度/≥90%/93%/10/9',
    ])
    expect(f.typedTotalScore).toEqual({ value: 97.67, where: 'H20' })
  })

  it('a 总额 that differs from its parts names both cells; a 总额 left blank is not made from the parts', async () => {
    const wb = await load(await F.mofRoad())
    const ws = wb.worksheets[0]!
    ws.getCell('D7').value = 290 // 290 + 20 ≠ 300
    ws.getCell('C6').value = null
    const f = read(ws)
    expect(f.problems.map((p) => `${p.column}:${p.message}`)).toEqual([
      'C（年初预算数）:“年度资金总额”的年初预算数（C6）未填写，而其中各项（C7、C8）填写了300.00万元；请填写总额（总额不会由其中各项相加得出）',
      'D（全年预算数）:“年度资金总额”的全年预算数（D6）为300.00万元，与其中各项（D7、D8）之和310.00万元不符；总额与其中各项不会相加，请改正其中一处',
    ])
  })
})

describe('cells as units fill them', () => {
  async function formWith(rows: Record<string, string | number>) {
    const wb = await load(await F.provinceMeals())
    const ws = wb.worksheets[0]!
    for (const [a, v] of Object.entries(rows)) ws.getCell(a).value = v
    return read(ws)
  }
  it('an unknown operator is an error naming the cell, never ≥', async () => {
    const f = await formWith({ D19: '约' })
    expect(f.problems).toContainEqual({ sheet: '自评表', row: 19, column: 'D（指标性质）', message: '指标“补助对象认定准确率”的指标性质“约”无法识别，应为≥、≤、=或定性' })
    expect(f.indicators.find((i) => i.row === 19)!.operator).toBe('')
  })
  it('a value with no operator and no 指标性质 is an error, not ≥', async () => {
    const f = await formWith({ D19: '', E19: '100%' })
    expect(f.problems.map((p) => p.message)).toContain('指标“补助对象认定准确率”的指标值“100%”没有写明≥、≤或=，无法判断指标性质；请写作“≥100%”等')
  })
  it('正向 written with ≤ in the value is a warning and stays ≤', async () => {
    const f = await formWith({ D18: '正向', E18: '≤1200' })
    expect(f.warnings.map((w) => w.message)).toContain('指标“补助学生人数”的指标性质为“正向”，指标值却写作“≤1200”（≤），按“≤”计分，请确认')
    expect(f.indicators[0]!.operator).toBe('≤')
  })
  it('template instructions left in value cells count as blank', async () => {
    const f = await formWith({ C25: '（请填写评价结论，限200字）', J18: '请填写未完成原因', C26: '例：资金支付进度偏慢' })
    expect([f.footer.conclusion, f.footer.problems, f.footer.improvements]).toEqual(['', '', '加快资金审核发放'])
    expect(f.indicators[0]!.reason).toBe('')
  })
  it('numbered indicator names ("指标1：…") are read without the number', async () => {
    const f = await formWith({ C18: '指标1：补助学生人数', C19: '指标2:补助对象认定准确率' })
    expect(f.indicators.slice(0, 2).map((i) => i.name)).toEqual(['补助学生人数', '补助对象认定准确率'])
  })
  it('full-width operators in the 指标性质 column', async () => {
    const f = read((await load(await F.provinceMeals())).worksheets[0]!)
    expect(f.indicators.map((i) => i.operator)).toEqual(['≥', '=', '≥', '≤', '定性', '≥'])
    expect([f.projectCode, f.projectName, f.header.reportNo]).toEqual(['530323230002', '营养改善计划补助经费', 'SZ-JY-2023-017'])
  })
  it('a 申报表 whose 其中 parts do not add up to its 总额 names the cells', async () => {
    const wb = await load(await F.targetsByCode())
    const ws = wb.worksheets[0]!
    ws.getCell('F8').value = 37
    const f = read(ws, 'targets')
    expect(f.problems.map((p) => p.message)).toEqual(['“年度资金申请总额”（B8）为1573.00万元，与其中各项（D8、F8、H8）之和1537.00万元不符；总额与其中各项不会相加，请改正其中一处'])
  })
})

describe('a 申报表 with 长期目标 / 年度目标 columns and amounts after a colon', () => {
  it('takes the 年度 goal and 年度指标值, and the inline 资金总额', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('申报表')
    const rows: Record<number, (string | null)[]> = {
      1: ['项目支出绩效目标申报表'],
      2: ['项目名称', '乡村道路亮化工程'],
      3: ['主管部门', '师宗县住房和城乡建设局'],
      4: ['资金总额（万元）：120', null, '其中：财政拨款：100', null, '其他：20'],
      5: ['绩效目标', '长期目标', null, '年度目标'],
      6: [null, '三年内实现主要村道亮化全覆盖', null, '完成20个自然村道路亮化'],
      7: ['一级指标', '二级指标', '三级指标', '长期指标值', '年度指标值'],
      8: ['产出', '数量', '亮化村数', '≥60个', '≥20个'],
      9: [null, '质量', '路灯验收合格率', '100%', '=100%'],
    }
    for (const [r, vs] of Object.entries(rows)) vs.forEach((v, i) => v && (ws.getCell(Number(r), i + 1).value = v))
    ws.mergeCells('A5:A6')
    const f = read(ws, 'targets')
    expect(f.problems).toEqual([])
    expect(f.goal).toBe('完成20个自然村道路亮化')
    expect(f.totalFen?.budget).toBe(120_000_000)
    expect(f.funds.map((x) => [x.source, x.budgetFen])).toEqual([
      ['当年财政资金', 100_000_000],
      ['其他资金', 20_000_000],
    ])
    expect(f.indicators.map((i) => `${i.level1}/${i.level2}/${i.name}/${i.operator}${i.targetValue}${i.unit}`)).toEqual(['产出指标/数量指标/亮化村数/≥20个', '产出指标/质量指标/路灯验收合格率/=100%'])
  })
})

describe('matching without ids', () => {
  const candidates = [
    { id: 'i1', unitName: '师宗县教育体育局', projectName: '学生资助补助经费', projectCode: '530323230001' },
    { id: 'i2', unitName: '师宗县住房和城乡建设局', projectName: '城乡环卫一体化经费', projectCode: '' },
    { id: 'i3', unitName: '师宗县交通运输局', projectName: '城乡环卫一体化经费', projectCode: '' },
  ]
  it.each([
    [{ projectCode: '530323230001', projectName: '别的名字', unitNames: [] }, 'i1', '项目编码'],
    [{ projectCode: '', projectName: '学生资助补助经费', unitNames: ['教育体育局'] }, 'i1', '单位和项目名称'], // county prefix
    [{ projectCode: '', projectName: '学生资助 补助经费', unitNames: ['师宗县教育体育局（盖章）'] }, 'i1', '单位和项目名称'], // spaces, 盖章
    [{ projectCode: '', projectName: '城乡环卫一体化经费', unitNames: ['', '师宗县住房和城乡建设局'] }, 'i2', '单位和项目名称'], // by 主管部门
    [{ projectCode: '', projectName: '2023年度学生资助补助经费', unitNames: ['师宗县教育体育局'] }, 'i1', '单位和项目名称'], // the year in front
  ])('%o → %s', (sheet, id, by) => {
    const r = matchSheet(sheet, candidates, '师宗县')
    expect(r).toMatchObject({ kind: 'matched', by })
    expect(r.kind === 'matched' && r.candidate.id).toBe(id)
  })
  it('never guesses between two projects of the same name', () => {
    const r = matchSheet({ projectCode: '', projectName: '城乡环卫一体化经费', unitNames: [] }, candidates, '师宗县')
    expect(r.kind).toBe('unmatched')
    expect(r.kind !== 'matched' && r.suggestions.map((c) => c.id)).toEqual(['i2', 'i3'])
  })
  it('normalises full and half width', () => {
    expect(normalizeName('师宗县（城乡）环卫 一体化经费', '师宗县')).toBe(normalizeName('城乡环卫一体化经费'))
    expect(normalizeName('ＡＢＣ１２３')).toBe('abc123')
  })
})
