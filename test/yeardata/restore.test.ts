/**
 * Changing what the working data is: year locks, restoring a package, 年度结转 on to a successor's
 * PC, and backups (rotation, restore). The working file is never replaced without a backup.
 */
import Database from 'better-sqlite3'
import { existsSync, readdirSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MANIFEST_TABLE } from '../../electron/yeardata/package'
import { whileReadingWorking } from '../../electron/yeardata/working'
import { cleanup, makeBackend, TEST_ADMIN, TEST_PASSWORD, type TestBackend } from '../helpers/backend'
import { base64, countRows, demoBackend, exportYear, snapshot } from './fixtures'

let t: TestBackend
let unitId: string
const others: TestBackend[] = []

beforeAll(async () => {
  t = await demoBackend()
  unitId = (await t.call('units/list', {}))[0]!.id
}, 180_000)

afterAll(async () => {
  for (const x of [t, ...others]) {
    if (!x) continue
    await x.close()
    cleanup(x.dataDir)
  }
})

const training = (date: string, title: string) => ({ date, title, organiser: '师宗县财政局', form: '视频会', participantCount: 3, notes: '' })
const has = (path: string, sqlText: string, ...args: unknown[]) => {
  const db = new Database(path, { readonly: true })
  try {
    return (db.prepare(sqlText).get(...args) as { n: number }).n
  } finally {
    db.close()
  }
}
const leftovers = (dir: string) => readdirSync(dir).filter((n) => /\.(tmp|replaced-\d+)$|replaced-/.test(n))

