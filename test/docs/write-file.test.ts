/** writeFileAtomic: temp-and-rename, never a half file, Chinese errors that name the file. */
import { chmodSync, mkdirSync, mkdtempSync, promises, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { writeFileAtomic } from '../../electron/docs/write-file'

let dir = ''
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'write-file-'))
})
afterEach(() => {
  vi.restoreAllMocks()
  chmodSync(dir, 0o755)
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isDirectory()) chmodSync(join(entry.parentPath, entry.name), 0o755)
  }
  rmSync(dir, { recursive: true, force: true })
})

function errnoError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code })
}

/** Error's message, asserting that the promise did reject. */
async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
  throw new Error('expected writeFileAtomic to fail')
}

describe('writeFileAtomic', () => {
  it('writes a new file, creating missing folders, and leaves no temp file', async () => {
    const target = join(dir, '2024年', '意见书', '师财预〔2024〕105号.docx')
    await writeFileAtomic(target, Buffer.from('第一版'))
    expect(readFileSync(target, 'utf8')).toBe('第一版')
    expect(readdirSync(join(dir, '2024年', '意见书'))).toEqual(['师财预〔2024〕105号.docx'])
  })

  it('replaces an existing file whole', async () => {
    const target = join(dir, 'a.docx')
    writeFileSync(target, 'old content that is longer than the new one')
    await writeFileAtomic(target, Buffer.from('new'))
    expect(readFileSync(target, 'utf8')).toBe('new')
    expect(readdirSync(dir)).toEqual(['a.docx'])
  })

  it('lets concurrent writers of one name finish with one whole file and no temps', async () => {
    const target = join(dir, 'same.docx')
    const contents = Array.from({ length: 8 }, (_, i) => Buffer.alloc(64 * 1024, String(i)))
    await Promise.all(contents.map((c) => writeFileAtomic(target, c)))
    const result = readFileSync(target)
    expect(contents.some((c) => c.equals(result))).toBe(true)
    expect(readdirSync(dir)).toEqual(['same.docx'])
  })

  it('refuses a target that is a folder, in Chinese, naming the path', async () => {
    const target = join(dir, '通知.docx')
    mkdirSync(target)
    const message = await failure(writeFileAtomic(target, Buffer.from('x')))
    expect(message).toContain(`“${target}”`)
    expect(message).toContain('同名文件夹')
    expect(readdirSync(dir)).toEqual(['通知.docx'])
  })

  it('says so when the folder cannot be created', async () => {
    writeFileSync(join(dir, 'plain-file'), '')
    const target = join(dir, 'plain-file', 'sub', 'x.docx')
    const message = await failure(writeFileAtomic(target, Buffer.from('x')))
    expect(message).toMatch(/^无法保存文件“.+x\.docx”：无法创建文件夹/)
  })

  it('keeps the old file and removes the temp when the file is held open (rename refused)', async () => {
    const target = join(dir, '反馈通知.docx')
    writeFileSync(target, 'issued version')
    vi.spyOn(promises, 'rename').mockRejectedValue(errnoError(process.platform === 'win32' ? 'EPERM' : 'EBUSY'))
    const message = await failure(writeFileAtomic(target, Buffer.from('new version')))
    expect(message).toBe(`文件“${target}”正在被其他程序（如 Word/WPS）占用，请关闭后重试`)
    expect(readFileSync(target, 'utf8')).toBe('issued version')
    expect(readdirSync(dir)).toEqual(['反馈通知.docx'])
  })

  it('keeps the old file and removes the temp when the disk fills up mid-write', async () => {
    const target = join(dir, 'full.docx')
    writeFileSync(target, 'old')
    const realOpen = promises.open.bind(promises)
    vi.spyOn(promises, 'open').mockImplementation(async (...args: Parameters<typeof promises.open>) => {
      const handle = await realOpen(...args)
      vi.spyOn(handle, 'writeFile').mockImplementation(async () => {
        await realWrite(handle)
        throw errnoError('ENOSPC')
      })
      return handle
    })
    const message = await failure(writeFileAtomic(target, Buffer.from('new and longer')))
    expect(message).toContain('磁盘空间不足')
    expect(message).toContain(`“${target}”`)
    expect(readFileSync(target, 'utf8')).toBe('old')
    expect(readdirSync(dir)).toEqual(['full.docx'])
  })

  it('reports a missing write permission in Chinese', async () => {
    const target = join(dir, 'perm.docx')
    writeFileSync(target, 'old')
    vi.spyOn(promises, 'open').mockRejectedValue(errnoError('EACCES'))
    const message = await failure(writeFileAtomic(target, Buffer.from('new')))
    expect(message).toContain('没有写入文件夹')
    expect(message).toContain(`“${target}”`)
    expect(readFileSync(target, 'utf8')).toBe('old')
  })

  // A real read-only folder; root ignores the mode bits, so only meaningful for ordinary users.
  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')(
    'keeps the old file in a read-only folder',
    async () => {
      const target = join(dir, 'ro.docx')
      writeFileSync(target, 'old')
      chmodSync(dir, 0o555)
      const message = await failure(writeFileAtomic(target, Buffer.from('new')))
      expect(message).toContain('没有写入文件夹')
      expect(readFileSync(target, 'utf8')).toBe('old')
      expect(readdirSync(dir)).toEqual(['ro.docx'])
    },
  )
})

/** Writes a few bytes through the real handle, so the failed temp file exists and must be cleaned. */
async function realWrite(handle: promises.FileHandle): Promise<void> {
  await handle.write(Buffer.from('partial'))
}
