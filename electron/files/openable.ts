/**
 * What files/open may hand to the shell (shell.openPath runs what it is given on Windows): only a
 * file the product registered — a document in the working register, or a file or folder this
 * process wrote — that, with every link resolved, lies inside the output folder; to be opened it
 * must also be a Word, Excel or PDF file. Showing a file in its folder ("reveal") runs nothing, so
 * it is also allowed for the backups the backup folder lists.
 */
import { realpathSync, statSync } from 'node:fs'
import { extname, isAbsolute, relative, resolve } from 'node:path'
import { AppError } from '../../shared/result'
import { listBackups } from '../db/backup'
import { holdsWrittenFile, wasWrittenHere } from '../docs/write-file'
import type { Ctx } from '../handlers/context'

export const OPENABLE_EXTENSIONS = ['.docx', '.xlsx', '.pdf'] as const

/** True if `inner` is `outer` itself or lies below it (both already resolved). */
function inside(outer: string, inner: string): boolean {
  const rel = relative(outer, inner)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

function real(path: string): string | null {
  try {
    return realpathSync.native(path)
  } catch {
    return null
  }
}

/** Returns the resolved path to open, or throws a Chinese AppError saying why not. */
export async function openablePath(ctx: Ctx, path: string, reveal: boolean): Promise<string> {
  const refused = (why: string) => new AppError('VALIDATION', `不能打开“${path}”：${why}`)
  if (!isAbsolute(path)) throw refused('只能打开本软件生成的文件')
  const asked = resolve(path)
  if (reveal && listBackups(ctx.dataDir).some((b) => resolve(b.path) === asked)) {
    const r = real(asked)
    if (!r) throw refused('该备份文件已不存在')
    return r
  }
  // The register of the WORKING data: a package being viewed came from elsewhere.
  const registered =
    wasWrittenHere(asked) ||
    holdsWrittenFile(asked) ||
    !!(await ctx.working.db.selectFrom('documents').select('id').where('file_path', '=', path).executeTakeFirst())
  if (!registered) throw refused('只能打开本软件生成的文件')
  const target = real(asked)
  if (!target) throw refused('文件已不存在（可能已被移动、改名或删除）')
  const outDir = real(await ctx.outputDir())
  if (!outDir || !inside(outDir, target)) throw refused('该文件不在本软件的文件保存位置内')
  if (reveal) return target
  if (statSync(target).isDirectory()) return target
  const ext = extname(target).toLowerCase()
  if (!(OPENABLE_EXTENSIONS as readonly string[]).includes(ext)) throw refused('只能打开 Word（.docx）、Excel（.xlsx）或 PDF 文件')
  return target
}
