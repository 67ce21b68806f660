/**
 * The 附件 check before issue: the 附件说明 lines and the body's mentions of 附件 against the annexes
 * actually bound in (the annex tables after the 版记 and the Excel files issued beside the .docx).
 * GB/T 9704 §7.3.5: the 附件说明 names every annex, in the order and with the 序号 they carry.
 */
export interface BoundAnnex {
  /** 附件 / 附件1 / 附件2 — the label printed on the annex (or carried by the file's name). */
  label: string
  title: string
  /** Where it is: a table bound after the text, or a workbook issued beside it. */
  form: '随文表格' | 'Excel文件'
}

/** A title without its numbering (附件2： / 1. ) and book-title marks: the year in it stays. */
const norm = (t: string) => t.replace(/^\s*(?:附件\s*\d*\s*[:：]?|\d+\s*[.．、])\s*/, '').replace(/[《》\s]/g, '')
const CN_DIGITS = '〇一二三四五六七八九'

/** Warnings naming each mismatch, in Chinese; empty when the 附件说明, the body and the annexes agree. */
export function annexWarnings({ listed, body, bound }: { listed: string[]; body: string; bound: BoundAnnex[] }): string[] {
  const out: string[] = []
  const lines = listed.map((l) => l.trim()).filter(Boolean)
  lines.forEach((line, i) => {
    const b = bound[i]
    if (!b) {
      out.push(`附件说明第${i + 1}项《${norm(line)}》没有随文附上（本文${bound.length ? `只附有${bound.length}个附件` : '未附任何附件'}）：请另行送达并在正文中说明，或删去这一项`)
    } else if (norm(b.title) !== norm(line)) {
      out.push(`附件说明第${i + 1}项为《${norm(line)}》，而随文的${b.label}是《${norm(b.title)}》：名称须一致`)
    }
  })
  for (const b of bound.slice(lines.length)) out.push(`随文附有${b.label}《${norm(b.title)}》（${b.form}），但附件说明中没有列出：请在附件说明中补上`)
  // The body's own references: 附件3 when there are two, or 见附件 with none.
  const count = Math.max(lines.length, bound.length)
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
