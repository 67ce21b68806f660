/**
 * 项目库 import, in three steps the clerk sees: read (the file is parsed once and kept under a
 * token; columns are guessed, or taken from the mapping remembered for files with the same
 * headers), preview (row-level Chinese problems, unknown units, 元/万元 confirmed), apply (one
 * transaction; re-importing updates by 项目编码 and never duplicates).
 *
 * Budget lines: every row of the list is one line of the year's budget, stored as a project.
 * A line whose 编报绩效目标 is 否 (needs_targets = 0) is monitored for its money only and is
 * left out of 绩效目标 rounds; a project with several 资金 lines is imported as one line each
 * (each has its own 项目编码 in the 一体化 export).
 */
import { randomUUID } from 'node:crypto'
import { KeptFiles } from '../excel/kept-files'
import type { ImportProblem } from '../../shared/domain'
import { parseMoney, type MoneyUnit } from '../../shared/money'
import {
  PROJECT_FIELD_SPECS,
  PROJECT_FIELDS,
  normalizeUnitName,
  type ColumnMapping,
  type ProjectField,
  type ProjectImportPreview,
  type ProjectImportRead,
  type ProjectImportResult,
  type ProjectImportRowPreview,
  type UnitResolution,
  type UnknownUnit,
} from '../../shared/project-import'
import { AppError } from '../../shared/result'
import {
  detectMoneyUnit,
  guessMapping,
  headersOfMapping,
  isTotalRow,
  locateTable,
  mappingFromHeaders,
  normalizeCategory,
  normalizeFundChannel,
  normalizeFundSource,
  parseYesNo,
  readGrids,
  titleMoneyUnit,
  type LocatedTable,
} from '../excel/project-list'
import type { Ctx, Handlers } from './context'

/** Settings-table key holding the remembered mappings, by header shape. */
export const MAPPINGS_KEY = 'project_import_mappings'
const MAX_REMEMBERED = 30
const MAX_KEPT_FILES = 4

interface Remembered {
  headers: Partial<Record<ProjectField, string>>
  moneyUnit: MoneyUnit | null
  at: string
}

interface KeptFile {
  fileName: string
  table: LocatedTable
}

/** Parsed files waiting for their preview/apply, newest last. */
const kept = new KeptFiles<KeptFile>(MAX_KEPT_FILES)
const keep = (file: KeptFile) => kept.keep(file)
const takeKept = (token: string) => kept.take(token)

async function rememberedMappings(db: Ctx['db']): Promise<Record<string, Remembered>> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', MAPPINGS_KEY).executeTakeFirst()
  if (!row) return {}
  try {
    return JSON.parse(row.value) as Record<string, Remembered>
  } catch {
    return {}
  }
}

export interface ImportChoices {
  token: string
  budgetYear: number
  mapping: ColumnMapping
  moneyUnit: MoneyUnit
  units: Record<string, UnitResolution>
}

interface PlannedRow {
  preview: ProjectImportRowPreview
  unitKey: string
  unitId: string | null
  existingId: string | null
  row: {
    code: string
    name: string
    amount_fen: number
    fund_source: string
    fund_channel: string
    category: string
    needs_targets: number
  }
}

interface Plan {
  file: KeptFile
  preview: ProjectImportPreview
  planned: PlannedRow[]
  newUnits: { key: string; code: string; name: string; divisionId: string | null }[]
}

function unitKeyOf(code: string, name: string): string {
  return code ? `code:${code}` : `name:${normalizeUnitName(name)}`
}

