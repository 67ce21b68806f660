/**
 * Form-shaped workbooks (form-fixtures.ts) imported as-is through stageExcel/preview and apply on a
 * real SQLite file. Expected scores are worked out by hand from the rules (the comment beside each
 * number shows the arithmetic), not taken from the code.
 */
import ExcelJS from 'exceljs'
import { afterEach, describe, expect, it } from 'vitest'
import { MATCH_CREATE } from '../../shared/domain'
import type { IndicatorInput } from '../../shared/indicators'
import { cleanup, makeSetUpBackend } from '../helpers/backend'
import * as F from './form-fixtures'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach(cleanup))

const ind = (level1: string, level2: string, name: string, operator: string, targetValue: string, unit: string, weight: number | null): IndicatorInput => ({ level1, level2, name, operator, targetValue, unit, weight, explanation: '' })

const ROAD = [
  ind('产出指标', '数量指标', '养护里程', '≥', '120', '公里', 20),
  ind('产出指标', '质量指标', '路面完好率', '≥', '90', '%', 15),
  ind('产出指标', '时效指标', '养护任务完成及时率', '≥', '95', '%', 10),
  ind('产出指标', '成本指标', '养护成本', '≤', '300', '万元', 15),
  ind('效益指标', '社会效益指标', '群众出行条件', '定性', '明显改善', '', 20),
  ind('满意度指标', '服务对象满意度指标', '群众满意度', '≥', '90', '%', 10),
]
const AID = [
  ind('产出指标', '数量指标', '资助学生人数', '≥', '1200', '人', 30),
  ind('产出指标', '质量指标', '资助对象认定准确率', '=', '100', '%', 20),
  ind('产出指标', '时效指标', '资金发放及时率', '≥', '95', '%', 10),
  ind('效益指标', '社会效益指标', '家庭经济困难学生就学保障', '定性', '有效保障', '', 20),
  ind('满意度指标', '服务对象满意度指标', '受助学生满意度', '≥', '90', '%', 10),
]
const MEALS = [
  ind('产出指标', '数量指标', '补助学生人数', '≥', '1200', '人', 30),
  ind('产出指标', '质量指标', '补助对象认定准确率', '=', '100', '%', 20),
  ind('产出指标', '时效指标', '资金发放及时率', '≥', '95', '%', 10),
  ind('产出指标', '成本指标', '生均补助标准', '≤', '2500', '元', 10),
  ind('效益指标', '社会效益指标', '学生营养状况改善', '定性', '有效改善', '', 10),
  ind('满意度指标', '服务对象满意度指标', '学生家长满意度', '≥', '90', '%', 10),
]
const SANITATION = [
  ind('产出指标', '数量指标', '清扫保洁面积', '≥', '120', '万平方米', 20),
  ind('产出指标', '质量指标', '生活垃圾无害化处理率', '≥', '95', '%', 15),
  ind('产出指标', '时效指标', '资金拨付及时率', '≥', '95', '%', 10),
  ind('产出指标', '成本指标', '项目总成本', '≤', '1573', '万元', 15),
  ind('效益指标', '社会效益指标', '城乡人居环境改善', '定性', '明显改善', '', 20),
  ind('满意度指标', '服务对象满意度指标', '服务对象满意度', '≥', '90', '%', 10),
]

async function backend() {
  const t = await makeSetUpBackend({ now: () => new Date('2024-05-10T09:00:00') })
  dirs.push(t.dataDir)
  const jtj = await t.call('units/save', { code: '101043', name: '师宗县交通运输局', parentName: '', divisionId: t.divisions.jkw.id })
  const jyj = await t.call('units/save', { code: '101024', name: '师宗县教育体育局', parentName: '', divisionId: t.divisions.jkw.id })
  const zjj = await t.call('units/save', { code: '101041', name: '师宗县住房和城乡建设局', parentName: '', divisionId: t.divisions.jkw.id })
  return { ...t, units: { jtj, jyj, zjj } }
}

