/**
 * sheetBySheet (targets-sheet.ts): a streamed workbook of many small sheets, each let go once
 * committed, the zip's central directory written in slices. It reaches into exceljs and archiver:
 * these tests fail first when an upgrade changes what it relies on.
 */
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { sheetBySheet, toBuffer } from '../../electron/excel/targets-sheet'

describe('sheetBySheet', () => {
  it('knows the zip library installed (its central directory is written in slices)', async () => {
    await toBuffer(async (out) => {
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false } as Partial<ExcelJS.stream.xlsx.WorkbookStreamWriterOptions>)
      expect(sheetBySheet(wb, 4).slicedDirectory).toBe(true)
      await wb.commit()
    })
  })

  it('writes 1,203 sheets (three slices of the central directory), every one readable, in order, with its merges and drop-downs', async () => {
    const names = Array.from({ length: 1203 }, (_, i) => `表${i + 1}`)
    const buf = await toBuffer(async (out) => {
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false } as Partial<ExcelJS.stream.xlsx.WorkbookStreamWriterOptions>)
      const sheets = sheetBySheet(wb, 4)
      for (const [i, name] of names.entries()) {
        const ws = wb.addWorksheet(name)
        ws.mergeCells(1, 1, 1, 3)
        ws.getCell(1, 1).value = `第${i + 1}张`
        ws.getCell(2, 2).dataValidation = { type: 'list', allowBlank: true, formulae: ['"甲,乙"'] }
        await sheets.commit(ws)
      }
      await wb.commit()
    })
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(buf as unknown as ArrayBuffer)
    expect(wb.worksheets.map((w) => w.name)).toEqual(names)
    for (const k of [0, 499, 500, 1202]) {
      const ws = wb.worksheets[k]!
      expect(ws.getCell(1, 1).value).toBe(`第${k + 1}张`)
      expect(ws.getCell(1, 3).isMerged).toBe(true)
      expect(ws.getCell(2, 2).dataValidation).toMatchObject({ type: 'list', formulae: ['"甲,乙"'] })
    }
  }, 60_000)
})
