/**
 * Every answer in Chinese: bounded strings, NUL refused before any handler, known SQLite and
 * file-system errors as sentences, the harness's 400 for a malformed URL, and stale temporaries
 * swept at start.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { knownErrorSentence } from '../../electron/error-text'
import { sweepStaleTemps } from '../../electron/files/sweep'
import { startHarness, type Harness } from '../../electron/harness/http'
import { cleanup, makeBackend, makeSetUpBackend } from '../helpers/backend'

type T = Awaited<ReturnType<typeof makeSetUpBackend>>
let t: T
beforeAll(async () => {
  t = await makeSetUpBackend()
})
afterAll(async () => {
  await t.close()
  cleanup(t.dataDir)
})

const chinese = /[\u4e00-\u9fa5]/

describe('validation before any handler', () => {
  it('a 10 MB search is refused in Chinese, and so is a 101-character one; 100 characters are fine', async () => {
    const huge = await t.fail('units/list', { search: '%_'.repeat(5_000_000) })
    expect(huge).toMatchObject({ code: 'VALIDATION' })
    expect(huge.message).toMatch(/输入内容过长/)
    const long = await t.fail('projects/list', { search: '项'.repeat(101) })
    expect(long.message).toBe('搜索内容不能超过100字')
    await t.call('projects/list', { search: '项'.repeat(100) })
    expect((await t.fail('register/list', { search: 'x'.repeat(101) })).message).toBe('搜索内容不能超过100字')
  })

  it('a NUL anywhere in the input is refused, in any channel, with nothing saved', async () => {
    const before = await t.call('trainings/list', {})
    const e = await t.fail('trainings/save', { date: '2024-05-10', title: '培训\u0000名称', organiser: '县财政局', form: '集中培训', participantCount: 3, notes: '' })
    expect(e).toMatchObject({ code: 'VALIDATION', message: '输入内容中含有空字符（NUL），已拒绝；请删除后重试' })
    expect((await t.fail('units/save', { code: 'A1', name: '单位', divisionId: null, parentName: '\u0000' })).message).toMatch(/空字符/)
    expect(await t.call('trainings/list', {})).toEqual(before)
  })

  it('settings strings and indicator fields have limits', async () => {
    const s = await t.call('settings/get', {})
    expect((await t.fail('settings/save', { ...s, reportRecipients: '县'.repeat(301) })).message).toMatch(/主送机关不能超过300字/)
    expect((await t.fail('settings/save', { ...s, org: { ...s.org, county: '县'.repeat(31) } })).message).toMatch(/县名不能超过30字/)
    expect((await t.fail('settings/save', { ...s, org: { ...s.org, county: '师宗\u0007县' } })).message).toMatch(/控制字符/)
    expect((await t.fail('settings/save', { ...s, packageKey: 'short' })).message).toMatch(/单位密钥至少8个字符/)
  })
})

describe('known errors become sentences', () => {
  it('SQLite codes and messages, and file-system codes', () => {
    const cases: [unknown, RegExp][] = [
      [new Error('LIKE or GLOB pattern too complex'), /搜索内容太长或太复杂/],
      [Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }), /数据库正被其他操作占用/],
      [Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }), /读写数据库文件时出错/],
      [Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' }), /数据库文件已损坏/],
      [Object.assign(new Error('string or blob too big'), { code: 'SQLITE_TOOBIG' }), /内容太大/],
      [new Error('cannot VACUUM from within a transaction'), /有修改正在保存/],
      [new TypeError('The database connection is not open'), /工作数据正在切换/],
      [new Error('no such column: x'), /数据库的结构与本软件不一致/],
      [Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }), /磁盘空间已满/],
      [Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }), /没有读写该文件或文件夹的权限/],
      [Object.assign(new Error('ENAMETOOLONG'), { code: 'ENAMETOOLONG' }), /文件名或路径太长/],
    ]
    for (const [e, re] of cases) {
      const k = knownErrorSentence(e)
      expect(k?.message, String(e)).toMatch(re)
      expect(k!.message).not.toMatch(/[A-Za-z]{4,}/)
    }
    expect(knownErrorSentence(new Error('something else entirely'))).toBeNull()
  })
})

describe('the harness', () => {
  let harness: Harness
  let port: number
  let dir: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ysjx-harness-400-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html>')
    harness = await startHarness({ staticDir: dir, backend: { dispatch: async () => ({ ok: true, data: null }) } })
    port = Number(new URL(harness.url).port)
  })
  afterAll(async () => {
    await harness.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const raw = (path: string, method = 'POST') =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
      })
      req.on('error', reject)
      req.end('{}')
    })

  it('answers a malformed URL with 400 and a Chinese message, not 500', async () => {
    for (const path of ['/api/%E0%A4%A', '/api/%', '/api/units%2']) {
      const r = await raw(path)
      expect(r.status, path).toBe(400)
      expect(JSON.parse(r.body).error.message).toMatch(chinese)
    }
    expect((await raw('//%', 'GET')).status).toBeLessThan(500)
  })
})

describe('stale temporaries are swept at start', () => {
  it('old ones go, fresh ones (another PC writing a shared folder) and real files stay', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ysjx-sweep-'))
    const out = join(dataDir, '输出')
    const docs = join(out, '2024', '通知')
    mkdirSync(docs, { recursive: true })
    mkdirSync(join(dataDir, 'backups'), { recursive: true })
    const old = Date.now() / 1000 - 3 * 3600
    const stale = [join(docs, '.通知.docx.0123456789ab.tmp'), join(out, '年度数据包-x.ysjx.sqlite.tmp'), join(dataDir, 'backups', 'backup-20240101-000000-000-manual.sqlite.tmp')]
    const keep = [join(docs, '.通知.docx.ba9876543210.tmp'), join(docs, '通知.docx'), join(docs, 'notes.tmp')]
    for (const f of [...stale, ...keep]) writeFileSync(f, 'x')
    for (const f of [...stale, join(docs, '通知.docx'), join(docs, 'notes.tmp')]) utimesSync(f, old, old)
    const b = await makeBackend({ dataDir, defaultOutputDir: out })
    try {
      for (const f of stale) expect(existsSync(f), f).toBe(false)
      for (const f of keep) expect(existsSync(f), f).toBe(true)
      expect(sweepStaleTemps([out], Date.now())).toEqual([])
    } finally {
      await b.close()
      cleanup(dataDir)
    }
  })
})