async function selfEvalSetUp() {
  const t = await backend()
  const mk = async (unitId: string, code: string, name: string, amountWan: string, list: IndicatorInput[]) => {
    const p = await t.call('projects/save', { budgetYear: 2023, unitId, code, name, amountWan, fundSource: '一般公共预算', category: '项目' })
    await t.call('targets/save', { projectId: p.id, annualGoal: '年度目标', indicators: list })
    return p
  }
  const road = await mk(t.units.jtj.id, 'A1', '农村公路养护经费', '300', ROAD)
  const aid = await mk(t.units.jyj.id, '530323230001', '学生资助补助经费', '320.5', AID)
  const meals = await mk(t.units.jyj.id, '530323230002', '营养改善计划补助经费', '320.5', MEALS)
  const sanitation = await mk(t.units.zjj.id, '530323230009', '城乡环卫一体化经费', '1573', SANITATION)
  const round = await t.call('rounds/save', { stage: 'selfeval', workYear: 2024, title: '2023年度自评', deadline: '2024-06-30', unitIds: [] })
  const evaluation = async (projectId: string) => {
    const item = (await t.call('items/list', { roundId: round.id })).rows.find((r) => r.projectId === projectId)!
    return (await t.call('items/get', { id: item.id })).evaluation!
  }
  return { ...t, round, road, aid, meals, sanitation, evaluation }
}

const b64 = (b: Buffer) => b.toString('base64')

