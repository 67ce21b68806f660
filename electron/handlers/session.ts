/**
 * Sign-in: the first administrator on a database without one, sign-in with name and password
 * (repeated failures wait longer each time), sign-out, and an administrator's password reset.
 * Sign-in events go to the audit log under entity "session"; passwords never go anywhere.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { AppError } from '../../shared/result'
import { delayAfterFailures, SIGN_IN_POLICY } from '../../shared/roles'
import { currentOperator, signInAs, signOut, toOperator, workingSettings } from '../auth/access'
import { hashPassword, verifyPassword } from '../auth/password'
import { withWriter } from '../db/writer'
import type { Ctx, Handlers } from './context'

/** True while no active administrator can sign in: the first-start screen creates one. */
export async function needsSetup(ctx: Ctx): Promise<boolean> {
  const admins = await ctx.working.db
    .selectFrom('operators')
    .select('id')
    .where('active', '=', 1)
    .where('password_hash', 'is not', null)
    .where('roles', 'like', '%"系统管理员"%')
    .limit(1)
    .execute()
  return admins.length === 0
}

/** Failures for names that are no operator: kept in memory, so guessing names waits too. */
const unknownFailures = new WeakMap<Ctx, Map<string, { n: number; at: number }>>()

function waitMessage(failures: number, seconds: number) {
  return `已连续${failures}次登录失败，为防止猜测密码，请${seconds >= 60 ? `${Math.ceil(seconds / 60)}分钟` : `${seconds}秒`}后再试`
}

export const sessionHandlers: Pick<Handlers, 'session/get' | 'session/setup' | 'session/signIn' | 'session/signOut' | 'operators/resetPassword'> = {
  async 'session/get'(_input, ctx) {
    const operator = await currentOperator(ctx, false)
    const setup = await needsSetup(ctx)
    const counts = setup
      ? await sql<{ n: number }>`SELECT (SELECT count(*) FROM units) + (SELECT count(*) FROM exante_proposals) + (SELECT count(*) FROM trainings) AS n`.execute(ctx.working.db)
      : null
    return {
      operator,
      needsSetup: setup,
      empty: setup && (counts?.rows[0]?.n ?? 0) === 0,
      lockedName: operator ? null : (ctx.session.lockedName ?? null),
      idleMinutes: (await workingSettings(ctx)).sessionIdleMinutes,
    }
  },

  async 'session/setup'({ name, password, divisionName }, ctx) {
    if (ctx.view) throw new AppError('LOCKED', '正在查看只读的年度数据包，请先关闭数据包回到工作数据')
    if (!(await needsSetup(ctx))) throw new AppError('CONFLICT', '已有系统管理员，请用姓名和密码登录；忘记密码请由系统管理员重设')
    const hash = await hashPassword(password)
    const db = ctx.working.db
    const existing = await db.selectFrom('operators').selectAll().where('name', '=', name).executeTakeFirst()
    const id = existing?.id ?? randomUUID()
    await withWriter(db, id, ctx.now(), async (w) => {
      // The operator row first: every audit row of this transaction names it.
      if (existing) {
        // An operator from before sign-in becomes the administrator and keeps the work they did.
        const roles = [...new Set(['系统管理员', ...JSON.parse(existing.roles || '[]')])]
        await w.update('operators', id, { password_hash: hash, roles: JSON.stringify(roles), active: 1, failed_sign_ins: 0 })
      } else {
        // The first administrator of a county bureau usually also does the 预算股's work.
        await w.insert('operators', { id, name, division_id: null, active: 1, roles: JSON.stringify(['系统管理员', '预算股']), password_hash: hash })
      }
      const div = divisionName.trim()
      if (div) {
        const found = await w.trx.selectFrom('divisions').select('id').where('name', '=', div).executeTakeFirst()
        const divisionId = found?.id ?? randomUUID()
        if (!found) await w.insert('divisions', { id: divisionId, name: div, sort: 0, active: 1 })
        await w.update('operators', id, { division_id: divisionId })
      }
      await w.log('setup', 'session', id, null, { name })
    })
    const op = toOperator(await db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirstOrThrow())
    signInAs(ctx, op)
    return { operator: op }
  },

  async 'session/signIn'({ name, password }, ctx) {
    const db = ctx.working.db
    const now = ctx.now()
    const row = await db.selectFrom('operators').selectAll().where('name', '=', name).executeTakeFirst()
    const unknown = unknownFailures.get(ctx) ?? new Map<string, { n: number; at: number }>()
    unknownFailures.set(ctx, unknown)
    const failures = row ? row.failed_sign_ins : (unknown.get(name)?.n ?? 0)
    const lastAt = row ? (row.last_failed_at ? Date.parse(row.last_failed_at) : 0) : (unknown.get(name)?.at ?? 0)
    const wait = delayAfterFailures(failures)
    // Refused before the password is even looked at: a guesser gains nothing by trying faster.
    if (wait > 0 && now.getTime() < lastAt + wait * 1000) {
      throw new AppError('SIGN_IN', waitMessage(failures, Math.ceil((lastAt + wait * 1000 - now.getTime()) / 1000)))
    }
    const ok = await verifyPassword(password, row?.password_hash ?? null)
    if (!ok || !row) {
      const n = failures + 1
      if (row) {
        await withWriter(db, null, now, async (w) => {
          await w.trx.updateTable('operators').set({ failed_sign_ins: n, last_failed_at: now.toISOString() }).where('id', '=', row.id).execute()
          await w.log('sign-in-failed', 'session', row.id, null, { name, failures: n })
        })
      } else unknown.set(name, { n, at: now.getTime() })
      const next = delayAfterFailures(n)
      const hint = row && !row.password_hash ? '（该操作员尚未设置密码，请由系统管理员设置）' : ''
      throw new AppError('SIGN_IN', `姓名或密码不正确${hint}。${next > 0 ? waitMessage(n, next) : `再错${SIGN_IN_POLICY.freeAttempts - n}次后需等待一段时间才能再试`}`)
    }
    if (row.active !== 1) throw new AppError('SIGN_IN', `操作员“${row.name}”已停用，不能登录；如需使用请由系统管理员启用`)
    await withWriter(db, row.id, now, async (w) => {
      await w.trx.updateTable('operators').set({ failed_sign_ins: 0, last_failed_at: null }).where('id', '=', row.id).execute()
      await w.log('sign-in', 'session', row.id, null, { name: row.name })
    })
    const op = toOperator({ ...row, failed_sign_ins: 0, last_failed_at: null })
    signInAs(ctx, op)
    return { operator: op }
  },

  async 'session/signOut'(_input, ctx) {
    const id = ctx.session.operatorId
    if (id) await withWriter(ctx.working.db, id, ctx.now(), (w) => w.log('sign-out', 'session', id, null, { name: ctx.session.name ?? '' }))
    signOut(ctx)
    return { operator: null }
  },

  async 'operators/resetPassword'({ id, password }, ctx) {
    const hash = await hashPassword(password)
    await withWriter(ctx.working.db, ctx.session.operatorId, ctx.now(), async (w) => {
      // The writer keeps the hash out of the audit row; the row says who reset whose password.
      await w.update('operators', id, { password_hash: hash, failed_sign_ins: 0, last_failed_at: null })
    })
    const row = await ctx.working.db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    return toOperator(row)
  },
}