describe('restoring a year package as the working data', () => {
  it('backs the current data up first, replaces it, and the app works on the package at once', async () => {
    const path = await exportYear(t, 2024)
    const pkg = await t.call('yearData/import', { fileName: basename(path), base64: base64(path) })
    const notInPackage = await t.call('trainings/save', training('2023-03-01', '导出后新增的2023年度培训'))
    await t.call('yearData/open', { id: pkg.id }) // restoring while viewing closes the view first

    const r = await t.call('yearData/restore', { id: pkg.id })
    expect(r.restored).toBe(true)
    expect(t.backend.ctx.view).toBeNull()
    const backups = await t.call('backups/list', {})
    const made = backups.find((b) => b.fileName === r.backup)!
    expect(made).toMatchObject({ reason: 'restore', reasonName: '恢复前' })
    expect(has(made.path, 'SELECT count(*) n FROM trainings WHERE id = ?', notInPackage.id)).toBe(1)

    // The working data is now the package's content (plus the log entry of the restore).
    const w = t.backend.ctx.working.sqlite
    expect(w.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(w.prepare('SELECT count(*) n FROM sqlite_master WHERE name = ?').get(MANIFEST_TABLE)).toEqual({ n: 0 })
    const { audit_log: auditRows, ...rest } = countRows(w)
    const { audit_log: packageAudit, ...packageRest } = pkg.manifest.rowCounts
    expect(rest).toEqual(packageRest)
    expect(auditRows).toBe(packageAudit! + 1)
    expect((await t.call('trainings/list', {})).map((x) => x.id)).not.toContain(notInPackage.id)
    const [entry] = await t.call('audit/list', { entity: 'database', limit: 5 })
    expect(entry).toMatchObject({ action: 'restore', entityId: pkg.id, after: { from: 'package', workYear: 2024, backup: r.backup } })

    // Same PC, same operators: the session carries on and writes work.
    const after = await t.call('trainings/save', training('2024-12-20', '恢复后新增的培训'))
    expect((await t.call('trainings/list', { workYear: 2024 })).map((x) => x.id)).toContain(after.id)
    expect(leftovers(t.dataDir)).toEqual([])
  })

  it('verifies the kept package again first: one damaged on disk is refused and nothing changes', async () => {
    const path = await exportYear(t, 2024)
    const pkg = await t.call('yearData/import', { fileName: basename(path), base64: base64(path) })
    // Altered on disk after it was imported and verified.
    const kept = new Database(pkg.path)
    kept.prepare("UPDATE trainings SET title = '被改动的标题' WHERE rowid = (SELECT min(rowid) FROM trainings)").run()
    kept.close()
    const before = snapshot(t)
    const e = await t.fail('yearData/restore', { id: pkg.id })
    expect(e.code).toBe('IMPORT_INVALID')
    expect(e.message).toMatch(/内容校验码不一致/)
    expect(snapshot(t)).toEqual(before)
    await t.call('yearData/removePackage', { id: pkg.id })
  })
})

describe('年度结转', () => {
  let carried: { path: string; manifest: { workYear: number; kind: string; rowCounts: Record<string, number> } }
  let next: string[]
  const hasRectifications = () => !!t.backend.ctx.working.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE name = 'rectifications'").get()

  it('carries master data, the 项目库 of N+1 and open 整改 items — nothing else', async () => {
    const p2025 = await t.call('projects/save', { budgetYear: 2025, unitId, code: '2025-001', name: '2025年度新增项目', amountWan: '30', fundSource: '一般公共预算', category: '项目' })
    await t.call('targets/save', {
      projectId: p2025.id,
      annualGoal: '完成年度建设任务',
      indicators: [{ level1: '产出指标', level2: '数量指标', name: '完成项目数', operator: '≥', targetValue: '3', unit: '个', weight: 20, explanation: '' }],
    })
    await t.call('projects/save', { budgetYear: 2026, unitId, code: '', name: '2026年度项目', amountWan: '5', fundSource: '一般公共预算', category: '项目' })
    let openItemProject: string | null = null
    if (hasRectifications()) {
      // An evaluation of budget year 2023 with two 整改 items, one still open (fixture rows).
      const w = t.backend.ctx.working.sqlite
      const at = new Date().toISOString()
      w.prepare("INSERT INTO projects (id, budget_year, unit_id, name, amount_fen, fund_source, origin, created_at, updated_at) VALUES (?, 2023, ?, ?, 100000, '一般公共预算', '手工', ?, ?)").run('p-2023-a', unitId, '2023年度重点评价项目甲', at, at)
      w.prepare("INSERT INTO projects (id, budget_year, unit_id, name, amount_fen, fund_source, origin, created_at, updated_at) VALUES (?, 2023, ?, ?, 100000, '一般公共预算', '手工', ?, ?)").run('p-2023-b', unitId, '2023年度重点评价项目乙', at, at)
      w.prepare("INSERT INTO rounds (id, stage, work_year, budget_year, title, created_at, updated_at) VALUES ('r-eval', 'fiscaleval', 2024, 2023, '2023年度财政评价', ?, ?)").run(at, at)
      for (const [item, project, status] of [['i-a', 'p-2023-a', '整改中'], ['i-b', 'p-2023-b', '已整改']] as const) {
        w.prepare('INSERT INTO round_items (id, round_id, project_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(item, 'r-eval', project, at, at)
        w.prepare('INSERT INTO rectifications (id, item_id, deadline, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(`x-${item}`, item, '2024-12-31', status, at, at)
      }
      openItemProject = 'p-2023-a'
    }
    const w = t.backend.ctx.working.sqlite

    carried = await t.call('yearData/carryOver', { workYear: 2024 })
    expect(carried.manifest).toMatchObject({ kind: 'carry-over', workYear: 2025 })
    expect(basename(carried.path)).toMatch(/^师宗县2025年度结转数据包-\d{8}-\d{4}\.ysjx\.sqlite$/)
    expect(basename(dirname(carried.path))).toBe('年度数据包')
    const counts = countRows(carried.path)
    expect(counts).toEqual(carried.manifest.rowCounts)
    const working = countRows(w)
    for (const master of ['settings', 'divisions', 'operators', 'units', 'library_indicators', 'agencies']) {
      if (master in working) expect(counts[master], master).toBe(working[master])
    }
    for (const none of ['trainings', 'exante_proposals', 'documents', 'reviews', 'indicator_values', 'audit_log', 'year_locks', 'engagements', 'agency_ratings']) {
      if (none in working) expect(counts[none], none).toBe(0)
    }
    next = (w.prepare('SELECT id FROM projects WHERE budget_year = 2025 ORDER BY id').all() as { id: string }[]).map((r) => r.id)
    expect(next).toContain(p2025.id)
    // Open 整改 items follow, with the evaluation record they belong to (item, round, project).
    const open = openItemProject
      ? (w.prepare("SELECT ri.id, ri.round_id, ri.project_id FROM rectifications x JOIN round_items ri ON ri.id = x.item_id WHERE x.status <> '已整改'").all() as { id: string; round_id: string; project_id: string }[])
      : []
    if (openItemProject) expect(open.map((o) => o.project_id)).toContain(openItemProject)
    const db = new Database(carried.path, { readonly: true })
    const ids = (db.prepare('SELECT id FROM projects ORDER BY id').all() as { id: string }[]).map((r) => r.id)
    expect(ids).toEqual([...new Set([...next, ...open.map((o) => o.project_id)])].sort())
    expect(ids).not.toContain('p-2023-b') // its 整改 is closed
    expect(counts.indicators).toBe((w.prepare(`SELECT count(*) n FROM indicators WHERE project_id IN (${ids.map(() => '?').join(',')})`).get(...ids) as { n: number }).n)
    expect(counts.rounds).toBe(new Set(open.map((o) => o.round_id)).size)
    expect(counts.round_items).toBe(open.length)
    if (openItemProject) {
      expect(counts.rectifications).toBe(open.length)
      expect(db.prepare("SELECT count(*) n FROM rectifications WHERE status = '已整改'").get()).toEqual({ n: 0 })
      expect(db.prepare("SELECT status FROM rectifications WHERE id = 'x-i-a'").get()).toEqual({ status: '整改中' })
    }
    expect(db.prepare('SELECT * FROM pragma_foreign_key_check').all()).toEqual([])
    db.close()
    expect((await t.call('backups/list', {})).find((b) => b.reason === 'carry-over')).toMatchObject({ reasonName: '年度结转前' })
  })

  it("is imported and restored on the successor's PC, which then works on N+1 at once", async () => {
    const s = await makeBackend()
    others.push(s)
    await s.call('operators/save', { name: '王芳', divisionId: null }) // the successor's own first operator
    const pkg = await s.call('yearData/import', { fileName: basename(carried.path), base64: base64(carried.path) })
    expect(pkg.manifest.kind).toBe('carry-over')
    expect((await s.call('yearData/packages', {})).packages[0]).toMatchObject({ id: pkg.id })
    await s.call('yearData/restore', { id: pkg.id })

    // Accounts are the PC's (auth/local-accounts.ts): the successor stays signed in, 王芳 is still an
    // operator here, and no password set on the sending PC was carried over.
    expect((await s.call('session/get', {})).operator?.name).toBe(TEST_ADMIN)
    expect((await s.call('operators/list', {})).map((o) => o.name)).toContain('王芳')
    const hashes = s.backend.ctx.working.sqlite.prepare('SELECT name, password_hash FROM operators WHERE password_hash IS NOT NULL').all() as { name: string }[]
    expect(hashes.map((h) => h.name)).toEqual([TEST_ADMIN])
    await s.call('trainings/save', training('2025-03-01', '2025年度培训'))
    expect((await s.call('projects/list', { budgetYear: 2025 })).rows.map((p) => p.id).sort()).toEqual(next)
    expect((await s.call('units/list', {})).length).toBe(73)
    const [restore] = await s.call('audit/list', { entity: 'database', limit: 1 })
    expect(restore).toMatchObject({ action: 'restore', operatorName: '', after: { kind: 'carry-over', workYear: 2025 } })
    expect((await s.call('yearData/packages', {})).years.map((y) => y.workYear)).toContain(2025)
  })
})

describe('year locks', () => {
  it('a locked year refuses changes with LOCKED; unlocking needs a reason and is in the audit log', async () => {
    expect(await t.call('yearData/lock', { workYear: 2024, locked: true, reason: '2024年度工作已结束' })).toMatchObject({ workYear: 2024, locked: true })
    expect(await t.call('yearData/lock', { workYear: 2024, locked: true, reason: '' })).toMatchObject({ locked: true }) // no second entry
    for (const e of [
      await t.fail('exante/save', { workYear: 2024, unitId, projectName: '锁定后新增', amountWan: '1', fundSource: '一般公共预算', basis: '', scores: {} }),
      await t.fail('trainings/save', training('2024-12-28', '锁定后新增的培训')),
    ]) {
      expect(e.code).toBe('LOCKED')
      expect(e.message).toMatch(/2024年度已结账锁定/)
    }
    expect((await t.call('yearData/packages', {})).years.find((y) => y.workYear === 2024)).toMatchObject({ locked: true })
    // Other years are not affected.
    await t.call('trainings/save', training('2025-01-08', '2025年度第一次培训'))

    expect((await t.fail('yearData/lock', { workYear: 2024, locked: false, reason: '' })).code).toBe('VALIDATION')
    expect(await t.call('yearData/lock', { workYear: 2024, locked: false, reason: '补录年末培训记录' })).toEqual({ workYear: 2024, locked: false, lockedAt: null })
    const log = await t.call('audit/list', { entity: 'year', entityId: '2024' })
    expect(log.map((l) => l.action)).toEqual(['unlock', 'lock'])
    expect(log[0]).toMatchObject({ operatorName: expect.any(String), after: { reason: '补录年末培训记录' } })
    expect(log[1]).toMatchObject({ after: { reason: '2024年度工作已结束' } })
    await t.call('trainings/save', training('2024-12-28', '解锁后补录的培训'))
  })
})

describe('backups', () => {
  it('backups/create makes manual backups, and they rotate (3 from today)', async () => {
    let last = ''
    for (let i = 0; i < 5; i++) {
      const b = await t.call('backups/create', {})
      expect(b).toMatchObject({ reason: 'manual', reasonName: '手工' })
      expect(b.size).toBeGreaterThan(0)
      last = b.fileName
      await new Promise((r) => setTimeout(r, 3)) // distinct millisecond stamps
    }
    const list = await t.call('backups/list', {})
    const today = list[0]!.createdAt.slice(0, 10)
    expect(list.filter((b) => b.createdAt.startsWith(today))).toHaveLength(3)
    expect(list[0]!.fileName).toBe(last)
  })

  it('backups/restore puts a backup back after a restore backup of the current data; the app keeps working', async () => {
    const chosen = await t.call('backups/create', {})
    const added = await t.call('trainings/save', training('2024-06-06', '备份之后新增的培训'))
    const r = await t.call('backups/restore', { fileName: chosen.fileName })
    expect((await t.call('trainings/list', {})).map((x) => x.id)).not.toContain(added.id)
    const safety = (await t.call('backups/list', {})).find((b) => b.fileName === r.backup)!
    expect(safety.reason).toBe('restore')
    expect(has(safety.path, 'SELECT count(*) n FROM trainings WHERE id = ?', added.id)).toBe(1)
    await t.call('trainings/save', training('2024-06-07', '恢复备份后新增的培训'))
    expect(leftovers(t.dataDir)).toEqual([])
    expect(existsSync(t.backend.dbPath)).toBe(true)

    // Never swapped under an export that is reading the working file.
    let release!: () => void
    const exporting = whileReadingWorking(t.backend.ctx, () => new Promise<void>((r) => (release = r)))
    const before = snapshot(t)
    const busy = await t.fail('backups/restore', { fileName: chosen.fileName })
    expect(busy).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/正在导出年度数据包/) })
    expect(snapshot(t)).toEqual(before)
    release()
    await exporting

    for (const fileName of ['../yusuan-jixiao.sqlite', 'backup-20200101-000000-000-manual.sqlite']) {
      expect((await t.fail('backups/restore', { fileName })).code).toBe('NOT_FOUND')
    }
  })
})
