/**
 * Which database is active while the app runs: the working one, a package opened read-only beside
 * it, or — after a restore — a new working file swapped in. The backend attaches a host (how to
 * open the working file the way the app does at start, and the native binding) to its Ctx; the
 * year-data handlers are the only ones that switch.
 */
import Database from 'better-sqlite3'
import type BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { copyFileSync, existsSync, linkSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { AppError } from '../../shared/result'
import { cachedPrepare } from '../db/statement-cache'
import { closeDatabase, type OpenedDb } from '../db/open'
import type { DB } from '../db/schema'
import type { Ctx } from '../handlers/context'
import { rebuildFromPackage } from './rebuild'
import { packagesDir, sweepScratch, type KeptPackage } from './store'

export interface YearDataHost {
  /** Opens dbPath as the app does at start (checks, migrations, seeding), without the start backup. */
  openWorking(): Promise<OpenedDb>
  /** Settles when background work on the working connection (the start-up backup) is over. */
  idle?: () => Promise<unknown>
}

interface Viewer {
  id: string
  sqlite: BetterSqlite3.Database
  db: Kysely<DB>
  /** The rebuilt copy being read, removed when the view closes. */
  scratch: string | null
}

interface State {
  host: YearDataHost
  viewer: Viewer | null
  /** Exports reading the working file right now: it must not be swapped under them. */
  busy: number
  /** A restore is replacing the working file right now. */
  swapping: boolean
}

const states = new WeakMap<Ctx, State>()
/** `<working file>.replaced-<ms>`: the old working file while a swap is being confirmed. */
const REPLACED = '.replaced-'
/** Where the file that is to become the working database is prepared. */
export const readyPath = (ctx: Ctx) => `${ctx.dbPath}.restore.tmp`

export function attachYearData(ctx: Ctx, host: YearDataHost): void {
  states.set(ctx, { host, viewer: null, busy: 0, swapping: false })
  sweepScratch(ctx.dataDir)
  // Left by a swap interrupted by a crash: the working file is whole either way (the swap is one
  // rename), and the old content is in the 'restore' backup made before it.
  const dir = dirname(ctx.dbPath)
  const stem = basename(ctx.dbPath)
  for (const n of readdirSync(dir)) if (n.startsWith(stem + REPLACED) || join(dir, n) === readyPath(ctx)) rmSync(join(dir, n), { force: true })
}

function state(ctx: Ctx): State {
  const s = states.get(ctx)
  if (!s) throw new AppError('INTERNAL', '年度数据功能未初始化')
  return s
}

export async function whileReadingWorking<T>(ctx: Ctx, fn: () => Promise<T>): Promise<T> {
  const s = state(ctx)
  if (s.swapping) throw new AppError('CONFLICT', '正在恢复工作数据，请稍后再试')
  s.busy++
  try {
    return await fn()
  } finally {
    s.busy--
  }
}

/**
 * Makes a kept package the active database, read-only: never the kept file itself but a copy of
 * its rows in a schema the migrations build (rebuild.ts), migrated to today's version, so that
 * every handler reads it with today's queries and nothing of the package's schema is adopted.
 */
export async function openView(ctx: Ctx, pkg: KeptPackage, schemaVersion: number, label: string): Promise<void> {
  const s = state(ctx)
  await closeView(ctx)
  const scratch = join(packagesDir(ctx.dataDir), `.view-${pkg.id}.sqlite`)
  await rebuildFromPackage({ packagePath: pkg.path, targetPath: scratch, schemaVersion })
  const sqlite = new Database(scratch, { readonly: true, fileMustExist: true })
  sqlite.pragma('query_only = ON')
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cachedPrepare(sqlite) }) })
  s.viewer = { id: pkg.id, sqlite, db, scratch }
  ctx.db = db
  ctx.sqlite = sqlite
  ctx.view = { packageId: pkg.id, label }
}

/** Back to the working database (no-op if nothing is being viewed). */
export async function closeView(ctx: Ctx): Promise<void> {
  const s = state(ctx)
  const v = s.viewer
  ctx.db = ctx.working.db
  ctx.sqlite = ctx.working.sqlite
  ctx.view = null
  s.viewer = null
  if (!v) return
  await closeDatabase(v)
  if (v.scratch) rmSync(v.scratch, { force: true })
}

