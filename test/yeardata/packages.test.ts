/**
 * Year packages: export → import → open read-only → close, and every damaged or foreign file
 * refused with its own message and nothing changed.
 */
import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LATEST_VERSION } from '../../electron/db/migrations'
import { APPLICATION_ID, closeDatabase, openDatabase } from '../../electron/db/open'
import { contentDigest, digestPlan, runDigest, sealedDigest } from '../../electron/yeardata/checksum'
import { verifyPackageFile } from '../../electron/yeardata/verify'
import { contentDigestV2, sealedDigestV2 } from '../../electron/yeardata/checksum-v2'
import { MANIFEST_TABLE, PRODUCT } from '../../electron/yeardata/package'
import { packagesDir } from '../../electron/yeardata/store'
import type { PackageManifest } from '../../shared/domain'
import { cleanup, tempDir, type TestBackend } from '../helpers/backend'
import { base64, countRows, demoBackend, exportYear, listDir, snapshot } from './fixtures'

let t: TestBackend
let pkgPath: string
let bytes: Buffer
let unitId: string
let training2023: string
const MARKER = '年度数据包翻转校验标记'
const dirs: string[] = []
const scratch = () => {
  const d = tempDir('ysjx-yd-')
  dirs.push(d)
  return d
}

beforeAll(async () => {
  t = await demoBackend()
  unitId = (await t.call('units/list', {}))[0]!.id
  // Records of other work years, which the 2024 package must leave out.
  training2023 = (await t.call('trainings/save', { date: '2023-05-10', title: '2023年度绩效培训', organiser: '师宗县财政局', form: '集中培训', participantCount: 20, notes: '' })).id
  await t.call('exante/save', { workYear: 2025, unitId, projectName: '2026年新增事前评估项目', amountWan: '12.5', fundSource: '一般公共预算', basis: '', scores: {} })
  await t.call('projects/save', { budgetYear: 2026, unitId, code: '', name: '2026年度项目', amountWan: '8', fundSource: '一般公共预算', category: '项目' })
  await t.call('trainings/save', { date: '2024-08-08', title: MARKER, organiser: '师宗县财政局', form: '视频会', participantCount: 7, notes: '' })
  pkgPath = await exportYear(t, 2024)
  bytes = readFileSync(pkgPath)
}, 180_000)

afterAll(async () => {
  await t?.close()
  if (t) cleanup(t.dataDir)
  dirs.splice(0).forEach(cleanup)
})

const manifestOf = (db: Database.Database) => JSON.parse((db.prepare(`SELECT manifest FROM ${MANIFEST_TABLE}`).get() as { manifest: string }).manifest) as PackageManifest

