/**
 * The 公文 engine: every 通知/报告 the bureau issues, laid out per GB/T 9704-2012 (DESIGN §3,
 * domain-facts §6). Pure Node — no electron import — so it runs in tests and in a worker alike.
 *
 * Every paragraph carries its own layout (direct paragraph and run properties, not named styles):
 * the geometry then does not depend on how Word, WPS or LibreOffice resolve style inheritance, a
 * paragraph copied into another document keeps its look, and tests can check each paragraph.
 * The document defaults still carry the body font so that anything a user types in is 3号 仿宋.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  LineRuleType,
  PageNumber,
  PageOrientation,
  Paragraph,
  SectionType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  Tab,
  TabStopType,
  TextRun,
  VerticalAlignTable,
  WidthType,
  HeightRule,
  TableAnchorType,
  TextDirection,
  type IBorderOptions,
  type IFontAttributesProperties,
  type IRunOptions,
  type ISectionOptions,
  type IStylesOptions,
} from 'docx'
import type { FontSettings } from '../../shared/settings'
import { formatChineseDate, parseBody, type BodyBlock } from '../../shared/documents'
import { breakTitle } from '../../shared/title-lines'
import { countLines, layoutFlow, lineStarts, tablePages, type FlowBlock } from './flow'
import { packDocx } from './ooxml-finish'
import {
  A4,
  BODY_CHAR,
  BODY_SIZE,
  BODY_CHAR_SPACING,
  FONT_SIZE,
  FOOTER_DISTANCE,
  GONGWEN_MARGIN,
  LANDSCAPE_MARGIN,
  LANDSCAPE_TEXT_HEIGHT,
  LANDSCAPE_TEXT_WIDTH,
  LINE_PITCH,
  RED,
  RULE,
  TEXT_HEIGHT,
  TEXT_WIDTH,
  charTwips,
  mmToTwip,
} from './units'

export interface AnnexTable {
  columns: { title: string; widthMm?: number; align?: 'left' | 'center' | 'right' }[]
  rows: string[][]
  footer?: string[] /* e.g. 合计 row */
}
export interface Annex {
  label: string /* 附件1 */
  title: string
  table?: AnnexTable
  paragraphs?: string[]
  landscape?: boolean
}
export interface GongwenSpec {
  issuerMark: string // 发文机关标志, e.g. 师宗县财政局文件 (red, centred, 小标宋, large)
  docNumber: string | null // 师财预〔2024〕104号, centred two lines below the mark; null = unnumbered
  title: string // 2号小标宋, centred, may be long → wraps
  recipients: string // 主送, e.g. "县直各预算单位"; add the full-width colon "：" if missing; '' = none
  body: BodyBlock[]
  attachments: string[] // 附件说明: "附件：1.xxx" then aligned "2.xxx"; no trailing punctuation; single attachment has no number
  signature: string // 署名 e.g. 师宗县财政局
  date: string // ISO YYYY-MM-DD → 2024年10月8日
  copyTo: string // 抄送 ('' = no line)
  printer: string // 印发机关
  printDate: string // ISO → "2024年10月8日印发"
  annexes: Annex[] // each starts on a new page after the main body
  fonts: FontSettings
  /** 上行文 (§7.2.4–7.2.5): the 文号 left one character in, 签发人 right on the same line. */
  upward?: { signer: string }
}

// ---------------------------------------------------------------------------------------------
// Shared building blocks (also used by form-doc.ts)

/**
 * East Asian face for CJK, the Latin face for digits and letters. The eastAsia hint makes Word
 * and WPS set ambiguous-width characters (“”、—、…) full-width in the Chinese face, as typists expect.
 */
export function cjkFont(eastAsia: string, latin: string): IFontAttributesProperties {
  return { eastAsia, ascii: latin, hAnsi: latin, cs: latin, hint: 'eastAsia' }
}

export function exactLine(twips: number = LINE_PITCH): { line: number; lineRule: typeof LineRuleType.EXACT } {
  return { line: twips, lineRule: LineRuleType.EXACT }
}

/**
 * Document defaults carry the body face, size and exact pitch, so text a user types into the file
 * later is already 3号 仿宋 on the 22-line rhythm. The built-in title and heading styles are
 * redefined in the 公文 faces too: a user who applies 标题 1 in Word gets 黑体, not Word's blue.
 */
export function documentStyles(fonts: FontSettings): IStylesOptions {
  const heading = (face: string, size: number = BODY_SIZE) => ({
    run: { font: cjkFont(face, fonts.latin), size, color: '000000', bold: false, italics: false },
    paragraph: { spacing: { ...exactLine(), before: 0, after: 0 } },
  })
  return {
    default: {
      document: {
        run: {
          font: cjkFont(fonts.body, fonts.latin),
          size: BODY_SIZE,
          characterSpacing: BODY_CHAR_SPACING,
          language: { value: 'en-US', eastAsia: 'zh-CN' },
        },
        paragraph: { spacing: { ...exactLine(), before: 0, after: 0 } },
      },
      title: heading(fonts.title, FONT_SIZE.二号),
      heading1: heading(fonts.heading1),
      heading2: heading(fonts.heading2),
      heading3: heading(fonts.body),
      heading4: heading(fonts.body),
      heading5: heading(fonts.body),
      heading6: heading(fonts.body),
    },
  }
}

/**
 * "— 1 —" page number (§7.5): 4号 半角宋体 digits with a 一字线 each side; odd pages right-aligned one
 * character in, even pages left-aligned one character in.
 */
