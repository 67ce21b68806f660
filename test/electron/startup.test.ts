import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AppError } from '../../shared/result'
import { signInTestAdmin } from '../helpers/backend'
import {
  checkSqliteModule,
  createElectronPlatform,
  damagedDialog,
  formatBackupTime,
  openWithRecovery,
  readDamagedDetails,
  type MessageBoxOptions,
  type StartupDeps,
} from '../../electron/startup'

const KEPT = '/data/yusuan-jixiao.sqlite.damaged-20240506-143000-000'
const B1 = { path: '/data/backups/backup-20240506-142000-000-start.sqlite', createdAt: '2024-05-06T14:20:00.000', reason: 'start' }
const B2 = { path: '/data/backups/backup-20240505-090000-000-start.sqlite', createdAt: '2024-05-05T09:00:00.000', reason: 'start' }
const damaged = (backups = [B1, B2], keptAs: string | null = KEPT) =>
  new AppError('DB_DAMAGED', '数据库文件已损坏：完整性检查未通过。', { dbPath: '/data/yusuan-jixiao.sqlite', keptAs, backups })

/** A scripted run: openBackend answers from `opens` in order; the dialog answers from `answers`. */
function script(opens: Array<Error | 'ok'>, answers: number[], restore: (p: string) => Promise<void> = async () => {}) {
  const dialogs: MessageBoxOptions[] = []
  const backend = { name: 'backend' }
  const deps = {
    openBackend: vi.fn(async () => {
      const next = opens.shift()
      if (next === undefined) throw new Error('openBackend called too often')
      if (next === 'ok') return backend
      throw next
    }),
    restoreBackup: vi.fn(restore),
    showMessageBox: vi.fn(async (o: MessageBoxOptions) => {
      dialogs.push(o)
      return { response: answers.shift() ?? o.cancelId }
    }),
  } satisfies StartupDeps<typeof backend>
  return { deps, dialogs, backend }
}

const allArgs = (fn: { mock: { calls: unknown[][] } }) => fn.mock.calls.flat().map(String)

