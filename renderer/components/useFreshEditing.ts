/**
 * After "重新载入" (a save was refused because someone else changed the record meanwhile), the
 * list reloads; an edit form still open on the old copy is given the fresh one, so the next save
 * starts from the current version instead of failing again.
 */
import { useEffect } from 'react'

export function useFreshEditing<T extends { id: string; version: number }>(editing: T | 'new' | null, setEditing: (v: T) => void, rows: readonly T[]): void {
  useEffect(() => {
    if (!editing || editing === 'new') return
    const fresh = rows.find((r) => r.id === editing.id)
    if (fresh && fresh.version !== editing.version) setEditing(fresh)
  }, [rows, editing, setEditing])
}
