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
import type { HistoryTargetsPreview } from '../../shared/api'
import type { ImportProblem } from '../../shared/domain'
import { normalizeUnitName } from '../../shared/project-import'
import { loadWorkbook } from '../excel/read-table'
import { parseTargetsWorkbook } from '../excel/targets-sheet'

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
  fundChannel: r.fund_channel,
  needsTargets: r.needs_targets === 1,
  targetsOrigin: r.targets_origin,
  targetsApprovedAt: r.targets_approved_at,
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
  // Chunked: SQLite limits the number of bound parameters. A whole round's (60,000 rows at city
  // scale) gives the event loop a turn between chunks.
  for (let i = 0; i < projectIds.length; i += 500) {
    if (i > 0) await new Promise<void>((r) => setImmediate(r))
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

/** How last year's approved targets are marked when loaded as history instead of reviewed. */
export const HISTORY_IMPORT = '历史目标导入'

/**
 * Last year's targets, as approved then, from 申报表 workbooks (the product's own or the units'):
 * each sheet project is matched to a project of that budget year by id, 项目编码, then unit and
 * name. No review round is made; the project is marked 已批复 by 历史目标导入.
 */
async function planHistoryTargets(ctx: Ctx, fileName: string, base64: string, budgetYear: number) {
  const parsed = parseTargetsWorkbook(await loadWorkbook(Buffer.from(base64, 'base64'), fileName))
  const problems: ImportProblem[] = [...parsed.problems]
  const projects = await projectQuery(ctx.db).where('p.budget_year', '=', budgetYear).execute()
  const byId = new Map(projects.map((p) => [p.id, p]))
  const byCode = new Map(projects.filter((p) => p.code).map((p) => [p.code, p]))
  const byUnitName = new Map(projects.map((p) => [`${p.unit_code}|${p.name}`, p]))
  const byName = new Map(projects.map((p) => [`${normalizeUnitName(p.unit_name)}|${p.name}`, p]))
  const reviewed = new Set(
    (
      await ctx.db
        .selectFrom('round_items as i')
        .innerJoin('rounds as r', 'r.id', 'i.round_id')
        .innerJoin('projects as p', 'p.id', 'i.project_id')
        .select('i.project_id')
        .where('r.stage', '=', 'targets')
        .where('p.budget_year', '=', budgetYear)
        .execute()
    ).map((r) => r.project_id),
  )
  const matched: { projectId: string; annualGoal: string; indicators: IndicatorInput[] }[] = []
  const rows: HistoryTargetsPreview['rows'] = []
  const seen = new Map<string, number>()
  for (const sp of parsed.projects) {
    const where = (message: string) => problems.push({ sheet: '项目信息', row: sp.row, column: '项目名称', message })
    const p = (sp.id && byId.get(sp.id)) || (sp.code && byCode.get(sp.code)) || byUnitName.get(`${sp.unitCode}|${sp.name}`) || byName.get(`${normalizeUnitName(sp.unitName)}|${sp.name}`)
    if (!p) {
      where(`项目“${sp.name}”（${sp.unitName || sp.unitCode}${sp.code ? `，编码${sp.code}` : ''}）不在${budgetYear}年项目库中，请先在项目库导入${budgetYear}年的项目清单`)
      continue
    }
    if (seen.has(p.id)) {
      where(`项目“${sp.name}”与第 ${seen.get(p.id)} 行是同一个项目`)
      continue
    }
    seen.set(p.id, sp.row)
    if (reviewed.has(p.id)) {
      where(`项目“${p.name}”已纳入${budgetYear}年绩效目标审核任务，按审核结果为准，不能再作为历史目标导入`)
      continue
    }
    if (sp.indicators.length === 0) {
      where(`项目“${sp.name}”没有绩效指标，请在“绩效指标”表中填写该项目批复的指标`)
      continue
    }
    const existing = (await listIndicators(ctx.db, [p.id])).get(p.id) ?? []
    const byKey = new Map(existing.map((i) => [`${i.level2}|${i.name}`, i.id]))
    matched.push({
      projectId: p.id,
      annualGoal: sp.annualGoal,
      // Keep ids of indicators that match by name so values already recorded against them stay attached.
      indicators: sp.indicators.map((i) => ({ ...i, id: byKey.get(`${normalizeLevel2(i.level2)}|${i.name.trim()}`) })),
    })
    rows.push({ unitName: p.unit_name, projectName: p.name, code: p.code, indicators: sp.indicators.length, action: p.targets_origin === HISTORY_IMPORT ? '更新' : '导入' })
  }
  if (parsed.projects.length === 0 && problems.length === 0) problems.push({ sheet: '项目信息', row: 0, column: '', message: '申报表中没有项目' })
  const preview: HistoryTargetsPreview = { rows, problems, counts: { projects: matched.length, indicators: matched.reduce((a, m) => a + m.indicators.length, 0) } }
  return { preview, matched }
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
  version: r.version,
})

