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

/** A 办法 of three heading levels, long enough for two pages and more. */
export const THIRD_PARTY_BODY = [
  '为规范第三方中介机构参与预算绩效管理工作，提高绩效评价质量，根据《中共中央 国务院关于全面实施预算绩效管理的意见》和省、市有关规定，结合我县实际，制定本办法。',
  '一、总则',
  '（一）适用范围。本办法所称第三方中介机构，是指受县财政局委托，依法独立开展预算绩效评估、绩效目标审核、绩效运行监控和绩效评价等工作的会计师事务所、资产评估机构、咨询机构、科研院所等社会组织。',
  '（二）基本原则。第三方中介机构参与预算绩效管理工作，应当遵循独立、客观、公正、科学的原则，依法依规开展工作，对出具的报告的真实性、准确性和完整性负责。',
  '二、委托与管理',
  '（一）委托方式。',
  '1.选取方式。县财政局按照政府采购有关规定选取第三方中介机构，并与其签订委托协议，明确工作内容、工作要求、完成时限、费用支付和违约责任等事项。',
  '2.工作要求。第三方中介机构应当组建与委托事项相适应的工作组，工作组成员应当具备相关专业知识和工作经验，不得与被评价单位存在利害关系。',
  '3.质量控制。第三方中介机构应当建立健全内部质量控制制度，对工作底稿、评价报告实行分级复核，确保评价结论依据充分、数据准确。',
  '（二）工作流程。第三方中介机构按照前期准备、组织实施、分析评价、撰写报告、报告审核等程序开展工作，按时报送绩效评价报告及工作底稿。',
  '三、监督与考评',
  '（一）考评内容。县财政局对第三方中介机构的工作质量、工作进度、职业道德和报告质量等进行考评，考评结果分为优秀、良好、合格和不合格四个等级。',
  '（二）结果运用。考评结果作为以后年度选取第三方中介机构的重要依据。考评结果为不合格的，三年内不再委托其参与我县预算绩效管理工作。',
  '（三）责任追究。第三方中介机构在工作中弄虚作假、泄露国家秘密或者工作秘密的，依法依规追究责任。',
  '四、附则',
  '本办法由县财政局负责解释，自印发之日起施行。',
].join('\n')

/** Issues the kinds the demo leaves out, then copies every generated file to `outDir/<n>-<kind>.docx`. */
export async function issueEveryKind(t: TestBackend, outDir: string): Promise<IssuedKind[]> {
  await issue(t, 'annual-report', { workYear: 2024 }, '2024-12-31')
  const approved = async (stage: 'targets' | 'monitoring' | 'fiscaleval') =>
    (await t.call('items/list', { roundId: await roundOf(t, stage), status: '已审核' })).rows[0]!.id
  await issue(t, 'targets-opinion', { recordId: await approved('targets') }, '2024-11-20')
  // 审核意见反馈单: to the unit of one item the demo returned (退回修改).
  const targetsRound = await roundOf(t, 'targets')
  const returned = (await t.call('items/list', { roundId: targetsRound, status: '退回修改' })).rows[0]!
  await issue(t, 'review-feedback', { recordId: unitRecordId(targetsRound, returned.unitId) }, '2024-12-28')
  await issue(t, 'targets-approval', { recordId: targetsRound }, '2024-04-10')
  await issue(t, 'monitoring-opinion', { recordId: await approved('monitoring') }, '2024-11-06')
  await issue(t, 'eval-opinion', { recordId: await approved('fiscaleval') }, '2024-12-20')
  const exante = (await t.call('exante/list', { workYear: 2024 })).rows[0]!.id
  await issue(t, 'exante-opinion', { recordId: exante }, '2024-12-05')
  const engagement = (await t.call('engagements/list', { roundId: await roundOf(t, 'fiscaleval') }))[0]
  if (engagement) await issue(t, 'agency-rating', { recordId: engagement.id }, '2024-12-27')
  // 起草公文: the source report's 第三方中介机构参与预算绩效管理办法, written freely and numbered here.
  const banfa = await t.call('freedoc/save', {
    workYear: 2024,
    docType: '办法',
    direction: 'down',
    prefixKey: 'budget',
    title: '师宗县第三方中介机构参与预算绩效管理办法',
    recipients: '县直各部门，各乡（镇）人民政府：',
    body: THIRD_PARTY_BODY,
    attachments: ['第三方中介机构考评表', '第三方中介机构工作底稿目录'],
    copyTo: '县审计局',
    date: '2024-12-27',
  })
  await issue(t, 'free-doc', { recordId: banfa.id }, '2024-12-27')
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
