/**
 * The one Excel import dialog: pick a file → preview (what will be created/changed) and the
 * problems table (工作表 / 行 / 列 / 问题) → 确认导入. A file with problems cannot be applied, so it
 * changes nothing. Used by 预算单位 and by the stage forms (申报表 / 监控表 / 自评表).
 *
 * Forms filled without the product's ids may not name their project unambiguously: such sheets come
 * back as `matching` requests, and the dialog asks the user to pick the project for each (or, for a
 * 申报表, to add it to the 项目库) before the file can be applied. Warnings are shown but do not block.
 */
import { Alert, Button, Modal, Select, Space, Table } from 'antd'
import { FileDropZone } from './FileDropZone'
import { useState, type ReactNode } from 'react'
import { MATCH_CREATE, type ImportMatchRequest, type ImportProblem } from '../../shared/domain'
import { ApiError } from '../api'
import { ProblemsTable, importProblemsOf, notifySuccess, showError } from '../errors'
import { readAsBase64 } from './SavedFile'

export interface PickedFile {
  fileName: string
  base64: string
  /** The matching step's choices: sheet name → project (or round item) id, or MATCH_CREATE. */
  matches?: Record<string, string>
  /** The preview's token (stage imports): the server keeps its parse, re-previews and apply reuse it. */
  token?: string
  /** The file's sha256 as the preview answered it: with the token, the apply names the kept parse without sending the file. */
  sha256?: string
}

/** The file as previewed, with the token and sha256 the preview answered with (if any). */
const withToken = (f: PickedFile, p: unknown): PickedFile => {
  const { token, sha256 } = (p ?? {}) as { token?: unknown; sha256?: unknown }
  return typeof token === 'string' ? { ...f, token, ...(typeof sha256 === 'string' ? { sha256 } : {}) } : f
}
/** The server refused an apply whose preview expired or whose bytes differ: preview again. */
const needsRepreview = (e: unknown) => e instanceof ApiError && (e.details as { repreview?: boolean } | undefined)?.repreview === true

/** Previews that carry `matching` / `warnings` (the stage import) get the matching step without extra wiring. */
const defaultMatching = (p: unknown): ImportMatchRequest[] => (p as { matching?: ImportMatchRequest[] }).matching ?? []
const defaultWarnings = (p: unknown): ImportProblem[] => (p as { warnings?: ImportProblem[] }).warnings ?? []

export interface ExcelImportModalProps<P> {
  open: boolean
  title: string
  /** Text under the drop zone: what the file should look like. */
  hint: ReactNode
  width?: number
  preview(file: PickedFile): Promise<P>
  /** A preview holding only the problems the server refused the file with. */
  fromProblems(problems: ImportProblem[]): P
  problemsOf(p: P): ImportProblem[]
  /** Sheets waiting for their project to be picked. */
  matchingOf?(p: P): ImportMatchRequest[]
  /** Notes that do not block the import. */
  warningsOf?(p: P): ImportProblem[]
  /** Counts beside the file name (e.g. 新增 3 / 更新 1). */
  renderCounts?(p: P): ReactNode
  /** Rows that will be created or changed. */
  renderRows(p: P): ReactNode
  /** Whether there is anything to apply (no problems is checked here). */
  hasChanges(p: P): boolean
  /** Shown when the file is fine but changes nothing. */
  noChangesText?: string
  /** Applies the file; returns the success message. */
  apply(file: PickedFile): Promise<string>
  onClose(): void
  onDone?(): void
}

