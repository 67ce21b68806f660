/** 股室 and 预算单位: lists, edits, and the unit list's Excel import/export. */
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { Division, Unit } from '../../shared/domain'
import { AppError } from '../../shared/result'
import { unitFieldProblems } from '../excel/field-limits'
import { workbookNotices } from '../excel/guard'
import { findSheet, loadWorkbook } from '../excel/read-table'
import { buildUnitWorkbook, parseUnitSheet, UNIT_COLUMNS, type ExistingUnit } from '../excel/units-sheet'
import { writeFileAtomic } from '../docs/write-file'
import type { DivisionRow } from '../db/schema'
import { bool, type Ctx, type Handlers } from './context'
import { listDivisionScope } from '../auth/scope'

const toDivision = (r: DivisionRow): Division => ({ id: r.id, name: r.name, sort: r.sort, active: bool(r.active), version: r.version })

function unitQuery(ctx: Ctx) {
  return ctx.db
    .selectFrom('units')
    .leftJoin('divisions', 'divisions.id', 'units.division_id')
    .select([
      'units.id',
      'units.code',
      'units.name',
      'units.parent_name',
      'units.division_id',
      'units.active',
      'units.version',
      'divisions.name as division_name',
    ])
}

type UnitSelect = Awaited<ReturnType<ReturnType<typeof unitQuery>['execute']>>[number]
const toUnit = (r: UnitSelect): Unit => ({
  id: r.id,
  code: r.code,
  name: r.name,
  parentName: r.parent_name,
  divisionId: r.division_id,
  divisionName: r.division_name ?? null,
  active: bool(r.active),
  version: r.version,
})

async function loadImportContext(ctx: Ctx) {
  const divisions = await ctx.db.selectFrom('divisions').select(['id', 'name']).execute()
  const units = await unitQuery(ctx).execute()
  const existing = new Map<string, ExistingUnit & { id: string }>(
    units.map((u) => [u.code, { id: u.id, code: u.code, name: u.name, parentName: u.parent_name, divisionName: u.division_name ?? null }]),
  )
  return { divisionByName: new Map(divisions.map((d) => [d.name, d.id])), existing }
}

async function parseUpload(ctx: Ctx, fileName: string, base64: string) {
  const wb = await loadWorkbook(Buffer.from(base64, 'base64'), fileName)
  const ic = await loadImportContext(ctx)
  const parsed = parseUnitSheet(wb, new Set(ic.divisionByName.keys()), ic.existing)
  parsed.problems.push(...unitFieldProblems(findSheet(wb, UNIT_COLUMNS, '预算单位').name, parsed.rows))
  return { ...ic, parsed, notices: workbookNotices(wb) }
}

export const masterdataHandlers: Pick<
  Handlers,
  | 'divisions/list'
  | 'divisions/save'
  | 'divisions/remove'
  | 'units/list'
  | 'units/save'
  | 'units/remove'
  | 'units/importPreview'
  | 'units/importApply'
  | 'units/exportTemplate'
