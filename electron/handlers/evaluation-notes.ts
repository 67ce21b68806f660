/**
 * 结果运用 where it matters: when a project comes up again (a new 事前评估 proposal, the 项目库 of a
 * later year), the latest evaluation of the same unit's project of the same name is shown with
 * its grade and budget consequence.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { groupBy } from './context'

export interface NoteKey {
  unitId: string
  name: string
  /** Only evaluations of earlier budget years count. */
  beforeYear: number
}

const STAGE_NAME: Record<string, string> = { fiscaleval: '财政评价', selfeval: '单位自评' }

type NoteRow = { unit_id: string; name: string; budget_year: number; stage: string; total_score: number; grade: string; consequence: string }

/** SQLite's default limit on bound parameters is 999; unit lists are sent in chunks below it. */
const CHUNK = 900

export async function evaluationNotes(db: Kysely<DB>, keys: NoteKey[]): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  if (keys.length === 0) return out
  const unitIds = [...new Set(keys.map((k) => k.unitId))]
  // One list per unit and project name, newest budget year first, a 财政评价 before the unit's own
  // 自评 of the same year: each key then looks only at its own few rows (no scan of all rows per key).
  const found: NoteRow[] = []
  for (let i = 0; i < unitIds.length; i += CHUNK) {
    const rows = await sql<NoteRow>`
      SELECT p.unit_id, p.name, p.budget_year, r.stage, i.total_score, i.grade, i.consequence
      FROM round_items i JOIN rounds r ON r.id = i.round_id JOIN projects p ON p.id = i.project_id
      WHERE r.stage IN ('fiscaleval', 'selfeval') AND i.total_score IS NOT NULL
        AND p.unit_id IN (${sql.join(unitIds.slice(i, i + CHUNK))})
      ORDER BY p.budget_year DESC, CASE r.stage WHEN 'fiscaleval' THEN 0 ELSE 1 END`.execute(db)
    found.push(...rows.rows)
  }
  const byProject = groupBy(found, (r) => `${r.unit_id}|${r.name}`)
  for (const k of keys) {
    const key = `${k.unitId}|${k.name}`
    const hit = byProject.get(key)?.find((r) => r.budget_year < k.beforeYear)
    if (!hit) continue
    out.set(key, `${hit.budget_year}年${STAGE_NAME[hit.stage] ?? ''}：${hit.grade}（${hit.total_score}分）${hit.consequence ? '，' + hit.consequence : ''}`)
  }
  return out
}
