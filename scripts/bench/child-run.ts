/**
 * Runs one operation of child-op.ts in a process of its own, so that its peak RSS is the
 * operation's and not the bench's. The Excel figures (excel.ts) and the year export
 * (bench-yeardata.ts) both measure through it.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/**
 * child-op.ts bundled as the app's main process is (esbuild, scripts/bundle-config.mjs), so the
 * child loads only the code the operation reaches, compiled once, and not tsx with every source
 * compiled in memory: what it holds before the operation is what the app would hold. Built once
 * per folder per run (the same promise for every caller), never taken from a file left there.
 */
const bundles = new Map<string, Promise<string>>()
export function bundleChild(dir: string): Promise<string> {
  let bundle = bundles.get(dir)
  if (!bundle) {
    bundle = (async () => {
      const outfile = join(dir, 'child-op.cjs')
      const { build } = await import('esbuild')
      const { COMMON, MAIN_EXTERNAL } = (await import(pathToFileURL(join(__dirname, '..', 'bundle-config.mjs')).href)) as { COMMON: Record<string, unknown>; MAIN_EXTERNAL: string[] }
      await build({ ...COMMON, sourcemap: false, metafile: false, entryPoints: [join(__dirname, 'child-op.ts')], outfile, external: MAIN_EXTERNAL })
      return outfile
    })()
    bundles.set(dir, bundle)
  }
  return bundle
}

/** What child-op.ts prints for its operation (see there). */
export type ChildResult = { ms: number; blockMs: number; rssMb: number; baseRssMb: number; startupPeakRssMb: number; peakIsReset: boolean; detail: unknown }

export function runChild(script: string, args: string[]): ChildResult {
  // BENCH_CHILD_FLAGS: extra node flags for the child (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
  const flags = (process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter(Boolean)
  // The bundle lives in the bench's temp folder: better-sqlite3 (external) resolves by NODE_PATH.
  const r = spawnSync(process.execPath, [...flags, script, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_PATH: join(__dirname, '..', '..', 'node_modules') } })
  const line = r.stdout.split('\n').find((l) => l.startsWith('CHILD '))
  if (r.status !== 0 || !line) throw new Error(`child-op ${args[0]} failed: ${r.stderr.slice(-2000)}`)
  if (process.env.BENCH_BLOCKS) process.stderr.write(r.stderr)
  return JSON.parse(line.slice('CHILD '.length))
}
