/**
 * Finds a Chromium-family browser for the end-to-end tests and launches it headless with a fresh
 * profile. Without one the tests FAIL (never skip) with a message saying how to install one.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

export function browserCandidates(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
  const list: string[] = []
  if (env.CHROMIUM_PATH) list.push(env.CHROMIUM_PATH)
  if (platform === 'win32') {
    const roots = [env['PROGRAMFILES'], env['PROGRAMFILES(X86)'], env['LOCALAPPDATA']].filter((x): x is string => !!x)
    for (const r of roots) {
      list.push(join(r, 'Google', 'Chrome', 'Application', 'chrome.exe'))
      list.push(join(r, 'Microsoft', 'Edge', 'Application', 'msedge.exe'))
      list.push(join(r, 'Chromium', 'Application', 'chrome.exe'))
    }
  } else if (platform === 'darwin') {
    list.push(
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    )
  } else {
    list.push(
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/usr/bin/google-chrome',
      '/usr/bin/google-chrome-stable',
      '/usr/bin/microsoft-edge',
      '/snap/bin/chromium',
    )
  }
  return list
}

export const NO_BROWSER_MESSAGE =
  '端到端测试需要 Chromium 内核浏览器，但没有找到。 / The e2e tests need a Chromium-family browser and none was found.\n' +
  '  Debian/Ubuntu/UOS: sudo apt-get install chromium\n' +
  '  或安装 Chrome / Edge，或设置环境变量 CHROMIUM_PATH 指向浏览器可执行文件 / or set CHROMIUM_PATH=/path/to/chrome\n' +
  '  Tried: '

export function findBrowser(): string {
  const candidates = browserCandidates()
  if (process.env.CHROMIUM_PATH && !existsSync(process.env.CHROMIUM_PATH)) {
    throw new Error(`CHROMIUM_PATH 指向的文件不存在 / CHROMIUM_PATH does not exist: ${process.env.CHROMIUM_PATH}`)
  }
  const found = candidates.find((p) => existsSync(p))
  if (!found) throw new Error(NO_BROWSER_MESSAGE + candidates.join(', '))
  return found
}

export interface LaunchedBrowser {
  context: BrowserContext
  close(): Promise<void>
}

export async function launchBrowser(): Promise<LaunchedBrowser> {
  const executablePath = findBrowser()
  const profile = mkdtempSync(join(tmpdir(), 'yusuan-e2e-profile-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1366, height: 820 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  return {
    context,
    async close() {
      await context.close().catch(() => undefined)
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
