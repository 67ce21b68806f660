/**
 * Documents of the in-year stages: the notices that launch a 绩效目标 or 运行监控 round, the 结果运用
 * 意见书 per reviewed project, and the 运行监控 feedback notice listing each unit's problems.
 */
import { formatChineseDate } from '../../../shared/documents'
import type { ItemDetail, Round, RoundItem } from '../../../shared/domain'
import { formatWan, formatWanPlain, sumFen } from '../../../shared/money'
import { LIGHT_NAMES, type Light } from '../../../shared/monitoring'
import ExcelJS from 'exceljs'
import { AppError } from '../../../shared/result'
import { TARGET_CONSEQUENCE, type TargetConclusion } from '../../../shared/stage'
import type { Ctx } from '../../handlers/context'
import { getRound, itemQuery, loadItemDetail, toItem } from '../../handlers/rounds'
import { renderFormDoc } from '../form-doc'
import { L, renderNotice, scopeAtIssue, SIGN, V } from './common'
import type { Composer } from './types'


async function roundOf(ctx: Ctx, recordId: string | undefined, stage: Round['stage']): Promise<{ round: Round; items: RoundItem[] }> {
  if (!recordId) throw new AppError('VALIDATION', '请先选择任务')
  const round = await getRound(ctx, recordId)
  if (round.stage !== stage) throw new AppError('VALIDATION', '所选任务与文书类型不符')
  const items = (await itemQuery(ctx.db).where('i.round_id', '=', round.id).orderBy('u.code').orderBy('p.name').execute()).map(toItem)
  return { round, items }
}

async function itemOf(ctx: Ctx, recordId: string | undefined, stage: Round['stage']): Promise<ItemDetail> {
  if (!recordId) throw new AppError('VALIDATION', '请先选择项目')
  const d = await loadItemDetail(ctx, recordId)
  if (d.round.stage !== stage) throw new AppError('VALIDATION', '所选项目与文书类型不符')
  if (d.item.status !== '已审核') throw new AppError('VALIDATION', `“${d.item.projectName}”尚未审核通过，不能生成结果运用意见书`)
  return d
}

/**
 * 主送 names the units when they are few, otherwise the kind's 主送 of the settings (县直各预算单位
 * by default).
 */
export function recipientsFor(unitNames: string[], all: string): string {
  const units = [...new Set(unitNames)]
  return units.length > 5 || units.length === 0 ? all : units.join('、')
}

/**
 * How a notice's form reaches the units: not bound in (a county's forms would be one file of every
 * unit's projects), but exported per unit from the round, prefilled with its projects.
 */
export const ROUND_FORM_HOW = '各单位的表由本任务的“导出Excel”按单位导出、预填项目后发给各单位'

const deadlineText = (r: Round) => (r.deadline ? formatChineseDate(r.deadline) : '规定时间')

