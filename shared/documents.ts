/**
 * The documents the app issues. Each kind says whether it is a 公文 (numbered notice/report) or a
 * form document (titled table), which 代字 numbers it, and what record it is generated from.
 */
export const DOC_KINDS = {
  'exante-opinion': { name: '绩效评估结果运用意见书', layout: 'form', prefix: 'budget', scope: 'record' },
  'exante-feedback': { name: '事前评估结果反馈通知', layout: 'gongwen', prefix: 'budget', scope: 'year' },
  'targets-notice': { name: '绩效目标编审工作通知', layout: 'gongwen', prefix: 'budget', scope: 'round' },
  'targets-opinion': { name: '绩效目标审核结果运用意见书', layout: 'form', prefix: 'budget', scope: 'record' },
  /** After the review: the approved targets go back to the units with the budget (同批复), listed by project. */
  'targets-approval': { name: '绩效目标批复通知', layout: 'gongwen', prefix: 'budget', scope: 'round' },
  'monitoring-notice': { name: '运行监控工作通知', layout: 'gongwen', prefix: 'budget', scope: 'round' },
  'monitoring-opinion': { name: '运行监控结果运用意见书', layout: 'form', prefix: 'budget', scope: 'record' },
  'monitoring-feedback': { name: '运行监控结果反馈通知', layout: 'gongwen', prefix: 'budget', scope: 'round' },
  'selfeval-notice': { name: '绩效自评工作通知', layout: 'gongwen', prefix: 'performance', scope: 'round' },
  'fiscaleval-notice': { name: '财政再评价工作通知', layout: 'gongwen', prefix: 'budget', scope: 'round' },
  'rectify-notice': { name: '评价结果反馈及整改通知', layout: 'gongwen', prefix: 'budget', scope: 'record' },
  'eval-opinion': { name: '预算绩效评价结果运用意见书', layout: 'form', prefix: 'budget', scope: 'record' },
  // To 县委、人大、政府、纪检监察: a 上行文 (文号 left, 签发人 right on its line, GB/T 9704 §7.2.4–7.2.5).
  'eval-report': { name: '财政评价结果报告', layout: 'gongwen', prefix: 'budget', scope: 'round', upward: true },
  'agency-rating': { name: '第三方机构考评表', layout: 'form', prefix: 'budget', scope: 'engagement' },
  'annual-report': { name: '年度预算绩效工作开展情况', layout: 'gongwen', prefix: 'budget', scope: 'year', numbered: false },
  /** To one unit: the opinions its returned items carry. recordId = `${roundId}:${unitId}` (unitRecordId). */
  'review-feedback': { name: '审核意见反馈单', layout: 'form', prefix: 'budget', scope: 'unit' },
  /**
   * A 通知 / 办法 / 报告 written freely (the 第三方中介机构参与预算绩效管理办法, the 事前绩效评估管理办法):
   * recordId = a free_documents draft, which says its 代字 (预算 or 绩效) and 上行文 or 下行文.
   */
  'free-doc': { name: '自拟公文', layout: 'gongwen', prefix: 'budget', scope: 'draft' },
} as const satisfies Record<string, { name: string; layout: 'form' | 'gongwen'; prefix: 'budget' | 'performance'; scope: 'record' | 'year' | 'round' | 'engagement' | 'unit' | 'draft'; numbered?: boolean; upward?: boolean }>

/** The 文种 of a freely written 公文. */
export const FREE_DOC_TYPES = ['通知', '办法', '报告'] as const
export type FreeDocType = (typeof FREE_DOC_TYPES)[number]

/** A freely written 公文 draft (起草公文 on the 发文登记 screen), kept so that re-issuing keeps its text. */
export interface FreeDoc {
  id: string
  workYear: number
  docType: FreeDocType
  /** 上行文 (to 县委/人大/政府: 文号 left, 签发人 right) or 下行文. */
  direction: 'down' | 'up'
  /** Which 代字 of the settings numbers it: 预算 (prefixBudget) or 绩效 (prefixPerformance). */
  prefixKey: 'budget' | 'performance'
  title: string
  recipients: string
  body: string
  attachments: string[]
  copyTo: string
  date: string
  version: number
  /** The 文号 when issued, else ''. */
  docNumber: string
  updatedAt: string
}

/** The record id of a per-unit document of a round (审核意见反馈单). */
export const unitRecordId = (roundId: string, unitId: string) => `${roundId}:${unitId}`

export type DocKind = keyof typeof DOC_KINDS
export const DOC_KIND_KEYS = Object.keys(DOC_KINDS) as [DocKind, ...DocKind[]]

/** A document before issue: pre-filled from the data, every text editable by the user. */
export interface DocDraft {
  kind: DocKind
  /** Identifies "the same document" so that re-generating keeps its 文号. */
  key: string
  layout: 'form' | 'gongwen'
  title: string
  /** 主送 */
  recipients: string
  /**
   * Body as plain text, one paragraph per line. Lines starting 一、 (一) 1. are recognised as the
   * three heading levels of GB/T 9704.
   */
  body: string
  /** 附件说明 lines, e.g. "2025年预算项目事前绩效评估结果表". */
  attachments: string[]
  /** Of those, the ones confirmed at the last issue as provided apart (另行附送). */
  apart: string[]
  /** 抄送 */
  copyTo: string
  date: string // YYYY-MM-DD 成文日期
  prefix: string
  year: number
  /** The issued serial if this document was issued before, otherwise the next free one. */
  serial: number | null
  issued: boolean
  numbered: boolean
}

/** Splits a body text into GB/T 9704 blocks by its numbering. */
export type BodyBlock = { level: 0 | 1 | 2 | 3; text: string }

export function parseBody(text: string): BodyBlock[] {
  const blocks: BodyBlock[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line) continue
    let level: BodyBlock['level'] = 0
    if (/^[一二三四五六七八九十]+、/.test(line)) level = 1
    else if (/^[（(][一二三四五六七八九十]+[）)]/.test(line)) level = 2
    else if (/^\d+[.．](?!\d)/.test(line)) level = 3
    blocks.push({ level, text: line })
  }
  return blocks
}

/** 2024-10-08 → 2024年10月8日 (GB/T 9704: Arabic numerals, no leading zeros). */
export function formatChineseDate(iso: string): string {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(iso)
  if (!m) return iso
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`
}
