/**
 * The content checksum of a package: SHA-256 over its rows, not its bytes. Page layout, free
 * pages and VACUUM do not change it; any changed value, added or removed row, renamed column or
 * dropped table does. Tables in name order (byte-wise), rows in primary-key order, each row
 * serialised canonically by SQL (see rowSql) and hashed in chunks in worker threads
 * (db/worker.ts), two side by side; the content digest is the SHA-256 over the tables' own
 * digests (format rows-v3, sealed as ysjx-package-v3). Computed over the file written (export)
 * and again over the file received (verification), by this one plan. The rows are read either by
 * key (the definition: any file with the same rows gives the same digest) or, cheaper, in rowid
 * order straight from each table's own b-tree (`order: 'rowid'`): the export inserts every table
 * in key order, so in a package as written the two orders are one, and the rowid read gives the
 * same bytes without an index lookup per row. A file whose rowid order is not its key order (one
 * rewritten by some tool) gives a different rowid digest; the verification then falls back to
 * the key read (verify.ts). The manifest says
 * `format: 3`; packages sealed in the earlier format (v2, no format field) verify by
 * checksum-v2.ts.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { PackageManifest } from '../../shared/domain'
import { runSqlTask, type SqlStep } from '../db/worker'
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

export const quoteId = (name: string) => `"${name.replace(/"/g, '""')}"`

const P52 = '4503599627370496.0' // 2^52

/**
 * A REAL exactly, as integers SQLite prints the same in every version: x = i + g·2^-52 + h·2^-104
 * (i the integer part, g and h the next 52 bits each; scaling by a power of two, truncation and
 * the subtraction of a double's integer part are all exact). 'x' when that cannot hold x (|x| ≥
 * 2^53, or bits below 2^-104): such values are hashed from the side query instead.
 */
function realSql(q: string): string {
  const i = `CAST(${q} AS INTEGER)`
  const g = `((${q} - ${i}) * ${P52})`
  const h = `((${g} - CAST(${g} AS INTEGER)) * ${P52})`
  return `CASE WHEN abs(${q}) < 9007199254740992.0 AND ${h} = CAST(${h} AS INTEGER) THEN concat(${i}, '.', CAST(${g} AS INTEGER), '.', CAST(${h} AS INTEGER)) ELSE 'x' END`
}

/**
 * One row as bytes built inside SQLite (format rows-v3): per column `type:` then, for text,
 * integers and blobs, `byteLength:bytes` (text as its stored UTF-8 bytes, integers as decimal
 * text), for a REAL its exact integer decomposition (realSql). Columns joined by ',', the row ended
 * by '\n'. SQLite never renders a REAL here: its float-to-text conversion changed between versions,
 * and a package must verify on a later app. Only columns that can hold a REAL get the REAL case (a
 * TEXT column cannot: SQLite converts).
 */
function rowSql(shape: TableShape): { row: string; side: string | null } {
  const canReal = shape.columns.map((_c, i) => !textAffinity(shape.types[i] ?? ''))
  const parts = shape.columns.map((c, i) => {
    const q = quoteId(c)
    return canReal[i]
      ? `typeof(${q}), ':', CASE typeof(${q}) WHEN 'real' THEN ${realSql(q)} ELSE concat(octet_length(${q}), ':', ${q}) END`
      : `typeof(${q}), ':', octet_length(${q}), ':', ${q}`
  })
  const reals = shape.columns.flatMap((c, i) => (canReal[i] ? [quoteId(c)] : []))
  const fallback = reals.map((q) => `(typeof(${q}) = 'real' AND ${realSql(q)} = 'x')`)
  const side = reals.length ? `SELECT ${reals.map((q, k) => `CASE WHEN ${fallback[k]} THEN ${q} END`).join(', ')} FROM %TABLE% WHERE ${fallback.join(' OR ')} ORDER BY %ORDER%` : null
  return { row: `concat(${parts.join(", ',', ")}, x'0a')`, side }
}

/** What a REAL that realSql cannot hold looks like in a row: every row the side query yields has it. */
const SIDE_MARK = 'real:x'

/** Rows per digest chunk: one hash call and one crossing out of SQLite per chunk, not per row. */
const CHUNK = 4096

export interface TableDigestPlan {
  table: string
  /** Rough cost (rows × columns), to share tables between two workers. */
  weight: number
  step: SqlStep
}

