/** The 公文 engine's XML: GB/T 9704-2012 geometry, fonts, 版头, 版记 and page numbers. */
import { describe, expect, it } from 'vitest'
import { renderGongwen } from '../../electron/docs/gongwen'
import {
  A4,
  BODY_CHAR_SPACING,
  CHARS_PER_LINE,
  FONT_SIZE,
  GONGWEN_MARGIN,
  LINE_PITCH,
  LINES_PER_PAGE,
  TEXT_HEIGHT,
  TEXT_WIDTH,
  mmToTwip,
} from '../../electron/docs/units'
import { attr, paragraphWith, paragraphs, runWith, textOf, unzipDocx } from './docx-xml'
import { FONTS_GB2312, FONTS_PLAIN, feedbackNotice, longNotice } from './samples'
import JSZip from 'jszip'

describe('units', () => {
  it('converts millimetres and 号 sizes', () => {
    expect(mmToTwip(37)).toBe(2098)
    expect(mmToTwip(35)).toBe(1984)
    expect(mmToTwip(28)).toBe(1587)
    expect(mmToTwip(26)).toBe(1474)
    expect([FONT_SIZE.二号, FONT_SIZE.三号, FONT_SIZE.四号, FONT_SIZE.小四]).toEqual([44, 32, 28, 24])
  })

  it('makes the 版心 156 × 225 mm and fits 22 lines × 28 characters into it', () => {
    expect(A4).toEqual({ width: 11906, height: 16838 })
    expect(TEXT_WIDTH / (1440 / 25.4)).toBeCloseTo(156, 0)
    expect(TEXT_HEIGHT / (1440 / 25.4)).toBeCloseTo(225, 0)
    expect(LINES_PER_PAGE * LINE_PITCH).toBeLessThanOrEqual(TEXT_HEIGHT)
    expect((LINES_PER_PAGE + 1) * LINE_PITCH).toBeGreaterThan(TEXT_HEIGHT)
    expect(CHARS_PER_LINE * (FONT_SIZE.三号 * 10 + BODY_CHAR_SPACING)).toBeLessThanOrEqual(TEXT_WIDTH)
    expect((CHARS_PER_LINE + 1) * (FONT_SIZE.三号 * 10 + BODY_CHAR_SPACING)).toBeGreaterThan(TEXT_WIDTH)
  })
})

