/**
 * 财政评价 · 第三方委托 of a round: the engagement (agency, 服务内容, 质量要求, 交付期限, fee, 选择方式,
 * contract, period, report date) and its 考评表 scored by the evaluated unit and by the bureau; the
 * final score is their average. Agencies show their history average when chosen.
 */
import { DeleteOutlined, EditOutlined, FileWordOutlined, PlusOutlined } from '@ant-design/icons'
import { Alert, Button, Card, DatePicker, Descriptions, Empty, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tag } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useCallback, useEffect, useMemo, useState } from 'react'
import type { Agency, AgencyRating, Engagement, Round } from '../../../shared/domain'
import { formatMoney, parseMoney } from '../../../shared/money'
import type { RatingItem } from '../../../shared/settings'
import { ApiError, call } from '../../api'
import { DocumentDialog, type DocRequest } from '../../components/DocumentDialog'
import { attempt, notifySuccess, showError } from '../../errors'
import { wan } from '../../format'
import { useApp } from '../../store'
import { GuardedModal } from '../../components/EditModal'
import { useFreshEditing } from '../../components/useFreshEditing'

const METHODS = ['询价', '竞争性磋商', '公开招标', '单一来源']
const RATERS: AgencyRating['rater'][] = ['被评价单位', '财政部门']

const agencyLabel = (a: Agency) =>
  `${a.name}${a.averageScore !== null ? `（历史平均 ${a.averageScore} 分，${a.engagementCount} 次委托）` : a.engagementCount ? `（${a.engagementCount} 次委托，尚无考评）` : '（无历史考评）'}`

