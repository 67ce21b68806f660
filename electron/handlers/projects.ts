/** 项目库 entries, their 绩效目标 (annual goal + indicator table) and the indicator library. */
import { randomUUID } from 'node:crypto'
import type { Kysely, Selectable } from 'kysely'
import type { Indicator, LibraryIndicator, ProjectCategory, ProjectDetail, ProjectTargets, FundSource } from '../../shared/domain'
import { checkIndicators, normalizeLevel1, normalizeLevel2, normalizeOperator, type IndicatorInput } from '../../shared/indicators'
import { AppError } from '../../shared/result'
import { canEdit, type ItemStatus } from '../../shared/stage'
import type { DB, IndicatorRow } from '../db/schema'
import type { Writer } from '../db/writer'
import type { Ctx, Handlers } from './context'

export function projectQuery(db: Kysely<DB>) {
  return db
    .selectFrom('projects as p')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .leftJoin('divisions as d', 'd.id', 'u.division_id')
    .selectAll('p')
    .select(['u.name as unit_name', 'u.code as unit_code', 'u.division_id', 'd.name as division_name'])
}
type ProjectSelect = Awaited<ReturnType<ReturnType<typeof projectQuery>['execute']>>[number]

export const toProjectDetail = (r: ProjectSelect): ProjectDetail => ({
  id: r.id,
  budgetYear: r.budget_year,
  unitId: r.unit_id,
  unitName: r.unit_name,
  unitCode: r.unit_code,
  name: r.name,
  code: r.code,
  amountFen: r.amount_fen,
  fundSource: r.fund_source as FundSource,
  category: r.category as ProjectCategory,
  annualGoal: r.annual_goal,
  origin: r.origin as ProjectDetail['origin'],
  originId: r.origin_id,
  divisionId: r.division_id,
  divisionName: r.division_name ?? null,
  version: r.version,
})

export const toIndicator = (r: IndicatorRow): Indicator => ({
  id: r.id,
  projectId: r.project_id,
  level1: r.level1,
  level2: r.level2,
  name: r.name,
  operator: r.operator,
  targetValue: r.target_value,
  unit: r.unit,
  weight: r.weight,
  explanation: r.explanation,
  sort: r.sort,
})

export async function getProject(db: Kysely<DB>, id: string): Promise<ProjectDetail> {
  const r = await projectQuery(db).where('p.id', '=', id).executeTakeFirst()
  if (!r) throw new AppError('NOT_FOUND', '该项目不存在，可能已被删除，请刷新列表')
  return toProjectDetail(r)
}

export async function listIndicators(db: Kysely<DB>, projectIds: string[]): Promise<Map<string, Indicator[]>> {
  const out = new Map<string, Indicator[]>()
  // Chunked: SQLite limits the number of bound parameters.
  for (let i = 0; i < projectIds.length; i += 500) {
    const rows = await db.selectFrom('indicators').selectAll().where('project_id', 'in', projectIds.slice(i, i + 500)).orderBy('project_id').orderBy('sort').execute()
    for (const r of rows) {
      const list = out.get(r.project_id) ?? []
      list.push(toIndicator(r))
      out.set(r.project_id, list)
    }
  }
  return out
}

export async function loadTargets(ctx: Ctx, projectId: string, db: Kysely<DB> = ctx.db): Promise<ProjectTargets> {
  const project = await getProject(db, projectId)
  const indicators = (await listIndicators(db, [projectId])).get(projectId) ?? []
  const s = await ctx.settings()
  const problems = checkIndicators(project.annualGoal, indicators, { weightTotal: s.indicatorWeightTotal, projectAmountFen: project.amountFen })
  return { project, indicators, problems }
}

/** Refuses edits to targets that are under review or approved in a 绩效目标 round. */
export async function assertTargetsEditable(db: Kysely<DB>, projectId: string): Promise<void> {
  const items = await db
    .selectFrom('round_items as i')
    .innerJoin('rounds as r', 'r.id', 'i.round_id')
    .select(['i.status', 'r.title'])
    .where('i.project_id', '=', projectId)
    .where('r.stage', '=', 'targets')
    .execute()
  const locked = items.find((i) => !canEdit(i.status as ItemStatus))
  if (locked) throw new AppError('LOCKED', `该项目在“${locked.title}”中已审核通过，绩效目标不能再修改；如需修改请先撤销审核`)
}

/**
 * Replaces a project's indicator table with the given list, keeping ids of indicators that still
 * exist (so monitoring and evaluation values stay attached) and auditing each change.
 */
