/**
 * A package is data, never schema: viewing and restoring never use the received file itself.
 * Its rows are copied into a fresh file holding the schema the product's own migrations write (at the
 * package's version, then migrated to today's like any older database), each row held to the API's
 * rules (row-check.ts), and what describes another PC is dropped: documents' file paths, and the
 * settings this PC keeps for itself (output folder, bureau key). Triggers, views, indexes and
 * table definitions of the package never reach the result, whatever verification let through.
 */
import Database from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { rmSync } from 'node:fs'
import { AppError } from '../../shared/result'
import { MACHINE_LOCAL_SETTINGS, storedSettingsSchema, withDefaults, type Settings } from '../../shared/settings'
import { LATEST_VERSION } from '../db/migrations'
import { APPLICATION_ID, runMigrations } from '../db/open'
import { dataTables, quoteId, tableShape } from './checksum'
import { rowCheckMessage, rowChecks, settingsProblem } from './row-check'
import { runSqlTask, type SqlStep } from '../db/worker'
import { syncFile } from '../docs/write-file'
import { schemaStatements } from './schema-check'

export interface RebuildOptions {
  packagePath: string
  targetPath: string
  /** The package's schema version (verified). */
  schemaVersion: number
  /** This PC's own settings, written over whatever the package says (restore); omitted: left empty. */
  localSettings?: Pick<Settings, (typeof MACHINE_LOCAL_SETTINGS)[number]>
}

const refused = (why: string) => new AppError('IMPORT_INVALID', `数据包中的数据不符合本软件的规则：${why}，不能使用`)

/** The target's connection settings: a scratch file until it is complete and synced. */
const SCRATCH_PRAGMAS = ['journal_mode = MEMORY', 'synchronous = OFF', 'foreign_keys = OFF', 'trusted_schema = OFF']