export const composeTargetsNotice: Composer = async ({ recordId, fresh }, ctx) => {
  const { round, items } = await roundOf(ctx, recordId, 'targets')
  const s = await ctx.settings()
  const y = round.budgetYear
  const key = `targets-notice:${round.id}`
  // The scope as at 下达: units, projects and funds of the round when the notice was first issued.
  const scope = await scopeAtIssue(ctx, { key, fresh }, () => ({ units: new Set(items.map((i) => i.unitId)).size, projects: items.length, amountFen: round.totalFen }))
  const body = [
    `为全面推进预算绩效目标与预算编制同布置、同申报、同审核、同批复、同公开、同运行，持续提升${y}年县级财政支出预算绩效目标编审工作质量，现就做好${y}年度预算绩效目标编审工作通知如下：`,
    '一、编制范围',
    `${y}年县级部门预算安排的所有项目支出均应编制绩效目标，本次涉及${scope.units}个预算单位${scope.projects}个项目，资金${formatWanPlain(scope.amountFen)}万元。`,
    '二、编制原则',
    '（一）指向明确。绩效目标要符合国民经济和社会发展规划、部门职能及事业发展规划，并与相应的预算支出内容、范围、方向、效果紧密相关。',
    '（二）细化量化。绩效指标应从产出、效益、满意度等方面细化设置，能量化的尽量量化，不能量化的以定性描述，但应具有可衡量性。',
    '（三）合理可行。绩效目标要经过调查研究和科学论证，符合客观实际，能够在一定期限内如期实现。',
    '（四）相应匹配。绩效目标要与计划期内的任务数或计划数相对应，与预算确定的投资额或资金量相匹配。',
    '三、申报审批流程',
    `预算单位填写《${y}年度项目支出绩效目标申报表》，报送资金管理股室审核；资金管理股室提出审核意见，审核结论分为“优”“良”“中”“差”四个等级，结论为“中”的退回单位修改后重新报送，结论为“差”的不得进入下一步预算安排流程；预算单位根据审核意见修改完善后再次报送。`,
    '四、工作要求',
    `请各预算单位高度重视，于${deadlineText(round)}前将绩效目标申报表电子版报送县财政局对口资金管理股室。逾期未报送或绩效目标审核未通过的项目，原则上不予安排预算。`,
  ].join('\n')
  const title = `关于做好${y}年度预算绩效目标编审工作的通知`
  return {
    key,
    snapshot: scope,
    records: [{ id: round.id, label: round.title }],
    defaults: { title, ...s.addressees['targets-notice'], body, attachments: [`${y}年度项目支出绩效目标申报表`] },
    separately: [{ title: `${y}年度项目支出绩效目标申报表`, how: ROUND_FORM_HOW }],
    render: (text, st) => renderNotice(text, st),
  }
}

/** A project as the 批复通知 lists it, kept as at 下达 so that a regenerate lists the same. */
interface ApprovalLine {
  unitName: string
  projectName: string
  amountFen: number
  indicators: number
  conclusion: string
}

/**
 * 关于批复…年度项目支出绩效目标的通知: after the review, the approved targets go back to the units
 * (同批复、同公开), one line per project in the annex; "差" is not approved, and projects still under
 * review are said to follow.
 */
export const composeTargetsApproval: Composer = async ({ recordId, fresh }, ctx) => {
  const { round, items } = await roundOf(ctx, recordId, 'targets')
  const s = await ctx.settings()
  const y = round.budgetYear
  const key = `targets-approval:${round.id}`
  const scope = await scopeAtIssue(ctx, { key, fresh }, () => {
    const reviewed = items.filter((i) => i.status === '已审核')
    const approved = reviewed.filter((i) => i.conclusion !== '差')
    if (approved.length === 0) throw new AppError('VALIDATION', '该任务还没有审核通过的绩效目标，无法生成批复通知；请先在列表中审核通过')
    const lines: ApprovalLine[] = approved.map((i) => ({ unitName: i.unitName, projectName: i.projectName, amountFen: i.amountFen, indicators: i.indicatorCount, conclusion: i.conclusion ?? '' }))
    return { lines, refused: reviewed.length - approved.length, pending: items.length - reviewed.length }
  })
  const lines = scope.lines
  const count = (c: string) => lines.filter((l) => l.conclusion === c).length
  const fen = sumFen(lines.map((l) => l.amountFen))
  const tableTitle = `${y}年度项目支出绩效目标批复表`
  const graded = (['优', '良'] as const).filter((c) => count(c)).map((c) => `“${c}”的${count(c)}个`)
  const body = [
    `根据${y}年度预算绩效目标编审工作安排，县财政局对各预算单位报送的${y}年度项目支出绩效目标进行了审核，现将审核通过的绩效目标批复如下：`,
    '一、批复情况',
    `本次批复${new Set(lines.map((l) => l.unitName)).size}个预算单位${lines.length}个项目的绩效目标，涉及资金${formatWanPlain(fen)}万元${graded.length ? `，其中审核结论为${graded.join('、')}` : ''}。` +
      (scope.refused ? `审核结论为“差”的${scope.refused}个项目不予批复，不得进入预算安排流程。` : '') +
      (scope.pending ? `另有${scope.pending}个项目尚未审核通过，审核通过后另行批复。` : '') +
      `各项目批复的绩效目标见附件。`,
    '二、有关要求',
    '（一）各预算单位要将批复的绩效目标随部门预算一并公开，接受社会监督。',
    '（二）批复的绩效目标是开展绩效运行监控、绩效自评和财政评价的依据，执行中原则上不作调整；确需调整的，按程序报县财政局审核。',
    '（三）请各预算单位对照批复的绩效目标组织实施，做好绩效运行监控，确保绩效目标如期实现。',
  ].join('\n')
  return {
    key,
    snapshot: scope,
    records: [{ id: round.id, label: round.title }],
    defaults: {
      title: `关于批复${y}年度项目支出绩效目标的通知`,
      recipients: recipientsFor(lines.map((l) => l.unitName), s.addressees['targets-approval'].recipients),
      body,
      attachments: [tableTitle],
      copyTo: s.addressees['targets-approval'].copyTo,
    },
    bound: (text) => [{ label: '附件', title: text.attachments[0] ?? tableTitle, form: '随文表格' }],
    render: (text, st) =>
      renderNotice(text, st, [
        {
          label: '附件',
          title: text.attachments[0] ?? tableTitle,
          table: {
            columns: [
              { title: '序号', widthMm: 12, align: 'center' },
              { title: '预算单位', widthMm: 44 },
              { title: '项目名称', widthMm: 52 },
              { title: '金额（万元）', widthMm: 24, align: 'right' },
              { title: '指标数', widthMm: 14, align: 'center' },
              { title: '审核结论', widthMm: 14, align: 'center' },
            ],
            rows: lines.map((l, i) => [String(i + 1), l.unitName, l.projectName, formatWan(l.amountFen), String(l.indicators), l.conclusion]),
            footer: ['合计', `${lines.length}个项目`, '', formatWan(fen), String(lines.reduce((n, l) => n + l.indicators, 0)), ''],
          },
        },
      ]),
  }
}

