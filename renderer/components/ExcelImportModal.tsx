/**
 * The one Excel import dialog: pick a file → preview (what will be created/changed) and the
 * problems table (工作表 / 行 / 列 / 问题) → 确认导入. A file with problems cannot be applied, so it
 * changes nothing. Used by 预算单位 and by the stage forms (申报表 / 监控表 / 自评表).
 */
import { InboxOutlined } from '@ant-design/icons'
import { Alert, Button, Modal, Space, Upload } from 'antd'
import { useState, type ReactNode } from 'react'
import type { ImportProblem } from '../../shared/domain'
import { ApiError } from '../api'
import { ProblemsTable, importProblemsOf, notifySuccess, showError } from '../errors'
import { readAsBase64 } from './SavedFile'

export interface PickedFile {
  fileName: string
  base64: string
}

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

  const reset = () => {
    setPicked(null)
    setPreview(null)
  }
  const close = () => {
    reset()
    props.onClose()
  }

  const pick = async (file: File) => {
    setBusy(true)
    try {
      const base64 = await readAsBase64(file)
      const p: PickedFile = { fileName: file.name, base64 }
      setPicked(p)
      try {
        setPreview(await props.preview(p))
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
    } finally {
      setBusy(false)
    }
  }

  const problems = preview ? props.problemsOf(preview) : []
  const changes = !!preview && props.hasChanges(preview)
  const canApply = !!preview && problems.length === 0 && changes

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
        <Upload.Dragger
          accept=".xlsx"
          multiple={false}
          showUploadList={false}
          disabled={busy}
          beforeUpload={(file) => {
            void pick(file)
            return false
          }}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">点击选择或将 Excel 文件拖到此处</p>
          <p className="ant-upload-hint">{hint}</p>
        </Upload.Dragger>
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
          {preview && props.renderRows(preview)}
          {preview && problems.length === 0 && !changes && <Alert type="info" showIcon message={props.noChangesText ?? '文件内容与现有数据完全一致，无需导入。'} />}
        </div>
      )}
    </Modal>
  )
}
