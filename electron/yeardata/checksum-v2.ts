/**
 * The v2 content checksum (seal `ysjx-package-v2`), kept so that packages exported by the earlier
 * version — a bureau's kept files, a USB stick from last year — still verify. Export never writes
 * it (it writes rows-v3, checksum.ts). The algorithm is the earlier checksum.ts unchanged (commit
 * 54034ac): tables in name order, rows in primary-key order, each row one BLOB built by SQLite
 * plus its REALs as JS renders them, all under one SHA-256. The plan is made here from the
 * schema; the rows are read and hashed in a worker thread (db/worker.ts, op 'hash-v2'), so the
 * main process stays answerable on a package of any size.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { createHash } from 'node:crypto'
import type { PackageManifest } from '../../shared/domain'
import { runSqlTask, type SqlStep } from '../db/worker'
import { canonicalManifest, dataTables, quoteId, tableShape, type ContentDigest, type TableShape } from './checksum'

/** SQLite's affinity rule: a TEXT column turns every REAL written to it into text. */
const textAffinity = (type: string) => !/INT/i.test(type) && /CHAR|CLOB|TEXT/i.test(type)

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

/**
 * The v2 content digest of every data table of the file `sqlite` reads (its committed content),
 * computed in a worker thread. Throws if the worker failed or was cancelled.
 */
export async function contentDigestV2(
  sqlite: BetterSqlite3.Database,
  opts: { onTable?: (table: string, index: number, total: number) => void; isCancelled?: () => boolean } = {},
): Promise<ContentDigest> {
  if (sqlite.memory) throw new Error('contentDigestV2 needs a database file')
  const tables = dataTables(sqlite)
  const steps: SqlStep[] = tables.map((table) => {
    const shape = tableShape(sqlite, table)
    const order = (shape.pk.length ? shape.pk : shape.columns).map(quoteId).join(', ')
    const { select, realColumns } = rowSql(shape)
    return {
      op: 'hash-v2',
      label: table,
      header: `table ${JSON.stringify(table)} ${JSON.stringify(shape.columns)}\n`,
      select: `SELECT ${select} FROM ${quoteId(table)} ORDER BY ${order}`,
      realColumns,
    }
  })
  steps.push({ op: 'hash-v2-end' })
  const r = await runSqlTask({ path: sqlite.name, readonly: true }, steps, {
    // Step i starts when table i - 1 is hashed.
    onStep: (i) => {
      if (i > 0 && i <= tables.length) opts.onTable?.(tables[i - 1]!, i, tables.length)
    },
    ...(opts.isCancelled ? { isCancelled: opts.isCancelled } : {}),
  })
  if (r.status === 'failed' || r.status === 'unavailable') throw new Error(r.message)
  if (r.status === 'cancelled') throw new Error('已取消')
  const rowCounts: Record<string, number> = {}
  tables.forEach((t, i) => (rowCounts[t] = r.results[i] as number))
  opts.onTable?.(tables[tables.length - 1] ?? '', tables.length, tables.length)
  return { sha256: r.results[tables.length] as string, rowCounts }
}

/** The v2 manifest seal: the content digest and the manifest's own fields under one hash. */
export function sealedDigestV2(contentSha256: string, m: Omit<PackageManifest, 'sha256' | 'signature'>): string {
  return createHash('sha256').update(`ysjx-package-v2\n${contentSha256}\n${canonicalManifest(m)}`).digest('hex')
}
