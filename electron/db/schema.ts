/**
 * Kysely table types. Columns are snake_case as stored; JSON columns hold text. Money columns
 * end in `_fen` and hold integer 分. Ids are UUIDs so that packages from different PCs can merge.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

/** A column the database fills with a default when an insert leaves it out. */
type Default<T> = ColumnType<T, T | undefined, T>

export interface SettingsTable {
  key: string
  value: string // JSON
}

export interface DivisionsTable {
  id: string
  name: string
  sort: number
  active: number // 0/1
  created_at: string
  updated_at: string
  /** Optimistic concurrency (migration 6): +1 on every update through the Writer. */
  version: Default<number>
}

export interface OperatorsTable {
  id: string
  name: string
  division_id: string | null
  active: number
  /** scrypt$N$r$p$salt$hash, never the password; NULL until one is set. Never written to the audit log. */
  password_hash: Generated<string | null>
  /** JSON array of shared/roles.ts Role. */
  roles: Generated<string>
  failed_sign_ins: Generated<number>
  last_failed_at: Generated<string | null>
  created_at: string
  updated_at: string
  /** Optimistic concurrency (migration 6): +1 on every update through the Writer. */
  version: Default<number>
}

export interface UnitsTable {
  id: string
  code: string
  name: string
  parent_name: string
  division_id: string | null
  active: number
  created_at: string
  updated_at: string
  /** Optimistic concurrency (migration 6): +1 on every update through the Writer. */
  version: Default<number>
}

export interface AuditLogTable {
  id: Generated<number>
  at: string
  operator_id: string | null
  action: string
  entity: string
  entity_id: string
  before: string | null // JSON
  after: string | null // JSON
}

export interface TrainingsTable {
  id: string
  work_year: number
  date: string
  title: string
  organiser: string
  form: string
  division_ids: string // JSON string[]
  unit_ids: string // JSON string[]
  participant_count: number
  notes: string
  created_at: string
  updated_at: string
  /** Optimistic concurrency (migration 6): +1 on every update through the Writer. */
  version: Default<number>
}

export interface ExanteProposalsTable {
  id: string
  work_year: number
  budget_year: number
  unit_id: string
  project_name: string
  amount_fen: number
  fund_source: string
  basis: string
  scores: string // JSON Record<dimensionKey, number|null>
  total_score: number | null
  suggested_conclusion: string | null
  conclusion: string | null
  conclusion_reason: string
  confirmed_by: string | null
  confirmed_at: string | null
  library_project_id: string | null
  created_at: string
  updated_at: string
  /** Optimistic concurrency (migration 6): +1 on every update through the Writer. */
  version: Default<number>
}

export interface ProjectsTable {
  id: string
  budget_year: number
  code: string
  category: string
  annual_goal: string
  unit_id: string
  name: string
  amount_fen: number
  fund_source: string
  origin: string
  origin_id: string | null
  /** 本级, 中央转移支付, 省级转移支付, 市级转移支付. */
  fund_channel: Default<string>
  /** 1 = a project with 绩效目标; 0 = a budget line under monitoring only. */
  needs_targets: Default<number>
  /** '历史目标导入' when last year's approved targets were loaded as history, else ''. */
  targets_origin: Default<string>
  targets_approved_at: Default<string | null>
  created_at: string
  updated_at: string
  /** Optimistic concurrency (migration 6): +1 on every update through the Writer. */
  version: Default<number>
}

export interface DocumentsTable {
  id: string
  kind: string
  /** Identifies the same document across re-generations; null for hand-registered numbers. */
  doc_key: string | null
  prefix: string
  year: number
  serial: number | null
  doc_number: string
  title: string
  recipients: string
  issued_date: string
  file_name: string
  file_path: string
  content: string // JSON of the issued draft fields
  records: string // JSON {id,label}[]
  generated: number
  operator_id: string | null
  created_at: string
  updated_at: string
}

export interface IndicatorsTable {
  id: string
  project_id: string
  level1: string
  level2: string
  name: string
  operator: string
  target_value: string
  unit: string
  weight: number | null
  explanation: string
  sort: number
  created_at: string
  updated_at: string
}

export interface RoundsTable {
  id: string
  project_ids: Default<string> // JSON string[]; non-empty = an explicit selection (财政评价)
  stage: string
  work_year: number
  budget_year: number
  title: string
  deadline: string | null
  as_of_month: number | null
  unit_ids: string // JSON string[]; empty = every unit
  notes: string
  created_at: string
  updated_at: string
  /** Optimistic concurrency (migration 6): +1 on every update through the Writer. */
  version: Default<number>
}

