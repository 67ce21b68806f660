/** 项目库: add or edit one project (budget line) by hand. The 股室 follows from the unit. */
import { Form, Input, Select, Switch } from 'antd'
import { GuardedModal } from '../../components/EditModal'
import { useEffect, useState } from 'react'
import { FUND_SOURCES, PROJECT_CATEGORIES, type Project } from '../../../shared/domain'
import { FUND_CHANNELS } from '../../../shared/project-import'
import { call } from '../../api'
import { attempt, notifySuccess } from '../../errors'
import { wan } from '../../format'
import { useApp } from '../../store'

interface Values {
  unitId?: string
  code: string
  name: string
  category: (typeof PROJECT_CATEGORIES)[number]
  fundSource: (typeof FUND_SOURCES)[number]
  fundChannel: (typeof FUND_CHANNELS)[number]
  amountWan: string
  needsTargets: boolean
}

export function ProjectFormModal({ open, budgetYear, project, onClose, onSaved }: { open: boolean; budgetYear: number; project: Project | null; onClose(): void; onSaved(): void }) {
  const units = useApp((s) => s.units)
  const divisions = useApp((s) => s.divisions)
  const [form] = Form.useForm<Values>()
  const [busy, setBusy] = useState(false)
  const unitId = Form.useWatch('unitId', form)

  useEffect(() => {
    if (!open) return
    form.resetFields()
    if (project) {
      form.setFieldsValue({
        unitId: project.unitId,
        code: project.code ?? '',
        name: project.name,
        category: project.category ?? '项目',
        fundSource: project.fundSource,
        fundChannel: (project.fundChannel as Values['fundChannel']) ?? '本级',
        amountWan: wan(project.amountFen).replace(/,/g, ''),
        needsTargets: project.needsTargets ?? true,
      })
    }
  }, [open, project, form])

  const unit = units.find((u) => u.id === unitId)
  const division = unit ? divisions.find((d) => d.id === unit.divisionId) : undefined

  const save = async () => {
    const v = await form.validateFields()
    setBusy(true)
    const r = await attempt(() => call('projects/save', { ...(project ? { id: project.id } : {}), budgetYear, unitId: v.unitId ?? '', code: v.code ?? '', name: v.name, category: v.category, fundSource: v.fundSource, fundChannel: v.fundChannel, amountWan: v.amountWan, needsTargets: v.needsTargets }))
    setBusy(false)
    if (!r) return
    notifySuccess(project ? '项目已保存' : `已在${budgetYear}年项目库中新增“${r.name}”`)
    onSaved()
  }

  return (
    // Esc, a click outside, × and 取消 ask before dropping what was typed (GuardedModal).
    <GuardedModal
      open={open}
      title={project ? `编辑项目 · ${project.name}` : `新增${budgetYear}年项目`}
      onOk={save}
      okText="保存"
      confirmLoading={busy}
      onCancel={onClose}
      width={640}
      destroyOnHidden
    >
      <Form form={form} layout="horizontal" labelCol={{ span: 6 }} initialValues={{ category: '项目', fundSource: '一般公共预算', fundChannel: '本级', needsTargets: true, code: '' }} data-testid="project-form">
        <Form.Item name="unitId" label="预算单位" rules={[{ required: true, message: '请选择预算单位' }]} extra={unit ? `所属股室：${division?.name ?? '未指定（请在“设置—预算单位”中指定）'}` : undefined}>
          <Select showSearch optionFilterProp="label" placeholder="选择预算单位" options={units.filter((u) => u.active || u.id === project?.unitId).map((u) => ({ value: u.id, label: `${u.code} ${u.name}` }))} data-testid="project-unit" />
        </Form.Item>
        <Form.Item name="code" label="项目编码" rules={[{ max: 40, message: '项目编码不能超过40字' }]} extra="预算管理一体化系统中的项目编码；再次导入项目清单时按编码更新">
          <Input placeholder="如 530323240001" data-testid="project-code" />
        </Form.Item>
        <Form.Item name="name" label="项目名称" rules={[{ required: true, whitespace: true, message: '请填写项目名称' }, { max: 100, message: '项目名称不能超过100字' }]}>
          <Input data-testid="project-name" />
        </Form.Item>
        <Form.Item name="category" label="项目类别">
          <Select options={PROJECT_CATEGORIES.map((c) => ({ value: c, label: c }))} />
        </Form.Item>
        <Form.Item name="fundSource" label="资金来源">
          <Select options={FUND_SOURCES.map((c) => ({ value: c, label: c }))} />
        </Form.Item>
        <Form.Item name="fundChannel" label="资金渠道">
          <Select options={FUND_CHANNELS.map((c) => ({ value: c, label: c }))} />
        </Form.Item>
        <Form.Item name="amountWan" label="金额（万元）" rules={[{ required: true, whitespace: true, message: '请填写金额' }]}>
          <Input inputMode="decimal" style={{ width: 200 }} data-testid="project-amount" />
        </Form.Item>
        <Form.Item name="needsTargets" label="编报绩效目标" valuePropName="checked" extra="关闭后为只监控资金的预算资金行，不纳入绩效目标审核">
          <Switch checkedChildren="是" unCheckedChildren="否" />
        </Form.Item>
      </Form>
    </GuardedModal>
  )
}
