/**
 * One project in a round: its facts, the stage's form, the checks before submission, the review
 * history and the actions the state machine allows, 结果运用 once reviewed, and its documents.
 */
import { CloseCircleFilled, FileWordOutlined, LeftOutlined, LockOutlined, RightOutlined, SaveOutlined } from '@ant-design/icons'
import { Alert, App, Button, DatePicker, Descriptions, Drawer, Input, Skeleton, Space, Switch, Tooltip } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { ItemDetail } from '../../../shared/domain'
import { defaultDateIn } from '../../../shared/dates'
import type { IndicatorProblem } from '../../../shared/indicators'
import { ACTION_NAMES, canEdit, nextStatus, TARGET_CONSEQUENCE, type ItemAction, type TargetConclusion } from '../../../shared/stage'
import { ApiError, call } from '../../api'
import { DocumentDialog, type DocRequest } from '../../components/DocumentDialog'
import { attempt, notifySuccess, showError } from '../../errors'
import { wan } from '../../format'
import { useApp } from '../../store'
import type { StageConfig } from './config'
import { FiscalEvalForm, RectifyPanel } from './forms/FiscalEvalForm'
import { MonitoringForm } from './forms/MonitoringForm'
import { SelfEvalForm } from './forms/SelfEvalForm'
import { ProblemList, TargetsForm } from './forms/TargetsForm'
import type { StageFormProps } from './forms/types'
import { ConclusionTag, LightTag } from './ItemsTable'
import { ReviewActionModal, ReviewHistory, StatusTag } from './ReviewPanel'

const FORMS: Record<StageConfig['stage'], (p: StageFormProps) => JSX.Element> = {
  targets: TargetsForm,
  monitoring: MonitoringForm,
  selfeval: SelfEvalForm,
  fiscaleval: FiscalEvalForm,
}

const isProblems = (v: unknown): v is IndicatorProblem[] => Array.isArray(v) && v.every((p) => p && typeof p === 'object' && 'severity' in p && 'message' in p)

