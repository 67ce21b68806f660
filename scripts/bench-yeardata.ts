/**
 * Year-package figures: `npx tsx scripts/bench-yeardata.ts` loads the demo year into a temp folder
 * and prints
 *   BENCH year_export_s <v> s         building the package (ATTACH + INSERT…SELECT, then the checksum
 *                                     beside the index build and FK check, fsync)
 *   BENCH year_export_vacuum_floor_s  VACUUM INTO of the same content (the built package, vacuumed again)
 *   BENCH year_export_vs_vacuum <r> x the first over the second
 *   BENCH year_export_row_copy_floor_s  the same rows by bare INSERT…SELECT under the package's row
 *                                     rules (copyStatements unordered) into its tables: no index
 *                                     but the keys', no checksum, FK check or fsync; what any
 *                                     row-filtered copy pays at the least
 *   BENCH year_export_vs_row_copy <r> x year_export_s over it
 *   BENCH year_row_copy_floor_vs_vacuum <r> x the row-copy floor over VACUUM INTO
 *   BENCH year_verify_s <v> s         the import verification of that package (quick_check beside
 *                                     the content checksum read in rowid order, manifest, row counts)
 *   BENCH year_verify_sha256_floor_s  `sha256sum` of the package file (reading every byte once)
 *   BENCH year_verify_vs_sha256 <r> x the first over the second
 *   BENCH max_event_loop_block_ms_year_export / _year_verify: the longest the event loop was held
 *                                     during each (perf_hooks.monitorEventLoopDelay, 10 ms resolution)
 *   BENCH max_event_loop_block_ms_year_rebuild: the same for the rebuild below
 *   BENCH year_rebuild_s <v> s        copying its rows into a schema of our own migrations with the
 *                                     API's row rules (what import, view and restore then do)
 * Each is the median of a few runs in the same process. benchYearData() is exported so the
 * city-scale bench can run it on its own generated database.
 */
import Database from 'better-sqlite3'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openBackend } from '../electron/backend'
import { signInForScript } from './script-session'
import { headlessPlatform } from '../electron/platform'
import { buildPackage, copyStatements } from '../electron/yeardata/package'
import { rebuildFromPackage } from '../electron/yeardata/rebuild'
import { verifyPackageFile } from '../electron/yeardata/verify'
import { bundleChild, runChild } from './bench/child-run'
import { benchExportOptions } from './bench/year-export-options'

export interface YearDataBench {
  exportS: number
  copyS: number
  ratio: number
  vacuumS: number
  /** The bare INSERT…SELECT of the same rows (see rowCopyFloor). */
  rowCopyS: number
  verifyS: number
  sha256S: number
  exportBlockMs: number
  verifyBlockMs: number
  rebuildS: number
  /** The longest the event loop was held while the package's rows were copied into a fresh schema (import, view, restore). */
  rebuildBlockMs: number
  packageBytes: number
  workingBytes: number
  rows: number
  /** Peak RSS of one export alone, in a child process (MB), and what that child held before it. */
  exportPeakRssMb: number
  exportBaseRssMb: number
  /** Median seconds of the export's phases: schema + rows copied, checksum, the rest (FK check, commit, fsync, rename). */
  phases: { rows: number; checksum: number; finish: number }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/**
 * Runs fn and returns the longest event-loop delay seen meanwhile (ms): how long the loop was held.
 * The monitor's timer is armed (one turn of the loop) before fn starts, or a block right at the
 * start would go unseen; `seconds` is fn's own time.
 */
export async function blocking<T>(fn: () => Promise<T>): Promise<{ value: T; blockMs: number; seconds: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 })
  h.enable()
  try {
    await new Promise((r) => setTimeout(r, 20))
    const t = performance.now()
    const value = await fn()
    const seconds = (performance.now() - t) / 1000
    // A block is recorded when the loop next runs: let it run once before reading.
    await new Promise((r) => setTimeout(r, 30))
    return { value, blockMs: h.max / 1e6, seconds }
  } finally {
    h.disable()
  }
}

/**
 * The rows of a year by bare INSERT…SELECT under the export's own rules, unordered, into a file
 * holding only the package's tables (their key indexes, no secondary ones), one transaction, no
 * fsync: seconds for the rows alone.
 */
function rowCopyFloor(sourcePath: string, packagePath: string, workYear: number, target: string): number {
  const built = new Database(packagePath, { readonly: true })
  const tables = built.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'package_manifest'").pluck().all() as string[]
  built.close()
  rmSync(target, { force: true })
  const db = new Database(target)
  try {
    for (const p of ['journal_mode = MEMORY', 'synchronous = OFF', 'foreign_keys = OFF', 'cache_size = -65536']) db.pragma(p)
    for (const sql of tables) db.exec(sql)
    db.prepare('ATTACH DATABASE ? AS src').run(sourcePath)
    const steps = copyStatements(db, 'year', workYear, { ordered: false })
    const t = performance.now()
    db.exec('BEGIN')
    for (const s of steps) if (s.op === 'run') db.prepare(s.sql).run(s.params ?? {})
    db.exec('COMMIT')
    return (performance.now() - t) / 1000
  } finally {
    db.close()
    rmSync(target, { force: true })
  }
}

