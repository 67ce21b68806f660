/** 载入演示数据: fills an empty database through the same handlers (and audit log) a user would use. */
import { toFen } from '../../shared/money'
import { AppError } from '../../shared/result'
import { DEFAULT_SETTINGS } from '../../shared/settings'
import { DEMO_DIVISIONS, DEMO_OPERATORS, DEMO_ORG, DEMO_PROPOSALS, DEMO_TRAININGS, DEMO_UNITS } from '../demo/data'
import { issueDemoDocuments, loadEvaluationDemo } from '../demo/evaluation'
import { loadStageDemo } from '../demo/stages'
import type { Ctx, Handlers } from './context'

export async function loadDemo(ctx: Ctx, h: Handlers): Promise<Record<string, number>> {
  const info = await h['app/info']({}, ctx)
  if (!info.empty) throw new AppError('CONFLICT', '数据库中已有数据，演示数据只能载入空数据库，以免与真实数据混在一起')
  // Writes need the signed-in operator (demo/load is for a 系统管理员, checked by the dispatch).
  if (!ctx.session.operatorId) throw new AppError('NO_OPERATOR', '请先登录，再载入演示数据')
  const divisionIds = new Map<string, string>()
  for (const [i, name] of DEMO_DIVISIONS.entries()) {
    const d = await h['divisions/save']({ name, sort: i + 1, active: true }, ctx)
    divisionIds.set(name, d.id)
  }
  const ops = await h['operators/list']({}, ctx)
  for (const o of DEMO_OPERATORS) {
    const found = ops.find((x) => x.name === o.name)
    // An existing operator of that name (e.g. the administrator) keeps their roles.
    await h['operators/save']({ ...(found ? { id: found.id } : { roles: o.roles }), name: o.name, divisionId: divisionIds.get(o.division) ?? null, active: true }, ctx)
  }
  const settings = await h['settings/get']({}, ctx)
  await h['settings/save']({ ...settings, org: DEMO_ORG, exante: settings.exante ?? DEFAULT_SETTINGS.exante }, ctx)
  const unitIds = new Map<string, string>()
  for (const u of DEMO_UNITS) {
    const saved = await h['units/save'](
      { code: u.code, name: u.name, parentName: u.parentName, divisionId: divisionIds.get(u.division) ?? null, active: true },
      ctx,
    )
    unitIds.set(u.name, saved.id)
  }
  for (const t of DEMO_TRAININGS) {
    await h['trainings/save'](
      {
        date: t.date,
        title: t.title,
        organiser: t.organiser,
        form: t.form,
        divisionIds: t.divisions.map((d) => divisionIds.get(d)!),
        unitIds: [...unitIds.values()],
        participantCount: t.participantCount,
        notes: t.notes,
      },
      ctx,
    )
  }
  let proposals = 0
  for (const p of DEMO_PROPOSALS) {
    const saved = await h['exante/save'](
      {
        workYear: 2024,
        unitId: unitIds.get(p.unit)!,
        projectName: p.projectName,
        amountWan: toFen(p.amountWan),
        fundSource: p.fundSource,
        basis: p.basis,
        scores: p.scores,
      },
      ctx,
    )
    if (p.confirm) await h['exante/confirm']({ id: saved.id, conclusion: saved.suggestedConclusion!, reason: '' }, ctx)
    if (p.toLibrary) await h['exante/toLibrary']({ ids: [saved.id] }, ctx)
    proposals++
  }
  const unitRows = DEMO_UNITS.map((u) => ({ id: unitIds.get(u.name)!, name: u.name, division: u.division, divisionId: divisionIds.get(u.division)! }))
  const stages = await loadStageDemo(ctx, unitRows)
  const evaluation = await loadEvaluationDemo(ctx, h, unitIds)
  const documents = await issueDemoDocuments(ctx, h)
  return {
    ...stages,
    ...evaluation,
    documents,
    divisions: DEMO_DIVISIONS.length,
    operators: DEMO_OPERATORS.length,
    units: DEMO_UNITS.length,
    trainings: DEMO_TRAININGS.length,
    proposals,
  }
}
