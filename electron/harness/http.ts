/**
 * Loopback HTTP harness (dev/test tool, never started by the Electron app).
 *
 * Serves the built renderer from `staticDir` and binds the same handler table the app binds to IPC
 * at `POST /api/<channel>`, so real Chromium can drive the real renderer against the real database
 * where no Electron binary is available. Listens on 127.0.0.1 only and checks the Host header so a
 * web page elsewhere cannot reach it by DNS rebinding.
 */
import { contentType } from '../mime'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'
import type { Result } from '../../shared/result'

/** What the harness needs from the backend (structurally satisfied by `Backend` from ../backend). */
export interface HarnessBackend {
  dispatch(channel: string, input: unknown): Promise<Result<unknown>>
}

export interface HarnessOptions {
  backend: HarnessBackend
  staticDir: string
  /** 0 or omitted: any free port. */
  port?: number
}

export interface Harness {
  url: string
  close(): Promise<void>
}

export const MAX_BODY_BYTES = 50 * 1024 * 1024


function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  })
  res.end(body)
}

function sendJson(res: ServerResponse, status: number, value: unknown) {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8')
}

function errorResult(code: 'VALIDATION' | 'INTERNAL' | 'UNKNOWN_CHANNEL', message: string): Result<never> {
  return { ok: false, error: { code, message } }
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > limit) {
      reject(new BodyTooLarge())
      req.resume()
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) {
        reject(new BodyTooLarge())
        req.destroy()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => resolveBody(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Allowed Host header values: the loopback names with this server's port. */
function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false
  const h = host.toLowerCase()
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`
}

async function serveStatic(root: string, urlPath: string, res: ServerResponse, headOnly: boolean) {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return send(res, 400, 'Bad Request')
  }
  if (decoded.includes('\0')) return send(res, 400, 'Bad Request')
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '')
  const file = resolve(root, rel)
  const back = relative(root, file)
  if (back === '' || back.startsWith('..') || isAbsolute(back) || back.split(sep).includes('..')) {
    return send(res, 403, 'Forbidden')
  }
  let st
  try {
    st = await stat(file)
  } catch {
    return send(res, 404, 'Not Found')
  }
  if (!st.isFile()) return send(res, 404, 'Not Found')
  res.writeHead(200, {
    'content-type': contentType(extname(file)),
    'content-length': st.size,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  })
  if (headOnly) return res.end()
  createReadStream(file).pipe(res)
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const root = resolve(opts.staticDir)
  let port = opts.port ?? 0

  const server = createServer(async (req, res) => {
    try {
      // Only loopback peers, only loopback Host names (blocks DNS rebinding).
      const peer = req.socket.remoteAddress ?? ''
      if (peer !== '127.0.0.1' && peer !== '::ffff:127.0.0.1' && peer !== '::1') return send(res, 403, 'Forbidden')
      if (!hostAllowed(req.headers.host, port)) return send(res, 403, 'Forbidden: unexpected Host header')

      // A request line no URL parser accepts, or a channel name that is not valid percent-encoding,
      // is the client's mistake: 400, not 500.
      let url: URL
      try {
        url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
      } catch {
        return sendJson(res, 400, errorResult('VALIDATION', '请求地址无效。'))
      }
      if (url.pathname.startsWith('/api/')) {
        if (req.method !== 'POST') {
          res.setHeader('allow', 'POST')
          return sendJson(res, 405, errorResult('VALIDATION', '接口只接受 POST 请求。'))
        }
        // A browser page on another origin cannot send JSON without a preflight we never answer;
        // refuse any cross-origin request outright as well.
        const origin = req.headers.origin
        if (origin && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) {
          return sendJson(res, 403, errorResult('VALIDATION', '拒绝来自其他来源的请求。'))
        }
        let channel: string
        try {
          channel = decodeURIComponent(url.pathname.slice('/api/'.length))
        } catch {
          return sendJson(res, 400, errorResult('VALIDATION', '请求地址无效（编码错误）。'))
        }
        let body: Buffer
        try {
          body = await readBody(req, MAX_BODY_BYTES)
        } catch (e) {
          if (e instanceof BodyTooLarge) return sendJson(res, 413, errorResult('VALIDATION', '请求内容超过 50 MB，无法处理。'))
          throw e
        }
        let input: unknown = {}
        if (body.length) {
          try {
            input = JSON.parse(body.toString('utf8'))
          } catch {
            return sendJson(res, 400, errorResult('VALIDATION', '请求内容不是有效的 JSON。'))
          }
        }
        const result = await opts.backend.dispatch(channel, input)
        return sendJson(res, 200, result)
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD')
        return send(res, 405, 'Method Not Allowed')
      }
      return await serveStatic(root, url.pathname, res, req.method === 'HEAD')
    } catch (e) {
      if (!res.headersSent) sendJson(res, 500, errorResult('INTERNAL', '测试服务内部错误：' + (e instanceof Error ? e.message : String(e))))
      else res.destroy()
    }
  })

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolveListen()
    })
  })
  port = (server.address() as AddressInfo).port

  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections?.()
        server.close(() => resolveClose())
      }),
  }
}
