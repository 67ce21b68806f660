/**
 * Start-up decisions, as plain functions over injected dialog/backend functions (unit-tested):
 * which dialog to show when the database cannot be opened, and what to do with the answer.
 * The damaged file itself is never touched here: the backend has already renamed it aside, and
 * recovery only ever writes the working database path.
 */
import type { Platform } from './platform'

export interface BackupRef {
  path: string
  /** Local time, ISO-like ("2024-05-06T14:30:00.123"). */
  createdAt: string
  reason: string
}

export interface DamagedDetails {
  dbPath: string
  /** Where the damaged file was renamed to; null when it could not even be opened (nothing was moved). */
  keptAs: string | null
  /** Newest first. */
  backups: BackupRef[]
}

export interface MessageBoxOptions {
  type: 'none' | 'info' | 'error' | 'question' | 'warning'
  title: string
  message: string
  detail?: string
  buttons: string[]
  defaultId: number
  cancelId: number
  noLink: boolean
}

export type DamagedAction = { kind: 'restore'; backup: BackupRef } | { kind: 'new' } | { kind: 'quit' }

export interface StartupDeps<B> {
  /** Opens (or creates) the working database. Throws AppError-like {code, message, details}. */
  openBackend(): Promise<B>
  /** Replaces the working database with a backup (restoreBackup(dataDir, path)). */
  restoreBackup(backupPath: string): Promise<void>
  /** dialog.showMessageBox */
  showMessageBox(options: MessageBoxOptions): Promise<{ response: number }>
  log?(message: string): void
}

export type StartupOutcome<B> =
  | { kind: 'opened'; backend: B }
  | { kind: 'quit'; reason: 'db-newer' | 'user' | 'error' }

const TITLE = '预算绩效管理'
/** Rounds of open → dialog → act before giving up (guards against a loop of failures). */
const MAX_ROUNDS = 6

/** "2024-05-06T14:30:00.123" → "2024-05-06 14:30"; anything else is shown as given. */
export function formatBackupTime(createdAt: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(createdAt)
  return m ? `${m[1]} ${m[2]}` : createdAt
}

function errorFields(e: unknown): { code: string | undefined; message: string; details: unknown } {
  const err = e as { code?: unknown; message?: unknown; details?: unknown } | null | undefined
  return {
    code: typeof err?.code === 'string' ? err.code : undefined,
    message: typeof err?.message === 'string' && err.message ? err.message : String(e),
    details: err?.details,
  }
}

/** Reads the DB_DAMAGED details defensively (anything missing becomes "no backups", "not moved"). */
export function readDamagedDetails(details: unknown): DamagedDetails {
  const d = (details ?? {}) as Record<string, unknown>
  const backups = Array.isArray(d.backups)
    ? d.backups.filter(
        (b): b is BackupRef =>
          typeof b === 'object' && b !== null && typeof (b as BackupRef).path === 'string' && typeof (b as BackupRef).createdAt === 'string',
      )
    : []
  return {
    dbPath: typeof d.dbPath === 'string' ? d.dbPath : '',
    keptAs: typeof d.keptAs === 'string' && d.keptAs ? d.keptAs : null,
    backups: backups.map((b) => ({ path: b.path, createdAt: b.createdAt, reason: typeof b.reason === 'string' ? b.reason : '' })),
  }
}

export function errorDialog(title: string, message: string, detail?: string): MessageBoxOptions {
  return { type: 'error', title: TITLE, message: title, detail: detail ? `${message}\n\n${detail}` : message, buttons: ['退出'], defaultId: 0, cancelId: 0, noLink: true }
}

