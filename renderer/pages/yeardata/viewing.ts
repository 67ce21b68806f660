/**
 * Which year package, if any, the whole app is reading from (yearData/open), and the two moves:
 * open a package read-only, go back to the working data. After each, every list reloads.
 */
import { create } from 'zustand'
import type { PackageManifest, YearPackage } from '../../../shared/domain'
import { call } from '../../api'
import { defaultWorkYear, useApp } from '../../store'

export interface Viewing {
  id: string
  label: string
  workYear: number
}

/** 师宗县2024年度数据包 / 师宗县2024年度结转数据包 */
export function packageTitle(m: PackageManifest): string {
  return `${m.county}${m.workYear}年度${m.kind === 'carry-over' ? '结转' : ''}数据包`
}

interface ViewingState {
  viewing: Viewing | null
  /** Reads the backend's state (e.g. after the window was reloaded while a package was open). */
  load(): Promise<void>
  open(pkg: YearPackage): Promise<void>
  close(): Promise<void>
}

export const useViewing = create<ViewingState>((set) => ({
  viewing: null,
  async load() {
    const r = await call('yearData/packages', {})
    const pkg = r.viewing ? r.packages.find((p) => p.id === r.viewing) : undefined
    set({ viewing: pkg ? { id: pkg.id, label: packageTitle(pkg.manifest), workYear: pkg.manifest.workYear } : r.viewing ? { id: r.viewing, label: '年度数据包', workYear: useApp.getState().workYear } : null })
  },
  async open(pkg) {
    const r = await call('yearData/open', { id: pkg.id })
    set({ viewing: { id: r.viewing, label: packageTitle(r.manifest), workYear: r.manifest.workYear } })
    useApp.setState({ workYear: r.manifest.workYear })
    await useApp.getState().refreshAll()
  },
  async close() {
    await call('yearData/close', {})
    set({ viewing: null })
    await useApp.getState().refreshAll()
    useApp.setState({ workYear: defaultWorkYear(useApp.getState().info) })
  },
}))
