/**
 * The one API contract: per channel a zod schema for the input and a type for the output.
 * Main validates every call against `input`; the preload exposes exactly these channels; the
 * renderer's client is typed from `ApiOutput`.
 */
import { z } from 'zod'
import type { Channel } from './channels'
import type {
  AuditEntry,
  Division,
  ExanteProposal,
  Operator,
  Project,
  RegisterEntry,
  Training,
  Unit,
  UnitImportPreview,
} from './domain'
import { FUND_SOURCES } from './domain'
import { DOC_KIND_KEYS, FREE_DOC_TYPES, type DocDraft, type FreeDoc } from './documents'
import type { IndicatorProblem } from './indicators'
import type {
  Agency,
  BackupEntry,
  Dashboard,
  Headline,
  Engagement,
  ItemDetail,
  Rectification,
  JobState,
  PackageManifest,
  YearPackage,
  YearStatus,
  LibraryIndicator,
  ProjectDetail,
  ProjectTargets,
  Round,
  RoundItem,
  StageImportPreview,
} from './domain'
import { PROJECT_CATEGORIES } from './domain'
import { DEVIATION_CAUSES, LIKELIHOODS } from './monitoring'
import { BULK_ACTIONS, ITEM_ACTIONS, ITEM_STATUSES, STAGE_KEYS, TARGET_CONCLUSIONS } from './stage'
import { EXANTE_CONCLUSIONS } from './exante'
import { SEARCH_LIMIT } from './limits'
import { parseMoney } from './money'
import { FUND_CHANNELS, PROJECT_FIELDS, type ProjectImportPreview, type ProjectImportRead, type ProjectImportResult } from './project-import'
import { settingsSchema, type Settings } from './settings'
import { PASSWORD_MIN, ROLES } from './roles'

// Messages zod writes itself (type mismatches) come out in Chinese too.
z.config(z.locales.zhCN())

/** Phantom marker carrying an output type. */
const out = <T>() => undefined as unknown as T

const id = z.string().min(1, '缺少记录编号')
const year = z.number().int('年度须为整数').min(2000, '年度不能早于2000年').max(2100, '年度不能晚于2100年')
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
const text = (label: string, max = 200) =>
  z.string().trim().min(1, `请填写${label}`).max(max, `${label}不能超过${max}字`)
const optText = (max = 2000) => z.string().trim().max(max, `不能超过${max}字`)
/** A search box: a person types a few words; a 10 MB pattern is no search (and LIKE has limits). */
const searchText = z.string().max(SEARCH_LIMIT, `搜索内容不能超过${SEARCH_LIMIT}字`).optional()

/** The longest string any channel takes (a 公文 body), except file contents sent as base64. */
export const MAX_INPUT_STRING = 100_000
/** File contents as base64: about 50 MB of file (the harness refuses larger bodies too). */
export const MAX_UPLOAD_BASE64 = 70_000_000
const MAX_INPUT_DEPTH = 20

/**
 * Checked on every input before its schema, whatever the channel: no string carries a NUL (it cuts
 * names short in C libraries and file systems), none is longer than any field allows, no nesting
 * deeper than any input has. Null if fine, else the Chinese sentence.
 */
export function inputStringProblem(v: unknown, key = '', depth = 0): string | null {
  if (typeof v === 'string') {
    if (v.includes('\u0000')) return '输入内容中含有空字符（NUL），已拒绝；请删除后重试'
    const max = key === 'base64' ? MAX_UPLOAD_BASE64 : MAX_INPUT_STRING
    if (v.length > max) return key === 'base64' ? '文件太大（超过 50 MB），无法处理' : `输入内容过长（超过${MAX_INPUT_STRING}字），已拒绝`
    return null
  }
  if (v === null || typeof v !== 'object') return null
  if (depth >= MAX_INPUT_DEPTH) return '输入内容层次过深，已拒绝'
  for (const [k, x] of Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v)) {
    if (typeof k === 'string' && k.includes('\u0000')) return '输入内容中含有空字符（NUL），已拒绝；请删除后重试'
    const p = inputStringProblem(x, Array.isArray(v) ? key : k, depth + 1)
    if (p) return p
  }
  return null
}

/** An amount typed by the user in 万元; parsed to 分 with a Chinese message naming the problem. */
export const amountWan = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const r = parseMoney(v, '万元')
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.message })
    return z.NEVER
  }
  if (r.fen < 0) {
    ctx.addIssue({ code: 'custom', message: '金额不能为负数' })
    return z.NEVER
  }
  return r.fen
})

