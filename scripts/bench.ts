/**
 * `npm run bench`: builds a city-scale work year in a temp folder and prints one line per figure,
 * `BENCH <name> <value> <unit>`. A script, not a test: figures are measured, never asserted.
 * Goals (2-core machine): dashboard ≤ 100 ms and ≤ 2× raw SQL; list ≤ 50 ms; 5,000-project import
 * ≤ 30 s; 139 意见书 ≤ 15 s; export ≤ 3× copy; verify ≤ 5 s; startup ≤ 1.5 s.
 */
import Database from 'better-sqlite3'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openBackend, type Backend } from '../electron/backend'
import { buildTargetsWorkbook } from '../electron/excel/targets-sheet'
import type { SheetProject } from '../electron/excel/stage-types'
import { headlessPlatform } from '../electron/platform'
import { CITY, generateCity } from './bench/city-data'
import { benchYearData } from './bench-yeardata'

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const out = (name: string, value: number, unit: string) => console.log(`BENCH ${name} ${Number(value.toFixed(value < 10 ? 3 : 1))} ${unit}`)
const note = (s: string) => console.error(`# ${s}`)

async function call(b: Backend, channel: string, input: unknown): Promise<any> {
  const r = await b.dispatch(channel, input)
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`)
  return r.data
}

async function timeIt(fn: () => Promise<unknown> | unknown, runs: number): Promise<number> {
  const xs: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await fn()
    xs.push(performance.now() - t)
  }
  return median(xs)
}

const ORG = { county: '曲靖市', bureau: '曲靖市财政局', issuerMark: '曲靖市财政局文件', prefixBudget: '曲财预', prefixPerformance: '曲财绩', printer: '曲靖市财政局办公室', signature: '曲靖市财政局' }

async function setUp(b: Backend) {
  const op = await call(b, 'operators/save', { name: '基准测试', divisionId: null })
  const s = await call(b, 'settings/get', {})
  await call(b, 'settings/save', { ...s, org: ORG })
  return op.id as string
}

/** The dashboard's figures for one year in one hand-written query. */
const RAW_DASHBOARD = `
SELECT
 (SELECT json_group_array(json_array(stage, n, units, f)) FROM (
   SELECT r.stage, count(DISTINCT i.project_id) AS n, count(DISTINCT p.unit_id) AS units, sum(p.amount_fen) AS f
   FROM rounds r JOIN round_items i ON i.round_id = r.id JOIN projects p ON p.id = i.project_id WHERE r.work_year = @y GROUP BY r.stage)) AS coverage,
 (SELECT json_group_array(json_array(stage, status, c, f)) FROM (
   SELECT r.stage, i.status, count(*) c, sum(p.amount_fen) f FROM rounds r JOIN round_items i ON i.round_id = r.id JOIN projects p ON p.id = i.project_id
   WHERE r.work_year = @y GROUP BY r.stage, i.status)) AS by_status,
 (SELECT json_group_array(json_array(k, c, f)) FROM (SELECT p.unit_id k, count(*) c, sum(p.amount_fen) f FROM projects p WHERE p.budget_year = @y GROUP BY p.unit_id)) AS by_unit,
 (SELECT json_group_array(json_array(k, c, f)) FROM (SELECT u.division_id k, count(*) c, sum(p.amount_fen) f FROM projects p JOIN units u ON u.id = p.unit_id WHERE p.budget_year = @y GROUP BY u.division_id)) AS by_division,
 (SELECT json_group_array(json_array(k, c, f)) FROM (SELECT p.fund_source k, count(*) c, sum(p.amount_fen) f FROM projects p WHERE p.budget_year = @y GROUP BY p.fund_source)) AS by_fund,
 (SELECT json_group_array(json_array(light, c)) FROM (SELECT i.light, count(*) c FROM round_items i WHERE i.round_id =
   (SELECT id FROM rounds WHERE stage = 'monitoring' AND work_year = @y ORDER BY created_at DESC LIMIT 1) GROUP BY i.light)) AS lights,
 (SELECT count(*) FROM trainings WHERE work_year = @y) AS trainings,
 (SELECT sum(amount_fen) FROM exante_proposals WHERE work_year = @y) AS exante,
 (SELECT count(*) FROM rectifications x JOIN round_items i ON i.id = x.item_id JOIN rounds r ON r.id = i.round_id WHERE r.work_year = @y AND x.status <> '已整改') AS rect_open`

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'ysjx-bench-'))
  const dataDir = join(dir, 'data')
  try {
    let b = await openBackend({ dataDir, appVersion: 'bench', platform: headlessPlatform })
    const operatorId = await setUp(b)
    let t = performance.now()
    const { currentYear, counts } = generateCity(b.ctx.sqlite, operatorId)
    note(`generated ${JSON.stringify(counts)} in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    b.ctx.sqlite.pragma('optimize')

    // 驾驶舱 against one raw query over the same data.
    await call(b, 'dashboard/get', { workYear: currentYear })
    const dash = await timeIt(() => call(b, 'dashboard/get', { workYear: currentYear }), 20)
    const rawStmt = b.ctx.sqlite.prepare(RAW_DASHBOARD)
    const raw = await timeIt(() => rawStmt.get({ y: currentYear }), 20)
    out('dashboard_ms', dash, 'ms')
    out('dashboard_vs_raw', dash / raw, 'x')
    note(`raw dashboard query ${raw.toFixed(1)} ms`)

    // A stage list: filter by 股室, sort by amount, one page of 50.
    const [mon] = await call(b, 'rounds/list', { stage: 'monitoring', workYear: currentYear })
    const divisions = await call(b, 'divisions/list', {})
    const listMs = await timeIt(() => call(b, 'items/list', { roundId: mon.id, divisionId: divisions[2].id, light: 'red', sort: 'amount', order: 'desc', offset: 0, limit: 50 }), 20)
    out('project_list_ms', listMs, 'ms')
    const fullListMs = await timeIt(() => call(b, 'items/list', { roundId: mon.id, sort: 'amount', order: 'desc', offset: 100, limit: 50 }), 20)
    note(`unfiltered page of 50 over ${CITY.projectsPerYear} items: ${fullListMs.toFixed(1)} ms`)

    // 139 意见书 as a batch job.
    const [tr] = await call(b, 'rounds/list', { stage: 'targets', workYear: currentYear })
    b.ctx.sqlite.prepare(`UPDATE round_items SET status = '已填报' WHERE round_id = ?`).run(tr.id)
    b.ctx.sqlite.prepare(`UPDATE round_items SET status = '已审核', conclusion = '优' WHERE rowid IN (SELECT rowid FROM round_items WHERE round_id = ? ORDER BY rowid LIMIT 139)`).run(tr.id)
    t = performance.now()
    const job = await call(b, 'docs/batch', { kind: 'targets-opinion', roundId: tr.id, date: `${currentYear}-12-01` })
    const done = await b.ctx.jobs.wait(job.id, 600_000)
    out('docs_batch_139_s', (performance.now() - t) / 1000, 's')
    note(`batch: ${done.message}`)

    t = performance.now()
    const draft = await call(b, 'docs/draft', { kind: 'annual-report', workYear: currentYear })
    await call(b, 'docs/issue', { kind: 'annual-report', workYear: currentYear, title: draft.title, recipients: '', body: draft.body, attachments: [], copyTo: '', date: `${currentYear}-12-31`, serial: null })
    out('annual_report_s', (performance.now() - t) / 1000, 's')

    // Year package against a plain copy of the checkpointed file.
    const yd = await benchYearData({ dbPath: b.dbPath, workYear: currentYear, scratchDir: dir, runs: 3, checkpoint: () => b.ctx.sqlite.pragma('wal_checkpoint(TRUNCATE)') })
    out('year_export_s', yd.exportS, 's')
    out('year_export_vs_copy', yd.ratio, 'x')
    out('year_verify_s', yd.verifyS, 's')
    out('year_rebuild_s', yd.rebuildS, 's')
    note(`package ${(yd.packageBytes / 1e6).toFixed(1)} MB of ${(yd.workingBytes / 1e6).toFixed(1)} MB working file, ${yd.rows} rows`)

    // Start-up: open (with the start backup and migration check) and the first dashboard payload.
    await b.close()
    const starts: number[] = []
    for (let i = 0; i < 3; i++) {
      t = performance.now()
      b = await openBackend({ dataDir, appVersion: 'bench', platform: headlessPlatform })
      await call(b, 'dashboard/get', { workYear: currentYear })
      starts.push(performance.now() - t)
      if (i < 2) await b.close()
    }
    out('startup_ms', median(starts), 'ms')

    // A 5,000-project 申报表 with ~60,000 indicator rows, imported into a fresh database.
    await b.close()
    const importDir = join(dir, 'import')
    const ib = await openBackend({ dataDir: importDir, appVersion: 'bench', platform: headlessPlatform })
    await setUp(ib)
    const div = await call(ib, 'divisions/save', { name: '预算股' })
    const units: { id: string; code: string; name: string }[] = []
    for (let u = 0; u < 75; u++) units.push(await call(ib, 'units/save', { code: String(200000 + u), name: `预算单位${u + 1}`, parentName: '', divisionId: div.id }))
    await call(ib, 'projects/save', { budgetYear: currentYear + 1, unitId: units[0]!.id, code: 'SEED', name: '种子项目', amountWan: '1', fundSource: '一般公共预算', category: '项目' })
    const round = await call(ib, 'rounds/save', { stage: 'targets', workYear: currentYear + 1, title: '基准导入', deadline: null, unitIds: [] })
    const projects: SheetProject[] = Array.from({ length: CITY.projectsPerYear }, (_, p) => ({
      id: '',
      unitCode: units[p % units.length]!.code,
      unitName: units[p % units.length]!.name,
      code: `N${p}`,
      name: `导入项目${p + 1}`,
      fundSource: '一般公共预算',
      category: '项目',
      amountFen: 100_000_000,
      annualGoal: '按期完成年度任务',
      indicators: Array.from({ length: CITY.indicatorsPerProject }, (_, k) => ({
        id: '',
        level1: ['产出指标', '产出指标', '产出指标', '产出指标', '产出指标', '产出指标', '产出指标', '效益指标', '效益指标', '效益指标', '效益指标', '满意度指标'][k]!,
        level2: ['数量指标', '数量指标', '质量指标', '质量指标', '时效指标', '时效指标', '成本指标', '经济效益指标', '社会效益指标', '生态效益指标', '可持续影响指标', '服务对象满意度指标'][k]!,
        name: `指标${k + 1}`,
        operator: k === 6 ? '≤' : '≥',
        targetValue: k === 6 ? '100' : '90',
        unit: k === 6 ? '万元' : '%',
        weight: [10, 5, 5, 5, 5, 5, 15, 5, 10, 10, 5, 10][k]!,
        explanation: '',
      })),
    }))
    t = performance.now()
    const buf = await buildTargetsWorkbook({ title: '基准申报表', deadline: null, units: units.map((u: { code: string; name: string }) => ({ code: u.code, name: u.name })), projects })
    note(`built the 5,000-project workbook (${(buf.length / 1e6).toFixed(1)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    const base64 = buf.toString('base64')
    t = performance.now()
    const summary = await call(ib, 'stageExcel/apply', { roundId: round.id, fileName: 'bench.xlsx', base64 })
    out('excel_import_5000_s', (performance.now() - t) / 1000, 's')
    note(`import: ${JSON.stringify(summary)}`)
    await ib.close()
    out('peak_rss_mb', process.resourceUsage().maxRSS / 1024, 'MB')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

void readFileSync
void Database
main().catch((e) => {
  console.error(e)
  process.exit(1)
})
