/**
 * Units and the GB/T 9704-2012 page constants shared by every Word document the app writes.
 * One module so that the 公文 and the form documents cannot drift apart.
 *
 * OOXML units: lengths in twips (1/20 pt, 1/1440 in), font sizes in half-points, borders in
 * eighths of a point.
 */

export const TWIPS_PER_MM = 1440 / 25.4

/** Rounded, not floored: 37 mm is 2097.6 twips and Word itself rounds to 2098. */
export function mmToTwip(mm: number): number {
  return Math.round(mm * TWIPS_PER_MM)
}

export function ptToTwip(pt: number): number {
  return Math.round(pt * 20)
}

/** Chinese type sizes (号) in half-points, the unit of `w:sz`. */
export const FONT_SIZE = {
  初号: 84,
  小初: 72,
  一号: 52,
  小一: 48,
  二号: 44,
  小二: 36,
  三号: 32,
  小三: 30,
  四号: 28,
  小四: 24,
  五号: 21,
  小五: 18,
} as const
export type ChineseFontSize = keyof typeof FONT_SIZE

/** Width of one full-width character of the given size, in twips (half-points × 10). */
export function charTwips(halfPoints: number): number {
  return halfPoints * 10
}

/** A4 in twips (210 × 297 mm), the values Word writes for A4. */
export const A4 = { width: 11906, height: 16838 } as const

/** GB/T 9704-2012 §5.2.1: 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm → bottom 35 mm, right 26 mm. */
export const GONGWEN_MARGIN_MM = { top: 37, bottom: 35, left: 28, right: 26 } as const

export const GONGWEN_MARGIN = {
  top: mmToTwip(GONGWEN_MARGIN_MM.top), // 2098
  bottom: mmToTwip(GONGWEN_MARGIN_MM.bottom), // 1984
  left: mmToTwip(GONGWEN_MARGIN_MM.left), // 1587
  right: mmToTwip(GONGWEN_MARGIN_MM.right), // 1474
} as const

/** 版心 from the rounded margins (8845 × 12756 twips), so that tables and rules fill it exactly. */
export const TEXT_WIDTH = A4.width - GONGWEN_MARGIN.left - GONGWEN_MARGIN.right
export const TEXT_HEIGHT = A4.height - GONGWEN_MARGIN.top - GONGWEN_MARGIN.bottom

/**
 * 版心 of a landscape page: the portrait page turned a quarter clockwise, so the table's head is at
 * the binding edge (§10.1: 单页码表头在订口一边).
 */
export const LANDSCAPE_MARGIN = {
  top: GONGWEN_MARGIN.left,
  bottom: GONGWEN_MARGIN.right,
  left: GONGWEN_MARGIN.bottom,
  right: GONGWEN_MARGIN.top,
} as const
export const LANDSCAPE_TEXT_WIDTH = A4.height - LANDSCAPE_MARGIN.left - LANDSCAPE_MARGIN.right
export const LANDSCAPE_TEXT_HEIGHT = A4.width - LANDSCAPE_MARGIN.top - LANDSCAPE_MARGIN.bottom

export const LINES_PER_PAGE = 22
export const CHARS_PER_LINE = 28

/**
 * Line pitch: 579 twips = 28.95 pt, exact. 22 × 579 = 12738 twips fills the 225 mm 版心 (12756) to
 * within a millimetre, which is what the standard asks ("22 lines filling the 版心"). The popular
 * 28 pt (560) practice leaves 8 mm empty at the foot of every page, so 22 lines stop looking like a
 * full page. 579 is also the `w:docGrid w:linePitch` of common Word 公文 templates, so a user who
 * switches Word's line grid on later keeps the same rhythm (the sections record it too).
 * Exact (not "single") spacing because single spacing follows each font's ascent and descent,
 * which differ between 仿宋_GB2312, its substitutes and the renderers; exact gives 22 lines everywhere.
 */
export const LINE_PITCH = 579

/** The body font size (3号) and its character width, used for every "N 字" indent. */
export const BODY_SIZE = FONT_SIZE.三号
export const BODY_CHAR = charTwips(BODY_SIZE) // 320

/**
 * 28 characters of 3号 (28 × 320 = 8960 twips) do not fit the 156 mm 版心 (8845), so plain text
 * gives 27 a line. Common Word 公文 templates fix that with a `linesAndChars` docGrid (charSpace −842),
 * but LibreOffice turns such a grid into its "text grid" and sets ~18 widely spaced characters a
 * line. Condensing every character by 5 twips (0.25 pt, invisible) gives 28 × 315 = 8820 ≤ 8845
 * in Word, WPS and LibreOffice alike, without a grid.
 */
export const BODY_CHAR_SPACING = Math.floor(TEXT_WIDTH / CHARS_PER_LINE - BODY_CHAR) // -5

/**
 * Footer distance. The page number's top should sit 7 mm below the 版心 (§7.5), i.e. 28 mm above
 * the paper's foot. Word measures the footer distance to the *bottom* of the footer text, so take
 * off one 4号 line (≈ 5.5 mm with Latin-font leading): 22.5 mm. Measured in LibreOffice: the
 * digits' top lands 6.5–7 mm below the 版心.
 */
export const FOOTER_DISTANCE = mmToTwip(GONGWEN_MARGIN_MM.bottom - 7 - 5.5)

/** Borders, eighths of a point. 版记 rules: thick 0.35 mm ≈ 1 pt, thin 0.25 mm ≈ 0.75 pt (§7.4.1). */
export const RULE = {
  red: 12, // 1.5 pt ≈ 0.53 mm: the red 分隔线 is meant to read as a bold line
  thick: 8,
  thin: 6,
} as const

/** Word's standard red (wdRed) — what a user picking "红色" gets, and the printers' spot red. */
export const RED = 'FF0000'
