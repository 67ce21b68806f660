/**
 * What an installer will hold, read through electron-builder's own file matchers (the functions its
 * packager calls) over electron-builder.yml, and the main bundle built with the build's own esbuild
 * settings: better-sqlite3 stays a runtime require, exactly the target's prebuild ships, unpacked
 * from the asar, nothing is rebuilt, and the fuses are set.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const req = createRequire(join(ROOT, 'package.json'))
// Untyped CommonJS internals of electron-builder: the same code its packager runs.
const yaml = req('js-yaml') as { load(s: string): any }
const fileMatcher = req('app-builder-lib/out/fileMatcher.js') as {
  getNodeModuleFileMatcher(appDir: string, dest: string, expand: (p: string) => string, platformOptions: any, packager: any): { createFilter(): (file: string, stat: any) => boolean }
  getFileMatchers(config: any, name: string, dest: string, options: any): Array<{ createFilter(): (file: string, stat: any) => boolean }> | null
}
const { expandMacro } = req('app-builder-lib/out/util/macroExpander.js') as { expandMacro(p: string, arch: string | null, appInfo: any, extra?: any): string }

const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8'))
const SQLITE_DIR = join(ROOT, 'node_modules/better-sqlite3')

const TARGETS = [
  { os: 'win', platform: 'win32', arch: 'x64' },
  { os: 'linux', platform: 'linux', arch: 'x64' },
  { os: 'linux', platform: 'linux', arch: 'arm64' },
] as const

function walk(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...walk(p))
    else out.push(p)
  }
  return out
}

function shipped(target: (typeof TARGETS)[number]): string[] {
  const expand = (p: string) => expandMacro(p, target.arch, { productName: 'x', sanitizedProductName: 'x' }, { os: target.os })
  const packager = { config, debugLogger: { isEnabled: false } }
  const filter = fileMatcher.getNodeModuleFileMatcher(ROOT, '/dest', expand, config[target.os] ?? {}, packager).createFilter()
  return walk(SQLITE_DIR)
    .filter((f) => filter(f, statSync(f)))
    .map((f) => relative(ROOT, f).split('\\').join('/'))
}

describe('electron-builder.yml', () => {
  for (const target of TARGETS) {
    it(`ships exactly the ${target.platform}-${target.arch} prebuild of better-sqlite3, unpacked from the asar`, () => {
      const files = shipped(target)
      const prebuild = `node_modules/better-sqlite3/prebuilds/${target.platform}-${target.arch}.node`
      expect(files.filter((f) => f.endsWith('.node'))).toEqual([prebuild])
      expect(files).toContain('node_modules/better-sqlite3/lib/index.js')
      expect(files).toContain('node_modules/better-sqlite3/lib/binding.js')
      expect(files).toContain('node_modules/better-sqlite3/package.json')
      expect(files.some((f) => /\/(src|deps)\//.test(f) || f.endsWith('binding.gyp'))).toBe(false)

      const expand = (p: string) => expandMacro(p, target.arch, { productName: 'x', sanitizedProductName: 'x' }, { os: target.os })
      const unpack = fileMatcher.getFileMatchers(config, 'asarUnpack', '/dest', {
        macroExpander: expand,
        customBuildOptions: config[target.os] ?? {},
        globalOutDir: join(ROOT, 'release'),
        defaultSrc: ROOT,
      })
      expect(unpack).not.toBeNull()
      const file = join(ROOT, prebuild)
      expect(unpack!.some((m) => m.createFilter()(file, statSync(file)))).toBe(true)
    })
  }

  it('never rebuilds node_modules (there is nothing to compile)', () => {
    expect(config.npmRebuild).toBe(false)
    expect(config.nodeGypRebuild).toBe(false)
    expect(config.buildDependenciesFromSource).toBe(false)
    expect(config.beforePack).toBeUndefined()
    expect(JSON.stringify(config)).not.toContain('.native')
  })

  it('sets the Electron fuses: no run-as-node, no NODE_OPTIONS or --inspect, the app only from a checked asar', () => {
    expect(config.asar).toBe(true)
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    })
  })
})

describe('the main bundle', () => {
  const outDir = join(ROOT, 'test-output', 'bundle-check')
  afterAll(() => rmSync(outDir, { recursive: true, force: true }))

  it('keeps better-sqlite3 external and opens a database through it, as the app does', async () => {
    const { COMMON, MAIN_EXTERNAL } = await import(pathToFileURL(join(ROOT, 'scripts/bundle-config.mjs')).href)
    expect(MAIN_EXTERNAL).toContain('better-sqlite3')
    const esbuild = await import('esbuild')
    mkdirSync(outDir, { recursive: true })
    // The database layer the backend opens files with, bundled exactly like electron/main.ts.
    const entry = join(outDir, 'entry.ts')
    const db = join(outDir, 'probe.sqlite')
    const src = `import { openDatabase, closeDatabase } from ${JSON.stringify(join(ROOT, 'electron/db/open.ts'))}
openDatabase({ path: ${JSON.stringify(db)}, dataDir: ${JSON.stringify(outDir)} }).then(async (o) => {
  const v = o.sqlite.prepare('select sqlite_version() as v').get()
  console.log(JSON.stringify({ schema: o.schemaVersion, sqlite: v.v, node: process.versions.node }))
  await closeDatabase(o)
})`
    ;(await import('node:fs')).writeFileSync(entry, src)
    const outfile = join(outDir, 'main.js')
    const result = await esbuild.build({ ...COMMON, absWorkingDir: ROOT, entryPoints: [entry], outfile, external: MAIN_EXTERNAL, sourcemap: false, logLevel: 'silent' })
    const externals = Object.values(result.metafile!.outputs).flatMap((o: any) => (o.imports ?? []).filter((i: any) => i.external).map((i: any) => i.path))
    expect(externals).toContain('better-sqlite3')
    const code = readFileSync(outfile, 'utf8')
    expect(code).toContain('require("better-sqlite3")')
    expect(code).not.toContain('getPrebuildPath') // better-sqlite3's own loader is not inlined

    const r = spawnSync(process.execPath, [outfile], { encoding: 'utf8', timeout: 30_000 })
    expect(r.stderr).toBe('')
    const out = JSON.parse(r.stdout.trim())
    expect(out.schema).toBeGreaterThan(0)
    expect(out.sqlite).toMatch(/^3\./)
    expect(Number(out.node.split('.')[0])).toBeGreaterThanOrEqual(22)
  })
})
