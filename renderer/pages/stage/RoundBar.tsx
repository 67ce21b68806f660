/**
 * The round (任务) bar of a stage: pick a round, its progress at a glance, and the round's actions:
 * 同步项目, 编辑/删除, round documents, Excel 导出/导入, 批量生成意见书.
 */
import { DeleteOutlined, DownloadOutlined, EditOutlined, FileWordOutlined, CopyOutlined, FolderOpenOutlined, SyncOutlined, UploadOutlined } from '@ant-design/icons'
import { Button, DatePicker, Divider, List, Modal, Popconfirm, Progress, Radio, Select, Space, Table, Tag, Tooltip } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useEffect, useState } from 'react'
import type { JobState, Round, StageImportPreview } from '../../../shared/domain'
import { defaultDateIn } from '../../../shared/dates'
import { SELFEVAL_FILE_PROJECTS } from '../../../shared/limits'
import { DOC_KINDS } from '../../../shared/documents'
import { ITEM_STATUSES, type ItemStatus } from '../../../shared/stage'
import { call } from '../../api'
import { DocumentDialog, type DocRequest } from '../../components/DocumentDialog'
import { ExcelImportModal } from '../../components/ExcelImportModal'
import { JobProgressModal } from '../../components/JobProgressModal'
import { openFile } from '../../components/SavedFile'
import { attempt, notifyInfo, notifySuccess } from '../../errors'
import { wan } from '../../format'
import { STATUS_COLORS, type StageConfig } from './config'

