import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const START = join(ROOT, 'scripts/start.mjs')
const NATIVE = join(ROOT, 'scripts/native-electron.mjs')
const NODE_BUILD = join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')

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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let native: any
beforeAll(async () => {
  const url = pathToFileURL(NATIVE).href
  native = await import(/* @vite-ignore */ url)
})

describe('scripts/start.mjs', () => {
  it('without the Electron binary prints one line and exits 1, no stack trace', () => {
    const app = fakeAppDir()
    put(join(app, 'package.json'), '{"name":"x","main":"out/main/main.js"}')
    put(join(app, 'node_modules/electron/package.json'), '{"version":"40.8.5"}') // installed with ELECTRON_SKIP_BINARY_DOWNLOAD
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
    put(join(app, 'node_modules/electron/package.json'), '{"version":"40.8.5"}')
    put(join(app, 'node_modules/electron/path.txt'), 'electron')
    const exe = join(app, 'node_modules/electron/dist/electron')
    put(exe, `#!/bin/sh\nprintf '%s\\n' "$@" > "${marker}"\nexit 7\n`)
    chmodSync(exe, 0o755)
    put(join(app, 'node_modules/better-sqlite3/package.json'), '{"version":"12.11.1"}')
    const dir = join(app, `.native/electron-v40.8.5-${process.platform}-${process.arch}`)
    put(join(dir, 'better_sqlite3.node'), 'stand-in')
    put(join(dir, 'build-info.json'), JSON.stringify({ betterSqlite3: '12.11.1', method: 'prebuild-install', abi: 143 }))
    for (const f of ['out/main/main.js', 'out/preload/preload.js', 'out/renderer/index.html']) put(join(app, f), '')
    const past = new Date(Date.now() - 60_000)
    utimesSync(join(app, 'electron/main.ts'), past, past)
    utimesSync(join(app, 'package.json'), past, past)

    const r = runNode(START, ['--trace-warnings'], { YUSUAN_APP_DIR: app })
    expect(r.stdout).toContain('已存在')
    expect(r.stdout).toContain('跳过构建')
    expect(r.code).toBe(7) // Electron's exit code is passed on
    expect(readFileSync(marker, 'utf8').split('\n').filter(Boolean)).toEqual([app, '--trace-warnings'])
  })
})

describe('scripts/native-electron.mjs', () => {
  it('--optional skips at once when the Electron binary was not downloaded', () => {
    const app = fakeAppDir()
    const t0 = Date.now()
    const r = runNode(NATIVE, ['--optional'], { YUSUAN_APP_DIR: app, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('跳过')
    expect(Date.now() - t0).toBeLessThan(10_000)
    expect(existsSync(join(app, '.native'))).toBe(false)
  })

  it('fails with a one-line reason (and exit 1) when better-sqlite3 is not installed; --optional still exits 0', () => {
    const app = fakeAppDir()
    put(join(app, 'package.json'), '{"name":"x"}')
    put(join(app, 'node_modules/electron/package.json'), '{"version":"40.8.5"}')
    const r = runNode(NATIVE, [], { YUSUAN_APP_DIR: app })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('better-sqlite3')
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('removes the npm_config_* keys that would make node-gyp build for Node (the nodedir trap)', () => {
    const env = native.cleanChildEnv({
      PATH: '/usr/bin',
      https_proxy: 'http://proxy:3128',
      npm_config_nodedir: '/usr',
      NPM_CONFIG_NODEDIR: '/usr',
      npm_config_target: '20.0.0',
      npm_config_runtime: 'node',
      npm_config_disturl: 'https://nodejs.org/dist',
      npm_config_arch: 'x64',
      npm_config_build_from_source: 'true',
      npm_config_cache: '/root/.npm',
    })
    expect(env).toEqual({ PATH: '/usr/bin', https_proxy: 'http://proxy:3128', npm_config_cache: '/root/.npm' })
  })

  it('parses arguments and module versions', () => {
    expect(native.parseArgs(['--arch=arm64', '--platform', 'win32', '--optional'])).toMatchObject({
      arch: 'arm64',
      platform: 'win32',
      optional: true,
      force: false,
    })
    expect(() => native.parseArgs(['--bogus'])).toThrow()
    expect(
      native.parseModuleVersion(
        "The module '/x/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 143. This version of Node.js requires\nNODE_MODULE_VERSION 115.",
      ),
    ).toBe(143)
    expect(native.parseModuleVersion('undefined symbol: foo')).toBeNull()
    expect(native.nativeDirName('40.8.5', 'linux', 'arm64')).toBe('electron-v40.8.5-linux-arm64')
  })

  it.skipIf(!existsSync(NODE_BUILD) || process.platform !== 'linux' || process.arch !== 'x64')(
    'checks file format and CPU of a binary',
    () => {
      const buf = readFileSync(NODE_BUILD).subarray(0, 4096)
      expect(native.checkBinaryFormat(buf, 'linux', 'x64')).toBeNull()
      expect(native.checkBinaryFormat(buf, 'linux', 'arm64')).toMatch(/CPU/)
      expect(native.checkBinaryFormat(buf, 'win32', 'x64')).toMatch(/PE/)
    },
  )

  it.skipIf(!existsSync(NODE_BUILD))('rejects a module built for Node (it loads in Node), whatever its name says', async () => {
    await expect(
      native.verifyBinary(NODE_BUILD, { platform: process.platform, arch: process.arch, expectedAbi: 143 }),
    ).rejects.toThrow(/Node/)
  })

  it('knows Electron 40’s ABI from the installed packages', () => {
    const abi = native.electronAbi(ROOT, '40.8.5')
    expect(abi).toBe(143)
    expect(abi).not.toBe(Number(process.versions.modules))
  })
})
