/** Documents of 事前绩效评估: the 结果运用意见书 per proposal and the year's 结果反馈通知. */
import { formatWan, formatWanPlain, sumFen } from '../../../shared/money'
import { AppError } from '../../../shared/result'
import { getProposal, listProposals } from '../../handlers/exante'
import { renderFormDoc } from '../form-doc'
import { L, renderNotice, SIGN, V } from './common'
import { recipientsFor } from './stage'
import type { Composer } from './types'

export const composeExanteOpinion: Composer = async ({ recordId }, ctx) => {
  if (!recordId) throw new AppError('VALIDATION', '请先选择要生成意见书的评估项目')
  const p = await getProposal(ctx.db, recordId)
  const settings = await ctx.settings()
  if (!p.conclusion) throw new AppError('VALIDATION', `“${p.projectName}”的评估结论尚未确认，请先确认结论再生成意见书`)
  const bureau = settings.org.bureau
  const score = p.totalScore?.toFixed(1) ?? ''
  const next = p.budgetYear
  const advice: Record<string, string> = {
    予以支持: `建议将该项目纳入${next}年部门项目库，编制${next}年预算时结合县级财力统筹安排。`,
    调整后予以支持: `建议预算单位按评估意见调整完善实施方案和绩效目标后纳入${next}年部门项目库，编制${next}年预算时结合县级财力统筹安排。`,
    不予支持: `建议${next}年不安排该项目预算。`,
  }
  const body = [
    `经事前绩效评估，该项目综合得分${score}分，评估结论为“${p.conclusion}”。${advice[p.conclusion]}`,
    p.conclusionReason ? `结论说明：${p.conclusionReason}` : '',
  ]
    .filter(Boolean)
    .join('\n')
  return {
    key: `exante-opinion:${p.id}`,
    records: [{ id: p.id, label: `${p.unitName}·${p.projectName}` }],
    defaults: {
      title: `${bureau}绩效评估结果运用意见书`,
      recipients: ['局预算股', p.divisionName].filter(Boolean).join('、'),
      body,
      attachments: [],
      copyTo: '',
    },
    async render(text, s) {
      const dims = s.exante.dimensions.map((d) => `${d.name}：${p.scores[d.key] ?? '—'}分（满分${d.maxScore}分）`).join('\n')
      return renderFormDoc({
        title: text.title,
        docNumber: text.docNumber,
        subtitle: `送达：${text.recipients || '局预算股'}`,
        columns: [34, 44, 34, 44],
        rows: [
          [L('项目名称'), V(p.projectName, 3)],
          [L('预算单位'), V(p.unitName), L('资金管理股室'), V(p.divisionName ?? '')],
          [L('申请金额（万元）'), V(formatWan(p.amountFen)), L('资金来源'), V(p.fundSource)],
          [L('预算年度'), V(`${p.budgetYear}年`), L('评估日期'), V(text.date.replace(/^(\d+)-0?(\d+)-0?(\d+)$/, '$1年$2月$3日'))],
          [L('立项依据'), V(p.basis || '—', 3)],
          [L('分项得分'), V(dims, 3)],
          [L('综合得分'), V(`${score}分`), L('评估结论'), V(p.conclusion ?? '')],
          [L('结果运用意见'), V(text.body, 3, { minHeightMm: 45 })],
          [L('资金管理股室意见'), V(SIGN, 3, { minHeightMm: 25 })],
          [L('预算股意见'), V(SIGN, 3, { minHeightMm: 25 })],
        ],
        fonts: s.fonts,
      })
    },
  }
}

