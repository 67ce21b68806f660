/** A composer turns records into a document: default texts, the records concerned, and a renderer. */
import type { DocDraft } from '../../../shared/documents'
import type { Settings } from '../../../shared/settings'
import type { Ctx } from '../../handlers/context'
import type { Writer } from '../../db/writer'
import type { ApartAnnex, BoundAnnex } from '../annex-check'

export interface DocDefaults {
  title: string
  recipients: string
  body: string
  attachments: string[]
  copyTo: string
  /**
   * 附件说明 lines the clerk confirmed as provided apart (另行附送: sent separately or bound in by
   * hand), which the 附件 check then accepts though nothing is bound in for them.
   */
  apart?: string[]
}

export interface IssueText extends DocDefaults {
  date: string
  docNumber: string | null
}

export interface Composed {
  /** Same key = same document: re-generating it keeps its 文号. */
  key: string
  defaults: DocDefaults
  records: { id: string; label: string }[]
  render(text: IssueText, settings: Settings): Promise<Buffer>
  /**
   * Files issued with the document (e.g. a long list as an Excel annex named in the 附件 line):
   * `label` is the 附件 label the file name carries ("附件2"), written beside the .docx.
   */
  companions?(text: IssueText, settings: Settings): Promise<{ label: string; ext: string; data: Buffer }[]>
  /**
   * The annexes this text binds in (annex tables after the text, Excel files beside it), for the
   * 附件 check before issue; none when absent.
   */
  bound?(text: Pick<IssueText, 'attachments'>): BoundAnnex[]
  /** Annexes the text names that reach the units another way, and how (for the 附件 check's advice). */
  separately?: ApartAnnex[]
  /** The 成文日期 a first draft proposes, when the record says it (a free 公文's draft). */
  defaultDate?: string
  /** Which 代字 numbers it, when the record decides rather than the kind (a free 公文). */
  prefixKey?: 'budget' | 'performance'
  /** A 上行文 (签发人 required) when the record decides rather than the kind. */
  upward?: boolean
  /**
   * The data the text is built from as it stood when the document was first issued (下达): the
   * round's scope, say. Kept in the register row and given back by `scopeAtIssue` on every later
   * draft or re-issue, so a later change to the round never alters an issued notice's text (unless
   * it is redrafted from the latest data, `ComposeParams.fresh`).
   */
  snapshot?: unknown
  /** Inside the issuing transaction: keep the issued text on the record too. */
  persist?(w: Writer, text: IssueText): Promise<void>
}

export interface ComposeParams {
  recordId?: string
  workYear?: number
  /**
   * 按最新数据重新起草: build the text from the data as it is now, not from the issued document's
   * snapshot (a plain regenerate keeps the snapshot); the re-issue then keeps the new one.
   */
  fresh?: boolean
}

export type Composer = (params: ComposeParams, ctx: Ctx) => Promise<Composed>

export type { DocDraft }
