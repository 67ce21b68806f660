/**
 * Verification of a package file before anything is done with it. Cheapest and most telling
 * checks first, so that a USB stick's half-copied file or a stranger's database gets the sentence
 * that names its problem, not a generic "corrupt". Every failure is an AppError with a Chinese
 * message; nothing here writes to the file (it is opened read-only).
 */
import Database from 'better-sqlite3'
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import type { PackageManifest } from '../../shared/domain'
import { AppError } from '../../shared/result'
import { LATEST_VERSION } from '../db/migrations'
import { APPLICATION_ID } from '../db/open'
import { runSqlTask, type SqlOutcome } from '../db/worker'
import { digestPlan, runDigest, sealedDigest, signatureMatches, type ContentDigest } from './checksum'
import { contentDigestV2, sealedDigestV2 } from './checksum-v2'
import { PRODUCT, readManifestRow } from './package'
import { schemaDifference } from './schema-check'

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1')

const invalid = (what: string) => new AppError('IMPORT_INVALID', `数据包校验失败：${what}`)

export interface VerifyOptions {
  /**
   * 'full' (import, restore): integrity_check, row counts and content checksum.
   * 'quick' (opening a kept package to read it): quick_check and the manifest only; the file was
   * fully verified when it was imported and is only ever opened read-only.
   */
  level?: 'full' | 'quick'
  /** This PC's bureau key (设置 · 单位密钥); when set, only packages signed with it pass. */
  key?: string
  onProgress?: (done: number, total: number) => Promise<void> | void
}

export interface Verified {
  manifest: PackageManifest
  schemaVersion: number
  /** "由…签发，签名有效", or why the signature was not checked. */
  signatureNote: string
}

/**
 * The signature under this PC's key. With a key set, an unsigned or wrongly signed package is
 * refused; without one, a signature cannot be checked and the note says so.
 */
export function checkSignature(m: PackageManifest, key: string | undefined): string {
  if (key) {
    if (!m.signature) throw invalid('数据包没有签名。本机已设置单位密钥，只接受用同一密钥签发的数据包；请发送方在“设置”中填写相同的单位密钥后重新导出')
    if (!signatureMatches(key, m.sha256, m.signature)) throw invalid('数据包签名无效：它不是用本机的单位密钥签发的，或签发后被修改过，不能导入')
    return `由${m.bureau || m.county}签发，签名有效`
  }
  return m.signature ? '数据包带有签名，但本机未设置单位密钥，未核验签名' : '数据包未签名'
}

interface Header {
  pageSize: number
  pages: number | null
  userVersion: number
  applicationId: number
}

/** What the 100-byte header says, before SQLite itself is asked anything. */
function readHeader(path: string): Header {
  let size: number
  try {
    size = statSync(path).size
  } catch (e) {
    throw new AppError('IO', `无法读取数据包文件：${(e as Error).message}`)
  }
  const head = Buffer.alloc(100)
  const fd = openSync(path, 'r')
  let got: number
  try {
    got = readSync(fd, head, 0, 100, 0)
  } finally {
    closeSync(fd)
  }
  const magicLen = Math.min(got, MAGIC.length)
  if (magicLen === 0 || !head.subarray(0, magicLen).equals(MAGIC.subarray(0, magicLen))) {
    throw invalid('该文件不是SQLite数据库，更不是本软件导出的年度数据包，请确认选择的文件（应以 .ysjx.sqlite 结尾）')
  }
  const truncated = invalid('文件不完整（比应有的长度短），可能拷贝未完成或U盘拔出过早，请重新拷贝后再导入')
  if (got < 100) throw truncated
  const raw = head.readUInt16BE(16)
  const pageSize = raw === 1 ? 65536 : raw
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) throw invalid('文件头已损坏（页大小无效），文件可能在拷贝过程中损坏')
  // The in-header page count is valid only if written by a SQLite that also wrote the
  // "version-valid-for" number equal to the change counter (every SQLite since 3.7.0).
  const valid = head.readUInt32BE(92) === head.readUInt32BE(24)
  const pages = valid ? head.readUInt32BE(28) : null
  if (size % pageSize !== 0 || (pages !== null && size < pages * pageSize)) throw truncated
  return { pageSize, pages, userVersion: head.readUInt32BE(60), applicationId: head.readUInt32BE(68) }
}

