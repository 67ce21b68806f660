/**
 * 新建 / 编辑任务: title, deadline, unit scope; 运行监控 also the 截止月份; 财政评价 a project picker
 * (fiscaleval/candidates with filters) showing the selected total.
 */
import { Alert, DatePicker, Form, Input, InputNumber, Modal, Select, Space, Table, Tag } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useEffect, useMemo, useState } from 'react'
import type { ApiOutput } from '../../../shared/api'
import { FUND_SOURCES, PROJECT_CATEGORIES, type FundSource, type ProjectCategory, type Round } from '../../../shared/domain'
import { parseMoney, sumFen } from '../../../shared/money'
import { STAGES, type Stage } from '../../../shared/stage'
import { call } from '../../api'
import { attempt, notifySuccess } from '../../errors'
import { wan, zhCompare } from '../../format'
import { useApp } from '../../store'
import { CONCLUSION_COLORS, STAGE_CONFIG } from './config'
import { GuardedModal } from '../../components/EditModal'

type Candidate = ApiOutput<'fiscaleval/candidates'>['rows'][number]

interface RoundForm {
  title: string
  deadline: Dayjs | null
  asOfMonth: number | null
  unitIds: string[]
  notes: string
}

export function RoundFormModal({
  stage,
  editing,
  onClose,
  onSaved,
}: {
  stage: Stage
  editing: Round | 'new' | null
  onClose: () => void
  onSaved: (r: Round) => void
}) {
  const workYear = useApp((s) => s.workYear)
  const units = useApp((s) => s.units)
  const cfg = STAGE_CONFIG[stage]
  const budgetYear = workYear + STAGES[stage].budgetYearOffset
  const [form] = Form.useForm<RoundForm>()
  const [busy, setBusy] = useState(false)
  const [picked, setPicked] = useState<Map<string, number>>(new Map())
  const month = Form.useWatch('asOfMonth', form)
  const isNew = editing === 'new'

  useEffect(() => {
    if (!editing) return
    form.resetFields()
    setPicked(new Map())
    if (editing === 'new') {
      form.setFieldsValue({ title: cfg.defaultRoundTitle(budgetYear, 9), deadline: null, asOfMonth: stage === 'monitoring' ? 9 : null, unitIds: [], notes: '' })
    } else {
      form.setFieldsValue({ title: editing.title, deadline: editing.deadline ? dayjs(editing.deadline) : null, asOfMonth: editing.asOfMonth, unitIds: editing.unitIds, notes: editing.notes })
      if (stage === 'fiscaleval') {
        // The round does not carry its project list; its items do.
        void attempt(() => call('items/list', { roundId: editing.id })).then((r) => r && setPicked(new Map(r.rows.map((x) => [x.projectId, x.amountFen]))))
      }
    }
  }, [editing, form, cfg, budgetYear, stage])

  // Keep the default title in step with the month while the user has not typed their own.
  useEffect(() => {
    if (stage !== 'monitoring' || !isNew || !month) return
    const t = form.getFieldValue('title') as string
    if (/^\d{4}年1-\d{1,2}月绩效运行监控$/.test(t ?? '')) form.setFieldValue('title', cfg.defaultRoundTitle(budgetYear, month))
  }, [month, stage, isNew, form, cfg, budgetYear])

  const save = async () => {
    let v: RoundForm
    try {
      v = await form.validateFields()
    } catch {
      return
    }
    setBusy(true)
    const r = await attempt(() =>
      call('rounds/save', {
        id: editing !== 'new' && editing ? editing.id : undefined,
        version: editing !== 'new' && editing ? editing.version : undefined,
        stage,
        workYear: editing !== 'new' && editing ? editing.workYear : workYear,
        title: v.title.trim(),
        deadline: v.deadline ? v.deadline.format('YYYY-MM-DD') : null,
        asOfMonth: stage === 'monitoring' ? v.asOfMonth : null,
        unitIds: v.unitIds ?? [],
        projectIds: stage === 'fiscaleval' ? [...picked.keys()] : [],
        notes: (v.notes ?? '').trim(),
      }),
    )
    setBusy(false)
    if (!r) return
    notifySuccess(isNew ? `已下达任务“${r.title}”，共 ${r.itemCount} 个项目` : `已保存任务“${r.title}”`)
    onSaved(r)
  }

  return (
    <GuardedModal
      open={editing !== null}
      title={isNew ? `新建任务 · ${cfg.title.split(' · ')[1]}（${budgetYear}年度预算）` : '编辑任务'}
      width={stage === 'fiscaleval' ? 1000 : 640}
      style={{ top: 40 }}
      onCancel={onClose}
      onOk={save}
      okText={isNew ? '下达任务' : '保存'}
      cancelText="取消"
      confirmLoading={busy}
      maskClosable={false}
      forceRender
    >
      <Form form={form} name="round" labelCol={{ flex: '96px' }} colon={false}>
        <Form.Item name="title" label="任务名称" rules={[{ required: true, whitespace: true, message: '请填写任务名称' }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Space size={24} align="start" wrap>
          <Form.Item name="deadline" label="截止日期" extra="单位报送或完成的期限，逾期未审核的会提示">
            <DatePicker placeholder="选择日期" />
          </Form.Item>
          {stage === 'monitoring' && (
            <Form.Item name="asOfMonth" label="监控截止月份" labelCol={{ flex: '100px' }} rules={[{ required: true, message: '请填写监控截止月份' }]}>
              <InputNumber min={1} max={12} precision={0} addonBefore="1 -" addonAfter="月" style={{ width: 150 }} data-testid="as-of-month" />
            </Form.Item>
          )}
        </Space>
        {stage !== 'fiscaleval' && (
          <Form.Item name="unitIds" label="单位范围" extra={`不选则包括${budgetYear}年项目库中全部单位的项目；以后新增的项目可用“同步项目”加入`}>
            <Select
              mode="multiple"
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder="全部预算单位"
              options={units.filter((u) => u.active).map((u) => ({ value: u.id, label: u.name }))}
              maxTagCount="responsive"
            />
          </Form.Item>
        )}
        <Form.Item name="notes" label="备注">
          <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={2000} placeholder="任务要求等，可不填" />
        </Form.Item>
      </Form>
      {stage === 'fiscaleval' && <ProjectPicker budgetYear={budgetYear} picked={picked} onChange={setPicked} />}
    </GuardedModal>
  )
}

interface PickerFilters {
  fundSource?: FundSource
  category?: ProjectCategory
  unitId?: string
  minWan?: string
  search?: string
}

/** Candidates of the budget year with filters; the selection and its total survive filtering. */
function ProjectPicker({ budgetYear, picked, onChange }: { budgetYear: number; picked: Map<string, number>; onChange: (m: Map<string, number>) => void }) {
  const units = useApp((s) => s.units)
  const [filters, setFilters] = useState<PickerFilters>({})
  const [searchText, setSearchText] = useState('')
  const [minText, setMinText] = useState('')
  const [data, setData] = useState<{ rows: Candidate[]; totalFen: number }>({ rows: [], totalFen: 0 })
  const [loading, setLoading] = useState(false)

  useEffect(() => {
    const t = setTimeout(() => {
      const min = minText.trim()
      const ok = !min || (parseMoney(min, '万元').ok as boolean)
      setFilters((f) => ({ ...f, search: searchText.trim() || undefined, minWan: ok && min ? min : undefined }))
    }, 300)
    return () => clearTimeout(t)
  }, [searchText, minText])

  useEffect(() => {
    let cancelled = false
    setLoading(true)
    void attempt(() => call('fiscaleval/candidates', { budgetYear, ...filters })).then((r) => {
      if (cancelled) return
      setLoading(false)
      if (r) setData(r)
    })
    return () => {
      cancelled = true
    }
  }, [budgetYear, filters])

  const selectedFen = useMemo(() => sumFen(picked.values()), [picked])
  const minBad = minText.trim() !== '' && !parseMoney(minText.trim(), '万元').ok

  return (
    <div style={{ borderTop: '1px solid #f0f0f0', paddingTop: 10 }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 8 }}>
        <b>选择评价项目</b>
        <span className="hint">{budgetYear}年度项目库，可按资金来源、类别、单位、金额筛选</span>
        <span style={{ marginLeft: 'auto' }} data-testid="picker-total">
          已选 <b>{picked.size}</b> 个项目，合计 <b className="num">{wan(selectedFen)}</b> 万元
        </span>
      </div>
      <div className="toolbar">
        <Select placeholder="资金来源" allowClear style={{ width: 150 }} value={filters.fundSource} onChange={(v) => setFilters((f) => ({ ...f, fundSource: v }))} options={FUND_SOURCES.map((c) => ({ value: c, label: c }))} />
        <Select placeholder="项目类别" allowClear style={{ width: 130 }} value={filters.category} onChange={(v) => setFilters((f) => ({ ...f, category: v }))} options={PROJECT_CATEGORIES.map((c) => ({ value: c, label: c }))} />
        <Select
          placeholder="预算单位"
          allowClear
          showSearch
          optionFilterProp="label"
          style={{ width: 200 }}
          value={filters.unitId}
          onChange={(v) => setFilters((f) => ({ ...f, unitId: v }))}
          options={units.map((u) => ({ value: u.id, label: u.name }))}
        />
        <Input placeholder="最低金额" suffix="万元" style={{ width: 140 }} value={minText} onChange={(e) => setMinText(e.target.value)} status={minBad ? 'error' : undefined} data-testid="picker-min" />
        <Input.Search placeholder="搜索项目或单位" allowClear style={{ width: 190 }} value={searchText} onChange={(e) => setSearchText(e.target.value)} />
      </div>
      <Table<Candidate>
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={data.rows}
        scroll={{ y: 300 }}
        pagination={data.rows.length > 50 ? { pageSize: 50, size: 'small', showSizeChanger: false } : false}
        locale={{ emptyText: `${budgetYear}年度项目库中没有符合条件的项目` }}
        rowSelection={{
          selectedRowKeys: [...picked.keys()],
          preserveSelectedRowKeys: true,
          columnWidth: 36,
          onSelect: (row, selected) => {
            const m = new Map(picked)
            if (selected) m.set(row.id, row.amountFen)
            else m.delete(row.id)
            onChange(m)
          },
          onSelectAll: (selected, _rows, changed) => {
            const m = new Map(picked)
            for (const r of changed) {
              if (selected) m.set(r.id, r.amountFen)
              else m.delete(r.id)
            }
            onChange(m)
          },
        }}
        columns={[
          { title: '预算单位', dataIndex: 'unitName', width: 170, ellipsis: true, sorter: (a, b) => zhCompare(a.unitName, b.unitName) },
          { title: '项目名称', dataIndex: 'name', ellipsis: true, sorter: (a, b) => zhCompare(a.name, b.name) },
          { title: '类别', dataIndex: 'category', width: 96 },
          { title: '资金来源', dataIndex: 'fundSource', width: 120, ellipsis: true },
          { title: '金额（万元）', dataIndex: 'amountFen', width: 116, align: 'right', className: 'num', sorter: (a, b) => a.amountFen - b.amountFen, render: (f: number) => wan(f) },
          {
            title: '自评',
            key: 'self',
            width: 96,
            render: (_v, r) => (r.selfGrade ? <Tag color={CONCLUSION_COLORS[r.selfGrade]}>{`${r.selfScore ?? ''} ${r.selfGrade}`}</Tag> : <span className="hint">—</span>),
          },
        ]}
        summary={() => (
          <Table.Summary fixed>
            <Table.Summary.Row className="sum-row">
              <Table.Summary.Cell index={0} colSpan={5}>
                筛选结果 {data.rows.length} 个项目
              </Table.Summary.Cell>
              <Table.Summary.Cell index={5} align="right" className="num">
                {wan(data.totalFen)}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={6} />
            </Table.Summary.Row>
          </Table.Summary>
        )}
      />
      {picked.size === 0 && <Alert style={{ marginTop: 8 }} type="info" showIcon message="请勾选要开展财政评价（再评价/重点评价）的项目。" />}
    </div>
  )
}
