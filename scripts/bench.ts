/**
 * `npm run bench`: builds a city-scale work year in a temp folder and prints one line per figure,
 * `BENCH <name> <value> <unit>`. A script, not a test: figures are measured, never asserted.
 * Goals (2-core machine): dashboard ≤ 100 ms and ≤ 2× raw SQL; list ≤ 50 ms; 5,000-project import
 * ≤ 30 s; 139 意见书 ≤ 15 s; 600 bulk approvals ≤ 10 s; export ≤ 3× copy; verify ≤ 5 s; startup ≤ 1.5 s.
 * `npm run bench -- --only year`: the city-scale database and then the year-package figures only
 * (year_export_*, year_verify_*, year_rebuild_s, their event-loop blocks and peak RSS).
 */
import Database from 'better-sqlite3'
import ExcelJS from 'exceljs'
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openBackend, type Backend } from '../electron/backend'
import { headlessPlatform } from '../electron/platform'
import { CITY, generateCity } from './bench/city-data'
import { benchExcel, benchMonitoringExport, benchSelfEvalExport, type OpFigures } from './bench/excel'
import { benchYearData, blocking } from './bench-yeardata'
import { signInForScript } from './script-session'

/** Asks the kernel to drop the page cache of these files (GNU dd's nocache flag); false if it cannot. */
function dropFileCache(files: string[]): boolean {
  let ok = true
  for (const f of files) {
    if (!existsSync(f)) continue
    const r = spawnSync('dd', [`if=${f}`, 'iflag=nocache', 'count=0', 'status=none'])
    ok &&= r.status === 0
  }
  return ok
}

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
  await signInForScript(b, '基准测试')
  const op = (await call(b, 'session/get', {})).operator
  const s = await call(b, 'settings/get', {})
  await call(b, 'settings/save', { ...s, org: ORG })
  return op.id as string
}

/**
 * The floor of dashboard/get: the same statements (the same rows read, the same groups, the same
 * warnings) written by hand and run straight on better-sqlite3, with no query builder, no
 * parallel awaits and no shaping of the payload. What dashboard_ms adds over it is the handler's own cost.
 */
