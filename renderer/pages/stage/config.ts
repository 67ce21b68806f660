/**
 * What differs between the four stages on the one StagePage: titles, the documents of a round and of
 * an item, the batch 意见书, Excel and the list's stage columns. Everything else is shared.
 */
import type { DocKind } from '../../../shared/documents'
import type { ItemStatus, Stage } from '../../../shared/stage'

export interface StageConfig {
  stage: Stage
  /** Menu group · page, shown as the page title. */
  title: string
  /** What the page works on, given the work year. */
  subject(budgetYear: number): string
  /** A sensible title for a new round. */
  defaultRoundTitle(budgetYear: number, asOfMonth?: number | null): string
  /** Round documents, recordId = round id; label is the button text. */
  roundDocs: { kind: DocKind; label: string }[]
  /** Item documents, recordId = item id (整改通知 lives in the 整改 panel). */
  itemDocs: { kind: DocKind; label: string; when?: (s: ItemStatus) => boolean }[]
  /** 批量生成意见书 over the round's reviewed items. */
  batchKind: DocKind | null
  /** Excel 导出/导入 of the units' forms (申报表 / 监控表 / 自评表). */
  excel: { form: string } | null
  /** Show the red/yellow/green column and filter. */
  lights: boolean
  /** Show 得分/等级 (evaluation stages). */
  scores: boolean
  /** What the status 已填报 means for the reviewer. */
  filledName: string
}

const reviewed = (s: ItemStatus) => s === '已审核'

export const STAGE_CONFIG: Record<Stage, StageConfig> = {
  targets: {
    stage: 'targets',
    title: '绩效目标 · 目标审核',
    subject: (y) => `${y}年度预算项目绩效目标`,
    defaultRoundTitle: (y) => `${y}年度预算绩效目标编审`,
    roundDocs: [
      { kind: 'targets-notice', label: '编审工作通知' },
      { kind: 'targets-approval', label: '批复通知' },
    ],
    itemDocs: [{ kind: 'targets-opinion', label: '审核结果运用意见书', when: reviewed }],
    batchKind: 'targets-opinion',
    excel: { form: '绩效目标申报表' },
    lights: false,
    scores: false,
    filledName: '待审核',
  },
  monitoring: {
    stage: 'monitoring',
    title: '运行监控 · 监控任务',
    subject: (y) => `${y}年度预算绩效运行监控`,
    defaultRoundTitle: (y, m) => `${y}年1-${m ?? 9}月绩效运行监控`,
    roundDocs: [
      { kind: 'monitoring-notice', label: '监控工作通知' },
      { kind: 'monitoring-feedback', label: '监控结果反馈通知' },
    ],
    itemDocs: [{ kind: 'monitoring-opinion', label: '监控结果运用意见书', when: reviewed }],
    batchKind: 'monitoring-opinion',
    excel: { form: '绩效运行监控表' },
    lights: true,
    scores: false,
    filledName: '待审核',
  },
  selfeval: {
    stage: 'selfeval',
    title: '绩效评价 · 单位自评',
    subject: (y) => `${y}年度预算支出绩效自评`,
    defaultRoundTitle: (y) => `${y}年度县本级部门预算财政支出绩效自评`,
    roundDocs: [{ kind: 'selfeval-notice', label: '自评工作通知' }],
    itemDocs: [{ kind: 'eval-opinion', label: '评价结果运用意见书', when: reviewed }],
    batchKind: 'eval-opinion',
    excel: { form: '绩效自评表' },
    lights: false,
    scores: true,
    filledName: '待审核',
  },
  fiscaleval: {
    stage: 'fiscaleval',
    title: '绩效评价 · 财政评价',
    subject: (y) => `${y}年度预算支出绩效财政评价`,
    defaultRoundTitle: (y) => `县本级${y}年度预算支出绩效财政再评价`,
    roundDocs: [
      { kind: 'fiscaleval-notice', label: '再评价工作通知' },
      { kind: 'eval-report', label: '评价结果报告' },
    ],
    itemDocs: [{ kind: 'eval-opinion', label: '评价结果运用意见书', when: reviewed }],
    batchKind: 'eval-opinion',
    excel: null,
    lights: false,
    scores: true,
    filledName: '待审核',
  },
}

export const STATUS_COLORS: Record<ItemStatus, string> = {
  待填报: 'default',
  已填报: 'processing',
  退回修改: 'warning',
  已审核: 'success',
}

export const CONCLUSION_COLORS: Record<string, string> = { 优: 'green', 良: 'blue', 中: 'gold', 差: 'red' }
