/**
 * Packages of the earlier version (checksum v2, seal ysjx-package-v2, no `format` in the manifest)
 * still verify: a bureau keeps last year's files. They are built here with the v2 code itself
 * (checksum-v2.ts, the earlier checksum.ts unchanged). A v2 package altered afterwards, a v3
 * package passed off as v2, and a format this app does not know are refused.
 */
import Database from 'better-sqlite3'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signDigest } from '../../electron/yeardata/checksum'
import { contentDigestV2, sealedDigestV2 } from '../../electron/yeardata/checksum-v2'
import { MANIFEST_TABLE } from '../../electron/yeardata/package'
import type { PackageManifest } from '../../shared/domain'
import { makeSetUpBackend, tempDir, type TestBackend } from '../helpers/backend'
import { base64, closeAll, demoBackend, exportYear, manifestOf } from './fixtures'

let sender: TestBackend
let receiver: TestBackend
let bytes: Buffer
const dirs: string[] = []

beforeAll(async () => {
  sender = await demoBackend()
  const d = tempDir('ysjx-v2-')
  dirs.push(d)
  const s = await sender.call('settings/get', {})
  await sender.call('settings/save', { ...s, outputDir: join(d, '发送方输出') })
  bytes = readFileSync(await exportYear(sender, 2024))
  receiver = await makeSetUpBackend()
  const r = await receiver.call('settings/get', {})
  await receiver.call('settings/save', { ...r, outputDir: join(d, '接收方输出') })
}, 180_000)

afterAll(() => closeAll([sender, receiver], dirs))

/** The exported package, edited, then (if `seal`) sealed the way the earlier version sealed it. */
async function asV2(opts: { edit?: (db: Database.Database) => void; seal?: boolean; key?: string; manifest?: (m: PackageManifest) => PackageManifest } = {}): Promise<Buffer> {
  const d = tempDir('ysjx-v2pkg-')
  dirs.push(d)
  const path = join(d, 'v2.ysjx.sqlite')
  writeFileSync(path, bytes)
  const db = new Database(path)
  try {
    let m = manifestOf(db)
    expect(m.format).toBe(3) // export writes v3
    if (opts.seal ?? true) {
      const digest = await contentDigestV2(db)
      delete m.format
      delete m.signature
      m = { ...m, rowCounts: digest.rowCounts }
      m.sha256 = sealedDigestV2(digest.sha256, m)
      if (opts.key) m.signature = signDigest(opts.key, m.sha256)
    }
    opts.edit?.(db)
    if (opts.manifest) m = opts.manifest(m)
    db.prepare(`UPDATE ${MANIFEST_TABLE} SET manifest = ?`).run(JSON.stringify(m))
  } finally {
    db.close()
  }
  return readFileSync(path)
}

const importing = (file: Buffer, fileName = 'v2.ysjx.sqlite') => ({ fileName, base64: base64(file) })

