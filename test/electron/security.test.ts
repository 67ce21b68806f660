import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { App, Session, WebContents } from 'electron'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  APP_PAGE_URL,
  APP_SCHEME_PRIVILEGES,
  CSP,
  appUrlToFile,
  createAppProtocolHandler,
  hardenApp,
  hardenSession,
  hardenWebContents,
  isAppOriginUrl,
  isAppPageUrl,
  secureWebPreferences,
  withCsp,
} from '../../electron/security'

type Listener = (...args: any[]) => any

function fakeContents() {
  const listeners = new Map<string, Listener>()
  let openHandler: Listener | null = null
  const contents = {
    on(event: string, fn: Listener) {
      listeners.set(event, fn)
      return contents
    },
    setWindowOpenHandler(fn: Listener) {
      openHandler = fn
    },
  }
  return {
    contents: contents as unknown as WebContents,
    listeners,
    emit(event: string, ...args: unknown[]) {
      const fn = listeners.get(event)
      if (!fn) throw new Error(`no listener for ${event}`)
      return fn(...args)
    },
    open(url: string) {
      return openHandler!({ url, frameName: '', features: '', disposition: 'new-window', referrer: {}, postBody: undefined })
    },
  }
}

const navEvent = (url: string, extra: Record<string, unknown> = {}) => ({ url, preventDefault: vi.fn(), isMainFrame: true, ...extra })

describe('app page URL', () => {
  it('accepts only the app page, with any route', () => {
    expect(isAppPageUrl(APP_PAGE_URL)).toBe(true)
    expect(isAppPageUrl(`${APP_PAGE_URL}#/exante?year=2024`)).toBe(true)
    expect(isAppPageUrl('app://yusuan/')).toBe(true)
    for (const url of [
      'https://example.com',
      'http://127.0.0.1:5173/index.html',
      'file:///work/main/out/renderer/index.html',
      'app://evil/index.html',
      'app://yusuan/assets/index.js',
      'app://yusuan:8080/index.html',
      'app://user:pw@yusuan/index.html',
      'javascript:alert(1)',
      'about:blank',
      'not a url',
      '',
    ]) {
      expect(isAppPageUrl(url), url).toBe(false)
    }
    expect(isAppOriginUrl('app://yusuan/assets/index.js')).toBe(true)
    expect(isAppOriginUrl('app://other/assets/index.js')).toBe(false)
  })
})

describe('webPreferences', () => {
  it('isolates, sandboxes and disables node in the renderer', () => {
    const prefs = secureWebPreferences('/app/out/preload/preload.js')
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      webviewTag: false,
      allowRunningInsecureContent: false,
    })
  })

  it('registers app:// as a standard secure scheme', () => {
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('app')
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true })
  })
})

describe('hardenWebContents', () => {
  it('prevents navigation to other sites but allows the app page', () => {
    const f = fakeContents()
    const blocked = vi.fn()
    hardenWebContents(f.contents, blocked)
    const away = navEvent('https://example.com')
    f.emit('will-navigate', away, away.url)
    expect(away.preventDefault).toHaveBeenCalledOnce()
    expect(blocked).toHaveBeenCalledWith('navigate', 'https://example.com')

    const home = navEvent(`${APP_PAGE_URL}#/units`)
    f.emit('will-navigate', home, home.url)
    expect(home.preventDefault).not.toHaveBeenCalled()

    const file = navEvent('file:///etc/passwd')
    f.emit('will-navigate', file, file.url)
    expect(file.preventDefault).toHaveBeenCalledOnce()
  })

  it('prevents redirects and frame navigations away from the app page', () => {
    const f = fakeContents()
    hardenWebContents(f.contents)
    const redirect = navEvent('https://example.com/x')
    f.emit('will-redirect', redirect, redirect.url)
    expect(redirect.preventDefault).toHaveBeenCalledOnce()
    const okRedirect = navEvent(APP_PAGE_URL)
    f.emit('will-redirect', okRedirect, okRedirect.url)
    expect(okRedirect.preventDefault).not.toHaveBeenCalled()

    const frame = navEvent('https://example.com', { isMainFrame: false })
    f.emit('will-frame-navigate', frame)
    expect(frame.preventDefault).toHaveBeenCalledOnce()
    const blank = navEvent('about:blank', { isMainFrame: false })
    f.emit('will-frame-navigate', blank)
    expect(blank.preventDefault).not.toHaveBeenCalled()
    const mainBlank = navEvent('about:blank', { isMainFrame: true })
    f.emit('will-frame-navigate', mainBlank)
    expect(mainBlank.preventDefault).toHaveBeenCalledOnce()
  })

  it('denies window.open, even for the app page', () => {
    const f = fakeContents()
    hardenWebContents(f.contents)
    expect(f.open('https://example.com')).toEqual({ action: 'deny' })
    expect(f.open(APP_PAGE_URL)).toEqual({ action: 'deny' })
  })

  it('prevents <webview> from attaching', () => {
    const f = fakeContents()
    hardenWebContents(f.contents)
    const event = { preventDefault: vi.fn() }
    f.emit('will-attach-webview', event, {}, {})
    expect(event.preventDefault).toHaveBeenCalledOnce()
  })

  it('hardenApp hardens every webContents the app creates', () => {
    let created: Listener | null = null
    const app = {
      on(event: string, fn: Listener) {
        if (event === 'web-contents-created') created = fn
        return app
      },
    }
    hardenApp(app as unknown as App)
    const f = fakeContents()
    created!({}, f.contents)
    expect([...f.listeners.keys()].sort()).toEqual(['will-attach-webview', 'will-frame-navigate', 'will-navigate', 'will-redirect'])
    expect(f.open('https://example.com')).toEqual({ action: 'deny' })
  })
})