describe('export', () => {
  it('writes one self-contained file of the work year, with its manifest, beside the outputs', async () => {
    expect(basename(pkgPath)).toMatch(/^师宗县2024年度预算绩效数据包-\d{8}-\d{4}\.ysjx\.sqlite$/)
    expect(basename(dirname(pkgPath))).toBe('年度数据包')
    expect(listDir(dirname(pkgPath))).toEqual([basename(pkgPath)]) // no .tmp, no -wal, no -journal

    const w = t.backend.ctx.working.sqlite
    const db = new Database(pkgPath, { readonly: true })
    try {
      expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID)
      expect(db.pragma('user_version', { simple: true })).toBe(w.pragma('user_version', { simple: true }))
      expect(db.pragma('journal_mode', { simple: true })).not.toBe('wal')
      const m = manifestOf(db)
      expect(m).toMatchObject({ product: PRODUCT, kind: 'year', county: '师宗县', workYear: 2024, schemaVersion: LATEST_VERSION, appVersion: '0.0.0-test' })
      expect(m.rowCounts).toEqual(countRows(db))
      expect(sealedDigest((await contentDigest(db)).sha256, m)).toBe(m.sha256)
      expect(db.prepare('SELECT * FROM pragma_foreign_key_check').all()).toEqual([])

      // The year's records, and only them.
      const one = (q: string, d = db) => (d.prepare(q).get() as { n: number }).n
      expect(one("SELECT count(*) n FROM trainings WHERE work_year <> 2024")).toBe(0)
      expect(one('SELECT count(*) n FROM trainings')).toBe(one('SELECT count(*) n FROM trainings WHERE work_year = 2024', w))
      expect(one('SELECT count(*) n FROM exante_proposals')).toBe(one('SELECT count(*) n FROM exante_proposals WHERE work_year = 2024', w))
      expect(one('SELECT count(*) n FROM rounds')).toBe(one('SELECT count(*) n FROM rounds WHERE work_year = 2024', w))
      expect(one('SELECT count(*) n FROM round_items')).toBe(one('SELECT count(*) n FROM round_items', w))
      expect(one('SELECT count(*) n FROM projects WHERE budget_year = 2026')).toBe(0)
      // Budget year 2024, plus the 项目库 entry (2025) that the 2024 事前评估 created, plus the
      // projects of the year's rounds (an evaluation in 2024 concerns budget year 2023).
      expect(one('SELECT count(*) n FROM projects')).toBe(
        one(
          `SELECT count(*) n FROM projects WHERE budget_year = 2024
             OR id IN (SELECT library_project_id FROM exante_proposals WHERE work_year = 2024)
             OR id IN (SELECT project_id FROM round_items WHERE round_id IN (SELECT id FROM rounds WHERE work_year = 2024))`,
          w,
        ),
      )
      expect(one('SELECT count(*) n FROM indicators')).toBe(one('SELECT count(*) n FROM indicators WHERE project_id IN (SELECT id FROM projects WHERE budget_year <> 2026)', w))
      // Master data whole.
      for (const table of ['units', 'divisions', 'operators', 'library_indicators', 'settings']) expect(one(`SELECT count(*) n FROM ${table}`)).toBe(one(`SELECT count(*) n FROM ${table}`, w))
      // The history of what it carries, not of the 2023 training.
      expect(one(`SELECT count(*) n FROM audit_log WHERE entity_id = '${training2023}'`)).toBe(0)
      expect(one("SELECT count(*) n FROM audit_log WHERE entity = 'projects' AND entity_id NOT IN (SELECT id FROM projects)")).toBe(0)
      expect(one("SELECT count(*) n FROM projects WHERE id NOT IN (SELECT entity_id FROM audit_log WHERE entity = 'projects')")).toBe(0)
    } finally {
      db.close()
    }
  })

  it('has a checksum of the content, not of the page layout', async () => {
    const dir = scratch()
    const other = join(dir, 'relaid.sqlite')
    const src = new Database(pkgPath, { readonly: true })
    src.prepare('VACUUM INTO ?').run(other)
    const before = await contentDigest(src)
    src.close()
    const db = new Database(other)
    db.pragma('page_size = 1024')
    db.exec('VACUUM')
    expect(db.pragma('page_size', { simple: true })).toBe(1024)
    expect(readFileSync(other).equals(bytes)).toBe(false)
    expect((await contentDigest(db)).sha256).toBe(before.sha256)
    db.prepare("UPDATE units SET name = name || ' ' WHERE rowid = (SELECT min(rowid) FROM units)").run()
    expect((await contentDigest(db)).sha256).not.toBe(before.sha256)
    db.close()
  })

  it('reads rows by rowid as by key in a package as written; one rewritten in another row order still verifies', async () => {
    const src = new Database(pkgPath, { readonly: true })
    const byKey = await contentDigest(src)
    const byRowid = (db: Database.Database) => runDigest(db.name, digestPlan(db, 'main', 'rowid')).then((r) => r!.digest)
    expect(await byRowid(src)).toEqual(byKey)
    const exported = manifestOf(src)
    src.close()

    // The same rows, in reverse key order on disk: the rowid read gives other bytes, so the
    // verification takes the key read (and integrity_check) and accepts the file.
    const other = join(scratch(), 'reordered.ysjx.sqlite')
    copyFileSync(pkgPath, other)
    const db = new Database(other)
    db.pragma('foreign_keys = OFF')
    db.exec('CREATE TEMP TABLE x AS SELECT * FROM projects; DELETE FROM projects; INSERT INTO projects SELECT * FROM x ORDER BY id DESC; DROP TABLE x')
    expect((await contentDigest(db)).sha256).toBe(byKey.sha256)
    expect((await byRowid(db)).sha256).not.toBe(byKey.sha256)
    db.close()
    const verified = await verifyPackageFile(other, { level: 'full' })
    expect(verified.manifest).toEqual(exported)
  })

  it('refuses a year without records, and a cancelled export leaves no file', async () => {
    expect((await t.fail('yearData/export', { workYear: 2019 })).message).toMatch(/没有2019年度的业务记录/)
    const job = await t.call('yearData/export', { workYear: 2024 })
    await t.call('jobs/cancel', { id: job.id })
    const end = await t.backend.ctx.jobs.wait(job.id)
    expect(end.status).toBe('cancelled')
    expect(end.paths).toEqual([])
    expect(listDir(dirname(pkgPath))).toEqual([basename(pkgPath)])
  })
})

