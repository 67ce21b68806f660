/**
 * files/open hands its path to shell.openPath, which on Windows runs it: only files the product
 * registered, inside the output folder once every link is resolved, and Word/Excel/PDF only.
 * Names that reach the file system all pass the one sanitiser.
 */
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { safeFileName, writeFileAtomic } from '../../electron/docs/write-file'
import { cleanup, makeSetUpBackend, tempDir } from '../helpers/backend'

type T = Awaited<ReturnType<typeof makeSetUpBackend>>
let t: T
let outDir: string
const opened: string[] = []
const dirs: string[] = []

beforeAll(async () => {
  t = await makeSetUpBackend({ platform: { openPath: async (p) => (opened.push(p), true) } })
  const root = tempDir('ysjx-open-')
  dirs.push(root)
  outDir = join(root, 'out')
  mkdirSync(outDir)
  const s = await t.call('settings/get', {})
  await t.call('settings/save', { ...s, outputDir: outDir })
})
afterAll(async () => {
  await t.close()
  cleanup(t.dataDir)
  dirs.forEach(cleanup)
})

/** A register row pointing anywhere: what a forged package's documents table would hold. */
function registerDocument(path: string) {
  const at = new Date().toISOString()
  t.backend.ctx.working.sqlite
    .prepare(
      `INSERT INTO documents (id, kind, doc_key, prefix, year, serial, doc_number, title, issued_date, file_path, created_at, updated_at)
       VALUES (?, 'notice', ?, '师财绩', 2024, NULL, '', '伪造', '2024-01-01', ?, ?, ?)`,
    )
    .run(`forged-${opened.length}-${Math.random()}`, `k-${Math.random()}`, path, at, at)
}

describe('files/open', () => {
  it('opens a Word file the product wrote inside the output folder, and its folder', async () => {
    const doc = join(outDir, '2024', '通知.docx')
    await writeFileAtomic(doc, Buffer.from('x'))
    expect(await t.call('files/open', { path: doc, reveal: false })).toEqual({ opened: true })
    expect(opened.at(-1)).toBe(realpathSync(doc))
    expect(await t.call('files/open', { path: join(outDir, '2024'), reveal: false })).toEqual({ opened: true })
    expect(await t.call('files/open', { path: doc, reveal: true })).toEqual({ opened: true })
  })

  it('refuses ${outDir}/../../<system file>, even when a register row names it', async () => {
    const escape = `${outDir}/../../../../../../etc/passwd`
    const before = opened.length
    expect((await t.fail('files/open', { path: escape, reveal: false })).message).toMatch(/只能打开本软件生成的文件/)
    registerDocument(escape)
    expect((await t.fail('files/open', { path: escape, reveal: false })).message).toMatch(/不在本软件的文件保存位置内/)
    expect((await t.fail('files/open', { path: escape, reveal: true })).message).toMatch(/不在本软件的文件保存位置内/)
    expect(opened.length).toBe(before)
  })

  it('refuses a sibling folder sharing the prefix (${outDir}-x/evil.exe) and (${outDir}-x/a.docx)', async () => {
    const evil = `${outDir}-x/evil.exe`
    const docx = `${outDir}-x/a.docx`
    // Written by the product itself, so only the containment check stands in the way.
    await writeFileAtomic(evil, Buffer.from('MZ'))
    await writeFileAtomic(docx, Buffer.from('x'))
    registerDocument(evil)
    const before = opened.length
    for (const path of [evil, docx]) expect((await t.fail('files/open', { path, reveal: false })).message).toMatch(/不在本软件的文件保存位置内/)
    expect(opened.length).toBe(before)
  })

  it('refuses a file in the output folder that the product did not write', async () => {
    const stranger = join(outDir, '别人放的.docx')
    writeFileSync(stranger, 'x')
    expect((await t.fail('files/open', { path: stranger, reveal: false })).message).toMatch(/只能打开本软件生成的文件/)
  })

  it('refuses to open a registered file with another extension (reveal is allowed: it runs nothing)', async () => {
    const exe = join(outDir, 'tool.exe')
    await writeFileAtomic(exe, Buffer.from('MZ'))
    expect((await t.fail('files/open', { path: exe, reveal: false })).message).toMatch(/只能打开 Word（\.docx）、Excel（\.xlsx）或 PDF 文件/)
    expect(await t.call('files/open', { path: exe, reveal: true })).toEqual({ opened: true })
  })

  it('refuses a registered name inside the folder that is a link to a file outside', async () => {
    const outside = join(dirs[0]!, 'outside.docx')
    writeFileSync(outside, 'x')
    const link = join(outDir, 'link.docx')
    symlinkSync(outside, link)
    registerDocument(link)
    expect((await t.fail('files/open', { path: link, reveal: false })).message).toMatch(/不在本软件的文件保存位置内/)
  })

  it('refuses a relative path and a file that no longer exists', async () => {
    expect((await t.fail('files/open', { path: 'out/通知.docx', reveal: false })).message).toMatch(/只能打开本软件生成的文件/)
    const gone = join(outDir, '已删除.docx')
    registerDocument(gone)
    expect((await t.fail('files/open', { path: gone, reveal: false })).message).toMatch(/文件已不存在/)
  })
})

