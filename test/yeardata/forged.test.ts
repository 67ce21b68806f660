/**
 * Forged year packages: a forger who knows the format recomputes every checksum (the manifest's
 * sha256 is a plain hash anyone can redo). What stops them: the schema must be the migrations'
 * own, rows are copied into a schema of our own, held to the API's rules, machine-local fields are
 * never taken, and — with a bureau key — the signature. Every refusal leaves the receiver's
 * working database byte-for-byte as it was.
 */
import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentDigest, sealedDigest, signDigest } from '../../electron/yeardata/checksum'
import { MANIFEST_TABLE } from '../../electron/yeardata/package'
import { referenceSchema } from '../../electron/yeardata/schema-check'
import { LATEST_VERSION } from '../../electron/db/migrations'
import type { PackageManifest } from '../../shared/domain'
import { makeSetUpBackend, tempDir, type TestBackend } from '../helpers/backend'
import { base64, closeAll, demoBackend, exportYear, manifestOf } from './fixtures'

let sender: TestBackend
let receiver: TestBackend
let bytes: Buffer
let receiverOut: string
const dirs: string[] = []
const scratch = () => {
  const d = tempDir('ysjx-forge-')
  dirs.push(d)
  return d
}

beforeAll(async () => {
  sender = await demoBackend()
  const s = await sender.call('settings/get', {})
  await sender.call('settings/save', { ...s, outputDir: join(scratch(), '发送方输出') })
  bytes = readFileSync(await exportYear(sender, 2024))
  receiver = await makeSetUpBackend()
  receiverOut = join(scratch(), '接收方输出')
  const r = await receiver.call('settings/get', {})
  await receiver.call('settings/save', { ...r, outputDir: receiverOut })
  await receiver.call('trainings/save', { date: '2025-03-01', title: '接收方自己的培训', organiser: '县财政局', form: '视频会', participantCount: 4, notes: '' })
  await receiver.backend.ctx.working.db.selectFrom('settings').selectAll().execute() // settled
}, 180_000)

afterAll(() => closeAll([sender, receiver], dirs))

/** What a forger with this repository in hand does: edit, then recompute counts and seal. */
async function forge(edit: (db: Database.Database) => void, opts: { reseal?: boolean; manifest?: Partial<PackageManifest>; key?: string } = {}): Promise<Buffer> {
  const path = join(scratch(), 'forged.ysjx.sqlite')
  writeFileSync(path, bytes)
  const db = new Database(path)
  try {
    edit(db)
    let m: PackageManifest = { ...manifestOf(db), ...opts.manifest }
    if (opts.reseal ?? true) {
      const d = await contentDigest(db)
      m = { ...m, rowCounts: d.rowCounts }
      m.sha256 = sealedDigest(d.sha256, m)
      delete m.signature
      if (opts.key) m.signature = signDigest(opts.key, m.sha256)
    }
    db.prepare(`UPDATE ${MANIFEST_TABLE} SET manifest = ?`).run(JSON.stringify(m))
  } finally {
    db.close()
  }
  return readFileSync(path)
}

/** The working database as bytes on disk: the file and its WAL. */
function workingHash(t: TestBackend): string {
  const h = createHash('sha256')
  for (const f of [t.backend.dbPath, `${t.backend.dbPath}-wal`]) h.update(existsSync(f) ? readFileSync(f) : Buffer.alloc(0))
  return h.digest('hex')
}

async function refusedUnchanged(file: Buffer, message: RegExp) {
  const before = workingHash(receiver)
  const e = await receiver.fail('yearData/import', { fileName: 'forged.ysjx.sqlite', base64: base64(file) })
  expect(e.code).toBe('IMPORT_INVALID')
  expect(e.message).toMatch(message)
  expect(workingHash(receiver)).toBe(before)
  expect((await receiver.call('yearData/packages', {})).packages.filter((p) => p.fileName === 'forged.ysjx.sqlite')).toEqual([])
}

