/** The 预算单位 list workbook: template out, list in, with row-level checks. */
import ExcelJS from 'exceljs'
import type { ImportProblem, UnitImportRow } from '../../shared/domain'
import { findSheet, readTable, type ColumnSpec } from './read-table'

export const UNIT_COLUMNS: ColumnSpec[] = [
  { key: 'code', label: '单位编码', aliases: ['编码', '单位代码', '预算单位编码', '代码'], required: true },
  { key: 'name', label: '单位名称', aliases: ['预算单位', '预算单位名称', '名称', '单位'], required: true },
  { key: 'parentName', label: '主管部门', aliases: ['主管单位', '主管部门名称'], required: false },
  { key: 'divisionName', label: '所属股室', aliases: ['股室', '资金管理股室', '归口股室', '业务股室', '责任股室'], required: true },
]

export interface ParsedUnitRow {
  row: number
  code: string
  name: string
  parentName: string
  divisionName: string
}

export interface ExistingUnit {
  code: string
  name: string
  parentName: string
  divisionName: string | null
}

export interface UnitSheetResult {
  rows: (UnitImportRow & { divisionName: string })[]
  problems: ImportProblem[]
}

/** Reads and checks the unit list against the known 股室 and the units already saved. */
export function parseUnitSheet(wb: ExcelJS.Workbook, divisionNames: Set<string>, existing: Map<string, ExistingUnit>): UnitSheetResult {
  const ws = findSheet(wb, UNIT_COLUMNS, '预算单位')
  const table = readTable(ws, UNIT_COLUMNS)
  const problems = [...table.problems]
  const rows: UnitSheetResult['rows'] = []
  const seen = new Map<string, number>()
  for (const r of table.rows) {
    const v = { code: r.values.code ?? '', name: r.values.name ?? '', parentName: r.values.parentName ?? '', divisionName: r.values.divisionName ?? '' }
    const at = (key: string, label: string, message: string) =>
      problems.push({ sheet: table.sheet, row: r.row, column: `${r.columns[key] ?? ''}（${label}）`, message })
    let ok = true
    if (!v.code) {
      at('code', '单位编码', '单位编码为空')
      ok = false
    } else if (!/^[0-9A-Za-z-]+$/.test(v.code)) {
      at('code', '单位编码', `单位编码“${v.code}”只能包含数字、字母和短横线`)
      ok = false
    } else if (seen.has(v.code)) {
      at('code', '单位编码', `单位编码“${v.code}”与第 ${seen.get(v.code)} 行重复`)
      ok = false
    } else {
      seen.set(v.code, r.row)
    }
    if (!v.name) {
      at('name', '单位名称', '单位名称为空')
      ok = false
    }
    if (!v.divisionName) {
      at('divisionName', '所属股室', '所属股室为空')
      ok = false
    } else if (!divisionNames.has(v.divisionName)) {
      at('divisionName', '所属股室', `股室“${v.divisionName}”不在股室名单中，请先在“设置—股室”中添加，或改为已有股室`)
      ok = false
    }
    if (!ok) continue
    const old = existing.get(v.code)
    const action: UnitImportRow['action'] = !old
      ? '新增'
      : old.name === v.name && old.parentName === v.parentName && old.divisionName === v.divisionName
        ? '不变'
        : '更新'
    rows.push({ row: r.row, ...v, action })
  }
  if (table.problems.length === 0 && table.rows.length === 0) {
    problems.push({ sheet: table.sheet, row: table.headerRow + 1, column: '', message: '表中没有单位数据' })
  }
  return { rows, problems }
}

/** A workbook for units to fill or for the bureau to keep, with a 股室 drop-down. */
export async function buildUnitWorkbook(divisionNames: string[], units: ExistingUnit[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = '预算绩效管理'
  const help = wb.addWorksheet('填表说明')
  help.getColumn(1).width = 90
  ;[
    '预算单位名单填表说明',
    '1. 在“预算单位”工作表中每行填写一个预算单位；表头请勿修改。',
    '2. 单位编码：预算单位编码，只能包含数字、字母和短横线，不能重复；再次导入时按编码更新，不会重复新增。',
    '3. 所属股室：从下拉列表中选择负责审核该单位的资金管理股室；名单以“设置—股室”为准。',
    '4. 主管部门：可不填。',
  ].forEach((t, i) => {
    const c = help.getCell(i + 1, 1)
    c.value = t
    if (i === 0) c.font = { bold: true, size: 14 }
  })
  const ws = wb.addWorksheet('预算单位')
  ws.columns = [
    { header: '单位编码', key: 'code', width: 16 },
    { header: '单位名称', key: 'name', width: 36 },
    { header: '主管部门', key: 'parentName', width: 30 },
    { header: '所属股室', key: 'divisionName', width: 16 },
  ]
  ws.getRow(1).font = { bold: true }
  ws.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } }
  ws.views = [{ state: 'frozen', ySplit: 1 }]
  for (const u of units) ws.addRow({ ...u, divisionName: u.divisionName ?? '' })
  const list = wb.addWorksheet('股室名单')
  divisionNames.forEach((n, i) => (list.getCell(i + 1, 1).value = n))
  list.state = 'veryHidden'
  const last = Math.max(units.length + 200, 500)
  for (let r = 2; r <= last; r++) {
    ws.getCell(r, 1).numFmt = '@'
    if (divisionNames.length > 0) {
      ws.getCell(r, 4).dataValidation = {
        type: 'list',
        allowBlank: false,
        formulae: [`股室名单!$A$1:$A$${divisionNames.length}`],
        showErrorMessage: true,
        errorTitle: '股室不在名单中',
        error: '请从下拉列表中选择股室',
      }
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer())
}