describe('the output folder must be absolute', () => {
  it('settings/save refuses a relative folder in Chinese', async () => {
    const s = await t.call('settings/get', {})
    for (const outputDir of ['out', './out', '..\\输出', 'D:relative']) {
      const e = await t.fail('settings/save', { ...s, outputDir })
      expect(e.code).toBe('VALIDATION')
      expect(e.message).toMatch(/文件保存位置须为完整路径/)
    }
    for (const outputDir of ['/home/user/绩效文件', 'D:\\绩效文件', 'D:/绩效文件', '\\\\server\\share\\绩效']) {
      await t.call('settings/save', { ...s, outputDir })
    }
    await t.call('settings/save', { ...s, outputDir: outDir })
  })

  it('a relative folder stored by an older version is ignored: the default is used', async () => {
    const w = t.backend.ctx.working.sqlite
    const row = w.prepare("SELECT value FROM settings WHERE key = 'settings'").get() as { value: string }
    w.prepare("UPDATE settings SET value = json_set(value, '$.outputDir', 'relative/out') WHERE key = 'settings'").run()
    expect(await t.backend.ctx.outputDir()).toBe(t.backend.ctx.defaultOutputDir)
    w.prepare("UPDATE settings SET value = ? WHERE key = 'settings'").run(row.value)
  })
})

describe('safeFileName: one sanitiser for every name on disk', () => {
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8')

  it('150 CJK characters (450 bytes) are cut to at most 200 bytes, whole characters, extension kept', () => {
    const title = '关于印发师宗县财政局预算绩效管理工作'.repeat(9).slice(0, 150)
    expect(bytes(title)).toBe(450)
    const name = safeFileName(`${title}.docx`)
    expect(bytes(name)).toBeLessThanOrEqual(200)
    expect(name.endsWith('.docx')).toBe(true)
    // 195 bytes for the stem: 65 characters of 3 bytes.
    expect(name).toBe(`${title.slice(0, 65)}.docx`)
    expect(bytes(safeFileName(title))).toBe(198) // 66 characters, no extension
    // A character outside the BMP (4 bytes, two UTF-16 units) is never split.
    const emoji = safeFileName('𠀀'.repeat(60))
    expect(emoji).toBe('𠀀'.repeat(50))
  })

  it('removes control characters and direction marks, replaces Windows-forbidden characters', () => {
    expect(safeFileName('报告\u0000\u0007\r\n\t第1期')).toBe('报告第1期')
    expect(safeFileName('evil\u202Excod.exe')).toBe('evilxcod.exe')
    expect(safeFileName('a/b\\c:d*e?f"g<h>i|j')).toBe('a_b_c_d_e_f_g_h_i_j')
    expect(safeFileName('../../etc/passwd')).toBe('.._.._etc_passwd')
  })

  it('drops trailing dots and spaces, before the extension too', () => {
    expect(safeFileName('通知...')).toBe('通知')
    expect(safeFileName('通知 . .')).toBe('通知')
    expect(safeFileName('  通知. .docx')).toBe('通知.docx')
    expect(safeFileName('...')).toBe('未命名')
    expect(safeFileName('')).toBe('未命名')
  })

  it('avoids the names Windows reserves for devices', () => {
    expect(safeFileName('CON')).toBe('_CON')
    expect(safeFileName('con.docx')).toBe('_con.docx')
    expect(safeFileName('LPT1.xlsx')).toBe('_LPT1.xlsx')
    expect(safeFileName('nul')).toBe('_nul')
    expect(safeFileName('COM9')).toBe('_COM9')
    expect(safeFileName('CONTROL.docx')).toBe('CONTROL.docx')
    expect(safeFileName('console')).toBe('console')
  })

  it('a county name with ../ cannot put a year package outside the package folder', async () => {
    const s = await t.call('settings/get', {})
    await t.call('settings/save', { ...s, org: { ...s.org, county: '../../逃逸县' } })
    await t.call('trainings/save', { date: '2024-05-10', title: '培训', organiser: '县财政局', form: '集中培训', participantCount: 3, notes: '' })
    const job = await t.call('yearData/export', { workYear: 2024 })
    const end = await t.backend.ctx.jobs.wait(job.id)
    expect(end.status, end.message).toBe('done')
    expect(end.paths[0]!.startsWith(join(outDir, '年度数据包') + '/')).toBe(true)
    expect(end.paths[0]!.slice(join(outDir, '年度数据包').length + 1)).toMatch(/^\.\._\.\._逃逸县2024年度预算绩效数据包-\d{8}-\d{4}\.ysjx\.sqlite$/)
    await t.call('settings/save', { ...s })
  })
})