describe('forged schema is refused before any row is read', () => {
  it('two added triggers that silence the audit log and pin the output folder', async () => {
    const file = await forge((db) =>
      db.exec(`CREATE TRIGGER quiet BEFORE INSERT ON audit_log BEGIN SELECT RAISE(IGNORE); END;
               CREATE TRIGGER pin AFTER UPDATE ON settings BEGIN UPDATE settings SET value = json_set(value, '$.outputDir', '/tmp/evil'); END;`),
    )
    await refusedUnchanged(file, /数据结构不是本软件生成的（文件中含有本软件从不创建的触发器“(quiet|pin)”）/)
  })

  it('a table replaced by a view', async () => {
    const file = await forge((db) => db.exec('DROP TABLE agency_ratings; CREATE VIEW agency_ratings AS SELECT 1 AS id'))
    await refusedUnchanged(file, /数据表“agency_ratings”被替换成了视图/)
  })

  it('an extra index, and a table whose definition was changed', async () => {
    await refusedUnchanged(await forge((db) => db.exec('CREATE INDEX sneaky ON units(name)')), /多出了本软件没有的索引“sneaky”/)
    await refusedUnchanged(
      await forge((db) => db.exec('CREATE TABLE s2 (key TEXT, value TEXT); INSERT INTO s2 SELECT * FROM settings; DROP TABLE settings; ALTER TABLE s2 RENAME TO settings')),
      /数据表“settings”的定义与本软件不一致/,
    )
  })
})

describe('the manifest is inside the digest', () => {
  it('a relabelled manifest (county, year) without a new digest is refused', async () => {
    await refusedUnchanged(await forge(() => undefined, { reseal: false, manifest: { county: '别的县' } }), /内容校验码不一致/)
    await refusedUnchanged(await forge(() => undefined, { reseal: false, manifest: { workYear: 2023 } }), /内容校验码不一致/)
  })
})

describe('rows are held to the API rules', () => {
  it('a unit name longer than units/save allows, a NUL in a title, an unknown status', async () => {
    await refusedUnchanged(
      await forge((db) => db.prepare('UPDATE units SET name = ? WHERE rowid = (SELECT min(rowid) FROM units)').run('长'.repeat(61))),
      /数据表“units”中编号为“[^”]+”的记录字段“name”超过60字/,
    )
    await refusedUnchanged(
      await forge((db) => db.prepare("UPDATE trainings SET title = 'a' || char(0) || 'b' WHERE rowid = (SELECT min(rowid) FROM trainings)").run()),
      /数据表“trainings”.*字段“title”含有NUL字符/,
    )
    await refusedUnchanged(
      await forge((db) => db.prepare("UPDATE round_items SET status = '已批准' WHERE rowid = (SELECT min(rowid) FROM round_items)").run()),
      /字段“status”不是允许的取值/,
    )
    await refusedUnchanged(
      await forge((db) => db.prepare("UPDATE settings SET value = json_set(value, '$.rectifyDays', -5) WHERE key = 'settings'").run()),
      /设置内容不符合本软件的规则/,
    )
  })
})

describe('machine-local fields are never taken', () => {
  let id: string
  it('documents pointing at a shell and settings pointing outside import, but arrive neutralised', async () => {
    const shell = process.platform === 'win32' ? 'C:\\Windows\\System32\\cmd.exe' : '/bin/sh'
    const file = await forge((db) => {
      db.prepare('UPDATE documents SET file_path = ?').run(shell)
      db.prepare("UPDATE settings SET value = json_set(value, '$.outputDir', '/tmp/evil', '$.packageKey', 'forged-key-123') WHERE key = 'settings'").run()
    })
    const before = workingHash(receiver)
    const pkg = await receiver.call('yearData/import', { fileName: 'paths.ysjx.sqlite', base64: base64(file) })
    id = pkg.id
    expect(pkg.signatureNote).toBe('数据包未签名')

    await receiver.call('yearData/open', { id })
    const register = await receiver.call('register/list', { year: 2024 })
    expect(register.length).toBeGreaterThan(0)
    expect(receiver.backend.ctx.sqlite.prepare("SELECT count(*) n FROM documents WHERE file_path <> ''").get()).toEqual({ n: 0 })
    expect((await receiver.call('settings/get', {})).outputDir).toBe('')
    expect(await receiver.backend.ctx.outputDir()).toBe(receiverOut)
    expect((await receiver.fail('files/open', { path: shell, reveal: false })).message).toMatch(/不能打开/)
    await receiver.call('yearData/close', {})
    expect(workingHash(receiver)).toBe(before)
  })

  it('restored: the schema is the migrations\' own, paths empty, this PC\'s folder kept, the audit log still grows', async () => {
    await receiver.call('yearData/restore', { id })
    const w = receiver.backend.ctx.working.sqlite
    const ref = await referenceSchema(LATEST_VERSION)
    const objects = w.prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").all() as { name: string }[]
    expect(objects.map((o) => o.name).sort()).toEqual([...ref.keys()].filter((n) => n !== MANIFEST_TABLE && !n.startsWith('sqlite_')).sort())
    expect(w.prepare("SELECT count(*) n FROM sqlite_master WHERE type IN ('trigger', 'view')").get()).toEqual({ n: 0 })
    expect(w.prepare("SELECT count(*) n FROM documents WHERE file_path <> ''").get()).toEqual({ n: 0 })
    const s = await receiver.call('settings/get', {})
    expect(s.outputDir).toBe(receiverOut)
    expect(s.packageKey).toBe('')
    expect(s.org.county).toBe('师宗县')
    const audit = () => (w.prepare('SELECT count(*) n FROM audit_log').get() as { n: number }).n
    const n = audit()
    await receiver.call('trainings/save', { date: '2024-12-01', title: '恢复后的培训', organiser: '县财政局', form: '视频会', participantCount: 2, notes: '' })
    expect(audit()).toBe(n + 1)
  })

  it('a kept package altered on disk after import (a trigger added) is refused at restore; nothing changes', async () => {
    const pkg = await receiver.call('yearData/import', { fileName: 'later.ysjx.sqlite', base64: base64(bytes) })
    const kept = new Database(pkg.path)
    kept.exec('CREATE TRIGGER later AFTER INSERT ON trainings BEGIN DELETE FROM audit_log; END')
    kept.close()
    const before = workingHash(receiver)
    const e = await receiver.fail('yearData/restore', { id: pkg.id })
    expect(e.message).toMatch(/触发器“later”/)
    expect((await receiver.fail('yearData/open', { id: pkg.id })).message).toMatch(/触发器“later”/)
    expect(workingHash(receiver)).toBe(before)
    await receiver.call('yearData/removePackage', { id: pkg.id })
  })
})

