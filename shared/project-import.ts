/**
 * The 项目库 import: the fields a project list carries, the header words the 预算管理一体化
 * export and hand-made lists use for them, and the shapes of the read → preview → apply steps.
 * Pure data, shared so that the mapping dialog shows the same names the backend guesses with.
 */
import type { ImportProblem } from './domain'
import type { MoneyUnit } from './money'

/** 资金渠道: beside the four budgets, whose money it is. */
export const FUND_CHANNELS = ['本级', '中央转移支付', '省级转移支付', '市级转移支付'] as const
export type FundChannel = (typeof FUND_CHANNELS)[number]

export const PROJECT_FIELDS = ['unitCode', 'unitName', 'code', 'name', 'category', 'fundSource', 'fundChannel', 'amount', 'needsTargets'] as const
export type ProjectField = (typeof PROJECT_FIELDS)[number]

export interface ProjectFieldSpec {
  label: string
  /** Header words seen in 一体化 exports and hand-made lists, compared after normalising. */
  aliases: string[]
  required: boolean
  hint: string
}

export const PROJECT_FIELD_SPECS: Record<ProjectField, ProjectFieldSpec> = {
  unitCode: { label: '单位编码', aliases: ['预算单位编码', '单位代码', '预算单位代码', '单位编号', '部门编码'], required: false, hint: '有编码时按编码对应预算单位' },
  unitName: { label: '预算单位', aliases: ['单位名称', '预算单位名称', '单位', '部门名称', '预算部门', '填报单位', '实施单位'], required: true, hint: '无编码或编码不符时按名称对应' },
  code: { label: '项目编码', aliases: ['项目代码', '预算项目编码', '项目编号', '项目库编码', '项目ID', '项目唯一码'], required: true, hint: '再次导入时按项目编码更新' },
  name: { label: '项目名称', aliases: ['预算项目名称', '项目', '项目全称', '支出项目名称'], required: true, hint: '' },
  category: { label: '项目类别', aliases: ['项目类型', '项目分类', '支出类型', '项目性质'], required: false, hint: '空白按“项目”' },
  fundSource: { label: '资金来源', aliases: ['预算类型', '资金性质', '预算类别', '经费来源', '资金类型'], required: false, hint: '空白按“一般公共预算”' },
  fundChannel: { label: '资金渠道', aliases: ['资金级次', '转移支付', '资金来源级次', '指标来源', '上级转移支付'], required: false, hint: '空白按“本级”' },
  amount: {
    label: '金额',
    aliases: ['项目金额', '预算金额', '预算数', '年初预算数', '年初预算', '合计', '金额合计', '预算安排数', '申报金额', '资金总额', '项目资金', '本年预算数'],
    required: true,
    hint: '表头或标题中的“万元”“元”决定金额单位',
  },
  needsTargets: { label: '编报绩效目标', aliases: ['是否编报绩效目标', '是否设定绩效目标', '绩效目标', '是否需设绩效目标', '是否绩效目标管理'], required: false, hint: '填“否”的为只监控资金的预算资金行；空白按“是”' },
}

/** Field → 0-based column index in the header row, or null when the list has no such column. */
export type ColumnMapping = Partial<Record<ProjectField, number | null>>

export interface ImportColumn {
  index: number
  /** Column letter, e.g. "C". */
  letter: string
  header: string
  samples: string[]
  /** 元 or 万元 when the header itself says so. */
  moneyUnit: MoneyUnit | null
}

export interface ProjectImportRead {
  token: string
  fileName: string
  sheet: string
  /** 1-based row of the (last) header row. */
  headerRow: number
  dataRows: number
  columns: ImportColumn[]
  mapping: ColumnMapping
  /** The mapping came from an earlier import of a file with the same headers. */
  remembered: boolean
  moneyUnit: MoneyUnit | null
  /** Where the money unit was read from, e.g. 表头“预算金额（万元）”; empty when not found. */
  moneyUnitSource: string
  /** The unit a title line gives (“金额单位：万元”), whatever column is chosen. */
  titleMoneyUnit: MoneyUnit | null
}

/** What to do with a unit the list names but the 单位名单 does not hold. */
export type UnitResolution = { action: 'create'; divisionId: string | null } | { action: 'map'; unitId: string }

export interface UnknownUnit {
  /** The key the resolution is given under: code if any, else the normalised name. */
  key: string
  code: string
  name: string
  rows: number[]
  /** Existing units whose name is close, offered first in 对应到…. */
  suggestions: { id: string; name: string; code: string }[]
}

export interface ProjectImportRowPreview {
  row: number
  unitName: string
  code: string
  name: string
  amountFen: number
  fundSource: string
  category: string
  action: '新增' | '更新' | '不变'
}

export interface ProjectImportPreview {
  rows: ProjectImportRowPreview[]
  problems: ImportProblem[]
  unknownUnits: UnknownUnit[]
  counts: { create: number; update: number; unchanged: number }
  totalFen: number
  moneyUnit: MoneyUnit
}

export interface ProjectImportResult {
  created: number
  updated: number
  unchanged: number
  unitsCreated: number
}

/** Header text as compared: no spaces, no asterisks, no unit in brackets, no trailing colon. */
export function normalizeHeaderText(text: string): string {
  return text
    .replace(/\s+/g, '')
    .replace(/[*＊]/g, '')
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/[：:]$/, '')
    .toLowerCase()
}

/** Unit names compared loosely: no spaces or punctuation, full-width brackets as half-width. */
export function normalizeUnitName(name: string): string {
  return name
    .replace(/[\s\u3000]+/g, '')
    .replace(/[（]/g, '(')
    .replace(/[）]/g, ')')
    .replace(/[·•、，,。.\-—_]/g, '')
    .replace(/^(县|市)?本级/, '')
}