describe('openWithRecovery', () => {
  it('opens straight away when the database is fine', async () => {
    const { deps, backend, dialogs } = script(['ok'], [])
    expect(await openWithRecovery(deps)).toEqual({ kind: 'opened', backend })
    expect(dialogs).toHaveLength(0)
  })

  it('refuses a database from a newer version with a Chinese error and quits', async () => {
    const newer = new AppError('DB_NEWER', '数据库由更高版本的预算绩效管理软件创建（数据结构版本 9，本软件支持到 3）。')
    const { deps, dialogs } = script([newer], [])
    expect(await openWithRecovery(deps)).toEqual({ kind: 'quit', reason: 'db-newer' })
    expect(dialogs).toHaveLength(1)
    expect(dialogs[0]!.type).toBe('error')
    expect(dialogs[0]!.message).toContain('更高版本')
    expect(dialogs[0]!.detail).toContain('数据结构版本 9')
    expect(dialogs[0]!.buttons).toEqual(['退出'])
    expect(deps.openBackend).toHaveBeenCalledOnce()
    expect(deps.restoreBackup).not.toHaveBeenCalled()
  })

  it('offers restore / new / quit for a damaged database, naming the kept file and the backup time', async () => {
    const { deps, dialogs } = script([damaged()], [2])
    await openWithRecovery(deps)
    expect(dialogs[0]!.message).toBe(`数据库文件已损坏，原文件已保留为 ${KEPT}。`)
    expect(dialogs[0]!.buttons).toEqual(['从最新备份恢复（2024-05-06 14:20）', '新建空数据库', '退出'])
    expect(dialogs[0]!.cancelId).toBe(2)
  })

  it('restore: restores the newest backup, then opens again', async () => {
    const { deps, backend } = script([damaged(), 'ok'], [0])
    expect(await openWithRecovery(deps)).toEqual({ kind: 'opened', backend })
    expect(deps.restoreBackup).toHaveBeenCalledExactlyOnceWith(B1.path)
    expect(deps.openBackend).toHaveBeenCalledTimes(2)
    expect(allArgs(deps.restoreBackup)).not.toContain(KEPT)
  })

  it('new: opens again (an empty database) without restoring anything', async () => {
    const { deps, backend } = script([damaged(), 'ok'], [1])
    expect(await openWithRecovery(deps)).toEqual({ kind: 'opened', backend })
    expect(deps.restoreBackup).not.toHaveBeenCalled()
    expect(deps.openBackend).toHaveBeenCalledTimes(2)
  })

  it('quit: quits without touching anything', async () => {
    const { deps } = script([damaged()], [2])
    expect(await openWithRecovery(deps)).toEqual({ kind: 'quit', reason: 'user' })
    expect(deps.restoreBackup).not.toHaveBeenCalled()
    expect(deps.openBackend).toHaveBeenCalledOnce()
  })

  it('closing the dialog (Esc) means quit', async () => {
    const { deps } = script([damaged()], [])
    expect(await openWithRecovery(deps)).toEqual({ kind: 'quit', reason: 'user' })
  })

  it('without backups offers only new / quit', async () => {
    const { deps, dialogs } = script([damaged([]), 'ok'], [0])
    expect((await openWithRecovery(deps)).kind).toBe('opened')
    expect(dialogs[0]!.buttons).toEqual(['新建空数据库', '退出'])
    expect(dialogs[0]!.detail).toContain('没有可用的自动备份')
  })

  it('when the file could not even be opened (nothing moved aside) it does not offer a new database', async () => {
    const { deps, dialogs } = script([damaged([B1], null)], [1])
    expect(await openWithRecovery(deps)).toEqual({ kind: 'quit', reason: 'user' })
    expect(dialogs[0]!.buttons).toEqual(['从最新备份恢复（2024-05-06 14:20）', '退出'])
    expect(dialogs[0]!.message).toContain('文件未作任何改动')
  })

  it('a failed restore is reported and the next older backup is offered', async () => {
    const restore = vi.fn(async (p: string) => {
      if (p === B1.path) throw new AppError('DB_DAMAGED', '备份文件不可用')
    })
    const { deps, dialogs, backend } = script([damaged(), 'ok'], [0, 0, 0], restore)
    expect(await openWithRecovery(deps)).toEqual({ kind: 'opened', backend })
    expect(dialogs.map((d) => d.buttons[0])).toEqual(['从最新备份恢复（2024-05-06 14:20）', '确定', '从最新备份恢复（2024-05-05 09:00）'])
    expect(dialogs[1]!.detail).toContain('备份文件不可用')
    expect(deps.restoreBackup.mock.calls.map((c) => c[0])).toEqual([B1.path, B2.path])
    expect(allArgs(deps.restoreBackup)).not.toContain(KEPT)
  })

  it('gives up after repeated failures instead of looping forever', async () => {
    const opens = Array.from({ length: 20 }, () => damaged([]))
    const { deps, dialogs } = script(opens, Array.from({ length: 20 }, () => 0))
    expect(await openWithRecovery(deps)).toEqual({ kind: 'quit', reason: 'error' })
    expect(deps.openBackend.mock.calls.length).toBeLessThan(10)
    expect(dialogs.at(-1)!.message).toContain('多次尝试')
  })

  it('any other failure is shown as an error and quits', async () => {
    const { deps, dialogs } = script([new Error('EACCES: permission denied')], [])
    expect(await openWithRecovery(deps)).toEqual({ kind: 'quit', reason: 'error' })
    expect(dialogs[0]!.detail).toContain('EACCES')
  })
})