export const composeMonitoringNotice: Composer = async ({ recordId, fresh }, ctx) => {
  const { round, items } = await roundOf(ctx, recordId, 'monitoring')
  const s = await ctx.settings()
  const y = round.budgetYear
  const m = round.asOfMonth ?? 12
  const key = `monitoring-notice:${round.id}`
  const scope = await scopeAtIssue(ctx, { key, fresh }, () => ({ projects: items.length, amountFen: round.totalFen }))
  const body = [
    `为动态了解和掌握预算资金投入项目的实施情况，及时发现预算执行中存在的问题并纠偏，决定对${y}年度县级部门预算开展绩效运行监控。现将有关事项通知如下：`,
    '一、监控范围',
    `${y}年批复下达的县级部门预算项目支出及中央、省、市专项资金，共${scope.projects}个项目，资金${formatWanPlain(scope.amountFen)}万元，全部纳入绩效运行监控。`,
    '二、监控内容',
    `（一）预算执行情况。截至${m}月底的预算执行数、全年预计执行数及执行率。`,
    `（二）绩效目标完成情况。各项绩效指标截至${m}月底的完成值、全年预计完成值及完成目标的可能性。`,
    '（三）偏差原因及纠偏措施。对执行进度滞后或可能无法完成目标的，从经费保障、制度保障、人员保障、硬件条件保障等方面分析原因，提出纠偏措施。',
    '三、结果运用',
    '县财政局将对监控中发现的红灯、黄灯预警项目进行分析，督促整改；监控结果作为预算调整和以后年度预算安排的重要依据。',
    '四、工作要求',
    `请各预算单位于${deadlineText(round)}前将《${y}年度项目支出绩效运行监控表（1-${m}月）》电子版报送县财政局对口资金管理股室。`,
  ].join('\n')
  return {
    key,
    snapshot: scope,
    records: [{ id: round.id, label: round.title }],
    defaults: {
      title: `${s.org.bureau}关于对${y}年度县级部门预算绩效开展运行监控的通知`,
      ...s.addressees['monitoring-notice'],
      body,
      attachments: [`${y}年度项目支出绩效运行监控表（1-${m}月）`],
    },
    separately: [{ title: `${y}年度项目支出绩效运行监控表（1-${m}月）`, how: ROUND_FORM_HOW }],
    render: (text, st) => renderNotice(text, st),
  }
}

