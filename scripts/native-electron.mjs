#!/usr/bin/env node
/**
 * Builds or fetches better-sqlite3 for Electron's ABI into
 *   .native/electron-v<electronVersion>-<platform>-<arch>/better_sqlite3.node
 * WITHOUT touching node_modules/better-sqlite3/build (that one stays the Node build used by tests).
 *
 * How: copy the package to a temp dir, run prebuild-install there for the Electron runtime; if no
 * prebuilt binary can be downloaded, compile it with node-gyp against Electron's headers. The child
 * environment has npm_config_nodedir (and friends) REMOVED: npm exports ~/.npmrc settings as
 * npm_config_* variables, and node-gyp silently builds for Node's headers when nodedir is set.
 * The result is verified: right file format/arch, and NOT loadable by this Node (a module built for
 * Electron fails with a NODE_MODULE_VERSION mismatch naming Electron's ABI).
 *
 * Usage:
 *   node scripts/native-electron.mjs [--arch=x64|arm64] [--platform=linux|win32|darwin]
 *                                    [--target=<electron version>] [--force] [--verbose] [--optional]
 *   --optional (postinstall): never fails the install; skips at once when the Electron binary was not
 *   downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD or no node_modules/electron/dist).
 *
 * Also usable as an electron-builder `beforePack` hook (export `beforePack`): it makes sure the
 * module for the platform/arch being packaged exists, building it if needed, and fails the packaging
 * with a clear message otherwise.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const TAG = '[native-electron]'
const NATIVE_FILE = 'better_sqlite3.node'
const PREBUILD_TIMEOUT_MS = 120_000
const COMPILE_TIMEOUT_MS = 30 * 60_000

const scriptDir = path.dirname(fileURLToPath(import.meta.url))

/** The app root: YUSUAN_APP_DIR (tests) or the folder above scripts/. */
export function appRoot() {
  return process.env.YUSUAN_APP_DIR ? path.resolve(process.env.YUSUAN_APP_DIR) : path.resolve(scriptDir, '..')
}

export function nativeDirName(electronVersion, platform, arch) {
  return `electron-v${electronVersion}-${platform}-${arch}`
}

export function nativeFilePath(root, electronVersion, platform, arch) {
  return path.join(root, '.native', nativeDirName(electronVersion, platform, arch), NATIVE_FILE)
}

export function parseArgs(argv) {
  const opts = { optional: false, force: false, verbose: false, arch: undefined, platform: undefined, target: undefined }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const m = /^--(arch|platform|target)(?:=(.*))?$/.exec(a)
    if (m) {
      const value = m[2] ?? argv[++i]
      if (!value) throw new Error(`${a} 缺少取值 / ${a} needs a value`)
      opts[m[1]] = value
    } else if (a === '--optional') opts.optional = true
    else if (a === '--force') opts.force = true
    else if (a === '--verbose') opts.verbose = true
    else throw new Error(`未知参数 ${a} / unknown argument ${a}`)
  }
  return opts
}

/**
 * npm passes its configuration (~/.npmrc here sets nodedir=/usr) to children as npm_config_*.
 * These keys would make node-gyp/prebuild-install target Node instead of Electron: drop them.
 */
const REDIRECTING_KEYS = new Set([
  'nodedir',
  'target',
  'runtime',
  'disturl',
  'dist_url',
  'arch',
  'target_arch',
  'platform',
  'build_from_source',
  'node_gyp',
  'target_platform',
  'libc',
])
export function cleanChildEnv(env) {
  const out = {}
  for (const [k, v] of Object.entries(env)) {
    const m = /^npm_config_(.+)$/i.exec(k)
    if (m && REDIRECTING_KEYS.has(m[1].toLowerCase().replace(/-/g, '_'))) continue
    if (v !== undefined) out[k] = v
  }
  return out
}

/** "…using NODE_MODULE_VERSION 143. This version of Node.js requires NODE_MODULE_VERSION 115." → 143 */
export function parseModuleVersion(message) {
  const m = /using\s+NODE_MODULE_VERSION\s+(\d+)/i.exec(String(message))
  return m ? Number(m[1]) : null
}

