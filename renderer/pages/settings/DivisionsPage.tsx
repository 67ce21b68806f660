/** 设置 · 股室: 预算股 and the 资金管理股室. */
import { PlusOutlined } from '@ant-design/icons'
import { Button, Form, Input, InputNumber, Popconfirm, Space, Switch, Table, Tag } from 'antd'
import { useEffect, useState } from 'react'
import type { Division } from '../../../shared/domain'
import { call } from '../../api'
import { attempt, notifySuccess } from '../../errors'
import { useApp } from '../../store'
import { DEFAULT_DIVISIONS } from '../SignInModal'
import { EditModal } from '../../components/EditModal'
import { PageHeader } from '../../components/PageHeader'
import { useFreshEditing } from '../../components/useFreshEditing'

interface DivForm {
  name: string
  sort: number
  active: boolean
}

export function DivisionsPage() {
  const divisions = useApp((s) => s.divisions)
  const units = useApp((s) => s.units)
  const loadDivisions = useApp((s) => s.loadDivisions)
  const [editing, setEditing] = useState<Division | 'new' | null>(null)
  useFreshEditing(editing, setEditing, divisions)
  const [form] = Form.useForm<DivForm>()
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    void attempt(loadDivisions)
  }, [loadDivisions])

  useEffect(() => {
    if (editing === 'new') {
      const nextSort = divisions.reduce((m, d) => Math.max(m, d.sort), 0) + 1
      const suggestion = DEFAULT_DIVISIONS.find((n) => !divisions.some((d) => d.name === n))
      form.setFieldsValue({ name: suggestion ?? '', sort: nextSort, active: true })
    } else if (editing) form.setFieldsValue({ name: editing.name, sort: editing.sort, active: editing.active })
  }, [editing, form, divisions])

  const onSave = async () => {
    const v = await form.validateFields()
    setBusy(true)
    const saved = await attempt(() =>
      call('divisions/save', { id: editing !== 'new' && editing ? editing.id : undefined, version: editing !== 'new' && editing ? editing.version : undefined, name: v.name.trim(), sort: v.sort ?? 0, active: v.active }),
    )
    setBusy(false)
    if (!saved) return
    notifySuccess(`已保存股室“${saved.name}”`)
    setEditing(null)
    await attempt(loadDivisions)
  }

  const onRemove = async (d: Division) => {
    const r = await attempt(() => call('divisions/remove', { id: d.id }))
    if (!r) return
    notifySuccess(`已删除股室“${d.name}”`)
    await attempt(loadDivisions)
  }

  const unitCount = (id: string) => units.filter((u) => u.divisionId === id).length

  return (
    <div>
      <div style={{ maxWidth: 760 }}>
        <PageHeader
          title="股室"
          note="预算股负责发文和汇总；各资金管理股室审核所联系的预算单位"
          extra={
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              新增股室
            </Button>
          }
        />
      </div>
      <div className="page-card" style={{ maxWidth: 760 }}>
        <Table<Division>
          size="small"
          rowKey="id"
          dataSource={[...divisions].sort((a, b) => a.sort - b.sort)}
          pagination={false}
          locale={{ emptyText: '还没有股室，点击“新增股室”登记预算股和各资金管理股室' }}
          columns={[
            { title: '排序', dataIndex: 'sort', width: 70 },
            { title: '股室名称', dataIndex: 'name' },
            { title: '联系预算单位', width: 120, render: (_v, d) => `${unitCount(d.id)} 个` },
            { title: '状态', dataIndex: 'active', width: 80, render: (a: boolean) => (a ? <Tag color="green">在用</Tag> : <Tag>停用</Tag>) },
            {
              title: '操作',
              width: 120,
              render: (_v, d) => (
                <Space size={4}>
                  <a onClick={() => setEditing(d)}>编辑</a>
                  <Popconfirm title={`删除股室“${d.name}”？`} description="已被预算单位或记录使用的股室不能删除，可改为停用。" okText="删除" cancelText="取消" onConfirm={() => onRemove(d)}>
                    <a style={{ color: '#cf1322' }}>删除</a>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
        <div className="hint" style={{ marginTop: 8 }}>共 {divisions.length} 个股室</div>
      </div>
      <EditModal open={editing !== null} title={editing === 'new' ? '新增股室' : '编辑股室'} busy={busy} onSave={onSave} onClose={() => setEditing(null)}>
        <Form form={form} labelCol={{ flex: '90px' }} colon={false}>
          <Form.Item name="name" label="股室名称" rules={[{ required: true, whitespace: true, message: '请填写股室名称' }]}>
            <Input maxLength={30} placeholder="例如：教科文股" />
          </Form.Item>
          <Form.Item name="sort" label="排序">
            <InputNumber min={0} max={999} />
          </Form.Item>
          <Form.Item name="active" label="在用" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </EditModal>
    </div>
  )
}