> = {
  async 'divisions/list'(_input, ctx) {
    const rows = await ctx.db.selectFrom('divisions').selectAll().orderBy('sort').orderBy('name').execute()
    return rows.map(toDivision)
  },

  async 'divisions/save'(input, ctx) {
    const clash = await ctx.db.selectFrom('divisions').select('id').where('name', '=', input.name).executeTakeFirst()
    if (clash && clash.id !== input.id) throw new AppError('CONFLICT', `股室“${input.name}”已存在`)
    const id = input.id ?? randomUUID()
    const row = { name: input.name, sort: input.sort, active: input.active ? 1 : 0 }
    await ctx.write(async (w) => (input.id ? void (await w.update('divisions', id, row, { version: input.version })) : w.insert('divisions', { id, ...row })))
    return toDivision(await ctx.db.selectFrom('divisions').selectAll().where('id', '=', id).executeTakeFirstOrThrow())
  },

  async 'divisions/remove'({ id }, ctx) {
    const used = await ctx.db.selectFrom('units').select('name').where('division_id', '=', id).limit(3).execute()
    if (used.length > 0) {
      throw new AppError('CONFLICT', `该股室仍负责${used.map((u) => `“${u.name}”`).join('、')}等预算单位，请先把这些单位改到其他股室，或将股室设为停用`)
    }
    const ops = await ctx.db.selectFrom('operators').select('name').where('division_id', '=', id).limit(3).execute()
    if (ops.length > 0) throw new AppError('CONFLICT', `操作员${ops.map((o) => `“${o.name}”`).join('、')}属于该股室，请先修改操作员的股室`)
    await ctx.write((w) => w.remove('divisions', id))
    return { removed: true }
  },

  async 'units/list'({ divisionId, search, includeInactive }, ctx) {
    let q = unitQuery(ctx)
    if (divisionId) q = q.where('units.division_id', '=', divisionId)
    // A 股室审核 sees the units of their own 股室 only.
    const scope = listDivisionScope(ctx)
    if (scope !== undefined) q = q.where('units.division_id', '=', scope)
    if (!includeInactive) q = q.where('units.active', '=', 1)
    if (search?.trim()) {
      const s = `%${search.trim()}%`
      q = q.where((eb) => eb.or([eb('units.name', 'like', s), eb('units.code', 'like', s), eb('units.parent_name', 'like', s)]))
    }
    return (await q.orderBy('units.code').execute()).map(toUnit)
  },

  async 'units/save'(input, ctx) {
    const clash = await ctx.db.selectFrom('units').select(['id', 'name']).where('code', '=', input.code).executeTakeFirst()
    if (clash && clash.id !== input.id) throw new AppError('CONFLICT', `单位编码“${input.code}”已被“${clash.name}”使用`)
    if (input.divisionId) {
      const d = await ctx.db.selectFrom('divisions').select('id').where('id', '=', input.divisionId).executeTakeFirst()
      if (!d) throw new AppError('VALIDATION', '所选股室不存在，请刷新后重选')
    }
    const id = input.id ?? randomUUID()
    const row = { code: input.code, name: input.name, parent_name: input.parentName, division_id: input.divisionId, active: input.active ? 1 : 0 }
    await ctx.write(async (w) => (input.id ? void (await w.update('units', id, row, { version: input.version })) : w.insert('units', { id, ...row })))
    return toUnit(await unitQuery(ctx).where('units.id', '=', id).executeTakeFirstOrThrow())
  },

  async 'units/remove'({ id }, ctx) {
    // A unit with records is kept (deactivated) so that history still names it.
    const used = await ctx.db.selectFrom('exante_proposals').select('id').where('unit_id', '=', id).limit(1).executeTakeFirst()
    const usedP = await ctx.db.selectFrom('projects').select('id').where('unit_id', '=', id).limit(1).executeTakeFirst()
    if (used || usedP) {
      await ctx.write(async (w) => void (await w.update('units', id, { active: 0 })))
      return { removed: false, deactivated: true }
    }
    await ctx.write((w) => w.remove('units', id))
    return { removed: true, deactivated: false }
  },

  async 'units/importPreview'({ fileName, base64 }, ctx) {
    const { parsed, notices } = await parseUpload(ctx, fileName, base64)
    const counts = { create: 0, update: 0, unchanged: 0 }
    for (const r of parsed.rows) {
      if (r.action === '新增') counts.create++
      else if (r.action === '更新') counts.update++
      else counts.unchanged++
    }
    return { rows: parsed.rows, problems: parsed.problems, counts, notices }
  },

  async 'units/importApply'({ fileName, base64 }, ctx) {
    const { parsed, divisionByName, existing } = await parseUpload(ctx, fileName, base64)
    if (parsed.problems.length > 0) {
      throw new AppError('IMPORT_INVALID', `“${fileName}”中有 ${parsed.problems.length} 处问题，未导入任何数据。请修改后重新导入。`, parsed.problems)
    }
    const result = { created: 0, updated: 0, unchanged: 0 }
    await ctx.write(async (w) => {
      for (const r of parsed.rows) {
        const row = { code: r.code, name: r.name, parent_name: r.parentName, division_id: divisionByName.get(r.divisionName) ?? null, active: 1 }
        const old = existing.get(r.code)
        if (!old) {
          await w.insert('units', { id: randomUUID(), ...row })
          result.created++
        } else if (r.action === '更新') {
          await w.update('units', old.id, row)
          result.updated++
        } else result.unchanged++
      }
    })
    return result
  },

  async 'units/exportTemplate'({ withData }, ctx) {
    const divisions = await ctx.db.selectFrom('divisions').select('name').where('active', '=', 1).orderBy('sort').execute()
    const { existing } = await loadImportContext(ctx)
    const buf = await buildUnitWorkbook(
      divisions.map((d) => d.name),
      withData ? [...existing.values()] : [],
    )
    const fileName = withData ? '预算单位名单.xlsx' : '预算单位名单模板.xlsx'
    const path = join(await ctx.outputDir(), fileName)
    await writeFileAtomic(path, buf)
    return { path, fileName }
  },
}