/** Checks the binary's file format and CPU match the target. Returns null or a problem description. */
export function checkBinaryFormat(buf, platform, arch) {
  if (!buf || buf.length < 64) return '文件过小或为空 / file too small'
  if (platform === 'linux') {
    if (buf.readUInt32BE(0) !== 0x7f454c46) return '不是 Linux（ELF）文件 / not an ELF file'
    const machine = buf.readUInt16LE(18)
    const want = { x64: 0x3e, arm64: 0xb7, ia32: 0x03, arm: 0x28 }[arch]
    if (want !== undefined && machine !== want) return `CPU 架构不符（e_machine=0x${machine.toString(16)}） / wrong CPU architecture`
    return null
  }
  if (platform === 'win32') {
    if (buf.toString('latin1', 0, 2) !== 'MZ') return '不是 Windows（PE）文件 / not a PE file'
    const pe = buf.readUInt32LE(0x3c)
    if (pe + 6 > buf.length || buf.toString('latin1', pe, pe + 4) !== 'PE\0\0') return '不是有效的 PE 文件 / bad PE header'
    const machine = buf.readUInt16LE(pe + 4)
    const want = { x64: 0x8664, arm64: 0xaa64, ia32: 0x14c }[arch]
    if (want !== undefined && machine !== want) return `CPU 架构不符（machine=0x${machine.toString(16)}） / wrong CPU architecture`
    return null
  }
  if (platform === 'darwin') {
    const magic = buf.readUInt32LE(0)
    if (magic !== 0xfeedfacf) return '不是 macOS（Mach-O 64）文件 / not a Mach-O file'
    const cpu = buf.readUInt32LE(4)
    const want = { x64: 0x01000007, arm64: 0x0100000c }[arch]
    if (want !== undefined && cpu !== want) return 'CPU 架构不符 / wrong CPU architecture'
    return null
  }
  return null
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {
    return null
  }
}

/** Electron's NODE_MODULE_VERSION: node_modules/electron/abi_version, else node-abi, else null. */
export function electronAbi(root, electronVersion) {
  try {
    const pkg = readJson(path.join(root, 'node_modules/electron/package.json'))
    if (pkg?.version === electronVersion) {
      const v = fs.readFileSync(path.join(root, 'node_modules/electron/abi_version'), 'utf8').trim()
      if (/^\d+$/.test(v)) return Number(v)
    }
  } catch {
    /* fall through */
  }
  try {
    const req = createRequire(path.join(root, 'package.json'))
    const abi = req('node-abi').getAbi(electronVersion, 'electron')
    if (/^\d+$/.test(String(abi))) return Number(abi)
  } catch {
    /* node-abi missing or version unknown */
  }
  return null
}

export function electronBinaryPresent(root) {
  const dist = path.join(root, 'node_modules/electron/dist')
  const pathTxt = path.join(root, 'node_modules/electron/path.txt')
  if (!fs.existsSync(pathTxt) || !fs.existsSync(dist)) return false
  const exe = fs.readFileSync(pathTxt, 'utf8').trim()
  return exe !== '' && fs.existsSync(path.join(dist, exe))
}

function isTruthyEnv(v) {
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false'
}

/** Runs a child, capturing (or with verbose also streaming) its output. Never rejects. */
function run(cmd, args, { cwd, env, timeoutMs, verbose }) {
  return new Promise((resolve) => {
    let output = ''
    let timedOut = false
    let child
    try {
      child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true })
    } catch (e) {
      resolve({ code: -1, output: String(e?.message ?? e), timedOut })
      return
    }
    const onData = (d) => {
      output += d.toString()
      if (output.length > 200_000) output = output.slice(-100_000)
      if (verbose) process.stderr.write(d)
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('error', (e) => {
      output += `\n${e.message}`
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? -1, output, timedOut })
    })
  })
}

/** The last meaningful line of a child's output, for a one-line reason. */
export function lastReason(output) {
  const lines = String(output)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^gyp info|^npm (notice|info)/.test(l))
  const headers = /gyp http GET (\S+)/.exec(String(output))?.[1]
  if (headers && /network connectivity|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONN/.test(String(output))) {
    return `无法下载 Electron 头文件（网络不通） / could not download Electron headers: ${headers}`
  }
  const pick =
    lines.find((l) => /: (fatal )?error: /.test(l)) ?? // a compiler error
    lines.find((l) => /ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|getaddrinfo|\b40[34]\b/.test(l)) ??
    lines.find((l) => /^gyp ERR! stack Error:/.test(l))?.replace(/^gyp ERR! stack /, '') ??
    [...lines].reverse().find((l) => /err|fail/i.test(l)) ??
    lines.at(-1)
  return (pick ?? '(无输出 / no output)').slice(0, 300)
}