function parseManifest(text: string | null, userVersion: number): PackageManifest {
  if (text === null) throw invalid('文件中没有数据包清单，它不是由“导出年度数据包”生成的（可能是工作数据库或备份文件本身）')
  let m: Partial<PackageManifest>
  try {
    m = JSON.parse(text) as Partial<PackageManifest>
  } catch {
    throw invalid('数据包清单无法读取，文件可能已损坏')
  }
  if (!m || typeof m !== 'object' || m.product !== PRODUCT) throw invalid('数据包清单中的软件名称不符，它不是预算绩效管理软件的数据包')
  const ok =
    (m.kind === 'year' || m.kind === 'carry-over') &&
    Number.isInteger(m.workYear) &&
    Number.isInteger(m.schemaVersion) &&
    typeof m.county === 'string' &&
    typeof m.bureau === 'string' &&
    typeof m.appVersion === 'string' &&
    typeof m.createdAt === 'string' &&
    typeof m.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(m.sha256) &&
    !!m.rowCounts &&
    typeof m.rowCounts === 'object' &&
    Object.values(m.rowCounts).every((n) => Number.isInteger(n) && n >= 0) &&
    (m.signature === undefined || (typeof m.signature === 'string' && /^[0-9a-f]{64}$/.test(m.signature))) &&
    m.county.length <= 60 &&
    m.bureau.length <= 100 &&
    m.appVersion.length <= 40 &&
    m.createdAt.length <= 40
  if (!ok) throw invalid('数据包清单内容不完整，文件可能已损坏或被修改')
  if (m.format !== undefined && m.format !== 3) {
    throw invalid(`数据包的校验码格式（${JSON.stringify(m.format).slice(0, 20)}）不是本软件能识别的，它可能由更高版本的软件导出，请先升级本软件再导入`)
  }
  if (m.schemaVersion !== userVersion) throw invalid(`数据包清单记载的数据结构版本（${m.schemaVersion}）与文件本身（${userVersion}）不一致，文件可能被修改`)
  return m as PackageManifest
}

/** Why a content digest does not match the manifest (row counts first), or null if it does. */
function contentProblem(digest: ContentDigest, manifest: PackageManifest): string | null {
  const expected = manifest.rowCounts
  const names = new Set([...Object.keys(expected), ...Object.keys(digest.rowCounts)])
  for (const t of [...names].sort()) {
    const want = expected[t]
    const have = digest.rowCounts[t]
    if (want === undefined) return `文件中多出了清单没有记载的数据表“${t}”，文件可能被修改`
    if (have === undefined) return `清单记载的数据表“${t}”在文件中不存在，文件可能被修改`
    if (want !== have) return `数据表“${t}”应有 ${want} 行，实有 ${have} 行，文件可能在拷贝过程中损坏或被修改`
  }
  const seal = manifest.format === 3 ? sealedDigest : sealedDigestV2
  if (seal(digest.sha256, manifest) !== manifest.sha256) {
    if (manifest.format !== 3 && digest.sha256 === manifest.sha256) return '该数据包由早期版本软件导出，其清单不受校验码保护；请发送方用现在的软件重新导出'
    return '内容校验码不一致，文件可能在拷贝过程中损坏或被修改'
  }
  return null
}

