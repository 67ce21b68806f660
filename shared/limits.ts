/**
 * Bounds on data arriving from outside. Per-column text lengths are read from the save channels'
 * zod schemas (shared/column-limits.ts), so there is one source; columns not named there are free
 * text or JSON written by the product itself and get the generic bounds below.
 */
import { FUND_SOURCES, PROJECT_CATEGORIES } from './domain'
import { DOC_KIND_KEYS } from './documents'
import { EXANTE_CONCLUSIONS } from './exante'
import { GRADES } from './scoring'
import { ITEM_STATUSES, STAGE_KEYS } from './stage'

/** Any plain text column not listed (notes, opinions, summaries): the largest the API accepts. */
export const DEFAULT_TEXT_LIMIT = 100_000
/** Columns holding JSON written by the product (audit before/after, document content, settings). */
export const JSON_TEXT_LIMIT = 5_000_000
export const JSON_COLUMNS = new Set(['value', 'before', 'after', 'content', 'records', 'scores', 'division_ids', 'unit_ids', 'project_ids', 'causes', 'opinions', 'funds'])
/** Amounts in 分: at most 10^15 (a trillion 万元 is far beyond a county). */
export const MAX_FEN = 1_000_000_000_000_000

/** Columns holding one of a fixed set of values (null allowed where the column is nullable). */
export const COLUMN_ENUMS: Record<string, Record<string, readonly string[]>> = {
  exante_proposals: { fund_source: FUND_SOURCES, conclusion: EXANTE_CONCLUSIONS, suggested_conclusion: EXANTE_CONCLUSIONS },
  projects: { fund_source: FUND_SOURCES, category: PROJECT_CATEGORIES },
  rounds: { stage: STAGE_KEYS },
  round_items: { status: ITEM_STATUSES, grade: GRADES },
  // 'manual': a 文号 registered by hand for a document written outside the product.
  documents: { kind: [...DOC_KIND_KEYS, 'manual'] },
  agency_ratings: { rater: ['被评价单位', '财政部门'] },
}

/** Free-text search boxes: longer input is no search a person types (and LIKE patterns have limits). */
export const SEARCH_LIMIT = 100

/**
 * Bounds on an uploaded workbook, checked before it is parsed (electron/excel/guard.ts). Sized
 * for the city-scale case (5,000 projects × 12 indicators ≈ 60,000 rows on one sheet, a few MB
 * zipped) with room to spare; a zip bomb or a million-row sheet is refused before it costs memory.
 */
export const WORKBOOK_LIMITS = {
  /** The .xlsx file itself. */
  fileBytes: 30 * 1024 * 1024,
  /** Everything inside it, unzipped: the XML is what the parser holds in memory, several times over. */
  inflatedBytes: 160 * 1024 * 1024,
  /** Parts inside the zip (a real workbook has a few dozen). */
  entries: 2_000,
  /**
   * Worksheets in one workbook read whole (form-shaped workbooks: the 自评表 and county forms, one
   * project a sheet, read with their merged cells). exceljs builds the loaded workbook's model in
   * one stretch of the main process, about 0.4 ms a sheet and its garbage collection (measured on
   * the product's 自评表: 116 ms at 197 sheets, 218 ms and 280 MB at 500): 150 keeps it under
   * 100 ms. A county's round (the 师宗县 report: 139 projects) fits in one file; a city's goes out
   * and comes back a file per unit.
   */
  sheets: 150,
  /** Rows on one worksheet. */
  rowsPerSheet: 100_000,
  /** Cells in the whole workbook. */
  cells: 2_000_000,
  /** Characters in one cell: Excel's own limit (Microsoft, "Excel specifications and limits"). */
  cellChars: 32_767,
} as const

/** Projects in one 自评表 file (a sheet each): the sheets one import reads, less the instructions and the lists. */
export const SELFEVAL_FILE_PROJECTS = WORKBOOK_LIMITS.sheets - 2