describe('import and read-only viewing', () => {
  let id: string

  it('verifies and keeps the package: identical row counts and checksum; the same file twice is kept once', async () => {
    const pkg = await t.call('yearData/import', { fileName: basename(pkgPath), base64: base64(bytes) })
    id = pkg.id
    const db = new Database(pkgPath, { readonly: true })
    const exported = manifestOf(db)
    db.close()
    expect(pkg.manifest).toEqual(exported)
    expect(pkg.fileName).toBe(basename(pkgPath))
    expect(pkg.path).toBe(join(packagesDir(t.dataDir), `${pkg.id}.sqlite`))
    expect(readFileSync(pkg.path).equals(bytes)).toBe(true)
    expect(countRows(pkg.path)).toEqual(exported.rowCounts)
    const kept = new Database(pkg.path, { readonly: true })
    expect(sealedDigest((await contentDigest(kept)).sha256, exported)).toBe(exported.sha256)
    kept.close()

    const again = await t.call('yearData/import', { fileName: 'copy.ysjx.sqlite', base64: base64(bytes) })
    expect(again.id).toBe(id)
    const list = await t.call('yearData/packages', {})
    expect(list.packages.map((p) => p.id)).toEqual([id])
    expect(list.viewing).toBeNull()
    // Work years with records (2023 training, 2024 demo, 2025 事前评估) and every budget year with a
    // 项目库: the 2026 project made above is data a lock guards and a 2026 package carries.
    expect(list.years.map((y) => y.workYear)).toEqual([2026, 2025, 2024, 2023])
    expect(listDir(packagesDir(t.dataDir)).filter((n) => n.startsWith('.'))).toEqual([])
  })

  it('opens it read-only: lists answer from the package, writes are refused, close returns to the working data', async () => {
    const later = await t.call('trainings/save', { date: '2024-11-02', title: '导出之后新增的培训', organiser: '师宗县财政局', form: '视频会', participantCount: 5, notes: '' })
    const workingTrainings = (await t.call('trainings/list', {})).length
    const workingExante = (await t.call('exante/list', {})).count

    const opened = await t.call('yearData/open', { id })
    expect(opened.viewing).toBe(id)
    expect(opened.manifest.workYear).toBe(2024)
    expect(t.backend.ctx.view).toEqual({ packageId: id, label: '师宗县2024年度' })
    expect((await t.call('yearData/packages', {})).viewing).toBe(id)

    const trainings = await t.call('trainings/list', {})
    expect(trainings.map((x) => x.id)).not.toContain(later.id)
    expect(trainings.map((x) => x.id)).not.toContain(training2023)
    expect(trainings.every((x) => x.workYear === 2024)).toBe(true)
    const exante = await t.call('exante/list', { workYear: 2024 })
    expect(exante.count).toBe(opened.manifest.rowCounts.exante_proposals)
    expect((await t.call('exante/list', {})).count).toBeLessThan(workingExante)
    const [round] = await t.call('rounds/list', { stage: 'targets', workYear: 2024 })
    const items = await t.call('items/list', { roundId: round!.id })
    expect(items.rows).toHaveLength(139)
    expect((await t.call('settings/get', {})).org.county).toBe('师宗县')

    for (const e of [
      await t.fail('exante/save', { workYear: 2024, unitId, projectName: '只读时新增', amountWan: '1', fundSource: '一般公共预算', basis: '', scores: {} }),
      await t.fail('trainings/save', { date: '2024-12-01', title: '只读时新增', organiser: '师宗县财政局', form: '视频会', participantCount: 1, notes: '' }),
      await t.fail('yearData/lock', { workYear: 2024, locked: true, reason: '' }),
    ]) {
      expect(e.code).toBe('LOCKED')
      expect(e.message).toMatch(/只读的年度数据包“师宗县2024年度”/)
    }
    // A backup is always of the working data, also while a package is viewed.
    const b = await t.call('backups/create', {})
    const bdb = new Database(b.path, { readonly: true })
    expect((bdb.prepare('SELECT count(*) n FROM trainings WHERE id = ?').get(later.id) as { n: number }).n).toBe(1)
    bdb.close()

    expect(await t.call('yearData/close', {})).toEqual({ viewing: null })
    expect(t.backend.ctx.view).toBeNull()
    expect((await t.call('trainings/list', {})).length).toBe(workingTrainings)
    await t.call('trainings/remove', { id: later.id })
  })

  it('removing the package being viewed closes the view first', async () => {
    const extra = scratch()
    const copy = join(extra, 'p.sqlite')
    copyFileSync(pkgPath, copy)
    const db = new Database(copy)
    // Another export of the same data: another time, sealed as the product seals it.
    const m = { ...manifestOf(db), createdAt: '2020-01-01T00:00:00.000Z' }
    m.sha256 = sealedDigest((await contentDigest(db)).sha256, m)
    db.prepare(`UPDATE ${MANIFEST_TABLE} SET manifest = ?`).run(JSON.stringify(m))
    db.close()
    const second = await t.call('yearData/import', { fileName: 'second.ysjx.sqlite', base64: base64(copy) })
    expect(second.id).not.toBe(id)
    await t.call('yearData/open', { id: second.id })
    expect(await t.call('yearData/removePackage', { id: second.id })).toEqual({ removed: true })
    expect(t.backend.ctx.view).toBeNull()
    expect(existsSync(second.path)).toBe(false)
    expect(await t.call('yearData/removePackage', { id: second.id })).toEqual({ removed: false })
    expect((await t.fail('yearData/open', { id: '../../yusuan-jixiao' })).code).toBe('NOT_FOUND')
  })
})

