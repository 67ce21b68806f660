/**
 * The loop back to the units: a returned item's opinions in the re-exported workbook (read back with
 * exceljs) and in the 审核意见反馈单; a filled 监控表 submits what it filled; and the values that must
 * stop or warn a clerk (执行数 above budget, text in a numeric 完成值, misdated engagements and rounds).
 */
import ExcelJS from 'exceljs'
import JSZip from 'jszip'
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup } from '../helpers/backend'
import { completeIndicators, makeStageBackend } from '../helpers/stage-setup'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach(cleanup))
async function setUp() {
  const t = await makeStageBackend()
  dirs.push(t.dataDir)
  return t
}
/** Files kept for looking at (rendered to PDF/PNG by hand): test-output/review-loop/. */
const OUT = join(fileURLToPath(new URL('../..', import.meta.url)), 'test-output', 'review-loop')
const docXml = async (path: string) => (await JSZip.loadAsync(readFileSync(path))).file('word/document.xml')!.async('string')
const plain = (xml: string) => xml.replace(/<[^>]+>/g, '')

async function readBook(path: string) {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(path)
  return wb
}
/** Column numbers of a sheet's header row (row 3 in the product's templates), by header text without line breaks. */
function headers(ws: ExcelJS.Worksheet): Map<string, number> {
  const m = new Map<string, number>()
  ws.getRow(3).eachCell((c, n) => m.set(String(c.value).replace(/\n/g, ''), n))
  return m
}
/** The data row whose `column` reads `text`. */
function rowWhere(ws: ExcelJS.Worksheet, column: number, text: string): ExcelJS.Row {
  for (let r = 4; r <= ws.rowCount; r++) if (String(ws.getRow(r).getCell(column).value ?? '') === text) return ws.getRow(r)
  throw new Error(`no row with ${text}`)
}
const fillOf = (c: ExcelJS.Cell) => (c.fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb

type StageBackend = Awaited<ReturnType<typeof setUp>>
/** 完成值 of completeIndicators('300') as a unit would report them. */
const SELF_EVAL_ACTUAL: Record<string, string> = { 清扫保洁面积: '120', 生活垃圾无害化处理率: '96', 资金拨付及时率: '95', 项目总成本: '290', 城乡人居环境改善: '达成年度指标', 长效管护机制建立: '达成年度指标', 服务对象满意度: '92' }
/** Fills a 300万元 project's 自评 (290 spent, every indicator reported) and submits it; returns its detail. */
async function submitSelfEval(t: StageBackend, itemId: string) {
  const d = await t.call('items/get', { id: itemId })
  await t.call('selfeval/save', {
    itemId,
    funds: [{ source: '当年财政资金', initialWan: '300', budgetWan: '300', executedWan: '290' }],
    values: d.indicators.map((i) => ({ indicatorId: i.id, actual: SELF_EVAL_ACTUAL[i.name]!, inapplicable: false, finalScore: null, overrideReason: '', reason: '' })),
    conclusion: '完成年度目标',
    problems: '无',
    improvements: '无',
  })
  await t.call('items/transition', { id: itemId, action: 'submit' })
  return d
}

describe('绩效目标 returned with opinions', () => {
  it('re-exports the unit’s 申报表 with the opinions per project and per indicator, in their own red column', async () => {
    const t = await setUp()
    const round = await t.call('rounds/save', { stage: 'targets', workYear: 2024, title: '2024年度预算绩效目标编审', deadline: '2024-03-15', unitIds: [] })
    const item = (await t.call('items/list', { roundId: round.id })).rows.find((r) => r.projectName === '城乡环卫一体化经费')!
    const saved = await t.call('targets/save', { projectId: item.projectId, annualGoal: '实现城乡环卫一体化全覆盖', indicators: completeIndicators('1573') })
    const area = saved.indicators.find((i) => i.name === '清扫保洁面积')!
    const rate = saved.indicators.find((i) => i.name === '生活垃圾无害化处理率')!
    await t.call('items/transition', { id: item.id, action: 'submit' })
    await t.call('items/transition', {
      id: item.id,
      action: 'return',
      conclusion: '中',
      summary: '产出指标不够细化',
      opinions: [
        { ref: area.id, label: '指标“清扫保洁面积”', text: '请与作业合同面积一致' },
        { ref: area.id, label: '指标“清扫保洁面积”', text: '单位应为万平方米' },
        { ref: 'annualGoal', label: '年度总体目标', text: '请写明覆盖的乡镇数' },
      ],
    })

    const exported = await t.call('stageExcel/export', { roundId: round.id, unitIds: [t.units.jsj.id], oneFile: false })
    mkdirSync(OUT, { recursive: true })
    copyFileSync(exported.paths[0]!, join(OUT, '退回后重新导出的申报表.xlsx'))
    const wb = await readBook(exported.paths[0]!)
    const projects = wb.getWorksheet('项目信息')!
    const ph = headers(projects)
    const pCol = ph.get('审核意见（请按意见修改后重新报送）')!
    expect(pCol).toBeGreaterThan(ph.get('年度总体目标')!)
    const pRow = rowWhere(projects, ph.get('项目名称')!, '城乡环卫一体化经费')
    expect(pRow.getCell(pCol).value).toBe('1. 产出指标不够细化\n2. 年度总体目标：请写明覆盖的乡镇数')
    expect(fillOf(pRow.getCell(pCol))).toBe('FFFFC7CE')
    expect(fillOf(pRow.getCell(ph.get('项目名称')!))).toBe('FFFFC7CE')

    const inds = wb.getWorksheet('绩效指标')!
    const ih = headers(inds)
    const iCol = ih.get('审核意见（请按意见修改后重新报送）')!
    const areaRow = rowWhere(inds, ih.get('三级指标')!, '清扫保洁面积')
    expect(areaRow.getCell(iCol).value).toBe('1. 请与作业合同面积一致\n2. 单位应为万平方米')
    expect(fillOf(areaRow.getCell(iCol))).toBe('FFFFC7CE')
    // An indicator without an opinion has an empty, untinted cell.
    const rateRow = rowWhere(inds, ih.get('三级指标')!, rate.name)
    expect(rateRow.getCell(iCol).value ?? null).toBeNull()
    expect(fillOf(rateRow.getCell(iCol))).not.toBe('FFFFC7CE')

    // The workbook still imports: the opinion column is the bureau's, not read back.
    const preview = await t.call('stageExcel/preview', { roundId: round.id, fileName: '住建局-申报表.xlsx', base64: readFileSync(exported.paths[0]!).toString('base64') })
    expect(preview.problems).toEqual([])
    expect(preview.rows[0]).toMatchObject({ projectName: '城乡环卫一体化经费', action: '不变' })
    expect(preview.rows[0]!.detail).toContain('导入后提交审核')
    expect(preview.summary.itemsSubmitted).toBe(1)

    // A unit that was not returned gets the plain template.
    const other = await t.call('stageExcel/export', { roundId: round.id, unitIds: [t.units.jyj.id], oneFile: false })
    const plainBook = await readBook(other.paths[0]!)
    expect([...headers(plainBook.getWorksheet('项目信息')!).keys()].some((h) => h.startsWith('审核意见'))).toBe(false)
  })

  it('takes the unit’s corrected workbook back although it still holds its approved projects, refusing only a changed one', async () => {
    const t = await setUp()
    const road = await t.call('projects/save', { budgetYear: 2024, unitId: t.units.jsj.id, code: '530323240003', name: '城市道路维护', amountWan: '120', fundSource: '一般公共预算', category: '项目' })
    const round = await t.call('rounds/save', { stage: 'targets', workYear: 2024, title: '2024年度预算绩效目标编审', deadline: '2024-03-15', unitIds: [t.units.jsj.id] })
    const items = new Map((await t.call('items/list', { roundId: round.id })).rows.map((r) => [r.projectName, r]))
    for (const [name, wan] of [['城乡环卫一体化经费', '1573'], ['城市道路维护', '120']] as const) {
      await t.call('targets/save', { projectId: items.get(name)!.projectId, annualGoal: '按期完成年度任务', indicators: completeIndicators(wan) })
      await t.call('items/transition', { id: items.get(name)!.id, action: 'submit' })
    }
    // Another operator reviews: 城市道路维护 approved, 城乡环卫 returned.
    await t.signInAs('王芳', ['预算股'])
    await t.call('items/transition', { id: items.get('城市道路维护')!.id, action: 'approve', conclusion: '优', summary: '', opinions: [] })
    await t.call('items/transition', { id: items.get('城乡环卫一体化经费')!.id, action: 'return', conclusion: '中', summary: '请细化产出指标', opinions: [] })
    await t.signInAs('管理员')

    const exported = await t.call('stageExcel/export', { roundId: round.id, unitIds: [t.units.jsj.id], oneFile: false })
    const wb = await readBook(exported.paths[0]!)
    const inds = wb.getWorksheet('绩效指标')!
    const ih = headers(inds)
    rowWhere(inds, ih.get('三级指标')!, '清扫保洁面积').getCell(ih.get('指标值')!).value = '150'
    const base64 = Buffer.from(await wb.xlsx.writeBuffer()).toString('base64')
    const preview = await t.call('stageExcel/preview', { roundId: round.id, fileName: '住建局-申报表（修改）.xlsx', base64 })
    expect(preview.problems).toEqual([])
    expect(preview.rows.map((r) => [r.projectName, r.action])).toEqual([['城乡环卫一体化经费', '更新']])
    expect(preview.warnings!.map((w) => w.message)).toContain('项目“城市道路维护”在本任务中已审核通过，表中未改动，不再导入')
    expect(preview.summary).toMatchObject({ itemsFilled: 1, itemsSubmitted: 1, indicatorsUpdated: 1 })
    await t.call('stageExcel/apply', { roundId: round.id, fileName: '住建局-申报表（修改）.xlsx', base64 })
    const after = new Map((await t.call('items/list', { roundId: round.id })).rows.map((r) => [r.projectName, r.status]))
    expect([after.get('城乡环卫一体化经费'), after.get('城市道路维护')]).toEqual(['已填报', '已审核'])

    // An approved project changed in the workbook is still refused, naming it.
    const roadRows: ExcelJS.Row[] = []
    inds.eachRow((r, n) => n > 3 && r.getCell(ih.get('项目名称')!).value === road.name && roadRows.push(r))
    roadRows[0]!.getCell(ih.get('指标值')!).value = '99999'
    const changed = await t.call('stageExcel/preview', { roundId: round.id, fileName: '改了已审核的.xlsx', base64: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') })
    expect(changed.problems.map((p) => p.message)).toContain('项目“城市道路维护”在本任务中已审核通过，表中却有改动，不能通过导入修改；如需修改请先撤销审核')
  })

  it('issues one 审核意见反馈单 per unit listing every opinion, and refuses a unit with nothing returned', async () => {
    const t = await setUp()
    const round = await t.call('rounds/save', { stage: 'targets', workYear: 2024, title: '2024年度预算绩效目标编审', deadline: '2024-03-15', unitIds: [] })
    const { rows } = await t.call('items/list', { roundId: round.id })
    for (const r of rows) {
      await t.call('targets/save', { projectId: r.projectId, annualGoal: '按期完成年度任务', indicators: completeIndicators(String(r.amountFen / 1_000_000)) })
      await t.call('items/transition', { id: r.id, action: 'submit' })
    }
    const jsj = rows.find((r) => r.unitId === t.units.jsj.id)!
    const indicator = (await t.call('items/get', { id: jsj.id })).indicators.find((i) => i.name === '服务对象满意度')!
    await t.call('items/transition', { id: jsj.id, action: 'return', conclusion: '中', summary: '绩效目标与资金规模不匹配', opinions: [{ ref: indicator.id, label: '指标“服务对象满意度”', text: '请说明满意度调查方式' }] })

    const recordId = `${round.id}:${t.units.jsj.id}`
    const draft = await t.call('docs/draft', { kind: 'review-feedback', recordId })
    expect(draft.title).toBe('师宗县财政局绩效目标审核意见反馈单')
    expect(draft.recipients).toBe('师宗县住房和城乡建设局')
    expect(draft.body).toContain('《2024年度项目支出绩效目标申报表》')
    expect(draft.body).toContain('2024年3月15日前')
    const issued = await t.call('docs/issue', { kind: 'review-feedback', recordId, title: draft.title, recipients: draft.recipients, body: draft.body, attachments: [], copyTo: '', date: '2024-03-05', serial: null })
    mkdirSync(OUT, { recursive: true })
    copyFileSync(issued.path, join(OUT, '审核意见反馈单.docx'))
    const text = plain(await docXml(issued.path))
    expect(text).toContain('师宗县财政局绩效目标审核意见反馈单')
    expect(text).toContain('致：师宗县住房和城乡建设局')
    expect(text).toContain('城乡环卫一体化经费')
    expect(text).toContain('绩效目标与资金规模不匹配')
    expect(text).toContain('请说明满意度调查方式')
    expect(text).toContain('指标“服务对象满意度”')
    expect(text).toContain('2024年3月5日')
    expect(text).not.toContain('学生资助补助经费')

    expect((await t.fail('docs/draft', { kind: 'review-feedback', recordId: `${round.id}:${t.units.jyj.id}` })).message).toBe('“师宗县教育体育局”在本任务中没有退回修改的项目，无需反馈审核意见')
    // In a batch, one per unit that has returned items: here only 住建局.
    const job = await t.call('docs/batch', { kind: 'review-feedback', roundId: round.id, date: '2024-03-05' })
    const end = await t.backend.ctx.jobs.wait(job.id)
    expect(end).toMatchObject({ status: 'done', total: 1, outcome: { done: 1, refused: [] } })
    expect(end.paths).toHaveLength(1)
    expect(end.paths[0]).toMatch(/审核意见反馈单（师宗县住房和城乡建设局）\.docx$/)
  })
})

describe('自评 returned with opinions', () => {
  it('re-exports the project’s 自评表 with the indicator opinions in their own column and the project’s under the form', async () => {
    const t = await setUp()
    const p = await t.call('projects/save', { budgetYear: 2023, unitId: t.units.jsj.id, code: 'A2', name: '农村公路养护经费', amountWan: '300', fundSource: '一般公共预算', category: '项目' })
    await t.call('targets/save', { projectId: p.id, annualGoal: '养护', indicators: completeIndicators('300') })
    const round = await t.call('rounds/save', { stage: 'selfeval', workYear: 2024, title: '2023年度自评', deadline: '2024-06-30', unitIds: [] })
    const item = (await t.call('items/list', { roundId: round.id })).rows[0]!
    const d = await submitSelfEval(t, item.id)
    const sat = d.indicators.find((i) => i.name === '服务对象满意度')!
    await t.call('items/transition', { id: item.id, action: 'return', summary: '评价结论过于简单，请对照年度目标逐项说明', opinions: [{ ref: sat.id, label: '指标“服务对象满意度”', text: '请附满意度调查问卷统计表' }] })

    const exported = await t.call('stageExcel/export', { roundId: round.id, unitIds: [], oneFile: true })
    const wb = await readBook(exported.paths[0]!)
    const ws = wb.getWorksheet('农村公路养护经费')!
    let header = 0
    let opinionCol = 0
    ws.eachRow((row, r) => row.eachCell((c, n) => {
      if (String(c.value).startsWith('审核意见')) [header, opinionCol] = [r, n]
    }))
    expect(header).toBeGreaterThan(0)
    let satRow = 0
    let projectRow = 0
    for (let r = header + 1; r <= ws.rowCount; r++) {
      if (ws.getCell(r, 3).value === '服务对象满意度') satRow = r
      if (String(ws.getCell(r, 1).value ?? '').startsWith('财政局审核意见')) projectRow = r
    }
    expect(ws.getCell(satRow, opinionCol).value).toBe('请附满意度调查问卷统计表')
    expect(fillOf(ws.getCell(satRow, opinionCol))).toBe('FFFFC7CE')
    expect(ws.getCell(projectRow, 3).value).toBe('评价结论过于简单，请对照年度目标逐项说明')
    expect(fillOf(ws.getCell(projectRow, 3))).toBe('FFFFC7CE')
    // Still the unit's form to fill and hand back: it imports without problems.
    const preview = await t.call('stageExcel/preview', { roundId: round.id, fileName: '自评表.xlsx', base64: readFileSync(exported.paths[0]!).toString('base64') })
    expect(preview.problems).toEqual([])
    expect(preview.rows[0]!.detail).toMatch(/导入后提交审核$/)
  })
})

describe('a filled 监控表 submits what it filled', () => {
  async function monitoringRound() {
    const t = await setUp()
    const targets = await t.call('rounds/save', { stage: 'targets', workYear: 2024, title: '目标', deadline: null, unitIds: [] })
    for (const r of (await t.call('items/list', { roundId: targets.id })).rows) {
      await t.call('targets/save', { projectId: r.projectId, annualGoal: '按期完成年度任务', indicators: completeIndicators(String(r.amountFen / 1_000_000)) })
    }
    const round = await t.call('rounds/save', { stage: 'monitoring', workYear: 2024, title: '2024年1-9月绩效运行监控', deadline: '2024-10-20', asOfMonth: 9, unitIds: [] })
    const exported = await t.call('stageExcel/export', { roundId: round.id, unitIds: [], oneFile: true })
    return { t, round, path: exported.paths[0]! }
  }

  /** Fills the exported 监控表 as a unit would: per project its figures, per indicator its values. */
  async function fill(path: string, projects: Record<string, { executed: number; forecast: number; deviation?: string }>, actual: (project: string, indicator: string) => string) {
    const wb = await readBook(path)
    const ps = wb.getWorksheet('项目执行')!
    const ph = headers(ps)
    for (const [name, f] of Object.entries(projects)) {
      const row = rowWhere(ps, ph.get('项目名称')!, name)
      row.getCell(ph.get('1-9月执行数（万元）')!).value = f.executed
      row.getCell(ph.get('全年预计执行数（万元）')!).value = f.forecast
      if (f.deviation) row.getCell(ph.get('偏差原因说明')!).value = f.deviation
    }
    const is = wb.getWorksheet('指标完成')!
    const ih = headers(is)
    for (let r = 4; r <= is.rowCount; r++) {
      const row = is.getRow(r)
      const project = String(row.getCell(ih.get('项目名称')!).value ?? '')
      if (!projects[project]) continue
      const name = String(row.getCell(ih.get('三级指标')!).value)
      const op = String(row.getCell(ih.get('指标性质')!).value)
      row.getCell(ih.get('1-9月完成值')!).value = actual(project, name)
      row.getCell(ih.get('全年预计完成值')!).value = op === '定性' ? '达成年度指标' : String(row.getCell(ih.get('指标值')!).value)
      row.getCell(ih.get('完成目标可能性')!).value = '确定能'
    }
    return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64')
  }
  const onTarget = (_p: string, name: string) => ({ 清扫保洁面积: '100', 生活垃圾无害化处理率: '96', 资金拨付及时率: '98', 项目总成本: '1000', 城乡人居环境改善: '达成年度指标', 长效管护机制建立: '达成年度指标', 服务对象满意度: '92' })[name] ?? '90'

  it('takes a returned unit’s corrected 自评表 back although it still holds an approved project, refusing it only when changed', async () => {
    const t = await setUp()
    for (const [code, name] of [['A2', '农村公路养护经费'], ['A3', '农村公路安全生命防护工程']] as const) {
      const p = await t.call('projects/save', { budgetYear: 2023, unitId: t.units.jsj.id, code, name, amountWan: '300', fundSource: '一般公共预算', category: '项目' })
      await t.call('targets/save', { projectId: p.id, annualGoal: '养护', indicators: completeIndicators('300') })
    }
    const round = await t.call('rounds/save', { stage: 'selfeval', workYear: 2024, title: '2023年度自评', deadline: '2024-06-30', unitIds: [] })
    const items = new Map((await t.call('items/list', { roundId: round.id })).rows.map((r) => [r.projectName, r]))
    for (const item of items.values()) await submitSelfEval(t, item.id)
    await t.signInAs('王芳', ['预算股'])
    await t.call('items/transition', { id: items.get('农村公路养护经费')!.id, action: 'approve', conclusion: '优', summary: '', opinions: [] })
    await t.call('items/transition', { id: items.get('农村公路安全生命防护工程')!.id, action: 'return', summary: '评价结论过于简单', opinions: [] })
    await t.signInAs('管理员')

    const exported = await t.call('stageExcel/export', { roundId: round.id, unitIds: [], oneFile: true })
    const wb = await readBook(exported.paths[0]!)
    // The unit answers the returned project's opinion in its 评价结论 and hands the whole workbook back.
    const returned = wb.getWorksheet('农村公路安全生命防护工程')!
    returned.eachRow((row) => row.eachCell((c) => {
      if (c.value === '完成年度目标') c.value = '完成年度目标：养护里程、拨付及时率和满意度均达到批复指标'
    }))
    const preview = await t.call('stageExcel/preview', { roundId: round.id, fileName: '交通局-自评表（修改）.xlsx', base64: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') })
    expect(preview.problems).toEqual([])
    expect(preview.rows.map((r) => r.projectName)).toEqual(['农村公路安全生命防护工程'])
    expect(preview.warnings!.map((w) => w.message)).toContain('项目“农村公路养护经费”已审核通过，表中未改动，不再导入')

    // A 完成值 of the approved project changed in the workbook: refused, naming the project.
    const approved = wb.getWorksheet('农村公路养护经费')!
    approved.eachRow((row) => row.eachCell((c) => {
      if (c.value === '120' || c.value === 120) c.value = 60
    }))
    const changed = await t.call('stageExcel/preview', { roundId: round.id, fileName: '改了已审核的.xlsx', base64: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') })
    expect(changed.problems.map((p) => p.message)).toContain('项目“农村公路养护经费”已审核通过，表中却有改动，不能通过导入修改；如需修改请先撤销审核')
  })

  it('submits complete projects, says so in the preview, and keeps back the incomplete with the reason', async () => {
    const { t, round, path } = await monitoringRound()
    // 住建局 is complete; 教育局 typed words into a numeric 完成值.
    const base64 = await fill(path, { 城乡环卫一体化经费: { executed: 1000, forecast: 1573 }, 学生资助补助经费: { executed: 200, forecast: 320.5 } }, (p, name) =>
      p === '学生资助补助经费' && name === '生活垃圾无害化处理率' ? '约九成' : onTarget(p, name),
    )
    const preview = await t.call('stageExcel/preview', { roundId: round.id, fileName: '监控表.xlsx', base64 })
    expect(preview.problems).toEqual([])
    expect(preview.summary).toMatchObject({ itemsFilled: 2, itemsSubmitted: 1 })
    const byName = new Map(preview.rows.map((r) => [r.projectName, r.detail]))
    expect(byName.get('城乡环卫一体化经费')).toMatch(/；导入后提交审核$/)
    expect(byName.get('学生资助补助经费')).toContain('仍有1处需完善（指标“生活垃圾无害化处理率”的1-9月完成值“约九成”不是数字')
    expect(byName.get('学生资助补助经费')).toContain('导入后暂不提交审核')
    // The preview changed nothing.
    expect((await t.call('rounds/get', { id: round.id })).counts).toMatchObject({ 待填报: 2 })

    const summary = await t.call('stageExcel/apply', { roundId: round.id, fileName: '监控表.xlsx', base64 })
    expect(summary).toMatchObject({ itemsFilled: 2, itemsSubmitted: 1 })
    const items = new Map((await t.call('items/list', { roundId: round.id })).rows.map((r) => [r.projectName, r]))
    expect(items.get('城乡环卫一体化经费')!.status).toBe('已填报')
    expect(items.get('学生资助补助经费')!.status).toBe('待填报')
    const d = await t.call('items/get', { id: items.get('城乡环卫一体化经费')!.id })
    expect(d.reviews.map((r) => [r.action, r.summary])).toEqual([['submit', '导入《监控表.xlsx》']])
    // The held-back item says where the problem is, and 提交审核 is refused with the same words.
    const held = await t.fail('items/transition', { id: items.get('学生资助补助经费')!.id, action: 'submit' })
    expect(held.message).toContain('指标“生活垃圾无害化处理率”的1-9月完成值“约九成”不是数字：定量指标（≥95%）的1-9月完成值只填数字')
  })

  it('a returned 监控表 comes back with the opinions on its project row and indicator row', async () => {
    const { t, round, path } = await monitoringRound()
    await t.call('stageExcel/apply', { roundId: round.id, fileName: '监控表.xlsx', base64: await fill(path, { 城乡环卫一体化经费: { executed: 1000, forecast: 1573 } }, onTarget) })
    const item = (await t.call('items/list', { roundId: round.id })).rows.find((r) => r.projectName === '城乡环卫一体化经费')!
    const ind = (await t.call('items/get', { id: item.id })).indicators.find((i) => i.name === '资金拨付及时率')!
    await t.call('items/transition', { id: item.id, action: 'return', summary: '执行进度说明不充分', opinions: [{ ref: ind.id, label: '指标“资金拨付及时率”', text: '请核实拨付凭证后填写' }] })
    const again = await t.call('stageExcel/export', { roundId: round.id, unitIds: [t.units.jsj.id], oneFile: false })
    const wb = await readBook(again.paths[0]!)
    const ps = wb.getWorksheet('项目执行')!
    const ph = headers(ps)
    const pRow = rowWhere(ps, ph.get('项目名称')!, '城乡环卫一体化经费')
    expect(pRow.getCell(ph.get('审核意见（请按意见修改后重新报送）')!).value).toBe('执行进度说明不充分')
    const is = wb.getWorksheet('指标完成')!
    const ih = headers(is)
    const iRow = rowWhere(is, ih.get('三级指标')!, '资金拨付及时率')
    const cell = iRow.getCell(ih.get('审核意见（请按意见修改后重新报送）')!)
    expect(cell.value).toBe('请核实拨付凭证后填写')
    expect(fillOf(cell)).toBe('FFFFC7CE')
    // What the unit had filled is still there to correct.
    expect(iRow.getCell(ih.get('1-9月完成值')!).value).toBe('98')
  })

  it('takes a returned unit’s corrected 监控表 back although it still holds approved projects, refusing only a changed one', async () => {
    const { t, round, path } = await monitoringRound()
    await t.call('stageExcel/apply', {
      roundId: round.id,
      fileName: '监控表.xlsx',
      base64: await fill(path, { 城乡环卫一体化经费: { executed: 1000, forecast: 1573 }, 学生资助补助经费: { executed: 200, forecast: 320.5 } }, onTarget),
    })
    const items = new Map((await t.call('items/list', { roundId: round.id })).rows.map((r) => [r.projectName, r]))
    await t.signInAs('王芳', ['预算股'])
    await t.call('items/transition', { id: items.get('学生资助补助经费')!.id, action: 'approve', summary: '' })
    await t.call('items/transition', { id: items.get('城乡环卫一体化经费')!.id, action: 'return', summary: '执行数与国库支付数不符', opinions: [] })
    await t.signInAs('管理员')
    const again = await t.call('stageExcel/export', { roundId: round.id, unitIds: [], oneFile: true })
    const wb = await readBook(again.paths[0]!)
    const ps = wb.getWorksheet('项目执行')!
    const ph = headers(ps)
    rowWhere(ps, ph.get('项目名称')!, '城乡环卫一体化经费').getCell(ph.get('1-9月执行数（万元）')!).value = 1100
    const preview = await t.call('stageExcel/preview', { roundId: round.id, fileName: '监控表（修改）.xlsx', base64: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') })
    expect(preview.problems).toEqual([])
    expect(preview.rows.map((r) => r.projectName)).toEqual(['城乡环卫一体化经费'])
    expect(preview.warnings!.map((w) => w.message)).toEqual(['项目“学生资助补助经费”已审核通过，表中未改动，不再导入'])
    expect(preview.summary).toMatchObject({ itemsFilled: 1, itemsSubmitted: 1 })
    // The approved project's figure changed: refused, named.
    rowWhere(ps, ph.get('项目名称')!, '学生资助补助经费').getCell(ph.get('1-9月执行数（万元）')!).value = 210
    const changed = await t.call('stageExcel/preview', { roundId: round.id, fileName: '改了已审核的.xlsx', base64: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') })
    expect(changed.problems.map((p) => p.message)).toEqual(['项目“学生资助补助经费”已审核通过，表中却有改动，不能通过导入修改；如需修改请先撤销审核'])
  })

  it('执行数 above 全年预算 stops the submission until a 说明 is given, then stays a warning', async () => {
    const { t, round, path } = await monitoringRound()
    const base64 = await fill(path, { 学生资助补助经费: { executed: 350, forecast: 350 } }, onTarget)
    const preview = await t.call('stageExcel/preview', { roundId: round.id, fileName: '监控表.xlsx', base64 })
    expect(preview.rows[0]!.detail).toContain('1-9月执行数350.00万元超过全年预算数320.50万元，须在“偏差原因说明”中说明原因')
    expect(preview.summary.itemsSubmitted).toBe(0)

    const explained = await fill(path, { 学生资助补助经费: { executed: 350, forecast: 350, deviation: '年中追加学生资助资金29.5万元，预算尚未调整' } }, onTarget)
    const summary = await t.call('stageExcel/apply', { roundId: round.id, fileName: '监控表.xlsx', base64: explained })
    expect(summary.itemsSubmitted).toBe(1)
    const item = (await t.call('items/list', { roundId: round.id })).rows.find((r) => r.projectName === '学生资助补助经费')!
    expect(item.status).toBe('已填报')
    const d = await t.call('items/get', { id: item.id })
    expect(d.problems).toContainEqual({ severity: 'warning', index: null, message: '1-9月执行数350.00万元超过全年预算数320.50万元（已说明：年中追加学生资助资金29.5万元，预算尚未调整）' })
  })
})

describe('dates that must come in order', () => {
  it('refuses an engagement whose 交付期限 or 报告日期 precedes its 合同日期', async () => {
    const t = await setUp()
    const p = await t.call('projects/save', { budgetYear: 2023, unitId: t.units.jsj.id, code: '530323230001', name: '农村公路养护', amountWan: '800', fundSource: '一般公共预算', category: '项目' })
    const round = await t.call('rounds/save', { stage: 'fiscaleval', workYear: 2024, title: '2023年度财政再评价', deadline: '2024-12-20', unitIds: [], projectIds: [p.id] })
    const agency = await t.call('agencies/save', { name: '云南某会计师事务所', creditCode: '', contact: '', phone: '', qualifications: '', notes: '' })
    const base = { roundId: round.id, agencyId: agency.id, services: '重点评价', quality: '', feeWan: '6', method: '竞争性磋商', periodStart: null, periodEnd: null, notes: '' }
    const late = await t.fail('engagements/save', { ...base, contractDate: '2024-11-04', deliverBy: '2024-10-30', reportDate: null })
    expect(late.message).toBe('第三方委托：交付期限（2024-10-30）早于合同日期（2024-11-04），请核对日期')
    const report = await t.fail('engagements/save', { ...base, contractDate: '2024-11-04', deliverBy: '2024-12-10', reportDate: '2024-11-01' })
    expect(report.message).toBe('第三方委托：报告日期（2024-11-01）早于合同日期（2024-11-04），请核对日期')
    const ok = await t.call('engagements/save', { ...base, contractDate: '2024-11-04', deliverBy: '2024-12-10', reportDate: '2024-12-08' })
    expect(ok.contractDate).toBe('2024-11-04')
  })

  it('refuses a round deadline before its notice’s date, whichever is set second', async () => {
    const t = await setUp()
    const round = await t.call('rounds/save', { stage: 'targets', workYear: 2024, title: '2024年度预算绩效目标编审', deadline: '2024-03-15', unitIds: [] })
    const n = await t.call('docs/draft', { kind: 'targets-notice', recordId: round.id })
    const issue = (date: string) => ({ kind: 'targets-notice' as const, recordId: round.id, title: n.title, recipients: n.recipients, body: n.body, attachments: n.attachments, copyTo: '', date, serial: null })
    const early = await t.fail('docs/issue', issue('2024-03-20'))
    expect(early.message).toBe('任务截止日期（2024-03-15）早于通知的成文日期（2024-03-20）：单位收到通知时已过截止日期，请把截止日期改到通知日期之后')
    await t.call('docs/issue', issue('2024-02-20'))
    const moved = await t.fail('rounds/save', { id: round.id, stage: 'targets', workYear: 2024, title: round.title, deadline: '2024-02-10', unitIds: [] })
    expect(moved.message).toBe('任务截止日期（2024-02-10）早于《关于做好2024年度预算绩效目标编审工作的通知》的成文日期（2024-02-20）：单位收到通知时已过截止日期，请把截止日期改到通知日期之后')
    expect((await t.call('rounds/save', { id: round.id, stage: 'targets', workYear: 2024, title: round.title, deadline: '2024-03-31', unitIds: [] })).deadline).toBe('2024-03-31')
  })
})
