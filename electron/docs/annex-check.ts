/**
 * The 附件 check before issue: the 附件说明 lines and the body's mentions of 附件 against the annexes
 * actually bound in (the annex tables after the 版记 and the Excel files issued beside the .docx).
 * GB/T 9704 §7.3.5: the 附件说明 names every annex, in the order and with the 序号 they carry.
 * An annex the product does not generate (a form each unit gets from its round's Excel export, a
 * 办法's 考评表 the clerk binds in by hand) passes only when declared: "（另发）" at the end of its
 * line, or the clerk's confirmation that it is provided apart (另行附送), kept with the document.
 */
export interface BoundAnnex {
  /** 附件 / 附件1 / 附件2 — the label printed on the annex (or carried by the file's name). */
  label: string
  title: string
  /** Where it is: a table bound after the text, or a workbook issued beside it. */
  form: '随文表格' | 'Excel文件'
}

/**
 * An annex the product does not bind in but says how it reaches the units (the 申报表 each unit
 * gets from its round's "导出Excel"), for a warning that tells the clerk what to confirm.
 */
export interface ApartAnnex {
  title: string
  how: string
}

/** "（另发）" at the end of a 附件说明 line: the document itself says the annex is sent separately. */
const SENT_APART = /[（(]\s*另(?:行)?(?:发|发送|印发)\s*[)）]\s*$/
/** A title without its numbering (附件2： / 1. ), book-title marks and a （另发） mark: the year in it stays. */
export const annexTitle = (t: string) =>
  t
    .replace(/^\s*(?:附件\s*\d*\s*[:：]?|\d+\s*[.．、])\s*/, '')
    .replace(SENT_APART, '')
    .replace(/[《》\s]/g, '')
const norm = annexTitle
const CN_DIGITS = '〇一二三四五六七八九'

interface AnnexInput {
  listed: string[]
  bound: BoundAnnex[]
  /** Lines the clerk confirmed as provided apart (另发, or bound in by hand): their titles. */
  apart?: string[]
}

/**
 * The 附件说明 lines against the annexes bound in: a line declared apart (marked （另发） or
 * confirmed by the clerk) is not bound; the others take the bound annexes in order.
 */
function matchAnnexes({ listed, bound, apart = [] }: AnnexInput) {
  const confirmed = new Set(apart.map(norm))
  const lines = listed.map((l) => l.trim()).filter(Boolean)
  let next = 0
  const matched = lines.map((line, i) => {
    const declared = SENT_APART.test(line) || confirmed.has(norm(line))
    return { line, n: i + 1, declared, bound: declared ? undefined : bound[next++] }
  })
  return { lines, matched, extra: bound.slice(next) }
}

/**
 * The 附件说明 lines that nothing bound in answers (declared apart or not): what the dialog offers
 * the clerk to confirm as provided apart.
 */
export function unboundAnnexLines(input: AnnexInput): string[] {
  return matchAnnexes(input).matched.filter((m) => !m.bound).map((m) => m.line)
}

/** Warnings naming each mismatch, in Chinese; empty when the 附件说明, the body and the annexes agree. */
export function annexWarnings(input: AnnexInput & { body: string; separately?: ApartAnnex[] }): string[] {
  const { body, bound, separately = [] } = input
  const out: string[] = []
  const { lines, matched, extra } = matchAnnexes(input)
  for (const { line, n, declared, bound: b } of matched) {
    if (declared) continue
    if (!b) {
      const how = separately.find((a) => norm(a.title) === norm(line))
      out.push(
        how
          ? `附件说明第${n}项《${norm(line)}》不随文生成（${how.how}）：已另行发送的，请在“附件”下勾选为“另行附送”，或在这一项末尾注明“（另发）”`
          : `附件说明第${n}项《${norm(line)}》没有随文附上（本文${bound.length ? `只附有${bound.length}个附件` : '未附任何附件'}）：已另行附送（另发或自行装订）的，请在“附件”下勾选为“另行附送”，否则删去这一项`,
      )
    } else if (norm(b.title) !== norm(line)) {
      out.push(`附件说明第${n}项为《${norm(line)}》，而随文的${b.label}是《${norm(b.title)}》：名称须一致`)
    }
  }
  for (const b of extra) out.push(`随文附有${b.label}《${norm(b.title)}》（${b.form}），但附件说明中没有列出：请在附件说明中补上`)
  // The body's own references: 附件3 when there are two, or 见附件 with none.
  const count = lines.length + extra.length
  const named = new Set<number>()
  for (const m of body.matchAll(/附件\s*([0-9]+|[一二三四五六七八九])(?![0-9])/g)) {
    const n = /\d/.test(m[1]!) ? Number(m[1]) : CN_DIGITS.indexOf(m[1]!)
    if (n > count && !named.has(n)) {
      named.add(n)
      out.push(`正文提到“附件${m[1]}”，但本文${count ? `只有${count}个附件` : '没有附件'}`)
    }
  }
  if (count === 0 && /见附件/.test(body.replace(/附件\s*[0-9一二三四五六七八九]/g, ''))) out.push('正文提到附件，但附件说明为空、也未随文附上附件')
  return out
}
