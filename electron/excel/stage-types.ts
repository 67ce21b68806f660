/**
 * What the 绩效目标 申报表 and the 运行监控 监控表 workbooks carry, independent of their layout.
 * Builders turn these into workbooks for the units; parsers turn filled workbooks back into them.
 */
import type { ImportProblem, Indicator } from '../../shared/domain'

/** An indicator row; `id` is the app's for exported rows and empty for rows the unit added. */
export type SheetIndicator = Omit<Indicator, 'projectId' | 'sort'> & {
  /** Export only: the reviewers' open opinion on this indicator (a returned item), shown in its own column. */
  opinion?: string
}

export interface SheetProject {
  /** The app's project id when exported from it; empty for a project the unit added. */
  id: string
  unitCode: string
  unitName: string
  code: string
  name: string
  fundSource: string
  category: string
  amountFen: number
  annualGoal: string
  indicators: SheetIndicator[]
  /** Export only: the reviewers' open opinions on the project as a whole. */
  opinion?: string
}

/**
 * A round's indicators read a page of projects at a time while the sheet is written, so that a
 * whole round's 60,000 rows are never in memory at once; the projects' own `indicators` are then not
 * read. `count` sizes the sheet's drop-downs, `anyOpinion` says whether the opinion column is there
 * before any row is written.
 */
export interface IndicatorPages<P> {
  count: number
  anyOpinion: boolean
  pages(): AsyncIterable<P[]>
}

/** Export input for the 申报表 (targets) workbook of one or more units. */
export interface TargetsWorkbookInput {
  title: string // e.g. 师宗县2024年度项目支出绩效目标申报表
  deadline: string | null
  units: { code: string; name: string }[]
  projects: SheetProject[]
  /** The indicators a page of projects at a time (a whole round: 60,000 rows at city scale). */
  indicatorPages?: IndicatorPages<SheetProject>
}

export interface ParsedTargetsProject extends SheetProject {
  /** Row of the project on the 项目信息 sheet, for messages. */
  row: number
  indicatorRows: number[]
  /** The sheet a form-shaped 申报表 came from (one project per sheet); absent for the 项目信息 table. */
  sheet?: string
  /** The layout it was read by, for the preview. */
  layout?: string
}

export interface ParsedTargets {
  projects: ParsedTargetsProject[]
  problems: ImportProblem[]
}

export interface SheetMonitorIndicator extends SheetIndicator {
  actual: string
  forecast: string
  likelihood: string
  causes: string[]
  measures: string
}

export interface SheetMonitorProject {
  itemId: string
  projectId: string
  unitCode: string
  unitName: string
  code: string
  name: string
  budgetFen: number
  executedFen: number | null
  forecastFen: number | null
  deviation: string
  measures: string
  indicators: SheetMonitorIndicator[]
  /** Export only: the reviewers' open opinions on the project as a whole. */
  opinion?: string
}

export interface MonitoringWorkbookInput {
  title: string // e.g. 师宗县2024年度项目支出绩效运行监控表（1-9月）
  asOfMonth: number
  deadline: string | null
  projects: SheetMonitorProject[]
  /** The indicators with their values, a page of projects at a time (as for the 申报表). */
  indicatorPages?: IndicatorPages<SheetMonitorProject>
}

export interface ParsedMonitoring {
  projects: (SheetMonitorProject & { row: number })[]
  problems: ImportProblem[]
}

/** One project's 自评表 (county layout, domain-facts §1): funds by source, indicators, conclusion. */
export interface SheetSelfEvalIndicator {
  id: string
  level1: string
  level2: string
  name: string
  operator: string
  targetValue: string
  unit: string
  /** 分值 (the indicator's weight in the 90 points). */
  weight: number
  actual: string
  /** 得分 as the unit filled it; null when blank (the app then scores by rule). */
  score: number | null
  reason: string
  /** Export only: the reviewers' open opinion on this indicator. */
  opinion?: string
}

export interface SheetSelfEvalProject {
  itemId: string
  projectId: string
  unitCode: string
  unitName: string
  code: string
  name: string
  funds: { source: string; initialFen: number; budgetFen: number; executedFen: number }[]
  /** 预算执行率 explanation (required below 90%). */
  executionNote: string
  indicators: SheetSelfEvalIndicator[]
  conclusion: string
  problems: string
  improvements: string
  /** Export only: the reviewers' open opinions on the project as a whole. */
  opinion?: string
  /** Import only: a 总分 the unit typed (the form leaves it to the bureau), kept as the unit's own. */
  typedTotalScore?: number | null
}

export interface SelfEvalWorkbookInput {
  title: string // e.g. 师宗县2023年度项目支出绩效自评表
  budgetYear: number
  deadline: string | null
  projects: SheetSelfEvalProject[]
}

export interface ParsedSelfEval {
  projects: (SheetSelfEvalProject & { sheet: string })[]
  problems: ImportProblem[]
}
