/**
 * The bench's Excel figures, each beside its floor:
 *  - excel_import_5000_s: stageExcel/preview + stageExcel/apply (with the preview's token) as the
 *    import dialog calls them, on a 5,000-project 申报表 that updates 2,500 projects already in the
 *    round (half of them with changed amounts and indicator values) and adds 2,500 new ones;
 *    floor: exceljs's streaming reader over the same file plus hand-written prepared statements
 *    writing the same rows (projects, indicators, round items, one audit row each) in one transaction.
 *  - excel_export_round_s: stageExcel/export of the whole 5,000-project round to one workbook;
 *    floor: exceljs's streaming writer writing the same cells (no styles, no validations) from one query.
 *  - the longest event-loop block and the peak RSS of each, measured in a child process that does
 *    only that operation (child-op.ts).
 */
import Database from 'better-sqlite3'
import ExcelJS from 'exceljs'
import { randomUUID } from 'node:crypto'
import { copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs'
import { strFromU8, unzipSync } from 'fflate'
import { join } from 'node:path'
import { openBackend } from '../../electron/backend'
import { streamReader } from '../../electron/excel/stream-workbook'
import type { SheetProject } from '../../electron/excel/stage-types'
import { buildTargetsWorkbook } from '../../electron/excel/targets-sheet'
import { headlessPlatform } from '../../electron/platform'
import { bundleChild, runChild, type ChildResult } from './child-run'

const L2 = ['数量指标', '数量指标', '质量指标', '质量指标', '时效指标', '时效指标', '成本指标', '经济效益指标', '社会效益指标', '生态效益指标', '可持续影响指标', '服务对象满意度指标']
const L1 = ['产出指标', '产出指标', '产出指标', '产出指标', '产出指标', '产出指标', '产出指标', '效益指标', '效益指标', '效益指标', '效益指标', '满意度指标']
const WEIGHTS = [10, 5, 5, 5, 5, 5, 15, 5, 10, 10, 5, 10]

/** One operation's figures: its time beside its floor's, and from its child the longest block and the peak RSS. */
export interface OpFigures {
  s: number
  floorS: number
  blockMs: number
  rssMb: number
  /** What the child held just before the operation (its code, the backend, the file read). */
  baseRssMb: number
}

export interface ExcelFigures {
  import: OpFigures
  export: OpFigures
  notes: string[]
}

const opFigures = (c: ChildResult, floorS: number): OpFigures => ({ s: c.ms / 1000, floorS, blockMs: c.blockMs, rssMb: c.rssMb, baseRssMb: c.baseRssMb })

export type MonitoringExportFigures = OpFigures & { note: string }

/**
 * The data rows of each sheet of an exported workbook (rows below the 3-row heading), by sheet
 * name: that the product's export wrote every row its floor wrote, and no more. Sheets are paired
 * with their names in the order workbook.xml lists them (the streaming writer's sheetN order).
 */
export function dataRowCounts(path: string): Record<string, number> {
  const files = unzipSync(readFileSync(path))
  const names = [...strFromU8(files['xl/workbook.xml']!).matchAll(/<sheet [^>]*name="([^"]+)"/g)].map((m) => m[1]!)
  const out: Record<string, number> = {}
  names.forEach((name, i) => {
    const xml = files[`xl/worksheets/sheet${i + 1}.xml`]
    if (xml) out[name] = Math.max(0, (strFromU8(xml).match(/<row /g)?.length ?? 0) - 3)
  })
  return out
}

/**
 * excel_export_monitoring_round_s: stageExcel/export of a whole 监控表 round (the city's 5,000
 * projects with their monitoring values) to one workbook, in a child process as above (its peak
 * RSS its own); floor: the streaming writer writing the same rows (项目执行: one per item, 11
 * columns; 指标完成: one per indicator with its values, 16 columns) from one query each, no styles.
 */
export async function benchMonitoringExport(o: { dir: string; dataDir: string; dbPath: string; roundId: string; name: string; password: string }): Promise<MonitoringExportFigures> {
  const script = await bundleChild(o.dir)
  const exp = runChild(script, ['export', o.dataDir, o.roundId, o.name, o.password])
  const t = performance.now()
  const src = new Database(o.dbPath, { readonly: true })
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: join(o.dir, 'export-monitoring-floor.xlsx'), useStyles: false, useSharedStrings: false })
  const pws = wb.addWorksheet('项目执行')
  const items = src.prepare(`SELECT p.id, u.code, u.name AS unit, p.name, p.amount_fen, i.executed_fen, i.forecast_fen, i.deviation, i.measures, i.id AS item FROM round_items i JOIN projects p ON p.id = i.project_id JOIN units u ON u.id = p.unit_id WHERE i.round_id = ? ORDER BY u.code, p.name`)
  let projects = 0
  for (const r of items.iterate(o.roundId) as Iterable<Record<string, unknown>>) {
    const amount = Number(r.amount_fen) / 1_000_000
    const executed = r.executed_fen === null ? null : Number(r.executed_fen) / 1_000_000
    pws.addRow([r.id, r.code, r.unit, r.name, amount, executed, executed === null || !amount ? null : executed / amount, r.forecast_fen === null ? null : Number(r.forecast_fen) / 1_000_000, r.deviation, r.measures, r.item]).commit()
    projects++
  }
  pws.commit()
  const iws = wb.addWorksheet('指标完成')
  const inds = src.prepare(`SELECT p.id AS pid, p.name AS pname, x.id, x.level1, x.level2, x.name, x.operator, x.target_value, x.unit, v.actual, v.forecast, v.likelihood, v.causes, v.measures, v.light, v.id AS vid FROM round_items i JOIN projects p ON p.id = i.project_id JOIN units u ON u.id = p.unit_id JOIN indicators x ON x.project_id = p.id LEFT JOIN indicator_values v ON v.item_id = i.id AND v.indicator_id = x.id WHERE i.round_id = ? ORDER BY u.code, p.name, x.sort`)
  let indicators = 0
  for (const x of inds.iterate(o.roundId) as Iterable<Record<string, unknown>>) {
    iws.addRow([x.pid, x.pname, x.id, x.level1, x.level2, x.name, x.operator, x.target_value, x.unit, x.actual, x.forecast, x.likelihood, x.causes, x.measures, x.light, x.vid]).commit()
    indicators++
  }
  iws.commit()
  await wb.commit()
  src.close()
  const floorS = (performance.now() - t) / 1000
  return {
    ...opFigures(exp, floorS),
    note: `export of the 监控表 round: ${(exp.detail as { paths: string[] }).paths.length} file, data rows ${JSON.stringify(dataRowCounts((exp.detail as { paths: string[] }).paths[0]!))}; floor wrote ${projects} project rows and ${indicators} indicator rows; the child held ${exp.baseRssMb.toFixed(0)} MB before it started (start-up, with its backup and quick_check of the city file, peaked at ${exp.startupPeakRssMb.toFixed(0)} MB${exp.peakIsReset ? '; the peak was reset after it' : '; the peak could not be reset'})`,
  }
}