describe('a package of the earlier version (v2)', () => {
  it('verifies, imports and opens with its rows', async () => {
    const file = await asV2()
    const pkg = await receiver.call('yearData/import', importing(file, 'old.ysjx.sqlite'))
    expect(pkg.signatureNote).toBe('数据包未签名')
    expect(pkg.manifest.format).toBeUndefined()
    await receiver.call('yearData/open', { id: pkg.id })
    expect((await receiver.call('register/list', { year: 2024 })).length).toBeGreaterThan(0)
    await receiver.call('yearData/close', {})
    await receiver.call('yearData/removePackage', { id: pkg.id })
  })

  it('signed with the bureau key, passes a receiver with the same key', async () => {
    const KEY = '师宗县财政局-旧版-共享密钥'
    const r = await receiver.call('settings/get', {})
    await receiver.call('settings/save', { ...r, packageKey: KEY })
    try {
      const pkg = await receiver.call('yearData/import', importing(await asV2({ key: KEY }), 'old-signed.ysjx.sqlite'))
      expect(pkg.signatureNote).toBe('由师宗县财政局签发，签名有效')
      await receiver.call('yearData/removePackage', { id: pkg.id })
    } finally {
      await receiver.call('settings/save', { ...(await receiver.call('settings/get', {})), packageKey: '' })
    }
  })

  it('one value changed after sealing is refused', async () => {
    const file = await asV2({ edit: (db) => db.prepare("UPDATE trainings SET title = title || '改' WHERE rowid = (SELECT min(rowid) FROM trainings)").run() })
    const e = await receiver.fail('yearData/import', importing(file))
    expect(e.code).toBe('IMPORT_INVALID')
    expect(e.message).toBe('数据包校验失败：内容校验码不一致，文件可能在拷贝过程中损坏或被修改')
  })

  it('resealed by a forger with an added trigger is refused by the schema check', async () => {
    const d = tempDir('ysjx-v2f-')
    dirs.push(d)
    const path = join(d, 'f.sqlite')
    writeFileSync(path, await asV2({ seal: false }))
    const db = new Database(path)
    db.exec('CREATE TRIGGER quiet BEFORE INSERT ON audit_log BEGIN SELECT RAISE(IGNORE); END;')
    const m = manifestOf(db)
    delete m.format
    const digest = await contentDigestV2(db)
    m.sha256 = sealedDigestV2(digest.sha256, { ...m, rowCounts: digest.rowCounts })
    db.prepare(`UPDATE ${MANIFEST_TABLE} SET manifest = ?`).run(JSON.stringify({ ...m, rowCounts: digest.rowCounts }))
    db.close()
    const e = await receiver.fail('yearData/import', importing(readFileSync(path)))
    expect(e.message).toMatch(/触发器“quiet”/)
  })
})

describe('the format field', () => {
  it('a v3 package with its format removed (passed off as v2) is refused', async () => {
    const file = await asV2({ seal: false, manifest: (m) => ({ ...m, format: undefined }) })
    const e = await receiver.fail('yearData/import', importing(file))
    expect(e.message).toMatch(/内容校验码不一致/)
  })

  it('a format this app does not know is refused with a sentence that says so', async () => {
    const file = await asV2({ seal: false, manifest: (m) => ({ ...m, format: 4 as unknown as 3 }) })
    const e = await receiver.fail('yearData/import', importing(file))
    expect(e.code).toBe('IMPORT_INVALID')
    expect(e.message).toMatch(/校验码格式（4）不是本软件能识别的.*请先升级本软件再导入/)
  })

  it('the v3 package itself still imports', async () => {
    const pkg = await receiver.call('yearData/import', importing(bytes, 'v3.ysjx.sqlite'))
    expect(pkg.manifest.format).toBe(3)
    await receiver.call('yearData/removePackage', { id: pkg.id })
  })
})

describe('the v2 digest is the earlier algorithm, bit for bit', () => {
  it('a fixed set of rows hashes to what checksum.ts of commit 54034ac gave', async () => {
    // On a file: the digest is computed in a worker thread, on a connection of its own.
    const db = new Database(join(dirs[0]!, 'fixed-rows.sqlite'))
    db.exec(`CREATE TABLE b (id TEXT PRIMARY KEY, amount REAL, n INTEGER, note TEXT, data BLOB);
      CREATE TABLE a (x INTEGER, y TEXT, PRIMARY KEY (x, y));
      INSERT INTO b VALUES ('k2', 0.1, 7, '中文名称', x'00ff'), ('k1', 1e300, NULL, NULL, NULL), ('k3', 12, -3, 'x"y', x'');
      INSERT INTO a VALUES (2, 'b'), (1, 'z'), (1, 'a');`)
    const d = await contentDigestV2(db)
    db.close()
    expect(d).toEqual({ sha256: '4e45b73195a57d586ac997cb3e4929dd993c7f0d3132c64c67f2724c2f7321ee', rowCounts: { a: 3, b: 3 } })
  })
})