export function RoundBar({
  cfg,
  rounds,
  round,
  onSelect,
  onEdit,
  onChanged,
  onRemoved,
  onStatus,
  readOnly = null,
}: {
  readOnly?: string | null
  cfg: StageConfig
  rounds: Round[]
  round: Round | null
  onSelect: (id: string) => void
  onEdit: (r: Round) => void
  onChanged: () => void
  onRemoved: () => void
  onStatus: (s: ItemStatus | undefined) => void
}) {
  const [doc, setDoc] = useState<DocRequest | null>(null)
  const [exportOpen, setExportOpen] = useState(false)
  const [importOpen, setImportOpen] = useState(false)
  const [batchOpen, setBatchOpen] = useState(false)

  if (!round) return null
  const reviewed = round.counts['已审核']
  const percent = round.itemCount ? Math.round((reviewed / round.itemCount) * 100) : 0

  const sync = async () => {
    const r = await attempt(() => call('rounds/sync', { id: round.id }))
    if (!r) return
    if (r.added) notifySuccess(`已加入 ${r.added} 个新项目`)
    else notifyInfo('项目库中没有新的项目需要加入')
    onChanged()
  }

  const remove = async () => {
    const r = await attempt(() => call('rounds/remove', { id: round.id }))
    if (!r) return
    notifySuccess(`已删除任务“${round.title}”`)
    onRemoved()
  }

  return (
    <div className="page-card round-bar" data-testid="round-bar">
      <div className="round-row">
        <span className="round-label">任务</span>
        <Select
          data-testid="round-select"
          style={{ width: 330 }}
          value={round.id}
          onChange={onSelect}
          options={rounds.map((r) => ({ value: r.id, label: r.title }))}
        />
        <Tooltip title={readOnly ?? '编辑任务名称、截止日期等'}>
          <Button icon={<EditOutlined />} onClick={() => onEdit(round)} aria-label="编辑任务" disabled={!!readOnly} data-testid="round-edit" />
        </Tooltip>
        <Tooltip title={readOnly ?? '把项目库中后来新增、属于本任务范围的项目加入本任务'}>
          <Button icon={<SyncOutlined />} onClick={sync} disabled={!!readOnly} data-testid="round-sync">
            同步项目
          </Button>
        </Tooltip>
        <Popconfirm title={`删除任务“${round.title}”？`} description="只有全部项目都还未填报的任务才能删除。" okText="删除" cancelText="取消" onConfirm={remove} disabled={!!readOnly}>
          <Tooltip title={readOnly ?? '删除任务'}>
            <Button icon={<DeleteOutlined />} danger aria-label="删除任务" disabled={!!readOnly} />
          </Tooltip>
        </Popconfirm>
        <span className="spacer" />
        <span>
          共 <b>{round.itemCount}</b> 个项目，<b className="num" data-testid="round-total">{wan(round.totalFen)}</b> 万元
        </span>
        <span className="hint">
          {round.asOfMonth ? `监控期间 1-${round.asOfMonth}月 · ` : ''}截止 {round.deadline ?? '未定'}
        </span>
        {round.overdue && (
          <Tooltip title="已过截止日期，仍有项目未审核通过">
            <Tag color="red" data-testid="round-overdue" style={{ marginInlineEnd: 0 }}>
              已逾期
            </Tag>
          </Tooltip>
        )}
      </div>
      <div className="round-row round-progress" data-testid="round-progress">
        {ITEM_STATUSES.map((s) => (
          <Tooltip key={s} title={`只看“${s}”的项目`} mouseEnterDelay={0.5}>
            <Tag color={STATUS_COLORS[s]} className="count-tag" onClick={() => onStatus(s)} data-testid={`round-count-${s}`}>
              {s} {round.counts[s]}
            </Tag>
          </Tooltip>
        ))}
        <Progress percent={percent} showInfo={false} size={[90, 6]} style={{ width: 90, margin: '0 2px 0 6px' }} />
        <span className="hint">已审核 {percent}%</span>
        <span className="spacer" />
        {cfg.roundDocs.map((d) => (
          <Button key={d.kind} size="small" icon={<FileWordOutlined />} onClick={() => setDoc({ kind: d.kind, recordId: round.id })} data-testid={`round-doc-${d.kind}`}>
            {d.label}
          </Button>
        ))}
        {cfg.excel && (
          <>
            <Button size="small" icon={<DownloadOutlined />} onClick={() => setExportOpen(true)} data-testid="excel-export">
              导出Excel
            </Button>
            <Tooltip title={readOnly}>
              <Button size="small" icon={<UploadOutlined />} onClick={() => setImportOpen(true)} disabled={!!readOnly} data-testid="excel-import">
                导入Excel
              </Button>
            </Tooltip>
          </>
        )}
        {cfg.batchKind && (
          <Tooltip title={readOnly ?? (reviewed ? `为本任务 ${reviewed} 个已审核项目各生成一份${DOC_KINDS[cfg.batchKind].name}` : '本任务还没有审核通过的项目')}>
            <Button size="small" icon={<CopyOutlined />} disabled={!reviewed || !!readOnly} onClick={() => setBatchOpen(true)} data-testid="batch-open">
              批量生成意见书
            </Button>
          </Tooltip>
        )}
      </div>

      {doc && <DocumentDialog request={doc} onClose={() => setDoc(null)} />}
      {cfg.excel && (
        <>
          <ExportModal open={exportOpen} round={round} form={cfg.excel.form} onClose={() => setExportOpen(false)} />
          <ExcelImportModal<StageImportPreview>
            open={importOpen}
            title={`导入${cfg.excel.form}`}
            hint={`选择单位填好的《${cfg.excel.form}》：本任务“导出Excel”生成的表，或单位按财政部、省级格式自行填写的表（每个项目一张工作表）。有编号的按编号匹配项目，没有的按项目编码或单位和项目名称匹配，对不上的在预览中选择；重复导入只会更新，不会重复；表中有问题时不会导入任何数据。填写完整的项目导入后即提交审核（等同单位报送），未填完的保持待填报。`}
            preview={(f) => call('stageExcel/preview', { roundId: round.id, ...f })}
            fromProblems={(problems) => ({ summary: { projectsCreated: 0, projectsUpdated: 0, indicatorsCreated: 0, indicatorsUpdated: 0, indicatorsRemoved: 0, itemsFilled: 0, itemsSubmitted: 0 }, rows: [], problems })}
            problemsOf={(p) => p.problems}
            hasChanges={(p) => p.rows.some((r) => r.action !== '不变')}
            renderCounts={(p) => (
              <>
                <Tag color="blue">填报 {p.summary.itemsFilled} 个项目</Tag>
                {p.problems.length === 0 && (
                  <Tag color={p.summary.itemsSubmitted === p.summary.itemsFilled ? 'green' : 'gold'} data-testid="import-submits">
                    导入后提交审核 {p.summary.itemsSubmitted} 个{p.summary.itemsFilled > p.summary.itemsSubmitted ? `，${p.summary.itemsFilled - p.summary.itemsSubmitted} 个未填完暂不提交` : ''}
                  </Tag>
                )}
                {p.summary.projectsCreated > 0 && <Tag color="green">新增项目 {p.summary.projectsCreated}</Tag>}
                {p.summary.projectsUpdated > 0 && <Tag color="blue">更新项目 {p.summary.projectsUpdated}</Tag>}
                {p.summary.indicatorsCreated + p.summary.indicatorsUpdated + p.summary.indicatorsRemoved > 0 && (
                  <Tag>
                    指标 新增 {p.summary.indicatorsCreated} · 修改 {p.summary.indicatorsUpdated} · 删除 {p.summary.indicatorsRemoved}
                  </Tag>
                )}
              </>
            )}
            renderRows={(p) =>
              p.rows.length > 0 && (
                <Table
                  size="small"
                  rowKey={(r) => `${r.unitName}|${r.projectName}`}
                  dataSource={p.rows}
                  data-testid="import-rows"
                  pagination={p.rows.length > 10 ? { pageSize: 10, size: 'small', showSizeChanger: false } : false}
                  columns={[
                    { title: '预算单位', dataIndex: 'unitName', width: 180, ellipsis: true },
                    { title: '项目名称', dataIndex: 'projectName', ellipsis: true },
                    { title: '处理', dataIndex: 'action', width: 70, render: (a: string) => <Tag color={a === '新增' ? 'green' : a === '更新' ? 'blue' : 'default'}>{a}</Tag> },
                    { title: '说明', dataIndex: 'detail' },
                  ]}
                />
              )
            }
            apply={async (f) => {
              // With the preview's token and sha256 the file is not sent again (its parse is kept).
              const { base64, ...named } = f
              const s = await call('stageExcel/apply', { roundId: round.id, ...(f.token && f.sha256 ? named : { ...named, base64 }) })
              const parts = [`填报 ${s.itemsFilled} 个项目`, `提交审核 ${s.itemsSubmitted} 个`]
              if (s.projectsCreated) parts.push(`新增项目 ${s.projectsCreated} 个`)
              if (s.projectsUpdated) parts.push(`更新项目 ${s.projectsUpdated} 个`)
              if (s.indicatorsCreated + s.indicatorsUpdated + s.indicatorsRemoved) parts.push(`指标新增 ${s.indicatorsCreated}、修改 ${s.indicatorsUpdated}、删除 ${s.indicatorsRemoved}`)
              return `导入完成：${parts.join('，')}`
            }}
            onClose={() => setImportOpen(false)}
            onDone={onChanged}
          />
        </>
      )}
      {cfg.batchKind && <BatchModal open={batchOpen} kind={cfg.batchKind} round={round} onClose={() => setBatchOpen(false)} />}
    </div>
  )
}

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p

