/** 基础工作 · 业务培训 records, listed by work year. */
import { randomUUID } from 'node:crypto'
import type { Training } from '../../shared/domain'
import type { TrainingRow } from '../db/schema'
import { parseJson, type Handlers } from './context'

const toTraining = (r: TrainingRow): Training => ({
  id: r.id,
  workYear: r.work_year,
  date: r.date,
  title: r.title,
  organiser: r.organiser,
  form: r.form,
  divisionIds: parseJson<string[]>(r.division_ids, []),
  unitIds: parseJson<string[]>(r.unit_ids, []),
  participantCount: r.participant_count,
  notes: r.notes,
  version: r.version,
})

export const trainingHandlers: Pick<Handlers, 'trainings/list' | 'trainings/save' | 'trainings/remove'> = {
  async 'trainings/list'({ workYear }, ctx) {
    let q = ctx.db.selectFrom('trainings').selectAll()
    if (workYear) q = q.where('work_year', '=', workYear)
    return (await q.orderBy('date').execute()).map(toTraining)
  },

  async 'trainings/save'(input, ctx) {
    await ctx.assertYearOpen(Number(input.date.slice(0, 4)))
    const id = input.id ?? randomUUID()
    const row = {
      work_year: Number(input.date.slice(0, 4)),
      date: input.date,
      title: input.title,
      organiser: input.organiser,
      form: input.form,
      division_ids: JSON.stringify(input.divisionIds),
      unit_ids: JSON.stringify(input.unitIds),
      participant_count: input.participantCount,
      notes: input.notes,
    }
    await ctx.write(async (w) => (input.id ? void (await w.update('trainings', id, row, { version: input.version })) : w.insert('trainings', { id, ...row })))
    return toTraining(await ctx.db.selectFrom('trainings').selectAll().where('id', '=', id).executeTakeFirstOrThrow())
  },

  async 'trainings/remove'({ id }, ctx) {
    const t = await ctx.db.selectFrom('trainings').select('work_year').where('id', '=', id).executeTakeFirst()
    if (t) await ctx.assertYearOpen(t.work_year)
    await ctx.write((w) => w.remove('trainings', id))
    return { removed: true }
  },
}
