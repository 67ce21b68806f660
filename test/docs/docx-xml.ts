/** Reading the parts of a generated .docx for assertions. */
import JSZip from 'jszip'

export interface DocxParts {
  document: string
  styles: string
  settings: string
  /** footer part name (e.g. word/footer1.xml) → XML */
  footers: Map<string, string>
  names: string[]
}

export async function unzipDocx(buffer: Buffer): Promise<DocxParts> {
  const zip = await JSZip.loadAsync(buffer)
  const read = async (name: string): Promise<string> => {
    const file = zip.file(name)
    if (!file) throw new Error(`docx 中缺少 ${name}`)
    return file.async('string')
  }
  const names = Object.keys(zip.files)
  const footers = new Map<string, string>()
  for (const name of names.filter((n) => /^word\/footer\d+\.xml$/.test(n))) footers.set(name, await read(name))
  return {
    document: await read('word/document.xml'),
    styles: await read('word/styles.xml'),
    settings: await read('word/settings.xml'),
    footers,
    names,
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** All `<w:p>` elements (paragraphs never nest, so a lazy match is exact). */
export function paragraphs(xml: string): string[] {
  return xml.match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? []
}

/** All `<w:r>` runs of a piece of XML. */
export function runs(xml: string): string[] {
  return xml.match(/<w:r[ >][\s\S]*?<\/w:r>/g) ?? []
}

/** The text of a paragraph or run, concatenated. */
export function textOf(xml: string): string {
  return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1] ?? '').join('')
}

/** The first paragraph whose text contains `text`; throws (with the texts found) when there is none. */
export function paragraphWith(xml: string, text: string): string {
  const found = paragraphs(xml).find((p) => textOf(p).includes(text))
  if (!found) throw new Error(`没有找到包含“${text}”的段落`)
  return found
}

/** The run whose own text is exactly `text`. */
export function runWith(xml: string, text: string): string {
  const want = escapeXml(text)
  const found = runs(xml).find((r) => textOf(r) === want)
  if (!found) throw new Error(`没有找到文字为“${text}”的 run`)
  return found
}

/** Value of attribute `attr` on the first `<tag …>` in xml, e.g. attr(p, 'w:ind', 'w:right'). */
export function attr(xml: string, tag: string, name: string): string | undefined {
  const el = new RegExp(`<${tag}(?=[\\s/>])[^>]*>`).exec(xml)?.[0]
  if (!el) return undefined
  return new RegExp(`\\s${name}="([^"]*)"`).exec(el)?.[1]
}
