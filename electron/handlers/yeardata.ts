/**
 * 年度数据: year packages (export, import, view read-only, restore), year locks, 年度结转 and
 * backups. Everything that reads or writes the working file as a file lives in electron/yeardata/;
 * this module decides what each channel means for the user.
 */
import Database from 'better-sqlite3'
import { sql, type Kysely } from 'kysely'
import { copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { BackupEntry, PackageManifest, YearStatus } from '../../shared/domain'
import { AppError } from '../../shared/result'
import { withDefaults, type Settings } from '../../shared/settings'
import { BACKUP_REASONS, listBackups, makeBackup, type BackupInfo } from '../db/backup'
import { inspectDatabase } from '../db/open'
import type { DB } from '../db/schema'
import { withWriter } from '../db/writer'
import { safeFileName } from '../docs/write-file'
import { buildPackage, MANIFEST_TABLE, stampForFile } from '../yeardata/package'
import { getPackage, incomingPath, keepPackage, listPackages, removeKept } from '../yeardata/store'
import { workYearsSql } from '../yeardata/tables'
import { verifyPackageFile } from '../yeardata/verify'
import { closeView, exclusiveSwap, openView, readyPath, replaceWorking, viewedPackageId, whileReadingWorking } from '../yeardata/working'
import { parseJson, type Ctx, type Handlers } from './context'

type YearDataChannels =
  | 'yearData/export'
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

async function workYears(db: Kysely<DB>): Promise<number[]> {
  const r = await sql<{ y: number }>`${sql.raw(workYearsSql())}`.execute(db)
  return r.rows.map((x) => Number(x.y))
}

async function yearStatuses(ctx: Ctx): Promise<YearStatus[]> {
  const years = new Set(await workYears(ctx.working.db))
  const locks = await ctx.working.db.selectFrom('year_locks').selectAll().execute()
  for (const l of locks) years.add(l.work_year)
  const byYear = new Map(locks.map((l) => [l.work_year, l.locked_at]))
  return [...years].sort((a, b) => b - a).map((y) => ({ workYear: y, locked: byYear.has(y), lockedAt: byYear.get(y) ?? null }))
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
 * Records a replacement of the working data in the NEW working data's log. Through ctx.write when
 * the chosen operator exists there; otherwise (data from another PC) as the system's own act with
 * no operator, as the indicator-library seeding does: the row must exist either way.
 */
async function logEvent(ctx: Ctx, action: string, entity: string, entityId: string, after: unknown): Promise<void> {
  if (ctx.session.operatorId) await ctx.write((w) => w.log(action, entity, entityId, null, after))
  else await withWriter(ctx.working.db, null, ctx.now(), (w) => w.log(action, entity, entityId, null, after))
}

/** The working file must never be replaced without a snapshot first; returns the backup's name. */
async function swapIn(ctx: Ctx, prepare: (ready: string) => void): Promise<string> {
  return exclusiveSwap(ctx, async () => {
    const ready = readyPath(ctx)
    rmSync(ready, { force: true })
    try {
      prepare(ready)
      const backup = makeBackup(ctx.working.sqlite, ctx.dataDir, 'restore', ctx.now())
      await replaceWorking(ctx, ready)
      return basename(backup)
    } finally {
      rmSync(ready, { force: true })
    }
  })
}

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

  async 'yearData/import'({ fileName, base64 }, ctx) {
    // Received under dataDir first: verification reads a file, and nothing else is touched
    // until it has passed.
    const tmp = incomingPath(ctx.dataDir)
    try {
      writeFileSync(tmp, Buffer.from(base64, 'base64'))
      const { manifest } = await verifyPackageFile(tmp, { level: 'full' })
      // The same package imported twice is kept once.
      const same = listPackages(ctx.dataDir).find((p) => p.manifest.sha256 === manifest.sha256 && p.manifest.createdAt === manifest.createdAt && p.manifest.kind === manifest.kind)
      if (same) return same
      return keepPackage(ctx.dataDir, tmp, fileName, manifest, ctx.now().toISOString())
    } finally {
      rmSync(tmp, { force: true })
    }
  },

  async 'yearData/packages'(_input, ctx) {
    return { packages: listPackages(ctx.dataDir), viewing: viewedPackageId(ctx), years: await yearStatuses(ctx) }
  },

  async 'yearData/open'({ id }, ctx) {
    const pkg = getPackage(ctx.dataDir, id)
    const { manifest, schemaVersion } = await verifyPackageFile(pkg.path, { level: 'quick' })
    await openView(ctx, pkg, schemaVersion, packageLabel(manifest))
    return { viewing: pkg.id, manifest }
  },

  async 'yearData/close'(_input, ctx) {
    await closeView(ctx)
    return { viewing: null }
  },

  async 'yearData/restore'({ id }, ctx) {
    const pkg = getPackage(ctx.dataDir, id)
    // Verified again: the kept file may have been damaged on disk since it was imported.
    const { manifest } = await verifyPackageFile(pkg.path, { level: 'full' })
    const backup = await swapIn(ctx, (ready) => {
      copyFileSync(pkg.path, ready) // a kept package is a closed, verified file
      // Working data is not a package: the manifest would describe it wrongly after the first edit.
      const db = new Database(ready)
      try {
        db.exec(`DROP TABLE ${MANIFEST_TABLE}`)
      } finally {
        db.close()
      }
    })
    await logEvent(ctx, 'restore', 'database', pkg.id, {
      from: 'package',
      fileName: pkg.fileName,
      kind: manifest.kind,
      county: manifest.county,
      workYear: manifest.workYear,
      sha256: manifest.sha256,
      createdAt: manifest.createdAt,
      backup,
    })
    return { restored: true as const, backup }
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
    makeBackup(ctx.working.sqlite, ctx.dataDir, 'carry-over', now)
    const built = await whileReadingWorking(ctx, () =>
      buildPackage({
        sourcePath: ctx.dbPath,
        targetPath: target,
        kind: 'carry-over',
        workYear,
        org: { county, bureau },
        appVersion: ctx.appVersion,
        createdAt: now.toISOString(),
      }),
    )
    if (!built) throw new AppError('INTERNAL', '年度结转被中断，未生成文件')
    return built
  },

  async 'backups/list'(_input, ctx) {
    return listBackups(ctx.dataDir).map(toEntry)
  },

  async 'backups/create'(_input, ctx) {
    // Always the working data, also while a package is being viewed.
    const path = makeBackup(ctx.working.sqlite, ctx.dataDir, 'manual', ctx.now())
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
      const health = inspectDatabase(probe)
      if (health.state === 'newer') throw new AppError('DB_NEWER', '该备份由更高版本的软件生成，请升级软件后再恢复')
      if (health.state === 'damaged') throw new AppError('DB_DAMAGED', `该备份文件已损坏（${health.reason}），请选择其他备份`)
      const check = probe.pragma('integrity_check', { simple: true })
      if (check !== 'ok') throw new AppError('DB_DAMAGED', `该备份文件未通过完整性检查（${String(check)}），请选择其他备份`)
    } finally {
      probe.close()
    }
    // Copied before the 'restore' backup is made: its rotation could otherwise remove the chosen one.
    const backup = await swapIn(ctx, (ready) => copyFileSync(chosen.path, ready))
    await logEvent(ctx, 'restore', 'database', chosen.fileName, { from: 'backup', fileName: chosen.fileName, createdAt: chosen.createdAt, backup })
    return { restored: true as const, backup }
  },
}
