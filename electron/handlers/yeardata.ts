/**
 * 年度数据: year packages (export, import, view read-only, restore), year locks, 年度结转 and
 * backups. Everything that reads or writes the working file as a file lives in electron/yeardata/;
 * this module decides what each channel means for the user.
 */
import Database from 'better-sqlite3'
import { sql, type Kysely } from 'kysely'
import { existsSync, rmSync } from 'node:fs'
import { copyFile, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { BackupEntry, PackageManifest, YearPackage, YearStatus } from '../../shared/domain'
import { AppError } from '../../shared/result'
import { withDefaults, type Settings } from '../../shared/settings'
import { BACKUP_REASONS, listBackups, makeBackupInWorker, type BackupInfo } from '../db/backup'
import { fullCheck } from '../db/integrity'
import { inspectDatabase } from '../db/open'
import type { DB } from '../db/schema'
import { safeFileName } from '../docs/write-file'
import { buildPackage, stampForFile } from '../yeardata/package'
import { rebuildFromPackage } from '../yeardata/rebuild'
import { getPackage, incomingPath, keepPackage, listPackages, removeKept, type KeptPackage } from '../yeardata/store'
import { receivePart, takeUpload } from '../yeardata/uploads'
import { workYearsSql } from '../yeardata/tables'
import { checkSignature, verifyPackageFile } from '../yeardata/verify'
import { keepLocalAccounts, readLocalAccounts } from '../auth/local-accounts'
import { closeView, exclusiveSwap, openView, readyPath, replaceWorking, viewedPackageId, whileReadingWorking } from '../yeardata/working'
import { parseJson, type Ctx, type Handlers } from './context'

type YearDataChannels =
  | 'yearData/export'
  | 'yearData/upload'
  | 'yearData/import'
  | 'yearData/packages'
  | 'yearData/open'
  | 'yearData/close'
  | 'yearData/restore'
  | 'yearData/removePackage'
  | 'yearData/lock'
  | 'yearData/carryOver'
  | 'backups/list'
  | 'backups/create'
  | 'backups/restore'

export const PACKAGE_FOLDER = '年度数据包'
export const PACKAGE_EXT = '.ysjx.sqlite'
/** Reasons this module adds to BACKUP_REASONS (backup.ts names the others). */

/** Settings of the WORKING data: while a package is viewed, ctx.settings() would read the package's. */
async function workingSettings(ctx: Ctx): Promise<Settings> {
  const row = await ctx.working.db.selectFrom('settings').select('value').where('key', '=', 'settings').executeTakeFirst()
  return withDefaults(row ? parseJson<Partial<Settings>>(row.value, {}) : undefined)
}

async function packageFolder(ctx: Ctx): Promise<string> {
  return join(await ctx.outputDir(), PACKAGE_FOLDER)
}

/** Never overwrite: two exports in the same minute get -2, -3. The stem holds the county's name. */
function freePath(dir: string, name: string): string {
  const stem = safeFileName(name)
  let p = join(dir, `${stem}${PACKAGE_EXT}`)
  for (let i = 2; existsSync(p) || existsSync(`${p}.tmp`); i++) p = join(dir, `${stem}-${i}${PACKAGE_EXT}`)
  return p
}

/**
 * The years the working data holds records for: the work years of its records (trainings, rounds,
 * documents …) and every budget year with a 项目库. A first-year county's only record of last year is
 * its baseline (the N−1 projects and their approved targets): that year must be listed so it can be
 * exported and locked, and a lock does guard it (projects/save checks the budget year).
 */
async function workYears(db: Kysely<DB>): Promise<number[]> {
  const r = await sql<{ y: number }>`${sql.raw(workYearsSql())}`.execute(db)
  const budget = await db.selectFrom('projects').select('budget_year').distinct().execute()
  return [...new Set([...r.rows.map((x) => Number(x.y)), ...budget.map((b) => b.budget_year)])].sort((a, b) => a - b)
}

async function yearStatuses(ctx: Ctx): Promise<YearStatus[]> {
  const years = new Set(await workYears(ctx.working.db))
  const locks = await ctx.working.db.selectFrom('year_locks').selectAll().execute()
  for (const l of locks) years.add(l.work_year)
  const byYear = new Map(locks.map((l) => [l.work_year, l.locked_at]))
  return [...years].sort((a, b) => b - a).map((y) => ({ workYear: y, locked: byYear.has(y), lockedAt: byYear.get(y) ?? null }))
}

/** A kept package with what its signature says under this PC's key (never refused just for listing). */
function described(p: KeptPackage, key: string): YearPackage {
  let signatureNote: string
  try {
    signatureNote = checkSignature(p.manifest, key || undefined)
  } catch (e) {
    signatureNote = e instanceof AppError ? e.message.replace(/^数据包校验失败：/, '') : String(e)
  }
  return { ...p, signatureNote }
}

export const packageLabel = (m: PackageManifest) => `${m.county}${m.workYear}年度${m.kind === 'carry-over' ? '（结转）' : ''}`

const toEntry = (b: BackupInfo): BackupEntry => ({
  fileName: b.fileName,
  path: b.path,
  createdAt: b.createdAt,
  reason: b.reason,
  reasonName: BACKUP_REASONS[b.reason] ?? b.reason,
  size: b.size,
})

/**
 * Records a replacement of the working data in the NEW working data's log, written into the file
 * before it is swapped in: a crash after the swap can never leave a restore without its row. The
 * chosen operator signs it if the restored data knows them; otherwise (data from another PC) it is
 * the system's own act with no operator, as the indicator-library seeding does.
 */
function logInto(file: string, ctx: Ctx, entityId: string, after: Record<string, unknown>): void {
  const db = new Database(file)
  try {
    const op = ctx.session.operatorId
    const known = op ? !!db.prepare('SELECT 1 FROM operators WHERE id = ?').get(op) : false
    db.prepare('INSERT INTO audit_log (at, operator_id, action, entity, entity_id, before, after) VALUES (?, ?, ?, ?, ?, NULL, ?)').run(
      ctx.now().toISOString(),
      known ? op : null,
      'restore',
      'database',
      entityId,
      JSON.stringify(after),
    )
  } finally {
    db.close()
  }
}

/**
 * Replaces the working data with a prepared file: never without a snapshot first, alone (writes are
 * refused meanwhile, see db/gate.ts), and with its audit row already inside. Returns the backup's name.
 */
async function swapIn(ctx: Ctx, prepare: (ready: string) => void | Promise<void>, record: (backup: string) => { entityId: string; after: Record<string, unknown> }): Promise<string> {
  return exclusiveSwap(ctx, async () => {
    const ready = readyPath(ctx)
    rmSync(ready, { force: true })
    try {
      await prepare(ready)
      const backup = basename(await makeBackupInWorker(ctx.dbPath, ctx.dataDir, 'restore', ctx.now()))
      const r = record(backup)
      logInto(ready, ctx, r.entityId, r.after)
      // Read before the swap, put back after it (the restored file is migrated by then).
      const accounts = readLocalAccounts(ctx.working.sqlite)
      let at = new Map<string, string>()
      await replaceWorking(ctx, ready, (restored) => {
        at = keepLocalAccounts(restored, accounts)
      })
      // The one signed in stays signed in, under the row their account now has.
      const me = ctx.session.operatorId ? at.get(ctx.session.operatorId) : undefined
      if (me) ctx.session.operatorId = me
      return backup
    } finally {
      rmSync(ready, { force: true })
    }
  })
}

const RESTORING = '正在恢复工作数据'

export const yearDataHandlers: Pick<Handlers, YearDataChannels> = {
  async 'yearData/export'({ workYear }, ctx) {
    if (!(await workYears(ctx.working.db)).includes(workYear)) {
      throw new AppError('VALIDATION', `工作数据中没有${workYear}年度的业务记录，无需导出`)
    }
    const settings = await workingSettings(ctx)
    const now = ctx.now()
    const { county, bureau } = settings.org
    const target = freePath(await packageFolder(ctx), `${county}${workYear}年度预算绩效数据包-${stampForFile(now)}`)
    return ctx.jobs.start(`导出${county}${workYear}年度数据包`, 100, (job) =>
      // The working file must not be swapped (restore) while this reads it.
      whileReadingWorking(ctx, async () => {
        const built = await buildPackage({
          sourcePath: ctx.dbPath,
          targetPath: target,
          kind: 'year',
          workYear,
          org: { county, bureau },
          appVersion: ctx.appVersion,
          createdAt: now.toISOString(),
          ...(settings.packageKey ? { key: settings.packageKey } : {}),
          onProgress: (done, total, message) => job.progress(Math.floor((done / total) * 100), message),
          isCancelled: () => job.cancelled,
        })
        if (!built) return '已取消，未生成数据包'
        job.addPath(built.path)
        const rows = Object.values(built.manifest.rowCounts).reduce((a, b) => a + b, 0)
        return `已导出${packageLabel(built.manifest)}数据包（${rows} 条记录）：${basename(built.path)}`
      }),
    )
  },

  async 'yearData/upload'(part, ctx) {
    return receivePart(ctx, part)
  },

  async 'yearData/import'(input, ctx) {
    const { fileName } = input
    // Received under dataDir first (in the call, or in parts before it): verification reads a
    // file, and nothing else is touched until it has passed.
    const tmp = 'uploadId' in input ? await takeUpload(ctx, input.uploadId, fileName) : incomingPath(ctx.dataDir)
    const { packageKey } = await workingSettings(ctx)
    try {
      if ('base64' in input) await writeFile(tmp, Buffer.from(input.base64, 'base64'))
      const { manifest, schemaVersion } = await verifyPackageFile(tmp, { level: 'full', ...(packageKey ? { key: packageKey } : {}) })
      // Its rows must pass the API's rules now, not first when someone opens it.
      const probe = `${tmp}.rows`
      try {
        await rebuildFromPackage({ packagePath: tmp, targetPath: probe, schemaVersion })
      } finally {
        rmSync(probe, { force: true })
      }
      // The same package imported twice is kept once.
      const same = listPackages(ctx.dataDir).find((p) => p.manifest.sha256 === manifest.sha256 && p.manifest.createdAt === manifest.createdAt && p.manifest.kind === manifest.kind)
      if (same) return described(same, packageKey)
      return described(keepPackage(ctx.dataDir, tmp, fileName, manifest, ctx.now().toISOString()), packageKey)
    } finally {
      rmSync(tmp, { force: true })
    }
  },

  async 'yearData/packages'(_input, ctx) {
    const { packageKey } = await workingSettings(ctx)
    return { packages: listPackages(ctx.dataDir).map((p) => described(p, packageKey)), viewing: viewedPackageId(ctx), years: await yearStatuses(ctx) }
  },

  async 'yearData/open'({ id }, ctx) {
    const pkg = getPackage(ctx.dataDir, id)
    const { packageKey } = await workingSettings(ctx)
    const { manifest, schemaVersion } = await verifyPackageFile(pkg.path, { level: 'quick', ...(packageKey ? { key: packageKey } : {}) })
    await openView(ctx, pkg, schemaVersion, packageLabel(manifest))
    return { viewing: pkg.id, manifest }
  },

  async 'yearData/close'(_input, ctx) {
    await closeView(ctx)
    return { viewing: null }
  },

  async 'yearData/restore'({ id }, ctx) {
    // From the first check to the reopened file, no write may land in data about to be replaced.
    return ctx.gate.exclusive(RESTORING, 'refuse', async () => {
      const pkg = getPackage(ctx.dataDir, id)
      // Verified again: the kept file may have been damaged on disk since it was imported.
      const local = await workingSettings(ctx)
      const { manifest, schemaVersion } = await verifyPackageFile(pkg.path, { level: 'full', ...(local.packageKey ? { key: local.packageKey } : {}) })
      // Its rows, in a schema of our own migrations, with this PC's folder and key (no manifest:
      // working data is not a package).
      const backup = await swapIn(
        ctx,
        (ready) => rebuildFromPackage({ packagePath: pkg.path, targetPath: ready, schemaVersion, localSettings: { outputDir: local.outputDir, packageKey: local.packageKey } }),
        (backup) => ({
          entityId: pkg.id,
          after: { from: 'package', fileName: pkg.fileName, kind: manifest.kind, county: manifest.county, workYear: manifest.workYear, sha256: manifest.sha256, createdAt: manifest.createdAt, backup },
        }),
      )
      return { restored: true as const, backup }
    })
  },

  async 'yearData/removePackage'({ id }, ctx) {
    if (viewedPackageId(ctx) === id) await closeView(ctx)
    return { removed: removeKept(ctx.dataDir, id) }
  },

  async 'yearData/lock'({ workYear, locked, reason }, ctx) {
    await ctx.write(async (w) => {
      const row = await w.trx.selectFrom('year_locks').selectAll().where('work_year', '=', workYear).executeTakeFirst()
      if (locked) {
        if (row) return // already locked: nothing changes, nothing to record
        await w.trx.insertInto('year_locks').values({ work_year: workYear, locked_at: w.now, operator_id: w.operatorId }).execute()
        await w.log('lock', 'year', String(workYear), null, { workYear, lockedAt: w.now, reason })
      } else {
        if (!row) return
        if (!reason) throw new AppError('VALIDATION', `解锁${workYear}年度须填写原因（将记入操作日志）`)
        await w.trx.deleteFrom('year_locks').where('work_year', '=', workYear).execute()
        await w.log('unlock', 'year', String(workYear), { workYear, lockedAt: row.locked_at, lockedBy: row.operator_id }, { workYear, reason })
      }
    })
    const lock = await ctx.working.db.selectFrom('year_locks').select('locked_at').where('work_year', '=', workYear).executeTakeFirst()
    return { workYear, locked: !!lock, lockedAt: lock?.locked_at ?? null }
  },

  async 'yearData/carryOver'({ workYear }, ctx) {
    const settings = await workingSettings(ctx)
    const now = ctx.now()
    const { county, bureau } = settings.org
    const next = workYear + 1
    const target = freePath(await packageFolder(ctx), `${county}${next}年度结转数据包-${stampForFile(now)}`)
    // 结转 closes a year: a snapshot of the data as it was at that moment is worth keeping.
    await ctx.gate.exclusive('正在备份工作数据', 'wait', () => makeBackupInWorker(ctx.dbPath, ctx.dataDir, 'carry-over', now))
    const built = await whileReadingWorking(ctx, () =>
      buildPackage({
        sourcePath: ctx.dbPath,
        targetPath: target,
        kind: 'carry-over',
        workYear,
        org: { county, bureau },
        appVersion: ctx.appVersion,
        createdAt: now.toISOString(),
        ...(settings.packageKey ? { key: settings.packageKey } : {}),
      }),
    )
    if (!built) throw new AppError('INTERNAL', '年度结转被中断，未生成文件')
    return built
  },

  async 'backups/list'(_input, ctx) {
    return listBackups(ctx.dataDir).map(toEntry)
  },

  async 'backups/create'(_input, ctx) {
    // Always the working data, also while a package is being viewed; after the writes in flight
    // (VACUUM cannot run inside their transaction), with new ones waiting the moment it takes.
    const path = await ctx.gate.exclusive('正在备份工作数据', 'wait', () => makeBackupInWorker(ctx.dbPath, ctx.dataDir, 'manual', ctx.now()))
    const made = listBackups(ctx.dataDir).find((b) => b.path === path)
    if (!made) throw new AppError('IO', '备份文件写入后未找到，请检查磁盘')
    return toEntry(made)
  },

  async 'backups/restore'({ fileName }, ctx) {
    // Only a file the backup folder lists: no path from the renderer reaches the file system.
    const chosen = listBackups(ctx.dataDir).find((b) => b.fileName === fileName)
    if (!chosen) throw new AppError('NOT_FOUND', '所选备份不存在（可能已被轮换删除），请刷新备份列表')
    const probe = new Database(chosen.path, { readonly: true, fileMustExist: true })
    try {
      // Header and version only here: the integrity check below reads the whole file, in a worker.
      const health = inspectDatabase(probe, { full: false })
      if (health.state === 'newer') throw new AppError('DB_NEWER', '该备份由更高版本的软件生成，请升级软件后再恢复')
      if (health.state === 'damaged') throw new AppError('DB_DAMAGED', `该备份文件已损坏（${health.reason}），请选择其他备份`)
    } finally {
      probe.close()
    }
    // The whole file read in a worker thread (a city's backup is hundreds of MB).
    const checked = await fullCheck(chosen.path, 'integrity_check')
    if (!checked.ok) throw new AppError('DB_DAMAGED', `该备份文件${checked.reason}，请选择其他备份`)
    // Copied before the 'restore' backup is made: its rotation could otherwise remove the chosen one.
    return ctx.gate.exclusive(RESTORING, 'refuse', async () => {
      const backup = await swapIn(
        ctx,
        (ready) => copyFile(chosen.path, ready),
        (backup) => ({ entityId: chosen.fileName, after: { from: 'backup', fileName: chosen.fileName, createdAt: chosen.createdAt, backup } }),
      )
      return { restored: true as const, backup }
    })
  },
}