/**
 * One year export in a process of its own (child-op.ts year-export, bundled as the app's main
 * process is): its peak RSS with the worker threads counted, the start-up's peak reset before it,
 * and what the process held just before.
 */
async function exportInChild(dbPath: string, workYear: number, scratchDir: string): Promise<{ peakRssMb: number; baseRssMb: number }> {
  const target = join(scratchDir, 'package-rss.ysjx.sqlite')
  try {
    const c = runChild(await bundleChild(scratchDir), ['year-export', dbPath, String(workYear), target])
    return { peakRssMb: c.rssMb, baseRssMb: c.baseRssMb }
  } finally {
    rmSync(target, { force: true })
  }
}

/**
 * Measures on a working database file. Its WAL is checkpointed first (through a connection of our
 * own, or through `checkpoint` if the caller holds the file open) so that the copy and the export
 * read the same bytes.
 */
export async function benchYearData(opts: { dbPath: string; workYear: number; scratchDir: string; runs?: number; checkpoint?: () => void }): Promise<YearDataBench> {
  const runs = opts.runs ?? 3
  if (opts.checkpoint) opts.checkpoint()
  else {
    const db = new Database(opts.dbPath)
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
  }
  const copies: number[] = []
  const exports: number[] = []
  const verifies: number[] = []
  const rebuilds: number[] = []
  const rebuildBlocks: number[] = []
  const vacuums: number[] = []
  const rowCopies: number[] = []
  const shas: number[] = []
  const exportBlocks: number[] = []
  const verifyBlocks: number[] = []
  const phases: { rows: number[]; checksum: number[]; finish: number[] } = { rows: [], checksum: [], finish: [] }
  let packageBytes = 0
  let rows = 0
  for (let i = 0; i < runs; i++) {
    const copy = join(opts.scratchDir, `copy-${i}.sqlite`)
    let t = performance.now()
    copyFileSync(opts.dbPath, copy)
    copies.push((performance.now() - t) / 1000)
    rmSync(copy, { force: true })

    const target = join(opts.scratchDir, `package-${i}.ysjx.sqlite`)
    let hashFrom = 0
    let hashTo = 0
    const { value: built, blockMs: exportBlock, seconds: exportSeconds } = await blocking(() => {
      t = performance.now()
      return buildPackage(
        benchExportOptions(opts.dbPath, opts.workYear, target, (_done, _total, message) => {
          const now = performance.now()
          if (message.startsWith('正在计算校验码') && !hashFrom) hashFrom = now
          if (!message.startsWith('导出完成')) hashTo = now
        }),
      )
    })
    const end = t + exportSeconds * 1000
    exportBlocks.push(exportBlock)
    exports.push(exportSeconds)
    phases.rows.push((hashFrom - t) / 1000)
    phases.checksum.push((hashTo - hashFrom) / 1000)
    phases.finish.push((end - hashTo) / 1000)
    if (!built) throw new Error('export cancelled')
    packageBytes = statSync(target).size
    rows = Object.values(built.manifest.rowCounts).reduce((a, b) => a + b, 0)

    // Floor of the export: SQLite writing the same content into a fresh file in one go.
    const again = new Database(target, { readonly: true })
    t = performance.now()
    again.prepare('VACUUM INTO ?').run(`${target}.vacuumed`)
    vacuums.push((performance.now() - t) / 1000)
    again.close()
    rmSync(`${target}.vacuumed`, { force: true })
    rowCopies.push(rowCopyFloor(opts.dbPath, target, opts.workYear, `${target}.rowcopy`))

    const { value: verified, blockMs: verifyBlock, seconds: verifySeconds } = await blocking(() => verifyPackageFile(target, { level: 'full' }))
    verifies.push(verifySeconds)
    verifyBlocks.push(verifyBlock)
    const { schemaVersion } = verified
    // Floor of the verification: reading and hashing every byte of the file once.
    t = performance.now()
    const sum = spawnSync('sha256sum', [target])
    if (sum.status === 0) shas.push((performance.now() - t) / 1000)
    const { blockMs: rebuildBlock, seconds: rebuildSeconds } = await blocking(() => rebuildFromPackage({ packagePath: target, targetPath: `${target}.rebuilt`, schemaVersion }))
    rebuilds.push(rebuildSeconds)
    rebuildBlocks.push(rebuildBlock)
    rmSync(`${target}.rebuilt`, { force: true })
    rmSync(target, { force: true })
  }
  const inChild = await exportInChild(opts.dbPath, opts.workYear, opts.scratchDir)
  const exportS = median(exports)
  const copyS = median(copies)
  return {
    exportS,
    copyS,
    ratio: exportS / copyS,
    vacuumS: median(vacuums),
    rowCopyS: median(rowCopies),
    verifyS: median(verifies),
    sha256S: shas.length ? median(shas) : NaN,
    exportBlockMs: Math.max(...exportBlocks),
    verifyBlockMs: Math.max(...verifyBlocks),
    rebuildS: median(rebuilds),
    rebuildBlockMs: Math.max(...rebuildBlocks),
    packageBytes,
    workingBytes: statSync(opts.dbPath).size,
    rows,
    exportPeakRssMb: inChild.peakRssMb,
    exportBaseRssMb: inChild.baseRssMb,
    phases: { rows: median(phases.rows), checksum: median(phases.checksum), finish: median(phases.finish) },
  }
}

