/** Form documents (意见书, 考评表): titled tables on the 公文 page. */
import { describe, expect, it } from 'vitest'
import { renderFormDoc } from '../../electron/docs/form-doc'
import { GONGWEN_MARGIN, TEXT_WIDTH, mmToTwip } from '../../electron/docs/units'
import { attr, paragraphWith, paragraphs, runWith, textOf, unzipDocx } from './docx-xml'
import { FONTS_PLAIN, opinionForm } from './samples'

function rowsOf(document: string): string[] {
  const table = /<w:tbl>[\s\S]*<\/w:tbl>/.exec(document)?.[0] ?? ''
  return table.match(/<w:tr>[\s\S]*?<\/w:tr>/g) ?? []
}

describe('renderFormDoc', () => {
  it('titles the form in 2号 小标宋 with the 文号 right-aligned and the subtitle under it', async () => {
    const { document } = await unzipDocx(await renderFormDoc(opinionForm()))
    const [titleP, numberP, subtitleP] = paragraphs(document)
    expect(textOf(titleP ?? '')).toBe('师宗县财政局绩效评估结果运用意见书')
    expect(attr(titleP ?? '', 'w:jc', 'w:val')).toBe('center')
    expect(attr(titleP ?? '', 'w:sz', 'w:val')).toBe('44')
    expect(attr(titleP ?? '', 'w:rFonts', 'w:eastAsia')).toBe('方正小标宋简体')
    expect(textOf(numberP ?? '')).toBe('师财预〔2024〕105号')
    expect(attr(numberP ?? '', 'w:jc', 'w:val')).toBe('right')
    expect(textOf(subtitleP ?? '')).toBe('填报股室：经济建设股　　　　　　日期：2024年10月8日')

    const sect = /<w:sectPr>[\s\S]*?<\/w:sectPr>/.exec(document)?.[0] ?? ''
    expect(attr(sect, 'w:pgSz', 'w:w')).toBe('11906')
    expect(attr(sect, 'w:pgMar', 'w:top')).toBe(String(GONGWEN_MARGIN.top))
    expect(attr(sect, 'w:pgMar', 'w:left')).toBe(String(GONGWEN_MARGIN.left))
  })

  it('leaves the number out of an unnumbered form', async () => {
    const { document } = await unzipDocx(await renderFormDoc(opinionForm({ docNumber: null, subtitle: undefined })))
    expect(document).not.toContain('105号')
    expect(textOf(paragraphs(document)[1] ?? '')).toBe('')
  })

  it('builds the table from the column widths, spans, labels and minimum heights', async () => {
    const { document } = await unzipDocx(await renderFormDoc(opinionForm()))
    const grid = [...document.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]))
    expect(grid).toEqual([34, 44, 34, 44].map(mmToTwip))
    const rows = rowsOf(document)
    expect(rows).toHaveLength(9)

    // 项目名称 | value spanning three columns
    expect(rows[0]).toContain('<w:gridSpan w:val="3"/>')
    const label = runWith(document, '项目名称')
    expect(label).toContain('<w:b/>')
    const labelCell = /<w:tc>(?:(?!<w:tc>)[\s\S])*?项目名称[\s\S]*?<\/w:tc>/.exec(rows[0] ?? '')?.[0] ?? ''
    expect(attr(labelCell, 'w:shd', 'w:fill')).toBe('F2F2F2')
    expect(attr(labelCell, 'w:jc', 'w:val')).toBe('center')
    expect(runWith(document, '师宗县环卫一体化经费')).not.toContain('<w:b/>')

    // Right-aligned amount
    expect(attr(paragraphWith(document, '1573.00'), 'w:jc', 'w:val')).toBe('right')

    // Multi-line cell: one paragraph per line, blank lines kept.
    const opinion = rows[7] ?? ''
    const lines = paragraphs(opinion).map(textOf)
    expect(lines).toContain('经办人：　　　　　　股室负责人：')
    expect(lines.filter((l) => l === '').length).toBeGreaterThanOrEqual(2)
    expect(attr(opinion, 'w:trHeight', 'w:val')).toBe(String(mmToTwip(50)))
    expect(attr(opinion, 'w:trHeight', 'w:hRule')).toBe('atLeast')

    // Body face in the cells
    expect(attr(runWith(document, '县住房和城乡建设局'), 'w:rFonts', 'w:eastAsia')).toBe('仿宋_GB2312')
    expect(textOf(paragraphWith(document, '说明：'))).toBe('说明：本意见书一式两份，局预算股、资金管理股室各执一份。')
  })

  it('follows the font settings', async () => {
    const { document, styles } = await unzipDocx(await renderFormDoc(opinionForm({ fonts: FONTS_PLAIN })))
    expect(attr(runWith(document, '县住房和城乡建设局'), 'w:rFonts', 'w:eastAsia')).toBe('仿宋')
    expect(document + styles).not.toContain('仿宋_GB2312')
  })

  it('repairs rows whose spans do not add up and scales an over-wide table into the 版心', async () => {
    const spec = opinionForm({
      columns: [60, 60, 60],
      rows: [
        [{ text: '短行', label: true }], // stretched over all three columns
        [{ text: 'a' }, { text: 'b', span: 5 }], // cut to the two remaining
        [],
      ],
    })
    const { document } = await unzipDocx(await renderFormDoc(spec))
    const grid = [...document.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]))
    expect(grid.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(TEXT_WIDTH)
    const rows = rowsOf(document)
    expect(rows[0]).toContain('<w:gridSpan w:val="3"/>')
    expect(rows[1]).toContain('<w:gridSpan w:val="2"/>')
    expect(rows[2]).toContain('<w:gridSpan w:val="3"/>')
  })
})
