/**
 * Bulk actions of a stage list: over the ticked rows (on any page), or over every row the filters
 * show (all pages, resolved by the backend from the filters), 提交审核 / 审核通过 (with a conclusion) / 退回修改 (with one opinion) / 生成意见书 /
 * 审核意见反馈单. Each item is taken through the state machine on its own by the backend; the job
 * dialog shows progress, can cancel, and lists what was refused and why.
 */
import { CheckOutlined, CopyOutlined, FileTextOutlined, RollbackOutlined, SendOutlined } from '@ant-design/icons'
import { Alert, Button, DatePicker, Input, Radio, Space, Tooltip } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useEffect, useState } from 'react'
import type { ItemList } from '../../../shared/api'
import type { JobState, Round, RoundItem } from '../../../shared/domain'
import { defaultDateIn } from '../../../shared/dates'
import { DOC_KINDS, type DocKind } from '../../../shared/documents'
import { ACTION_NAMES, ITEM_STATUSES, nextStatus, TARGET_CONCLUSIONS, TARGET_CONSEQUENCE, type BulkAction, type TargetConclusion } from '../../../shared/stage'
import { call } from '../../api'
import { GuardedModal } from '../../components/EditModal'
import { JobProgressModal } from '../../components/JobProgressModal'
import { attempt } from '../../errors'
import type { StageConfig } from './config'
import type { ItemFilters } from './ItemsTable'

export interface Selection {
  /** Ticked rows (ids); ignored while `all` is set. */
  ids: string[]
  /** Every row the current filters show, on every page. */
  all: boolean
  /** The ticked rows' records, from whichever page they were ticked on (their statuses count what applies). */
  picked?: RoundItem[]
}

export const NO_SELECTION: Selection = { ids: [], all: false }

type Pending = { kind: 'action'; action: BulkAction } | { kind: 'doc'; doc: DocKind } | null

