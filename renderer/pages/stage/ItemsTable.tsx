/** The items of a round: filters, status tabs with counts, stage columns, sums at the foot. */
import { Input, Select, Table, Tabs, Tag, Tooltip } from 'antd'
import type { ColumnsType } from 'antd/es/table'
import { useEffect, useMemo, useState } from 'react'
import { FUND_SOURCES, type FundSource, type Round, type RoundItem } from '../../../shared/domain'
import { ratePercent, sumFen } from '../../../shared/money'
import { LIGHT_NAMES, type Light } from '../../../shared/monitoring'
import { ITEM_STATUSES, type ItemStatus } from '../../../shared/stage'
import { wan, zhCompare } from '../../format'
import { useApp } from '../../store'
import { BulkActions, type Selection } from './BulkActions'
import { CONCLUSION_COLORS, STATUS_COLORS, type StageConfig } from './config'

export type LightFilter = Light | 'none'

export interface ItemFilters {
  unitId?: string
  divisionId?: string
  status?: ItemStatus
  fundSource?: FundSource
  light?: LightFilter
  search?: string
}

export interface ItemsData {
  rows: RoundItem[]
  totalFen: number
  counts: Record<string, number>
}

/** 得分/等级 of evaluation items (loaded per visible row; RoundItem does not carry them). */
export interface ItemScore {
  updatedAt: string
  totalScore: number | null
  grade: string | null
  executionRate: number | null
}

const LIGHT_COLORS: Record<Light, string> = { red: 'red', yellow: 'gold', green: 'green' }
const LIGHT_ORDER: Record<string, number> = { red: 3, yellow: 2, green: 1 }

export function LightTag({ light, empty = '—' }: { light: Light | null | undefined; empty?: string }) {
  if (!light) return <span className="hint">{empty}</span>
  return (
    <Tag color={LIGHT_COLORS[light]} className={`light-tag light-${light}`}>
      {LIGHT_NAMES[light]}
    </Tag>
  )
}

