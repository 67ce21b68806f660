import { promises as fsp } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join, resolve } from 'node:path'

/**
 * Writes a file so that a crash, a full USB stick or a document held open in Word never leaves a
 * half-written file under the real name (DESIGN §3): the bytes go to a temp file in the same folder
 * (same volume, so the rename is atomic), are flushed to disk, and only then replace the target.
 * Errors are thrown as Chinese sentences that name the file and say what to do.
 */
export async function writeFileAtomic(path: string, data: Buffer): Promise<void> {
  const dir = dirname(path)
  try {
    await fsp.mkdir(dir, { recursive: true })
  } catch (e) {
    throw chineseError(e, path, 'mkdir')
  }
  const existing = await fsp.stat(path).catch(() => null)
  if (existing?.isDirectory()) {
    throw new Error(`无法保存文件“${path}”：该位置已有同名文件夹，请换一个文件名`)
  }

  // Leading dot keeps the temp out of sight in Linux file managers; the random part lets two
  // batch workers write the same name without clobbering each other's temp.
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  let stage: Stage = 'write'
  try {
    const handle = await fsp.open(tmp, 'wx')
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    stage = 'rename'
    await renameWithRetry(tmp, path)
  } catch (e) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined)
    throw chineseError(e, path, stage)
  }
  await syncDir(dir)
  registerWrittenFile(path)
}

type Stage = 'mkdir' | 'write' | 'rename'

/** Flushes a file written without fsyncs (a stream, SQLite with synchronous=OFF) to the disk, off the event loop. */
export async function syncFile(path: string): Promise<void> {
  const handle = await fsp.open(path, 'r+')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * On Windows a rename over a file fails with EPERM/EBUSY/EACCES while anything holds it open —
 * Word for as long as the document is open, but also antivirus and the search indexer for a moment
 * after it was written. A short retry absorbs the latter; the former surfaces as "close it in Word".
 */
export async function renameWithRetry(from: string, to: string): Promise<void> {
  const delays = process.platform === 'win32' ? [50, 150, 400] : []
  for (let attempt = 0; ; attempt++) {
    try {
      await fsp.rename(from, to)
      return
    } catch (e) {
      const delay = delays[attempt]
      if (delay === undefined || !isLockError(e)) throw e
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}

/** Makes the rename itself durable on POSIX; Windows cannot open a directory, and NTFS journals it. */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return
  try {
    const handle = await fsp.open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // Some file systems (FAT on USB sticks, network shares) refuse fsync on a directory; the file
    // itself is already synced, so this is only a best effort.
  }
}

function errorCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : ''
}

function isLockError(e: unknown): boolean {
  return ['EPERM', 'EBUSY', 'EACCES'].includes(errorCode(e))
}

function chineseError(e: unknown, path: string, stage: Stage): Error {
  const code = errorCode(e)
  const dir = dirname(path)
  let message: string
  if (stage === 'rename' && isLockError(e)) {
    message = `文件“${path}”正在被其他程序（如 Word/WPS）占用，请关闭后重试`
  } else if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    message = `无法保存文件“${path}”：没有写入文件夹“${dir}”的权限（或磁盘为只读），请换一个文件夹后重试`
  } else if (code === 'ENOSPC' || code === 'EDQUOT') {
    message = `无法保存文件“${path}”：磁盘空间不足，请清理空间或换一个磁盘后重试`
  } else if (code === 'EISDIR') {
    message = `无法保存文件“${path}”：该位置已有同名文件夹，请换一个文件名`
  } else if (stage === 'mkdir' || code === 'ENOTDIR' || code === 'ENOENT') {
    message = `无法保存文件“${path}”：无法创建文件夹“${dir}”，请检查路径是否正确、U 盘是否已插好`
  } else if (code === 'ENAMETOOLONG') {
    message = `无法保存文件“${path}”：文件名或路径太长，请缩短后重试`
  } else {
    const detail = e instanceof Error ? e.message : String(e)
    message = `无法保存文件“${path}”：${detail}`
  }
  return new Error(message, { cause: e })
}

/** Characters Windows forbids in a name; 〔〕 and other CJK punctuation are fine. */
const FORBIDDEN = /[\\/:*?"<>|]/g
/** C0/C1 controls, and the invisible direction marks that can make "evil.exe" look like "exe.docx". */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
/** Names Windows reserves for devices, with or without an extension (CON, con.docx, COM1.xlsx). */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i
/** An extension the product writes (kept whole when a long name is cut): .docx, .ysjx.sqlite. */
const EXTENSION = /(\.[A-Za-z0-9]{1,10}){1,2}$/

/** Cuts to at most `max` UTF-8 bytes without splitting a character. */
function cutToBytes(s: string, max: number): string {
  let bytes = 0
  let out = ''
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8')
    if (bytes + n > max) break
    bytes += n
    out += ch
  }
  return out
}

const trimEnds = (s: string) => s.replace(/^[\s]+/, '').replace(/[\s.]+$/, '')

/**
 * The one sanitiser for every name the product puts on the file system (documents, workbooks,
 * their folders, year packages): forbidden characters become "_", control characters go, no
 * leading/trailing spaces or trailing dots (Windows drops them, so two names would collide), no
 * device names (CON…), and at most `max` UTF-8 bytes — Linux file systems (UOS/Kylin ext4) allow
 * 255 bytes per name and a CJK character takes 3, so 150 characters are already too many.
 * A trailing extension is kept whole when the name is cut.
 */
export const safeFileName = (s: string, max = 200): string => {
  const clean = s.replace(CONTROL, '').replace(FORBIDDEN, '_')
  const ext = EXTENSION.exec(clean)?.[0] ?? ''
  let stem = trimEnds(clean.slice(0, clean.length - ext.length))
  stem = trimEnds(cutToBytes(stem, Math.max(1, max - Buffer.byteLength(ext, 'utf8'))))
  if (!stem) stem = '未命名'
  let name = stem + ext
  if (RESERVED.test(name)) name = cutToBytes(`_${name}`, max)
  return name
}

/**
 * Every file this process has written through writeFileAtomic (or registered after its own atomic
 * rename): files/open opens nothing else besides the documents the register knows.
 */
const written = new Set<string>()
export function registerWrittenFile(path: string): void {
  written.add(resolve(path))
}
export const wasWrittenHere = (path: string): boolean => written.has(resolve(path))
/** A folder this process wrote a file into (the "打开文件夹" of an export). */
export const holdsWrittenFile = (dir: string): boolean => {
  const d = resolve(dir)
  for (const p of written) if (dirname(p) === d) return true
  return false
}