/**
 * How a digest reads each table's rows. 'key': in primary-key order (through the key's index
 * where the key is not the rowid), which defines the digest. 'rowid': in rowid order from the
 * table's own b-tree, no index touched and every row of the table read (so no row count is asked
 * separately); the same bytes as 'key' wherever rowid order is key order, as in every package the
 * export writes. Tables without a rowid are read by key either way.
 */
export type DigestOrder = 'key' | 'rowid'

/** A column named like the rowid hides it; such a table is read by key. */
const HIDES_ROWID = /^(rowid|_rowid_|oid)$/i

/**
 * What hashing each data table of `schema` takes, as SQL for a digest worker (db/worker.ts):
 * tables in name order (byte-wise), rows in primary-key order (read as `order` says), chunked.
 */
export function digestPlan(sqlite: BetterSqlite3.Database, schema = 'main', order: DigestOrder = 'key'): TableDigestPlan[] {
  return dataTables(sqlite, schema).map((table) => {
    const shape = tableShape(sqlite, table, schema)
    const from = `${schema === 'main' ? '' : `${schema}.`}${quoteId(table)}`
    const keys = shape.pk.length ? shape.pk : shape.columns
    const keyOrder = keys.map(quoteId).join(', ')
    const { row, side } = rowSql(shape)
    const header = `table ${JSON.stringify(table)} ${JSON.stringify(shape.columns)}\n`
    // max(rowid) is a b-tree descent, not a count: the weight only shares work between workers.
    let n = 1
    let hasRowid = false
    try {
      n = Number(sqlite.prepare(`SELECT max(rowid) FROM ${from}`).pluck().get() ?? 0) || 1
      hasRowid = !shape.columns.some((c) => HIDES_ROWID.test(c))
    } catch {
      /* a table without rowid: weight 1 */
    }
    const weight = n * shape.columns.length
    if (order === 'rowid' && hasRowid) {
      // NOT INDEXED: the table's own b-tree, whatever the planner would prefer; a rowid range
      // still seeks in it. group_concat takes the subquery's rows in the order they come (rowid
      // order); no ORDER BY inside it, which would sort each chunk again. Should a SQLite ever
      // concatenate otherwise, the export's digest would stop matching the key read's, which
      // test/yeardata/packages.test.ts compares on every package it builds.
      const table_ = `${from} NOT INDEXED`
      const chunk = (where: string) =>
        `SELECT CAST(group_concat(b, '') AS BLOB), max(r), count(*) FROM (SELECT ${row} AS b, rowid AS r FROM ${table_} ${where} ORDER BY rowid LIMIT @limit)`
      const sideSql = side ? side.replace('%TABLE%', table_).replace('%ORDER%', 'rowid') : undefined
      const step: SqlStep = { op: 'hash', header, first: chunk(''), next: chunk('WHERE rowid > @after'), limit: CHUNK, label: table, ...(sideSql ? { side: sideSql, sideMark: SIDE_MARK } : {}) }
      return { table, weight, step }
    }
    const count = `SELECT count(*) FROM ${from}`
    const sideSql = side ? side.replace('%TABLE%', from).replace('%ORDER%', keyOrder) : undefined
    let step: SqlStep
    if (keys.length === 1) {
      const k = quoteId(keys[0]!)
      const chunk = (where: string) =>
        `SELECT CAST(group_concat(b, '' ORDER BY k) AS BLOB), max(k), count(*) FROM (SELECT ${row} AS b, ${k} AS k FROM ${from} ${where} ORDER BY ${k} LIMIT @limit)`
      step = { op: 'hash', header, first: chunk(''), next: chunk(`WHERE ${k} > @after`), limit: CHUNK, count, label: table, ...(sideSql ? { side: sideSql, sideMark: SIDE_MARK } : {}) }
    } else {
      step = { op: 'hash', header, first: `SELECT CAST(${row} AS BLOB) FROM ${from} ORDER BY ${keyOrder}`, limit: CHUNK, count, label: table, ...(sideSql ? { side: sideSql, sideMark: SIDE_MARK } : {}) }
    }
    return { table, weight, step }
  })
}

