/**
 * Documents of 绩效评价: the 自评 and 再评价 notices, one 整改通知 per evaluated project, the 评价结果
 * 运用意见书, the 评价结果报告 to the county leadership, and the 第三方机构考评表.
 */
import { DOC_KINDS, formatChineseDate } from '../../../shared/documents'
import type { ItemDetail, RoundItem } from '../../../shared/domain'
import { formatWan, formatWanPlain, sumFen } from '../../../shared/money'
import { AppError } from '../../../shared/result'
import type { Ctx } from '../../handlers/context'
import { getEngagement } from '../../handlers/evaluation'
import { getRound, itemQuery, loadItemDetail, toItem } from '../../handlers/rounds'
import { renderFormDoc, type FormCell } from '../form-doc'
import { recipientsFor, ROUND_FORM_HOW } from './stage'
import { L, renderNotice, scopeAtIssue, SIGN, V } from './common'
import type { Composer } from './types'

/** Counts as written in "一式两份". */
const CN_ORDINAL = ['一', '二', '三', '四', '五', '六']
const CN = ['一', '两', '三', '四', '五', '六', '七', '八', '九', '十']

async function roundWithItems(ctx: Ctx, recordId: string | undefined, stage: 'selfeval' | 'fiscaleval') {
  if (!recordId) throw new AppError('VALIDATION', '请先选择任务')
  const round = await getRound(ctx, recordId)
  if (round.stage !== stage) throw new AppError('VALIDATION', '所选任务与文书类型不符')
  const items = (await itemQuery(ctx.db).where('i.round_id', '=', round.id).orderBy('p.amount_fen', 'desc').execute()).map(toItem)
  return { round, items }
}

const quoted = (items: Pick<RoundItem, 'projectName'>[]) => items.map((i) => `“${i.projectName}”`).join('')

export const composeSelfEvalNotice: Composer = async ({ recordId, fresh }, ctx) => {
  const { round } = await roundWithItems(ctx, recordId, 'selfeval')
  const s = await ctx.settings()
  const y = round.budgetYear
  const key = `selfeval-notice:${round.id}`
  // The scoring method as announced at 下达: a later change of weights or grade lines applies to
  // the next notice, not to the one already sent.
  const rules = await scopeAtIssue(ctx, { key, fresh }, () => ({ weights: s.scoring.weights, grades: s.scoring.grades }))
  const w = rules.weights
  const g = rules.grades
  const body = [
    `为全面实施预算绩效管理，提高财政资金使用效益，现就做好${y}年县本级部门预算财政支出绩效自评工作通知如下：`,
    '一、评价范围',
    `${y}年度县级安排的所有资金，包括一般公共预算、政府性基金预算、国有资本经营预算和社会保险基金预算。`,
    '二、评价规模',
    `${y}年度县级财政预算安排的所有项目，资金来源包括年初预算安排和调整预算安排，以及中央、省、市转移支付项目，包括部门整体支出、专项债券资金、PPP项目资金等。`,
    '三、评价方法',
    `自评采用打分评价方式，满分100分。其中预算执行率${w.execution}分，产出指标${w.output}分，效益指标${w.effect}分，服务对象满意度指标${w.satisfaction}分。评价结果分为“优”（${g.excellent}分及以上）、“良”（${g.good}分至${g.excellent}分）、“中”（${g.pass}分至${g.good}分）、“差”（${g.pass}分以下）四个等级。`,
    '四、工作要求',
    `（一）各预算单位对照批复的绩效目标，如实填写《项目支出绩效自评表》，预算执行率低于90%或绩效指标未完成的，须分析说明原因。`,
    `（二）请于${round.deadline ? formatChineseDate(round.deadline) : '规定时间'}前将自评表电子版报送县财政局对口资金管理股室。`,
    '（三）自评结果将作为财政再评价和以后年度预算安排的重要依据。',
  ].join('\n')
  return {
    key,
    snapshot: rules,
    records: [{ id: round.id, label: round.title }],
    defaults: { title: `关于做好${y}年县本级部门预算财政支出绩效自评工作的通知`, ...s.addressees['selfeval-notice'], body, attachments: [`${y}年度项目支出绩效自评表`] },
    separately: [{ title: `${y}年度项目支出绩效自评表`, how: ROUND_FORM_HOW }],
    render: (text, st) => renderNotice(text, st),
  }
}

