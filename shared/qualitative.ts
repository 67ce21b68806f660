/**
 * 定性 完成值 and the three levels of 财预〔2020〕10号. A value is matched to a level only when it is the
 * level's name or one of its synonyms, exactly (after removing spaces and punctuation): "未达成年度指标"
 * and "部分达成年度指标" share their first characters with "达成年度指标", so no prefix or substring
 * test can tell them apart. The synonym lists are settings; the defaults are words units write.
 */

export interface QualitativeLevel {
  level: string
  /** Suggested share of the weight, and the range a final score may take without a reason. */
  suggest: number
  min: number
  max: number
  /** Other words for this level, matched exactly. */
  synonyms: string[]
}

/** Default synonyms for the three 10号 levels, by level name. */
export const DEFAULT_QUALITATIVE_SYNONYMS: Record<string, string[]> = {
  达成年度指标: ['达成', '达成预期指标', '达成预期目标', '已达成', '全部达成', '完成', '已完成', '全部完成', '好', '达到预期', '已实现'],
  部分达成年度指标并具有一定效果: ['部分达成', '部分达成年度指标', '部分达成预期指标', '部分完成', '基本完成', '基本达成', '基本达到', '较好'],
  未达成年度指标且效果较差: ['未达成', '未达成年度指标', '未达成预期指标', '未完成', '没有完成', '未达到', '未实现', '差', '较差'],
}

const norm = (s: string) =>
  s
    .normalize('NFKC')
    .replace(/[\s\u3000,，.。;；:：!！、'"“”‘’()（）【】\[\]]/g, '')
    .toLowerCase()

/** Index (0, 1, 2) of the level a 完成值 names, or null when it names none or more than one. */
export function matchQualitative(text: string, levels: QualitativeLevel[]): number | null {
  const t = norm(text)
  if (!t) return null
  const hits = levels.flatMap((l, i) => ([l.level, ...l.synonyms].some((w) => norm(w) === t) ? [i] : []))
  return hits.length === 1 ? hits[0]! : null
}

/** Words that appear in more than one level (a setting that cannot be matched); empty when fine. */
export function ambiguousSynonyms(levels: QualitativeLevel[]): string[] {
  const owner = new Map<string, number>()
  const out = new Set<string>()
  levels.forEach((l, i) => {
    for (const w of [l.level, ...l.synonyms]) {
      const k = norm(w)
      if (!k) continue
      if (owner.has(k) && owner.get(k) !== i) out.add(w)
      else owner.set(k, i)
    }
  })
  return [...out]
}

/** "“达成年度指标”“部分达成…”…" for messages. */
export const levelNames = (levels: QualitativeLevel[]) => levels.map((l) => `“${l.level}”`).join('')
