/**
 * A year package is built, hashed and verified in worker threads: while a large table is copied
 * the main event loop keeps turning and other calls are answered; a cancel mid-way leaves no file.
 * No timings are asserted: only what happened in which order.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyPackageFile } from '../../electron/yeardata/verify'
import { PACKAGE_FOLDER } from '../../electron/handlers/yeardata'
import { cleanup, type TestBackend } from '../helpers/backend'
import { demoBackend, listDir } from './fixtures'

let t: TestBackend
const BULK = 120_000

beforeAll(async () => {
  t = await demoBackend()
  // One work-year table made large: its INSERT … SELECT is one statement of a good fraction of a second.
  const sqlite = t.backend.ctx.working.sqlite
  const cols = (sqlite.prepare("SELECT name FROM pragma_table_info('trainings') ORDER BY cid").all() as { name: string }[]).map((c) => c.name)
  const values = cols.map((c) => (c === 'id' ? `'bulk-' || printf('%06d', n.i)` : c === 'title' ? `'批量培训' || n.i` : `x."${c}"`))
  sqlite.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${BULK})
    INSERT INTO trainings (${cols.map((c) => `"${c}"`).join(', ')}) SELECT ${values.join(', ')} FROM n, (SELECT * FROM trainings WHERE work_year = 2024 LIMIT 1) AS x`)
}, 180_000)

afterAll(async () => {
  if (!t) return
  await t.close()
  cleanup(t.dataDir)
})

/** Turns the event loop until the job ends; per progress message, how many turns saw it. */
async function watch(jobId: string, during?: (message: string) => Promise<void>) {
  const seen = new Map<string, number>()
  let answered = 0
  for (;;) {
    const s = t.backend.ctx.jobs.get(jobId)
    if (s.status !== 'running') return { end: s, seen, answered }
    seen.set(s.message, (seen.get(s.message) ?? 0) + 1)
    if (during && (await during(s.message).then(() => true))) answered++
    await new Promise((r) => setImmediate(r))
  }
}

describe('year package off the main thread', () => {
  it('keeps the event loop turning and answers calls while a large table is copied and hashed', async () => {
    const job = await t.call('yearData/export', { workYear: 2024 })
    let answeredWhileRunning = 0
    const { end, seen } = await watch(job.id, async () => {
      const r = await t.backend.dispatch('session/get', {})
      if (r.ok && t.backend.ctx.jobs.get(job.id).status === 'running') answeredWhileRunning++
    })
    expect(end.status, end.message).toBe('done')
    // In the old, in-thread build the loop turned once per table; now it turns throughout the
    // one INSERT of the bulk table and throughout its checksum.
    expect(seen.get('正在导出业务培训……') ?? 0).toBeGreaterThan(20)
    expect([...seen.keys()].some((m) => m.startsWith('正在计算校验码'))).toBe(true)
    expect(answeredWhileRunning).toBeGreaterThan(20)
    const verified = await (async () => {
      let ticks = 0
      let done = false
      const p = verifyPackageFile(end.paths[0]!, { level: 'full' }).finally(() => (done = true))
      while (!done) {
        ticks++
        await new Promise((r) => setImmediate(r))
      }
      return { v: await p, ticks }
    })()
    expect(verified.v.manifest.rowCounts.trainings).toBeGreaterThanOrEqual(BULK)
    expect(verified.ticks).toBeGreaterThan(20)
  }, 120_000)

  it('a cancel while the rows are copied leaves neither the package nor its scratch file', async () => {
    const folder = join(await t.backend.ctx.outputDir(), PACKAGE_FOLDER)
    const before = listDir(folder)
    const job = await t.call('yearData/export', { workYear: 2024 })
    let cancelledAt = ''
    const { end } = await watch(job.id, async (message) => {
      if (!cancelledAt && message === '正在导出业务培训……') {
        cancelledAt = message
        t.backend.ctx.jobs.cancel(job.id)
      }
    })
    expect(cancelledAt).toBe('正在导出业务培训……')
    expect(end.status).toBe('cancelled')
    expect(end.paths).toEqual([])
    expect(listDir(folder)).toEqual(before)
  }, 120_000)
})
