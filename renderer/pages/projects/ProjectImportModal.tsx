/**
 * 导入项目清单: pick the 一体化 export (.xlsx / .csv) → 对应列 (guessed from the headers, or as
 * remembered for files with the same headers; the clerk corrects) with 元/万元 confirmed →
 * 预览 (row problems, unknown units to add or map) → 确认导入 (one transaction).
 */
import { Alert, Button, Modal, Radio, Select, Space, Steps, Table, Tag, Typography } from 'antd'
import { FileDropZone } from '../../components/FileDropZone'
import { useState } from 'react'
import type { MoneyUnit } from '../../../shared/money'
import {
  PROJECT_FIELDS,
  PROJECT_FIELD_SPECS,
  type ColumnMapping,
  type ProjectField,
  type ProjectImportPreview,
  type ProjectImportRead,
  type UnitResolution,
} from '../../../shared/project-import'
import { ApiError, call } from '../../api'
import { ProblemsTable, notifySuccess, showError } from '../../errors'
import { wan } from '../../format'
import { useApp } from '../../store'
import { readAsBase64 } from '../../components/SavedFile'

const ACTION_COLORS = { 新增: 'green', 更新: 'blue', 不变: 'default' } as const
const SHOWN_ROWS = 200

export function ProjectImportModal({ open, budgetYear, onClose, onDone }: { open: boolean; budgetYear: number; onClose(): void; onDone(): void }) {
  const units = useApp((s) => s.units)
  const divisions = useApp((s) => s.divisions)
  const [read, setRead] = useState<ProjectImportRead | null>(null)
  const [mapping, setMapping] = useState<ColumnMapping>({})
  const [moneyUnit, setMoneyUnit] = useState<MoneyUnit | null>(null)
  const [choices, setChoices] = useState<Record<string, UnitResolution>>({})
  const [preview, setPreview] = useState<ProjectImportPreview | null>(null)
  const [busy, setBusy] = useState(false)
  /** Why the chosen file could not be read, shown in the dialog until another file is chosen (a toast would be gone before it is read). */
  const [readError, setReadError] = useState<string | null>(null)

  const reset = () => {
    setReadError(null)
    setRead(null)
    setPreview(null)
    setChoices({})
    setMapping({})
    setMoneyUnit(null)
  }
  const close = () => {
    if (!read) return onClose()
    Modal.confirm({
      title: '放弃本次导入？',
      content: '已选择的文件和列的对应关系不会保存，项目库不会有任何改变。',
      okText: '放弃导入',
      cancelText: '继续导入',
      onOk: () => {
        reset()
        onClose()
      },
    })
  }

  const pick = async (file: File) => {
    setBusy(true)
    setReadError(null)
    try {
      const base64 = await readAsBase64(file)
      const r = await call('projects/importRead', { fileName: file.name, base64, budgetYear })
      setRead(r)
      setMapping(r.mapping)
      setMoneyUnit(r.moneyUnit)
      setUnitSource(r.moneyUnit ? `从${r.moneyUnitSource}识别，请确认` : '文件中没有写明金额单位，请选择')
      setPreview(null)
    } catch (e) {
      // Most of the backend's messages name the file already; the others get its name in front.
      const why = e instanceof Error ? e.message : String(e)
      setReadError(e instanceof ApiError && why.includes(file.name) ? why : `未能读取“${file.name}”：${why}`)
    } finally {
      setBusy(false)
    }
  }

  const runPreview = async (units = choices) => {
    if (!read || !moneyUnit) return
    setBusy(true)
    try {
      setPreview(await call('projects/importPreview', { token: read.token, budgetYear, mapping, moneyUnit, units }))
    } catch (e) {
      showError(e)
    } finally {
      setBusy(false)
    }
  }

  const apply = async () => {
    if (!read || !moneyUnit) return
    setBusy(true)
    try {
      const r = await call('projects/importApply', { token: read.token, budgetYear, mapping, moneyUnit, units: choices })
      notifySuccess(`导入完成：新增 ${r.created} 个、更新 ${r.updated} 个、未变 ${r.unchanged} 个项目${r.unitsCreated ? `，新增预算单位 ${r.unitsCreated} 个` : ''}`)
      reset()
      onClose()
      onDone()
    } catch (e) {
      showError(e)
    } finally {
      setBusy(false)
    }
  }

  /** Where the unit shown was read from; follows the amount column the clerk picks. */
  const [unitSource, setUnitSource] = useState('')
  const chooseColumn = (field: ProjectField, index: number | null) => {
    setMapping({ ...mapping, [field]: index })
    if (field !== 'amount' || !read) return
    const col = read.columns.find((c) => c.index === index)
    if (col?.moneyUnit) {
      setMoneyUnit(col.moneyUnit)
      setUnitSource(`从表头“${col.header}”识别，请确认`)
    }
  }

  const setChoice = (key: string, value: UnitResolution | undefined) => {
    const next = { ...choices }
    if (value) next[key] = value
    else delete next[key]
    setChoices(next)
  }

  const step = !read ? 0 : !preview ? 1 : 2
  const unresolved = preview ? preview.unknownUnits.filter((u) => !choices[u.key]).length : 0
  const canApply = !!preview && preview.problems.length === 0 && unresolved === 0 && preview.counts.create + preview.counts.update > 0

  const columnOptions = read
    ? [{ value: -1, label: '（表中没有此列）' }, ...read.columns.map((c) => ({ value: c.index, label: `${c.letter}列　${c.header || '（无表头）'}` }))]
    : []

  return (
    <Modal
      open={open}
      title={`导入${budgetYear}年项目清单`}
      width={1000}
      // Each opening starts from a fresh 选择文件 step: nothing of the last file's steps stays in
      // the page while the dialog is hidden, and the file input is a new one.
      destroyOnHidden
      // Esc, a click outside, × and 取消 all go through close(): it asks once a file has been read.
      onCancel={close}
      footer={
        <Space>
          <Button onClick={close}>取消</Button>
          {step >= 1 && <Button onClick={reset}>重新选择文件</Button>}
          {step === 2 && <Button onClick={() => setPreview(null)}>返回修改对应列</Button>}
          {step === 1 && (
            <Button type="primary" disabled={!moneyUnit} loading={busy} onClick={() => runPreview()} data-testid="import-next">
              下一步：预览
            </Button>
          )}
          {step === 2 && (
            <Button type="primary" disabled={!canApply} loading={busy} onClick={apply} data-testid="import-apply">
              确认导入
            </Button>
          )}
        </Space>
      }
    >
      <Steps size="small" current={step} style={{ marginBottom: 16 }} items={[{ title: '选择文件' }, { title: '对应列' }, { title: '预览并导入' }]} />
      {step === 0 && readError && <Alert type="error" showIcon style={{ marginBottom: 12 }} message={readError} data-testid="import-read-error" />}
      {step === 0 && (
        <FileDropZone
          accept=".xlsx,.xls,.csv"
          disabled={busy}
          onPick={(file) => void pick(file)}
          text="点击选择或将项目清单文件拖到此处"
          hint="预算管理一体化系统导出的项目清单（.xlsx 或 .csv），表头用系统自己的叫法即可，下一步核对各列的含义。.xls 文件请先在 Excel 或 WPS 中另存为 .xlsx。"
        />
      )}
      {step === 1 && read && (
        <div data-testid="import-mapping">
          <Typography.Paragraph>
            文件：<b>{read.fileName}</b>　工作表“{read.sheet}”，表头在第 {read.headerRow} 行，其下 {read.dataRows} 行。
          </Typography.Paragraph>
          {read.remembered && <Alert type="success" showIcon style={{ marginBottom: 8 }} message="已按上次导入同样表头的文件时的对应关系填好，请核对。" />}
          <Table
            size="small"
            rowKey="field"
            pagination={false}
            dataSource={PROJECT_FIELDS.map((f) => ({ field: f }))}
            columns={[
              {
                title: '项目库字段',
                width: 160,
                render: (_: unknown, { field }: { field: ProjectField }) => (
                  <span>
                    {PROJECT_FIELD_SPECS[field].label}
                    {PROJECT_FIELD_SPECS[field].required && <span style={{ color: '#cf1322' }}> *</span>}
                  </span>
                ),
              },
              {
                title: '文件中的列',
                width: 300,
                render: (_: unknown, { field }: { field: ProjectField }) => (
                  <Select
                    style={{ width: 280 }}
                    value={mapping[field] ?? -1}
                    options={columnOptions}
                    data-testid={`map-${field}`}
                    onChange={(v: number) => chooseColumn(field, v < 0 ? null : v)}
                  />
                ),
              },
              {
                title: '示例',
                render: (_: unknown, { field }: { field: ProjectField }) => {
                  const col = read.columns.find((c) => c.index === mapping[field])
                  return <span className="hint">{col ? col.samples.join('；') : PROJECT_FIELD_SPECS[field].hint}</span>
                },
              },
            ]}
          />
          <div style={{ marginTop: 12 }} data-testid="money-unit">
            <Space>
              <span>金额单位：</span>
              <Radio.Group value={moneyUnit} onChange={(e) => {
                  setMoneyUnit(e.target.value as MoneyUnit)
                  setUnitSource('按您的选择读取金额')
                }}>
                <Radio value="万元">万元</Radio>
                <Radio value="元">元</Radio>
              </Radio.Group>
              <span className="hint">{unitSource}</span>
            </Space>
          </div>
        </div>
      )}
      {step === 2 && preview && (
        <div data-testid="import-preview">
          <Space style={{ marginBottom: 8 }} wrap>
            <Tag color="green">新增 {preview.counts.create}</Tag>
            <Tag color="blue">更新 {preview.counts.update}</Tag>
            <Tag>不变 {preview.counts.unchanged}</Tag>
            <span>
              合计 <b>{wan(preview.totalFen)}</b> 万元（按{preview.moneyUnit}读取）
            </span>
          </Space>
          {preview.unknownUnits.length > 0 && (
            <div style={{ marginBottom: 12 }} data-testid="unknown-units">
              <Alert
                type={unresolved ? 'warning' : 'info'}
                showIcon
                style={{ marginBottom: 8 }}
                message={`${preview.unknownUnits.length} 个预算单位不在单位名单中${unresolved ? `，还有 ${unresolved} 个未处理` : ''}：请选择新增为预算单位，或对应到已有单位`}
                action={
                  <Button size="small" onClick={() => setChoices(Object.fromEntries(preview.unknownUnits.map((u) => [u.key, choices[u.key] ?? { action: 'create' as const, divisionId: null }])))}>
                    其余全部新增
                  </Button>
                }
              />
              <Table
                size="small"
                rowKey="key"
                pagination={false}
                dataSource={preview.unknownUnits}
                columns={[
                  { title: '文件中的单位', render: (_: unknown, u) => `${u.name || '（无名称）'}${u.code ? `（编码 ${u.code}）` : ''}` },
                  { title: '行', width: 120, render: (_: unknown, u) => (u.rows.length > 4 ? `第 ${u.rows.slice(0, 3).join('、')} 等 ${u.rows.length} 行` : `第 ${u.rows.join('、')} 行`) },
                  {
                    title: '处理',
                    width: 460,
                    render: (_: unknown, u) => {
                      const c = choices[u.key]
                      const suggested = new Set(u.suggestions.map((s) => s.id))
                      return (
                        <Space>
                          <Select
                            style={{ width: 240 }}
                            placeholder="请选择"
                            showSearch
                            optionFilterProp="label"
                            value={c ? (c.action === 'create' ? 'create' : c.unitId) : undefined}
                            data-testid={`unit-choice-${u.key}`}
                            onChange={(v: string) => setChoice(u.key, v === 'create' ? { action: 'create', divisionId: null } : { action: 'map', unitId: v })}
                            options={[
                              { value: 'create', label: '新增为预算单位' },
                              ...u.suggestions.map((s) => ({ value: s.id, label: `对应到 ${s.name}` })),
                              ...units.filter((x) => !suggested.has(x.id)).map((x) => ({ value: x.id, label: `对应到 ${x.name}` })),
                            ]}
                          />
                          {c?.action === 'create' && (
                            <Select
                              style={{ width: 160 }}
                              placeholder="所属股室"
                              allowClear
                              value={c.divisionId ?? undefined}
                              onChange={(d?: string) => setChoice(u.key, { action: 'create', divisionId: d ?? null })}
                              options={divisions.map((d) => ({ value: d.id, label: d.name }))}
                            />
                          )}
                        </Space>
                      )
                    },
                  },
                ]}
              />
            </div>
          )}
          {preview.problems.length > 0 && (
            <div data-testid="import-problems" style={{ marginBottom: 12 }}>
              <Alert type="error" showIcon style={{ marginBottom: 8 }} message={`文件中有 ${preview.problems.length} 个问题，请在文件中改正后重新选择文件，或返回修改对应列。问题改正前不会导入任何数据。`} />
              <ProblemsTable problems={preview.problems} />
            </div>
          )}
          {preview.problems.length === 0 && preview.rows.length > 0 && preview.counts.create + preview.counts.update === 0 && (
            <Alert type="info" showIcon style={{ marginBottom: 8 }} data-testid="import-nothing" message={`文件中的 ${preview.rows.length} 个项目与${budgetYear}年项目库完全一致（按项目编码对应），无需导入。`} />
          )}
          <Table
            size="small"
            rowKey="row"
            dataSource={preview.rows.slice(0, SHOWN_ROWS)}
            pagination={preview.rows.length > 20 ? { pageSize: 20, size: 'small', showSizeChanger: false } : false}
            columns={[
              { title: '行', dataIndex: 'row', width: 60 },
              { title: '预算单位', dataIndex: 'unitName', width: 200, ellipsis: true },
              { title: '项目编码', dataIndex: 'code', width: 140 },
              { title: '项目名称', dataIndex: 'name', ellipsis: true },
              { title: '金额（万元）', dataIndex: 'amountFen', width: 120, align: 'right', className: 'num', render: (f: number) => wan(f) },
              { title: '资金来源', dataIndex: 'fundSource', width: 120 },
              { title: '', dataIndex: 'action', width: 70, render: (a: keyof typeof ACTION_COLORS) => <Tag color={ACTION_COLORS[a]}>{a}</Tag> },
            ]}
          />
          {preview.rows.length > SHOWN_ROWS && <div className="hint">预览只列出前 {SHOWN_ROWS} 行，导入时处理全部 {preview.rows.length} 行。</div>}
        </div>
      )}
    </Modal>
  )
}
