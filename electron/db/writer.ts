/**
 * The one write path. Every change to a record goes through a Writer inside a transaction, and
 * the Writer appends to audit_log in that same transaction (time, operator, action, entity,
 * before/after). A write that fails leaves neither the change nor its audit row.
 */
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely'
import { AppError } from '../../shared/result'
import type { DB } from './schema'

type IdTable = Exclude<keyof DB, 'settings' | 'audit_log' | 'year_locks'>

export interface Writer {
  readonly trx: Transaction<DB>
  readonly operatorId: string | null
  readonly now: string
  insert<T extends IdTable>(table: T, row: Omit<Insertable<DB[T]>, 'created_at' | 'updated_at'> & { id: string }): Promise<void>
  /** Updates the row and returns it as it was before; throws NOT_FOUND if absent. */
  update<T extends IdTable>(table: T, id: string, patch: Updateable<DB[T]>): Promise<Selectable<DB[T]>>
  remove<T extends IdTable>(table: T, id: string): Promise<Selectable<DB[T]>>
  /** Records a change that is not a plain row write (settings, a session event). */
  log(action: string, entity: string, entityId: string, before: unknown, after: unknown): Promise<void>
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
      async update(table, id, patch) {
        const before = await get(table, id)
        if (!before) throw new AppError('NOT_FOUND', '要修改的记录不存在，可能已被删除，请刷新后重试')
        const full = { ...patch, updated_at: at }
        await anyTrx.updateTable(table as string).set(full as Record<string, unknown>).where('id', '=', id).execute()
        await log('update', table, id, before, { ...before, ...full })
        return before
      },
      async remove(table, id) {
        const before = await get(table, id)
        if (!before) throw new AppError('NOT_FOUND', '要删除的记录不存在，可能已被删除，请刷新后重试')
        await anyTrx.deleteFrom(table as string).where('id', '=', id).execute()
        await log('delete', table, id, before, null)
        return before
      },
      log,
    }
    return fn(w)
  })
}
