/**
 * ECharts options for the 驾驶舱, built from the Dashboard payload. Each data item carries what a
 * click needs (`nav`), so the page turns any clicked segment into a `navigate(...)`.
 *
 * Chart geometry uses 万元 as a float; every figure shown as text is formatted from integer 分.
 */
import type { Dashboard, GroupAmount, Headline } from '../../../shared/domain'
import { FUND_SOURCES } from '../../../shared/domain'
import { formatWan } from '../../../shared/money'
import { ITEM_STATUSES, STAGES, type Stage } from '../../../shared/stage'
import type { EChartsCoreOption } from 'echarts/core'
import type { PageKey, PageParams } from '../../store'

/** Where a click on a segment leads. */
export interface Nav {
  page: PageKey
  params?: PageParams
}

const toWan = (fen: number) => fen / 1_000_000
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c)

export const STAGE_PAGES: Record<Stage, PageKey> = { targets: 'targets', monitoring: 'monitoring', selfeval: 'selfeval', fiscaleval: 'fiscaleval' }
const STAGE_ORDER: Stage[] = ['targets', 'monitoring', 'selfeval', 'fiscaleval']

export const STATUS_COLORS: Record<string, string> = { 待填报: '#bfbfbf', 已填报: '#4c8ee8', 退回修改: '#f0a020', 已审核: '#3fb15a' }
export const LIGHT_COLORS = { red: '#e8453c', yellow: '#f5b400', green: '#3fb15a', none: '#c8ccd2' } as const
const PIPELINE_COLORS: Record<string, string> = { exante: '#6f9be8', targets: '#1d5fae', monitoring: '#139c9c', evaluation: '#e58a1f', rectify: '#c9302c' }
const FUND_COLORS: Record<string, string> = { 一般公共预算: '#1d5fae', 政府性基金预算: '#e58a1f', 国有资本经营预算: '#8a5cc2', 社会保险基金预算: '#139c9c' }

/** The latest round of a stage in the year (rounds come newest first). */
export function latestRound(d: Dashboard, stage: Stage): string | undefined {
  return d.rounds.find((r) => r.stage === stage)?.id
}

export function stageOfRound(d: Dashboard, roundId: string | null): Stage | undefined {
  const s = d.rounds.find((r) => r.id === roundId)?.stage
  return s && s in STAGES ? (s as Stage) : undefined
}

/** The list behind a stage: its page, opened on the year's latest round of that stage. */
export function stageNav(d: Dashboard, stage: Stage, params: PageParams = {}): Nav {
  const roundId = latestRound(d, stage)
  return { page: STAGE_PAGES[stage], params: { ...(roundId ? { roundId } : {}), ...params } }
}

/** The monitoring list (all projects of the budget year) filtered, for unit/股室/fund-source segments. */
const monitoringNav = (d: Dashboard, params: PageParams) => stageNav(d, 'monitoring', params)

const baseGrid = { left: 12, right: 24, top: 36, bottom: 8, containLabel: true }

export function pipelineOption(d: Dashboard): EChartsCoreOption {
  const data = d.pipeline.map((p) => {
    let nav: Nav
    if (p.stage === 'exante') nav = { page: 'exante' }
    else if (p.stage === 'rectify') nav = { page: 'rectify' }
    else if (p.stage === 'evaluation') {
      const st = stageOfRound(d, p.roundId) ?? 'fiscaleval'
      nav = { page: STAGE_PAGES[st], params: p.roundId ? { roundId: p.roundId } : {} }
    } else nav = { page: STAGE_PAGES[p.stage as Stage] ?? 'welcome', params: p.roundId ? { roundId: p.roundId } : {} }
    return {
      name: p.name,
      value: toWan(p.fen),
      count: p.count,
      wan: formatWan(p.fen),
      nav,
      itemStyle: { color: PIPELINE_COLORS[p.stage] ?? '#1d5fae' },
    }
  })
  return {
    grid: { ...baseGrid, top: 52, bottom: 4 },
    tooltip: {
      trigger: 'item',
      formatter: (p: { data: { name: string; count: number; wan: string } }) =>
        `${esc(p.data.name)}<br/>${p.data.count} 个项目 · ${p.data.wan} 万元<br/><span style="color:#888">点击查看明细</span>`,
    },
    xAxis: {
      type: 'category',
      data: data.map((x, i) => (i < data.length - 1 ? `${x.name}  →` : x.name)),
      axisTick: { show: false },
      axisLabel: { color: '#333', fontSize: 13 },
    },
    yAxis: { type: 'value', name: '万元', nameTextStyle: { color: '#888', align: 'right' }, boundaryGap: [0, '22%'], axisLabel: { color: '#888', show: data.some((x) => x.value > 0) }, splitLine: { lineStyle: { color: '#eef0f3' } } },
    series: [
      {
        type: 'bar',
        barMaxWidth: 64,
        barMinHeight: 4,
        data,
        label: {
          show: true,
          position: 'top',
          lineHeight: 17,
          formatter: (p: { data: { count: number; wan: string } }) => `{c|${p.data.count} 个项目}\n{w|${p.data.wan} 万元}`,
          rich: { c: { color: '#555', fontSize: 12 }, w: { color: '#222', fontSize: 13, fontWeight: 'bold' } },
        },
      },
    ],
  }
}