export function pageNumberFooter(fonts: FontSettings, side: 'odd' | 'even' | 'center'): Footer {
  const size = FONT_SIZE.四号
  const font = cjkFont('宋体', fonts.latin)
  const oneChar = charTwips(size)
  return new Footer({
    children: [
      new Paragraph({
        alignment:
          side === 'odd' ? AlignmentType.RIGHT : side === 'even' ? AlignmentType.LEFT : AlignmentType.CENTER,
        indent: side === 'odd' ? { right: oneChar } : side === 'even' ? { left: oneChar } : undefined,
        // Single spacing: FOOTER_DISTANCE assumes one 4号 line of natural height.
        spacing: { line: 240, lineRule: LineRuleType.AUTO, before: 0, after: 0 },
        children: [
          new TextRun({ text: '— ', font, size }),
          new TextRun({ children: [PageNumber.CURRENT], font, size }),
          new TextRun({ text: ' —', font, size }),
        ],
      }),
    ],
  })
}

export function gongwenFooters(fonts: FontSettings): { default: Footer; even: Footer } {
  return { default: pageNumberFooter(fonts, 'odd'), even: pageNumberFooter(fonts, 'even') }
}

/**
 * The page number of a landscape annex page, where it stands on the portrait pages (§7.5, 横排表格:
 * the page is turned with its top to the portrait left, so the portrait foot is the landscape left
 * edge): a cell anchored to the page, FOOTER_DISTANCE from the left edge, as long as the portrait
 * text is wide and as far down as the portrait left margin, its text turned (tbRl) to read as on a
 * portrait page — odd pages one character from the portrait right (the landscape bottom), even
 * pages one character from the portrait left (the landscape top).
 */
export function landscapePageNumberFooter(fonts: FontSettings, side: 'odd' | 'even'): Footer {
  const size = FONT_SIZE.四号
  const font = cjkFont('宋体', fonts.latin)
  const oneChar = charTwips(size)
  const lineWidth = mmToTwip(7)
  const none = { style: BorderStyle.NONE, size: 0, color: 'auto' }
  const cell = new TableCell({
    textDirection: TextDirection.TOP_TO_BOTTOM_RIGHT_TO_LEFT,
    width: { size: lineWidth, type: WidthType.DXA },
    margins: { top: 0, bottom: 0, left: 0, right: 0 },
    borders: { top: none, bottom: none, left: none, right: none },
    verticalAlign: VerticalAlignTable.CENTER,
    children: [
      new Paragraph({
        alignment: side === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: side === 'odd' ? { right: oneChar } : { left: oneChar },
        spacing: { line: 240, lineRule: LineRuleType.AUTO, before: 0, after: 0 },
        children: [
          new TextRun({ text: '— ', font, size }),
          new TextRun({ children: [PageNumber.CURRENT], font, size }),
          new TextRun({ text: ' —', font, size }),
        ],
      }),
    ],
  })
  return new Footer({
    children: [
      new Table({
        layout: TableLayoutType.FIXED,
        width: { size: lineWidth, type: WidthType.DXA },
        columnWidths: [lineWidth],
        borders: { top: none, bottom: none, left: none, right: none, insideHorizontal: none, insideVertical: none },
        float: {
          horizontalAnchor: TableAnchorType.PAGE,
          verticalAnchor: TableAnchorType.PAGE,
          // The portrait number's line: FOOTER_DISTANCE above the portrait foot, one line high.
          absoluteHorizontalPosition: FOOTER_DISTANCE - (lineWidth - mmToTwip(5.5)) / 2,
          absoluteVerticalPosition: GONGWEN_MARGIN.left,
        },
        rows: [new TableRow({ height: { value: TEXT_WIDTH, rule: HeightRule.EXACT }, children: [cell] })],
      }),
      new Paragraph({ spacing: { line: 20, lineRule: LineRuleType.EXACT, before: 0, after: 0 }, children: [] }),
    ],
  })
}

export const NO_BORDER: IBorderOptions = { style: BorderStyle.NONE, size: 0, color: 'auto' }

/**
 * Visual width of a line of text in full-width characters: CJK and full-width punctuation count 1,
 * ASCII (digits in the Latin face) about ½. Used to centre the 署名 over the 成文日期.
 */
export function textWidthChars(text: string): number {
  let w = 0
  for (const ch of text) w += ch.charCodeAt(0) < 0x2000 ? 0.5 : 1
  return w
}

/** Each "\n" in user text (a title broken by hand, a cell) becomes a line break in the same paragraph. */
export function linesToRuns(text: string, opts: IRunOptions): TextRun[] {
  return text.split(/\r?\n/).map((line, i) => new TextRun({ ...opts, text: line, break: i > 0 ? 1 : 0 }))
}

// ---------------------------------------------------------------------------------------------
// 版头

/**
 * 发文机关标志 size: 初号 (42 pt) when the mark fits the 版心, otherwise squeezed horizontally (down
 * to 60 %, as typesetters do with long joint-issuer marks) and only then made smaller.
 */
function markGeometry(mark: string): { size: number; scale: number } {
  const available = TEXT_WIDTH - BODY_CHAR // a little air on both sides
  const chars = Math.max(1, textWidthChars(mark))
  let size: number = FONT_SIZE.初号
  let scale = Math.min(100, Math.floor((100 * available) / (chars * charTwips(size))))
  if (scale < 60) {
    scale = 60
    size = Math.floor(available / (chars * 10 * 0.6))
  }
  return { size, scale }
}

