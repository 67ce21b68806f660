/**
 * One source for text lengths: the limits a year package or an import is held to are read from the
 * save channels' own schemas. The numbers below are written from the channels' rules (units/save
 * caps a name at 60, an operator's name at 20, a 信用代码 at 18 …), and a real save at the limit and
 * one over shows the channel draws the line at the same place.
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channelMaxLength, COLUMN_LIMITS, COLUMN_SOURCES } from '../../shared/column-limits'
import { cleanup, makeSetUpBackend } from '../helpers/backend'

type T = Awaited<ReturnType<typeof makeSetUpBackend>>
let t: T
beforeAll(async () => {
  t = await makeSetUpBackend()
})
afterAll(async () => {
  await t.close()
  cleanup(t.dataDir)
})

describe('column limits come from the save channels', () => {
  it('has the channels’ numbers', () => {
    expect(COLUMN_LIMITS.units).toMatchObject({ name: 60, code: 30, parent_name: 60 })
    expect(COLUMN_LIMITS.operators!.name).toBe(20)
    expect(COLUMN_LIMITS.agencies!.credit_code).toBe(18)
    expect(COLUMN_LIMITS.rectifications).toEqual({ requirements: 2000, report_content: 5000 })
    expect(COLUMN_LIMITS.indicators).toEqual({ name: 100, target_value: 200, unit: 20, explanation: 500 })
    // Two channels write a 发文's recipients (制发公文 2000, 登记 500): the column takes the larger.
    expect(COLUMN_LIMITS.documents).toMatchObject({ recipients: 2000, title: 200, prefix: 20, file_name: 260 })
    // 运行监控's 偏差说明 (1000) and 自评's 执行率说明 (500) share round_items.deviation.
    expect(COLUMN_LIMITS.round_items!.deviation).toBe(1000)
  })

  it('units/save and agencies/save draw the line where the package check does', async () => {
    const unit = (name: string, code: string) => ({ code, name, parentName: '', divisionId: null })
    const n = COLUMN_LIMITS.units!.name!
    expect((await t.call('units/save', unit('局'.repeat(n), '101001'))).name).toHaveLength(60)
    const e = await t.fail('units/save', unit('局'.repeat(n + 1), '101002'))
    expect(e.code).toBe('VALIDATION')
    expect(e.message).toContain('不能超过60字')
    const agency = (contact: string) => ({ name: '某会计师事务所', creditCode: '', contact, phone: '', qualifications: '', notes: '' })
    expect((await t.fail('agencies/save', agency('张'.repeat(COLUMN_LIMITS.agencies!.contact! + 1)))).code).toBe('VALIDATION')
    expect((await t.call('agencies/save', agency('张'.repeat(COLUMN_LIMITS.agencies!.contact!)))).contact).toHaveLength(20)
  })

  it('every named column exists in the database the migrations build', async () => {
    for (const [table, cols] of Object.entries(COLUMN_SOURCES)) {
      const have = (await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`.execute(t.backend.ctx.working.db)).rows.map((r) => r.name)
      for (const col of Object.keys(cols)) expect(have, `${table}.${col}`).toContain(col)
    }
  })

  it('a path without a length limit, or not in the channel, is an error rather than a silent default', () => {
    expect(() => channelMaxLength('units/save', 'nickname')).toThrow('units/save 的输入中没有 nickname')
    expect(() => channelMaxLength('units/save', 'divisionId')).toThrow('units/save 的 divisionId 没有长度上限')
    expect(channelMaxLength('targets/save', 'indicators.*.unit')).toBe(20)
  })
})
