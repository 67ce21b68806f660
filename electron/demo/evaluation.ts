/**
 * Demo data for 绩效评价 and the year's documents, after the source report: a 自评 round over 2023
 * projects, a 财政再评价 of four key projects (15718.94万元) by 云南永盛会计师事务所, four 整改通知
 * (师财预〔2024〕105–108号, reports due 12月26日 in duplicate), a 考评表 averaged from two raters, and
 * the notices with the numbers the report cites.
 */
import { api, type ApiInput } from '../../shared/api'
import type { Channel } from '../../shared/channels'
import type { IndicatorInput } from '../../shared/indicators'
import type { Ctx, Handlers } from '../handlers/context'
import { DEMO_OPERATORS } from './data'

export const KEY_PROJECTS = [
  { name: '师宗县解决农村公路建设项目', unit: '师宗县交通运输局', wan: '5216.32', fund: '一般公共预算', category: '项目', serial: 108, score: 84.5 },
  { name: '师宗县城乡居民基本医疗保险', unit: '师宗县医疗保障局', wan: '7852.17', fund: '社会保险基金预算', category: '项目', serial: 106, score: 88 },
  { name: '师宗县疫情防控隔离酒店和隔离板房改造项目', unit: '师宗县卫生健康局', wan: '986.45', fund: '一般公共预算', category: '项目', serial: 107, score: 76.5 },
  { name: '师宗县不锈钢产业园区基础设施配套建设项目', unit: '师宗县工业商务和信息化局', wan: '1664', fund: '政府性基金预算', category: '专项债券', serial: 105, score: 79 },
] as const

const FINDINGS: Record<string, string[]> = {
  师宗县解决农村公路建设项目: ['部分路段未按合同工期完工', '项目竣工资料归档不完整', '绩效目标中的成本指标未细化'],
  师宗县城乡居民基本医疗保险: ['个别乡镇参保信息更新不及时', '满意度调查样本量偏小'],
  师宗县疫情防控隔离酒店和隔离板房改造项目: ['改造后设施利用率低', '资产登记入账不及时', '项目决策论证不充分'],
  师宗县不锈钢产业园区基础设施配套建设项目: ['专项债券资金支出进度滞后', '部分配套设施未投入使用', '项目收益测算依据不足'],
}

function targets(wan: string): IndicatorInput[] {
  return [
    { level1: '产出指标', level2: '数量指标', name: '完成建设（保障）任务数', operator: '≥', targetValue: '100', unit: '%', weight: 15, explanation: '' },
    { level1: '产出指标', level2: '质量指标', name: '验收合格率', operator: '≥', targetValue: '100', unit: '%', weight: 10, explanation: '' },
    { level1: '产出指标', level2: '时效指标', name: '资金拨付及时率', operator: '≥', targetValue: '95', unit: '%', weight: 10, explanation: '' },
    { level1: '产出指标', level2: '成本指标', name: '项目总成本', operator: '≤', targetValue: wan, unit: '万元', weight: 15, explanation: '' },
    { level1: '效益指标', level2: '社会效益指标', name: '群众生产生活条件改善', operator: '定性', targetValue: '明显改善', unit: '', weight: 20, explanation: '' },
    { level1: '效益指标', level2: '可持续影响指标', name: '长效管护机制建立', operator: '定性', targetValue: '建立健全', unit: '', weight: 10, explanation: '' },
    { level1: '满意度指标', level2: '服务对象满意度指标', name: '受益群众满意度', operator: '≥', targetValue: '90', unit: '%', weight: 10, explanation: '' },
  ]
}

/** Calls a handler the way dispatch does, input parsed by the contract (amounts in 万元 → 分). */
function caller(ctx: Ctx, h: Handlers) {
  return <C extends Channel>(c: C, input: ApiInput<C>) => (h[c] as (i: unknown, x: Ctx) => Promise<unknown>)(api[c].input.parse(input), ctx) as Promise<never>
}

/**
 * Units hand in their 自评 through a clerk; nobody approves what they submitted, so the demo's
 * submissions are recorded under another demo operator than the one loading it.
 */
async function submitAsClerk(ctx: Ctx, h: Handlers, itemId: string) {
  const me = ctx.session.operatorId
  const ops = await h['operators/list']({}, ctx)
  const clerk = ops.find((o) => o.id !== me && o.active && DEMO_OPERATORS.some((d) => d.name === o.name))
  ctx.session.operatorId = clerk?.id ?? me
  try {
    await caller(ctx, h)('items/transition', { id: itemId, action: 'submit' })
  } finally {
    ctx.session.operatorId = me
  }
}

