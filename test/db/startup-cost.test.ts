/**
 * Start-up is proportional to what changed: a header probe at open, the full quick_check in a
 * worker thread afterwards, a start-up backup only when the data changed since the last one, and
 * backups bounded in bytes as well as in count.
 */
import Database from 'better-sqlite3'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { backupsToKeep, listBackups, type BackupInfo } from '../../electron/db/backup'
import { fullCheck, probeFile } from '../../electron/db/integrity'
import { DB_FILE_NAME } from '../../electron/db/open'
import { cleanup, makeBackend, makeSetUpBackend, tempDir } from '../helpers/backend'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach(cleanup))

/** A plain SQLite file of a few hundred pages, checkpointed and closed. */
function sampleDb(): string {
  const dir = tempDir()
  dirs.push(dir)
  const path = join(dir, 'x.sqlite')
  const db = new Database(path)
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT); CREATE INDEX t_s ON t(s)')
  const ins = db.prepare('INSERT INTO t (s) VALUES (?)')
  db.transaction(() => {
    for (let i = 0; i < 20_000; i++) ins.run(`第${i}行-${'内容'.repeat(5)}`)
  })()
  db.close()
  return path
}

describe('probeFile (the header and the size, read at every start)', () => {
  it('passes a healthy file and an empty new one', () => {
    const path = sampleDb()
    expect(probeFile(path)).toBeNull()
    writeFileSync(path + '.empty', '')
    expect(probeFile(path + '.empty')).toBeNull()
  })

  it('names what is wrong with a foreign, truncated or misshapen file', () => {
    const path = sampleDb()
    const good = readFileSync(path)
    writeFileSync(path, Buffer.concat([Buffer.from('PK\u0003\u0004'), good.subarray(4)]))
    expect(probeFile(path)).toContain('不是 SQLite')
    // Cut to whole pages: only the page count in the header shows it.
    writeFileSync(path, good.subarray(0, 4096 * 10))
    expect(probeFile(path)).toMatch(/截断.*实际 40960 字节/)
    writeFileSync(path, good.subarray(0, 4096 * 10 + 1000))
    expect(probeFile(path)).toMatch(/截断|不完整/)
    writeFileSync(path, good.subarray(0, 60))
    expect(probeFile(path)).toContain('60 字节')
  })
})

describe('fullCheck (quick_check in a worker thread)', () => {
  it('passes a healthy file', async () => {
    expect(await fullCheck(sampleDb())).toEqual({ ok: true })
  })

  it('finds a damaged page the header probe cannot see', async () => {
    const path = sampleDb()
    const buf = readFileSync(path)
    // Scribble over a page in the middle: the header and the size stay right.
    const page = Math.floor(buf.length / 4096 / 2)
    buf.fill(0x5a, page * 4096 + 8, page * 4096 + 4000)
    writeFileSync(path, buf)
    expect(probeFile(path)).toBeNull()
    const r = await fullCheck(path)
    expect(r.ok).toBe(false)
    expect(!r.ok && r.reason).toContain('完整性检查未通过')
  })

  it('reports a file it cannot open instead of throwing', async () => {
    const r = await fullCheck('/nonexistent/none.sqlite')
    expect(r.ok).toBe(false)
    expect(r.ok === false && r.reason).toContain('完整性检查未通过')
  })
})