export const composeTargetsOpinion: Composer = async ({ recordId }, ctx) => {
  const d = await itemOf(ctx, recordId, 'targets')
  const s = await ctx.settings()
  const c = d.item.conclusion as TargetConclusion | null
  // The review history as it stands: one line per 审核 (a return or the approval), numbered by
  // review, not by log entry, so that "第N次" and 审核轮次 count the same thing.
  const reviews = d.reviews.filter((r) => r.action === 'return' || r.action === 'approve')
  const history = reviews
    .map((r, i) => `第${i + 1}次（${r.at.slice(0, 10)}，${r.divisionName || r.operatorName}）${r.actionName}${r.conclusion ? '，结论“' + r.conclusion + '”' : ''}：${[r.summary, ...r.opinions.map((o) => `${o.label}：${o.text}`)].filter(Boolean).join('；') || '无'}`)
    .join('\n')
  const count = (l1: string) => d.indicators.filter((i) => i.level1 === l1).length
  const body = d.item.resultUse || (c ? `审核结论为“${c}”，${TARGET_CONSEQUENCE[c]}。建议在预算申报、预算管理中运用审核结果。` : '')
  return {
    key: `targets-opinion:${d.item.id}`,
    records: [{ id: d.item.id, label: `${d.item.unitName}·${d.item.projectName}` }],
    defaults: { title: `${s.org.bureau}预算绩效目标审核结果运用意见书`, recipients: ['局预算股', d.item.divisionName].filter(Boolean).join('、'), body, attachments: [], copyTo: '' },
    render: (text, st) =>
      renderFormDoc({
        title: text.title,
        docNumber: text.docNumber,
        subtitle: `送达：${text.recipients || '局预算股'}`,
        columns: [34, 44, 34, 44],
        rows: [
          [L('项目名称'), V(d.item.projectName, 3)],
          [L('预算单位'), V(d.item.unitName), L('审核股室'), V(d.item.divisionName ?? '')],
          [L('项目金额（万元）'), V(formatWan(d.item.amountFen)), L('资金来源'), V(d.item.fundSource)],
          [L('年度总体目标'), V(d.project.annualGoal || '—', 3)],
          [L('绩效指标'), V(`共${d.indicators.length}个：产出指标${count('产出指标')}个，效益指标${count('效益指标')}个，满意度指标${count('满意度指标')}个`, 3)],
          [L('审核过程'), V(history || '—', 3)],
          [L('审核结论'), V(c ?? ''), L('审核轮次'), V(`${reviews.length}次`)],
          [L('结果运用意见'), V(text.body, 3, { minHeightMm: 40 })],
          [L('资金管理股室意见'), V(SIGN, 3, { minHeightMm: 22 })],
          [L('预算股意见'), V(SIGN, 3, { minHeightMm: 22 })],
        ],
        fonts: st.fonts,
      }),
  }
}

function problemsOf(d: ItemDetail): string[] {
  const out: string[] = []
  if (d.item.executionRate !== null && d.round.asOfMonth) {
    const expected = Math.round((d.round.asOfMonth / 12) * 10000) / 100
    if (d.item.executionRate < expected * 0.8) out.push(`预算执行率${d.item.executionRate}%，低于序时进度${expected}%`)
  }
  const vals = new Map(d.values.map((v) => [v.indicatorId, v]))
  for (const ind of d.indicators) {
    const v = vals.get(ind.id)
    if (v?.light === 'red' || v?.light === 'yellow') {
      out.push(`“${ind.name}”${LIGHT_NAMES[v.light]}（目标${ind.operator === '定性' ? '' : ind.operator}${ind.targetValue}${ind.unit}，完成${v.actual}${ind.operator === '定性' ? '' : ind.unit}${v.causes.length ? '，' + v.causes.join('、') + '偏差' : ''}）`)
    }
  }
  return out
}

