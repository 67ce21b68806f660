/**
 * 事前评估 · 评估项目: proposals of the work year (for budget year N+1): filter, sort, sum; enter and
 * score, confirm the conclusion, 意见书 per proposal, 纳入项目库, and the year's 反馈通知.
 */
import { EvaluationNote } from '../components/EvaluationNote'
import { FileWordOutlined, PlusOutlined } from '@ant-design/icons'
import { Alert, Button, Descriptions, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography } from 'antd'
import { useCallback, useEffect, useMemo, useState } from 'react'
import type { ExanteProposal } from '../../shared/domain'
import { FUND_SOURCES, type FundSource } from '../../shared/domain'
import {
  EXANTE_CONCLUSIONS,
  type ExanteConclusion,
  type ExanteRules,
  checkExanteScores,
  entersLibrary,
  exanteTotal,
  suggestExanteConclusion,
} from '../../shared/exante'
import { formatMoney, parseMoney } from '../../shared/money'
import { call } from '../api'
import { DocumentDialog, type DocRequest } from '../components/DocumentDialog'
import { attempt, notifySuccess } from '../errors'
import { ConclusionTag, wan, zhCompare } from '../format'
import { useApp } from '../store'
import { PageHeader } from '../components/PageHeader'
import { GuardedModal } from '../components/EditModal'
import { useReadOnlyReason } from '../components/read-only'
import { useFreshEditing } from '../components/useFreshEditing'

type ConclusionFilter = ExanteConclusion | '未确认'

interface Filters {
  unitId?: string
  divisionId?: string
  conclusion?: ConclusionFilter
  fundSource?: FundSource
  search?: string
}

const STATUS_COLORS: Record<ExanteProposal['status'], string> = { 待评分: 'default', 已评分: 'processing', 已确认: 'success' }