/**
 * excel_export_selfeval_round_s: stageExcel/export of a whole 自评表 round (the city's 5,000
 * projects of the year before, a sheet each) as the export dialog does it for a round this size: a
 * workbook per unit (one workbook holds at most WORKBOOK_LIMITS.sheets sheets), in a child process
 * as above; floor: the streaming writer writing the same workbooks (a sheet per project with the
 * same rows: title, project, unit, the three fund sources and 合计, the indicators, 总分, the three
 * conclusions) from one query, no styles, merges, drop-downs or protection.
 */
export async function benchSelfEvalExport(o: { dir: string; dataDir: string; dbPath: string; workYear: number; name: string; password: string }): Promise<MonitoringExportFigures> {
  const script = await bundleChild(o.dir)
  const src = new Database(o.dbPath, { readonly: true })
  const roundId = src.prepare("SELECT id FROM rounds WHERE stage = 'selfeval' AND work_year = ? ORDER BY created_at LIMIT 1").pluck().get(o.workYear) as string
  const exp = runChild(script, ['export', o.dataDir, roundId, o.name, o.password, 'per-unit'])
  const t = performance.now()
  const rows = src.prepare(`SELECT i.id AS item, p.id AS pid, p.name, p.code, u.id AS uid, u.code AS ucode, u.name AS unit, p.amount_fen, x.id, x.level1, x.level2, x.name AS iname, x.operator, x.target_value, x.unit AS iunit, x.weight, v.actual, v.final_score, v.reason, i.eval_conclusion, i.eval_problems, i.eval_improvements FROM round_items i JOIN projects p ON p.id = i.project_id JOIN units u ON u.id = p.unit_id LEFT JOIN indicators x ON x.project_id = p.id LEFT JOIN indicator_values v ON v.item_id = i.id AND v.indicator_id = x.id WHERE i.round_id = ? ORDER BY u.code, p.name, i.id, x.sort`)
  let wb: ExcelJS.stream.xlsx.WorkbookWriter | null = null
  let ws: ExcelJS.Worksheet | null = null
  let last: Record<string, unknown> | null = null
  let sheets = 0
  let files = 0
  const closeSheet = () => {
    if (!ws || !last) return
    ws.addRow(['总分', null, null, null, null, null, null, 100]).commit()
    for (const k of ['eval_conclusion', 'eval_problems', 'eval_improvements']) ws.addRow([k, last[k]]).commit()
    ws.commit()
    ws = null
  }
  const closeBook = async () => {
    closeSheet()
    if (!wb) return
    wb.addWorksheet('下拉列表').commit()
    await wb.commit()
    wb = null
  }
  for (const r of rows.iterate(roundId) as Iterable<Record<string, unknown>>) {
    if (!last || last.uid !== r.uid) {
      await closeBook()
      wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: join(o.dir, `export-selfeval-floor-${++files}.xlsx`), useStyles: false, useSharedStrings: false })
      wb.addWorksheet('填表说明').commit()
    }
    if (!last || last.item !== r.item) {
      closeSheet()
      ws = wb!.addWorksheet(`p${++sheets}`)
      ws.addRow(['2023年度项目支出绩效自评表']).commit()
      ws.addRow(['项目名称', `${r.code}-${r.name}`, r.item, r.pid]).commit()
      ws.addRow(['实施单位', r.unit, '单位编码', r.ucode]).commit()
      const wan = Number(r.amount_fen) / 1_000_000
      for (const [source, amount] of [['当年财政资金', wan], ['上年结转资金', 0], ['其他资金', 0]] as const) ws.addRow([source, amount, amount, null, null, 10]).commit()
      ws.addRow(['合计', wan, wan, 0, null]).commit()
    }
    if (r.id) ws!.addRow([r.level1, r.level2, r.iname, r.operator, r.target_value, r.iunit, r.actual, r.weight, r.final_score, r.reason, r.id]).commit()
    last = r
  }
  await closeBook()
  src.close()
  const floorS = (performance.now() - t) / 1000
  const paths = (exp.detail as { paths: string[] }).paths
  let exported = 0
  for (const path of paths) exported += [...strFromU8(unzipSync(readFileSync(path), { filter: (f) => f.name === 'xl/workbook.xml' })['xl/workbook.xml']!).matchAll(/<sheet /g)].length - 2
  return {
    ...opFigures(exp, floorS),
    note: `export of the 自评表 round: ${paths.length} files (a file per unit) with ${exported} project sheets; floor wrote ${files} files with ${sheets} project sheets; the child held ${exp.baseRssMb.toFixed(0)} MB before it started`,
  }
}