export const composeMonitoringOpinion: Composer = async ({ recordId }, ctx) => {
  const d = await itemOf(ctx, recordId, 'monitoring')
  const s = await ctx.settings()
  const problems = problemsOf(d)
  const light = d.item.light ? LIGHT_NAMES[d.item.light] : '未预警'
  const body =
    d.item.resultUse ||
    (problems.length
      ? `监控发现：${problems.join('；')}。请预算单位按纠偏措施加快执行，县财政局将视执行情况在预算调整和下年度预算安排中统筹考虑。`
      : '项目预算执行和绩效目标完成情况正常，按计划继续实施。')
  return {
    key: `monitoring-opinion:${d.item.id}`,
    records: [{ id: d.item.id, label: `${d.item.unitName}·${d.item.projectName}` }],
    defaults: { title: `${s.org.bureau}预算项目支出绩效运行监控结果运用意见书`, recipients: ['局预算股', d.item.divisionName].filter(Boolean).join('、'), body, attachments: [], copyTo: '' },
    render: (text, st) =>
      renderFormDoc({
        title: text.title,
        docNumber: text.docNumber,
        subtitle: `送达：${text.recipients || '局预算股'}`,
        columns: [34, 44, 34, 44],
        rows: [
          [L('项目名称'), V(d.item.projectName, 3)],
          [L('预算单位'), V(d.item.unitName), L('资金管理股室'), V(d.item.divisionName ?? '')],
          [L('全年预算数（万元）'), V(formatWan(d.item.amountFen)), L(`1-${d.round.asOfMonth}月执行数（万元）`), V(d.item.executedFen === null ? '' : formatWan(d.item.executedFen))],
          [L('执行率'), V(d.item.executionRate === null ? '' : `${d.item.executionRate}%`), L('全年预计执行数（万元）'), V(d.item.forecastFen === null ? '' : formatWan(d.item.forecastFen))],
          [L('预警等级'), V(light), L('指标个数'), V(String(d.indicators.length))],
          [L('发现的问题'), V(problems.join('\n') || '无', 3)],
          [L('纠偏措施'), V(d.measures || '—', 3)],
          [L('结果运用意见'), V(text.body, 3, { minHeightMm: 35 })],
          [L('资金管理股室意见'), V(SIGN, 3, { minHeightMm: 22 })],
          [L('预算股意见'), V(SIGN, 3, { minHeightMm: 22 })],
        ],
        fonts: st.fonts,
      }),
  }
}

/**
 * 关于反馈…绩效运行监控结果的通知 (师财预〔2024〕103号). Annex policy: the notice lists what the units
 * must act on — the 红灯/黄灯 projects — not every green line. The Word annex sums them by unit (a
 * row of text is a row on paper); the project list with its problems goes out as an Excel annex
 * issued beside the notice and named in the 附件 line. Every figure says what it counts: the
 * projects under monitoring (the round's scope) or those whose 监控表 was reviewed.
 */
/** Units whose red-light problems the body spells out; beyond that the body refers to the annexes. */
const MAX_UNITS_IN_BODY = 8

/** A reviewed project as the 反馈通知 counts it; the warned ones carry their problems and measures. */
interface FeedbackLine {
  id: string
  unitName: string
  projectName: string
  light: Light | null
  amountFen: number
  executedFen: number | null
  executionRate: number | null
  problems: string[]
  measures: string
}

