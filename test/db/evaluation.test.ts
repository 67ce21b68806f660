/** 自评, 财政评价, 整改, agencies and the 考评表 against a real SQLite file. */
import JSZip from 'jszip'
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, makeSetUpBackend } from '../helpers/backend'
import { completeIndicators } from '../helpers/stage-setup'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach(cleanup))
const xml = async (path: string) => (await JSZip.loadAsync(readFileSync(path))).file('word/document.xml')!.async('string')

async function setUp(now = '2024-12-01T09:00:00') {
  const t = await makeSetUpBackend({ now: () => new Date(now) })
  dirs.push(t.dataDir)
  const unit = await t.call('units/save', { code: '101043', name: '师宗县交通运输局', parentName: '', divisionId: t.divisions.jkw.id })
  const road = await t.call('projects/save', { budgetYear: 2023, unitId: unit.id, code: 'A1', name: '师宗县解决农村公路建设项目', amountWan: '5216.32', fundSource: '一般公共预算', category: '项目' })
  const other = await t.call('projects/save', { budgetYear: 2023, unitId: unit.id, code: 'A2', name: '农村公路养护经费', amountWan: '300', fundSource: '一般公共预算', category: '项目' })
  await t.call('targets/save', { projectId: road.id, annualGoal: '完成农村公路建设任务', indicators: completeIndicators('5216.32') })
  await t.call('targets/save', { projectId: other.id, annualGoal: '养护', indicators: completeIndicators('300') })
  return { ...t, unit, road, other }
}

describe('单位自评', () => {
  it('scores by rule, keeps overrides with their reason and author, totals and grades', async () => {
    const t = await setUp()
    const round = await t.call('rounds/save', { stage: 'selfeval', workYear: 2024, title: '2023年度部门预算绩效自评', deadline: '2024-06-30', unitIds: [] })
    expect(round).toMatchObject({ budgetYear: 2023, itemCount: 2 })
    const item = (await t.call('items/list', { roundId: round.id })).rows.find((r) => r.projectId === t.road.id)!
    const d = await t.call('items/get', { id: item.id })
    expect(d.evaluation!.values.map((v) => v.weight)).toEqual([15, 10, 10, 15, 20, 10, 10])
    const actual: Record<string, string> = {
      清扫保洁面积: '108', // 90% of 120 → 13.5 of 15
      生活垃圾无害化处理率: '96',
      资金拨付及时率: '95',
      项目总成本: '5216.32',
      城乡人居环境改善: '达成年度指标',
      长效管护机制建立: '部分达成年度指标并具有一定效果', // 7 of 10
      服务对象满意度: '92',
    }
    const values = d.indicators.map((i) => ({ indicatorId: i.id, actual: actual[i.name]!, inapplicable: false, finalScore: null, overrideReason: '', reason: i.name === '清扫保洁面积' ? '雨季影响施工' : i.name === '长效管护机制建立' ? '管护制度尚在完善' : '' }))
    const funds = [
      { source: '当年财政资金', initialWan: '5000', budgetWan: '5216.32', executedWan: '5000' },
      { source: '上年结转资金', initialWan: '0', budgetWan: '0', executedWan: '0' },
    ]
    const saved = await t.call('selfeval/save', { itemId: item.id, funds, values, conclusion: '项目基本完成年度目标', problems: '', improvements: '加强管护' })
    const e = saved.evaluation!
    expect(e.totals).toMatchObject({ budgetFen: 5_216_320_000, executedFen: 5_000_000_000 })
    expect(e.executionRate).toBe(95.85)
    expect(e.executionScore).toBe(9.59)
    expect(e.values.map((v) => v.finalScore)).toEqual([13.5, 10, 10, 15, 20, 7, 10])
    expect(e.totalScore).toBe(95.09) // 9.59 + 85.5
    expect(e.grade).toBe('优')
    expect(saved.problems.filter((p) => p.severity === 'error')).toEqual([])

    // An override without a reason is refused; with one it is kept beside the suggestion.
    const bump = values.map((v) => (v.actual === '108' ? { ...v, finalScore: 15 } : v))
    expect((await t.fail('selfeval/save', { itemId: item.id, funds, values: bump, conclusion: 'x', problems: '', improvements: '' })).message).toBe('指标“清扫保洁面积”的得分15与按规则计算的建议分13.5不同，请填写调整理由')
    const over = await t.call('selfeval/save', { itemId: item.id, funds, values: bump.map((v) => (v.finalScore === 15 ? { ...v, overrideReason: '合同面积调整为108万平方米，已全部完成' } : v)), conclusion: 'x', problems: '', improvements: '' })
    const v0 = over.evaluation!.values[0]!
    expect(v0).toMatchObject({ suggestedScore: 13.5, finalScore: 15, overrideReason: '合同面积调整为108万平方米，已全部完成', overrideBy: '李明' })

    // Dropping an indicator as 不适用 rescales the total.
    const dropped = await t.call('selfeval/save', { itemId: item.id, funds, values: values.map((v) => (v.actual === '92' ? { ...v, inapplicable: true } : v)), conclusion: 'x', problems: '', improvements: '' })
    expect(dropped.evaluation!.totalScore).toBe(94.54) // (9.59+75.5)/90×100
  })

  it('asks for an explanation when 执行率 is under 90% or an indicator is not met, and names blank values', async () => {
    const t = await setUp()
    const round = await t.call('rounds/save', { stage: 'selfeval', workYear: 2024, title: 'r', deadline: null, unitIds: [] })
    const item = (await t.call('items/list', { roundId: round.id })).rows.find((r) => r.projectId === t.other.id)!
    const d = await t.call('items/get', { id: item.id })
    const saved = await t.call('selfeval/save', {
      itemId: item.id,
      funds: [{ source: '当年财政资金', initialWan: '300', budgetWan: '300', executedWan: '240' }],
      values: d.indicators.map((i, k) => ({ indicatorId: i.id, actual: k === 0 ? '60' : k === 1 ? '' : i.operator === '定性' ? '达成年度指标' : i.targetValue, inapplicable: false, finalScore: null, overrideReason: '', reason: '' })),
      conclusion: '',
      problems: '',
      improvements: '',
    })
    const msgs = saved.problems.map((p) => p.message)
    expect(msgs).toContain('预算执行率80%低于90%，须说明原因')
    expect(msgs).toContain('指标“清扫保洁面积”未完全完成，须填写偏差原因')
    expect(msgs).toContain('指标“生活垃圾无害化处理率”未填写实际完成值')
    expect(msgs).toContain('未填写评价结论')
    expect(saved.evaluation!.totalScore).toBeNull()
    expect((await t.fail('items/transition', { id: item.id, action: 'submit' })).message).toContain('预算执行率80%低于90%')
  })
})

