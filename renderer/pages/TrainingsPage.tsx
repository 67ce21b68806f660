/** 基础工作 · 业务培训: the year's trainings (they feed the annual report's counts). */
import { PlusOutlined } from '@ant-design/icons'
import { AutoComplete, Button, DatePicker, Drawer, Form, Input, InputNumber, Popconfirm, Select, Space, Table, Tooltip } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useCallback, useEffect, useState } from 'react'
import type { Training } from '../../shared/domain'
import { call } from '../api'
import { attempt, notifySuccess } from '../errors'
import { useApp } from '../store'
import { PageHeader } from '../components/PageHeader'
import { defaultDateIn, zhDate } from '../../shared/dates'
import { GuardedDrawer } from '../components/EditModal'
import { useReadOnlyReason } from '../components/read-only'
import { useFreshEditing } from '../components/useFreshEditing'

interface TrainingForm {
  date: Dayjs
  title: string
  organiser: string
  form: string
  divisionIds: string[]
  unitIds: string[]
  participantCount: number
  notes: string
}

const FORMS = ['视频会', '现场培训', '线上培训', '以会代训', '专题讲座']

export function TrainingsPage() {
  const workYear = useApp((s) => s.workYear)
  const readOnly = useReadOnlyReason(workYear)
  const divisions = useApp((s) => s.divisions)
  const units = useApp((s) => s.units)
  const settings = useApp((s) => s.settings)
  const dataVersion = useApp((s) => s.dataVersion)
  const [rows, setRows] = useState<Training[]>([])
  const [loading, setLoading] = useState(false)
  const [editing, setEditing] = useState<Training | 'new' | null>(null)
  const [form] = Form.useForm<TrainingForm>()
  const [busy, setBusy] = useState(false)
  useFreshEditing(editing, setEditing, rows)

  const reload = useCallback(async () => {
    setLoading(true)
    const list = await attempt(() => call('trainings/list', { workYear }))
    setLoading(false)
    if (list) setRows(list)
  }, [workYear])

  useEffect(() => {
    void reload()
  }, [reload, dataVersion])

  useEffect(() => {
    if (editing === 'new') {
      form.resetFields()
      form.setFieldsValue({
        date: dayjs(defaultDateIn(workYear, new Date())),
        organiser: settings?.org.bureau ?? '',
        form: '视频会',
        divisionIds: [],
        unitIds: [],
        participantCount: 0,
        notes: '',
      })
    } else if (editing) {
      form.setFieldsValue({ ...editing, date: dayjs(editing.date) })
    }
  }, [editing, form, workYear, settings])

  const onSave = async () => {
    const v = await form.validateFields()
    setBusy(true)
    const saved = await attempt(() =>
      call('trainings/save', {
        id: editing !== 'new' && editing ? editing.id : undefined,
        version: editing !== 'new' && editing ? editing.version : undefined,
        date: v.date.format('YYYY-MM-DD'),
        title: v.title.trim(),
        organiser: v.organiser.trim(),
        form: v.form.trim(),
        divisionIds: v.divisionIds ?? [],
        unitIds: v.unitIds ?? [],
        participantCount: v.participantCount ?? 0,
        notes: (v.notes ?? '').trim(),
      }),
    )
    setBusy(false)
    if (!saved) return
    notifySuccess('培训记录已保存')
    setEditing(null)
    if (Number(saved.date.slice(0, 4)) !== workYear) useApp.getState().setWorkYear(Number(saved.date.slice(0, 4)))
    else await reload()
  }

  const onRemove = async (t: Training) => {
    const r = await attempt(() => call('trainings/remove', { id: t.id }))
    if (!r) return
    notifySuccess('已删除')
    await reload()
  }

  const attendees = (t: Training) => {
    const names = [
      ...t.divisionIds.map((id) => divisions.find((d) => d.id === id)?.name).filter(Boolean),
      ...t.unitIds.map((id) => units.find((u) => u.id === id)?.name).filter(Boolean),
    ] as string[]
    return names
  }

  const participants = rows.reduce((a, t) => a + t.participantCount, 0)

  return (
    <div>
      <PageHeader
        title={`业务培训（${workYear}年度）`}
        note="记录本年度组织或参加的预算绩效管理培训，年度工作总结按此统计培训次数"
        extra={
          <Tooltip title={readOnly}>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} disabled={!!readOnly}>
              新增培训
            </Button>
          </Tooltip>
        }
      />
      <div className="page-card">
        <Table<Training>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: `${workYear}年度还没有培训记录，点击“新增培训”添加` }}
          columns={[
            { title: '日期', dataIndex: 'date', width: 130, sorter: (a, b) => a.date.localeCompare(b.date), defaultSortOrder: 'ascend', render: (d: string) => zhDate(d) },
            { title: '培训名称', dataIndex: 'title' },
            { title: '组织单位', dataIndex: 'organiser', width: 160 },
            { title: '形式', dataIndex: 'form', width: 90 },
            { title: '人数', dataIndex: 'participantCount', width: 70, align: 'right' },
            {
              title: '参加股室/单位',
              width: 240,
              ellipsis: { showTitle: false },
              render: (_v, t) => {
                const names = attendees(t)
                if (!names.length) return <span className="hint">—</span>
                return (
                  <Tooltip title={names.join('、')} placement="topLeft">
                    {names.join('、')}
                  </Tooltip>
                )
              },
            },
            {
              title: '操作',
              width: 100,
              render: (_v, t) => (
                <Space size={8}>
                  <a onClick={() => setEditing(t)}>编辑</a>
                  <Popconfirm title="删除这条培训记录？" okText="删除" cancelText="取消" onConfirm={() => onRemove(t)}>
                    <a style={{ color: '#cf1322' }}>删除</a>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
          footer={() => (
            <span data-testid="trainings-count">
              {workYear}年度共开展培训 {rows.length} 次，参加 {participants} 人次
            </span>
          )}
        />
      </div>
      <GuardedDrawer
        open={editing !== null}
        title={editing === 'new' ? '新增培训' : '编辑培训'}
        width={560}
        onClose={() => setEditing(null)}
        forceRender
        extra={
          <Space>
            <Button onClick={() => setEditing(null)}>取消</Button>
            <Button type="primary" onClick={onSave} loading={busy}>
              保存
            </Button>
          </Space>
        }
      >
        <Form form={form} layout="vertical" requiredMark>
          <div style={{ display: 'flex', gap: 12 }}>
            <Form.Item name="date" label="日期" rules={[{ required: true, message: '请选择培训日期' }]} style={{ width: 180 }}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item name="form" label="形式" rules={[{ required: true, whitespace: true, message: '请填写培训形式' }]} style={{ flex: 1 }}>
              <AutoComplete options={FORMS.map((v) => ({ value: v }))} placeholder="例如：视频会" />
            </Form.Item>
          </div>
          <Form.Item name="title" label="培训名称" rules={[{ required: true, whitespace: true, message: '请填写培训名称' }]}>
            <Input maxLength={100} placeholder="例如：曲靖市2024年预算绩效管理培训视频会" />
          </Form.Item>
          <Form.Item name="organiser" label="组织单位" rules={[{ required: true, whitespace: true, message: '请填写组织单位' }]}>
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="divisionIds" label="参加股室">
            <Select mode="multiple" allowClear placeholder="选择参加的股室" options={divisions.map((d) => ({ value: d.id, label: d.name }))} />
          </Form.Item>
          <Form.Item name="unitIds" label="参加预算单位">
            <Select
              mode="multiple"
              allowClear
              placeholder="选择参加的预算单位，可输入名称搜索"
              optionFilterProp="label"
              options={units.filter((u) => u.active).map((u) => ({ value: u.id, label: u.name }))}
              maxTagCount="responsive"
            />
          </Form.Item>
          <Form.Item name="participantCount" label="参加人数" rules={[{ required: true, message: '请填写参加人数' }]}>
            <InputNumber min={0} max={100000} precision={0} style={{ width: 160 }} suffix="人" />
          </Form.Item>
          <Form.Item name="notes" label="备注">
            <Input.TextArea rows={4} maxLength={2000} placeholder="培训内容、主讲人等" />
          </Form.Item>
        </Form>
      </GuardedDrawer>
    </div>
  )
}
