/**
 * Form documents (意见书, 考评表): a titled table on a GB/T 9704 page. They share the 公文's page,
 * fonts and page numbers (gongwen.ts) but not its 版头: they travel inside the bureau, between 股室.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeightRule,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type IBorderOptions,
} from 'docx'
import type { FontSettings } from '../../shared/settings'
import { countLines } from './flow'
import { cjkFont, documentStyles, exactLine, pageNumberFooter, portraitPage, textWidthChars, titleLines } from './gongwen'
import { packDocx } from './ooxml-finish'
import { BODY_CHAR_SPACING, FONT_SIZE, LINE_PITCH, TEXT_HEIGHT, TEXT_WIDTH, mmToTwip } from './units'

export interface FormCell {
  text: string
  label?: boolean /* bold, centred, shaded lightly */
  span?: number /* columns */
  align?: 'left' | 'center' | 'right'
  minHeightMm?: number
}
export interface FormDocSpec {
  title: string // e.g. 师宗县财政局绩效评估结果运用意见书 — 2号小标宋 centred
  docNumber: string | null // shown under the title, right-aligned, if numbered
  subtitle?: string // one line under the title, e.g. "填报股室：教科文股　　　　日期：2024年10月8日"
  columns: number[] // column widths in mm; must sum ≤ 156
  rows: FormCell[][] // the table, 仿宋 四号/小四; multi-line text keeps line breaks ("\n")
  notes?: string[] // paragraphs under the table (e.g. 说明)
  fonts: FontSettings
}

/** Label shading: light enough to photocopy as white, dark enough to tell labels from answers. */
const LABEL_FILL = 'F2F2F2'
/** A form row shorter than this looks cramped when filled in by hand. */
const MIN_ROW_MM = 10

const ALIGN = { left: AlignmentType.LEFT, center: AlignmentType.CENTER, right: AlignmentType.RIGHT } as const

/** Column widths in twips; a table wider than the 版心 is scaled down rather than overhanging it. */
function columnTwips(columns: number[]): number[] {
  const widths = columns.map((mm) => Math.max(1, mmToTwip(mm)))
  const sum = widths.reduce((a, b) => a + b, 0)
  if (sum <= TEXT_WIDTH) return widths
  return widths.map((w) => Math.floor((w * TEXT_WIDTH) / sum))
}

/**
 * Makes each row's spans add up to the column count: a short row stretches its last cell, an
 * over-long one is cut, so a slip in a composer never produces a table Word calls corrupt.
 */
function normaliseRow(row: FormCell[], columns: number): { cell: FormCell; span: number; start: number }[] {
  const out: { cell: FormCell; span: number; start: number }[] = []
  let used = 0
  for (const cell of row) {
    if (used >= columns) break
    const span = Math.min(Math.max(1, Math.floor(cell.span ?? 1)), columns - used)
    out.push({ cell, span, start: used })
    used += span
  }
  const last = out[out.length - 1]
  if (last && used < columns) last.span += columns - used
  if (!last) out.push({ cell: { text: '' }, span: columns, start: 0 })
  return out
}

const CELL_PAD_X = mmToTwip(1.9)
const CELL_PAD_Y = mmToTwip(1)

/**
 * Type size and leading for the cells. A 意见书 is handed over as one sheet, so take the largest
 * setting whose estimated height fits one page: 四号 at 1.5 lines reads best, then tighter leading,
 * then 小四. Five or more columns start at 小四 so labels stay on one or two lines. The estimate
 * counts full-width characters per line (textWidthChars); a near miss only costs a second page.
 */