describe('dialog helpers', () => {
  it('formats backup times for people', () => {
    expect(formatBackupTime('2024-05-06T14:20:59.123')).toBe('2024-05-06 14:20')
    expect(formatBackupTime('昨天')).toBe('昨天')
  })

  it('reads damaged details defensively', () => {
    expect(readDamagedDetails(undefined)).toEqual({ dbPath: '', keptAs: null, backups: [] })
    expect(readDamagedDetails({ keptAs: KEPT, backups: [B1, { nope: 1 }, null] }).backups).toEqual([B1])
  })

  it('skips backups already tried', () => {
    const d = readDamagedDetails({ dbPath: '/d', keptAs: KEPT, backups: [B1, B2] })
    expect(damagedDialog('x', d, new Set([B1.path])).actions[0]).toEqual({ kind: 'restore', backup: B2 })
    const none = damagedDialog('x', d, new Set([B1.path, B2.path]))
    expect(none.options.buttons).toEqual(['新建空数据库', '退出'])
    expect(none.options.detail).toContain('都已试过')
  })

  it('checkSqliteModule reports a module that will not load', () => {
    expect(checkSqliteModule(() => {}, false)).toEqual({ ok: true })
    const fail = () => {
      throw new Error("Cannot find module '../prebuilds/linux-arm64.node'")
    }
    const dev = checkSqliteModule(fail, false)
    expect(dev.ok).toBe(false)
    expect(!dev.ok && dev.message).toContain('linux-arm64.node')
    expect(!dev.ok && dev.message).toContain('npm install')
    const packaged = checkSqliteModule(fail, true)
    expect(!packaged.ok && packaged.message).toContain('重新安装')
  })

  it('the Electron platform opens files or reveals them', async () => {
    const shell = { openPath: vi.fn(async () => ''), showItemInFolder: vi.fn() }
    const platform = createElectronPlatform(shell)
    expect(await platform.openPath('/out/a.docx', false)).toBe(true)
    expect(shell.openPath).toHaveBeenCalledWith('/out/a.docx')
    expect(await platform.openPath('/out/a.docx', true)).toBe(true)
    expect(shell.showItemInFolder).toHaveBeenCalledWith('/out/a.docx')
    shell.openPath.mockResolvedValueOnce('No application is associated')
    expect(await platform.openPath('/out/b.xyz', false)).toBe(false)
  })
})

describe('with the real backend (Node build of better-sqlite3)', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  async function damagedDataDir() {
    const { tempDir } = await import('../helpers/backend')
    const { openBackend } = await import('../../electron/backend')
    const { headlessPlatform } = await import('../../electron/platform')
    const dataDir = tempDir('ysjx-startup-')
    dirs.push(dataDir)
    const opts = { dataDir, appVersion: '0.0.0-test', platform: headlessPlatform }
    // Two opens: the second one takes an automatic start backup of a real database.
    for (let i = 0; i < 2; i++) {
      const b = await openBackend(opts)
      await signInTestAdmin(b.dispatch)
      const r = await b.dispatch('app/info', {})
      expect(r.ok).toBe(true)
      await b.close()
    }
    const garbage = Buffer.from('这不是一个 SQLite 数据库。'.repeat(400))
    const b = await openBackend(opts)
    const dbPath = b.dbPath
    await b.close()
    for (const ext of ['-wal', '-shm']) rmSync(dbPath + ext, { force: true })
    writeFileSync(dbPath, garbage)
    return { opts, dbPath, garbage, openBackend }
  }

  it.each([
    ['restore', 0],
    ['new', 1],
  ])('%s keeps the damaged file byte for byte and opens a working database', async (_label, answer) => {
    const { opts, dbPath, garbage, openBackend } = await damagedDataDir()
    const { restoreBackup } = await import('../../electron/db/recovery')
    const dialogs: MessageBoxOptions[] = []
    const outcome = await openWithRecovery({
      openBackend: () => openBackend(opts),
      restoreBackup: (p) => restoreBackup(opts.dataDir, p),
      showMessageBox: async (o) => {
        dialogs.push(o)
        return { response: answer }
      },
    })
    expect(dialogs).toHaveLength(1)
    expect(dialogs[0]!.buttons[0]).toMatch(/^从最新备份恢复（\d{4}-\d{2}-\d{2} \d{2}:\d{2}）$/)
    expect(outcome.kind).toBe('opened')
    if (outcome.kind !== 'opened') return
    const kept = /原文件已保留为 (.+)。$/.exec(dialogs[0]!.message)![1]!
    expect(kept).not.toBe(dbPath)
    expect(existsSync(kept)).toBe(true)
    expect(readFileSync(kept).equals(garbage)).toBe(true)
    await signInTestAdmin(outcome.backend.dispatch) // app/info needs a signed-in operator
    const info = await outcome.backend.dispatch('app/info', {})
    expect(info.ok).toBe(true)
    await outcome.backend.close()
    expect(readFileSync(kept).equals(garbage)).toBe(true)
  })
})
