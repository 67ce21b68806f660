/**
 * 项目库 import through the handlers on a real SQLite file, with project lists built by hand in
 * the shapes counties actually have: 一体化 exports with title rows and merged headers, 元 and
 * 万元, hand-made lists, CSV in UTF-8 and GBK, and files that are not project lists at all.
 */
import ExcelJS from 'exceljs'
import JSZip from 'jszip'
import { afterEach, describe, expect, it } from 'vitest'
import type { ApiInput } from '../../shared/api'
import type { ProjectImportRead } from '../../shared/project-import'
import { buildTargetsWorkbook } from '../../electron/excel/targets-sheet'
import { cleanup, makeSetUpBackend } from '../helpers/backend'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach(cleanup))

async function setUp() {
  const t = await makeSetUpBackend({ now: () => new Date('2024-03-01T09:00:00') })
  dirs.push(t.dataDir)
  const jsj = await t.call('units/save', { code: '101041', name: '师宗县住房和城乡建设局', parentName: '', divisionId: t.divisions.jkw.id })
  const jyj = await t.call('units/save', { code: '101024', name: '师宗县教育体育局', parentName: '', divisionId: t.divisions.jkw.id })
  return { ...t, units: { jsj, jyj } }
}
type T = Awaited<ReturnType<typeof setUp>>

async function xlsx(rows: (string | number | null)[][], edit?: (ws: ExcelJS.Worksheet) => void, sheet = 'Sheet1'): Promise<string> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet(sheet)
  rows.forEach((r) => ws.addRow(r))
  edit?.(ws)
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64')
}

/** The 一体化 export's own words: title, unit line, 序号, 单位代码, 项目代码, 预算类型, 年初预算数. */
const EXPORT_2024 = (amount1: number | string = 1573, amount2: number | string = 320.5) =>
  xlsx([
    ['师宗县2024年部门预算项目明细表'],
    ['金额单位：万元'],
    ['序号', '单位代码', '单位名称', '项目代码', '项目名称', '项目类型', '预算类型', '年初预算数', '备注'],
    [1, '101041', '师宗县住房和城乡建设局', '530323240001', '城乡环卫一体化经费', '其他运转类', '一般公共预算', amount1, ''],
    [2, '101024', '师宗县教育体育局', '530323240002', '学生资助补助经费', '特定目标类', '一般公共预算', amount2, '中央转移支付'],
    [3, '101024', '师宗县教育体育局', '530323240003', '学校公用经费', '特定目标类', '政府性基金', 88, ''],
  ])

async function read(t: T, base64: string, fileName = '项目清单.xlsx', budgetYear = 2024): Promise<ProjectImportRead> {
  return t.call('projects/importRead', { fileName, base64, budgetYear })
}

function choices(r: ProjectImportRead, extra: Partial<ApiInput<'projects/importPreview'>> = {}): ApiInput<'projects/importPreview'> {
  return { token: r.token, budgetYear: 2024, mapping: r.mapping, moneyUnit: r.moneyUnit ?? '万元', units: {}, ...extra }
}