export function BulkActions({
  cfg,
  round,
  filters,
  list,
  selection,
  onSelection,
  readOnly,
  onDone,
}: {
  cfg: StageConfig
  round: Round
  filters: ItemFilters
  /** The shown page with the counts of every filtered row. */
  list: ItemList | null
  selection: Selection
  onSelection: (s: Selection) => void
  readOnly: string | null
  onDone: () => void
}) {
  const [pending, setPending] = useState<Pending>(null)
  const [job, setJob] = useState<JobState | null>(null)
  const total = list?.total ?? 0
  const count = selection.all ? total : selection.ids.length
  /**
   * How many of the selection are in a status that `ok` accepts: for "all filtered rows" from the
   * list's counts by status (over every page), for ticked rows from their records.
   */
  const countWhere = (ok: (s: RoundItem['status']) => boolean) =>
    selection.all
      ? ITEM_STATUSES.filter((s) => ok(s) && (!filters.status || filters.status === s)).reduce((n, s) => n + (list?.counts[s] ?? 0), 0)
      : (selection.picked ?? []).filter((r) => selection.ids.includes(r.id) && ok(r.status)).length
  /** How many of the selection the action would apply to, by status; the rest will be refused. */
  const applicable = (a: BulkAction) => countWhere((s) => nextStatus(s, a) !== null)

  const target = selection.all ? { filters } : { ids: selection.ids }
  const actions: { action: BulkAction; icon: React.ReactNode; danger?: boolean; primary?: boolean }[] = [
    { action: 'submit', icon: <SendOutlined /> },
    { action: 'approve', icon: <CheckOutlined />, primary: true },
    { action: 'return', icon: <RollbackOutlined />, danger: true },
  ]
  const none = count === 0

  return (
    <div className="bulk-bar" data-testid="bulk-bar">
      <Space size={6} wrap>
        {none ? (
          <span className="hint">勾选项目后可批量提交审核、审核通过、退回修改或生成意见书</span>
        ) : (
          <span data-testid="bulk-count">
            已选 <b>{count}</b> 项{selection.all ? '（全部筛选结果）' : ''}
          </span>
        )}
        {!selection.all && total > 0 && (
          <Button size="small" type="link" onClick={() => onSelection({ ids: [], all: true })} data-testid="bulk-select-all">
            选择全部 {total} 项筛选结果
          </Button>
        )}
        {!none && (
          <Button size="small" type="link" onClick={() => onSelection(NO_SELECTION)} data-testid="bulk-clear">
            清除选择
          </Button>
        )}
      </Space>
      <span className="spacer" />
      <Space size={6} wrap>
        {actions.map(({ action, icon, danger, primary }) => {
          const reason = readOnly ?? (none ? '请先勾选项目' : null)
          const n = applicable(action)
          return (
            <Tooltip key={action} title={reason ?? `所选项目中 ${n} 项当前可${ACTION_NAMES[action]}，其余会被拒绝并列出原因`}>
              <Button size="small" icon={icon} danger={danger} type={primary ? 'primary' : 'default'} disabled={!!reason} onClick={() => setPending({ kind: 'action', action })} data-testid={`bulk-${action}`}>
                批量{ACTION_NAMES[action]}
              </Button>
            </Tooltip>
          )
        })}
        {cfg.batchKind && (
          <Tooltip title={readOnly ?? (none ? '请先勾选项目' : `为所选已审核项目各生成一份${DOC_KINDS[cfg.batchKind].name}`)}>
            <Button size="small" icon={<CopyOutlined />} disabled={!!readOnly || none} onClick={() => setPending({ kind: 'doc', doc: cfg.batchKind! })} data-testid="bulk-docs">
              生成意见书
            </Button>
          </Tooltip>
        )}
        {cfg.excel && (
          <Tooltip title={readOnly ?? (none ? '请先勾选项目' : '为所选退回修改项目的单位各生成一份审核意见反馈单（Word）')}>
            <Button size="small" icon={<FileTextOutlined />} disabled={!!readOnly || none} onClick={() => setPending({ kind: 'doc', doc: 'review-feedback' })} data-testid="bulk-feedback">
              审核意见反馈单
            </Button>
          </Tooltip>
        )}
      </Space>

      <BulkModal
        pending={pending}
        round={round}
        count={count}
        applicable={pending?.kind === 'action' ? applicable(pending.action) : pending?.kind === 'doc' ? countWhere((s) => s === (pending.doc === 'review-feedback' ? '退回修改' : '已审核')) : 0}
        onClose={() => setPending(null)}
        onStart={async (input) => {
          const j =
            input.kind === 'action'
              ? await attempt(() => call('items/bulk', { roundId: round.id, ...target, action: input.action, conclusion: input.conclusion, summary: input.summary, opinion: input.opinion }))
              : await attempt(() => call('docs/batch', { kind: input.doc, roundId: round.id, date: input.date, ...(selection.all ? { filters } : { itemIds: selection.ids }) }))
          if (!j) return false
          setPending(null)
          setJob(j)
          return true
        }}
      />
      <JobProgressModal
        job={job}
        onClose={() => {
          setJob(null)
          onSelection(NO_SELECTION)
          onDone()
        }}
      />
    </div>
  )
}

type StartInput = { kind: 'action'; action: BulkAction; conclusion: TargetConclusion | null; summary: string; opinion: string } | { kind: 'doc'; doc: DocKind; date: string }

