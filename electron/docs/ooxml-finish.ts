/**
 * Last touches on a .docx that the docx library cannot express, applied to the packed file:
 * - fontTable.xml lists every face used with its alternative name and GB2312 charset, so a stock
 *   Windows/WPS without 仿宋_GB2312 or 方正小标宋简体 substitutes the right kind of face (仿宋, 宋体)
 *   instead of whatever its font mapper picks;
 * - settings.xml: characterSpacingControl doNotCompress, so no renderer squeezes full-width
 *   punctuation on its own and the 28-character line stays 28 characters;
 * - styles.xml: overflowPunct off in the paragraph defaults, so a 。 or ， at a line end never hangs
 *   into the margin (the engine counts lines without hanging, see flow.ts);
 * - footers: the PAGE field gets a cached result, so a viewer that does not update fields (and
 *   Word before its first layout) shows a number rather than nothing.
 *
 * fflate is what the docx library packs with (its own dependency); using the same one adds nothing.
 */
import { Packer, type Document } from 'docx'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import { turn } from '../excel/yield'

interface FontEntry {
  altName?: string
  panose?: string
  charset: string
  family: 'roman' | 'swiss' | 'modern' | 'script' | 'decorative' | 'auto'
  pitch: 'fixed' | 'variable' | 'default'
}

/** Windows' own entries for these faces (charset 86 = GB2312), as Word writes them. */
const KNOWN_FONTS: Record<string, FontEntry> = {
  仿宋_GB2312: { altName: '仿宋', panose: '02010609030101010101', charset: '86', family: 'modern', pitch: 'fixed' },
  仿宋: { altName: 'FangSong', panose: '02010609060101010101', charset: '86', family: 'modern', pitch: 'fixed' },
  楷体_GB2312: { altName: '楷体', panose: '02010609030101010101', charset: '86', family: 'modern', pitch: 'fixed' },
  楷体: { altName: 'KaiTi', panose: '02010609060101010101', charset: '86', family: 'modern', pitch: 'fixed' },
  黑体: { altName: 'SimHei', panose: '02010609060101010101', charset: '86', family: 'modern', pitch: 'fixed' },
  方正小标宋简体: { altName: '宋体', panose: '02000000000000000000', charset: '86', family: 'script', pitch: 'default' },
  方正小标宋_GBK: { altName: '宋体', panose: '02000000000000000000', charset: '86', family: 'script', pitch: 'default' },
  宋体: { altName: 'SimSun', panose: '02010600030101010101', charset: '86', family: 'auto', pitch: 'variable' },
  'Times New Roman': { panose: '02020603050405020304', charset: '00', family: 'roman', pitch: 'variable' },
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')

/** The fontTable entry for one face; an unknown face is still declared as a Chinese (GB2312) one. */
export function fontTableEntry(name: string): string {
  const f = KNOWN_FONTS[name] ?? { charset: '86', family: 'auto', pitch: 'default' }
  return (
    `<w:font w:name="${escapeXml(name)}">` +
    (f.altName ? `<w:altName w:val="${escapeXml(f.altName)}"/>` : '') +
    (f.panose ? `<w:panose1 w:val="${f.panose}"/>` : '') +
    `<w:charset w:val="${f.charset}"/><w:family w:val="${f.family}"/><w:pitch w:val="${f.pitch}"/></w:font>`
  )
}

/** Every face named in the package's XML (rFonts attributes), in first-seen order. */
function fontsUsed(parts: string[]): string[] {
  const names = new Set<string>()
  for (const xml of parts) {
    for (const m of xml.matchAll(/<w:rFonts\b([^>]*)\/>/g)) {
      for (const a of (m[1] ?? '').matchAll(/w:(?:ascii|hAnsi|eastAsia|cs)="([^"]+)"/g)) names.add(a[1]!)
    }
  }
  return [...names]
}

export function finishDocx(docx: Buffer): Buffer {
  const files = unzipSync(new Uint8Array(docx))
  const text = (p: string) => (files[p] ? strFromU8(files[p]) : '')
  const put = (p: string, s: string) => {
    files[p] = strToU8(s)
  }
  const xmlParts = Object.keys(files).filter((p) => p.startsWith('word/') && p.endsWith('.xml'))

  const fontTable = text('word/fontTable.xml')
  if (fontTable) {
    const entries = fontsUsed(xmlParts.map(text)).map(fontTableEntry).join('')
    put('word/fontTable.xml', fontTable.replace(/<w:fonts\b([^>]*?)\/>/, `<w:fonts$1>${entries}</w:fonts>`).replace(/<\/w:fonts>\s*$/, (end) => end))
  }

  const settings = text('word/settings.xml')
  if (settings && !settings.includes('w:characterSpacingControl')) {
    // Schema order: characterSpacingControl comes after evenAndOddHeaders/defaultTabStop, before compat.
    put('word/settings.xml', settings.replace('<w:compat>', '<w:characterSpacingControl w:val="doNotCompress"/><w:compat>'))
  }

  const styles = text('word/styles.xml')
  if (styles) {
    // pPrDefault holds only spacing (and possibly keep/widow flags before it): overflowPunct goes
    // right before w:spacing, its place in the CT_PPrBase sequence.
    put(
      'word/styles.xml',
      styles.replace(/(<w:pPrDefault>\s*<w:pPr>)([\s\S]*?)(<w:spacing\b)/, (_m, open: string, mid: string, spacing: string) =>
        mid.includes('w:overflowPunct') ? `${open}${mid}${spacing}` : `${open}${mid}<w:overflowPunct w:val="0"/>${spacing}`,
      ),
    )
  }

  for (const p of xmlParts.filter((p) => /^word\/footer\d+\.xml$/.test(p))) {
    // <fldChar separate/></w:r><w:r><fldChar end/> → a result run "1" in the same formatting.
    put(
      p,
      text(p).replace(
        /(<w:r>(<w:rPr>(?:(?!<\/w:rPr>)[\s\S])*<\/w:rPr>)?<w:fldChar w:fldCharType="separate"\/><\/w:r>)(<w:r>)/g,
        (_m, sep: string, rPr: string | undefined, next: string) => `${sep}<w:r>${rPr ?? ''}<w:t>1</w:t></w:r>${next}`,
      ),
    )
  }
  return Buffer.from(zipSync(files, { level: 6 }))
}

/**
 * A built document packed and finished in turns of the event loop of their own: building, docx's
 * packing and the finish above are each a stretch of synchronous work (tens of ms, the first
 * document of a run well over 100 ms while V8 compiles them), so a batch never holds the main
 * process for the three together.
 */
export async function packDocx(build: () => Document): Promise<Buffer> {
  const doc = build()
  await turn()
  const packed = await Packer.toBuffer(doc)
  await turn()
  return finishDocx(packed)
}