const PASSWORD_MAX = 128
const password = z
  .string()
  .min(PASSWORD_MIN, `密码至少${PASSWORD_MIN}位`)
  .max(PASSWORD_MAX, `密码不能超过${PASSWORD_MAX}位`)
  .refine((p) => /[0-9]/.test(p) && /[^0-9]/.test(p), '密码须同时包含数字和字母（或其他字符）')

const fileUpload = z.object({
  fileName: z.string().min(1),
  /** File content, base64-encoded (works over IPC and HTTP alike). */
  base64: z.string().min(1, '文件内容为空'),
})

/**
 * A year package sent in parts (yearData/upload): a city's year is 70 MB and more, past what one
 * call carries (MAX_UPLOAD_BASE64), and the parts keep both processes' memory bounded.
 */
export const PACKAGE_PART_BYTES = 8 * 1024 * 1024
/** The largest package taken in: a city-scale year is about 75 MB; ten years of one would be under this. */
export const MAX_PACKAGE_BYTES = 2 * 1024 * 1024 * 1024

const indicatorInput = z.object({
  id: z.string().optional(),
  level1: z.string().trim().max(20, '一级指标名称不能超过20字'),
  level2: z.string().trim().max(30, '二级指标名称不能超过30字'),
  name: z.string().trim().max(100, '三级指标名称不能超过100字'),
  operator: z.string().trim().max(10, '指标运算符不能超过10字'),
  targetValue: z.string().trim().max(200, '指标值不能超过200字'),
  unit: z.string().trim().max(20, '度量单位不能超过20字'),
  weight: z.number().min(0, '权重不能为负').max(100, '权重不能超过100').nullable(),
  explanation: z.string().trim().max(500, '指标解释不能超过500字'),
})

/** The rows a paged list asks for when it opens (renderer/components/useServerTable.ts; the bench asks the same). */
export const LIST_PAGE_SIZE = 50

/** What a stage list may be sorted by (one per sortable column of ItemsTable). */
export const ITEM_SORTS = ['unit', 'amount', 'name', 'status', 'score', 'executed', 'rate', 'light', 'indicators'] as const
export type ItemSort = (typeof ITEM_SORTS)[number]

const itemFilters = z.object({
  roundId: z.string().min(1, '请先选择任务'),
  unitId: z.string().optional(),
  divisionId: z.string().optional(),
  status: z.enum(ITEM_STATUSES).optional(),
  fundSource: z.enum(FUND_SOURCES).optional(),
  light: z.enum(['red', 'yellow', 'green', 'none']).optional(),
  search: searchText,
  /** The list's sortable columns; ties fall back to 单位编码, project name and the item's id (stable pages). */
  sort: z.enum(ITEM_SORTS).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  /** One page of rows; without a limit every row comes back. Counts and sums cover all of them. */
  offset: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(5000).optional(),
})

const stageUpload = fileUpload.extend({
  roundId: id,
  /** Matching step: sheet name → the project (or round item) picked for it, or MATCH_CREATE. */
  matches: z.record(z.string(), z.string()).optional(),
  /** The preview's token (StageImportPreview.token): the file is not parsed again. */
  token: z.string().max(100).optional(),
})

/**
 * Apply: the preview's token and the sha256 it answered with name the kept parse, so the file is
 * not sent again; without a token (scripts) the file itself, parsed here.
 */
const stageApply = stageUpload
  .extend({
    base64: z.string().min(1, '文件内容为空').optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, '文件校验值无效，请重新预览后再导入').optional(),
  })
  .refine((v) => v.base64 !== undefined || (v.token !== undefined && v.sha256 !== undefined), { message: '请先选择并预览要导入的文件' })

const projectImportChoices = z.object({
  token: z.string().min(1, '请先选择要导入的文件'),
  budgetYear: year,
  mapping: z.partialRecord(z.enum(PROJECT_FIELDS), z.number().int().min(0).nullable()),
  moneyUnit: z.enum(['元', '万元'], { error: '请确认金额单位是元还是万元' }),
  /** Unknown units by key: create them, or map them onto an existing unit. */
  units: z
    .record(
      z.string(),
      z.discriminatedUnion('action', [
        z.object({ action: z.literal('create'), divisionId: z.string().nullable().default(null) }),
        z.object({ action: z.literal('map'), unitId: z.string().min(1, '请选择要对应到的预算单位') }),
      ]),
    )
    .default({}),
})

/** Last year's approved targets loaded as history (历史目标导入): what a file would do. */
/** A page of a stage list with the footer's figures over every filtered row (items/list). */
export interface ItemList {
  rows: RoundItem[]
  total: number
  totalFen: number
  executedFen: number
  executedAmountFen: number
  counts: Record<string, number>
}

/** A page of the 项目库 (projects/list) with the count and sum of every filtered row. */
export interface ProjectList {
  rows: Project[]
  total: number
  totalFen: number
}

