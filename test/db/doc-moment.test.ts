/**
 * A document's text reflects the moment it is issued: a notice quotes the round's scope at 下达 (a
 * later change to the round does not alter it), the 整改通知 prints each problem once and drops an
 * empty section, the 附件 check names what the 附件说明 lists and what is bound in, and the 主送/抄送
 * of a first draft come from the settings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import ExcelJS from 'exceljs'
import { useDemoBackend } from '../helpers/backend'
import { textOf, unzipDocx } from '../docs/docx-xml'

const demo = useDemoBackend(new Date('2024-12-28T09:00:00'))

const roundOf = async (stage: 'targets' | 'monitoring' | 'selfeval' | 'fiscaleval') => (await demo.t.call('rounds/list', { stage, workYear: 2024 }))[0]!

/** 按最新数据重新起草 and issue that draft (the dialog passes `fresh` to both). */
async function reissueFresh(kind: 'targets-notice' | 'monitoring-notice', recordId: string, date: string) {
  const d = await demo.t.call('docs/draft', { kind, recordId, fresh: true })
  await demo.t.call('docs/issue', { kind, recordId, fresh: true, title: d.title, recipients: d.recipients, body: d.body, attachments: d.attachments, copyTo: d.copyTo, date, serial: null })
  return (await demo.t.call('register/list', { year: 2024 })).find((e) => e.kind === kind)!
}

describe('the round’s scope at 下达', () => {
  it('104号 and 70号 keep quoting the round as issued after it grows; 按最新数据重新起草 quotes it as it is now and keeps that', async () => {
    const targets = await roundOf('targets')
    const monitoring = await roundOf('monitoring')
    const scope104 = '本次涉及73个预算单位139个项目，资金14052万元。'
    const scope70 = '共600个项目，资金280610.08万元，全部纳入绩效运行监控。'
    expect((await demo.t.call('docs/draft', { kind: 'targets-notice', recordId: targets.id })).body).toContain(scope104)
    expect((await demo.t.call('docs/draft', { kind: 'monitoring-notice', recordId: monitoring.id })).body).toContain(scope70)
    // After 下达 a project of a unit already in the round is added to the year and synced into both rounds.
    const unitId = (await demo.t.call('items/list', { roundId: targets.id })).rows[0]!.unitId
    await demo.t.call('projects/save', { budgetYear: 2024, unitId, code: '', name: '下达后新增项目', amountWan: '100', fundSource: '一般公共预算', category: '项目' })
    expect((await demo.t.call('rounds/sync', { id: targets.id })).added).toBe(1)
    await demo.t.call('rounds/sync', { id: monitoring.id })
    expect((await demo.t.call('items/list', { roundId: targets.id })).total).toBe(140)
    // Re-drafted from the register (a plain regenerate): the text as at 下达.
    expect((await demo.t.call('docs/draft', { kind: 'targets-notice', recordId: targets.id })).body).toContain(scope104)
    expect((await demo.t.call('docs/draft', { kind: 'monitoring-notice', recordId: monitoring.id })).body).toContain(scope70)
    // 按最新数据重新起草: the round as it is now, 100万元 and one project more.
    const now104 = '本次涉及73个预算单位140个项目，资金14152万元。'
    const now70 = '共601个项目，资金280710.08万元，全部纳入绩效运行监控。'
    expect((await demo.t.call('docs/draft', { kind: 'targets-notice', recordId: targets.id, fresh: true })).body).toContain(now104)
    expect((await demo.t.call('docs/draft', { kind: 'monitoring-notice', recordId: monitoring.id, fresh: true })).body).toContain(now70)
    // Issued so: the same 文号, and from then on the new scope is the one kept.
    const e = await reissueFresh('targets-notice', targets.id, '2024-02-20')
    expect(e.docNumber).toBe('师财预〔2024〕104号')
    expect((await demo.t.call('docs/draft', { kind: 'targets-notice', recordId: targets.id })).body).toContain(now104)
    await demo.t.call('projects/save', { budgetYear: 2024, unitId, code: '', name: '再次新增项目', amountWan: '50', fundSource: '一般公共预算', category: '项目' })
    await demo.t.call('rounds/sync', { id: targets.id })
    const kept = await demo.t.call('docs/draft', { kind: 'targets-notice', recordId: targets.id })
    expect(kept.body).toContain(now104)
    // A plain regenerate of that draft keeps it too.
    await demo.t.call('docs/issue', { kind: 'targets-notice', recordId: targets.id, title: kept.title, recipients: kept.recipients, body: kept.body, attachments: kept.attachments, copyTo: kept.copyTo, date: '2024-02-20', serial: null })
    expect((await demo.t.call('docs/draft', { kind: 'targets-notice', recordId: targets.id, fresh: true })).body).toContain('本次涉及73个预算单位141个项目，资金14202万元。')
    expect((await demo.t.call('docs/draft', { kind: 'targets-notice', recordId: targets.id })).body).toContain(now104)
  })

  it('a round never issued is drafted from the data as it is now', async () => {
    const fresh = await demo.t.call('rounds/save', { stage: 'targets', workYear: 2024, title: '2024年度补充绩效目标编审', deadline: '2024-12-31', unitIds: [], projectIds: [] })
    const d = await demo.t.call('docs/draft', { kind: 'targets-notice', recordId: fresh.id })
    const items = await demo.t.call('items/list', { roundId: fresh.id })
    const units = new Set(items.rows.map((r) => r.unitId)).size
    expect(d.body).toContain(`本次涉及${units}个预算单位${items.total}个项目`)
  })
})

