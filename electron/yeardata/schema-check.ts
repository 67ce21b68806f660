/**
 * A package is data, never schema. Its sqlite_master must be exactly what the product's own
 * migrations write at the package's version (plus the manifest table): a trigger, a view, an extra
 * index or table, or a table whose definition differs makes the file a forgery, refused before any
 * of its rows is read. The rows themselves are then copied into a schema the migrations build
 * (rebuild.ts), so nothing of the package's schema is ever adopted even if this check had a gap.
 */
import Database from 'better-sqlite3'
import type BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { runMigrations } from '../db/open'

export const MANIFEST_TABLE = 'package_manifest'
export const MANIFEST_SQL = `CREATE TABLE ${MANIFEST_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), manifest TEXT NOT NULL)`

interface SchemaObject {
  type: string
  name: string
  tbl: string
  sql: string | null
}

const TYPE_NAMES: Record<string, string> = { table: '数据表', index: '索引', trigger: '触发器', view: '视图' }

function objects(sqlite: BetterSqlite3.Database, schema = 'main'): Map<string, SchemaObject> {
  const rows = sqlite.prepare(`SELECT type, name, tbl_name AS tbl, sql FROM ${schema}.sqlite_master`).all() as SchemaObject[]
  return new Map(rows.map((r) => [r.name, r]))
}

/** What the migrations write at a version: its objects by name, and its statements in their order. */
interface Reference {
  objects: Map<string, SchemaObject>
  /** Every CREATE the migrations left in sqlite_master, in creation order, the manifest's not among them. */
  statements: { type: string; name: string; sql: string }[]
}

const references = new Map<number, Promise<Reference>>()

/**
 * Built once per version in memory by the migrations themselves (30–60 ms of the main thread on
 * a 2-core PC), then reused: a package's schema is checked against it, and a package or a rebuilt
 * file is created from its statements, so neither runs the migrations again.
 */
function reference(version: number): Promise<Reference> {
  let known = references.get(version)
  if (!known) {
    known = (async () => {
      const mem = new Database(':memory:')
      try {
        await runMigrations(new Kysely<any>({ dialect: new SqliteDialect({ database: mem }) }), 0, version)
        const statements = mem.prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid").all() as Reference['statements']
        mem.exec(MANIFEST_SQL)
        return { objects: objects(mem), statements }
      } finally {
        mem.close()
      }
    })()
    known.catch(() => references.delete(version))
    references.set(version, known)
  }
  return known
}

/** What the migrations write at `version` (plus the manifest table), by name. */
export async function referenceSchema(version: number): Promise<Map<string, SchemaObject>> {
  return (await reference(version)).objects
}

export interface SchemaStatements {
  /** The tables (and anything else but indexes), in the order the migrations created them. */
  tables: string[]
  /** The secondary indexes: built once the rows are in (a sorted build, not row by row). */
  indexes: { name: string; sql: string }[]
}

/**
 * The statements that build in an empty file exactly the schema the migrations write at
 * `version`: the CREATE texts SQLite keeps in sqlite_master are the schema (ALTER TABLE rewrites
 * them), so running them again gives the same sqlite_master, which schemaDifference compares.
 * The caller sets user_version (test/yeardata/schema-statements.test.ts holds them equal).
 */
export async function schemaStatements(version: number): Promise<SchemaStatements> {
  const { statements } = await reference(version)
  return {
    tables: statements.filter((s) => s.type !== 'index').map((s) => s.sql),
    indexes: statements.filter((s) => s.type === 'index').map((s) => ({ name: s.name, sql: s.sql })),
  }
}

const norm = (sql: string | null) => (sql ?? '').replace(/\s+/g, ' ').trim()

/** Null if the file's schema is the product's own at `version`; else a Chinese sentence naming the first difference. */
export async function schemaDifference(sqlite: BetterSqlite3.Database, version: number, schema = 'main'): Promise<string | null> {
  const ref = await referenceSchema(version)
  const have = objects(sqlite, schema)
  for (const [name, o] of have) {
    const want = ref.get(name)
    const what = `${TYPE_NAMES[o.type] ?? o.type}“${name}”`
    if (!want) {
      if (o.type === 'trigger' || o.type === 'view') return `文件中含有本软件从不创建的${what}`
      return `文件中多出了本软件没有的${what}`
    }
    if (want.type !== o.type) return `${TYPE_NAMES[want.type] ?? want.type}“${name}”被替换成了${TYPE_NAMES[o.type] ?? o.type}`
    if (norm(want.sql) !== norm(o.sql) || want.tbl !== o.tbl) return `${what}的定义与本软件不一致`
  }
  for (const [name, o] of ref) {
    if (!have.has(name)) return `${TYPE_NAMES[o.type] ?? o.type}“${name}”在文件中不存在`
  }
  return null
}
