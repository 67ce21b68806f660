/**
 * 财政评价 per project: score → grade, the problems found (a list), 评价结论, 预算安排意见 (defaults
 * from the settings' consequences); and the 整改 panel: deadline, copies, requirements, the 整改通知
 * and the 整改报告 received, with an overdue warning.
 */
import { DeleteOutlined, FileWordOutlined, PlusOutlined } from '@ant-design/icons'
import { Button, DatePicker, Input, InputNumber, Radio, Space, Tag } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useEffect, useRef, useState } from 'react'
import type { ItemDetail, Rectification } from '../../../../shared/domain'
import { defaultDateIn } from '../../../../shared/dates'
import { DEFAULT_SCORING_RULES, gradeOf } from '../../../../shared/scoring'
import { ApiError, call } from '../../../api'
import { DocumentDialog, type DocRequest } from '../../../components/DocumentDialog'
import { attempt, notifySuccess, showError } from '../../../errors'
import { useApp } from '../../../store'
import { ConclusionTag } from '../ItemsTable'
import type { StageFormProps } from './types'

export function FiscalEvalForm({ detail, editable, onSaved, onDirty, saveRef }: StageFormProps) {
  const settings = useApp((s) => s.settings)
  const rules = settings?.scoring ?? DEFAULT_SCORING_RULES
  const ev = detail.evaluation
  const [score, setScore] = useState<number | null>(ev?.totalScore ?? null)
  const [findings, setFindings] = useState<string[]>(ev?.findings.length ? ev.findings : [''])
  const [conclusion, setConclusion] = useState(ev?.conclusion ?? '')
  const [consequence, setConsequence] = useState(ev?.consequence ?? '')
  const [consequenceTouched, setConsequenceTouched] = useState(!!ev?.consequence)
  const [dirty, setDirty] = useState(false)
  const ref = useRef({ score, findings, conclusion, consequence })
  ref.current = { score, findings, conclusion, consequence }

  useEffect(() => {
    setScore(ev?.totalScore ?? null)
    setFindings(ev?.findings.length ? ev.findings : [''])
    setConclusion(ev?.conclusion ?? '')
    setConsequence(ev?.consequence ?? '')
    setConsequenceTouched(!!ev?.consequence)
    setDirty(false)
  }, [detail])
  useEffect(() => onDirty(dirty), [dirty])

  const grade = score === null ? null : gradeOf(score, rules)
  // The 预算安排意见 follows the grade until the user writes their own.
  useEffect(() => {
    if (!consequenceTouched && grade && settings) setConsequence(settings.consequences[grade])
  }, [grade, consequenceTouched, settings])

  const save = async (): Promise<boolean> => {
    const s = ref.current
    if (s.score === null) {
      showError(new ApiError('fiscaleval/save', 'VALIDATION', '请先填写评价得分（0至100分）'))
      return false
    }
    const r = await attempt(() =>
      call('fiscaleval/save', {
        itemId: detail.item.id,
        totalScore: s.score!,
        findings: s.findings.map((f) => f.trim()).filter(Boolean),
        conclusion: s.conclusion.trim(),
        consequence: s.consequence.trim(),
      }),
    )
    if (!r) return false
    notifySuccess(`评价结果已保存：${r.evaluation?.totalScore} 分，等级 ${r.evaluation?.grade}`)
    setDirty(false)
    onSaved(r)
    return true
  }
  saveRef.current = editable ? save : null

  const touch = () => setDirty(true)

  return (
    <div data-testid="fiscaleval-form">
      <div className="fact-grid">
        <div>
          <div className="form-label">评价得分</div>
          {editable ? (
            <InputNumber
              min={0}
              max={100}
              precision={2}
              value={score}
              onChange={(v) => {
                setScore(v ?? null)
                touch()
              }}
              addonAfter="分"
              style={{ width: 150 }}
              data-testid="fe-score"
            />
          ) : (
            <b className="num">{score ?? '—'}</b>
          )}
        </div>
        <div>
          <div className="form-label">评价等级</div>
          <span data-testid="fe-grade">{grade ? <ConclusionTag value={grade} /> : <span className="hint">填写得分后显示</span>}</span>
          <span className="hint" style={{ marginLeft: 6 }}>
            ≥{rules.grades.excellent} 优，≥{rules.grades.good} 良，≥{rules.grades.pass} 中，其余差
          </span>
        </div>
      </div>
      <div className="form-label" style={{ marginTop: 10 }}>
        存在问题
      </div>
      <div data-testid="fe-findings">
        {findings.map((f, i) => (
          <div key={i} style={{ display: 'flex', gap: 8, marginBottom: 6, alignItems: 'center' }}>
            <span className="hint" style={{ width: 22, textAlign: 'right' }}>
              {i + 1}.
            </span>
            {editable ? (
              <>
                <Input
                  value={f}
                  onChange={(e) => {
                    setFindings(findings.map((x, k) => (k === i ? e.target.value : x)))
                    touch()
                  }}
                  placeholder="评价发现的问题，如：绩效目标设置不够细化量化"
                  maxLength={500}
                  data-testid={`fe-finding-${i}`}
                />
                <Button
                  icon={<DeleteOutlined />}
                  aria-label="删除此问题"
                  onClick={() => {
                    setFindings(findings.length > 1 ? findings.filter((_x, k) => k !== i) : [''])
                    touch()
                  }}
                />
              </>
            ) : (
              <span>{f || <span className="hint">无</span>}</span>
            )}
          </div>
        ))}
        {editable && (
          <Button
            size="small"
            icon={<PlusOutlined />}
            style={{ marginLeft: 30 }}
            onClick={() => {
              setFindings([...findings, ''])
              touch()
            }}
            data-testid="fe-finding-add"
          >
            添加问题
          </Button>
        )}
      </div>
      <div className="two-col" style={{ marginTop: 10 }}>
        <div>
          <div className="form-label">评价结论</div>
          {editable ? (
            <Input.TextArea
              value={conclusion}
              onChange={(e) => {
                setConclusion(e.target.value)
                touch()
              }}
              autoSize={{ minRows: 3, maxRows: 6 }}
              maxLength={2000}
              data-testid="fe-conclusion"
            />
          ) : (
            <div className="readonly-text">{conclusion || <span className="hint">未填写</span>}</div>
          )}
        </div>
        <div>
          <div className="form-label">
            预算安排意见 <span className="hint">（结果运用，默认按等级取“设置”中的规则）</span>
          </div>
          {editable ? (
            <Input.TextArea
              value={consequence}
              onChange={(e) => {
                setConsequence(e.target.value)
                setConsequenceTouched(true)
                touch()
              }}
              autoSize={{ minRows: 3, maxRows: 6 }}
              maxLength={500}
              data-testid="fe-consequence"
            />
          ) : (
            <div className="readonly-text">{consequence || <span className="hint">未填写</span>}</div>
          )}
        </div>
      </div>
    </div>
  )
}