/** Shares the plans between two lists of about equal weight (largest first). */
function split<T extends { weight: number }>(items: T[], extraWeight: number): [T[], T[]] {
  const a: T[] = []
  const b: T[] = []
  let wa = extraWeight
  let wb = 0
  for (const it of [...items].sort((x, y) => y.weight - x.weight)) {
    if (wa <= wb) {
      a.push(it)
      wa += it.weight
    } else {
      b.push(it)
      wb += it.weight
    }
  }
  return [a, b]
}

export interface DigestRun {
  digest: ContentDigest
  /** Results of the extra steps, in order. */
  extra: unknown[]
}

/**
 * Runs a digest plan over the file at `path` in two worker threads side by side (a 2-core PC
 * hashes in half the time), the `extra` steps (an FK or integrity check) in the first worker
 * before its tables. The content digest: SHA-256 over each table's own digest, in name order.
 * Returns null if cancelled; throws if a worker failed.
 */
export async function runDigest(
  path: string,
  plan: TableDigestPlan[],
  opts: { extra?: SqlStep[]; extraWeight?: number; writable?: boolean; onTable?: (table: string, done: number, total: number) => void; isCancelled?: () => boolean } = {},
): Promise<DigestRun | null> {
  const extra = opts.extra ?? []
  const [a, b] = split(plan, opts.extraWeight ?? 0)
  let done = 0
  const run = (tables: TableDigestPlan[], before: SqlStep[]) =>
    // A small page cache: the chunks read each page once, in order (the OS caches the file).
    // `writable`: a file in WAL mode whose -shm a reader may have to create (still query_only).
    runSqlTask({ path, readonly: !opts.writable, pragmas: ['cache_size = -4096', ...(opts.writable ? ['query_only = ON'] : [])] }, [...before, ...tables.map((t) => t.step)], {
      onStep: (i) => {
        if (i >= before.length) opts.onTable?.(tables[i - before.length]!.table, ++done, plan.length)
      },
      ...(opts.isCancelled ? { isCancelled: opts.isCancelled } : {}),
    })
  const outcomes = await Promise.all([run(a, extra), run(b, [])])
  for (const o of outcomes) {
    if (o.status === 'failed' || o.status === 'unavailable') throw new Error(o.message)
  }
  if (outcomes.some((o) => o.status === 'cancelled')) return null
  const [ra, rb] = outcomes.map((o) => (o as { results: unknown[] }).results) as [unknown[], unknown[]]
  const byTable = new Map<string, { sha256: string; rows: number }>()
  a.forEach((t, i) => byTable.set(t.table, ra[extra.length + i] as { sha256: string; rows: number }))
  b.forEach((t, i) => byTable.set(t.table, rb[i] as { sha256: string; rows: number }))
  const hash = createHash('sha256').update('ysjx-content-rows-v3\n')
  const rowCounts: Record<string, number> = {}
  for (const t of plan) {
    const r = byTable.get(t.table)!
    hash.update(`${JSON.stringify(t.table)} ${r.rows} ${r.sha256}\n`)
    rowCounts[t.table] = r.rows
  }
  return { digest: { sha256: hash.digest('hex'), rowCounts }, extra: ra.slice(0, extra.length) }
}

/**
 * The content digest of the file an open connection reads (its committed content), computed in
 * worker threads. For tests and tools; the export and verification use digestPlan + runDigest.
 */
export async function contentDigest(sqlite: BetterSqlite3.Database): Promise<ContentDigest> {
  if (sqlite.memory) throw new Error('contentDigest needs a database file')
  const r = await runDigest(sqlite.name, digestPlan(sqlite))
  return r!.digest
}

/**
 * The manifest's fields other than its digest and signature, in a fixed order: what sealing
 * covers (v2 and v3 alike; `format` is bound by the seal's own prefix).
 */
export function canonicalManifest(m: Omit<PackageManifest, 'sha256' | 'signature'>): string {
  const counts = Object.keys(m.rowCounts)
    .sort()
    .map((k) => [k, m.rowCounts[k]])
  return JSON.stringify([m.product, m.kind, m.county, m.bureau, m.workYear, m.schemaVersion, m.appVersion, m.createdAt, counts])
}

/** The manifest's sha256: the content digest and the manifest's own fields under one hash. */
export function sealedDigest(contentSha256: string, m: Omit<PackageManifest, 'sha256' | 'signature'>): string {
  return createHash('sha256').update(`ysjx-package-v3\n${contentSha256}\n${canonicalManifest(m)}`).digest('hex')
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
