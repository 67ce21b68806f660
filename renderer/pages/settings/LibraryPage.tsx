/** 设置 · 指标库: the common indicators units pick from when they fill their 绩效目标. */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { Button, Drawer, Form, Input, Popconfirm, Select, Space, Table } from 'antd'
import { useEffect, useState } from 'react'
import type { LibraryIndicator } from '../../../shared/domain'
import { LEVELS, LEVEL1_KEYS, OPERATORS } from '../../../shared/indicators'
import { call } from '../../api'
import { PageHeader } from '../../components/PageHeader'
import { attempt, notifySuccess } from '../../errors'
import { GuardedDrawer } from '../../components/EditModal'
import { useApp } from '../../store'

type Editing = Partial<LibraryIndicator> | null

export function LibraryPage() {
  const [rows, setRows] = useState<LibraryIndicator[]>([])
  const [search, setSearch] = useState('')
  const [editing, setEditing] = useState<Editing>(null)
  const [form] = Form.useForm()
  const level1 = Form.useWatch('level1', form) as keyof typeof LEVELS | undefined

  const load = async () => {
    const r = await attempt(() => call('library/list', { search }))
    if (r) setRows(r)
  }
  // "重新载入" after a refused save (someone else changed the indicator) reloads the list …
  const dataVersion = useApp((s) => s.dataVersion)
  useEffect(() => {
    void load()
  }, [search, dataVersion])

  const open = (it: Editing) => {
    setEditing(it)
    form.setFieldsValue({ level1: '产出指标', level2: '数量指标', operator: '≥', targetValue: '', unit: '', explanation: '', field: '通用', ...it })
  }
  // … and a drawer still open on the old copy is given the current one, so the next save starts from it.
  useEffect(() => {
    if (!editing?.id) return
    const fresh = rows.find((r) => r.id === editing.id)
    if (fresh && fresh.version !== editing.version) open(fresh)
  }, [rows])
  const save = async () => {
    const v = await form.validateFields()
    const saved = await attempt(() => call('library/save', { ...(editing?.id ? { id: editing.id, version: editing.version } : {}), ...v }))
    if (!saved) return
    notifySuccess(`已保存“${saved.name}”`)
    setEditing(null)
    void load()
  }
  const remove = async (it: LibraryIndicator) => {
    if (await attempt(() => call('library/remove', { id: it.id }))) {
      notifySuccess(`已删除“${it.name}”`)
      void load()
    }
  }

  return (
    <div>
      <PageHeader
        title="指标库"
        extra={
          <Space>
            <Input.Search allowClear placeholder="搜索指标名称或领域" onSearch={setSearch} style={{ width: 220 }} />
            <Button type="primary" icon={<PlusOutlined />} onClick={() => open({})}>
              新增指标
            </Button>
          </Space>
        }
      />
      <Table
        size="small"
        rowKey="id"
        dataSource={rows}
        pagination={{ pageSize: 50, showTotal: (n) => `共 ${n} 个指标` }}
        locale={{ emptyText: '指标库为空，可点击“新增指标”添加' }}
        columns={[
          { title: '一级指标', dataIndex: 'level1', width: 100 },
          { title: '二级指标', dataIndex: 'level2', width: 140 },
          { title: '三级指标', dataIndex: 'name' },
          { title: '性质', dataIndex: 'operator', width: 60, align: 'center' },
          { title: '参考值', dataIndex: 'targetValue', width: 100 },
          { title: '单位', dataIndex: 'unit', width: 100 },
          { title: '领域', dataIndex: 'field', width: 90 },
          {
            title: '操作',
            width: 110,
            render: (_v, it) => (
              <Space size="small">
                <a onClick={() => open(it)}>编辑</a>
                <Popconfirm title={`删除“${it.name}”？`} okText="删除" cancelText="取消" onConfirm={() => remove(it)}>
                  <a style={{ color: '#cf1322' }}>
                    <DeleteOutlined /> 删除
                  </a>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <GuardedDrawer
        open={editing !== null}
        title={editing?.id ? `编辑指标 · ${editing.name}` : '新增指标'}
        width={480}
        onClose={() => setEditing(null)}
        extra={
          <Button type="primary" onClick={save}>
            保存
          </Button>
        }
      >
        <Form form={form} layout="vertical">
          <Form.Item name="level1" label="一级指标" rules={[{ required: true }]}>
            <Select options={LEVEL1_KEYS.map((k) => ({ value: k, label: k }))} onChange={(v: keyof typeof LEVELS) => form.setFieldValue('level2', LEVELS[v][0])} />
          </Form.Item>
          <Form.Item name="level2" label="二级指标" rules={[{ required: true }]}>
            <Select options={(LEVELS[level1 ?? '产出指标'] as readonly string[]).map((k) => ({ value: k, label: k }))} />
          </Form.Item>
          <Form.Item name="name" label="三级指标" rules={[{ required: true, message: '请填写三级指标名称' }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Space>
            <Form.Item name="operator" label="指标性质">
              <Select style={{ width: 90 }} options={OPERATORS.map((o) => ({ value: o, label: o }))} />
            </Form.Item>
            <Form.Item name="targetValue" label="参考指标值">
              <Input style={{ width: 140 }} />
            </Form.Item>
            <Form.Item name="unit" label="度量单位">
              <Input style={{ width: 120 }} />
            </Form.Item>
          </Space>
          <Form.Item name="explanation" label="指标解释">
            <Input.TextArea autoSize={{ minRows: 2 }} maxLength={500} />
          </Form.Item>
          <Form.Item name="field" label="适用领域">
            <Input maxLength={20} />
          </Form.Item>
        </Form>
      </GuardedDrawer>
    </div>
  )
}
