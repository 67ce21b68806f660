/**
 * The content checksum of a package: SHA-256 over its rows, not its bytes. Page layout, free
 * pages and VACUUM do not change it; any changed value, added or removed row, renamed column or
 * dropped table does. Tables in name order (byte-wise), rows in primary-key order, each row
 * serialised canonically (see rowSql). Computed over the file written (export) and again over the
 * file received (verification), by this one function.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { PackageManifest } from '../../shared/domain'
import { isInternalTable } from './tables'

export interface ContentDigest {
  sha256: string
  rowCounts: Record<string, number>
}

/** Data tables of a schema (name order, byte-wise), leaving out SQLite's own and the manifest. */
export function dataTables(sqlite: BetterSqlite3.Database, schema = 'main'): string[] {
  const rows = sqlite.prepare(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]
  return rows.map((r) => r.name).filter((n) => !isInternalTable(n))
}

export interface TableShape {
  columns: string[]
  /** Declared types, as written in CREATE TABLE. */
  types: string[]
  /** Primary-key columns in key order; empty if the table has none (then every column orders). */
  pk: string[]
}

export function tableShape(sqlite: BetterSqlite3.Database, table: string, schema = 'main'): TableShape {
  const info = sqlite.prepare(`SELECT name, type, pk FROM pragma_table_info(?, ?) ORDER BY cid`).all(table, schema) as { name: string; type: string; pk: number }[]
  return {
    columns: info.map((c) => c.name),
    types: info.map((c) => c.type),
    pk: info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
  }
}

/** SQLite's affinity rule: a TEXT column turns every REAL written to it into text. */
const textAffinity = (type: string) => !/INT/i.test(type) && /CHAR|CLOB|TEXT/i.test(type)

const ROW_END = Buffer.from('|\n')

export const quoteId = (name: string) => `"${name.replace(/"/g, '""')}"`

/**
 * One row as one BLOB built inside SQLite: per column `type:byteLength:bytes`, joined by ','.
 * Text is hashed as its stored UTF-8 bytes (never decoded into JS strings and re-encoded, which
 * is where the time would go), integers as their decimal text. REAL values are not rendered by
 * SQLite (its float-to-text conversion changed between versions, and a package must verify on a
 * later app); they come back as numbers and are hashed as JS renders them (shortest round trip).
 */
function rowSql(shape: TableShape): { select: string; realColumns: number[] } {
  const fields = shape.columns.map((c) => {
    const q = quoteId(c)
    return `CASE typeof(${q}) WHEN 'real' THEN 'real::' WHEN 'null' THEN 'null::' ELSE typeof(${q}) || ':' || length(CAST(${q} AS BLOB)) || ':' || CAST(${q} AS BLOB) END`
  })
  // Only columns that can hold a REAL get a side column (a TEXT column cannot: SQLite converts).
  const realColumns = shape.columns.flatMap((_c, i) => (textAffinity(shape.types[i] ?? '') ? [] : [i]))
  const reals = realColumns.map((i) => `CASE WHEN typeof(${quoteId(shape.columns[i]!)}) = 'real' THEN ${quoteId(shape.columns[i]!)} END`)
  return { select: [`CAST(${fields.join(" || ',' || ")} AS BLOB)`, ...reals].join(', '), realColumns }
}

/**
 * Hashes every data table of `schema`; calls onTable after each (progress, and a chance to yield
 * from a job). Reading is synchronous per table: one table at a time keeps the event loop moving.
 */
export async function contentDigest(
  sqlite: BetterSqlite3.Database,
  opts: { schema?: string; onTable?: (table: string, index: number, total: number) => Promise<void> | void } = {},
): Promise<ContentDigest> {
  const schema = opts.schema ?? 'main'
  const hash = createHash('sha256')
  const rowCounts: Record<string, number> = {}
  const tables = dataTables(sqlite, schema)
  for (const [i, table] of tables.entries()) {
    const shape = tableShape(sqlite, table, schema)
    const order = (shape.pk.length ? shape.pk : shape.columns).map(quoteId).join(', ')
    const { select, realColumns } = rowSql(shape)
    const stmt = sqlite.prepare(`SELECT ${select} FROM ${schema}.${quoteId(table)} ORDER BY ${order}`).raw(true)
    hash.update(`table ${JSON.stringify(table)} ${JSON.stringify(shape.columns)}\n`)
    let n = 0
    // Rows are gathered into ~1 MB batches: one hash call per batch, not two per row.
    let batch: Buffer[] = []
    let size = 0
    for (const row of stmt.iterate() as IterableIterator<unknown[]>) {
      const blob = row[0] as Buffer
      let reals = ''
      for (let c = 1; c < row.length; c++) if (row[c] !== null) reals += `${realColumns[c - 1]}=${JSON.stringify(row[c])};`
      batch.push(blob, reals ? Buffer.from(`|${reals}\n`) : ROW_END)
      size += blob.length
      if (size > 1 << 20) {
        hash.update(Buffer.concat(batch))
        batch = []
        size = 0
      }
      n++
    }
    hash.update(Buffer.concat(batch))
    hash.update(`end ${n}\n`)
    rowCounts[table] = n
    await opts.onTable?.(table, i + 1, tables.length)
  }
  return { sha256: hash.digest('hex'), rowCounts }
}

/** The manifest's fields other than its digest and signature, in a fixed order: what sealing covers. */
function canonicalManifest(m: Omit<PackageManifest, 'sha256' | 'signature'>): string {
  const counts = Object.keys(m.rowCounts)
    .sort()
    .map((k) => [k, m.rowCounts[k]])
  return JSON.stringify([m.product, m.kind, m.county, m.bureau, m.workYear, m.schemaVersion, m.appVersion, m.createdAt, counts])
}

/** The manifest's sha256: the content digest and the manifest's own fields under one hash. */
export function sealedDigest(contentSha256: string, m: Omit<PackageManifest, 'sha256' | 'signature'>): string {
  return createHash('sha256').update(`ysjx-package-v2\n${contentSha256}\n${canonicalManifest(m)}`).digest('hex')
}

/** The bureau's signature over a sealed digest (HMAC-SHA-256 under the shared 单位密钥). */
export function signDigest(key: string, sealed: string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(sealed).digest('hex')
}

/** Constant-time comparison of two hex signatures. */
export function signatureMatches(key: string, sealed: string, signature: string): boolean {
  const want = Buffer.from(signDigest(key, sealed), 'hex')
  const have = Buffer.from(/^[0-9a-f]{64}$/.test(signature) ? signature : '', 'hex')
  return have.length === want.length && timingSafeEqual(have, want)
}
