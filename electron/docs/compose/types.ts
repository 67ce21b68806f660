/** A composer turns records into a document: default texts, the records concerned, and a renderer. */
import type { DocDraft } from '../../../shared/documents'
import type { Settings } from '../../../shared/settings'
import type { Ctx } from '../../handlers/context'

export interface DocDefaults {
  title: string
  recipients: string
  body: string
  attachments: string[]
  copyTo: string
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
}

export interface ComposeParams {
  recordId?: string
  workYear?: number
}

export type Composer = (params: ComposeParams, ctx: Ctx) => Promise<Composed>

export type { DocDraft }
