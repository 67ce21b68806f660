/**
 * The backend: opens the database and serves the handler table through one dispatch function.
 * Electron binds dispatch to IPC; the test harness binds it to loopback HTTP. Nothing here
 * imports electron.
 */
import { join } from 'node:path'
import { mkdirSync } from 'node:fs'
import { api, describeZodError, inputStringProblem } from '../shared/api'
import { CHANNELS, type Channel } from '../shared/channels'
import { AppError, type Result } from '../shared/result'
import { DB_FILE_NAME, openDatabase, type OpenedDb } from './db/open'
import { checkAccess } from './auth/access'
import { knownErrorSentence } from './error-text'
import { sweepStaleTemps } from './files/sweep'
import { appHandlers } from './handlers/app'
import { createContext, type Ctx, type Handlers } from './handlers/context'
import { loadDemo } from './handlers/demo'
import { dashboardHandlers } from './handlers/dashboard'
import { documentHandlers } from './handlers/documents'
import { evaluationHandlers } from './handlers/evaluation'
import { exanteHandlers } from './handlers/exante'
import { masterdataHandlers } from './handlers/masterdata'
import { monitoringHandlers } from './handlers/monitoring'
import { projectHandlers } from './handlers/projects'
import { projectImportHandlers } from './handlers/project-import'
import { roundHandlers } from './handlers/rounds'
import { sessionHandlers } from './handlers/session'
import { stageExcelHandlers } from './handlers/stage-excel'
import { trainingHandlers } from './handlers/trainings'
import { freeDocHandlers } from './handlers/free-docs'
import { yearDataHandlers } from './handlers/yeardata'
import type { Platform } from './platform'
import { seedIndicatorLibrary } from './seed'
import { attachYearData, closeYearData } from './yeardata/working'
import { withYoungGeneration } from './young-generation'

export interface BackendOptions {
  dataDir: string
  appVersion: string
  platform: Platform
  harness?: boolean
  /** Where generated files go unless settings name a folder (Electron: the user's documents). */
  defaultOutputDir?: string
  /** Migrate only up to this schema version (tests). */
  targetVersion?: number
  now?: () => Date
}

export interface Backend {
  readonly dbPath: string
  readonly ctx: Ctx
  dispatch(channel: string, input: unknown): Promise<Result<unknown>>
  /** Resolves once the working file's start-up work (backup, full integrity check) has ended. */
  idle(): Promise<void>
  close(): Promise<void>
}

export const handlers: Handlers = {
  ...appHandlers,
  ...sessionHandlers,
  ...masterdataHandlers,
  ...trainingHandlers,
  ...freeDocHandlers,
  ...exanteHandlers,
  ...documentHandlers,
  ...projectHandlers,
  ...projectImportHandlers,
  ...roundHandlers,
  ...monitoringHandlers,
  ...stageExcelHandlers,
  ...yearDataHandlers,
  ...evaluationHandlers,
  ...dashboardHandlers,
  'demo/load': (_input, ctx) => loadDemo(ctx, handlers),
}

const isChannel = (c: string): c is Channel => (CHANNELS as readonly string[]).includes(c)

/** SQLite constraint errors mean a rule in the schema caught something; say which in Chinese. */
function translate(e: unknown): { code: AppError['code']; message: string; details?: unknown } {
  if (e instanceof AppError) return { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) }
  const known = knownErrorSentence(e)
  if (known) return known
  const err = e as { code?: string; message?: string }
  return { code: 'INTERNAL', message: `操作失败：${err?.message ?? String(e)}。数据未改变，请重试；如反复出现请联系技术支持` }
}

function trackIntegrity(ctx: Ctx, o: OpenedDb): void {
  ctx.integrity = { state: 'checking' }
  void o.integrity.then((r) => {
    if (ctx.working.sqlite !== o.sqlite) return // the file was replaced meanwhile
    ctx.integrity = r.ok === true ? { state: 'ok' } : r.ok === null ? { state: 'unchecked', reason: r.reason } : { state: 'damaged', reason: r.reason }
    if (r.ok !== true) console.error(`[integrity] ${r.reason}`)
  })
}

/** Channels that replace the working file under everyone (see db/gate.ts). */
const RESTORE_CHANNELS: ReadonlySet<Channel> = new Set(['backups/restore', 'yearData/restore'])

/**
 * The calls that read or write a whole workbook (5,000 projects at city scale): they run with V8's
 * young generation held at 16 MB, which keeps their peak memory under 300 MB (young-generation.ts).
 */