export function EngagementsPanel({ round }: { round: Round }) {
  const [list, setList] = useState<Engagement[] | null>(null)
  const [agencies, setAgencies] = useState<Agency[]>([])
  const [editing, setEditing] = useState<Engagement | 'new' | null>(null)
  const [doc, setDoc] = useState<DocRequest | null>(null)
  // "重新载入" after a refused save reloads the list, and an open form gets the current copy.
  const dataVersion = useApp((s) => s.dataVersion)
  useFreshEditing(editing, setEditing, list ?? [])

  const reload = useCallback(async () => {
    const [e, a] = await Promise.all([attempt(() => call('engagements/list', { roundId: round.id })), attempt(() => call('agencies/list', {}))])
    if (e) setList(e)
    if (a) setAgencies(a)
  }, [round.id])

  useEffect(() => {
    void reload()
  }, [reload, dataVersion])

  const remove = async (e: Engagement) => {
    const r = await attempt(() => call('engagements/remove', { id: e.id }))
    if (!r) return
    notifySuccess(`已删除对“${e.agencyName}”的委托`)
    await reload()
  }

  return (
    <div data-testid="round-engagements">
      <div className="page-head" style={{ marginTop: 0 }}>
        <span className="hint">委托第三方机构开展评价：记录合同要点，评价结束后由被评价单位和财政部门分别填写考评表，最终得分取两方平均。</span>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="engagement-new">
          新增委托
        </Button>
      </div>
      {list && list.length === 0 && (
        <div className="page-card">
          <Empty description="本任务还没有委托第三方机构" />
        </div>
      )}
      {list?.map((e) => (
        <Card
          key={e.id}
          size="small"
          style={{ marginBottom: 12 }}
          data-testid="engagement-card"
          title={
            <Space>
              <b>{e.agencyName}</b>
              {e.method && <Tag>{e.method}</Tag>}
              {e.finalScore !== null && <Tag color="blue">考评得分 {e.finalScore}</Tag>}
            </Space>
          }
          extra={
            <Space>
              <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(e)}>
                编辑
              </Button>
              <Button size="small" icon={<FileWordOutlined />} onClick={() => setDoc({ kind: 'agency-rating', recordId: e.id })} data-testid="engagement-rating-doc">
                生成考评表
              </Button>
              <Popconfirm title={`删除对“${e.agencyName}”的委托？`} description="考评记录一并删除。" okText="删除" cancelText="取消" onConfirm={() => remove(e)}>
                <Button size="small" danger icon={<DeleteOutlined />} aria-label="删除委托" />
              </Popconfirm>
            </Space>
          }
        >
          <Descriptions size="small" column={4} className="compact-desc">
            <Descriptions.Item label="评价项目">
              {e.projectCount} 个，{wan(e.projectFen)} 万元
            </Descriptions.Item>
            <Descriptions.Item label="委托费用">{wan(e.feeFen)} 万元</Descriptions.Item>
            <Descriptions.Item label="合同日期">{e.contractDate ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="交付期限">{e.deliverBy ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="评价期间">{e.periodStart || e.periodEnd ? `${e.periodStart ?? ''} 至 ${e.periodEnd ?? ''}` : '—'}</Descriptions.Item>
            <Descriptions.Item label="报告日期">{e.reportDate ?? <span className="hint">未提交</span>}</Descriptions.Item>
            <Descriptions.Item label="服务内容" span={2}>
              {e.services || '—'}
            </Descriptions.Item>
            <Descriptions.Item label="质量要求" span={4}>
              {e.quality || '—'}
            </Descriptions.Item>
          </Descriptions>
          <RatingTable engagement={e} onSaved={(x) => setList((l) => l?.map((y) => (y.id === x.id ? x : y)) ?? null)} />
        </Card>
      ))}
      <EngagementModal
        round={round}
        editing={editing}
        agencies={agencies}
        onAgencies={setAgencies}
        onClose={() => setEditing(null)}
        onSaved={async () => {
          setEditing(null)
          await reload()
        }}
      />
      {doc && <DocumentDialog request={doc} onClose={() => setDoc(null)} />}
    </div>
  )
}

type Scores = Record<string, number | null>

function RatingTable({ engagement, onSaved }: { engagement: Engagement; onSaved: (e: Engagement) => void }) {
  const items = useApp((s) => s.settings?.ratingItems) ?? []
  const init = () => {
    const s: Record<string, Scores> = {}
    const n: Record<string, string> = {}
    for (const r of RATERS) {
      const got = engagement.ratings.find((x) => x.rater === r)
      s[r] = Object.fromEntries(items.map((it) => [it.key, got?.scores[it.key] ?? null]))
      n[r] = got?.raterName ?? ''
    }
    return { s, n }
  }
  const [scores, setScores] = useState<Record<string, Scores>>(() => init().s)
  const [names, setNames] = useState<Record<string, string>>(() => init().n)
  const [busy, setBusy] = useState<string | null>(null)

  useEffect(() => {
    const x = init()
    setScores(x.s)
    setNames(x.n)
  }, [engagement, items])

  const totalOf = (r: string) => Math.round(items.reduce((a, it) => a + (scores[r]?.[it.key] ?? 0), 0) * 100) / 100
  const complete = (r: string) => items.every((it) => scores[r]?.[it.key] !== null && scores[r]?.[it.key] !== undefined)
  const points = items.reduce((a, it) => a + it.points, 0)

  // Merge the group cells (前期 / 过程 / 后期).
  const groupSpan = useMemo(
    () =>
      items.map((it, i) => {
        if (i > 0 && items[i - 1]!.group === it.group) return 0
        let n = 1
        while (items[i + n]?.group === it.group) n++
        return n
      }),
    [items],
  )

  const save = async (rater: AgencyRating['rater']) => {
    const missing = items.find((it) => scores[rater]?.[it.key] === null || scores[rater]?.[it.key] === undefined)
    if (missing) return showError(new ApiError('ratings/save', 'VALIDATION', `${rater}评分中“${missing.name}”还未评分`))
    setBusy(rater)
    const r = await attempt(() => call('ratings/save', { engagementId: engagement.id, rater, raterName: (names[rater] ?? '').trim(), scores: scores[rater] as Record<string, number> }))
    setBusy(null)
    if (!r) return
    notifySuccess(`已保存${rater}评分：${r.ratings.find((x) => x.rater === rater)?.total} 分`)
    onSaved(r)
  }

  const raterCol = (rater: AgencyRating['rater'], idx: number) => ({
    title: (
      <div>
        <div>{rater}评分</div>
        <Input size="small" placeholder="评分人" value={names[rater]} onChange={(e) => setNames({ ...names, [rater]: e.target.value })} style={{ marginTop: 4, fontWeight: 'normal' }} maxLength={60} data-testid={`rating-name-${idx}`} />
      </div>
    ),
    key: rater,
    width: 150,
    render: (_v: unknown, it: RatingItem, i: number) => (
      <InputNumber
        size="small"
        min={0}
        max={it.points}
        style={{ width: '100%' }}
        value={scores[rater]?.[it.key] ?? null}
        onChange={(v) => setScores({ ...scores, [rater]: { ...scores[rater], [it.key]: v ?? null } })}
        data-testid={`rating-${idx}-${i}`}
      />
    ),
  })

  const both = RATERS.every(complete)
  const liveFinal = both ? Math.round(((totalOf(RATERS[0]!) + totalOf(RATERS[1]!)) / 2) * 100) / 100 : null

  return (
    <div style={{ marginTop: 8 }} data-testid="rating-table">
      <div className="form-bar">
        <b>第三方机构考评表</b>
        <span className="spacer" />
        {RATERS.map((r, idx) => (
          <Button key={r} size="small" type="primary" ghost loading={busy === r} onClick={() => save(r)} data-testid={`rating-save-${idx}`}>
            保存{r}评分
          </Button>
        ))}
      </div>
      <Table<RatingItem>
        size="small"
        bordered
        rowKey="key"
        dataSource={items}
        pagination={false}
        columns={[
          { title: '考评内容', dataIndex: 'group', width: 100, onCell: (_r, i) => ({ rowSpan: groupSpan[i ?? 0] }) },
          { title: '考评项目', dataIndex: 'name', width: 130 },
          { title: '分值', dataIndex: 'points', width: 56, align: 'right' },
          { title: '评分标准', dataIndex: 'guide', render: (g: string) => <span className="hint">{g}</span> },
          raterCol('被评价单位', 0),
          raterCol('财政部门', 1),
        ]}
        summary={() => (
          <Table.Summary.Row className="sum-row">
            <Table.Summary.Cell index={0} colSpan={2}>
              合计
            </Table.Summary.Cell>
            <Table.Summary.Cell index={2} align="right">
              {points}
            </Table.Summary.Cell>
            <Table.Summary.Cell index={3} align="right">
              最终得分（两方平均）：
              <span data-testid="rating-final" className="big num">
                {engagement.finalScore ?? liveFinal ?? '—'}
              </span>
            </Table.Summary.Cell>
            {RATERS.map((r, idx) => (
              <Table.Summary.Cell key={r} index={4 + idx} className="num">
                <span data-testid={`rating-total-${idx}`}>{complete(r) ? totalOf(r) : `${totalOf(r)}（未评完）`}</span>
                {engagement.ratings.find((x) => x.rater === r) && <div className="hint">已保存 {engagement.ratings.find((x) => x.rater === r)!.total} 分</div>}
              </Table.Summary.Cell>
            ))}
          </Table.Summary.Row>
        )}
      />
    </div>
  )
}

interface EngagementForm {
  agencyId: string
  services: string
  quality: string
  deliverBy: Dayjs | null
  feeWan: string
  method: string
  contractDate: Dayjs | null
  period: [Dayjs | null, Dayjs | null] | undefined
  reportDate: Dayjs | null
  notes: string
}

const d = (v: string | null) => (v ? dayjs(v) : null)
const iso = (v: Dayjs | null | undefined) => (v ? v.format('YYYY-MM-DD') : null)

function EngagementModal({
  round,
  editing,
  agencies,
  onAgencies,
  onClose,
  onSaved,
}: {
  round: Round
  editing: Engagement | 'new' | null
  agencies: Agency[]
  onAgencies: (a: Agency[]) => void
  onClose: () => void
  onSaved: () => void
}) {
  const [form] = Form.useForm<EngagementForm>()
  const [busy, setBusy] = useState(false)
  const [agencyOpen, setAgencyOpen] = useState(false)
  const agencyId = Form.useWatch('agencyId', form)
  const chosen = agencies.find((a) => a.id === agencyId)

  useEffect(() => {
    if (!editing) return
    form.resetFields()
    if (editing === 'new')
      form.setFieldsValue({
        services: `对${round.title}所选项目开展绩效评价，出具评价报告`,
        quality: '评价程序规范，数据真实准确，结论客观公正，问题和建议具体可操作',
        method: '询价',
        feeWan: '',
        period: undefined,
        notes: '',
      })
    else
      form.setFieldsValue({
        agencyId: editing.agencyId,
        services: editing.services,
        quality: editing.quality,
        deliverBy: d(editing.deliverBy),
        feeWan: formatMoney(editing.feeFen, '万元', 2),
        method: editing.method,
        contractDate: d(editing.contractDate),
        period: editing.periodStart || editing.periodEnd ? [d(editing.periodStart), d(editing.periodEnd)] : undefined,
        reportDate: d(editing.reportDate),
        notes: editing.notes,
      })
  }, [editing, form, round.title])

  const save = async () => {
    let v: EngagementForm
    try {
      v = await form.validateFields()
    } catch {
      return
    }
    setBusy(true)
    const r = await attempt(() =>
      call('engagements/save', {
        id: editing !== 'new' && editing ? editing.id : undefined,
        version: editing !== 'new' && editing ? editing.version : undefined,
        roundId: round.id,
        agencyId: v.agencyId,
        services: (v.services ?? '').trim(),
        quality: (v.quality ?? '').trim(),
        deliverBy: iso(v.deliverBy),
        feeWan: (v.feeWan ?? '').trim() || '0',
        method: v.method ?? '',
        contractDate: iso(v.contractDate),
        periodStart: iso(v.period?.[0]),
        periodEnd: iso(v.period?.[1]),
        reportDate: iso(v.reportDate),
        notes: (v.notes ?? '').trim(),
      }),
    )
    setBusy(false)
    if (!r) return
    notifySuccess(`已保存对“${r.agencyName}”的委托`)
    onSaved()
  }

  return (
    <GuardedModal open={editing !== null} title={editing === 'new' ? '新增第三方委托' : '编辑第三方委托'} width={760} onCancel={onClose} onOk={save} okText="保存" cancelText="取消" confirmLoading={busy} maskClosable={false} forceRender>
      <Form form={form} name="engagement" labelCol={{ flex: '96px' }} colon={false}>
        <Form.Item label="第三方机构" required>
          <Space.Compact style={{ width: '100%' }}>
            <Form.Item name="agencyId" noStyle rules={[{ required: true, message: '请选择第三方机构' }]}>
              <Select
                showSearch
                optionFilterProp="label"
                placeholder={agencies.length ? '选择机构（括号内为历次考评平均分）' : '机构名录为空，请点“新增机构”'}
                options={agencies.map((a) => ({ value: a.id, label: agencyLabel(a) }))}
                data-testid="engagement-agency"
              />
            </Form.Item>
            <Button icon={<PlusOutlined />} onClick={() => setAgencyOpen(true)} data-testid="agency-new">
              新增机构
            </Button>
          </Space.Compact>
        </Form.Item>
        {chosen && chosen.averageScore !== null && chosen.averageScore < 80 && (
          <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={`该机构历次考评平均 ${chosen.averageScore} 分，低于 80 分，请慎重选择`} />
        )}
        <Form.Item name="services" label="服务内容">
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={2000} />
        </Form.Item>
        <Form.Item name="quality" label="质量要求">
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={2000} />
        </Form.Item>
        <Space size={16} wrap style={{ width: '100%' }}>
          <Form.Item name="method" label="选择方式">
            <Select style={{ width: 150 }} options={METHODS.map((m) => ({ value: m, label: m }))} />
          </Form.Item>
          <Form.Item
            name="feeWan"
            label="委托费用"
            labelCol={{ flex: '70px' }}
            rules={[
              {
                validator: async (_r, value: string) => {
                  if (!value?.trim()) return
                  const r = parseMoney(value, '万元')
                  if (!r.ok) throw new Error(r.message)
                },
              },
            ]}
          >
            <Input suffix="万元" style={{ width: 150 }} data-testid="engagement-fee" />
          </Form.Item>
        </Space>
        <Space size={16} wrap>
          <Form.Item name="contractDate" label="合同日期">
            <DatePicker data-testid="engagement-contract" />
          </Form.Item>
          <Form.Item name="deliverBy" label="交付期限" labelCol={{ flex: '70px' }}>
            <DatePicker data-testid="engagement-deliver" />
          </Form.Item>
        </Space>
        <Space size={16} wrap>
          <Form.Item name="period" label="评价期间">
            <DatePicker.RangePicker allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item name="reportDate" label="报告日期" labelCol={{ flex: '70px' }}>
            <DatePicker placeholder="报告提交日期" data-testid="engagement-report" />
          </Form.Item>
        </Space>
        <Form.Item name="notes" label="备注">
          <Input maxLength={1000} />
        </Form.Item>
      </Form>
      <AgencyQuickModal
        open={agencyOpen}
        onClose={() => setAgencyOpen(false)}
        onSaved={async (a) => {
          setAgencyOpen(false)
          const list = await attempt(() => call('agencies/list', {}))
          if (list) onAgencies(list)
          form.setFieldValue('agencyId', a.id)
        }}
      />
    </GuardedModal>
  )
}

/** Quick 新增机构 while choosing (the full registry has its own page). */
function AgencyQuickModal({ open, onClose, onSaved }: { open: boolean; onClose: () => void; onSaved: (a: Agency) => void }) {
  const [form] = Form.useForm<{ name: string; creditCode: string; contact: string; phone: string; qualifications: string }>()
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    if (open) form.resetFields()
  }, [open, form])
  const save = async () => {
    let v
    try {
      v = await form.validateFields()
    } catch {
      return
    }
    setBusy(true)
    const a = await attempt(() =>
      call('agencies/save', { name: v.name.trim(), creditCode: (v.creditCode ?? '').trim().toUpperCase(), contact: (v.contact ?? '').trim(), phone: (v.phone ?? '').trim(), qualifications: (v.qualifications ?? '').trim(), notes: '' }),
    )
    setBusy(false)
    if (!a) return
    notifySuccess(`已加入机构名录：${a.name}`)
    onSaved(a)
  }
  return (
    <GuardedModal open={open} title="新增第三方机构" onCancel={onClose} onOk={save} okText="保存" cancelText="取消" confirmLoading={busy} forceRender zIndex={1100}>
      <Form form={form} name="agency" labelCol={{ flex: '110px' }} colon={false}>
        <Form.Item name="name" label="机构名称" rules={[{ required: true, whitespace: true, message: '请填写机构名称' }]}>
          <Input maxLength={100} data-testid="agency-name" />
        </Form.Item>
        <Form.Item name="creditCode" label="统一社会信用代码" rules={[{ pattern: /^([0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18})?$/, message: '应为18位数字或大写字母' }]}>
          <Input maxLength={18} />
        </Form.Item>
        <Space size={12}>
          <Form.Item name="contact" label="联系人">
            <Input maxLength={20} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="phone" label="电话" labelCol={{ flex: '40px' }}>
            <Input maxLength={30} style={{ width: 150 }} />
          </Form.Item>
        </Space>
        <Form.Item name="qualifications" label="资质">
          <Input.TextArea autoSize={{ minRows: 1, maxRows: 3 }} maxLength={1000} />
        </Form.Item>
      </Form>
    </GuardedModal>
  )
}
