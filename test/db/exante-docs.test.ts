/** 事前评估, documents, the 发文登记 register and the audit log, against a real SQLite file. */
import JSZip from 'jszip'
import { existsSync, readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, makeBackend, makeSetUpBackend, TEST_PASSWORD } from '../helpers/backend'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach(cleanup))

const scores = { necessity: 18, economy: 17, targets: 17, feasibility: 16, compliance: 18 }

async function setUp() {
  const t = await makeSetUpBackend({ now: () => new Date('2024-10-08T09:00:00') })
  dirs.push(t.dataDir)
  const unit = await t.call('units/save', { code: '101041', name: '师宗县住房和城乡建设局', parentName: '', divisionId: t.divisions.jkw.id })
  const proposal = (projectName: string, amountWan: string, s: Record<string, number | null> = scores) =>
    t.call('exante/save', { workYear: 2024, unitId: unit.id, projectName, amountWan, fundSource: '一般公共预算', basis: '实施方案', scores: s })
  return { ...t, unit, proposal }
}

async function documentXml(path: string): Promise<string> {
  const zip = await JSZip.loadAsync(readFileSync(path))
  return zip.file('word/document.xml')!.async('string')
}

describe('事前绩效评估', () => {
  it('scores, suggests, confirms, sums and moves supported proposals into the 项目库 of N+1', async () => {
    const t = await setUp()
    const a = await t.proposal('师宗县环卫一体化经费', '1573')
    expect(a).toMatchObject({ budgetYear: 2025, amountFen: 1_573_000_000, totalScore: 86, suggestedConclusion: '予以支持', status: '已评分' })
    const b = await t.proposal('县城绿化提升', '200.5', { ...scores, necessity: 5, economy: 5 })
    expect(b.suggestedConclusion).toBe('调整后予以支持') // 61
    const c = await t.proposal('未评分项目', '10', { ...scores, compliance: null })
    expect(c.status).toBe('待评分')

    const list = await t.call('exante/list', { workYear: 2024 })
    expect(list.count).toBe(3)
    expect(list.totalFen).toBe(1_783_500_000)
    expect((await t.call('exante/list', { workYear: 2024, search: '环卫' })).totalFen).toBe(1_573_000_000)

    await t.call('exante/confirm', { id: a.id, conclusion: '予以支持', reason: '' })
    const override = await t.fail('exante/confirm', { id: b.id, conclusion: '不予支持', reason: '' })
    expect(override.message).toContain('请填写调整理由')
    await t.call('exante/confirm', { id: b.id, conclusion: '不予支持', reason: '与已有项目重复' })
    expect((await t.fail('exante/confirm', { id: c.id, conclusion: '予以支持', reason: '' })).message).toContain('尚未完成全部维度评分')
    expect((await t.call('exante/list', { workYear: 2024, conclusion: '未确认' })).count).toBe(1)

    const moved = await t.call('exante/toLibrary', { ids: [a.id, b.id, c.id] })
    expect(moved.created).toBe(1)
    expect(moved.skipped).toEqual(['“县城绿化提升”结论为不予支持，不能纳入项目库', '“未评分项目”的评估结论尚未确认'])
    const lib = await t.call('projects/list', { budgetYear: 2025 })
    expect(lib.rows.map((p) => [p.name, p.amountFen, p.origin])).toEqual([['师宗县环卫一体化经费', 1_573_000_000, '事前评估']])
    expect((await t.call('exante/toLibrary', { ids: [a.id] })).created).toBe(0) // never twice
    expect((await t.fail('exante/remove', { id: a.id })).code).toBe('LOCKED')
  })

  it('ties a proposal to the project the year’s list already holds instead of copying it', async () => {
    const t = await setUp()
    // The 2025 list came from the 一体化 system first, with its code and its own amount.
    const listed = await t.call('projects/save', { budgetYear: 2025, unitId: t.unit.id, code: '530323250006', name: '校舍维修改造', amountWan: '215', fundSource: '一般公共预算', category: '项目' })
    const other = await t.call('units/save', { code: '101024', name: '师宗县教育体育局', parentName: '', divisionId: t.divisions.jkw.id })
    const a = await t.proposal('校舍 维修改造', '220')
    const b = await t.proposal('老旧小区改造', '800')
    const elsewhere = await t.call('exante/save', { workYear: 2024, unitId: other.id, projectName: '校舍维修改造', amountWan: '90', fundSource: '一般公共预算', basis: '', scores })
    for (const p of [a, b, elsewhere]) await t.call('exante/confirm', { id: p.id, conclusion: '予以支持', reason: '' })
    const moved = await t.call('exante/toLibrary', { ids: [a.id, b.id, elsewhere.id] })
    expect(moved).toEqual({ created: 2, linked: 1, skipped: [] })
    const lib = await t.call('projects/list', { budgetYear: 2025 })
    // Same unit and name (spaces aside): one project, the list's; another unit's namesake is its own.
    expect(lib.rows.map((p) => [p.unitName, p.name, p.code, p.amountFen]).sort()).toEqual(
      [
        ['师宗县住房和城乡建设局', '校舍维修改造', '530323250006', 215_000_000],
        ['师宗县住房和城乡建设局', '老旧小区改造', '', 800_000_000],
        ['师宗县教育体育局', '校舍维修改造', '', 90_000_000],
      ].sort(),
    )
    expect((await t.call('exante/get', { id: a.id })).libraryProjectId).toBe(listed.id)
    expect(await t.call('exante/toLibrary', { ids: [a.id] })).toEqual({ created: 0, linked: 0, skipped: ['“校舍 维修改造”已在项目库中'] })
  })

  it('re-opens the conclusion when the scores change', async () => {
    const t = await setUp()
    const a = await t.proposal('项目', '1')
    await t.call('exante/confirm', { id: a.id, conclusion: '予以支持', reason: '' })
    const edited = await t.call('exante/save', { id: a.id, workYear: 2024, unitId: t.unit.id, projectName: '项目', amountWan: '1', fundSource: '一般公共预算', basis: '', scores: { ...scores, necessity: 2 } })
    expect(edited.conclusion).toBeNull()
    expect(edited.suggestedConclusion).toBe('调整后予以支持')
  })

  it('refuses a wrong amount and an out-of-range score, naming them', async () => {
    const t = await setUp()
    const e1 = await t.fail('exante/save', { workYear: 2024, unitId: t.unit.id, projectName: '项目', amountWan: '12,3x', fundSource: '一般公共预算', basis: '', scores })
    expect(e1).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('金额“12,3x”不是有效数字') })
    const e2 = await t.fail('exante/save', { workYear: 2024, unitId: t.unit.id, projectName: '项目', amountWan: '1', fundSource: '一般公共预算', basis: '', scores: { ...scores, targets: 21 } })
    expect(e2.message).toBe('“绩效目标合理性”得分 21 超出范围，应在 0 至 20 分之间')
    expect((await t.call('exante/list', { workYear: 2024 })).count).toBe(0)
  })
})