export function newerDialog(message: string): MessageBoxOptions {
  return {
    type: 'error',
    title: TITLE,
    message: '数据库来自更高版本的本软件，已停止打开以保护数据。',
    detail: `${message}\n\n请安装最新版本的预算绩效管理软件后再打开；在此之前请不要删除或改动数据文件。`,
    buttons: ['退出'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  }
}

/**
 * The DB_DAMAGED dialog and the action behind each button. Backups already tried are skipped; when
 * nothing was moved aside (keptAs null) "新建空数据库" is not offered, since it would reopen the
 * same unreadable file.
 */
export function damagedDialog(
  errorMessage: string,
  details: DamagedDetails,
  tried: ReadonlySet<string> = new Set(),
): { options: MessageBoxOptions; actions: DamagedAction[] } {
  const backup = details.backups.find((b) => !tried.has(b.path))
  const buttons: string[] = []
  const actions: DamagedAction[] = []
  if (backup) {
    buttons.push(`从最新备份恢复（${formatBackupTime(backup.createdAt)}）`)
    actions.push({ kind: 'restore', backup })
  }
  if (details.keptAs) {
    buttons.push('新建空数据库')
    actions.push({ kind: 'new' })
  }
  buttons.push('退出')
  actions.push({ kind: 'quit' })

  const message = details.keptAs
    ? `数据库文件已损坏，原文件已保留为 ${details.keptAs}。`
    : `数据库文件无法打开（${details.dbPath || '工作数据库'}），文件未作任何改动。`
  const lines: string[] = []
  if (backup) lines.push(`从最新备份恢复：使用 ${formatBackupTime(backup.createdAt)} 的自动备份，此后的修改会丢失。`)
  else lines.push(details.backups.length > 0 ? '可用的备份都已试过，无法恢复。' : '没有可用的自动备份。')
  if (details.keptAs) lines.push('新建空数据库：从空白开始；损坏的文件原样保留，可交技术支持尝试修复。')
  lines.push('', errorMessage)
  return {
    options: {
      type: 'warning',
      title: TITLE,
      message,
      detail: lines.join('\n'),
      buttons,
      defaultId: 0,
      cancelId: buttons.length - 1,
      noLink: true,
    },
    actions,
  }
}

/**
 * Opens the backend; on DB_NEWER shows the refusal and quits; on DB_DAMAGED asks restore / new /
 * quit and acts (restore then reopen; new = reopen, the damaged file already being aside).
 */
export async function openWithRecovery<B>(deps: StartupDeps<B>): Promise<StartupOutcome<B>> {
  const log = deps.log ?? (() => {})
  const tried = new Set<string>()
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let failure: unknown
    try {
      return { kind: 'opened', backend: await deps.openBackend() }
    } catch (e) {
      failure = e
    }
    const err = errorFields(failure)
    log(`open failed: ${err.code ?? 'ERROR'} ${err.message}`)
    if (err.code === 'DB_NEWER') {
      await deps.showMessageBox(newerDialog(err.message))
      return { kind: 'quit', reason: 'db-newer' }
    }
    if (err.code !== 'DB_DAMAGED') {
      await deps.showMessageBox(errorDialog('无法打开数据库。', err.message, '请重新启动本软件；如反复出现，请联系技术支持。'))
      return { kind: 'quit', reason: 'error' }
    }
    const details = readDamagedDetails(err.details)
    for (;;) {
      const { options, actions } = damagedDialog(err.message, details, tried)
      const { response } = await deps.showMessageBox(options)
      const action = actions[response] ?? { kind: 'quit' }
      if (action.kind === 'quit') return { kind: 'quit', reason: 'user' }
      if (action.kind === 'new') break
      tried.add(action.backup.path)
      try {
        await deps.restoreBackup(action.backup.path)
        log(`restored ${action.backup.path}`)
        break
      } catch (e) {
        const r = errorFields(e)
        log(`restore failed: ${r.message}`)
        await deps.showMessageBox({ ...errorDialog('从备份恢复失败。', r.message, '请选择其他操作。'), buttons: ['确定'] })
      }
    }
  }
  await deps.showMessageBox(errorDialog('多次尝试后仍无法打开数据库。', '请联系技术支持。'))
  return { kind: 'quit', reason: 'error' }
}

/**
 * Opens an in-memory database once up front, so a missing or broken better-sqlite3 prebuild (a
 * package for another platform, a file stripped from the install) is reported as such instead of
 * as a "damaged database".
 */
export function checkSqliteModule(probe: () => void, isPackaged: boolean): { ok: true } | { ok: false; message: string } {
  try {
    probe()
    return { ok: true }
  } catch (e) {
    const todo = isPackaged ? '请重新安装本软件。' : '请在本程序目录重新运行 npm install。'
    return { ok: false, message: `数据库组件 better-sqlite3 无法加载：${errorFields(e).message}。${todo}` }
  }
}

export interface ShellLike {
  openPath(path: string): Promise<string>
  showItemInFolder(path: string): void
}

/** The Platform the backend uses, backed by Electron's shell. */
export function createElectronPlatform(shell: ShellLike): Platform {
  return {
    async openPath(path, reveal) {
      if (reveal) {
        shell.showItemInFolder(path)
        return true
      }
      return (await shell.openPath(path)) === ''
    },
  }
}