export function ExcelImportModal<P>(props: ExcelImportModalProps<P>) {
  const { open, title, hint, width = 880 } = props
  const [picked, setPicked] = useState<PickedFile | null>(null)
  const [preview, setPreview] = useState<P | null>(null)
  const [busy, setBusy] = useState(false)
  const [choices, setChoices] = useState<Record<string, string>>({})
  const matchingOf = props.matchingOf ?? defaultMatching
  const warningsOf = props.warningsOf ?? defaultWarnings

  const reset = () => {
    setPicked(null)
    setPreview(null)
    setChoices({})
  }
  const close = () => {
    reset()
    props.onClose()
  }

  const check = async (p: PickedFile) => {
    setPicked(p)
    try {
      const result = await props.preview(p)
      setPicked(withToken(p, result))
      setPreview(result)
    } catch (e) {
      const problems = e instanceof ApiError ? importProblemsOf(e.details) : null
      if (problems) setPreview(props.fromProblems(problems))
      else showError(e)
    }
  }

  /** Re-checks the file with the projects picked in the matching step. */
  const applyChoices = async () => {
    if (!picked) return
    setBusy(true)
    try {
      await check({ ...picked, matches: { ...(picked.matches ?? {}), ...choices } })
      setChoices({})
    } finally {
      setBusy(false)
    }
  }

  const pick = async (file: File) => {
    setBusy(true)
    try {
      const base64 = await readAsBase64(file)
      const p: PickedFile = { fileName: file.name, base64 }
      setPicked(p)
      try {
        const result = await props.preview(p)
        setPicked(withToken(p, result))
        setPreview(result)
      } catch (e) {
        const problems = e instanceof ApiError ? importProblemsOf(e.details) : null
        if (problems) setPreview(props.fromProblems(problems))
        else {
          setPicked(null)
          setPreview(null)
          showError(e)
        }
      }
    } catch (e) {
      showError(e)
    } finally {
      setBusy(false)
    }
  }

  const apply = async () => {
    if (!picked) return
    setBusy(true)
    try {
      const msg = await props.apply(picked)
      notifySuccess(msg)
      reset()
      props.onClose()
      props.onDone?.()
    } catch (e) {
      showError(e)
      if (needsRepreview(e)) {
        const { token: _stale, sha256: _hash, ...file } = picked
        await check(file)
      }
    } finally {
      setBusy(false)
    }
  }

  const problems = preview ? props.problemsOf(preview) : []
  const matching = preview ? matchingOf(preview) : []
  const warnings = preview ? warningsOf(preview) : []
  const changes = !!preview && props.hasChanges(preview)
  const canApply = !!preview && problems.length === 0 && matching.length === 0 && changes
  const allChosen = matching.every((m) => choices[m.sheet])

  return (
    <Modal
      open={open}
      title={title}
      width={width}
      onCancel={close}
      maskClosable={false}
      footer={
        <Space>
          <Button onClick={close}>取消</Button>
          {picked && <Button onClick={reset}>重新选择文件</Button>}
          <Button type="primary" disabled={!canApply} loading={busy} onClick={apply} data-testid="import-apply">
            确认导入
          </Button>
        </Space>
      }
    >
      {!picked ? (
        <FileDropZone accept=".xlsx" disabled={busy} onPick={(file) => void pick(file)} text="点击选择或将 Excel 文件拖到此处" hint={hint} />
      ) : (
        <div data-testid="import-preview">
          <div style={{ marginBottom: 8 }}>
            文件：<b>{picked.fileName}</b>
            {busy && !preview && <span className="hint" style={{ marginLeft: 12 }}>正在检查文件…</span>}
            {preview && props.renderCounts && (
              <Space style={{ marginLeft: 16 }} size={4} wrap>
                {props.renderCounts(preview)}
              </Space>
            )}
          </div>
          {(((preview as { notices?: string[] } | null)?.notices) ?? []).map((n) => (
            <Alert key={n} type="warning" showIcon style={{ marginBottom: 8 }} message={n} data-testid="import-notice" />
          ))}
          {problems.length > 0 && (
            <div data-testid="import-problems" style={{ marginBottom: 12 }}>
              <Alert
                type="error"
                showIcon
                style={{ marginBottom: 8 }}
                message={`文件中有 ${problems.length} 个问题，请在 Excel 中改正后重新选择文件。问题改正前不会导入任何数据。`}
              />
              <ProblemsTable problems={problems} />
            </div>
          )}
          {matching.length > 0 && (
            <div data-testid="import-matching" style={{ marginBottom: 12 }}>
              <Alert
                type="warning"
                showIcon
                style={{ marginBottom: 8 }}
                message={`有 ${matching.length} 张工作表无法按项目编码或“单位＋项目名称”唯一对应到项目，请为每张表选择对应的项目，然后点“按所选项目重新检查”。系统不会自行猜测。`}
              />
              <Table<ImportMatchRequest>
                size="small"
                rowKey="sheet"
                dataSource={matching}
                pagination={false}
                columns={[
                  { title: '工作表', dataIndex: 'sheet', width: 110 },
                  { title: '表中填写', dataIndex: 'read', width: 220 },
                  { title: '原因', dataIndex: 'reason' },
                  {
                    title: '对应项目',
                    width: 280,
                    render: (_v, m) => (
                      <Select
                        showSearch
                        optionFilterProp="label"
                        placeholder="选择项目"
                        style={{ width: '100%' }}
                        value={choices[m.sheet]}
                        onChange={(v: string) => setChoices({ ...choices, [m.sheet]: v })}
                        data-testid={`match-${m.sheet}`}
                        options={[...(m.canCreate ? [{ value: MATCH_CREATE, label: '新增为项目库中的新项目' }] : []), ...m.candidates.map((c) => ({ value: c.id, label: c.label }))]}
                      />
                    ),
                  },
                ]}
              />
              <Button style={{ marginTop: 8 }} disabled={!allChosen} loading={busy} onClick={applyChoices} data-testid="import-rematch">
                按所选项目重新检查
              </Button>
            </div>
          )}
          {warnings.length > 0 && (
            <div data-testid="import-warnings" style={{ marginBottom: 12 }}>
              <Alert type="info" showIcon style={{ marginBottom: 8 }} message={`${warnings.length} 条提示（不影响导入）：表中缺少某些列、单位自填的得分与规则建议不同等，导入后可在项目中核对。`} />
              <ProblemsTable problems={warnings} />
            </div>
          )}
          {preview && props.renderRows(preview)}
          {preview && problems.length === 0 && matching.length === 0 && !changes && <Alert type="info" showIcon message={props.noChangesText ?? '文件内容与现有数据完全一致，无需导入。'} />}
        </div>
      )}
    </Modal>
  )
}
