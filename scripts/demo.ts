/**
 * `npm run demo`: fills the app's own (empty) database with the demo year, so a newcomer opening
 * the app sees a working year at once. Same as 设置 · 演示数据 · 载入演示数据.
 *   npm run demo                 the database Electron uses (its userData folder)
 *   npm run demo -- --data DIR   another data folder
 * Close the app first: the database belongs to one process at a time.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'
import { openBackend } from '../electron/backend'
import { signInForScript } from './script-session'
import { headlessPlatform } from '../electron/platform'

/** Electron's app.getPath('userData') for productName 预算绩效管理, without Electron. */
function userDataDir(): string {
  const name = '预算绩效管理'
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), name)
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', name)
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), name)
}

async function main() {
  const i = process.argv.indexOf('--data')
  const dataDir = i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : userDataDir()
  const backend = await openBackend({ dataDir, appVersion: 'demo', platform: headlessPlatform, defaultOutputDir: join(homedir(), 'Documents', '预算绩效管理') })
  try {
    const session = await signInForScript(backend, '演示数据载入')
    const r = await backend.dispatch('demo/load', {})
    await session.retire()
    if (!r.ok) {
      console.error(`未载入演示数据：${r.error.message}`)
      process.exitCode = 1
      return
    }
    console.log(`已载入演示数据到 ${backend.dbPath}：${JSON.stringify(r.data)}`)
  } finally {
    await backend.close()
  }
}

main().catch((e) => {
  console.error(`未载入演示数据：${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
})
