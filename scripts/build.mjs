#!/usr/bin/env node
/**
 * Builds the app into out/:
 *   electron/main.ts    → out/main/main.js        (esbuild, cjs, node22; external electron, better-sqlite3)
 *   electron/preload.ts → out/preload/preload.js  (esbuild, cjs; external electron only: a sandboxed
 *                                                  preload can require nothing else)
 *   renderer/           → out/renderer/           (vite build --config renderer/vite.config.ts)
 * Options: --only=main,preload,renderer   YUSUAN_APP_DIR=<app folder> (tests)
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { COMMON, MAIN_EXTERNAL, PRELOAD_EXTERNAL } from './bundle-config.mjs'

const scriptDir = path.dirname(fileURLToPath(import.meta.url))
const root = process.env.YUSUAN_APP_DIR ? path.resolve(process.env.YUSUAN_APP_DIR) : path.resolve(scriptDir, '..')
const require = createRequire(path.join(root, 'package.json'))
const { build } = await import(require.resolve('esbuild'))

const onlyArg = process.argv.find((a) => a.startsWith('--only='))
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : null
const want = (part) => !only || only.has(part)

const kb = (n) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MB` : `${(n / 1024).toFixed(1)} KB`)
const ms = (t0) => `${Math.round(performance.now() - t0)} ms`

function fail(message) {
  console.error(`[build] 构建失败：${message} / build failed.`)
  process.exit(1)
}

const common = { ...COMMON, absWorkingDir: root }

async function bundle(name, entry, outfile, external) {
  const t0 = performance.now()
  fs.rmSync(path.join(root, path.dirname(outfile)), { recursive: true, force: true })
  let result
  try {
    result = await build({ ...common, entryPoints: [entry], outfile, external })
  } catch (e) {
    fail(`${entry}（见上方 esbuild 报错 / see the esbuild errors above）`)
  }
  // Anything left as a runtime require must be one of the declared externals (or a node builtin in main).
  const requires = new Set()
  for (const out of Object.values(result.metafile.outputs)) {
    for (const imp of out.imports ?? []) if (imp.external) requires.add(imp.path)
  }
  const size = fs.statSync(path.join(root, outfile)).size
  console.log(`[build] ${name.padEnd(8)} ${outfile}  ${kb(size)}  (${ms(t0)})`)
  return requires
}

const t0 = performance.now()

if (want('main')) {
  await bundle('main', 'electron/main.ts', 'out/main/main.js', MAIN_EXTERNAL)
}

if (want('preload')) {
  const requires = await bundle('preload', 'electron/preload.ts', 'out/preload/preload.js', PRELOAD_EXTERNAL)
  const foreign = [...requires].filter((r) => r !== 'electron')
  if (foreign.length > 0) {
    fail(`沙箱 preload 只能引用 electron，却引用了 ${foreign.join(', ')} / sandboxed preload may only require electron`)
  }
}

if (want('renderer')) {
  const config = path.join(root, 'renderer', 'vite.config.ts')
  if (!fs.existsSync(config)) fail('未找到 renderer/vite.config.ts / renderer/vite.config.ts missing')
  const t1 = performance.now()
  let viteBin
  try {
    viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js')
  } catch {
    fail('未安装 vite / vite not installed')
  }
  // A production bundle whatever the caller's NODE_ENV (vitest sets 'test', which makes a dev build).
  const r = spawnSync(process.execPath, [viteBin, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  })
  if (r.status !== 0) fail('vite build')
  const index = path.join(root, 'out', 'renderer', 'index.html')
  if (!fs.existsSync(index)) fail('vite 未生成 out/renderer/index.html / vite did not write out/renderer/index.html')
  let total = 0
  const walk = (p) => {
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      const q = path.join(p, e.name)
      if (e.isDirectory()) walk(q)
      else if (!e.name.endsWith('.map')) total += fs.statSync(q).size
    }
  }
  walk(path.join(root, 'out', 'renderer'))
  console.log(`[build] renderer out/renderer/  ${kb(total)}  (${ms(t1)})`)
}

console.log(`[build] 完成 / done in ${ms(t0)}`)
