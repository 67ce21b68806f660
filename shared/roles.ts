/**
 * Who may do what: the one table of roles per channel. The backend's dispatch checks it for every
 * call before the handler runs (deny by default); the renderer only reads it to hide what would be
 * refused anyway. 股室审核's "only their own 股室" and "nobody approves their own submission" are
 * checked in the handlers, where the item is known.
 */
import type { Channel } from './channels'
import type { ItemAction } from './stage'

export const ROLES = ['系统管理员', '预算股', '股室审核', '录入', '查看'] as const
export type Role = (typeof ROLES)[number]

export const ROLE_NOTES: Record<Role, string> = {
  系统管理员: '操作员、设置、年度锁定与解锁、恢复、备份',
  预算股: '各阶段全部操作、公文与发文登记、年度数据包',
  股室审核: '只审核本股室联系单位的项目，并填写结果运用',
  录入: '录入、导入和提交审核，不能审核',
  查看: '只读：驾驶舱、列表和报告',
}

/** No sign-in needed: the first-start screen, the sign-in screen itself. */
export const PUBLIC = 'public' as const
export type ChannelRule = typeof PUBLIC | readonly Role[]

const ALL: readonly Role[] = ROLES
const ADMIN: readonly Role[] = ['系统管理员']
const BUDGET: readonly Role[] = ['预算股']
const ENTRY: readonly Role[] = ['预算股', '录入']
const REVIEW: readonly Role[] = ['预算股', '股室审核']

export const CHANNEL_ROLES = {
  'app/info': ALL,
  'app/chooseWorkYear': ['系统管理员', '预算股'],
  'session/get': PUBLIC,
  'session/setup': PUBLIC,
  'session/signIn': PUBLIC,
  'session/signOut': PUBLIC,
  'operators/list': ADMIN,
  'operators/save': ADMIN,
  'operators/resetPassword': ADMIN,
  'settings/get': ALL,
  'settings/save': ADMIN,
  'divisions/list': ALL,
  'divisions/save': ADMIN,
  'divisions/remove': ADMIN,
  'units/list': ALL,
  'units/save': ['系统管理员', '预算股'],
  'units/remove': ['系统管理员', '预算股'],
  'units/importPreview': ['系统管理员', '预算股'],
  'units/importApply': ['系统管理员', '预算股'],
  'units/exportTemplate': ENTRY,
  'trainings/list': ALL,
  'trainings/save': ENTRY,
  'trainings/remove': BUDGET,
  'exante/list': ALL,
  'exante/get': ALL,
  'exante/save': ENTRY,
  'exante/confirm': BUDGET,
  'exante/remove': BUDGET,
  'exante/toLibrary': BUDGET,
  'projects/list': ALL,
  'projects/get': ALL,
  'projects/save': ENTRY,
  'projects/remove': BUDGET,
  'projects/importRead': ENTRY,
  'projects/importPreview': ENTRY,
  // Apply may create 预算单位 (as units/save); history marks targets 已批复 without a review.
  'projects/importApply': ['系统管理员', '预算股'],
  'projects/historyTargetsPreview': BUDGET,
  'projects/historyTargetsApply': BUDGET,
  'targets/get': ALL,
  'targets/save': ENTRY,
  'library/list': ALL,
  'library/save': BUDGET,
  'library/remove': BUDGET,
  'rounds/list': ALL,
  'rounds/get': ALL,
  'rounds/save': BUDGET,
  'rounds/sync': BUDGET,
  'rounds/remove': BUDGET,
  'rounds/units': ALL,
  'items/list': ALL,
  'items/get': ALL,
  // Which action each role may take is ITEM_ACTION_ROLES below.
  'items/transition': ['预算股', '股室审核', '录入'],
  // Each item of a bulk run is checked as one items/transition (role per action, 股室, no self-approval).
  'items/bulk': ['预算股', '股室审核', '录入'],
  'items/resultUse': REVIEW,
  'monitoring/save': ENTRY,
  'stageExcel/export': ENTRY,
  'stageExcel/preview': ENTRY,
  'stageExcel/apply': ENTRY,
  'docs/batch': BUDGET,
  'jobs/get': ALL,
  // Jobs are started by 预算股 channels (docs/batch, yearData/export); watching one is a read.
  'jobs/cancel': BUDGET,
  'docs/draft': BUDGET,
  // Reads only: the date warnings shown before a document is issued.
  'docs/check': BUDGET,
  'docs/issue': BUDGET,
  // 起草公文 is 公文 work: 预算股 drafts and issues them (docs/issue is 预算股 too).
  'freedoc/list': BUDGET,
  'freedoc/save': BUDGET,
  'register/list': ALL,
  'register/page': ALL,
  'register/add': BUDGET,
  'audit/list': ['系统管理员', '预算股'],
  'selfeval/save': ENTRY,
  'fiscaleval/candidates': ALL,
  'fiscaleval/save': ENTRY,
  'rectify/list': ALL,
  'rectify/save': BUDGET,
  'agencies/list': ALL,
  'agencies/save': BUDGET,
  'agencies/remove': BUDGET,
  'engagements/list': ALL,
  'engagements/save': BUDGET,
  'engagements/remove': BUDGET,
  'ratings/save': BUDGET,
  'dashboard/get': ALL,
  'dashboard/years': ALL,
  'yearData/export': BUDGET,
  'yearData/upload': BUDGET,
  'yearData/import': BUDGET,
  'yearData/packages': ['系统管理员', '预算股'],
  'yearData/open': BUDGET,
  'yearData/close': BUDGET,
  'yearData/restore': ADMIN,
  'yearData/removePackage': BUDGET,
  'yearData/lock': ADMIN,
  'yearData/carryOver': BUDGET,
  'backups/list': ADMIN,
  'backups/create': ADMIN,
  'backups/restore': ADMIN,
  'demo/load': ADMIN,
  'files/open': ALL,
} as const satisfies Record<Channel, ChannelRule>

