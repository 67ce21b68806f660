/**
 * Breaking a 公文 title into lines (GB/T 9704 §7.3.1: "回行时，要做到词意完整，排列对称，长短适宜，间距恰当；
 * 标题排列应当使用梯形或菱形"). Pure, so that the draft screen can show the same lines the document gets.
 *
 * The title is cut into words by longest match against a word list (the county's and the domain's
 * terms; settings can add more), numbers with their 年/年度/号 stay whole, and lines may only end
 * between words. Among the ways to do that it takes the fewest lines, then a 梯形 (lengths rising or
 * falling) or 菱形 (the middle longest), then the most even lengths, avoiding a break before 的.
 * No line is shorter than four characters. A title the user broke by hand ("\n") is kept as typed.
 */

/**
 * Terms that must not be split across lines. Sourced from the titles of the source report's
 * documents (师财预〔2024〕70/101–110号, 师财绩〔2024〕2号) and the stage names of DESIGN §2; longer
 * entries win over shorter ones, so "财政评价" keeps together although "财政" and "评价" are also words.
 */
export const DEFAULT_TITLE_WORDS: readonly string[] = [
  '师宗县', '财政局', '县本级', '县级', '县直', '部门', '预算', '预算项目', '预算支出', '部门预算', '项目', '项目支出', '支出', '财政支出',
  '绩效', '预算绩效', '绩效目标', '目标', '编审', '审核', '结果', '运用', '意见书', '意见', '通知', '报告', '办法',
  '管理', '工作', '开展', '做好', '关于', '反馈', '运行', '监控', '运行监控', '评价', '财政评价', '再评价', '财政再评价',
  '自评', '绩效自评', '重点', '重大', '政策', '重大政策', '重点项目', '执行', '情况', '整改', '存在', '问题',
  '评估', '事前', '事前评估', '事前绩效评估', '财政评估', '第三方', '机构', '第三方机构', '中介机构', '委托', '参与',
  '考评表', '考评', '年度', '试行', '暂行', '实施', '细则', '方案', '规程', '基础设施', '配套', '建设', '园区',
  '产业园区', '不锈钢', '产业', '城乡', '居民', '基本', '医疗', '保险', '医疗保险', '疫情', '防控', '隔离', '酒店',
  '板房', '隔离板房', '隔离酒店', '结果反馈', '改造', '农村', '公路', '农村公路', '解决', '结果运用', '等绩效', '及存在', '县委', '人大', '政府', '红灯', '黄灯', '预警', '汇总表', '明细表',
]

/** Visual width in characters: CJK and full-width signs 1, ASCII (digits in the Latin face) ½. */
export function titleWidth(s: string): number {
  let w = 0
  for (const ch of s) w += ch.charCodeAt(0) < 0x2000 ? 0.5 : 1
  return w
}

/**
 * Cuts a title into unbreakable pieces. A position may be a line end only if no list word spans it
 * (so overlapping terms like 预算绩效 and 绩效目标 keep 预算绩效目标 whole), it is not inside a number
 * with its unit (2024年度, 〔2024〕102号, 1-9月), and it does not put closing punctuation or 的 at a
 * line start or opening punctuation at a line end.
 */
export function titleWords(title: string, words: readonly string[] = DEFAULT_TITLE_WORDS): string[] {
  const chars = [...title]
  const text = chars.join('')
  const n = chars.length
  const blocked = new Array<boolean>(n + 1).fill(false) // blocked[p]: no break between chars[p-1] and chars[p]
  for (const w of new Set(words)) {
    if (w.length < 2) continue
    for (let at = text.indexOf(w); at >= 0; at = text.indexOf(w, at + 1)) {
      for (let p = at + 1; p < at + [...w].length; p++) blocked[p] = true
    }
  }
  for (const m of text.matchAll(/[〔(（]?[0-9０-９][0-9０-９.．\-—~～]*[〕)）]?(年度|年|月|日|号|万元|元|个|%)?/g)) {
    for (let p = m.index + 1; p < m.index + m[0].length; p++) blocked[p] = true
  }
  for (let p = 1; p < n; p++) {
    if (/[）)》」』】〕”’，、。；：！？]/.test(chars[p]!) || /[（(《「『【〔“‘]/.test(chars[p - 1]!)) blocked[p] = true
  }
  const out: string[] = []
  let start = 0
  for (let p = 1; p <= n; p++) {
    if (p === n || !blocked[p]) {
      out.push(chars.slice(start, p).join(''))
      start = p
    }
  }
  return out
}