/** The rows of the annex tables after the text (each row's cells joined by |). */
async function annexRows(file: string): Promise<string[]> {
  const xml = (await unzipDocx(readFileSync(file))).document
  return (xml.match(/<w:tbl>[\s\S]*?<\/w:tbl>/g) ?? []).flatMap((tbl) => (tbl.match(/<w:tr[ >][\s\S]*?<\/w:tr>/g) ?? []).map((tr) => (tr.match(/<w:tc>[\s\S]*?<\/w:tc>/g) ?? []).map(textOf).join('|')))
}
async function xlsxRows(file: string): Promise<string[]> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(file)
  const out: string[] = []
  wb.worksheets[0]!.eachRow((r) => out.push((r.values as unknown[]).slice(1).map((v) => String(v ?? '')).join('|')))
  return out
}
/** Regenerates from the register's text and snapshot, or (fresh) 按最新数据重新起草 and issues that. */
async function regenerate(kind: 'monitoring-feedback' | 'eval-report', recordId: string, date: string, fresh = false) {
  const d = await demo.t.call('docs/draft', { kind, recordId, fresh })
  await demo.t.call('docs/issue', { kind, recordId, fresh, title: d.title, recipients: d.recipients, body: d.body, attachments: d.attachments, copyTo: d.copyTo, date, serial: null })
  return (await demo.t.call('register/list', { year: 2024 })).find((e) => e.kind === kind)!
}