export function ConclusionTag({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="hint">—</span>
  return <Tag color={CONCLUSION_COLORS[value] ?? 'default'}>{value}</Tag>
}

export function ItemsTable({
  cfg,
  round,
  filters,
  onFilters,
  data,
  loading,
  openId,
  onOpen,
  scores,
  onVisible,
  selection,
  onSelection,
  readOnly,
  onBulkDone,
}: {
  cfg: StageConfig
  round: Round
  filters: ItemFilters
  onFilters: (f: ItemFilters) => void
  data: ItemsData
  loading: boolean
  openId: string | null
  onOpen: (id: string, order: string[]) => void
  scores: Map<string, ItemScore>
  onVisible: (rows: RoundItem[]) => void
  selection: Selection
  onSelection: (s: Selection) => void
  /** Why nothing may be changed (read-only package, locked year), or null. */
  readOnly: string | null
  onBulkDone: () => void
}) {
  const units = useApp((s) => s.units)
  const divisions = useApp((s) => s.divisions)
  const [searchText, setSearchText] = useState(filters.search ?? '')
  const [page, setPage] = useState({ current: 1, pageSize: 50 })
  const [sorted, setSorted] = useState<RoundItem[]>(data.rows)

  useEffect(() => setSearchText(filters.search ?? ''), [filters.search])
  useEffect(() => {
    const t = setTimeout(() => {
      const s = searchText.trim() || undefined
      if (s !== filters.search) onFilters({ ...filters, search: s })
    }, 250)
    return () => clearTimeout(t)
  }, [searchText])

  // New data (filters, reload): back to the first page unless the open item is further on.
  useEffect(() => {
    setSorted(data.rows)
    setPage((p) => ({ ...p, current: 1 }))
  }, [data.rows])

  const visible = useMemo(() => sorted.slice((page.current - 1) * page.pageSize, page.current * page.pageSize), [sorted, page])
  useEffect(() => onVisible(visible), [visible])

  const executedFen = useMemo(() => sumFen(data.rows.map((r) => r.executedFen)), [data.rows])
  const month = round.asOfMonth

  const columns = useMemo(() => {
    const cols: ColumnsType<RoundItem> = [
      { title: '预算单位', dataIndex: 'unitName', key: 'unit', width: 160, ellipsis: true, sorter: (a, b) => zhCompare(a.unitName, b.unitName) },
      {
        title: '项目名称',
        dataIndex: 'projectName',
        key: 'project',
        ellipsis: { showTitle: false },
        sorter: (a, b) => zhCompare(a.projectName, b.projectName),
        render: (v: string) => (
          <Tooltip title={v} placement="topLeft" mouseEnterDelay={0.6}>
            <a>{v}</a>
          </Tooltip>
        ),
      },
      { title: '金额（万元）', dataIndex: 'amountFen', key: 'amount', width: 118, align: 'right', className: 'num', sorter: (a, b) => a.amountFen - b.amountFen, render: (f: number) => wan(f) },
      { title: '资金来源', dataIndex: 'fundSource', key: 'fund', width: 128, ellipsis: true },
      { title: '股室', dataIndex: 'divisionName', key: 'division', width: 96, ellipsis: true, render: (v: string | null) => v ?? '—' },
    ]
    if (cfg.stage === 'targets') {
      cols.push(
        { title: '指标数', dataIndex: 'indicatorCount', key: 'ind', width: 80, align: 'right', sorter: (a, b) => a.indicatorCount - b.indicatorCount },
        { title: '审核结论', dataIndex: 'conclusion', key: 'conclusion', width: 84, align: 'center', render: (v: string | null) => <ConclusionTag value={v} /> },
        { title: '审核轮次', dataIndex: 'reviewCount', key: 'reviews', width: 84, align: 'right', render: (n: number) => (n ? `第${n}次` : '—') },
        { title: '公开', dataIndex: 'isPublic', key: 'public', width: 60, align: 'center', render: (p: boolean) => (p ? <Tag color="cyan">已公开</Tag> : <span className="hint">—</span>) },
      )
    }
    if (cfg.stage === 'monitoring') {
      cols.push(
        {
          title: `1-${month ?? ''}月执行数`,
          dataIndex: 'executedFen',
          key: 'executed',
          width: 118,
          align: 'right',
          className: 'num',
          sorter: (a, b) => (a.executedFen ?? -1) - (b.executedFen ?? -1),
          render: (f: number | null) => (f === null ? <span className="hint">未填</span> : wan(f)),
        },
        {
          title: '执行率',
          dataIndex: 'executionRate',
          key: 'rate',
          width: 84,
          align: 'right',
          className: 'num',
          sorter: (a, b) => (a.executionRate ?? -1) - (b.executionRate ?? -1),
          render: (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}%`),
        },
        {
          title: '预警',
          dataIndex: 'light',
          key: 'light',
          width: 76,
          align: 'center',
          sorter: (a, b) => (LIGHT_ORDER[a.light ?? ''] ?? 0) - (LIGHT_ORDER[b.light ?? ''] ?? 0),
          render: (l: Light | null) => <LightTag light={l} />,
        },
      )
    }
    if (cfg.scores) {
      cols.push(
        {
          title: '得分',
          key: 'score',
          width: 72,
          align: 'right',
          className: 'num',
          sorter: (a, b) => (scores.get(a.id)?.totalScore ?? -1) - (scores.get(b.id)?.totalScore ?? -1),
          render: (_v, r) => {
            const s = scores.get(r.id)
            return s === undefined ? <span className="hint">…</span> : s.totalScore === null ? <span className="hint">—</span> : s.totalScore.toFixed(2)
          },
        },
        { title: '等级', key: 'grade', width: 60, align: 'center', render: (_v, r) => <ConclusionTag value={scores.get(r.id)?.grade} /> },
      )
    }
    cols.push({
      title: '状态',
      dataIndex: 'status',
      key: 'status',
      width: 92,
      sorter: (a, b) => ITEM_STATUSES.indexOf(a.status) - ITEM_STATUSES.indexOf(b.status),
      render: (s: ItemStatus) => (
        <Tag color={STATUS_COLORS[s]} style={{ marginInlineEnd: 0 }}>
          {s}
        </Tag>
      ),
    })
    return cols
  }, [cfg, month, scores])

  const summaryCell = (key: string | undefined): React.ReactNode => {
    if (key === 'amount') return <span data-testid="items-sum">{wan(data.totalFen)}</span>
    if (key === 'executed') return wan(executedFen)
    if (key === 'rate') {
      const r = ratePercent(executedFen, sumFen(data.rows.filter((x) => x.executedFen !== null).map((x) => x.amountFen)))
      return r === null ? '' : `${r.toFixed(2)}%`
    }
    return null
  }

  const tabCount = (k: string) => data.counts[k] ?? 0
  const filtered = !!(filters.unitId || filters.divisionId || filters.fundSource || filters.light || filters.search)

  return (
    <div className="page-card">
      <div className="toolbar">
        <Select
          placeholder="预算单位"
          allowClear
          showSearch
          optionFilterProp="label"
          style={{ width: 200 }}
          value={filters.unitId}
          onChange={(v) => onFilters({ ...filters, unitId: v })}
          options={units.map((u) => ({ value: u.id, label: u.name }))}
          data-testid="filter-unit"
        />
        <Select
          placeholder="股室"
          allowClear
          style={{ width: 130 }}
          value={filters.divisionId}
          onChange={(v) => onFilters({ ...filters, divisionId: v })}
          options={divisions.map((d) => ({ value: d.id, label: d.name }))}
        />
        <Select
          placeholder="资金来源"
          allowClear
          style={{ width: 150 }}
          value={filters.fundSource}
          onChange={(v) => onFilters({ ...filters, fundSource: v })}
          options={FUND_SOURCES.map((c) => ({ value: c, label: c }))}
        />
        {cfg.lights && (
          <Select
            placeholder="预警灯"
            allowClear
            style={{ width: 120 }}
            value={filters.light}
            onChange={(v) => onFilters({ ...filters, light: v })}
            data-testid="filter-light"
            options={[
              { value: 'red', label: '红灯' },
              { value: 'yellow', label: '黄灯' },
              { value: 'green', label: '绿灯' },
              { value: 'none', label: '未评定' },
            ]}
          />
        )}
        <Input.Search placeholder="搜索项目、单位或项目编码" allowClear style={{ width: 230 }} value={searchText} onChange={(e) => setSearchText(e.target.value)} />
      </div>
      <Tabs
        className="status-tabs"
        size="small"
        activeKey={filters.status ?? 'all'}
        onChange={(k) => onFilters({ ...filters, status: k === 'all' ? undefined : (k as ItemStatus) })}
        items={[
          { key: 'all', label: <span data-testid="tab-all">全部 {tabCount('全部')}</span> },
          ...ITEM_STATUSES.map((s) => ({ key: s, label: <span data-testid={`tab-${s}`}>{`${s} ${tabCount(s)}`}</span> })),
        ]}
      />
      <BulkActions cfg={cfg} round={round} filters={filters} rows={data.rows} total={data.rows.length} selection={selection} onSelection={onSelection} readOnly={readOnly} onDone={onBulkDone} />
      <Table<RoundItem>
        size="small"
        rowKey="id"
        loading={loading}
        rowSelection={{
          selectedRowKeys: selection.all ? data.rows.map((r) => r.id) : selection.ids,
          onChange: (keys) => onSelection({ ids: keys as string[], all: false }),
          preserveSelectedRowKeys: true,
          columnWidth: 36,
          getCheckboxProps: (r) => ({ 'aria-label': `选择 ${r.projectName}` }) as never,
        }}
        dataSource={data.rows}
        columns={columns}
        scroll={{ x: cfg.stage === 'monitoring' || cfg.stage === 'targets' ? 1090 : 980, y: 'calc(100vh - 390px)' }}
        rowClassName={(r) => (r.id === openId ? 'row-open' : 'row-click')}
        onRow={(r) => ({
          onClick: (e) => {
            // A click on the tick box selects the row; it does not open it.
            if ((e.target as HTMLElement).closest('.ant-table-selection-column')) return
            onOpen(r.id, sorted.map((x) => x.id))
          },
        })}
        onChange={(p, _f, _s, extra) => {
          setPage({ current: p.current ?? 1, pageSize: p.pageSize ?? 50 })
          if (extra.action === 'sort') setSorted(extra.currentDataSource as RoundItem[])
        }}
        pagination={{
          current: page.current,
          pageSize: page.pageSize,
          size: 'small',
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100, 200],
          hideOnSinglePage: data.rows.length <= 20,
          showTotal: (t) => `共 ${t} 项`,
        }}
        locale={{
          emptyText: filters.status || filtered ? '没有符合筛选条件的项目' : '本任务中还没有项目，可点击“同步项目”从项目库加入',
        }}
        summary={() =>
          data.rows.length ? (
            <Table.Summary fixed="bottom">
              <Table.Summary.Row className="sum-row">
                <Table.Summary.Cell index={0} colSpan={3}>
                  <span data-testid="items-count">合计（{data.rows.length} 项）</span>
                </Table.Summary.Cell>
                {columns.slice(2).map((c, i) => (
                  <Table.Summary.Cell key={String(c.key)} index={i + 3} align={c.align === 'right' ? 'right' : undefined} className="num">
                    {summaryCell(c.key as string)}
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            </Table.Summary>
          ) : null
        }
      />
    </div>
  )
}