describe('documents and the 发文登记 register', () => {
  it('issues the 反馈通知 with the next 文号 and the 意见书 as a form; regenerating keeps the number', async () => {
    const t = await setUp()
    const a = await t.proposal('师宗县环卫一体化经费', '1573')
    await t.call('exante/confirm', { id: a.id, conclusion: '予以支持', reason: '' })
    await t.call('register/add', { prefix: '师财预', year: 2024, serial: 103, title: '关于反馈县本级2024年度绩效运行监控结果的通知', recipients: '', issuedDate: '2024-10-30' })

    const draft = await t.call('docs/draft', { kind: 'exante-feedback', workYear: 2024 })
    expect(draft).toMatchObject({ title: '师宗县财政局关于2025年预算项目财政评估结果反馈的通知', recipients: '师宗县住房和城乡建设局', serial: 104, issued: false, numbered: true, prefix: '师财预' })
    expect(draft.body).toContain('涉及项目资金1573万元')
    const issued = await t.call('docs/issue', { kind: 'exante-feedback', workYear: 2024, title: draft.title, recipients: draft.recipients, body: draft.body, attachments: draft.attachments, copyTo: '', date: '2024-10-08', serial: null })
    expect(issued.entry.docNumber).toBe('师财预〔2024〕104号')
    expect(existsSync(issued.path)).toBe(true)
    const xml = await documentXml(issued.path)
    expect(xml).toContain('师财预〔2024〕104号')
    expect(xml).toContain('师宗县环卫一体化经费')
    expect(xml).toContain('1573.00')

    // Regenerate with an edited title: same number, same register row, file rewritten.
    const again = await t.call('docs/draft', { kind: 'exante-feedback', workYear: 2024 })
    expect(again).toMatchObject({ issued: true, serial: 104 })
    const re = await t.call('docs/issue', { kind: 'exante-feedback', workYear: 2024, title: again.title + '（修订）', recipients: again.recipients, body: again.body, attachments: again.attachments, copyTo: '', date: '2024-10-09', serial: 999 })
    expect(re.entry.docNumber).toBe('师财预〔2024〕104号')

    const opinion = await t.call('docs/draft', { kind: 'exante-opinion', recordId: a.id })
    expect(opinion).toMatchObject({ layout: 'form', numbered: false, serial: null, recipients: '局预算股、教科文股' })
    const op = await t.call('docs/issue', { kind: 'exante-opinion', recordId: a.id, title: opinion.title, recipients: opinion.recipients, body: opinion.body, attachments: [], copyTo: '', date: '2024-10-08', serial: null })
    expect(op.entry.docNumber).toBe('')
    expect(await documentXml(op.path)).toContain('师宗县财政局绩效评估结果运用意见书')

    const reg = await t.call('register/list', { year: 2024 })
    expect(reg.map((r) => [r.docNumber, r.generated])).toEqual([
      ['师财预〔2024〕104号', true],
      ['师财预〔2024〕103号', false],
      ['', true],
    ])
    expect(reg[0]!.records).toEqual([{ id: a.id, label: '师宗县住房和城乡建设局·师宗县环卫一体化经费' }])
    expect(reg[0]!.title).toContain('（修订）')
  })

  it('never issues a number twice, even under concurrent requests', async () => {
    const t = await setUp()
    const ids: string[] = []
    for (let i = 0; i < 12; i++) {
      const p = await t.proposal(`项目${i}`, '1')
      await t.call('exante/confirm', { id: p.id, conclusion: '予以支持', reason: '' })
      ids.push(p.id)
    }
    // Numbered 意见书 so that each proposal takes its own 文号.
    const s = await t.call('settings/get', {})
    await t.call('settings/save', { ...s, numberForms: true })
    const issue = (id: string, serial: number | null = null) =>
      t.backend.dispatch('docs/issue', { kind: 'exante-opinion', recordId: id, title: '意见书', recipients: '', body: '', attachments: [], copyTo: '', date: '2024-10-08', serial })
    const results = await Promise.all(ids.map((id) => issue(id)))
    const numbers = results.map((r) => (r.ok ? (r.data as { entry: { serial: number } }).entry.serial : r.error.message))
    expect([...numbers].sort((x, y) => Number(x) - Number(y))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))

    // Asking for a number already used is refused with the title that holds it.
    const p = await t.proposal('再一个', '1')
    await t.call('exante/confirm', { id: p.id, conclusion: '予以支持', reason: '' })
    const clash = await issue(p.id, 5)
    expect(clash.ok === false && clash.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('师财预〔2024〕5号已用于《意见书》') })
    expect((await t.fail('register/add', { prefix: '师财预', year: 2024, serial: 7, title: 'x', recipients: '', issuedDate: '2024-01-01' })).code).toBe('CONFLICT')
  })

  it('refuses to issue before the organisation is set up', async () => {
    const t = await makeBackend()
    dirs.push(t.dataDir)
    await t.call('operators/save', { name: '李明', divisionId: null })
    await t.call('divisions/save', { name: '教科文股' })
    const div = (await t.call('divisions/list', {}))[0]!
    const unit = await t.call('units/save', { code: '1', name: '单位', parentName: '', divisionId: div.id })
    const p = await t.call('exante/save', { workYear: 2024, unitId: unit.id, projectName: 'x', amountWan: '1', fundSource: '一般公共预算', basis: '', scores })
    await t.call('exante/confirm', { id: p.id, conclusion: '予以支持', reason: '' })
    const err = await t.fail('docs/issue', { kind: 'exante-opinion', recordId: p.id, title: 't', recipients: '', body: '', attachments: [], copyTo: '', date: '2024-10-08', serial: null })
    expect(err.message).toContain('请先在“设置—单位信息”中填写')
  })
})