describe('103号 and 110号 keep their annexes as at 下达', () => {
  it('103号: a later review of a monitoring line leaves 附件1 and the Excel 附件2 as issued', async () => {
    const monitoring = await roundOf('monitoring')
    const first = await regenerate('monitoring-feedback', monitoring.id, '2024-11-05')
    const table = await annexRows(first.filePath)
    const xlsx = first.filePath.replace(/\.docx$/, '（附件2）.xlsx')
    const sheet = await xlsxRows(xlsx)
    expect(first.docNumber).toBe('师财预〔2024〕103号')
    expect(table[1]).toBe('1|师宗县人民法院|4|4|6152.94|58.63%')
    expect(table).toContain('合计|72个单位|87|266|170404.02|62.86%')
    const line = '1|共青团师宗县委员会|中央补助资金（共青团师宗县委员会第52批）|948.14|671.26|70.8%|红灯|“项目实施数量”红灯（目标≥59个，完成18个，人员保障偏差）|'
    expect(sheet[2]).toBe(line)
    expect(sheet.length).toBe(2 + 87 + 266)
    // After 下达 that project is reopened and its figures re-entered: no longer red, nor reviewed.
    const item = (await demo.t.call('items/list', { roundId: monitoring.id, status: '已审核' })).rows.find((r) => r.projectName === '中央补助资金（共青团师宗县委员会第52批）')!
    await demo.t.call('items/transition', { id: item.id, action: 'reopen', summary: '重新填报执行数' })
    const saved = await demo.t.call('monitoring/save', { itemId: item.id, executedWan: '940', forecastWan: '948.14', deviation: '', measures: '', values: [] })
    expect(saved.item.light).not.toBe('red')
    // Regenerated: the same 附件1 and 附件2, and the body's figures as issued.
    const again = await regenerate('monitoring-feedback', monitoring.id, '2024-11-05')
    expect(again.docNumber).toBe('师财预〔2024〕103号')
    expect(await annexRows(again.filePath)).toEqual(table)
    expect(await xlsxRows(xlsx)).toEqual(sheet)
    expect((await demo.t.call('docs/draft', { kind: 'monitoring-feedback', recordId: monitoring.id })).body).toContain('红灯预警项目87个、黄灯预警项目266个')
    // 按最新数据重新起草 and issued: the reopened project is no longer among the reviewed ones.
    expect((await demo.t.call('docs/draft', { kind: 'monitoring-feedback', recordId: monitoring.id, fresh: true })).body).toContain('红灯预警项目86个、黄灯预警项目266个')
    const redrafted = await regenerate('monitoring-feedback', monitoring.id, '2024-11-05', true)
    expect(redrafted.docNumber).toBe('师财预〔2024〕103号')
    const newTable = await annexRows(redrafted.filePath)
    // 948.14万元 and its 671.26万元 executed leave the total and the unit's row; the unit keeps its 3 yellow ones.
    expect(newTable).toContain('合计|72个单位|86|266|169455.88|62.82%')
    expect(newTable.filter((r) => r.includes('共青团师宗县委员会'))).toEqual(['62|共青团师宗县委员会||3|1261.38|71.88%'])
    expect(table.filter((r) => r.includes('共青团师宗县委员会'))).toEqual(['37|共青团师宗县委员会|1|3|2209.52|71.42%'])
    const newSheet = await xlsxRows(xlsx)
    expect(newSheet.length).toBe(2 + 86 + 266)
    expect(newSheet.some((r) => r.includes('中央补助资金（共青团师宗县委员会第52批）'))).toBe(false)
    // From then on the redrafted scope is the one a plain regenerate keeps.
    expect((await demo.t.call('docs/draft', { kind: 'monitoring-feedback', recordId: monitoring.id })).body).toContain('红灯预警项目86个、黄灯预警项目266个')
  })

  it('110号: a later re-evaluation leaves the 汇总表 and the scores in the body as reported', async () => {
    const fiscal = await roundOf('fiscaleval')
    const first = await regenerate('eval-report', fiscal.id, '2024-12-27')
    const table = await annexRows(first.filePath)
    expect(first.docNumber).toBe('师财预〔2024〕110号')
    const road = '2|师宗县交通运输局|师宗县解决农村公路建设项目|5216.32|84.5|良'
    expect(table.slice(1, 6)).toEqual([
      '1|师宗县医疗保障局|师宗县城乡居民基本医疗保险|7852.17|88|良',
      road,
      '3|师宗县工业商务和信息化局|师宗县不锈钢产业园区基础设施配套建设项目|1664.00|79|中',
      '4|师宗县卫生健康局|师宗县疫情防控隔离酒店和隔离板房改造项目|986.45|76.5|中',
      '合计||4个项目|15718.94||',
    ])
    // After the report the road project is re-evaluated: a lower score, no findings.
    const item = (await demo.t.call('items/list', { roundId: fiscal.id })).rows.find((r) => r.projectName === '师宗县解决农村公路建设项目')!
    await demo.t.call('items/transition', { id: item.id, action: 'reopen', summary: '复核评价得分' })
    await demo.t.call('fiscaleval/save', { itemId: item.id, totalScore: 70, findings: [], conclusion: '复核后得分下调。', consequence: '' })
    const again = await regenerate('eval-report', fiscal.id, '2024-12-27')
    expect(again.docNumber).toBe('师财预〔2024〕110号')
    expect(await annexRows(again.filePath)).toEqual(table)
    const body = (await demo.t.call('docs/draft', { kind: 'eval-report', recordId: fiscal.id })).body
    expect(body).toContain('2. “师宗县解决农村公路建设项目”（师宗县交通运输局，5216.32万元）：得分84.5分，等级“良”。')
    expect(body).toContain('5. “师宗县解决农村公路建设项目”：绩效目标中的成本指标未细化。')
    // 按最新数据重新起草: the score as re-evaluated, its finding gone, in the body and the 汇总表.
    const fresh = (await demo.t.call('docs/draft', { kind: 'eval-report', recordId: fiscal.id, fresh: true })).body
    expect(fresh).toContain('2. “师宗县解决农村公路建设项目”（师宗县交通运输局，5216.32万元）：得分70分，等级“中”。')
    expect(fresh).not.toContain('“师宗县解决农村公路建设项目”：绩效目标中的成本指标未细化')
    const redrafted = await regenerate('eval-report', fiscal.id, '2024-12-27', true)
    expect((await annexRows(redrafted.filePath)).slice(1, 6)).toEqual([
      '1|师宗县医疗保障局|师宗县城乡居民基本医疗保险|7852.17|88|良',
      '2|师宗县交通运输局|师宗县解决农村公路建设项目|5216.32|70|中',
      '3|师宗县工业商务和信息化局|师宗县不锈钢产业园区基础设施配套建设项目|1664.00|79|中',
      '4|师宗县卫生健康局|师宗县疫情防控隔离酒店和隔离板房改造项目|986.45|76.5|中',
      '合计||4个项目|15718.94||',
    ])
    expect((await demo.t.call('docs/draft', { kind: 'eval-report', recordId: fiscal.id })).body).toContain('得分70分，等级“中”')
  })
})

