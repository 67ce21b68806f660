/**
 * 驾驶舱: the year's figures by stage and status, by unit, 股室 and fund source, the pipeline
 * 事前→目标→监控→评价→整改, and the warnings. A handful of grouped queries, each using an index,
 * so the page stays fast at city scale (5,000 projects, 60,000 indicator rows).
 */
import { isoDate } from '../../shared/dates'
import Database from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { listPackages } from '../yeardata/store'
import type { Dashboard, DashboardWarning, GroupAmount, Headline } from '../../shared/domain'
import { formatWanPlain } from '../../shared/money'
import { STAGES, type Stage } from '../../shared/stage'
import type { DB } from '../db/schema'
import { listDivisionScope } from '../auth/scope'
import type { Handlers } from './context'

const n = (v: unknown) => Number(v ?? 0)

/**
 * A 股室审核's 驾驶舱 shows the figures of their own 股室's units (listDivisionScope): `division` is
 * that 股室's id ('' for one without a 股室: nothing), undefined for everyone else.
 */
type Scope = string | undefined
const unitIn = (col: string, division: Scope) =>
  division === undefined ? sql`1 = 1` : sql`${sql.ref(col)} IN (SELECT su.id FROM units su WHERE su.division_id = ${division})`
const projectIn = (col: string, division: Scope) =>
  division === undefined ? sql`1 = 1` : sql`${sql.ref(col)} IN (SELECT sp.id FROM projects sp JOIN units su ON su.id = sp.unit_id WHERE su.division_id = ${division})`

/** Distinct projects the stages covered in a work year (a project in two rounds counts once). */
async function coverage(db: Kysely<DB>, stage: Stage | Stage[], workYear: number, division?: Scope) {
  const stages = Array.isArray(stage) ? stage : [stage]
  const r = await sql<{ projects: number; units: number; fen: number }>`
    SELECT count(*) AS projects, count(DISTINCT p.unit_id) AS units, coalesce(sum(p.amount_fen), 0) AS fen
    FROM projects p
    WHERE p.id IN (SELECT i.project_id FROM round_items i JOIN rounds r ON r.id = i.round_id WHERE r.stage IN (${sql.join(stages)}) AND r.work_year = ${workYear})
      AND ${unitIn('p.unit_id', division)}`.execute(db)
  const row = r.rows[0]
  return { projects: n(row?.projects), units: n(row?.units), fen: n(row?.fen) }
}

export async function computeHeadline(db: Kysely<DB>, workYear: number, division?: Scope): Promise<Headline> {
  // A 股室's trainings are those its 股室 took part in; documents are the bureau's (issued by 预算股).
  const trainingIn = division === undefined ? sql`1 = 1` : sql`EXISTS (SELECT 1 FROM json_each(trainings.division_ids) j WHERE j.value = ${division})`
  const [t, e, targets, monitoring, selfeval, fiscal, rect, docs] = await Promise.all([
    sql<{ c: number; p: number }>`SELECT count(*) AS c, coalesce(sum(participant_count), 0) AS p FROM trainings WHERE work_year = ${workYear} AND ${trainingIn}`.execute(db),
    sql<{ c: number; f: number }>`SELECT count(*) AS c, coalesce(sum(amount_fen), 0) AS f FROM exante_proposals WHERE work_year = ${workYear} AND ${unitIn('unit_id', division)}`.execute(db),
    coverage(db, 'targets', workYear, division),
    coverage(db, 'monitoring', workYear, division),
    coverage(db, 'selfeval', workYear, division),
    coverage(db, 'fiscaleval', workYear, division),
    sql<{ c: number }>`SELECT count(*) AS c FROM rectifications x JOIN round_items i ON i.id = x.item_id JOIN rounds r ON r.id = i.round_id WHERE r.work_year = ${workYear} AND x.status <> '已整改' AND ${projectIn('i.project_id', division)}`.execute(db),
    sql<{ c: number }>`SELECT count(*) AS c FROM documents WHERE year = ${workYear}`.execute(db),
  ])
  return {
    workYear,
    trainings: n(t.rows[0]?.c),
    trainingParticipants: n(t.rows[0]?.p),
    exanteProjects: n(e.rows[0]?.c),
    exanteFen: n(e.rows[0]?.f),
    targetUnits: targets.units,
    targetProjects: targets.projects,
    targetFen: targets.fen,
    monitoredProjects: monitoring.projects,
    monitoredFen: monitoring.fen,
    selfEvalProjects: selfeval.projects,
    selfEvalFen: selfeval.fen,
    keyEvalProjects: fiscal.projects,
    keyEvalFen: fiscal.fen,
    rectifyOpen: n(rect.rows[0]?.c),
    documents: n(docs.rows[0]?.c),
  }
}

