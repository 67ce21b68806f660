/**
 * One dialog for every document kind: fetch the draft (pre-filled from the data), let the user edit
 * every text and the 文号 serial, issue it (docs/issue writes the .docx and registers the number),
 * then show where the file is.
 */
import { Alert, Button, Checkbox, DatePicker, Form, Input, InputNumber, Modal, Result, Skeleton, Space, Tag, Tooltip, Typography } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useEffect, useState } from 'react'
import type { RegisterEntry } from '../../shared/domain'
import { nextSerial } from '../../shared/docnumber'
import { DOC_KINDS, type DocDraft, type DocKind } from '../../shared/documents'
import { call } from '../api'
import { notifySuccess, showError } from '../errors'
import { SavedFile } from './SavedFile'
import { GuardedModal } from './EditModal'

export interface DocRequest {
  kind: DocKind
  recordId?: string
  workYear?: number
}

interface DraftForm {
  title: string
  recipients: string
  body: string
  attachments: string
  /** 附件 lines confirmed as provided apart (另行附送). */
  apart: string[]
  copyTo: string
  date: Dayjs
  serial: number | null
}

export function DocumentDialog({ request, onClose, onIssued }: { request: DocRequest | null; onClose: () => void; onIssued?: (entry: RegisterEntry) => void }) {
  const [draft, setDraft] = useState<DocDraft | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [issued, setIssued] = useState<{ entry: RegisterEntry; path: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const [serialTouched, setSerialTouched] = useState(false)
  const [form] = Form.useForm<DraftForm>()
  const date = Form.useWatch('date', form)
  const numberYear = draft?.issued ? draft.year : date && dayjs.isDayjs(date) ? date.year() : draft?.year

  // The 文号 year follows the 成文日期; the suggested serial was for the draft's year, so drop it
  // (the backend then takes the next free number of the new year) unless the user typed one.
  useEffect(() => {
    if (!draft || draft.issued || !draft.numbered || serialTouched || numberYear === undefined) return
    if (numberYear === draft.year) {
      form.setFieldValue('serial', draft.serial)
      return
    }
    // Suggest the next free number of the new year from the register (the backend re-checks on issue).
    form.setFieldValue('serial', null)
    let cancelled = false
    call('register/list', { year: numberYear, prefix: draft.prefix })
      .then((rows) => {
        if (!cancelled) form.setFieldValue('serial', nextSerial(rows.filter((r) => r.prefix === draft.prefix && r.year === numberYear).map((r) => r.serial ?? 0)))
      })
      .catch(() => undefined)
    return () => {
      cancelled = true
    }
  }, [numberYear, draft, serialTouched, form])

  /**
   * Bumped by 按最新数据重新起草: re-draft an issued document from the current data. The check and
   * the issue then say so too, so that the annexes are built (and kept) from the same data.
   */
  const [fresh, setFresh] = useState(0)
  const freshParam = fresh ? { fresh: true } : {}

  useEffect(() => setFresh(0), [request])

  // Checks before issue (docs/check): the backend names dates that contradict each other — a
  // deadline before the notice, a 整改通知 before its report, 文号 out of date order — and 附件
  // lines or mentions that do not match the annexes bound in. Re-run as the text is edited.
  const serialValue = Form.useWatch('serial', form)
  const bodyValue = Form.useWatch('body', form) as string | undefined
  const attachmentsValue = Form.useWatch('attachments', form) as string | undefined
  const apartValue = Form.useWatch('apart', form) as string[] | undefined
  const [warnings, setWarnings] = useState<string[]>([])
  /** 附件 lines nothing bound in answers: offered for confirmation as provided apart. */
  const [unbound, setUnbound] = useState<string[]>([])
  useEffect(() => {
    if (!request || !draft || !date || !dayjs.isDayjs(date)) {
      setWarnings([])
      setUnbound([])
      return
    }
    let cancelled = false
    const timer = setTimeout(() => {
      call('docs/check', {
        kind: request.kind,
        recordId: request.recordId,
        workYear: request.workYear,
        ...freshParam,
        date: date.format('YYYY-MM-DD'),
        serial: draft.numbered && !draft.issued ? (serialValue ?? null) : null,
        ...(bodyValue !== undefined ? { body: bodyValue } : {}),
        ...(attachmentsValue !== undefined ? { attachments: attachmentsValue.split(/\r?\n/).map((a) => a.trim()).filter(Boolean) } : {}),
        ...(apartValue !== undefined ? { apart: apartValue } : {}),
      })
        .then((r) => {
          if (cancelled) return
          setWarnings(r.warnings)
          setUnbound(r.unbound)
        })
        .catch(() => undefined)
    }, 300)
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [request, draft, date, serialValue, bodyValue, attachmentsValue, apartValue, fresh])

  useEffect(() => {
    setDraft(null)
    setIssued(null)
    setLoadError(null)
    setSerialTouched(false)
    if (!request) return
    let cancelled = false
    call('docs/draft', { kind: request.kind, recordId: request.recordId, workYear: request.workYear, ...freshParam })
      .then((d) => {
        if (cancelled) return
        setDraft(d)
        form.setFieldsValue({
          title: d.title,
          recipients: d.recipients,
          body: d.body,
          attachments: d.attachments.join('\n'),
          apart: d.apart,
          copyTo: d.copyTo,
          date: dayjs(d.date),
          serial: d.serial,
        })
      })
      .catch((e: unknown) => {
        if (cancelled) return
        setLoadError(e instanceof Error ? e.message : String(e))
      })
    return () => {
      cancelled = true
    }
  }, [request, form, fresh])

  const issue = async () => {
    if (!request || !draft) return
    let v: DraftForm
    try {
      v = await form.validateFields()
    } catch {
      return
    }
    setBusy(true)
    try {
      const r = await call('docs/issue', {
        kind: request.kind,
        recordId: request.recordId,
        workYear: request.workYear,
        ...freshParam,
        title: v.title.trim(),
        recipients: (v.recipients ?? '').trim(),
        body: v.body ?? '',
        attachments: (v.attachments ?? '')
          .split(/\r?\n/)
          .map((s) => s.trim())
          .filter(Boolean),
        apart: (v.apart ?? []).filter((a) => unbound.includes(a)),
        copyTo: (v.copyTo ?? '').trim(),
        date: v.date.format('YYYY-MM-DD'),
        serial: draft.numbered && !draft.issued ? (v.serial ?? null) : null,
      })
      setIssued(r)
      notifySuccess(r.entry.docNumber ? `已生成 ${r.entry.docNumber}` : '文件已生成')
      onIssued?.(r.entry)
    } catch (e) {
      showError(e)
    } finally {
      setBusy(false)
    }
  }

  const kindName = request ? DOC_KINDS[request.kind].name : ''
  const footer = issued ? (
    <Button type="primary" onClick={onClose}>
      关闭
    </Button>
  ) : (
    <Space>
      <Button onClick={onClose}>取消</Button>
      <Button type="primary" danger={warnings.length > 0} onClick={issue} loading={busy} disabled={!draft} data-testid="doc-issue">
        {warnings.length > 0 ? '仍然生成' : '生成'}
      </Button>
    </Space>
  )

  return (
    <GuardedModal open={request !== null} title={`生成文件 · ${kindName}`} width={900} style={{ top: 32 }} onCancel={onClose} footer={footer} maskClosable={false} forceRender styles={{ body: { maxHeight: 'calc(100vh - 170px)', overflowY: 'auto', paddingRight: 8 } }}>
      {loadError ? (
        <Alert type="error" showIcon message="无法准备文件内容" description={loadError} />
      ) : issued ? (
        <Result
          status="success"
          title={`已生成《${issued.entry.title}》`}
          subTitle={issued.entry.docNumber ? `文号：${issued.entry.docNumber}` : '本文书不编文号'}
          extra={<div style={{ textAlign: 'left', display: 'inline-block', maxWidth: 760 }}>{<SavedFile path={issued.path} />}</div>}
        />
      ) : !draft ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : null}
      <div style={{ display: draft && !issued && !loadError ? 'block' : 'none' }}>
        {warnings.length > 0 ? (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            data-testid="doc-check-warnings"
            message="生成前请核对"
            description={
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            }
          />
        ) : null}
        <Form form={form} labelCol={{ flex: '80px' }} colon={false} size="middle">
          <Form.Item label="文号">
            {draft && !draft.numbered ? (
              <span className="hint">本文书不编文号（可在“设置 · 公文设置”中改为编号）</span>
            ) : draft?.issued ? (
              <Space>
                <b data-testid="doc-number">
                  {draft.prefix}〔{draft.year}〕{draft.serial}号
                </b>
                <Tag color="blue">已登记，重新生成沿用原文号</Tag>
                {fresh ? (
                  <Tag color="orange" data-testid="doc-fresh">已按最新数据重新起草，生成后正文和附件以当前数据为准</Tag>
                ) : (
                  <Tooltip title="下面显示的是上次生成时的内容，正文和附件按当时的数据。如数据已有变化，可按最新数据重新起草（文号不变）">
                    <a onClick={() => setFresh((n) => n + 1)}>按最新数据重新起草</a>
                  </Tooltip>
                )}
              </Space>
            ) : (
              <Space size={4} align="center">
                <span data-testid="doc-number-prefix">
                  {draft?.prefix}〔{numberYear}〕
                </span>
                <Form.Item name="serial" noStyle>
                  <InputNumber min={1} max={99999} precision={0} style={{ width: 90 }} placeholder="自动" data-testid="doc-serial" onChange={() => setSerialTouched(true)} />
                </Form.Item>
                <span>号</span>
                <span className="hint" style={{ marginLeft: 8 }}>
                  文号年份随成文日期，序号默认取该年下一个未用的号，也可改为其他未用的号
                </span>
              </Space>
            )}
          </Form.Item>
          <Form.Item name="title" label="标题" extra="回行由程序按词排成梯形；如需自行断行，在标题中按回车换行" rules={[{ required: true, whitespace: true, message: '请填写标题' }]}>
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 3 }} maxLength={200} />
          </Form.Item>
          <Form.Item name="recipients" label="主送">
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={500} />
          </Form.Item>
          <Form.Item
            name="body"
            label="正文"
            extra="纯文本，一行为一段。以“一、”“（一）”“1.”开头的行分别按一级（黑体）、二级（楷体）、三级（仿宋）标题排版。"
          >
            <Input.TextArea autoSize={{ minRows: 6, maxRows: 20 }} maxLength={20000} style={{ fontFamily: "'FangSong', '仿宋', 'FangSong_GB2312', serif", fontSize: 15 }} />
          </Form.Item>
          <Form.Item name="attachments" label="附件" extra={request?.kind === 'free-doc' ? '每行一个附件名称，按“附件：1.…”排列；附件文件请另行装订' : '每行一个附件名称；附件表格由系统根据数据生成'}>
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
          </Form.Item>
          {/* A 附件 the system does not bind in passes the check only when the clerk confirms it is provided apart. */}
          <Form.Item
            name="apart"
            label="另行附送"
            hidden={unbound.length === 0}
            extra="以上附件中不随本文生成的：已另发或将自行装订的请勾选；未勾选的，生成前会提示"
          >
            <Checkbox.Group data-testid="doc-apart" options={unbound.map((line) => ({ label: line, value: line }))} />
          </Form.Item>
          <Form.Item name="copyTo" label="抄送">
            <Input maxLength={500} />
          </Form.Item>
          <Form.Item name="date" label="成文日期" rules={[{ required: true, message: '请选择成文日期' }]}>
            <DatePicker allowClear={false} />
          </Form.Item>
        </Form>
        {draft?.layout === 'form' && (
          <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
            本文书为表格式文书，项目信息、评分和结论由系统按记录填入表格。
          </Typography.Paragraph>
        )}
      </div>
    </GuardedModal>
  )
}