function fitType(spec: FormDocSpec, widths: number[]): { size: number; leading: number; minScale: number } {
  const candidates =
    widths.length <= 4
      ? [
          { size: FONT_SIZE.四号, leading: 1.5 },
          { size: FONT_SIZE.四号, leading: 1.25 },
          { size: FONT_SIZE.小四, leading: 1.5 },
          { size: FONT_SIZE.小四, leading: 1.25 },
        ]
      : [
          { size: FONT_SIZE.小四, leading: 1.5 },
          { size: FONT_SIZE.小四, leading: 1.25 },
          { size: FONT_SIZE.五号, leading: 1.25 },
        ]
  const notesHeight = (spec.notes ?? []).reduce(
    (h, t) => h + countLines(t, { width: TEXT_WIDTH, halfPoints: FONT_SIZE.四号, spacing: BODY_CHAR_SPACING }) * Math.round(FONT_SIZE.四号 * 15),
    0,
  )
  const heading =
    titleLines(spec.title).length * LINE_PITCH +
    (spec.docNumber ? LINE_PITCH * 1.5 : 0) +
    (spec.subtitle ? LINE_PITCH * (spec.docNumber ? 1 : 1.5) : 0) +
    LINE_PITCH / 3 +
    (notesHeight ? notesHeight + LINE_PITCH / 3 : 0)
  const heightWith = (c: { size: number; leading: number }, minScale: number): number => {
    const line = Math.round(c.size * 10 * c.leading)
    let height = heading
    for (const row of spec.rows) {
      let rowHeight = mmToTwip(MIN_ROW_MM)
      for (const { cell, span, start } of normaliseRow(row, widths.length)) {
        const room = Math.max(1, widths.slice(start, start + span).reduce((a, b) => a + b, 0) - 2 * CELL_PAD_X)
        const lines = cell.text.split(/\r?\n/).reduce((n, part) => n + countLines(part, { width: room, halfPoints: c.size, spacing: BODY_CHAR_SPACING }), 0)
        rowHeight = Math.max(rowHeight, lines * line + 2 * CELL_PAD_Y + 10, mmToTwip(scaledMin(cell, minScale)))
      }
      height += rowHeight
    }
    return height
  }
  // Half a line of slack for borders and the renderers' rounding.
  const room = TEXT_HEIGHT - LINE_PITCH / 2
  for (const c of candidates) if (heightWith(c, 1) <= room) return { ...c, minScale: 1 }
  // Still too tall at the smallest type: shrink the space left empty in the long free-text cells
  // (their minimum heights) rather than push a row onto a second page.
  const last = candidates[candidates.length - 1]!
  for (let k = 9; k >= 3; k--) if (heightWith(last, k / 10) <= room) return { ...last, minScale: k / 10 }
  return { ...last, minScale: 0.3 }
}

/** A free-text cell's minimum height, shrunk by `scale` but never below an ordinary row. */
function scaledMin(cell: FormCell, scale: number): number {
  const min = cell.minHeightMm ?? 0
  return min > MIN_ROW_MM ? Math.max(MIN_ROW_MM, min * scale) : min
}

