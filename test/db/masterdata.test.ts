/** 股室, 预算单位 and their Excel import against a real SQLite file. */
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, makeSetUpBackend } from '../helpers/backend'
import { workbookBase64 } from '../helpers/xlsx'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach(cleanup))
async function setUp() {
  const t = await makeSetUpBackend()
  dirs.push(t.dataDir)
  return t
}
const HEAD = ['单位编码', '单位名称', '主管部门', '所属股室']

describe('预算单位 import', () => {
  it('previews, applies in one go, and re-import updates instead of duplicating', async () => {
    const t = await setUp()
    const base64 = await workbookBase64({
      预算单位: [HEAD, ['101001', '师宗县教育体育局', '', '教科文股'], ['101002', '师宗县第一中学', '师宗县教育体育局', '教科文股']],
    })
    const preview = await t.call('units/importPreview', { fileName: 'a.xlsx', base64 })
    expect(preview.problems).toEqual([])
    expect(preview.counts).toEqual({ create: 2, update: 0, unchanged: 0 })
    expect(await t.call('units/list', {})).toHaveLength(0) // a preview changes nothing
    expect(await t.call('units/importApply', { fileName: 'a.xlsx', base64 })).toEqual({ created: 2, updated: 0, unchanged: 0 })

    const again = await workbookBase64({
      Sheet1: [['预算单位名单'], [], ['编码', '预算单位名称', '主管部门', '股室'], [101001, '师宗县教育体育局', '', '教科文股'], ['101002', '师宗县第一中学（更名）', '师宗县教育体育局', '教科文股'], [null, null, null, null], ['', '', '', '']],
    })
    expect((await t.call('units/importPreview', { fileName: 'b.xlsx', base64: again })).counts).toEqual({ create: 0, update: 1, unchanged: 1 })
    expect(await t.call('units/importApply', { fileName: 'b.xlsx', base64: again })).toEqual({ created: 0, updated: 1, unchanged: 1 })
    const units = await t.call('units/list', {})
    expect(units.map((u) => u.name)).toEqual(['师宗县教育体育局', '师宗县第一中学（更名）'])
    expect(units[0]!.divisionName).toBe('教科文股')
  })

  it('names sheet, row and column of every problem, and a workbook with problems changes nothing', async () => {
    const t = await setUp()
    const base64 = await workbookBase64({
      预算单位: [
        HEAD,
        ['101001', '师宗县教育体育局', '', '教科文股'],
        ['101001', '师宗县第一中学', '', '教科文股'],
        ['101003', '师宗县公安局', '', '政法股'],
        ['10-1 4', '', '', ''],
      ],
    })
    const preview = await t.call('units/importPreview', { fileName: 'bad.xlsx', base64 })
    expect(preview.problems).toEqual([
      { sheet: '预算单位', row: 3, column: 'A（单位编码）', message: '单位编码“101001”与第 2 行重复' },
      { sheet: '预算单位', row: 4, column: 'D（所属股室）', message: expect.stringContaining('股室“政法股”不在股室名单中') },
      { sheet: '预算单位', row: 5, column: 'A（单位编码）', message: '单位编码“10-1 4”只能包含数字、字母和短横线' },
      { sheet: '预算单位', row: 5, column: 'B（单位名称）', message: '单位名称为空' },
      { sheet: '预算单位', row: 5, column: 'D（所属股室）', message: '所属股室为空' },
    ])
    const err = await t.fail('units/importApply', { fileName: 'bad.xlsx', base64 })
    expect(err.code).toBe('IMPORT_INVALID')
    expect(err.message).toContain('未导入任何数据')
    expect(await t.call('units/list', {})).toHaveLength(0)
  })

  it('reports a missing column by name', async () => {
    const t = await setUp()
    const base64 = await workbookBase64({ 预算单位: [['单位编码', '单位名称'], ['101001', '师宗县教育体育局']] })
    const p = await t.call('units/importPreview', { fileName: 'x.xlsx', base64 })
    expect(p.problems).toEqual([{ sheet: '预算单位', row: 1, column: '所属股室', message: '表头缺少“所属股室”列，请按模板填写表头' }])
  })

  it.each([
    ['a text file renamed .xlsx', Buffer.from('单位编码,单位名称').toString('base64'), '不是有效的 Excel 工作簿'],
    ['an old .xls file', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]).toString('base64'), '旧版 Excel 97-2003'],
  ])('refuses %s with a Chinese message', async (_n, base64, msg) => {
    const t = await setUp()
    const err = await t.fail('units/importPreview', { fileName: '名单.xlsx', base64 })
    expect(err.code).toBe('IMPORT_INVALID')
    expect(err.message).toContain(msg)
    expect(err.message).toContain('名单.xlsx')
  })

  it('reads merged title cells and numbers stored as text', async () => {
    const t = await setUp()
    const base64 = await workbookBase64({ 预算单位: [['师宗县预算单位名单', null, null, null], HEAD, ['  101001 ', ' 师宗县教育体育局 ', '', '教科文股']] }, (wb) =>
      wb.getWorksheet('预算单位')!.mergeCells('A1:D1'),
    )
    const p = await t.call('units/importPreview', { fileName: 'm.xlsx', base64 })
    expect(p.problems).toEqual([])
    expect(p.rows[0]).toMatchObject({ row: 3, code: '101001', name: '师宗县教育体育局' })
  })

  it('exports a template that imports back unchanged', async () => {
    const t = await setUp()
    await t.call('units/save', { code: '101001', name: '师宗县教育体育局', parentName: '', divisionId: t.divisions.jkw.id })
    const out = await t.call('units/exportTemplate', { withData: true })
    const { readFileSync } = await import('node:fs')
    const base64 = readFileSync(out.path).toString('base64')
    const p = await t.call('units/importPreview', { fileName: out.fileName, base64 })
    expect(p.problems).toEqual([])
    expect(p.counts).toEqual({ create: 0, update: 0, unchanged: 1 })
  })
})

describe('股室 and units editing', () => {
  it('refuses a duplicate unit code and a duplicate 股室 name', async () => {
    const t = await setUp()
    await t.call('units/save', { code: '101001', name: '甲', parentName: '', divisionId: null })
    expect((await t.fail('units/save', { code: '101001', name: '乙', parentName: '', divisionId: null })).message).toBe('单位编码“101001”已被“甲”使用')
    expect((await t.fail('divisions/save', { name: '教科文股' })).code).toBe('CONFLICT')
  })
  it('will not remove a 股室 that still has units', async () => {
    const t = await setUp()
    await t.call('units/save', { code: '101001', name: '师宗县教育体育局', parentName: '', divisionId: t.divisions.jkw.id })
    const err = await t.fail('divisions/remove', { id: t.divisions.jkw.id })
    expect(err.message).toContain('“师宗县教育体育局”')
  })
})
