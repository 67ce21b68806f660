/** Restores the working database from a backup snapshot, keeping the current file aside. */
import Database from 'better-sqlite3'
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../../shared/result'
import { DB_FILE_NAME, inspectDatabase, setAside } from './open'

export async function restoreBackup(dataDir: string, backupPath: string, now = new Date()): Promise<void> {
  // Verify the backup before touching the working file.
  const probe = new Database(backupPath, { readonly: true, fileMustExist: true })
  const health = inspectDatabase(probe)
  probe.close()
  if (health.state !== 'ok') {
    throw new AppError('DB_DAMAGED', `备份文件“${backupPath}”不可用：${health.state === 'damaged' ? health.reason : '由更高版本软件创建'}`)
  }
  const target = join(dataDir, DB_FILE_NAME)
  const tmp = target + '.restore.tmp'
  copyFileSync(backupPath, tmp) // backups are closed, checkpointed snapshots: a copy is safe
  if (existsSync(target)) setAside(target, now)
  for (const ext of ['-wal', '-shm']) rmSync(target + ext, { force: true })
  renameSync(tmp, target)
}
