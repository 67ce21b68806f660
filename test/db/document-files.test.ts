/**
 * One file per document: names carry the kind and the record, a regenerated document replaces its
 * own file (the old one goes to 旧版本), and an issue that fails leaves no file behind.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanup, tempDir, useDemoBackend } from '../helpers/backend'
import { issueEveryKind } from '../docs/demo-kinds'

const demo = useDemoBackend(new Date('2024-12-28T09:00:00'))

const files = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => /\.(docx|xlsx)$/.test(f) && statSync(join(dir, f)).isFile()) : [])

describe('document files', () => {
  it('gives every document of every kind its own path, the 自评 and the 财政评价 意见书 of one project included', async () => {
    const out = tempDir('kinds-')
    await issueEveryKind(demo.t, out)
    // The same project's 意见书 from its 自评 and from its 财政评价.
    const fiscal = (await demo.t.call('rounds/list', { stage: 'fiscaleval', workYear: 2024 }))[0]!
    const item = (await demo.t.call('items/list', { roundId: fiscal.id })).rows[0]!
    const selfRound = (await demo.t.call('rounds/list', { stage: 'selfeval', workYear: 2024 }))[0]!
    const selfItem = (await demo.t.call('items/list', { roundId: selfRound.id })).rows.find((r) => r.projectId === item.projectId)
    for (const it of [item, selfItem]) {
      if (!it) continue
      const d = await demo.t.call('docs/draft', { kind: 'eval-opinion', recordId: it.id })
      await demo.t.call('docs/issue', { kind: 'eval-opinion', recordId: it.id, title: d.title, recipients: d.recipients, body: d.body, attachments: [], copyTo: '', date: '2024-12-20', serial: null }).catch(() => undefined)
    }
    const register = (await demo.t.call('register/list', { year: 2024 })).filter((e) => e.generated)
    const paths = register.map((e) => e.filePath)
    expect(new Set(paths).size).toBe(paths.length)
    for (const p of paths) expect(existsSync(p), p).toBe(true)
    const opinions = register.filter((e) => e.kind === 'eval-opinion')
    expect(opinions.length).toBeGreaterThanOrEqual(1)
    for (const o of opinions) expect(o.fileName).toMatch(/（.+·.+·(自评|财政评价)）\.docx$/)
    cleanup(out)
  })

  it('replaces a regenerated document’s file and moves the old one to 旧版本', async () => {
    const entry = (await demo.t.call('register/list', { year: 2024 })).find((e) => e.docNumber === '师财预〔2024〕106号')!
    const dir = dirname(entry.filePath)
    const d = await demo.t.call('docs/draft', { kind: 'rectify-notice', recordId: entry.records[0]!.id })
    const re = await demo.t.call('docs/issue', { kind: 'rectify-notice', recordId: entry.records[0]!.id, title: '关于师宗县城乡居民基本医疗保险绩效财政评价结果及整改的通知', recipients: d.recipients, body: d.body, attachments: [], copyTo: '', date: '2024-12-10', serial: null })
    expect(re.entry.docNumber).toBe('师财预〔2024〕106号')
    const with106 = files(dir).filter((f) => f.includes('106号'))
    expect(with106).toEqual(['师财预〔2024〕106号 关于师宗县城乡居民基本医疗保险绩效财政评价结果及整改的通知.docx'])
    expect(existsSync(entry.filePath)).toBe(false)
    const archived = files(join(dir, '旧版本'))
    expect(archived.some((f) => f.startsWith(entry.fileName.replace(/\.docx$/, '')))).toBe(true)
  })

  it('leaves no file when two issues take the same number at the same instant', async () => {
    const targets = (await demo.t.call('rounds/list', { stage: 'targets', workYear: 2024 }))[0]!
    const items = (await demo.t.call('items/list', { roundId: targets.id, status: '已审核' })).rows.slice(1, 3)
    const settings = await demo.t.call('settings/get', {})
    await demo.t.call('settings/save', { ...settings, numberForms: true })
    const drafts = await Promise.all(items.map((i) => demo.t.call('docs/draft', { kind: 'targets-opinion', recordId: i.id })))
    const results = await Promise.all(
      items.map((i, k) => demo.t.backend.dispatch('docs/issue', { kind: 'targets-opinion', recordId: i.id, title: drafts[k]!.title, recipients: '', body: drafts[k]!.body, attachments: [], copyTo: '', date: '2024-12-20', serial: 150 })),
    )
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    const failed = results.find((r) => !r.ok)
    expect(failed && !failed.ok && failed.error.message).toContain('师财预〔2024〕150号已用于')
    const register = await demo.t.call('register/list', { year: 2024 })
    const dir = dirname(register.find((e) => e.docNumber === '师财预〔2024〕150号')!.filePath)
    expect(files(dir).filter((f) => f.includes('150号'))).toHaveLength(1)
    await demo.t.call('settings/save', { ...settings, numberForms: false })
  })

  it('leaves no file and no register row when the file cannot be written', async () => {
    const settings = await demo.t.call('settings/get', {})
    const blocked = tempDir('blocked-')
    // A plain file where the year folder would go: the folder cannot be made.
    writeFileSync(join(blocked, '2024'), 'not a folder')
    await demo.t.call('settings/save', { ...settings, outputDir: blocked })
    const monitoring = (await demo.t.call('rounds/list', { stage: 'monitoring', workYear: 2024 }))[0]!
    const item = (await demo.t.call('items/list', { roundId: monitoring.id, status: '已审核' })).rows[5]!
    const d = await demo.t.call('docs/draft', { kind: 'monitoring-opinion', recordId: item.id })
    const before = (await demo.t.call('register/list', { year: 2024 })).length
    const err = await demo.t.fail('docs/issue', { kind: 'monitoring-opinion', recordId: item.id, title: d.title, recipients: '', body: d.body, attachments: [], copyTo: '', date: '2024-12-20', serial: null })
    expect(err.message).toContain('无法保存文件')
    expect((await demo.t.call('register/list', { year: 2024 })).length).toBe(before)
    expect(readdirSync(blocked)).toEqual(['2024'])
    await demo.t.call('settings/save', { ...settings })
    mkdirSync(join(blocked, 'x'))
    cleanup(blocked)
  })

  it('issues 103号 with its Excel annex beside it, and on a failed re-issue puts the previous files back', async () => {
    const entry = (await demo.t.call('register/list', { year: 2024 })).find((e) => e.docNumber === '师财预〔2024〕103号')!
    const dir = dirname(entry.filePath)
    const stem = entry.fileName.replace(/\.docx$/, '')
    const xlsx = join(dir, `${stem}（附件2）.xlsx`)
    expect(existsSync(xlsx)).toBe(true)
    const round = (await demo.t.call('rounds/list', { stage: 'monitoring', workYear: 2024 }))[0]!
    const d = await demo.t.call('docs/draft', { kind: 'monitoring-feedback', recordId: round.id })
    expect(d.attachments).toEqual(['2024年度运行监控预警项目汇总表', '2024年度运行监控预警项目明细表（Excel）'])
    // Re-issue under a new title whose Excel annex cannot be written (a folder holds its name).
    const title = '关于反馈2024年度绩效运行监控结果的通知'
    mkdirSync(join(dir, `师财预〔2024〕103号 ${title}（附件2）.xlsx`))
    const err = await demo.t.fail('docs/issue', { kind: 'monitoring-feedback', recordId: round.id, title, recipients: d.recipients, body: d.body, attachments: d.attachments, copyTo: '', date: '2024-11-05', serial: null })
    expect(err.message).toContain('同名文件夹')
    expect(files(dir).filter((f) => f.includes('103号')).sort()).toEqual([entry.fileName, `${stem}（附件2）.xlsx`].sort())
    const after = (await demo.t.call('register/list', { year: 2024 })).find((e) => e.docNumber === '师财预〔2024〕103号')!
    expect(after.filePath).toBe(entry.filePath)
  })
})

describe('date checks before issue', () => {
  it('names the 文号 whose dates run against their numbers (109号 dated before 105–108号)', async () => {
    const { warnings } = await demo.t.call('docs/check', { kind: 'exante-feedback', workYear: 2024, date: '2024-12-05', serial: null })
    for (const n of [105, 106, 107, 108]) expect(warnings.some((w) => w.startsWith(`师财预〔2024〕${n}号`) && w.includes('2024年12月10日') && w.includes('本文师财预〔2024〕109号成文于2024年12月5日'))).toBe(true)
    const later = await demo.t.call('docs/check', { kind: 'exante-feedback', workYear: 2024, date: '2024-12-12', serial: null })
    expect(later.warnings.filter((w) => /10[5-8]号/.test(w))).toEqual([])
  })

  it('warns when a notice is dated after its own deadline, and a 整改通知 before the third-party report', async () => {
    const round = (await demo.t.call('rounds/list', { stage: 'monitoring', workYear: 2024 }))[0]!
    const { warnings } = await demo.t.call('docs/check', { kind: 'monitoring-notice', recordId: round.id, date: '2024-12-01', serial: null })
    expect(warnings.some((w) => w.includes('报送截止日期') && w.includes('早于本通知的成文日期2024年12月1日'))).toBe(true)
    const fiscal = (await demo.t.call('rounds/list', { stage: 'fiscaleval', workYear: 2024 }))[0]!
    const item = (await demo.t.call('items/list', { roundId: fiscal.id })).rows[0]!
    const early = await demo.t.call('docs/check', { kind: 'rectify-notice', recordId: item.id, date: '2024-01-10', serial: null })
    expect(early.warnings.some((w) => w.startsWith('第三方机构评价报告日期为') && w.includes('早于评价报告'))).toBe(true)
  })
})

describe('text that reflects the data', () => {
  it('drops conclusions that do not occur from the 事前 feedback notice (the demo has one project, 予以支持)', async () => {
    const d = await demo.t.call('docs/draft', { kind: 'exante-feedback', workYear: 2024, fresh: true })
    expect(d.body).toContain('评估结论均为“予以支持”。')
    expect(d.body).not.toMatch(/的0个/)
    expect(d.body).not.toContain('不予支持')
    expect(d.body).not.toContain('调整后予以支持')
  })
})