/** Export the units' workbooks: all units in one file, or one file per unit (optionally some units). */
function ExportModal({ open, round, form, onClose }: { open: boolean; round: Round; form: string; onClose: () => void }) {
  const [oneFile, setOneFile] = useState(false)
  const [unitIds, setUnitIds] = useState<string[]>([])
  const [units, setUnits] = useState<{ value: string; label: string }[]>([])
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<{ paths: string[]; folder: string } | null>(null)
  // The 自评表 has a sheet per project: a whole city round does not fit one file (the backend says
  // so for a choice of units too).
  const crowded = round.stage === 'selfeval' && round.itemCount > SELFEVAL_FILE_PROJECTS

  useEffect(() => {
    if (!open) return
    setResult(null)
    setUnitIds([])
    // The round's units only, not its items (a city's round holds thousands).
    void attempt(() => call('rounds/units', { roundId: round.id })).then((r) => {
      if (r) setUnits(r.map((u) => ({ value: u.id, label: `${u.code} ${u.name}` })))
    })
  }, [open, round.id])

  const run = async () => {
    setBusy(true)
    const r = await attempt(() => call('stageExcel/export', { roundId: round.id, unitIds, oneFile: oneFile && !(crowded && unitIds.length === 0) }))
    setBusy(false)
    if (r) setResult(r)
  }

  return (
    <Modal
      open={open}
      title={`导出${form}`}
      width={720}
      onCancel={onClose}
      footer={
        result ? (
          <Button type="primary" onClick={onClose}>
            关闭
          </Button>
        ) : (
          <Space>
            <Button onClick={onClose}>取消</Button>
            <Button type="primary" loading={busy} onClick={run} data-testid="export-run">
              导出
            </Button>
          </Space>
        )
      }
    >
      {!result ? (
        <div>
          <p className="hint">导出的表已填入各单位的项目（和已有数据），锁定了表头和编号，带下拉选项和填表说明，可发给单位填写后导入。</p>
          <Radio.Group value={oneFile} onChange={(e) => setOneFile(e.target.value as boolean)} style={{ marginBottom: 12 }}>
            <Radio value={false}>每个单位一个文件</Radio>
            <Radio value={true} disabled={crowded && unitIds.length === 0}>
              全部单位一个文件
            </Radio>
          </Radio.Group>
          {crowded && (
            <p className="hint" data-testid="export-one-file-hint">
              自评表每个项目一张工作表，一个文件最多 {SELFEVAL_FILE_PROJECTS} 个项目（再多 Excel、WPS 打开缓慢，也无法导回），本任务有 {round.itemCount} 个项目：请每个单位一个文件，或选择部分单位合为一个文件。
            </p>
          )}
          <Select
            mode="multiple"
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: '100%' }}
            placeholder={`本任务全部单位（${units.length} 个）`}
            value={unitIds}
            onChange={setUnitIds}
            options={units}
            maxTagCount="responsive"
          />
        </div>
      ) : (
        <div data-testid="export-result">
          <Space style={{ marginBottom: 8 }} wrap>
            <span>已导出 {result.paths.length} 个文件，保存在：</span>
            <span style={{ wordBreak: 'break-all' }} data-testid="export-folder">
              {result.folder}
            </span>
            <Button size="small" icon={<FolderOpenOutlined />} onClick={() => openFile(result.folder, false)}>
              打开文件夹
            </Button>
          </Space>
          <List
            size="small"
            bordered
            style={{ maxHeight: 300, overflow: 'auto' }}
            dataSource={result.paths}
            renderItem={(p) => (
              <List.Item actions={[<a key="o" onClick={() => openFile(p, false)}>打开</a>, <a key="f" onClick={() => openFile(p, true)}>所在文件夹</a>]}>
                <span data-testid="export-path" title={p} style={{ wordBreak: 'break-all' }}>
                  {baseName(p)}
                </span>
                <span hidden data-testid="export-fullpath">
                  {p}
                </span>
              </List.Item>
            )}
          />
        </div>
      )}
    </Modal>
  )
}

