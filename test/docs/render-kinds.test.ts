/**
 * Every document kind of the demo year, issued through the handlers and rendered by LibreOffice in
 * one run, read as a 办公室 reads them before sealing: the 版记 on the last even page with its last
 * rule on the foot of the 版心, no page but a part's last one less than two-thirds full, title lines
 * of whole words and at least four characters, form documents on one page, 103号's annex short.
 * The PDFs and PNG pages stay in test-output/docs/kinds/ to be looked at.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DOC_KINDS } from '../../shared/documents'
import { cleanup, makeBackend, type TestBackend } from '../helpers/backend'
import { issueEveryKind, type IssuedKind } from './demo-kinds'
import { OUTPUT_DIR, docxToPdf, isDark, lines, pdfPageCount, pdfRaster, pdfText, pdfToPngs, pdfWords, requireRenderTools, ruleRows, squash } from './render'

const DIR = join(OUTPUT_DIR, 'kinds')
const MM = 72 / 25.4
const TEXT_TOP = 37 * MM
const TEXT_BOTTOM = (297 - 35) * MM
/** Words a title line may not split (the breaks the issue found: 财政评/价, 绩/效, 支/出, 重大/政策). */
const WORDS = ['财政评价', '绩效', '支出', '重大政策', '意见书', '预算项目', '运行监控', '再评价', '自评', '通知', '报告']

interface Rendered extends IssuedKind {
  pdf: string
  pages: number
  texts: string[]
}
let t: TestBackend
const docs: Rendered[] = []
let setupError: unknown = null
beforeEach(() => {
  if (setupError) throw setupError
})
beforeAll(async () => {
  try {
    requireRenderTools()
    rmSync(DIR, { recursive: true, force: true })
    t = await makeBackend({ now: () => new Date('2024-12-28T09:00:00') })
    await t.call('demo/load', {})
    const issued = await issueEveryKind(t, DIR)
    const pdfs = docxToPdf(issued.map((d) => d.file), DIR)
    issued.forEach((d, i) => {
      const pdf = pdfs[i]!
      const pages = pdfPageCount(pdf)
      docs.push({ ...d, pdf, pages, texts: pdfText(pdf).split('\f').slice(0, pages).map(squash) })
      pdfToPngs(pdf, pdf.replace(/\.pdf$/, ''), 50)
    })
  } catch (e) {
    setupError = e
  }
}, 600_000)
afterAll(async () => {
  await t?.close()
  if (t) cleanup(t.dataDir)
})

const gongwen = () => docs.filter((d) => DOC_KINDS[d.kind].layout === 'gongwen')
/** 公文 closing with a 版记: its last line is "…印发机关 YYYY年M月D日印发". */
const withColophon = () => gongwen().filter((d) => /办公室.*\d{4}年\d+月\d+日印发/.test(d.texts[d.pages - 1] ?? ''))
/** The text of all pages without the "— N —" page numbers, which pdftotext sets among the lines. */
const textOf = (d: Rendered) => d.texts.join('').replace(/—\d+—/g, '')
const name = (d: Rendered) => `${d.label}《${d.title}》`

