/**
 * One Excel operation or year export in a process of its own, so that its peak RSS is the
 * operation's and not the bench's (child-run.ts bundles it with esbuild and runs it). Prints one
 * line: `CHILD {json}`.
 *   import <dataDir> <roundId> <file.xlsx> <operator> <password>: stageExcel/preview, then apply
 *     with the preview's token and sha256 (the file not sent again), as the import dialog calls them;
 *   export <dataDir> <roundId> <operator> <password> [per-unit]: stageExcel/export of the whole round
 *     to one workbook (or, with per-unit, to a workbook per unit as the dialog's default);
 *   year-export <working.sqlite> <workYear> <target>: one year package (buildPackage).
 * Besides the wall time: the longest the event loop was blocked (perf_hooks' delay histogram).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { getHeapSpaceStatistics } from 'node:v8'
import { openBackend, type Backend } from '../../electron/backend'
import { headlessPlatform } from '../../electron/platform'
import { buildPackage } from '../../electron/yeardata/package'
import { benchExportOptions } from './year-export-options'

async function call(b: Backend, channel: string, input: unknown): Promise<any> {
  const r = await b.dispatch(channel, input)
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`)
  return r.data
}

/**
 * Linux keeps a process's peak RSS (VmHWM) and lets the process reset it (proc(5), clear_refs
 * "5"): reset after start-up, the peak read after the operation is the operation's own. Elsewhere
 * the peak is the process's lifetime peak (`peakIsReset: false` says so).
 */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5')
    return true
  } catch {
    return false
  }
}
function peakRssMb(): number {
  try {
    const kb = /VmHWM:\s*(\d+)\s*kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]
    if (kb) return Number(kb) / 1024
  } catch {
    /* not Linux: the lifetime peak below */
  }
  return process.resourceUsage().maxRSS / 1024
}

/**
 * Starts measuring an operation: the peak RSS reset (what start-up held is reported apart), the
 * event-loop delay histogram on. The returned function ends it and prints the CHILD line.
 */
async function measure(): Promise<{ mem: (label: string) => void; done: (ms: number, detail: unknown) => void }> {
  const startupPeakRssMb = process.resourceUsage().maxRSS / 1024
  const peakIsReset = resetPeakRss()
  await new Promise((r) => setTimeout(r, 50))
  // What the process holds before the operation (the bundled code, the backend, the file read).
  const baseRssMb = process.memoryUsage().rss / 1024 / 1024
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  // BENCH_BLOCKS=1: each block over 50 ms on stderr, with its monotonic start (µs, the clock of
  // --cpu-prof's timestamps), to find it in a CPU profile.
  let last = process.hrtime.bigint()
  let maxNew = 0
  const blocks = process.env.BENCH_BLOCKS
    ? setInterval(() => {
        const now = process.hrtime.bigint()
        maxNew = Math.max(maxNew, (getHeapSpaceStatistics().find((x) => x.space_name === 'new_space')?.space_size ?? 0) / 1048576)
        if (now - last > 50_000_000n) console.error(`BLOCK ${last / 1000n} ${Number(now - last) / 1e6} ms`)
        last = now
      }, 2)
    : undefined
  // …and the process's memory at each step of the operation (MB: rss, heap used, external).
  const mem = (label: string) => {
    if (!process.env.BENCH_BLOCKS) return
    const m = process.memoryUsage()
    const space = (name: string) => ((getHeapSpaceStatistics().find((x) => x.space_name === name)?.space_size ?? 0) / 1048576).toFixed(0)
    console.error(`MEM ${label} new_space ${space('new_space')} (max ${maxNew.toFixed(0)}) old ${space('old_space')} lo ${space('large_object_space')} rss ${(m.rss / 1048576).toFixed(0)} heap ${(m.heapUsed / 1048576).toFixed(0)} external ${(m.external / 1048576).toFixed(0)} maxrss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)}`)
  }
  mem('before')
  return {
    mem,
    done: (ms, detail) => {
      mem('after')
      loop.disable()
      clearInterval(blocks)
      console.log(`CHILD ${JSON.stringify({ ms, blockMs: loop.max / 1e6, rssMb: peakRssMb(), peakIsReset, baseRssMb, startupPeakRssMb, detail })}`)
    },
  }
}

/** year-export: one year package of the working file, as yearData/export builds it (no backend around it). */
async function yearExport([dbPath, year, target]: string[]) {
  if (!dbPath || !year || !target) throw new Error('usage: year-export <working.sqlite> <workYear> <target.ysjx.sqlite>')
  const m = await measure()
  const t = performance.now()
  const built = await buildPackage(benchExportOptions(dbPath, Number(year), target))
  if (!built) throw new Error('export cancelled')
  m.done(performance.now() - t, built.manifest.rowCounts)
}

/** import / export: one stageExcel operation through a backend opened on the bench's data folder. */
async function stageExcel(op: 'import' | 'export', [dataDir, roundId, ...rest]: string[]) {
  const b = await openBackend({ dataDir: dataDir!, appVersion: 'bench', platform: headlessPlatform })
  const [name, password] = op === 'import' ? rest.slice(1) : rest
  await call(b, 'session/signIn', { name, password })
  const base64 = op === 'import' ? readFileSync(rest[0]!).toString('base64') : ''
  // The start-up backup and quick_check (due here: the bench just wrote the file) are start-up's
  // cost, not the operation's: they end before the operation starts; their peak is reported apart.
  await b.idle()
  const { mem, done } = await measure()
  const t = performance.now()
  let detail: unknown
  if (op === 'import') {
    const preview = await call(b, 'stageExcel/preview', { roundId, fileName: 'bench-import.xlsx', base64 })
    mem('after preview')
    if (preview.problems.length) throw new Error(`preview: ${preview.problems.length} problems, first: ${JSON.stringify(preview.problems[0])}`)
    detail = await call(b, 'stageExcel/apply', { roundId, fileName: 'bench-import.xlsx', token: preview.token, sha256: preview.sha256 })
  } else {
    detail = await call(b, 'stageExcel/export', { roundId, unitIds: [], oneFile: rest[2] !== 'per-unit' })
  }
  done(performance.now() - t, detail)
  await b.close()
}

async function main() {
  const [op, ...args] = process.argv.slice(2)
  if (op === 'year-export') return yearExport(args)
  if (op !== 'import' && op !== 'export') throw new Error(`unknown operation ${op ?? '(none)'}: import, export or year-export`)
  return stageExcel(op, args)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
