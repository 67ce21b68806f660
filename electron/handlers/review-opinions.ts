/**
 * The opinions a unit still has to act on: for every item now 退回修改, the review that returned it.
 * The re-exported workbooks and the 审核意见反馈单 both read them from here, so the unit sees the
 * same words in Excel and on paper.
 */
import type { Kysely } from 'kysely'
import type { ReviewOpinion } from '../../shared/domain'
import type { DB } from '../db/schema'
import { parseJson } from './context'

export interface OpenOpinions {
  itemId: string
  projectId: string
  /** 第N次审核 of the item (its review_count when it was returned). */
  reviewNo: number
  at: string
  reviewer: string
  division: string
  /** The opinions on the project as a whole (总体意见, 年度总体目标, 资金, 其他), one line each. */
  project: string[]
  /** Opinions on single indicators, by indicator id. */
  indicators: Map<string, string[]>
  /** Every opinion in the order given, labelled, for the 反馈单. */
  all: { label: string; text: string }[]
}

/** Opinions of the returned items among `itemIds` (all items of the round when omitted). */
export async function loadOpenOpinions(db: Kysely<DB>, roundId: string, itemIds?: string[]): Promise<Map<string, OpenOpinions>> {
  let q = db
    .selectFrom('round_items as i')
    .innerJoin('reviews as v', 'v.item_id', 'i.id')
    .leftJoin('operators as o', 'o.id', 'v.operator_id')
    .leftJoin('divisions as d', 'd.id', 'v.division_id')
    .select(['i.id as item_id', 'i.project_id', 'i.review_count', 'v.seq', 'v.summary', 'v.opinions', 'v.at', 'o.name as reviewer', 'd.name as division'])
    .where('i.round_id', '=', roundId)
    .where('i.status', '=', '退回修改')
    .where('v.action', '=', 'return')
  if (itemIds) q = q.where('i.id', 'in', itemIds)
  const rows = await q.orderBy('v.seq', 'desc').execute()
  const out = new Map<string, OpenOpinions>()
  for (const r of rows) {
    if (out.has(r.item_id)) continue // only the latest return counts: earlier ones were acted on
    const list = parseJson<ReviewOpinion[]>(r.opinions, [])
    const indicators = new Map<string, string[]>()
    const project: string[] = []
    const all: OpenOpinions['all'] = []
    if (r.summary.trim()) {
      project.push(r.summary.trim())
      all.push({ label: '总体意见', text: r.summary.trim() })
    }
    for (const o of list) {
      all.push({ label: o.label, text: o.text })
      if (o.ref === 'annualGoal' || o.ref === 'funds' || o.ref === 'other' || !o.ref) project.push(o.ref === 'other' || !o.ref ? o.text : `${o.label}：${o.text}`)
      else indicators.set(o.ref, [...(indicators.get(o.ref) ?? []), o.text])
    }
    out.set(r.item_id, { itemId: r.item_id, projectId: r.project_id, reviewNo: r.review_count, at: r.at, reviewer: r.reviewer ?? '', division: r.division ?? '', project, indicators, all })
  }
  return out
}

/** One cell's text: several opinions numbered, one as it is. */
export function opinionCell(lines: string[] | undefined): string | undefined {
  if (!lines || lines.length === 0) return undefined
  return lines.length === 1 ? lines[0] : lines.map((l, i) => `${i + 1}. ${l}`).join('\n')
}
