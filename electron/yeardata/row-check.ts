/**
 * Every row of a package is held to the rules of the API before it is used: text lengths as the
 * save channels allow (read from their schemas: shared/column-limits.ts), no NUL characters, the declared type of each column,
 * amounts in range, enumerated values from their lists, and the settings object through the same
 * zod schema as settings/save. One SQL scan per table (run in a worker by rebuild.ts); the first
 * offence is named in Chinese.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { describeZodError } from '../../shared/api'
import { COLUMN_LIMITS } from '../../shared/column-limits'
import { COLUMN_ENUMS, DEFAULT_TEXT_LIMIT, JSON_COLUMNS, JSON_TEXT_LIMIT, MAX_FEN } from '../../shared/limits'
import { storedSettingsSchema, withDefaults } from '../../shared/settings'
import { dataTables, quoteId, tableShape } from './checksum'

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`

function columnChecks(table: string, column: string, type: string): { sql: string; why: string }[] {
  const c = quoteId(column)
  const t = type.toUpperCase()
  const checks: { sql: string; why: string }[] = []
  if (/INT/.test(t)) {
    checks.push({ sql: `typeof(${c}) NOT IN ('integer', 'null')`, why: '应为整数' })
    if (column.endsWith('_fen')) checks.push({ sql: `abs(${c}) > ${MAX_FEN}`, why: '金额超出范围' })
  } else if (/REAL|FLOA|DOUB/.test(t)) {
    checks.push({ sql: `typeof(${c}) NOT IN ('integer', 'real', 'null')`, why: '应为数值' })
  } else {
    const limit = COLUMN_LIMITS[table]?.[column] ?? (JSON_COLUMNS.has(column) ? JSON_TEXT_LIMIT : DEFAULT_TEXT_LIMIT)
    checks.push({ sql: `typeof(${c}) NOT IN ('text', 'null')`, why: '应为文字' })
    checks.push({ sql: `instr(CAST(${c} AS BLOB), X'00') > 0`, why: '含有NUL字符' })
    checks.push({ sql: `length(${c}) > ${limit}`, why: `超过${limit}字` })
    if (JSON_COLUMNS.has(column)) checks.push({ sql: `${c} IS NOT NULL AND NOT json_valid(${c})`, why: '不是有效的JSON' })
  }
  const allowed = COLUMN_ENUMS[table]?.[column]
  if (allowed) checks.push({ sql: `${c} IS NOT NULL AND ${c} <> '' AND ${c} NOT IN (${allowed.map(lit).join(', ')})`, why: `不是允许的取值（${allowed.join('、')}）` })
  return checks
}

/** One table's scan: its first offending row as { k, why }, or none. */
export interface RowCheck {
  table: string
  sql: string
}

/** The scans rowProblem runs, one per table, built from the schema alone (to run where the rows are: a worker). */
export function rowChecks(sqlite: BetterSqlite3.Database, schema = 'main'): RowCheck[] {
  return dataTables(sqlite, schema).flatMap((table) => {
    const shape = tableShape(sqlite, table, schema)
    const checks = shape.columns.flatMap((col, i) => columnChecks(table, col, shape.types[i] ?? '').map((k) => ({ ...k, col })))
    if (!checks.length) return []
    const key = shape.pk.length ? shape.pk.map(quoteId).join(" || '/' || ") : 'rowid'
    const why = `CASE ${checks.map((k) => `WHEN ${k.sql} THEN ${lit(`字段“${k.col}”${k.why}`)}`).join(' ')} END`
    return [{ table, sql: `SELECT ${key} AS k, ${why} AS why FROM ${schema}.${quoteId(table)} WHERE ${checks.map((k) => `(${k.sql})`).join(' OR ')} LIMIT 1` }]
  })
}

/** The sentence for a scan's first offending row. */
export const rowCheckMessage = (check: RowCheck, bad: { k: unknown; why: string }) => `数据表“${check.table}”中编号为“${String(bad.k).slice(0, 40)}”的记录${bad.why}`

/** The settings object through the same zod schema as settings/save; null if it passes (or there is none). */
export function settingsProblem(sqlite: BetterSqlite3.Database, schema = 'main'): string | null {
  const settings = sqlite.prepare(`SELECT value FROM ${schema}.settings WHERE key = 'settings'`).get() as { value: string } | undefined
  if (settings) {
    let parsed: unknown
    try {
      parsed = JSON.parse(settings.value)
    } catch {
      return '设置内容无法读取'
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return '设置内容不是有效的设置'
    const r = storedSettingsSchema.safeParse(withDefaults(parsed))
    if (!r.success) return `设置内容不符合本软件的规则：${describeZodError(r.error)}`
  }
  return null
}