describe('the 整改通知 as the evaluation stands', () => {
  it('prints each problem once, and drops 存在的问题 when there is none (the sections renumbered)', async () => {
    const fiscal = await roundOf('fiscaleval')
    const item = (await demo.t.call('items/list', { roundId: fiscal.id })).rows.find((r) => r.projectName === '师宗县城乡居民基本医疗保险')!
    await demo.t.call('items/transition', { id: item.id, action: 'reopen', summary: '补充评价结论' })
    // A conclusion that repeats a finding: the finding is printed under 存在的问题 only.
    await demo.t.call('fiscaleval/save', { itemId: item.id, totalScore: 88, findings: ['满意度调查样本量偏小'], conclusion: '项目绩效目标基本实现。满意度调查样本量偏小。', consequence: '' })
    const once = await demo.t.call('docs/draft', { kind: 'rectify-notice', recordId: item.id, fresh: true })
    expect(once.body).toBe(
      [
        '根据《关于开展县本级2023年度预算支出绩效财政再评价工作的通知》（师财预〔2024〕101号），县财政局委托第三方机构对“师宗县城乡居民基本医疗保险”开展了绩效财政评价，现将评价结果反馈如下：',
        '一、评价结果',
        '该项目综合得分88分，评价等级为“良”。项目绩效目标基本实现。',
        '二、存在的问题',
        '1. 满意度调查样本量偏小。',
        '三、整改要求',
        '请对评价发现的问题逐项制定整改措施，明确责任人和完成时限。请将整改情况形成报告，于2024年12月26日前一式两份分别报送县财政局预算股。',
        '四、结果运用',
        '评价结果将运用于下年度部门预算安排：下年度预算优先保障。',
      ].join('\n'),
    )
    await demo.t.call('fiscaleval/save', { itemId: item.id, totalScore: 88, findings: [], conclusion: '项目绩效目标全部实现。', consequence: '' })
    const none = await demo.t.call('docs/draft', { kind: 'rectify-notice', recordId: item.id, fresh: true })
    expect(none.body.split('\n').slice(1)).toEqual([
      '一、评价结果',
      '该项目综合得分88分，评价等级为“良”。项目绩效目标全部实现。',
      '二、整改要求',
      '请对评价发现的问题逐项制定整改措施，明确责任人和完成时限。请将整改情况形成报告，于2024年12月26日前一式两份分别报送县财政局预算股。',
      '三、结果运用',
      '评价结果将运用于下年度部门预算安排：下年度预算优先保障。',
    ])
    expect(none.body).not.toContain('（无）')
  })
})

