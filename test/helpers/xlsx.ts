/** Builds small workbooks in tests, as base64 uploads the way the renderer sends them. */
import ExcelJS from 'exceljs'

export async function workbookBase64(sheets: Record<string, (string | number | null)[][]>, edit?: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook()
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name)
    rows.forEach((r) => ws.addRow(r))
  }
  edit?.(wb)
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64')
}
