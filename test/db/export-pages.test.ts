/**
 * A round's workbook is written a page of EXPORT_PAGE items at a time (申报表 and 监控表: their
 * indicators and values). Rounds of EXPORT_PAGE + 3 projects, so the last page holds three: every
 * project and indicator exactly once, in the workbook's order, each with its own indicators and
 * values on both sides of the page boundary. The 自评表 (a sheet per project) goes out a file per
 * unit at this size. What each row should hold is read from the database with SQL of its own, not
 * from the export's code.
 */
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXPORT_PAGE } from '../../electron/handlers/stage-excel'
import { WORKBOOK_LIMITS } from '../../shared/limits'
import { generateCity } from '../../scripts/bench/city-data'
import { cleanup, makeBackend, type TestBackend } from '../helpers/backend'

const PROJECTS = EXPORT_PAGE + 3
let t: TestBackend
let currentYear: number

beforeAll(async () => {
  t = await makeBackend()
  const sqlite = t.backend.ctx.sqlite
  const operator = sqlite.prepare('SELECT id FROM operators LIMIT 1').pluck().get() as string
  currentYear = generateCity(sqlite, operator, { years: [2023, 2024], units: 7, projectsPerYear: PROJECTS, indicatorsPerProject: 4 }).currentYear
  // Every value its own (the generator writes the same 完成值 everywhere), and the 自评 filled in.
  sqlite.exec("UPDATE indicator_values SET actual = 'm' || substr(id, 1, 8)")
  sqlite.exec(`INSERT INTO indicator_values (id, item_id, indicator_id, actual, forecast, likelihood, causes, measures, light, created_at, updated_at)
    SELECT lower(hex(randomblob(16))), i.id, x.id, 's' || substr(x.id, 1, 8), '', '', '[]', '', NULL, '2024-01-01', '2024-01-01'
    FROM round_items i JOIN rounds r ON r.id = i.round_id JOIN indicators x ON x.project_id = i.project_id WHERE r.stage = 'selfeval'`)
}, 60_000)
afterAll(() => cleanup(t.dataDir))

/** The round's items in the workbook's order, each with its indicators (sort order) and 完成值 (SQL of the test's own). */
function expected(stage: string) {
  const sqlite = t.backend.ctx.sqlite
  const round = sqlite.prepare('SELECT id FROM rounds WHERE stage = ? AND work_year = ?').pluck().get(stage, currentYear) as string
  const items = sqlite
    .prepare('SELECT i.id AS item, p.id AS project, p.name FROM round_items i JOIN projects p ON p.id = i.project_id JOIN units u ON u.id = p.unit_id WHERE i.round_id = ? ORDER BY u.code, p.name, i.id')
    .all(round) as { item: string; project: string; name: string }[]
  const indicators = sqlite.prepare('SELECT x.id, v.actual FROM indicators x LEFT JOIN indicator_values v ON v.indicator_id = x.id AND v.item_id = ? WHERE x.project_id = ? ORDER BY x.sort')
  return { round, items: items.map((it) => ({ ...it, indicators: indicators.all(it.item, it.project) as { id: string; actual: string | null }[] })) }
}

async function exported(roundId: string): Promise<ExcelJS.Workbook> {
  const out = await t.call('stageExcel/export', { roundId, unitIds: [], oneFile: true })
  expect(out.paths).toHaveLength(1)
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(out.paths[0]!)
  return wb
}

/** A sheet's data rows (below its header row) as header → value. */
function rowsOf(ws: ExcelJS.Worksheet): Record<string, unknown>[] {
  let headerRow = 0
  ws.eachRow((row, r) => {
    if (!headerRow && (row.values as unknown[]).some((v) => v === '项目编号' || v === '指标编号')) headerRow = r
  })
  const header = (ws.getRow(headerRow).values as unknown[]).map((h) => (typeof h === 'string' ? h.split('\n')[0]! : ''))
  const out: Record<string, unknown>[] = []
  for (let r = headerRow + 1; r <= ws.rowCount; r++) {
    const values = ws.getRow(r).values as unknown[]
    if (!values.some((v) => v !== null && v !== undefined && v !== '')) continue
    out.push(Object.fromEntries(header.map((h, c) => [h, values[c]]).filter(([h]) => h)))
  }
  return out
}

