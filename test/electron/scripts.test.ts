import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const START = join(ROOT, 'scripts/start.mjs')

const dirs: string[] = []
function fakeAppDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ysjx-app-'))
  dirs.push(d)
  return d
}
function put(file: string, content: string | Buffer) {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, content)
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function runNode(script: string, args: string[], env: Record<string, string | undefined>) {
  const r = spawnSync(process.execPath, [script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: undefined, ...env },
    timeout: 60_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('scripts/start.mjs', () => {
  it('without the Electron binary prints one line and exits 1, no stack trace', () => {
    const app = fakeAppDir()
    put(join(app, 'package.json'), '{"name":"x","main":"out/main/main.js"}')
    put(join(app, 'node_modules/electron/package.json'), '{"version":"45.5.0"}') // installed with ELECTRON_SKIP_BINARY_DOWNLOAD
    const r = runNode(START, [], { YUSUAN_APP_DIR: app })
    expect(r.code).toBe(1)
    const lines = (r.stdout + r.stderr).split('\n').filter((l) => l.trim() !== '')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('无法启动：未找到 Electron 程序文件（node_modules/electron/dist）')
    expect(lines[0]).toContain('Electron binary missing: run npm install with internet access.')
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it.skipIf(process.platform === 'win32')('with everything in place, runs Electron on the app folder (build skipped when fresh)', () => {
    const app = fakeAppDir()
    const marker = join(app, 'electron-ran.txt')
    put(join(app, 'package.json'), '{"name":"x","main":"out/main/main.js"}')
    put(join(app, 'electron/main.ts'), '// source')
    put(join(app, 'node_modules/electron/package.json'), '{"version":"45.5.0"}')
    put(join(app, 'node_modules/electron/path.txt'), 'electron')
    const exe = join(app, 'node_modules/electron/dist/electron')
    put(exe, `#!/bin/sh\nprintf '%s\\n' "$@" > "${marker}"\nexit 7\n`)
    chmodSync(exe, 0o755)
    for (const f of ['out/main/main.js', 'out/preload/preload.js', 'out/renderer/index.html']) put(join(app, f), '')
    const past = new Date(Date.now() - 60_000)
    utimesSync(join(app, 'electron/main.ts'), past, past)
    utimesSync(join(app, 'package.json'), past, past)

    const r = runNode(START, ['--trace-warnings'], { YUSUAN_APP_DIR: app })
    expect(r.stdout).toContain('跳过构建')
    expect(r.code).toBe(7) // Electron's exit code is passed on
    expect(readFileSync(marker, 'utf8').split('\n').filter(Boolean)).toEqual([app, '--trace-warnings'])
  })
})
