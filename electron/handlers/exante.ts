/** 事前绩效评估: proposals for budget year N+1, scoring, conclusion, and the 项目库. */
import { randomUUID } from 'node:crypto'
import type { ExanteProposal, FundSource, Project, ProjectCategory } from '../../shared/domain'
import {
  checkExanteScores,
  entersLibrary,
  exanteTotal,
  suggestExanteConclusion,
  type ExanteConclusion,
  type ExanteScores,
} from '../../shared/exante'
import { sumFen } from '../../shared/money'
import { AppError } from '../../shared/result'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { parseJson, type Handlers } from './context'
import { evaluationNotes } from './evaluation-notes'
import { assertItemVisible, listDivisionScope } from '../auth/scope'
import { normalizeName } from '../excel/match-sheets'

function proposalQuery(db: Kysely<DB>) {
  return db
    .selectFrom('exante_proposals as p')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .leftJoin('divisions as d', 'd.id', 'u.division_id')
    .selectAll('p')
    .select(['u.name as unit_name', 'u.division_id', 'd.name as division_name'])
}
type ProposalSelect = Awaited<ReturnType<ReturnType<typeof proposalQuery>['execute']>>[number]

export const toProposal = (r: ProposalSelect): ExanteProposal => ({
  id: r.id,
  workYear: r.work_year,
  budgetYear: r.budget_year,
  unitId: r.unit_id,
  unitName: r.unit_name,
  divisionId: r.division_id,
  divisionName: r.division_name ?? null,
  projectName: r.project_name,
  amountFen: r.amount_fen,
  fundSource: r.fund_source as FundSource,
  basis: r.basis,
  scores: parseJson<ExanteScores>(r.scores, {}),
  totalScore: r.total_score,
  suggestedConclusion: r.suggested_conclusion as ExanteConclusion | null,
  conclusion: r.conclusion as ExanteConclusion | null,
  conclusionReason: r.conclusion_reason,
  status: r.conclusion ? '已确认' : r.total_score !== null ? '已评分' : '待评分',
  libraryProjectId: r.library_project_id,
  evaluationNote: null,
  updatedAt: r.updated_at,
  version: r.version,
})

/** Adds the evaluation history of a project of the same name and unit to each proposal. */
async function withNotes(db: Kysely<DB>, rows: ExanteProposal[]): Promise<ExanteProposal[]> {
  const notes = await evaluationNotes(db, rows.map((r) => ({ unitId: r.unitId, name: r.projectName, beforeYear: r.budgetYear })))
  return rows.map((r) => ({ ...r, evaluationNote: notes.get(`${r.unitId}|${r.projectName}`) ?? null }))
}

export async function getProposal(db: Kysely<DB>, id: string): Promise<ExanteProposal> {
  const r = await proposalQuery(db).where('p.id', '=', id).executeTakeFirst()
  if (!r) throw new AppError('NOT_FOUND', '该评估项目不存在，可能已被删除，请刷新列表')
  return (await withNotes(db, [toProposal(r)]))[0]!
}

export async function listProposals(db: Kysely<DB>, workYear: number): Promise<ExanteProposal[]> {
  const rows = await proposalQuery(db).where('p.work_year', '=', workYear).orderBy('u.code').orderBy('p.project_name').execute()
  return rows.map(toProposal)
}

export const exanteHandlers: Pick<
  Handlers,
  'exante/list' | 'exante/get' | 'exante/save' | 'exante/confirm' | 'exante/remove' | 'exante/toLibrary' | 'projects/list'
