/**
 * Which rows of each table a year package (年度数据包) and a 年度结转 starter database carry.
 *
 * This is the ONE place that knows it. Every table of the working database must have a line here:
 * the export refuses to run if a table is missing, and test/yeardata/coverage.test.ts fails first,
 * so a new stage (e.g. 绩效评价, 整改) cannot be silently left out of the handover.
 *
 * Lines run in order, each an INSERT … SELECT from the source (alias `s`) into the package being
 * built (schema `main`), so a rule may select "rows that belong to what is already in the package"
 * (e.g. round_items of the rounds already copied); the source is attached as `src`. Parameters: @year (the work year exported, or
 * the year being closed for 结转), @next (@year + 1), @yearText (String(@year), for text columns).
 */

export type Rule =
  /** Master data: every row. */
  | 'all'
  /** Not carried. */
  | 'none'
  /** Rows whose work-year column equals @year (also tells which work years the database holds). */
  | { root: string }
  /**
   * Rows matching an SQL condition over `s`, the tables already filled in `main`, and `src`.
   * `requires`: source tables the condition reads; if one is absent the rule carries nothing
   * (so the list works with and without a stage whose tables arrive in a later migration).
   */
  | { where: string; requires?: string[] }
  /** audit_log: the history of exactly the rows the package carries (see auditCondition). */
  | 'audit'

export interface TableRule {
  table: string
  /** Chinese name, for progress messages. */
  label: string
  /** A year package of work year @year. */
  year: Rule
  /** A 年度结转 starter database for work year @next. */
  carryOver: Rule
}

/** An open 整改 item: not yet 已整改. It follows the successor into the new year. */
const OPEN_RECTIFICATION = "x.status <> '已整改'"

export const TABLE_RULES: readonly TableRule[] = [
  // Master data travels whole: a package must open on a PC that has never seen this county.
  { table: 'settings', label: '设置', year: 'all', carryOver: 'all' },
  { table: 'divisions', label: '股室', year: 'all', carryOver: 'all' },
  { table: 'operators', label: '操作员', year: 'all', carryOver: 'all' },
  { table: 'units', label: '预算单位', year: 'all', carryOver: 'all' },
  { table: 'library_indicators', label: '指标库', year: 'all', carryOver: 'all' },
  { table: 'agencies', label: '第三方机构', year: 'all', carryOver: 'all' },
  // Locks of closed years say how the records were left; a fresh year starts unlocked.
  { table: 'year_locks', label: '年度锁定', year: 'all', carryOver: 'none' },
  // The work year's own records.
  { table: 'trainings', label: '业务培训', year: { root: 'work_year' }, carryOver: 'none' },
  { table: 'exante_proposals', label: '事前绩效评估', year: { root: 'work_year' }, carryOver: 'none' },
  { table: 'free_documents', label: '自拟公文', year: { root: 'work_year' }, carryOver: 'none' },
  {
    table: 'rounds',
    label: '工作任务',
    year: { root: 'work_year' },
    // 结转: only the rounds holding an open 整改 item, so the successor can follow it up.
    carryOver: {
      where: `s.id IN (SELECT ri.round_id FROM src.round_items ri JOIN src.rectifications x ON x.item_id = ri.id WHERE ${OPEN_RECTIFICATION})`,
      requires: ['rectifications'],
    },
  },
  {
    table: 'round_items',
    label: '任务项目',
    year: { where: 's.round_id IN (SELECT id FROM main.rounds)' },
    carryOver: { where: `s.id IN (SELECT x.item_id FROM src.rectifications x WHERE ${OPEN_RECTIFICATION})`, requires: ['rectifications'] },
  },
  { table: 'reviews', label: '审核记录', year: { where: 's.item_id IN (SELECT id FROM main.round_items)' }, carryOver: 'none' },
  { table: 'engagements', label: '第三方机构委托', year: { where: 's.round_id IN (SELECT id FROM main.rounds)' }, carryOver: 'none' },
  { table: 'agency_ratings', label: '第三方机构考评', year: { where: 's.engagement_id IN (SELECT id FROM main.engagements)' }, carryOver: 'none' },
  {
    table: 'rectifications',
    label: '整改',
    year: { where: 's.item_id IN (SELECT id FROM main.round_items)' },
    carryOver: { where: `s.item_id IN (SELECT id FROM main.round_items) AND ${OPEN_RECTIFICATION.replace('x.', 's.')}` },
  },
  {
    table: 'projects',
    label: '项目',
    // Budget year N, plus whatever the year's records point at: the 项目库 entries (N+1) created
    // from its 事前评估, and the projects of its rounds (evaluation rounds concern N−1).
    year: {
      where:
        's.budget_year = @year OR s.id IN (SELECT library_project_id FROM main.exante_proposals WHERE library_project_id IS NOT NULL) OR s.id IN (SELECT project_id FROM main.round_items)',
    },
    // The 项目库 of the new year (incl. what entered it from 事前评估): next year's work starts
    // there; plus the projects of carried open 整改 items.
    carryOver: { where: 's.budget_year = @next OR s.id IN (SELECT project_id FROM main.round_items)' },
  },
  { table: 'indicators', label: '绩效指标', year: { where: 's.project_id IN (SELECT id FROM main.projects)' }, carryOver: { where: 's.project_id IN (SELECT id FROM main.projects)' } },
  { table: 'indicator_values', label: '监控评价数据', year: { where: 's.item_id IN (SELECT id FROM main.round_items)' }, carryOver: 'none' },
  { table: 'documents', label: '发文登记', year: { root: 'year' }, carryOver: 'none' },
  // Last, so that it sees every row carried above. A fresh year starts a fresh log.
  { table: 'audit_log', label: '操作日志', year: 'audit', carryOver: 'none' },
]

/** Tables SQLite manages itself or that the package format adds: never listed above. */
export const INTERNAL_TABLES = new Set(['package_manifest'])
export const isInternalTable = (name: string) => name.startsWith('sqlite_') || INTERNAL_TABLES.has(name)

/**
 * Why by record and not by calendar year: a work year's records are edited well into the next
 * calendar year (final reviews, documents), and a calendar year holds two work years' edits. So the
 * package carries the full history of every row it carries (entity = table name, entity_id = its
 * key, which is how the Writer logs), plus the lock/unlock entries of the year itself. What it does
 * not carry: the history of rows deleted before export (kept in the working database's log).
 */
export function auditCondition(carried: { table: string; pk: string }[]): string {
  // One index lookup per carried row on audit_log(entity, entity_id), not a scan of 10 years of log.
  const parts = carried.map((t) => `SELECT a.id FROM src.audit_log a WHERE a.entity = '${t.table}' AND a.entity_id IN (SELECT ${t.pk} FROM main.${t.table})`)
  parts.push(`SELECT a.id FROM src.audit_log a WHERE a.entity = 'year' AND a.entity_id = @yearText`)
  return `s.id IN (${parts.join(' UNION ALL ')})`
}

/** SQL listing every work year the database holds records for (from the `root` rules). */
export function workYearsSql(): string {
  const parts = TABLE_RULES.flatMap((r) => (typeof r.year === 'object' && 'root' in r.year ? [`SELECT ${r.year.root} AS y FROM ${r.table}`] : []))
  return `${parts.join(' UNION ')} ORDER BY y`
}