export async function computeDashboard(db: Kysely<DB>, workYear: number, now: Date, waitingDays: number, division?: Scope): Promise<Dashboard> {
  const headline = await computeHeadline(db, workYear, division)
  const rounds = await db.selectFrom('rounds').select(['id', 'stage', 'title', 'deadline', 'created_at']).where('work_year', '=', workYear).orderBy('created_at', 'desc').execute()
  const byStage = await sql<{ stage: string; status: string; c: number; f: number }>`
    SELECT r.stage, i.status, count(*) AS c, coalesce(sum(p.amount_fen), 0) AS f
    FROM round_items i JOIN rounds r ON r.id = i.round_id JOIN projects p ON p.id = i.project_id
    WHERE r.work_year = ${workYear} AND ${unitIn('p.unit_id', division)} GROUP BY r.stage, i.status`.execute(db)
  // Unit, 股室 and fund-source views are over the projects of the work year's budget year.
  const group = (key: string, name: string) =>
    sql<{ k: string | null; name: string | null; c: number; f: number }>`
      SELECT ${sql.raw(key)} AS k, ${sql.raw(name)} AS name, count(*) AS c, coalesce(sum(p.amount_fen), 0) AS f
      FROM projects p JOIN units u ON u.id = p.unit_id LEFT JOIN divisions d ON d.id = u.division_id
      WHERE p.budget_year = ${workYear} AND ${unitIn('p.unit_id', division)} GROUP BY 1 ORDER BY f DESC`.execute(db)
  const [units, divisions, funds] = await Promise.all([group('u.id', 'u.name'), group('d.id', "coalesce(d.name, '未分配股室')"), group('p.fund_source', 'p.fund_source')])
  const asGroups = (rows: { k: string | null; name: string | null; c: number; f: number }[]): GroupAmount[] =>
    rows.map((r) => ({ key: r.k ?? '', name: r.name ?? '', count: n(r.c), fen: n(r.f) }))
  const latestMonitoring = rounds.find((r) => r.stage === 'monitoring') ?? null
  const lights = { red: 0, yellow: 0, green: 0, none: 0 }
  const warnings: DashboardWarning[] = []
  if (latestMonitoring) {
    const rows = await sql<{ light: string | null; c: number }>`SELECT light, count(*) AS c FROM round_items WHERE round_id = ${latestMonitoring.id} AND ${projectIn('project_id', division)} GROUP BY light`.execute(db)
    for (const r of rows.rows) lights[(r.light ?? 'none') as keyof typeof lights] += n(r.c)
    const reds = await sql<{ id: string; name: string; unit: string; f: number }>`
      SELECT i.id, p.name, u.name AS unit, p.amount_fen AS f FROM round_items i JOIN projects p ON p.id = i.project_id JOIN units u ON u.id = p.unit_id
      WHERE i.round_id = ${latestMonitoring.id} AND i.light = 'red' AND ${unitIn('p.unit_id', division)} ORDER BY p.amount_fen DESC LIMIT 10`.execute(db)
    if (lights.red > 0) {
      warnings.push({ kind: 'red', title: `红灯预警项目${lights.red}个`, detail: reds.rows.slice(0, 3).map((r) => `${r.unit}·${r.name}（${formatWanPlain(n(r.f))}万元）`).join('；') + (lights.red > 3 ? '等' : ''), roundId: latestMonitoring.id, itemId: null })
    }
  }
  const overdueRect = await sql<{ c: number; names: string | null }>`
    SELECT count(*) AS c, group_concat(p.name, '、') AS names FROM rectifications x JOIN round_items i ON i.id = x.item_id JOIN rounds r ON r.id = i.round_id JOIN projects p ON p.id = i.project_id
    WHERE r.work_year = ${workYear} AND x.status <> '已整改' AND x.deadline < ${isoDate(now)} AND ${unitIn('p.unit_id', division)}`.execute(db)
  if (n(overdueRect.rows[0]?.c) > 0) {
    warnings.push({ kind: 'rectify-overdue', title: `整改逾期${n(overdueRect.rows[0]?.c)}项`, detail: overdueRect.rows[0]?.names ?? '', roundId: null, itemId: null })
  }
  const cutoff = new Date(now.getTime() - waitingDays * 86_400_000).toISOString()
  const waiting = await sql<{ round_id: string; title: string; stage: string; c: number }>`
    SELECT r.id AS round_id, r.title, r.stage, count(*) AS c FROM round_items i JOIN rounds r ON r.id = i.round_id
    WHERE r.work_year = ${workYear} AND i.status = '已填报' AND i.submitted_at < ${cutoff} AND ${projectIn('i.project_id', division)} GROUP BY r.id ORDER BY r.created_at`.execute(db)
  for (const w of waiting.rows) {
    warnings.push({ kind: 'review-waiting', title: `${w.title}：${n(w.c)}个项目待审核超过${waitingDays}天`, detail: `${STAGES[w.stage as Stage]?.name ?? w.stage}`, roundId: w.round_id, itemId: null })
  }
  const openCounts = await sql<{ round_id: string; c: number }>`
    SELECT i.round_id, count(*) AS c FROM round_items i JOIN rounds r ON r.id = i.round_id WHERE r.work_year = ${workYear} AND i.status <> '已审核' AND ${projectIn('i.project_id', division)} GROUP BY i.round_id`.execute(db)
  const open = new Map(openCounts.rows.map((r) => [r.round_id, n(r.c)]))
  for (const r of rounds) {
    if (r.deadline && r.deadline < isoDate(now) && (open.get(r.id) ?? 0) > 0) {
      warnings.push({ kind: 'round-overdue', title: `${r.title}已过截止日期（${r.deadline}）`, detail: `尚有${open.get(r.id)}个项目未完成审核`, roundId: r.id, itemId: null })
    }
  }
  // Key-evaluated projects were self-evaluated too: the pipeline counts each project once.
  const evaluated = await coverage(db, ['selfeval', 'fiscaleval'], workYear, division)
  const roundOf = (stage: Stage) => rounds.find((r) => r.stage === stage)?.id ?? null
  const rectified = await sql<{ c: number; f: number }>`
    SELECT count(*) AS c, coalesce(sum(p.amount_fen), 0) AS f FROM rectifications x JOIN round_items i ON i.id = x.item_id JOIN rounds r ON r.id = i.round_id JOIN projects p ON p.id = i.project_id
    WHERE r.work_year = ${workYear} AND ${unitIn('p.unit_id', division)}`.execute(db)
  const scopeName =
    division === undefined ? null : ((await db.selectFrom('divisions').select('name').where('id', '=', division).executeTakeFirst())?.name ?? '')
  return {
    scope: division === undefined ? null : { divisionId: division, divisionName: scopeName ?? '' },
    headline,
    byStageStatus: byStage.rows.map((r) => ({ stage: r.stage, stageName: STAGES[r.stage as Stage]?.name ?? r.stage, status: r.status, count: n(r.c), fen: n(r.f) })),
    byUnit: asGroups(units.rows),
    byDivision: asGroups(divisions.rows),
    byFundSource: asGroups(funds.rows),
    lights,
    pipeline: [
      { stage: 'exante', name: '事前评估', count: headline.exanteProjects, fen: headline.exanteFen, roundId: null },
      { stage: 'targets', name: '绩效目标', count: headline.targetProjects, fen: headline.targetFen, roundId: roundOf('targets') },
      { stage: 'monitoring', name: '运行监控', count: headline.monitoredProjects, fen: headline.monitoredFen, roundId: roundOf('monitoring') },
      { stage: 'evaluation', name: '绩效评价', count: evaluated.projects, fen: evaluated.fen, roundId: roundOf('fiscaleval') ?? roundOf('selfeval') },
      { stage: 'rectify', name: '整改', count: n(rectified.rows[0]?.c), fen: n(rectified.rows[0]?.f), roundId: null },
    ],
    warnings,
    rounds: rounds.map((r) => ({ id: r.id, stage: r.stage, title: r.title })),
  }
}