export async function verifyPackageFile(path: string, opts: VerifyOptions = {}): Promise<Verified> {
  const level = opts.level ?? 'full'
  const header = readHeader(path)
  if (header.applicationId !== APPLICATION_ID) {
    throw invalid('该文件是SQLite数据库，但不是预算绩效管理软件的文件（可能来自其他软件），不能导入')
  }
  if (header.userVersion > LATEST_VERSION) {
    throw new AppError(
      'DB_NEWER',
      `该数据包由更高版本的预算绩效管理软件导出（数据结构版本 ${header.userVersion}，本软件支持到 ${LATEST_VERSION}），请先升级本软件再导入`,
      { version: header.userVersion, supported: LATEST_VERSION },
    )
  }
  if (header.userVersion < 1) throw invalid('文件中没有数据表结构版本，它不是完整的年度数据包')

  let sqlite: Database.Database
  try {
    sqlite = new Database(path, { readonly: true, fileMustExist: true })
    // Nothing the file's schema defines (a view, a trigger, an index expression) may call a
    // function with side effects while it is being checked.
    sqlite.pragma('trusted_schema = OFF')
  } catch (e) {
    throw invalid(`无法打开文件（${(e as Error).message}），文件可能已损坏`)
  }
  // The page-level check reads the whole file: in a worker thread (db/worker.ts), side by side
  // with the checksum's two, so the main process stays answerable. quick_check first (every page,
  // every b-tree, every record); integrity_check (also: every index entry against its row) only
  // where a read goes through an index, i.e. on the key-order path below.
  const pageCheck = (pragma: 'quick_check' | 'integrity_check') => runSqlTask({ path, readonly: true }, [{ op: 'all', sql: `PRAGMA ${pragma}(20)` }])
  const waiting: Promise<unknown>[] = []
  const started = <T>(p: Promise<T>): Promise<T> => {
    waiting.push(p.catch(() => null))
    return p
  }
  const checking = started(pageCheck('quick_check'))
  const checked = async (task: Promise<SqlOutcome> = checking) => {
    const r = await task
    if (r.status === 'failed') throw invalid(`数据库结构已损坏（${r.message}），文件可能在拷贝过程中损坏，请重新拷贝`)
    if (r.status !== 'done') throw invalid(`完整性检查无法运行（${r.status === 'unavailable' ? r.message : '已取消'}）`)
    // One finding per line (a finding may span lines under a "*** in database main ***" head).
    const lines = (r.results[0] as Record<string, string>[]).flatMap((x) => String(Object.values(x)[0]).split('\n')).filter((l) => l && !/^\*\*\* in database/.test(l))
    if (lines.length !== 1 || lines[0] !== 'ok') {
      throw invalid(`完整性检查未通过（${lines.slice(0, 3).join('；')}），文件可能在拷贝过程中损坏，请重新拷贝`)
    }
  }
  try {
    let manifest: PackageManifest
    try {
      manifest = parseManifest(readManifestRow(sqlite), header.userVersion)
    } catch (e) {
      await checked() // a damaged file: say so rather than what the damage broke
      if (e instanceof AppError) throw e
      throw invalid(`数据包清单无法读取（${(e as Error).message}）`)
    }
    let schemaProblem: string | null
    try {
      schemaProblem = await schemaDifference(sqlite, header.userVersion)
    } catch (e) {
      await checked()
      throw e
    }
    if (schemaProblem) {
      await checked()
      throw invalid(`数据结构不是本软件生成的（${schemaProblem}），文件可能被人修改过，不能导入`)
    }
    if (level === 'quick') {
      await checked()
      return { manifest, schemaVersion: header.userVersion, signatureNote: checkSignature(manifest, opts.key) }
    }
    const progress = (_t: string, i: number, n: number) => void opts.onProgress?.(i, n)

    if (manifest.format === 3) {
      // The fast read: every table's own b-tree in rowid order, beside quick_check. A package as
      // the export wrote it matches here; every row the rebuild will read (rebuild.ts reads the
      // tables NOT INDEXED) has then been hashed, so no index needs checking against its table.
      let plan = null
      try {
        plan = digestPlan(sqlite, 'main', 'rowid')
      } catch {
        /* the key-order path below says what is wrong */
      }
      if (plan) {
        const fast = started(runDigest(path, plan, { onTable: progress }))
        await checked()
        const d = await fast.catch(() => null)
        if (d && contentProblem(d.digest, manifest) === null) {
          return { manifest, schemaVersion: header.userVersion, signatureNote: checkSignature(manifest, opts.key) }
        }
      } else await checked()
    } else await checked()

    // The key-order read (the digest's definition; v2 packages have only this one) beside the
    // full integrity_check: a file rewritten in another row order, a package of the earlier
    // format, or one that is damaged or changed, which this path then names.
    const deep = started(pageCheck('integrity_check'))
    let digest: ContentDigest
    if (manifest.format === 3) {
      let plan
      try {
        plan = digestPlan(sqlite)
      } catch (e) {
        await checked(deep)
        throw invalid(`读取数据时出错（${(e as Error).message}），文件可能已损坏`)
      }
      const hashing = started(runDigest(path, plan, { onTable: progress }))
      await checked(deep)
      try {
        digest = (await hashing)!.digest
      } catch (e) {
        throw invalid(`读取数据时出错（${(e as Error).message}），文件可能已损坏`)
      }
    } else {
      // A package of the earlier version (v2): its digest in a worker (checksum-v2.ts).
      const hashing = started(contentDigestV2(sqlite, { onTable: progress }))
      await checked(deep)
      try {
        digest = await hashing
      } catch (e) {
        throw invalid(`读取数据时出错（${(e as Error).message}），文件可能已损坏`)
      }
    }
    const problem = contentProblem(digest, manifest)
    if (problem) throw invalid(problem)
    return { manifest, schemaVersion: header.userVersion, signatureNote: checkSignature(manifest, opts.key) }
  } finally {
    // Its workers hold the file open until they exit; so does this connection.
    await Promise.all(waiting)
    sqlite.close()
  }
}