describe('the 附件 check before issue', () => {
  it('names an annex bound in but not listed, and a listed one not bound in', async () => {
    const monitoring = await roundOf('monitoring')
    const d = await demo.t.call('docs/draft', { kind: 'monitoring-feedback', recordId: monitoring.id })
    const ok = await demo.t.call('docs/check', { kind: 'monitoring-feedback', recordId: monitoring.id, date: '2024-11-05', serial: null, body: d.body, attachments: d.attachments })
    const annex = (w: string[]) => w.filter((x) => x.includes('附件'))
    expect(annex(ok.warnings)).toEqual([])
    const dropped = await demo.t.call('docs/check', { kind: 'monitoring-feedback', recordId: monitoring.id, date: '2024-11-05', serial: null, body: d.body, attachments: d.attachments.slice(0, 1) })
    expect(annex(dropped.warnings)).toEqual(['随文附有附件2《2024年度运行监控预警项目明细表（Excel）》（Excel文件），但附件说明中没有列出：请在附件说明中补上'])
    const fiscal = await roundOf('fiscaleval')
    const f = await demo.t.call('docs/draft', { kind: 'fiscaleval-notice', recordId: fiscal.id })
    const extra = await demo.t.call('docs/check', { kind: 'fiscaleval-notice', recordId: fiscal.id, date: '2024-11-04', serial: null, body: f.body, attachments: [...f.attachments, '评价工作方案'] })
    expect(annex(extra.warnings)).toEqual(['附件说明第2项《评价工作方案》没有随文附上（本文只附有1个附件）：已另行附送（另发或自行装订）的，请在“附件”下勾选为“另行附送”，否则删去这一项'])
    expect(extra.unbound).toEqual(['评价工作方案'])
  })

  it('104号’s 申报表 is not bound in: it passes once the clerk confirms it is sent apart, kept on re-issue; an undeclared line still warns', async () => {
    const targets = await roundOf('targets')
    const check = (extra: { attachments?: string[]; apart?: string[] } = {}) => demo.t.call('docs/check', { kind: 'targets-notice', recordId: targets.id, date: '2024-02-20', serial: null, ...extra })
    const form = '2024年度项目支出绩效目标申报表'
    const advice = `附件说明第1项《${form}》不随文生成（各单位的表由本任务的“导出Excel”按单位导出、预填项目后发给各单位）：已另行发送的，请在“附件”下勾选为“另行附送”，或在这一项末尾注明“（另发）”`
    const unconfirmed = await check()
    expect(unconfirmed.warnings.filter((x) => x.includes('附件'))).toEqual([advice])
    expect(unconfirmed.unbound).toEqual([form])
    // Confirmed by the clerk, or marked （另发） in the 附件说明 itself: no warning.
    expect((await check({ apart: [form] })).warnings.filter((x) => x.includes('附件'))).toEqual([])
    expect((await check({ attachments: [`${form}（另发）`] })).warnings.filter((x) => x.includes('附件'))).toEqual([])
    // A second line naming something neither bound in nor declared is still named.
    const other = await check({ attachments: [form, '2024年度绩效目标填报说明'], apart: [form] })
    expect(other.warnings.filter((x) => x.includes('附件'))).toEqual(['附件说明第2项《2024年度绩效目标填报说明》没有随文附上（本文未附任何附件）：已另行附送（另发或自行装订）的，请在“附件”下勾选为“另行附送”，否则删去这一项'])
    expect(other.unbound).toEqual([form, '2024年度绩效目标填报说明'])
    // Issued with the confirmation: the register keeps it, so a later draft and check carry it.
    const d = await demo.t.call('docs/draft', { kind: 'targets-notice', recordId: targets.id })
    await demo.t.call('docs/issue', { kind: 'targets-notice', recordId: targets.id, title: d.title, recipients: d.recipients, body: d.body, attachments: d.attachments, apart: [form, '不在附件说明中的一项'], copyTo: d.copyTo, date: '2024-02-20', serial: null })
    expect((await demo.t.call('docs/draft', { kind: 'targets-notice', recordId: targets.id })).apart).toEqual([form])
    expect((await demo.t.call('docs/draft', { kind: 'targets-notice', recordId: targets.id, fresh: true })).apart).toEqual([form])
    expect((await check()).warnings.filter((x) => x.includes('附件'))).toEqual([])
  })
})

describe('a document dated before the one it quotes', () => {
  it('names the 通知 a 反馈通知 answers when the answer is dated first', async () => {
    const monitoring = await roundOf('monitoring')
    const { warnings } = await demo.t.call('docs/check', { kind: 'monitoring-feedback', recordId: monitoring.id, date: '2024-10-01', serial: null })
    expect(warnings).toContain('本文引用的师财预〔2024〕70号《师宗县财政局关于对2024年度县级部门预算绩效开展运行监控的通知》成文于2024年10月8日，晚于本文的成文日期2024年10月1日')
  })
})

