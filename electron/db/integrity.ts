/**
 * Integrity of the working file, in two steps so that start-up does not read the whole file:
 *   - probeFile: the 100-byte header and the file size (magic string, page size, the page count
 *     the header promises): catches a foreign, overwritten or truncated file at once;
 *   - fullCheck: PRAGMA quick_check, which reads every page (seconds on a city-scale file), on its
 *     own read-only connection in a worker thread, so the main process stays answerable.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { runSqlTask } from './worker'

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

/**
 * PRAGMA quick_check (or, asked for, the slower integrity_check, which also compares every index
 * with its table) over the whole file in a worker thread (db/worker.ts). Settles when the worker
 * has exited: only then is its handle on the file closed (a restore renames the file).
 */
export async function fullCheck(path: string, pragma: 'quick_check' | 'integrity_check' = 'quick_check'): Promise<FullCheck> {
  const r = await runSqlTask({ path, readonly: true }, [{ op: 'all', sql: `PRAGMA ${pragma}(20)` }])
  if (r.status === 'done') {
    const rows = (r.results[0] as Record<string, unknown>[]).map((x) => String(Object.values(x)[0]))
    return rows.length === 1 && rows[0] === 'ok' ? { ok: true } : { ok: false, reason: `完整性检查未通过（${rows.join('；')}）` }
  }
  if (r.status === 'failed') return { ok: false, reason: `完整性检查未通过（${r.message}）` }
  return { ok: null, reason: `完整性检查无法运行（${r.status === 'unavailable' ? r.message : '已取消'}）` }
}