export function stageStatusOption(d: Dashboard): EChartsCoreOption {
  const stages = STAGE_ORDER.filter((s) => d.byStageStatus.some((r) => r.stage === s))
  const totals = new Map(stages.map((s) => [s, d.byStageStatus.filter((r) => r.stage === s).reduce((a, r) => a + r.count, 0)]))
  const series = ITEM_STATUSES.map((status) => ({
    name: status,
    type: 'bar',
    stack: 'all',
    barMaxWidth: 30,
    itemStyle: { color: STATUS_COLORS[status] },
    label: {
      show: true,
      color: '#fff',
      fontSize: 12,
      formatter: (p: { data: { count: number; value: number } }) => (p.data.value >= 7 ? String(p.data.count) : ''),
    },
    emphasis: { focus: 'series' },
    data: stages.map((stage) => {
      const row = d.byStageStatus.find((r) => r.stage === stage && r.status === status)
      const count = row?.count ?? 0
      const total = totals.get(stage) || 1
      return {
        value: (count / total) * 100,
        count,
        wan: formatWan(row?.fen ?? 0),
        stageName: STAGES[stage].name,
        status,
        nav: stageNav(d, stage, { status }),
      }
    }),
  }))
  return {
    grid: { ...baseGrid, top: 34, right: 28 },
    legend: { top: 0, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 12 } },
    tooltip: {
      trigger: 'item',
      formatter: (p: { data: { stageName: string; status: string; count: number; wan: string; value: number } }) =>
        `${esc(p.data.stageName)} · ${esc(p.data.status)}<br/>${p.data.count} 个项目（${p.data.value.toFixed(1)}%）· ${p.data.wan} 万元<br/><span style="color:#888">点击查看该状态的项目</span>`,
    },
    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%', color: '#888' }, splitLine: { lineStyle: { color: '#eef0f3' } } },
    yAxis: {
      type: 'category',
      inverse: true,
      data: stages.map((s) => `${STAGES[s].name}（${totals.get(s)}）`),
      axisTick: { show: false },
      axisLabel: { color: '#333', fontSize: 13 },
    },
    series,
  }
}

export function lightsOption(d: Dashboard): EChartsCoreOption {
  const roundId = latestRound(d, 'monitoring')
  const items = [
    { key: 'red', name: '红灯' },
    { key: 'yellow', name: '黄灯' },
    { key: 'green', name: '绿灯' },
    { key: 'none', name: '未评灯' },
  ] as const
  const total = items.reduce((a, i) => a + d.lights[i.key], 0)
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: { name: string; value: number; percent: number }) => `${esc(p.name)}：${p.value} 个项目（${p.percent}%）<br/><span style="color:#888">点击查看这些项目</span>`,
    },
    legend: { bottom: 0, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 12 } },
    title: { text: String(total), subtext: '个项目', left: 'center', top: '36%', textStyle: { fontSize: 22, color: '#222' }, subtextStyle: { color: '#888', fontSize: 12 }, itemGap: 2 },
    series: [
      {
        type: 'pie',
        radius: ['44%', '66%'],
        center: ['50%', '45%'],
        avoidLabelOverlap: true,
        label: { formatter: '{b}\n{c} 个', fontSize: 12, lineHeight: 16 },
        labelLine: { length: 8, length2: 8 },
        data: items.map((i) => ({
          name: i.name,
          value: d.lights[i.key],
          itemStyle: { color: LIGHT_COLORS[i.key] },
          nav: { page: 'monitoring', params: { ...(roundId ? { roundId } : {}), light: i.key } } satisfies Nav,
        })),
      },
    ],
  }
}

