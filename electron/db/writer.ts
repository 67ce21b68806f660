/**
 * The one write path. Every change to a record goes through a Writer inside a transaction, and
 * the Writer appends to audit_log in that same transaction (time, operator, action, entity,
 * before/after). A write that fails leaves neither the change nor its audit row.
 */
import { sql, type Insertable, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely'
import { AppError } from '../../shared/result'
import type { DB } from './schema'

type IdTable = Exclude<keyof DB, 'settings' | 'audit_log' | 'year_locks'>

export interface Writer {
  readonly trx: Transaction<DB>
  readonly operatorId: string | null
  readonly now: string
  insert<T extends IdTable>(table: T, row: Omit<Insertable<DB[T]>, 'created_at' | 'updated_at'> & { id: string }): Promise<void>
  /**
   * Updates the row and returns it as it was before; throws NOT_FOUND if absent. A versioned row's
   * version goes up by one; with `opts.version` (the version the editor loaded) a row changed since
   * is refused with CONFLICT naming who changed it and when.
   */
  update<T extends IdTable>(table: T, id: string, patch: Updateable<DB[T]>, opts?: { version?: number | undefined }): Promise<Selectable<DB[T]>>
  /**
   * Deletes the row and returns it as it was. Rows that the schema would delete with it (foreign
   * keys ON DELETE CASCADE) are removed first, each through this same method, so every one of them
   * is in the audit log with its content, not gone silently.
   */
  remove<T extends IdTable>(table: T, id: string): Promise<Selectable<DB[T]>>
  /** Records a change that is not a plain row write (settings, a session event). */
  log(action: string, entity: string, entityId: string, before: unknown, after: unknown): Promise<void>
}

/** Local "YYYY-MM-DD HH:mm" of an ISO time, as a clerk reads it. */
function localMinute(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

/** The refusal of a save made from an old version: who changed the record last, and when. */
async function staleConflict(trx: Transaction<DB>, table: string, id: string): Promise<AppError> {
  const last = await trx
    .selectFrom('audit_log')
    .leftJoin('operators', 'operators.id', 'audit_log.operator_id')
    .select(['audit_log.at', 'operators.name'])
    .where('entity', '=', table)
    .where('entity_id', '=', id)
    .orderBy('audit_log.id', 'desc')
    .executeTakeFirst()
  const who = last?.name ?? '其他操作员'
  const when = last ? localMinute(last.at) : ''
  return new AppError(
    'CONFLICT',
    `该记录已被${who}${when ? `于${when}` : ''}修改，您看到的是修改前的内容，本次保存未生效；请重新载入后再修改`,
    { stale: true, changedBy: last?.name ?? null, changedAt: last?.at ?? null },
  )
}

/** Tables (with an id) whose rows the schema deletes when a row of `parent` goes: child, column. */
async function cascadingChildren(trx: Transaction<DB>, parent: string): Promise<{ table: string; column: string }[]> {
  const r = await sql<{ table: string; column: string }>`
    SELECT m.name AS "table", f."from" AS "column"
    FROM sqlite_master m, pragma_foreign_key_list(m.name) f
    WHERE m.type = 'table' AND f."table" = ${parent} AND upper(f.on_delete) = 'CASCADE'
      AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'id')
    ORDER BY m.name`.execute(trx)
  return r.rows
}

/** Columns the audit log never holds, not even as a hash (a password check needs nothing from it). */
const SECRET_COLUMNS = new Set(['password_hash'])
const json = (v: unknown) =>
  v === undefined || v === null
    ? null
    : JSON.stringify(v, (k, x) => (SECRET_COLUMNS.has(k) ? (x === null ? null : '（已隐去）') : x))

export async function withWriter<T>(
  db: Kysely<DB>,
  operatorId: string | null,
  now: Date,
  fn: (w: Writer) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const at = now.toISOString()
    const anyTrx = trx as unknown as Kysely<any>
    const log: Writer['log'] = async (action, entity, entityId, before, after) => {
      await trx
        .insertInto('audit_log')
        .values({ at, operator_id: operatorId, action, entity, entity_id: entityId, before: json(before), after: json(after) })
        .execute()
    }
    const get = async (table: string, id: string): Promise<any> =>
      anyTrx.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst()
    const w: Writer = {
      trx,
      operatorId,
      now: at,
      async insert(table, row) {
        const full = { ...row, created_at: at, updated_at: at }
        await anyTrx.insertInto(table as string).values(full).execute()
        await log('create', table, row.id, null, full)
      },
      async update(table, id, patch, opts) {
        const before = await get(table, id)
        if (!before) throw new AppError('NOT_FOUND', '要修改的记录不存在，可能已被删除，请刷新后重试')
        const versioned = typeof before.version === 'number'
        if (versioned && opts?.version !== undefined && opts.version !== before.version) throw await staleConflict(trx, table, id)
        const full = { ...patch, updated_at: at, ...(versioned ? { version: before.version + 1 } : {}) }
        await anyTrx.updateTable(table as string).set(full as Record<string, unknown>).where('id', '=', id).execute()
        await log('update', table, id, before, { ...before, ...full })
        return before
      },
      async remove(table, id) {
        const before = await get(table, id)
        if (!before) throw new AppError('NOT_FOUND', '要删除的记录不存在，可能已被删除，请刷新后重试')
        for (const child of await cascadingChildren(trx, table)) {
          const rows = (await sql<{ id: string }>`SELECT id FROM ${sql.id(child.table)} WHERE ${sql.id(child.column)} = ${id}`.execute(trx)).rows
          for (const r of rows) await w.remove(child.table as IdTable, r.id)
        }
        await anyTrx.deleteFrom(table as string).where('id', '=', id).execute()
        await log('delete', table, id, before, null)
        return before
      },
      log,
    }
    return fn(w)
  })
}
