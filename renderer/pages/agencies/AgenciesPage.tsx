/**
 * 第三方机构: the registry (name, 统一社会信用代码, contacts, qualifications, notes) with each
 * agency's 委托次数 and 平均考评分; add / edit / 停用 / 删除 (an agency with engagements is only
 * deactivated: its history guides the next selection); expand a row for its engagements.
 */
import { PlusOutlined } from '@ant-design/icons'
import { Button, Checkbox, Form, Input, Modal, Popconfirm, Space, Switch, Table, Tag, Tooltip } from 'antd'
import { useCallback, useEffect, useState } from 'react'
import type { Agency, Engagement } from '../../../shared/domain'
import { ApiError, call } from '../../api'
import { PageHeader } from '../../components/PageHeader'
import { attempt, notifySuccess, showError } from '../../errors'
import { wan, zhCompare } from '../../format'
import { useApp } from '../../store'
import { zhDate } from '../../../shared/dates'
import { GuardedModal } from '../../components/EditModal'
import { useFreshEditing } from '../../components/useFreshEditing'
import { useReadOnlyReason } from '../../components/read-only'

const score = (v: number | null) => (v === null ? <span className="hint">未考评</span> : v.toFixed(2))

/** Removes the field path zod puts before a message (“creditCode”：…). */
const bareMessage = (m: string) => m.replace(/^“[^”]*”：/, '')