describe('项目库 import: the 一体化 export in its own words', () => {
  it('guesses the columns, reads 万元 from the title, imports, and re-imports by 项目编码 without duplicating', async () => {
    const t = await setUp()
    const r = await read(t, await EXPORT_2024())
    expect(r.headerRow).toBe(3)
    expect(r.dataRows).toBe(3)
    expect(r.remembered).toBe(false)
    // Column indexes are 0-based: B=1 单位代码, C=2 单位名称, D=3 项目代码, E=4, F=5, G=6, H=7 年初预算数.
    expect(r.mapping).toMatchObject({ unitCode: 1, unitName: 2, code: 3, name: 4, category: 5, fundSource: 6, amount: 7, fundChannel: null })
    expect(r.moneyUnit).toBe('万元')
    expect(r.moneyUnitSource).toContain('金额单位：万元')

    const preview = await t.call('projects/importPreview', choices(r))
    expect(preview.problems).toEqual([])
    expect(preview.counts).toEqual({ create: 3, update: 0, unchanged: 0 })
    // 1573 + 320.5 + 88 万元 = 1981.5 万元 = 19,815,000 元 = 1,981,500,000 分.
    expect(preview.totalFen).toBe(1_981_500_000)
    const applied = await t.call('projects/importApply', choices(r))
    expect(applied).toEqual({ created: 3, updated: 0, unchanged: 0, unitsCreated: 0 })

    const list = await t.call('projects/list', { budgetYear: 2024 })
    expect(list.rows).toHaveLength(3)
    const school = list.rows.find((p) => p.code === '530323240003')!
    expect(school).toMatchObject({ name: '学校公用经费', fundSource: '政府性基金预算', amountFen: 88_000_000, origin: '导入', category: '项目', needsTargets: true })

    // The same list again with one amount changed: one update, two unchanged, still three projects.
    const again = await read(t, await EXPORT_2024(1600))
    expect(again.remembered).toBe(true)
    const p2 = await t.call('projects/importPreview', choices(again))
    expect(p2.counts).toEqual({ create: 0, update: 1, unchanged: 2 })
    expect(p2.rows.find((x) => x.code === '530323240001')!.action).toBe('更新')
    await t.call('projects/importApply', choices(again))
    const after = await t.call('projects/list', { budgetYear: 2024 })
    expect(after.rows).toHaveLength(3)
    expect(after.rows.find((p) => p.code === '530323240001')!.amountFen).toBe(1_600_000_000)
    // The import is audited, with its file and counts.
    const audit = await t.call('audit/list', { entity: 'projects', entityId: '2024' })
    expect(audit.map((a) => a.action)).toEqual(['import', 'import'])
  })

  it('joins a merged two-row header and reads 元 from it', async () => {
    const t = await setUp()
    const base64 = await xlsx(
      [
        ['2024年项目支出预算表'],
        ['预算单位', '项目编码', '项目名称', '预算金额（元）', null, null],
        [null, null, null, '合计', '财政拨款', '其他资金'],
        ['师宗县住房和城乡建设局', 'XM-01', '城乡环卫一体化经费', 15730000, 15000000, 730000],
        ['师宗县教育体育局', 'XM-02', '学生资助补助经费', '3,205,000.00', 3205000, 0],
      ],
      (ws) => {
        ws.mergeCells('A2:A3')
        ws.mergeCells('B2:B3')
        ws.mergeCells('C2:C3')
        ws.mergeCells('D2:F2')
      },
    )
    const r = await read(t, base64)
    expect(r.headerRow).toBe(3)
    expect(r.mapping).toMatchObject({ unitName: 0, code: 1, name: 2, amount: 3 })
    expect(r.columns[3]!.header).toBe('预算金额（元）·合计')
    expect(r.moneyUnit).toBe('元')
    const preview = await t.call('projects/importPreview', choices(r))
    expect(preview.problems).toEqual([])
    // 15,730,000 元 = 1,573,000,000 分; 3,205,000.00 元 = 320,500,000 分.
    expect(preview.rows.map((x) => x.amountFen)).toEqual([1_573_000_000, 320_500_000])
  })

  it('leaves 元/万元 to the clerk when neither the header nor the title says, and refuses a preview without it', async () => {
    const t = await setUp()
    const r = await read(t, await xlsx([['单位名称', '项目编码', '项目名称', '金额'], ['师宗县教育体育局', 'A1', '学生资助补助经费', 320.5]]))
    expect(r.moneyUnit).toBeNull()
    const { moneyUnit: _omit, ...rest } = choices(r)
    const err = await t.fail('projects/importPreview', rest as never)
    expect(err.message).toContain('请确认金额单位是元还是万元')
    const asYuan = await t.call('projects/importPreview', choices(r, { moneyUnit: '元' }))
    expect(asYuan.rows[0]!.amountFen).toBe(32_050)
  })

  it('names every bad row: duplicate codes, blank codes, bad amounts, unknown fund sources, a 合计 row and blank rows skipped', async () => {
    const t = await setUp()
    const base64 = await xlsx([
      ['单位名称', '项目编码', '项目名称', '资金来源', '金额（万元）'],
      ['师宗县教育体育局', 'A1', '学生资助补助经费', '一般公共预算', 320.5],
      [null, null, null, null, null],
      ['师宗县教育体育局', 'A1', '学校公用经费', '一般公共预算', 88],
      ['师宗县教育体育局', '', '校舍维修', '一般公共预算', 10],
      ['师宗县住房和城乡建设局', 'A4', '城乡环卫一体化经费', '一般公共预算', '约1573'],
      ['师宗县住房和城乡建设局', 'A5', '污水处理', '专户资金', 20],
      ['合计', null, null, null, 2011.5],
    ])
    const r = await read(t, base64)
    const preview = await t.call('projects/importPreview', choices(r))
    const msgs = preview.problems.map((p) => `${p.row}|${p.column}|${p.message}`)
    expect(msgs).toEqual([
      '4|B（项目编码）|项目编码“A1”与第 2 行重复',
      '5|B（项目编码）|项目编码为空；再次导入时按项目编码更新，请补上编码',
      '6|E（金额）|金额“约1573”不是有效数字，请只填数字和小数点',
      '7|D（资金来源）|资金来源“专户资金”无法识别，应为一般公共预算、政府性基金预算、国有资本经营预算或社会保险基金预算',
    ])
    // Nothing is written while any row is wrong.
    const err = await t.fail('projects/importApply', choices(r))
    expect(err.message).toContain('有 4 处问题，未导入任何数据')
    expect((await t.call('projects/list', { budgetYear: 2024 })).rows).toHaveLength(0)
  })

  it('lists unknown units with 新增为预算单位 / 对应到…, and applies both choices', async () => {
    const t = await setUp()
    const base64 = await xlsx([
      ['预算单位编码', '预算单位名称', '项目编码', '项目名称', '金额（万元）'],
      ['', '师宗县 教育体育局', 'B1', '学生资助补助经费', 320.5], // name differs only by a space: matched
      ['999001', '师宗县农业农村局', 'B2', '高标准农田建设', 500],
      ['999001', '师宗县农业农村局', 'B3', '农村人居环境整治', 60],
      ['', '县住建局', 'B4', '城市道路维护', 45],
    ])
    const r = await read(t, base64)
    const preview = await t.call('projects/importPreview', choices(r))
    expect(preview.problems).toEqual([])
    expect(preview.unknownUnits.map((u) => [u.key, u.name, u.rows])).toEqual([
      ['code:999001', '师宗县农业农村局', [3, 4]],
      ['name:县住建局', '县住建局', [5]],
    ])
    const refused = await t.fail('projects/importApply', choices(r))
    expect(refused.message).toContain('有 2 个预算单位不在单位名单中')
    const applied = await t.call(
      'projects/importApply',
      choices(r, { units: { 'code:999001': { action: 'create', divisionId: t.divisions.jkw.id }, 'name:县住建局': { action: 'map', unitId: t.units.jsj.id } } }),
    )
    expect(applied).toEqual({ created: 4, updated: 0, unchanged: 0, unitsCreated: 1 })
    const units = await t.call('units/list', {})
    expect(units.find((u) => u.code === '999001')).toMatchObject({ name: '师宗县农业农村局', divisionId: t.divisions.jkw.id })
    const rows = (await t.call('projects/list', { budgetYear: 2024 })).rows
    expect(rows.find((p) => p.code === 'B4')!.unitName).toBe('师宗县住房和城乡建设局')
    expect(rows.find((p) => p.code === 'B1')!.unitName).toBe('师宗县教育体育局')
  })

  it('remembers a corrected mapping for the next file of the same shape', async () => {
    const t = await setUp()
    // "下达数" is no word for an amount the importer knows: the clerk picks it by hand.
    const shape = (n: number) =>
      xlsx([
        ['单位', '编号', '名称', '下达数（万元）', '是否设定绩效目标'],
        ['师宗县教育体育局', 'C1', '学生资助补助经费', n, '是'],
        ['师宗县教育体育局', 'C2', '机关运行经费', 12, '否'],
      ])
    const first = await read(t, await shape(320.5))
    expect(first.mapping).toMatchObject({ unitName: 0, amount: null, needsTargets: 4 })
    // 编号 and 名称 are too vague to guess.
    expect(first.mapping.code).toBeNull()
    const noAmount = await t.call('projects/importPreview', choices(first))
    expect(noAmount.problems.map((p) => p.message)).toEqual(['请为“项目编码”选择对应的列', '请为“项目名称”选择对应的列', '请为“金额”选择对应的列'])
    const corrected = { ...first.mapping, code: 1, name: 2, amount: 3 }
    await t.call('projects/importApply', choices(first, { mapping: corrected }))
    const rows = (await t.call('projects/list', { budgetYear: 2024 })).rows
    expect(rows.find((p) => p.code === 'C2')!.needsTargets).toBe(false)
    // A line without targets is monitored but not sent to 绩效目标 review.
    const targets = await t.call('rounds/save', { stage: 'targets', workYear: 2024, title: '2024年度绩效目标', deadline: '2024-03-15', unitIds: [] })
    const monitoring = await t.call('rounds/save', { stage: 'monitoring', workYear: 2024, title: '2024年1-9月监控', deadline: '2024-10-15', asOfMonth: 9, unitIds: [] })
    expect([targets.itemCount, monitoring.itemCount]).toEqual([1, 2])

    const second = await read(t, await shape(330), '项目清单（第二批）.xlsx')
    expect(second.remembered).toBe(true)
    expect(second.mapping).toMatchObject({ unitName: 0, code: 1, name: 2, amount: 3, needsTargets: 4 })
    expect(second.moneyUnit).toBe('万元')
    const p = await t.call('projects/importPreview', choices(second))
    expect(p.counts).toEqual({ create: 0, update: 1, unchanged: 1 })

    // Another shape is not affected by what was remembered.
    const other = await read(t, await EXPORT_2024())
    expect(other.remembered).toBe(false)
  })

  it('reads CSV in UTF-8 with BOM and in GBK as Chinese Excel saves it', async () => {
    const t = await setUp()
    const text = '单位名称,项目编码,项目名称,资金来源,"金额(元)"\r\n师宗县教育体育局,D1,"学生资助补助经费,春季",一般公共预算,"3,205,000.00"\r\n'
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])
    const r1 = await read(t, utf8.toString('base64'), '清单.csv')
    const p1 = await t.call('projects/importPreview', choices(r1))
    expect(p1.problems).toEqual([])
    expect(p1.rows[0]).toMatchObject({ name: '学生资助补助经费,春季', amountFen: 320_500_000 })
    const r2 = await read(t, encodeGbk(text).toString('base64'), '清单.csv')
    expect(r2.moneyUnit).toBe('元')
    const p2 = await t.call('projects/importPreview', choices(r2))
    expect(p2.rows[0]).toMatchObject({ unitName: '师宗县教育体育局', name: '学生资助补助经费,春季', amountFen: 320_500_000 })
  })
})

