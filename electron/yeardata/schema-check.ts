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

const references = new Map<number, Map<string, SchemaObject>>()

/** What the migrations write at `version`, built once per version in memory. */
export async function referenceSchema(version: number): Promise<Map<string, SchemaObject>> {
  const known = references.get(version)
  if (known) return known
  const mem = new Database(':memory:')
  try {
    await runMigrations(new Kysely<any>({ dialect: new SqliteDialect({ database: mem }) }), 0, version)
    mem.exec(MANIFEST_SQL)
    const ref = objects(mem)
    references.set(version, ref)
    return ref
  } finally {
    mem.close()
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