const YOUNG_GENERATION_CHANNELS: ReadonlySet<string> = new Set<keyof typeof api>(['stageExcel/export', 'stageExcel/preview', 'stageExcel/apply', 'projects/importRead', 'projects/importPreview', 'projects/importApply'])

export function createDispatch(ctx: Ctx, table: Handlers = handlers) {
  return async function dispatch(channel: string, input: unknown): Promise<Result<unknown>> {
    if (!isChannel(channel)) return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `未知的调用“${channel}”` } }
    // A restore claims the data the moment it is asked for, before anything awaits: a write that
    // arrives after it must not be answered ok and then replaced by the restored file.
    const release = RESTORE_CHANNELS.has(channel) ? ctx.gate.reserve('正在恢复工作数据') : null
    try {
      return await dispatchChecked(channel, input)
    } finally {
      release?.()
    }
  }

  async function dispatchChecked(channel: Channel, input: unknown): Promise<Result<unknown>> {
    // Who may do what (shared/roles.ts), before the input is even read.
    try {
      const refused = await checkAccess(ctx, channel)
      if (refused) return { ok: false, error: refused }
    } catch (e) {
      return { ok: false, error: translate(e) }
    }
    const problem = inputStringProblem(input)
    if (problem) return { ok: false, error: { code: 'VALIDATION', message: problem } }
    const parsed = api[channel].input.safeParse(input ?? {})
    if (!parsed.success) return { ok: false, error: { code: 'VALIDATION', message: describeZodError(parsed.error) } }
    try {
      const fn = table[channel] as (i: unknown, c: Ctx) => Promise<unknown>
      const run = YOUNG_GENERATION_CHANNELS.has(channel) ? () => withYoungGeneration(() => fn(parsed.data, ctx)) : () => fn(parsed.data, ctx)
      // Counted as in flight for restores and backups (db/gate.ts); waits while a restore runs.
      return { ok: true, data: await ctx.gate.call(run) }
    } catch (e) {
      const error = translate(e)
      if (error.code === 'INTERNAL') console.error(`[${channel}]`, e)
      return { ok: false, error }
    }
  }
}

export async function openBackend(opts: BackendOptions): Promise<Backend> {
  mkdirSync(opts.dataDir, { recursive: true })
  const dbPath = join(opts.dataDir, DB_FILE_NAME)
  const opened = await openDatabase({
    path: dbPath,
    dataDir: opts.dataDir,
    backupOnStart: true,
    ...(opts.targetVersion !== undefined ? { targetVersion: opts.targetVersion } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  })
  const ctx = createContext({
    db: opened.db,
    sqlite: opened.sqlite,
    dbPath,
    dataDir: opts.dataDir,
    appVersion: opts.appVersion,
    schemaVersion: opened.schemaVersion,
    platform: opts.platform,
    harness: opts.harness ?? false,
    defaultOutputDir: opts.defaultOutputDir ?? join(opts.dataDir, '输出'),
    ...(opts.now ? { now: opts.now } : {}),
  })
  await seedIndicatorLibrary(opened.db, ctx.now())
  // The working file's background work: the start-up backup and the full integrity check. Both
  // hold the file, so a restore or quit waits for them; the check's verdict shows in app/info.
  let current: OpenedDb = opened
  trackIntegrity(ctx, opened)
  const idle = () => Promise.all([current.startBackup, current.integrity])
  // A restore reopens the working file while the app runs, the app's own way.
  attachYearData(ctx, {
    idle,
    async openWorking() {
      const o = await openDatabase({
        path: dbPath,
        dataDir: opts.dataDir,
        ...(opts.targetVersion !== undefined ? { targetVersion: opts.targetVersion } : {}),
        ...(opts.now ? { now: opts.now } : {}),
      })
      await seedIndicatorLibrary(o.db, ctx.now())
      current = o
      trackIntegrity(ctx, o)
      return o
    },
  })
  // Temporaries of writes a kill interrupted (never whole files: those are renamed into place).
  sweepStaleTemps([await ctx.outputDir(), join(opts.dataDir, 'backups')], (opts.now?.() ?? new Date()).getTime())
  return {
    dbPath,
    ctx,
    dispatch: createDispatch(ctx),
    async idle() {
      await idle()
    },
    async close() {
      await idle()
      // Whatever is open now: the working file may have been replaced, a package may be viewed.
      await closeYearData(ctx)
    },
  }
}