export const composeMonitoringFeedback: Composer = async ({ recordId, fresh }, ctx) => {
  const { round, items } = await roundOf(ctx, recordId, 'monitoring')
  const s = await ctx.settings()
  const key = `monitoring-feedback:${round.id}`
  // The reviewed projects, their lights and problems as at 下达: the body, 附件1 and the Excel
  // 附件2 are built from them, so a regenerate after a later review gives the same annexes.
  const scope = await scopeAtIssue(ctx, { key, fresh }, async () => {
    const reviewed = items.filter((i) => i.status === '已审核')
    if (reviewed.length === 0) throw new AppError('VALIDATION', '该监控任务还没有审核通过的项目，无法生成结果反馈通知')
    const details = new Map((await Promise.all(reviewed.filter((i) => i.light === 'red' || i.light === 'yellow').map((i) => loadItemDetail(ctx, i.id)))).map((d) => [d.item.id, d]))
    const lines: FeedbackLine[] = reviewed.map((i) => {
      const d = details.get(i.id)
      return { id: i.id, unitName: i.unitName, projectName: i.projectName, light: i.light, amountFen: i.amountFen, executedFen: i.executedFen, executionRate: i.executionRate, problems: d ? problemsOf(d) : [], measures: d?.measures ?? '' }
    })
    return { month: round.asOfMonth ?? 12, projects: items.length, amountFen: sumFen(items.map((i) => i.amountFen)), lines }
  })
  const reviewed = scope.lines
  const y = round.budgetYear
  const m = scope.month
  const warnedLines = reviewed.filter((i) => i.light === 'red' || i.light === 'yellow')
  const lights = { red: 0, yellow: 0, green: 0 }
  for (const i of reviewed) if (i.light) lights[i.light]++
  const executed = sumFen(reviewed.map((i) => i.executedFen ?? 0))
  const budget = sumFen(reviewed.map((i) => i.amountFen))
  const scopeFen = scope.amountFen
  const byUnit = new Map<string, { problems: string[]; measures: string[] }>()
  // The body names each unit's red-light projects; the yellow ones are in the annexes.
  for (const d of warnedLines) {
    if (d.light !== 'red') continue
    if (d.problems.length === 0) continue
    const u = byUnit.get(d.unitName) ?? { problems: [], measures: [] }
    u.problems.push(`“${d.projectName}”：${d.problems.join('；')}`)
    if (d.measures) u.measures.push(d.measures)
    byUnit.set(d.unitName, u)
  }
  const unitLines = [...byUnit.entries()].map(([name, u], i) => `${i + 1}. ${name}：${u.problems.join('；')}。请于收到本通知后加快执行进度，落实纠偏措施${u.measures.length ? '（' + u.measures.join('；') + '）' : ''}。`)
  const rate = budget > 0 ? Math.round((executed * 10000) / budget) / 100 : 0
  const summaryTitle = `${y}年度运行监控预警项目汇总表`
  const listTitle = `${y}年度运行监控预警项目明细表（Excel）`
  const warned = lights.red + lights.yellow
  const body = [
    `根据《${s.org.bureau}关于对${y}年度县级部门预算绩效开展运行监控的通知》，县财政局对${y}年度县级部门预算项目开展了绩效运行监控，现将监控结果反馈如下：`,
    '一、监控总体情况',
    `本次纳入监控的项目${scope.projects}个、预算资金${formatWanPlain(scopeFen)}万元。各单位报送并经审核的监控表${reviewed.length}份，涉及预算资金${formatWanPlain(budget)}万元，截至${m}月底执行${formatWanPlain(executed)}万元，执行率${rate}%。按已审核项目统计，${[
      lights.red ? `红灯预警项目${lights.red}个` : '',
      lights.yellow ? `黄灯预警项目${lights.yellow}个` : '',
      lights.green ? `绿灯项目${lights.green}个` : '',
    ]
      .filter(Boolean)
      .join('、')}。`,
    '二、存在的问题及整改要求',
    // A handful of red-light projects are named here; a county's hundred go to the annexes only,
    // or the notice becomes the list it refers to.
    ...(unitLines.length > 0 && unitLines.length <= MAX_UNITS_IN_BODY ? unitLines : warned ? [] : ['本次监控未发现需要纠偏的问题。']),
    ...(warned ? [`红灯、黄灯预警项目按单位汇总见附件1，逐个项目的预警情况和主要问题见附件2。各单位要对照附件逐项分析原因，落实纠偏措施。`] : []),
    '三、结果运用',
    '监控结果将运用于预算申报、预算管理和完善政策。对执行进度严重滞后、绩效目标难以实现的项目，县财政局将按程序调减预算或收回资金。',
  ].join('\n')
  const units = new Map<string, { red: number; yellow: number; fen: number; executed: number }>()
  for (const i of reviewed) {
    if (i.light !== 'red' && i.light !== 'yellow') continue
    const u = units.get(i.unitName) ?? { red: 0, yellow: 0, fen: 0, executed: 0 }
    u[i.light]++
    u.fen += i.amountFen
    u.executed += i.executedFen ?? 0
    units.set(i.unitName, u)
  }
  const unitRows = [...units.entries()].sort((a, b) => b[1].red - a[1].red || b[1].yellow - a[1].yellow || a[0].localeCompare(b[0], 'zh'))
  const pct = (a: number, b: number) => (b > 0 ? `${Math.round((a * 10000) / b) / 100}%` : '')
  return {
    key,
    snapshot: scope,
    records: reviewed.map((i) => ({ id: i.id, label: `${i.unitName}·${i.projectName}` })),
    defaults: {
      title: `关于反馈县本级${y}年度绩效运行监控结果的通知`,
      recipients: recipientsFor(reviewed.map((i) => i.unitName), s.addressees['monitoring-feedback'].recipients),
      body,
      attachments: warned ? [summaryTitle, listTitle] : [],
      copyTo: s.addressees['monitoring-feedback'].copyTo,
    },
    bound: (text) =>
      warned
        ? [
            { label: '附件1', title: text.attachments[0] ?? summaryTitle, form: '随文表格' },
            { label: '附件2', title: text.attachments[1] ?? listTitle, form: 'Excel文件' },
          ]
        : [],
    render: (text, st) =>
      renderNotice(
        text,
        st,
        warned
          ? [
              {
                label: '附件1',
                title: text.attachments[0] ?? summaryTitle,
                table: {
                  // A unit's name of 13 characters (师宗县人力资源和社会保障局) on one line; the
                  // headers broken where a reader would break them, not 1-9月执/行率.
                  columns: [
                    { title: '序号', widthMm: 12, align: 'center' },
                    { title: '预算单位', widthMm: 58 },
                    { title: '红灯\n（个）', widthMm: 18, align: 'center' },
                    { title: '黄灯\n（个）', widthMm: 18, align: 'center' },
                    { title: '预警项目预算\n（万元）', widthMm: 28, align: 'right' },
                    { title: `1-${m}月\n执行率`, widthMm: 22, align: 'right' },
                  ],
                  rows: unitRows.map(([name, u], i) => [String(i + 1), name, String(u.red || ''), String(u.yellow || ''), formatWan(u.fen), pct(u.executed, u.fen)]),
                  footer: ['合计', `${unitRows.length}个单位`, String(lights.red), String(lights.yellow), formatWan(sumFen(unitRows.map(([, u]) => u.fen))), pct(sumFen(unitRows.map(([, u]) => u.executed)), sumFen(unitRows.map(([, u]) => u.fen)))],
                },
              },
            ]
          : [],
      ),
    companions: async (text) =>
      warned
        ? [
            {
              label: '附件2',
              ext: 'xlsx',
              data: await warningListWorkbook(text.attachments[1] ?? listTitle, m, warnedLines),
            },
          ]
        : [],
  }
}