describe('damaged, foreign and newer files are refused with a clear message and change nothing', () => {
  const variant = (name: string, edit: (db: Database.Database) => void): Buffer => {
    const path = join(scratch(), name)
    writeFileSync(path, bytes)
    const db = new Database(path)
    edit(db)
    db.close()
    return readFileSync(path)
  }
  const flipAt = (offset: number): Buffer => {
    const b = Buffer.from(bytes)
    b[offset] = b[offset]! ^ 0x01
    return b
  }

  const cases: { name: string; file: () => Buffer | Promise<Buffer>; code: string; message: RegExp }[] = [
    { name: 'truncated (copy interrupted)', file: () => bytes.subarray(0, Math.floor(bytes.length / 2) + 123), code: 'IMPORT_INVALID', message: /文件不完整.*重新拷贝/ },
    { name: 'truncated on a page boundary', file: () => bytes.subarray(0, bytes.length - 4096 * 3), code: 'IMPORT_INVALID', message: /文件不完整/ },
    {
      name: 'one byte flipped in a page header',
      // Byte 0 of page 3 is a b-tree page's type: SQLite itself must notice.
      file: () => flipAt(bytes.readUInt16BE(16) * 2),
      code: 'IMPORT_INVALID',
      message: /数据包校验失败：.*(损坏|校验码|不一致)/,
    },
    {
      name: 'another SQLite file (foreign application_id)',
      file: () => {
        const path = join(scratch(), 'other.db')
        const db = new Database(path)
        db.exec("CREATE TABLE t (x); INSERT INTO t VALUES ('别的软件')")
        db.close()
        return readFileSync(path)
      },
      code: 'IMPORT_INVALID',
      message: /不是预算绩效管理软件的文件/,
    },
    {
      name: 'our own database, not a package (no manifest)',
      file: async () => readFileSync((await t.call('backups/create', {})).path),
      code: 'IMPORT_INVALID',
      message: /没有数据包清单/,
    },
    { name: 'a newer schema', file: () => variant('newer.sqlite', (db) => db.pragma(`user_version = ${LATEST_VERSION + 1}`)), code: 'DB_NEWER', message: /更高版本.*请先升级/ },
    { name: 'not SQLite at all', file: () => Buffer.from('这是一个文本文件，不是数据库。'.repeat(50)), code: 'IMPORT_INVALID', message: /不是SQLite数据库/ },
    {
      name: 'a row altered with SQLite after export',
      file: () => variant('altered.sqlite', (db) => db.prepare("UPDATE projects SET amount_fen = amount_fen + 100 WHERE rowid = (SELECT min(rowid) FROM projects)").run()),
      code: 'IMPORT_INVALID',
      message: /内容校验码不一致，文件可能在拷贝过程中损坏或被修改/,
    },
    {
      name: 'a row deleted after export',
      file: () => variant('deleted.sqlite', (db) => db.prepare('DELETE FROM indicator_values WHERE rowid = (SELECT min(rowid) FROM indicator_values)').run()),
      code: 'IMPORT_INVALID',
      message: /数据表“indicator_values”应有 \d+ 行，实有 \d+ 行/,
    },
    {
      name: 'a manifest from another product',
      file: () => variant('product.sqlite', (db) => db.prepare(`UPDATE ${MANIFEST_TABLE} SET manifest = json_set(manifest, '$.product', '别的软件')`).run()),
      code: 'IMPORT_INVALID',
      message: /不是预算绩效管理软件的数据包/,
    },
  ]

  it('one byte flipped in the data is caught; a flip the import accepts was not data at all', async () => {
    // The marker is live in a trainings row and in its audit entry; copies of it may also sit in
    // the unused space of a page (left by page splits), where a flip changes no content.
    const marker = Buffer.from(MARKER)
    const offsets: number[] = []
    for (let at = bytes.indexOf(marker); at >= 0; at = bytes.indexOf(marker, at + 1)) offsets.push(at + 3)
    offsets.push(Math.floor(bytes.length / 2), Math.floor((bytes.length * 3) / 4))
    const manifest = (await t.call('yearData/packages', {})).packages.find((p) => p.manifest.kind === 'year')!.manifest
    let caught = 0
    for (const offset of offsets) {
      const file = flipAt(offset)
      const before = snapshot(t)
      const r = await t.backend.dispatch('yearData/import', { fileName: 'flipped.ysjx.sqlite', base64: base64(file) })
      if (r.ok) {
        const path = join(scratch(), `accepted-${offset}.sqlite`)
        writeFileSync(path, file)
        const db = new Database(path, { readonly: true })
        expect(sealedDigest((await contentDigest(db)).sha256, manifest), `flip at ${offset} was accepted`).toBe(manifest.sha256)
        db.close()
      } else {
        expect(r.error.code).toBe('IMPORT_INVALID')
        expect(r.error.message).toMatch(/内容校验码不一致|完整性检查未通过|数据库结构已损坏/)
        caught++
      }
      expect(snapshot(t)).toEqual(before) // an accepted copy of a kept package is not kept twice
    }
    expect(caught).toBeGreaterThan(0)
  })

  for (const c of cases) {
    it(c.name, async () => {
      const file = await c.file()
      const before = snapshot(t)
      const e = await t.fail('yearData/import', { fileName: 'bad.ysjx.sqlite', base64: base64(file) })
      expect(e.code).toBe(c.code)
      expect(e.message).toMatch(c.message)
      expect(snapshot(t)).toEqual(before)
    })
  }
})

