import type { Role } from './roles'
/** Domain records as the renderer sees them. Money is always integer 分 (`...Fen`). */
import type { ExanteConclusion, ExanteScores } from './exante'
import type { IndicatorProblem } from './indicators'
import type { Light } from './monitoring'
import type { ItemStatus, Stage } from './stage'

export const FUND_SOURCES = ['一般公共预算', '政府性基金预算', '国有资本经营预算', '社会保险基金预算'] as const
export type FundSource = (typeof FUND_SOURCES)[number]

export interface Operator {
  id: string
  name: string
  divisionId: string | null
  active: boolean
  /** What the operator may do (shared/roles.ts). */
  roles: Role[]
  /** Whether a password is set: an operator without one cannot sign in until it is reset. */
  hasPassword: boolean
  /** Optimistic concurrency: the version this record was loaded at; a save sends it back. */
  version: number
}

/** 股室: 预算股 or a 资金管理股室. */
export interface Division {
  id: string
  name: string
  sort: number
  active: boolean
  /** Optimistic concurrency: the version this record was loaded at; a save sends it back. */
  version: number
}

/** 预算单位 */
export interface Unit {
  id: string
  code: string
  name: string
  /** 主管部门 */
  parentName: string
  divisionId: string | null
  divisionName: string | null
  active: boolean
  /** Optimistic concurrency: the version this record was loaded at; a save sends it back. */
  version: number
}

export interface Training {
  id: string
  workYear: number
  date: string // YYYY-MM-DD
  title: string
  organiser: string
  form: string // 视频会, 现场, ...
  divisionIds: string[]
  unitIds: string[]
  participantCount: number
  notes: string
  /** Optimistic concurrency: the version this record was loaded at; a save sends it back. */
  version: number
}

export type ExanteStatus = '待评分' | '已评分' | '已确认'

/** 事前绩效评估 proposal for budget year workYear+1. */
export interface ExanteProposal {
  id: string
  workYear: number
  budgetYear: number
  unitId: string
  unitName: string
  divisionId: string | null
  divisionName: string | null
  projectName: string
  amountFen: number
  fundSource: FundSource
  basis: string
  scores: ExanteScores
  totalScore: number | null
  suggestedConclusion: ExanteConclusion | null
  conclusion: ExanteConclusion | null
  conclusionReason: string
  status: ExanteStatus
  /** Set once the proposal has entered the 项目库 of budget year N+1. */
  libraryProjectId: string | null
  /** The latest 绩效评价 of the same unit's project of that name, with its budget consequence. */
  evaluationNote: string | null
  updatedAt: string
  /** Optimistic concurrency: the version this record was loaded at; a save sends it back. */
  version: number
}

/** 项目库 entry for a budget year. */
export interface Project {
  id: string
  budgetYear: number
  unitId: string
  unitName: string
  name: string
  amountFen: number
  fundSource: FundSource
  origin: '事前评估' | '导入' | '手工'
  originId: string | null
  /** The latest 绩效评价 of the same unit's project of that name in an earlier year. */
  evaluationNote?: string | null
  /** 项目编码 as the 一体化 system numbers it; empty for lines entered without one. */
  code?: string
  category?: ProjectCategory
  /** 本级 or 中央/省级/市级转移支付. */
  fundChannel?: string
  /** false: a budget line under monitoring only, without 绩效目标. */
  needsTargets?: boolean
  /** '历史目标导入' when the targets were loaded as already approved history. */
  targetsOrigin?: string
  targetsApprovedAt?: string | null
  indicatorCount?: number
  divisionName?: string | null
  /** Optimistic concurrency: the version this record was loaded at; a save sends it back. */
  version: number
}

export interface RegisterEntry {
  id: string
  kind: string
  kindName: string
  /** 代字; empty for un-numbered form documents. */
  prefix: string
  year: number
  serial: number | null
  docNumber: string
  title: string
  recipients: string
  issuedDate: string
  fileName: string
  filePath: string
  /** Ids of the records the document concerns, with a label for each. */
  records: { id: string; label: string }[]
  /** false for numbers registered by hand for documents issued outside the app. */
  generated: boolean
  operatorName: string
  createdAt: string
}

