/**
 * Every document kind of the demo year, issued through the handlers a clerk's screens call, for the
 * render tests: the 公文 the demo issues itself plus the annual report and one of each form kind.
 */
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { unitRecordId, type DocKind } from '../../shared/documents'
import type { TestBackend } from '../helpers/backend'

export interface IssuedKind {
  kind: DocKind
  label: string
  title: string
  docNumber: string
  file: string
}

async function roundOf(t: TestBackend, stage: 'targets' | 'monitoring' | 'selfeval' | 'fiscaleval'): Promise<string> {
  return (await t.call('rounds/list', { stage, workYear: 2024 }))[0]!.id
}

async function issue(t: TestBackend, kind: DocKind, params: { recordId?: string; workYear?: number }, date: string): Promise<void> {
  const d = await t.call('docs/draft', { kind, ...params })
  await t.call('docs/issue', { kind, ...params, title: d.title, recipients: d.recipients, body: d.body, attachments: d.attachments, copyTo: d.copyTo, date, serial: null })
}

/** Issues the kinds the demo leaves out, then copies every generated file to `outDir/<n>-<kind>.docx`. */
export async function issueEveryKind(t: TestBackend, outDir: string): Promise<IssuedKind[]> {
  await issue(t, 'annual-report', { workYear: 2024 }, '2024-12-31')
  const approved = async (stage: 'targets' | 'monitoring' | 'fiscaleval') =>
    (await t.call('items/list', { roundId: await roundOf(t, stage), status: '已审核' })).rows[0]!.id
  await issue(t, 'targets-opinion', { recordId: await approved('targets') }, '2024-11-20')
  await issue(t, 'monitoring-opinion', { recordId: await approved('monitoring') }, '2024-11-06')
  await issue(t, 'eval-opinion', { recordId: await approved('fiscaleval') }, '2024-12-20')
  const exante = (await t.call('exante/list', { workYear: 2024 })).rows[0]!.id
  await issue(t, 'exante-opinion', { recordId: exante }, '2024-12-05')
  const engagement = (await t.call('engagements/list', { roundId: await roundOf(t, 'fiscaleval') }))[0]
  if (engagement) await issue(t, 'agency-rating', { recordId: engagement.id }, '2024-12-27')
  // 审核意见反馈单: one per unit of the items returned with 修改意见 (the demo returns none: return one).
  const targets = await roundOf(t, 'targets')
  let returned = (await t.call('items/list', { roundId: targets, status: '退回修改' })).rows[0]
  if (!returned) {
    const filled = (await t.call('items/list', { roundId: targets, status: '已填报' })).rows[0]!
    await t.call('items/transition', { id: filled.id, action: 'return', conclusion: '中', opinions: [{ ref: 'other', label: '其他', text: '请细化产出数量指标' }] })
    returned = (await t.call('items/list', { roundId: targets, status: '退回修改' })).rows[0]!
  }
  await issue(t, 'review-feedback', { recordId: unitRecordId(targets, returned.unitId) }, '2024-03-20')
  const register = await t.call('register/list', { year: 2024 })
  mkdirSync(outDir, { recursive: true })
  return register
    .filter((e) => e.generated && e.filePath)
    .map((e, i) => {
      const file = join(outDir, `${String(i + 1).padStart(2, '0')}-${e.kind}.docx`)
      copyFileSync(e.filePath, file)
      return { kind: e.kind as DocKind, label: e.docNumber || e.kindName, title: e.title, docNumber: e.docNumber, file }
    })
}
