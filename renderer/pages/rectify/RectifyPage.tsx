/**
 * 整改: the 整改 items that 财政评价 gave rise to, filtered by year, status and 只看逾期; an overdue
 * item carries a red tag. A row opens the 财政评价 page on its round and project, where the
 * 整改通知 and the 整改报告 are recorded.
 */
import { Checkbox, Select, Space, Table, Tag, Tooltip } from 'antd'
import { useCallback, useEffect, useState } from 'react'
import type { Rectification } from '../../../shared/domain'
import { call } from '../../api'
import { PageHeader } from '../../components/PageHeader'
import { attempt } from '../../errors'
import { zhCompare } from '../../format'
import { selectableYears, useApp } from '../../store'
import { zhDate } from '../../../shared/dates'

const STATUSES = ['未整改', '整改中', '已整改'] as const
type StatusFilter = (typeof STATUSES)[number] | '未完成'
const STATUS_COLORS: Record<Rectification['status'], string> = { 未整改: 'default', 整改中: 'processing', 已整改: 'success' }

interface Filters {
  workYear?: number
  status?: StatusFilter
  overdueOnly: boolean
}

function filtersFromParams(p: Record<string, unknown>, workYear: number): Filters {
  const status = typeof p.status === 'string' && (p.status === '未完成' || (STATUSES as readonly string[]).includes(p.status)) ? (p.status as StatusFilter) : undefined
  return { workYear: typeof p.workYear === 'number' ? p.workYear : workYear, status, overdueOnly: p.overdueOnly === true }
}

export function RectifyPage() {
  const workYear = useApp((s) => s.workYear)
  const info = useApp((s) => s.info)
  const dataVersion = useApp((s) => s.dataVersion)
  const pageParams = useApp((s) => s.pageParams)
  const navigateSeq = useApp((s) => s.navigateSeq)
  const [filters, setFilters] = useState<Filters>(() => filtersFromParams(useApp.getState().pageParams, workYear))
  const [rows, setRows] = useState<Rectification[]>([])
  const [loading, setLoading] = useState(false)

  // Opened again from the dashboard with other parameters: take them.
  useEffect(() => {
    setFilters(filtersFromParams(pageParams, useApp.getState().workYear))
  }, [navigateSeq]) // eslint-disable-line react-hooks/exhaustive-deps

  // The header's year switcher moves the list to that year.
  useEffect(() => {
    setFilters((f) => (f.workYear === undefined || f.workYear === workYear ? f : { ...f, workYear }))
  }, [workYear])

  const reload = useCallback(async () => {
    setLoading(true)
    const { status, ...rest } = filters
    const r = await attempt(() => call('rectify/list', { ...rest, ...(status && status !== '未完成' ? { status } : {}) }))
    setLoading(false)
    if (r) setRows(status === '未完成' ? r.filter((x) => x.status !== '已整改') : r)
  }, [filters])

  useEffect(() => {
    void reload()
  }, [reload, dataVersion])

  const open = async (x: Rectification) => {
    const d = await attempt(() => call('items/get', { id: x.itemId }))
    if (d) useApp.getState().navigate('fiscaleval', { roundId: d.item.roundId, itemId: x.itemId })
  }

  const overdue = rows.filter((x) => x.overdue).length
  return (
    <div>
      <PageHeader title="整改" note="财政评价发现问题的整改通知和整改报告；点击一行到财政评价中登记整改情况" />
      <div className="page-card">
        <div className="toolbar">
          <Select
            placeholder="全部年度"
            allowClear
            style={{ width: 120 }}
            value={filters.workYear}
            onChange={(v) => setFilters((f) => ({ ...f, workYear: v }))}
            options={selectableYears(info, workYear).map((y) => ({ value: y, label: `${y}年度` }))}
            data-testid="rectify-year"
          />
          <Select
            placeholder="全部状态"
            allowClear
            style={{ width: 130 }}
            value={filters.status}
            onChange={(v) => setFilters((f) => ({ ...f, status: v }))}
            options={[...STATUSES, '未完成' as const].map((s) => ({ value: s, label: s === '未完成' ? '未完成（未整改和整改中）' : s }))}
            popupMatchSelectWidth={false}
            data-testid="rectify-status"
          />
          <Checkbox checked={filters.overdueOnly} onChange={(e) => setFilters((f) => ({ ...f, overdueOnly: e.target.checked }))} data-testid="rectify-overdue">
            只看逾期
          </Checkbox>
          <span className="spacer" />
          <span className="hint" data-testid="rectify-count">
            共 {rows.length} 项{overdue ? `，其中逾期 ${overdue} 项` : ''}
          </span>
        </div>
        <Table<Rectification>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={rows}
          pagination={rows.length > 100 ? { pageSize: 100, size: 'small', showSizeChanger: false } : false}
          onRow={(x) => ({ onClick: () => void open(x), style: { cursor: 'pointer' } })}
          data-testid="rectify-list"
          locale={{ emptyText: filters.overdueOnly || filters.status ? '没有符合条件的整改事项' : '还没有整改事项。财政评价发出整改通知后会列在这里' }}
          columns={[
            { title: '整改通知文号', dataIndex: 'noticeNumber', width: 164, render: (v: string) => v || <span className="hint">未发通知</span> },
            { title: '项目名称', dataIndex: 'projectName', ellipsis: true, sorter: (a, b) => zhCompare(a.projectName, b.projectName) },
            { title: '预算单位', dataIndex: 'unitName', width: 170, ellipsis: true, sorter: (a, b) => zhCompare(a.unitName, b.unitName) },
            {
              title: '整改期限',
              dataIndex: 'deadline',
              width: 170,
              sorter: (a, b) => a.deadline.localeCompare(b.deadline),
              render: (v: string, x) => (
                <Space size={4}>
                  <span>{zhDate(v)}</span>
                  {x.overdue && (
                    <Tag color="red" style={{ marginInlineEnd: 0 }}>
                      逾期
                    </Tag>
                  )}
                </Space>
              ),
            },
            { title: '份数', dataIndex: 'copies', width: 60, align: 'right', render: (v: number) => `${v}份` },
            { title: '状态', dataIndex: 'status', width: 80, render: (v: Rectification['status']) => <Tag color={STATUS_COLORS[v]}>{v}</Tag> },
            { title: '报告收到日期', dataIndex: 'reportDate', width: 130, render: (v: string | null) => (v ? zhDate(v) : '—') },
            { title: '整改情况', dataIndex: 'reportContent', width: 160, ellipsis: true, render: (v: string) => (v ? <Tooltip title={v}>{v}</Tooltip> : <span className="hint">—</span>) },
          ]}
        />
      </div>
    </div>
  )
}