/** What each bulk action needs before it starts: a conclusion, one opinion, a 成文日期. */
function BulkModal({ pending, round, count, applicable, onClose, onStart }: { pending: Pending; round: Round; count: number; applicable: number; onClose: () => void; onStart: (i: StartInput) => Promise<boolean> }) {
  const targets = round.stage === 'targets'
  const [conclusion, setConclusion] = useState<TargetConclusion>('优')
  const [summary, setSummary] = useState('')
  const [opinion, setOpinion] = useState('')
  const [date, setDate] = useState<Dayjs>(dayjs())
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (!pending) return
    setConclusion('优')
    setSummary('')
    setOpinion('')
    setError(null)
    // Inside the round's work year: a 意见书 of a past year is dated in that year.
    setDate(dayjs(defaultDateIn(round.workYear, new Date(), round.deadline)))
  }, [pending, round.workYear, round.deadline])

  const action = pending?.kind === 'action' ? pending.action : null
  const doc = pending?.kind === 'doc' ? pending.doc : null
  const title = action ? `批量${ACTION_NAMES[action]}（${count}项）` : doc ? `生成${DOC_KINDS[doc].name}` : ''

  const ok = async () => {
    if (action === 'return' && !opinion.trim()) return setError('请填写退回修改的意见，所选项目都会收到这条意见')
    setBusy(true)
    const started = action
      ? await onStart({ kind: 'action', action, conclusion: action === 'approve' && targets ? conclusion : null, summary: summary.trim(), opinion: opinion.trim() })
      : doc
        ? await onStart({ kind: 'doc', doc, date: date.format('YYYY-MM-DD') })
        : false
    setBusy(false)
    if (!started) setError(null)
  }

  return (
    <GuardedModal
      open={pending !== null}
      title={title}
      width={600}
      onCancel={onClose}
      onOk={ok}
      okText={action ? `开始${ACTION_NAMES[action]}` : '开始生成'}
      cancelText="取消"
      confirmLoading={busy}
      okButtonProps={{ ...({ 'data-testid': 'bulk-ok' } as Record<`data-${string}`, string>) }}
      destroyOnHidden
    >
      <Alert
        type={applicable < count ? 'warning' : 'info'}
        showIcon
        style={{ marginBottom: 12 }}
        data-testid="bulk-applicable"
        message={
          doc
            ? doc === 'review-feedback'
              ? `所选 ${count} 项中有 ${applicable} 项退回修改；为这些项目的单位各生成一份反馈单，列出全部修改意见。`
              : `所选 ${count} 项中有 ${applicable} 项已审核，各生成一份；未审核的项目会被拒绝并列出原因。`
            : `所选 ${count} 项中有 ${applicable} 项当前可${action ? ACTION_NAMES[action] : ''}；其余项目保持原状，结束后列出未处理的项目和原因。每个项目单独记入审核记录和操作日志。`
        }
      />
      {action === 'approve' && targets && (
        <div style={{ marginBottom: 10 }}>
          <Space>
            <b>审核结论</b>
            <Radio.Group value={conclusion} onChange={(e) => setConclusion(e.target.value as TargetConclusion)} data-testid="bulk-conclusion">
              {TARGET_CONCLUSIONS.filter((c) => c !== '中').map((c) => (
                <Radio.Button key={c} value={c}>
                  {c}
                </Radio.Button>
              ))}
            </Radio.Group>
          </Space>
          <div className="hint" style={{ marginTop: 4 }}>
            “{conclusion}”：{TARGET_CONSEQUENCE[conclusion]}
          </div>
        </div>
      )}
      {action === 'approve' && (
        <>
          <div style={{ marginBottom: 4 }}>
            <b>审核意见</b>
            <span className="hint" style={{ marginLeft: 8 }}>
              可不填
            </span>
          </div>
          <Input.TextArea value={summary} onChange={(e) => setSummary(e.target.value)} autoSize={{ minRows: 2, maxRows: 5 }} maxLength={2000} data-testid="bulk-summary" />
        </>
      )}
      {action === 'return' && (
        <>
          <div style={{ marginBottom: 4 }}>
            <b>修改意见</b>
            <span style={{ color: '#cf1322' }}> *</span>
            <span className="hint" style={{ marginLeft: 8 }}>
              {targets ? '审核结论记为“中”；' : ''}单位重新导出的表格和审核意见反馈单会列出这条意见
            </span>
          </div>
          <Input.TextArea value={opinion} onChange={(e) => setOpinion(e.target.value)} autoSize={{ minRows: 3, maxRows: 6 }} maxLength={1000} placeholder="如：产出指标未量化，请按申报要求细化" data-testid="bulk-opinion" />
        </>
      )}
      {action === 'submit' && <p className="hint">未填写完整的项目不会提交，结束后逐项列出缺少的内容。</p>}
      {doc && (
        <Space>
          <span>成文日期</span>
          <DatePicker value={date} onChange={(d) => d && setDate(d)} allowClear={false} data-testid="bulk-date" />
        </Space>
      )}
      {error && <Alert type="error" showIcon style={{ marginTop: 10 }} message={error} data-testid="bulk-error" />}
    </GuardedModal>
  )
}
