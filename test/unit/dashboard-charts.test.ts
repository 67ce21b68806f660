/**
 * The 驾驶舱's multi-year chart: its tooltip states each figure from the integer 分 (formatWan), not
 * from the float 万元 the bars are drawn with. 1.005万元 (1,005,000 分) rounds half up to 1.01; the
 * float 1.005 rounded by toFixed(2) gave 1.00.
 */
import { describe, expect, it } from 'vitest'
import type { Headline } from '../../shared/domain'
import { yearsOption, type YearTooltipParam } from '../../renderer/pages/dashboard/charts'

const headline = (workYear: number, fen: Partial<Headline>): Headline => ({
  workYear,
  trainings: 0,
  trainingParticipants: 0,
  exanteProjects: 0,
  exanteFen: 0,
  targetUnits: 0,
  targetProjects: 0,
  targetFen: 0,
  monitoredProjects: 0,
  monitoredFen: 0,
  selfEvalProjects: 0,
  selfEvalFen: 0,
  keyEvalProjects: 0,
  keyEvalFen: 0,
  rectifyOpen: 0,
  documents: 0,
  ...fen,
})

describe('多年度 chart tooltip', () => {
  it('formats 万元 from integer 分: 1.005万元 is 1.01, 0.145万元 is 0.15, 15718.935万元 is 15718.94 (ungrouped, as the other chart labels)', () => {
    const rows = [
      { source: '工作数据', headline: headline(2023, { exanteFen: 1_005_000, targetFen: 145_000, monitoredFen: 15_718_935_000 }) },
      { source: '数据包', headline: headline(2024, { selfEvalFen: 10_000, keyEvalFen: 0 }) },
    ]
    const option = yearsOption(rows) as {
      tooltip: { formatter: (ps: YearTooltipParam[]) => string }
      series: { name: string; data: { value: number; wan: string }[] }[]
    }
    const point = (series: number, row: number) => option.series[series]!.data[row]!
    const param = (series: number, row: number): YearTooltipParam => ({ axisValueLabel: `${rows[row]!.headline.workYear}年\n${rows[row]!.source}`, marker: '', seriesName: option.series[series]!.name, data: point(series, row) })
    const first = option.tooltip.formatter([0, 1, 2, 3, 4].map((k) => param(k, 0)))
    expect(first).toBe('2023年 工作数据<br/>事前评估　1.01 万元<br/>绩效目标审核　0.15 万元<br/>纳入运行监控　15718.94 万元<br/>单位自评　0.00 万元<br/>财政重点评价　0.00 万元')
    expect(option.tooltip.formatter([param(3, 1)])).toBe('2024年 数据包<br/>单位自评　0.01 万元')
    // The float kept for drawing is still there (and is why a toFixed text would have said 1.00).
    expect(point(0, 0).value).toBe(1.005)
    expect((1.005).toFixed(2)).toBe('1.00')
  })
})
