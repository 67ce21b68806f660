/**
 * 项目库: the register of a budget year's projects and budget lines. Entered by hand, imported
 * from the 一体化 project list, filled from 事前评估; last year's approved targets are loaded here
 * as history (历史目标导入) for a county in its first year with the product. One page at a time
 * (projects/list pages, sorts and sums in SQL; a city's year holds thousands of budget lines).
 */
import { EvaluationNote } from '../components/EvaluationNote'
import { Button, Input, Popconfirm, Select, Space, Table, Tag, Tooltip } from 'antd'
import { useEffect, useState } from 'react'
import type { Project } from '../../shared/domain'
import { zhDate } from '../../shared/dates'
import { call } from '../api'
import { attempt, notifySuccess } from '../errors'
import { wan } from '../format'
import { useApp } from '../store'
import { PageHeader } from '../components/PageHeader'
import { useServerTable } from '../components/useServerTable'
import { ExcelImportModal } from '../components/ExcelImportModal'
import { useReadOnlyReason } from '../components/read-only'
import { ProjectFormModal } from './projects/ProjectFormModal'
import { ProjectImportModal } from './projects/ProjectImportModal'

const ORIGIN_COLORS: Record<Project['origin'], string> = { 事前评估: 'green', 导入: 'blue', 手工: 'default' }

function targetsTag(p: Project) {
  if (p.needsTargets === false) return <Tag>仅监控资金</Tag>
  if (p.targetsOrigin === '历史目标导入') {
    return (
      <Tooltip title={`历史目标导入${p.targetsApprovedAt ? `（${zhDate(p.targetsApprovedAt.slice(0, 10))}）` : ''}，未经本软件审核`}>
        <Tag color="green">已批复</Tag>
      </Tooltip>
    )
  }
  return p.indicatorCount ? <span>{p.indicatorCount} 个指标</span> : <span className="hint">未填报</span>
}