async function plan(ctx: Ctx, choices: ImportChoices): Promise<Plan> {
  const file = takeKept(choices.token)
  const { table } = file
  const m = choices.mapping
  const problems: ImportProblem[] = []
  const colLetter = (f: ProjectField) => {
    const idx = m[f]
    const col = idx === null || idx === undefined ? undefined : table.columns.find((c) => c.index === idx)
    return col ? `${col.letter}（${PROJECT_FIELD_SPECS[f].label}）` : PROJECT_FIELD_SPECS[f].label
  }
  for (const f of PROJECT_FIELDS) {
    if (PROJECT_FIELD_SPECS[f].required && (m[f] === null || m[f] === undefined)) {
      problems.push({ sheet: table.sheet, row: table.headerRow, column: PROJECT_FIELD_SPECS[f].label, message: `请为“${PROJECT_FIELD_SPECS[f].label}”选择对应的列` })
    }
  }
  const used = new Map<number, ProjectField>()
  for (const f of PROJECT_FIELDS) {
    const idx = m[f]
    if (idx === null || idx === undefined) continue
    const other = used.get(idx)
    if (other) problems.push({ sheet: table.sheet, row: table.headerRow, column: colLetter(f), message: `同一列不能同时作为“${PROJECT_FIELD_SPECS[other].label}”和“${PROJECT_FIELD_SPECS[f].label}”` })
    used.set(idx, f)
  }
  const empty: ProjectImportPreview = { rows: [], problems, unknownUnits: [], counts: { create: 0, update: 0, unchanged: 0 }, totalFen: 0, moneyUnit: choices.moneyUnit }
  if (problems.length > 0) return { file, preview: empty, planned: [], newUnits: [] }

  const units = await ctx.db.selectFrom('units').select(['id', 'code', 'name']).execute()
  const unitByCode = new Map(units.map((u) => [u.code, u]))
  const unitByName = new Map(units.map((u) => [normalizeUnitName(u.name), u]))
  const unitIds = new Set(units.map((u) => u.id))
  const divisions = new Set((await ctx.db.selectFrom('divisions').select('id').execute()).map((d) => d.id))
  const existing = await ctx.db
    .selectFrom('projects')
    .select(['id', 'code', 'name', 'unit_id', 'amount_fen', 'fund_source', 'fund_channel', 'category', 'needs_targets'])
    .where('budget_year', '=', choices.budgetYear)
    .execute()
  const byCode = new Map(existing.filter((p) => p.code).map((p) => [p.code, p]))
  const byUnitName = new Map(existing.map((p) => [`${p.unit_id}|${p.name}`, p]))

  const get = (cells: string[], f: ProjectField) => {
    const idx = m[f]
    return idx === null || idx === undefined ? '' : (cells[idx] ?? '').trim()
  }
  const unknown = new Map<string, UnknownUnit>()
  const planned: PlannedRow[] = []
  const seenCode = new Map<string, number>()
  const seenName = new Map<string, number>()
  for (const r of table.data) {
    const at = (f: ProjectField, message: string) => problems.push({ sheet: table.sheet, row: r.n, column: colLetter(f), message })
    const v = Object.fromEntries(PROJECT_FIELDS.map((f) => [f, get(r.cells, f)])) as Record<ProjectField, string>
    if (PROJECT_FIELDS.every((f) => !v[f])) continue
    if (isTotalRow(r.cells, m)) continue
    let ok = true
    if (!v.code) {
      at('code', '项目编码为空；再次导入时按项目编码更新，请补上编码')
      ok = false
    } else if (v.code.length > 40) {
      at('code', `项目编码“${v.code.slice(0, 20)}…”超过40个字符`)
      ok = false
    } else if (seenCode.has(v.code)) {
      at('code', `项目编码“${v.code}”与第 ${seenCode.get(v.code)} 行重复`)
      ok = false
    } else seenCode.set(v.code, r.n)
    if (!v.name) {
      at('name', '项目名称为空')
      ok = false
    } else if (v.name.length > 100) {
      at('name', '项目名称超过100字')
      ok = false
    }
    if (!v.unitName && !v.unitCode) {
      at('unitName', '预算单位为空')
      ok = false
    }
    let amountFen = 0
    if (!v.amount) {
      at('amount', '金额为空')
      ok = false
    } else {
      const money = parseMoney(v.amount, choices.moneyUnit)
      if (!money.ok) {
        at('amount', money.message)
        ok = false
      } else if (money.fen < 0) {
        at('amount', `金额“${v.amount}”为负数`)
        ok = false
      } else amountFen = money.fen
    }
    const fund = normalizeFundSource(v.fundSource)
    if (!fund) {
      at('fundSource', `资金来源“${v.fundSource}”无法识别，应为一般公共预算、政府性基金预算、国有资本经营预算或社会保险基金预算`)
      ok = false
    }
    const channel = v.fundChannel ? normalizeFundChannel(v.fundChannel) : (fund?.channel ?? '本级')
    if (!channel) {
      at('fundChannel', `资金渠道“${v.fundChannel}”无法识别，应为本级、中央转移支付、省级转移支付或市级转移支付`)
      ok = false
    }
    const category = normalizeCategory(v.category)
    if (!category) {
      at('category', `项目类别“${v.category}”无法识别，应为项目、部门整体支出、专项债券或PPP`)
      ok = false
    }
    const needsTargets = parseYesNo(v.needsTargets)
    if (needsTargets === null) {
      at('needsTargets', `“${v.needsTargets}”应填“是”或“否”`)
      ok = false
    }
    // The unit: by code, then by normalised name; else the clerk says what it is.
    const unitKey = unitKeyOf(v.unitCode, v.unitName)
    let unitId: string | null = (v.unitCode && unitByCode.get(v.unitCode)?.id) || (v.unitName && unitByName.get(normalizeUnitName(v.unitName))?.id) || null
    if (!unitId) {
      const res = choices.units[unitKey]
      if (res?.action === 'map') {
        if (!unitIds.has(res.unitId)) {
          at('unitName', `“${v.unitName || v.unitCode}”对应的预算单位已不存在，请重新选择`)
          ok = false
        } else unitId = res.unitId
      } else if (res?.action === 'create') {
        if (res.divisionId && !divisions.has(res.divisionId)) {
          at('unitName', `为“${v.unitName}”选择的股室已不存在，请重新选择`)
          ok = false
        }
        if (!v.unitName) {
          at('unitName', `单位编码“${v.unitCode}”不在单位名单中，且没有单位名称，不能新增；请补上单位名称或对应到已有单位`)
          ok = false
        }
      }
      const u = unknown.get(unitKey) ?? {
        key: unitKey,
        code: v.unitCode,
        name: v.unitName,
        rows: [],
        suggestions: suggestUnits(v.unitName, units),
      }
      u.rows.push(r.n)
      unknown.set(unitKey, u)
    }
    if (ok && v.name) {
      const nameKey = `${unitId ?? unitKey}|${v.name}`
      if (seenName.has(nameKey)) {
        at('name', `同一单位的项目“${v.name}”与第 ${seenName.get(nameKey)} 行重名（项目编码不同）；同一单位同一年的项目名称须唯一`)
        ok = false
      } else seenName.set(nameKey, r.n)
    }
    if (!ok) continue
    const row = {
      code: v.code,
      name: v.name,
      amount_fen: amountFen,
      fund_source: fund!.source,
      fund_channel: channel!,
      category: category!,
      needs_targets: needsTargets ? 1 : 0,
    }
    const old = byCode.get(v.code) ?? (unitId ? byUnitName.get(`${unitId}|${v.name}`) : undefined)
    const same =
      old &&
      old.code === row.code &&
      old.name === row.name &&
      old.unit_id === unitId &&
      old.amount_fen === row.amount_fen &&
      old.fund_source === row.fund_source &&
      old.fund_channel === row.fund_channel &&
      old.category === row.category &&
      old.needs_targets === row.needs_targets
    const action: ProjectImportRowPreview['action'] = !old ? '新增' : same ? '不变' : '更新'
    planned.push({
      preview: { row: r.n, unitName: v.unitName || unitByCode.get(v.unitCode)?.name || v.unitCode, code: v.code, name: v.name, amountFen, fundSource: row.fund_source, category: row.category, action },
      unitKey,
      unitId,
      existingId: old?.id ?? null,
      row,
    })
  }
  if (planned.length === 0 && problems.length === 0) {
    problems.push({ sheet: table.sheet, row: table.headerRow + 1, column: '', message: '表头下面没有项目数据' })
  }
  const unknownUnits = [...unknown.values()]
  const newUnits: Plan['newUnits'] = []
  for (const u of unknownUnits) {
    const res = choices.units[u.key]
    if (res?.action === 'create') newUnits.push({ key: u.key, code: u.code, name: u.name, divisionId: res.divisionId })
  }
  const counts = { create: 0, update: 0, unchanged: 0 }
  let totalFen = 0
  for (const p of planned) {
    totalFen += p.row.amount_fen
    if (p.preview.action === '新增') counts.create++
    else if (p.preview.action === '更新') counts.update++
    else counts.unchanged++
  }
  return { file, preview: { rows: planned.map((p) => p.preview), problems, unknownUnits, counts, totalFen, moneyUnit: choices.moneyUnit }, planned, newUnits }
}