export const composeFiscalEvalNotice: Composer = async ({ recordId, fresh }, ctx) => {
  const { round, items: now } = await roundWithItems(ctx, recordId, 'fiscaleval')
  const y = round.budgetYear
  const key = `fiscaleval-notice:${round.id}`
  // The projects selected as at 下达: the body, the 主送 and the annex list quote them as issued.
  const scope = await scopeAtIssue(ctx, { key, fresh }, () => ({
    items: now.map((i) => ({ unitName: i.unitName, projectName: i.projectName, fundSource: i.fundSource, amountFen: i.amountFen })),
    amountFen: round.totalFen,
  }))
  const items = scope.items
  const s = await ctx.settings()
  const engagement = (await ctx.db.selectFrom('engagements as e').innerJoin('agencies as a', 'a.id', 'e.agency_id').select(['a.name', 'e.period_start', 'e.period_end']).where('e.round_id', '=', round.id).executeTakeFirst()) ?? null
  const body = [
    `为进一步提高财政资金使用效益，在前期各部门自评、部门评价的基础上，按照全覆盖“四本预算”的工作要求，县财政局决定开展县本级${y}年度预算支出绩效财政再评价工作。现将有关事项通知如下：`,
    '一、评价对象',
    `选取${quoted(items)}${items.length}个专项资金共${formatWanPlain(scope.amountFen)}万元实施财政重点绩效评价，具体项目见附件。`,
    '二、组织方式',
    engagement
      ? `县财政局委托第三方机构${engagement.name}实施评价${engagement.period_start && engagement.period_end ? `，评价时间为${formatChineseDate(engagement.period_start)}至${formatChineseDate(engagement.period_end)}` : ''}。`
      : '县财政局委托第三方机构实施评价。',
    '三、工作要求',
    '（一）请被评价单位按评价工作组要求及时提供项目资料，配合开展实地核查。',
    '（二）评价结果将反馈被评价单位，对发现的问题限期整改，并将评价结果运用于以后年度预算安排。',
  ].join('\n')
  return {
    key,
    snapshot: scope,
    records: [{ id: round.id, label: round.title }],
    defaults: { title: `关于开展县本级${y}年度预算支出绩效财政再评价工作的通知`, recipients: recipientsFor(items.map((i) => i.unitName), s.addressees['fiscaleval-notice'].recipients), body, attachments: [`${y}年度财政再评价项目清单`], copyTo: s.addressees['fiscaleval-notice'].copyTo },
    bound: (text) => [{ label: '附件', title: text.attachments[0] ?? `${y}年度财政再评价项目清单`, form: '随文表格' }],
    render: (text, st) =>
      renderNotice(text, st, [
        {
          label: '附件',
          title: text.attachments[0] ?? `${y}年度财政再评价项目清单`,
          table: {
            columns: [
              { title: '序号', widthMm: 12, align: 'center' },
              { title: '预算单位', widthMm: 44 },
              { title: '项目名称', widthMm: 56 },
              { title: '资金来源', widthMm: 20, align: 'center' },
              { title: '金额（万元）', widthMm: 24, align: 'right' },
            ],
            rows: items.map((i, k) => [String(k + 1), i.unitName, i.projectName, i.fundSource, formatWan(i.amountFen)]),
            footer: ['合计', '', `${items.length}个项目`, '', formatWan(scope.amountFen)],
          },
        },
      ]),
  }
}

async function evaluatedItem(ctx: Ctx, recordId: string | undefined): Promise<ItemDetail> {
  if (!recordId) throw new AppError('VALIDATION', '请先选择项目')
  const d = await loadItemDetail(ctx, recordId)
  if (d.round.stage !== 'fiscaleval' && d.round.stage !== 'selfeval') throw new AppError('VALIDATION', '所选项目不属于评价任务')
  if (d.evaluation?.totalScore == null) throw new AppError('VALIDATION', `“${d.item.projectName}”尚未录入评价得分`)
  return d
}

