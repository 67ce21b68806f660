/**
 * Who is working: chosen at start (and via 切换). On an empty database the first operator is created
 * here, and the demo year can be loaded instead.
 */
import { AutoComplete, Button, Divider, Form, Input, Modal, Radio, Space, Typography } from 'antd'
import { useEffect, useState } from 'react'
import type { Operator } from '../../shared/domain'
import { call } from '../api'
import { attempt, notifySuccess } from '../errors'
import { useApp } from '../store'

export const DEFAULT_DIVISIONS = ['预算股', '绩效股', '行政政法股', '教科文股', '经济建设股', '农业农村股', '社会保障股']

export function OperatorModal() {
  const open = useApp((s) => s.operatorModalOpen)
  const current = useApp((s) => s.operator)
  const divisions = useApp((s) => s.divisions)
  const info = useApp((s) => s.info)
  const [operators, setOperators] = useState<Operator[] | null>(null)
  const [chosen, setChosen] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [form] = Form.useForm<{ name: string; division: string }>()

  const reload = async () => {
    const list = await attempt(() => call('operators/list', {}))
    const active = (list ?? []).filter((o) => o.active)
    setOperators(active)
    setChosen(current?.id ?? active[0]?.id ?? null)
  }

  useEffect(() => {
    if (open) void reload()
  }, [open])

  const finish = async (op: Operator) => {
    useApp.setState({ operator: op, operatorModalOpen: false })
    notifySuccess(`当前操作员：${op.name}`)
  }

  const choose = async () => {
    if (!chosen) return
    setBusy(true)
    const r = await attempt(() => call('session/setOperator', { operatorId: chosen }))
    setBusy(false)
    if (r) await finish(r.operator)
  }

  const createFirst = async () => {
    const v = await form.validateFields()
    setBusy(true)
    try {
      const divName = (v.division ?? '').trim()
      const existing = divisions.find((d) => d.name === divName)
      const op = await attempt(() =>
        call('operators/save', { name: v.name.trim(), divisionId: existing?.id ?? null, active: true }),
      )
      if (!op) return
      const set = await attempt(() => call('session/setOperator', { operatorId: op.id }))
      if (!set) return
      let final = set.operator
      if (divName && !existing) {
        const div = await attempt(() => call('divisions/save', { name: divName, sort: 0, active: true }))
        if (div) {
          const updated = await attempt(() => call('operators/save', { id: op.id, name: op.name, divisionId: div.id, active: true }))
          if (updated) final = updated
          await useApp.getState().loadDivisions()
        }
      }
      await useApp.getState().loadInfo()
      await finish(final)
    } finally {
      setBusy(false)
    }
  }

  const loadDemo = async () => {
    setBusy(true)
    const r = await attempt(() => call('demo/load', {}))
    setBusy(false)
    if (!r) return
    notifySuccess('演示数据已载入，请选择一位操作员')
    await useApp.getState().refreshAll()
    const info = useApp.getState().info
    if (info?.workYears.length) useApp.setState({ workYear: Math.max(...info.workYears) })
    await reload()
  }

  const closable = !!current
  const noOperators = operators !== null && operators.length === 0

  return (
    <Modal
      open={open}
      title={noOperators ? '创建第一个操作员' : '选择操作员'}
      closable={closable}
      maskClosable={false}
      keyboard={closable}
      onCancel={() => useApp.setState({ operatorModalOpen: false })}
      footer={null}
      width={480}
      destroyOnHidden
    >
      {operators === null ? null : noOperators ? (
        <>
          <Typography.Paragraph type="secondary">
            数据库中还没有操作员。每一次修改都会记录操作员，请先登记您的姓名和所在股室。
          </Typography.Paragraph>
          <Form form={form} layout="vertical" onFinish={createFirst} requiredMark={false}>
            <Form.Item name="name" label="姓名" rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}>
              <Input placeholder="例如：张三" maxLength={20} autoFocus />
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
          {info?.empty && (
            <>
              <Divider plain>或者</Divider>
              <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                先看看软件怎么用：载入一套模拟师宗县 2024 年度工作的演示数据（含操作员、股室、预算单位、培训和事前评估项目）。
              </Typography.Paragraph>
              <Button block onClick={loadDemo} loading={busy}>
                载入演示数据
              </Button>
            </>
          )}
        </>
      ) : (
        <>
          <Radio.Group value={chosen} onChange={(e) => setChosen(e.target.value)} style={{ width: '100%' }}>
            <Space direction="vertical" style={{ width: '100%' }}>
              {operators.map((o) => (
                <Radio key={o.id} value={o.id}>
                  {o.name}
                  <span className="hint" style={{ marginLeft: 8 }}>
                    {divisions.find((d) => d.id === o.divisionId)?.name ?? ''}
                  </span>
                </Radio>
              ))}
            </Space>
          </Radio.Group>
          <div style={{ marginTop: 16, display: 'flex', gap: 8 }}>
            <Button type="primary" onClick={choose} disabled={!chosen} loading={busy}>
              确定
            </Button>
            <span className="hint" style={{ alignSelf: 'center' }}>
              需要新增操作员？进入“设置 · 操作员”。
            </span>
          </div>
        </>
      )}
    </Modal>
  )
}