describe('项目库 import: a closed year', () => {
  it('refuses to import into or edit the 项目库 of a locked work year', async () => {
    const t = await setUp()
    const r = await read(t, await EXPORT_2024())
    await t.call('projects/importApply', choices(r))
    await t.call('yearData/lock', { workYear: 2024, locked: true, reason: '年度结账' })
    const again = await read(t, await EXPORT_2024(1600))
    expect((await t.fail('projects/importApply', choices(again))).message).toContain('2024年度已结账锁定')
    const p = (await t.call('projects/list', { budgetYear: 2024 })).rows[0]!
    expect((await t.fail('projects/remove', { id: p.id })).code).toBe('LOCKED')
    expect((await t.call('projects/list', { budgetYear: 2024 })).rows.map((x) => x.amountFen).sort((a, b) => a - b)).toEqual([88_000_000, 320_500_000, 1_573_000_000])
  })
})

describe('项目库 import: files that are not a project list', () => {
  const cases: [string, () => Promise<Buffer>, string][] = [
    ['an empty file', async () => Buffer.alloc(0), '文件内容为空'],
    ['a CSV of blank lines', async () => Buffer.from('\r\n ,, \r\n\r\n'), '没有任何内容'],
    ['an .xls (Excel 97-2003)', async () => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]), '另存为”→“Excel 工作簿（*.xlsx）”'],
    [
      'a .docx renamed .xlsx',
      async () => {
        const z = new JSZip()
        z.file('[Content_Types].xml', '<Types/>')
        z.file('word/document.xml', '<w:document/>')
        return z.generateAsync({ type: 'nodebuffer' })
      },
      '是 Word 文档，不是 Excel 表格',
    ],
    ['random bytes named .xlsx', async () => Buffer.from([1, 2, 3, 4, 0, 0, 9, 9, 9]), '不是有效的 Excel 工作簿'],
    ['a workbook with only empty sheets', async () => Buffer.from(await xlsx([]), 'base64'), '没有任何内容'],
    ['a staff list with wrong headers', async () => Buffer.from(await xlsx([['姓名', '性别', '年龄'], ['张三', '男', 30]]), 'base64'), '找不到项目清单的表头'],
  ]
  for (const [what, make, message] of cases) {
    it(`refuses ${what} with a Chinese reason`, async () => {
      const t = await setUp()
      const data = await make()
      const fileName = what.includes('CSV') ? '项目清单.csv' : '项目清单.xlsx'
      const err = await t.fail('projects/importRead', { fileName, base64: data.toString('base64'), budgetYear: 2024 })
      expect(err.code === 'IMPORT_INVALID' || err.code === 'VALIDATION').toBe(true)
      expect(err.message).toContain(message)
    })
  }

  it('refuses a list with headers but no rows', async () => {
    const t = await setUp()
    const r = await read(t, await xlsx([['单位名称', '项目编码', '项目名称', '金额（万元）']]))
    const p = await t.call('projects/importPreview', choices(r))
    expect(p.problems.map((x) => x.message)).toEqual(['表头下面没有项目数据'])
  })

  it('refuses an expired token', async () => {
    const t = await setUp()
    const err = await t.fail('projects/importPreview', { token: 'no-such', budgetYear: 2024, mapping: {}, moneyUnit: '万元', units: {} })
    expect(err.message).toContain('请重新选择文件')
  })
})

