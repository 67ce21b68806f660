/** 设置 · 操作员: the people whose names go into the audit log and the 发文登记. */
import { PlusOutlined } from '@ant-design/icons'
import { Button, Form, Input, Select, Space, Switch, Table, Tag } from 'antd'
import { useCallback, useEffect, useState } from 'react'
import type { Operator } from '../../../shared/domain'
import { call } from '../../api'
import { attempt, notifySuccess } from '../../errors'
import { useApp } from '../../store'
import { EditModal } from '../../components/EditModal'
import { PageHeader } from '../../components/PageHeader'

interface OpForm {
  name: string
  divisionId: string | null
  active: boolean
}

export function OperatorsPage() {
  const divisions = useApp((s) => s.divisions)
  const current = useApp((s) => s.operator)
  const dataVersion = useApp((s) => s.dataVersion)
  const [rows, setRows] = useState<Operator[]>([])
  const [loading, setLoading] = useState(false)
  const [editing, setEditing] = useState<Operator | 'new' | null>(null)
  const [form] = Form.useForm<OpForm>()
  const [busy, setBusy] = useState(false)

  const reload = useCallback(async () => {
    setLoading(true)
    const list = await attempt(() => call('operators/list', {}))
    setLoading(false)
    if (list) setRows(list)
  }, [])

  useEffect(() => {
    void reload()
  }, [reload, dataVersion])

  useEffect(() => {
    if (editing === 'new') form.setFieldsValue({ name: '', divisionId: null, active: true })
    else if (editing) form.setFieldsValue({ name: editing.name, divisionId: editing.divisionId, active: editing.active })
  }, [editing, form])

  const onSave = async () => {
    const v = await form.validateFields()
    setBusy(true)
    const saved = await attempt(() =>
      call('operators/save', { id: editing !== 'new' && editing ? editing.id : undefined, name: v.name.trim(), divisionId: v.divisionId ?? null, active: v.active }),
    )
    setBusy(false)
    if (!saved) return
    notifySuccess(`已保存操作员“${saved.name}”`)
    if (current?.id === saved.id) useApp.setState({ operator: saved })
    setEditing(null)
    await reload()
  }

  const switchTo = async (op: Operator) => {
    const r = await attempt(() => call('session/setOperator', { operatorId: op.id }))
    if (!r) return
    useApp.setState({ operator: r.operator })
    notifySuccess(`当前操作员：${r.operator.name}`)
  }

  return (
    <div>
      <div style={{ maxWidth: 760 }}>
        <PageHeader
          title="操作员"
          note="每次修改都记录操作员；停用的操作员不出现在启动时的选择列表中"
          extra={
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              新增操作员
            </Button>
          }
        />
      </div>
      <div className="page-card" style={{ maxWidth: 760 }}>
        <Table<Operator>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: '还没有操作员' }}
          columns={[
            {
              title: '姓名',
              dataIndex: 'name',
              render: (n: string, o) => (
                <Space size={6}>
                  {n}
                  {current?.id === o.id && <Tag color="blue">当前</Tag>}
                </Space>
              ),
            },
            { title: '股室', dataIndex: 'divisionId', render: (id: string | null) => divisions.find((d) => d.id === id)?.name ?? '—' },
            { title: '状态', dataIndex: 'active', width: 80, render: (a: boolean) => (a ? <Tag color="green">在用</Tag> : <Tag>停用</Tag>) },
            {
              title: '操作',
              width: 140,
              render: (_v, o) => (
                <Space size={8}>
                  <a onClick={() => setEditing(o)}>编辑</a>
                  {o.active && current?.id !== o.id && <a onClick={() => switchTo(o)}>切换为此人</a>}
                </Space>
              ),
            },
          ]}
        />
      </div>
      <EditModal open={editing !== null} title={editing === 'new' ? '新增操作员' : '编辑操作员'} busy={busy} onSave={onSave} onClose={() => setEditing(null)}>
        <Form form={form} labelCol={{ flex: '80px' }} colon={false}>
          <Form.Item name="name" label="姓名" rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}>
            <Input maxLength={20} />
          </Form.Item>
          <Form.Item name="divisionId" label="股室">
            <Select allowClear placeholder="选择所在股室" options={divisions.map((d) => ({ value: d.id, label: d.name }))} />
          </Form.Item>
          <Form.Item name="active" label="在用" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </EditModal>
    </div>
  )
}
