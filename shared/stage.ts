/**
 * The pattern every stage shares: a round (任务) over projects; per project 填报 → 审核 → 结果运用.
 * One state machine serves 绩效目标, 运行监控, 自评 and 财政评价.
 */
export const STAGES = {
  targets: { name: '绩效目标', budgetYearOffset: 0 },
  monitoring: { name: '运行监控', budgetYearOffset: 0 },
  /** 单位自评 and 财政评价 in work year N look back at budget year N−1. */
  selfeval: { name: '单位自评', budgetYearOffset: -1 },
  fiscaleval: { name: '财政评价', budgetYearOffset: -1 },
} as const
export type Stage = keyof typeof STAGES
export const STAGE_KEYS = Object.keys(STAGES) as [Stage, ...Stage[]]

export const ITEM_STATUSES = ['待填报', '已填报', '退回修改', '已审核'] as const
export type ItemStatus = (typeof ITEM_STATUSES)[number]

export const ITEM_ACTIONS = ['submit', 'approve', 'return', 'reopen'] as const
export type ItemAction = (typeof ITEM_ACTIONS)[number]

/** What the lists offer over many selected rows at once (撤销审核 stays one item at a time, with its reason). */
export const BULK_ACTIONS = ['submit', 'approve', 'return'] as const
export type BulkAction = (typeof BULK_ACTIONS)[number]

export const ACTION_NAMES: Record<ItemAction, string> = {
  submit: '提交审核',
  approve: '审核通过',
  return: '退回修改',
  reopen: '撤销审核',
}

const TRANSITIONS: Record<ItemStatus, Partial<Record<ItemAction, ItemStatus>>> = {
  待填报: { submit: '已填报' },
  已填报: { approve: '已审核', return: '退回修改' },
  退回修改: { submit: '已填报' },
  已审核: { reopen: '已填报' },
}

/** The status an action leads to, or null if the action is not allowed from this status. */
export function nextStatus(status: ItemStatus, action: ItemAction): ItemStatus | null {
  return TRANSITIONS[status][action] ?? null
}

export function refusalMessage(status: ItemStatus, action: ItemAction): string {
  const hints: Record<ItemStatus, string> = {
    待填报: '该项目尚未填报，请先填报或导入后再提交审核',
    已填报: '该项目已提交，等待审核',
    退回修改: '该项目已退回单位修改，请待单位修改后重新提交',
    已审核: '该项目已审核通过；如需修改，请先撤销审核',
  }
  return `当前状态为“${status}”，不能${ACTION_NAMES[action]}。${hints[status]}`
}

/** Data may be edited (by hand or by import) only while the unit holds the pen. */
export function canEdit(status: ItemStatus): boolean {
  return status === '待填报' || status === '退回修改' || status === '已填报'
}

/** 88号 审核结论 and what each means for the next step. */
export const TARGET_CONCLUSIONS = ['优', '良', '中', '差'] as const
export type TargetConclusion = (typeof TARGET_CONCLUSIONS)[number]

export const TARGET_CONSEQUENCE: Record<TargetConclusion, string> = {
  优: '直接进入下一步预算安排流程',
  良: '可与单位协商后由审核股室直接修改绩效目标，再进入下一步流程',
  中: '退回单位修改后重新报送审核',
  差: '不得进入下一步预算安排流程',
}

/** 中 sends the targets back; 优/良/差 close the review (差 with its consequence). */
export function actionForConclusion(c: TargetConclusion): 'approve' | 'return' {
  return c === '中' ? 'return' : 'approve'
}