export const composeRectifyNotice: Composer = async ({ recordId }, ctx) => {
  const d = await evaluatedItem(ctx, recordId)
  if (d.round.stage !== 'fiscaleval') throw new AppError('VALIDATION', '整改通知只针对财政评价项目')
  if (!d.rectification) throw new AppError('VALIDATION', `请先为“${d.item.projectName}”填写整改要求和整改期限，再生成整改通知`)
  const s = await ctx.settings()
  const e = d.evaluation!
  const r = d.rectification
  // The problems once, each on its line: the findings, else the free-text 问题 split by line; a
  // conclusion that repeats a finding word for word is not printed a second time above it.
  const problems = (e.findings.length ? e.findings : e.problems.split(/\r?\n|[；;]/)).map((f) => f.trim().replace(/^\d+[.．、]\s*/, '').replace(/[。；;]$/, '')).filter(Boolean)
  const conclusion = problems.reduce((c, p) => c.split(`${p}。`).join('').split(`${p}；`).join('').split(p).join(''), e.conclusion).trim()
  // The notice it answers, with its 文号 once issued (师财预〔2024〕101号).
  const launch = await ctx.db.selectFrom('documents').select('doc_number').where('doc_key', '=', `fiscaleval-notice:${d.round.id}`).executeTakeFirst()
  const sections: [string, string[]][] = [
    ['评价结果', [`该项目综合得分${e.totalScore}分，评价等级为“${e.grade}”。${conclusion}`]],
    // No problems, no section: nothing is written about an empty category.
    ['存在的问题', problems.map((f, i) => `${i + 1}. ${f}。`)],
    [
      '整改要求',
      [
        `${r.requirements || (problems.length ? '请你单位对评价发现的问题认真分析原因，逐项制定整改措施，明确整改责任和时限，切实抓好整改落实。' : '请你单位对照评价结论进一步加强项目管理。')}请将整改情况形成报告，于${formatChineseDate(r.deadline)}前一式${CN[r.copies - 1] ?? r.copies}份分别报送县财政局预算股。`,
      ],
    ],
    ['结果运用', [`评价结果将运用于下年度部门预算安排：${e.consequence || s.consequences[(e.grade ?? '中') as '优']}。`]],
  ]
  const body = [
    `根据《关于开展县本级${d.round.budgetYear}年度预算支出绩效财政再评价工作的通知》${launch?.doc_number ? `（${launch.doc_number}）` : ''}，县财政局委托第三方机构对“${d.item.projectName}”开展了绩效财政评价，现将评价结果反馈如下：`,
    ...sections.filter(([, lines]) => lines.length > 0).flatMap(([head, lines], i) => [`${CN_ORDINAL[i]}、${head}`, ...lines]),
  ].join('\n')
  return {
    key: `rectify-notice:${d.item.id}`,
    records: [{ id: d.item.id, label: `${d.item.unitName}·${d.item.projectName}` }],
    defaults: { title: `关于${d.item.projectName}绩效财政评价结果反馈及存在问题整改的通知`, recipients: d.item.unitName, body, attachments: [], copyTo: s.addressees['rectify-notice'].copyTo },
    render: (text, st) => renderNotice(text, st),
  }
}