const RED_RULE_SPACE_PT = 7
/** Height the red rule adds under the 发文字号 line (gap + stroke), taken off the title's space. */
const RED_RULE_TWIPS = RED_RULE_SPACE_PT * 20 + Math.round((RULE.red / 8) * 20)

function headBlock(spec: GongwenSpec): Paragraph[] {
  const { fonts } = spec
  const { size, scale } = markGeometry(spec.issuerMark)
  const glyph = size * 10
  // §7.2.2: the mark's top edge 35 mm below the top of the 版心. The glyph sits about centred in its
  // exact-height line, so top = before + (line − glyph)/2. The mark's block (before + line) is also
  // made a whole number of body lines, so that everything under it stays on the 22-line rhythm and
  // page 1 fills to the foot of the 版心 like the others: block = k·pitch gives
  // line = 2·block − 2·top − glyph; take the smallest k leaving the glyph some leading.
  const top = mmToTwip(35)
  let lines = Math.ceil((top + glyph) / LINE_PITCH)
  while (2 * lines * LINE_PITCH - 2 * top - glyph < glyph * 1.1) lines++
  const markLine = 2 * lines * LINE_PITCH - 2 * top - glyph
  const markBefore = lines * LINE_PITCH - markLine
  const mark = new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { ...exactLine(markLine), before: markBefore, after: 0 },
    keepNext: true,
    children: [
      new TextRun({
        text: spec.issuerMark,
        font: cjkFont(fonts.title, fonts.title),
        size,
        color: RED,
        scale: scale === 100 ? undefined : scale,
      }),
    ],
  })
  // §7.2.3/§7.2.4: 发文字号 two lines under the mark, centred; the red rule, 版心 wide, 4 mm under
  // it. The rule is this paragraph's bottom border: it spans exactly the paragraph box (the full
  // 版心, since the paragraph has no indents), survives every renderer, and moves with the number.
  // Its `space` (7 pt) plus the line's lower half-leading and descent gives the 4 mm (≈11 pt),
  // measured on the rendered page.
  const numberRun = spec.docNumber ? [new TextRun({ text: spec.docNumber, font: cjkFont(fonts.body, fonts.latin) })] : []
  const rule = { bottom: { style: BorderStyle.SINGLE, size: RULE.red, color: RED, space: RED_RULE_SPACE_PT } }
  const number = spec.upward
    ? // 上行文: 文号 居左空一字, 签发人 居右空一字 on the same line, the name in 楷体.
      new Paragraph({
        alignment: AlignmentType.LEFT,
        indent: { left: BODY_CHAR },
        tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH - BODY_CHAR }],
        spacing: { ...exactLine(), before: 2 * LINE_PITCH, after: 0 },
        keepNext: true,
        border: rule,
        children: [
          ...numberRun,
          new TextRun({ children: [new Tab(), '签发人：'], font: cjkFont(fonts.body, fonts.latin) }),
          new TextRun({ text: spec.upward.signer || '　　　', font: cjkFont(fonts.heading2, fonts.latin) }),
        ],
      })
    : new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: { ...exactLine(), before: 2 * LINE_PITCH, after: 0 },
        keepNext: true,
        border: rule,
        children: numberRun,
      })
  return [mark, number]
}

// ---------------------------------------------------------------------------------------------
// 主体

/** Characters of 2号 (condensed like the body) on one line of the given width: 20 in the 版心. */
function titleChars(width: number): number {
  return Math.floor(width / (charTwips(FONT_SIZE.二号) + BODY_CHAR_SPACING))
}

/** The title's lines: broken by words into a 梯形/菱形 (title-lines.ts), or as the user broke it. */
export function titleLines(text: string, width: number = TEXT_WIDTH, words?: readonly string[]): string[] {
  return breakTitle(text, titleChars(width), words)
}

function titleParagraph(text: string, fonts: FontSettings, before: number, width: number = TEXT_WIDTH, words?: readonly string[]): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { ...exactLine(), before, after: 0 },
    keepNext: true,
    keepLines: true,
    children: linesToRuns(titleLines(text, width, words).join('\n'), { font: cjkFont(fonts.title, fonts.latin), size: FONT_SIZE.二号 }),
  })
}

/** 1 pt high: for structural paragraphs (section breaks, float anchors) that must not take room. */
const TINY_LINE = { line: 20, lineRule: LineRuleType.EXACT, before: 0, after: 0 }

const BODY_INDENT = { firstLine: 2 * BODY_CHAR, firstLineChars: 200 }

/**
 * Splits "（一）加强组织领导。各单位要……" into the heading phrase and the running text, so that only the
 * phrase takes the heading face — the usual house style when a heading runs into its paragraph.
 * A "phrase" is short and has no comma; a numbered paragraph that is one long sentence has none,
 * and is set in the body face throughout (a whole sentence in 黑体 reads as shouting).
 */
export function splitHeading(text: string): [string, string] {
  const stop = text.search(/[。：:]/)
  const head = stop < 0 ? text : text.slice(0, stop + 1)
  const phrase = head.replace(/^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])/, '')
  if (/[，,；;]/.test(phrase) || [...phrase].length > 24) return ['', text]
  return [head, text.slice(head.length)]
}

