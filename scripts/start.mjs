#!/usr/bin/env node
/**
 * npm start:
 *   1. the Electron binary must be present (npm install downloads it from GitHub), else ONE line and exit 1;
 *   2. build (scripts/build.mjs) unless out/ is newer than every source;
 *   3. run Electron on the app folder with inherited stdio.
 * better-sqlite3 needs nothing here: its Node-API prebuild inside the npm package loads in Electron
 * as it does in Node.
 * YUSUAN_APP_DIR points it at another app folder (used by tests).
 */
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const scriptDir = path.dirname(fileURLToPath(import.meta.url))
const root = process.env.YUSUAN_APP_DIR ? path.resolve(process.env.YUSUAN_APP_DIR) : path.resolve(scriptDir, '..')

function fail(line) {
  console.error(line)
  process.exit(1)
}

/** The Electron executable, or null when the binary was never downloaded. */
function electronExecutable() {
  const pkgDir = path.join(root, 'node_modules', 'electron')
  const pathTxt = path.join(pkgDir, 'path.txt')
  let exe = ''
  try {
    exe = fs.readFileSync(pathTxt, 'utf8').trim()
  } catch {
    /* missing */
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (override) {
    const p = path.join(override, exe || 'electron')
    return fs.existsSync(p) ? p : null
  }
  if (!exe) return null
  const p = path.join(pkgDir, 'dist', exe)
  return fs.existsSync(p) ? p : null
}

/** Newest mtime under the given paths (files or folders), skipping node_modules and dot folders. */
function newestMtime(paths) {
  let newest = 0
  const visit = (p) => {
    let st
    try {
      st = fs.statSync(p)
    } catch {
      return
    }
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p)) {
        if (name === 'node_modules' || name.startsWith('.')) continue
        visit(path.join(p, name))
      }
    } else if (st.mtimeMs > newest) newest = st.mtimeMs
  }
  for (const p of paths) visit(p)
  return newest
}

function buildIsFresh() {
  const outputs = ['out/main/main.js', 'out/preload/preload.js', 'out/renderer/index.html'].map((p) => path.join(root, p))
  let oldestOutput = Infinity
  for (const o of outputs) {
    try {
      oldestOutput = Math.min(oldestOutput, fs.statSync(o).mtimeMs)
    } catch {
      return false
    }
  }
  const sources = ['electron', 'shared', 'renderer', 'resources', 'package.json', 'tsconfig.json', 'tsconfig.base.json', 'tsconfig.web.json', 'scripts/build.mjs'].map(
    (p) => path.join(root, p),
  )
  return newestMtime(sources) <= oldestOutput
}

function runNode(script, args = []) {
  const r = spawnSync(process.execPath, [path.join(scriptDir, script), ...args], { cwd: root, stdio: 'inherit', env: process.env })
  return r.status ?? 1
}

// 1. Electron binary
const electronExe = electronExecutable()
if (!electronExe) {
  fail(
    '无法启动：未找到 Electron 程序文件（node_modules/electron/dist）。请在能联网的电脑上运行 npm install（不要设置 ELECTRON_SKIP_BINARY_DOWNLOAD）。 / Electron binary missing: run npm install with internet access.',
  )
}

// 2. Build when stale
if (buildIsFresh()) {
  console.log('[start] out/ 已是最新，跳过构建。 / out/ is up to date, skipping build.')
} else if (runNode('build.mjs') !== 0) {
  fail('无法启动：构建失败（见上方输出）。 / Cannot start: build failed (see above).')
}

// 3. Run Electron
const env = { ...process.env }
delete env.ELECTRON_RUN_AS_NODE
const child = spawn(electronExe, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env, windowsHide: false })
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (!child.killed) child.kill(sig)
  })
}
child.on('error', (e) => fail(`无法启动 Electron：${e.message} / Could not start Electron.`))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
