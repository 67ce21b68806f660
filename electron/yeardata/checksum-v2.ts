/**
 * The v2 content checksum (seal `ysjx-package-v2`), kept so that packages exported by the earlier
 * version — a bureau's kept files, a USB stick from last year — still verify. Export never writes
 * it (it writes rows-v3, checksum.ts). The algorithm is the earlier checksum.ts unchanged (commit
 * 54034ac): tables in name order, rows in primary-key order, each row one BLOB built by SQLite
 * plus its REALs as JS renders them, all under one SHA-256. It runs on the verifying connection on
 * the main thread, and turns the event loop every CHUNK rows.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { createHash } from 'node:crypto'
import type { PackageManifest } from '../../shared/domain'
import { canonicalManifest, dataTables, quoteId, tableShape, type ContentDigest, type TableShape } from './checksum'

/** SQLite's affinity rule: a TEXT column turns every REAL written to it into text. */
const textAffinity = (type: string) => !/INT/i.test(type) && /CHAR|CLOB|TEXT/i.test(type)

const ROW_END = Buffer.from('|\n')

/** Rows between turns of the event loop. */
const CHUNK = 4096

/** One row as one BLOB: per column `type:byteLength:bytes`, joined by ','; REALs in side columns. */
function rowSql(shape: TableShape): { select: string; realColumns: number[] } {
  const fields = shape.columns.map((c) => {
    const q = quoteId(c)
    return `CASE typeof(${q}) WHEN 'real' THEN 'real::' WHEN 'null' THEN 'null::' ELSE typeof(${q}) || ':' || length(CAST(${q} AS BLOB)) || ':' || CAST(${q} AS BLOB) END`
  })
  const realColumns = shape.columns.flatMap((_c, i) => (textAffinity(shape.types[i] ?? '') ? [] : [i]))
  const reals = realColumns.map((i) => `CASE WHEN typeof(${quoteId(shape.columns[i]!)}) = 'real' THEN ${quoteId(shape.columns[i]!)} END`)
  return { select: [`CAST(${fields.join(" || ',' || ")} AS BLOB)`, ...reals].join(', '), realColumns }
}

/** The v2 content digest of every data table of `schema`. */
export async function contentDigestV2(
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
      if (n % CHUNK === 0) await new Promise<void>((r) => setImmediate(r))
    }
    hash.update(Buffer.concat(batch))
    hash.update(`end ${n}\n`)
    rowCounts[table] = n
    await opts.onTable?.(table, i + 1, tables.length)
  }
  return { sha256: hash.digest('hex'), rowCounts }
}

/** The v2 manifest seal: the content digest and the manifest's own fields under one hash. */
export function sealedDigestV2(contentSha256: string, m: Omit<PackageManifest, 'sha256' | 'signature'>): string {
  return createHash('sha256').update(`ysjx-package-v2\n${contentSha256}\n${canonicalManifest(m)}`).digest('hex')
}