export const composeEvalOpinion: Composer = async ({ recordId }, ctx) => {
  const d = await evaluatedItem(ctx, recordId)
  const s = await ctx.settings()
  const e = d.evaluation!
  const how = d.round.stage === 'fiscaleval' ? '财政重点评价（第三方机构实施）' : '单位自评'
  const body = d.item.resultUse || `该项目评价等级为“${e.grade}”，${e.consequence || s.consequences[(e.grade ?? '中') as '优']}。请各业务管理股在编制下年度部门预算时运用评价结果。`
  return {
    key: `eval-opinion:${d.item.id}`,
    // The 自评 and the 财政评价 意见书 of one project: the record says which.
    records: [{ id: d.item.id, label: `${d.item.unitName}·${d.item.projectName}·${d.round.stage === 'fiscaleval' ? '财政评价' : '自评'}` }],
    defaults: { title: `${s.org.bureau}预算绩效评价结果运用意见书`, recipients: ['各业务管理股', d.item.divisionName].filter(Boolean).join('、'), body, attachments: [], copyTo: '' },
    render: (text, st) =>
      renderFormDoc({
        title: text.title,
        docNumber: text.docNumber,
        subtitle: `送达：${text.recipients}`,
        columns: [34, 44, 34, 44],
        rows: [
          [L('项目名称'), V(d.item.projectName, 3)],
          [L('预算单位'), V(d.item.unitName), L('资金管理股室'), V(d.item.divisionName ?? '')],
          [L('项目金额（万元）'), V(formatWan(d.item.amountFen)), L('资金来源'), V(d.item.fundSource)],
          [L('评价方式'), V(how, 3)],
          [L('评价得分'), V(`${e.totalScore}分`), L('评价等级'), V(e.grade ?? '')],
          [L('评价结论'), V(e.conclusion || '—', 3)],
          [L('存在的问题'), V(e.findings.map((f, i) => `${i + 1}. ${f}`).join('\n') || e.problems || '—', 3)],
          [L('预算安排建议'), V(e.consequence || s.consequences[(e.grade ?? '中') as '优'], 3)],
          [L('结果运用意见'), V(text.body, 3, { minHeightMm: 35 })],
          [L('预算股意见'), V(SIGN, 3, { minHeightMm: 22 })],
        ],
        fonts: st.fonts,
      }),
  }
}

export const composeEvalReport: Composer = async ({ recordId, fresh }, ctx) => {
  const { round, items } = await roundWithItems(ctx, recordId, 'fiscaleval')
  const s = await ctx.settings()
  const key = `eval-report:${round.id}`
  // The scores, grades and findings as at 下达: the body and the 汇总表 quote them as reported, so a
  // regenerate after a later re-evaluation gives the same annex.
  const scope = await scopeAtIssue(ctx, { key, fresh }, async () => {
    const details = await Promise.all(items.map((i) => loadItemDetail(ctx, i.id)))
    const scored = details.filter((d) => d.evaluation?.totalScore != null)
    if (scored.length === 0) throw new AppError('VALIDATION', '该财政评价任务还没有录入评价得分，无法生成结果报告')
    return {
      projectNames: items.map((i) => i.projectName),
      amountFen: round.totalFen,
      scored: scored.map((d) => ({ id: d.item.id, unitName: d.item.unitName, projectName: d.item.projectName, amountFen: d.item.amountFen, totalScore: d.evaluation!.totalScore!, grade: d.evaluation!.grade ?? '', findings: d.evaluation!.findings })),
    }
  })
  const scored = scope.scored
  const y = round.budgetYear
  const agency = await ctx.db.selectFrom('engagements as e').innerJoin('agencies as a', 'a.id', 'e.agency_id').select('a.name').where('e.round_id', '=', round.id).executeTakeFirst()
  const notices = await ctx.db.selectFrom('documents').select(['doc_number', 'title']).where('kind', '=', 'rectify-notice').where('doc_key', 'in', scored.map((d) => `rectify-notice:${d.id}`)).execute()
  const results = scored.map((d, i) => `${i + 1}. “${d.projectName}”（${d.unitName}，${formatWanPlain(d.amountFen)}万元）：得分${d.totalScore}分，等级“${d.grade}”。`)
  const problems = scored.flatMap((d) => d.findings.map((f) => `“${d.projectName}”：${f.replace(/[。；;]$/, '')}`))
  const body = [
    `按照预算绩效管理工作要求，县财政局开展了${y}年度县级预算项目支出绩效财政评价，现将评价结果报告如下：`,
    '一、基本情况',
    `选取${quoted(scope.projectNames.map((projectName) => ({ projectName })))}${scope.projectNames.length}个专项资金共${formatWanPlain(scope.amountFen)}万元，${agency ? `委托第三方机构${agency.name}` : '委托第三方机构'}实施财政重点绩效评价。`,
    '二、评价结果',
    ...results,
    '三、存在的主要问题',
    ...(problems.length ? problems.map((p, i) => `${i + 1}. ${p}。`) : ['评价未发现重大问题。']),
    '四、结果运用',
    `县财政局已${notices.length ? `分别下发${notices.map((n) => `《${n.title}》（${n.doc_number}）`).join('、')}，` : ''}要求被评价部门对存在的问题限期整改，并将评价结果运用于下年度部门预算安排，评价结果按规定公开。`,
  ].join('\n')
  return {
    key,
    snapshot: scope,
    records: scored.map((d) => ({ id: d.id, label: `${d.unitName}·${d.projectName}` })),
    defaults: { title: `${s.org.bureau}关于${y}年度县级预算项目支出绩效财政评价结果的报告`, recipients: s.reportRecipients, body, attachments: [`${y}年度财政评价结果汇总表`], copyTo: s.addressees['eval-report'].copyTo },
    bound: (text) => [{ label: '附件', title: text.attachments[0] ?? `${y}年度财政评价结果汇总表`, form: '随文表格' }],
    render: (text, st) =>
      renderNotice(text, st, [
        {
          label: '附件',
          title: text.attachments[0] ?? `${y}年度财政评价结果汇总表`,
          table: {
            columns: [
              { title: '序号', widthMm: 12, align: 'center' },
              { title: '预算单位', widthMm: 38 },
              { title: '项目名称', widthMm: 50 },
              { title: '金额（万元）', widthMm: 24, align: 'right' },
              { title: '得分', widthMm: 16, align: 'center' },
              { title: '等级', widthMm: 16, align: 'center' },
            ],
            rows: scored.map((d, i) => [String(i + 1), d.unitName, d.projectName, formatWan(d.amountFen), String(d.totalScore), d.grade]),
            footer: ['合计', '', `${scored.length}个项目`, formatWan(sumFen(scored.map((d) => d.amountFen))), '', ''],
          },
        },
      ], { upward: DOC_KINDS['eval-report'].upward }),
  }
}

