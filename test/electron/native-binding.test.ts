import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { nativeBindingCandidates, nativeDirName, resolveNativeBinding, type NativeBindingEnv } from '../../electron/native-binding'

const base: NativeBindingEnv = {
  electronVersion: '40.8.5',
  platform: 'linux',
  arch: 'x64',
  isPackaged: false,
  appRoot: '/work/main',
  resourcesPath: '/opt/预算绩效管理/resources',
  exists: () => false,
  path: path.posix,
}
const only = (...files: string[]) => (p: string) => files.includes(p)

describe('native binding', () => {
  it('names the folder after electron version, platform and arch', () => {
    expect(nativeDirName('40.8.5', 'win32', 'x64')).toBe('electron-v40.8.5-win32-x64')
  })

  it('uses .native under the app root in development', () => {
    const file = '/work/main/.native/electron-v40.8.5-linux-x64/better_sqlite3.node'
    expect(nativeBindingCandidates(base)).toEqual([file])
    expect(resolveNativeBinding({ ...base, exists: only(file) })).toEqual({ ok: true, path: file, tried: [file] })
  })

  it('uses the unpacked file under resources in the packaged app', () => {
    const env = { ...base, isPackaged: true, appRoot: '/opt/预算绩效管理/resources/app.asar' }
    const extra = '/opt/预算绩效管理/resources/native/electron-v40.8.5-linux-x64/better_sqlite3.node'
    const unpacked = '/opt/预算绩效管理/resources/app.asar.unpacked/.native/electron-v40.8.5-linux-x64/better_sqlite3.node'
    expect(nativeBindingCandidates(env)).toEqual([extra, unpacked])
    expect(resolveNativeBinding({ ...env, exists: only(unpacked) })).toMatchObject({ ok: true, path: unpacked })
    expect(resolveNativeBinding({ ...env, exists: only(extra, unpacked) })).toMatchObject({ ok: true, path: extra })
    // never a path inside app.asar itself (a .node file cannot be loaded from an archive)
    for (const c of nativeBindingCandidates(env)) expect(c).not.toMatch(/app\.asar[\\/]/)
  })

  it('builds Windows paths for a Windows install', () => {
    const env: NativeBindingEnv = {
      ...base,
      platform: 'win32',
      isPackaged: true,
      resourcesPath: 'C:\\Program Files\\预算绩效管理\\resources',
      path: path.win32,
    }
    expect(nativeBindingCandidates(env)[0]).toBe('C:\\Program Files\\预算绩效管理\\resources\\native\\electron-v40.8.5-win32-x64\\better_sqlite3.node')
  })

  it('says what to do when the module is missing', () => {
    const dev = resolveNativeBinding(base)
    expect(dev.ok).toBe(false)
    expect(!dev.ok && dev.message).toContain('npm run native:electron')
    expect(!dev.ok && dev.tried).toHaveLength(1)
    const packaged = resolveNativeBinding({ ...base, isPackaged: true })
    expect(!packaged.ok && packaged.message).toContain('重新安装')
    expect(!packaged.ok && packaged.tried).toHaveLength(2)
    expect(resolveNativeBinding({ ...base, electronVersion: '' }).ok).toBe(false)
  })
})