export const projectHandlers: Pick<
  Handlers,
  'projects/get' | 'projects/save' | 'projects/remove' | 'projects/historyTargetsPreview' | 'projects/historyTargetsApply' | 'targets/get' | 'targets/save' | 'library/list' | 'library/save' | 'library/remove'
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
    if (input.code) {
      // 项目编码 is how a re-import finds the line again: one per budget year.
      const same = await projectQuery(ctx.db).where('p.budget_year', '=', input.budgetYear).where('p.code', '=', input.code).executeTakeFirst()
      if (same && same.id !== input.id) throw new AppError('CONFLICT', `${input.budgetYear}年项目库中已有项目编码为“${input.code}”的项目（${same.unit_name}·${same.name}）`)
    }
    await ctx.assertYearOpen(input.budgetYear)
    const id = input.id ?? randomUUID()
    const row = {
      budget_year: input.budgetYear,
      unit_id: input.unitId,
      code: input.code,
      name: input.name,
      amount_fen: input.amountWan,
      fund_source: input.fundSource,
      category: input.category,
      fund_channel: input.fundChannel,
      needs_targets: input.needsTargets ? 1 : 0,
    }
    await ctx.write(async (w) => {
      if (input.id) await w.update('projects', id, row, { version: input.version })
      else await w.insert('projects', { id, ...row, annual_goal: '', origin: '手工', origin_id: null })
    })
    return getProject(ctx.db, id)
  },

  async 'projects/remove'({ id }, ctx) {
    await ctx.assertYearOpen((await getProject(ctx.db, id)).budgetYear)
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

  async 'projects/historyTargetsPreview'({ fileName, base64, budgetYear }, ctx) {
    return (await planHistoryTargets(ctx, fileName, base64, budgetYear)).preview
  },

  async 'projects/historyTargetsApply'({ fileName, base64, budgetYear }, ctx) {
    await ctx.assertYearOpen(budgetYear)
    const { preview, matched } = await planHistoryTargets(ctx, fileName, base64, budgetYear)
    if (preview.problems.length > 0) {
      throw new AppError('IMPORT_INVALID', `“${fileName}”中有 ${preview.problems.length} 处问题，未导入任何数据。请修改后重新导入。`, preview.problems)
    }
    await ctx.write(async (w) => {
      for (const m of matched) {
        const before = await w.update('projects', m.projectId, { annual_goal: m.annualGoal, targets_origin: HISTORY_IMPORT, targets_approved_at: w.now })
        await replaceIndicators(w, m.projectId, m.indicators)
        // The approval did not happen here: it is history, recorded as such.
        await w.log(HISTORY_IMPORT, 'projects', m.projectId, { targetsOrigin: before.targets_origin }, { targetsOrigin: HISTORY_IMPORT, fileName, indicators: m.indicators.length, status: '已批复' })
      }
    })
    return preview.counts
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
    await ctx.write(async (w) => (input.id ? void (await w.update('library_indicators', id, row, { version: input.version })) : w.insert('library_indicators', { id, ...row })))
    return toLibrary(await ctx.db.selectFrom('library_indicators').selectAll().where('id', '=', id).executeTakeFirstOrThrow())
  },

  async 'library/remove'({ id }, ctx) {
    await ctx.write((w) => w.remove('library_indicators', id))
    return { removed: true }
  },
}
