/**
 * Which project a unit's form belongs to, when the sheet carries none of the product's hidden ids:
 * by 项目编码 when the sheet has one, else by 单位 (单位名称, 主管部门 or 实施单位) plus 项目名称, both
 * normalised (spaces, full and half width, brackets, the county's name and a budget year in front). One candidate is a
 * match; none or several go to the matching step in the preview. Nothing is guessed.
 */

export interface MatchCandidate {
  /** Round item id (监控/自评) or project id (绩效目标). */
  id: string
  unitName: string
  projectName: string
  projectCode: string
}

export interface SheetIdentity {
  projectCode: string
  projectName: string
  /** Every unit name the sheet gives (实施单位, 主管部门, 填报单位). */
  unitNames: string[]
}

export type MatchResult =
  | { kind: 'matched'; candidate: MatchCandidate; by: '项目编码' | '单位和项目名称' }
  | { kind: 'ambiguous' | 'unmatched'; reason: string; suggestions: MatchCandidate[] }

/** A name as compared: full-width folded, no spaces or punctuation, the county's name and "（盖章）" dropped. */
export function normalizeName(s: string, county = ''): string {
  let t = s.normalize('NFKC').replace(/[（(]\s*盖章\s*[）)]/g, '')
  t = t.replace(/[\s\u3000·•\-—–_，,。．.、:："“”'‘’()（）[\]【】<>《》]/g, '')
  const c = county.normalize('NFKC').replace(/\s/g, '')
  if (c && t.startsWith(c) && t.length > c.length) t = t.slice(c.length)
  // "师宗县" written without 县, or a county name typed in front that the settings do not know.
  if (c && c.length > 1 && /[县市区旗]$/.test(c) && t.startsWith(c.slice(0, -1)) && t.length > c.length) t = t.slice(c.length - 1)
  // "2023年度…" / "2023年…" in front of a project name: the budget year, not part of the name.
  t = t.replace(/^20\d\d年度?(?=\S{2,})/, '')
  return t.toLowerCase()
}

const normCode = (s: string) => s.normalize('NFKC').replace(/[\s\-—–]/g, '').toLowerCase()

export function matchSheet(sheet: SheetIdentity, candidates: MatchCandidate[], county = ''): MatchResult {
  const n = (s: string) => normalizeName(s, county)
  const code = normCode(sheet.projectCode)
  if (code) {
    const byCode = candidates.filter((c) => c.projectCode && normCode(c.projectCode) === code)
    if (byCode.length === 1) return { kind: 'matched', candidate: byCode[0]!, by: '项目编码' }
    if (byCode.length > 1) return { kind: 'ambiguous', reason: `项目编码“${sheet.projectCode}”对应${byCode.length}个项目`, suggestions: byCode }
  }
  const name = n(sheet.projectName)
  const units = sheet.unitNames.map(n).filter(Boolean)
  const sameName = name ? candidates.filter((c) => n(c.projectName) === name) : []
  const both = sameName.filter((c) => units.includes(n(c.unitName)))
  if (both.length === 1) return { kind: 'matched', candidate: both[0]!, by: '单位和项目名称' }
  if (both.length > 1) return { kind: 'ambiguous', reason: `单位“${sheet.unitNames.filter(Boolean)[0]}”有${both.length}个同名项目“${sheet.projectName}”`, suggestions: both }
  if (sameName.length > 0) {
    const given = sheet.unitNames.filter(Boolean)
    return {
      kind: 'unmatched',
      reason: given.length ? `项目名称相同，但单位“${given.join('”/“')}”与项目库中的单位不一致` : '表中没有填写单位名称，同名项目不止一个或无法确认',
      suggestions: sameName,
    }
  }
  const ofUnit = candidates.filter((c) => units.includes(n(c.unitName)))
  return {
    kind: 'unmatched',
    reason: code ? `项目编码“${sheet.projectCode}”和项目名称“${sheet.projectName}”都找不到对应的项目` : `找不到项目“${sheet.projectName}”${ofUnit.length ? '（该单位的项目已排在选择列表前面）' : ''}`,
    suggestions: ofUnit,
  }
}