export function ItemDrawer({
  cfg,
  itemId,
  order,
  onNavigate,
  onClose,
  onChanged,
  readOnly = null,
}: {
  cfg: StageConfig
  itemId: string | null
  order: string[]
  onNavigate: (id: string) => void
  onClose: () => void
  onChanged: () => void
  /** Why nothing may be changed (read-only package, locked year): the edit buttons are disabled with it. */
  readOnly?: string | null
}) {
  const { modal } = App.useApp()
  const [detail, setDetail] = useState<ItemDetail | null>(null)
  const [dirty, setDirty] = useState(false)
  const [saving, setSaving] = useState(false)
  const [submitProblems, setSubmitProblems] = useState<IndicatorProblem[] | null>(null)
  const [action, setAction] = useState<Exclude<ItemAction, 'submit'> | null>(null)
  const [doc, setDoc] = useState<DocRequest | null>(null)
  const saveRef = useRef<(() => Promise<boolean>) | null>(null)

  const load = useCallback(async (id: string) => {
    const d = await attempt(() => call('items/get', { id }))
    if (d) setDetail(d)
  }, [])

  useEffect(() => {
    setDetail(null)
    setDirty(false)
    setSubmitProblems(null)
    if (itemId) void load(itemId)
  }, [itemId, load])

  // "重新载入" after a refused save (someone else changed the record) reloads everything: the open
  // item too, so its forms start from the current version instead of failing again.
  const dataVersion = useApp((s) => s.dataVersion)
  const seenVersion = useRef(dataVersion)
  useEffect(() => {
    if (dataVersion === seenVersion.current) return
    seenVersion.current = dataVersion
    if (itemId) void load(itemId)
  }, [dataVersion, itemId, load])

  const refresh = useCallback(
    async (d?: ItemDetail) => {
      if (d) setDetail(d)
      else if (itemId) await load(itemId)
      onChanged()
    },
    [itemId, load, onChanged],
  )

  const guard = (go: () => void) => {
    if (!dirty) return go()
    modal.confirm({ title: '有未保存的修改', content: '离开后本项目未保存的修改将丢失。', okText: '不保存，离开', cancelText: '继续编辑', onOk: go })
  }

  const save = async () => {
    if (!saveRef.current) return
    setSaving(true)
    const ok = await saveRef.current()
    setSaving(false)
    if (ok) setSubmitProblems(null)
  }

  const submit = async () => {
    if (!detail) return
    if (dirty && saveRef.current) {
      setSaving(true)
      const ok = await saveRef.current()
      setSaving(false)
      if (!ok) return
    }
    setSaving(true)
    try {
      const r = await call('items/transition', { id: detail.item.id, action: 'submit' })
      setSubmitProblems(null)
      notifySuccess(`已提交审核：${r.item.projectName}`)
      await refresh()
    } catch (e) {
      // Refused with reasons: they show in the drawer, no toast needed.
      if (e instanceof ApiError && isProblems(e.details) && e.details.length) setSubmitProblems(e.details)
      else showError(e)
    } finally {
      setSaving(false)
    }
  }

  const index = itemId ? order.indexOf(itemId) : -1
  const item = detail?.item
  const editable = !!item && canEdit(item.status) && !readOnly
  const allowed = (a: ItemAction) => !!item && nextStatus(item.status, a) !== null
  const Form = FORMS[cfg.stage]

  return (
    <Drawer
      open={itemId !== null}
      width={Math.min(1240, typeof window === 'undefined' ? 1240 : window.innerWidth - 60)}
      onClose={() => guard(onClose)}
      destroyOnHidden
      className="item-drawer"
      title={
        item ? (
          <Space size={8} wrap>
            <span data-testid="drawer-title">{item.projectName}</span>
            <StatusTag status={item.status} />
            {cfg.lights && <LightTag light={item.light} empty="" />}
            {item.conclusion && (
              <span style={{ fontWeight: 'normal', fontSize: 13 }}>
                审核结论 <ConclusionTag value={item.conclusion} />
              </span>
            )}
          </Space>
        ) : (
          '正在读取…'
        )
      }
      extra={
        order.length > 1 && index >= 0 ? (
          <Space size={4}>
            <Button size="small" icon={<LeftOutlined />} disabled={index <= 0} onClick={() => guard(() => onNavigate(order[index - 1]!))}>
              上一个
            </Button>
            <span className="hint">
              {index + 1} / {order.length}
            </span>
            <Button size="small" disabled={index >= order.length - 1} onClick={() => guard(() => onNavigate(order[index + 1]!))}>
              下一个 <RightOutlined />
            </Button>
          </Space>
        ) : null
      }
      footer={
        detail && (
          <div className="drawer-footer">
            <Space>
              {cfg.itemDocs.map((d) => {
                const ok = !d.when || d.when(detail.item.status)
                return (
                  <Tooltip key={d.kind} title={ok ? undefined : '审核通过后才能生成'}>
                    <Button icon={<FileWordOutlined />} disabled={!ok} onClick={() => setDoc({ kind: d.kind, recordId: detail.item.id })} data-testid={`item-doc-${d.kind}`}>
                      {d.label}
                    </Button>
                  </Tooltip>
                )
              })}
            </Space>
            <Space>
              {dirty && <span className="warn-text">有未保存的修改</span>}
              {readOnly && (
                <span className="hint" data-testid="item-readonly">
                  只读，不能修改
                </span>
              )}
              {editable && (
                <Button icon={<SaveOutlined />} loading={saving} onClick={save} data-testid="item-save">
                  保存
                </Button>
              )}
              {allowed('submit') && (
                <Button type="primary" loading={saving} onClick={submit} disabled={!!readOnly} data-testid="item-submit">
                  {dirty ? '保存并提交审核' : ACTION_NAMES.submit}
                </Button>
              )}
              {allowed('return') && (
                <Button danger onClick={() => guard(() => setAction('return'))} disabled={!!readOnly} data-testid="item-return">
                  {ACTION_NAMES.return}
                </Button>
              )}
              {allowed('approve') && (
                <Button type="primary" onClick={() => guard(() => setAction('approve'))} disabled={!!readOnly} data-testid="item-approve">
                  {ACTION_NAMES.approve}
                </Button>
              )}
              {allowed('reopen') && (
                <Button onClick={() => setAction('reopen')} disabled={!!readOnly} data-testid="item-reopen">
                  {ACTION_NAMES.reopen}
                </Button>
              )}
            </Space>
          </div>
        )
      }
    >
      {!detail ? (
        <Skeleton active paragraph={{ rows: 10 }} />
      ) : (
        <div data-testid="item-drawer">
          <Descriptions size="small" column={4} className="compact-desc facts" data-testid="item-facts">
            <Descriptions.Item label="预算单位">{detail.item.unitName}</Descriptions.Item>
            <Descriptions.Item label="项目编码">{detail.project.code || '—'}</Descriptions.Item>
            <Descriptions.Item label="金额">
              <b className="num">{wan(detail.item.amountFen)}</b>&nbsp;万元
            </Descriptions.Item>
            <Descriptions.Item label="资金来源">{detail.item.fundSource}</Descriptions.Item>
            <Descriptions.Item label="项目类别">{detail.item.category}</Descriptions.Item>
            <Descriptions.Item label="审核股室">{detail.item.divisionName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="预算年度">{detail.round.budgetYear}年</Descriptions.Item>
            <Descriptions.Item label="任务">{detail.round.title}</Descriptions.Item>
          </Descriptions>
          {readOnly ? (
            <Alert type="warning" showIcon icon={<LockOutlined />} style={{ margin: '8px 0' }} message={readOnly} data-testid="item-readonly-reason" />
          ) : (
            !editable && <Alert type="success" showIcon icon={<LockOutlined />} style={{ margin: '8px 0' }} message="已审核通过，填报内容已锁定；如需修改，请先“撤销审核”。" />
          )}
          {submitProblems && submitProblems.length > 0 && (
            <Alert
              type="error"
              showIcon
              icon={<CloseCircleFilled />}
              closable
              onClose={() => setSubmitProblems(null)}
              style={{ margin: '8px 0' }}
              message="不能提交审核，请先完善以下内容："
              data-testid="submit-problems"
              description={
                <ul style={{ margin: 0, paddingLeft: 18 }}>
                  {submitProblems.map((p, i) => (
                    <li key={i}>{p.message}</li>
                  ))}
                </ul>
              }
            />
          )}
          <section className="drawer-section">
            <h4>{cfg.stage === 'targets' ? '绩效目标' : cfg.stage === 'monitoring' ? `1-${detail.round.asOfMonth}月监控情况` : cfg.stage === 'selfeval' ? '绩效自评表' : '财政评价结果'}</h4>
            <Form detail={detail} editable={editable} onSaved={(d) => void refresh(d)} onDirty={setDirty} saveRef={saveRef} />
          </section>
          {cfg.stage !== 'targets' && editable && detail.item.status !== '已填报' && <ProblemList problems={detail.problems} title="提交前检查（按已保存的内容）" />}
          {/* The reviewer sees what the unit was warned of and explained (e.g. 执行数 above 全年预算 with its 说明). */}
          {cfg.stage !== 'targets' && detail.item.status === '已填报' && detail.problems.some((p) => p.severity === 'warning') && (
            <ProblemList problems={detail.problems.filter((p) => p.severity === 'warning')} title="审核提示（单位填报时的提醒）" />
          )}
          {cfg.stage === 'fiscaleval' && (
            <section className="drawer-section">
              <h4>整改</h4>
              {detail.evaluation?.totalScore == null ? <span className="hint">录入评价得分和存在问题后，再下达整改要求。</span> : <RectifyPanel detail={detail} onSaved={() => void refresh()} />}
            </section>
          )}
          <section className="drawer-section">
            <h4>审核记录</h4>
            <ReviewHistory reviews={detail.reviews} />
          </section>
          {detail.item.status === '已审核' && (
            <section className="drawer-section">
              <h4>结果运用</h4>
              <ResultUsePanel detail={detail} readOnly={readOnly} onSaved={() => void refresh()} />
            </section>
          )}
        </div>
      )}
      {detail && <ReviewActionModal action={action} detail={detail} onClose={() => setAction(null)} onDone={() => { setAction(null); void refresh() }} />}
      {doc && <DocumentDialog request={doc} onClose={() => setDoc(null)} />}
    </Drawer>
  )
}

function suggestion(detail: ItemDetail, consequences: Record<string, string> | undefined): string {
  const stage = detail.round.stage
  if (stage === 'targets') return detail.item.conclusion ? TARGET_CONSEQUENCE[detail.item.conclusion as TargetConclusion] ?? '' : ''
  if (stage === 'monitoring') {
    const l = detail.item.light
    return l === 'red' ? '执行进度严重滞后，督促单位查找原因、加快执行，下年度预算从严安排' : l === 'yellow' ? '执行进度偏慢，督促单位加快执行，确保完成年度目标' : '执行正常，继续按计划实施'
  }
  const g = detail.evaluation?.grade
  return g && consequences ? (consequences[g] ?? '') : ''
}

/** 结果运用: what the result means (e.g. for next year's budget), and whether/when it was published. */
function ResultUsePanel({ detail, readOnly, onSaved }: { detail: ItemDetail; readOnly: string | null; onSaved: () => void }) {
  const consequences = useApp((s) => s.settings?.consequences)
  const [text, setText] = useState(detail.item.resultUse)
  const [isPublic, setIsPublic] = useState(detail.item.isPublic)
  const [date, setDate] = useState<Dayjs | null>(detail.item.publicDate ? dayjs(detail.item.publicDate) : null)
  const [busy, setBusy] = useState(false)
  const hint = suggestion(detail, consequences)
  // 公开日期 proposed inside the round's work year (its deadline when backfilling), not the PC's clock alone.
  const proposedDate = dayjs(defaultDateIn(detail.round.workYear, new Date(), detail.round.deadline))

  useEffect(() => {
    setText(detail.item.resultUse)
    setIsPublic(detail.item.isPublic)
    setDate(detail.item.publicDate ? dayjs(detail.item.publicDate) : null)
  }, [detail])

  const save = async () => {
    setBusy(true)
    const r = await attempt(() => call('items/resultUse', { id: detail.item.id, resultUse: text.trim(), isPublic, publicDate: isPublic ? (date ?? proposedDate).format('YYYY-MM-DD') : null }))
    setBusy(false)
    if (!r) return
    notifySuccess('结果运用已保存')
    onSaved()
  }

  return (
    <div data-testid="result-use">
      <Input.TextArea value={text} onChange={(e) => setText(e.target.value)} autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} placeholder={hint || '审核结果如何运用：预算安排、督促整改、公开等'} data-testid="result-use-text" />
      <Space style={{ marginTop: 8 }} wrap>
        {hint && text.trim() !== hint && (
          <a onClick={() => setText(text.trim() ? `${text.trim()}\n${hint}` : hint)} data-testid="result-use-suggest">
            填入建议：{hint.length > 24 ? hint.slice(0, 24) + '…' : hint}
          </a>
        )}
        <span>
          公开 <Switch checked={isPublic} onChange={setIsPublic} data-testid="result-use-public" />
        </span>
        {isPublic && <DatePicker value={date ?? proposedDate} onChange={setDate} allowClear={false} data-testid="result-use-date" />}
        <Tooltip title={readOnly}>
          <Button type="primary" ghost loading={busy} onClick={save} disabled={!!readOnly} data-testid="result-use-save">
            保存结果运用
          </Button>
        </Tooltip>
        {detail.item.isPublic && <span className="hint">已于 {detail.item.publicDate} 公开</span>}
      </Space>
    </div>
  )
}