export async function rebuildFromPackage(o: RebuildOptions): Promise<void> {
  rmSync(o.targetPath, { force: true })
  let db = new Database(o.targetPath)
  let done = false
  try {
    for (const p of SCRATCH_PRAGMAS) db.pragma(p)
    db.pragma(`application_id = ${APPLICATION_ID}`)
    // The migrations' own schema at the package's version (schema-check.ts), not run again on the
    // event loop; sorted index builds once the rows are in, as the export does.
    const { tables: schema, indexes } = await schemaStatements(o.schemaVersion)
    db.exec('BEGIN')
    for (const sql of schema) db.exec(sql)
    db.pragma(`user_version = ${o.schemaVersion}`)
    db.exec('COMMIT')

    // The plan from the schemas alone; the rows move, and are checked, in a worker thread
    // (db/worker.ts), so that the main process stays answerable (a city's year: 1 s of copying).
    db.prepare('ATTACH DATABASE ? AS pkg').run(o.packagePath)
    const copies: SqlStep[] = []
    for (const table of dataTables(db)) {
      const kind = db.prepare('SELECT type FROM pkg.sqlite_master WHERE name = ?').get(table) as { type: string } | undefined
      if (kind?.type !== 'table') throw refused(`数据表“${table}”${kind ? '不是数据表' : '不存在'}`)
      const mine = tableShape(db, table)
      const theirs = new Set(tableShape(db, table, 'pkg').columns)
      const missing = mine.columns.filter((c) => !theirs.has(c))
      if (missing.length) throw refused(`数据表“${table}”缺少字段“${missing.join('、')}”`)
      const cols = mine.columns.map(quoteId).join(', ')
      // NOT INDEXED: the rows as the table's own b-tree holds them, which is what the
      // verification hashed (verify.ts reads in rowid order), never an index's copy of them.
      copies.push({ op: 'exec', sql: `INSERT INTO main.${quoteId(table)} (${cols}) SELECT ${cols} FROM pkg.${quoteId(table)} NOT INDEXED` })
    }
    db.exec('DETACH DATABASE pkg')
    const checks = rowChecks(db)
    db.close()
    const copyInTransaction: SqlStep[] = [{ op: 'exec', sql: 'BEGIN' }, ...copies, { op: 'exec', sql: 'COMMIT' }]
    const moved = await runSqlTask({ path: o.targetPath, pragmas: SCRATCH_PRAGMAS, attach: [{ path: o.packagePath, as: 'pkg' }] }, [
      ...copyInTransaction,
      ...checks.map((c): SqlStep => ({ op: 'all', sql: c.sql })),
      { op: 'all', sql: 'SELECT DISTINCT "table" AS t, parent FROM pragma_foreign_key_check LIMIT 3' },
    ])
    if (moved.status !== 'done') throw refused(`无法写入本软件的数据结构（${moved.status === 'cancelled' ? '已取消' : moved.message}）`)
    // The answers of the checks, then of the FK check, after those of the copy.
    const found = moved.results.slice(copyInTransaction.length) as unknown[][]
    checks.forEach((c, i) => {
      const bad = found[i]![0] as { k: unknown; why: string } | undefined
      if (bad) throw refused(rowCheckMessage(c, bad))
    })
    const broken = found[checks.length] as { t: string; parent: string }[]
    if (broken.length) throw refused(`有引用不到的记录（${broken.map((b) => `${b.t}→${b.parent}`).join('、')}）`)

    db = new Database(o.targetPath, { fileMustExist: true })
    for (const p of SCRATCH_PRAGMAS) db.pragma(p)
    const problem = settingsProblem(db)
    if (problem) throw refused(problem)
    db.exec('BEGIN')
    // Paths of files written on the sending PC mean nothing here, and files/open must never be
    // handed one: the register keeps the document, not where another PC saved it.
    db.exec("UPDATE documents SET file_path = ''")
    // Settings: what the schema of settings/save accepts, without unknown keys, with this PC's own.
    const row = db.prepare("SELECT value FROM settings WHERE key = 'settings'").get() as { value: string } | undefined
    if (row) {
      const parsed = storedSettingsSchema.parse(withDefaults(JSON.parse(row.value)))
      const local = o.localSettings ?? { outputDir: '', packageKey: '' }
      db.prepare("UPDATE settings SET value = ? WHERE key = 'settings'").run(JSON.stringify({ ...parsed, ...local }))
    }
    db.exec("DELETE FROM settings WHERE key NOT IN ('settings', 'librarySeeded')")
    db.exec('COMMIT')
    db.close()
    const indexed = await runSqlTask({ path: o.targetPath, pragmas: SCRATCH_PRAGMAS }, [{ op: 'exec', sql: 'BEGIN' }, ...indexes.map((ix): SqlStep => ({ op: 'exec', sql: ix.sql })), { op: 'exec', sql: 'COMMIT' }])
    if (indexed.status !== 'done') throw refused(`无法建立索引（${indexed.status === 'cancelled' ? '已取消' : indexed.message}）`)
    if (o.schemaVersion < LATEST_VERSION) {
      db = new Database(o.targetPath, { fileMustExist: true })
      for (const p of SCRATCH_PRAGMAS) db.pragma(p)
      try {
        await runMigrations(new Kysely<any>({ dialect: new SqliteDialect({ database: db }) }), o.schemaVersion, LATEST_VERSION)
      } catch (e) {
        throw new AppError('IMPORT_INVALID', `该数据包的数据结构较旧（版本 ${o.schemaVersion}），升级到当前版本时失败：${(e as Error).message}`)
      }
      db.close()
    }
    // synchronous=OFF skipped the fsyncs; one at the end, off the event loop.
    await syncFile(o.targetPath)
    done = true
  } finally {
    if (!done) {
      if (db.open) {
        try {
          if (db.inTransaction) db.exec('ROLLBACK')
        } catch {
          /* closing discards it */
        }
        db.close()
      }
      rmSync(o.targetPath, { force: true })
    }
  }
}