describe('the working database at start', () => {
  it('reports the background check through app/info', async () => {
    const t = await makeSetUpBackend()
    dirs.push(t.dataDir)
    await t.close()
    const again = await makeBackend({ dataDir: t.dataDir })
    expect(['checking', 'ok']).toContain((await again.call('app/info', {})).integrity.state)
    await again.backend.close() // waits for the check
    expect(again.backend.ctx.integrity).toEqual({ state: 'ok' })
  })

  it('takes the start-up backup only when the data changed since the last one', async () => {
    const t = await makeSetUpBackend()
    dirs.push(t.dataDir)
    await t.close()
    const starts = () => listBackups(t.dataDir).filter((b) => b.reason === 'start')

    await (await makeBackend({ dataDir: t.dataDir })).close()
    expect(starts()).toHaveLength(1)
    // Opened again to read only: no second copy of the same data.
    await (await makeBackend({ dataDir: t.dataDir })).close()
    await (await makeBackend({ dataDir: t.dataDir })).close()
    expect(starts()).toHaveLength(1)

    // A change (one audited write) makes the next start take a backup again.
    const b = await makeBackend({ dataDir: t.dataDir, now: () => new Date(Date.now() + 1000) })
    await b.call('divisions/save', { name: '经济建设股' })
    await b.close()
    await (await makeBackend({ dataDir: t.dataDir, now: () => new Date(Date.now() + 2000) })).close()
    expect(starts()).toHaveLength(2)
    const newest = new Database(starts()[0]!.path, { readonly: true })
    expect((newest.prepare("SELECT count(*) n FROM divisions WHERE name = '经济建设股'").get() as { n: number }).n).toBe(1)
    newest.close()

    // The remembered backup was deleted by hand: the next start takes one again.
    for (const s of starts()) rmSync(s.path)
    await (await makeBackend({ dataDir: t.dataDir, now: () => new Date(Date.now() + 3000) })).close()
    expect(starts()).toHaveLength(1)
  })

  it('sets a truncated working file aside without reading it whole', async () => {
    const t = await makeSetUpBackend()
    dirs.push(t.dataDir)
    await t.close()
    const path = join(t.dataDir, DB_FILE_NAME)
    const data = readFileSync(path)
    writeFileSync(path, data.subarray(0, Math.max(4096, data.length - 4096)))
    const err = await makeBackend({ dataDir: t.dataDir }).catch((e) => e)
    expect(err.code).toBe('DB_DAMAGED')
    expect(err.message).toContain('截断')
  })
})

describe('backup retention in bytes', () => {
  const mb = 1024 * 1024
  const mk = (iso: string, size: number): BackupInfo => ({ path: iso, fileName: iso, createdAt: iso, reason: 'start', size })

  it('stops keeping older backups once the byte budget is used', () => {
    // Newest first: 3 today and one each for 4 earlier days, 300 MB each, budget 1000 MB.
    const list = [
      mk('2024-10-08T10:00:00.000', 300 * mb),
      mk('2024-10-08T09:00:00.000', 300 * mb),
      mk('2024-10-08T08:00:00.000', 300 * mb),
      mk('2024-10-07T18:00:00.000', 300 * mb),
      mk('2024-10-06T18:00:00.000', 300 * mb),
    ]
    expect([...backupsToKeep(list, '2024-10-08', 3, 10, 1000 * mb)]).toEqual([
      '2024-10-08T10:00:00.000',
      '2024-10-08T09:00:00.000',
      '2024-10-08T08:00:00.000',
    ])
  })

  it('always keeps the newest, even when it alone is over the budget', () => {
    const list = [mk('2024-10-08T10:00:00.000', 3000 * mb), mk('2024-10-07T10:00:00.000', 10 * mb)]
    expect([...backupsToKeep(list, '2024-10-08', 3, 10, 1000 * mb)]).toEqual(['2024-10-08T10:00:00.000'])
  })

  it('a fourth backup of today does not use up the budget of the earlier days', () => {
    const list = [
      mk('2024-10-08T10:00:00.000', 100 * mb),
      mk('2024-10-08T09:00:00.000', 100 * mb),
      mk('2024-10-08T08:00:00.000', 100 * mb),
      mk('2024-10-08T07:00:00.000', 900 * mb), // not kept by count: its size does not matter
      mk('2024-10-07T18:00:00.000', 100 * mb),
    ]
    expect(backupsToKeep(list, '2024-10-08', 3, 10, 1000 * mb).has('2024-10-07T18:00:00.000')).toBe(true)
  })
})
