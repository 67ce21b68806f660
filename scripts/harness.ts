/**
 * `npm run harness [-- --data <dir>] [--port 5199] [--static out/renderer]`
 *
 * Opens the backend on a data folder (a fresh temp folder by default) and serves the built renderer
 * plus the API on http://127.0.0.1:<port>/ for a browser. Builds nothing: run
 * `npx vite build --config renderer/vite.config.ts` first. A dev/test tool; the app never starts it.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { openBackend } from '../electron/backend'
import { startHarness } from '../electron/harness/http'
import { headlessPlatform } from '../electron/platform'

async function main() {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      port: { type: 'string', default: '5199' },
      static: { type: 'string', default: 'out/renderer' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    console.log('用法 / usage: npm run harness -- [--data <数据目录>] [--port 5199] [--static out/renderer]')
    return
  }
  const staticDir = resolve(values.static!)
  if (!existsSync(join(staticDir, 'index.html'))) {
    console.error(`未找到界面文件 ${staticDir}/index.html，请先运行 / build the renderer first: npx vite build --config renderer/vite.config.ts`)
    process.exit(1)
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`端口无效 / invalid port: ${values.port}`)
    process.exit(1)
  }
  const dataDir = values.data ? resolve(values.data) : mkdtempSync(join(tmpdir(), 'yusuan-harness-'))
  const pkg = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { version: string }
  const backend = await openBackend({ dataDir, appVersion: pkg.version, platform: headlessPlatform, harness: true })
  const harness = await startHarness({ backend, staticDir, port })
  console.log(`数据目录 / data:  ${dataDir}`)
  console.log(`数据库 / database: ${backend.dbPath}`)
  console.log(`打开 / open:      ${harness.url}`)
  const stop = async () => {
    await harness.close()
    await backend.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