describe('a package from an older version', () => {
  it('is verified, opened on a migrated copy, and its kept file stays as it was', async () => {
    const dir = scratch()
    const path = join(dir, 'old.ysjx.sqlite')
    const older = LATEST_VERSION - 1
    const o = await openDatabase({ path, dataDir: dir, targetVersion: older })
    const at = '2021-06-01T00:00:00.000Z'
    await o.db.insertInto('divisions').values({ id: 'd-old', name: '预算股', sort: 1, active: 1, created_at: at, updated_at: at }).execute()
    await o.db
      .insertInto('trainings')
      .values({ id: 't-old', work_year: 2021, date: '2021-06-01', title: '2021年度培训', organiser: '师宗县财政局', form: '集中培训', division_ids: '[]', unit_ids: '[]', participant_count: 30, notes: '', created_at: at, updated_at: at })
      .execute()
    await closeDatabase(o)
    // What an older app's export would have written: checksum v2, no format field.
    const db = new Database(path)
    db.pragma('journal_mode = DELETE')
    db.exec(`CREATE TABLE ${MANIFEST_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), manifest TEXT NOT NULL)`)
    const d = await contentDigestV2(db)
    const fields = { product: PRODUCT, kind: 'year' as const, county: '师宗县', bureau: '师宗县财政局', workYear: 2021, schemaVersion: older, appVersion: '0.0.1', createdAt: at, rowCounts: d.rowCounts }
    const manifest: PackageManifest = { ...fields, sha256: sealedDigestV2(d.sha256, fields) }
    db.prepare(`INSERT INTO ${MANIFEST_TABLE} VALUES (1, ?)`).run(JSON.stringify(manifest))
    db.close()

    const pkg = await t.call('yearData/import', { fileName: 'old.ysjx.sqlite', base64: base64(path) })
    expect(pkg.manifest.schemaVersion).toBe(older)
    const keptHash = createHash('sha256').update(readFileSync(pkg.path)).digest('hex')
    await t.call('yearData/open', { id: pkg.id })
    expect((await t.call('trainings/list', {})).map((x) => x.title)).toEqual(['2021年度培训'])
    expect(listDir(packagesDir(t.dataDir)).some((n) => n.startsWith('.view-'))).toBe(true)
    await t.call('yearData/close', {})
    expect(listDir(packagesDir(t.dataDir)).some((n) => n.startsWith('.view-'))).toBe(false)
    expect(createHash('sha256').update(readFileSync(pkg.path)).digest('hex')).toBe(keptHash)
    await t.call('yearData/removePackage', { id: pkg.id })
    rmSync(path, { force: true })
  })
})

