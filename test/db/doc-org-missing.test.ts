/**
 * A first-year database before 设置 · 单位信息 is filled: checking a document before issue (what the
 * document dialog does on 生成) says in Chinese what to fill and where, as the issue itself does,
 * instead of failing inside the 文号 formatter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanup, makeBackend, type TestBackend } from '../helpers/backend'

let t: TestBackend

beforeAll(async () => {
  t = await makeBackend()
})

afterAll(async () => {
  await t?.close()
  if (t) cleanup(t.dataDir)
})

describe('documents before the 单位信息 is filled', () => {
  it('docs/check and docs/issue refuse with the same message naming 设置—单位信息', async () => {
    const unit = await t.call('units/save', { code: '101041', name: '师宗县住房和城乡建设局', parentName: '', divisionId: null })
    await t.call('projects/save', { budgetYear: 2023, unitId: unit.id, code: '530323230001', name: '城乡环卫一体化经费', amountWan: '1500', fundSource: '一般公共预算', category: '项目' })
    const round = await t.call('rounds/save', { stage: 'selfeval', workYear: 2024, title: '2023年度自评', deadline: '2024-04-30', unitIds: [] })
    const params = { kind: 'selfeval-notice' as const, recordId: round.id }
    const check = await t.fail('docs/check', { ...params, date: '2024-03-15', serial: null })
    expect(check.code).toBe('VALIDATION')
    expect(check.message).toBe('请先在“设置—单位信息”中填写县名、财政局全称、发文机关标志、文号代字、印发机关和署名，再生成公文')
    const draft = await t.call('docs/draft', params)
    const issue = await t.fail('docs/issue', { ...params, date: '2024-03-15', serial: null, title: draft.title, recipients: draft.recipients, body: draft.body, attachments: draft.attachments, copyTo: draft.copyTo })
    expect(issue.message).toBe(check.message)
  })
})