export const composeExanteFeedback: Composer = async ({ workYear }, ctx) => {
  if (!workYear) throw new AppError('VALIDATION', '请先选择工作年度')
  const settings = await ctx.settings()
  const all = await listProposals(ctx.db, workYear)
  const rows = all.filter((p) => p.conclusion)
  if (rows.length === 0) {
    throw new AppError('VALIDATION', `${workYear}年度还没有已确认结论的事前评估项目，请先评分并确认结论后再生成反馈通知`)
  }
  const next = workYear + 1
  const { county, bureau } = settings.org
  const total = sumFen(rows.map((r) => r.amountFen))
  const count = (c: string) => rows.filter((r) => r.conclusion === c).length
  const units = [...new Set(rows.map((r) => r.unitName))]
  const annexTitle = `${next}年预算项目事前绩效评估结果表`
  const projectNames = rows.map((r) => `“${r.projectName}”`).join('、')
  // Only the conclusions that occur are counted and ruled on: no "调整后予以支持的0个", no rule
  // for a category without a project.
  const occurring = (['予以支持', '调整后予以支持', '不予支持'] as const).filter((c) => count(c) > 0)
  const rules: Record<(typeof occurring)[number], string> = {
    予以支持: `评估结论为“予以支持”的项目，请相关预算部门纳入部门项目库，为${next}年预算编制做好储备。`,
    调整后予以支持: `评估结论为“调整后予以支持”的项目，请相关预算部门按评估意见调整完善实施方案和绩效目标后纳入部门项目库。`,
    不予支持: `评估结论为“不予支持”的项目，不得安排${next}年预算。`,
  }
  const ordinals = ['（一）', '（二）', '（三）']
  const tally = occurring.map((c) => `“${c}”的${count(c)}个`).join('，')
  const body = [
    `根据《${county}县级预算绩效事前评估管理暂行办法》要求，县财政局对相关部门申报的${next}年预算项目开展了事前绩效评估，现将评估结果反馈如下：`,
    '一、评估基本情况',
    `本次共对${rows.length}个预算项目开展事前绩效评估，涉及项目资金${formatWanPlain(total)}万元，具体项目为${projectNames}。${
      occurring.length === 1 && rows.length > 0 ? `评估结论均为“${occurring[0]}”。` : tally ? `其中，评估结论为${tally}。` : ''
    }各项目评估结果详见附件。`,
    '二、评估结果运用',
    ...(occurring.length === 1 ? [rules[occurring[0]!]] : occurring.map((c, i) => `${ordinals[i]}${rules[c]}`)),
    '三、工作要求',
    `县级安排预算资金时将根据绩效评估结果运用意见书，综合县级财力合理安排预算。请相关预算部门根据本通知做好项目库管理和${next}年预算编制工作。`,
  ].join('\n')
  return {
    key: `exante-feedback:${workYear}`,
    records: rows.map((r) => ({ id: r.id, label: `${r.unitName}·${r.projectName}` })),
    defaults: {
      title: `${bureau}关于${next}年预算项目财政评估结果反馈的通知`,
      recipients: recipientsFor(units, settings.addressees['exante-feedback'].recipients),
      body,
      attachments: [annexTitle],
      copyTo: settings.addressees['exante-feedback'].copyTo,
    },
    bound: (text) => [{ label: '附件', title: text.attachments[0] ?? annexTitle, form: '随文表格' }],
    async render(text, s) {
      return renderNotice(text, s, [
          {
            label: '附件',
            title: text.attachments[0] ?? annexTitle,
            table: {
              columns: [
                { title: '序号', widthMm: 12, align: 'center' },
                { title: '预算单位', widthMm: 34 },
                { title: '项目名称', widthMm: 44 },
                { title: '申请金额（万元）', widthMm: 24, align: 'right' },
                { title: '评估得分', widthMm: 16, align: 'center' },
                { title: '评估结论', widthMm: 26, align: 'center' },
              ],
              rows: rows.map((r, i) => [
                String(i + 1),
                r.unitName,
                r.projectName,
                formatWan(r.amountFen),
                r.totalScore?.toFixed(1) ?? '',
                r.conclusion ?? '',
              ]),
              footer: ['合计', '', `${rows.length}个项目`, formatWan(total), '', ''],
            },
          },
      ])
    },
  }
}
