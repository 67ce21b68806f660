/**
 * Rotating backups of the working database, made with VACUUM INTO (a consistent snapshot of a
 * live WAL database; a file copy would not be). Kept: 3 from today, 1 per earlier day, 10 at most,
 * and never more than MAX_BACKUP_BYTES together (the newest is always kept).
 */
import type BetterSqlite3 from 'better-sqlite3'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { runSqlTask } from './worker'

export const BACKUP_DIR = 'backups'
/** 2 GiB: seven snapshots of a city-scale (285 MB) database, far more of a county's (~10 MB). */
export const MAX_BACKUP_BYTES = 2 * 1024 ** 3
/** Remembers what the last start-up backup held, so an unchanged database is not copied again. */
const START_STATE = 'last-start.json'
const NAME = /^backup-(\d{8})-(\d{6})-(\d{3})-([a-z-]+)\.sqlite$/

export interface BackupInfo {
  path: string
  fileName: string
  createdAt: string // ISO
  reason: string
  size: number
}

export const BACKUP_REASONS: Record<string, string> = {
  start: '启动时',
  migrate: '升级数据库前',
  import: '导入前',
  restore: '恢复前',
  'carry-over': '年度结转前',
  manual: '手工',
}

function stamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}-${p(d.getMilliseconds(), 3)}`
}

export function backupDir(dataDir: string): string {
  return join(dataDir, BACKUP_DIR)
}

/** Where a new backup goes: its final name, and the temp file it is written to first. */
function newBackup(dataDir: string, reason: keyof typeof BACKUP_REASONS, now: Date): { target: string; tmp: string } {
  const dir = backupDir(dataDir)
  mkdirSync(dir, { recursive: true })
  const target = join(dir, `backup-${stamp(now)}-${reason}.sqlite`)
  const tmp = target + '.tmp'
  rmSync(tmp, { force: true })
  return { target, tmp }
}

/**
 * Snapshot the database file at `dbPath` into the backup folder with VACUUM INTO, on a connection
 * of its own in a worker thread (db/worker.ts): a city's database takes about a second, which the
 * main process must not spend (upgrade, manual, 年度结转 and restore backups). Returns the new file's path. It reads the last committed state, so
 * the caller keeps writes out meanwhile (the gate) when the backup must be exactly "now".
 */
export async function makeBackupInWorker(dbPath: string, dataDir: string, reason: keyof typeof BACKUP_REASONS, now = new Date()): Promise<string> {
  const { target, tmp } = newBackup(dataDir, reason, now)
  const r = await runSqlTask({ path: dbPath, readonly: true }, [{ op: 'run', sql: 'VACUUM INTO ?', params: [tmp] }])
  if (r.status !== 'done') {
    rmSync(tmp, { force: true })
    throw new Error(`备份失败：${r.status === 'cancelled' ? '已取消' : r.message}`)
  }
  renameSync(tmp, target)
  await rotateBackups(dataDir, now)
  return target
}

/**
 * What identifies the database's content for the start-up backup: the schema version and the last
 * audit row that changed data (every change is written through the audited Writer, migrations move
 * user_version; sign-in and sign-out rows are no change of data). Read backwards from the newest
 * row, so it costs nothing however long the log is.
 */
export function changeToken(sqlite: BetterSqlite3.Database): string {
  const version = sqlite.pragma('user_version', { simple: true }) as number
  const last = sqlite.prepare("SELECT id FROM audit_log WHERE entity <> 'session' ORDER BY id DESC LIMIT 1").get() as { id: number } | undefined
  return `v${version}:a${last?.id ?? 0}`
}

/**
 * The start-up backup, taken only when the database changed since the last one (a user who opens
 * the app ten times a day to read the 驾驶舱 gets one snapshot, not ten). Returns null when skipped.
 */
export async function makeStartBackup(sqlite: BetterSqlite3.Database, dataDir: string, now = new Date()): Promise<string | null> {
  const token = changeToken(sqlite)
  const stateFile = join(backupDir(dataDir), START_STATE)
  try {
    const last = JSON.parse(readFileSync(stateFile, 'utf8')) as { token?: string; fileName?: string }
    if (last.token === token && last.fileName && existsSync(join(backupDir(dataDir), last.fileName))) return null
  } catch {
    /* no state yet, or unreadable: take the backup */
  }
  const path = await makeBackupAsync(sqlite, dataDir, 'start', now)
  writeFileSync(stateFile, JSON.stringify({ token, fileName: path.slice(backupDir(dataDir).length + 1) }))
  return path
}

/**
 * The same snapshot made with SQLite's online backup API, page batch by page batch, so the app
 * stays responsive while a large database is copied (the start-up backup of a city-scale file).
 */
export async function makeBackupAsync(sqlite: BetterSqlite3.Database, dataDir: string, reason: keyof typeof BACKUP_REASONS, now = new Date()): Promise<string> {
  const { target, tmp } = newBackup(dataDir, reason, now)
  await sqlite.backup(tmp, { progress: () => 2000 })
  renameSync(tmp, target)
  await rotateBackups(dataDir, now)
  return target
}

export function listBackups(dataDir: string): BackupInfo[] {
  const dir = backupDir(dataDir)
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  const out: BackupInfo[] = []
  for (const fileName of names) {
    const m = NAME.exec(fileName)
    if (!m) continue
    const [, d, t, ms, reason] = m as unknown as [string, string, string, string, string]
    const createdAt = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}.${ms}`
    const path = join(dir, fileName)
    out.push({ path, fileName, createdAt, reason, size: statSync(path).size })
  }
  return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
}

/** Which backups the retention policy keeps (newest first in, paths out). Pure, for tests. */
export function backupsToKeep(backups: BackupInfo[], today: string, perToday = 3, max = 10, maxBytes = MAX_BACKUP_BYTES): Set<string> {
  const keep = new Set<string>()
  const seenDays = new Set<string>()
  let todayCount = 0
  let bytes = 0
  for (const b of backups) {
    if (keep.size >= max) break
    const day = b.createdAt.slice(0, 10)
    const wanted = day === today ? todayCount < perToday : !seenDays.has(day)
    if (!wanted) continue
    // Past the byte budget only what is kept already stays (the newest always, even if larger).
    if (keep.size > 0 && bytes + b.size > maxBytes) break
    if (day === today) todayCount++
    else seenDays.add(day)
    keep.add(b.path)
    bytes += b.size
  }
  return keep
}

/** Deletes what the retention policy lets go, off the event loop: freeing a city-scale file's blocks takes tens of milliseconds. */
export async function rotateBackups(dataDir: string, now = new Date()): Promise<void> {
  for (const path of backupsToDrop(dataDir, now)) await rm(path, { force: true })
}

/** The backups the retention policy lets go. */
function backupsToDrop(dataDir: string, now: Date): string[] {
  const all = listBackups(dataDir)
  const p = (n: number) => String(n).padStart(2, '0')
  const today = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`
  const keep = backupsToKeep(all, today)
  return all.filter((b) => !keep.has(b.path)).map((b) => b.path)
}