/** A 整改期限 counted from a date in the round's work year, not from the PC's clock alone. */
const addDays = (days: number, workYear: number) => dayjs(defaultDateIn(workYear, new Date())).add(days, 'day')

/** 整改: requirements and deadline → 整改通知 (文号) → 整改报告 received. */
export function RectifyPanel({ detail, onSaved }: { detail: ItemDetail; onSaved: () => void }) {
  const settings = useApp((s) => s.settings)
  const workYear = useApp((s) => s.workYear)
  const rect: Rectification | null = detail.rectification
  const findings = detail.evaluation?.findings ?? []
  const defaultRequirements = () =>
    findings.length ? `针对评价发现的问题认真整改：\n${findings.map((f, i) => `${i + 1}. ${f}`).join('\n')}\n整改完成后报送整改报告。` : ''
  const [deadline, setDeadline] = useState<Dayjs>(rect ? dayjs(rect.deadline) : addDays(settings?.rectifyDays ?? 30, workYear))
  const [copies, setCopies] = useState<number>(rect?.copies ?? 2)
  const [requirements, setRequirements] = useState(rect?.requirements ?? defaultRequirements())
  const [status, setStatus] = useState<Rectification['status']>(rect?.status ?? '未整改')
  const [reportDate, setReportDate] = useState<Dayjs | null>(rect?.reportDate ? dayjs(rect.reportDate) : null)
  const [reportContent, setReportContent] = useState(rect?.reportContent ?? '')
  const [busy, setBusy] = useState(false)
  const [doc, setDoc] = useState<DocRequest | null>(null)

  useEffect(() => {
    const r = detail.rectification
    setDeadline(r ? dayjs(r.deadline) : addDays(settings?.rectifyDays ?? 30, workYear))
    setCopies(r?.copies ?? 2)
    setRequirements(r?.requirements ?? defaultRequirements())
    setStatus(r?.status ?? '未整改')
    setReportDate(r?.reportDate ? dayjs(r.reportDate) : null)
    setReportContent(r?.reportContent ?? '')
  }, [detail])

  const save = async () => {
    setBusy(true)
    const r = await attempt(() =>
      call('rectify/save', {
        itemId: detail.item.id,
        version: detail.rectification?.version,
        deadline: deadline.format('YYYY-MM-DD'),
        copies,
        requirements: requirements.trim(),
        status,
        reportDate: reportDate ? reportDate.format('YYYY-MM-DD') : null,
        reportContent: reportContent.trim(),
      }),
    )
    setBusy(false)
    if (!r) return
    notifySuccess(`整改信息已保存（${r.status}）`)
    onSaved()
  }

  return (
    <div data-testid="rectify-panel">
      <Space wrap size={[16, 8]} style={{ marginBottom: 8 }}>
        <span>
          整改期限 <DatePicker value={deadline} onChange={(d) => d && setDeadline(d)} allowClear={false} data-testid="rect-deadline" />
        </span>
        <span>
          报送份数 <InputNumber min={1} max={10} precision={0} value={copies} onChange={(v) => setCopies(v ?? 2)} style={{ width: 70 }} data-testid="rect-copies" /> 份
        </span>
        {rect?.overdue && (
          <Tag color="red" data-testid="rect-overdue">
            逾期未整改
          </Tag>
        )}
        {rect?.noticeNumber && (
          <span data-testid="rect-notice-number">
            整改通知：<b>{rect.noticeNumber}</b>
          </span>
        )}
      </Space>
      <div className="form-label">整改要求</div>
      <Input.TextArea value={requirements} onChange={(e) => setRequirements(e.target.value)} autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} data-testid="rect-requirements" />
      <div className="form-label" style={{ marginTop: 8 }}>
        整改情况
      </div>
      <Space wrap size={[16, 8]} style={{ marginBottom: 8 }}>
        <Radio.Group value={status} onChange={(e) => setStatus(e.target.value as Rectification['status'])} optionType="button" buttonStyle="solid" data-testid="rect-status">
          <Radio.Button value="未整改">未整改</Radio.Button>
          <Radio.Button value="整改中">整改中</Radio.Button>
          <Radio.Button value="已整改">已整改</Radio.Button>
        </Radio.Group>
        <span>
          整改报告收到日期 <DatePicker value={reportDate} onChange={setReportDate} placeholder="未收到" data-testid="rect-report-date" />
        </span>
      </Space>
      <Input.TextArea value={reportContent} onChange={(e) => setReportContent(e.target.value)} autoSize={{ minRows: 2, maxRows: 6 }} maxLength={5000} placeholder="单位整改报告的主要内容、整改落实情况" data-testid="rect-report" />
      <Space style={{ marginTop: 8 }}>
        <Button type="primary" ghost loading={busy} onClick={save} data-testid="rect-save">
          保存整改信息
        </Button>
        <Button icon={<FileWordOutlined />} disabled={!rect} title={rect ? undefined : '请先保存整改要求和期限'} onClick={() => setDoc({ kind: 'rectify-notice', recordId: detail.item.id })} data-testid="rect-notice">
          生成整改通知
        </Button>
      </Space>
      {doc && <DocumentDialog request={doc} onClose={() => setDoc(null)} onIssued={() => onSaved()} />}
    </div>
  )
}