describe('主送 and 抄送 from the settings', () => {
  it('a changed setting flows into a fresh draft', async () => {
    const s = await demo.t.call('settings/get', {})
    await demo.t.call('settings/save', {
      ...s,
      addressees: { ...s.addressees, 'monitoring-notice': { recipients: '县直各部门、各乡（镇）人民政府', copyTo: '县审计局' }, 'rectify-notice': { copyTo: '县纪委县监委' } },
    })
    const monitoring = await roundOf('monitoring')
    const d = await demo.t.call('docs/draft', { kind: 'monitoring-notice', recordId: monitoring.id, fresh: true })
    expect(d.recipients).toBe('县直各部门、各乡（镇）人民政府')
    expect(d.copyTo).toBe('县审计局')
    const fiscal = await roundOf('fiscaleval')
    const item = (await demo.t.call('items/list', { roundId: fiscal.id })).rows[0]!
    const r = await demo.t.call('docs/draft', { kind: 'rectify-notice', recordId: item.id, fresh: true })
    expect(r.recipients).toBe(item.unitName)
    expect(r.copyTo).toBe('县纪委县监委')
    await demo.t.call('settings/save', s)
  })
})

describe('按最新数据重新起草 of 2号 and 101号', () => {
  it('2号 keeps the weights it announced; redrafted, it states the weights as set now', async () => {
    const selfeval = await roundOf('selfeval')
    const announced = '其中预算执行率10分，产出指标50分，效益指标30分，服务对象满意度指标10分。'
    expect((await demo.t.call('docs/draft', { kind: 'selfeval-notice', recordId: selfeval.id })).body).toContain(announced)
    const s = await demo.t.call('settings/get', {})
    await demo.t.call('settings/save', { ...s, scoring: { ...s.scoring, weights: { execution: 20, output: 40, effect: 30, satisfaction: 10 } } })
    try {
      expect((await demo.t.call('docs/draft', { kind: 'selfeval-notice', recordId: selfeval.id })).body).toContain(announced)
      expect((await demo.t.call('docs/draft', { kind: 'selfeval-notice', recordId: selfeval.id, fresh: true })).body).toContain('其中预算执行率20分，产出指标40分，效益指标30分，服务对象满意度指标10分。')
    } finally {
      await demo.t.call('settings/save', s)
    }
  })

  it('101号 keeps its projects; redrafted and issued, its body, 主送 and annex list the round’s projects as they are now', async () => {
    const fiscal = await roundOf('fiscaleval')
    const before = await demo.t.call('docs/draft', { kind: 'fiscaleval-notice', recordId: fiscal.id })
    expect(before.body).toContain('4个专项资金共15718.94万元')
    const inRound = new Set(fiscal.projectIds)
    const extra = (await demo.t.call('projects/list', { budgetYear: fiscal.budgetYear, sort: 'amount', order: 'desc', limit: 50 })).rows.find((p) => !inRound.has(p.id))!
    await demo.t.call('rounds/save', { id: fiscal.id, version: fiscal.version, stage: 'fiscaleval', workYear: fiscal.workYear, title: fiscal.title, deadline: fiscal.deadline, asOfMonth: fiscal.asOfMonth, unitIds: fiscal.unitIds, projectIds: [...fiscal.projectIds, extra.id], notes: fiscal.notes })
    expect((await demo.t.call('docs/draft', { kind: 'fiscaleval-notice', recordId: fiscal.id })).body).toContain('4个专项资金共15718.94万元')
    expect(extra.name).toBe('住房和城乡建设局2023年度业务工作经费')
    const d = await demo.t.call('docs/draft', { kind: 'fiscaleval-notice', recordId: fiscal.id, fresh: true })
    const now = '“住房和城乡建设局2023年度业务工作经费”5个专项资金共16101.44万元实施财政重点绩效评价，具体项目见附件。'
    expect(d.body).toContain(now)
    expect(d.recipients).toBe('师宗县医疗保障局、师宗县交通运输局、师宗县工业商务和信息化局、师宗县卫生健康局、师宗县住房和城乡建设局')
    await demo.t.call('docs/issue', { kind: 'fiscaleval-notice', recordId: fiscal.id, fresh: true, title: d.title, recipients: d.recipients, body: d.body, attachments: d.attachments, copyTo: d.copyTo, date: '2024-11-04', serial: null })
    const entry = (await demo.t.call('register/list', { year: 2024 })).find((e) => e.kind === 'fiscaleval-notice')!
    expect(entry.docNumber).toBe('师财预〔2024〕101号')
    const rows = await annexRows(entry.filePath)
    expect(rows.slice(5, 7)).toEqual(['5|师宗县住房和城乡建设局|住房和城乡建设局2023年度业务工作经费|一般公共预算|382.50', '合计||5个项目||16101.44'])
    // The redrafted scope is the one kept from then on.
    expect((await demo.t.call('docs/draft', { kind: 'fiscaleval-notice', recordId: fiscal.id })).body).toContain(now)
  })
})
