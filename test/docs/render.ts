/**
 * Renders .docx files the way a user's WPS/LibreOffice would, so tests can check pages, text and
 * pictures rather than only XML: docx → PDF with LibreOffice (one soffice process for a whole batch,
 * since each start costs seconds), then poppler for page count, text and PNG pages.
 *
 * The Chinese government fonts are not installable here, so fontconfig is pointed at
 * resources/fonts/fonts.conf, which maps them onto Noto CJK.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const INSTALL_HINT =
  '渲染测试需要 LibreOffice 和 poppler：apt-get install libreoffice-writer-nogui poppler-utils fonts-noto-cjk'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const FONTS_CONF = join(ROOT, 'resources/fonts/fonts.conf')
export const OUTPUT_DIR = join(ROOT, 'test-output/docs')

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0
}

/** Fails loudly (never skips) when the render tools are missing, naming the packages to install. */
export function requireRenderTools(): void {
  const missing = ['soffice', 'pdfinfo', 'pdftotext', 'pdftoppm', 'pdffonts'].filter((c) => !which(c))
  if (missing.length > 0) throw new Error(`缺少 ${missing.join(', ')}。${INSTALL_HINT}`)
  if (!existsSync(FONTS_CONF)) throw new Error(`缺少字体映射文件 ${FONTS_CONF}`)
}

/**
 * Converts every file in one soffice run. A private profile directory (and HOME) per call lets
 * parallel test workers and a desktop LibreOffice run side by side without the profile lock.
 */
export function docxToPdf(files: string[], outDir: string): string[] {
  requireRenderTools()
  const profile = mkdtempSync(join(tmpdir(), 'lo-profile-'))
  try {
    const result = spawnSync(
      'soffice',
      [
        `-env:UserInstallation=file://${profile}`,
        '--headless',
        '--norestore',
        '--convert-to',
        'pdf:writer_pdf_Export',
        '--outdir',
        outDir,
        ...files,
      ],
      {
        env: { ...process.env, HOME: profile, FONTCONFIG_FILE: FONTS_CONF },
        encoding: 'utf8',
        timeout: 180_000,
      },
    )
    const pdfs = files.map((f) => join(outDir, basename(f).replace(/\.docx$/i, '.pdf')))
    const missing = pdfs.filter((p) => !existsSync(p))
    if (result.status !== 0 || missing.length > 0) {
      throw new Error(
        `LibreOffice 转换失败（退出码 ${String(result.status)}）：${missing.join(', ')}\n${result.stdout}\n${result.stderr}`,
      )
    }
    return pdfs
  } finally {
    rmSync(profile, { recursive: true, force: true })
  }
}

export function pdfPageCount(pdf: string): number {
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })
  const m = /^Pages:\s+(\d+)/m.exec(info)
  if (!m?.[1]) throw new Error(`pdfinfo 没有给出页数：${info}`)
  return Number(m[1])
}

/** Page size in points, e.g. {width: 595.3, height: 841.9} for A4 portrait. */
export function pdfPageSize(pdf: string, page: number): { width: number; height: number } {
  const info = execFileSync('pdfinfo', ['-f', String(page), '-l', String(page), pdf], { encoding: 'utf8' })
  const m = /Page\s+\d+\s+size:\s+([\d.]+)\s+x\s+([\d.]+)/.exec(info)
  if (!m?.[1] || !m[2]) throw new Error(`pdfinfo 没有给出页面尺寸：${info}`)
  return { width: Number(m[1]), height: Number(m[2]) }
}

export function pdfText(pdf: string, first?: number, last?: number): string {
  const args = [...(first ? ['-f', String(first)] : []), ...(last ? ['-l', String(last)] : []), pdf, '-']
  return execFileSync('pdftotext', args, { encoding: 'utf8' })
}

/** Text with all whitespace removed: CJK lines may break anywhere, so compare without it. */
export function squash(text: string): string {
  return text.replace(/\s+/g, '')
}

/** Writes one PNG per page as `<prefix>-<n>.png` and returns their paths in page order. */
export function pdfToPngs(pdf: string, prefix: string, dpi = 60): string[] {
  execFileSync('pdftoppm', ['-png', '-r', String(dpi), pdf, prefix])
  const dir = resolve(prefix, '..')
  const stem = basename(prefix)
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${stem}-`) && f.endsWith('.png'))
    .sort((a, b) => pageOf(a) - pageOf(b))
    .map((f) => join(dir, f))
}

function pageOf(name: string): number {
  return Number(/-(\d+)\.png$/.exec(name)?.[1] ?? 0)
}

export interface Raster {
  width: number
  height: number
  /** RGB, 3 bytes a pixel, rows top to bottom */
  rgb: Buffer
}

/** One page as raw pixels (pdftoppm's PPM on stdout), for checking colours and rules. */
export function pdfRaster(pdf: string, page: number, dpi = 100): Raster {
  const ppm = execFileSync('pdftoppm', ['-r', String(dpi), '-f', String(page), '-l', String(page), pdf], {
    maxBuffer: 256 * 1024 * 1024,
  })
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 64).toString('latin1'))
  if (!header?.[1] || !header[2] || !header[0]) throw new Error('pdftoppm 没有输出 PPM 图像')
  const width = Number(header[1])
  const height = Number(header[2])
  return { width, height, rgb: ppm.subarray(header[0].length, header[0].length + width * height * 3) }
}

export interface Word {
  text: string
  xMin: number
  yMin: number
  xMax: number
  yMax: number
}

/** Words of a page with their boxes in points from the top-left corner (pdftotext -bbox). */
export function pdfWords(pdf: string, page: number): Word[] {
  const html = execFileSync('pdftotext', ['-f', String(page), '-l', String(page), '-bbox', pdf, '-'], { encoding: 'utf8' })
  return [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
    xMin: Number(m[1]),
    yMin: Number(m[2]),
    xMax: Number(m[3]),
    yMax: Number(m[4]),
    text: m[5] ?? '',
  }))
}

/** Names of the fonts embedded in a PDF (pdffonts), e.g. to see the font mapping took effect. */
export function pdfFonts(pdf: string): string[] {
  const out = execFileSync('pdffonts', [pdf], { encoding: 'utf8' })
  return out
    .split('\n')
    .slice(2)
    .map((l) => l.split(/\s+/)[0] ?? '')
    .filter(Boolean)
}

/** Rows of a raster in which `match` pixels form a run at least `minRun` long. */
export function ruleRows(r: Raster, match: (red: number, green: number, blue: number) => boolean, minRun: number): { y: number; run: number }[] {
  const rows: { y: number; run: number }[] = []
  for (let y = 0; y < r.height; y++) {
    let best = 0
    let run = 0
    for (let x = 0; x < r.width; x++) {
      const i = (y * r.width + x) * 3
      if (match(r.rgb[i] ?? 0, r.rgb[i + 1] ?? 0, r.rgb[i + 2] ?? 0)) best = Math.max(best, ++run)
      else run = 0
    }
    if (best >= minRun) rows.push({ y, run: best })
  }
  return rows
}
export const isRed = (r: number, g: number, b: number) => r > 170 && g < 110 && b < 110
export const isDark = (r: number, g: number, b: number) => r < 110 && g < 110 && b < 110

/** Groups of adjacent rows (one drawn line may cover two pixel rows). */
export function lines(rows: { y: number }[]): number[] {
  const out: number[] = []
  for (const { y } of rows) if (out.length === 0 || y - (out[out.length - 1] ?? 0) > 2) out.push(y)
  return out
}

