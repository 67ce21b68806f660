/** What every handler receives: the database, the session and the services around it. */
import type BetterSqlite3 from 'better-sqlite3'
import type { Kysely } from 'kysely'
import { join } from 'node:path'
import type { ApiOutput, ApiParsed } from '../../shared/api'
import type { Channel } from '../../shared/channels'
import type { Role } from '../../shared/roles'
import { AppError } from '../../shared/result'
import { isAbsolutePath, withDefaults, type Settings } from '../../shared/settings'
import type { DB } from '../db/schema'
import { WriteGate } from '../db/gate'
import { withWriter, type Writer } from '../db/writer'
import { JobRegistry } from '../jobs'
import type { Platform } from '../platform'

export interface Ctx {
  /** The active database: the working one, or a year package opened read-only beside it. */
  db: Kysely<DB>
  sqlite: BetterSqlite3.Database
  /** The working database, whatever is being viewed. */
  working: { db: Kysely<DB>; sqlite: BetterSqlite3.Database }
  /** Set while a year package is open read-only; every write is then refused. */
  view: { packageId: string; label: string } | null
  dbPath: string
  dataDir: string
  appVersion: string
  schemaVersion: number
  platform: Platform
  harness: boolean
  /** Where generated files go when settings leave outputDir empty. */
  defaultOutputDir: string
  /** Who is signed in (electron/auth/access.ts keeps it; roles are re-read from the database on every call). */
  session: Session
  /** The working file's full integrity check, run in the background after open. */
  integrity: { state: 'checking' | 'ok' | 'damaged' | 'unchecked'; reason?: string }
  jobs: JobRegistry
  /** Backups and restores against writes (db/gate.ts): every ctx.write passes through it. */
  gate: WriteGate
  now(): Date
  settings(): Promise<Settings>
  /** Drops the remembered settings after they were written. */
  forgetSettings(): void
  outputDir(): Promise<string>
  /** Runs fn in a transaction with an audit-logging Writer; refuses without a chosen operator. */
  write<T>(fn: (w: Writer) => Promise<T>, opts?: { operatorId?: string }): Promise<T>
  /** Refuses changes to the records of a locked (closed) work year. */
  assertYearOpen(workYear: number): Promise<void>
}

export interface Session {
  operatorId: string | null
  name?: string
  roles?: Role[]
  divisionId?: string | null
  /** ctx.now() of the last call, in ms: the session locks after settings.sessionIdleMinutes without one. */
  lastActiveAt?: number
  /** Whose session locked for idle time (the lock screen asks for this operator's password). */
  lockedName?: string | null
}

export type Handler<C extends Channel> = (input: ApiParsed<C>, ctx: Ctx) => Promise<ApiOutput<C>>
export type Handlers = { [C in Channel]: Handler<C> }

export function createContext(
  base: Omit<Ctx, 'session' | 'integrity' | 'now' | 'settings' | 'forgetSettings' | 'outputDir' | 'write' | 'jobs' | 'gate' | 'working' | 'view' | 'assertYearOpen'> & { now?: () => Date },
): Ctx {
  let cache: { db: Kysely<DB>; value: Settings } | null = null
  const ctx: Ctx = {
    ...base,
    working: { db: base.db, sqlite: base.sqlite },
    view: null,
    session: { operatorId: null },
    integrity: { state: 'ok' },
    jobs: new JobRegistry(),
    gate: new WriteGate(),
    now: base.now ?? (() => new Date()),
    async settings() {
      // Read once per database and kept until settings/save: nearly every handler needs them, and a
      // read from inside a write transaction would wait on the single connection forever.
      if (cache && cache.db === ctx.db) return cache.value
      const row = await ctx.db.selectFrom('settings').select('value').where('key', '=', 'settings').executeTakeFirst()
      const value = withDefaults(row ? (JSON.parse(row.value) as Partial<Settings>) : undefined)
      cache = { db: ctx.db, value }
      return value
    },
    forgetSettings() {
      cache = null
    },
    async outputDir() {
      // The working data's folder even while a package from another PC is being viewed.
      const row = await ctx.working.db.selectFrom('settings').select('value').where('key', '=', 'settings').executeTakeFirst()
      const s = withDefaults(row ? (JSON.parse(row.value) as Partial<Settings>) : undefined)
      // A relative folder (stored before settings/save refused them) would resolve against the
      // process's start folder: the default is used instead.
      const chosen = s.outputDir.trim()
      return (isAbsolutePath(chosen) ? chosen : '') || base.defaultOutputDir || join(base.dataDir, '输出')
    },
    async write(fn, opts) {
      const operatorId = opts?.operatorId ?? ctx.session.operatorId
      if (ctx.view) throw new AppError('LOCKED', `正在查看只读的年度数据包“${ctx.view.label}”，不能修改；请先关闭数据包回到工作数据`)
      if (!operatorId) throw new AppError('NO_OPERATOR', '请先登录，再进行修改')
      // ctx.db is read inside the gate: a restore that ran meanwhile has swapped it.
      return ctx.gate.write(() => {
        if (ctx.view) throw new AppError('LOCKED', `正在查看只读的年度数据包“${ctx.view.label}”，不能修改；请先关闭数据包回到工作数据`)
        return withWriter(ctx.db, operatorId, ctx.now(), fn)
      })
    },
    async assertYearOpen(workYear) {
      const lock = await ctx.db.selectFrom('year_locks').select('locked_at').where('work_year', '=', workYear).executeTakeFirst()
      if (lock) throw new AppError('LOCKED', `${workYear}年度已结账锁定（${lock.locked_at.slice(0, 10)}），不能修改；如确需修改，请先在“年度数据”中解锁`)
    },
  }
  return ctx
}

export const bool = (n: number) => n === 1
export const parseJson = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}

/** Rows by a key, in their order: one pass, so a list's per-row lookups stay linear. */
export function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const r of rows) {
    const k = key(r)
    const list = out.get(k)
    if (list) list.push(r)
    else out.set(k, [r])
  }
  return out
}
