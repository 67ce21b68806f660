/**
 * 审核意见反馈单: one per unit and round, listing every opinion its returned items carry (per project
 * and per indicator), so the unit revises its form item by item. The same opinions are in the red
 * column of the re-exported workbook (review-opinions.ts feeds both).
 */
import { formatChineseDate } from '../../../shared/documents'
import { AppError } from '../../../shared/result'
import { STAGES } from '../../../shared/stage'
import { getRound, itemQuery, toItem } from '../../handlers/rounds'
import { loadOpenOpinions } from '../../handlers/review-opinions'
import { renderFormDoc, type FormCell } from '../form-doc'
import { L, V } from './common'
import type { Composer } from './types'

/** The unit's form for the stage, as the notice and the workbook name it. */
const FORM_NAME: Record<string, string> = { targets: '项目支出绩效目标申报表', monitoring: '项目支出绩效运行监控表', selfeval: '项目支出绩效自评表', fiscaleval: '财政评价材料' }

export const composeReviewFeedback: Composer = async ({ recordId }, ctx) => {
  const [roundId, unitId] = (recordId ?? '').split(':')
  if (!roundId || !unitId) throw new AppError('VALIDATION', '请先选择任务和预算单位')
  const round = await getRound(ctx, roundId, ctx.db, false)
  const items = (await itemQuery(ctx.db).where('i.round_id', '=', roundId).where('p.unit_id', '=', unitId).orderBy('p.name').execute()).map(toItem)
  const unitName = items[0]?.unitName
  if (!unitName) throw new AppError('VALIDATION', '该单位在本任务中没有项目')
  const open = await loadOpenOpinions(ctx.db, roundId, items.map((i) => i.id))
  const returned = items.filter((i) => open.has(i.id))
  if (returned.length === 0) throw new AppError('VALIDATION', `“${unitName}”在本任务中没有退回修改的项目，无需反馈审核意见`)
  const s = await ctx.settings()
  const form = FORM_NAME[round.stage] ?? '报送材料'
  const formTitle = `${round.budgetYear}年度${form}`
  const divisions = [...new Set(returned.map((i) => open.get(i.id)!.division || i.divisionName || '').filter(Boolean))]
  const body = `请按上述意见逐条修改《${formTitle}》，${round.deadline ? `于${formatChineseDate(round.deadline)}前` : '尽快'}将修改后的表格重新报送县财政局${divisions.join('、') || '对口资金管理股室'}。修改意见已同时标注在重新导出的表格“审核意见”列中（红色单元格）。`
  const opinionCount = returned.reduce((n, i) => n + open.get(i.id)!.all.length, 0)
  return {
    key: `review-feedback:${roundId}:${unitId}:${returned.map((i) => `${i.id}#${open.get(i.id)!.reviewNo}`).join(',')}`,
    records: [{ id: `${roundId}:${unitId}`, label: unitName }, ...returned.map((i) => ({ id: i.id, label: `${i.unitName}·${i.projectName}` }))],
    defaults: { title: `${s.org.bureau}${STAGES[round.stage].name}审核意见反馈单`, recipients: unitName, body, attachments: [], copyTo: '' },
    render: (text, st) => {
      const rows: FormCell[][] = [
        [L('预算单位', 2), V(unitName, 2), L('退回项目'), V(`${returned.length}个`)],
        [L('任务', 2), V(round.title, 2), L('修改意见'), V(`${opinionCount}条`)],
        [L('序号'), L('项目名称'), L('审核轮次'), L('针对'), L('修改意见', 2)],
      ]
      let n = 0
      for (const item of returned) {
        const o = open.get(item.id)!
        for (const op of o.all) {
          rows.push([V(String(++n), 1, { align: 'center' }), V(item.projectName), V(`第${o.reviewNo}次\n${formatChineseDate(o.at.slice(0, 10))}`, 1, { align: 'center' }), V(op.label), V(op.text, 2)])
        }
      }
      rows.push([L('修改要求', 2), V(text.body, 4, { minHeightMm: 24 })])
      rows.push([L('审核股室', 2), V(divisions.join('、')), L('日期'), V(formatChineseDate(text.date), 2)])
      return renderFormDoc({
        title: text.title,
        docNumber: text.docNumber,
        subtitle: `致：${text.recipients || unitName}`,
        columns: [14, 36, 30, 28, 24, 24],
        rows,
        fonts: st.fonts,
      })
    },
  }
}