/**
 * Loads the module in a separate Node process (a foreign binary must never crash this one).
 * Returns {loaded:true} | {loaded:false, moduleVersion:number|null, message}.
 */
async function probeWithNode(file) {
  const code =
    'try{process.dlopen({exports:{}},process.argv[1]);console.log("LOADED")}' +
    'catch(e){console.log("ERR:"+String(e&&e.message).replace(/\\s+/g," "))}'
  const r = await run(process.execPath, ['-e', code, file], { env: cleanChildEnv(process.env), timeoutMs: 30_000 })
  if (/^LOADED/m.test(r.output)) return { loaded: true }
  const msg = (/^ERR:(.*)$/m.exec(r.output)?.[1] ?? r.output).trim()
  return { loaded: false, moduleVersion: parseModuleVersion(msg), message: msg }
}

class NativeError extends Error {
  constructor(message, reasons = []) {
    super(message)
    this.reasons = reasons
  }
}

/** Verifies a candidate binary; throws NativeError when it is not an Electron build for the target. */
export async function verifyBinary(file, { platform, arch, expectedAbi, log = () => {} }) {
  const buf = fs.readFileSync(file)
  const fmt = checkBinaryFormat(buf.subarray(0, 4096), platform, arch)
  if (fmt) throw new NativeError(`生成的模块不适用于 ${platform}-${arch}：${fmt}`)
  if (platform !== process.platform || arch !== process.arch) {
    log(`${TAG} 跨平台目标，仅检查了文件格式 / cross target: only the file format was checked.`)
    return { abi: null }
  }
  const probe = await probeWithNode(file)
  if (probe.loaded) {
    throw new NativeError(
      '生成的模块能被 Node 直接加载，说明它是按 Node 而非 Electron 编译的（多半是 npm_config_nodedir 所致）。 / ' +
        'The module loads in Node, so it was built for Node, not Electron (npm_config_nodedir trap).',
    )
  }
  if (probe.moduleVersion == null) {
    log(`${TAG} 警告：无法从 Node 的报错中读出模块 ABI（${probe.message.slice(0, 160)}） / warning: could not read the module ABI.`)
    return { abi: null }
  }
  if (expectedAbi != null && probe.moduleVersion !== expectedAbi) {
    throw new NativeError(
      `模块 ABI 为 ${probe.moduleVersion}，而 Electron 需要 ${expectedAbi}。 / Module ABI ${probe.moduleVersion} != Electron ABI ${expectedAbi}.`,
    )
  }
  if (probe.moduleVersion === Number(process.versions.modules)) {
    throw new NativeError('模块 ABI 与当前 Node 相同，不是 Electron 版。 / Module ABI equals Node’s: not an Electron build.')
  }
  return { abi: probe.moduleVersion }
}

function copyPackage(src, dest) {
  fs.cpSync(src, dest, {
    recursive: true,
    filter: (p) => {
      const rel = path.relative(src, p)
      const first = rel.split(path.sep)[0]
      return first !== 'build' && first !== 'node_modules' && first !== 'prebuilds'
    },
  })
}

/**
 * Makes sure the Electron build exists for (electronVersion, platform, arch). Returns
 * {status:'exists'|'built', file, method, abi}. Throws NativeError with reasons on failure.
 */
