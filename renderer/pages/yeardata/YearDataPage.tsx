/**
 * 年度数据: the work years with their locks (锁定/解锁 with a reason), 导出年度数据包 (a job with
 * progress), 导入数据包 (verified before anything is kept), the kept packages (只读查看,
 * 恢复为工作数据, 删除), 年度结转, and the backups (立即备份, 从此备份恢复).
 */
import { DeleteOutlined, EyeOutlined, FolderOpenOutlined, ImportOutlined, LockOutlined, RollbackOutlined, SaveOutlined, UnlockOutlined } from '@ant-design/icons'
import { Alert, App, Button, Card, Checkbox, Descriptions, Form, Input, Modal, Popconfirm, Progress, Result, Space, Table, Tag, Tooltip, Typography, Upload } from 'antd'
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import type { BackupEntry, JobState, PackageManifest, YearPackage, YearStatus } from '../../../shared/domain'
import { zhDateTime } from '../../../shared/dates'
import { PACKAGE_PART_BYTES } from '../../../shared/api'
import { call } from '../../api'
import { PageHeader } from '../../components/PageHeader'
import { openFile, readAsBase64 } from '../../components/SavedFile'
import { attempt, notifySuccess } from '../../errors'
import { defaultWorkYear, useApp } from '../../store'
import { packageTitle, useViewing } from './viewing'
import './yeardata.css'
import { GuardedModal } from '../../components/EditModal'

const fmtTime = (iso: string | null | undefined) => (iso ? zhDateTime(iso) : '—')
const totalRows = (m: PackageManifest) => Object.values(m.rowCounts).reduce((a, b) => a + b, 0)
const shortHash = (h: string) => h.slice(0, 12)

function fmtSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} 字节`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** A path with copy and 打开所在文件夹 (a package is not a document to open by double-click). */
function PathLine({ path, testId = 'saved-path' }: { path: string; testId?: string }) {
  return (
    <div>
      <Typography.Paragraph copyable={{ text: path, tooltips: ['复制路径', '已复制'] }} style={{ wordBreak: 'break-all', marginBottom: 8 }} data-testid={testId}>
        {path}
      </Typography.Paragraph>
      <Button icon={<FolderOpenOutlined />} onClick={() => openFile(path, true)}>
        打开所在文件夹
      </Button>
    </div>
  )
}

/** What the package's signature says under this PC's bureau key (设置 · 公文设置 · 单位密钥). */
function SignatureLine({ note }: { note: string }) {
  const valid = note.endsWith('签名有效')
  return (
    <div data-testid="signature-note" style={{ color: valid ? '#389e0d' : '#8c8c8c', fontSize: 12 }}>
      {valid ? '✔ ' : ''}
      {note}
    </div>
  )
}

export function ManifestView({ m, fileName }: { m: PackageManifest; fileName?: string }) {
  return (
    <Descriptions size="small" bordered column={2} className="yd-manifest" data-testid="manifest">
      <Descriptions.Item label="县">{m.county || '—'}</Descriptions.Item>
      <Descriptions.Item label="年度">
        <span data-testid="manifest-year">{m.workYear}年度</span>
        {m.kind === 'carry-over' && <Tag style={{ marginLeft: 8 }}>结转数据包</Tag>}
      </Descriptions.Item>
      <Descriptions.Item label="单位">{m.bureau || '—'}</Descriptions.Item>
      <Descriptions.Item label="生成时间">{fmtTime(m.createdAt)}</Descriptions.Item>
      <Descriptions.Item label="数据结构版本">{m.schemaVersion}</Descriptions.Item>
      <Descriptions.Item label="软件版本">{m.appVersion}</Descriptions.Item>
      <Descriptions.Item label="行数">
        共 {totalRows(m)} 条记录（{Object.keys(m.rowCounts).length} 张表）
      </Descriptions.Item>
      <Descriptions.Item label="校验码">
        <Tooltip title={`SHA-256：${m.sha256}`}>
          <code data-testid="manifest-sha">{shortHash(m.sha256)}…</code>
        </Tooltip>
      </Descriptions.Item>
      {fileName && (
        <Descriptions.Item label="文件" span={2}>
          {fileName}
        </Descriptions.Item>
      )}
    </Descriptions>
  )
}

/** A confirmation for replacing the working data: says what happens and needs a tick. */
function ReplaceConfirm({ open, title, children, onCancel, onConfirm }: { open: boolean; title: string; children: ReactNode; onCancel: () => void; onConfirm: () => Promise<void> }) {
  const [ticked, setTicked] = useState(false)
  const [busy, setBusy] = useState(false)
  useEffect(() => setTicked(false), [open])
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onCancel}
      maskClosable={false}
      okText="确认恢复"
      cancelText="取消"
      okButtonProps={{ danger: true, disabled: !ticked, loading: busy, 'data-testid': 'replace-ok' } as never}
      onOk={async () => {
        setBusy(true)
        try {
          await onConfirm()
        } finally {
          setBusy(false)
        }
      }}
    >
      <Alert
        type="warning"
        showIcon
        message="当前的全部工作数据将被替换"
        description={
          <div>
            {children}
            <p style={{ margin: '6px 0 0' }}>
              替换前系统会<b>自动备份当前工作数据</b>，如有需要，可在本页“备份”中从该备份恢复。
            </p>
          </div>
        }
      />
      <Checkbox style={{ marginTop: 12 }} checked={ticked} onChange={(e) => setTicked(e.target.checked)} data-testid="replace-tick">
        我已了解，当前工作数据将被替换
      </Checkbox>
    </Modal>
  )
}

// ——— Export (a job) ———

function ExportModal({ workYear, onClose }: { workYear: number | null; onClose: () => void }) {
  const [job, setJob] = useState<JobState | null>(null)
  const [error, setError] = useState<string | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)

  useEffect(() => {
    setJob(null)
    setError(null)
    if (workYear === null) return
    let stopped = false
    const poll = (id: string) => {
      timer.current = setTimeout(async () => {
        try {
          const j = await call('jobs/get', { id })
          if (stopped) return
          setJob(j)
          if (j.status === 'running') poll(id)
        } catch (e) {
          if (!stopped) setError(e instanceof Error ? e.message : String(e))
        }
      }, 300)
    }
    call('yearData/export', { workYear })
      .then((j) => {
        if (stopped) return
        setJob(j)
        if (j.status === 'running') poll(j.id)
      })
      .catch((e: unknown) => {
        if (!stopped) setError(e instanceof Error ? e.message : String(e))
      })
    return () => {
      stopped = true
      if (timer.current) clearTimeout(timer.current)
    }
  }, [workYear])

  const running = !error && (!job || job.status === 'running')
  const cancel = async () => {
    if (job) await attempt(() => call('jobs/cancel', { id: job.id }))
  }
  const pct = job && job.total > 0 ? Math.min(100, Math.round((job.done / job.total) * 100)) : 0
  const path = job?.paths[0]
  return (
    <Modal
      open={workYear !== null}
      title={`导出${workYear ?? ''}年度数据包`}
      width={640}
      maskClosable={false}
      closable={!running}
      onCancel={running ? undefined : onClose}
      footer={
        running ? (
          <Button onClick={cancel} disabled={!job}>
            取消导出
          </Button>
        ) : (
          <Button type="primary" onClick={onClose}>
            关闭
          </Button>
        )
      }
    >
      <div data-testid="export-job">
        {error ? (
          <Alert type="error" showIcon message="导出未完成" description={error} />
        ) : job?.status === 'done' && path ? (
          <Result status="success" title="年度数据包已导出" subTitle={job.message} style={{ padding: '12px 0' }} extra={<div style={{ textAlign: 'left' }}><PathLine path={path} /></div>} />
        ) : job?.status === 'failed' ? (
          <Alert type="error" showIcon message="导出失败" description={job.message} />
        ) : job?.status === 'cancelled' ? (
          <Alert type="info" showIcon message="已取消导出" description={job.message || '没有生成数据包'} />
        ) : (
          <div style={{ padding: '8px 0' }}>
            <Progress percent={pct} status="active" data-testid="export-progress" />
            <div className="hint">{job?.message || '正在准备…'}</div>
            <div className="hint" style={{ marginTop: 6 }}>
              数据包先写入临时文件，完成后再改为正式文件名，中途取消不会留下不完整的文件。
            </div>
          </div>
        )}
      </div>
    </Modal>
  )
}

// ——— Lock / unlock ———

function LockModal({ year, onClose, onDone }: { year: YearStatus | null; onClose: () => void; onDone: () => void }) {
  const [form] = Form.useForm<{ reason: string }>()
  const [busy, setBusy] = useState(false)
  const unlocking = !!year?.locked
  useEffect(() => {
    if (year) form.resetFields()
  }, [year, form])
  const submit = async () => {
    if (!year) return
    let v: { reason: string }
    try {
      v = await form.validateFields()
    } catch {
      return
    }
    setBusy(true)
    const r = await attempt(() => call('yearData/lock', { workYear: year.workYear, locked: !unlocking, reason: (v.reason ?? '').trim() }))
    setBusy(false)
    if (!r) return
    notifySuccess(r.locked ? `${r.workYear}年度已锁定` : `${r.workYear}年度已解锁`)
    onDone()
  }
  return (
    <GuardedModal open={year !== null} title={year ? `${unlocking ? '解锁' : '锁定'}${year.workYear}年度` : ''} onCancel={onClose} onOk={submit} okText={unlocking ? '解锁' : '锁定'} cancelText="取消" confirmLoading={busy} forceRender>
      <Typography.Paragraph type="secondary">
        {unlocking
          ? '解锁后该年度的记录可以再次修改。解锁原因将记入操作日志。'
          : '锁定后该年度的所有记录只能查看、导出和生成文件，不能修改。已结束的年度建议锁定。'}
      </Typography.Paragraph>
      <Form form={form} layout="vertical">
        <Form.Item name="reason" label={unlocking ? '解锁原因' : '原因（可选）'} rules={unlocking ? [{ required: true, whitespace: true, message: '请填写解锁原因' }] : []}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={500} placeholder={unlocking ? '例如：更正2024年1-9月监控数据' : '例如：年度工作已结束'} />
        </Form.Item>
      </Form>
    </GuardedModal>
  )
}

// ——— The page ———

export function YearDataPage() {
  const { modal } = App.useApp()
  const dataVersion = useApp((s) => s.dataVersion)
  const viewing = useViewing((s) => s.viewing)
  const [packages, setPackages] = useState<YearPackage[]>([])
  const [years, setYears] = useState<YearStatus[]>([])
  const [backups, setBackups] = useState<BackupEntry[]>([])
  const [loading, setLoading] = useState(false)
  const [exporting, setExporting] = useState<number | null>(null)
  const [locking, setLocking] = useState<YearStatus | null>(null)
  const [importing, setImporting] = useState(false)
  /** How much of the package has reached the backend (0–1) while it is sent; null otherwise. */
  const [sent, setSent] = useState<number | null>(null)
  const [importError, setImportError] = useState<string | null>(null)
  const [imported, setImported] = useState<YearPackage | null>(null)
  const [restoring, setRestoring] = useState<YearPackage | null>(null)
  const [restoringBackup, setRestoringBackup] = useState<BackupEntry | null>(null)
  const [carry, setCarry] = useState<{ path: string; manifest: PackageManifest } | null>(null)
  const [busyId, setBusyId] = useState<string | null>(null)

  const reload = useCallback(async () => {
    setLoading(true)
    const [p, b] = await Promise.all([attempt(() => call('yearData/packages', {})), attempt(() => call('backups/list', {}))])
    setLoading(false)
    if (p) {
      setPackages(p.packages)
      setYears(p.years)
    }
    if (b) setBackups(b)
  }, [])

  useEffect(() => {
    void reload()
  }, [reload, dataVersion])

  const importFile = async (file: File) => {
    setImportError(null)
    setImporting(true)
    setSent(0)
    try {
      // Sent in parts (a city's year is 70 MB and more): each part read from the file as it goes.
      let uploadId: string | null = null
      for (let offset = 0; offset < file.size; offset += PACKAGE_PART_BYTES) {
        const base64 = await readAsBase64(file.slice(offset, offset + PACKAGE_PART_BYTES))
        const r: { uploadId: string; received: number } = await call('yearData/upload', { uploadId, fileName: file.name, offset, total: file.size, base64 })
        uploadId = r.uploadId
        setSent(r.received / file.size)
      }
      if (!uploadId) throw new Error('所选文件是空的，不是年度数据包')
      setSent(null)
      const pkg = await call('yearData/import', { fileName: file.name, uploadId })
      setImported(pkg)
      await reload()
    } catch (e) {
      setImportError(e instanceof Error ? e.message : String(e))
    } finally {
      setImporting(false)
      setSent(null)
    }
  }

  const openPkg = async (pkg: YearPackage) => {
    setBusyId(pkg.id)
    const ok = await attempt(async () => {
      await useViewing.getState().open(pkg)
      return true
    })
    setBusyId(null)
    if (ok) notifySuccess(`已打开${packageTitle(pkg.manifest)}（只读）`)
  }

  const closePkg = async () => {
    const ok = await attempt(async () => {
      await useViewing.getState().close()
      return true
    })
    if (ok) notifySuccess('已返回工作数据')
  }

  const afterReplace = async (backup: string, what: string) => {
    await useViewing
      .getState()
      .load()
      .catch(() => undefined)
    await useApp.getState().refreshAll()
    useApp.setState({ workYear: defaultWorkYear(useApp.getState().info) })
    modal.success({ title: `已恢复${what}`, content: `原工作数据已自动备份为“${backup}”。`, okText: '知道了' })
  }

  const removePkg = async (pkg: YearPackage) => {
    const r = await attempt(() => call('yearData/removePackage', { id: pkg.id }))
    if (!r) return
    notifySuccess(`已删除${packageTitle(pkg.manifest)}`)
    if (viewing?.id === pkg.id) {
      await useViewing
        .getState()
        .load()
        .catch(() => undefined)
      await useApp.getState().refreshAll()
    } else await reload()
  }

  const carryOver = (y: number) => {
    modal.confirm({
      title: `${y}年度结转，开始${y + 1}年度工作？`,
      width: 520,
      content: (
        <div>
          <p>将生成一个{y + 1}年度的结转数据包，带入：预算单位、股室、操作员、第三方机构、指标库、设置、{y + 1}年预算项目库，以及尚未完成的整改事项。</p>
          <p style={{ marginBottom: 0 }}>当前工作数据不会改变；结转前会自动备份。</p>
        </div>
      ),
      okText: '开始结转',
      cancelText: '取消',
      onOk: async () => {
        const r = await attempt(() => call('yearData/carryOver', { workYear: y }))
        if (r) {
          setCarry(r)
          await reload()
        }
      },
    })
  }

  const backupNow = async () => {
    const r = await attempt(() => call('backups/create', {}))
    if (!r) return
    notifySuccess(`已备份：${r.fileName}`)
    await reload()
  }

  return (
    <div>
      <PageHeader
        title="年度数据"
        note="年度数据包用于移交、归档和上报；数据库文件不要直接复制"
        extra={
          <Upload
            accept=".sqlite,.db,.ysjx"
            showUploadList={false}
            beforeUpload={(file) => {
              void importFile(file)
              return false
            }}
          >
            <Button type="primary" icon={<ImportOutlined />} loading={importing} data-testid="import-package">
              {sent === null ? (importing ? '正在校验数据包……' : '导入数据包') : `正在读入数据包 ${Math.floor(sent * 100)}%`}
            </Button>
          </Upload>
        }
      />
      {importError && (
        <Alert type="error" showIcon closable onClose={() => setImportError(null)} style={{ marginBottom: 12 }} message="数据包未导入，现有数据没有任何改变" description={<span data-testid="import-error">{importError}</span>} />
      )}

      <Card size="small" className="yd-section" title="工作年度">
        <Table<YearStatus>
          size="small"
          rowKey="workYear"
          loading={loading}
          dataSource={years}
          pagination={false}
          locale={{ emptyText: '还没有任何年度的业务数据' }}
          data-testid="years"
          columns={[
            { title: '工作年度', dataIndex: 'workYear', width: 110, render: (y: number) => <b>{y}年度</b> },
            {
              title: '状态',
              key: 'locked',
              width: 120,
              render: (_v, y) =>
                y.locked ? (
                  <Tag color="red" icon={<LockOutlined />}>
                    已锁定
                  </Tag>
                ) : (
                  <Tag color="green">可修改</Tag>
                ),
            },
            { title: '锁定时间', dataIndex: 'lockedAt', width: 160, render: (v: string | null) => fmtTime(v) },
            {
              title: '操作',
              key: 'actions',
              render: (_v, y) => (
                <Space size={12} wrap>
                  <a onClick={() => setExporting(y.workYear)} data-testid={`export-${y.workYear}`}>
                    导出年度数据包
                  </a>
                  <a onClick={() => carryOver(y.workYear)}>年度结转</a>
                  <a onClick={() => setLocking(y)}>
                    {y.locked ? (
                      <>
                        <UnlockOutlined /> 解锁
                      </>
                    ) : (
                      <>
                        <LockOutlined /> 锁定
                      </>
                    )}
                  </a>
                </Space>
              ),
            },
          ]}
        />
      </Card>

      <Card size="small" className="yd-section" title="已导入的年度数据包" extra={<span className="hint">导入时已校验完整性和校验码；可只读查看，或恢复为工作数据</span>}>
        <Table<YearPackage>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={packages}
          pagination={false}
          data-testid="packages"
          locale={{ emptyText: '还没有导入数据包。点击右上角“导入数据包”，选择从U盘或其他电脑拷来的年度数据包文件' }}
          expandable={{ expandedRowRender: (p) => <ManifestView m={p.manifest} fileName={p.fileName} /> }}
          columns={[
            {
              title: '数据包',
              key: 'title',
              render: (_v, p) => (
                <div>
                  <b>{packageTitle(p.manifest)}</b>
                  {viewing?.id === p.id && (
                    <Tag color="gold" style={{ marginLeft: 8 }}>
                      正在查看
                    </Tag>
                  )}
                  <div className="hint" style={{ wordBreak: 'break-all' }}>
                    {p.fileName}
                  </div>
                  <SignatureLine note={p.signatureNote} />
                </div>
              ),
            },
            { title: '生成时间', key: 'created', width: 140, render: (_v, p) => fmtTime(p.manifest.createdAt) },
            { title: '软件版本', key: 'ver', width: 96, render: (_v, p) => p.manifest.appVersion },
            { title: '记录数', key: 'rows', width: 80, align: 'right', render: (_v, p) => totalRows(p.manifest) },
            { title: '校验码', key: 'sha', width: 120, render: (_v, p) => <code title={p.manifest.sha256}>{shortHash(p.manifest.sha256)}</code> },
            { title: '导入时间', dataIndex: 'importedAt', width: 140, render: (v: string) => fmtTime(v) },
            {
              title: '操作',
              key: 'actions',
              width: 310,
              render: (_v, p) => (
                <Space size={10}>
                  {viewing?.id === p.id ? (
                    <a onClick={closePkg}>
                      <RollbackOutlined /> 返回工作数据
                    </a>
                  ) : (
                    <a onClick={() => openPkg(p)} data-testid="open-package">
                      <EyeOutlined /> {busyId === p.id ? '正在打开…' : '只读查看'}
                    </a>
                  )}
                  <a onClick={() => setRestoring(p)}>恢复为工作数据</a>
                  <Popconfirm title={`删除${packageTitle(p.manifest)}？`} description="只删除本机保存的这份数据包，不影响工作数据和原文件。" okText="删除" cancelText="取消" onConfirm={() => removePkg(p)}>
                    <a style={{ color: '#cf1322' }}>
                      <DeleteOutlined /> 删除
                    </a>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>

      <Card
        size="small"
        className="yd-section"
        title="备份"
        extra={
          <Space>
            <span className="hint">程序启动、导入、恢复、结转前自动备份，旧备份自动轮换</span>
            <Button size="small" icon={<SaveOutlined />} onClick={backupNow}>
              立即备份
            </Button>
          </Space>
        }
      >
        <Table<BackupEntry>
          size="small"
          rowKey="fileName"
          loading={loading}
          dataSource={backups}
          pagination={backups.length > 10 ? { pageSize: 10, size: 'small' } : false}
          data-testid="backups"
          locale={{ emptyText: '还没有备份' }}
          columns={[
            { title: '备份时间', dataIndex: 'createdAt', width: 150, render: (v: string) => fmtTime(v) },
            { title: '原因', dataIndex: 'reasonName', width: 140 },
            { title: '大小', dataIndex: 'size', width: 100, align: 'right', render: (v: number) => fmtSize(v) },
            { title: '文件', dataIndex: 'fileName', ellipsis: true, render: (v: string, b) => <span title={b.path}>{v}</span> },
            {
              title: '操作',
              key: 'actions',
              width: 240,
              render: (_v, b) => (
                <Space size={10}>
                  <a onClick={() => setRestoringBackup(b)}>从此备份恢复</a>
                  <a onClick={() => openFile(b.path, true)}>打开所在文件夹</a>
                </Space>
              ),
            },
          ]}
        />
      </Card>

      <ExportModal workYear={exporting} onClose={() => setExporting(null)} />
      <LockModal
        year={locking}
        onClose={() => setLocking(null)}
        onDone={async () => {
          setLocking(null)
          await reload()
        }}
      />

      <Modal
        open={imported !== null}
        title="数据包已通过校验并导入"
        width={680}
        onCancel={() => setImported(null)}
        footer={
          <Space>
            <Button onClick={() => setImported(null)}>关闭</Button>
            <Button
              type="primary"
              icon={<EyeOutlined />}
              onClick={async () => {
                const p = imported
                setImported(null)
                if (p) await openPkg(p)
              }}
            >
              只读查看
            </Button>
          </Space>
        }
      >
        {imported && (
          <div data-testid="import-result">
            <Typography.Paragraph type="secondary">文件完整、校验码一致，数据符合本软件的规则。下面是数据包中记录的信息：</Typography.Paragraph>
            <SignatureLine note={imported.signatureNote} />
            <ManifestView m={imported.manifest} fileName={imported.fileName} />
          </div>
        )}
      </Modal>

      <Modal open={carry !== null} title="年度结转完成" width={640} onCancel={() => setCarry(null)} footer={<Button type="primary" onClick={() => setCarry(null)}>关闭</Button>}>
        {carry && (
          <div>
            <Typography.Paragraph>
              已生成{packageTitle(carry.manifest)}。可将此文件交给{carry.manifest.workYear + 1}年度的经办人员，在其电脑的“年度数据”中导入后恢复为工作数据，开始新年度工作。
            </Typography.Paragraph>
            <PathLine path={carry.path} />
          </div>
        )}
      </Modal>

      <ReplaceConfirm
        open={restoring !== null}
        title="将数据包恢复为工作数据"
        onCancel={() => setRestoring(null)}
        onConfirm={async () => {
          const p = restoring
          if (!p) return
          const r = await attempt(() => call('yearData/restore', { id: p.id }))
          if (!r) return
          setRestoring(null)
          await afterReplace(r.backup, packageTitle(p.manifest))
        }}
      >
        {restoring && <p style={{ margin: 0 }}>将用“{packageTitle(restoring.manifest)}”（{fmtTime(restoring.manifest.createdAt)}生成）替换本机的全部工作数据。此后录入的内容都在该数据包的基础上进行。</p>}
      </ReplaceConfirm>
      <ReplaceConfirm
        open={restoringBackup !== null}
        title="从备份恢复工作数据"
        onCancel={() => setRestoringBackup(null)}
        onConfirm={async () => {
          const b = restoringBackup
          if (!b) return
          const r = await attempt(() => call('backups/restore', { fileName: b.fileName }))
          if (!r) return
          setRestoringBackup(null)
          await afterReplace(r.backup, `${fmtTime(b.createdAt)}的备份`)
        }}
      >
        {restoringBackup && (
          <p style={{ margin: 0 }}>
            将把工作数据恢复到 {fmtTime(restoringBackup.createdAt)}（{restoringBackup.reasonName}）时的状态，此后录入的内容将不再出现在工作数据中。
          </p>
        )}
      </ReplaceConfirm>
    </div>
  )
}
