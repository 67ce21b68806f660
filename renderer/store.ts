/** App-wide state: who works, in which year, on which page, and the master data most pages need. */
import { create } from 'zustand'
import type { ApiOutput } from '../shared/api'
import type { Division, Operator, Unit } from '../shared/domain'
import type { Settings } from '../shared/settings'
import { call } from './api'
import { workYearsOffered } from '../shared/dates'

export type AppInfo = ApiOutput<'app/info'>

export type PageKey =
  | 'welcome'
  | 'trainings'
  | 'exante'
  | 'projects'
  | 'projects-year'
  | 'targets'
  | 'monitoring'
  | 'selfeval'
  | 'fiscaleval'
  | 'rectify'
  | 'agencies'
  | 'dashboard'
  | 'yeardata'
  | 'register'
  | 'settings-org'
  | 'settings-docs'
  | 'settings-rules'
  | 'settings-eval'
  | 'library'
  | 'divisions'
  | 'units'
  | 'operators'
  | 'demo'

export const PAGE_TITLES: Record<PageKey, string> = {
  welcome: '欢迎使用',
  trainings: '业务培训',
  exante: '事前评估 · 评估项目',
  projects: '事前评估 · 项目库',
  'projects-year': '年度项目库',
  targets: '绩效目标 · 目标审核',
  monitoring: '运行监控 · 监控任务',
  selfeval: '绩效评价 · 单位自评',
  fiscaleval: '绩效评价 · 财政评价',
  rectify: '绩效评价 · 整改',
  agencies: '第三方机构',
  dashboard: '驾驶舱',
  yeardata: '年度数据',
  register: '发文登记',
  'settings-org': '设置 · 单位信息',
  'settings-docs': '设置 · 公文设置',
  'settings-rules': '设置 · 评估规则',
  'settings-eval': '设置 · 监控与评价规则',
  library: '设置 · 指标库',
  divisions: '设置 · 股室',
  units: '设置 · 预算单位',
  operators: '设置 · 操作员',
  demo: '设置 · 演示数据',
}

interface State {
  booted: boolean
  info: AppInfo | null
  operator: Operator | null
  settings: Settings | null
  divisions: Division[]
  units: Unit[]
  workYear: number
  page: PageKey
  /** The sign-in gate (SignInModal) is shown: nobody signed in, or the session locked. */
  operatorModalOpen: boolean
  signInGate: SignInGate
  /** Bumped after bulk changes (demo load, import) so open pages reload their lists. */
  dataVersion: number
  /**
   * Parameters the page was opened with by `navigate` (e.g. a stage list pre-filtered by the
   * dashboard: {roundId, status, light}). Cleared by `setPage`; `navigateSeq` changes on every
   * navigate so a page already shown re-reads them.
   */
  pageParams: PageParams
  navigateSeq: number

  setPage(page: PageKey): void
  /** Opens a page with parameters (generic: each page reads the keys it knows). */
  navigate(page: PageKey, params?: PageParams): void
  setWorkYear(year: number): void
  setOperator(op: Operator | null): void
  openOperatorModal(open: boolean): void
  /** Asks the backend who may sign in (first start? locked?) and shows the sign-in gate. */
  showSignIn(): Promise<void>
  setSettings(s: Settings): void
  loadInfo(): Promise<AppInfo>
  loadSettings(): Promise<Settings>
  loadDivisions(): Promise<Division[]>
  loadUnits(): Promise<Unit[]>
  /** Reloads everything after a bulk change. */
  refreshAll(): Promise<void>
}

export interface SignInGate {
  needsSetup: boolean
  /** Nothing in the database yet: the first-start screen offers the demo year. */
  empty: boolean
  lockedName: string | null
  idleMinutes: number
}

/** Parameters passed to a page by `navigate`; every key optional, each page reads what it knows. */
export interface PageParams {
  roundId?: string
  status?: string
  light?: string
  unitId?: string
  divisionId?: string
  fundSource?: string
  search?: string
  itemId?: string
  [key: string]: string | number | boolean | undefined
}

export const currentYear = () => new Date().getFullYear()

/** The year to start in: the latest year holding data or chosen on first start, else the current year. */
export function defaultWorkYear(info: AppInfo | null): number {
  const years = [...(info?.workYears ?? []), ...(info?.chosenWorkYear ? [info.chosenWorkYear] : [])]
  return years.length ? Math.max(...years) : currentYear()
}

export const useApp = create<State>((set, get) => ({
  booted: false,
  info: null,
  operator: null,
  settings: null,
  divisions: [],
  units: [],
  workYear: currentYear(),
  page: 'exante',
  operatorModalOpen: false,
  signInGate: { needsSetup: false, empty: false, lockedName: null, idleMinutes: 15 },
  dataVersion: 0,
  pageParams: {},
  navigateSeq: 0,

  setPage: (page) => set({ page, pageParams: {} }),
  navigate: (page, params = {}) => set({ page, pageParams: params, navigateSeq: get().navigateSeq + 1 }),
  setWorkYear: (workYear) => set({ workYear }),
  setOperator: (operator) => set({ operator }),
  openOperatorModal: (operatorModalOpen) => set({ operatorModalOpen }),
  async showSignIn() {
    const session = await call('session/get', {})
    set({
      operator: session.operator,
      operatorModalOpen: !session.operator,
      signInGate: { needsSetup: session.needsSetup, empty: session.empty, lockedName: session.lockedName, idleMinutes: session.idleMinutes },
    })
  },
  setSettings: (settings) => set({ settings }),
  async loadInfo() {
    const info = await call('app/info', {})
    set({ info })
    return info
  },
  async loadSettings() {
    const settings = await call('settings/get', {})
    set({ settings })
    return settings
  },
  async loadDivisions() {
    const divisions = await call('divisions/list', {})
    set({ divisions })
    return divisions
  },
  async loadUnits() {
    const units = await call('units/list', { includeInactive: true })
    set({ units })
    return units
  },
  async refreshAll() {
    const s = get()
    await Promise.all([s.loadInfo(), s.loadSettings(), s.loadDivisions(), s.loadUnits()])
    set({ dataVersion: get().dataVersion + 1 })
  },
}))

/** Years offered by the header switcher (the rule is in shared/dates). */
export function selectableYears(info: AppInfo | null, workYear: number): number[] {
  return workYearsOffered({ dataYears: info?.workYears ?? [], budgetYears: info?.budgetYears ?? [], chosen: info?.chosenWorkYear ?? null, current: workYear, pcYear: currentYear() })
}

/** Years offered on first start: the PC's year and its neighbours, the clerk picks the one worked in. */
export function firstYearChoices(): number[] {
  const now = currentYear()
  return [now + 1, now, now - 1, now - 2]
}
