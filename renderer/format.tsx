/** Small display helpers shared by the pages. */
import { Tag } from 'antd'
import type { ExanteConclusion } from '../shared/exante'
import { formatWan } from '../shared/money'

/** 分 → "1573.00" (万元, 2 decimals, as the bureau's tables write it). */
export const wan = (fen: number | null | undefined) => (fen === null || fen === undefined ? '' : formatWan(fen))

export const CONCLUSION_COLORS: Record<ExanteConclusion, string> = {
  予以支持: 'green',
  调整后予以支持: 'gold',
  不予支持: 'red',
}

export function ConclusionTag({ value, empty = '未确认' }: { value: ExanteConclusion | null | undefined; empty?: string }) {
  if (!value) return <Tag>{empty}</Tag>
  return <Tag color={CONCLUSION_COLORS[value]}>{value}</Tag>
}

/** Sort comparator for Chinese text columns. */
export const zhCompare = (a: string, b: string) => a.localeCompare(b, 'zh-CN')

/** A fresh short id for keys made in the renderer (e.g. a new scoring dimension). */
export function shortKey(prefix = 'k'): string {
  return prefix + Math.random().toString(36).slice(2, 8)
}
