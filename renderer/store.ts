/** App-wide state: who works, in which year, on which page, and the master data most pages need. */
import { create } from 'zustand'
import type { ApiOutput } from '../shared/api'
import type { Division, Operator, Unit } from '../shared/domain'
import type { Settings } from '../shared/settings'
import { call } from './api'

export type AppInfo = ApiOutput<'app/info'>

export type PageKey =
  | 'welcome'
  | 'trainings'
  | 'exante'
  | 'projects'
  | 'register'
  | 'settings-org'
  | 'settings-docs'
  | 'settings-rules'
  | 'divisions'
  | 'units'
  | 'operators'
  | 'demo'

export const PAGE_TITLES: Record<PageKey, string> = {
  welcome: '欢迎使用',
  trainings: '业务培训',
  exante: '事前评估 · 评估项目',
  projects: '事前评估 · 项目库',
  register: '发文登记',
  'settings-org': '设置 · 单位信息',
  'settings-docs': '设置 · 公文设置',
  'settings-rules': '设置 · 评估规则',
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
  operatorModalOpen: boolean
  /** Bumped after bulk changes (demo load, import) so open pages reload their lists. */
  dataVersion: number

  setPage(page: PageKey): void
  setWorkYear(year: number): void
  setOperator(op: Operator | null): void
  openOperatorModal(open: boolean): void
  setSettings(s: Settings): void
  loadInfo(): Promise<AppInfo>
  loadSettings(): Promise<Settings>
  loadDivisions(): Promise<Division[]>
  loadUnits(): Promise<Unit[]>
  /** Reloads everything after a bulk change. */
  refreshAll(): Promise<void>
}

export const currentYear = () => new Date().getFullYear()

/** The year to start in: the latest year holding data, else the current year. */
export function defaultWorkYear(info: AppInfo | null): number {
  const years = info?.workYears ?? []
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
  dataVersion: 0,

  setPage: (page) => set({ page }),
  setWorkYear: (workYear) => set({ workYear }),
  setOperator: (operator) => set({ operator }),
  openOperatorModal: (operatorModalOpen) => set({ operatorModalOpen }),
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

/** Years offered by the header switcher: years with data, the current year and its neighbours. */
export function selectableYears(info: AppInfo | null, workYear: number): number[] {
  const now = currentYear()
  const set = new Set<number>([...(info?.workYears ?? []), workYear])
  for (let y = now - 3; y <= now + 1; y++) set.add(y)
  return [...set].sort((a, b) => b - a)
}
