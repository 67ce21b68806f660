/**
 * 设置 · 操作员 (系统管理员): who may sign in and with which roles (shared/roles.ts), password
 * resets, and how long the session may stay idle before it locks.
 */
import { PlusOutlined } from '@ant-design/icons'
import { Button, Checkbox, Form, Input, InputNumber, Select, Space, Switch, Table, Tag, Typography } from 'antd'
import { useCallback, useEffect, useState } from 'react'
import type { Operator } from '../../../shared/domain'
import { call } from '../../api'
import { attempt, notifySuccess } from '../../errors'
import { useApp } from '../../store'
import { EditModal } from '../../components/EditModal'
import { useFreshEditing } from '../../components/useFreshEditing'
import { PageHeader } from '../../components/PageHeader'
import { ROLES, ROLE_NOTES, SIGN_IN_POLICY, type Role } from '../../../shared/roles'
import { passwordRules } from '../SignInModal'

interface OpForm {
  name: string
  divisionId: string | null
  active: boolean
  roles: Role[]
  password?: string
}

const confirmRule = ({ getFieldValue }: { getFieldValue(n: string): unknown }) => ({
  validator: (_r: unknown, v: unknown) => (v === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error('两次输入的密码不一致'))),
})

export function OperatorsPage() {
  const divisions = useApp((s) => s.divisions)
  const current = useApp((s) => s.operator)
  const dataVersion = useApp((s) => s.dataVersion)
  const [rows, setRows] = useState<Operator[]>([])
  const [loading, setLoading] = useState(false)
  const [editing, setEditing] = useState<Operator | 'new' | null>(null)
  const [form] = Form.useForm<OpForm>()
  const [busy, setBusy] = useState(false)
  const [resetting, setResetting] = useState<Operator | null>(null)
  const [resetForm] = Form.useForm<{ password: string; confirm: string }>()
  const settings = useApp((s) => s.settings)
  const [idle, setIdle] = useState<number | null>(settings?.sessionIdleMinutes ?? 15)
  useFreshEditing(editing, setEditing, rows)

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
    if (editing === 'new') form.setFieldsValue({ name: '', divisionId: null, active: true, roles: ['录入'], password: '' })
    else if (editing) form.setFieldsValue({ name: editing.name, divisionId: editing.divisionId, active: editing.active, roles: editing.roles })
  }, [editing, form])

  const onSave = async () => {
    const v = await form.validateFields()
    setBusy(true)
    const saved = await attempt(() =>
      call('operators/save', {
        id: editing !== 'new' && editing ? editing.id : undefined,
        version: editing !== 'new' && editing ? editing.version : undefined,
        name: v.name.trim(),
        divisionId: v.divisionId ?? null,
        active: v.active,
        roles: v.roles,
        ...(editing === 'new' ? { password: v.password } : {}),
      }),
    )
    setBusy(false)
    if (!saved) return
    notifySuccess(`已保存操作员“${saved.name}”`)
    if (current?.id === saved.id) useApp.setState({ operator: saved })
    setEditing(null)
    await reload()
  }

  const onReset = async () => {
    if (!resetting) return
    const v = await resetForm.validateFields()
    setBusy(true)
    const r = await attempt(() => call('operators/resetPassword', { id: resetting.id, password: v.password }))
    setBusy(false)
    if (!r) return
    notifySuccess(`已重设“${r.name}”的密码，请当面告知本人`)
    setResetting(null)
    resetForm.resetFields()
    await reload()
  }

  const saveIdle = async () => {
    if (!settings || !idle) return
    const r = await attempt(() => call('settings/save', { ...settings, sessionIdleMinutes: idle }))
    if (r) {
      useApp.setState({ settings: r })
      notifySuccess(`已保存：空闲${r.sessionIdleMinutes}分钟后自动锁定`)
    }
  }

  return (
    <div>
      <div style={{ maxWidth: 760 }}>
        <PageHeader
          title="操作员"
          note="每人用自己的姓名和密码登录，每次修改都记录登录的操作员；停用的操作员不能登录"
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
            { title: '股室', dataIndex: 'divisionId', width: 110, render: (id: string | null) => divisions.find((d) => d.id === id)?.name ?? '—' },
            {
              title: '角色',
              dataIndex: 'roles',
              render: (roles: Role[]) => (roles.length ? roles.map((r) => <Tag key={r} color={r === '系统管理员' ? 'red' : r === '预算股' ? 'blue' : r === '股室审核' ? 'purple' : undefined}>{r}</Tag>) : '—'),
            },
            { title: '密码', dataIndex: 'hasPassword', width: 80, render: (p: boolean) => (p ? '已设置' : <Tag color="orange">未设置</Tag>) },
            { title: '状态', dataIndex: 'active', width: 80, render: (a: boolean) => (a ? <Tag color="green">在用</Tag> : <Tag>停用</Tag>) },
            {
              title: '操作',
              width: 150,
              render: (_v, o) => (
                <Space size={8}>
                  <a onClick={() => setEditing(o)}>编辑</a>
                  <a onClick={() => setResetting(o)} data-testid={`reset-${o.name}`}>
                    {o.hasPassword ? '重设密码' : '设置密码'}
                  </a>
                </Space>
              ),
            },
          ]}
        />
      </div>
      <div className="page-card" style={{ maxWidth: 760, marginTop: 16 }}>
        <Space align="center" wrap>
          <span>空闲</span>
          <InputNumber data-testid="idle-minutes" min={1} max={240} precision={0} value={idle} onChange={(v) => setIdle(v)} style={{ width: 80 }} />
          <span>分钟无操作后自动锁定，需重新输入密码</span>
          <Button onClick={saveIdle} disabled={!idle || idle === settings?.sessionIdleMinutes}>
            保存
          </Button>
        </Space>
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          连续{SIGN_IN_POLICY.freeAttempts}次密码错误后，每次须等待{SIGN_IN_POLICY.firstDelaySeconds}秒起、逐次加倍，最长{SIGN_IN_POLICY.maxDelaySeconds / 60}分钟（GB/T 22239-2019 登录失败处理的要求）。
        </Typography.Paragraph>
      </div>
      <EditModal open={editing !== null} title={editing === 'new' ? '新增操作员' : '编辑操作员'} busy={busy} onSave={onSave} onClose={() => setEditing(null)}>
        <Form form={form} labelCol={{ flex: '80px' }} colon={false}>
          <Form.Item name="name" label="姓名" rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}>
            <Input maxLength={20} />
          </Form.Item>
          <Form.Item name="divisionId" label="股室">
            <Select allowClear placeholder="选择所在股室" options={divisions.map((d) => ({ value: d.id, label: d.name }))} />
          </Form.Item>
          <Form.Item name="roles" label="角色" rules={[{ required: true, type: 'array', min: 1, message: '请至少选择一个角色' }]}>
            <Checkbox.Group style={{ display: 'flex', flexDirection: 'column', gap: 4 }}>
              {ROLES.map((r) => (
                <Checkbox key={r} value={r}>
                  {r}
                  <span className="hint" style={{ marginLeft: 8 }}>
                    {ROLE_NOTES[r]}
                  </span>
                </Checkbox>
              ))}
            </Checkbox.Group>
          </Form.Item>
          {editing === 'new' && (
            <>
              <Form.Item name="password" label="初始密码" rules={passwordRules}>
                <Input.Password maxLength={128} autoComplete="new-password" />
              </Form.Item>
              <Form.Item name="confirm" label="确认密码" dependencies={['password']} rules={[{ required: true, message: '请再次输入密码' }, confirmRule]}>
                <Input.Password maxLength={128} autoComplete="new-password" />
              </Form.Item>
            </>
          )}
          <Form.Item name="active" label="在用" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </EditModal>
      <EditModal open={resetting !== null} title={`重设密码：${resetting?.name ?? ''}`} busy={busy} onSave={onReset} onClose={() => setResetting(null)}>
        <Typography.Paragraph type="secondary">新密码只保存加密摘要，请当面告知本人。连续登录失败的等待也随之清除。</Typography.Paragraph>
        <Form form={resetForm} labelCol={{ flex: '80px' }} colon={false}>
          <Form.Item name="password" label="新密码" rules={passwordRules}>
            <Input.Password maxLength={128} autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="confirm" label="确认密码" dependencies={['password']} rules={[{ required: true, message: '请再次输入密码' }, confirmRule]}>
            <Input.Password maxLength={128} autoComplete="new-password" />
          </Form.Item>
        </Form>
      </EditModal>
    </div>
  )
}
