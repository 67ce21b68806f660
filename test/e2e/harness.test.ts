/** The loopback harness: static files, the API route, and its refusals (Host, traversal, size, method). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES, startHarness, type Harness } from '../../electron/harness/http'
import type { Result } from '../../shared/result'

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** Raw request so the Host header and path can be anything (fetch normalises both). */
function raw(port: number, opts: { method?: string; path: string; host?: string; body?: string | Buffer; headers?: Record<string, string> }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: { host: opts.host ?? `127.0.0.1:${port}`, ...(opts.headers ?? {}) },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      },
    )
    req.on('error', reject)
    if (opts.body !== undefined) req.write(opts.body)
    req.end()
  })
}

describe('harness http', () => {
  let dir: string
  let harness: Harness
  let port: number
  const calls: { channel: string; input: unknown }[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yusuan-harness-test-'))
    const staticDir = join(dir, 'static')
    mkdirSync(join(staticDir, 'assets'), { recursive: true })
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>预算绩效管理</title>')
    writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)')
    writeFileSync(join(staticDir, 'assets', 'app.css'), 'body{}')
    writeFileSync(join(dir, 'secret.txt'), 'secret')
    harness = await startHarness({
      staticDir,
      backend: {
        async dispatch(channel, input): Promise<Result<unknown>> {
          calls.push({ channel, input })
          if (channel === 'echo') return { ok: true, data: input }
          return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `未知的调用“${channel}”` } }
        },
      },
    })
    port = Number(new URL(harness.url).port)
  })

  afterAll(async () => {
    await harness?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('listens on 127.0.0.1 only', () => {
    expect(harness.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
  })

  it('serves index.html for / and files with their MIME types', async () => {
    const index = await raw(port, { path: '/' })
    expect(index.status).toBe(200)
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(index.body).toContain('预算绩效管理')
    const js = await raw(port, { path: '/assets/app.js' })
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    const css = await raw(port, { path: '/assets/app.css?v=1' })
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8')
    expect((await raw(port, { path: '/missing.js' })).status).toBe(404)
    expect((await raw(port, { path: '/assets' })).status).toBe(404)
  })

  it('accepts localhost:<port> as Host', async () => {
    expect((await raw(port, { path: '/', host: `localhost:${port}` })).status).toBe(200)
  })

  it('refuses other Host headers (DNS rebinding)', async () => {
    expect((await raw(port, { path: '/', host: 'evil.example:' + port })).status).toBe(403)
    expect((await raw(port, { path: '/', host: '127.0.0.1:1' })).status).toBe(403)
    const api = await raw(port, { method: 'POST', path: '/api/echo', host: 'evil.example', body: '{}' })
    expect(api.status).toBe(403)
    expect(calls.some((c) => c.channel === 'echo')).toBe(false)
  })

  it('does not serve files outside staticDir', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%5csecret.txt', '/assets/..%00/x']) {
      const r = await raw(port, { path })
      expect(r.status, path).not.toBe(200)
      expect(r.body).not.toContain('secret')
    }
  })

  it('dispatches POST /api/<channel> with the JSON body and returns the Result', async () => {
    const r = await raw(port, { method: 'POST', path: '/api/echo', body: JSON.stringify({ a: '中文' }), headers: { 'content-type': 'application/json' } })
    expect(r.status).toBe(200)
    expect(JSON.parse(r.body)).toEqual({ ok: true, data: { a: '中文' } })
    const nested = await raw(port, { method: 'POST', path: '/api/units/list', body: '{}' })
    expect(calls.at(-1)?.channel).toBe('units/list')
    expect(JSON.parse(nested.body).error.code).toBe('UNKNOWN_CHANNEL')
  })

  it('returns the dispatch result for an unknown channel', async () => {
    const r = await raw(port, { method: 'POST', path: '/api/nope', body: '{}' })
    expect(JSON.parse(r.body)).toEqual({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: '未知的调用“nope”' } })
  })

  it('refuses bad JSON, GET on the API, foreign origins and bodies over 50 MB', async () => {
    const bad = await raw(port, { method: 'POST', path: '/api/echo', body: '{not json' })
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body).error.code).toBe('VALIDATION')
    expect((await raw(port, { path: '/api/echo' })).status).toBe(405)
    expect((await raw(port, { method: 'PUT', path: '/index.html', body: 'x' })).status).toBe(405)
    const foreign = await raw(port, { method: 'POST', path: '/api/echo', body: '{}', headers: { origin: 'http://evil.example' } })
    expect(foreign.status).toBe(403)
    const big = await raw(port, { method: 'POST', path: '/api/echo', headers: { 'content-length': String(MAX_BODY_BYTES + 1) }, body: '' }).catch(() => ({ status: 413 }) as Reply)
    expect(big.status).toBe(413)
  })
})