/** A heading on a line of its own (no running text after the phrase): it keeps with what follows. */
function isHeadingLine(block: BodyBlock): boolean {
  if (block.level === 0 || block.level === 3) return false
  const [head, rest] = splitHeading(block.text)
  return head !== '' && rest === ''
}

const BODY_LINE = { width: TEXT_WIDTH, halfPoints: BODY_SIZE, spacing: BODY_CHAR_SPACING }

/** Lines a body paragraph takes (first line indented two characters). */
function bodyLines(text: string): number {
  return countLines(text, { ...BODY_LINE, firstIndent: 2 * BODY_CHAR })
}

export function bodyParagraph(
  block: BodyBlock,
  fonts: FontSettings,
  {
    keepWithNext = false,
    before = 0,
    distribute = false,
    continuation = false,
  }: { keepWithNext?: boolean; before?: number; distribute?: boolean; continuation?: boolean } = {},
): Paragraph {
  const body = cjkFont(fonts.body, fonts.latin)
  const headingFace = block.level === 1 ? fonts.heading1 : block.level === 2 ? fonts.heading2 : null
  let children: TextRun[]
  const [head, rest] = headingFace ? splitHeading(block.text) : ['', block.text]
  if (headingFace && head) {
    children = [new TextRun({ text: head, font: cjkFont(headingFace, fonts.latin) })]
    if (rest) children.push(new TextRun({ text: rest, font: body }))
  } else {
    children = [new TextRun({ text: block.text, font: body })]
  }
  return new Paragraph({
    alignment: distribute ? AlignmentType.DISTRIBUTE : AlignmentType.BOTH,
    indent: continuation ? undefined : BODY_INDENT,
    spacing: { ...exactLine(), before, after: 0 },
    // §7.3.3: a heading line stays with the first lines of what follows. Running text never keeps
    // with the next paragraph (chains of keeps left pages two-thirds empty), except the last one,
    // which travels with the 署名 (keepWithNext).
    keepNext: keepWithNext || isHeadingLine(block) ? true : undefined,
    widowControl: true,
    children,
  })
}

function stripTrailingPunctuation(s: string): string {
  return s.trim().replace(/[。．.，,；;：:、！!？?\s]+$/u, '')
}

/**
 * §7.3.5 附件说明: one blank line under the body, two characters in: "附件：1.名称". Further items line
 * up under "1."; a wrapped name lines up under its first character (hanging by the number's width).
 */
function attachmentParagraphs(items: string[], fonts: FontSettings): Laid[] {
  const names = items.map(stripTrailingPunctuation).filter((s) => s.length > 0)
  if (names.length === 0) return []
  const font = cjkFont(fonts.body, fonts.latin)
  const lead = 2 * BODY_CHAR // 右 2 字
  const label = 3 * BODY_CHAR // "附件：" is three characters
  if (names.length === 1) {
    const text = `附件：${names[0]}`
    return [
      {
        para: new Paragraph({
          alignment: AlignmentType.BOTH,
          indent: { left: lead + label, hanging: label },
          spacing: { ...exactLine(), before: LINE_PITCH, after: 0 },
          keepNext: true,
          children: [new TextRun({ text, font })],
        }),
        flow: { before: LINE_PITCH, line: LINE_PITCH, keepNext: true, lines: countLines(text, { ...BODY_LINE, width: TEXT_WIDTH - lead - label, firstIndent: -label }) },
      },
    ]
  }
  // "1." in a Latin face at 3号 is about ¾ of a character; "10." about 1.
  const numberWidth = Math.round(BODY_CHAR * (names.length >= 10 ? 1.125 : 0.75))
  return names.map((name, i) => {
    const text = `${i === 0 ? '附件：' : ''}${i + 1}.${name}`
    const left = lead + label + numberWidth
    const hanging = numberWidth + (i === 0 ? label : 0)
    const before = i === 0 ? LINE_PITCH : 0
    return {
      para: new Paragraph({
        alignment: AlignmentType.BOTH,
        indent: { left, hanging },
        spacing: { ...exactLine(), before, after: 0 },
        keepNext: true,
        children: [new TextRun({ text, font })],
      }),
      flow: { before, line: LINE_PITCH, keepNext: true, lines: countLines(text, { ...BODY_LINE, width: TEXT_WIDTH - left, firstIndent: -hanging }) },
    }
  })
}

/** A paragraph of the main text together with its place in the page flow (flow.ts). */
interface Laid {
  para: Paragraph
  flow: FlowBlock
}
const oneLine = (before: number, keepNext = false): FlowBlock => ({ before, lines: 1, line: LINE_PITCH, keepNext, keepLines: true })

/**
 * 署名 and 成文日期 for a sealed document (§7.3.5.1): the date 右空四字, the 署名 centred over it.
 * Two blank lines above leave room for the seal, whose top must be within a line of the text.
 */
