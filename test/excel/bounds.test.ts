/**
 * Bounded imports: a workbook is measured before it is parsed (file bytes, bytes it inflates to,
 * rows, cells, the longest cell), imported fields pass the save channels' limits, a formula without
 * a cached result is refused naming its cell, and a hidden sheet is reported. Fixtures are built
 * by hand in the layout a unit fills (预算单位 sheet: 单位编码 / 单位名称 / 主管部门 / 所属股室).
 */
import ExcelJS from 'exceljs'
import JSZip from 'jszip'
import { describe, expect, it, beforeAll, afterAll } from 'vitest'
import { monitoringFieldProblems, targetFieldProblems } from '../../electron/excel/field-limits'
import { guardWorkbookBytes } from '../../electron/excel/guard'
import { readFileSync } from 'node:fs'
import { WORKBOOK_LIMITS } from '../../shared/limits'
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

/** A unit list as a clerk types it, optionally edited before saving. */
async function unitList(rows: (string | ExcelJS.CellValue)[][], edit?: (wb: ExcelJS.Workbook, ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'Microsoft Excel'
  const ws = wb.addWorksheet('预算单位')
  ws.addRow(['单位编码', '单位名称', '主管部门', '所属股室'])
  for (const r of rows) ws.addRow(r)
  edit?.(wb, ws)
  return Buffer.from(await wb.xlsx.writeBuffer())
}

/** Replaces or adds one part inside an .xlsx (what a forger with a zip tool does). */
async function withPart(xlsx: Buffer, name: string, content: Buffer | string): Promise<Buffer> {
  const zip = await JSZip.loadAsync(xlsx)
  zip.file(name, content)
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } })
}

const units = async () => (await t.call('units/list', { includeInactive: true })).length

async function refused(file: Buffer, message: RegExp) {
  const before = await units()
  const base64 = file.toString('base64')
  for (const channel of ['units/importPreview', 'units/importApply'] as const) {
    const e = await t.fail(channel, { fileName: '单位名单.xlsx', base64 })
    expect(e.code).toBe('IMPORT_INVALID')
    expect(e.message).toMatch(message)
  }
  expect(await units()).toBe(before)
}

