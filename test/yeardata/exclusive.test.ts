/**
 * Restores and backups against writes: while a restore runs, every write is refused in Chinese or
 * was finished before it began (then it is in the restore's backup); none is answered ok and then
 * found nowhere. A backup asked for during a write transaction (a batch) waits for it.
 */
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppErrorData } from '../../shared/result'
import { cleanup, makeSetUpBackend } from '../helpers/backend'

type T = Awaited<ReturnType<typeof makeSetUpBackend>>
let t: T
beforeAll(async () => {
  t = await makeSetUpBackend()
  for (let i = 0; i < 30; i++) await t.call('trainings/save', training(`初始培训${i}`))
})
afterAll(async () => {
  await t.close()
  cleanup(t.dataDir)
})

const training = (title: string) => ({ date: '2024-06-01', title, organiser: '县财政局', form: '视频会', participantCount: 2, notes: '' })
const tick = () => new Promise<void>((r) => setImmediate(r))
const idsIn = (path: string) => {
  const db = new Database(path, { readonly: true })
  try {
    return new Set((db.prepare('SELECT id FROM trainings').all() as { id: string }[]).map((r) => r.id))
  } finally {
    db.close()
  }
}

describe('a restore with writes arriving throughout', () => {
  it('answers each write ok only if it is kept (in the restored data or in the backup made first)', async () => {
    const source = await t.call('backups/create', {})
    const acked: string[] = []
    const refused: AppErrorData[] = []
    let finished = false
    let n = 0
    const writers: Promise<void>[] = []
    const fire = () => {
      const title = `并发保存${n++}`
      writers.push(
        t.backend.dispatch('trainings/save', training(title)).then((r) => {
          if (r.ok) acked.push((r.data as { id: string }).id)
          else refused.push(r.error)
        }),
      )
    }
    for (let i = 0; i < 5; i++) fire() // in flight when the restore starts
    const restore = t.backend.dispatch('backups/restore', { fileName: source.fileName }).finally(() => (finished = true))
    while (!finished) {
      fire()
      await tick()
    }
    for (let i = 0; i < 5; i++) fire() // after it
    await Promise.all(writers)
    const r = await restore
    expect(r.ok, JSON.stringify(r)).toBe(true)
    const backup = (await t.call('backups/list', {})).find((b) => b.fileName === (r as { data: { backup: string } }).data.backup)!

    const kept = new Set([...idsIn(t.backend.dbPath), ...idsIn(backup.path)])
    const lost = acked.filter((id) => !kept.has(id))
    expect(lost).toEqual([])
    // Calls that arrive during the restore wait for it and then run on the restored data; a write
    // already inside its handler when the restore began is refused, never half-done.
    for (const e of refused) {
      expect(e.code).toBe('LOCKED')
      expect(e.message).toBe('正在恢复工作数据，暂时不能修改；本次修改未保存，请等完成后再试')
    }
    // The ones in flight when it began finished first and are in the backup; the last five are in the working data.
    expect(acked.length).toBe(n - refused.length)
  })

  it('a second restore and a backup asked during one wait for it, never a raw error', async () => {
    const source = await t.call('backups/create', {})
    const first = t.backend.dispatch('backups/restore', { fileName: source.fileName })
    const second = t.backend.dispatch('backups/restore', { fileName: source.fileName })
    const backup = t.backend.dispatch('backups/create', {})
    for (const r of await Promise.all([first, second, backup])) expect(r.ok, JSON.stringify(r)).toBe(true)
  })

  it('a write inside its handler when a restore begins is refused in Chinese and not applied', async () => {
    const source = await t.call('backups/create', {})
    let restore: Promise<unknown> | null = null
    const e = await t.backend.ctx
      .write(async () => undefined)
      .then(async () => {
        restore = t.backend.dispatch('backups/restore', { fileName: source.fileName })
        return t.backend.ctx.write(async (w) => w.log('test', 'x', 'x', null, null))
      })
      .then(
        () => null,
        (err: AppErrorData) => err,
      )
    await restore
    expect(e).toMatchObject({ code: 'LOCKED', message: '正在恢复工作数据，暂时不能修改；本次修改未保存，请等完成后再试' })
    expect(t.backend.ctx.working.sqlite.prepare("SELECT count(*) n FROM audit_log WHERE action = 'test'").get()).toEqual({ n: 0 })
  })
})

describe('a backup during a batch', () => {
  it('waits for the batch transaction and contains all of it; writes asked meanwhile wait and succeed', async () => {
    const ids: string[] = []
    let backupDone = false
    const batch = t.backend.ctx.write(async (w) => {
      for (let i = 0; i < 40; i++) {
        const id = `batch-${i}`
        await w.insert('trainings', { id, work_year: 2024, date: '2024-07-01', title: `批量${i}`, organiser: '县财政局', form: '视频会', division_ids: '[]', unit_ids: '[]', participant_count: 1, notes: '' })
        ids.push(id)
        await tick()
      }
      expect(backupDone).toBe(false) // the backup did not run inside our transaction
    })
    await tick()
    const backup = t.backend.dispatch('backups/create', {}).then((r) => ((backupDone = true), r))
    await tick()
    const during = t.backend.dispatch('trainings/save', training('备份等待期间的保存'))
    await batch
    const b = await backup
    expect(b.ok, JSON.stringify(b)).toBe(true)
    const saved = await during
    expect(saved.ok, JSON.stringify(saved)).toBe(true)
    const inBackup = idsIn((b as { data: { path: string } }).data.path)
    for (const id of ids) expect(inBackup.has(id)).toBe(true)
  })
})
