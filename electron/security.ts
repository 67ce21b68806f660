/**
 * Electron hardening, as plain functions over the electron objects they are given (electron is
 * imported for types only, so tests pass fakes):
 *  - the renderer is served from the privileged `app://yusuan/` scheme (out/renderer, path-traversal
 *    guarded, GET/HEAD only) with a strict CSP on every response;
 *  - windows get contextIsolation + sandbox, no nodeIntegration, webSecurity, no spellcheck;
 *  - navigation, redirects, window.open and <webview> are denied; every permission is denied.
 */
import { contentType } from './mime'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { App, CustomScheme, Session, WebContents, WebPreferences } from 'electron'

export const APP_SCHEME = 'app'
export const APP_HOST = 'yusuan'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
/** The one page of the app; the only URL a window may show and the only sender IPC accepts. */
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** For protocol.registerSchemesAsPrivileged (must run before app ready). */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  // standard + secure: a real origin ('self' in the CSP) and a secure context. corsEnabled lets the
  // module scripts Vite emits (<script type="module" crossorigin>) load from this scheme.
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
}

function parse(raw: string): URL | null {
  try {
    return new URL(raw)
  } catch {
    return null
  }
}

/** True for a URL under the app's own origin (any resource), with no credentials or port. */
export function isAppOriginUrl(raw: string): boolean {
  const u = parse(raw)
  return (
    u !== null &&
    u.protocol === `${APP_SCHEME}:` &&
    u.hostname === APP_HOST &&
    u.port === '' &&
    u.username === '' &&
    u.password === ''
  )
}

/** True only for the app's page itself (any query or #route), never another resource or origin. */
export function isAppPageUrl(raw: string): boolean {
  if (!isAppOriginUrl(raw)) return false
  const u = new URL(raw)
  return u.pathname === '/index.html' || u.pathname === '/'
}

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
  }
}

/** Denies navigation, redirects, new windows and <webview> in one webContents. */
export function hardenWebContents(contents: WebContents, onBlocked: (what: string, url: string) => void = () => {}): void {
  contents.on('will-navigate', (event) => {
    if (!isAppPageUrl(event.url)) {
      event.preventDefault()
      onBlocked('navigate', event.url)
    }
  })
  contents.on('will-frame-navigate', (event) => {
    const ok = isAppPageUrl(event.url) || (!event.isMainFrame && event.url === 'about:blank')
    if (!ok) {
      event.preventDefault()
      onBlocked('frame-navigate', event.url)
    }
  })
  contents.on('will-redirect', (event) => {
    if (!isAppPageUrl(event.url)) {
      event.preventDefault()
      onBlocked('redirect', event.url)
    }
  })
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    onBlocked('webview', '')
  })
  contents.setWindowOpenHandler((details) => {
    onBlocked('window-open', details.url)
    return { action: 'deny' }
  })
}

/** Hardens every webContents the app ever creates (windows, devtools excepted by Electron). */
export function hardenApp(app: App, onBlocked?: (what: string, url: string) => void): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, onBlocked))
}

/** Returns response headers with any existing CSP replaced by ours. */
export function withCsp(headers: Record<string, string | string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() === 'content-security-policy') continue
    out[k] = Array.isArray(v) ? v : [v]
  }
  out['Content-Security-Policy'] = [CSP]
  return out
}

/** Denies every permission request/check and sets the CSP header on the app's responses. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.webRequest.onHeadersReceived((details, callback) => {
    if (isAppOriginUrl(details.url)) callback({ responseHeaders: withCsp(details.responseHeaders) })
    else callback({})
  })
}


export interface AppProtocolOptions {
  /** The folder served as the app's origin (out/renderer). */
  rootDir: string
  readFile?: (file: string) => Promise<Uint8Array>
}

/**
 * Maps an app:// URL to a file inside rootDir, or null when it is not one (other host, encoded
 * separators, NUL, or a path escaping rootDir). Extension-less paths fall back to index.html.
 */
export function appUrlToFile(rootDir: string, raw: string): string | null {
  if (!isAppOriginUrl(raw)) return null
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(raw).pathname)
  } catch {
    return null
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null
  const root = path.resolve(rootDir)
  const rel = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '')
  const file = path.resolve(root, rel)
  const inside = path.relative(root, file)
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return null
  return file
}

/** The protocol.handle('app', …) handler: serves rootDir read-only with the CSP header. */
export function createAppProtocolHandler(opts: AppProtocolOptions): (request: Request) => Promise<Response> {
  const readFile = opts.readFile ?? ((file: string) => fs.readFile(file))
  const baseHeaders = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' }
  const text = (status: number, body: string) =>
    new Response(body, { status, headers: { ...baseHeaders, 'Content-Type': 'text/plain; charset=utf-8' } })

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Method Not Allowed')
    const file = appUrlToFile(opts.rootDir, request.url)
    if (!file) return text(403, 'Forbidden')
    const candidates = path.extname(file) === '' ? [file, path.join(path.resolve(opts.rootDir), 'index.html')] : [file]
    for (const candidate of candidates) {
      let body: Uint8Array
      try {
        body = await readFile(candidate)
      } catch {
        continue
      }
      const type = contentType(path.extname(candidate))
      return new Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: { ...baseHeaders, 'Content-Type': type },
      })
    }
    return text(404, 'Not Found')
  }
}
