/**
 * Checks that need the record: a 股室审核 works only on the units of their own 股室, each step of
 * an item needs its role, and nobody approves an item they submitted themselves.
 */
import type { Kysely } from 'kysely'
import { formatChineseDate } from '../../shared/documents'
import { AppError } from '../../shared/result'
import { hasAnyRole, isDivisionScoped, ITEM_ACTION_ROLES, refusalFor, type Role } from '../../shared/roles'
import { ACTION_NAMES, type ItemAction } from '../../shared/stage'
import type { DB } from '../db/schema'
import type { Ctx } from '../handlers/context'

const rolesOf = (ctx: Ctx): Role[] => ctx.session.roles ?? []

/**
 * The 股室 whose units a list must be limited to, or undefined for no limit. A 股室审核 without a
 * 股室 gets '' (matches no unit): they see nothing rather than everything.
 */
export function listDivisionScope(ctx: Ctx): string | undefined {
  return isDivisionScoped(rolesOf(ctx)) ? (ctx.session.divisionId ?? '') : undefined
}

interface ScopedItem {
  divisionId: string | null
  divisionName: string | null
  unitName: string
  projectName: string
}

function outOfScope(ctx: Ctx, item: ScopedItem, what: string): AppError {
  const theirs = item.divisionName ? `属于“${item.divisionName}”` : '未分配联系股室'
  return new AppError('FORBIDDEN', `“${item.unitName}”${theirs}，不是您所在股室联系的单位，${what}。请由该股室的审核人员或预算股办理`)
}

/** items/get and other reads of one item: a scoped 股室审核 sees only their units. */
export function assertItemVisible(ctx: Ctx, item: ScopedItem) {
  if (isDivisionScoped(rolesOf(ctx)) && item.divisionId !== (ctx.session.divisionId ?? null)) throw outOfScope(ctx, item, '不能查看')
}

/**
 * A review step (approve, return, reopen, 结果运用) taken under the 股室审核 role only (no 预算股)
 * must be on a unit of the operator's own 股室.
 */
function assertReviewScope(ctx: Ctx, item: ScopedItem, what: string) {
  const roles = rolesOf(ctx)
  if (roles.includes('预算股')) return
  if (!roles.includes('股室审核')) return
  if (!ctx.session.divisionId || item.divisionId !== ctx.session.divisionId) throw outOfScope(ctx, item, what)
}

export async function assertMayTransition(ctx: Ctx, db: Kysely<DB>, itemId: string, action: ItemAction, item: ScopedItem) {
  const roles = rolesOf(ctx)
  const need = ITEM_ACTION_ROLES[action]
  if (!hasAnyRole(roles, need)) throw new AppError('FORBIDDEN', refusalFor(`“${ACTION_NAMES[action]}”`, need, ctx.session.name ?? '', roles))
  if (action === 'submit') return
  assertReviewScope(ctx, item, `不能${ACTION_NAMES[action]}`)
  if (action !== 'approve') return
  const lastSubmit = await db
    .selectFrom('reviews as v')
    .leftJoin('operators as o', 'o.id', 'v.operator_id')
    .select(['v.operator_id', 'v.at', 'o.name'])
    .where('v.item_id', '=', itemId)
    .where('v.action', '=', 'submit')
    .orderBy('v.seq', 'desc')
    .executeTakeFirst()
  if (lastSubmit?.operator_id && lastSubmit.operator_id === ctx.session.operatorId) {
    throw new AppError(
      'FORBIDDEN',
      `“${item.projectName}”是您（${lastSubmit.name ?? ctx.session.name ?? ''}）于${formatChineseDate(lastSubmit.at.slice(0, 10))}提交的，不能由本人审核通过；请由其他有“预算股”或“股室审核”角色的操作员审核`,
    )
  }
}

export function assertMayUseResult(ctx: Ctx, item: ScopedItem) {
  assertReviewScope(ctx, item, '不能填写结果运用')
}
