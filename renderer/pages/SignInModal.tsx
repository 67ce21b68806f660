/**
 * Who is working: the first administrator on a new database (name + password, or straight into the
 * demo year), the sign-in with name and password, and the lock screen after idle time. The backend
 * decides everything (sessions, roles, slow-down after failures); this only asks.
 */
import { LockOutlined, UserOutlined } from '@ant-design/icons'
import { Alert, AutoComplete, Button, Divider, Form, Input, Modal, Typography } from 'antd'
import { useEffect, useState } from 'react'
import type { Operator } from '../../shared/domain'
import { PASSWORD_MIN } from '../../shared/roles'
import { call } from '../api'
import { attempt, notifySuccess } from '../errors'
import { useApp } from '../store'

export const DEFAULT_DIVISIONS = ['预算股', '绩效股', '行政政法股', '教科文股', '经济建设股', '农业农村股', '社会保障股']

/** The rule the backend applies, repeated so the form can say it before sending. */
export const passwordRules = [
  { required: true, message: '请输入密码' },
  { min: PASSWORD_MIN, message: `密码至少${PASSWORD_MIN}位` },
  { pattern: /^(?=.*[0-9])(?=.*[^0-9]).*$/, message: '密码须同时包含数字和字母（或其他字符）' },
]

interface SetupForm {
  name: string
  password: string
  confirm: string
  division: string
}

export function SignInModal({ onSignedIn }: { onSignedIn(op: Operator): Promise<void> }) {
  const open = useApp((s) => s.operatorModalOpen)
  const gate = useApp((s) => s.signInGate)
  const divisions = useApp((s) => s.divisions)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [setupForm] = Form.useForm<SetupForm>()
  const [signInForm] = Form.useForm<{ name: string; password: string }>()

  useEffect(() => {
    setError(null)
    if (open && gate.lockedName) signInForm.setFieldsValue({ name: gate.lockedName, password: '' })
  }, [open, gate.lockedName])

  const setup = async (thenDemo: boolean) => {
    const v = await setupForm.validateFields()
    setBusy(true)
    try {
      const r = await attempt(() => call('session/setup', { name: v.name.trim(), password: v.password, divisionName: (v.division ?? '').trim() }))
      if (!r) return
      if (thenDemo) {
        const demo = await attempt(() => call('demo/load', {}))
        if (demo) notifySuccess('演示数据已载入')
      }
      await onSignedIn(r.operator)
    } finally {
      setBusy(false)
    }
  }

  const signIn = async () => {
    const v = await signInForm.validateFields()
    setBusy(true)
    setError(null)
    try {
      // Shown in the form, not as a toast: the message says how long to wait after repeated failures.
      const r = await call('session/signIn', { name: v.name.trim(), password: v.password }).catch((e: Error) => {
        setError(e.message)
        return null
      })
      if (!r) {
        signInForm.setFieldValue('password', '')
        return
      }
      await onSignedIn(r.operator)
    } finally {
      setBusy(false)
    }
  }

  const title = gate.needsSetup ? '创建第一个操作员（系统管理员）' : '登录'
  return (
    <Modal open={open} title={title} closable={false} maskClosable={false} keyboard={false} footer={null} width={460} destroyOnHidden>
      {gate.needsSetup ? (
        <>
          <Typography.Paragraph type="secondary">
            这是第一次使用。请创建系统管理员：他负责操作员、设置、备份和年度锁定，同时可以办理预算股的业务。其他人员由他在“设置 · 操作员”中添加。
          </Typography.Paragraph>
          <Form form={setupForm} layout="vertical" requiredMark={false} onFinish={() => setup(false)}>
            <Form.Item name="name" label="姓名" rules={[{ required: true, whitespace: true, message: '请填写姓名' }]} extra="登录时输入的姓名，不能与他人重复">
              <Input placeholder="例如：张三" maxLength={20} autoFocus prefix={<UserOutlined />} />
            </Form.Item>
            <Form.Item name="password" label="密码" rules={passwordRules} extra={`至少${PASSWORD_MIN}位，含数字和字母；只保存其加密摘要，忘记后由系统管理员重设`}>
              <Input.Password maxLength={128} prefix={<LockOutlined />} />
            </Form.Item>
            <Form.Item
              name="confirm"
              label="确认密码"
              dependencies={['password']}
              rules={[
                { required: true, message: '请再次输入密码' },
                ({ getFieldValue }) => ({
                  validator: (_r, v) => (v === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error('两次输入的密码不一致'))),
                }),
              ]}
            >
              <Input.Password maxLength={128} prefix={<LockOutlined />} />
            </Form.Item>
            <Form.Item name="division" label="所在股室" extra="可从列表选择，也可直接输入新的股室名称">
              <AutoComplete
                placeholder="例如：预算股"
                options={[...new Set([...divisions.map((d) => d.name), ...DEFAULT_DIVISIONS])].map((n) => ({ value: n }))}
                filterOption={(input, o) => String(o?.value ?? '').includes(input)}
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy} block>
              创建并开始使用
            </Button>
          </Form>
          {gate.empty && (
            <>
              <Divider plain>或者</Divider>
              <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                先看看软件怎么用：用上面的姓名和密码创建管理员，并载入一套模拟师宗县 2024 年度工作的演示数据。
              </Typography.Paragraph>
              <Button block onClick={() => setup(true)} loading={busy}>
                载入演示数据
              </Button>
            </>
          )}
        </>
      ) : (
        <>
          {gate.lockedName ? (
            <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={`超过${gate.idleMinutes}分钟未操作，已自动锁定`} description="请重新输入密码继续；也可以由其他操作员登录。" />
          ) : (
            <Typography.Paragraph type="secondary">请输入您的姓名和密码。每一次修改都以登录的操作员记入操作记录。</Typography.Paragraph>
          )}
          <Form form={signInForm} layout="vertical" requiredMark={false} onFinish={signIn}>
            <Form.Item name="name" label="姓名" rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}>
              <Input maxLength={20} autoFocus={!gate.lockedName} prefix={<UserOutlined />} />
            </Form.Item>
            <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
              <Input.Password maxLength={128} autoFocus={!!gate.lockedName} prefix={<LockOutlined />} />
            </Form.Item>
            {error && <Alert type="error" showIcon style={{ marginBottom: 16 }} message={error} data-testid="sign-in-error" />}
            <Button type="primary" htmlType="submit" loading={busy} block>
              登录
            </Button>
          </Form>
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0, fontSize: 12 }}>
            忘记密码请联系系统管理员在“设置 · 操作员”中重设。
          </Typography.Paragraph>
        </>
      )}
    </Modal>
  )
}
