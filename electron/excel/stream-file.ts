/**
 * A streamed workbook written to disk the way writeFileAtomic writes a buffer: into a temp file in
 * the same folder, flushed, then renamed over the target, so a half-written export never carries
 * the real name. The workbook is never held in memory whole.
 */
import { createWriteStream, promises as fsp } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'
import type { Writable } from 'node:stream'
import { registerWrittenFile, renameWithRetry, syncFile } from '../docs/write-file'

export async function writeStreamedFile(path: string, write: (out: Writable) => Promise<void>): Promise<void> {
  const dir = dirname(path)
  await fsp.mkdir(dir, { recursive: true }).catch((e: unknown) => {
    throw new Error(`无法创建文件夹“${dir}”（${(e as NodeJS.ErrnoException).code ?? String(e)}），请检查输出位置是否可写`)
  })
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    const out = createWriteStream(tmp, { flags: 'wx' })
    const closed = new Promise<void>((resolve, reject) => {
      out.on('close', resolve)
      out.on('error', reject)
    })
    await write(out)
    await closed
    await syncFile(tmp)
    await renameWithRetry(tmp, path)
  } catch (e) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined)
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOSPC') throw new Error(`保存“${path}”失败：磁盘空间不足，请清理后重试`)
    if (code === 'EPERM' || code === 'EBUSY' || code === 'EACCES') throw new Error(`无法保存“${path}”：文件可能正在 Excel 或 WPS 中打开，或没有写入权限；请关闭该文件后重试`)
    throw e instanceof Error ? e : new Error(String(e))
  }
  registerWrittenFile(path)
}