function rawDashboard(sqlite: Database.Database, y: number, today: string, cutoff: string) {
  const all = (q: string, ...p: unknown[]) => sqlite.prepare(q).all(...p)
  const cover = (stages: string[]) =>
    all(`SELECT count(*) AS projects, count(DISTINCT p.unit_id) AS units, coalesce(sum(p.amount_fen), 0) AS fen FROM projects p
         WHERE p.id IN (SELECT i.project_id FROM round_items i JOIN rounds r ON r.id = i.round_id WHERE r.stage IN (${stages.map(() => '?').join(',')}) AND r.work_year = ?)`, ...stages, y)
  const out: unknown[] = [
    all('SELECT count(*) AS c, coalesce(sum(participant_count), 0) AS p FROM trainings WHERE work_year = ?', y),
    all('SELECT count(*) AS c, coalesce(sum(amount_fen), 0) AS f FROM exante_proposals WHERE work_year = ?', y),
    ...['targets', 'monitoring', 'selfeval', 'fiscaleval'].map((s) => cover([s])),
    all(`SELECT count(*) AS c FROM rectifications x JOIN round_items i ON i.id = x.item_id JOIN rounds r ON r.id = i.round_id WHERE r.work_year = ? AND x.status <> '已整改'`, y),
    all('SELECT count(*) AS c FROM documents WHERE year = ?', y),
  ]
  const rounds = all('SELECT id, stage, title, deadline, created_at FROM rounds WHERE work_year = ? ORDER BY created_at DESC', y) as { id: string; stage: string }[]
  out.push(all(`SELECT r.stage, i.status, count(*) AS c, coalesce(sum(p.amount_fen), 0) AS f FROM round_items i JOIN rounds r ON r.id = i.round_id JOIN projects p ON p.id = i.project_id WHERE r.work_year = ? GROUP BY r.stage, i.status`, y))
  for (const [k, n] of [['u.id', 'u.name'], ['d.id', "coalesce(d.name, '未分配股室')"], ['p.fund_source', 'p.fund_source']]) {
    out.push(all(`SELECT ${k} AS k, ${n} AS name, count(*) AS c, coalesce(sum(p.amount_fen), 0) AS f FROM projects p JOIN units u ON u.id = p.unit_id LEFT JOIN divisions d ON d.id = u.division_id WHERE p.budget_year = ? GROUP BY 1 ORDER BY f DESC`, y))
  }
  const mon = rounds.find((r) => r.stage === 'monitoring')
  if (mon) {
    out.push(all('SELECT light, count(*) AS c FROM round_items WHERE round_id = ? GROUP BY light', mon.id))
    out.push(all(`SELECT i.id, p.name, u.name AS unit, p.amount_fen AS f FROM round_items i JOIN projects p ON p.id = i.project_id JOIN units u ON u.id = p.unit_id WHERE i.round_id = ? AND i.light = 'red' ORDER BY p.amount_fen DESC LIMIT 10`, mon.id))
  }
  out.push(all(`SELECT count(*) AS c, group_concat(p.name, '、') AS names FROM rectifications x JOIN round_items i ON i.id = x.item_id JOIN rounds r ON r.id = i.round_id JOIN projects p ON p.id = i.project_id WHERE r.work_year = ? AND x.status <> '已整改' AND x.deadline < ?`, y, today))
  out.push(all(`SELECT r.id AS round_id, r.title, r.stage, count(*) AS c FROM round_items i JOIN rounds r ON r.id = i.round_id WHERE r.work_year = ? AND i.status = '已填报' AND i.submitted_at < ? GROUP BY r.id ORDER BY r.created_at`, y, cutoff))
  out.push(all(`SELECT i.round_id, count(*) AS c FROM round_items i JOIN rounds r ON r.id = i.round_id WHERE r.work_year = ? AND i.status <> '已审核' GROUP BY i.round_id`, y))
  out.push(cover(['selfeval', 'fiscaleval']))
  out.push(all(`SELECT count(*) AS c, coalesce(sum(p.amount_fen), 0) AS f FROM rectifications x JOIN round_items i ON i.id = x.item_id JOIN rounds r ON r.id = i.round_id JOIN projects p ON p.id = i.project_id WHERE r.work_year = ?`, y))
  return out
}