export function fundSourceOption(d: Dashboard): EChartsCoreOption {
  const data = FUND_SOURCES.map((fs) => d.byFundSource.find((g) => g.key === fs) ?? { key: fs, name: fs, count: 0, fen: 0 })
    .filter((g) => g.fen > 0 || g.count > 0)
    .map((g) => ({
      name: g.name,
      value: toWan(g.fen),
      count: g.count,
      wan: formatWan(g.fen),
      itemStyle: { color: FUND_COLORS[g.key] ?? '#999' },
      nav: monitoringNav(d, { fundSource: g.key }),
    }))
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: { data: { name: string; count: number; wan: string }; percent: number }) =>
        `${esc(p.data.name)}<br/>${p.data.count} 个项目 · ${p.data.wan} 万元（${p.percent}%）<br/><span style="color:#888">点击查看这些项目</span>`,
    },
    legend: { bottom: 0, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 12 } },
    series: [
      {
        type: 'pie',
        radius: ['0%', '58%'],
        center: ['50%', '44%'],
        minShowLabelAngle: 0,
        avoidLabelOverlap: true,
        labelLayout: { hideOverlap: false, moveOverlap: 'shiftY' },
        label: { formatter: (p: { data: { wan: string }; percent: number }) => `${p.data.wan}\n${p.percent}%`, fontSize: 12, lineHeight: 15 },
        labelLine: { length: 6, length2: 10 },
        data,
      },
    ],
  }
}

/** Horizontal bars of amounts by group (股室 or unit), largest first. */
export function groupBarOption(d: Dashboard, groups: GroupAmount[], kind: 'division' | 'unit', stripPrefix = ''): EChartsCoreOption {
  const rows = groups.slice(0, 10)
  const short = (name: string) => (stripPrefix && name.startsWith(stripPrefix) && name.length > stripPrefix.length ? name.slice(stripPrefix.length) : name)
  return {
    grid: { ...baseGrid, top: 8, right: 78 },
    tooltip: {
      trigger: 'item',
      formatter: (p: { data: { full: string; count: number; wan: string } }) => `${esc(p.data.full)}<br/>${p.data.count} 个项目 · ${p.data.wan} 万元<br/><span style="color:#888">点击查看这些项目</span>`,
    },
    xAxis: { type: 'value', show: false, max: (v: { max: number }) => v.max * 1.02 },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((g) => short(g.name)),
      axisTick: { show: false },
      axisLine: { show: false },
      axisLabel: { color: '#333', fontSize: 12, width: kind === 'unit' ? 150 : 80, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        barMaxWidth: 16,
        itemStyle: { color: kind === 'unit' ? '#4c8ee8' : '#1d5fae', borderRadius: [0, 3, 3, 0] },
        label: { show: true, position: 'right', color: '#444', fontSize: 12, formatter: (p: { data: { wan: string } }) => p.data.wan },
        data: rows.map((g) => ({
          value: toWan(g.fen),
          full: g.name,
          count: g.count,
          wan: formatWan(g.fen),
          nav: g.key ? monitoringNav(d, kind === 'unit' ? { unitId: g.key } : { divisionId: g.key }) : monitoringNav(d, {}),
        })),
      },
    ],
  }
}

// ——— 多年度 ———

export interface YearRow {
  source: string
  headline: Headline
}

const YEAR_SERIES: { key: keyof Headline; name: string; color: string }[] = [
  { key: 'exanteFen', name: '事前评估', color: PIPELINE_COLORS.exante! },
  { key: 'targetFen', name: '绩效目标审核', color: PIPELINE_COLORS.targets! },
  { key: 'monitoredFen', name: '纳入运行监控', color: PIPELINE_COLORS.monitoring! },
  { key: 'selfEvalFen', name: '单位自评', color: '#8a5cc2' },
  { key: 'keyEvalFen', name: '财政重点评价', color: PIPELINE_COLORS.evaluation! },
]

export interface YearTooltipParam {
  axisValueLabel: string
  marker: string
  seriesName: string
  data: { wan: string }
}

export function yearsOption(rows: YearRow[]): EChartsCoreOption {
  const labels = rows.map((r) => `${r.headline.workYear}年${rows.some((x) => x.source !== r.source) ? `\n${r.source}` : ''}`)
  return {
    grid: { left: 12, right: 24, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, itemWidth: 14, itemHeight: 10 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      // The figures from each point's integer 分 (formatWan), never the float 万元 the bars are drawn from.
      formatter: (ps: YearTooltipParam[]) =>
        `${esc((ps[0]?.axisValueLabel ?? '').replace(/\n/g, ' '))}${ps.map((p) => `<br/>${p.marker}${esc(p.seriesName)}　${p.data.wan} 万元`).join('')}`,
    },
    xAxis: { type: 'category', data: labels, axisTick: { show: false } },
    yAxis: { type: 'value', name: '万元', nameTextStyle: { color: '#888', align: 'right' }, axisLabel: { color: '#888' }, splitLine: { lineStyle: { color: '#eef0f3' } } },
    series: YEAR_SERIES.map((s) => ({
      name: s.name,
      type: rows.length > 3 ? 'line' : 'bar',
      barMaxWidth: 28,
      symbolSize: 7,
      itemStyle: { color: s.color },
      data: rows.map((r, i) => ({ value: toWan(r.headline[s.key] as number), wan: formatWan(r.headline[s.key] as number), rowIndex: i })),
    })),
  }
}