export function printYearDataBench(r: YearDataBench): void {
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1)
  const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`
  console.log(`# working ${mb(r.workingBytes)} MB, package ${mb(r.packageBytes)} MB, ${r.rows} rows; copy ${(r.copyS * 1000).toFixed(1)} ms`)
  console.log(`# export phases: schema + rows ${ms(r.phases.rows)}, checksum beside index build + FK check ${ms(r.phases.checksum)}, manifest + fsync + rename ${ms(r.phases.finish)}`)
  console.log(`BENCH year_export_s ${r.exportS.toFixed(3)} s`)
  console.log(`BENCH year_export_vacuum_floor_s ${r.vacuumS.toFixed(3)} s`)
  console.log(`BENCH year_export_vs_vacuum ${(r.exportS / r.vacuumS).toFixed(1)} x`)
  console.log(`BENCH year_export_row_copy_floor_s ${r.rowCopyS.toFixed(3)} s`)
  console.log(`BENCH year_export_vs_row_copy ${(r.exportS / r.rowCopyS).toFixed(1)} x`)
  console.log(`BENCH year_row_copy_floor_vs_vacuum ${(r.rowCopyS / r.vacuumS).toFixed(1)} x`)
  console.log(`# (a plain copy of the whole working file: ${r.copyS.toFixed(3)} s, ${r.ratio.toFixed(1)}x)`)
  console.log(`BENCH year_verify_s ${r.verifyS.toFixed(3)} s`)
  console.log(`BENCH year_verify_sha256_floor_s ${r.sha256S.toFixed(3)} s`)
  console.log(`BENCH year_verify_vs_sha256 ${(r.verifyS / r.sha256S).toFixed(1)} x`)
  console.log(`BENCH max_event_loop_block_ms_year_export ${r.exportBlockMs.toFixed(0)} ms`)
  console.log(`BENCH max_event_loop_block_ms_year_verify ${r.verifyBlockMs.toFixed(0)} ms`)
  console.log(`BENCH peak_rss_mb_year_export ${r.exportPeakRssMb.toFixed(0)} MB`)
  console.log(`BENCH rss_mb_year_export_child_before_op ${r.exportBaseRssMb.toFixed(0)} MB`)
  console.log(`BENCH year_rebuild_s ${r.rebuildS.toFixed(3)} s`)
  console.log(`BENCH max_event_loop_block_ms_year_rebuild ${r.rebuildBlockMs.toFixed(0)} ms`)
}

/** `--db <file> --year <n>`: measure on an existing working database (e.g. a city-scale one) instead of the demo data. */
function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i > 0 ? process.argv[i + 1] : undefined
}

async function main(): Promise<void> {
  const db = argValue('--db')
  if (db) {
    const scratchDir = mkdtempSync(join(tmpdir(), 'ysjx-bench-yd-'))
    try {
      printYearDataBench(await benchYearData({ dbPath: db, workYear: Number(argValue('--year') ?? new Date().getFullYear()), scratchDir, runs: Number(argValue('--runs') ?? 3) }))
    } finally {
      rmSync(scratchDir, { recursive: true, force: true })
    }
    return
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'ysjx-bench-yd-'))
  try {
    const backend = await openBackend({ dataDir, appVersion: 'bench', platform: headlessPlatform })
    await signInForScript(backend, '基准测试')
    const loaded = await backend.dispatch('demo/load', {})
    if (!loaded.ok) throw new Error(loaded.error.message)
    const r = await benchYearData({ dbPath: backend.dbPath, workYear: 2024, scratchDir: dataDir, checkpoint: () => backend.ctx.working.sqlite.pragma('wal_checkpoint(TRUNCATE)') })
    printYearDataBench(r)
    await backend.close()
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (/bench-yeardata\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  main().catch((e: unknown) => {
    console.error(e)
    process.exit(1)
  })
}
