/**
 * Where the Electron-ABI build of better-sqlite3 lives. node_modules/better-sqlite3/build holds the
 * Node build (for tests and scripts); the app loads its own build through better-sqlite3's
 * `nativeBinding` option:
 *   dev:      <app root>/.native/electron-v<version>-<platform>-<arch>/better_sqlite3.node
 *   packaged: <resources>/native/electron-v…/better_sqlite3.node     (electron-builder extraResources)
 *             <resources>/app.asar.unpacked/.native/electron-v…/…    (if shipped via asarUnpack instead)
 * Pure: the file system and path functions are injected.
 */
import nodePath from 'node:path'

export const NATIVE_FILE = 'better_sqlite3.node'

export interface NativeBindingEnv {
  /** process.versions.electron */
  electronVersion: string
  /** process.platform */
  platform: string
  /** process.arch */
  arch: string
  /** app.isPackaged */
  isPackaged: boolean
  /** The app folder in development (app.getAppPath(): where package.json is). */
  appRoot: string
  /** process.resourcesPath (packaged app). */
  resourcesPath: string
  exists(path: string): boolean
  /** Path functions; node:path by default (inject path.win32 to test Windows layouts). */
  path?: Pick<typeof nodePath, 'join'>
}

export type NativeBindingResolution =
  | { ok: true; path: string; tried: string[] }
  | { ok: false; tried: string[]; message: string }

export function nativeDirName(electronVersion: string, platform: string, arch: string): string {
  return `electron-v${electronVersion}-${platform}-${arch}`
}

/** Every place the module may be, in the order they are tried. */
export function nativeBindingCandidates(env: NativeBindingEnv): string[] {
  const p = env.path ?? nodePath
  const dir = nativeDirName(env.electronVersion, env.platform, env.arch)
  if (env.isPackaged) {
    return [
      p.join(env.resourcesPath, 'native', dir, NATIVE_FILE),
      p.join(env.resourcesPath, 'app.asar.unpacked', '.native', dir, NATIVE_FILE),
    ]
  }
  return [p.join(env.appRoot, '.native', dir, NATIVE_FILE)]
}

export function resolveNativeBinding(env: NativeBindingEnv): NativeBindingResolution {
  if (!env.electronVersion) {
    return { ok: false, tried: [], message: '当前不是在 Electron 中运行，无法确定数据库组件版本。' }
  }
  const tried = nativeBindingCandidates(env)
  const found = tried.find((candidate) => env.exists(candidate))
  if (found) return { ok: true, path: found, tried }
  const where = `Electron ${env.electronVersion}（${env.platform}-${env.arch}）`
  const todo = env.isPackaged
    ? '安装包不完整，请重新安装本软件。'
    : '请在能联网的电脑上运行 npm run native:electron 生成它。'
  return {
    ok: false,
    tried,
    message: `未找到适用于 ${where} 的数据库组件 ${NATIVE_FILE}（已查找：${tried.join('；')}）。${todo}`,
  }
}