describe('every document kind of the demo year, rendered by LibreOffice', () => {
  it('renders every kind', () => {
    expect(new Set(docs.map((d) => d.kind)).size).toBe(Object.keys(DOC_KINDS).length)
  })

  it('closes every 公文 with a 版记 on an even last page', () => {
    expect(withColophon().map((d) => d.kind)).not.toContain('annual-report')
    expect(withColophon().length).toBe(gongwen().length - 1)
    for (const d of withColophon()) {
      expect(d.pages % 2, name(d)).toBe(0)
      expect(d.texts[d.pages - 1], name(d)).toMatch(/\d{4}年\d+月\d+日印发/)
      expect(d.texts.slice(0, -1).join(''), name(d)).not.toContain('印发机关')
    }
  })

  it('lays the 版记’s last rule within 2 mm of the foot of the 版心', () => {
    for (const d of withColophon()) {
      const dpi = 100
      const raster = pdfRaster(d.pdf, d.pages, dpi)
      const rules = lines(ruleRows(raster, isDark, (156 / 25.4) * dpi * 0.95))
      expect(rules.length, name(d)).toBeGreaterThanOrEqual(2)
      const lastMm = ((rules[rules.length - 1] ?? 0) / dpi) * 25.4
      expect(Math.abs(lastMm - (297 - 35)), name(d)).toBeLessThan(2)
    }
  })

  it('fills every page at least two-thirds, except the last page of the text, of each annex, and the blank page before a 版记', () => {
    for (const d of gongwen()) {
      for (let p = 1; p < d.pages; p++) {
        const next = d.texts[p] ?? ''
        const here = d.texts[p - 1] ?? ''
        const partEnds = next === '' || /^附件\d*/.test(next) || /^(抄送：.*)?[^。]*印发$/.test(next)
        if (partEnds || here === '') continue
        const words = pdfWords(d.pdf, p).filter((w) => w.yMax < TEXT_BOTTOM + 2)
        const bottom = Math.max(...words.map((w) => w.yMax))
        expect((bottom - TEXT_TOP) / (225 * MM), `${name(d)} 第${p}页`).toBeGreaterThan(2 / 3)
      }
    }
  })

  it('never leaves an annex table’s 合计 row alone under the repeated header: numbered rows share its page', () => {
    let totals = 0
    for (const d of gongwen()) {
      for (let p = 1; p <= d.pages; p++) {
        const words = pdfWords(d.pdf, p)
        const total = words.find((w) => w.text === '合计')
        if (!total) continue
        totals++
        // Rows above it on the page whose 序号 cell (left of the 合计 cell's right edge) is a number.
        const numbered = words.filter((w) => /^\d+$/.test(w.text) && w.xMax <= total.xMax + 2 && w.yMax < total.yMin)
        expect(numbered.length, `${name(d)} 第${p}页：合计行前没有数据行`).toBeGreaterThanOrEqual(1)
      }
    }
    // 101号, 103号 and 110号 close their annex tables with a 合计 row.
    expect(totals).toBeGreaterThanOrEqual(3)
  })

  it('sets titles in lines of whole words, none shorter than four characters', () => {
    for (const d of gongwen()) {
      // Title lines: 2号 (22 pt) words on page 1 below the red rule.
      const headed = (d.texts[0] ?? '').includes('师宗县财政局文件')
      const words = pdfWords(d.pdf, 1).filter((w) => w.yMax - w.yMin > 24 && w.yMax - w.yMin < 40 && w.yMin > (headed ? TEXT_TOP + 40 * MM : 0))
      const rows = new Map<number, string>()
      for (const w of words) rows.set(Math.round(w.yMin), (rows.get(Math.round(w.yMin)) ?? '') + w.text)
      const titleLines = [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, text]) => text)
      expect(titleLines.join(''), name(d)).toBe(d.title.replace(/\s+/g, ''))
      for (const l of titleLines) expect([...l].length, `${name(d)}: ${l}`).toBeGreaterThanOrEqual(4)
      for (let i = 1; i < titleLines.length; i++) {
        const a = titleLines[i - 1]!
        const b = titleLines[i]!
        for (const w of WORDS) {
          for (let k = 1; k < w.length; k++) expect(a.endsWith(w.slice(0, k)) && b.startsWith(w.slice(k)), `${name(d)}: ${a}/${b} 拆开了“${w}”`).toBe(false)
        }
      }
    }
  })

  it('fits every form document on one page', () => {
    for (const d of docs.filter((x) => DOC_KINDS[x.kind].layout === 'form')) expect(d.pages, name(d)).toBe(1)
  })

  it('keeps the annex of 103号 (the monitoring feedback) under 10 pages', () => {
    const d = docs.find((x) => x.kind === 'monitoring-feedback')!
    const annexStart = d.texts.findIndex((p) => p.startsWith('附件'))
    expect(annexStart).toBeGreaterThan(0)
    expect(d.pages - annexStart).toBeLessThan(10)
  })

  it('sets the annual report as an unnumbered 情况 report: title first, 署名 and date, no 版头 and no 版记', () => {
    const d = docs.find((x) => x.kind === 'annual-report')!
    expect(d.texts[0]!.startsWith(d.title)).toBe(true)
    const all = textOf(d)
    expect(all).not.toContain('师宗县财政局文件')
    expect(all).not.toMatch(/办公室\d{4}年\d+月\d+日印发/)
    expect(d.texts[d.pages - 1]).toMatch(/师宗县财政局2024年12月31日(—\d+—)?$/)
    // The same basis and figures as 103号: reviewed 监控表, 红灯 86 and 黄灯 244 in the demo.
    const feedback = textOf(docs.find((x) => x.kind === 'monitoring-feedback')!)
    const red = /红灯预警项目(\d+)个/.exec(all)?.[1]
    const yellow = /黄灯预警项目(\d+)个/.exec(all)?.[1]
    expect(all).toContain('按已审核的')
    expect(feedback).toContain(`按已审核项目统计，红灯预警项目${red}个、黄灯预警项目${yellow}个`)
  })

  it('writes the 第三方中介机构参与预算绩效管理办法 through 起草公文: numbered from the register, 附件 listed, 版记 on an even last page', () => {
    const d = docs.find((x) => x.kind === 'free-doc')!
    // The demo issues 师财预〔2024〕101–110号 and this run one more 公文 of the year before it.
    expect(d.docNumber).toMatch(/^师财预〔2024〕1\d\d号$/)
    const all = textOf(d)
    expect(d.texts[0]).toContain(d.docNumber)
    expect(all).toContain('附件：1.第三方中介机构考评表2.第三方中介机构工作底稿目录')
    expect(all).toContain('一、总则')
    expect(d.pages).toBeGreaterThanOrEqual(2)
    expect(withColophon()).toContain(d)
  })

  it('lays out the 评价结果报告 to 县委、人大、政府 as a 上行文: 文号 left one character in, 签发人 right', () => {
    const d = docs.find((x) => x.kind === 'eval-report')!
    const words = pdfWords(d.pdf, 1)
    const number = words.find((w) => w.text.startsWith('师财预'))!
    expect((number.xMin - 28 * MM) / MM).toBeGreaterThan(4)
    expect((number.xMin - 28 * MM) / MM).toBeLessThan(8) // one 3号 character ≈ 5.6 mm
    const signer = words.find((w) => w.text.startsWith('签发人'))!
    expect(signer.xMin).toBeGreaterThan(595.3 / 2)
    expect(Math.abs(signer.yMin - number.yMin)).toBeLessThan(3)
  })
})