function signatureBlock(spec: GongwenSpec): Laid[] {
  const font = cjkFont(spec.fonts.body, spec.fonts.latin)
  const date = formatChineseDate(spec.date)
  const dateRight = 4 * BODY_CHAR
  const out: Laid[] = []
  if (spec.signature.trim()) {
    // Without a date there is nothing to centre on: 右空二字 as for an unsealed 署名.
    const offset = date ? ((textWidthChars(date) - textWidthChars(spec.signature)) / 2) * BODY_CHAR : -2 * BODY_CHAR
    out.push({
      para: new Paragraph({
        alignment: AlignmentType.RIGHT,
        indent: { right: Math.max(0, Math.round(dateRight + offset)) },
        spacing: { ...exactLine(), before: 2 * LINE_PITCH, after: 0 },
        keepNext: true,
        keepLines: true,
        children: [new TextRun({ text: spec.signature.trim(), font })],
      }),
      flow: oneLine(2 * LINE_PITCH, !!date),
    })
  }
  if (date) {
    const before = out.length ? 0 : 2 * LINE_PITCH
    out.push({
      para: new Paragraph({
        alignment: AlignmentType.RIGHT,
        indent: { right: dateRight },
        spacing: { ...exactLine(), before, after: 0 },
        children: [new TextRun({ text: date, font })],
      }),
      flow: oneLine(before),
    })
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// 附件 (annexes)

function columnWidths(columns: AnnexTable['columns'], total: number): number[] {
  const given = columns.map((c) => (c.widthMm && c.widthMm > 0 ? mmToTwip(c.widthMm) : 0))
  const fixed = given.reduce((a, b) => a + b, 0)
  const free = given.filter((w) => w === 0).length
  if (free > 0 && fixed < total) {
    const each = Math.floor((total - fixed) / free)
    return given.map((w) => w || each)
  }
  // All given (or over-full): scale proportionally to the 版心 so the table never overhangs.
  const base = free > 0 ? given.map((w) => w || BODY_CHAR * 2) : given
  const sum = base.reduce((a, b) => a + b, 0) || 1
  return base.map((w) => Math.floor((w * total) / sum))
}

const ALIGN = { left: AlignmentType.LEFT, center: AlignmentType.CENTER, right: AlignmentType.RIGHT } as const

/** Data rows kept on the page of the 合计 row: two, or as many as there are. */
const keptRows = (table: AnnexTable) => Math.min(2, table.rows.length)

function annexTable(table: AnnexTable, fonts: FontSettings, width: number): Table {
  const widths = columnWidths(table.columns, width)
  const size = table.columns.length > 6 ? FONT_SIZE.五号 : FONT_SIZE.小四
  const font = cjkFont(fonts.body, fonts.latin)
  const line = exactLine(Math.round(size * 10 * 1.45))
  const border: IBorderOptions = { style: BorderStyle.SINGLE, size: 4, color: '000000' }
  const cell = (text: string, col: number, kind: 'head' | 'body' | 'foot', keepNext: boolean): TableCell => {
    const spec = table.columns[col]
    const alignment = kind === 'head' ? AlignmentType.CENTER : ALIGN[spec?.align ?? 'left']
    return new TableCell({
      width: { size: widths[col] ?? 0, type: WidthType.DXA },
      verticalAlign: VerticalAlignTable.CENTER,
      children: [
        new Paragraph({
          alignment,
          spacing: { ...line, before: 0, after: 0 },
          keepNext: keepNext || undefined,
          children: linesToRuns(text, { font, size, bold: kind !== 'body' }),
        }),
      ],
    })
  }
  const row = (cells: string[], kind: 'head' | 'body' | 'foot', keepNext = false): TableRow =>
    new TableRow({
      tableHeader: kind === 'head' ? true : undefined,
      cantSplit: true,
      children: table.columns.map((_, i) => cell(cells[i] ?? '', i, kind, keepNext)),
    })
  // The 合计 row never stands alone under the repeated header: the last data rows keep with it
  // (keep-with-next on every paragraph of a row keeps the row with the next, in Word and LibreOffice).
  const kept = table.footer ? keptRows(table) : 0
  const rows = [row(table.columns.map((c) => c.title), 'head'), ...table.rows.map((r, i) => row(r, 'body', i >= table.rows.length - kept))]
  if (table.footer) rows.push(row(table.footer, 'foot'))
  return new Table({
    width: { size: width, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    alignment: AlignmentType.CENTER,
    margins: { left: mmToTwip(1.5), right: mmToTwip(1.5), top: mmToTwip(0.8), bottom: mmToTwip(0.8) },
    borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
    rows,
  })
}

function annexChildren(annex: Annex, fonts: FontSettings, width: number): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [
    // §8: "附件" and its number top-left of the 版心 in 3号黑体, the title centred on the third line.
    new Paragraph({
      alignment: AlignmentType.LEFT,
      spacing: { ...exactLine(), before: 0, after: 0 },
      keepNext: true,
      children: [new TextRun({ text: annex.label, font: cjkFont(fonts.heading1, fonts.latin) })],
    }),
    titleParagraph(annex.title, fonts, LINE_PITCH, width),
  ]
  if (annex.table) {
    // Half a line of air between the title and the table's top rule.
    out.push(new Paragraph({ spacing: exactLine(Math.round(LINE_PITCH / 2)), children: [] }))
    out.push(annexTable(annex.table, fonts, width))
  }
  // Annex text follows the body's conventions, 一、/（一）/1. headings included.
  const blocks = parseBody((annex.paragraphs ?? []).join('\n'))
  blocks.forEach((block, i) => {
    const before = i > 0 ? 0 : annex.table ? Math.round(LINE_PITCH / 2) : LINE_PITCH
    out.push(bodyParagraph(block, fonts, { before }))
  })
  if (blocks.length === 0 && annex.table) {
    // The section break must sit in a paragraph after the table. Kept 1 pt high: a full-height one
    // after a table that ends at the foot of a page would open an empty page of its own.
    out.push(new Paragraph({ spacing: TINY_LINE, children: [] }))
  }
  return out
}

/** Pages an annex takes (it starts on a page of its own), worked out as the renderers lay it out. */
function annexPages(annex: Annex, width: number, height: number): number {
  const lead: FlowBlock[] = [oneLine(0, true), { before: LINE_PITCH, lines: titleLines(annex.title, width).length, line: LINE_PITCH, keepNext: true, keepLines: true }]
  const blocks = parseBody((annex.paragraphs ?? []).join('\n'))
  const textLine = { ...BODY_LINE, width, firstIndent: 2 * BODY_CHAR }
  const trail: FlowBlock[] = blocks.map((b, i) => ({
    before: i > 0 ? 0 : annex.table ? Math.round(LINE_PITCH / 2) : LINE_PITCH,
    lines: countLines(b.text, textLine),
    line: LINE_PITCH,
    keepNext: isHeadingLine(b),
  }))
  if (!annex.table) return layoutFlow([...lead, ...trail], height).page
  const t = annex.table
  const widths = columnWidths(t.columns, width)
  const size = t.columns.length > 6 ? FONT_SIZE.五号 : FONT_SIZE.小四
  const line = Math.round(size * 10 * 1.45)
  const rowHeight = (cells: string[]) =>
    Math.max(...t.columns.map((_, c) => countLines(cells[c] ?? '', { width: (widths[c] ?? 0) - 2 * mmToTwip(1.5), halfPoints: size, spacing: BODY_CHAR_SPACING }))) * line +
    2 * mmToTwip(0.8) +
    10
  const rows = t.rows.map(rowHeight)
  if (t.footer) rows.push(rowHeight(t.footer))
  lead.push({ before: 0, lines: 1, line: Math.round(LINE_PITCH / 2), keepNext: true })
  return tablePages(lead, rowHeight(t.columns.map((c) => c.title)), rows, trail, height, t.footer ? keptRows(t) + 1 : 0)
}

// ---------------------------------------------------------------------------------------------
// 版记

/**
 * 版记 (§7.4): 抄送 and 印发机关/印发日期 between rules as wide as the 版心 — thick first and last,
 * thin between — in 4号仿宋. Built as a one-column table whose cell borders are the rules (paragraph
 * borders of neighbouring paragraphs merge in Word). It is never a float: LibreOffice sets a
 * bottom-aligned floating table right after the text. Instead a spacer paragraph of exact height
 * pushes it down until its last rule lies on the foot of the 版心 — on the page where the text ends
 * when that page is even and has room (the height of the text is known, flow.ts), otherwise on a
 * page of its own that starts on the next even page (an "even page" section break, which every
 * renderer honours, inserting the blank page itself when the text ends on an even page).
 */
interface Colophon {
  table: Table
  /** From the table's top to the last rule's foot, plus the 1-pt closing paragraph, in twips. */
  height: number
}

/** Slack between the last rule and the foot of the 版心: absorbs rounding of rule widths. */
const COLOPHON_SLACK = mmToTwip(1)

function colophonTable(spec: GongwenSpec): Colophon {
  const size = FONT_SIZE.四号
  const oneChar = charTwips(size)
  const font = cjkFont(spec.fonts.body, spec.fonts.latin)
  const thick: IBorderOptions = { style: BorderStyle.SINGLE, size: RULE.thick, color: '000000' }
  const thin: IBorderOptions = { style: BorderStyle.SINGLE, size: RULE.thin, color: '000000' }
  const rowHeight = { value: LINE_PITCH, rule: HeightRule.ATLEAST }
  const line = { ...exactLine(), before: 0, after: 0 }
  const rows: TableRow[] = []
  let lines = 0
  const copy = spec.copyTo.trim().replace(/^抄送[:：]\s*/, '').replace(/[。．.，,；;\s]+$/u, '')
  const cellProps = { width: { size: TEXT_WIDTH, type: WidthType.DXA }, verticalAlign: VerticalAlignTable.CENTER }
  if (copy) {
    const text = `抄送：${copy}。`
    lines += countLines(text, { width: TEXT_WIDTH - oneChar * 5, firstIndent: -oneChar * 3, halfPoints: size, spacing: BODY_CHAR_SPACING })
    rows.push(
      new TableRow({
        cantSplit: true,
        height: rowHeight,
        children: [
          new TableCell({
            ...cellProps,
            borders: { top: thick, bottom: thin, left: NO_BORDER, right: NO_BORDER },
            children: [
              new Paragraph({
                // 左右各空一字; a wrapped list lines up after "抄送：".
                indent: { left: oneChar * 4, right: oneChar, hanging: oneChar * 3 },
                spacing: line,
                keepNext: true,
                children: [new TextRun({ text, font, size })],
              }),
            ],
          }),
        ],
      }),
    )
  }
  const printDate = spec.printDate ? `${formatChineseDate(spec.printDate)}印发` : ''
  lines += 1
  rows.push(
    new TableRow({
      cantSplit: true,
      height: rowHeight,
      children: [
        new TableCell({
          ...cellProps,
          borders: { top: copy ? thin : thick, bottom: thick, left: NO_BORDER, right: NO_BORDER },
          children: [
            new Paragraph({
              indent: { left: oneChar, right: oneChar },
              tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH - oneChar }],
              spacing: line,
              children: [
                new TextRun({ text: spec.printer.trim(), font, size }),
                new TextRun({ children: [new Tab(), printDate], font, size }),
              ],
            }),
          ],
        }),
      ],
    }),
  )
  const noBorders = { top: NO_BORDER, bottom: NO_BORDER, left: NO_BORDER, right: NO_BORDER, insideHorizontal: NO_BORDER, insideVertical: NO_BORDER }
  const table = new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [TEXT_WIDTH],
    layout: TableLayoutType.FIXED,
    margins: { left: 0, right: 0, top: 0, bottom: 0 },
    borders: noBorders,
    rows,
  })
  const rules = ((RULE.thick * 2 + (copy ? RULE.thin : 0)) / 8) * 20
  return { table, height: lines * LINE_PITCH + rules + TINY_LINE.line }
}