describe('bounds checked before parsing', () => {
  it('a zip bomb: a small file that inflates past the limit is refused before the parser runs', async () => {
    const base = await unitList([['101001', '县教育局', '', '预算股']])
    const bomb = await withPart(base, 'xl/media/padding.bin', Buffer.alloc(WORKBOOK_LIMITS.inflatedBytes + 1024 * 1024))
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024)
    await refused(bomb, /“单位名单\.xlsx”解压后超过 160 MB，不像是正常的填报表（可能是“压缩炸弹”），未导入任何数据/)
  })

  it('a workbook of more sheets than one import takes (a 自评表 of a whole city round)', async () => {
    const n = WORKBOOK_LIMITS.sheets + 1
    const many = await unitList([['101001', '县教育局', '', '预算股']], (wb) => {
      for (let i = 2; i <= n; i++) wb.addWorksheet(`项目${i}`).getCell(1, 1).value = i
    })
    await refused(many, new RegExp(`有 ${n} 张工作表，超过一次导入 ${WORKBOOK_LIMITS.sheets} 张的上限；自评表等每个项目一张工作表的表格，请按单位分别导出、填写和导入，未导入任何数据`))
  })

  it('a sheet with more rows than the limit', async () => {
    const base = await unitList([['101001', '县教育局', '', '预算股']])
    const n = WORKBOOK_LIMITS.rowsPerSheet + 1
    const rows: string[] = []
    for (let r = 1; r <= n; r++) rows.push(`<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>${r}</t></is></c></row>`)
    const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows.join('')}</sheetData></worksheet>`
    await refused(await withPart(base, 'xl/worksheets/sheet1.xml', xml), new RegExp(`工作表“预算单位”有 ${n} 行，超过 100000 行的上限`))
  })

  it('a 10,000,000-character cell', async () => {
    await refused(await unitList([['101001', '长'.repeat(10_000_000), '', '预算股']]), /有一个单元格长达 10000000 个字符，超过 Excel 单元格 32767 个字符的上限/)
  })

  it('a file over the size limit, and one that is not a zip at all', async () => {
    await expect(guardWorkbookBytes(Buffer.alloc(WORKBOOK_LIMITS.fileBytes + 1, 0x50), 'big.xlsx')).rejects.toThrow(/有 30 MB，超过 30 MB 的上限|超过 30 MB 的上限/)
    await expect(guardWorkbookBytes(Buffer.from('这不是表格'), 'x.xlsx')).rejects.toThrow(/不是有效的 Excel 工作簿/)
  })
})

describe('imported fields pass the save channels\' limits', () => {
  it('a 61-character unit name and a 31-character code are problems naming sheet, row and field; nothing is created', async () => {
    const before = await units()
    const file = await unitList([
      ['101001', '长'.repeat(61), '', '预算股'],
      ['1'.repeat(31), '县财政局', '', '预算股'],
    ])
    const preview = await t.call('units/importPreview', { fileName: 'u.xlsx', base64: file.toString('base64') })
    expect(preview.problems).toEqual(
      expect.arrayContaining([
        { sheet: '预算单位', row: 2, column: '单位名称', message: '单位名称不能超过60字' },
        expect.objectContaining({ sheet: '预算单位', row: 3, column: '单位编码' }),
      ]),
    )
    expect((await t.fail('units/importApply', { fileName: 'u.xlsx', base64: file.toString('base64') })).code).toBe('IMPORT_INVALID')
    expect(await units()).toBe(before)
  })
})

describe('formulas and hidden sheets', () => {
  it('a formula without a cached result is refused naming sheet and cell; one with a result uses it', async () => {
    await refused(
      await unitList([['101001', '县教育局', '', '预算股']], (_wb, ws) => {
        ws.getCell('B2').value = { formula: 'CONCATENATE("县","教育局")' } as ExcelJS.CellFormulaValue
      }),
      /工作表“预算单位”单元格 B2 是公式，但文件中没有保存它的计算结果/,
    )
    const cached = await unitList([['101002', '', '', '预算股']], (_wb, ws) => {
      ws.getCell('B2').value = { formula: 'CONCATENATE("县","卫健局")', result: '县卫健局' } as ExcelJS.CellFormulaValue
    })
    const preview = await t.call('units/importPreview', { fileName: 'f.xlsx', base64: cached.toString('base64') })
    expect(preview.problems).toEqual([])
    expect(preview.rows.map((r) => r.name)).toEqual(['县卫健局'])
  })

  it('a hidden sheet is reported in the preview', async () => {
    const file = await unitList([['101003', '县民政局', '', '预算股']], (wb) => {
      const hidden = wb.addWorksheet('备注')
      hidden.addRow(['单位编码', '单位名称', '主管部门', '所属股室'])
      hidden.state = 'hidden'
    })
    const preview = await t.call('units/importPreview', { fileName: 'h.xlsx', base64: file.toString('base64') })
    expect(preview.notices).toEqual(['工作簿中的工作表“备注”是隐藏的；导入时它与其他工作表一样被读取，请在 Excel 中取消隐藏核对其内容'])
    // The product's own export hides only its drop-down lists, which are not reported.
    const own = await t.call('units/exportTemplate', { withData: false })
    const again = await t.call('units/importPreview', { fileName: own.fileName, base64: readFileSync(own.path).toString('base64') })
    expect(again.notices).toEqual([])
  })
})

describe('stage workbook fields pass the save channels\' limits', () => {
  const indicator = { id: '', level1: '产出指标', level2: '数量指标', name: '清扫面积', operator: '≥', targetValue: '120', unit: '万平方米', weight: 10, explanation: '' }
  it('申报表: a 101-character 项目名称 and a 201-character 指标值', () => {
    const problems = targetFieldProblems({
      projects: [{ row: 5, id: '', unitCode: '101001', unitName: '县住建局', code: '', name: '项'.repeat(101), fundSource: '一般公共预算', category: '项目', amountFen: 100, annualGoal: '', indicators: [{ ...indicator, targetValue: '9'.repeat(201) }], indicatorRows: [] }],
      problems: [],
    })
    expect(problems).toEqual([
      { sheet: '项目信息', row: 5, column: '项目名称', message: '项目名称不能超过100字' },
      { sheet: '绩效指标', row: 0, column: '指标值', message: `项目“${'项'.repeat(30)}”的指标“清扫面积”：指标值不能超过200字` },
    ])
  })
  it('监控表: a 1001-character 偏差原因说明', () => {
    const problems = monitoringFieldProblems({
      projects: [{ row: 4, itemId: 'i', projectId: 'p', unitCode: '1', unitName: 'u', code: '', name: '环卫', budgetFen: 1, executedFen: null, forecastFen: null, deviation: '偏'.repeat(1001), measures: '', indicators: [] }],
      problems: [],
    })
    expect(problems).toEqual([{ sheet: '项目执行', row: 4, column: '偏差原因说明', message: '不能超过1000字' }])
  })
})