describe('自评表 forms imported as-is', () => {
  it('财政部 form: 总额 above its 其中 rows is not added to them (the doubled 全年预算), unit’s own 得分 kept and flagged', async () => {
    const t = await selfEvalSetUp()
    const base64 = b64(await F.mofRoad())
    const preview = await t.call('stageExcel/preview', { roundId: t.round.id, fileName: '公路养护自评表.xlsx', base64 })
    expect(preview.problems).toEqual([])
    expect(preview.matching).toEqual([])
    expect(preview.rows).toHaveLength(1)
    expect(preview.rows[0]!.detail).toContain('按《财政部项目支出绩效自评表（财预〔2020〕10号附件）》读取')
    expect(preview.rows[0]!.detail).toContain('自评得分97.67分（优）')
    expect(preview.warnings!.map((w) => w.message)).toContain('指标“群众满意度”单位填报得分9，按规则建议10分：保留单位得分，建议分一并记录，审核时请确认')
    await t.call('stageExcel/apply', { roundId: t.round.id, fileName: '公路养护自评表.xlsx', base64 })
    const e = await t.evaluation(t.road.id)
    // 300万元 is the 总额; 280 + 20 are its parts. Read as sources it would have been 600 and 200%.
    expect(e.totals).toMatchObject({ budgetFen: 300_000_000, executedFen: 285_000_000 })
    expect(e.funds.map((f) => [f.source, f.budgetFen, f.executedFen])).toEqual([
      ['当年财政资金', 280_000_000, 270_000_000],
      ['上年结转资金', 20_000_000, 15_000_000],
    ])
    expect(e.executionRate).toBe(95) // 285 / 300
    expect(e.executionScore).toBe(9.5) // 95% × 10
    // 养护里程 120 ≥ 120 → 20; 路面完好率 85/90 × 15 = 14.17; 及时率 100 ≥ 95 → 10; 成本 285 ≤ 300 → 15;
    // 定性 达成年度指标 → 100% of 20; 满意度 93 ≥ 90 → 10 by rule, the unit typed 9 (kept).
    expect(e.values.map((v) => v.suggestedScore)).toEqual([20, 14.17, 10, 15, 20, 10])
    expect(e.values.map((v) => v.finalScore)).toEqual([20, 14.17, 10, 15, 20, 9])
    expect(e.values[5]!.overrideReason).toBe('单位自评表填报得分（导入《公路养护自评表.xlsx》）')
    expect(e.totalScore).toBe(97.67) // 9.5 + 20 + 14.17 + 10 + 15 + 20 + 9
    expect(e.grade).toBe('优')
  })

  it('财政部 form has no 评价结论 row: its 实际完成情况 stands as the conclusion and the import submits; a blank 评价结论 row does not', async () => {
    const t = await selfEvalSetUp()
    const base64 = b64(await F.mofRoad())
    const preview = await t.call('stageExcel/preview', { roundId: t.round.id, fileName: '公路养护自评表.xlsx', base64 })
    expect(preview.summary).toMatchObject({ itemsFilled: 1, itemsSubmitted: 1 })
    expect(preview.rows[0]!.detail).toContain('表中没有“评价结论”栏，以年度总体目标的“实际完成情况”作为评价结论；导入后提交审核')
    await t.call('stageExcel/apply', { roundId: t.round.id, fileName: '公路养护自评表.xlsx', base64 })
    const item = (await t.call('items/list', { roundId: t.round.id })).rows.find((r) => r.projectId === t.road.id)!
    expect(item.status).toBe('已填报')
    expect((await t.evaluation(t.road.id)).conclusion).toBe('年度总体目标完成情况：完成养护120公里，路面完好率85%')

    // The same form with a 评价结论 row the unit left empty: not filled in for it.
    const u = await selfEvalSetUp()
    const ExcelJS = (await import('exceljs')).default
    const wb = new ExcelJS.Workbook()
    const ws = F.mofRoadSheet(wb)
    ws.getCell('A21').value = '评价结论'
    ws.mergeCells('A21:B21')
    const blank = b64(Buffer.from(await wb.xlsx.writeBuffer()))
    const held = await u.call('stageExcel/preview', { roundId: u.round.id, fileName: '公路养护自评表.xlsx', base64: blank })
    expect(held.summary).toMatchObject({ itemsFilled: 1, itemsSubmitted: 0 })
    expect(held.rows[0]!.detail).toContain('未填写评价结论')
  })

  it('财政部 form, two projects in one workbook, amounts in 元, trailing colons, "/" as 不适用', async () => {
    const t = await selfEvalSetUp()
    const base64 = b64(await F.mofTwoProjects())
    const preview = await t.call('stageExcel/preview', { roundId: t.round.id, fileName: '教育住建.xlsx', base64 })
    expect(preview.problems).toEqual([])
    expect(preview.matching).toEqual([])
    expect(preview.rows.map((r) => r.projectName).sort()).toEqual(['城乡环卫一体化经费', '学生资助补助经费'])
    await t.call('stageExcel/apply', { roundId: t.round.id, fileName: '教育住建.xlsx', base64 })

    const aid = await t.evaluation(t.aid.id)
    expect(aid.totals).toMatchObject({ budgetFen: 320_500_000, executedFen: 288_450_000 }) // 3,205,000 元 and 2,884,500 元
    expect(aid.executionScore).toBe(9) // 90%
    // 1250 ≥ 1200 → 30; =100 with 100 → 20; 90/95 × 10 = 9.47; 基本完成 = level 2 → 70% of 20 = 14; "/" → 不适用
    expect(aid.values.map((v) => v.finalScore)).toEqual([30, 20, 9.47, 14, null])
    expect(aid.values[4]!.inapplicable).toBe(true)
    expect(aid.totalScore).toBe(91.63) // (9 + 73.47) / (10 + 80) × 100
    expect(aid.grade).toBe('优')

    const san = await t.evaluation(t.sanitation.id)
    expect(san.totals).toMatchObject({ budgetFen: 1_573_000_000, executedFen: 1_415_700_000 })
    // 126 ≥ 120 → 20; 96 ≥ 95 → 15; 95 ≥ 95 → 10; 1415.7 ≤ 1573 → 15;
    // "未达成年度指标" is level 3 (30% of 20 = 6), not full marks by its first four characters; 88/90 × 10 = 9.78
    expect(san.values.map((v) => v.finalScore)).toEqual([20, 15, 10, 15, 6, 9.78])
    expect(san.totalScore).toBe(84.78) // 9 + 75.78
    expect(san.grade).toBe('良')
  })

  it('a 总额 of 0 beside a 其中 of 89.97 is an error naming both cells, not 100分（优）', async () => {
    const t = await selfEvalSetUp()
    const base64 = b64(await F.mofZeroTotal())
    const preview = await t.call('stageExcel/preview', { roundId: t.round.id, fileName: '零总额.xlsx', base64 })
    expect(preview.problems).toContainEqual({
      sheet: '零总额',
      row: 6,
      column: 'D（全年预算数）',
      message: '“年度资金总额”的全年预算数（D6）为0.00万元，与其中各项（D7）之和89.97万元不符；总额与其中各项不会相加，请改正其中一处',
    })
    expect(preview.summary.itemsFilled).toBe(0)
    const err = await t.fail('stageExcel/apply', { roundId: t.round.id, fileName: '零总额.xlsx', base64 })
    expect(err.code).toBe('IMPORT_INVALID')
    expect((await t.evaluation(t.road.id)).totalScore).toBeNull()
  })

  it('provincial form: 编码-名称, full-width 指标性质, 原因 for 执行率 below 90%, footer', async () => {
    const t = await selfEvalSetUp()
    const base64 = b64(await F.provinceMeals())
    const preview = await t.call('stageExcel/preview', { roundId: t.round.id, fileName: '营养改善.xlsx', base64 })
    expect(preview.problems).toEqual([])
    expect(preview.rows[0]!.detail).toContain('省级项目支出绩效自评表')
    await t.call('stageExcel/apply', { roundId: t.round.id, fileName: '营养改善.xlsx', base64 })
    const e = await t.evaluation(t.meals.id)
    expect(e.executionRate).toBe(80) // 256.4 / 320.5
    expect(e.executionScore).toBe(8)
    expect(e.executionNote).toBe('部分学生转学，补助资金年底已收回')
    // 1180/1200 × 30 = 29.5; ﹦100 → 20; ≧95 with 95% → 10; ≦2500 with 2600: (5000−2600)/2500 × 10 = 9.6;
    // 较好 = level 2 → 7 of 10; 92 ≥ 90 → 10
    expect(e.values.map((v) => v.finalScore)).toEqual([29.5, 20, 10, 9.6, 7, 10])
    expect(e.totalScore).toBe(94.1) // 8 + 86.1
    expect(e.grade).toBe('优')
    expect([e.conclusion, e.problems, e.improvements]).toEqual(['项目较好完成年度目标', '资金支付进度偏慢', '加快资金审核发放'])
  })

  it('财政部 form whose typed 总分 and execution 得分 differ from the rule: both kept beside the rule’s, flagged; the same total again is not flagged; a save from the screen keeps the unit’s figure', async () => {
    const t = await selfEvalSetUp()
    const base64 = b64(await F.mofRoadOwnTotal())
    const preview = await t.call('stageExcel/preview', { roundId: t.round.id, fileName: '公路养护自评表.xlsx', base64 })
    expect(preview.problems).toEqual([])
    const warnings = preview.warnings!.map((w) => w.message)
    // Rule: 执行率 285/300 = 95% → 9.5; total 9.5 + 20 + 14.17 + 10 + 15 + 20 + 9 (the unit's own 9) = 97.67.
    expect(warnings).toContain('单位填报总分92分，按规则和单位各项得分计算为97.67分（优）：保留单位填报总分，计算结果一并记录，审核时请确认')
    expect(warnings).toContain('单位填报的预算执行得分10分，按金额计算为9.5分：保留单位得分，计算结果一并记录，审核时请确认')
    expect(preview.warnings!.find((w) => w.message.startsWith('单位填报总分'))).toMatchObject({ row: 20, column: 'H（总分）' })
    expect(preview.warnings!.find((w) => w.message.startsWith('单位填报的预算执行得分'))).toMatchObject({ row: 6, column: 'H（预算执行得分）' })
    expect(preview.rows[0]!.detail).toContain('自评得分97.67分（优）；1个指标保留单位填报得分；单位填报预算执行得分10分，按金额计算9.5分；单位填报总分92分，按规则计算97.67分')
    await t.call('stageExcel/apply', { roundId: t.round.id, fileName: '公路养护自评表.xlsx', base64 })
    const e = await t.evaluation(t.road.id)
    expect([e.totalScore, e.grade, e.unitTotalScore]).toEqual([97.67, '优', 92])
    expect([e.executionScore, e.unitExecutionScore]).toEqual([9.5, 10])

    // Saved from the screen (which never sends the unit's figures): they stay.
    const item = (await t.call('items/list', { roundId: t.round.id })).rows.find((r) => r.projectId === t.road.id)!
    const saved = await t.call('selfeval/save', {
      itemId: item.id,
      funds: [
        { source: '当年财政资金', initialWan: '280', budgetWan: '280', executedWan: '270' },
        { source: '上年结转资金', initialWan: '20', budgetWan: '20', executedWan: '15' },
      ],
      values: e.values.map((v) => ({ indicatorId: v.indicatorId, actual: v.actual, inapplicable: v.inapplicable, finalScore: v.finalScore, overrideReason: v.overrideReason, reason: v.reason || '已说明' })),
      conclusion: '基本完成',
      problems: '',
      improvements: '',
    })
    expect([saved.evaluation!.totalScore, saved.evaluation!.unitTotalScore, saved.evaluation!.unitExecutionScore]).toEqual([97.67, 92, 10])

    // The unit sends the form again with the total the rule gives: kept, not flagged.
    const again = b64(await F.mofRoad())
    const second = await t.call('stageExcel/preview', { roundId: t.round.id, fileName: '公路养护自评表（改）.xlsx', base64: again })
    expect(second.problems).toEqual([])
    expect(second.warnings!.filter((w) => w.message.includes('单位填报总分') || w.message.includes('预算执行得分'))).toEqual([])
    expect(second.rows[0]!.detail).not.toContain('单位填报总分')
    await t.call('stageExcel/apply', { roundId: t.round.id, fileName: '公路养护自评表（改）.xlsx', base64: again })
    const e2 = await t.evaluation(t.road.id)
    expect([e2.totalScore, e2.unitTotalScore, e2.executionScore, e2.unitExecutionScore]).toEqual([97.67, 97.67, 9.5, 9.5])
  })

  it('provincial form without 原因 columns: those rules become warnings; a typed 总分 is kept beside the rule and flagged', async () => {
    const t = await selfEvalSetUp()
    const base64 = b64(await F.provinceSanitation())
    const preview = await t.call('stageExcel/preview', { roundId: t.round.id, fileName: '环卫.xlsx', base64 })
    expect(preview.problems).toEqual([])
    // 住房和城乡建设局 without 师宗县 matches the unit; no ids needed.
    expect(preview.matching).toEqual([])
    const warnings = preview.warnings!.map((w) => w.message)
    expect(warnings).toContain('预算执行率为85%，低于90%，本表没有原因说明列，请在自评页面补充原因')
    expect(warnings).toContain('指标“资金拨付及时率”未达到指标值，但本表没有偏差原因（未完成原因分析）列，无法说明原因；如需说明请在自评页面补充')
    expect(warnings).toContain('指标“城乡人居环境改善”单位填报得分16，按规则建议14分：保留单位得分，建议分一并记录，审核时请确认')
    expect(warnings).toContain('单位填报总分95分，按规则和单位各项得分计算为93.97分（优）：保留单位填报总分，计算结果一并记录，审核时请确认')
    await t.call('stageExcel/apply', { roundId: t.round.id, fileName: '环卫.xlsx', base64 })
    const e = await t.evaluation(t.sanitation.id)
    expect(e.executionScore).toBe(8.5) // 1337.05 / 1573 = 85%
    // 20; 95% ≡ 95 → 15; 90/95 × 10 = 9.47 (typed the same); 反向 1337.05 ≤ 1573 → 15;
    // 部分达成 → 14 by rule, the unit's 16 kept (within level 2's 60–80%); 93 → 10
    expect(e.values.map((v) => v.suggestedScore)).toEqual([20, 15, 9.47, 15, 14, 10])
    expect(e.values.map((v) => v.finalScore)).toEqual([20, 15, 9.47, 15, 16, 10])
    expect(e.totalScore).toBe(93.97) // 8.5 + 85.47
    expect(e.unitTotalScore).toBe(95)
  })

  it('a project without approved targets is refused rather than scored on 执行率 alone', async () => {
    const t = await selfEvalSetUp()
    await t.call('targets/save', { projectId: t.road.id, annualGoal: '年度目标', indicators: [] })
    const preview = await t.call('stageExcel/preview', { roundId: t.round.id, fileName: '养护.xlsx', base64: b64(await F.mofRoad()) })
    expect(preview.problems.map((p) => p.message)).toEqual(['项目“农村公路养护经费”没有已批复的绩效目标，无法按指标自评；请先在“绩效目标”中录入或导入该项目的申报表'])
    expect(preview.rows).toEqual([])
  })

  it('a sheet that matches no project goes to the matching step and is applied only once picked', async () => {
    const t = await selfEvalSetUp()
    const wb = new (await import('exceljs')).default.Workbook()
    await wb.xlsx.load((await F.mofRoad()) as never)
    wb.worksheets[0]!.getCell('C3').value = '农村公路日常养护' // not the 项目库's name
    const base64 = b64(Buffer.from(await wb.xlsx.writeBuffer()))
    const preview = await t.call('stageExcel/preview', { roundId: t.round.id, fileName: '养护.xlsx', base64 })
    expect(preview.rows).toEqual([])
    expect(preview.matching).toHaveLength(1)
    const m = preview.matching![0]!
    expect(m).toMatchObject({ sheet: '农村公路养护', read: '师宗县交通运输局 · 农村公路日常养护', canCreate: false })
    expect(m.reason).toBe('找不到项目“农村公路日常养护”（该单位的项目已排在选择列表前面）')
    // The unit's own projects first.
    expect(m.candidates[0]!.label).toBe('师宗县交通运输局 · 农村公路养护经费（A1）')
    expect((await t.fail('stageExcel/apply', { roundId: t.round.id, fileName: '养护.xlsx', base64 })).message).toContain('有 1 张工作表还没有对应到项目')
    const matches = { 农村公路养护: m.candidates[0]!.id }
    const again = await t.call('stageExcel/preview', { roundId: t.round.id, fileName: '养护.xlsx', base64, matches })
    expect(again.matching).toEqual([])
    expect(again.rows).toHaveLength(1)
    await t.call('stageExcel/apply', { roundId: t.round.id, fileName: '养护.xlsx', base64, matches })
    expect((await t.evaluation(t.road.id)).totalScore).toBe(97.67)
  })
})