describe('自评 checks carried from the targets', () => {
  it('warns of a 正向 indicator written with ≤ and a cost in 元 beside funds in 万元', async () => {
    const t = await setUp()
    const slips = completeIndicators('300').map((i) =>
      i.name === '服务对象满意度' ? { ...i, level1: '效益指标', level2: '社会效益指标', name: '群众知晓率', operator: '≤' } : i.name === '项目总成本' ? { ...i, unit: '元' } : i,
    )
    await t.call('targets/save', { projectId: t.other.id, annualGoal: '养护', indicators: slips })
    const round = await t.call('rounds/save', { stage: 'selfeval', workYear: 2024, title: 'r', deadline: null, unitIds: [] })
    const item = (await t.call('items/list', { roundId: round.id })).rows.find((r) => r.projectId === t.other.id)!
    const warnings = (await t.call('items/get', { id: item.id })).problems.filter((p) => p.severity === 'warning').map((p) => p.message)
    expect(warnings).toContain('指标“群众知晓率”是正向指标（越高越好），却使用了“≤”，请确认指标性质')
    expect(warnings).toContain('指标“项目总成本”为300元，而项目资金为300.00万元，数额相差上万倍，请核对单位是否应为“万元”')
  })
})

describe('财政评价, 整改, 第三方机构', () => {
  it('selects projects, records the agency and results, issues 整改通知, tracks 整改报告 and overdue, rates the agency', async () => {
    const t = await setUp('2024-12-27T09:00:00')
    const cand = await t.call('fiscaleval/candidates', { budgetYear: 2023, minWan: '1000' })
    expect(cand.rows.map((r) => r.name)).toEqual(['师宗县解决农村公路建设项目'])
    expect(cand.totalFen).toBe(5_216_320_000)
    expect((await t.fail('rounds/save', { stage: 'fiscaleval', workYear: 2024, title: 'x', deadline: null })).message).toBe('请先选择要开展财政评价的项目')
    const round = await t.call('rounds/save', { stage: 'fiscaleval', workYear: 2024, title: '2023年度财政重点绩效评价', deadline: '2024-12-20', projectIds: [t.road.id] })
    expect(round).toMatchObject({ itemCount: 1, totalFen: 5_216_320_000 })

    const agency = await t.call('agencies/save', { name: '云南永盛会计师事务所有限公司', creditCode: '91530000MA6K4XXXX1'.replace(/X/g, '1'), contact: '王会计', phone: '0874-0000000', qualifications: '会计师事务所执业证书', notes: '' })
    expect((await t.fail('agencies/save', { name: 'x', creditCode: '123', contact: '', phone: '', qualifications: '', notes: '' })).message).toContain('统一社会信用代码')
    const eng = await t.call('engagements/save', { roundId: round.id, agencyId: agency.id, services: '对4个项目开展财政重点绩效评价并出具报告', quality: '符合财政部绩效评价报告要求', deliverBy: '2024-12-20', feeWan: '8.5', method: '询价', contractDate: '2024-11-05', periodStart: '2024-11-06', periodEnd: '2024-12-20', reportDate: '2024-12-18', notes: '' })
    expect(eng).toMatchObject({ projectCount: 1, feeFen: 8_500_000, finalScore: null })

    const [item] = (await t.call('items/list', { roundId: round.id })).rows
    const res = await t.call('fiscaleval/save', { itemId: item!.id, totalScore: 82.5, findings: ['部分路段未按期完工', '项目资料归档不完整'], conclusion: '项目总体完成较好。', consequence: '' })
    expect(res.evaluation).toMatchObject({ totalScore: 82.5, grade: '良', consequence: '下年度预算优先保障', findings: ['部分路段未按期完工', '项目资料归档不完整'] })

    // 整改: the notice needs the requirement first, then carries deadline and copies.
    expect((await t.fail('docs/draft', { kind: 'rectify-notice', recordId: item!.id })).message).toContain('请先为')
    const rect = await t.call('rectify/save', { itemId: item!.id, deadline: '2024-12-26', copies: 2, requirements: '', status: '未整改' })
    expect(rect).toMatchObject({ overdue: true, status: '未整改' }) // today is 12-27
    const n = await t.call('docs/draft', { kind: 'rectify-notice', recordId: item!.id })
    expect(n.title).toBe('关于师宗县解决农村公路建设项目绩效财政评价结果反馈及存在问题整改的通知')
    expect(n.body).toContain('于2024年12月26日前一式两份分别报送县财政局预算股')
    expect(n.body).toContain('1. 部分路段未按期完工。')
    const issued = await t.call('docs/issue', { kind: 'rectify-notice', recordId: item!.id, title: n.title, recipients: n.recipients, body: n.body, attachments: [], copyTo: '', date: '2024-12-10', serial: 108 })
    expect(issued.entry.docNumber).toBe('师财预〔2024〕108号')
    expect((await t.call('rectify/list', { overdueOnly: true }))[0]).toMatchObject({ noticeNumber: '师财预〔2024〕108号', overdue: true })
    expect((await t.fail('rectify/save', { itemId: item!.id, deadline: '2024-12-26', status: '已整改', reportDate: null, reportContent: '' })).message).toContain('须填写整改报告收到日期')
    await t.call('rectify/save', { itemId: item!.id, deadline: '2024-12-26', status: '已整改', reportDate: '2024-12-25', reportContent: '已完成剩余路段施工并补齐档案' })
    expect(await t.call('rectify/list', { overdueOnly: true })).toEqual([])

    // 考评表: two raters, final = average; the agency's history carries it.
    const scores = { ability: 13, staff: 15, communication: 17, facts: 21, advice: 20 }
    expect((await t.fail('ratings/save', { engagementId: eng.id, rater: '财政部门', raterName: '李明', scores: { ...scores, staff: 16 } })).message).toBe('考评项目“人员稳定”得分16超过其分值15')
    await t.call('ratings/save', { engagementId: eng.id, rater: '被评价单位', raterName: '交通运输局', scores })
    const rated = await t.call('ratings/save', { engagementId: eng.id, rater: '财政部门', raterName: '李明', scores: { ...scores, facts: 23 } })
    expect(rated.ratings.map((r) => r.total)).toEqual([86, 88])
    expect(rated.finalScore).toBe(87)
    expect((await t.call('agencies/list', {}))[0]).toMatchObject({ engagementCount: 1, averageScore: 87 })

    const rating = await t.call('docs/draft', { kind: 'agency-rating', recordId: eng.id })
    const doc = await t.call('docs/issue', { kind: 'agency-rating', recordId: eng.id, title: rating.title, recipients: '', body: rating.body, attachments: [], copyTo: '', date: '2024-12-27', serial: null })
    expect(await xml(doc.path)).toContain('取平均分87分为最终得分')

    await t.call('items/transition', { id: item!.id, action: 'submit' })
    await t.signInAs('王芳') // the reviewer: nobody approves what they submitted
    await t.call('items/transition', { id: item!.id, action: 'approve' })
    const report = await t.call('docs/draft', { kind: 'eval-report', recordId: round.id })
    expect(report.recipients).toBe('县委、县人大常委会、县人民政府、县纪委县监委')
    expect(report.body).toContain('委托第三方机构云南永盛会计师事务所有限公司实施财政重点绩效评价')
    expect(report.body).toContain('（师财预〔2024〕108号）')
    const op = await t.call('docs/draft', { kind: 'eval-opinion', recordId: item!.id })
    expect(op.body).toContain('“良”，下年度预算优先保障')

    // 结果运用: when the project comes up again, its evaluation shows beside it.
    const again = await t.call('exante/save', { workYear: 2024, unitId: t.unit.id, projectName: '师宗县解决农村公路建设项目', amountWan: '3000', fundSource: '一般公共预算', basis: '', scores: {} })
    expect(again.evaluationNote).toBe('2023年财政评价：良（82.5分），下年度预算优先保障')
    const moved = await t.call('projects/save', { budgetYear: 2025, unitId: t.unit.id, code: '', name: '师宗县解决农村公路建设项目', amountWan: '3000', fundSource: '一般公共预算', category: '项目' })
    const lib = await t.call('projects/list', { budgetYear: 2025 })
    expect(lib.rows.find((r) => r.id === moved.id)!.evaluationNote).toBe('2023年财政评价：良（82.5分），下年度预算优先保障')
  })
})