/** Spacer, 版记, closing 1-pt paragraph: the 版记's last rule lands `COLOPHON_SLACK` above the foot. */
function colophonAt(c: Colophon, used: number, newPage = false): (Paragraph | Table)[] {
  const spacer = TEXT_HEIGHT - used - c.height - COLOPHON_SLACK
  return [
    new Paragraph({ spacing: { line: Math.max(20, spacer), lineRule: LineRuleType.EXACT, before: 0, after: 0 }, pageBreakBefore: newPage || undefined, keepNext: true, children: [] }),
    c.table,
    new Paragraph({ spacing: TINY_LINE, children: [] }),
  ]
}

/** The 版记 may share the last text page when that is even and leaves a blank line above it. */
function colophonFitsAfter(end: { page: number; used: number }, c: Colophon): boolean {
  return end.page % 2 === 0 && end.used + LINE_PITCH + c.height + COLOPHON_SLACK <= TEXT_HEIGHT
}

// ---------------------------------------------------------------------------------------------
// Sections and the document

export function portraitPage(): NonNullable<ISectionOptions['properties']>['page'] {
  return {
    size: { width: A4.width, height: A4.height, orientation: PageOrientation.PORTRAIT },
    margin: { ...GONGWEN_MARGIN, header: mmToTwip(15), footer: FOOTER_DISTANCE, gutter: 0 },
  }
}

