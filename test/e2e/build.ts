/** Builds the renderer once for the e2e run, only if out/renderer is older than its sources. */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const STATIC_DIR = join(ROOT, 'out', 'renderer')

function newestMtime(dir: string, skip: (name: string) => boolean = () => false): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip(entry.name)) continue
    const p = join(dir, entry.name)
    const t = entry.isDirectory() ? newestMtime(p, skip) : statSync(p).mtimeMs
    if (t > newest) newest = t
  }
  return newest
}

function rendererIsStale(): boolean {
  const index = join(STATIC_DIR, 'index.html')
  if (!existsSync(index)) return true
  const built = statSync(index).mtimeMs
  const sources = Math.max(
    newestMtime(join(ROOT, 'renderer'), (n) => n === 'node_modules'),
    newestMtime(join(ROOT, 'shared')),
    statSync(join(ROOT, 'package.json')).mtimeMs,
  )
  return sources > built
}

/** Serialised across test files by a lock directory, so parallel workers build at most once. */
export async function ensureRendererBuilt(): Promise<void> {
  const lock = join(ROOT, 'out', '.renderer-build.lock')
  mkdirSync(join(ROOT, 'out'), { recursive: true })
  const started = Date.now()
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      // A lock left behind by a killed run: older than any real build.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000) rmdirSync(lock)
      if (Date.now() - started > 120_000) throw new Error('等待界面构建超时 / timed out waiting for the renderer build lock: ' + lock)
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  try {
    if (rendererIsStale()) {
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
        cwd: ROOT,
        stdio: 'inherit',
        // vitest sets NODE_ENV=test; a production bundle needs production.
        env: { ...process.env, NODE_ENV: 'production', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
      })
    }
  } finally {
    rmdirSync(lock)
  }
}