const MIN_LINE = 4

/**
 * Lines for a title set `maxWidth` characters to a line (2号 in the 156 mm 版心: 20). Returns the
 * user's own lines when the title already holds line breaks.
 */
export function breakTitle(title: string, maxWidth: number, words: readonly string[] = DEFAULT_TITLE_WORDS): string[] {
  const manual = title
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
  if (manual.length > 1) return manual
  const text = manual[0] ?? ''
  if (titleWidth(text) <= maxWidth) return [text]
  const pieces = titleWords(text, words)
  const widths = pieces.map(titleWidth)
  const total = widths.reduce((a, b) => a + b, 0)
  let best: { lines: string[]; cost: number } | null = null
  const minLines = Math.ceil(total / maxWidth)
  for (let k = minLines; k <= minLines + 1 && !best; k++) {
    for (const cuts of cutChoices(pieces.length, k)) {
      const lines: string[] = []
      const lw: number[] = []
      let start = 0
      for (const end of [...cuts, pieces.length]) {
        lines.push(pieces.slice(start, end).join(''))
        lw.push(widths.slice(start, end).reduce((a, b) => a + b, 0))
        start = end
      }
      if (lw.some((w) => w > maxWidth || w < MIN_LINE)) continue
      const cost = shapeCost(lw) + cuts.reduce((c, at) => c + breakCost(pieces[at - 1]!, pieces[at]!), 0)
      if (!best || cost < best.cost) best = { lines, cost }
    }
  }
  if (best) return best.lines
  // No word boundary gives legal lines (one very long word): fall back to even character cuts.
  const k = Math.ceil(total / maxWidth)
  const chars = [...text]
  const per = Math.ceil(chars.length / k)
  return Array.from({ length: k }, (_, i) => chars.slice(i * per, (i + 1) * per).join('')).filter(Boolean)
}

/** Every way to choose k−1 cut positions among n pieces (k ≤ 4 in practice; titles are short). */
function* cutChoices(n: number, k: number, from = 1): Generator<number[]> {
  if (k === 1) {
    yield []
    return
  }
  for (let at = from; at <= n - (k - 1); at++) {
    for (const rest of cutChoices(n, k - 1, at + 1)) yield [at, ...rest]
  }
}

/** 梯形 (monotone) or 菱形 (rises then falls) cost nothing; any other shape a lot; then evenness. */
function shapeCost(lw: number[]): number {
  const rising = lw.every((w, i) => i === 0 || w >= lw[i - 1]! - 0.5)
  const falling = lw.every((w, i) => i === 0 || w <= lw[i - 1]! + 0.5)
  const top = lw.indexOf(Math.max(...lw))
  const diamond = lw.length >= 3 && lw.slice(0, top + 1).every((w, i, a) => i === 0 || w >= a[i - 1]!) && lw.slice(top).every((w, i, a) => i === 0 || w <= a[i - 1]!)
  const mean = lw.reduce((a, b) => a + b, 0) / lw.length
  const spread = lw.reduce((a, w) => a + (w - mean) ** 2, 0) / lw.length
  return (rising || falling || diamond ? 0 : 100) + spread
}

/** A line should not end on 关于's object half-way or start with 的/和/及 hanging off the phrase before. */
function breakCost(before: string, after: string): number {
  if (/^[的之]/.test(after)) return 30
  if (/^[和及与、]/.test(after) || /[和及与、]$/.test(before)) return 8
  if (/(关于)$/.test(before)) return 4
  return 0
}
