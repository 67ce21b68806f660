/** Every table of the schema has a line in the year-package scope list, so none is left behind. */
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { closeDatabase, DB_FILE_NAME, openDatabase } from '../../electron/db/open'
import { isInternalTable, TABLE_RULES, workYearsSql } from '../../electron/yeardata/tables'
import { cleanup, tempDir } from '../helpers/backend'

const dir = tempDir('ysjx-cov-')
afterAll(() => cleanup(dir))

describe('year package scope (electron/yeardata/tables.ts)', () => {
  it('covers every table in sqlite_master of a freshly migrated database', async () => {
    const path = join(dir, DB_FILE_NAME)
    await closeDatabase(await openDatabase({ path, dataDir: dir }))
    const db = new Database(path, { readonly: true })
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name)
    db.close()
    const listed = new Set(TABLE_RULES.map((r) => r.table))
    const uncovered = tables.filter((t) => !isInternalTable(t) && !listed.has(t))
    // A table here is a table that a year package and 年度结转 would silently leave out: add a
    // line for it to TABLE_RULES (what a year carries, what 结转 carries), in dependency order.
    expect(uncovered, `tables missing from TABLE_RULES: ${uncovered.join(', ')}`).toEqual([])
  })

  it('lists each table once, with audit_log last (it carries the history of the rows above it)', () => {
    const names = TABLE_RULES.map((r) => r.table)
    expect(new Set(names).size).toBe(names.length)
    expect(names.at(-1)).toBe('audit_log')
  })

  it('reads, in its conditions, only package tables (main.*) that an earlier line has filled', () => {
    TABLE_RULES.forEach((r, i) => {
      for (const rule of [r.year, r.carryOver]) {
        if (typeof rule !== 'object' || !('where' in rule)) continue
        for (const m of rule.where.matchAll(/main\.(\w+)/g)) expect(TABLE_RULES.slice(0, i).map((x) => x.table), `${r.table} reads main.${m[1]}`).toContain(m[1])
      }
    })
    expect(workYearsSql()).toMatch(/FROM trainings/)
  })
})
