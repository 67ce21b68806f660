/** The source report's scale: 139 projects with ~1,500 indicator rows in one workbook. */
import { describe, expect, it } from 'vitest'
import { loadWorkbook } from '../../electron/excel/read-table'
import { buildMonitoringWorkbook, parseMonitoringWorkbook } from '../../electron/excel/monitoring-sheet'
import { buildTargetsWorkbook, parseTargetsWorkbook } from '../../electron/excel/targets-sheet'
import type { SheetProject } from '../../electron/excel/stage-types'
import { LEVELS } from '../../shared/indicators'
import { monitorLine, monitoringInput, targetsInput } from './fixtures'

const PROJECTS = 139
const PAIRS = Object.entries(LEVELS).flatMap(([l1, l2s]) => l2s.map((l2) => [l1, l2] as const))

function bigProjects(): SheetProject[] {
  const out: SheetProject[] = []
  for (let p = 0; p < PROJECTS; p++) {
    // 10 or 11 indicators per project: 139 projects → 1,501 rows.
    const count = p % 5 === 0 ? 10 : 11
    out.push({
      id: `p-${String(p).padStart(4, '0')}`,
      unitCode: `1${String(p % 73).padStart(5, '0')}`,
      unitName: `第${(p % 73) + 1}预算单位`,
      code: `5303232400000${String(p).padStart(7, '0')}`,
      name: `项目${p + 1}：乡村振兴产业发展补助资金`,
      fundSource: '一般公共预算',
      category: '项目',
      amountFen: 1_000_000 * (p + 1) + 12_345,
      annualGoal: '完成年度建设任务，带动农户增收，群众满意度达到90%以上。'.repeat(2),
      indicators: Array.from({ length: count }, (_, i) => {
        const [level1, level2] = PAIRS[i % PAIRS.length]!
        return {
          id: `i-${p}-${i}`,
          level1,
          level2,
          name: `三级指标${i + 1}`,
          operator: i % 4 === 3 ? '定性' : '≥',
          targetValue: i % 4 === 3 ? '达成年度指标' : String(50 + i),
          unit: i % 4 === 3 ? '' : '%',
          weight: 9,
          explanation: '指标解释文字，说明口径和数据来源。',
        }
      }),
    })
  }
  return out
}

describe('a county-sized workbook', () => {
  it('builds and parses 139 projects with ~1,500 indicators', async () => {
    const projects = bigProjects()
    const rows = projects.reduce((n, p) => n + p.indicators.length, 0)
    let t = performance.now()
    const targetsBuf = await buildTargetsWorkbook({ ...targetsInput(projects), units: [] })
    const buildTargets = performance.now() - t
    t = performance.now()
    const targets = parseTargetsWorkbook(await loadWorkbook(targetsBuf, '申报表.xlsx'))
    const importTargets = performance.now() - t
    // A second import in the same process, as when the bureau imports the next unit's file.
    t = performance.now()
    parseTargetsWorkbook(await loadWorkbook(targetsBuf, '申报表.xlsx'))
    const importTargetsAgain = performance.now() - t
    expect(targets.problems).toEqual([])
    expect(targets.projects).toHaveLength(PROJECTS)
    expect(targets.projects.reduce((n, p) => n + p.indicators.length, 0)).toBe(rows)
    expect(targets.projects[138]!.amountFen).toBe(projects[138]!.amountFen)

    const base = monitoringInput()
    const monitorInput = {
      ...base,
      projects: projects.map((p, n) =>
        monitorLine(p, n, { executedFen: Math.floor(p.amountFen / 2), forecastFen: p.amountFen }, (i) => ({ actual: '40', forecast: i.targetValue, likelihood: '有可能', causes: ['经费保障', '人员保障'], measures: '加快进度' })),
      ),
    }
    t = performance.now()
    const monitorBuf = await buildMonitoringWorkbook(monitorInput)
    const buildMonitor = performance.now() - t
    t = performance.now()
    const monitor = parseMonitoringWorkbook(await loadWorkbook(monitorBuf, '监控表.xlsx'))
    const importMonitor = performance.now() - t
    expect(monitor.problems).toEqual([])
    expect(monitor.projects.reduce((n, p) => n + p.indicators.length, 0)).toBe(rows)
    expect(monitor.projects[5]!.executedFen).toBe(monitorInput.projects[5]!.executedFen)

    const kb = (b: Buffer) => `${Math.round(b.length / 1024)} KB`
    console.log(
      [
        `${PROJECTS} projects, ${rows} indicator rows`,
        `申报表: build ${buildTargets.toFixed(0)} ms, load+parse ${importTargets.toFixed(0)} ms (again ${importTargetsAgain.toFixed(0)} ms), ${kb(targetsBuf)}`,
        `监控表: build ${buildMonitor.toFixed(0)} ms, load+parse ${importMonitor.toFixed(0)} ms, ${kb(monitorBuf)}`,
      ].join('\n'),
    )
  })
})