export interface RoundItemsTable {
  id: string
  round_id: string
  project_id: string
  status: string
  review_count: number
  conclusion: string | null
  result_use: string
  is_public: number
  public_date: string | null
  executed_fen: number | null
  forecast_fen: number | null
  deviation: string
  measures: string
  light: string | null
  submitted_at: string | null
  reviewed_at: string | null
  funds: Default<string> // JSON FundRow[] (自评)
  total_score: Default<number | null>
  grade: Default<string | null>
  /** The 总分 and 预算执行 得分 the unit typed on its 自评表 (null: none typed); beside the rule's. */
  unit_total_score: Default<number | null>
  unit_execution_score: Default<number | null>
  eval_conclusion: Default<string>
  eval_problems: Default<string>
  eval_improvements: Default<string>
  findings: Default<string> // JSON string[] (财政评价 problems found)
  consequence: Default<string>
  created_at: string
  updated_at: string
}

export interface ReviewsTable {
  id: string
  item_id: string
  seq: number
  action: string
  conclusion: string | null
  summary: string
  opinions: string // JSON {ref,label,text}[]
  operator_id: string | null
  division_id: string | null
  at: string
  created_at: string
  updated_at: string
}

export interface IndicatorValuesTable {
  id: string
  item_id: string
  indicator_id: string
  actual: string
  forecast: string
  likelihood: string
  causes: string // JSON string[]
  measures: string
  light: string | null
  suggested_score: Default<number | null>
  final_score: Default<number | null>
  override_reason: Default<string>
  override_by: Default<string | null>
  inapplicable: Default<number>
  reason: Default<string>
  created_at: string
  updated_at: string
}

export interface LibraryIndicatorsTable {
  id: string
  level1: string
  level2: string
  name: string
  operator: string
  target_value: string
  unit: string
  explanation: string
  field: string
  created_at: string
  updated_at: string
  /** Optimistic concurrency (migration 6): +1 on every update through the Writer. */
  version: Default<number>
}

export interface YearLocksTable {
  work_year: number
  locked_at: string
  operator_id: string | null
}

export interface AgenciesTable {
  id: string
  name: string
  credit_code: string
  contact: string
  phone: string
  qualifications: string
  notes: string
  active: number
  created_at: string
  updated_at: string
  /** Optimistic concurrency (migration 6): +1 on every update through the Writer. */
  version: Default<number>
}

export interface EngagementsTable {
  id: string
  round_id: string
  agency_id: string
  services: string
  quality: string
  deliver_by: string | null
  fee_fen: number
  method: string
  contract_date: string | null
  period_start: string | null
  period_end: string | null
  report_date: string | null
  notes: string
  created_at: string
  updated_at: string
  /** Optimistic concurrency (migration 6): +1 on every update through the Writer. */
  version: Default<number>
}

export interface AgencyRatingsTable {
  id: string
  engagement_id: string
  rater: string
  rater_name: string
  scores: string // JSON Record<itemKey, number>
  total: number
  rated_at: string
  created_at: string
  updated_at: string
}

export interface RectificationsTable {
  id: string
  item_id: string
  deadline: string
  copies: number
  requirements: string
  status: string
  report_date: string | null
  report_content: string
  closed_at: string | null
  created_at: string
  updated_at: string
  /** Optimistic concurrency (migration 6): +1 on every update through the Writer. */
  version: Default<number>
}

/** Freely written 公文 drafts (migration 9): kind free-doc documents are issued from these. */
export interface FreeDocumentsTable {
  id: string
  work_year: number
  doc_type: string // 通知 | 办法 | 报告
  direction: string // down | up
  prefix_key: string // budget | performance
  title: string
  recipients: string
  body: string
  attachments: string // JSON string[]
  copy_to: string
  date: string
  operator_id: string | null
  created_at: string
  updated_at: string
  version: Default<number>
}

export interface DB {
  settings: SettingsTable
  divisions: DivisionsTable
  operators: OperatorsTable
  units: UnitsTable
  audit_log: AuditLogTable
  trainings: TrainingsTable
  exante_proposals: ExanteProposalsTable
  projects: ProjectsTable
  documents: DocumentsTable
  indicators: IndicatorsTable
  rounds: RoundsTable
  round_items: RoundItemsTable
  reviews: ReviewsTable
  indicator_values: IndicatorValuesTable
  library_indicators: LibraryIndicatorsTable
  year_locks: YearLocksTable
  agencies: AgenciesTable
  engagements: EngagementsTable
  agency_ratings: AgencyRatingsTable
  rectifications: RectificationsTable
  free_documents: FreeDocumentsTable
}

export type DivisionRow = Selectable<DivisionsTable>
export type OperatorRow = Selectable<OperatorsTable>
export type UnitRow = Selectable<UnitsTable>
export type TrainingRow = Selectable<TrainingsTable>
export type ExanteRow = Selectable<ExanteProposalsTable>
export type ProjectRow = Selectable<ProjectsTable>
export type DocumentRow = Selectable<DocumentsTable>
export type IndicatorRow = Selectable<IndicatorsTable>
export type RoundRow = Selectable<RoundsTable>
export type RoundItemRow = Selectable<RoundItemsTable>
export type ReviewRow = Selectable<ReviewsTable>
export type IndicatorValueRow = Selectable<IndicatorValuesTable>
export type NewRow<T extends keyof DB> = Insertable<DB[T]>
export type RowPatch<T extends keyof DB> = Updateable<DB[T]>
