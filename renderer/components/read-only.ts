/**
 * Why the data on screen cannot be changed, if it cannot: a year package opened read-only, or a
 * work year that was closed and locked. Edit buttons are disabled with this sentence as their
 * tooltip, so a clerk sees it before filling in a form, not after (the backend refuses anyway).
 */
import { useEffect } from 'react'
import { create } from 'zustand'
import { call } from '../api'
import { useViewing } from '../pages/yeardata/viewing'
import { useApp } from '../store'

const useLocks = create<{ locked: Map<number, string>; load(): Promise<void> }>((set) => ({
  locked: new Map(),
  async load() {
    try {
      const r = await call('yearData/packages', {})
      set({ locked: new Map(r.years.filter((y) => y.locked).map((y) => [y.workYear, (y.lockedAt ?? '').slice(0, 10)])) })
    } catch {
      // Without the lock list the buttons stay enabled; the backend still refuses a locked year.
    }
  },
}))

/**
 * null when the work year's data may be changed; otherwise the reason, as one Chinese sentence.
 * Pass null for data of no particular year (机构, 发文登记): only a viewed package makes them read-only.
 */
export function useReadOnlyReason(workYear: number | null): string | null {
  const viewing = useViewing((s) => s.viewing)
  const info = useApp((s) => s.info)
  const dataVersion = useApp((s) => s.dataVersion)
  const locked = useLocks((s) => s.locked)
  const load = useLocks((s) => s.load)
  useEffect(() => {
    void load()
  }, [load, dataVersion])
  if (viewing || info?.readOnly) return `正在查看只读的年度数据包“${viewing?.label ?? info?.viewLabel ?? ''}”，不能修改；如需修改，请在“年度数据”中关闭数据包回到工作数据`
  const at = workYear === null ? undefined : locked.get(workYear)
  if (at !== undefined) return `${workYear}年度已结账锁定${at ? `（${at}）` : ''}，不能修改；如确需修改，请先在“年度数据”中解锁`
  return null
}
