/** Seeds the editable indicator library once from resources/, so deleted entries stay deleted. */
import { randomUUID } from 'node:crypto'
import library from '../resources/indicator-library.json'
import type { Kysely } from 'kysely'
import type { DB } from './db/schema'
import { withWriter } from './db/writer'

export async function seedIndicatorLibrary(db: Kysely<DB>, now: Date): Promise<number> {
  const flag = await db.selectFrom('settings').select('value').where('key', '=', 'librarySeeded').executeTakeFirst()
  if (flag) return 0
  // Seeding is the system's own act: no operator is chosen yet, so the audit rows carry none.
  await withWriter(db, null, now, async (w) => {
    for (const e of library) {
      await w.insert('library_indicators', {
        id: randomUUID(),
        level1: e.level1,
        level2: e.level2,
        name: e.name,
        operator: e.operator,
        target_value: e.targetValue,
        unit: e.unit,
        explanation: e.explanation,
        field: e.field,
      })
    }
    await w.trx.insertInto('settings').values({ key: 'librarySeeded', value: JSON.stringify(now.toISOString()) }).execute()
  })
  return library.length
}