describe(`a round of ${EXPORT_PAGE} + 3 projects in one workbook`, () => {
  it('申报表: every project and every indicator once, in order, on both sides of the page boundary', async () => {
    const want = expected('targets')
    expect(want.items).toHaveLength(PROJECTS)
    const wb = await exported(want.round)
    const projects = rowsOf(wb.getWorksheet('项目信息')!).filter((r) => r['项目编号'])
    expect(projects.map((r) => r['项目编号'])).toEqual(want.items.map((it) => it.project))
    const indicators = rowsOf(wb.getWorksheet('绩效指标')!).filter((r) => r['指标编号'])
    expect(indicators.map((r) => [r['项目编号'], r['指标编号']])).toEqual(want.items.flatMap((it) => it.indicators.map((x) => [it.project, x.id])))
  }, 60_000)

  it('监控表: each indicator with its own 完成值, on both sides of the page boundary', async () => {
    const want = expected('monitoring')
    const wb = await exported(want.round)
    const sheet = wb.worksheets.find((w) => rowsOf(w).some((r) => r['指标编号']))!
    const rows = rowsOf(sheet).filter((r) => r['指标编号'])
    const expectedRows = want.items.flatMap((it) => it.indicators.map((x) => [x.id, x.actual ?? '']))
    expect(rows).toHaveLength(PROJECTS * 4)
    const actualColumn = Object.keys(rows[0]!).find((h) => h.startsWith('1-') || h.includes('完成值'))!
    expect(rows.map((r) => [r['指标编号'], String(r[actualColumn] ?? '')])).toEqual(expectedRows)
    // The values straddling the boundary are the generated ones, not blanks.
    expect(expectedRows.slice((EXPORT_PAGE - 1) * 4, (EXPORT_PAGE + 1) * 4).every(([, a]) => /^m/.test(a!))).toBe(true)
  }, 60_000)

  it('自评表: a file per unit, a sheet per project in order, each with its own indicators and 完成值; one file for the round is refused', async () => {
    const want = expected('selfeval')
    const one = await t.fail('stageExcel/export', { roundId: want.round, unitIds: [], oneFile: true })
    expect(one.message).toBe(`自评表每个项目一张工作表，一个文件最多 ${WORKBOOK_LIMITS.sheets - 2} 个项目（再多 Excel、WPS 打开缓慢，导入时也会被拒绝），本任务有 ${PROJECTS} 个项目；请选择“每个单位一个文件”`)
    const out = await t.call('stageExcel/export', { roundId: want.round, unitIds: [], oneFile: false })
    expect(out.paths).toHaveLength(7)
    const seen: { item: unknown; project: unknown; indicators: { id: string; actual: unknown }[] }[] = []
    for (const path of out.paths) {
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.readFile(path)
      expect(wb.worksheets[0]!.name).toBe('填表说明')
      expect(wb.worksheets[wb.worksheets.length - 1]!.name).toBe('下拉列表')
      for (const ws of wb.worksheets.slice(1, -1)) {
        // Hidden column K: 自评编号 in K2, 项目编号 in K4, then the 指标编号 down the indicator rows.
        const indicators: { id: string; actual: unknown }[] = []
        ws.eachRow((row, r) => {
          const id = row.getCell(11).value
          if (r > 6 && typeof id === 'string' && id !== '指标编号') indicators.push({ id, actual: row.getCell(7).value })
        })
        seen.push({ item: ws.getCell('K2').value, project: ws.getCell('K4').value, indicators })
      }
    }
    expect(seen).toEqual(want.items.map((it) => ({ item: it.item, project: it.project, indicators: it.indicators.map((x) => ({ id: x.id, actual: x.actual })) })))
  }, 60_000)
})
