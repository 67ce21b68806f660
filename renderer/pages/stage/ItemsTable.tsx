/**
 * The items of a round: filters, status tabs with counts, stage columns, sums at the foot. One page
 * at a time from the backend (items/list sorts, filters and pages in SQL; `useServerTable`); the
 * counts and sums cover every filtered row and come with the page.
 */
import { Input, Select, Table, Tabs, Tag, Tooltip } from 'antd'
import type { ColumnsType } from 'antd/es/table'
import { useEffect, useMemo, useState } from 'react'
import type { ItemList } from '../../../shared/api'
import { FUND_SOURCES, type FundSource, type Round, type RoundItem } from '../../../shared/domain'
import { ratePercent } from '../../../shared/money'
import { LIGHT_NAMES, type Light } from '../../../shared/monitoring'
import { ITEM_STATUSES, type ItemStatus } from '../../../shared/stage'
import type { useServerTable } from '../../components/useServerTable'
import { wan } from '../../format'
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

/** The list's paged state (StagePage owns it: the drawer and the reloads need it too). */
export type ItemsTableState = ReturnType<typeof useServerTable<unknown, ItemList>>

const LIGHT_COLORS: Record<Light, string> = { red: 'red', yellow: 'gold', green: 'green' }

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
  table,
  openId,
  onOpen,
  selection,
  onSelection,
  readOnly,
  onBulkDone,
}: {
  cfg: StageConfig
  round: Round
  filters: ItemFilters
  onFilters: (f: ItemFilters) => void
  table: ItemsTableState
  openId: string | null
  onOpen: (id: string, order: string[]) => void
  selection: Selection
  onSelection: (s: Selection) => void
  /** Why nothing may be changed (read-only package, locked year), or null. */
  readOnly: string | null
  onBulkDone: () => void
}) {
  const units = useApp((s) => s.units)
  const divisions = useApp((s) => s.divisions)
  const [searchText, setSearchText] = useState(filters.search ?? '')
  const data = table.data
  const rows = data?.rows ?? []
  const { sortOrder } = table

  useEffect(() => setSearchText(filters.search ?? ''), [filters.search])
  useEffect(() => {
    const t = setTimeout(() => {
      const s = searchText.trim() || undefined
      if (s !== filters.search) onFilters({ ...filters, search: s })
    }, 250)
    return () => clearTimeout(t)
  }, [searchText])

  const month = round.asOfMonth

  const columns = useMemo(() => {
    const cols: ColumnsType<RoundItem> = [
      { title: '预算单位', dataIndex: 'unitName', key: 'unit', width: 160, ellipsis: true, sorter: true, sortOrder: sortOrder('unit') },
      {
        title: '项目名称',
        dataIndex: 'projectName',
        key: 'name',
        ellipsis: { showTitle: false },
        sorter: true,
        sortOrder: sortOrder('name'),
        render: (v: string) => (
          <Tooltip title={v} placement="topLeft" mouseEnterDelay={0.6}>
            <a>{v}</a>
          </Tooltip>
        ),
      },
      { title: '金额（万元）', dataIndex: 'amountFen', key: 'amount', width: 118, align: 'right', className: 'num', sorter: true, sortOrder: sortOrder('amount'), render: (f: number) => wan(f) },
      { title: '资金来源', dataIndex: 'fundSource', key: 'fund', width: 128, ellipsis: true },
      { title: '股室', dataIndex: 'divisionName', key: 'division', width: 96, ellipsis: true, render: (v: string | null) => v ?? '—' },
    ]
    if (cfg.stage === 'targets') {
      cols.push(
        { title: '指标数', dataIndex: 'indicatorCount', key: 'indicators', width: 80, align: 'right', sorter: true, sortOrder: sortOrder('indicators') },
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
          sorter: true,
          sortOrder: sortOrder('executed'),
          render: (f: number | null) => (f === null ? <span className="hint">未填</span> : wan(f)),
        },
        {
          title: '执行率',
          dataIndex: 'executionRate',
          key: 'rate',
          width: 84,
          align: 'right',
          className: 'num',
          sorter: true,
          sortOrder: sortOrder('rate'),
          render: (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}%`),
        },
        {
          title: '预警',
          dataIndex: 'light',
          key: 'light',
          width: 76,
          align: 'center',
          sorter: true,
          sortOrder: sortOrder('light'),
          render: (l: Light | null) => <LightTag light={l} />,
        },
      )
    }
    if (cfg.scores) {
      cols.push(
        {
          title: '得分',
          dataIndex: 'totalScore',
          key: 'score',
          width: 72,
          align: 'right',
          className: 'num',
          sorter: true,
          sortOrder: sortOrder('score'),
          render: (v: number | null) => (v === null ? <span className="hint">—</span> : v.toFixed(2)),
        },
        { title: '等级', dataIndex: 'grade', key: 'grade', width: 60, align: 'center', render: (v: string | null) => <ConclusionTag value={v} /> },
      )
    }
    cols.push({
      title: '状态',
      dataIndex: 'status',
      key: 'status',
      width: 92,
      sorter: true,
      sortOrder: sortOrder('status'),
      render: (s: ItemStatus) => (
        <Tag color={STATUS_COLORS[s]} style={{ marginInlineEnd: 0 }}>
          {s}
        </Tag>
      ),
    })
    return cols
    // sortOrder is a function of table.sort; the columns follow it.
  }, [cfg, month, table.sort.sort, table.sort.order])

  const summaryCell = (key: string | undefined): React.ReactNode => {
    if (!data) return null
    if (key === 'amount') return <span data-testid="items-sum">{wan(data.totalFen)}</span>
    if (key === 'executed') return <span data-testid="items-executed-sum">{wan(data.executedFen)}</span>
    if (key === 'rate') {
      const r = ratePercent(data.executedFen, data.executedAmountFen)
      return r === null ? '' : `${r.toFixed(2)}%`
    }
    return null
  }

  const tabCount = (k: string) => data?.counts[k] ?? 0
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
      <BulkActions cfg={cfg} round={round} filters={filters} list={data} selection={selection} onSelection={onSelection} readOnly={readOnly} onDone={onBulkDone} />
      <Table<RoundItem>
        size="small"
        rowKey="id"
        loading={table.loading}
        rowSelection={{
          selectedRowKeys: selection.all ? rows.map((r) => r.id) : selection.ids,
          // Ticks on other pages stay (antd keeps their records): the bulk bar counts them by status.
          onChange: (keys, picked) => onSelection({ ids: keys as string[], all: false, picked: picked.filter(Boolean) }),
          preserveSelectedRowKeys: true,
          columnWidth: 36,
          getCheckboxProps: (r) => ({ 'aria-label': `选择 ${r.projectName}` }) as never,
        }}
        dataSource={rows}
        columns={columns}
        scroll={{ x: cfg.stage === 'monitoring' || cfg.stage === 'targets' ? 1090 : 980, y: 'calc(100vh - 390px)' }}
        rowClassName={(r) => (r.id === openId ? 'row-open' : 'row-click')}
        onRow={(r) => ({
          onClick: (e) => {
            // A click on the tick box selects the row; it does not open it.
            if ((e.target as HTMLElement).closest('.ant-table-selection-column')) return
            onOpen(r.id, rows.map((x) => x.id))
          },
        })}
        onChange={table.onChange}
        pagination={table.pagination}
        locale={{
          emptyText: filters.status || filtered ? '没有符合筛选条件的项目' : '本任务中还没有项目，可点击“同步项目”从项目库加入',
        }}
        summary={() =>
          data?.total ? (
            <Table.Summary fixed="bottom">
              <Table.Summary.Row className="sum-row">
                <Table.Summary.Cell index={0} colSpan={3}>
                  <span data-testid="items-count">合计（{data.total} 项）</span>
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