/** A page of the 发文登记 (register/page) with the count of every filtered entry. */
export interface RegisterPage {
  rows: RegisterEntry[]
  total: number
  /** Every 代字 used in the register (any year), for the filter. */
  prefixes: string[]
  /** Every year that has an entry, newest first, for the filter. */
  years: number[]
}

export interface HistoryTargetsPreview {
  rows: { unitName: string; projectName: string; code: string; indicators: number; action: '导入' | '更新' }[]
  problems: import('./domain').ImportProblem[]
  counts: { projects: number; indicators: number }
}

const docParams = z.object({
  kind: z.enum(DOC_KIND_KEYS),
  recordId: z.string().optional(),
  workYear: year.optional(),
  /** Draft from the current data even if the document was issued before (its 文号 is kept). */
  fresh: z.boolean().optional(),
})

export const api = {
  'app/info': {
    input: z.object({}),
    output: out<{
      appVersion: string
      schemaVersion: number
      dbPath: string
      outputDir: string
      readOnly: boolean
      /** The year package being viewed read-only, e.g. 师宗县2024年度. */
      viewLabel: string | null
      empty: boolean
      workYears: number[]
      /** Budget years that hold projects. */
      budgetYears: number[]
      /** The work year chosen on first start; null until the clerk has chosen one. */
      chosenWorkYear: number | null
      harness: boolean
      /** The working file's full integrity check, run in the background after start. */
      integrity: { state: 'checking' | 'ok' | 'damaged' | 'unchecked'; reason?: string }
    }>(),
  },
  /** Records the work year the clerk chose on first start (the years offered follow it). */
  'app/chooseWorkYear': { input: z.object({ workYear: year }), output: out<{ chosenWorkYear: number }>() },
  'session/get': {
    input: z.object({}),
    output: out<{
      operator: Operator | null
      /** No administrator who can sign in yet: the first-start screen creates one. */
      needsSetup: boolean
      /** No units, proposals or trainings yet (the first-start screen then offers the demo year). */
      empty: boolean
      /** Set after the session locked for idle time: whose password the lock screen asks for. */
      lockedName: string | null
      idleMinutes: number
    }>(),
  },
  'session/setup': {
    input: z.object({ name: text('姓名', 20), password, divisionName: optText(30).default('') }),
    output: out<{ operator: Operator }>(),
  },
  'session/signIn': { input: z.object({ name: text('姓名', 20), password: z.string().min(1, '请输入密码').max(PASSWORD_MAX) }), output: out<{ operator: Operator }>() },
  'session/signOut': { input: z.object({}), output: out<{ operator: null }>() },
  'operators/list': { input: z.object({}), output: out<Operator[]>() },
  'operators/save': {
    input: z.object({
      id: z.string().optional(),
      /** The version the record was loaded at (optimistic concurrency); omitted for a new record. */
      version: z.number().int().min(1).optional(),
      name: text('姓名', 20),
      divisionId: z.string().nullable(),
      active: z.boolean().default(true),
      /** Left out: unchanged (an existing operator) or 录入 (a new one). */
      roles: z.array(z.enum(ROLES)).min(1, '请至少选择一个角色').optional(),
      /** Only when creating: the first password (an administrator resets it later). */
      password: password.optional(),
    }),
    output: out<Operator>(),
  },
  'operators/resetPassword': { input: z.object({ id, password }), output: out<Operator>() },
  'settings/get': { input: z.object({}), output: out<Settings>() },
  'settings/save': { input: settingsSchema, output: out<Settings>() },
  'divisions/list': { input: z.object({}), output: out<Division[]>() },
  'divisions/save': {
    input: z.object({ id: z.string().optional(), version: z.number().int().min(1).optional(), name: text('股室名称', 30), sort: z.number().int().default(0), active: z.boolean().default(true) }),
    output: out<Division>(),
  },
  'divisions/remove': { input: z.object({ id }), output: out<{ removed: boolean }>() },
  'units/list': {
    input: z.object({ divisionId: z.string().optional(), search: searchText, includeInactive: z.boolean().optional() }),
    output: out<Unit[]>(),
  },
  'units/save': {
    input: z.object({
      id: z.string().optional(),
      /** The version the record was loaded at (optimistic concurrency); omitted for a new record. */
      version: z.number().int().min(1).optional(),
      code: z.string().trim().min(1, '请填写单位编码').max(30).regex(/^[0-9A-Za-z-]+$/, '单位编码只能包含数字、字母和短横线'),
      name: text('单位名称', 60),
      parentName: optText(60),
      divisionId: z.string().nullable(),
      active: z.boolean().default(true),
    }),
    output: out<Unit>(),
  },
  'units/remove': { input: z.object({ id }), output: out<{ removed: boolean; deactivated: boolean }>() },
  'units/importPreview': { input: fileUpload, output: out<UnitImportPreview>() },
  'units/importApply': { input: fileUpload, output: out<{ created: number; updated: number; unchanged: number }>() },
  'units/exportTemplate': { input: z.object({ withData: z.boolean().default(true) }), output: out<{ path: string; fileName: string }>() },
  'trainings/list': { input: z.object({ workYear: year.optional() }), output: out<Training[]>() },
  'trainings/save': {
    input: z.object({
      id: z.string().optional(),
      /** The version the record was loaded at (optimistic concurrency); omitted for a new record. */
      version: z.number().int().min(1).optional(),
      date: isoDate,
      title: text('培训名称', 100),
      organiser: text('组织单位', 60),
      form: text('培训形式', 20),
      divisionIds: z.array(z.string()).default([]),
      unitIds: z.array(z.string()).default([]),
      participantCount: z.number().int('人数须为整数').min(0, '人数不能为负'),
      notes: optText(),
    }),
    output: out<Training>(),
  },
  'trainings/remove': { input: z.object({ id }), output: out<{ removed: boolean }>() },
  'exante/list': {
    input: z.object({
      workYear: year.optional(),
      unitId: z.string().optional(),
      divisionId: z.string().optional(),
      conclusion: z.enum([...EXANTE_CONCLUSIONS, '未确认']).optional(),
      fundSource: z.enum(FUND_SOURCES).optional(),
      search: searchText,
    }),
    output: out<{ rows: ExanteProposal[]; totalFen: number; count: number }>(),
  },
  'exante/get': { input: z.object({ id }), output: out<ExanteProposal>() },
  'exante/save': {
    input: z.object({
      id: z.string().optional(),
      /** The version the record was loaded at (optimistic concurrency); omitted for a new record. */
      version: z.number().int().min(1).optional(),
      workYear: year,
      unitId: z.string().min(1, '请选择预算单位'),
      projectName: text('项目名称', 100),
      amountWan,
      fundSource: z.enum(FUND_SOURCES),
      basis: optText(),
      scores: z.record(z.string(), z.number().nullable()),
    }),
    output: out<ExanteProposal>(),
  },
  'exante/confirm': {
    input: z.object({ id, conclusion: z.enum(EXANTE_CONCLUSIONS), reason: optText(500) }),
    output: out<ExanteProposal>(),
  },
  'exante/remove': { input: z.object({ id }), output: out<{ removed: boolean }>() },
  'exante/toLibrary': { input: z.object({ ids: z.array(id).min(1, '请至少选择一个项目') }), output: out<{ created: number; linked: number; skipped: string[] }>() },
  'projects/list': {
    input: z.object({
      budgetYear: year.optional(),
      unitId: z.string().optional(),
      fundSource: z.enum(FUND_SOURCES).optional(),
      search: searchText,
      sort: z.enum(['unit', 'name', 'amount']).optional(),
      order: z.enum(['asc', 'desc']).optional(),
      /** One page; without a limit every row comes back. `total` and `totalFen` cover all of them. */
      offset: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(5000).optional(),
    }),
    output: out<ProjectList>(),
  },
  'projects/get': { input: z.object({ id }), output: out<ProjectDetail>() },
  'projects/save': {
    input: z.object({
      id: z.string().optional(),
      /** The version the record was loaded at (optimistic concurrency); omitted for a new record. */
      version: z.number().int().min(1).optional(),
      budgetYear: year,
      unitId: z.string().min(1, '请选择预算单位'),
      code: z.string().trim().max(40, '项目编码不能超过40字'),
      name: text('项目名称', 100),
      amountWan,
      fundSource: z.enum(FUND_SOURCES),
      category: z.enum(PROJECT_CATEGORIES),
      fundChannel: z.enum(FUND_CHANNELS).default('本级'),
      /** false: a budget line monitored for its money only, without 绩效目标. */
      needsTargets: z.boolean().default(true),
    }),
    output: out<ProjectDetail>(),
  },
  'projects/remove': { input: z.object({ id }), output: out<{ removed: boolean }>() },
  'projects/importRead': { input: fileUpload.extend({ budgetYear: year }), output: out<ProjectImportRead>() },
  'projects/importPreview': { input: projectImportChoices, output: out<ProjectImportPreview>() },
  'projects/importApply': { input: projectImportChoices, output: out<ProjectImportResult>() },
  'projects/historyTargetsPreview': { input: fileUpload.extend({ budgetYear: year }), output: out<HistoryTargetsPreview>() },
  'projects/historyTargetsApply': { input: fileUpload.extend({ budgetYear: year }), output: out<HistoryTargetsPreview['counts']>() },
  'targets/get': { input: z.object({ projectId: id }), output: out<ProjectTargets>() },
  'targets/save': {
    input: z.object({ projectId: id, annualGoal: z.string().trim().max(1000, '年度总体目标不能超过1000字'), indicators: z.array(indicatorInput).max(200, '指标不能超过200个') }),
    output: out<ProjectTargets>(),
  },
  'library/list': { input: z.object({ search: searchText, level2: z.string().optional() }), output: out<LibraryIndicator[]>() },
  'library/save': {
    input: indicatorInput.omit({ weight: true }).extend({
      name: text('三级指标名称', 100),
      field: z.string().trim().max(20).default('通用'),
      /** The version the record was loaded at (optimistic concurrency); omitted for a new record. */
      version: z.number().int().min(1).optional(),
    }),
    output: out<LibraryIndicator>(),
  },
  'library/remove': { input: z.object({ id }), output: out<{ removed: boolean }>() },
  'rounds/list': { input: z.object({ stage: z.enum(STAGE_KEYS), workYear: year.optional() }), output: out<Round[]>() },
  'rounds/get': { input: z.object({ id }), output: out<Round>() },
  'rounds/save': {
    input: z.object({
      id: z.string().optional(),
      /** The version the record was loaded at (optimistic concurrency); omitted for a new record. */
      version: z.number().int().min(1).optional(),
      stage: z.enum(STAGE_KEYS),
      workYear: year,
      title: text('任务名称', 100),
      deadline: isoDate.nullable(),
      asOfMonth: z.number().int().min(1, '监控截止月份应在1至12之间').max(12, '监控截止月份应在1至12之间').nullable().default(null),
      unitIds: z.array(z.string()).default([]),
      /** 财政评价: the selected projects. */
      projectIds: z.array(z.string()).default([]),
      notes: optText(2000).default(''),
    }),
    output: out<Round>(),
  },
  'rounds/sync': { input: z.object({ id }), output: out<{ added: number }>() },
  'rounds/remove': { input: z.object({ id }), output: out<{ removed: boolean }>() },
  /** The units that have items in a round (those the caller may see), by 单位编码: the export dialog's choice. */
  'rounds/units': { input: z.object({ roundId: id }), output: out<{ id: string; code: string; name: string }[]>() },
  /**
   * One page of a round's items (or all of them without `limit`). `total`, `totalFen`, `executedFen`
   * and `executedAmountFen` (the amount of the items whose 执行数 is filled in) cover every row the
   * filters select; `counts` are by status over the other filters, for the status tabs.
   */
  'items/list': { input: itemFilters, output: out<ItemList>() },
  'items/get': { input: z.object({ id }), output: out<ItemDetail>() },
  'items/transition': {
    input: z.object({
      id,
      action: z.enum(ITEM_ACTIONS),
      conclusion: z.enum(TARGET_CONCLUSIONS).nullable().default(null),
      summary: optText(2000).default(''),
      opinions: z.array(z.object({ ref: z.string(), label: z.string(), text: z.string().trim().min(1, '意见内容不能为空').max(1000) })).default([]),
    }),
    output: out<{ item: RoundItem; problems: IndicatorProblem[] }>(),
  },
  'items/bulk': {
    input: z.object({
      roundId: id,
      /** The selected rows; without them, every row the filters show (all pages). */
      ids: z.array(id).min(1, '请至少选择一个项目').max(20000).optional(),
      filters: itemFilters.pick({ unitId: true, divisionId: true, status: true, fundSource: true, light: true, search: true }).optional(),
      action: z.enum(BULK_ACTIONS),
      conclusion: z.enum(TARGET_CONCLUSIONS).nullable().default(null),
      summary: optText(2000).default(''),
      /** 退回修改: the one opinion sent to every selected unit. */
      opinion: optText(1000).default(''),
    }),
    output: out<JobState>(),
  },
  'items/resultUse': {
    input: z.object({ id, resultUse: optText(2000), isPublic: z.boolean(), publicDate: isoDate.nullable().default(null) }),
    output: out<RoundItem>(),
  },
  'monitoring/save': {
    input: z.object({
      itemId: id,
      executedWan: amountWan.nullable(),
      forecastWan: amountWan.nullable(),
      deviation: optText(1000),
      measures: optText(1000),
      values: z.array(
        z.object({
          indicatorId: id,
          actual: z.string().trim().max(200),
          forecast: z.string().trim().max(200),
          likelihood: z.union([z.enum(LIKELIHOODS), z.literal('')]),
          causes: z.array(z.enum(DEVIATION_CAUSES)).default([]),
          measures: z.string().trim().max(500),
        }),
      ),
    }),
    output: out<ItemDetail>(),
  },
  'stageExcel/export': {
    input: z.object({ roundId: id, unitIds: z.array(z.string()).default([]), oneFile: z.boolean().default(false) }),
    output: out<{ paths: string[]; folder: string }>(),
  },
  'stageExcel/preview': { input: stageUpload, output: out<StageImportPreview>() },
  'stageExcel/apply': { input: stageApply, output: out<StageImportPreview['summary']>() },
  'docs/batch': {
    input: z.object({
      kind: z.enum(DOC_KIND_KEYS),
      roundId: id,
      date: isoDate,
      /** The list's selection; without it (and without `filters`), every reviewed item of the round. */
      itemIds: z.array(id).min(1).max(20000).optional(),
      /** "All filtered rows" of the list (every page), resolved by the backend like items/bulk's. */
      filters: itemFilters.pick({ unitId: true, divisionId: true, status: true, fundSource: true, light: true, search: true }).optional(),
    }),
    output: out<JobState>(),
  },
  'jobs/get': { input: z.object({ id }), output: out<JobState>() },
  'jobs/cancel': { input: z.object({ id }), output: out<JobState>() },
  'docs/draft': { input: docParams, output: out<DocDraft>() },
  /**
   * Checks before issue: dates that contradict each other, and the 附件说明/正文 against the annexes
   * bound in (body and attachments as edited; the draft's when absent). Empty = none.
   */
  'docs/check': {
    input: docParams.extend({
      date: isoDate,
      serial: z.number().int().positive().nullable().default(null),
      body: optText(100000).optional(),
      attachments: z.array(z.string().max(500)).max(50).optional(),
      /** 附件 lines confirmed as provided apart (另行附送); the issued document's when absent. */
      apart: z.array(z.string().max(500)).max(50).optional(),
    }),
    /** `unbound`: the 附件 lines nothing bound in answers, for the clerk to confirm as provided apart. */
    output: out<{ warnings: string[]; unbound: string[] }>(),
  },
  'docs/issue': {
    input: docParams.extend({
      title: text('标题', 200),
      recipients: optText(2000),
      body: optText(100000),
      attachments: z.array(z.string()).default([]),
      /** 附件 lines the clerk confirmed as provided apart (另发 or bound in by hand). */
      apart: z.array(z.string().max(500)).max(50).default([]),
      copyTo: optText(500),
      date: isoDate,
      /** Only for a first issue: the user may take a specific free number. */
      serial: z.number().int().positive().nullable().default(null),
    }),
    output: out<{ entry: RegisterEntry; path: string }>(),
  },
  /** 起草公文: drafts of freely written 通知/办法/报告 of a work year (issued ones carry their 文号). */
  'freedoc/list': { input: z.object({ workYear: year }), output: out<FreeDoc[]>() },
  /** Creates (no id) or saves a draft; it is issued through docs/draft + docs/issue, kind free-doc. */
  'freedoc/save': {
    input: z.object({
      id: z.string().optional(),
      version: z.number().int().min(1).optional(),
      workYear: year,
      docType: z.enum(FREE_DOC_TYPES, { message: '文种须为通知、办法或报告' }),
      direction: z.enum(['down', 'up'], { message: '请选择上行文或下行文' }),
      prefixKey: z.enum(['budget', 'performance'], { message: '请选择文号代字' }),
      title: text('标题', 200),
      recipients: optText(2000).default(''),
      body: optText(100000).default(''),
      attachments: z.array(z.string().trim().max(200, '附件名称不能超过200字')).max(50, '附件不能超过50个').default([]),
      copyTo: optText(500).default(''),
      date: isoDate,
    }),
    output: out<FreeDoc>(),
  },
  'register/list': {
    input: z.object({ year: year.optional(), prefix: z.string().optional(), search: searchText }),
    output: out<RegisterEntry[]>(),
  },
  /** One page of the register, filtered, sorted and paged in SQL; `total` counts every filtered entry. */
  'register/page': {
    input: z.object({
      year: year.optional(),
      prefix: z.string().optional(),
      search: searchText,
      /** number: 代字, 年度, 序号; date: 成文日期. Without a sort: newest year first, then 代字, 序号 descending. */
      sort: z.enum(['number', 'date']).optional(),
      order: z.enum(['asc', 'desc']).optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(LIST_PAGE_SIZE),
    }),
    output: out<RegisterPage>(),
  },
  'register/add': {
    input: z.object({
      prefix: text('文号代字', 20),
      year,
      serial: z.number().int('文号序号须为整数').positive('文号序号须为正整数'),
      title: text('标题', 200),
      recipients: optText(500),
      issuedDate: isoDate,
    }),
    output: out<RegisterEntry>(),
  },
  'audit/list': { input: z.object({ entity: z.string().optional(), entityId: z.string().optional(), limit: z.number().int().max(1000).default(200) }), output: out<AuditEntry[]>() },
  'selfeval/save': {
    input: z.object({
      itemId: id,
      funds: z.array(z.object({ source: text('资金来源', 20), initialWan: amountWan, budgetWan: amountWan, executedWan: amountWan })).min(1, '请至少填写一行资金'),
      values: z.array(
        z.object({
          indicatorId: id,
          actual: z.string().trim().max(200),
          inapplicable: z.boolean().default(false),
          finalScore: z.number().min(0, '得分不能为负').nullable(),
          overrideReason: optText(500),
          reason: optText(500),
        }),
      ),
      /** 预算执行率 below 90% must be explained. */
      executionNote: optText(500).default(''),
      conclusion: optText(200),
      problems: optText(200),
      improvements: optText(200),
    }),
    output: out<ItemDetail>(),
  },
  'fiscaleval/candidates': {
    input: z.object({
      budgetYear: year,
      fundSource: z.enum(FUND_SOURCES).optional(),
      category: z.enum(PROJECT_CATEGORIES).optional(),
      unitId: z.string().optional(),
      minWan: amountWan.optional(),
      search: searchText,
    }),
    output: out<{ rows: (ProjectDetail & { selfGrade: string | null; selfScore: number | null })[]; totalFen: number }>(),
  },
  'fiscaleval/save': {
    input: z.object({
      itemId: id,
      totalScore: z.number().min(0, '得分应在0至100之间').max(100, '得分应在0至100之间'),
      findings: z.array(z.string().trim().min(1)).default([]),
      conclusion: optText(2000),
      consequence: optText(500),
    }),
    output: out<ItemDetail>(),
  },
  'rectify/list': {
    input: z.object({ workYear: year.optional(), status: z.enum(['未整改', '整改中', '已整改']).optional(), overdueOnly: z.boolean().optional() }),
    output: out<Rectification[]>(),
  },
  'rectify/save': {
    input: z.object({
      itemId: id,
      /** The version the record was loaded at (optimistic concurrency); omitted for a new record. */
      version: z.number().int().min(1).optional(),
      deadline: isoDate,
      copies: z.number().int().min(1).max(10).default(2),
      requirements: optText(2000).default(''),
      status: z.enum(['未整改', '整改中', '已整改']),
      reportDate: isoDate.nullable().default(null),
      reportContent: optText(5000).default(''),
    }),
    output: out<Rectification>(),
  },
  'agencies/list': { input: z.object({ includeInactive: z.boolean().optional() }), output: out<Agency[]>() },
  'agencies/save': {
    input: z.object({
      id: z.string().optional(),
      /** The version the record was loaded at (optimistic concurrency); omitted for a new record. */
      version: z.number().int().min(1).optional(),
      name: text('机构名称', 100),
      creditCode: z.string().trim().max(18).regex(/^([0-9A-HJ-NPQRTUWXY]{18})?$/, '统一社会信用代码应为18位数字或大写字母'),
      contact: optText(20),
      phone: optText(30),
      qualifications: optText(1000),
      notes: optText(1000),
      active: z.boolean().default(true),
    }),
    output: out<Agency>(),
  },
  'agencies/remove': { input: z.object({ id }), output: out<{ removed: boolean; deactivated: boolean }>() },
  'engagements/list': { input: z.object({ roundId: z.string().optional(), agencyId: z.string().optional() }), output: out<Engagement[]>() },
  'engagements/save': {
    input: z.object({
      id: z.string().optional(),
      /** The version the record was loaded at (optimistic concurrency); omitted for a new record. */
      version: z.number().int().min(1).optional(),
      roundId: id,
      agencyId: z.string().min(1, '请选择第三方机构'),
      services: optText(2000),
      quality: optText(2000),
      deliverBy: isoDate.nullable(),
      feeWan: amountWan,
      method: optText(50),
      contractDate: isoDate.nullable(),
      periodStart: isoDate.nullable(),
      periodEnd: isoDate.nullable(),
      reportDate: isoDate.nullable(),
      notes: optText(1000),
    }),
    output: out<Engagement>(),
  },
  'engagements/remove': { input: z.object({ id }), output: out<{ removed: boolean }>() },
  'ratings/save': {
    input: z.object({ engagementId: id, rater: z.enum(['被评价单位', '财政部门']), raterName: optText(60), scores: z.record(z.string(), z.number().min(0, '得分不能为负')) }),
    output: out<Engagement>(),
  },
  'dashboard/get': { input: z.object({ workYear: year, waitingDays: z.number().int().min(1).max(90).default(7) }), output: out<Dashboard>() },
  'dashboard/years': { input: z.object({}), output: out<{ source: string; headline: Headline }[]>() },
  'yearData/export': { input: z.object({ workYear: year }), output: out<JobState>() },
  'yearData/upload': {
    input: z.object({
      /** null for the first part; then the id the first part returned. */
      uploadId: z.string().uuid().nullable(),
      fileName: z.string().min(1),
      /** Where this part starts: every byte before it already sent, none after. */
      offset: z.number().int().min(0),
      /** The whole file's size, as the first part declared it. */
      total: z.number().int().min(1, '文件内容为空').max(MAX_PACKAGE_BYTES, `数据包超过 ${MAX_PACKAGE_BYTES / 1024 ** 3} GB，不是本软件导出的年度数据包`),
      base64: z.string().min(1, '文件内容为空').max(Math.ceil(PACKAGE_PART_BYTES / 3) * 4, '数据包分段过大'),
    }),
    output: out<{ uploadId: string; received: number }>(),
  },
  'yearData/import': {
    // The file in the call (small packages, scripts), or sent before in parts (yearData/upload).
    input: z.union([fileUpload, z.object({ fileName: z.string().min(1), uploadId: z.string().uuid() })]),
    output: out<YearPackage>(),
  },
  'yearData/packages': { input: z.object({}), output: out<{ packages: YearPackage[]; viewing: string | null; years: YearStatus[] }>() },
  'yearData/open': { input: z.object({ id }), output: out<{ viewing: string; manifest: PackageManifest }>() },
  'yearData/close': { input: z.object({}), output: out<{ viewing: null }>() },
  'yearData/restore': { input: z.object({ id }), output: out<{ restored: true; backup: string }>() },
  'yearData/removePackage': { input: z.object({ id }), output: out<{ removed: boolean }>() },
  'yearData/lock': { input: z.object({ workYear: year, locked: z.boolean(), reason: optText(500).default('') }), output: out<YearStatus>() },
  'yearData/carryOver': { input: z.object({ workYear: year }), output: out<{ path: string; manifest: PackageManifest }>() },
  'backups/list': { input: z.object({}), output: out<BackupEntry[]>() },
  'backups/create': { input: z.object({}), output: out<BackupEntry>() },
  'backups/restore': { input: z.object({ fileName: z.string().min(1) }), output: out<{ restored: true; backup: string }>() },
  'demo/load': { input: z.object({}), output: out<Record<string, number>>() },
  'files/open': { input: z.object({ path: z.string().min(1), reveal: z.boolean().default(false) }), output: out<{ opened: boolean }>() },
} satisfies Record<Channel, { input: z.ZodType; output: unknown }>