/** yearOffset: which budget year the page opens on, from the work year (事前评估's 项目库 is N+1). */
export function ProjectsPage({ yearOffset = 0 }: { yearOffset?: number }) {
  const workYear = useApp((s) => s.workYear)
  const units = useApp((s) => s.units)
  const dataVersion = useApp((s) => s.dataVersion)
  const [budgetYear, setBudgetYear] = useState(workYear + yearOffset)
  const [unitId, setUnitId] = useState<string | undefined>()
  const [searchText, setSearchText] = useState('')
  const [search, setSearch] = useState<string | undefined>()
  const [editing, setEditing] = useState<Project | null | undefined>(undefined)
  const [importing, setImporting] = useState(false)
  const [history, setHistory] = useState(false)

  useEffect(() => setBudgetYear(workYear + yearOffset), [workYear, yearOffset])

  useEffect(() => {
    const t = setTimeout(() => setSearch(searchText.trim() || undefined), 250)
    return () => clearTimeout(t)
  }, [searchText])

  const table = useServerTable(
    { budgetYear, unitId, search },
    (q, page) => call('projects/list', { ...q, ...page, sort: page.sort as 'unit' | 'name' | 'amount' | undefined }),
    { pageSize: 100, reloadToken: dataVersion },
  )
  const { reload, sortOrder } = table
  const data = table.data ?? { rows: [], total: 0, totalFen: 0 }

  const changed = async () => {
    setEditing(undefined)
    await useApp.getState().refreshAll()
  }

  const remove = async (p: Project) => {
    const r = await attempt(() => call('projects/remove', { id: p.id }))
    if (r) {
      notifySuccess(`已删除“${p.name}”`)
      reload()
    }
  }

  const role = budgetYear === workYear - 1 ? '上年项目：单位自评和财政评价的对象' : budgetYear === workYear + 1 ? '下年项目：事前评估予以支持的项目在此储备' : '本年项目：绩效目标和运行监控的对象'
  const filtered = !!unitId || !!search
  // A viewed year package or a locked year: the edit buttons are disabled with the reason as tooltip.
  const disabledWhy = useReadOnlyReason(budgetYear) ?? undefined
  const readOnly = !!disabledWhy
  return (
    <div>
      <PageHeader title={`${budgetYear}年项目库`} note={`工作年度 ${workYear}　${role}`} />
      <div className="page-card">
        <div className="toolbar">
          <Select
            data-testid="budget-year"
            style={{ width: 150 }}
            value={budgetYear}
            onChange={setBudgetYear}
            options={[workYear - 1, workYear, workYear + 1].map((y) => ({ value: y, label: `${y}年${y === workYear - 1 ? '（上年）' : y === workYear ? '（本年）' : '（下年）'}` }))}
          />
          <Select
            placeholder="预算单位"
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 220 }}
            value={unitId}
            onChange={setUnitId}
            options={units.map((u) => ({ value: u.id, label: u.name }))}
          />
          <Input.Search placeholder="搜索项目名称、编码或单位" allowClear style={{ width: 240 }} value={searchText} onChange={(e) => setSearchText(e.target.value)} />
          <Space style={{ marginLeft: 'auto' }}>
            <Tooltip title={disabledWhy}>
              <Button type="primary" disabled={readOnly} onClick={() => setEditing(null)} data-testid="project-add">
                新增项目
              </Button>
            </Tooltip>
            <Tooltip title={disabledWhy}>
              <Button disabled={readOnly} onClick={() => setImporting(true)} data-testid="project-import">
                导入项目清单
              </Button>
            </Tooltip>
            <Tooltip title={disabledWhy ?? '导入该年度已批复的绩效目标（申报表），作为单位自评和财政评价的依据；不经审核，记为“历史目标导入”'}>
              <Button disabled={readOnly} onClick={() => setHistory(true)} data-testid="history-import">
                导入已批复目标
              </Button>
            </Tooltip>
          </Space>
        </div>
        <Table<Project>
          size="small"
          rowKey="id"
          loading={table.loading}
          dataSource={data.rows}
          onChange={table.onChange}
          pagination={{ ...table.pagination, hideOnSinglePage: data.total <= 100 }}
          locale={{
            emptyText: filtered
              ? '没有符合条件的项目'
              : `${budgetYear}年项目库还没有项目。点击“导入项目清单”导入预算管理一体化系统导出的项目清单，或点击“新增项目”逐个录入${budgetYear === workYear + 1 ? '；事前评估予以支持的项目可在“评估项目”中纳入项目库' : ''}`,
          }}
          columns={[
            {
              title: '预算单位 / 股室',
              dataIndex: 'unitName',
              key: 'unit',
              width: 190,
              ellipsis: true,
              sorter: true,
              sortOrder: sortOrder('unit'),
              render: (u: string, p) => (
                <div>
                  <div style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{u}</div>
                  <div className="hint">{p.divisionName ?? '股室未指定'}</div>
                </div>
              ),
            },
            { title: '项目编码', dataIndex: 'code', width: 120, ellipsis: true },
            {
              title: '项目名称',
              dataIndex: 'name',
              key: 'name',
              ellipsis: true,
              sorter: true,
              sortOrder: sortOrder('name'),
              render: (name: string, p) => <EvaluationNote name={name} note={p.evaluationNote ?? null} />,
            },
            { title: '类别', dataIndex: 'category', width: 90 },
            { title: '资金来源', dataIndex: 'fundSource', width: 130, render: (f: string, p) => (p.fundChannel && p.fundChannel !== '本级' ? `${f}·${p.fundChannel}` : f) },
            { title: '金额（万元）', dataIndex: 'amountFen', key: 'amount', width: 110, align: 'right', className: 'num', sorter: true, sortOrder: sortOrder('amount'), render: (f: number) => wan(f) },
            { title: '绩效目标', width: 90, render: (_: unknown, p) => targetsTag(p) },
            { title: '来源', dataIndex: 'origin', width: 72, render: (o: Project['origin']) => <Tag color={ORIGIN_COLORS[o]}>{o}</Tag> },
            {
              title: '操作',
              width: 100,
              render: (_: unknown, p) => (
                <Space size={4}>
                  <Tooltip title={disabledWhy}>
                    <Button type="link" size="small" disabled={readOnly} onClick={() => setEditing(p)}>
                      编辑
                    </Button>
                  </Tooltip>
                  <Popconfirm title={`删除“${p.name}”？`} description="已纳入绩效目标或监控任务的项目不能删除。" okText="删除" cancelText="取消" onConfirm={() => remove(p)} disabled={readOnly}>
                    <Tooltip title={disabledWhy}>
                      <Button type="link" size="small" danger disabled={readOnly}>
                        删除
                      </Button>
                    </Tooltip>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
          summary={() =>
            data.total ? (
              <Table.Summary.Row className="sum-row">
                <Table.Summary.Cell index={0} colSpan={5}>
                  <span data-testid="projects-count">合计（{data.total} 个项目）</span>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={5} align="right" className="num">
                  <span data-testid="projects-sum">{wan(data.totalFen)}</span>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={6} colSpan={3} />
              </Table.Summary.Row>
            ) : null
          }
        />
      </div>
      <ProjectFormModal open={editing !== undefined} budgetYear={budgetYear} project={editing ?? null} onClose={() => setEditing(undefined)} onSaved={changed} />
      <ProjectImportModal open={importing} budgetYear={budgetYear} onClose={() => setImporting(false)} onDone={changed} />
      <ExcelImportModal
        open={history}
        title={`导入${budgetYear}年已批复的绩效目标（历史目标导入）`}
        hint={`${budgetYear}年的绩效目标申报表（本软件导出的申报表格式），其中的项目须已在${budgetYear}年项目库中。导入的目标记为已批复，不经审核。`}
        preview={(f) => call('projects/historyTargetsPreview', { ...f, budgetYear })}
        fromProblems={(problems) => ({ rows: [], problems, counts: { projects: 0, indicators: 0 } })}
        problemsOf={(p) => p.problems}
        renderCounts={(p) => <Tag color="green">{`${p.counts.projects} 个项目、${p.counts.indicators} 个指标`}</Tag>}
        hasChanges={(p) => p.counts.projects > 0}
        renderRows={(p) => (
          <Table
            size="small"
            rowKey={(r) => `${r.unitName}|${r.projectName}`}
            dataSource={p.rows}
            pagination={false}
            columns={[
              { title: '预算单位', dataIndex: 'unitName', width: 220 },
              { title: '项目编码', dataIndex: 'code', width: 140 },
              { title: '项目名称', dataIndex: 'projectName' },
              { title: '指标数', dataIndex: 'indicators', width: 80 },
              { title: '', dataIndex: 'action', width: 70, render: (a: string) => <Tag color={a === '导入' ? 'green' : 'blue'}>{a}</Tag> },
            ]}
          />
        )}
        apply={async (f) => {
          const r = await call('projects/historyTargetsApply', { ...f, budgetYear })
          return `已导入 ${r.projects} 个项目的已批复绩效目标（${r.indicators} 个指标），记为历史目标导入`
        }}
        onClose={() => setHistory(false)}
        onDone={changed}
      />
    </div>
  )
}
