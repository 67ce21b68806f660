/**
 * An annex table's 合计 row never stands alone under the repeated header: rendered by LibreOffice
 * at lengths around the one where the data rows fill the annex's first page exactly (found by a
 * first render), the 合计 row's page carries at least two numbered rows, and the 版记 still lands
 * on an even last page (the page model knows the rows kept with the 合计 row).
 */
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { renderGongwen, type AnnexTable } from '../../electron/docs/gongwen'
import { writeFileAtomic } from '../../electron/docs/write-file'
import { OUTPUT_DIR, docxToPdf, pdfPageCount, pdfText, pdfToPngs, pdfWords, requireRenderTools, squash } from './render'
import { feedbackNotice } from './samples'

const DIR = join(OUTPUT_DIR, 'annex-total')

/** Rows of one line each, so that a page holds a fixed number of them. */
function table(rows: number, footer: boolean): AnnexTable {
  return {
    columns: [
      { title: '序号', widthMm: 14, align: 'center' },
      { title: '预算单位', widthMm: 90 },
      { title: '金额（万元）', widthMm: 52, align: 'right' },
    ],
    rows: Array.from({ length: rows }, (_, i) => [String(i + 1), '县教育体育局', '100.00']),
    ...(footer ? { footer: ['合计', `${rows}个项目`, (rows * 100).toFixed(2)] } : {}),
  }
}

async function render(name: string, rows: number, footer: boolean): Promise<string> {
  const file = join(DIR, `${name}.docx`)
  await writeFileAtomic(file, await renderGongwen(feedbackNotice({ annexes: [{ label: '附件', title: '2025年预算项目事前绩效评估结果表', table: table(rows, footer) }] })))
  return file
}

const MM = 72 / 25.4
/** Numbered 序号 cells on a page (the first 14 mm of the 版心, above its foot), above `belowY` when given. */
const numbered = (pdf: string, page: number, belowY = Infinity) =>
  pdfWords(pdf, page).filter((w) => /^\d+$/.test(w.text) && w.xMin > 27 * MM && w.xMax < 43 * MM && w.yMax < Math.min(belowY, (297 - 35) * MM))

interface Case {
  rows: number
  pdf: string
  pages: number
  texts: string[]
}
let firstPageRows = 0
const cases: Case[] = []
let setupError: unknown = null
beforeEach(() => {
  if (setupError) throw setupError
})
beforeAll(async () => {
  try {
    requireRenderTools()
    rmSync(DIR, { recursive: true, force: true })
    mkdirSync(DIR, { recursive: true })
    // How many rows the annex's first page holds.
    const [calib] = docxToPdf([await render('calibrate', 80, false)], DIR)
    const texts = pdfText(calib!).split('\f').map(squash)
    const start = texts.findIndex((t) => t.startsWith('附件'))
    firstPageRows = numbered(calib!, start + 1).length
    const lengths = [firstPageRows - 1, firstPageRows, firstPageRows + 1, firstPageRows + 2]
    const files = await Promise.all(lengths.map((n) => render(`rows-${n}`, n, true)))
    docxToPdf(files, DIR).forEach((pdf, i) => {
      const pages = pdfPageCount(pdf)
      cases.push({ rows: lengths[i]!, pdf, pages, texts: pdfText(pdf).split('\f').slice(0, pages).map(squash) })
      pdfToPngs(pdf, pdf.replace(/\.pdf$/, ''), 50)
    })
  } catch (e) {
    setupError = e
  }
}, 300_000)

describe('the 合计 row of an annex table', () => {
  it('shares its page with at least two data rows, whatever the table’s length', () => {
    expect(firstPageRows).toBeGreaterThan(15)
    for (const c of cases) {
      const page = c.texts.findIndex((t) => t.includes('合计')) + 1
      const total = pdfWords(c.pdf, page).find((w) => w.text === '合计')!
      const start = c.texts.findIndex((t) => t.startsWith('附件')) + 1
      const above = numbered(c.pdf, page, total.yMin).length
      expect(above, `${c.rows}行：合计在第${page}页`).toBeGreaterThanOrEqual(page === start ? c.rows : 2)
    }
    // Where the rows fill the first page exactly, the last two come over with the 合计 row.
    const exact = cases.find((c) => c.rows === firstPageRows)!
    const page = exact.texts.findIndex((t) => t.includes('合计')) + 1
    expect(numbered(exact.pdf, page).length).toBe(2)
  })

  it('leaves the 版记 on an even last page, as the page model reckoned with the kept rows', () => {
    for (const c of cases) {
      expect(c.pages % 2, `${c.rows}行`).toBe(0)
      expect(c.texts[c.pages - 1], `${c.rows}行`).toMatch(/印发$/)
      expect(c.texts.slice(0, -1).join(''), `${c.rows}行`).not.toMatch(/\d{4}年\d+月\d+日印发/)
    }
  })
})
