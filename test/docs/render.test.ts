/**
 * Renders real documents through LibreOffice (the stand-in here for WPS/Word) and checks the pages:
 * page count and size, where text lands, the red mark and rule in pixels, the 版记 rules, the fonts.
 * Three documents in one soffice run (a start costs seconds). The PDFs and PNG pages stay in
 * test-output/docs/ to be looked at.
 *
 * Never skipped: without soffice/poppler the suite fails, saying what to install.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { renderFormDoc } from '../../electron/docs/form-doc'
import { renderGongwen } from '../../electron/docs/gongwen'
import { writeFileAtomic } from '../../electron/docs/write-file'
import {
  OUTPUT_DIR,
  docxToPdf,
  pdfFonts,
  pdfPageCount,
  pdfPageSize,
  pdfRaster,
  pdfText,
  pdfToPngs,
  pdfWords,
  requireRenderTools,
  squash,
  ruleRows,
  isRed,
  isDark,
  lines,
} from './render'
import { feedbackNotice, longNotice, opinionForm } from './samples'

const DOCS = {
  notice: () => renderGongwen(feedbackNotice()),
  long: () => renderGongwen(longNotice()),
  form: () => renderFormDoc(opinionForm()),
} as const
type Name = keyof typeof DOCS

const pdf: Record<Name, string> = { notice: '', long: '', form: '' }
const pages: Record<Name, number> = { notice: 0, long: 0, form: 0 }
/** Whitespace-free text of each page, index 0 = page 1 (pdftotext ends each page with a form feed). */
const texts: Record<Name, string[]> = { notice: [], long: [], form: [] }

// A failed setup is rethrown by every test, so that a machine without LibreOffice shows each of
// them failed with the install hint rather than skipped.
let setupError: unknown = null
beforeEach(() => {
  if (setupError) throw setupError
})

beforeAll(async () => {
  try {
    await renderAll()
  } catch (e) {
    setupError = e
  }
}, 240_000)

async function renderAll(): Promise<void> {
  requireRenderTools()
  mkdirSync(OUTPUT_DIR, { recursive: true })
  for (const f of readdirSync(OUTPUT_DIR)) {
    if (/^(gongwen|form)-/.test(f)) rmSync(join(OUTPUT_DIR, f), { force: true })
  }
  const files: string[] = []
  for (const name of Object.keys(DOCS) as Name[]) {
    const file = join(OUTPUT_DIR, name === 'form' ? 'form-opinion.docx' : `gongwen-${name}.docx`)
    await writeFileAtomic(file, await DOCS[name]())
    files.push(file)
  }
  const pdfs = docxToPdf(files, OUTPUT_DIR)
  ;(Object.keys(DOCS) as Name[]).forEach((name, i) => {
    pdf[name] = pdfs[i] ?? ''
    pages[name] = pdfPageCount(pdf[name])
    texts[name] = pdfText(pdf[name]).split('\f').slice(0, pages[name]).map(squash)
    pdfToPngs(pdf[name], pdf[name].replace(/\.pdf$/, ''), 60)
  })
}

const MM = 72 / 25.4 // points per millimetre
const TABLE_HEAD = ['序号', '预算单位', '项目名称', '申请金额', '（万元）', '评估得', '评估结论']
const TEXT_TOP = 37 * MM
const TEXT_BOTTOM = (297 - 35) * MM

function pageText(name: Name, page: number): string {
  return texts[name][page - 1] ?? ''
}

function pageOf(name: Name, needle: string): number {
  return texts[name].findIndex((t) => t.includes(needle)) + 1
}