describe('自评表 Excel in and out', () => {
  it('exports the 自评表 pre-filled, imports a filled one with preview, and scores it like the form', async () => {
    const ExcelJS = (await import('exceljs')).default
    const t = await setUp()
    const round = await t.call('rounds/save', { stage: 'selfeval', workYear: 2024, title: '2023年度自评', deadline: '2024-06-30', unitIds: [] })
    const out = await t.call('stageExcel/export', { roundId: round.id, unitIds: [], oneFile: true })
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(out.paths[0]!)
    const sheets = wb.worksheets.filter((w) => !['填表说明', '下拉列表'].includes(w.name))
    expect(sheets.map((s) => s.name).sort()).toEqual(['农村公路养护经费', '师宗县解决农村公路建设项目'].sort())
    const ws = sheets.find((s) => s.name === '农村公路养护经费')!
    expect(ws.getCell(7, 3).value).toBe(300) // 全年预算数 pre-filled in 万元
    ws.getCell(7, 4).value = 285 // 全年执行数
    const actual = ['120', '100', '96', '280', '达成年度指标', '达成年度指标', '93']
    actual.forEach((a, k) => (ws.getCell(13 + k, 7).value = a))
    ws.getCell(13 + 6, 9).value = 9 // the unit scores 满意度 9 of 10: kept, marked as its own score
    ws.getCell(13 + 6, 10).value = '个别群众对养护频次有意见'
    // This workbook carries only the project filled in; the other one goes in another file.
    wb.removeWorksheet(sheets.find((s) => s !== ws)!.id)
    for (const [label, text] of [['评价结论', '项目完成年度目标'], ['存在问题', '无'], ['改进措施', '持续加强养护']]) {
      ws.eachRow((row, r) => {
        if (String(row.getCell(1).value ?? '').startsWith(label!)) ws.getCell(r, 3).value = text!
      })
    }
    const base64 = Buffer.from(await wb.xlsx.writeBuffer()).toString('base64')
    const preview = await t.call('stageExcel/preview', { roundId: round.id, fileName: '养护自评表.xlsx', base64 })
    expect(preview.problems).toEqual([])
    expect(preview.summary.itemsFilled).toBe(1)
    // Complete, so handing it in is its submission, as the preview says.
    expect(preview.summary.itemsSubmitted).toBe(1)
    expect(preview.rows[0]!.detail).toBe('自评得分98.5分（优）；导入后提交审核')
    await t.call('stageExcel/apply', { roundId: round.id, fileName: '养护自评表.xlsx', base64 })
    const item = (await t.call('items/list', { roundId: round.id })).rows.find((r) => r.projectId === t.other.id)!
    expect(item.status).toBe('已填报')
    const e = (await t.call('items/get', { id: item.id })).evaluation!
    expect(e.totals).toMatchObject({ budgetFen: 300_000_000, executedFen: 285_000_000 })
    expect(e.executionScore).toBe(9.5)
    expect(e.values[6]).toMatchObject({ suggestedScore: 10, finalScore: 9, overrideReason: '单位自评表填报得分（导入《养护自评表.xlsx》）' })
    expect(e.totalScore).toBe(98.5) // 9.5 + 80 + 9
    expect(e.conclusion).toBe('项目完成年度目标')
  })
})