export async function benchExcel(opts: { dir: string; budgetYear: number; projects: number; indicatorsPerProject: number; units: number }): Promise<ExcelFigures> {
  const notes: string[] = []
  const dataDir = join(opts.dir, 'excel')
  const b = await openBackend({ dataDir, appVersion: 'bench', platform: headlessPlatform })
  const call = async (channel: string, input: unknown): Promise<any> => {
    const r = await b.dispatch(channel, input)
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`)
    return r.data
  }
  const password = `bench-${randomUUID()}1a`
  const name = '基准测试'
  await call('session/setup', { name, password })
  const div = await call('divisions/save', { name: '预算股' })
  const units: { id: string; code: string; name: string }[] = []
  for (let u = 0; u < opts.units; u++) units.push(await call('units/save', { code: String(200000 + u), name: `预算单位${u + 1}`, parentName: '', divisionId: div.id }))

  // Half the round is already there (as an earlier import left it): projects and their indicators.
  const existing = Math.floor(opts.projects / 2)
  const now = new Date().toISOString()
  const sqlite = b.ctx.sqlite
  const insProject = sqlite.prepare('INSERT INTO projects (id, budget_year, unit_id, code, name, amount_fen, fund_source, category, annual_goal, origin, origin_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)')
  const insIndicator = sqlite.prepare('INSERT INTO indicators (id, project_id, level1, level2, name, operator, target_value, unit, weight, explanation, sort, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)')
  const old: SheetProject[] = []
  sqlite.transaction(() => {
    for (let p = 0; p < existing; p++) {
      const u = units[p % units.length]!
      const id = randomUUID()
      insProject.run(id, opts.budgetYear, u.id, `E${p}`, `已有项目${p + 1}`, 100_000_000, '一般公共预算', '项目', '按期完成年度任务', '导入', null, now, now)
      const indicators = Array.from({ length: opts.indicatorsPerProject }, (_, k) => {
        const ind = { id: randomUUID(), level1: L1[k % 12]!, level2: L2[k % 12]!, name: `指标${k + 1}`, operator: k === 6 ? '≤' : '≥', targetValue: k === 6 ? '100' : '90', unit: k === 6 ? '万元' : '%', weight: WEIGHTS[k % 12]!, explanation: '' }
        insIndicator.run(ind.id, id, ind.level1, ind.level2, ind.name, ind.operator, ind.targetValue, ind.unit, ind.weight, '', k, now, now)
        return ind
      })
      old.push({ id, unitCode: u.code, unitName: u.name, code: `E${p}`, name: `已有项目${p + 1}`, fundSource: '一般公共预算', category: '项目', amountFen: 100_000_000, annualGoal: '按期完成年度任务', indicators })
    }
  })()
  const round = await call('rounds/save', { stage: 'targets', workYear: opts.budgetYear, title: '基准导入', deadline: null, unitIds: [] })
  // The unit's file: every other existing project changed (amount, goal, two indicator values),
  // the rest as exported, and as many new projects typed below them (no ids).
  const changed = old.map((p, k): SheetProject =>
    k % 2 === 0 ? { ...p, amountFen: p.amountFen + 12_340_000, annualGoal: `${p.annualGoal}，覆盖全部乡镇`, indicators: p.indicators.map((i, n) => (n < 2 ? { ...i, targetValue: '95' } : i)) } : p,
  )
  const fresh = Array.from({ length: opts.projects - existing }, (_, p): SheetProject => {
    const u = units[p % units.length]!
    return {
      id: '',
      unitCode: u.code,
      unitName: u.name,
      code: `N${p}`,
      name: `新增项目${p + 1}`,
      fundSource: '一般公共预算',
      category: '项目',
      amountFen: 100_000_000,
      annualGoal: '按期完成年度任务',
      indicators: Array.from({ length: opts.indicatorsPerProject }, (_, k) => ({ id: '', level1: L1[k % 12]!, level2: L2[k % 12]!, name: `指标${k + 1}`, operator: k === 6 ? '≤' : '≥', targetValue: k === 6 ? '100' : '90', unit: k === 6 ? '万元' : '%', weight: WEIGHTS[k % 12]!, explanation: '' })),
    }
  })
  const buf = await buildTargetsWorkbook({ title: '基准申报表', deadline: null, units: units.map((u) => ({ code: u.code, name: u.name })), projects: [...changed, ...fresh] })
  const file = join(opts.dir, 'bench-import.xlsx')
  writeFileSync(file, buf)
  notes.push(`import workbook: ${(buf.length / 1e6).toFixed(1)} MB, ${existing} projects updated (${Math.ceil(existing / 2)} changed) + ${opts.projects - existing} new, ${opts.projects * opts.indicatorsPerProject} indicator rows`)
  await b.close()
  const floorDb = join(opts.dir, 'excel-floor.db')
  copyFileSync(b.dbPath, floorDb)

  // BENCH_KEEP=1 (with bench.ts keeping its folder): the database as it was before the import, and
  // the children's arguments, to run one of them again by hand (under a profiler, say).
  if (process.env.BENCH_KEEP) {
    cpSync(dataDir, `${dataDir}-before-import`, { recursive: true })
    writeFileSync(join(opts.dir, 'child-args.json'), JSON.stringify({ import: ['import', dataDir, round.id, file, name, password], export: ['export', dataDir, round.id, name, password] }))
  }
  const script = await bundleChild(opts.dir)
  const imp = runChild(script, ['import', dataDir, round.id, file, name, password])
  notes.push(`import: ${JSON.stringify(imp.detail)}; the child held ${imp.baseRssMb.toFixed(0)} MB before it started (start-up, with its backup and quick_check, peaked at ${imp.startupPeakRssMb.toFixed(0)} MB; ${imp.peakIsReset ? 'the peak was reset after it, so peak_rss_mb_excel_import is the operation\'s own' : 'the peak could not be reset: peak_rss_mb_excel_import includes start-up'})`)

  // Floor of the import: the streaming reader and prepared statements, on the database as it was.
  let t = performance.now()
  const db = new Database(floorDb)
  const rows: { projects: unknown[][]; indicators: unknown[][] } = { projects: [], indicators: [] }
  const reader = streamReader(buf, { sharedStrings: 'cache', worksheets: 'emit', styles: 'ignore', hyperlinks: 'ignore', entries: 'ignore' })
  for await (const ws of reader) {
    const sheet = (ws as unknown as { name: string }).name
    const into = sheet === '项目信息' ? rows.projects : sheet === '绩效指标' ? rows.indicators : null
    for await (const row of ws) if (into && row.number > 3) into.push(row.values as unknown[])
  }
  const unitByCode = new Map(units.map((u) => [u.code, u.id]))
  const at = new Date().toISOString()
  const audit = db.prepare('INSERT INTO audit_log (at, operator_id, action, entity, entity_id, before, after) VALUES (?,?,?,?,?,?,?)')
  const upProject = db.prepare('UPDATE projects SET amount_fen = ?, annual_goal = ?, updated_at = ? WHERE id = ?')
  const insP = db.prepare('INSERT INTO projects (id, budget_year, unit_id, code, name, amount_fen, fund_source, category, annual_goal, origin, origin_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)')
  const insItem = db.prepare(`INSERT INTO round_items (id, round_id, project_id, status, created_at, updated_at) VALUES (?,?,?,'已填报',?,?)`)
  const upInd = db.prepare('UPDATE indicators SET target_value = ?, updated_at = ? WHERE id = ?')
  const insI = db.prepare('INSERT INTO indicators (id, project_id, level1, level2, name, operator, target_value, unit, weight, explanation, sort, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)')
  const byName = new Map<string, string>()
  const text = (v: unknown) => (v === null || v === undefined ? '' : String(v))
  db.transaction(() => {
    for (const v of rows.projects) {
      if (!text(v[5])) continue
      const amount = Math.round(Number(v[8]) * 1_000_000)
      let id = text(v[1])
      if (id) upProject.run(amount, text(v[9]), at, id)
      else {
        id = randomUUID()
        insP.run(id, opts.budgetYear, unitByCode.get(text(v[2])), text(v[4]), text(v[5]), amount, text(v[6]), text(v[7]) || '项目', text(v[9]), '导入', null, at, at)
        insItem.run(randomUUID(), round.id, id, at, at)
      }
      audit.run(at, null, 'update', 'projects', id, null, JSON.stringify(v))
      byName.set(text(v[5]), id)
    }
    let sort = 0
    for (const v of rows.indicators) {
      if (!text(v[6])) continue
      const id = text(v[3])
      if (id) upInd.run(text(v[8]), at, id)
      else insI.run(randomUUID(), byName.get(text(v[2])), text(v[4]), text(v[5]), text(v[6]), text(v[7]), text(v[8]), text(v[9]), Number(v[10]) || null, text(v[11]), sort++ % 12, at, at)
      audit.run(at, null, 'update', 'indicators', id || 'new', null, JSON.stringify(v))
    }
  })()
  db.close()
  const importFloorS = (performance.now() - t) / 1000
  notes.push(`import floor read ${rows.projects.length} project rows and ${rows.indicators.length} indicator rows`)

  const exp = runChild(script, ['export', dataDir, round.id, name, password])
  notes.push(`export: ${(exp.detail as { paths: string[] }).paths.length} file, data rows ${JSON.stringify(dataRowCounts((exp.detail as { paths: string[] }).paths[0]!))} (the 申报表's 20 spare rows included); the child held ${exp.baseRssMb.toFixed(0)} MB before it started (start-up, with its backup and quick_check, peaked at ${exp.startupPeakRssMb.toFixed(0)} MB; ${exp.peakIsReset ? 'the peak was reset after it, so peak_rss_mb_excel_export is the operation\'s own' : 'the peak could not be reset: peak_rss_mb_excel_export includes start-up'})`)

  // Floor of the export: the same cells from one query each, streamed without styles.
  t = performance.now()
  const src = new Database(join(dataDir, b.dbPath.split(/[\\/]/).pop()!), { readonly: true })
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: join(opts.dir, 'export-floor.xlsx'), useStyles: false, useSharedStrings: false })
  const pws = wb.addWorksheet('项目信息')
  const projects = src.prepare(`SELECT p.id, u.code, u.name AS unit, p.code AS pcode, p.name, p.fund_source, p.category, p.amount_fen, p.annual_goal FROM round_items i JOIN projects p ON p.id = i.project_id JOIN units u ON u.id = p.unit_id WHERE i.round_id = ? ORDER BY u.code, p.name`).all(round.id) as Record<string, unknown>[]
  for (const p of projects) pws.addRow([p.id, p.code, p.unit, p.pcode, p.name, p.fund_source, p.category, Number(p.amount_fen) / 1_000_000, p.annual_goal]).commit()
  pws.commit()
  const iws = wb.addWorksheet('绩效指标')
  const inds = src.prepare(`SELECT p.id AS pid, p.name AS pname, x.id, x.level1, x.level2, x.name, x.operator, x.target_value, x.unit, x.weight, x.explanation FROM round_items i JOIN projects p ON p.id = i.project_id JOIN units u ON u.id = p.unit_id JOIN indicators x ON x.project_id = p.id WHERE i.round_id = ? ORDER BY u.code, p.name, x.sort`)
  let n = 0
  for (const x of inds.iterate(round.id) as Iterable<Record<string, unknown>>) {
    iws.addRow([x.pid, x.pname, x.id, x.level1, x.level2, x.name, x.operator, x.target_value, x.unit, x.weight, x.explanation]).commit()
    n++
  }
  iws.commit()
  await wb.commit()
  src.close()
  const exportFloorS = (performance.now() - t) / 1000
  notes.push(`export floor: ${projects.length} projects, ${n} indicators`)

  return { import: opFigures(imp, importFloorS), export: opFigures(exp, exportFloorS), notes }
}