export function ExantePage() {
  const workYear = useApp((s) => s.workYear)
  const readOnly = useReadOnlyReason(workYear)
  const units = useApp((s) => s.units)
  const divisions = useApp((s) => s.divisions)
  const dataVersion = useApp((s) => s.dataVersion)
  const [filters, setFilters] = useState<Filters>({})
  const [searchText, setSearchText] = useState('')
  const [data, setData] = useState<{ rows: ExanteProposal[]; totalFen: number; count: number }>({ rows: [], totalFen: 0, count: 0 })
  const [loading, setLoading] = useState(false)
  const [selected, setSelected] = useState<string[]>([])
  const [editing, setEditing] = useState<ExanteProposal | 'new' | null>(null)
  const [confirming, setConfirming] = useState<ExanteProposal | null>(null)
  useFreshEditing(editing, setEditing, data.rows)
  const [doc, setDoc] = useState<DocRequest | null>(null)

  const reload = useCallback(async () => {
    setLoading(true)
    const r = await attempt(() => call('exante/list', { workYear, ...filters }))
    setLoading(false)
    if (r) {
      setData(r)
      setSelected((sel) => sel.filter((id) => r.rows.some((x) => x.id === id)))
    }
  }, [workYear, filters])

  useEffect(() => {
    void reload()
  }, [reload, dataVersion])

  // Debounce the search box into the filters.
  useEffect(() => {
    const t = setTimeout(() => setFilters((f) => (f.search === (searchText.trim() || undefined) ? f : { ...f, search: searchText.trim() || undefined })), 250)
    return () => clearTimeout(t)
  }, [searchText])

  const eligible = (p: ExanteProposal) => entersLibrary(p.conclusion) && !p.libraryProjectId
  const selectedEligible = data.rows.filter((p) => selected.includes(p.id) && eligible(p))

  const toLibrary = async () => {
    const ids = selectedEligible.map((p) => p.id)
    if (!ids.length) return
    const r = await attempt(() => call('exante/toLibrary', { ids }))
    if (!r) return
    const tied = r.linked ? `（${r.linked === r.created + r.linked ? '' : `其中 ${r.linked} 个`}与项目库中已有的同名项目对应）` : ''
    notifySuccess(`已纳入${workYear + 1}年项目库 ${r.created + r.linked} 个项目${tied}${r.skipped.length ? `，跳过 ${r.skipped.length} 个` : ''}`)
    setSelected([])
    await reload()
  }

  const remove = async (p: ExanteProposal) => {
    const r = await attempt(() => call('exante/remove', { id: p.id }))
    if (!r) return
    notifySuccess(`已删除“${p.projectName}”`)
    await reload()
  }

  const filtered = Object.values(filters).some((v) => v !== undefined)

  return (
    <div>
      <PageHeader
        title={`${workYear + 1}年预算项目事前绩效评估`}
        note={`工作年度 ${workYear}`}
        extra={
          <>
            <Tooltip title={readOnly ?? (selected.length && !selectedEligible.length ? '所选项目中没有可纳入的（须已确认“予以支持”或“调整后予以支持”且尚未纳入）' : '勾选已确认予以支持的项目后，纳入下一年度项目库')}>
              <Button disabled={!selectedEligible.length || !!readOnly} onClick={toLibrary}>
                纳入项目库{selectedEligible.length ? `（${selectedEligible.length}）` : ''}
              </Button>
            </Tooltip>
            <Button icon={<FileWordOutlined />} onClick={() => setDoc({ kind: 'exante-feedback', workYear })} disabled={!data.count && !filtered}>
              生成结果反馈通知
            </Button>
            <Tooltip title={readOnly}>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} disabled={!!readOnly}>
                新增项目
              </Button>
            </Tooltip>
          </>
        }
      />
      <div className="page-card">
        <div className="toolbar">
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
          <Select
            placeholder="股室"
            allowClear
            style={{ width: 130 }}
            value={filters.divisionId}
            onChange={(v) => setFilters((f) => ({ ...f, divisionId: v }))}
            options={divisions.map((d) => ({ value: d.id, label: d.name }))}
          />
          <Select
            placeholder="结论"
            allowClear
            style={{ width: 140 }}
            value={filters.conclusion}
            onChange={(v) => setFilters((f) => ({ ...f, conclusion: v }))}
            options={[...EXANTE_CONCLUSIONS, '未确认' as const].map((c) => ({ value: c, label: c }))}
          />
          <Select
            placeholder="资金来源"
            allowClear
            style={{ width: 150 }}
            value={filters.fundSource}
            onChange={(v) => setFilters((f) => ({ ...f, fundSource: v }))}
            options={FUND_SOURCES.map((c) => ({ value: c, label: c }))}
          />
          <Input.Search placeholder="搜索项目或单位名称" allowClear style={{ width: 200 }} value={searchText} onChange={(e) => setSearchText(e.target.value)} />
        </div>
        <Table<ExanteProposal>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={data.rows}
          pagination={data.rows.length > 100 ? { pageSize: 100, size: 'small', showSizeChanger: false } : false}
          scroll={{ x: 1180 }}
          rowSelection={{
            selectedRowKeys: selected,
            onChange: (keys) => setSelected(keys as string[]),
            getCheckboxProps: (p) => ({ disabled: !eligible(p), title: p.libraryProjectId ? '已纳入项目库' : undefined }),
            columnWidth: 36,
          }}
          locale={{
            emptyText: filtered ? '没有符合筛选条件的项目' : `还没有${workYear + 1}年预算项目的事前评估记录，点击“新增项目”录入`,
          }}
          columns={[
            { title: '预算单位', dataIndex: 'unitName', width: 150, ellipsis: true, sorter: (a, b) => zhCompare(a.unitName, b.unitName) },
            {
              title: '项目名称',
              dataIndex: 'projectName',
              ellipsis: true,
              sorter: (a, b) => zhCompare(a.projectName, b.projectName),
              render: (name: string, p) => <EvaluationNote name={name} note={p.evaluationNote} />,
            },
            {
              title: '金额（万元）',
              dataIndex: 'amountFen',
              width: 116,
              align: 'right',
              className: 'num',
              sorter: (a, b) => a.amountFen - b.amountFen,
              render: (f: number) => wan(f),
            },
            { title: '资金来源', dataIndex: 'fundSource', width: 104, ellipsis: true },
            { title: '股室', dataIndex: 'divisionName', width: 96, ellipsis: true, render: (v: string | null) => v ?? '—' },
            {
              title: '总分',
              dataIndex: 'totalScore',
              width: 72,
              align: 'right',
              sorter: (a, b) => (a.totalScore ?? -1) - (b.totalScore ?? -1),
              render: (v: number | null) => (v === null ? <span className="hint">未评分</span> : v.toFixed(1)),
            },
            { title: '建议结论', dataIndex: 'suggestedConclusion', width: 112, render: (v: ExanteConclusion | null) => (v ? <ConclusionTag value={v} /> : <span className="hint">—</span>) },
            {
              title: '确认结论',
              dataIndex: 'conclusion',
              width: 164,
              render: (v: ExanteConclusion | null, p) => (
                <Space size={2}>
                  {v ? <ConclusionTag value={v} /> : <Tag color={STATUS_COLORS[p.status]}>{p.status === '待评分' ? '待评分' : '待确认'}</Tag>}
                  {p.libraryProjectId && (
                    <Tooltip title={`已纳入${p.budgetYear}年项目库`}>
                      <Tag color="cyan">入库</Tag>
                    </Tooltip>
                  )}
                </Space>
              ),
            },
            {
              title: '操作',
              key: 'actions',
              width: 176,
              fixed: 'right',
              render: (_v, p) => (
                <Space size={10}>
                  <a onClick={() => setEditing(p)} title="录入评分或修改项目信息">
                    {p.totalScore === null ? '评分' : '编辑'}
                  </a>
                  {p.totalScore === null ? (
                    <Tooltip title="请先完成评分">
                      <span className="hint">确认</span>
                    </Tooltip>
                  ) : (
                    <a onClick={() => setConfirming(p)} title="确认评估结论">
                      确认
                    </a>
                  )}
                  <a onClick={() => setDoc({ kind: 'exante-opinion', recordId: p.id })}>意见书</a>
                  <Popconfirm title={`删除“${p.projectName}”？`} description="删除后不可恢复。" okText="删除" cancelText="取消" onConfirm={() => remove(p)}>
                    <a style={{ color: '#cf1322' }}>删除</a>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
          summary={() =>
            data.rows.length ? (
              <Table.Summary>
                <Table.Summary.Row className="sum-row">
                  <Table.Summary.Cell index={0} colSpan={3}>
                    <span data-testid="exante-count">合计（{data.count} 项）</span>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={3} align="right" className="num">
                    <span data-testid="exante-sum">{wan(data.totalFen)}</span>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={4} colSpan={5} />
                  <Table.Summary.Cell index={9} />
                </Table.Summary.Row>
              </Table.Summary>
            ) : null
          }
        />
      </div>

      <ExanteFormModal
        editing={editing}
        onClose={() => setEditing(null)}
        onSaved={async (p) => {
          setEditing(null)
          await reload()
          if (p.totalScore !== null && !p.conclusion) setConfirming(p)
        }}
      />
      <ConfirmModal
        proposal={confirming}
        onClose={() => setConfirming(null)}
        onDone={async () => {
          setConfirming(null)
          await reload()
        }}
      />
      <DocumentDialog request={doc} onClose={() => setDoc(null)} />
    </div>
  )
}

interface ProposalForm {
  unitId: string
  projectName: string
  amountWan: string
  fundSource: FundSource
  basis: string
  scores: Record<string, number | null>
}

function ScoreSummary({ rules, scores }: { rules: ExanteRules; scores: Record<string, number | null | undefined> }) {
  const normal: Record<string, number | null> = {}
  for (const d of rules.dimensions) normal[d.key] = scores?.[d.key] ?? null
  const problems = checkExanteScores(rules, normal).filter((p) => normal[p.key] !== null)
  const missing = rules.dimensions.filter((d) => normal[d.key] === null).length
  const total = problems.length ? null : exanteTotal(rules, normal)
  const suggestion = suggestExanteConclusion(rules, total)
  return (
    <div style={{ display: 'flex', alignItems: 'center', gap: 12, padding: '8px 12px', background: '#f6f8fb', borderRadius: 4 }} data-testid="score-summary">
      <span>
        总分：
        <b style={{ fontSize: 18 }} data-testid="score-total">
          {total === null ? '—' : total.toFixed(1)}
        </b>
      </span>
      <span>建议结论：</span>
      {suggestion ? <ConclusionTag value={suggestion} /> : <span className="hint">{problems.length ? '分数有误' : `尚有 ${missing} 项未评分`}</span>}
      <span className="hint" style={{ marginLeft: 'auto' }}>
        ≥{rules.thresholds.support} 予以支持，≥{rules.thresholds.adjust} 调整后予以支持，其余不予支持
      </span>
    </div>
  )
}

function ExanteFormModal({ editing, onClose, onSaved }: { editing: ExanteProposal | 'new' | null; onClose: () => void; onSaved: (p: ExanteProposal) => void }) {
  const workYear = useApp((s) => s.workYear)
  const units = useApp((s) => s.units)
  const settings = useApp((s) => s.settings)
  const [form] = Form.useForm<ProposalForm>()
  const [busy, setBusy] = useState(false)
  const rules = settings?.exante
  const amountText = Form.useWatch('amountWan', form)
  const scores = Form.useWatch('scores', form) ?? {}

  useEffect(() => {
    if (!editing) return
    form.resetFields()
    if (editing === 'new') {
      form.setFieldsValue({ fundSource: '一般公共预算', basis: '', scores: {} })
    } else {
      form.setFieldsValue({
        unitId: editing.unitId,
        projectName: editing.projectName,
        amountWan: formatMoney(editing.amountFen, '万元', 2),
        fundSource: editing.fundSource,
        basis: editing.basis,
        scores: { ...editing.scores },
      })
    }
  }, [editing, form])

  const amountInfo = useMemo(() => {
    if (amountText === undefined || amountText === null || String(amountText).trim() === '') return null
    const r = parseMoney(amountText, '万元')
    if (!r.ok || r.fen < 0) return null
    return `${formatMoney(r.fen, '万元', 2)} 万元（${formatMoney(r.fen, '元', 2, true)} 元）`
  }, [amountText])

  const save = async () => {
    if (!rules) return
    let v: ProposalForm
    try {
      v = await form.validateFields()
    } catch {
      return
    }
    const sc: Record<string, number | null> = {}
    for (const d of rules.dimensions) sc[d.key] = v.scores?.[d.key] ?? null
    setBusy(true)
    const saved = await attempt(() =>
      call('exante/save', {
        id: editing !== 'new' && editing ? editing.id : undefined,
        version: editing !== 'new' && editing ? editing.version : undefined,
        workYear: editing !== 'new' && editing ? editing.workYear : workYear,
        unitId: v.unitId,
        projectName: v.projectName.trim(),
        amountWan: String(v.amountWan).trim(),
        fundSource: v.fundSource,
        basis: (v.basis ?? '').trim(),
        scores: sc,
      }),
    )
    setBusy(false)
    if (!saved) return
    notifySuccess(`已保存“${saved.projectName}”`)
    onSaved(saved)
  }

  const isNew = editing === 'new'
  const budgetYear = editing && editing !== 'new' ? editing.budgetYear : workYear + 1
  return (
    <GuardedModal
      open={editing !== null}
      title={isNew ? `新增事前评估项目（${budgetYear}年预算）` : `评分 / 编辑 · ${editing ? editing.projectName : ''}`}
      width={760}
      onCancel={onClose}
      onOk={save}
      okText="保存"
      cancelText="取消"
      confirmLoading={busy}
      maskClosable={false}
      forceRender
    >
      <Form form={form} labelCol={{ flex: '90px' }} colon={false}>
        <Form.Item name="unitId" label="预算单位" rules={[{ required: true, message: '请选择预算单位' }]}>
          <Select
            showSearch
            placeholder={units.length ? '选择预算单位，可输入名称或编码搜索' : '请先在“设置 · 预算单位”中录入预算单位'}
            optionFilterProp="label"
            options={units.filter((u) => u.active || (editing !== 'new' && editing?.unitId === u.id)).map((u) => ({ value: u.id, label: `${u.name}（${u.code}）` }))}
            notFoundContent="没有匹配的预算单位"
          />
        </Form.Item>
        <Form.Item name="projectName" label="项目名称" rules={[{ required: true, whitespace: true, message: '请填写项目名称' }]}>
          <Input maxLength={100} placeholder="例如：师宗县环卫一体化经费" />
        </Form.Item>
        <div style={{ display: 'flex', gap: 12 }}>
          <Form.Item
            name="amountWan"
            label="申请金额"
            required
            style={{ flex: 1 }}
            extra={amountInfo}
            rules={[
              {
                validator: async (_r, value) => {
                  const r = parseMoney(value, '万元')
                  if (!r.ok) throw new Error(r.message)
                  if (r.fen < 0) throw new Error('金额不能为负数')
                },
              },
            ]}
          >
            <Input suffix="万元" placeholder="例如：1573 或 15718.94" inputMode="decimal" data-testid="amount-input" />
          </Form.Item>
          <Form.Item name="fundSource" label="资金来源" style={{ width: 280 }} labelCol={{ flex: '70px' }} rules={[{ required: true, message: '请选择资金来源' }]}>
            <Select options={FUND_SOURCES.map((c) => ({ value: c, label: c }))} />
          </Form.Item>
        </div>
        <Form.Item name="basis" label="立项依据">
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} placeholder="政策文件、会议纪要等立项依据及项目主要内容" />
        </Form.Item>
        {rules && (
          <>
            <Typography.Text strong>评分</Typography.Text>
            <span className="hint" style={{ marginLeft: 8 }}>
              各维度在 0 至满分之间打分，可保留 1 位小数；可先保存、稍后评分
            </span>
            <div className="score-grid" style={{ marginTop: 8 }}>
              {rules.dimensions.map((d) => (
                <Form.Item
                  key={d.key}
                  name={['scores', d.key]}
                  label={
                    <span>
                      {d.name}
                      <span className="hint">（{d.maxScore}分）</span>
                    </span>
                  }
                  layout="vertical"
                  labelCol={{ span: 24 }}
                  wrapperCol={{ span: 24 }}
                  style={{ marginBottom: 8 }}
                  rules={[
                    {
                      validator: async (_r, value: number | null | undefined) => {
                        if (value === null || value === undefined) return
                        const p = checkExanteScores({ ...rules, dimensions: [d] }, { [d.key]: value })
                        if (p.length) throw new Error(p[0]!.message)
                      },
                    },
                  ]}
                >
                  <InputNumber min={0} step={1} style={{ width: '100%' }} placeholder={`0–${d.maxScore}`} data-testid={`score-${d.key}`} />
                </Form.Item>
              ))}
            </div>
            <ScoreSummary rules={rules} scores={scores} />
          </>
        )}
      </Form>
    </GuardedModal>
  )
}

function ConfirmModal({ proposal, onClose, onDone }: { proposal: ExanteProposal | null; onClose: () => void; onDone: () => void }) {
  const [form] = Form.useForm<{ conclusion: ExanteConclusion; reason: string }>()
  const [busy, setBusy] = useState(false)
  const conclusion = Form.useWatch('conclusion', form)
  const suggestion = proposal?.suggestedConclusion ?? null
  const differs = !!suggestion && !!conclusion && conclusion !== suggestion

  useEffect(() => {
    if (!proposal) return
    form.setFieldsValue({ conclusion: proposal.conclusion ?? proposal.suggestedConclusion ?? undefined, reason: proposal.conclusionReason ?? '' })
  }, [proposal, form])

  const submit = async () => {
    if (!proposal) return
    let v: { conclusion: ExanteConclusion; reason: string }
    try {
      v = await form.validateFields()
    } catch {
      return
    }
    setBusy(true)
    const r = await attempt(() => call('exante/confirm', { id: proposal.id, conclusion: v.conclusion, reason: (v.reason ?? '').trim() }))
    setBusy(false)
    if (!r) return
    notifySuccess(`已确认结论：${r.conclusion}`)
    onDone()
  }

  return (
    <GuardedModal open={proposal !== null} title="确认评估结论" width={560} onCancel={onClose} onOk={submit} okText="确认" cancelText="取消" confirmLoading={busy} forceRender>
      {proposal && (
        <Descriptions size="small" column={1} bordered style={{ marginBottom: 12 }} labelStyle={{ width: 100 }}>
          <Descriptions.Item label="项目">{proposal.projectName}</Descriptions.Item>
          <Descriptions.Item label="预算单位">{proposal.unitName}</Descriptions.Item>
          <Descriptions.Item label="金额">{wan(proposal.amountFen)} 万元</Descriptions.Item>
          <Descriptions.Item label="总分">{proposal.totalScore?.toFixed(1) ?? '未评分'}</Descriptions.Item>
          <Descriptions.Item label="建议结论">{suggestion ? <ConclusionTag value={suggestion} /> : '—'}</Descriptions.Item>
        </Descriptions>
      )}
      <Form form={form} labelCol={{ flex: '90px' }} colon={false}>
        <Form.Item name="conclusion" label="确认结论" rules={[{ required: true, message: '请选择结论' }]}>
          <Select options={EXANTE_CONCLUSIONS.map((c) => ({ value: c, label: c }))} data-testid="confirm-conclusion" />
        </Form.Item>
        {differs && <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={`所选结论与建议结论“${suggestion}”不同，请说明理由。`} />}
        <Form.Item
          name="reason"
          label="理由"
          dependencies={['conclusion']}
          rules={[
            {
              validator: async (_r, value: string | undefined) => {
                if (differs && !(value ?? '').trim()) throw new Error('结论与建议结论不同，请填写理由')
              },
            },
          ]}
        >
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={500} placeholder={differs ? '必填：说明调整结论的理由' : '可选'} />
        </Form.Item>
      </Form>
    </GuardedModal>
  )
}