/** Year package against its floors: VACUUM INTO of the same content, sha256sum of the package. */
async function yearFigures(b: Backend, currentYear: number, dir: string) {
  const yd = await benchYearData({ dbPath: b.dbPath, workYear: currentYear, scratchDir: dir, runs: 3, checkpoint: () => b.ctx.sqlite.pragma('wal_checkpoint(TRUNCATE)') })
  out('year_export_s', yd.exportS, 's')
  out('year_export_vacuum_floor_s', yd.vacuumS, 's')
  out('year_export_vs_vacuum', yd.exportS / yd.vacuumS, 'x')
  out('year_export_row_copy_floor_s', yd.rowCopyS, 's')
  out('year_export_vs_row_copy', yd.exportS / yd.rowCopyS, 'x')
  out('year_row_copy_floor_vs_vacuum', yd.rowCopyS / yd.vacuumS, 'x')
  out('year_verify_s', yd.verifyS, 's')
  out('year_verify_sha256_floor_s', yd.sha256S, 's')
  out('year_verify_vs_sha256', yd.verifyS / yd.sha256S, 'x')
  out('max_event_loop_block_ms_year_export', yd.exportBlockMs, 'ms')
  out('max_event_loop_block_ms_year_verify', yd.verifyBlockMs, 'ms')
  out('peak_rss_mb_year_export', yd.exportPeakRssMb, 'MB')
  out('rss_mb_year_export_child_before_op', yd.exportBaseRssMb, 'MB')
  note(`a plain copy of the whole ${(yd.workingBytes / 1e6).toFixed(1)} MB working file: ${yd.copyS.toFixed(3)} s`)
  out('year_rebuild_s', yd.rebuildS, 's')
  out('max_event_loop_block_ms_year_rebuild', yd.rebuildBlockMs, 'ms')
  note(`export phases (median): rows copied ${yd.phases.rows.toFixed(3)} s, checksum beside the index build ${yd.phases.checksum.toFixed(3)} s, manifest + fsync + rename ${yd.phases.finish.toFixed(3)} s`)
  note(`package ${(yd.packageBytes / 1e6).toFixed(1)} MB of ${(yd.workingBytes / 1e6).toFixed(1)} MB working file, ${yd.rows} rows`)

  // The handoff as the 年度数据 page does it: the year exported (a job), then sent back in parts
  // (yearData/upload, PACKAGE_PART_BYTES each) and imported: verified, its rows checked in a
  // fresh schema, kept. Then a backup on demand (立即备份). Each with its longest event-loop block.
  const job = await call(b, 'yearData/export', { workYear: currentYear })
  const end = await b.ctx.jobs.wait(job.id)
  if (end.status !== 'done') throw new Error(`year export job: ${end.message}`)
  const bytes = readFileSync(end.paths[0]!)
  const { PACKAGE_PART_BYTES } = await import('../shared/api')
  const imported = await blocking(async () => {
    let uploadId: string | null = null
    for (let offset = 0; offset < bytes.length; offset += PACKAGE_PART_BYTES) {
      const part = bytes.subarray(offset, offset + PACKAGE_PART_BYTES).toString('base64')
      uploadId = (await call(b, 'yearData/upload', { uploadId, fileName: 'bench.ysjx.sqlite', offset, total: bytes.length, base64: part })).uploadId
    }
    return call(b, 'yearData/import', { fileName: 'bench.ysjx.sqlite', uploadId })
  })
  out('year_import_s', imported.seconds, 's')
  out('max_event_loop_block_ms_year_import', imported.blockMs, 'ms')
  note(`year import: ${(bytes.length / 1e6).toFixed(1)} MB in ${Math.ceil(bytes.length / PACKAGE_PART_BYTES)} parts (base64 made by the bench in the same process, inside the timing)`)
  const backup = await blocking(() => call(b, 'backups/create', {}))
  out('backup_manual_s', backup.seconds, 's')
  out('max_event_loop_block_ms_backup_manual', backup.blockMs, 'ms')
}

/** 139 意见书 as a batch job; returns the 绩效目标 round it used. */
async function docsPart(b: Backend, currentYear: number) {
  const [tr] = await call(b, 'rounds/list', { stage: 'targets', workYear: currentYear })
  b.ctx.sqlite.prepare(`UPDATE round_items SET status = '已填报' WHERE round_id = ?`).run(tr.id)
  b.ctx.sqlite.prepare(`UPDATE round_items SET status = '已审核', conclusion = '优' WHERE rowid IN (SELECT rowid FROM round_items WHERE round_id = ? ORDER BY rowid LIMIT 139)`).run(tr.id)
  const { value: done, blockMs: docsBlockMs, seconds: docsSeconds } = await blocking(async () => {
    const job = await call(b, 'docs/batch', { kind: 'targets-opinion', roundId: tr.id, date: `${currentYear}-12-01` })
    return b.ctx.jobs.wait(job.id, 600_000)
  })
  out('docs_batch_139_s', docsSeconds, 's')
  out('max_event_loop_block_ms_docs_batch', docsBlockMs, 'ms')
  note(`batch: ${done.message}`)
  return tr
}

