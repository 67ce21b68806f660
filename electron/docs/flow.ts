/**
 * Where the text of a 公文 ends, computed before the file is written, so that the 版记 can be put
 * on the last even page with its last rule on the foot of the 版心 without a float (which
 * LibreOffice places after the text instead). Everything the engine sets in the main text is on an
 * exact line pitch with fixed character widths (3号 condensed to 28 a line, 2号 titles, 1-line
 * headings), so the line count of each paragraph and the page breaks can be worked out the way Word
 * and LibreOffice do them: greedy line filling with the forbidden line-start/line-end characters of
 * Chinese typesetting (no hanging punctuation: overflowPunct is off), widow/orphan control of two
 * lines, keep-lines and keep-with-next. The render test checks the result against LibreOffice.
 */

/** Characters that may not start a line (closing punctuation) and may not end one (opening). */
const NO_LINE_START = /[，。、；：？！）》」』】〕”’%‰·…—,.;:!?)\]]/
const NO_LINE_END = /[（《「『【〔“‘(\[]/

/** Width of one character of a run at `halfPoints` with `spacing` twips added after each. */
function charWidth(ch: string, halfPoints: number, spacing: number): number {
  const em = halfPoints * 10
  const code = ch.codePointAt(0) ?? 0
  if (code >= 0x2000) return em + spacing // CJK, full-width signs (eastAsia hint sets “”—… full-width too)
  // Latin face: digits ½ em; the rest approximated by Times New Roman's metrics.
  let factor = 0.5
  if (ch === ' ' || ch === '.' || ch === ',' || ch === ':' || ch === ';') factor = 0.25
  else if (ch === '%') factor = 0.833
  else if (ch === '(' || ch === ')' || ch === '-' || ch === '[' || ch === ']') factor = 0.333
  else if (/[A-Z]/.test(ch)) factor = 0.68
  else if (/[a-z]/.test(ch)) factor = 0.47
  return Math.round(em * factor) + spacing
}

/** Pieces that do not break inside: a CJK character, or a run of Latin letters and digits. */
function pieces(text: string): string[] {
  return text.match(/[A-Za-z0-9.%]+|[^A-Za-z0-9.%]/gu) ?? []
}

/**
 * Number of lines a paragraph takes: `width` twips wide, the first line shortened by `firstIndent`
 * (negative for a hanging indent). Explicit "\n" breaks start new lines.
 */
export function countLines(text: string, opts: LineOptions): number {
  return lineStarts(text, opts).length
}

export interface LineOptions {
  width: number
  firstIndent?: number
  halfPoints: number
  spacing: number
}

/**
 * Character offsets at which each line of a single paragraph (no "\n") starts, [0, …]: used to
 * carry the last two lines of a long last paragraph over to the 署名's page.
 */
export function lineStarts(text: string, opts: LineOptions): number[] {
  if (/\r?\n/.test(text)) {
    // Explicit breaks: count only (offsets are not needed for multi-line cells).
    const out: number[] = []
    for (const part of text.split(/\r?\n/)) out.push(...lineStartsOf(part, { ...opts, firstIndent: out.length === 0 ? opts.firstIndent : 0 }))
    return out
  }
  return lineStartsOf(text, opts)
}

function lineStartsOf(text: string, { width, firstIndent = 0, halfPoints, spacing }: LineOptions): number[] {
  const starts: number[] = [0]
  for (const line of [text]) {
    const ps = pieces(line)
    const offsets: number[] = []
    let at = 0
    for (const p of ps) {
      offsets.push(at)
      at += p.length
    }
    const ws = ps.map((p) => [...p].reduce((a, ch) => a + charWidth(ch, halfPoints, spacing), 0))
    let avail = width - firstIndent
    let used = 0
    let onLine: number[] = []
    for (let i = 0; i < ps.length; i++) {
      const w = ws[i] ?? 0
      if (used + w <= avail || onLine.length === 0) {
        used += w
        onLine.push(i)
        continue
      }
      // Line full. A closing sign cannot start the next line and an opening one cannot end this
      // one: carry the piece before it down as well (what Word and LibreOffice do without hanging).
      let carry = 0
      while (onLine.length - carry > 1) {
        const nextStart = carry === 0 ? ps[i]! : ps[onLine[onLine.length - carry]!]!
        const lastOnLine = ps[onLine[onLine.length - 1 - carry]!]!
        if (NO_LINE_START.test(nextStart[0]!) || NO_LINE_END.test(lastOnLine[lastOnLine.length - 1]!)) carry++
        else break
      }
      const carried = onLine.slice(onLine.length - carry)
      starts.push(offsets[carried[0] ?? i] ?? 0)
      avail = width
      onLine = [...carried, i]
      used = onLine.reduce((a, k) => a + (ws[k] ?? 0), 0)
    }
  }
  return starts
}

/** One paragraph of the flow, in twips: its space before and its lines on an exact pitch. */
export interface FlowBlock {
  before: number
  lines: number
  line: number
  keepNext?: boolean
  keepLines?: boolean
}

export interface FlowEnd {
  /** 1-based page on which the last block ends. */
  page: number
  /** Twips used on that page, from the top of the 版心. */
  used: number
  /** Page on which each block's first line stands (for tests and the 署名 check). */
  starts?: number[]
  /** Page on which each block's last line stands. */
  ends?: number[]
}

/**
 * Lays the blocks out on pages `height` twips high, as Word and LibreOffice do with widow control
 * (at least two lines of a split paragraph on each page), keep-lines and keep-with-next (a block
 * with keepNext ends on the page where the next one starts). A space before at the top of a page
 * is kept, as both do after a natural page break in a document with exact line spacing.
 */
export function layoutFlow(blocks: FlowBlock[], height: number): FlowEnd {
  let page = 1
  let used = 0
  const fits = (h: number) => used + h <= height
  /** Minimum height that must stand on the page where block i starts, for the chain after it. */
  const chainNeed = (i: number): number => {
    let need = 0
    for (let k = i + 1; k < blocks.length; k++) {
      const b = blocks[k]!
      const whole = b.keepLines || b.lines <= 3 || b.keepNext
      need += b.before + (whole ? b.lines : 2) * b.line
      if (!b.keepNext) break
    }
    return need
  }
  const starts: number[] = []
  const ends: number[] = []
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!
    const whole = b.before + b.lines * b.line
    const tail = b.keepNext ? chainNeed(i) : 0
    const pageBefore = page
    const record = () => {
      ends[i] = page
    }
    starts[i] = page
    if (fits(whole + tail)) {
      used += whole
      record()
      continue
    }
    // Does not fit with what it must keep with: split it, or move it.
    const free = Math.floor((height - used - b.before) / b.line)
    const canSplit = !b.keepLines && b.lines >= 4
    if (canSplit) {
      // Lines on this page: as many as fit, leaving at least 2 behind and, with keepNext, enough
      // behind that the tail fits beside them on the next page.
      let first = Math.min(free, b.lines - 2)
      if (first >= 2) {
        used = (b.lines - first) * b.line
        page++
        record()
        continue
      }
    }
    if (used === 0) {
      // Already at the top of a page: nothing to gain by moving; it runs on as it can.
      used = whole
      while (used > height) {
        used -= Math.floor(height / b.line) * b.line
        page++
      }
      record()
      continue
    }
    page++
    starts[i] = pageBefore + 1
    used = whole
    while (used > height) {
      used -= Math.floor(height / b.line) * b.line
      page++
    }
    record()
  }
  return { page, used, starts, ends }
}

/**
 * Pages taken by a section that starts on a new page with `lead` blocks (label, title) and then a
 * table whose rows do not split and whose header row repeats on every page, then `trail` blocks.
 * The last `keepTail` rows (a 合计 row and the data rows kept with it) go to a page together.
 */
export function tablePages(lead: FlowBlock[], header: number, rows: number[], trail: FlowBlock[], height: number, keepTail = 0): number {
  const start = layoutFlow(lead, height)
  let page = start.page
  let used = start.used + header
  // The kept rows as one block, when they fit on a page under the header at all.
  const tail = rows.slice(rows.length - keepTail).reduce((a, b) => a + b, 0)
  const blocks = keepTail > 1 && header + tail <= height ? [...rows.slice(0, rows.length - keepTail), tail] : rows
  for (const r of blocks) {
    if (used + r > height) {
      page++
      used = header
    }
    used += r
  }
  if (trail.length === 0) return page
  // The trailing text continues on the last table page: lay it out from there.
  const filler: FlowBlock = { before: 0, lines: 1, line: used, keepLines: true }
  return page - 1 + layoutFlow([filler, ...trail], height).page
}
