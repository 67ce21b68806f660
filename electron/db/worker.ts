/**
 * The one way heavy SQLite work leaves the main process: a task (a file, its pragmas and
 * attachments, and a list of steps) runs on its own better-sqlite3 connection in a worker thread,
 * so the event loop stays answerable. Used by the start-up quick_check (integrity.ts), the year
 * package's build and content digest (yeardata/package.ts, checksum.ts) and its verification
 * (verify.ts, checksum-v2.ts for packages of the earlier format).
 *
 * The worker is CommonJS source evaluated by Node (no file of its own), so it runs the same under
 * the esbuild bundle, tsx and vitest: it loads only better-sqlite3 (a Node-API addon that loads in
 * any thread, by the path the main thread resolved) and node builtins. What it runs is plain SQL
 * built by the caller; the only logic of its own is hashing: the chunked hash of a digest step,
 * and the v2 checksum's per-row hash (its REALs as JS prints them).
 */
import { Worker } from 'node:worker_threads'

export type SqlStep = (
  | { op: 'exec'; sql: string }
  | { op: 'run'; sql: string; params?: Record<string, unknown> | unknown[] }
  | { op: 'all'; sql: string; params?: Record<string, unknown> | unknown[] }
  /**
   * SHA-256 over a table's canonical rows (checksum.ts builds the SQL). `first`/`next`: one chunk
   * of rows as [blob, last key, row count], keyset-paged by @after/@limit; without `next`, `first`
   * yields one blob per row. `side`: rows of values SQL cannot render exactly (hashed as JS prints
   * them). `sideMark`: bytes every row that `side` would yield carries in its canonical form; when
   * no chunk holds them, `side` has nothing to yield and is not run (it scans the whole table).
   * `count`: the table's row count, which must equal the rows hashed (left out where the chunks
   * read the table's own b-tree, and so every row).
   */
  | { op: 'hash'; header: string; first: string; next?: string; limit: number; side?: string; sideMark?: string; count?: string }
  /**
   * The v2 checksum (yeardata/checksum-v2.ts), one table per step into one SHA-256 that lives
   * across the steps: `select` yields per row one BLOB and then the row's REALs (NULL where not a
   * REAL), hashed as JS prints them, tagged with `realColumns`. Result: the rows hashed.
   * 'hash-v2-end' ends that hash; result: its hex digest.
   */
  | { op: 'hash-v2'; header: string; select: string; realColumns: number[] }
  | { op: 'hash-v2-end' }
) & { label?: string }

export interface SqlTask {
  path: string
  readonly?: boolean
  pragmas?: string[]
  attach?: { path: string; as: string }[]
}