export async function loadEvaluationDemo(ctx: Ctx, h: Handlers, unitIds: Map<string, string>): Promise<Record<string, number>> {
  const call = caller(ctx, h)
  // 2023 projects: the four key projects and a sample of ordinary ones for the 自评 round.
  const projects: { id: string; name: string; wan: string }[] = []
  for (const k of KEY_PROJECTS) {
    const p: { id: string } = await call('projects/save', { budgetYear: 2023, unitId: unitIds.get(k.unit)!, code: '', name: k.name, amountWan: k.wan, fundSource: k.fund, category: k.category })
    projects.push({ id: p.id, name: k.name, wan: k.wan })
  }
  const ordinary = ['师宗县教育体育局', '师宗县农业农村局', '师宗县民政局', '师宗县水务局', '师宗县文化和旅游局', '师宗县林业和草原局', '师宗县人力资源和社会保障局', '师宗县住房和城乡建设局']
  for (const [i, unit] of ordinary.entries()) {
    const wan = String(120 + i * 37.5)
    const p: { id: string } = await call('projects/save', { budgetYear: 2023, unitId: unitIds.get(unit)!, code: '', name: `${unit.replace('师宗县', '')}2023年度业务工作经费`, amountWan: wan, fundSource: '一般公共预算', category: '项目' })
    projects.push({ id: p.id, name: unit, wan })
  }
  for (const p of projects) await call('targets/save', { projectId: p.id, annualGoal: '按期完成年度建设和保障任务，资金使用规范，群众满意。', indicators: targets(p.wan) })

  // 单位自评: every 2023 project scored from its 自评表.
  const self: { id: string } = await call('rounds/save', { stage: 'selfeval', workYear: 2024, title: '2023年度县本级部门预算财政支出绩效自评', deadline: '2024-06-30', unitIds: [] })
  const selfItems: { rows: { id: string; projectId: string; amountFen: number }[] } = await call('items/list', { roundId: self.id })
  for (const [k, it] of selfItems.rows.entries()) {
    const d: { indicators: { id: string; name: string; operator: string; targetValue: string }[] } = await call('items/get', { id: it.id })
    const budgetWan = (it.amountFen / 1_000_000).toFixed(2)
    const executedWan = ((it.amountFen * (k % 4 === 2 ? 0.86 : 0.97)) / 1_000_000).toFixed(2)
    await call('selfeval/save', {
      itemId: it.id,
      funds: [{ source: '当年财政资金', initialWan: budgetWan, budgetWan, executedWan }],
      values: d.indicators.map((ind, j) => ({
        indicatorId: ind.id,
        actual: ind.operator === '定性' ? (j === 5 && k % 3 === 0 ? '部分达成年度指标并具有一定效果' : '达成年度指标') : j === 0 && k % 2 === 1 ? '92' : ind.operator === '≤' ? executedWan : ind.targetValue,
        inapplicable: false,
        finalScore: null,
        overrideReason: '',
        reason: (j === 0 && k % 2 === 1) || (j === 5 && k % 3 === 0) ? '受资金到位时间影响，部分任务延至次年完成' : '',
      })),
      conclusion: '项目基本完成年度绩效目标，资金使用规范。',
      executionNote: k % 4 === 2 ? '部分工程款按合同约定于次年结算，资金结转至下年使用。' : '',
      problems: k % 4 === 2 ? '预算执行率低于90%。' : '',
      improvements: '加强项目前期论证和执行进度管理。',
    })
    await submitAsClerk(ctx, h, it.id)
    await call('items/transition', { id: it.id, action: 'approve' })
  }

  // 财政再评价 of the four key projects by a third-party firm.
  const agency: { id: string } = await call('agencies/save', { name: '云南永盛会计师事务所有限公司', creditCode: '', contact: '赵会计师', phone: '0874-5000000', qualifications: '会计师事务所执业证书；具有预算绩效评价业务经验', notes: '通过询价方式选定' })
  const keyIds = projects.slice(0, KEY_PROJECTS.length).map((p) => p.id)
  const fiscal: { id: string } = await call('rounds/save', { stage: 'fiscaleval', workYear: 2024, title: '县本级2023年度预算支出绩效财政再评价', deadline: '2024-12-20', projectIds: keyIds })
  const eng: { id: string } = await call('engagements/save', {
    roundId: fiscal.id,
    agencyId: agency.id,
    services: '对4个专项资金开展财政重点绩效评价，制定评价实施方案，开展实地评价并提交评价报告',
    quality: '评价报告符合财预〔2020〕10号要求，数据准确、事实清楚、结论客观',
    deliverBy: '2024-12-20',
    feeWan: '12.8',
    method: '询价',
    contractDate: '2024-11-06',
    periodStart: '2024-11-08',
    periodEnd: '2024-12-20',
    reportDate: '2024-12-18',
    notes: '',
  })
  const fiscalItems: { rows: { id: string; projectName: string }[] } = await call('items/list', { roundId: fiscal.id })
  const scoreOf = new Map<string, (typeof KEY_PROJECTS)[number]>(KEY_PROJECTS.map((k) => [k.name, k]))
  for (const it of fiscalItems.rows) {
    const k = scoreOf.get(it.projectName)!
    await call('fiscaleval/save', { itemId: it.id, totalScore: k.score, findings: FINDINGS[k.name] ?? [], conclusion: '项目立项依据充分，资金基本按规定使用，绩效目标大部分实现。', consequence: '' })
    await call('rectify/save', { itemId: it.id, deadline: '2024-12-26', copies: 2, requirements: '请对评价发现的问题逐项制定整改措施，明确责任人和完成时限。', status: k.serial === 106 ? '已整改' : '整改中', reportDate: k.serial === 106 ? '2024-12-24' : null, reportContent: k.serial === 106 ? '已更新参保信息并扩大满意度调查样本。' : '' })
    await submitAsClerk(ctx, h, it.id)
    await call('items/transition', { id: it.id, action: 'approve' })
    await call('items/resultUse', { id: it.id, resultUse: '评价结果运用于2025年部门预算安排。', isPublic: true, publicDate: '2024-12-31' })
  }
  const items = ['ability', 'staff', 'communication', 'facts', 'advice']
  await call('ratings/save', { engagementId: eng.id, rater: '被评价单位', raterName: '师宗县交通运输局', scores: Object.fromEntries(items.map((k, i) => [k, [13, 15, 17, 21, 20][i]!])) })
  await call('ratings/save', { engagementId: eng.id, rater: '财政部门', raterName: '县财政局预算股', scores: Object.fromEntries(items.map((k, i) => [k, [14, 15, 18, 22, 21][i]!])) })
  return { selfEvalProjects: selfItems.rows.length, keyEvalProjects: fiscalItems.rows.length }
}