/** 附件2 as a workbook: one row per 红灯/黄灯 project with its figures, problems and measures. */
async function warningListWorkbook(title: string, month: number, lines: FeedbackLine[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('预警项目明细')
  const heads = ['序号', '预算单位', '项目名称', '全年预算（万元）', `1-${month}月执行（万元）`, '执行率', '预警', '主要问题', '纠偏措施']
  ws.mergeCells(1, 1, 1, heads.length)
  ws.getCell(1, 1).value = title.replace(/（Excel）$/, '')
  ws.getCell(1, 1).font = { name: '方正小标宋简体', size: 16 }
  ws.getCell(1, 1).alignment = { horizontal: 'center' }
  ws.addRow(heads).font = { bold: true }
  const sorted = [...lines].sort((a, b) => (a.light === b.light ? a.unitName.localeCompare(b.unitName, 'zh') : a.light === 'red' ? -1 : 1))
  sorted.forEach((d, i) =>
    ws.addRow([
      i + 1,
      d.unitName,
      d.projectName,
      Number(formatWanPlain(d.amountFen)),
      d.executedFen === null ? null : Number(formatWanPlain(d.executedFen)),
      d.executionRate === null ? '' : `${d.executionRate}%`,
      d.light ? LIGHT_NAMES[d.light] : '',
      d.problems.join('；'),
      d.measures,
    ]),
  )
  ;[6, 28, 36, 14, 14, 9, 6, 60, 40].forEach((w, i) => (ws.getColumn(i + 1).width = w))
  ws.getColumn(8).alignment = { wrapText: true, vertical: 'top' }
  ws.getColumn(9).alignment = { wrapText: true, vertical: 'top' }
  ws.views = [{ state: 'frozen', ySplit: 2 }]
  return Buffer.from(await wb.xlsx.writeBuffer())
}
