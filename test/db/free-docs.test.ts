/**
 * 起草公文: a 办法 written freely, numbered from the 发文登记 register like every 公文 (never twice,
 * kept on re-issue, the old file moved to 旧版本), the 代字 chosen on the draft, and a 报告 upward
 * laid out as a 上行文 with its 签发人.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanup, makeSetUpBackend, type TestBackend } from '../helpers/backend'
import { attr, paragraphWith, runWith, textOf, paragraphs, unzipDocx } from '../docs/docx-xml'

let t: TestBackend
beforeAll(async () => {
  t = await makeSetUpBackend({ now: () => new Date('2024-06-20T09:00:00') })
})
afterAll(async () => {
  await t.close()
  cleanup(t.dataDir)
})

const BODY = [
  '为规范第三方中介机构参与预算绩效管理工作，根据有关规定，制定本办法。',
  '一、总则',
  '（一）适用范围。本办法适用于受县财政局委托参与预算绩效管理的第三方中介机构。',
  '（二）基本原则。坚持独立、客观、公正的原则。',
  '二、委托与管理',
  '（一）委托方式。',
  '1.委托方式。县财政局通过政府采购方式选取第三方机构。',
  '2.委托协议。委托双方签订委托协议，明确工作内容和质量要求。',
  '三、附则',
  '本办法自印发之日起施行。',
].join('\n')

const draftOf = (over: Record<string, unknown> = {}) => ({
  workYear: 2024,
  docType: '办法' as const,
  direction: 'down' as const,
  prefixKey: 'budget' as const,
  title: '师宗县第三方中介机构参与预算绩效管理办法',
  recipients: '县直各部门：',
  body: BODY,
  attachments: ['第三方中介机构考评表', '第三方中介机构工作底稿目录'],
  copyTo: '县审计局',
  date: '2024-06-18',
  ...over,
})

async function issueDraft(id: string, over: Record<string, unknown> = {}) {
  const d = await t.call('docs/draft', { kind: 'free-doc', recordId: id })
  return t.call('docs/issue', { kind: 'free-doc', recordId: id, title: d.title, recipients: d.recipients, body: d.body, attachments: d.attachments, copyTo: d.copyTo, date: d.date, serial: null, ...over })
}

describe('起草公文', () => {
  let banfaId = ''
  let firstPath = ''

  it('numbers a 办法 from the register: the next free 师财预 number after those registered by hand', async () => {
    await t.call('register/add', { prefix: '师财预', year: 2024, serial: 101, title: '关于做好2024年预算绩效管理工作的通知', recipients: '', issuedDate: '2024-06-10' })
    const saved = await t.call('freedoc/save', draftOf())
    banfaId = saved.id
    expect(saved.docNumber).toBe('')
    const d = await t.call('docs/draft', { kind: 'free-doc', recordId: saved.id })
    expect(d).toMatchObject({ prefix: '师财预', year: 2024, serial: 102, issued: false, numbered: true, date: '2024-06-18', title: '师宗县第三方中介机构参与预算绩效管理办法' })
    expect(d.attachments).toEqual(['第三方中介机构考评表', '第三方中介机构工作底稿目录'])
    const r = await issueDraft(saved.id)
    expect(r.entry.docNumber).toBe('师财预〔2024〕102号')
    expect(r.entry.kindName).toBe('自拟公文')
    expect(r.entry.fileName).toBe('师财预〔2024〕102号 师宗县第三方中介机构参与预算绩效管理办法.docx')
    firstPath = r.path
    expect(existsSync(r.path)).toBe(true)
    const { document } = await unzipDocx(readFileSync(r.path))
    // The three heading levels: 一、 黑体, the 楷体 heading phrase of （一）, 1. in the body face.
    expect(attr(runWith(document, '一、总则'), 'w:rFonts', 'w:eastAsia')).toBe('黑体')
    expect(attr(runWith(document, '（一）适用范围。'), 'w:rFonts', 'w:eastAsia')).toBe('楷体_GB2312')
    expect(attr(paragraphWith(document, '1.委托方式。'), 'w:rFonts', 'w:eastAsia') ?? '仿宋_GB2312').toBe('仿宋_GB2312')
    // 附件说明 numbered, two attachments; 抄送 and the 文号 centred under the mark (a 下行文).
    expect(textOf(paragraphWith(document, '附件：'))).toBe('附件：1.第三方中介机构考评表')
    expect(paragraphs(document).map(textOf)).toContain('2.第三方中介机构工作底稿目录')
    expect(textOf(paragraphWith(document, '抄送'))).toContain('县审计局')
    expect(attr(paragraphWith(document, '师财预〔2024〕102号'), 'w:jc', 'w:val')).toBe('center')
    expect(textOf(document)).not.toContain('签发人')
  })

  it('re-issues with its number, the new text kept on the draft, the old file moved to 旧版本', async () => {
    const r = await issueDraft(banfaId, { title: '师宗县第三方中介机构参与预算绩效管理暂行办法', date: '2024-06-19' })
    expect(r.entry.docNumber).toBe('师财预〔2024〕102号')
    expect(existsSync(firstPath)).toBe(false)
    expect(readdirSync(join(dirname(firstPath), '旧版本')).some((f) => f.startsWith('师财预〔2024〕102号 师宗县第三方中介机构参与预算绩效管理办法 '))).toBe(true)
    expect(readdirSync(dirname(firstPath)).filter((f) => f.endsWith('.docx'))).toEqual(['师财预〔2024〕102号 师宗县第三方中介机构参与预算绩效管理暂行办法.docx'])
    const list = await t.call('freedoc/list', { workYear: 2024 })
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ title: '师宗县第三方中介机构参与预算绩效管理暂行办法', date: '2024-06-19', docNumber: '师财预〔2024〕102号' })
    const d = await t.call('docs/draft', { kind: 'free-doc', recordId: banfaId })
    expect(d).toMatchObject({ issued: true, serial: 102, title: '师宗县第三方中介机构参与预算绩效管理暂行办法' })
    expect((await t.call('register/list', { year: 2024 })).filter((e) => e.docNumber === '师财预〔2024〕102号')).toHaveLength(1)
  })

  it('never takes a number twice, and numbers a 绩效 draft under 师财绩', async () => {
    const other = await t.call('freedoc/save', draftOf({ docType: '办法', title: '师宗县预算项目事前绩效评估管理办法', attachments: [] }))
    const d = await t.call('docs/draft', { kind: 'free-doc', recordId: other.id })
    const clash = await t.fail('docs/issue', { kind: 'free-doc', recordId: other.id, title: d.title, recipients: d.recipients, body: d.body, attachments: [], copyTo: '', date: d.date, serial: 102 })
    expect(clash.message).toContain('文号师财预〔2024〕102号已用于《师宗县第三方中介机构参与预算绩效管理暂行办法》')
    expect((await issueDraft(other.id)).entry.docNumber).toBe('师财预〔2024〕103号')
    const perf = await t.call('freedoc/save', draftOf({ docType: '通知', prefixKey: 'performance', title: '关于开展2024年度部门整体支出绩效自评工作的通知', attachments: [] }))
    expect((await issueDraft(perf.id)).entry.docNumber).toBe('师财绩〔2024〕1号')
  })

  it('lays a 报告 upward as a 上行文: 文号 left, 签发人 on its line; refused while no 签发人 is set', async () => {
    const report = await t.call('freedoc/save', draftOf({ docType: '报告', direction: 'up', title: '师宗县财政局关于2024年上半年预算绩效管理工作情况的报告', recipients: '县人民政府：', attachments: [], copyTo: '' }))
    const refused = await t.fail('docs/issue', { kind: 'free-doc', recordId: report.id, title: report.title, recipients: report.recipients, body: report.body, attachments: [], copyTo: '', date: report.date, serial: null })
    expect(refused.message).toContain('签发人')
    expect((await t.call('register/list', { year: 2024 })).map((e) => e.docNumber)).not.toContain('师财预〔2024〕104号')
    const settings = await t.call('settings/get', {})
    await t.call('settings/save', { ...settings, org: { ...settings.org, signer: '张建华' } })
    const r = await issueDraft(report.id)
    expect(r.entry.docNumber).toBe('师财预〔2024〕104号')
    const { document } = await unzipDocx(readFileSync(r.path))
    const line = paragraphWith(document, '师财预〔2024〕104号')
    expect(textOf(line)).toBe('师财预〔2024〕104号签发人：张建华')
    expect(attr(line, 'w:jc', 'w:val')).toBe('left')
  })

  it('checks the draft: a 成文日期 outside its year, a clerk without 预算股', async () => {
    const e = await t.fail('freedoc/save', draftOf({ date: '2026-01-05' }))
    expect(e.message).toContain('成文日期2026-01-05不在2024年度内')
    await t.signInAs('赵录入', ['录入'])
    const denied = await t.fail('freedoc/save', draftOf())
    expect(denied.code).toBe('FORBIDDEN')
  })
})