export type SqlOutcome =
  | { status: 'done'; results: unknown[] }
  | { status: 'cancelled' }
  | { status: 'failed'; message: string; code?: string }
  /** The worker could not run at all (no threads, module not loadable): nothing is known. */
  | { status: 'unavailable'; message: string }

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const flag = new Int32Array(workerData.cancel)
const cancelled = () => Atomics.load(flag, 0) !== 0
let Database
try {
  Database = require(workerData.module)
} catch (e) {
  parentPort.postMessage({ status: 'unavailable', message: String((e && e.message) || e) })
}
function hash(db, s) {
  const h = createHash('sha256')
  h.update(s.header)
  let n = 0
  let marked = !s.sideMark
  const seen = (b) => {
    if (!marked && b && b.includes(s.sideMark)) marked = true
  }
  if (s.next) {
    const first = db.prepare(s.first).raw(true)
    const next = db.prepare(s.next).raw(true)
    let after
    for (let i = 0; ; i++) {
      const row = i === 0 ? first.get({ limit: s.limit }) : next.get({ limit: s.limit, after })
      const count = row ? row[2] : 0
      if (!count) break
      h.update(row[0])
      seen(row[0])
      n += count
      if (row[1] === null || count < s.limit) break
      after = row[1]
      if (cancelled()) return null
    }
  } else {
    for (const b of db.prepare(s.first).pluck(true).iterate()) {
      h.update(b)
      seen(b)
      n++
    }
  }
  if (s.side && marked) {
    for (const r of db.prepare(s.side).raw(true).iterate()) h.update('x ' + r.map((v) => (v === null ? '-' : String(v))).join(',') + '\\n')
  }
  if (s.count) {
    const total = db.prepare(s.count).pluck(true).get()
    if (total !== n) throw new Error('表中实有 ' + total + ' 行，按主键只读到 ' + n + ' 行')
  }
  h.update('end ' + n + '\\n')
  return { sha256: h.digest('hex'), rows: n }
}
const ROW_END = Buffer.from('|\\n')
let v2 = null
function hashV2(db, s) {
  v2 = v2 || createHash('sha256')
  v2.update(s.header)
  let n = 0
  let batch = []
  let size = 0
  for (const row of db.prepare(s.select).raw(true).iterate()) {
    const blob = row[0]
    let reals = ''
    for (let c = 1; c < row.length; c++) if (row[c] !== null) reals += s.realColumns[c - 1] + '=' + JSON.stringify(row[c]) + ';'
    batch.push(blob, reals ? Buffer.from('|' + reals + '\\n') : ROW_END)
    size += blob.length
    if (size > 1 << 20) {
      v2.update(Buffer.concat(batch))
      batch = []
      size = 0
    }
    n++
    if (n % 4096 === 0 && cancelled()) return null
  }
  v2.update(Buffer.concat(batch))
  v2.update('end ' + n + '\\n')
  return n
}
if (Database) {
  const t = workerData.task
  let db
  try {
    db = new Database(t.path, { readonly: !!t.readonly, fileMustExist: true })
    for (const p of t.pragmas || []) db.pragma(p)
    for (const a of t.attach || []) db.prepare('ATTACH DATABASE ? AS ' + a.as).run(a.path)
    const results = []
    let stopped = false
    for (const [i, s] of workerData.steps.entries()) {
      if (cancelled()) { stopped = true; break }
      if (s.label) parentPort.postMessage({ step: i, label: s.label })
      if (s.op === 'exec') results.push(db.exec(s.sql) && null)
      else if (s.op === 'run') results.push(db.prepare(s.sql).run(s.params || {}).changes)
      else if (s.op === 'all') results.push(db.prepare(s.sql).all(s.params || {}))
      else if (s.op === 'hash-v2-end') results.push(v2 ? v2.digest('hex') : null)
      else if (s.op === 'hash-v2') {
        const r = hashV2(db, s)
        if (r === null) { stopped = true; break }
        results.push(r)
      } else {
        const r = hash(db, s)
        if (r === null) { stopped = true; break }
        results.push(r)
      }
    }
    if (stopped && db.inTransaction) db.exec('ROLLBACK')
    parentPort.postMessage(stopped ? { status: 'cancelled' } : { status: 'done', results })
  } catch (e) {
    parentPort.postMessage({ status: 'failed', message: String((e && e.message) || e), code: e && e.code })
  } finally {
    if (db && db.open) db.close()
  }
}
`

/**
 * Runs the steps in a worker thread. Settles when the worker has exited, not when it answered:
 * only then is its handle on the files closed (a caller may delete or rename them next).
 * isCancelled is polled; the worker stops between steps and between chunks of a digest.
 */
export function runSqlTask(
  task: SqlTask,
  steps: SqlStep[],
  opts: { onStep?: (index: number, label: string) => void; isCancelled?: () => boolean } = {},
): Promise<SqlOutcome> {
  return new Promise((resolve) => {
    const cancel = new SharedArrayBuffer(4)
    const flag = new Int32Array(cancel)
    let worker: Worker
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { task, steps, cancel, module: require.resolve('better-sqlite3') } })
    } catch (e) {
      resolve({ status: 'unavailable', message: (e as Error).message })
      return
    }
    const poll = opts.isCancelled
      ? setInterval(() => {
          if (opts.isCancelled!()) Atomics.store(flag, 0, 1)
        }, 20)
      : null
    let result: SqlOutcome | null = null
    worker.on('message', (m: SqlOutcome | { step: number; label: string }) => {
      if ('step' in m) opts.onStep?.(m.step, m.label)
      else result = m
    })
    worker.once('error', (e) => {
      result ??= { status: 'unavailable', message: e.message }
    })
    worker.once('exit', (code) => {
      if (poll) clearInterval(poll)
      resolve(result ?? { status: 'unavailable', message: `工作线程意外中止（${code}）` })
    })
  })
}