/** 批量生成意见书: choose the 成文日期, then follow the job. */
function BatchModal({ open, kind, round, onClose }: { open: boolean; kind: keyof typeof DOC_KINDS; round: Round; onClose: () => void }) {
  // Inside the round's work year (its deadline when backfilling a past year), not the PC's clock alone.
  const proposed = () => dayjs(defaultDateIn(round.workYear, new Date(), round.deadline))
  const [date, setDate] = useState<Dayjs>(proposed)
  const [busy, setBusy] = useState(false)
  const [job, setJob] = useState<JobState | null>(null)

  useEffect(() => {
    if (open) setDate(proposed())
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, round.workYear, round.deadline])

  const start = async () => {
    setBusy(true)
    const j = await attempt(() => call('docs/batch', { kind, roundId: round.id, date: date.format('YYYY-MM-DD') }))
    setBusy(false)
    if (!j) return
    onClose()
    setJob(j)
  }

  return (
    <>
      <Modal
        open={open}
        title={`批量生成${DOC_KINDS[kind].name}`}
        onCancel={onClose}
        onOk={start}
        okText="开始生成"
        cancelText="取消"
        confirmLoading={busy}
        okButtonProps={{ ...({ 'data-testid': 'batch-start' } as Record<`data-${string}`, string>) }}
      >
        <p>
          为“{round.title}”中 <b>{round.counts['已审核']}</b> 个已审核项目各生成一份{DOC_KINDS[kind].name}。已生成过的沿用原文号和已编辑的内容。
        </p>
        <Space>
          <span>成文日期</span>
          <DatePicker value={date} onChange={(d) => d && setDate(d)} allowClear={false} data-testid="batch-date" />
        </Space>
        <Divider style={{ margin: '12px 0 0' }} />
      </Modal>
      <JobProgressModal job={job} onClose={() => setJob(null)} />
    </>
  )
}