function suggestUnits(name: string, units: { id: string; code: string; name: string }[]) {
  const n = normalizeUnitName(name)
  if (!n) return []
  const score = (u: { name: string }) => {
    const other = normalizeUnitName(u.name)
    if (other.includes(n) || n.includes(other)) return 100
    let common = 0
    for (const ch of new Set(n)) if (other.includes(ch)) common++
    return (common / Math.max(n.length, 1)) * 100
  }
  return units
    .map((u) => ({ u, s: score(u) }))
    .filter((x) => x.s >= 50)
    .sort((a, b) => b.s - a.s)
    .slice(0, 5)
    .map(({ u }) => ({ id: u.id, name: u.name, code: u.code }))
}

/** A code for a unit the list names without one: unique, and marked so the clerk can fix it. */
function provisionalCode(taken: Set<string>): string {
  for (let i = 1; ; i++) {
    const c = `XZ-${String(i).padStart(3, '0')}`
    if (!taken.has(c)) {
      taken.add(c)
      return c
    }
  }
}

export const projectImportHandlers: Pick<Handlers, 'projects/importRead' | 'projects/importPreview' | 'projects/importApply'> = {
  async 'projects/importRead'({ fileName, base64 }, ctx) {
    const grids = await readGrids(Buffer.from(base64, 'base64'), fileName)
    const table = locateTable(grids, fileName)
    const memory = (await rememberedMappings(ctx.db))[table.shapeKey]
    const guessed = guessMapping(table.columns)
    const mapping = memory ? mappingFromHeaders(table.columns, memory.headers) : guessed
    const detected = detectMoneyUnit(table, mapping.amount)
    const token = keep({ fileName, table })
    const out: ProjectImportRead = {
      token,
      fileName,
      sheet: table.sheet,
      headerRow: table.headerRow,
      dataRows: table.data.length,
      columns: table.columns,
      mapping,
      remembered: !!memory,
      moneyUnit: detected.unit ?? memory?.moneyUnit ?? null,
      moneyUnitSource: detected.unit ? detected.source : memory?.moneyUnit ? '上次导入同样表头的文件时的选择' : '',
      titleMoneyUnit: titleMoneyUnit(table)?.unit ?? null,
    }
    return out
  },

  async 'projects/importPreview'(input, ctx) {
    return (await plan(ctx, input)).preview
  },

  async 'projects/importApply'(input, ctx) {
    await ctx.assertYearOpen(input.budgetYear)
    const { file, preview, planned, newUnits } = await plan(ctx, input)
    if (preview.problems.length > 0) {
      throw new AppError('IMPORT_INVALID', `“${file.fileName}”中有 ${preview.problems.length} 处问题，未导入任何数据。请修改文件或列的对应后重新预览。`, preview.problems)
    }
    const unresolved = preview.unknownUnits.filter((u) => !input.units[u.key])
    if (unresolved.length > 0) {
      throw new AppError('VALIDATION', `有 ${unresolved.length} 个预算单位不在单位名单中（${unresolved.slice(0, 3).map((u) => `“${u.name || u.code}”`).join('、')}${unresolved.length > 3 ? '等' : ''}），请为每个单位选择“新增为预算单位”或“对应到”已有单位`)
    }
    const result: ProjectImportResult = { created: 0, updated: 0, unchanged: 0, unitsCreated: 0 }
    await ctx.write(async (w) => {
      const codes = new Set((await w.trx.selectFrom('units').select('code').execute()).map((u) => u.code))
      const createdUnit = new Map<string, string>()
      for (const u of newUnits) {
        const id = randomUUID()
        const code = u.code && !codes.has(u.code) ? u.code : provisionalCode(codes)
        codes.add(code)
        await w.insert('units', { id, code, name: u.name, parent_name: '', division_id: u.divisionId, active: 1 })
        createdUnit.set(u.key, id)
        result.unitsCreated++
      }
      for (const p of planned) {
        const res = input.units[p.unitKey]
        const unitId = p.unitId ?? (res?.action === 'map' ? res.unitId : createdUnit.get(p.unitKey))
        if (!unitId) throw new AppError('VALIDATION', `第 ${p.preview.row} 行的预算单位未对应，未导入任何数据`)
        if (p.preview.action === '不变') {
          result.unchanged++
          continue
        }
        if (p.existingId) {
          await w.update('projects', p.existingId, { ...p.row, unit_id: unitId })
          result.updated++
        } else {
          await w.insert('projects', { id: randomUUID(), budget_year: input.budgetYear, unit_id: unitId, annual_goal: '', origin: '导入', origin_id: null, ...p.row })
          result.created++
        }
      }
      // Remember how this shape of file was read, for the next file like it.
      const memory = await rememberedMappings(w.trx)
      memory[file.table.shapeKey] = { headers: headersOfMapping(file.table.columns, input.mapping), moneyUnit: input.moneyUnit, at: w.now }
      const trimmed = Object.fromEntries(Object.entries(memory).sort((a, b) => b[1].at.localeCompare(a[1].at)).slice(0, MAX_REMEMBERED))
      const value = JSON.stringify(trimmed)
      await w.trx.insertInto('settings').values({ key: MAPPINGS_KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute()
      await w.log('import', 'projects', `${input.budgetYear}`, null, { fileName: file.fileName, budgetYear: input.budgetYear, moneyUnit: input.moneyUnit, ...result })
    })
    kept.drop(input.token)
    return result
  },
}