export const dashboardHandlers: Pick<Handlers, 'dashboard/get' | 'dashboard/years'> = {
  async 'dashboard/get'({ workYear, waitingDays }, ctx) {
    return computeDashboard(ctx.db, workYear, ctx.now(), waitingDays, listDivisionScope(ctx))
  },
  async 'dashboard/years'(_input, ctx) {
    const years = await sql<{ y: number }>`
      SELECT work_year AS y FROM rounds UNION SELECT work_year FROM trainings UNION SELECT work_year FROM exante_proposals ORDER BY y`.execute(ctx.working.db)
    const scope = listDivisionScope(ctx)
    const out = await Promise.all(years.rows.map(async (r) => ({ source: '工作数据', headline: await computeHeadline(ctx.working.db, r.y, scope) })))
    // Kept year packages (a county's handover, or a city gathering its counties) side by side.
    for (const pkg of listPackages(ctx.dataDir)) {
      if (pkg.manifest.kind !== 'year') continue
      const sqlite = new Database(pkg.path, { readonly: true, fileMustExist: true })
      const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) })
      try {
        out.push({ source: `${pkg.manifest.county}${pkg.manifest.workYear}年度数据包`, headline: await computeHeadline(db, pkg.manifest.workYear, scope) })
      } catch {
        // A package from an older schema lacks some tables; it is still listed in 年度数据.
      } finally {
        await db.destroy()
        if (sqlite.open) sqlite.close()
      }
    }
    return out
  },
}
