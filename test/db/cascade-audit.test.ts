/**
 * Audit without gaps: removing a record removes what the schema cascades from it (ON DELETE
 * CASCADE) through the Writer first, so each removed row is in the log with its content.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanup } from '../helpers/backend'
import { makeStageBackend } from '../helpers/stage-setup'

type T = Awaited<ReturnType<typeof makeStageBackend>>
let t: T
beforeAll(async () => {
  t = await makeStageBackend()
})
afterAll(async () => {
  await t.close()
  cleanup(t.dataDir)
})

const deletes = () =>
  t.backend.ctx.working.sqlite.prepare("SELECT entity, entity_id AS id, before FROM audit_log WHERE action = 'delete' ORDER BY audit_log.rowid").all() as { entity: string; id: string; before: string }[]

describe('cascaded deletes', () => {
  it('a round removed with its items, their reviews and monitoring values: every row logged, children first', async () => {
    const at = '2024-10-08T09:00:00.000Z'
    await t.backend.ctx.write(async (w) => {
      await w.insert('indicators', { id: 'ind-1', project_id: t.projects.p1.id, level1: '产出指标', level2: '数量指标', name: '清扫面积', operator: '≥', target_value: '120', unit: '万平方米', weight: 15, explanation: '', sort: 1 })
      await w.insert('rounds', { id: 'r-1', stage: 'monitoring', work_year: 2024, budget_year: 2024, title: '2024年1-9月监控', deadline: null, as_of_month: 9, unit_ids: '[]', notes: '' })
      await w.insert('round_items', { id: 'it-1', round_id: 'r-1', project_id: t.projects.p1.id, status: '待填报', review_count: 1, conclusion: null, result_use: '', is_public: 0, public_date: null, executed_fen: null, forecast_fen: null, deviation: '', measures: '', light: null, submitted_at: null, reviewed_at: null })
      await w.insert('reviews', { id: 'rv-1', item_id: 'it-1', seq: 1, action: 'return', conclusion: null, summary: '请补充', opinions: '[]', operator_id: null, division_id: null, at })
      await w.insert('indicator_values', { id: 'iv-1', item_id: 'it-1', indicator_id: 'ind-1', actual: '100', forecast: '120', likelihood: '确定能', causes: '[]', measures: '', light: null })
    })
    const before = deletes().length
    await t.backend.ctx.write((w) => w.remove('rounds', 'r-1'))
    const logged = deletes().slice(before)
    expect(logged.map((d) => `${d.entity}:${d.id}`)).toEqual(['indicator_values:iv-1', 'reviews:rv-1', 'round_items:it-1', 'rounds:r-1'])
    expect(JSON.parse(logged[1]!.before)).toMatchObject({ id: 'rv-1', summary: '请补充' })
    const w = t.backend.ctx.working.sqlite
    for (const [table, id] of [['round_items', 'it-1'], ['reviews', 'rv-1'], ['indicator_values', 'iv-1']]) {
      expect(w.prepare(`SELECT count(*) n FROM ${table} WHERE id = ?`).get(id)).toEqual({ n: 0 })
    }
  })

  it('through a channel: a project removed with its indicators logs each indicator', async () => {
    await t.call('targets/save', {
      projectId: t.projects.p2.id,
      annualGoal: '资助家庭经济困难学生',
      indicators: [{ level1: '产出指标', level2: '数量指标', name: '资助人数', operator: '≥', targetValue: '500', unit: '人', weight: 20, explanation: '' }],
    })
    const ind = t.backend.ctx.working.sqlite.prepare('SELECT id FROM indicators WHERE project_id = ?').get(t.projects.p2.id) as { id: string }
    const before = deletes().length
    await t.call('projects/remove', { id: t.projects.p2.id })
    expect(deletes().slice(before).map((d) => `${d.entity}:${d.id}`)).toEqual([`indicators:${ind.id}`, `projects:${t.projects.p2.id}`])
  })
})
