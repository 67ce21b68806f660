/** App-level channels: info, session (the operator), operators, settings, audit log, files. */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { AppError } from '../../shared/result'
import type { Role } from '../../shared/roles'
import { redactSecrets } from '../../shared/settings'
import { parseRoles, toOperator } from '../auth/access'
import { hashPassword } from '../auth/password'
import { openablePath } from '../files/openable'
import { parseJson, type Ctx, type Handlers } from './context'

/** Settings-table key of the work year chosen on first start. */
const WORK_YEAR_KEY = 'chosen_work_year'

async function chosenWorkYear(ctx: Ctx): Promise<number | null> {
  const row = await ctx.working.db.selectFrom('settings').select('value').where('key', '=', WORK_YEAR_KEY).executeTakeFirst()
  const n = row ? Number(JSON.parse(row.value)) : NaN
  return Number.isInteger(n) ? n : null
}

export { toOperator }

export const appHandlers: Pick<
  Handlers,
  'app/info' | 'app/chooseWorkYear' | 'operators/list' | 'operators/save' | 'settings/get' | 'settings/save' | 'audit/list' | 'files/open'
> = {
  async 'app/info'(_input, ctx) {
    const years = await sql<{ y: number }>`
      SELECT work_year AS y FROM trainings UNION SELECT work_year FROM exante_proposals UNION SELECT work_year FROM rounds
      UNION SELECT year FROM documents ORDER BY y`.execute(ctx.db)
    const counts = await sql<{ n: number }>`
      SELECT (SELECT count(*) FROM units) + (SELECT count(*) FROM exante_proposals) + (SELECT count(*) FROM trainings) AS n`.execute(ctx.db)
    const budgetYears = await sql<{ y: number }>`SELECT DISTINCT budget_year AS y FROM projects ORDER BY y`.execute(ctx.db)
    return {
      appVersion: ctx.appVersion,
      schemaVersion: ctx.schemaVersion,
      dbPath: ctx.dbPath,
      outputDir: await ctx.outputDir(),
      readOnly: ctx.view !== null,
      viewLabel: ctx.view?.label ?? null,
      empty: (counts.rows[0]?.n ?? 0) === 0,
      workYears: years.rows.map((r) => r.y),
      budgetYears: budgetYears.rows.map((r) => r.y),
      chosenWorkYear: await chosenWorkYear(ctx),
      harness: ctx.harness,
      integrity: ctx.integrity,
    }
  },

  async 'app/chooseWorkYear'({ workYear }, ctx) {
    const before = await chosenWorkYear(ctx)
    const value = JSON.stringify(workYear)
    await ctx.write(async (w) => {
      await w.trx.insertInto('settings').values({ key: WORK_YEAR_KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute()
      await w.log('update', 'settings', WORK_YEAR_KEY, before, workYear)
    })
    return { chosenWorkYear: workYear }
  },

  async 'operators/list'(_input, ctx) {
    const rows = await ctx.db.selectFrom('operators').selectAll().orderBy('active', 'desc').orderBy('name').execute()
    return rows.map(toOperator)
  },

  async 'operators/save'(input, ctx) {
    const id = input.id ?? randomUUID()
    // Names are what people sign in with: two 王芳 would be one sign-in for two people.
    const same = await ctx.db.selectFrom('operators').select('id').where('name', '=', input.name).where('id', '!=', id).executeTakeFirst()
    if (same) throw new AppError('CONFLICT', `已有名为“${input.name}”的操作员，姓名不能重复；同名的请加上股室或编号区分，例如“${input.name}（教科文股）”`)
    const before = input.id ? await ctx.db.selectFrom('operators').selectAll().where('id', '=', input.id).executeTakeFirst() : undefined
    if (input.id && !before) throw new AppError('NOT_FOUND', '要修改的操作员不存在，可能已被删除，请刷新后重试')
    const roles = input.roles ?? (before ? parseRoles(before.roles) : (['录入'] as Role[]))
    // Someone must always be able to manage operators and settings.
    if (before && parseRoles(before.roles).includes('系统管理员') && (!roles.includes('系统管理员') || !input.active)) {
      const others = await ctx.db
        .selectFrom('operators')
        .select('id')
        .where('id', '!=', id)
        .where('active', '=', 1)
        .where('password_hash', 'is not', null)
        .where('roles', 'like', '%"系统管理员"%')
        .executeTakeFirst()
      if (!others) throw new AppError('VALIDATION', `“${input.name}”是唯一能登录的系统管理员，不能停用或取消其系统管理员角色；请先设置另一位系统管理员`)
    }
    const row = { name: input.name, division_id: input.divisionId, active: input.active ? 1 : 0, roles: JSON.stringify(roles) }
    const hash = !input.id && input.password ? await hashPassword(input.password) : null
    await ctx.write(async (w) => {
      if (input.id) await w.update('operators', id, row, { version: input.version })
      else await w.insert('operators', { id, ...row, password_hash: hash })
    })
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