describe('公文 rendered by LibreOffice', () => {
  it('gives an A4 notice of body pages, the annex page, and the 版记 on the next even page', () => {
    expect(pages.notice).toBe(4)
    expect(pdfPageSize(pdf.notice, 1)).toEqual({ width: expect.closeTo(595.3, 0) as number, height: expect.closeTo(841.9, 0) as number })
    const first = pageText('notice', 1)
    expect(first.startsWith('师宗县财政局文件师财预〔2024〕104号')).toBe(true)
    expect(first).toContain('师宗县财政局关于2025年预算项目财政评估结果反馈的通知')
    expect(first).toContain('县直各预算单位：')
    expect(pageOf('notice', '附件：2025年预算项目事前绩效评估结果表')).toBe(2)
    const annex = pageText('notice', 3)
    expect(annex.startsWith('附件2025年预算项目事前绩效评估结果表')).toBe(true)
    for (const head of TABLE_HEAD) expect(annex).toContain(head)
    // §7.4: the 版记 closes the document after the annex, on the last even page.
    expect(pageText('notice', 4)).toBe('抄送：县人民政府办公室，县审计局。师宗县财政局办公室2024年10月8日印发')
  })

  it('draws the red mark and a red rule as wide as the 版心 under the 文号', () => {
    const dpi = 100
    const raster = pdfRaster(pdf.notice, 1, dpi)
    const textWidthPx = (156 / 25.4) * dpi
    const rules = ruleRows(raster, isRed, textWidthPx * 0.9)
    expect(rules.length).toBeGreaterThan(0)
    expect(rules.length).toBeLessThanOrEqual(4) // a line, not a block
    const rule = rules[0] ?? { y: 0, run: 0 }
    expect(rule.run).toBeLessThan(textWidthPx * 1.03)
    // The mark: plenty of red above the rule, none below it.
    let above = 0
    let below = 0
    for (let y = 0; y < raster.height; y++) {
      for (let x = 0; x < raster.width; x++) {
        const i = (y * raster.width + x) * 3
        if (!isRed(raster.rgb[i] ?? 0, raster.rgb[i + 1] ?? 0, raster.rgb[i + 2] ?? 0)) continue
        if (y < rule.y - 2) above++
        else if (y > rule.y + 4) below++
      }
    }
    expect(above).toBeGreaterThan(3000)
    expect(below).toBe(0)
    // 文号 4 mm above the rule: from the lowest ink of the number to the rule.
    let glyphBottom = rule.y - 1
    const hasInk = (y: number) => {
      for (let x = 0; x < raster.width; x++) {
        const i = (y * raster.width + x) * 3
        if (isDark(raster.rgb[i] ?? 255, raster.rgb[i + 1] ?? 255, raster.rgb[i + 2] ?? 255)) return true
      }
      return false
    }
    while (glyphBottom > 0 && !hasInk(glyphBottom)) glyphBottom--
    const gapMm = ((rule.y - glyphBottom) / dpi) * 25.4
    expect(gapMm).toBeGreaterThan(3)
    expect(gapMm).toBeLessThan(5)
    // Mark 35 mm below the top of the 版心 (its box includes the font's ascent, hence the slack).
    const mark = pdfWords(pdf.notice, 1)[0]
    expect(((mark?.yMin ?? 0) - TEXT_TOP) / MM).toBeGreaterThan(30)
    expect(((mark?.yMin ?? 0) - TEXT_TOP) / MM).toBeLessThan(37)
  })

  it('fills page 1 down to the 22nd line of the 版心', () => {
    const words = pdfWords(pdf.notice, 1).filter((w) => !/^[—\d]+$/.test(w.text))
    const last = Math.max(...words.map((w) => w.yMax))
    expect(last).toBeLessThanOrEqual(TEXT_BOTTOM + 1)
    expect(TEXT_BOTTOM - last).toBeLessThan(28.95) // no whole empty line left at the foot
  })

  it('numbers pages "— N —" 7 mm under the 版心, odd right and even left', () => {
    for (const page of [1, 2, 3]) {
      const words = pdfWords(pdf.notice, page)
      const n = words.find((w) => w.text === String(page) && w.yMin > TEXT_BOTTOM)
      expect(n, `page ${page}`).toBeDefined()
      expect(pageText('notice', page)).toContain(`—${page}—`)
      const mid = 595.3 / 2
      if (page % 2 === 1) expect(n?.xMin).toBeGreaterThan(mid)
      else expect(n?.xMax).toBeLessThan(mid)
      const below = ((n?.yMin ?? 0) - TEXT_BOTTOM) / MM
      expect(below).toBeGreaterThan(4)
      expect(below).toBeLessThan(10)
    }
  })

  it('uses the mapped fonts: 小标宋 → serif bold, 黑体 → sans, 仿宋 → serif', () => {
    const fonts = pdfFonts(pdf.notice).join(' ')
    expect(fonts).toMatch(/NotoSerifCJK\w*-Bold/)
    expect(fonts).toMatch(/NotoSansCJK/)
    expect(fonts).toMatch(/NotoSerifCJK\w*-Regular/)
  })

  it('runs a 60-paragraph body over several pages, then the annexes, then the 版记 on a page of its own', () => {
    expect(pages.long).toBeGreaterThanOrEqual(8)
    const lastBody = pageOf('long', '第60段')
    expect(lastBody).toBeGreaterThanOrEqual(3)
    // The 署名 never opens a page: on the last text page, or on the next with the text's last lines.
    const signed = pageOf('long', '师宗县财政局2024年10月8日')
    expect(signed - lastBody).toBeLessThanOrEqual(1)
    expect(pageText('long', signed)).toMatch(/^[^附师]+。附件：/)

    // 附件1: the 40-row table runs over pages, its header repeated on each.
    const annex1 = pageOf('long', '附件12025年预算项目事前绩效评估结果表')
    const annex2 = pageOf('long', '附件22024年度部门整体支出绩效运行监控表')
    expect(annex1).toBe(signed + 1)
    expect(annex2 - annex1).toBeGreaterThanOrEqual(2)
    for (let p = annex1; p < annex2; p++) {
      // pdftotext reads wrapped header cells out of order, so check each cell.
      const text = pageText('long', p)
      for (const head of TABLE_HEAD) expect(text, `page ${p}`).toContain(head)
    }
    const tableEnd = pageText('long', annex2 - 1)
    expect(tableEnd).toContain('合计')
    expect(tableEnd).toContain('40个项目')

    // 附件2 is landscape; the 版记 goes back to portrait, at the foot of its page.
    const landscape = pdfPageSize(pdf.long, annex2)
    expect(landscape.width).toBeGreaterThan(landscape.height)
    // The 版记 on the last even page; when the annex ends on an even page a blank page comes between.
    expect(pages.long % 2).toBe(0)
    expect(annex2).toBe(annex2 % 2 === 0 ? pages.long - 2 : pages.long - 1)
    if (annex2 % 2 === 0) expect(pageText('long', pages.long - 1)).toBe('')
    const last = pages.long
    const portrait = pdfPageSize(pdf.long, last)
    expect(portrait.height).toBeGreaterThan(portrait.width)
    const words = pdfWords(pdf.long, last).filter((w) => w.yMin < TEXT_BOTTOM)
    expect(squash(words.map((w) => w.text).join(''))).toBe('抄送：县人民政府办公室，县审计局。师宗县财政局办公室2024年10月8日印发')
    expect(Math.min(...words.map((w) => w.yMin))).toBeGreaterThan(TEXT_BOTTOM - 30 * MM)

    // Three black rules (thick, thin, thick), each about the 版心 wide, the last near its foot.
    const dpi = 100
    const raster = pdfRaster(pdf.long, last, dpi)
    const widthPx = (156 / 25.4) * dpi
    const rules = lines(ruleRows(raster, isDark, widthPx * 0.95))
    expect(rules).toHaveLength(3)
    const lastRuleMm = ((rules[2] ?? 0) / dpi) * 25.4
    expect(Math.abs(lastRuleMm - (297 - 35))).toBeLessThan(2)
  })
})

describe('form document rendered by LibreOffice', () => {
  it('fits the 意见书 on one A4 page with its title, number, rows and note', () => {
    expect(pages.form).toBe(1)
    const text = pageText('form', 1)
    expect(text.startsWith('师宗县财政局绩效评估结果运用意见书师财预〔2024〕105号')).toBe(true)
    for (const s of ['项目名称师宗县环卫一体化经费', '结果运用意见', '经办人：', '预算股意见', '说明：本意见书一式两份']) {
      expect(text).toContain(s)
    }
    const fonts = pdfFonts(pdf.form).join(' ')
    expect(fonts).toMatch(/NotoSerifCJK\w*-Bold/) // title and bold labels
  })
})