export type Api = typeof api
export type ApiInput<C extends Channel> = z.input<Api[C]['input']>
export type ApiParsed<C extends Channel> = z.output<Api[C]['input']>
export type ApiOutput<C extends Channel> = Api[C]['output']

/** Chinese names of input fields, for messages that do not already say which field is meant. */
const FIELD_NAMES: Record<string, string> = {
  amountWan: '金额',
  feeWan: '费用',
  initialWan: '年初预算数',
  budgetWan: '全年预算数',
  executedWan: '全年执行数',
  forecastWan: '全年预计执行数',
  minWan: '最低金额',
  creditCode: '统一社会信用代码',
  date: '日期',
  deadline: '截止日期',
  issuedDate: '成文日期',
  reportDate: '报告日期',
  workYear: '年度',
  year: '年度',
  serial: '文号序号',
  weight: '权重',
  finalScore: '最终得分',
  totalScore: '评价得分',
  participantCount: '参加人数',
  asOfMonth: '监控截止月份',
  fundSource: '资金来源',
  category: '项目类别',
  thresholds: '结论分数线',
  grades: '等级分数线',
  yellow: '黄灯分界',
  password: '密码',
  roles: '角色',
  sessionIdleMinutes: '空闲锁定时间',
}

/** Zod issues → one Chinese sentence; the field is named in Chinese where the message does not. */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => {
      const key = [...i.path].reverse().find((p) => typeof p === 'string' && FIELD_NAMES[p])
      const name = typeof key === 'string' ? FIELD_NAMES[key] : undefined
      const row = i.path.find((p) => typeof p === 'number')
      const where = `${typeof row === 'number' ? `第${row + 1}行` : ''}${name && !i.message.includes(name) ? `“${name}”` : ''}`
      return (where ? `${where}：` : '') + i.message
    })
    .join('；')
}