export interface AuditEntry {
  id: number
  at: string
  operatorName: string
  action: string
  entity: string
  entityId: string
  before: unknown
  after: unknown
}

export interface ImportProblem {
  sheet: string
  row: number
  column: string
  message: string
}

export interface UnitImportRow {
  row: number
  code: string
  name: string
  parentName: string
  divisionName: string
  action: '新增' | '更新' | '不变'
}

export interface UnitImportPreview {
  rows: UnitImportRow[]
  problems: ImportProblem[]
  counts: { create: number; update: number; unchanged: number }
  /** Things about the file worth a look that are not errors (a hidden sheet). */
  notices?: string[]
}

// ——— Stages: rounds, items, reviews (绩效目标, 运行监控, later 自评/财政评价) ———

export const PROJECT_CATEGORIES = ['项目', '部门整体支出', '专项债券', 'PPP'] as const
export type ProjectCategory = (typeof PROJECT_CATEGORIES)[number]

export interface Indicator {
  id: string
  projectId: string
  level1: string
  level2: string
  name: string
  operator: string
  targetValue: string
  unit: string
  weight: number | null
  explanation: string
  sort: number
}

export interface LibraryIndicator {
  id: string
  level1: string
  level2: string
  name: string
  operator: string
  targetValue: string
  unit: string
  explanation: string
  field: string
  /** Optimistic concurrency: the version this record was loaded at; a save sends it back. */
  version: number
}

export interface ProjectDetail extends Project {
  code: string
  category: ProjectCategory
  annualGoal: string
  divisionId: string | null
  divisionName: string | null
  unitCode: string
}

export interface ProjectTargets {
  project: ProjectDetail
  indicators: Indicator[]
  problems: IndicatorProblem[]
}

export interface Round {
  id: string
  stage: Stage
  workYear: number
  budgetYear: number
  title: string
  deadline: string | null
  asOfMonth: number | null
  unitIds: string[]
  /** 财政评价: the selected projects. */
  projectIds: string[]
  notes: string
  counts: Record<ItemStatus, number>
  itemCount: number
  totalFen: number
  overdue: boolean
  createdAt: string
  /** Optimistic concurrency: the version this record was loaded at; a save sends it back. */
  version: number
}

export interface RoundItem {
  id: string
  roundId: string
  projectId: string
  projectCode: string
  projectName: string
  category: ProjectCategory
  unitId: string
  unitCode: string
  unitName: string
  divisionId: string | null
  divisionName: string | null
  fundSource: FundSource
  amountFen: number
  status: ItemStatus
  reviewCount: number
  conclusion: string | null
  resultUse: string
  isPublic: boolean
  publicDate: string | null
  executedFen: number | null
  forecastFen: number | null
  /** 执行率 to date, percent with 2 decimals. */
  executionRate: number | null
  light: Light | null
  /** 自评 / 财政评价 result. */
  totalScore: number | null
  grade: string | null
  indicatorCount: number
  updatedAt: string
}

export interface ReviewOpinion {
  /** An indicator id, or a field name such as 'annualGoal' / 'project'. */
  ref: string
  label: string
  text: string
}

export interface Review {
  id: string
  seq: number
  action: string
  actionName: string
  conclusion: string | null
  summary: string
  opinions: ReviewOpinion[]
  operatorName: string
  divisionName: string
  at: string
}

export interface MonitorValue {
  indicatorId: string
  actual: string
  forecast: string
  likelihood: string
  causes: string[]
  measures: string
  light: Light | null
}

export interface ItemDetail {
  item: RoundItem
  /** 自评 / 财政评价 figures, for items of an evaluation round. */
  evaluation: EvaluationDetail | null
  rectification: Rectification | null
  round: Round
  project: ProjectDetail
  indicators: Indicator[]
  values: MonitorValue[]
  deviation: string
  measures: string
  reviews: Review[]
  problems: IndicatorProblem[]
}