/** Excel in and out at city scale (scripts/bench/excel.ts), each in a child process, floors beside. */
/** An operation's figures as `<op>_floor_s`, `<op>_vs_floor`, `max_event_loop_block_ms_<op>`, `peak_rss_mb_<op>`, `rss_mb_<op>_child_before_op`, its time as `timeName`. */
function outOp(op: string, timeName: string, f: OpFigures) {
  out(timeName, f.s, 's')
  out(`${op}_floor_s`, f.floorS, 's')
  out(`${op}_vs_floor`, f.s / f.floorS, 'x')
  out(`max_event_loop_block_ms_${op}`, f.blockMs, 'ms')
  out(`peak_rss_mb_${op}`, f.rssMb, 'MB')
  out(`rss_mb_${op}_child_before_op`, f.baseRssMb, 'MB')
}

async function excelPart(dir: string, budgetYear: number) {
  const xl = await benchExcel({ dir, budgetYear, projects: CITY.projectsPerYear, indicatorsPerProject: CITY.indicatorsPerProject, units: 75 })
  outOp('excel_import', 'excel_import_5000_s', xl.import)
  outOp('excel_export', 'excel_export_round_s', xl.export)
  for (const n of xl.notes) note(n)
}

/** `npm run bench -- --only=excel` (or `--only excel`; also year, docs) runs that part alone. */
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? (process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined)
if (ONLY !== undefined && !['year', 'excel', 'docs'].includes(ONLY)) throw new Error(`--only: unknown part "${ONLY}" (known: year, excel, docs)`)

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'ysjx-bench-'))
  const dataDir = join(dir, 'data')
  try {
    if (ONLY === 'excel') return await excelPart(dir, CITY.years[CITY.years.length - 1]! + 3)
    let b = await openBackend({ dataDir, appVersion: 'bench', platform: headlessPlatform })
    const operatorId = await setUp(b)
    let t = performance.now()
    const { currentYear, counts } = generateCity(b.ctx.sqlite, operatorId)
    note(`generated ${JSON.stringify(counts)} in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    b.ctx.sqlite.pragma('optimize')
    if (ONLY === 'year') {
      await yearFigures(b, currentYear, dir)
      await b.close()
      return
    }

    if (ONLY === 'docs') {
      await docsPart(b, currentYear)
      return await b.close()
    }

    // 驾驶舱 against one raw query over the same data.
    await call(b, 'dashboard/get', { workYear: currentYear })
    const dash = await timeIt(() => call(b, 'dashboard/get', { workYear: currentYear }), 20)
    const now = new Date()
    const cutoff = new Date(now.getTime() - 7 * 86_400_000).toISOString()
    const raw = await timeIt(() => rawDashboard(b.ctx.sqlite, currentYear, now.toISOString().slice(0, 10), cutoff), 20)
    out('dashboard_ms', dash, 'ms')
    out('dashboard_floor_ms', raw, 'ms')
    out('dashboard_vs_floor', dash / raw, 'x')

    // A stage list as the renderer opens it (StagePage with useServerTable): the year's rounds, then
    // the first page of the first round (LIST_PAGE_SIZE rows in the default order) with the footer's
    // counts and sums over every row; a page change is one more items/list for the next page.
    const { LIST_PAGE_SIZE } = await import('../shared/api')
    const openList = async () => {
      const rounds = await call(b, 'rounds/list', { stage: 'monitoring', workYear: currentYear })
      const items = await call(b, 'items/list', { roundId: rounds[0].id, offset: 0, limit: LIST_PAGE_SIZE })
      return { rounds, items }
    }
    const opened = await openList()
    const listOpenMs = await timeIt(openList, 10)
    out('list_open_ms', listOpenMs, 'ms')
    const kb = (v: unknown) => (JSON.stringify(v).length / 1e3).toFixed(1)
    note(`list_open: rounds/list ${kb(opened.rounds)} kB + items/list ${opened.items.rows.length} of ${opened.items.total} rows ${kb(opened.items)} kB of JSON`)
    const mon = opened.rounds[0]
    const nextPage = { roundId: mon.id, offset: LIST_PAGE_SIZE, limit: LIST_PAGE_SIZE }
    const listPageMs = await timeIt(() => call(b, 'items/list', nextPage), 20)
    out('list_page_ms', listPageMs, 'ms')
    note(`list_page: page 2 (${LIST_PAGE_SIZE} rows) ${kb(await call(b, 'items/list', nextPage))} kB of JSON`)
    const sortedMs = await timeIt(() => call(b, 'items/list', { roundId: mon.id, sort: 'amount', order: 'desc', offset: 0, limit: LIST_PAGE_SIZE }), 20)
    note(`a page sorted by amount (a click on 金额): ${sortedMs.toFixed(1)} ms`)
    const divisions = await call(b, 'divisions/list', {})
    const filteredMs = await timeIt(() => call(b, 'items/list', { roundId: mon.id, divisionId: divisions[2].id, light: 'red', sort: 'amount', order: 'desc', offset: 0, limit: LIST_PAGE_SIZE }), 20)
    note(`a filtered page (one 股室, red lights, by amount): ${filteredMs.toFixed(1)} ms`)

    const tr = await docsPart(b, currentYear)

    // 审核通过 over 600 rows selected in the list, as the bulk action runs it: one audited transaction per item.
    const waiting = (b.ctx.sqlite.prepare(`SELECT id FROM round_items WHERE round_id = ? AND status = '已填报' ORDER BY rowid LIMIT 600`).all(tr.id) as { id: string }[]).map((r) => r.id)
    t = performance.now()
    const bulk = await call(b, 'items/bulk', { roundId: tr.id, ids: waiting, action: 'approve', conclusion: '优' })
    const bulkDone = await b.ctx.jobs.wait(bulk.id, 600_000)
    out('bulk_approve_600_s', (performance.now() - t) / 1000, 's')
    note(`bulk: ${bulkDone.message}; approved ${bulkDone.outcome?.done ?? 0}, refused ${bulkDone.outcome?.refused.length ?? 0}`)

    t = performance.now()
    const draft = await call(b, 'docs/draft', { kind: 'annual-report', workYear: currentYear })
    await call(b, 'docs/issue', { kind: 'annual-report', workYear: currentYear, title: draft.title, recipients: '', body: draft.body, attachments: [], copyTo: '', date: `${currentYear}-12-31`, serial: null })
    out('annual_report_s', (performance.now() - t) / 1000, 's')

    await yearFigures(b, currentYear, dir)

    // The operator the 监控表 export's child signs in as (the script's administrator has no password
    // anyone knows); made here, before the start-up figures, while the script is signed in.
    const exporter = { name: '基准导出', password: `bench-${randomUUID()}1a` }
    await call(b, 'operators/save', { name: exporter.name, divisionId: null, roles: ['预算股'], password: exporter.password })

    // Start-up to a ready backend (open, header probe, migration check, backup decision, session/get
    // answered), with the file cache of the database dropped first; beside it the floor: SQLite
    // opening the same cold file and reading its schema. The first start after the changes above
    // takes a backup (in the background); the next ones find nothing changed.
    await b.close()
    const cold = dropFileCache([b.dbPath, b.dbPath + '-wal'])
    const starts: number[] = []
    const checks: number[] = []
    for (let i = 0; i < 3; i++) {
      dropFileCache([b.dbPath, b.dbPath + '-wal'])
      t = performance.now()
      b = await openBackend({ dataDir, appVersion: 'bench', platform: headlessPlatform })
      await call(b, 'session/get', {}) // the renderer's first call, before anyone signs in
      starts.push(performance.now() - t)
      await b.close() // waits for the background quick_check and backup
      checks.push(performance.now() - t)
    }
    const floors: number[] = []
    for (let i = 0; i < 3; i++) {
      dropFileCache([b.dbPath, b.dbPath + '-wal'])
      t = performance.now()
      const raw = new Database(b.dbPath, { readonly: true })
      raw.pragma('user_version')
      raw.prepare('SELECT count(*) FROM sqlite_master').get()
      floors.push(performance.now() - t)
      raw.close()
    }
    out(cold ? 'startup_cold_ms' : 'startup_warm_ms', median(starts), 'ms')
    out(cold ? 'startup_floor_cold_ms' : 'startup_floor_warm_ms', median(floors), 'ms')
    note(`file cache ${cold ? 'dropped (dd iflag=nocache)' : 'could not be dropped: warm figures'}; background quick_check + backup done ${(median(checks) / 1000).toFixed(1)} s after start; starts ${starts.map((x) => x.toFixed(0)).join(' / ')} ms`)
    b = await openBackend({ dataDir, appVersion: 'bench', platform: headlessPlatform })

    // The year's 监控表 round (5,000 projects with their values) exported whole, in a child process.
    await b.close()
    const mx = await benchMonitoringExport({ dir, dataDir, dbPath: b.dbPath, roundId: mon.id, ...exporter })
    outOp('excel_export_monitoring', 'excel_export_monitoring_round_s', mx)
    note(mx.note)
    // The 自评 round of the year before (5,000 projects, a sheet each), a workbook per unit, likewise.
    const sx = await benchSelfEvalExport({ dir, dataDir, dbPath: b.dbPath, workYear: currentYear, ...exporter })
    outOp('excel_export_selfeval', 'excel_export_selfeval_round_s', sx)
    note(sx.note)

    // Excel in and out at city scale (scripts/bench/excel.ts): import and export each timed,
    // with the longest event-loop block and the peak RSS, in a child process of its own; floors beside.
    await excelPart(dir, currentYear + 3)

    // A fresh database for the project-list import below.
    const importDir = join(dir, 'import')
    const ib = await openBackend({ dataDir: importDir, appVersion: 'bench', platform: headlessPlatform })
    await setUp(ib)
    const div = await call(ib, 'divisions/save', { name: '预算股' })
    const units: { id: string; code: string; name: string }[] = []
    for (let u = 0; u < 75; u++) units.push(await call(ib, 'units/save', { code: String(200000 + u), name: `预算单位${u + 1}`, parentName: '', divisionId: div.id }))

    // The year's project list as the 一体化 system exports it: 5,000 lines, read, previewed, applied.
    const listWb = new ExcelJS.Workbook()
    const ls = listWb.addWorksheet('项目明细')
    ls.addRow([`${currentYear + 2}年部门预算项目明细表`])
    ls.addRow(['金额单位：元'])
    ls.addRow(['序号', '单位代码', '单位名称', '项目代码', '项目名称', '项目类型', '预算类型', '年初预算数', '是否编报绩效目标'])
    for (let p = 0; p < CITY.projectsPerYear; p++) {
      const u = units[p % units.length]!
      ls.addRow([p + 1, u.code, u.name, `53032325${String(p).padStart(5, '0')}`, `清单项目${p + 1}`, '特定目标类', p % 7 === 0 ? '政府性基金预算' : '一般公共预算', 1_000_000 + p * 37.5, p % 4 === 0 ? '否' : '是'])
    }
    const listBase64 = Buffer.from(await listWb.xlsx.writeBuffer()).toString('base64')
    const runImport = async () => {
      const read = await call(ib, 'projects/importRead', { fileName: '项目清单.xlsx', base64: listBase64, budgetYear: currentYear + 2 })
      const choice = { token: read.token, budgetYear: currentYear + 2, mapping: read.mapping, moneyUnit: read.moneyUnit, units: {} }
      const preview = await call(ib, 'projects/importPreview', choice)
      if (preview.problems.length) throw new Error(`project list: ${preview.problems[0].message}`)
      return call(ib, 'projects/importApply', choice)
    }
    t = performance.now()
    const created = await runImport()
    out('project_import_5000_s', (performance.now() - t) / 1000, 's')
    t = performance.now()
    const again = await runImport()
    note(`project list: first ${JSON.stringify(created)}; re-import ${JSON.stringify(again)} in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    await ib.close()
  } finally {
    if (process.env.BENCH_KEEP) note(`kept ${dir}`)
    else rmSync(dir, { recursive: true, force: true })
  }
}

void readFileSync
void Database
main().catch((e) => {
  console.error(e)
  process.exit(1)
})