describe('项目库 by hand', () => {
  it('adds, edits and removes a line, with the 股室 following from the unit and 项目编码 unique per year', async () => {
    const t = await setUp()
    const p = await t.call('projects/save', { budgetYear: 2024, unitId: t.units.jyj.id, code: 'H1', name: '学生资助补助经费', amountWan: '320.5', fundSource: '一般公共预算', category: '项目', fundChannel: '中央转移支付', needsTargets: true })
    expect(p).toMatchObject({ divisionName: '教科文股', fundChannel: '中央转移支付', amountFen: 320_500_000 })
    const clash = await t.fail('projects/save', { budgetYear: 2024, unitId: t.units.jsj.id, code: 'H1', name: '别的项目', amountWan: '1', fundSource: '一般公共预算', category: '项目' })
    expect(clash.message).toContain('已有项目编码为“H1”的项目')
    // The same code in another budget year is another year's line.
    await t.call('projects/save', { budgetYear: 2023, unitId: t.units.jsj.id, code: 'H1', name: '别的项目', amountWan: '1', fundSource: '一般公共预算', category: '项目' })
    const edited = await t.call('projects/save', { id: p.id, budgetYear: 2024, unitId: t.units.jyj.id, code: 'H1', name: '学生资助补助经费', amountWan: '300', fundSource: '一般公共预算', category: '项目', needsTargets: false })
    expect(edited).toMatchObject({ amountFen: 300_000_000, needsTargets: false, fundChannel: '本级' })
    await t.call('projects/remove', { id: p.id })
    expect((await t.call('projects/list', { budgetYear: 2024 })).rows).toHaveLength(0)
  })
})

