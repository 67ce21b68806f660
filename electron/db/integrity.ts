/**
 * Integrity of the working file, in two steps so that start-up does not read the whole file:
 *   - probeFile: the 100-byte header and the file size (magic string, page size, the page count
 *     the header promises): catches a foreign, overwritten or truncated file at once;
 *   - fullCheck: PRAGMA quick_check, which reads every page (seconds on a city-scale file), on its
 *     own read-only connection in a worker thread, so the main process stays answerable.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { Worker } from 'node:worker_threads'

const MAGIC = 'SQLite format 3\u0000'

/** Why the file cannot be a healthy SQLite database, or null when its header and size agree. */
export function probeFile(path: string): string | null {
  const size = statSync(path).size
  if (size === 0) return null // a new, empty file
  if (size < 100) return `文件只有 ${size} 字节，不是完整的数据库`
  const header = Buffer.alloc(100)
  const fd = openSync(path, 'r')
  try {
    readSync(fd, header, 0, 100, 0)
  } finally {
    closeSync(fd)
  }
  if (header.toString('latin1', 0, 16) !== MAGIC) return '文件头不是 SQLite 数据库'
  const raw = header.readUInt16BE(16)
  const pageSize = raw === 1 ? 65536 : raw
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return `文件头中的页大小 ${raw} 无效`
  // The in-header page count is valid when the change counter matches "version-valid-for" (SQLite
  // file format §1.3.7); then the file must hold at least that many pages.
  const pages = header.readUInt32BE(28)
  const valid = header.readUInt32BE(24) === header.readUInt32BE(92)
  if (valid && pages > 0 && size < pages * pageSize) {
    return `文件被截断（应有 ${pages * pageSize} 字节，实际 ${size} 字节）`
  }
  if (size % pageSize !== 0) return `文件大小 ${size} 字节不是页大小 ${pageSize} 的整数倍，文件不完整`
  return null
}

/** ok null: the check could not run at all (no worker, module not loadable); nothing is known. */
export type FullCheck = { ok: true } | { ok: false; reason: string } | { ok: null; reason: string }

// CommonJS run by the worker: its own better-sqlite3 instance (a Node-API addon loads in any thread).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
let db
let Database
try {
  Database = require(workerData.module)
} catch (e) {
  parentPort.postMessage({ ok: null, reason: String((e && e.message) || e) })
}
if (Database) try {
  db = new Database(workerData.path, { readonly: true, fileMustExist: true })
  const rows = db.pragma('quick_check(20)', { simple: false }).map((r) => String(Object.values(r)[0]))
  parentPort.postMessage(rows.length === 1 && rows[0] === 'ok' ? { ok: true } : { ok: false, reason: rows.join('；') })
} catch (e) {
  parentPort.postMessage({ ok: false, reason: String((e && e.message) || e) })
} finally {
  if (db) db.close()
}
`

/**
 * PRAGMA quick_check over the whole file in a worker thread. Settles when the worker has exited,
 * not when it answered: only then is its handle on the file closed (a restore renames the file).
 */
export function fullCheck(path: string): Promise<FullCheck> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, module: require.resolve('better-sqlite3') } })
    let result: FullCheck | null = null
    worker.once('message', (m: FullCheck) => {
      result = m.ok === true ? m : m.ok === null ? { ok: null, reason: `完整性检查无法运行（${m.reason}）` } : { ok: false, reason: `完整性检查未通过（${m.reason}）` }
    })
    worker.once('error', (e) => {
      result ??= { ok: null, reason: `完整性检查无法运行（${e.message}）` }
    })
    worker.once('exit', (code) => resolve(result ?? { ok: null, reason: `完整性检查意外中止（${code}）` }))
  })
}