function landscapePage(): NonNullable<ISectionOptions['properties']>['page'] {
  return {
    // docx swaps width and height itself for LANDSCAPE.
    size: { width: A4.width, height: A4.height, orientation: PageOrientation.LANDSCAPE },
    margin: { ...LANDSCAPE_MARGIN, header: mmToTwip(15), footer: mmToTwip(26 - 7 - 5.5), gutter: 0 },
  }
}

/** Height of the 版头 (mark, 文号 and red rule), title and 主送 on page 1, as flow blocks. */
function headFlow(spec: GongwenSpec, titleLineCount: number, recipients: string, headed: boolean): FlowBlock[] {
  if (!headed) {
    const blocks: FlowBlock[] = [{ before: 0, lines: titleLineCount, line: LINE_PITCH, keepNext: true, keepLines: true }]
    if (recipients) blocks.push({ before: LINE_PITCH, lines: bodyLines(`${recipients}：`), line: LINE_PITCH })
    return blocks
  }
  const { size } = markGeometry(spec.issuerMark)
  const top = mmToTwip(35)
  const glyph = size * 10
  let lines = Math.ceil((top + glyph) / LINE_PITCH)
  while (2 * lines * LINE_PITCH - 2 * top - glyph < glyph * 1.1) lines++
  const blocks: FlowBlock[] = [
    { before: 0, lines: 1, line: lines * LINE_PITCH, keepNext: true, keepLines: true },
    { before: 2 * LINE_PITCH + RED_RULE_TWIPS, lines: 1, line: LINE_PITCH, keepNext: true, keepLines: true },
    { before: 2 * LINE_PITCH - RED_RULE_TWIPS, lines: titleLineCount, line: LINE_PITCH, keepNext: true, keepLines: true },
  ]
  if (recipients) blocks.push({ before: LINE_PITCH, lines: bodyLines(`${recipients}：`) , line: LINE_PITCH })
  return blocks
}

