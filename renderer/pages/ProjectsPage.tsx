/** 事前评估 · 项目库: the projects of budget year N+1 (supported proposals and others). */
import { EvaluationNote } from '../components/EvaluationNote'
import { Input, Select, Table, Tag } from 'antd'
import { useCallback, useEffect, useState } from 'react'
import type { Project } from '../../shared/domain'
import { call } from '../api'
import { attempt } from '../errors'
import { wan, zhCompare } from '../format'
import { useApp } from '../store'
import { PageHeader } from '../components/PageHeader'

const ORIGIN_COLORS: Record<Project['origin'], string> = { 事前评估: 'green', 导入: 'blue', 手工: 'default' }

export function ProjectsPage() {
  const workYear = useApp((s) => s.workYear)
  const units = useApp((s) => s.units)
  const dataVersion = useApp((s) => s.dataVersion)
  const budgetYear = workYear + 1
  const [unitId, setUnitId] = useState<string | undefined>()
  const [searchText, setSearchText] = useState('')
  const [search, setSearch] = useState<string | undefined>()
  const [data, setData] = useState<{ rows: Project[]; totalFen: number }>({ rows: [], totalFen: 0 })
  const [loading, setLoading] = useState(false)

  useEffect(() => {
    const t = setTimeout(() => setSearch(searchText.trim() || undefined), 250)
    return () => clearTimeout(t)
  }, [searchText])

  const reload = useCallback(async () => {
    setLoading(true)
    const r = await attempt(() => call('projects/list', { budgetYear, unitId, search }))
    setLoading(false)
    if (r) setData(r)
  }, [budgetYear, unitId, search])

  useEffect(() => {
    void reload()
  }, [reload, dataVersion])

  const filtered = !!unitId || !!search
  return (
    <div>
      <PageHeader title={`${budgetYear}年项目库`} note={`工作年度 ${workYear}：事前评估予以支持的项目在此储备，供编制 ${budgetYear} 年预算`} />
      <div className="page-card">
        <div className="toolbar">
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
          <Input.Search placeholder="搜索项目名称" allowClear style={{ width: 220 }} value={searchText} onChange={(e) => setSearchText(e.target.value)} />
        </div>
        <Table<Project>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={data.rows}
          pagination={data.rows.length > 100 ? { pageSize: 100, size: 'small', showSizeChanger: false } : false}
          locale={{
            emptyText: filtered
              ? '没有符合条件的项目'
              : `${budgetYear}年项目库还没有项目。在“评估项目”中确认结论为予以支持的项目，勾选后点击“纳入项目库”`,
          }}
          columns={[
            { title: '预算单位', dataIndex: 'unitName', width: 220, ellipsis: true, sorter: (a, b) => zhCompare(a.unitName, b.unitName) },
            {
              title: '项目名称',
              dataIndex: 'name',
              ellipsis: true,
              sorter: (a, b) => zhCompare(a.name, b.name),
              render: (name: string, p) => <EvaluationNote name={name} note={p.evaluationNote ?? null} />,
            },
            { title: '金额（万元）', dataIndex: 'amountFen', width: 130, align: 'right', className: 'num', sorter: (a, b) => a.amountFen - b.amountFen, render: (f: number) => wan(f) },
            { title: '资金来源', dataIndex: 'fundSource', width: 140 },
            { title: '来源', dataIndex: 'origin', width: 100, render: (o: Project['origin']) => <Tag color={ORIGIN_COLORS[o]}>{o}</Tag> },
          ]}
          summary={() =>
            data.rows.length ? (
              <Table.Summary.Row className="sum-row">
                <Table.Summary.Cell index={0} colSpan={2}>
                  合计（{data.rows.length} 个项目）
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2} align="right" className="num">
                  <span data-testid="projects-sum">{wan(data.totalFen)}</span>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={3} colSpan={2} />
              </Table.Summary.Row>
            ) : null
          }
        />
      </div>
    </div>
  )
}
