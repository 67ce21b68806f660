/** 审核: the full history of an item (every round of opinions), and the dialogs of the review actions. */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { Alert, Button, Empty, Form, Input, Modal, Radio, Select, Tag, Timeline } from 'antd'
import { useEffect, useState } from 'react'
import { zhDateTime as when } from '../../../shared/dates'
import type { ItemDetail, Review, ReviewOpinion } from '../../../shared/domain'
import { ACTION_NAMES, TARGET_CONCLUSIONS, TARGET_CONSEQUENCE, type ItemAction, type TargetConclusion } from '../../../shared/stage'
import { call } from '../../api'
import { attempt, notifySuccess } from '../../errors'
import { ConclusionTag } from './ItemsTable'
import { GuardedModal } from '../../components/EditModal'

const ACTION_COLORS: Record<string, string> = { submit: 'blue', approve: 'green', return: 'orange', reopen: 'gray' }


export function ReviewHistory({ reviews }: { reviews: Review[] }) {
  if (!reviews.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="还没有提交或审核记录" style={{ margin: '8px 0' }} />
  return (
    <Timeline
      className="review-history"
      data-testid="review-history"
      items={reviews.map((r) => ({
        color: ACTION_COLORS[r.action] ?? 'gray',
        children: (
          <div data-testid="review-entry">
            <div>
              <b>第{r.seq}次</b> · {r.actionName}
              {r.conclusion && (
                <span style={{ marginLeft: 6 }}>
                  审核结论 <ConclusionTag value={r.conclusion} />
                </span>
              )}
              <span className="hint" style={{ marginLeft: 8 }}>
                {r.operatorName || '—'}
                {r.divisionName ? `（${r.divisionName}）` : ''} · {when(r.at)}
              </span>
            </div>
            {r.summary && <div className="review-summary">{r.summary}</div>}
            {r.opinions.length > 0 && (
              <ul className="review-opinions">
                {r.opinions.map((o, i) => (
                  <li key={i}>
                    <b>{o.label}：</b>
                    {o.text}
                  </li>
                ))}
              </ul>
            )}
          </div>
        ),
      }))}
    />
  )
}

interface OpinionRow {
  ref: string | undefined
  text: string
}

/** 审核通过 / 退回修改 / 撤销审核 with what each needs (conclusion, opinions, reason). */
export function ReviewActionModal({
  action,
  detail,
  onClose,
  onDone,
}: {
  action: Exclude<ItemAction, 'submit'> | null
  detail: ItemDetail
  onClose: () => void
  onDone: () => void
}) {
  const targets = detail.round.stage === 'targets'
  const [conclusion, setConclusion] = useState<TargetConclusion | null>(null)
  const [summary, setSummary] = useState('')
  const [rows, setRows] = useState<OpinionRow[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    if (!action) return
    setConclusion(action === 'approve' && targets ? '优' : action === 'return' && targets ? '中' : null)
    setSummary('')
    setRows(action === 'return' ? [{ ref: undefined, text: '' }] : [])
    setError(null)
  }, [action, targets])

  const refOptions = [
    ...(targets ? [{ value: 'annualGoal', label: '年度总体目标' }] : []),
    ...detail.indicators.map((i) => ({ value: i.id, label: `${i.level2.replace('指标', '')} · ${i.name || '（未命名）'}` })),
    { value: 'funds', label: targets ? '项目资金' : '资金执行' },
    { value: 'other', label: '其他' },
  ]
  const labelOf = (ref: string) => {
    const ind = detail.indicators.find((i) => i.id === ref)
    if (ind) return `指标“${ind.name}”`
    return refOptions.find((o) => o.value === ref)?.label ?? '其他'
  }

  const submit = async () => {
    if (!action) return
    const opinions: ReviewOpinion[] = rows.filter((r) => r.text.trim()).map((r) => ({ ref: r.ref ?? 'other', label: labelOf(r.ref ?? 'other'), text: r.text.trim() }))
    if (action === 'return' && !opinions.length && !summary.trim()) return setError('退回修改须填写修改意见')
    if (action === 'reopen' && !summary.trim()) return setError('请填写撤销审核的原因')
    if (action === 'approve' && targets && !conclusion) return setError('请选择审核结论')
    setBusy(true)
    const r = await attempt(() => call('items/transition', { id: detail.item.id, action, conclusion, summary: summary.trim(), opinions }))
    setBusy(false)
    if (!r) return
    notifySuccess(`已${ACTION_NAMES[action]}：${detail.item.projectName}`)
    onDone()
  }

  const title = action ? `${ACTION_NAMES[action]} · ${detail.item.projectName}` : ''
  return (
    <GuardedModal
      open={action !== null}
      title={title}
      width={action === 'return' ? 760 : 560}
      onCancel={onClose}
      onOk={submit}
      okText={action ? ACTION_NAMES[action] : '确定'}
      cancelText="取消"
      confirmLoading={busy}
      okButtonProps={{ danger: action === 'reopen', ...({ 'data-testid': 'review-ok' } as Record<`data-${string}`, string>) }}
      maskClosable={false}
    >
      {action === 'approve' && targets && (
        <Form.Item label="审核结论" required style={{ marginBottom: 8 }}>
          <Radio.Group value={conclusion} onChange={(e) => setConclusion(e.target.value as TargetConclusion)} data-testid="approve-conclusion">
            {TARGET_CONCLUSIONS.filter((c) => c !== '中').map((c) => (
              <Radio.Button key={c} value={c}>
                {c}
              </Radio.Button>
            ))}
          </Radio.Group>
          <span className="hint" style={{ marginLeft: 10 }}>
            结论为“中”的应退回单位修改
          </span>
        </Form.Item>
      )}
      {action === 'approve' && targets && conclusion && (
        <Alert type={conclusion === '差' ? 'warning' : 'info'} showIcon style={{ marginBottom: 12 }} message={`“${conclusion}”：${TARGET_CONSEQUENCE[conclusion]}`} data-testid="approve-consequence" />
      )}
      {action === 'return' && targets && (
        <Alert type="info" showIcon style={{ marginBottom: 12 }} message={`审核结论“中”：${TARGET_CONSEQUENCE['中']}`} />
      )}
      {action === 'return' && (
        <div style={{ marginBottom: 12 }} data-testid="opinion-rows">
          <div style={{ marginBottom: 6 }}>
            <b>修改意见</b>
            <span className="hint" style={{ marginLeft: 8 }}>
              逐条指出需修改的指标或内容，单位按条修改
            </span>
          </div>
          {rows.map((r, i) => (
            <div key={i} style={{ display: 'flex', gap: 8, marginBottom: 6 }}>
              <Select
                placeholder="针对"
                style={{ width: 240, flex: 'none' }}
                value={r.ref}
                onChange={(v) => setRows(rows.map((x, k) => (k === i ? { ...x, ref: v } : x)))}
                options={refOptions}
                showSearch
                optionFilterProp="label"
                data-testid={`opinion-ref-${i}`}
              />
              <Input
                placeholder="意见内容，如：指标值未量化，请填写具体数值"
                value={r.text}
                onChange={(e) => setRows(rows.map((x, k) => (k === i ? { ...x, text: e.target.value } : x)))}
                maxLength={1000}
                data-testid={`opinion-text-${i}`}
              />
              <Button icon={<DeleteOutlined />} onClick={() => setRows(rows.filter((_x, k) => k !== i))} aria-label="删除此条意见" />
            </div>
          ))}
          <Button size="small" icon={<PlusOutlined />} onClick={() => setRows([...rows, { ref: undefined, text: '' }])}>
            添加一条意见
          </Button>
        </div>
      )}
      <div style={{ marginBottom: 4 }}>
        <b>{action === 'reopen' ? '撤销原因' : action === 'return' ? '总体意见' : '审核意见'}</b>
        {action === 'reopen' && <span style={{ color: '#cf1322' }}> *</span>}
        <span className="hint" style={{ marginLeft: 8 }}>
          {action === 'reopen' ? '撤销后项目回到“已填报”，可修改后重新审核' : '可不填'}
        </span>
      </div>
      <Input.TextArea value={summary} onChange={(e) => setSummary(e.target.value)} autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} data-testid="review-summary" />
      {error && <Alert type="error" showIcon style={{ marginTop: 10 }} message={error} />}
      {action === 'reopen' && detail.item.resultUse && <Alert type="warning" showIcon style={{ marginTop: 10 }} message="该项目已填写结果运用意见，撤销审核后原意见保留。" />}
    </GuardedModal>
  )
}

/** Status tag with its color, for the drawer title. */
export function StatusTag({ status }: { status: string }) {
  const color = status === '已审核' ? 'success' : status === '已填报' ? 'processing' : status === '退回修改' ? 'warning' : 'default'
  return <Tag color={color}>{status}</Tag>
}