/** Issues the year's notices with the numbers the source report cites (师财预〔2024〕70号 …). */
export async function issueDemoDocuments(ctx: Ctx, h: Handlers): Promise<number> {
  const call = caller(ctx, h)
  const rounds = async (stage: string) => ((await call('rounds/list', { stage: stage as 'targets', workYear: 2024 })) as { id: string }[])[0]!.id
  type Doc = { kind: string; recordId?: string; workYear?: number; date: string; serial: number | null }
  const docs: Doc[] = [
    { kind: 'selfeval-notice', recordId: await rounds('selfeval'), date: '2024-05-15', serial: 2 },
    { kind: 'monitoring-notice', recordId: await rounds('monitoring'), date: '2024-10-08', serial: 70 },
    { kind: 'fiscaleval-notice', recordId: await rounds('fiscaleval'), date: '2024-11-04', serial: 101 },
    { kind: 'monitoring-feedback', recordId: await rounds('monitoring'), date: '2024-11-05', serial: 103 },
    { kind: 'targets-notice', recordId: await rounds('targets'), date: '2024-02-20', serial: 104 }, // before the round's 3月15日 deadline
  ]
  const fiscalItems: { rows: { id: string; projectName: string }[] } = await call('items/list', { roundId: await rounds('fiscaleval') })
  for (const it of fiscalItems.rows) {
    docs.push({ kind: 'rectify-notice', recordId: it.id, date: '2024-12-10', serial: KEY_PROJECTS.find((k) => k.name === it.projectName)!.serial })
  }
  await call('register/add', { prefix: '师财预', year: 2024, serial: 102, title: '师宗县县级部门委托第三方机构参与预算绩效管理工作办法（试行）', recipients: '县直各预算单位', issuedDate: '2024-11-04' })
  docs.push({ kind: 'exante-feedback', workYear: 2024, date: '2024-12-05', serial: null })
  docs.push({ kind: 'eval-report', recordId: await rounds('fiscaleval'), date: '2024-12-30', serial: null })
  for (const d of docs) {
    const draft: { title: string; recipients: string; body: string; attachments: string[]; copyTo: string } = await call('docs/draft', { kind: d.kind as 'exante-feedback', ...(d.recordId ? { recordId: d.recordId } : {}), ...(d.workYear ? { workYear: d.workYear } : {}) })
    await call('docs/issue', { kind: d.kind as 'exante-feedback', ...(d.recordId ? { recordId: d.recordId } : {}), ...(d.workYear ? { workYear: d.workYear } : {}), title: draft.title, recipients: draft.recipients, body: draft.body, attachments: draft.attachments, copyTo: draft.copyTo, date: d.date, serial: d.serial })
  }
  return docs.length + 1
}
