/** App-level channels: info, session (the operator), operators, settings, audit log, files. */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Operator } from '../../shared/domain'
import { AppError } from '../../shared/result'
import { redactSecrets } from '../../shared/settings'
import type { OperatorRow } from '../db/schema'
import { openablePath } from '../files/openable'
import { bool, parseJson, type Handlers } from './context'

export const toOperator = (r: OperatorRow): Operator => ({
  id: r.id,
  name: r.name,
  divisionId: r.division_id,
  active: bool(r.active),
})

export const appHandlers: Pick<
  Handlers,
  'app/info' | 'session/get' | 'session/setOperator' | 'operators/list' | 'operators/save' | 'settings/get' | 'settings/save' | 'audit/list' | 'files/open'
> = {
  async 'app/info'(_input, ctx) {
    const years = await sql<{ y: number }>`
      SELECT work_year AS y FROM trainings UNION SELECT work_year FROM exante_proposals UNION SELECT work_year FROM rounds
      UNION SELECT year FROM documents ORDER BY y`.execute(ctx.db)
    const counts = await sql<{ n: number }>`
      SELECT (SELECT count(*) FROM units) + (SELECT count(*) FROM exante_proposals) + (SELECT count(*) FROM trainings) AS n`.execute(ctx.db)
    return {
      appVersion: ctx.appVersion,
      schemaVersion: ctx.schemaVersion,
      dbPath: ctx.dbPath,
      outputDir: await ctx.outputDir(),
      readOnly: ctx.view !== null,
      viewLabel: ctx.view?.label ?? null,
      empty: (counts.rows[0]?.n ?? 0) === 0,
      workYears: years.rows.map((r) => r.y),
      harness: ctx.harness,
    }
  },

  async 'session/get'(_input, ctx) {
    if (!ctx.session.operatorId) return { operator: null }
    const row = await ctx.db.selectFrom('operators').selectAll().where('id', '=', ctx.session.operatorId).executeTakeFirst()
    return { operator: row ? toOperator(row) : null }
  },

  async 'session/setOperator'({ operatorId }, ctx) {
    const row = await ctx.db.selectFrom('operators').selectAll().where('id', '=', operatorId).executeTakeFirst()
    if (!row) throw new AppError('NOT_FOUND', '所选操作员不存在，请刷新后重选')
    if (!bool(row.active)) throw new AppError('VALIDATION', `操作员“${row.name}”已停用，请选择其他操作员`)
    ctx.session.operatorId = row.id
    return { operator: toOperator(row) }
  },

  async 'operators/list'(_input, ctx) {
    const rows = await ctx.db.selectFrom('operators').selectAll().orderBy('active', 'desc').orderBy('name').execute()
    return rows.map(toOperator)
  },

  async 'operators/save'(input, ctx) {
    const count = await ctx.db.selectFrom('operators').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const id = input.id ?? randomUUID()
    // The very first operator is created before anyone can be chosen; it signs its own creation.
    const bootstrap = Number(count.n) === 0 && !input.id
    const row = { name: input.name, division_id: input.divisionId, active: input.active ? 1 : 0 }
    await ctx.write(
      async (w) => {
        if (input.id) await w.update('operators', id, row)
        else await w.insert('operators', { id, ...row })
      },
      bootstrap ? { operatorId: id } : undefined,
    )
    if (bootstrap) ctx.session.operatorId = id
    const saved = await ctx.db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    return toOperator(saved)
  },

  async 'settings/get'(_input, ctx) {
    return ctx.settings()
  },

  async 'settings/save'(input, ctx) {
    const before = await ctx.settings()
    await ctx.write(async (w) => {
      await w.trx
        .insertInto('settings')
        .values({ key: 'settings', value: JSON.stringify(input) })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(input) }))
        .execute()
      await w.log('update', 'settings', 'settings', redactSecrets(before), redactSecrets(input))
    })
    ctx.forgetSettings()
    return ctx.settings()
  },

  async 'audit/list'({ entity, entityId, limit }, ctx) {
    let q = ctx.db
      .selectFrom('audit_log')
      .leftJoin('operators', 'operators.id', 'audit_log.operator_id')
      .select(['audit_log.id', 'at', 'action', 'entity', 'entity_id', 'before', 'after', 'operators.name as operator_name'])
    if (entity) q = q.where('entity', '=', entity)
    if (entityId) q = q.where('entity_id', '=', entityId)
    const rows = await q.orderBy('audit_log.id', 'desc').limit(limit).execute()
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      operatorName: r.operator_name ?? '',
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      before: r.before ? parseJson(r.before, null) : null,
      after: r.after ? parseJson(r.after, null) : null,
    }))
  },

  async 'files/open'({ path, reveal }, ctx) {
    // Only files the app itself wrote, inside its output folder: no arbitrary paths from the renderer.
    return { opened: await ctx.platform.openPath(await openablePath(ctx, path, reveal), reveal) }
  },
}