export const composeAgencyRating: Composer = async ({ recordId }, ctx) => {
  if (!recordId) throw new AppError('VALIDATION', '请先选择委托')
  const e = await getEngagement(ctx, recordId)
  const s = await ctx.settings()
  const unit = e.ratings.find((r) => r.rater === '被评价单位')
  const bureau = e.ratings.find((r) => r.rater === '财政部门')
  return {
    key: `agency-rating:${e.id}`,
    records: [{ id: e.id, label: `${e.agencyName}·${e.roundTitle}` }],
    defaults: {
      title: `第三方中介机构参与${s.org.county}预算绩效管理工作考评表`,
      recipients: '',
      body: e.finalScore !== null ? `被评价单位评分${unit!.total}分，财政部门评分${bureau!.total}分，取平均分${e.finalScore}分为最终得分。` : '待被评价单位和财政部门分别评分后取平均分为最终得分。',
      attachments: [],
      copyTo: '',
    },
    render: (text, st) =>
      renderFormDoc({
        title: text.title,
        docNumber: text.docNumber,
        subtitle: `机构名称：${e.agencyName}　　委托事项：${e.roundTitle}`,
        columns: [22, 24, 12, 56, 21, 21],
        rows: [
          [L('类别'), L('考评内容'), L('分值'), L('评分标准'), L('被评价单位评分'), L('财政部门评分')],
          ...st.ratingItems.map((it): FormCell[] => [
            V(it.group, undefined, { align: 'center' }),
            V(it.name, undefined, { align: 'center' }),
            V(String(it.points), undefined, { align: 'center' }),
            V(it.guide),
            V(unit ? String(unit.scores[it.key] ?? '') : '', undefined, { align: 'center' }),
            V(bureau ? String(bureau.scores[it.key] ?? '') : '', undefined, { align: 'center' }),
          ]),
          [L('合计', 2), V(String(st.ratingItems.reduce((a, it) => a + it.points, 0)), undefined, { align: 'center' }), V(''), V(unit ? String(unit.total) : '', undefined, { align: 'center' }), V(bureau ? String(bureau.total) : '', undefined, { align: 'center' })],
          [L('最终得分', 2), V(e.finalScore !== null ? `${e.finalScore}分` : '', 4)],
          [L('说明', 2), V(text.body, 4, { minHeightMm: 16 })],
          [L('评分人签字', 2), V(`被评价单位：${unit?.raterName ?? ''}　　　　财政部门：${bureau?.raterName ?? ''}`, 4, { minHeightMm: 14 })],
        ],
        fonts: st.fonts,
      }),
  }
}