describe('last year’s baseline (历史目标导入)', () => {
  it('loads 2023 targets from a 申报表 as 已批复 without a review round, audited as history', async () => {
    const t = await setUp()
    const r = await read(t, await EXPORT_2024(), '2023项目清单.xlsx', 2023)
    await t.call('projects/importApply', { ...choices(r), budgetYear: 2023 })
    const p2023 = (await t.call('projects/list', { budgetYear: 2023 })).rows
    const env = p2023.find((p) => p.code === '530323240001')!
    const wb = await buildTargetsWorkbook({
      title: '师宗县2023年度项目支出绩效目标申报表',
      deadline: null,
      units: [{ code: '101041', name: '师宗县住房和城乡建设局' }],
      projects: [
        {
          id: '',
          unitCode: '101041',
          unitName: '师宗县住房和城乡建设局',
          code: '530323240001',
          name: '城乡环卫一体化经费',
          fundSource: '一般公共预算',
          category: '项目',
          amountFen: 1_573_000_000,
          annualGoal: '实现城乡环卫一体化全覆盖',
          indicators: [
            { id: '', level1: '产出指标', level2: '数量指标', name: '清扫保洁面积', operator: '≥', targetValue: '120', unit: '万平方米', weight: 50, explanation: '' },
            { id: '', level1: '满意度指标', level2: '服务对象满意度指标', name: '服务对象满意度', operator: '≥', targetValue: '90', unit: '%', weight: 50, explanation: '' },
          ],
        },
        { id: '', unitCode: '101041', unitName: '师宗县住房和城乡建设局', code: '', name: '不在库中的项目', fundSource: '一般公共预算', category: '项目', amountFen: 100, annualGoal: 'x', indicators: [] },
      ],
    })
    const base64 = wb.toString('base64')
    const bad = await t.call('projects/historyTargetsPreview', { fileName: '2023申报表.xlsx', base64, budgetYear: 2023 })
    expect(bad.problems.map((p) => p.message)).toContain('项目“不在库中的项目”（师宗县住房和城乡建设局）不在2023年项目库中，请先在项目库导入2023年的项目清单')
    expect((await t.fail('projects/historyTargetsApply', { fileName: '2023申报表.xlsx', base64, budgetYear: 2023 })).message).toContain('未导入任何数据')

    const good = (
      await buildTargetsWorkbook({
        title: '师宗县2023年度项目支出绩效目标申报表',
        deadline: null,
        units: [{ code: '101041', name: '师宗县住房和城乡建设局' }],
        projects: [
          {
            id: '',
            unitCode: '101041',
            unitName: '师宗县住房和城乡建设局',
            code: '530323240001',
            name: '城乡环卫一体化经费',
            fundSource: '一般公共预算',
            category: '项目',
            amountFen: 1_573_000_000,
            annualGoal: '实现城乡环卫一体化全覆盖',
            indicators: [
              { id: '', level1: '产出指标', level2: '数量指标', name: '清扫保洁面积', operator: '≥', targetValue: '120', unit: '万平方米', weight: 50, explanation: '' },
              { id: '', level1: '满意度指标', level2: '服务对象满意度指标', name: '服务对象满意度', operator: '≥', targetValue: '90', unit: '%', weight: 50, explanation: '' },
            ],
          },
        ],
      })
    ).toString('base64')
    const preview = await t.call('projects/historyTargetsPreview', { fileName: '2023申报表.xlsx', base64: good, budgetYear: 2023 })
    expect(preview.problems).toEqual([])
    expect(preview.rows).toEqual([{ unitName: '师宗县住房和城乡建设局', projectName: '城乡环卫一体化经费', code: '530323240001', indicators: 2, action: '导入' }])
    expect(await t.call('projects/historyTargetsApply', { fileName: '2023申报表.xlsx', base64: good, budgetYear: 2023 })).toEqual({ projects: 1, indicators: 2 })
    const targets = await t.call('targets/get', { projectId: env.id })
    expect(targets.project).toMatchObject({ annualGoal: '实现城乡环卫一体化全覆盖', targetsOrigin: '历史目标导入' })
    expect(targets.indicators.map((i) => i.name)).toEqual(['清扫保洁面积', '服务对象满意度'])
    const audit = await t.call('audit/list', { entity: 'projects', entityId: env.id })
    expect(audit.find((a) => a.action === '历史目标导入')!.after).toMatchObject({ status: '已批复', fileName: '2023申报表.xlsx' })
    // No review round was made for it.
    expect(await t.call('rounds/list', { stage: 'targets' })).toEqual([])
    // 单位自评 of 2023 in work year 2024 takes the project with its targets.
    const round = await t.call('rounds/save', { stage: 'selfeval', workYear: 2024, title: '2023年度单位自评', deadline: '2024-04-30', unitIds: [t.units.jsj.id] })
    expect(round.itemCount).toBe(1)
  })
})

/** GBK bytes for a text, from the platform's own GBK decoder (no encoder ships with Node). */
function encodeGbk(text: string): Buffer {
  const table = new Map<string, number[]>()
  const dec = new TextDecoder('gbk')
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue
      const ch = dec.decode(new Uint8Array([hi, lo]))
      if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, [hi, lo])
    }
  }
  const bytes: number[] = []
  for (const ch of text) {
    const code = ch.charCodeAt(0)
    if (code < 0x80) bytes.push(code)
    else bytes.push(...(table.get(ch) ?? [0x3f]))
  }
  return Buffer.from(bytes)
}
