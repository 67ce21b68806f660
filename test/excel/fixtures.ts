/** Sample 申报表/监控表 inputs and helpers to edit an exported workbook the way a unit would. */
import ExcelJS from 'exceljs'
import { loadWorkbook } from '../../electron/excel/read-table'
import type { MonitoringWorkbookInput, SheetIndicator, SheetMonitorProject, SheetProject, TargetsWorkbookInput } from '../../electron/excel/stage-types'

export const UNITS = [
  { code: '101001', name: '师宗县教育体育局' },
  { code: '102003', name: '师宗县农业农村局' },
]

const ind = (id: string, level1: string, level2: string, name: string, operator: string, targetValue: string, unit: string, weight: number | null, explanation = ''): SheetIndicator => ({
  id,
  level1,
  level2,
  name,
  operator,
  targetValue,
  unit,
  weight,
  explanation,
})

export function sampleProjects(): SheetProject[] {
  return [
    {
      id: 'p-0001',
      unitCode: '101001',
      unitName: '师宗县教育体育局',
      code: '53032324000000000001',
      name: '农村义务教育学生营养改善计划',
      fundSource: '一般公共预算',
      category: '项目',
      amountFen: 1_573_000_000,
      annualGoal: '为全县农村义务教育阶段学生提供营养膳食补助，改善学生营养健康状况。',
      indicators: [
        ind('i-0001', '产出指标', '数量指标', '受益学生人数', '≥', '21000', '人', 20, '享受营养膳食补助的在校学生人数'),
        ind('i-0002', '产出指标', '质量指标', '食品安全事故发生次数', '≤', '0', '次', 20),
        ind('i-0003', '产出指标', '时效指标', '补助资金拨付及时率', '=', '100%', '', 10),
        ind('i-0004', '产出指标', '成本指标', '生均补助标准', '=', '5', '元/天', 10),
        ind('i-0005', '效益指标', '社会效益指标', '学生营养健康状况', '定性', '有效改善', '', 20),
        ind('i-0006', '满意度指标', '服务对象满意度指标', '学生家长满意度', '≥', '95', '%', 10),
      ],
    },
    {
      id: 'p-0002',
      unitCode: '101001',
      unitName: '师宗县教育体育局',
      code: '53032324000000000002',
      name: '学前教育幼儿资助',
      fundSource: '一般公共预算',
      category: '项目',
      amountFen: 15_500_000,
      annualGoal: '资助家庭经济困难幼儿。',
      indicators: [
        ind('i-0101', '产出指标', '数量指标', '资助幼儿人数', '≥', '1200', '人', 50),
        ind('i-0102', '效益指标', '社会效益指标', '困难家庭幼儿入园率', '≥', '98', '%', 30),
        ind('i-0103', '满意度指标', '服务对象满意度指标', '受助家庭满意度', '≥', '90', '%', 10),
      ],
    },
    {
      id: 'p-0003',
      unitCode: '102003',
      unitName: '师宗县农业农村局',
      code: '53032324000000000003',
      name: '高标准农田建设',
      fundSource: '政府性基金预算',
      category: '专项债券',
      amountFen: 280_610_080_000,
      annualGoal: '新建高标准农田2万亩。',
      indicators: [
        ind('i-0201', '产出指标', '数量指标', '新建高标准农田面积', '≥', '2', '万亩', 40),
        ind('i-0202', '效益指标', '经济效益指标', '亩均增产', '≥', '50', '公斤', 30),
        ind('i-0203', '满意度指标', '服务对象满意度指标', '农户满意度', '≥', '90', '%', 20),
      ],
    },
  ]
}

export function targetsInput(projects = sampleProjects()): TargetsWorkbookInput {
  return { title: '师宗县2024年度项目支出绩效目标申报表', deadline: '2024-03-15', units: UNITS, projects }
}

/** A project of the 项目库 as a 监控表 line: `item-N`, its figures and each indicator's reported values. */
export function monitorLine(
  p: SheetProject,
  n: number,
  figures: Pick<SheetMonitorProject, 'executedFen' | 'forecastFen'>,
  values: (i: SheetProject['indicators'][number], k: number) => Omit<SheetMonitorProject['indicators'][number], keyof SheetProject['indicators'][number]>,
): SheetMonitorProject {
  return {
    itemId: `item-${n}`,
    projectId: p.id,
    unitCode: p.unitCode,
    unitName: p.unitName,
    code: p.code,
    name: p.name,
    budgetFen: p.amountFen,
    ...figures,
    deviation: '',
    measures: '',
    indicators: p.indicators.map((i, k) => ({ ...i, ...values(i, k) })),
  }
}

export function monitoringInput(): MonitoringWorkbookInput {
  const projects = sampleProjects().map((p, n) =>
    monitorLine(p, n + 1, { executedFen: n === 0 ? 1_000_000_000 : null, forecastFen: n === 0 ? 1_573_000_000 : null }, (_i, k) => {
      const first = n === 0 && k === 0
      return { actual: first ? '20500' : '', forecast: first ? '21000' : '', likelihood: first ? '确定能' : '', causes: [], measures: '' }
    }),
  )
  return { title: '师宗县2024年度项目支出绩效运行监控表（1-9月）', asOfMonth: 9, deadline: '2024-10-10', projects }
}

/** Opens an exported workbook for editing, as a unit opens the file. */
export async function open(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(buf as unknown as ArrayBuffer)
  return wb
}

/** Saves an edited workbook and loads it the way the importer does. */
export async function saveAndLoad(wb: ExcelJS.Workbook): Promise<ExcelJS.Workbook> {
  const buf = Buffer.from(await wb.xlsx.writeBuffer())
  return loadWorkbook(buf, '申报表.xlsx')
}

/** First data row of the exported tables (title, note, header above it). */
export const FIRST = 4

/** Row of the first cell in `col` whose text is `text`. */
export function rowOf(ws: ExcelJS.Worksheet, col: number, text: string): number {
  for (let r = 1; r <= ws.rowCount; r++) if (String(ws.getCell(r, col).value ?? '') === text) return r
  throw new Error(`“${text}” not found in column ${col} of ${ws.name}`)
}

/** First row at or below the data whose first `cols` cells are all empty: a spare row. */
export function firstEmptyRow(ws: ExcelJS.Worksheet, cols: number): number {
  for (let r = FIRST; ; r++) {
    let empty = true
    for (let c = 1; c <= cols; c++) if (ws.getCell(r, c).value !== null && ws.getCell(r, c).value !== undefined) empty = false
    if (empty) return r
  }
}

export function setRow(ws: ExcelJS.Worksheet, row: number, values: (string | number | null)[]): void {
  values.forEach((v, i) => {
    if (v !== undefined) ws.getCell(row, i + 1).value = v
  })
}

/** exceljs keeps sheet protection on the worksheet but does not declare it. */
export function protection(ws: ExcelJS.Worksheet): { sheet?: boolean; hashValue?: string; insertRows?: boolean; deleteRows?: boolean } | undefined {
  return (ws as unknown as { sheetProtection?: { sheet?: boolean; hashValue?: string } }).sheetProtection
}