export function AgenciesPage() {
  const readOnly = useReadOnlyReason(null)
  const dataVersion = useApp((s) => s.dataVersion)
  const [rows, setRows] = useState<Agency[]>([])
  const [loading, setLoading] = useState(false)
  const [showInactive, setShowInactive] = useState(false)
  const [editing, setEditing] = useState<Agency | 'new' | null>(null)
  useFreshEditing(editing, setEditing, rows)

  const reload = useCallback(async () => {
    setLoading(true)
    const r = await attempt(() => call('agencies/list', { includeInactive: showInactive }))
    setLoading(false)
    if (r) setRows(r)
  }, [showInactive])

  useEffect(() => {
    void reload()
  }, [reload, dataVersion])

  const remove = async (a: Agency) => {
    const r = await attempt(() => call('agencies/remove', { id: a.id }))
    if (!r) return
    notifySuccess(r.removed ? `已删除“${a.name}”` : `“${a.name}”有委托记录，已改为停用（记录保留）`)
    await reload()
  }

  const setActive = async (a: Agency, active: boolean) => {
    const r = await attempt(() =>
      call('agencies/save', { id: a.id, version: a.version, name: a.name, creditCode: a.creditCode, contact: a.contact, phone: a.phone, qualifications: a.qualifications, notes: a.notes, active }),
    )
    if (!r) return
    notifySuccess(active ? `已启用“${a.name}”` : `已停用“${a.name}”`)
    await reload()
  }

  return (
    <div>
      <PageHeader
        title="第三方机构"
        note="财政评价委托的中介机构名录；考评分为被评价单位与财政部门评分的平均"
        extra={
          <>
            <Checkbox checked={showInactive} onChange={(e) => setShowInactive(e.target.checked)}>
              显示已停用
            </Checkbox>
            <Tooltip title={readOnly}>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} disabled={!!readOnly}>
                新增机构
              </Button>
            </Tooltip>
          </>
        }
      />
      <div className="page-card">
        <Table<Agency>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={rows}
          pagination={false}
          data-testid="agencies"
          locale={{ emptyText: '还没有第三方机构，点击“新增机构”录入' }}
          expandable={{ expandedRowRender: (a) => <EngagementHistory agency={a} />, rowExpandable: (a) => a.engagementCount > 0 }}
          columns={[
            {
              title: '机构名称',
              dataIndex: 'name',
              sorter: (a, b) => zhCompare(a.name, b.name),
              render: (v: string, a) => (
                <span>
                  {v}
                  {!a.active && <Tag style={{ marginLeft: 6 }}>已停用</Tag>}
                </span>
              ),
            },
            { title: '统一社会信用代码', dataIndex: 'creditCode', width: 176, render: (v: string) => (v ? <span className="num">{v}</span> : <span className="hint">未填</span>) },
            { title: '联系人', dataIndex: 'contact', width: 96, ellipsis: true },
            { title: '电话', dataIndex: 'phone', width: 120, ellipsis: true },
            { title: '委托次数', dataIndex: 'engagementCount', width: 84, align: 'right', sorter: (a, b) => a.engagementCount - b.engagementCount },
            {
              title: '平均考评分',
              dataIndex: 'averageScore',
              width: 96,
              align: 'right',
              sorter: (a, b) => (a.averageScore ?? -1) - (b.averageScore ?? -1),
              render: (v: number | null) => score(v),
            },
            { title: '资质', dataIndex: 'qualifications', ellipsis: true, render: (v: string) => <Tooltip title={v}>{v}</Tooltip> },
            {
              title: '操作',
              key: 'actions',
              width: 150,
              render: (_v, a) => (
                <Space size={10}>
                  <a onClick={() => setEditing(a)}>编辑</a>
                  {a.active ? <a onClick={() => setActive(a, false)}>停用</a> : <a onClick={() => setActive(a, true)}>启用</a>}
                  <Popconfirm
                    title={`删除“${a.name}”？`}
                    description={a.engagementCount ? '该机构有委托记录，将改为停用，记录保留。' : '删除后不可恢复。'}
                    okText={a.engagementCount ? '停用' : '删除'}
                    cancelText="取消"
                    onConfirm={() => remove(a)}
                  >
                    <a style={{ color: '#cf1322' }}>删除</a>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </div>
      <AgencyForm
        editing={editing}
        onClose={() => setEditing(null)}
        onSaved={async () => {
          setEditing(null)
          await reload()
        }}
      />
    </div>
  )
}

function EngagementHistory({ agency }: { agency: Agency }) {
  const [rows, setRows] = useState<Engagement[] | null>(null)
  useEffect(() => {
    let cancelled = false
    void attempt(() => call('engagements/list', { agencyId: agency.id })).then((r) => {
      if (!cancelled && r) setRows(r)
    })
    return () => {
      cancelled = true
    }
  }, [agency.id])
  const period = (e: Engagement) => (e.periodStart || e.periodEnd ? `${e.periodStart ?? '—'} 至 ${e.periodEnd ?? '—'}` : '—')
  return (
    <Table<Engagement>
      size="small"
      rowKey="id"
      loading={rows === null}
      dataSource={rows ?? []}
      pagination={false}
      data-testid="engagements"
      locale={{ emptyText: '没有委托记录' }}
      columns={[
        { title: '年度', dataIndex: 'workYear', width: 72, render: (y: number) => `${y}年` },
        { title: '评价任务', dataIndex: 'roundTitle', ellipsis: true },
        { title: '服务内容', dataIndex: 'services', width: 150, ellipsis: true, render: (v: string) => <Tooltip title={v}>{v || '—'}</Tooltip> },
        { title: '项目', key: 'projects', width: 150, align: 'right', className: 'num', render: (_v, e) => `${e.projectCount}个 / ${wan(e.projectFen)}万元` },
        { title: '费用（万元）', dataIndex: 'feeFen', width: 100, align: 'right', className: 'num', render: (f: number) => wan(f) },
        { title: '选定方式', dataIndex: 'method', width: 76, render: (v: string) => v || '—' },
        { title: '评价期间', key: 'period', width: 190, render: (_v, e) => period(e) },
        { title: '报告日期', dataIndex: 'reportDate', width: 130, render: (v: string | null) => (v ? zhDate(v) : '—') },
        {
          title: '考评得分',
          dataIndex: 'finalScore',
          width: 90,
          align: 'right',
          render: (v: number | null, e) => (
            <Tooltip title={e.ratings.map((r) => `${r.rater}：${r.total}`).join('；') || '尚未考评'}>{score(v)}</Tooltip>
          ),
        },
      ]}
    />
  )
}

interface AgencyFormValues {
  name: string
  creditCode: string
  contact: string
  phone: string
  qualifications: string
  notes: string
  active: boolean
}

function AgencyForm({ editing, onClose, onSaved }: { editing: Agency | 'new' | null; onClose: () => void; onSaved: () => void }) {
  const [form] = Form.useForm<AgencyFormValues>()
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (!editing) return
    form.resetFields()
    if (editing === 'new') form.setFieldsValue({ active: true, creditCode: '', contact: '', phone: '', qualifications: '', notes: '' })
    else form.setFieldsValue({ ...editing })
  }, [editing, form])

  const save = async () => {
    let v: AgencyFormValues
    try {
      v = await form.validateFields()
    } catch {
      return
    }
    setBusy(true)
    try {
      const saved = await call('agencies/save', {
        id: editing && editing !== 'new' ? editing.id : undefined,
        version: editing && editing !== 'new' ? editing.version : undefined,
        name: v.name,
        creditCode: (v.creditCode ?? '').trim().toUpperCase(),
        contact: v.contact ?? '',
        phone: v.phone ?? '',
        qualifications: v.qualifications ?? '',
        notes: v.notes ?? '',
        active: v.active ?? true,
      })
      notifySuccess(`已保存“${saved.name}”`)
      onSaved()
    } catch (e) {
      // Field-level problems go next to the field; anything else as a message.
      if (e instanceof ApiError && (e.code === 'VALIDATION' || e.code === 'CONFLICT')) {
        const msg = bareMessage(e.message)
        if (/信用代码/.test(e.message)) form.setFields([{ name: 'creditCode', errors: [msg] }])
        else if (/机构名称|机构“/.test(e.message)) form.setFields([{ name: 'name', errors: [msg] }])
        else showError(e)
      } else showError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <GuardedModal
      open={editing !== null}
      title={editing === 'new' ? '新增第三方机构' : `编辑 · ${editing ? editing.name : ''}`}
      width={640}
      onCancel={onClose}
      onOk={save}
      okText="保存"
      cancelText="取消"
      confirmLoading={busy}
      maskClosable={false}
      forceRender
    >
      <Form form={form} labelCol={{ flex: '120px' }} colon={false}>
        <Form.Item name="name" label="机构名称" rules={[{ required: true, whitespace: true, message: '请填写机构名称' }]}>
          <Input maxLength={100} placeholder="例如：云南永盛会计师事务所有限公司" />
        </Form.Item>
        <Form.Item name="creditCode" label="统一社会信用代码" extra="18位，由数字和大写字母组成；可暂不填写">
          <Input maxLength={18} placeholder="例如：91530300MA6K5XXXXX" style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <div style={{ display: 'flex', gap: 12 }}>
          <Form.Item name="contact" label="联系人" style={{ flex: 1 }}>
            <Input maxLength={20} />
          </Form.Item>
          <Form.Item name="phone" label="电话" labelCol={{ flex: '48px' }} style={{ flex: 1 }}>
            <Input maxLength={30} />
          </Form.Item>
        </div>
        <Form.Item name="qualifications" label="资质">
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={1000} placeholder="执业证书、资质等级、相关业绩等" />
        </Form.Item>
        <Form.Item name="notes" label="备注">
          <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={1000} placeholder="例如：通过询价方式选定" />
        </Form.Item>
        <Form.Item name="active" label="启用" valuePropName="checked">
          <Switch checkedChildren="启用" unCheckedChildren="停用" />
        </Form.Item>
      </Form>
    </GuardedModal>
  )
}
