/**
 * Opens the working database file: checks it is healthy and ours, refuses a newer schema,
 * sets the PRAGMAs, backs it up, and migrates it inside one transaction. This module and the
 * backup/package modules are the only ones that know the store is a SQLite file.
 */
import Database from 'better-sqlite3'
import type BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { existsSync, renameSync, statSync } from 'node:fs'
import { AppError } from '../../shared/result'
import { listBackups, makeBackupInWorker, makeStartBackup } from './backup'
import { fullCheck, probeFile, type FullCheck } from './integrity'
import { LATEST_VERSION, MIGRATIONS } from './migrations'
import type { DB } from './schema'
import { cachedPrepare } from './statement-cache'

/** PRAGMA application_id marking files written by this product ("YSJX"). */
export const APPLICATION_ID = 0x59534a58
export const DB_FILE_NAME = 'yusuan-jixiao.sqlite'

export interface OpenedDb {
  sqlite: BetterSqlite3.Database
  db: Kysely<DB>
  path: string
  schemaVersion: number
  /** The start-up backup, running in the background; close() waits for it. */
  startBackup: Promise<string | null>
  /** The full quick_check of the file, running in a worker thread after a cheap probe at open. */
  integrity: Promise<FullCheck>
}

export interface OpenOptions {
  path: string
  /** Folder of the working data, where backups/ lives. */
  dataDir: string
  /** Snapshot an existing database before anything else (on app start). */
  backupOnStart?: boolean
  /** Migrate only up to this version (tests of older schemas). */
  targetVersion?: number
  now?: () => Date
}

type Health = { state: 'ok'; userVersion: number; fresh: boolean } | { state: 'damaged'; reason: string } | { state: 'newer'; userVersion: number }

/**
 * Reads what kind of file this is without changing it. `full` runs quick_check over every page
 * (backups and packages about to replace the working data); without it only the schema, the
 * application id and the version are read (the working file at start, after probeFile).
 */
export function inspectDatabase(sqlite: BetterSqlite3.Database, opts: { full: boolean } = { full: true }): Health {
  try {
    if (opts.full) {
      const check = sqlite.pragma('quick_check', { simple: true })
      if (check !== 'ok') return { state: 'damaged', reason: `完整性检查未通过（${String(check)}）` }
    }
    const appId = sqlite.pragma('application_id', { simple: true }) as number
    const userVersion = sqlite.pragma('user_version', { simple: true }) as number
    const tables = (sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type='table'").get() as { n: number }).n
    if (appId !== APPLICATION_ID && (tables > 0 || userVersion > 0)) {
      return { state: 'damaged', reason: '该文件不是本软件的数据库' }
    }
    if (userVersion > LATEST_VERSION) return { state: 'newer', userVersion }
    return { state: 'ok', userVersion, fresh: tables === 0 }
  } catch (e) {
    return { state: 'damaged', reason: `无法读取（${(e as Error).message}）` }
  }
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
}

/** Renames a damaged file (and its WAL/SHM) aside, never overwriting anything; returns the new name. */
export function setAside(path: string, now: Date): string {
  let target = `${path}.damaged-${stamp(now)}`
  for (let i = 2; existsSync(target); i++) target = `${path}.damaged-${stamp(now)}-${i}`
  renameSync(path, target)
  for (const ext of ['-wal', '-shm']) if (existsSync(path + ext)) renameSync(path + ext, target + ext)
  return target
}

export async function runMigrations(db: Kysely<DB>, from: number, to: number): Promise<void> {
  const pending = MIGRATIONS.filter((m) => m.version > from && m.version <= to)
  if (pending.length === 0) return
  await db.transaction().execute(async (trx) => {
    for (const m of pending) {
      await m.up(trx as unknown as Kysely<any>)
      await sql.raw(`PRAGMA user_version = ${m.version}`).execute(trx)
    }
  })
}

export async function openDatabase(opts: OpenOptions): Promise<OpenedDb> {
  const now = opts.now ?? (() => new Date())
  const existed = existsSync(opts.path) && statSync(opts.path).size > 0
  let sqlite: BetterSqlite3.Database
  try {
    sqlite = new Database(opts.path)
  } catch (e) {
    throw new AppError('DB_DAMAGED', `无法打开数据库文件“${opts.path}”：${(e as Error).message}`, {
      dbPath: opts.path,
      keptAs: null,
      backups: listBackups(opts.dataDir),
    })
  }
  const probed = existed ? probeFile(opts.path) : null
  const health: Health = probed ? { state: 'damaged', reason: probed } : inspectDatabase(sqlite, { full: false })
  if (health.state === 'newer') {
    sqlite.close()
    throw new AppError(
      'DB_NEWER',
      `数据库“${opts.path}”由更高版本的预算绩效管理软件创建（数据结构版本 ${health.userVersion}，本软件支持到 ${LATEST_VERSION}）。为避免损坏数据，本软件不会打开它，请升级软件后再使用。`,
      { dbPath: opts.path, version: health.userVersion, supported: LATEST_VERSION },
    )
  }
  if (health.state === 'damaged') {
    sqlite.close()
    const keptAs = existed ? setAside(opts.path, now()) : null
    const backups = listBackups(opts.dataDir)
    const offer = backups[0] ? `可以从最新备份（${backups[0].createdAt.replace('T', ' ').slice(0, 19)}）恢复。` : '没有可用的备份。'
    throw new AppError(
      'DB_DAMAGED',
      `数据库文件已损坏：${health.reason}。原文件已保留为“${keptAs ?? opts.path}”，不会被覆盖。${offer}`,
      { dbPath: opts.path, keptAs, backups },
    )
  }

  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('busy_timeout = 5000')
  if (health.fresh) sqlite.pragma(`application_id = ${APPLICATION_ID}`)

  const target = opts.targetVersion ?? LATEST_VERSION
  if (!health.fresh && health.userVersion > 0) {
    // Before a migration the snapshot must exist first; the routine start-up one may run alongside.
    // In a worker: a city's file takes about a second, and the window is already waiting on us.
    if (health.userVersion < target) await makeBackupInWorker(opts.path, opts.dataDir, 'migrate', now())
  }
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cachedPrepare(sqlite) }) })
  try {
    await runMigrations(db, health.userVersion, target)
  } catch (e) {
    await closeDatabase({ db, sqlite })
    throw new AppError('INTERNAL', `数据库升级失败，已回滚，数据未改变：${(e as Error).message}`)
  }
  const startBackup =
    opts.backupOnStart && !health.fresh && health.userVersion > 0
      ? makeStartBackup(sqlite, opts.dataDir, now()).catch((e: unknown) => {
          console.error('启动备份失败', e)
          return null
        })
      : Promise.resolve(null)
  const integrity = health.fresh ? Promise.resolve<FullCheck>({ ok: true }) : fullCheck(opts.path)
  return { sqlite, db, path: opts.path, schemaVersion: sqlite.pragma('user_version', { simple: true }) as number, startBackup, integrity }
}

/**
 * Kysely's driver only takes hold of the connection on its first query, and its destroy() closes
 * nothing before that; close the handle ourselves so the WAL is checkpointed and released.
 */
export async function closeDatabase(o: Pick<OpenedDb, 'db' | 'sqlite'> & { startBackup?: Promise<unknown>; integrity?: Promise<unknown> }): Promise<void> {
  // The check's worker holds its own handle on the file; a restore renames the file after close.
  await Promise.all([o.startBackup, o.integrity])
  await o.db.destroy()
  if (o.sqlite.open) o.sqlite.close()
}