export const viewedPackageId = (ctx: Ctx): string | null => states.get(ctx)?.viewer?.id ?? null

/** Called before the backup is made, so a refused restore leaves nothing behind. */
export function assertCanReplace(ctx: Ctx): void {
  if (state(ctx).busy > 0) throw new AppError('CONFLICT', '正在导出年度数据包，请等导出完成后再恢复')
}

/** One restore at a time, from preparing its file to reopening: they share the file names. */
export async function exclusiveSwap<T>(ctx: Ctx, fn: () => Promise<T>): Promise<T> {
  const s = state(ctx)
  if (s.swapping) throw new AppError('CONFLICT', '上一次恢复尚未完成，请稍后再试')
  assertCanReplace(ctx)
  s.swapping = true
  try {
    return await fn()
  } finally {
    s.swapping = false
  }
}

/**
 * Swaps a prepared, verified, closed file in as the working database and reopens it, while the app
 * runs. The caller has already made the backup. The swap is one atomic rename over the working
 * file, so a crash at any moment leaves either the old or the new file under its name, never none.
 * If the new file does not open, the old one (kept as a hard link until then) is put back and
 * reopened: the user never ends up without working data.
 */
export async function replaceWorking(ctx: Ctx, readyFile: string, afterOpen?: (sqlite: BetterSqlite3.Database) => void): Promise<void> {
  const s = state(ctx)
  assertCanReplace(ctx)
  await closeView(ctx)
  await s.host.idle?.() // the start-up backup reads through this connection
  await closeDatabase(ctx.working)
  const adopt = (o: OpenedDb) => {
    ctx.db = o.db
    ctx.sqlite = o.sqlite
    ctx.working = { db: o.db, sqlite: o.sqlite }
    ctx.schemaVersion = o.schemaVersion
  }
  const aside = `${ctx.dbPath}${REPLACED}${Date.now()}`
  try {
    // A clean close checkpoints and deletes the WAL; one left with content means another
    // connection still has the file open, and the old WAL must never meet the new file.
    if (existsSync(`${ctx.dbPath}-wal`) && statSync(`${ctx.dbPath}-wal`).size > 0) throw new Error('工作数据库仍被占用')
    for (const ext of ['-wal', '-shm']) rmSync(ctx.dbPath + ext, { force: true })
    try {
      linkSync(ctx.dbPath, aside) // instant, and the old content stays reachable until we are sure
    } catch {
      copyFileSync(ctx.dbPath, aside) // file systems without hard links
    }
    renameSync(readyFile, ctx.dbPath)
  } catch (e) {
    rmSync(aside, { force: true })
    adopt(await s.host.openWorking())
    throw new AppError('IO', `无法替换工作数据库（${(e as Error).message}），数据未改变；请关闭其他占用该文件的程序后重试`)
  }
  try {
    const o = await s.host.openWorking()
    try {
      afterOpen?.(o.sqlite)
    } catch (e) {
      await closeDatabase(o)
      throw e
    }
    adopt(o)
  } catch (e) {
    for (const ext of ['-wal', '-shm']) rmSync(ctx.dbPath + ext, { force: true })
    renameSync(aside, ctx.dbPath)
    adopt(await s.host.openWorking())
    const msg = e instanceof AppError ? e.message : (e as Error).message
    throw new AppError('DB_DAMAGED', `恢复后的数据无法打开（${msg}），已退回原来的工作数据，数据未改变`)
  }
  // The old file's last name: freeing a city-scale file's blocks is left to the thread pool.
  await rm(aside, { force: true })
  // The signed-in operator is one of this PC's accounts, which the restore kept (auth/local-accounts.ts);
  // the dispatch re-reads it from the restored data on the next call.
}

/** On quit: the view and the working database, whichever is open now. */
export async function closeYearData(ctx: Ctx): Promise<void> {
  if (states.has(ctx)) await closeView(ctx)
  await closeDatabase(ctx.working)
}
