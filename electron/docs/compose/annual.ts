/**
 * The year's 预算绩效工作开展情况及重大政策和重点项目等绩效执行结果情况, like the source report, with
 * every figure, date, 文号 and project name taken from the records through the report template.
 */
import { formatChineseDate } from '../../../shared/documents'
import { formatWanPlain, sumFen } from '../../../shared/money'
import { AppError } from '../../../shared/result'
import { fillReport, type ReportValues } from '../../../shared/report-template'
import { computeHeadline } from '../../handlers/dashboard'
import type { Ctx } from '../../handlers/context'
import { renderReport } from './common'
import type { Composer } from './types'

const CN = ['一', '两', '三', '四', '五', '六', '七', '八', '九', '十']
const cnOrdinal = (n: number) => (n <= 10 ? ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'][n - 1]! : String(n))

export async function annualReportValues(ctx: Ctx, year: number): Promise<ReportValues> {
  const s = await ctx.settings()
  const h = await computeHeadline(ctx.db, year)
  const db = ctx.db
  /** A document of the year as the report cites it: 《title》（文号）. */
  const citeDoc = async (kind: string): Promise<string | null> => {
    const d = await db.selectFrom('documents').select(['title', 'doc_number']).where('kind', '=', kind).where('year', '=', year).orderBy('created_at').executeTakeFirst()
    if (!d) return null
    return d.doc_number ? `《${d.title}》（${d.doc_number}）` : `《${d.title}》`
  }
  const trainings = await db.selectFrom('trainings').selectAll().where('work_year', '=', year).orderBy('date').execute()
  const exante = await db.selectFrom('exante_proposals').select(['project_name', 'amount_fen']).where('work_year', '=', year).execute()
  const rounds = await db.selectFrom('rounds').selectAll().where('work_year', '=', year).orderBy('created_at', 'desc').execute()
  const monitoringRound = rounds.find((r) => r.stage === 'monitoring')
  // Lights of the reviewed 监控表 only: the basis the 103号 feedback notice counts on, so that both
  // documents give the same figures (an unreviewed table's light is the unit's own claim).
  const lights = monitoringRound
    ? await db.selectFrom('round_items').select(['light', (eb) => eb.fn.countAll<number>().as('n')]).where('round_id', '=', monitoringRound.id).where('status', '=', '已审核').groupBy('light').execute()
    : []
  const count = (kind: string) => db.selectFrom('documents').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', kind).where('year', '=', year).executeTakeFirstOrThrow()
  const returned = await db
    .selectFrom('reviews as v')
    .innerJoin('round_items as i', 'i.id', 'v.item_id')
    .innerJoin('rounds as r', 'r.id', 'i.round_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('r.work_year', '=', year)
    .where('r.stage', '=', 'targets')
    .where('v.action', '=', 'return')
    .executeTakeFirstOrThrow()
  const fiscal = rounds.find((r) => r.stage === 'fiscaleval')
  const keyItems = fiscal
    ? await db
        .selectFrom('round_items as i')
        .innerJoin('projects as p', 'p.id', 'i.project_id')
        .select(['i.id', 'p.name', 'p.amount_fen', 'i.total_score', 'i.grade'])
        .where('i.round_id', '=', fiscal.id)
        .orderBy('p.amount_fen', 'desc')
        .execute()
    : []
  const engagement = fiscal
    ? await db.selectFrom('engagements as e').innerJoin('agencies as a', 'a.id', 'e.agency_id').select(['e.id', 'a.name', 'e.method', 'e.period_start', 'e.period_end']).where('e.round_id', '=', fiscal.id).executeTakeFirst()
    : undefined
  const ratings = engagement ? await db.selectFrom('agency_ratings').select('total').where('engagement_id', '=', engagement.id).execute() : []
  const notices = keyItems.length
    ? await db.selectFrom('documents').select(['title', 'doc_number']).where('doc_key', 'in', keyItems.map((k) => `rectify-notice:${k.id}`)).orderBy('serial').execute()
    : []
  const rects = keyItems.length ? await db.selectFrom('rectifications').select(['status', 'deadline', 'copies']).where('item_id', 'in', keyItems.map((k) => k.id)).execute() : []
  const light = (l: string) => String(Number(lights.find((x) => x.light === l)?.n ?? 0))
  const names = (xs: { name: string }[]) => xs.map((x) => `“${x.name}”`).join('')
  const period = engagement?.period_start && engagement.period_end ? `${formatChineseDate(engagement.period_start).replace(/\d+日$/, '')}至${formatChineseDate(engagement.period_end).replace(/^\d+年/, '').replace(/\d+日$/, '')}` : null
  return {
    year: String(year),
    nextYear: String(year + 1),
    lastYear: String(year - 1),
    county: s.org.county,
    bureau: s.org.bureau,
    trainingCount: trainings.length ? String(trainings.length) : null,
    trainingLines: trainings.length
      ? trainings.map((t, i) => `第${cnOrdinal(i + 1)}次：${formatChineseDate(t.date)}，${t.organiser}组织相关人员参加“${t.title}”（${t.form}，${t.participant_count}人次）${t.notes ? '，' + t.notes.replace(/。$/, '') : ''}。`).join('\n')
      : '',
    exanteCount: exante.length ? String(exante.length) : null,
    exanteWan: exante.length ? formatWanPlain(sumFen(exante.map((e) => e.amount_fen))) : null,
    exanteProjects: exante.length ? exante.map((e) => `“${e.project_name}”`).join('、') : null,
    exanteFeedback: await citeDoc('exante-feedback'),
    targetsNotice: await citeDoc('targets-notice'),
    targetUnits: h.targetProjects ? String(h.targetUnits) : null,
    targetProjects: h.targetProjects ? String(h.targetProjects) : null,
    targetWan: h.targetProjects ? formatWanPlain(h.targetFen) : null,
    returnedRounds: String(Number(returned.n)),
    targetsOpinions: String(Number((await count('targets-opinion')).n)),
    monitoringNotice: await citeDoc('monitoring-notice'),
    monitoringMonth: monitoringRound?.as_of_month ? String(monitoringRound.as_of_month) : null,
    monitoringWan: h.monitoredProjects ? formatWanPlain(h.monitoredFen) : null,
    reviewedCount: monitoringRound ? String(lights.reduce((a, x) => a + Number(x.n), 0)) : null,
    redCount: monitoringRound ? light('red') : null,
    yellowCount: monitoringRound ? light('yellow') : null,
    monitoringOpinions: String(Number((await count('monitoring-opinion')).n)),
    monitoringFeedback: await citeDoc('monitoring-feedback'),
    selfevalNotice: await citeDoc('selfeval-notice'),
    selfevalCount: h.selfEvalProjects ? String(h.selfEvalProjects) : null,
    selfevalWan: h.selfEvalProjects ? formatWanPlain(h.selfEvalFen) : null,
    fiscalNotice: await citeDoc('fiscaleval-notice'),
    keyProjects: keyItems.length ? names(keyItems) : null,
    keyCount: keyItems.length ? String(keyItems.length) : null,
    keyWan: keyItems.length ? formatWanPlain(sumFen(keyItems.map((k) => k.amount_fen))) : null,
    agency: engagement?.name ?? null,
    agencyScore: ratings.length === 2 ? String(Math.round(((ratings[0]!.total + ratings[1]!.total) / 2) * 100) / 100) : null,
    rectifyNotices: notices.length ? notices.map((n) => `《${n.title}》（${n.doc_number}）`).join('、') : null,
    rectifyDeadline: rects[0] ? formatChineseDate(rects[0].deadline).replace(/^\d+年/, '') : null,
    rectifyCopies: rects[0] ? (CN[rects[0].copies - 1] ?? String(rects[0].copies)) : null,
    rectifiedCount: String(rects.filter((r) => r.status === '已整改').length),
    rectifyingCount: String(rects.filter((r) => r.status !== '已整改').length),
    evalReport: await citeDoc('eval-report'),
    reportRecipients: s.reportRecipients,
    selectionMethod: engagement?.method || null,
    evalPeriod: period,
    keyResults: keyItems.some((k) => k.total_score !== null)
      ? keyItems.map((k) => `“${k.name}”${k.total_score ?? '—'}分（${k.grade ?? '未评'}）`).join('，')
      : null,
  }
}

export const composeAnnualReport: Composer = async ({ workYear }, ctx) => {
  if (!workYear) throw new AppError('VALIDATION', '请先选择工作年度')
  const s = await ctx.settings()
  const values = await annualReportValues(ctx, workYear)
  return {
    key: `annual-report:${workYear}`,
    records: [{ id: String(workYear), label: `${workYear}年度` }],
    defaults: {
      title: `${s.org.county}${workYear}年预算绩效工作开展情况及重大政策和重点项目等绩效执行结果情况`,
      recipients: '',
      body: fillReport(s.reportTemplate, values),
      attachments: [],
      copyTo: '',
    },
    // The source report is an unnumbered 情况 report: title, body, 署名 and date; no red 版头, no 版记.
    render: (text, st) => renderReport(text, st),
  }
}
