/** What every composer shares: the 公文 render from issued text and settings, and form cells. */
import { parseBody } from '../../../shared/documents'
import type { Settings } from '../../../shared/settings'
import type { FormCell } from '../form-doc'
import { renderGongwen, type Annex } from '../gongwen'
import { parseJson, type Ctx } from '../../handlers/context'
import type { IssueText } from './types'

/**
 * What a document's text is built from, as at its issue (下达): the snapshot kept in its register
 * row when it was issued, else `now()` from today's data (a first draft). A notice once issued
 * keeps quoting the scope it was issued with, whatever the round has become since — unless the
 * clerk redrafts it from the latest data (`fresh`, 按最新数据重新起草): then `now()` again, and the
 * re-issued document keeps that as its new snapshot.
 */
export async function scopeAtIssue<T>(ctx: Ctx, { key, fresh }: { key: string; fresh?: boolean }, now: () => Promise<T> | T): Promise<T> {
  if (fresh) return await now()
  const row = await ctx.db.selectFrom('documents').select('content').where('doc_key', '=', key).executeTakeFirst()
  const kept = row ? parseJson<{ snapshot?: T }>(row.content, {}).snapshot : undefined
  return kept ?? (await now())
}

/** A 公文 with the organisation's mark, 署名 and 印发机关 from settings. */
export function renderNotice(text: IssueText, s: Settings, annexes: Annex[] = [], { upward = false }: { upward?: boolean } = {}): Promise<Buffer> {
  return renderGongwen({
    upward: upward ? { signer: s.org.signer ?? '' } : undefined,
    issuerMark: s.org.issuerMark,
    docNumber: text.docNumber,
    title: text.title,
    recipients: text.recipients,
    body: parseBody(text.body),
    attachments: text.attachments,
    signature: s.org.signature,
    date: text.date,
    copyTo: text.copyTo,
    printer: s.org.printer,
    printDate: text.date,
    annexes,
    fonts: s.fonts,
  })
}

/** A label cell of a form document. */
export const L = (t: string, span?: number): FormCell => ({ text: t, label: true, ...(span ? { span } : {}) })
/** A value cell of a form document. */
export const V = (t: string, span?: number, extra: Partial<FormCell> = {}): FormCell => ({ text: t, ...(span ? { span } : {}), ...extra })
/** The signature space of an 意见书 row. */
export const SIGN = '\n\n签字：　　　　　　　　年　　月　　日'

/** An unnumbered 情况 report (the annual report): the 公文 body without 版头 and 版记. */
export function renderReport(text: IssueText, s: Settings): Promise<Buffer> {
  return renderGongwen({
    issuerMark: '',
    docNumber: null,
    title: text.title,
    recipients: text.recipients,
    body: parseBody(text.body),
    attachments: text.attachments,
    signature: s.org.signature,
    date: text.date,
    copyTo: '',
    printer: '',
    printDate: '',
    annexes: [],
    fonts: s.fonts,
  })
}