/** items/transition: who may take which step (submit is entry work, the rest is review). */
export const ITEM_ACTION_ROLES: Record<ItemAction, readonly Role[]> = {
  submit: ENTRY,
  approve: REVIEW,
  return: REVIEW,
  reopen: REVIEW,
}

/** Chinese names of the areas, so a refusal says what was refused. */
const AREA_NAMES: Record<string, string> = {
  app: '查看软件信息',
  operators: '管理操作员',
  settings: '修改设置',
  divisions: '管理股室',
  units: '管理预算单位',
  trainings: '登记业务培训',
  exante: '事前绩效评估',
  projects: '管理项目库',
  targets: '填报绩效目标',
  library: '管理指标库',
  rounds: '管理任务',
  items: '处理任务中的项目',
  monitoring: '填报运行监控',
  stageExcel: '导出导入填报表',
  docs: '制发公文',
  jobs: '查看后台任务',
  register: '发文登记',
  audit: '查看操作记录',
  selfeval: '填报单位自评',
  fiscaleval: '财政评价',
  rectify: '整改',
  agencies: '管理第三方机构',
  engagements: '管理委托',
  ratings: '考评第三方机构',
  dashboard: '查看驾驶舱',
  yearData: '年度数据',
  backups: '备份与恢复',
  demo: '载入演示数据',
  files: '打开文件',
}

const VERBS: Partial<Record<Channel, string>> = {
  'yearData/lock': '锁定或解锁年度',
  'yearData/restore': '恢复年度数据',
  'backups/restore': '从备份恢复',
  'settings/get': '查看设置',
  'items/resultUse': '填写结果运用',
  'operators/resetPassword': '重设密码',
}

export function channelName(channel: Channel): string {
  return VERBS[channel] ?? AREA_NAMES[channel.split('/')[0]!] ?? channel
}

export const rolesText = (roles: readonly Role[]) => roles.map((r) => `“${r}”`).join('或')

export function hasAnyRole(have: readonly Role[], need: readonly Role[]): boolean {
  return have.some((r) => need.includes(r))
}

/** The refusal, naming the role needed and the roles held. */
export function refusalFor(what: string, need: readonly Role[], name: string, have: readonly Role[]): string {
  return `${what}需要${rolesText(need)}角色；当前操作员“${name}”的角色是${have.length ? rolesText(have) : '（未分配）'}。如需办理，请由具有该角色的操作员登录，或请系统管理员调整角色`
}

/** 股室审核 without a wider role sees and reviews only the units of their own 股室. */
export function isDivisionScoped(roles: readonly Role[]): boolean {
  return roles.includes('股室审核') && !roles.some((r) => r === '系统管理员' || r === '预算股' || r === '录入' || r === '查看')
}

/**
 * Sign-in policy defaults. GB/T 22239-2019（等保2.0）8.1.4.1 a/b requires failed sign-ins to be
 * limited and idle sessions to end, without fixing numbers; 5 free attempts and a delay doubling
 * from 30 s to 15 min are the usual Windows account-lockout figures; the idle time is a setting.
 */
export const SIGN_IN_POLICY = { freeAttempts: 5, firstDelaySeconds: 30, maxDelaySeconds: 15 * 60 } as const

/** Seconds to wait after `failures` consecutive failures (0 while under the free attempts). */
export function delayAfterFailures(failures: number): number {
  if (failures < SIGN_IN_POLICY.freeAttempts) return 0
  const d = SIGN_IN_POLICY.firstDelaySeconds * 2 ** (failures - SIGN_IN_POLICY.freeAttempts)
  return Math.min(d, SIGN_IN_POLICY.maxDelaySeconds)
}

export const PASSWORD_MIN = 8