describe('申报表 forms imported as-is', () => {
  async function targetsSetUp() {
    const t = await backend()
    const sanitation = await t.call('projects/save', { budgetYear: 2024, unitId: t.units.zjj.id, code: '530323240001', name: '城乡环卫一体化经费', amountWan: '1573', fundSource: '一般公共预算', category: '项目' })
    const aid = await t.call('projects/save', { budgetYear: 2024, unitId: t.units.jyj.id, code: '530323240002', name: '学生资助补助经费', amountWan: '320.5', fundSource: '一般公共预算', category: '项目' })
    const round = await t.call('rounds/save', { stage: 'targets', workYear: 2024, title: '2024年度绩效目标', deadline: null, unitIds: [] })
    const targets = async (projectId: string) => t.call('targets/get', { projectId })
    return { ...t, sanitation, aid, round, targets }
  }
  const rowsOf = (list: { name: string; operator: string; targetValue: string; unit: string; weight: number | null }[]) => list.map((i) => `${i.name}|${i.operator}|${i.targetValue}|${i.unit}|${i.weight ?? ''}`)

  it('local template: inline "≥95%" / "≤1573万元" split into operator, value and unit', async () => {
    const t = await targetsSetUp()
    const base64 = b64(await F.targetsSanitation())
    const preview = await t.call('stageExcel/preview', { roundId: t.round.id, fileName: '申报表.xlsx', base64 })
    expect(preview.problems).toEqual([])
    expect(preview.matching).toEqual([])
    expect(preview.summary).toMatchObject({ projectsCreated: 0, indicatorsCreated: 7, itemsFilled: 1 })
    await t.call('stageExcel/apply', { roundId: t.round.id, fileName: '申报表.xlsx', base64 })
    const got = await t.targets(t.sanitation.id)
    expect(got.project.annualGoal).toBe('完成城乡生活垃圾清运和环卫保洁，城乡人居环境明显改善')
    expect(got.problems.filter((p) => p.severity === 'error')).toEqual([])
    expect(rowsOf(got.indicators)).toEqual([
      '清扫保洁面积|≥|120|万平方米|',
      '生活垃圾无害化处理率|≥|95|%|',
      '资金拨付及时率|≥|95|%|',
      '项目总成本|≤|1573|万元|',
      '城乡人居环境改善|定性|明显改善||',
      '长效管护机制建立|定性|建立健全||',
      '服务对象满意度|≥|90|%|',
    ])
    expect(got.indicators[3]!.explanation).toBe('按合同价')
  })

  it('two forms in one workbook: a known project by unit + name (no county prefix), a new one added to the 项目库 when picked', async () => {
    const t = await targetsSetUp()
    const base64 = b64(await F.targetsTwoProjects())
    const preview = await t.call('stageExcel/preview', { roundId: t.round.id, fileName: '教育局申报表.xlsx', base64 })
    expect(preview.problems).toEqual([])
    expect(preview.rows.map((r) => r.projectName)).toEqual(['学生资助补助经费'])
    expect(preview.matching).toHaveLength(1)
    expect(preview.matching![0]).toMatchObject({ sheet: 'B新项目', read: '师宗县教育体育局 · 校园安全设施改造', canCreate: true })
    const matches = { B新项目: MATCH_CREATE }
    const again = await t.call('stageExcel/preview', { roundId: t.round.id, fileName: '教育局申报表.xlsx', base64, matches })
    expect(again.matching).toEqual([])
    expect(again.summary).toMatchObject({ projectsCreated: 1, itemsFilled: 2 })
    await t.call('stageExcel/apply', { roundId: t.round.id, fileName: '教育局申报表.xlsx', base64, matches })
    const aid = await t.targets(t.aid.id)
    expect(rowsOf(aid.indicators)).toEqual(['资助学生人数|≥|1200|人|', '资助对象认定准确率|=|100|%|', '资金发放及时率|≥|95|%|', '生均资助标准|≤|2500|元|', '家庭经济困难学生就学保障|定性|有效保障||', '受助学生满意度|≥|90|%|'])
    const list = await t.call('projects/list', { budgetYear: 2024 })
    const created = list.rows.find((p) => p.name === '校园安全设施改造')!
    expect(created).toMatchObject({ unitName: '师宗县教育体育局', amountFen: 50_000_000 })
    // 3,205,000 元 = 3,000,000 + 205,000: the 总额 is the project's amount, unchanged
    expect(list.rows.find((p) => p.name === '学生资助补助经费')!.amountFen).toBe(320_500_000)
  })

  it('current-practice fields: matched by 项目编码 although the name is worded differently; 年度资金申请总额 checked against its parts', async () => {
    const t = await targetsSetUp()
    const base64 = b64(await F.targetsByCode())
    const preview = await t.call('stageExcel/preview', { roundId: t.round.id, fileName: '环卫申报.xlsx', base64 })
    expect(preview.problems).toEqual([])
    expect(preview.matching).toEqual([])
    await t.call('stageExcel/apply', { roundId: t.round.id, fileName: '环卫申报.xlsx', base64 })
    const got = await t.targets(t.sanitation.id)
    expect(rowsOf(got.indicators)).toEqual([
      '清扫保洁面积|≥|120|万平方米|20',
      '生活垃圾无害化处理率|≥|95|%|15',
      '资金拨付及时率|≥|95|%|10',
      '项目总成本|≤|1573|万元|15',
      '城乡人居环境改善|定性|明显改善||20',
      '服务对象满意度|≥|90|%|10',
    ])
    const p = (await t.call('projects/list', { budgetYear: 2024 })).rows.find((r) => r.id === t.sanitation.id)!
    expect(p.name).toBe('城乡环卫一体化经费') // the 项目库's name is kept
    expect(p.amountFen).toBe(1_573_000_000)
  })

  it('a form kept back from 提交审核 says what to complete, as the clerk’s 提交审核 would', async () => {
    const t = await targetsSetUp()
    // The unit weighted its indicators to 100 (the county asks for 90: 10 is the 预算执行 of the 自评).
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load((await F.targetsByCode()) as never)
    wb.worksheets[0]!.getCell('G17').value = 20
    const base64 = Buffer.from(await wb.xlsx.writeBuffer()).toString('base64')
    const preview = await t.call('stageExcel/preview', { roundId: t.round.id, fileName: '环卫申报.xlsx', base64 })
    expect(preview.problems).toEqual([])
    expect(preview.summary).toMatchObject({ itemsFilled: 1, itemsSubmitted: 0 })
    expect(preview.rows[0]!.detail).toContain('仍有1处需完善（指标权重合计为100，应为90），导入后暂不提交审核')
    await t.call('stageExcel/apply', { roundId: t.round.id, fileName: '环卫申报.xlsx', base64 })
    const items = (await t.call('items/list', { roundId: t.round.id })).rows
    expect(items.find((r) => r.projectId === t.sanitation.id)!.status).toBe('待填报')
  })
})