/** A form sheet the import could not tie to one project: the user picks it in the preview. */
export interface ImportMatchRequest {
  sheet: string
  /** What the sheet says, e.g. 师宗县教育体育局 · 学生资助补助经费（编码 530323…）. */
  read: string
  reason: string
  /** Projects (绩效目标) or round items (监控/自评) to choose from; value → label. */
  candidates: { id: string; label: string }[]
  /** 绩效目标 only: the sheet may instead be added to the 项目库 as a new project. */
  canCreate: boolean
}
/** The choice for a sheet in `matches`: a candidate id, or this to add the sheet as a new project. */
export const MATCH_CREATE = '__new__'

export interface StageImportPreview {
  summary: {
    projectsCreated: number
    projectsUpdated: number
    indicatorsCreated: number
    indicatorsUpdated: number
    indicatorsRemoved: number
    itemsFilled: number
    /** Of the filled items, those complete enough to go to review: handing in the form submits them. */
    itemsSubmitted: number
  }
  rows: { unitName: string; projectName: string; action: '新增' | '更新' | '不变'; detail: string }[]
  problems: ImportProblem[]
  /** Shown, not blocking: a rule the form has no column for, a unit's own score beside the rule's. */
  warnings?: ImportProblem[]
  /** Sheets waiting for the user to pick their project; the import cannot be applied until none is left. */
  matching?: ImportMatchRequest[]
  /** Things about the file worth a look that are not errors (a hidden sheet). */
  notices?: string[]
  /**
   * The parsed file is kept under this token: a re-preview (matching step) and the apply send it
   * back with the same bytes, and apply applies this parse instead of reading the file again.
   */
  token?: string
  /** sha256 (hex) of the previewed bytes. */
  sha256?: string
}

export interface JobState {
  id: string
  title: string
  done: number
  total: number
  status: 'running' | 'done' | 'cancelled' | 'failed'
  message: string
  paths: string[]
  /** A job over many records (bulk review, a batch of 意见书): how many were done, which were refused and why. */
  outcome?: JobOutcome
}

export interface JobOutcome {
  done: number
  refused: { id: string; label: string; reason: string }[]
}

// ——— Year packages, locks and backups ———

/** Stored inside every year package (table package_manifest) and checked before anything is touched. */
export interface PackageManifest {
  product: '预算绩效管理'
  kind: 'year' | 'carry-over'
  county: string
  bureau: string
  workYear: number
  schemaVersion: number
  appVersion: string
  createdAt: string
  /** Rows per table in the package. */
  rowCounts: Record<string, number>
  /**
   * SHA-256 (hex) over the package's content (table by table in primary-key order) AND every other
   * field of this manifest, so relabelling county, year or kind breaks it too.
   */
  sha256: string
  /** HMAC-SHA-256 (hex) of sha256 under the bureau key (设置 · 单位密钥), if the sender set one. */
  signature?: string
  /**
   * Checksum format: 3 (rows-v3, sealed ysjx-package-v3), written by every export now. Absent in
   * packages of the earlier version (v2, sealed ysjx-package-v2), which still verify.
   */
  format?: 3
}

export interface YearPackage {
  id: string
  fileName: string
  path: string
  manifest: PackageManifest
  importedAt: string
  /** What the signature says under this PC's bureau key: "由…签发，签名有效", or why unchecked. */
  signatureNote: string
}

export interface BackupEntry {
  fileName: string
  path: string
  createdAt: string
  reason: string
  reasonName: string
  size: number
}

export interface YearStatus {
  workYear: number
  locked: boolean
  lockedAt: string | null
}

// ——— 绩效评价: 自评, 财政评价, 第三方机构, 整改 ———

/** Fund rows of the 自评表 (vendor layout: 当年财政资金, 上年结转资金, 其他资金). */
export const FUND_ROW_SOURCES = ['当年财政资金', '上年结转资金', '其他资金'] as const

export interface FundRow {
  source: string
  initialFen: number // 年初预算数
  budgetFen: number // 全年预算数
  executedFen: number // 全年执行数
}

