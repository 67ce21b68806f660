/** The database file: migrations, the newer-schema refusal, damaged files, backups. */
import Database from 'better-sqlite3'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { backupsToKeep, listBackups, makeBackupInWorker, type BackupInfo } from '../../electron/db/backup'
import { LATEST_VERSION, MIGRATIONS } from '../../electron/db/migrations'
import { APPLICATION_ID, closeDatabase, DB_FILE_NAME, openDatabase } from '../../electron/db/open'
import { restoreBackup } from '../../electron/db/recovery'
import { cleanup, makeBackend, makeSetUpBackend, tempDir } from '../helpers/backend'

const dirs: string[] = []
const fresh = () => {
  const d = tempDir()
  dirs.push(d)
  return d
}
afterEach(() => dirs.splice(0).forEach(cleanup))

function tables(path: string): string[] {
  const db = new Database(path, { readonly: true })
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table','index') AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name)
  db.close()
  return names
}

describe('migrations', () => {
  it('creates the schema from empty with WAL, foreign keys and the product id', async () => {
    const dir = fresh()
    const o = await openDatabase({ path: join(dir, DB_FILE_NAME), dataDir: dir })
    expect(o.schemaVersion).toBe(LATEST_VERSION)
    expect(o.sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(o.sqlite.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(o.sqlite.pragma('application_id', { simple: true })).toBe(APPLICATION_ID)
    await closeDatabase(o)
    expect(tables(join(dir, DB_FILE_NAME))).toEqual(expect.arrayContaining(['units', 'exante_proposals', 'documents', 'audit_log', 'documents_number']))
    expect(listBackups(dir)).toHaveLength(0) // nothing to back up in a new file
  })

  it('has strictly increasing versions', () => {
    MIGRATIONS.forEach((m, i) => expect(m.version).toBe(i + 1))
  })

  for (const m of MIGRATIONS.slice(0, -1)) {
    it(`upgrades a version-${m.version} database with its data kept, after a backup`, async () => {
      const dir = fresh()
      const path = join(dir, DB_FILE_NAME)
      const old = await openDatabase({ path, dataDir: dir, targetVersion: m.version })
      expect(old.schemaVersion).toBe(m.version)
      const now = new Date().toISOString()
      await old.db.insertInto('divisions').values({ id: 'd1', name: '教科文股', sort: 1, active: 1, created_at: now, updated_at: now }).execute()
      await old.db.insertInto('units').values({ id: 'u1', code: '101001', name: '师宗县教育体育局', parent_name: '', division_id: 'd1', active: 1, created_at: now, updated_at: now }).execute()
      await closeDatabase(old)

      const up = await openDatabase({ path, dataDir: dir })
      expect(up.schemaVersion).toBe(LATEST_VERSION)
      const unit = await up.db.selectFrom('units').selectAll().executeTakeFirstOrThrow()
      expect(unit.name).toBe('师宗县教育体育局')
      await closeDatabase(up)
      expect(listBackups(dir).map((b) => b.reason)).toContain('migrate')
    })
  }

  it('rolls back a failing migration and leaves the file at its old version', async () => {
    const dir = fresh()
    const path = join(dir, DB_FILE_NAME)
    const o = await openDatabase({ path, dataDir: dir, targetVersion: 1 })
    // A table that the next migration wants to create makes it fail half-way.
    o.sqlite.exec('CREATE TABLE documents (x)')
    await closeDatabase(o)
    await expect(openDatabase({ path, dataDir: dir })).rejects.toThrow(/升级失败，已回滚/)
    const db = new Database(path, { readonly: true })
    expect(db.pragma('user_version', { simple: true })).toBe(1)
    expect(db.prepare("SELECT count(*) n FROM sqlite_master WHERE name='trainings'").get()).toEqual({ n: 0 })
    db.close()
  })
})

describe('files the app must refuse or set aside', () => {
  it('refuses a database from a newer version and leaves it untouched', async () => {
    const t = await makeBackend()
    dirs.push(t.dataDir)
    await t.close()
    const path = join(t.dataDir, DB_FILE_NAME)
    const db = new Database(path)
    db.pragma(`user_version = ${LATEST_VERSION + 1}`)
    db.close()
    const before = readFileSync(path)
    await expect(makeBackend({ dataDir: t.dataDir })).rejects.toMatchObject({ code: 'DB_NEWER', message: expect.stringContaining('更高版本') })
    expect(readFileSync(path).equals(before)).toBe(true)
  })

  it.each([
    ['not SQLite at all', (p: string) => writeFileSync(p, '这不是数据库文件'.repeat(300))],
    ['truncated', (p: string) => writeFileSync(p, readFileSync(p).subarray(0, 2000))],
    [
      'another program’s SQLite file',
      (p: string) => {
        const other = new Database(p + '.other')
        other.exec('CREATE TABLE t (x)')
        other.close()
        writeFileSync(p, readFileSync(p + '.other'))
      },
    ],
  ])('sets a damaged file aside (%s), never overwrites it, and offers the newest backup', async (_name, damage) => {
    const t = await makeSetUpBackend()
    dirs.push(t.dataDir)
    await t.close()
    // Re-open once so a start-up backup exists.
    await (await makeBackend({ dataDir: t.dataDir })).close()
    const path = join(t.dataDir, DB_FILE_NAME)
    for (const ext of ['-wal', '-shm']) if (existsSync(path + ext)) writeFileSync(path + ext, '')
    damage(path)
    const damaged = readFileSync(path)
    const err = await makeBackend({ dataDir: t.dataDir }).catch((e) => e)
    expect(err.code).toBe('DB_DAMAGED')
    expect(err.message).toMatch(/已损坏.*原文件已保留为.*最新备份/)
    expect(readFileSync(err.details.keptAs).equals(damaged)).toBe(true)
    expect(err.details.backups.length).toBeGreaterThan(0)
    // Restoring the offered backup brings the data back and keeps the damaged file.
    await restoreBackup(t.dataDir, err.details.backups[0].path)
    const back = await makeBackend({ dataDir: t.dataDir })
    expect((await back.call('settings/get', {})).org.county).toBe('师宗县')
    await back.close()
    expect(existsSync(err.details.keptAs)).toBe(true)
  })
})

describe('backups', () => {
  it('are made at start with VACUUM INTO and are valid databases', async () => {
    const t = await makeSetUpBackend()
    dirs.push(t.dataDir)
    await t.close()
    await (await makeBackend({ dataDir: t.dataDir })).close()
    const [b] = listBackups(t.dataDir)
    expect(b?.reason).toBe('start')
    const db = new Database(b!.path, { readonly: true })
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect((db.prepare('SELECT count(*) n FROM divisions').get() as { n: number }).n).toBe(2)
    db.close()
  })

  it('rotate: 3 from today, 1 per earlier day, 10 at most', () => {
    const mk = (iso: string): BackupInfo => ({ path: iso, fileName: iso, createdAt: iso, reason: 'start', size: 1 })
    const list = [
      ...['10:00', '09:00', '08:00', '07:00'].map((t) => mk(`2024-10-08T${t}:00.000`)),
      ...Array.from({ length: 12 }, (_, i) => [mk(`2024-09-${String(20 - i).padStart(2, '0')}T18:00:00.000`), mk(`2024-09-${String(20 - i).padStart(2, '0')}T08:00:00.000`)]).flat(),
    ]
    const keep = backupsToKeep(list, '2024-10-08')
    expect(keep.size).toBe(10)
    expect([...keep].slice(0, 4)).toEqual(['2024-10-08T10:00:00.000', '2024-10-08T09:00:00.000', '2024-10-08T08:00:00.000', '2024-09-20T18:00:00.000'])
    expect(keep.has('2024-09-20T08:00:00.000')).toBe(false)
  })

  it('delete old files on disk when rotating', async () => {
    const t = await makeBackend()
    dirs.push(t.dataDir)
    for (let i = 0; i < 6; i++) await makeBackupInWorker(t.backend.dbPath, t.dataDir, 'manual', new Date(2024, 9, 8, 10, i))
    await t.close()
    expect(readdirSync(join(t.dataDir, 'backups')).filter((f) => f.endsWith('.sqlite'))).toHaveLength(3)
  })
})
