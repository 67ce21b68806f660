/**
 * A small ECharts wrapper: init on mount, setOption when the option changes, resize with its box,
 * dispose on unmount; clicks on a data item come out as `onItemClick`.
 *
 * ECharts is imported modularly (echarts/core + the charts and components registered below) to
 * keep the bundle small; add a chart type here before using it in an option.
 */
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components'
import { getInstanceByDom, init, use, type ECElementEvent, type ECharts, type EChartsCoreOption } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { useEffect, useRef, type CSSProperties } from 'react'
import { useApp } from '../../store'

use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer])

export type { EChartsCoreOption }
export type ChartClick = ECElementEvent

/** The app's font stack, so that chart text matches the rest of the window. */
export const CHART_FONT = "'Microsoft YaHei', 'PingFang SC', 'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif"

export interface EChartProps {
  option: EChartsCoreOption
  height?: number | string
  style?: CSSProperties
  /** Called with the clicked data item (series, index, name, value). */
  onItemClick?: (e: ChartClick) => void
  'data-testid'?: string
  /** Accessible summary of what the chart shows (canvas content is invisible to screen readers). */
  ariaLabel?: string
}

export function EChart({ option, height = 260, style, onItemClick, ariaLabel, ...rest }: EChartProps) {
  const ref = useRef<HTMLDivElement>(null)
  const chart = useRef<ECharts | null>(null)
  const clickRef = useRef(onItemClick)
  clickRef.current = onItemClick

  useEffect(() => {
    const el = ref.current
    if (!el) return
    const c = init(el, undefined, { renderer: 'canvas', locale: 'ZH' })
    chart.current = c
    c.on('click', (e) => clickRef.current?.(e as ECElementEvent))
    // The e2e harness reaches chart instances through the same function ECharts offers.
    if (useApp.getState().info?.harness) (window as unknown as { echarts?: unknown }).echarts = { getInstanceByDom }
    let frame = 0
    const ro = new ResizeObserver(() => {
      cancelAnimationFrame(frame)
      frame = requestAnimationFrame(() => {
        if (!c.isDisposed()) c.resize()
      })
    })
    ro.observe(el)
    return () => {
      cancelAnimationFrame(frame)
      ro.disconnect()
      c.dispose()
      chart.current = null
    }
  }, [])

  useEffect(() => {
    const c = chart.current
    if (!c || c.isDisposed()) return
    c.setOption({ textStyle: { fontFamily: CHART_FONT }, ...option }, { notMerge: true })
  }, [option])

  return (
    <div
      ref={ref}
      role="img"
      aria-label={ariaLabel}
      data-testid={rest['data-testid']}
      style={{ width: '100%', height, cursor: onItemClick ? 'pointer' : undefined, ...style }}
    />
  )
}