export interface EvalValue {
  indicatorId: string
  actual: string
  inapplicable: boolean
  suggestedScore: number | null
  finalScore: number | null
  overrideReason: string
  overrideBy: string | null
  reason: string // 偏差原因 / 未完成原因分析
  rule: string // how the suggestion was reached
  weight: number // effective weight (its own, or its share of the category weight)
}

export interface EvaluationDetail {
  funds: FundRow[]
  /** 预算执行率 explanation (required below 90%). */
  executionNote: string
  totals: FundRow
  executionRate: number | null
  executionScore: number
  values: EvalValue[]
  totalScore: number | null
  grade: string | null
  /** The 总分 the unit typed on its 自评表 (null: none); kept beside totalScore, the rule's. */
  unitTotalScore: number | null
  /** The 预算执行 得分 the unit typed (null: none); beside executionScore, the rule's. */
  unitExecutionScore: number | null
  conclusion: string
  problems: string
  improvements: string
  findings: string[]
  consequence: string
}

export interface Rectification {
  id: string
  itemId: string
  roundId: string
  projectName: string
  unitName: string
  workYear: number
  deadline: string
  copies: number
  requirements: string
  status: '未整改' | '整改中' | '已整改'
  reportDate: string | null
  reportContent: string
  overdue: boolean
  noticeNumber: string
  /** Optimistic concurrency: the version this record was loaded at; a save sends it back. */
  version: number
}

export interface Agency {
  id: string
  name: string
  creditCode: string
  contact: string
  phone: string
  qualifications: string
  notes: string
  active: boolean
  engagementCount: number
  averageScore: number | null
  /** Optimistic concurrency: the version this record was loaded at; a save sends it back. */
  version: number
}

export interface AgencyRating {
  rater: '被评价单位' | '财政部门'
  raterName: string
  scores: Record<string, number>
  total: number
  ratedAt: string
}

export interface Engagement {
  id: string
  roundId: string
  roundTitle: string
  workYear: number
  agencyId: string
  agencyName: string
  services: string
  quality: string
  deliverBy: string | null
  feeFen: number
  method: string
  contractDate: string | null
  periodStart: string | null
  periodEnd: string | null
  reportDate: string | null
  notes: string
  projectCount: number
  projectFen: number
  ratings: AgencyRating[]
  /** Average of the two raters' totals once both have rated. */
  finalScore: number | null
  /** Optimistic concurrency: the version this record was loaded at; a save sends it back. */
  version: number
}

// ——— 驾驶舱 ———

export interface Headline {
  workYear: number
  trainings: number
  trainingParticipants: number
  exanteProjects: number
  exanteFen: number
  targetUnits: number
  targetProjects: number
  targetFen: number
  monitoredProjects: number
  monitoredFen: number
  selfEvalProjects: number
  selfEvalFen: number
  keyEvalProjects: number
  keyEvalFen: number
  rectifyOpen: number
  documents: number
}

export interface StageStatusRow {
  stage: string
  stageName: string
  status: string
  count: number
  fen: number
}

export interface GroupAmount {
  key: string
  name: string
  count: number
  fen: number
}

export interface DashboardWarning {
  kind: 'red' | 'rectify-overdue' | 'review-waiting' | 'round-overdue'
  title: string
  detail: string
  /** Where clicking leads: a round's list filtered, or the 整改 list. */
  roundId: string | null
  itemId: string | null
}

export interface Dashboard {
  /** A 股室审核's 驾驶舱: the figures are those of this 股室's units (null: the whole bureau). */
  scope: { divisionId: string; divisionName: string } | null
  headline: Headline
  byStageStatus: StageStatusRow[]
  byUnit: GroupAmount[]
  byDivision: GroupAmount[]
  byFundSource: GroupAmount[]
  lights: { red: number; yellow: number; green: number; none: number }
  pipeline: { stage: string; name: string; count: number; fen: number; roundId: string | null }[]
  warnings: DashboardWarning[]
  /** The rounds of the year per stage, so charts can open the list behind them. */
  rounds: { id: string; stage: string; title: string }[]
}
