/**
 * Run by bench-yeardata.ts in a process of its own: one year export of the given working file and
 * nothing else, then its peak resident memory (the worker threads count in the same process).
 * Usage: tsx scripts/bench/year-export-child.ts <working.sqlite> <workYear> <target.ysjx.sqlite>
 * Prints one line of JSON: { maxRssMb, seconds }.
 */
import { buildPackage } from '../../electron/yeardata/package'

async function main(): Promise<void> {
  const [dbPath, year, target] = process.argv.slice(2)
  if (!dbPath || !year || !target) throw new Error('usage: year-export-child.ts <db> <year> <target>')
  const t = performance.now()
  const built = await buildPackage({
    sourcePath: dbPath,
    targetPath: target,
    kind: 'year',
    workYear: Number(year),
    org: { county: 'bench', bureau: 'bench' },
    appVersion: 'bench',
    createdAt: new Date().toISOString(),
  })
  if (!built) throw new Error('export cancelled')
  console.log(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024, seconds: (performance.now() - t) / 1000 }))
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
