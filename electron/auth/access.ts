/**
 * The check the dispatch runs before every handler: signed in, session not idle too long, the
 * operator still active, and one of the roles shared/roles.ts names for the channel. Deny by
 * default: a channel without a line in the table is refused to everyone.
 */
import type { Channel } from '../../shared/channels'
import type { Operator } from '../../shared/domain'
import type { AppErrorData } from '../../shared/result'
import { CHANNEL_ROLES, PUBLIC, ROLES, channelName, hasAnyRole, refusalFor, type ChannelRule, type Role } from '../../shared/roles'
import { withDefaults, type Settings } from '../../shared/settings'
import type { OperatorRow } from '../db/schema'
import type { Ctx } from '../handlers/context'

export function parseRoles(text: string): Role[] {
  try {
    const v = JSON.parse(text) as unknown
    return Array.isArray(v) ? ROLES.filter((r) => v.includes(r)) : []
  } catch {
    return []
  }
}

export const toOperator = (r: OperatorRow): Operator => ({
  id: r.id,
  name: r.name,
  divisionId: r.division_id,
  active: r.active === 1,
  roles: parseRoles(r.roles),
  hasPassword: !!r.password_hash,
  version: r.version,
})

/** Operators and sign-in state live in the working database, whatever package is being viewed. */
export async function workingSettings(ctx: Ctx): Promise<Settings> {
  if (ctx.db === ctx.working.db) return ctx.settings()
  const row = await ctx.working.db.selectFrom('settings').select('value').where('key', '=', 'settings').executeTakeFirst()
  return withDefaults(row ? (JSON.parse(row.value) as Partial<Settings>) : undefined)
}

export function signOut(ctx: Ctx, lockedName: string | null = null) {
  ctx.session.operatorId = null
  ctx.session.name = undefined
  ctx.session.roles = []
  ctx.session.divisionId = null
  ctx.session.lastActiveAt = undefined
  ctx.session.lockedName = lockedName
}

export function signInAs(ctx: Ctx, op: Operator) {
  ctx.session.operatorId = op.id
  ctx.session.name = op.name
  ctx.session.roles = op.roles
  ctx.session.divisionId = op.divisionId
  ctx.session.lastActiveAt = ctx.now().getTime()
  ctx.session.lockedName = null
}

/**
 * The signed-in operator as the database has it now, or null (and the session ended) when there is
 * none, it locked for idle time, or the operator was deactivated or removed meanwhile.
 */
export async function currentOperator(ctx: Ctx, touch = true): Promise<Operator | null> {
  const id = ctx.session.operatorId
  if (!id) return null
  const idleMs = (await workingSettings(ctx)).sessionIdleMinutes * 60_000
  const now = ctx.now().getTime()
  if (ctx.session.lastActiveAt !== undefined && now - ctx.session.lastActiveAt > idleMs) {
    signOut(ctx, ctx.session.name ?? null)
    return null
  }
  const row = await ctx.working.db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row || row.active !== 1) {
    signOut(ctx)
    return null
  }
  const op = toOperator(row)
  const last = ctx.session.lastActiveAt
  signInAs(ctx, op)
  // Asking who is signed in is not use: it must not keep an unattended session open.
  if (!touch) ctx.session.lastActiveAt = last
  return op
}

export const ruleFor = (channel: Channel): ChannelRule | undefined => (CHANNEL_ROLES as Partial<Record<Channel, ChannelRule>>)[channel]

/** null when the call may go ahead; otherwise the refusal to answer with. */
export async function checkAccess(ctx: Ctx, channel: Channel): Promise<AppErrorData | null> {
  const rule = ruleFor(channel)
  if (rule === PUBLIC) return null
  const locked = ctx.session.operatorId ? null : ctx.session.lockedName
  const op = await currentOperator(ctx)
  if (!op) {
    const lockedNow = ctx.session.lockedName
    if (lockedNow || locked) {
      const minutes = (await workingSettings(ctx)).sessionIdleMinutes
      return { code: 'NO_OPERATOR', message: `超过${minutes}分钟未操作，已自动锁定。请“${lockedNow ?? locked}”重新输入密码登录后继续` }
    }
    return { code: 'NO_OPERATOR', message: '请先登录：输入姓名和密码后再操作' }
  }
  if (!rule) return { code: 'FORBIDDEN', message: `“${channel}”未列入权限表，任何角色都不能调用` }
  if (!hasAnyRole(op.roles, rule)) return { code: 'FORBIDDEN', message: refusalFor(channelName(channel), rule, op.name, op.roles) }
  return null
}