describe('a package sent in parts (yearData/upload), as the page sends one', () => {
  const parts = (n: number) => {
    const size = Math.ceil(bytes.length / n)
    return Array.from({ length: n }, (_, i) => bytes.subarray(i * size, (i + 1) * size))
  }
  const send = async (chunks: Buffer[]) => {
    let uploadId: string | null = null
    let offset = 0
    for (const c of chunks) {
      const r: { uploadId: string; received: number } = await t.call('yearData/upload', { uploadId, fileName: 'parts.ysjx.sqlite', offset, total: bytes.length, base64: base64(c) })
      uploadId = r.uploadId
      offset += c.length
      expect(r.received).toBe(offset)
    }
    return uploadId!
  }

  it('is imported once all parts are in, the same package as sent whole', async () => {
    const uploadId = await send(parts(3))
    const pkg = await t.call('yearData/import', { fileName: 'parts.ysjx.sqlite', uploadId })
    const db = new Database(pkgPath, { readonly: true })
    expect(pkg.manifest.sha256).toBe(manifestOf(db).sha256)
    db.close()
    // Taken: the same upload cannot be imported twice.
    expect((await t.fail('yearData/import', { fileName: 'parts.ysjx.sqlite', uploadId })).message).toMatch(/传送已中断/)
  })

  it('a part out of order, a file larger than declared, an import before the last part: refused, nothing left behind', async () => {
    const before = snapshot(t)
    const [a, b, c] = parts(3) as [Buffer, Buffer, Buffer]
    const first = await t.call('yearData/upload', { uploadId: null, fileName: 'parts.ysjx.sqlite', offset: 0, total: bytes.length, base64: base64(a) })
    const skipped = await t.fail('yearData/upload', { uploadId: first.uploadId, fileName: 'parts.ysjx.sqlite', offset: a.length + b.length, total: bytes.length, base64: base64(c) })
    expect(skipped.message).toBe(`数据包的分段顺序不对（应从第 ${a.length} 字节接着传），未导入任何数据；请重新导入`)
    expect((await t.fail('yearData/upload', { uploadId: first.uploadId, fileName: 'parts.ysjx.sqlite', offset: a.length, total: bytes.length, base64: base64(b) })).message).toMatch(/传送已中断/)

    const small = await t.call('yearData/upload', { uploadId: null, fileName: 'parts.ysjx.sqlite', offset: 0, total: a.length, base64: base64(a) })
    expect((await t.fail('yearData/upload', { uploadId: small.uploadId, fileName: 'parts.ysjx.sqlite', offset: a.length, total: a.length, base64: base64(b) })).message).toBe(`数据包比开始时说的 ${a.length} 字节大，未导入任何数据；请重新导入`)

    const half = await send([a, b])
    expect((await t.fail('yearData/import', { fileName: 'parts.ysjx.sqlite', uploadId: half })).message).toBe(`数据包只收到 ${a.length + b.length} / ${bytes.length} 字节，未导入任何数据；请重新导入`)
    expect(snapshot(t)).toEqual(before)
  })

  it('two parts at once: the second waits for the first to be written, or is refused; the file is never interleaved', async () => {
    const [a, b, c] = parts(3) as [Buffer, Buffer, Buffer]
    const first = await t.call('yearData/upload', { uploadId: null, fileName: 'parts.ysjx.sqlite', offset: 0, total: bytes.length, base64: base64(a) })
    const send = (offset: number, chunk: Buffer) => t.backend.dispatch('yearData/upload', { uploadId: first.uploadId, fileName: 'parts.ysjx.sqlite', offset, total: bytes.length, base64: base64(chunk) })
    const [rb, rc] = await Promise.all([send(a.length, b), send(a.length + b.length, c)])
    expect(rb.ok).toBe(true)
    expect(rc.ok ? null : rc.error.message).toBe('数据包的上一段还没有写完，请等它完成后再传下一段')
    const last = await t.call('yearData/upload', { uploadId: first.uploadId, fileName: 'parts.ysjx.sqlite', offset: a.length + b.length, total: bytes.length, base64: base64(c) })
    expect(last.received).toBe(bytes.length)
    const pkg = await t.call('yearData/import', { fileName: 'parts.ysjx.sqlite', uploadId: first.uploadId })
    const db = new Database(pkgPath, { readonly: true })
    expect(pkg.manifest.sha256).toBe(manifestOf(db).sha256)
    db.close()
  })
})