describe('audit log and operator', () => {
  it('records who changed what, with before and after, in the same transaction as the change', async () => {
    const t = await setUp()
    const a = await t.proposal('项目', '1')
    await t.call('exante/save', { id: a.id, workYear: 2024, unitId: t.unit.id, projectName: '项目（改）', amountWan: '2', fundSource: '一般公共预算', basis: '', scores })
    const log = await t.call('audit/list', { entity: 'exante_proposals', entityId: a.id })
    expect(log.map((l) => l.action)).toEqual(['update', 'create'])
    expect(log[0]).toMatchObject({ operatorName: '李明', before: { project_name: '项目', amount_fen: 1_000_000 }, after: { project_name: '项目（改）', amount_fen: 2_000_000 } })
    // A failed write leaves no audit row.
    const count = (await t.call('audit/list', { limit: 1000 })).length
    await t.fail('units/save', { code: '101041', name: '重复', parentName: '', divisionId: null })
    expect((await t.call('audit/list', { limit: 1000 })).length).toBe(count)
  })

  it('refuses writes until an operator is chosen, and the operator is an entity', async () => {
    const t = await makeSetUpBackend()
    dirs.push(t.dataDir)
    await t.close()
    const again = await makeBackend({ dataDir: t.dataDir, signIn: false })
    expect((await again.fail('divisions/save', { name: '社会保障股' })).code).toBe('NO_OPERATOR')
    await again.call('session/signIn', { name: '李明', password: TEST_PASSWORD })
    await again.call('divisions/save', { name: '社会保障股' })
    const [last] = await again.call('audit/list', { limit: 1 })
    expect(last!.operatorName).toBe('李明')
    await again.close()
  })
})

describe('demo data', () => {
  it('fills an empty database with the source report’s year and refuses a second time', async () => {
    const t = await makeBackend()
    dirs.push(t.dataDir)
    const counts = await t.call('demo/load', {})
    expect(counts).toMatchObject({ units: 73, trainings: 1, proposals: 1, divisions: 6 })
    const ex = await t.call('exante/list', { workYear: 2024 })
    expect(ex.totalFen).toBe(1_573_000_000)
    expect(ex.rows[0]).toMatchObject({ conclusion: '予以支持', libraryProjectId: expect.any(String) })
    expect((await t.call('trainings/list', { workYear: 2024 }))[0]).toMatchObject({ date: '2024-04-24', form: '视频会' })
    expect((await t.call('app/info', {})).workYears).toEqual([2024])
    expect((await t.fail('demo/load', {})).code).toBe('CONFLICT')
  })
})