export async function replaceIndicators(w: Writer, projectId: string, list: IndicatorInput[]): Promise<{ created: number; updated: number; removed: number }> {
  const existing = await w.trx.selectFrom('indicators').selectAll().where('project_id', '=', projectId).execute()
  const byId = new Map(existing.map((e) => [e.id, e]))
  const kept = new Set<string>()
  const stats = { created: 0, updated: 0, removed: 0 }
  for (const [sort, ind] of list.entries()) {
    const row = {
      level1: normalizeLevel1(ind.level1),
      level2: normalizeLevel2(ind.level2),
      name: ind.name.trim(),
      operator: normalizeOperator(ind.operator),
      target_value: ind.targetValue.trim(),
      unit: ind.unit.trim(),
      weight: ind.weight,
      explanation: ind.explanation.trim(),
      sort,
    }
    const old = ind.id ? byId.get(ind.id) : undefined
    if (old) {
      kept.add(old.id)
      const changed = (Object.keys(row) as (keyof typeof row)[]).some((k) => old[k] !== row[k])
      if (changed) {
        await w.update('indicators', old.id, row)
        stats.updated++
      }
    } else {
      await w.insert('indicators', { id: randomUUID(), project_id: projectId, ...row })
      stats.created++
    }
  }
  for (const e of existing) {
    if (!kept.has(e.id)) {
      await w.remove('indicators', e.id)
      stats.removed++
    }
  }
  return stats
}

const toLibrary = (r: Selectable<DB['library_indicators']>): LibraryIndicator => ({
  id: r.id,
  level1: r.level1,
  level2: r.level2,
  name: r.name,
  operator: r.operator,
  targetValue: r.target_value,
  unit: r.unit,
  explanation: r.explanation,
  field: r.field,
})

export const projectHandlers: Pick<
  Handlers,
  'projects/get' | 'projects/save' | 'projects/remove' | 'targets/get' | 'targets/save' | 'library/list' | 'library/save' | 'library/remove'
> = {
  async 'projects/get'({ id }, ctx) {
    return getProject(ctx.db, id)
  },

  async 'projects/save'(input, ctx) {
    const unit = await ctx.db.selectFrom('units').select('id').where('id', '=', input.unitId).executeTakeFirst()
    if (!unit) throw new AppError('VALIDATION', '所选预算单位不存在，请刷新后重选')
    const clash = await ctx.db
      .selectFrom('projects')
      .select('id')
      .where('budget_year', '=', input.budgetYear)
      .where('unit_id', '=', input.unitId)
      .where('name', '=', input.name)
      .executeTakeFirst()
    if (clash && clash.id !== input.id) throw new AppError('CONFLICT', `该单位${input.budgetYear}年已有名为“${input.name}”的项目`)
    const id = input.id ?? randomUUID()
    const row = { budget_year: input.budgetYear, unit_id: input.unitId, code: input.code, name: input.name, amount_fen: input.amountWan, fund_source: input.fundSource, category: input.category }
    await ctx.write(async (w) => {
      if (input.id) await w.update('projects', id, row, { version: input.version })
      else await w.insert('projects', { id, ...row, annual_goal: '', origin: '手工', origin_id: null })
    })
    return getProject(ctx.db, id)
  },

  async 'projects/remove'({ id }, ctx) {
    const used = await ctx.db.selectFrom('round_items').select('id').where('project_id', '=', id).limit(1).executeTakeFirst()
    if (used) throw new AppError('CONFLICT', '该项目已纳入绩效目标或监控任务，不能删除')
    const fromExante = await ctx.db.selectFrom('exante_proposals').select('id').where('library_project_id', '=', id).executeTakeFirst()
    await ctx.write(async (w) => {
      if (fromExante) await w.update('exante_proposals', fromExante.id, { library_project_id: null })
      for (const ind of await w.trx.selectFrom('indicators').select('id').where('project_id', '=', id).execute()) await w.remove('indicators', ind.id)
      await w.remove('projects', id)
    })
    return { removed: true }
  },

  async 'targets/get'({ projectId }, ctx) {
    return loadTargets(ctx, projectId)
  },

  async 'targets/save'({ projectId, annualGoal, indicators }, ctx) {
    await getProject(ctx.db, projectId)
    await assertTargetsEditable(ctx.db, projectId)
    await ctx.write(async (w) => {
      await w.update('projects', projectId, { annual_goal: annualGoal })
      await replaceIndicators(w, projectId, indicators)
    })
    return loadTargets(ctx, projectId)
  },

  async 'library/list'({ search, level2 }, ctx) {
    let q = ctx.db.selectFrom('library_indicators').selectAll()
    if (level2) q = q.where('level2', '=', level2)
    if (search?.trim()) q = q.where((eb) => eb.or([eb('name', 'like', `%${search.trim()}%`), eb('field', 'like', `%${search.trim()}%`)]))
    return (await q.orderBy('level1').orderBy('level2').orderBy('name').execute()).map(toLibrary)
  },

  async 'library/save'(input, ctx) {
    const id = input.id ?? randomUUID()
    const row = {
      level1: normalizeLevel1(input.level1),
      level2: normalizeLevel2(input.level2),
      name: input.name,
      operator: normalizeOperator(input.operator),
      target_value: input.targetValue,
      unit: input.unit,
      explanation: input.explanation,
      field: input.field,
    }
    await ctx.write(async (w) => (input.id ? void (await w.update('library_indicators', id, row)) : w.insert('library_indicators', { id, ...row })))
    return toLibrary(await ctx.db.selectFrom('library_indicators').selectAll().where('id', '=', id).executeTakeFirstOrThrow())
  },

  async 'library/remove'({ id }, ctx) {
    await ctx.write((w) => w.remove('library_indicators', id))
    return { removed: true }
  },
}