describe('renderGongwen', () => {
  it('lays out an A4 page with the GB/T 9704 margins', async () => {
    const { document } = await unzipDocx(await renderGongwen(feedbackNotice()))
    const sect = /<w:sectPr>[\s\S]*?<\/w:sectPr>/.exec(document)?.[0] ?? ''
    expect(attr(sect, 'w:pgSz', 'w:w')).toBe('11906')
    expect(attr(sect, 'w:pgSz', 'w:h')).toBe('16838')
    expect(attr(sect, 'w:pgMar', 'w:top')).toBe(String(GONGWEN_MARGIN.top))
    expect(attr(sect, 'w:pgMar', 'w:bottom')).toBe(String(GONGWEN_MARGIN.bottom))
    expect(attr(sect, 'w:pgMar', 'w:left')).toBe(String(GONGWEN_MARGIN.left))
    expect(attr(sect, 'w:pgMar', 'w:right')).toBe(String(GONGWEN_MARGIN.right))
    expect([GONGWEN_MARGIN.top, GONGWEN_MARGIN.bottom, GONGWEN_MARGIN.left, GONGWEN_MARGIN.right]).toEqual([2098, 1984, 1587, 1474])
    expect(attr(sect, 'w:pgNumType', 'w:start')).toBe('1')
  })

  it.each([
    ['仿宋_GB2312', FONTS_GB2312, '楷体_GB2312'],
    ['仿宋', FONTS_PLAIN, '楷体'],
  ])('sets the body in %s, 3号, exact 28.95 pt lines, indented two characters', async (body, fonts, kai) => {
    const { document, styles } = await unzipDocx(await renderGongwen(feedbackNotice({ fonts })))
    // Document defaults: what Word falls back to and what a user's new text gets.
    const defaults = /<w:docDefaults>[\s\S]*?<\/w:docDefaults>/.exec(styles)?.[0] ?? ''
    expect(attr(defaults, 'w:rFonts', 'w:eastAsia')).toBe(body)
    expect(attr(defaults, 'w:rFonts', 'w:ascii')).toBe('Times New Roman')
    expect(attr(defaults, 'w:sz', 'w:val')).toBe('32')
    const pDefaults = /<w:pPrDefault>[\s\S]*?<\/w:pPrDefault>/.exec(defaults)?.[0] ?? ''
    expect(attr(pDefaults, 'w:spacing', 'w:line')).toBe('579')
    expect(attr(pDefaults, 'w:spacing', 'w:lineRule')).toBe('exact')

    const p = paragraphWith(document, '现将评估结果反馈如下')
    expect(attr(p, 'w:rFonts', 'w:eastAsia')).toBe(body)
    expect(attr(p, 'w:rFonts', 'w:hAnsi')).toBe('Times New Roman')
    expect(attr(p, 'w:spacing', 'w:line')).toBe(String(LINE_PITCH))
    expect(attr(p, 'w:spacing', 'w:lineRule')).toBe('exact')
    expect(attr(p, 'w:ind', 'w:firstLine')).toBe('640')
    expect(attr(p, 'w:ind', 'w:firstLineChars')).toBe('200')
    expect(attr(p, 'w:jc', 'w:val')).toBe('both')

    // Heading levels: 一、 黑体; （一） 楷体 for the heading phrase only; 1. 仿宋.
    expect(attr(runWith(document, '一、评估基本情况'), 'w:rFonts', 'w:eastAsia')).toBe('黑体')
    expect(attr(runWith(document, '（一）予以支持的项目。'), 'w:rFonts', 'w:eastAsia')).toBe(kai)
    expect(attr(runWith(document, '请相关预算部门将项目纳入部门项目库，为2025年预算编制做好储备。'), 'w:rFonts', 'w:eastAsia')).toBe(body)
    expect(attr(runWith(document, '（二）调整后予以支持的项目'), 'w:rFonts', 'w:eastAsia')).toBe(kai)
    expect(attr(paragraphWith(document, '1.按评估意见调整'), 'w:rFonts', 'w:eastAsia')).toBe(body)
    expect(attr(paragraphWith(document, '一、评估基本情况'), 'w:ind', 'w:firstLine')).toBe('640')

    if (body === '仿宋') {
      expect(document + styles).not.toContain('_GB2312')
    }
  })

  it('puts the red 发文机关标志, the 发文字号 and the red rule in the 版头', async () => {
    const { document } = await unzipDocx(await renderGongwen(feedbackNotice()))
    const [markP, numberP, titleP] = paragraphs(document)
    expect(textOf(markP ?? '')).toBe('师宗县财政局文件')
    const mark = runWith(document, '师宗县财政局文件')
    expect(attr(mark, 'w:color', 'w:val')).toBe('FF0000')
    expect(attr(mark, 'w:rFonts', 'w:eastAsia')).toBe('方正小标宋简体')
    expect(Number(attr(mark, 'w:sz', 'w:val'))).toBeGreaterThanOrEqual(FONT_SIZE.小初)
    expect(attr(markP ?? '', 'w:jc', 'w:val')).toBe('center')

    expect(textOf(numberP ?? '')).toBe('师财预〔2024〕104号')
    expect(attr(numberP ?? '', 'w:jc', 'w:val')).toBe('center')
    expect(attr(numberP ?? '', 'w:spacing', 'w:before')).toBe(String(2 * LINE_PITCH)) // 空二行
    // The red rule: the number paragraph's bottom border, full 版心 width (no indents).
    const rule = /<w:pBdr>\s*<w:bottom [^>]*\/>/.exec(numberP ?? '')?.[0] ?? ''
    expect(rule).toContain('w:val="single"')
    expect(rule).toContain('w:color="FF0000"')
    expect(Number(/w:sz="(\d+)"/.exec(rule)?.[1])).toBeGreaterThanOrEqual(8)
    expect(numberP).not.toContain('<w:ind')

    expect(textOf(titleP ?? '')).toBe('师宗县财政局关于2025年预算项目财政评估结果反馈的通知')
    // 20 characters of 2号 to a line: broken between words, 梯形 (short line over long).
    expect(titleP).toContain('<w:br/>')
    const title = runWith(document, '师宗县财政局关于2025年')
    expect(textOf(runWith(document, '预算项目财政评估结果反馈的通知'))).toBe('预算项目财政评估结果反馈的通知')
    expect(attr(title, 'w:sz', 'w:val')).toBe('44')
    expect(attr(title, 'w:rFonts', 'w:eastAsia')).toBe('方正小标宋简体')
    expect(attr(titleP ?? '', 'w:jc', 'w:val')).toBe('center')
  })

  it('keeps the 版头 geometry without a number, and squeezes a long joint mark into the 版心', async () => {
    const { document } = await unzipDocx(
      await renderGongwen(feedbackNotice({ docNumber: null, issuerMark: '师宗县财政局师宗县发展和改革局师宗县审计局文件' })),
    )
    const [markP, numberP] = paragraphs(document)
    expect(textOf(numberP ?? '')).toBe('')
    expect(numberP).toContain('w:color="FF0000"')
    expect(document).not.toContain('104号')
    const scale = Number(attr(markP ?? '', 'w:w', 'w:val') ?? 100)
    const size = Number(attr(markP ?? '', 'w:sz', 'w:val'))
    expect(23 * size * 10 * (scale / 100)).toBeLessThanOrEqual(TEXT_WIDTH)
  })

  it('writes 主送 with a full-width colon, 附件说明, 署名 and 成文日期', async () => {
    const { document } = await unzipDocx(await renderGongwen(feedbackNotice({ recipients: '县直各预算单位:' })))
    const to = paragraphWith(document, '县直各预算单位')
    expect(textOf(to)).toBe('县直各预算单位：')
    expect(to).not.toContain('<w:ind')

    const att = paragraphWith(document, '附件：')
    expect(textOf(att)).toBe('附件：2025年预算项目事前绩效评估结果表')
    expect(attr(att, 'w:spacing', 'w:before')).toBe(String(LINE_PITCH)) // one blank line under the body
    expect(Number(attr(att, 'w:ind', 'w:left')) - Number(attr(att, 'w:ind', 'w:hanging'))).toBe(640) // 空二字

    const date = paragraphWith(document, '2024年10月8日')
    expect(textOf(date)).toBe('2024年10月8日')
    expect(attr(date, 'w:jc', 'w:val')).toBe('right')
    expect(attr(date, 'w:ind', 'w:right')).toBe('1280') // 右空四字
    const sig = paragraphs(document).find((p) => textOf(p) === '师宗县财政局') ?? ''
    expect(attr(sig, 'w:jc', 'w:val')).toBe('right')
    // Centred over the date: 2024年10月8日 is 6.5 characters wide (digits are half), 师宗县财政局 6.
    expect(Number(attr(sig, 'w:ind', 'w:right'))).toBe(1280 + 80)
  })

  it('numbers several attachments, strips their trailing punctuation and aligns them', async () => {
    const { document } = await unzipDocx(await renderGongwen(longNotice()))
    const first = paragraphWith(document, '附件：1.')
    const second = paragraphWith(document, '2.2024年度部门整体支出绩效运行监控表')
    expect(textOf(first)).toBe('附件：1.2025年预算项目事前绩效评估结果表')
    expect(textOf(second)).toBe('2.2024年度部门整体支出绩效运行监控表')
    const start = (p: string) => Number(attr(p, 'w:ind', 'w:left')) - Number(attr(p, 'w:ind', 'w:hanging'))
    expect(start(first)).toBe(640)
    expect(start(second)).toBe(640 + 960) // under "1.", after "附件："
  })

  it('closes with the 版记: 抄送, 印发机关 and 印发日期 between 版心-wide rules', async () => {
    const { document } = await unzipDocx(await renderGongwen(feedbackNotice()))
    const copy = paragraphWith(document, '抄送：')
    expect(textOf(copy)).toBe('抄送：县人民政府办公室，县审计局。')
    expect(attr(copy, 'w:sz', 'w:val')).toBe('28') // 4号
    const print = paragraphWith(document, '印发')
    expect(textOf(print)).toBe('师宗县财政局办公室2024年10月8日印发')
    expect(print).toMatch(/<w:t[^>]*>师宗县财政局办公室<\/w:t>[\s\S]*<w:tab\/>[\s\S]*<w:t[^>]*>2024年10月8日印发<\/w:t>/)
    expect(attr(print, 'w:tab', 'w:val')).toBe('right')

    const table = /<w:tbl>(?:(?!<w:tbl>)[\s\S])*?抄送：[\s\S]*?<\/w:tbl>/.exec(document)?.[0] ?? ''
    expect(attr(table, 'w:tblW', 'w:w')).toBe(String(TEXT_WIDTH))
    // Not a float (LibreOffice sets a bottom-aligned float right under the text): a spacer of exact
    // height above it carries it to the foot of the 版心.
    expect(table).not.toContain('w:tblpPr')
    const before = document.slice(0, document.indexOf(table))
    const spacer = paragraphs(before).at(-1) ?? ''
    expect(attr(spacer, 'w:spacing', 'w:lineRule')).toBe('exact')
    expect(Number(attr(spacer, 'w:spacing', 'w:line'))).toBeGreaterThan(8 * LINE_PITCH)
    const borders = [...table.matchAll(/<w:tcBorders>([\s\S]*?)<\/w:tcBorders>/g)].map((m) => m[1] ?? '')
    expect(borders).toHaveLength(2)
    expect(attr(borders[0] ?? '', 'w:top', 'w:sz')).toBe('8') // thick first rule
    expect(attr(borders[0] ?? '', 'w:bottom', 'w:sz')).toBe('6') // thin between
    expect(attr(borders[1] ?? '', 'w:bottom', 'w:sz')).toBe('8') // thick last rule
  })

  it('leaves the 抄送 line out when there is none', async () => {
    const { document } = await unzipDocx(await renderGongwen(feedbackNotice({ copyTo: '' })))
    expect(document).not.toContain('抄送')
    expect(textOf(paragraphWith(document, '印发'))).toBe('师宗县财政局办公室2024年10月8日印发')
  })

  it('numbers pages "— N —", odd pages right and even pages left, one character in', async () => {
    const { document, footers, settings } = await unzipDocx(await renderGongwen(feedbackNotice()))
    expect(settings).toContain('<w:evenAndOddHeaders/>')
    const sect = /<w:sectPr>[\s\S]*?<\/w:sectPr>/.exec(document)?.[0] ?? ''
    expect(sect).toMatch(/<w:footerReference w:type="default"/)
    expect(sect).toMatch(/<w:footerReference w:type="even"/)
    const all = [...footers.values()]
    expect(all.length).toBeGreaterThanOrEqual(2)
    // The 版记 on a page of its own has none (§7.5); every other footer has the field, with a cached result.
    expect(all.filter((f) => textOf(f) === '').length).toBe(2)
    for (const f of all.filter((f) => textOf(f) !== '')) {
      expect(f).toContain('PAGE')
      expect(f).toContain('<w:fldChar w:fldCharType="begin"/>')
      expect(textOf(f)).toBe('— 1 —')
      expect(attr(f, 'w:sz', 'w:val')).toBe('28')
    }
    const odd = all.filter((f) => attr(f, 'w:jc', 'w:val') === 'right')
    const even = all.filter((f) => attr(f, 'w:jc', 'w:val') === 'left')
    expect(odd.length).toBeGreaterThan(0)
    expect(even.length).toBeGreaterThan(0)
    expect(attr(odd[0] ?? '', 'w:ind', 'w:right')).toBe('280')
    expect(attr(even[0] ?? '', 'w:ind', 'w:left')).toBe('280')
  })

  it('starts each annex on a new page with its label, title and a table whose header repeats', async () => {
    const { document } = await unzipDocx(await renderGongwen(longNotice()))
    const sections = [...document.matchAll(/<w:sectPr>[\s\S]*?<\/w:sectPr>/g)].map((m) => m[0])
    expect(sections.length).toBe(4) // body, 附件1, 附件2 (landscape), 版记 back in portrait
    expect(sections[1]).toContain('<w:type w:val="nextPage"/>')
    expect(sections[1]).not.toContain('w:start=') // page numbers run on through the annexes
    expect(attr(sections[2] ?? '', 'w:pgSz', 'w:orient')).toBe('landscape')
    expect(attr(sections[2] ?? '', 'w:pgSz', 'w:w')).toBe('16838')
    expect(attr(sections[3] ?? '', 'w:pgSz', 'w:orient')).toBe('portrait')

    const label = runWith(document, '附件1')
    expect(attr(label, 'w:rFonts', 'w:eastAsia')).toBe('黑体')
    expect(attr(paragraphWith(document, '附件1'), 'w:ind', 'w:firstLine')).toBeUndefined() // 顶格
    const annexTitle = paragraphs(document).filter((p) => textOf(p) === '2025年预算项目事前绩效评估结果表')
    expect(annexTitle).toHaveLength(1)
    expect(attr(annexTitle[0] ?? '', 'w:jc', 'w:val')).toBe('center')
    expect(attr(annexTitle[0] ?? '', 'w:sz', 'w:val')).toBe('44')

    const tables = document.match(/<w:tbl>[\s\S]*?<\/w:tbl>/g) ?? []
    const results = tables.find((t) => t.includes('评估结论')) ?? ''
    const rows = results.match(/<w:tr>[\s\S]*?<\/w:tr>/g) ?? []
    expect(rows).toHaveLength(1 + 40 + 1) // header, 40 rows, 合计
    expect(rows[0]).toContain('<w:tblHeader/>')
    expect(rows[1]).not.toContain('<w:tblHeader/>')
    expect(attr(rows[0] ?? '', 'w:b', 'w:val') ?? 'on').not.toBe('false')
    expect(rows[0]).toContain('<w:b/>')
    expect(textOf(rows[0] ?? '')).toBe('序号预算单位项目名称申请金额（万元）评估得分评估结论')
    expect(attr(rows[1] ?? '', 'w:sz', 'w:val')).toBe(String(FONT_SIZE.小四))
    expect(textOf(rows[41] ?? '')).toMatch(/^合计40个项目[\d.]+$/)
    const grid = [...results.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]))
    expect(grid.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(TEXT_WIDTH)
  })

  it('sets an annex of text with the body conventions, and keeps a title broken by hand', async () => {
    const spec = feedbackNotice({
      title: '师宗县财政局关于2025年预算项目\n财政评估结果反馈的通知',
      annexes: [
        {
          label: '附件',
          title: '事前绩效评估工作说明',
          paragraphs: ['一、评估范围', '2025年新增的县级预算项目。', '（一）评估方式。由资金管理股室组织开展。'],
        },
      ],
    })
    const { document } = await unzipDocx(await renderGongwen(spec))
    const title = paragraphWith(document, '财政评估结果反馈的通知')
    expect(title).toContain('<w:br/>')
    expect(textOf(title)).toBe('师宗县财政局关于2025年预算项目财政评估结果反馈的通知')

    const sections = document.match(/<w:sectPr>[\s\S]*?<\/w:sectPr>/g) ?? []
    expect(sections).toHaveLength(3) // body, annex, 版记 on the next even page
    expect(attr(runWith(document, '一、评估范围'), 'w:rFonts', 'w:eastAsia')).toBe('黑体')
    expect(attr(runWith(document, '（一）评估方式。'), 'w:rFonts', 'w:eastAsia')).toBe('楷体_GB2312')
    const first = paragraphWith(document, '一、评估范围')
    expect(attr(first, 'w:spacing', 'w:before')).toBe(String(LINE_PITCH))
    expect(attr(paragraphWith(document, '2025年新增的县级预算项目。'), 'w:ind', 'w:firstLine')).toBe('640')
  })

  it('puts a blank line under the title when there is no 主送', async () => {
    const { document } = await unzipDocx(await renderGongwen(feedbackNotice({ recipients: '' })))
    const all = paragraphs(document)
    const titleAt = all.findIndex((p) => textOf(p).startsWith('师宗县财政局关于'))
    expect(textOf(all[titleAt + 1] ?? 'x')).toBe('')
    expect(textOf(all[titleAt + 2] ?? '')).toMatch(/^根据《师宗县/)
  })

  it('produces a document that is a valid zip with the usual parts', async () => {
    const parts = await unzipDocx(await renderGongwen(feedbackNotice()))
    expect(parts.names).toEqual(expect.arrayContaining(['[Content_Types].xml', 'word/document.xml', 'word/styles.xml', 'word/settings.xml']))
    // docx's default heading styles (Word blue) are redefined in the 公文 faces.
    const heading1 = /<w:style [^>]*w:styleId="Heading1"[\s\S]*?<\/w:style>/.exec(parts.styles)?.[0] ?? ''
    expect(attr(heading1, 'w:rFonts', 'w:eastAsia')).toBe('黑体')
    expect(attr(heading1, 'w:color', 'w:val')).toBe('000000')
    expect(parts.styles).not.toContain('2E74B5')
  })

  it('numbers a landscape annex page where the portrait pages have it: on the landscape left edge, turned to read as on a portrait page', async () => {
    const buffer = await renderGongwen(longNotice())
    const zip = await JSZip.loadAsync(buffer)
    const document = await zip.file('word/document.xml')!.async('string')
    const rels = await zip.file('word/_rels/document.xml.rels')!.async('string')
    const sections = [...document.matchAll(/<w:sectPr>[\s\S]*?<\/w:sectPr>/g)].map((m) => m[0])
    const footerOf = async (sect: string, type: 'default' | 'even') => {
      const rid = new RegExp(`<w:footerReference w:type="${type}" r:id="([^"]+)"`).exec(sect)?.[1]
      const target = new RegExp(`Id="${rid}"[^>]*Target="([^"]+)"`).exec(rels)?.[1] ?? new RegExp(`Target="([^"]+)"[^>]*Id="${rid}"`).exec(rels)?.[1]
      return zip.file(`word/${target}`)!.async('string')
    }
    const landscape = sections[2]!
    expect(attr(landscape, 'w:pgSz', 'w:orient')).toBe('landscape')
    for (const [type, jc, ind] of [['default', 'right', 'w:right'], ['even', 'left', 'w:left']] as const) {
      const xml = await footerOf(landscape, type)
      // A cell anchored to the page: 22.5 mm (the portrait footer distance) from the left edge less
      // half the 1.5 mm of slack of its 7 mm width, from 28 mm (the portrait left margin) down.
      const tblp = /<w:tblpPr[^>]*>/.exec(xml)?.[0] ?? ''
      expect(tblp).toContain('w:horzAnchor="page"')
      expect(tblp).toContain('w:vertAnchor="page"')
      expect(Math.abs(Number(attr(tblp, 'w:tblpPr', 'w:tblpX')) - Math.round((22.5 - 0.75) * 56.6929))).toBeLessThan(3)
      expect(Math.abs(Number(attr(tblp, 'w:tblpPr', 'w:tblpY')) - Math.round(28 * 56.6929))).toBeLessThan(3)
      // As long as the portrait text is wide (156 mm), the text turned top to bottom.
      expect(attr(xml, 'w:trHeight', 'w:hRule')).toBe('exact')
      expect(Math.abs(Number(attr(xml, 'w:trHeight', 'w:val')) - Math.round(156 * 56.6929))).toBeLessThan(3)
      expect(attr(xml, 'w:textDirection', 'w:val')).toBe('tbRl')
      // Odd pages one character from the portrait right (the landscape bottom), even from the left.
      const p = paragraphWith(xml, '— ')
      expect(attr(p, 'w:jc', 'w:val')).toBe(jc)
      expect(attr(p, 'w:ind', ind)).toBe('280')
      expect(xml).toContain('PAGE')
    }
    // The portrait pages keep their footer as it was: no table, no turned text.
    const portrait = await footerOf(sections[1]!, 'default')
    expect(portrait).not.toContain('<w:tbl>')
    expect(portrait).not.toContain('w:textDirection')
  })
})