describe('hardenSession', () => {
  function fakeSession() {
    const s = {
      request: null as Listener | null,
      check: null as Listener | null,
      headers: null as Listener | null,
      setPermissionRequestHandler(fn: Listener) {
        s.request = fn
      },
      setPermissionCheckHandler(fn: Listener) {
        s.check = fn
      },
      webRequest: {
        onHeadersReceived(fn: Listener) {
          s.headers = fn
        },
      },
    }
    return s
  }

  it('denies every permission request and check', () => {
    const s = fakeSession()
    hardenSession(s as unknown as Session)
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fileSystem']) {
      const callback = vi.fn()
      s.request!({}, permission, callback, {})
      expect(callback).toHaveBeenCalledWith(false)
      expect(s.check!({}, permission, APP_PAGE_URL, {})).toBe(false)
    }
  })

  it('sets the strict CSP header on the app page, replacing any other', () => {
    const s = fakeSession()
    hardenSession(s as unknown as Session)
    const callback = vi.fn()
    s.headers!(
      { url: APP_PAGE_URL, responseHeaders: { 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] } },
      callback,
    )
    const headers = callback.mock.calls[0]![0].responseHeaders as Record<string, string[]>
    expect(headers['Content-Security-Policy']).toEqual([CSP])
    expect(headers['content-security-policy']).toBeUndefined()
    expect(headers['Content-Type']).toEqual(['text/html'])

    const other = vi.fn()
    s.headers!({ url: 'devtools://devtools/bundled/index.html', responseHeaders: {} }, other)
    expect(other).toHaveBeenCalledWith({})
  })

  it('the CSP is the strict one', () => {
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(CSP.split('; ')).toContain(directive)
    }
    expect(CSP).not.toContain('unsafe-eval')
    expect(withCsp(undefined)).toEqual({ 'Content-Security-Policy': [CSP] })
  })
})

describe('app:// protocol handler', () => {
  let base: string
  let root: string
  const secret = 'TOP-SECRET-OUTSIDE-ROOT'

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'ysjx-proto-'))
    root = join(base, 'renderer')
    mkdirSync(join(root, 'assets'), { recursive: true })
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>预算绩效管理</title>')
    writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)')
    writeFileSync(join(root, 'assets', 'style.css'), 'body{}')
    writeFileSync(join(base, 'secret.txt'), secret)
  })
  afterAll(() => rmSync(base, { recursive: true, force: true }))

  const get = (url: string, method = 'GET') => createAppProtocolHandler({ rootDir: root })(new Request(url, { method }))

  it('serves the page and assets with the CSP header and the right types', async () => {
    const page = await get(APP_PAGE_URL)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(page.headers.get('content-security-policy')).toBe(CSP)
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await page.text()).toContain('预算绩效管理')

    const rootPage = await get('app://yusuan/')
    expect(await rootPage.text()).toContain('预算绩效管理')

    const js = await get('app://yusuan/assets/index-abc.js')
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toContain('text/javascript')
    const css = await get('app://yusuan/assets/style.css')
    expect(css.headers.get('content-type')).toContain('text/css')
  })

  it('never serves a file outside the renderer folder', async () => {
    for (const url of [
      'app://yusuan/../secret.txt',
      'app://yusuan/%2e%2e/secret.txt',
      'app://yusuan/..%2fsecret.txt',
      'app://yusuan/assets/..%2f..%2fsecret.txt',
      'app://yusuan/..%5csecret.txt',
      'app://yusuan/%2e%2e%5c%2e%2e%5csecret.txt',
      `app://yusuan/${encodeURIComponent(join(base, 'secret.txt'))}`,
      'app://yusuan/index.html%00.js',
      'app://other/secret.txt',
    ]) {
      const r = await get(url)
      expect(r.status, url).not.toBe(200)
      expect(await r.text(), url).not.toContain(secret)
    }
    expect(appUrlToFile(root, 'app://yusuan/..%2fsecret.txt')).toBeNull()
    expect(appUrlToFile(root, 'app://other/index.html')).toBeNull()
    expect(appUrlToFile(root, 'app://yusuan/assets/index-abc.js')).toBe(join(root, 'assets', 'index-abc.js'))
  })

  it('answers 404 for a missing asset, the page for an extension-less route, 405 for writes', async () => {
    expect((await get('app://yusuan/assets/missing.js')).status).toBe(404)
    const route = await get('app://yusuan/exante/list')
    expect(route.status).toBe(200)
    expect(await route.text()).toContain('预算绩效管理')
    expect((await get(APP_PAGE_URL, 'POST')).status).toBe(405)
    const head = await get(APP_PAGE_URL, 'HEAD')
    expect(head.status).toBe(200)
  })
})