> = {
  async 'exante/list'(input, ctx) {
    let q = proposalQuery(ctx.db)
    if (input.workYear) q = q.where('p.work_year', '=', input.workYear)
    if (input.unitId) q = q.where('p.unit_id', '=', input.unitId)
    if (input.divisionId) q = q.where('u.division_id', '=', input.divisionId)
    // A 股室审核 sees the proposals of their own 股室's units only.
    const scope = listDivisionScope(ctx)
    if (scope !== undefined) q = q.where('u.division_id', '=', scope)
    if (input.fundSource) q = q.where('p.fund_source', '=', input.fundSource)
    if (input.conclusion === '未确认') q = q.where('p.conclusion', 'is', null)
    else if (input.conclusion) q = q.where('p.conclusion', '=', input.conclusion)
    if (input.search?.trim()) {
      const s = `%${input.search.trim()}%`
      q = q.where((eb) => eb.or([eb('p.project_name', 'like', s), eb('u.name', 'like', s), eb('p.basis', 'like', s)]))
    }
    const rows = await withNotes(ctx.db, (await q.orderBy('u.code').orderBy('p.project_name').execute()).map(toProposal))
    return { rows, totalFen: sumFen(rows.map((r) => r.amountFen)), count: rows.length }
  },

  async 'exante/get'({ id }, ctx) {
    const p = await getProposal(ctx.db, id)
    // Like the list: a 股室审核 opens only the proposals of their own 股室's units.
    assertItemVisible(ctx, { divisionId: p.divisionId, divisionName: p.divisionName, unitName: p.unitName, projectName: p.projectName })
    return p
  },

  async 'exante/save'(input, ctx) {
    await ctx.assertYearOpen(input.workYear)
    const rules = (await ctx.settings()).exante
    const unit = await ctx.db.selectFrom('units').select(['id', 'active', 'name']).where('id', '=', input.unitId).executeTakeFirst()
    if (!unit) throw new AppError('VALIDATION', '所选预算单位不存在，请刷新后重选')
    // Scores may be saved partly filled; only those given must be in range.
    const given = Object.fromEntries(Object.entries(input.scores).filter(([, v]) => v !== null && v !== undefined))
    const problems = checkExanteScores(rules, { ...Object.fromEntries(rules.dimensions.map((d) => [d.key, 0])), ...given })
    if (problems.length > 0) throw new AppError('VALIDATION', problems.map((p) => p.message).join('；'))
    const scores: ExanteScores = Object.fromEntries(rules.dimensions.map((d) => [d.key, input.scores[d.key] ?? null]))
    const total = exanteTotal(rules, scores)
    const suggested = suggestExanteConclusion(rules, total)
    const id = input.id ?? randomUUID()
    const row = {
      work_year: input.workYear,
      budget_year: input.workYear + 1,
      unit_id: input.unitId,
      project_name: input.projectName,
      amount_fen: input.amountWan,
      fund_source: input.fundSource,
      basis: input.basis,
      scores: JSON.stringify(scores),
      total_score: total,
      suggested_conclusion: suggested,
    }
    await ctx.write(async (w) => {
      if (!input.id) {
        await w.insert('exante_proposals', {
          id,
          ...row,
          conclusion: null,
          conclusion_reason: '',
          confirmed_by: null,
          confirmed_at: null,
          library_project_id: null,
        })
        return
      }
      const before = await w.trx.selectFrom('exante_proposals').select(['library_project_id', 'total_score']).where('id', '=', id).executeTakeFirst()
      if (!before) throw new AppError('NOT_FOUND', '该评估项目不存在，可能已被删除，请刷新列表')
      if (before.library_project_id) throw new AppError('LOCKED', '该项目已纳入项目库，不能再修改评估内容')
      // Changing the scores re-opens the conclusion: a confirmed one would no longer match.
      const reopen = before.total_score !== total ? { conclusion: null, conclusion_reason: '', confirmed_by: null, confirmed_at: null } : {}
      await w.update('exante_proposals', id, { ...row, ...reopen }, { version: input.version })
    })
    return getProposal(ctx.db, id)
  },

  async 'exante/confirm'({ id, conclusion, reason }, ctx) {
    const p = await getProposal(ctx.db, id)
    await ctx.assertYearOpen(p.workYear)
    if (p.totalScore === null) throw new AppError('VALIDATION', `“${p.projectName}”尚未完成全部维度评分，不能确认结论`)
    if (p.libraryProjectId) throw new AppError('LOCKED', '该项目已纳入项目库，结论不能再修改')
    if (conclusion !== p.suggestedConclusion && !reason.trim()) {
      throw new AppError('VALIDATION', `确认的结论“${conclusion}”与按得分建议的“${p.suggestedConclusion}”不同，请填写调整理由`)
    }
    await ctx.write(async (w) => {
      await w.update('exante_proposals', id, {
        conclusion,
        conclusion_reason: reason.trim(),
        confirmed_by: w.operatorId,
        confirmed_at: w.now,
      })
    })
    return getProposal(ctx.db, id)
  },

  async 'exante/remove'({ id }, ctx) {
    const p = await getProposal(ctx.db, id)
    await ctx.assertYearOpen(p.workYear)
    if (p.libraryProjectId) throw new AppError('LOCKED', `“${p.projectName}”已纳入项目库，不能删除`)
    await ctx.write((w) => w.remove('exante_proposals', id))
    return { removed: true }
  },

  async 'exante/toLibrary'({ ids }, ctx) {
    const skipped: string[] = []
    let created = 0
    let linked = 0
    await ctx.write(async (w) => {
      for (const id of ids) {
        const p = await getProposal(w.trx, id)
        if (p.libraryProjectId) {
          skipped.push(`“${p.projectName}”已在项目库中`)
          continue
        }
        if (!p.conclusion) {
          skipped.push(`“${p.projectName}”的评估结论尚未确认`)
          continue
        }
        if (!entersLibrary(p.conclusion)) {
          skipped.push(`“${p.projectName}”结论为不予支持，不能纳入项目库`)
          continue
        }
        // A project the year's 一体化 list (or a clerk) already put in the 项目库: the proposal is tied to
        // it rather than copied, so the year's stages see one project, with its code and amount.
        const same = (await w.trx.selectFrom('projects').select(['id', 'name']).where('budget_year', '=', p.budgetYear).where('unit_id', '=', p.unitId).execute()).find(
          (x) => normalizeName(x.name) === normalizeName(p.projectName),
        )
        if (same) {
          await w.update('exante_proposals', p.id, { library_project_id: same.id })
          linked++
          continue
        }
        const projectId = randomUUID()
        await w.insert('projects', {
          id: projectId,
          budget_year: p.budgetYear,
          unit_id: p.unitId,
          code: '',
          category: '项目',
          annual_goal: '',
          name: p.projectName,
          amount_fen: p.amountFen,
          fund_source: p.fundSource,
          origin: '事前评估',
          origin_id: p.id,
        })
        await w.update('exante_proposals', p.id, { library_project_id: projectId })
        created++
      }
    })
    return { created, linked, skipped }
  },

  async 'projects/list'({ budgetYear, unitId, fundSource, search, sort, order, offset, limit }, ctx) {
    let q = ctx.db
      .selectFrom('projects as p')
      .innerJoin('units as u', 'u.id', 'p.unit_id')
      .leftJoin('divisions as d', 'd.id', 'u.division_id')
      .selectAll('p')
      .select(['u.name as unit_name', 'd.name as division_name'])
      .select((eb) => eb.selectFrom('indicators as x').select((e) => e.fn.countAll<number>().as('n')).whereRef('x.project_id', '=', 'p.id').as('indicator_count'))
    if (budgetYear) q = q.where('p.budget_year', '=', budgetYear)
    if (unitId) q = q.where('p.unit_id', '=', unitId)
    // A 股室审核 sees the projects of their own 股室's units only.
    const scope = listDivisionScope(ctx)
    if (scope !== undefined) q = q.where('u.division_id', '=', scope)
    if (fundSource) q = q.where('p.fund_source', '=', fundSource)
    if (search?.trim()) q = q.where((eb) => eb.or([eb('p.name', 'like', `%${search.trim()}%`), eb('u.name', 'like', `%${search.trim()}%`), eb('p.code', 'like', `%${search.trim()}%`)]))
    // The footer's count and sum over every filtered row; the rows themselves one page at a time.
    const sums = await q
      .clearSelect()
      .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('p.amount_fen').as('fen')])
      .executeTakeFirstOrThrow()
    const dir = order === 'desc' ? 'desc' : 'asc'
    const sorted = (sort === 'amount' ? q.orderBy('p.amount_fen', dir).orderBy('u.code') : sort === 'name' ? q.orderBy('p.name', dir).orderBy('u.code') : q.orderBy('u.code', dir))
      .orderBy('p.name')
      .orderBy('p.id')
    // A page: its ids first (sorting ids, not whole rows), then those rows with their indicator counts.
    const ids = limit ? (await sorted.clearSelect().select('p.id').limit(limit).offset(offset ?? 0).execute()).map((r) => r.id) : null
    const found = ids === null ? await sorted.execute() : ids.length ? await q.where('p.id', 'in', ids).execute() : []
    const at = new Map(ids?.map((id, k) => [id, k]))
    if (ids) found.sort((x, y) => at.get(x.id)! - at.get(y.id)!)
    const rows: Project[] = found.map((r) => ({
      id: r.id,
      budgetYear: r.budget_year,
      version: r.version,
      unitId: r.unit_id,
      unitName: r.unit_name,
      name: r.name,
      amountFen: r.amount_fen,
      fundSource: r.fund_source as FundSource,
      origin: r.origin as Project['origin'],
      originId: r.origin_id,
      code: r.code,
      category: r.category as ProjectCategory,
      fundChannel: r.fund_channel,
      needsTargets: r.needs_targets === 1,
      targetsOrigin: r.targets_origin,
      targetsApprovedAt: r.targets_approved_at,
      indicatorCount: Number(r.indicator_count ?? 0),
      divisionName: r.division_name ?? null,
    }))
    const notes = await evaluationNotes(ctx.db, rows.map((r) => ({ unitId: r.unitId, name: r.name, beforeYear: r.budgetYear })))
    for (const r of rows) r.evaluationNote = notes.get(`${r.unitId}|${r.name}`) ?? null
    return { rows, total: Number(sums.n), totalFen: Number(sums.fen ?? 0) }
  },
}
