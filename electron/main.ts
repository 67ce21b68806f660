/**
 * Electron entry, kept thin: single-instance lock → hardening → SQLite module check → backend (with the
 * DB_NEWER / DB_DAMAGED dialogs of startup.ts) → IPC → window. Decisions live in startup.ts,
 * security.ts and ipc.ts, which are unit-tested without Electron.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron'
import path from 'node:path'
import { openBackend, type Backend } from './backend'
import { restoreBackup } from './db/recovery'
import { bindIpc } from './ipc'
import {
  APP_PAGE_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  createAppProtocolHandler,
  hardenApp,
  hardenSession,
  secureWebPreferences,
} from './security'
import Database from 'better-sqlite3'
import { checkSqliteModule, createElectronPlatform, errorDialog, openWithRecovery } from './startup'

const APP_ID = 'cn.gov.czj.yusuanjixiao'

let mainWindow: BrowserWindow | null = null
let backend: Backend | null = null
let unbindIpc: (() => void) | null = null
let closing = false

// Before ready: the app:// scheme must be privileged, every renderer sandboxed.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
app.enableSandbox()
hardenApp(app, (what, url) => console.warn(`[security] blocked ${what} ${url}`))

async function fatal(title: string, message: string): Promise<void> {
  try {
    await dialog.showMessageBox(errorDialog(title, message))
  } catch {
    dialog.showErrorBox(title, message)
  }
  app.exit(1)
}

function focusWindow(): void {
  if (!mainWindow) return
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.show()
  mainWindow.focus()
}

async function createWindow(): Promise<void> {
  const win = new BrowserWindow({
    width: 1366,
    height: 860,
    minWidth: 1100,
    minHeight: 680,
    show: false,
    title: '预算绩效管理',
    backgroundColor: '#f5f5f5',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(path.join(__dirname, '../preload/preload.js')),
  })
  mainWindow = win
  win.once('ready-to-show', () => win.show())
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null
  })
  await win.loadURL(APP_PAGE_URL)
}

async function start(): Promise<void> {
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID)
  Menu.setApplicationMenu(null)
  hardenSession(session.defaultSession)
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ rootDir: path.join(__dirname, '../renderer') }))

  const loaded = checkSqliteModule(() => new Database(':memory:').close(), app.isPackaged)
  if (!loaded.ok) return fatal('无法启动：数据库组件无法加载。', loaded.message)

  const dataDir = app.getPath('userData')
  const platform = createElectronPlatform(shell)
  const outcome = await openWithRecovery<Backend>({
    openBackend: () =>
      openBackend({
        dataDir,
        appVersion: app.getVersion(),
        platform,
        defaultOutputDir: path.join(app.getPath('documents'), '预算绩效管理'),
      }),
    restoreBackup: (backupPath) => restoreBackup(dataDir, backupPath),
    showMessageBox: (options) => dialog.showMessageBox(options),
    log: (m) => console.warn(`[startup] ${m}`),
  })
  if (outcome.kind === 'quit') {
    app.exit(outcome.reason === 'user' ? 0 : 1)
    return
  }
  backend = outcome.backend
  unbindIpc = bindIpc(ipcMain, backend)
  await createWindow()
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', focusWindow)
  app.on('window-all-closed', () => app.quit())
  app.on('before-quit', (event) => {
    if (!backend) return
    event.preventDefault()
    if (closing) return
    closing = true
    const b = backend
    unbindIpc?.()
    unbindIpc = null
    b.close()
      .catch((e: unknown) => console.error('[quit] closing the database failed', e))
      .finally(() => {
        backend = null
        app.quit()
      })
  })
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => fatal('预算绩效管理无法启动。', (e as Error)?.message ?? String(e)))
}