describe('a bureau key signs packages', () => {
  const KEY = '师宗县财政局-2024-共享密钥'
  let signed: Buffer
  beforeAll(async () => {
    const s = await sender.call('settings/get', {})
    await sender.call('settings/save', { ...s, packageKey: KEY })
    signed = readFileSync(await exportYear(sender, 2024))
  }, 120_000)

  const setKey = async (packageKey: string) => {
    const s = await receiver.call('settings/get', {})
    await receiver.call('settings/save', { ...s, packageKey })
  }

  it('the key never leaves in the package; a receiver with the same key sees 由…签发，签名有效', async () => {
    const path = join(scratch(), 'signed.sqlite')
    writeFileSync(path, signed)
    const db = new Database(path, { readonly: true })
    const settings = JSON.parse((db.prepare("SELECT value FROM settings WHERE key = 'settings'").get() as { value: string }).value)
    expect(settings.packageKey).toBeUndefined()
    expect(settings.outputDir).toBeUndefined()
    expect(manifestOf(db).signature).toMatch(/^[0-9a-f]{64}$/)
    db.close()
    expect(readFileSync(path).includes(Buffer.from(KEY))).toBe(false)

    await setKey(KEY)
    const pkg = await receiver.call('yearData/import', { fileName: 'signed.ysjx.sqlite', base64: base64(signed) })
    expect(pkg.signatureNote).toBe('由师宗县财政局签发，签名有效')
    await receiver.call('yearData/removePackage', { id: pkg.id })
  })

  it('with a key set, an unsigned package, a wrong key and a relabelled-and-resealed package are refused', async () => {
    await setKey(KEY)
    await refusedUnchanged(bytes, /数据包没有签名/)
    await refusedUnchanged(await forge(() => undefined, { manifest: { county: '别的县' }, key: '另一个单位的密钥12345' }), /数据包签名无效/)
    // Resealed by the forger without the key: the old signature no longer matches.
    const path = join(scratch(), 'resign.sqlite')
    writeFileSync(path, signed)
    const db = new Database(path)
    const m = { ...manifestOf(db), county: '别的县' }
    m.sha256 = sealedDigest((await contentDigest(db)).sha256, m)
    db.prepare(`UPDATE ${MANIFEST_TABLE} SET manifest = ?`).run(JSON.stringify(m))
    db.close()
    await refusedUnchanged(readFileSync(path), /数据包签名无效/)
    await setKey('')
  })

  it('without a key, a signed package is accepted and the list says the signature was not checked', async () => {
    await setKey('')
    const pkg = await receiver.call('yearData/import', { fileName: 'signed2.ysjx.sqlite', base64: base64(signed) })
    expect(pkg.signatureNote).toBe('数据包带有签名，但本机未设置单位密钥，未核验签名')
    await receiver.call('yearData/removePackage', { id: pkg.id })
  })
})
