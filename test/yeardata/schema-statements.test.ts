/**
 * A package and a rebuilt file get their schema from schemaStatements (the CREATE texts the
 * migrations leave in sqlite_master, run again) instead of running the migrations. That is only
 * right if the two give the same schema, at every version a package can carry: compared here
 * object by object (type, name, table, SQL text, and each table's columns as SQLite reads them),
 * against a file the migrations themselves built.
 */
import Database from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { describe, expect, it } from 'vitest'
import { LATEST_VERSION } from '../../electron/db/migrations'
import { runMigrations } from '../../electron/db/open'
import { schemaDifference, schemaStatements } from '../../electron/yeardata/schema-check'

function describeSchema(db: Database.Database) {
  const objects = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name').all() as { type: string; name: string; tbl_name: string; sql: string | null }[]
  const columns = objects
    .filter((o) => o.type === 'table')
    .map((o) => ({ table: o.name, columns: db.prepare('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)').all(o.name) }))
  const indexes = objects
    .filter((o) => o.type === 'index')
    .map((o) => ({ index: o.name, columns: db.prepare('SELECT name FROM pragma_index_info(?)').all(o.name), unique: db.prepare('SELECT "unique" FROM pragma_index_list(?) WHERE name = ?').pluck().get(o.tbl_name, o.name) }))
  const keys = objects.filter((o) => o.type === 'table').map((o) => ({ table: o.name, fks: db.prepare('SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list(?)').all(o.name) }))
  return { objects, columns, indexes, keys, userVersion: db.pragma('user_version', { simple: true }) }
}

describe('schemaStatements', () => {
  for (let version = 1; version <= LATEST_VERSION; version++) {
    it(`builds what the migrations build at version ${version}`, async () => {
      const migrated = new Database(':memory:')
      await runMigrations(new Kysely<any>({ dialect: new SqliteDialect({ database: migrated }) }), 0, version)
      const built = new Database(':memory:')
      const { tables, indexes } = await schemaStatements(version)
      for (const sql of tables) built.exec(sql)
      for (const ix of indexes) built.exec(ix.sql)
      built.pragma(`user_version = ${version}`)
      expect(describeSchema(built)).toEqual(describeSchema(migrated))
      // And the package check, which compares against the migrations' output, accepts it.
      expect(await schemaDifference(built, version)).toMatch(/package_manifest/)
      built.exec('CREATE TABLE package_manifest (id INTEGER PRIMARY KEY CHECK (id = 1), manifest TEXT NOT NULL)')
      expect(await schemaDifference(built, version)).toBeNull()
      migrated.close()
      built.close()
    })
  }

  it('leaves the indexes out of the tables, so that they can be built after the rows', async () => {
    const { tables, indexes } = await schemaStatements(LATEST_VERSION)
    expect(indexes.length).toBeGreaterThan(3)
    expect(tables.every((sql) => /^CREATE TABLE/i.test(sql))).toBe(true)
    expect(indexes.every((ix) => /^CREATE (UNIQUE )?INDEX/i.test(ix.sql))).toBe(true)
  })
})