export async function ensureElectronNative({
  root = appRoot(),
  electronVersion,
  platform = process.platform,
  arch = process.arch,
  force = false,
  verbose = false,
  log = (line) => console.log(line),
} = {}) {
  const req = createRequire(path.join(root, 'package.json'))
  if (!electronVersion) {
    electronVersion = readJson(path.join(root, 'node_modules/electron/package.json'))?.version
    if (!electronVersion) {
      throw new NativeError('未找到 node_modules/electron，无法确定 Electron 版本；请先运行 npm install。 / electron package not installed; run npm install.')
    }
  }
  const bsqDir = path.join(root, 'node_modules/better-sqlite3')
  const bsqPkg = readJson(path.join(bsqDir, 'package.json'))
  if (!bsqPkg) throw new NativeError('未找到 node_modules/better-sqlite3；请先运行 npm install。 / better-sqlite3 not installed; run npm install.')

  const file = nativeFilePath(root, electronVersion, platform, arch)
  const outDir = path.dirname(file)
  const infoFile = path.join(outDir, 'build-info.json')
  const rel = path.relative(root, file)
  const expectedAbi = electronAbi(root, electronVersion)

  if (!force && fs.existsSync(file)) {
    const info = readJson(infoFile)
    if (!info || info.betterSqlite3 === bsqPkg.version) {
      return { status: 'exists', file, rel, method: info?.method ?? 'unknown', abi: info?.abi ?? expectedAbi }
    }
    log(`${TAG} better-sqlite3 已从 ${info.betterSqlite3} 升级到 ${bsqPkg.version}，重新生成。 / better-sqlite3 upgraded, rebuilding.`)
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bsq-electron-'))
  const pkgCopy = path.join(tmp, 'better-sqlite3')
  const env = cleanChildEnv(process.env)
  const reasons = []
  let method = null
  try {
    copyPackage(bsqDir, pkgCopy)
    const built = path.join(pkgCopy, 'build/Release', NATIVE_FILE)

    // 1) prebuilt binary from the better-sqlite3 GitHub releases
    let prebuildBin = null
    try {
      prebuildBin = req.resolve('prebuild-install/bin.js')
    } catch {
      reasons.push('prebuild-install 未安装 / not installed')
    }
    if (prebuildBin) {
      log(`${TAG} 正在下载 Electron ${electronVersion}（${platform}-${arch}）的预编译模块… / Fetching prebuilt better-sqlite3 for Electron…`)
      const r = await run(
        process.execPath,
        [prebuildBin, '--runtime=electron', `--target=${electronVersion}`, `--arch=${arch}`, `--platform=${platform}`, '--verbose'],
        { cwd: pkgCopy, env, timeoutMs: PREBUILD_TIMEOUT_MS, verbose },
      )
      if (r.code === 0 && fs.existsSync(built)) method = 'prebuild-install'
      else reasons.push(`预编译包下载失败 / prebuild-install: ${r.timedOut ? '超时 / timed out' : lastReason(r.output)}`)
    }

    // 2) compile against Electron's headers (same OS and CPU only)
    if (!method) {
      if (platform !== process.platform || arch !== process.arch) {
        reasons.push(`无法在 ${process.platform}-${process.arch} 上为 ${platform}-${arch} 编译，只能使用预编译包 / cannot cross-compile`)
      } else {
        let gypBin = null
        try {
          gypBin = req.resolve('node-gyp/bin/node-gyp.js')
        } catch {
          reasons.push('node-gyp 未安装 / not installed')
        }
        if (gypBin) {
          log(`${TAG} 正在按 Electron ${electronVersion} 头文件从源码编译（约需数分钟）… / Compiling from source against Electron headers (a few minutes)…`)
          fs.rmSync(path.join(pkgCopy, 'build'), { recursive: true, force: true })
          const r = await run(
            process.execPath,
            [
              gypBin,
              'rebuild',
              '--release',
              '--runtime=electron',
              `--target=${electronVersion}`,
              `--arch=${arch}`,
              '--dist-url=https://electronjs.org/headers',
              '--jobs=max',
            ],
            { cwd: pkgCopy, env, timeoutMs: COMPILE_TIMEOUT_MS, verbose },
          )
          if (r.code === 0 && fs.existsSync(built)) method = 'node-gyp'
          else reasons.push(`源码编译失败 / node-gyp: ${r.timedOut ? '超时 / timed out' : lastReason(r.output)}`)
        }
      }
    }

    if (!method) {
      throw new NativeError(
        `无法获取 Electron ${electronVersion}（${platform}-${arch}）版 better-sqlite3：预编译包下载失败且无法从源码编译（需联网）。请在能联网的电脑上运行 npm run native:electron。 / ` +
          `Could not fetch or build better-sqlite3 for Electron ${electronVersion} (${platform}-${arch}); both need internet access.`,
        reasons,
      )
    }

    const { abi } = await verifyBinary(built, { platform, arch, expectedAbi, log })

    // Install atomically: temp name in the target folder, then rename.
    fs.mkdirSync(outDir, { recursive: true })
    const part = `${file}.part-${process.pid}`
    fs.copyFileSync(built, part)
    fs.renameSync(part, file)
    const info = {
      electronVersion,
      platform,
      arch,
      abi: abi ?? expectedAbi,
      betterSqlite3: bsqPkg.version,
      method,
      builtAt: new Date().toISOString(),
    }
    fs.writeFileSync(infoFile, JSON.stringify(info, null, 2) + '\n')
    removeStale(root, electronVersion, platform, arch, log)
    return { status: 'built', file, rel, method, abi: info.abi }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

/** Removes builds of other Electron versions for the same platform-arch (generated files only). */
function removeStale(root, electronVersion, platform, arch, log) {
  const base = path.join(root, '.native')
  const keep = nativeDirName(electronVersion, platform, arch)
  for (const name of fs.readdirSync(base)) {
    if (name !== keep && name.startsWith('electron-v') && name.endsWith(`-${platform}-${arch}`)) {
      fs.rmSync(path.join(base, name), { recursive: true, force: true })
      log(`${TAG} 已删除旧版本模块 .native/${name} / removed stale build.`)
    }
  }
}

const BUILDER_ARCH = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' }

/** electron-builder `beforePack` hook: the module for the packaged platform/arch must exist. */
export async function beforePack(context) {
  const platform = context.electronPlatformName
  const arch = typeof context.arch === 'number' ? BUILDER_ARCH[context.arch] : String(context.arch)
  const root = context.packager?.projectDir ?? appRoot()
  const electronVersion = context.packager?.config?.electronVersion ?? undefined
  try {
    const r = await ensureElectronNative({ root, electronVersion, platform, arch })
    console.log(`${TAG} 打包使用 / packaging with ${r.rel}（ABI ${r.abi ?? '?'}）`)
  } catch (e) {
    const reasons = e.reasons?.length ? `\n  ${e.reasons.join('\n  ')}` : ''
    throw new Error(`${TAG} ${e.message}${reasons}`)
  }
}

async function main() {
  let opts
  try {
    opts = parseArgs(process.argv.slice(2))
  } catch (e) {
    console.error(`${TAG} ${e.message}`)
    process.exit(2)
  }
  const root = appRoot()
  if (opts.optional) {
    if (isTruthyEnv(process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) || !electronBinaryPresent(root)) {
      console.log(
        `${TAG} 未下载 Electron 程序文件，跳过 Electron 版数据库模块（npm start 时会再尝试）。 / Electron binary not downloaded; skipping the Electron build of better-sqlite3.`,
      )
      return 0
    }
  }
  try {
    const r = await ensureElectronNative({
      root,
      electronVersion: opts.target,
      platform: opts.platform ?? process.platform,
      arch: opts.arch ?? process.arch,
      force: opts.force,
      verbose: opts.verbose,
    })
    const how = r.status === 'exists' ? '已存在 / already present' : `已生成（${r.method}） / built with ${r.method}`
    console.log(`${TAG} Electron 版 better-sqlite3 ${how}：${r.rel}（ABI ${r.abi ?? '?'}）`)
    return 0
  } catch (e) {
    console.error(`${TAG} ${e instanceof NativeError ? e.message : `意外错误 / unexpected error: ${e?.message ?? e}`}`)
    for (const reason of e.reasons ?? []) console.error(`${TAG}   - ${reason}`)
    if (opts.optional) {
      console.error(`${TAG} （安装继续；npm start 时会再尝试。 / install continues; npm start retries.）`)
      return 0
    }
    return 1
  }
}

/** True when run as a script (not imported by electron-builder or a test). Symlinks and drive-letter case safe. */
function invokedDirectly() {
  if (!process.argv[1]) return false
  const same = (a, b) => (process.platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b)
  const self = fileURLToPath(import.meta.url)
  try {
    return same(fs.realpathSync(process.argv[1]), fs.realpathSync(self))
  } catch {
    return same(path.resolve(process.argv[1]), self)
  }
}
if (invokedDirectly()) {
  main().then((code) => process.exit(code))
}