export function buildFormDoc(spec: FormDocSpec): Document {
  const { fonts } = spec
  const body = cjkFont(fonts.body, fonts.latin)
  const widths = columnTwips(spec.columns)
  const tableWidth = widths.reduce((a, b) => a + b, 0)
  const { size, leading, minScale } = fitType(spec, widths)
  const cellLine = exactLine(Math.round(size * 10 * leading))

  const children: (Paragraph | Table)[] = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { ...exactLine(), before: 0, after: 0 },
      keepNext: true,
      // Broken by words like a 公文 title (no "…意见/书").
      children: titleLines(spec.title).map((t, i) => new TextRun({ text: t, break: i ? 1 : 0, font: cjkFont(fonts.title, fonts.latin), size: FONT_SIZE.二号 })),
    }),
  ]
  if (spec.docNumber) {
    children.push(
      new Paragraph({
        alignment: AlignmentType.RIGHT,
        spacing: { ...exactLine(), before: Math.round(LINE_PITCH / 2), after: 0 },
        keepNext: true,
        children: [new TextRun({ text: spec.docNumber, font: body })],
      }),
    )
  }
  if (spec.subtitle) {
    children.push(
      new Paragraph({
        alignment: AlignmentType.LEFT,
        spacing: { ...exactLine(), before: spec.docNumber ? 0 : Math.round(LINE_PITCH / 2), after: 0 },
        keepNext: true,
        children: [new TextRun({ text: spec.subtitle, font: body, size: FONT_SIZE.四号 })],
      }),
    )
  }
  // Air between the heading lines and the table's top rule.
  children.push(new Paragraph({ spacing: exactLine(Math.round(LINE_PITCH / 3)), children: [] }))

  const outer: IBorderOptions = { style: BorderStyle.SINGLE, size: 8, color: '000000' }
  const inner: IBorderOptions = { style: BorderStyle.SINGLE, size: 4, color: '000000' }
  const rows = spec.rows.map((row) => {
    const cells = normaliseRow(row, widths.length)
    const minMm = Math.max(MIN_ROW_MM, ...cells.map((c) => scaledMin(c.cell, minScale)))
    return new TableRow({
      height: { value: mmToTwip(minMm), rule: HeightRule.ATLEAST },
      // Tall opinion cells may split across pages; short rows must not leave a label behind.
      cantSplit: minMm <= 30,
      children: cells.map(({ cell, span, start }) => {
        const width = widths.slice(start, start + span).reduce((a, b) => a + b, 0)
        const alignment = ALIGN[cell.align ?? (cell.label ? 'center' : 'left')]
        const tall = scaledMin(cell, minScale) > MIN_ROW_MM
        return new TableCell({
          width: { size: width, type: WidthType.DXA },
          columnSpan: span > 1 ? span : undefined,
          verticalAlign: tall ? VerticalAlignTable.TOP : VerticalAlignTable.CENTER,
          shading: cell.label ? { type: ShadingType.CLEAR, fill: LABEL_FILL, color: 'auto' } : undefined,
          // Each "\n" is its own paragraph so blank lines (room for a signature) keep their height.
          children: cell.text.split(/\r?\n/).map(
            (line) =>
              new Paragraph({
                alignment,
                spacing: { ...cellLine, before: 0, after: 0 },
                children: line ? [new TextRun({ text: line, font: body, size, bold: cell.label === true })] : [],
              }),
          ),
        })
      }),
    })
  })
  children.push(
    new Table({
      width: { size: tableWidth, type: WidthType.DXA },
      columnWidths: widths,
      layout: TableLayoutType.FIXED,
      alignment: AlignmentType.CENTER,
      margins: { left: CELL_PAD_X, right: CELL_PAD_X, top: CELL_PAD_Y, bottom: CELL_PAD_Y },
      borders: { top: outer, bottom: outer, left: outer, right: outer, insideHorizontal: inner, insideVertical: inner },
      rows,
    }),
  )
  for (const [i, note] of (spec.notes ?? []).entries()) {
    children.push(
      new Paragraph({
        alignment: AlignmentType.BOTH,
        spacing: { ...exactLine(Math.round(FONT_SIZE.四号 * 10 * 1.5)), before: i === 0 ? Math.round(LINE_PITCH / 3) : 0, after: 0 },
        children: [new TextRun({ text: note, font: body, size: FONT_SIZE.四号 })],
      }),
    )
  }

  if (!spec.notes?.length) {
    // Word wants a paragraph after a closing table; 1 pt so it cannot spill onto a second page.
    children.push(new Paragraph({ spacing: exactLine(20), children: [] }))
  }

  return new Document({
    title: spec.title.replace(/\s*\n\s*/g, ''),
    styles: documentStyles(fonts),
    sections: [
      {
        properties: { page: { ...portraitPage(), pageNumbers: { start: 1 } } },
        footers: { default: pageNumberFooter(fonts, 'center') },
        children,
      },
    ],
  })
}

export async function renderFormDoc(spec: FormDocSpec): Promise<Buffer> {
  return packDocx(() => buildFormDoc(spec))
}