export function buildGongwen(spec: GongwenSpec): Document {
  const { fonts } = spec
  // Without a 发文机关标志 (a 情况 report) there is no 版头: the title opens the page.
  const headed = spec.issuerMark.trim() !== ''
  const main: (Paragraph | Table)[] = headed ? [...headBlock(spec)] : []
  // §7.3.1: the title two lines under the red rule (less the rule's own height, to stay on the rhythm).
  main.push(titleParagraph(spec.title, fonts, headed ? 2 * LINE_PITCH - RED_RULE_TWIPS : 0))
  const recipients = spec.recipients.trim().replace(/[:：]$/, '')
  const flow: FlowBlock[] = headFlow(spec, titleLines(spec.title).length, recipients, headed)
  if (recipients) {
    // §7.3.2: 主送 one line under the title, flush left, ending with a full-width colon.
    main.push(
      new Paragraph({
        alignment: AlignmentType.BOTH,
        spacing: { ...exactLine(), before: LINE_PITCH, after: 0 },
        children: [new TextRun({ text: `${recipients}：`, font: cjkFont(fonts.body, fonts.latin) })],
      }),
    )
  }
  // §7.3.5: the 署名/日期 (and the seal over them) may not stand on a page without text, so the last
  // paragraph travels with them when they do not fit.
  const tail = spec.attachments.length > 0 || spec.signature.trim() !== '' || spec.date !== ''
  const body = spec.body.map((b, i) => {
    // Only a short last paragraph (≤ 3 lines, which widow control would not split anyway) is tied
    // to the 署名: LibreOffice moves a keep-with-next paragraph whole, leaving a page half empty.
    const keepWithNext = tail && i === spec.body.length - 1 && bodyLines(b.text) <= 3
    flow.push({ before: 0, lines: bodyLines(b.text), line: LINE_PITCH, keepNext: keepWithNext || isHeadingLine(b) })
    return bodyParagraph(b, fonts, { keepWithNext })
  })
  if (!recipients && body.length > 0) {
    // Without a 主送 line the blank line under the title goes above the first paragraph instead.
    main.push(new Paragraph({ spacing: exactLine(), children: [] }))
    flow.splice(headed ? 3 : 1, 0, oneLine(0))
  }
  const lastBody = flow.length - 1
  for (const laid of [...attachmentParagraphs(spec.attachments, fonts), ...signatureBlock(spec)]) {
    flow.push(laid.flow)
  }
  // §7.3.5: the 署名 never opens a page without text. Where the 附件/署名 would start a page below
  // a long last paragraph, that paragraph is kept with them after all (LibreOffice then moves it
  // whole, which the flow models).
  const lastBlock = spec.body[spec.body.length - 1]
  if (tail && lastBlock && body.length > 0 && !flow[lastBody]!.keepNext) {
    const probe = layoutFlow(flow, TEXT_HEIGHT)
    if ((probe.starts?.[lastBody + 1] ?? 0) > (probe.ends?.[lastBody] ?? 0)) {
      // Carry its last two lines over: split the paragraph where the renderers break its line
      // (flow.ts), the first part set "distributed" so its last, full line stays justified, the
      // rest a continuation without indent that keeps with the 署名.
      const starts = lineStarts(lastBlock.text, { ...BODY_LINE, firstIndent: 2 * BODY_CHAR })
      const cut = starts[starts.length - 2] ?? 0
      const n = starts.length
      const head = { ...lastBlock, text: lastBlock.text.slice(0, cut) }
      const rest: BodyBlock = { level: 0, text: lastBlock.text.slice(cut) }
      body[body.length - 1] = bodyParagraph(head, fonts, { distribute: true })
      body.push(bodyParagraph(rest, fonts, { keepWithNext: true, continuation: true }))
      flow.splice(lastBody, 1, { before: 0, lines: n - 2, line: LINE_PITCH }, { before: 0, lines: 2, line: LINE_PITCH, keepNext: true, keepLines: true })
    }
  }
  main.push(...body)
  for (const laid of [...attachmentParagraphs(spec.attachments, fonts), ...signatureBlock(spec)]) main.push(laid.para)

  const sections: ISectionOptions[] = []
  const footers = (): { default: Footer; even: Footer } => gongwenFooters(fonts)
  sections.push({
    properties: { page: { ...portraitPage(), pageNumbers: { start: 1 } }, grid: { linePitch: LINE_PITCH } },
    footers: footers(),
    children: main,
  })
  for (const annex of spec.annexes) {
    const landscape = annex.landscape === true
    sections.push({
      properties: {
        type: SectionType.NEXT_PAGE,
        page: landscape ? landscapePage() : portraitPage(),
      },
      footers: landscape ? { default: landscapePageNumberFooter(fonts, 'odd'), even: landscapePageNumberFooter(fonts, 'even') } : footers(),
      children: annexChildren(annex, fonts, landscape ? LANDSCAPE_TEXT_WIDTH : TEXT_WIDTH),
    })
  }
  // §7.4 / §8: annexes bound with the document come before the 版记, which closes the document on
  // the last even page. Where the text ends is known only for the main text (flow.ts), so after
  // annexes the 版记 takes the next even page of its own.
  const hasColophon = spec.printer.trim() !== '' || spec.printDate !== '' || spec.copyTo.trim() !== ''
  if (hasColophon) {
    const c = colophonTable(spec)
    const end = layoutFlow(flow, TEXT_HEIGHT)
    const first = sections[0]!
    if (spec.annexes.length === 0 && colophonFitsAfter(end, c)) {
      sections[0] = { ...first, children: [...first.children, ...colophonAt(c, end.used)] }
    } else {
      // On a page of its own, the next even one: after an even page a blank page comes first.
      // (An "even page" section break would say the same, but LibreOffice ignores it.)
      const pages = end.page + spec.annexes.reduce((n, a) => n + (a.landscape ? annexPages(a, LANDSCAPE_TEXT_WIDTH, LANDSCAPE_TEXT_HEIGHT) : annexPages(a, TEXT_WIDTH, TEXT_HEIGHT)), 0)
      const blank = pages % 2 === 0
      // §7.5: no page number on the 版记 page standing alone, nor on the blank page before it.
      sections.push({
        properties: { type: SectionType.NEXT_PAGE, page: portraitPage() },
        footers: { default: new Footer({ children: [] }), even: new Footer({ children: [] }) },
        children: [...(blank ? [new Paragraph({ spacing: TINY_LINE, children: [] })] : []), ...colophonAt(c, 0, blank)],
      })
    }
  }

  return new Document({
    creator: spec.signature || spec.printer || '预算绩效管理',
    title: spec.title.replace(/\s*\n\s*/g, ''),
    evenAndOddHeaderAndFooters: true,
    styles: documentStyles(fonts),
    sections,
  })
}

export async function renderGongwen(spec: GongwenSpec): Promise<Buffer> {
  return packDocx(() => buildGongwen(spec))
}
