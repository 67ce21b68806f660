/**
 * Builds a year package (年度数据包) or a 年度结转 starter database: a fresh SQLite file holding
 * the schema the app's own migrations write (same application_id and user_version as the app), filled by
 * ATTACH + INSERT … SELECT from the working file under one read snapshot, with the manifest in a
 * table of its own. Never a file copy of the live database. Written to `<target>.tmp`, synced,
 * then renamed, so a crash or a cancel never leaves a half package under the final name.
 */
import Database from 'better-sqlite3'
import type BetterSqlite3 from 'better-sqlite3'
import { mkdirSync, renameSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import type { PackageManifest } from '../../shared/domain'
import { AppError } from '../../shared/result'
import { CREDENTIAL_SQL } from '../auth/local-accounts'
import { APPLICATION_ID } from '../db/open'
import { registerWrittenFile, syncFile } from '../docs/write-file'
import { MACHINE_LOCAL_SETTINGS } from '../../shared/settings'
import { runSqlTask, type SqlStep } from '../db/worker'
import { dataTables, digestPlan, quoteId, runDigest, sealedDigest, signDigest, tableShape } from './checksum'
import { MANIFEST_SQL, MANIFEST_TABLE, schemaStatements } from './schema-check'
import { auditCondition, TABLE_RULES, type Rule } from './tables'

export const PRODUCT = '预算绩效管理' as const
export { MANIFEST_TABLE }

export interface BuildOptions {
  /** The working database file. It may be open and in use: the copy reads one consistent snapshot. */
  sourcePath: string
  /** Final file name; the work happens in `<targetPath>.tmp`. */
  targetPath: string
  kind: PackageManifest['kind']
  /** The work year exported, or for 'carry-over' the year being closed (the package is for year + 1). */
  workYear: number
  org: { county: string; bureau: string }
  appVersion: string
  createdAt: string
  /** The bureau key (设置 · 单位密钥): when set, the package is signed with it. */
  key?: string
  onProgress?: (done: number, total: number, message: string) => void
  isCancelled?: () => boolean
}

export interface BuildResult {
  path: string
  manifest: PackageManifest
}

/** Rows the package may not carry; the message says which table so the rules can be fixed. */
function checkCoverage(sqlite: BetterSqlite3.Database): void {
  const listed = new Set(TABLE_RULES.map((r) => r.table))
  const missing = dataTables(sqlite, 'src').filter((t) => !listed.has(t))
  if (missing.length) {
    throw new AppError(
      'INTERNAL',
      `数据表“${missing.join('、')}”未列入年度数据包的范围（electron/yeardata/tables.ts），为免遗漏数据，已停止导出，请联系技术支持`,
    )
  }
}

function condition(rule: Exclude<Rule, 'none'>, carried: { table: string; pk: string }[]): string {
  if (rule === 'all') return '1'
  if (rule === 'audit') return auditCondition(carried)
  if ('root' in rule) return `s.${quoteId(rule.root)} = @year`
  return `(${rule.where})`
}

export function stampForFile(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`
}

/**
 * The INSERT … SELECT of every table a package of `kind` carries, in TABLE_RULES order, from the
 * source attached as `src` into `main` (whose tables must have the app's columns). `ordered`:
 * rows in key order, so that a package's rowid order is its key order (checksum.ts reads it so);
 * the bench's row-copy floor leaves it out.
 */
export function copyStatements(db: BetterSqlite3.Database, kind: PackageManifest['kind'], workYear: number, { ordered = true } = {}): SqlStep[] {
  const sourceTables = new Set(dataTables(db, 'src'))
  const params = { year: workYear, next: workYear + 1, yearText: String(workYear) }
  const steps: SqlStep[] = []
  const carried: { table: string; pk: string }[] = []
  for (const r of TABLE_RULES) {
    if (!sourceTables.has(r.table)) continue
    const rule = kind === 'year' ? r.year : r.carryOver
    if (rule === 'none') continue
    if (typeof rule === 'object' && 'where' in rule && rule.requires?.some((t) => !sourceTables.has(t))) continue
    const mine = tableShape(db, r.table, 'main')
    const theirs = tableShape(db, r.table, 'src')
    if (mine.columns.length !== theirs.columns.length || mine.columns.some((c) => !theirs.columns.includes(c))) {
      throw new AppError('INTERNAL', `数据表“${r.table}”的结构与本软件不一致，无法导出；请先用本软件正常打开一次工作数据库`)
    }
    const cols = mine.columns.map(quoteId).join(', ')
    const order = ordered ? ` ORDER BY ${(mine.pk.length ? mine.pk : mine.columns).map((c) => `s.${quoteId(c)}`).join(', ')}` : ''
    steps.push({
      op: 'run',
      label: `正在导出${r.label}……`,
      sql: `INSERT INTO main.${quoteId(r.table)} (${cols}) SELECT ${mine.columns.map((c) => `s.${quoteId(c)}`).join(', ')} FROM src.${quoteId(r.table)} AS s WHERE ${condition(rule, carried)}${order}`,
      params,
    })
    if (mine.pk.length === 1 && r.table !== 'audit_log') carried.push({ table: r.table, pk: mine.pk[0]! })
  }
  return steps
}

/** Returns null if cancelled (nothing left behind). */
export async function buildPackage(o: BuildOptions): Promise<BuildResult | null> {
  const tmp = `${o.targetPath}.tmp`
  mkdirSync(dirname(o.targetPath), { recursive: true })
  rmSync(tmp, { force: true })
  const pkg = new Database(tmp)
  let done = false
  try {
    // This connection writes the schema and plans the copy; the rows go in through a worker
    // below, with the scratch-file pragmas explained there.
    pkg.pragma('journal_mode = MEMORY')
    pkg.pragma('synchronous = OFF')

    // Schema version: the source's (the app's, once it has opened the file). The schema is
    // built before ATTACH so that its unqualified names can only mean the new file.
    const probe = new Database(o.sourcePath, { readonly: true, fileMustExist: true })
    const sourceVersion = probe.pragma('user_version', { simple: true }) as number
    const sourceAppId = probe.pragma('application_id', { simple: true }) as number
    probe.close()
    if (sourceAppId !== APPLICATION_ID) throw new AppError('INTERNAL', '工作数据库不是本软件的文件，无法导出')
    pkg.pragma(`application_id = ${APPLICATION_ID}`)
    // The migrations' own schema at that version (schema-check.ts), without running them again
    // on the event loop. Secondary indexes are built once after the rows are in (a sorted build),
    // not row by row, from the migrations' own CREATE statements.
    const { tables: schema, indexes } = await schemaStatements(sourceVersion)
    pkg.exec('BEGIN')
    for (const sql of schema) pkg.exec(sql)
    pkg.exec(MANIFEST_SQL)
    pkg.pragma(`user_version = ${sourceVersion}`)
    pkg.exec('COMMIT')

    pkg.prepare('ATTACH DATABASE ? AS src').run(o.sourcePath)
    checkCoverage(pkg)
    const sourceTables = new Set(dataTables(pkg, 'src'))
    const rules = TABLE_RULES.filter((r) => sourceTables.has(r.table))
    const tablesInPackage = dataTables(pkg)
    const total = rules.length + tablesInPackage.length + 2

    // The plan is made here from the schemas alone; the rows move in a worker thread (db/worker.ts)
    // so that the main process stays answerable, on a connection of its own.
    const steps: SqlStep[] = [{ op: 'exec', sql: 'BEGIN' }, ...copyStatements(pkg, o.kind, o.workYear)]
    // This PC's accounts (password hashes, failed sign-ins), folder and key are not the bureau's
    // data: they never leave in a package.
    if (hasCredentials(pkg)) steps.push({ op: 'exec', sql: CREDENTIAL_SQL })
    steps.push({
      op: 'run',
      sql: `UPDATE main.settings SET value = json_remove(value, ${MACHINE_LOCAL_SETTINGS.map(() => '?').join(', ')}) WHERE key = 'settings' AND json_valid(value)`,
      params: MACHINE_LOCAL_SETTINGS.map((k) => `$.${k}`),
    })
    steps.push({ op: 'exec', sql: 'COMMIT' })
    pkg.exec('DETACH DATABASE src')
    pkg.close()

    // A scratch file until renamed: no journal on disk, no fsync per statement, no FK checks per
    // row (the whole package is checked once at the end instead). What is removed (this PC's key
    // and folder) must not linger in freed page space. A 32 MB page cache (ORDER BY's sorts take
    // up to as much again): measured at city scale, 64 MB here and 16 MB for the index build made
    // the export no faster and its peak RSS 250–310 MB, against 235–250 MB with these two.
    const pragmas = ['journal_mode = MEMORY', 'synchronous = OFF', 'foreign_keys = OFF', 'cache_size = -32768', 'secure_delete = ON']
    const cancel = o.isCancelled ? { isCancelled: o.isCancelled } : {}
    // One transaction over every table: its first read of src fixes the snapshot that all later
    // reads see, while the app keeps writing to the working file (WAL) between our steps.
    const built = await runSqlTask({ path: tmp, pragmas, attach: [{ path: o.sourcePath, as: 'src' }] }, steps, {
      onStep: (i, label) => o.onProgress?.(Math.min(i, rules.length), total, label),
      ...cancel,
    })
    if (built.status === 'cancelled') return null
    if (built.status !== 'done') throw new AppError('INTERNAL', `导出年度数据包时出错：${built.message}`)

    // The rows are committed. The checksum reads only the tables, in rowid order (checksum.ts),
    // in two workers, the first of which also checks that every reference inside the package
    // resolves inside it (the package must stand on its own); meanwhile a third builds the
    // secondary indexes, which neither reads. In WAL mode for this phase, so that the index
    // build's commit and the readers never wait for each other (a rollback journal makes each
    // wait out the other's locks, sleeping in the busy handler); switched back before the
    // manifest is written, so the package is an ordinary file again.
    const reader = new Database(tmp, { fileMustExist: true })
    let plan
    let checkWeight
    try {
      // synchronous=OFF: switching would otherwise fsync the whole file here, on the event loop.
      reader.pragma('synchronous = OFF')
      reader.pragma('journal_mode = WAL')
      plan = digestPlan(reader, 'main', 'rowid')
      checkWeight = foreignKeyCheckWeight(reader)
    } finally {
      reader.close()
    }
    // The table pages are final from here on (the rest goes through the WAL): synced meanwhile,
    // off the event loop, so that the last sync has little left to write.
    const earlySync = syncFile(tmp)
    // A small page cache (and so a small in-memory sort, which spills to a temp file): the index
    // build runs beside two hashing workers, and its time hides behind theirs either way.
    const indexing = runSqlTask(
      { path: tmp, pragmas: ['synchronous = OFF', 'secure_delete = ON', 'cache_size = -4096'] },
      [{ op: 'exec', sql: 'BEGIN', label: '正在建立索引……' }, ...indexes.map((ix) => ({ op: 'exec' as const, sql: ix.sql })), { op: 'exec', sql: 'COMMIT' }],
      { onStep: (_i, label) => o.onProgress?.(rules.length, total, label), ...cancel },
    )
    const hashing = runDigest(tmp, plan, {
      writable: true,
      extra: [{ op: 'all', sql: 'SELECT DISTINCT "table" AS t, parent FROM pragma_foreign_key_check LIMIT 5' }],
      extraWeight: checkWeight,
      onTable: (table, i) => o.onProgress?.(rules.length + 1 + i, total, `正在计算校验码（${table}）……`),
      ...cancel,
    })
    const [indexed, hashed] = await Promise.all([indexing, hashing.catch((e: unknown) => e as Error), earlySync])
    if (indexed.status === 'cancelled') return null
    if (indexed.status !== 'done') throw new AppError('INTERNAL', `导出年度数据包时出错：${indexed.message}`)
    if (hashed instanceof Error) throw hashed
    if (!hashed || o.isCancelled?.()) return null
    const digest = hashed.digest
    const broken = hashed.extra[0] as { t: string; parent: string }[]
    if (broken.length) {
      throw new AppError('INTERNAL', `数据包内有引用不到的记录（${broken.map((b) => `${b.t}→${b.parent}`).join('、')}），已停止导出，请联系技术支持`)
    }
    const fields = {
      product: PRODUCT,
      kind: o.kind,
      county: o.org.county,
      bureau: o.org.bureau,
      workYear: o.kind === 'year' ? o.workYear : o.workYear + 1,
      schemaVersion: sourceVersion,
      appVersion: o.appVersion,
      createdAt: o.createdAt,
      rowCounts: digest.rowCounts,
    }
    const sha256 = sealedDigest(digest.sha256, fields)
    const manifest: PackageManifest = { ...fields, format: 3, sha256, ...(o.key ? { signature: signDigest(o.key, sha256) } : {}) }
    const last = new Database(tmp, { fileMustExist: true })
    try {
      // Out of WAL mode (every worker has closed, so the WAL is already checkpointed and gone).
      last.pragma('journal_mode = MEMORY')
      last.pragma('synchronous = OFF')
      last.prepare(`INSERT INTO ${MANIFEST_TABLE} (id, manifest) VALUES (1, ?)`).run(JSON.stringify(manifest))
    } finally {
      last.close()
    }
    // synchronous=OFF skipped the fsyncs; one at the end (off the event loop), before the name
    // says "finished".
    await syncFile(tmp)
    renameSync(tmp, o.targetPath)
    registerWrittenFile(o.targetPath)
    o.onProgress?.(total, total, '导出完成')
    done = true
    return { path: o.targetPath, manifest }
  } finally {
    if (!done) {
      if (pkg.open) pkg.close()
      for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true })
    }
  }
}

/** Reads the manifest row of an open package; null if the table or row is missing or unreadable. */
export function readManifestRow(sqlite: BetterSqlite3.Database): string | null {
  const has = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(MANIFEST_TABLE)
  if (!has) return null
  const rows = sqlite.prepare(`SELECT manifest FROM ${MANIFEST_TABLE}`).all() as { manifest: unknown }[]
  return rows.length === 1 && typeof rows[0]!.manifest === 'string' ? rows[0]!.manifest : null
}

/**
 * What the foreign-key check costs, in the digest plan's weight (rows × columns): one parent
 * lookup per reference per row, measured at about the cost of hashing three or four columns.
 */
function foreignKeyCheckWeight(sqlite: BetterSqlite3.Database): number {
  let w = 0
  for (const t of dataTables(sqlite)) {
    const refs = (sqlite.prepare('SELECT count(DISTINCT id) FROM pragma_foreign_key_list(?)').pluck().get(t) as number) || 0
    if (!refs) continue
    try {
      w += refs * (Number(sqlite.prepare(`SELECT max(rowid) FROM ${quoteId(t)}`).pluck().get() ?? 0) || 0) * 3.5
    } catch {
      /* a table without rowid: left out of an estimate */
    }
  }
  return w
}

/** Packages of schemas from before sign-in have no credential columns. */
function hasCredentials(db: BetterSqlite3.Database): boolean {
  return (db.prepare("SELECT count(*) AS n FROM pragma_table_info('operators') WHERE name = 'password_hash'").get() as { n: number }).n > 0
}
