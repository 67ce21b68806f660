/**
 * 绩效目标: 年度总体目标 and the editable three-level indicator table, with the indicator library and
 * the completeness checks run live as the user types (the server runs the same checks on submit).
 */
import { ArrowDownOutlined, ArrowUpOutlined, BookOutlined, CheckCircleFilled, CloseCircleFilled, DeleteOutlined, ExclamationCircleFilled, PlusOutlined } from '@ant-design/icons'
import { Button, Input, InputNumber, Modal, Select, Space, Table, Tag, Tooltip } from 'antd'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { Indicator, LibraryIndicator } from '../../../../shared/domain'
import { checkIndicators, LEVEL1_KEYS, LEVELS, OPERATORS, ALL_LEVEL2, type IndicatorInput, type IndicatorProblem, type Level1 } from '../../../../shared/indicators'
import { call } from '../../../api'
import { attempt, notifySuccess } from '../../../errors'
import { shortKey } from '../../../format'
import { useApp } from '../../../store'
import type { StageFormProps } from './types'

type Row = IndicatorInput & { key: string }

const toRows = (list: Indicator[]): Row[] =>
  list.map((i) => ({ key: i.id, id: i.id, level1: i.level1, level2: i.level2, name: i.name, operator: i.operator, targetValue: i.targetValue, unit: i.unit, weight: i.weight, explanation: i.explanation }))

const blankRow = (level1 = '产出指标'): Row => ({ key: shortKey('n'), level1, level2: '', name: '', operator: '≥', targetValue: '', unit: '', weight: null, explanation: '' })

export function TargetsForm({ detail, editable, onSaved, onDirty, saveRef }: StageFormProps) {
  const settings = useApp((s) => s.settings)
  const weightTotal = settings?.indicatorWeightTotal ?? 90
  const [goal, setGoal] = useState(detail.project.annualGoal)
  const [rows, setRows] = useState<Row[]>(() => toRows(detail.indicators))
  const [dirty, setDirty] = useState(false)
  const [libraryOpen, setLibraryOpen] = useState(false)
  const stateRef = useRef({ goal, rows })
  stateRef.current = { goal, rows }

  useEffect(() => {
    setGoal(detail.project.annualGoal)
    setRows(toRows(detail.indicators))
    setDirty(false)
  }, [detail])
  useEffect(() => onDirty(dirty), [dirty])

  const change = (next: Row[]) => {
    setRows(next)
    setDirty(true)
  }
  const setCell = (i: number, patch: Partial<Row>) => change(rows.map((r, k) => (k === i ? { ...r, ...patch } : r)))
  const move = (i: number, d: -1 | 1) => {
    const j = i + d
    if (j < 0 || j >= rows.length) return
    const next = [...rows]
    ;[next[i], next[j]] = [next[j]!, next[i]!]
    change(next)
  }

  const problems = useMemo(
    () => checkIndicators(goal, rows, { weightTotal, projectAmountFen: detail.project.amountFen }),
    [goal, rows, weightTotal, detail.project.amountFen],
  )
  const rowSeverity = useMemo(() => {
    const m = new Map<number, 'error' | 'warning'>()
    for (const p of problems) if (p.index !== null && m.get(p.index) !== 'error') m.set(p.index, p.severity)
    return m
  }, [problems])
  const weightSum = Math.round(rows.reduce((a, r) => a + (r.weight ?? 0), 0) * 100) / 100

  const save = async (): Promise<boolean> => {
    const { goal: g, rows: rs } = stateRef.current
    const r = await attempt(() =>
      call('targets/save', {
        projectId: detail.project.id,
        annualGoal: g,
        indicators: rs.map(({ key: _k, id, ...x }) => ({ ...x, ...(id ? { id } : {}) })),
      }),
    )
    if (!r) return false
    const errors = r.problems.filter((p) => p.severity === 'error').length
    notifySuccess(errors ? `已保存；还有 ${errors} 处需完善才能提交审核` : '绩效目标已保存')
    setDirty(false)
    onSaved()
    return true
  }
  saveRef.current = editable ? save : null

  const pickFromLibrary = (lib: LibraryIndicator) => {
    const row: Row = { key: shortKey('n'), level1: lib.level1, level2: lib.level2, name: lib.name, operator: lib.operator, targetValue: lib.targetValue, unit: lib.unit, weight: null, explanation: lib.explanation }
    // Fill the last row if it is still blank, else add one.
    const last = rows[rows.length - 1]
    if (last && !last.name.trim() && !last.targetValue.trim()) change([...rows.slice(0, -1), { ...row, key: last.key }])
    else change([...rows, row])
    notifySuccess(`已加入指标“${lib.name}”，请核对指标值和权重`)
  }

  const columns = [
    { title: '#', key: 'no', width: 36, align: 'center' as const, render: (_v: unknown, _r: Row, i: number) => i + 1 },
    {
      title: '一级指标',
      key: 'level1',
      width: 112,
      render: (_v: unknown, r: Row, i: number) =>
        editable ? (
          <Select
            size="small"
            style={{ width: '100%' }}
            value={r.level1 || undefined}
            placeholder="一级"
            onChange={(v: string) => setCell(i, { level1: v, level2: (LEVELS[v as Level1] as readonly string[]).includes(r.level2) ? r.level2 : (LEVELS[v as Level1][0] ?? '') })}
            options={LEVEL1_KEYS.map((k) => ({ value: k, label: k }))}
            data-testid={`ind-level1-${i}`}
          />
        ) : (
          r.level1
        ),
    },
    {
      title: '二级指标',
      key: 'level2',
      width: 152,
      render: (_v: unknown, r: Row, i: number) =>
        editable ? (
          <Select
            size="small"
            style={{ width: '100%' }}
            value={r.level2 || undefined}
            placeholder="二级"
            status={r.level2 && !ALL_LEVEL2.includes(r.level2) ? 'error' : undefined}
            onChange={(v: string) => setCell(i, { level2: v })}
            options={((LEVELS[r.level1 as Level1] as readonly string[] | undefined) ?? []).map((k) => ({ value: k, label: k }))}
            data-testid={`ind-level2-${i}`}
          />
        ) : (
          r.level2
        ),
    },
    {
      title: '三级指标',
      key: 'name',
      width: 190,
      render: (_v: unknown, r: Row, i: number) =>
        editable ? <Input size="small" value={r.name} maxLength={100} placeholder="指标名称" onChange={(e) => setCell(i, { name: e.target.value })} data-testid={`ind-name-${i}`} /> : r.name,
    },
    {
      title: '性质',
      key: 'operator',
      width: 74,
      render: (_v: unknown, r: Row, i: number) =>
        editable ? (
          <Select size="small" style={{ width: '100%' }} value={r.operator || undefined} onChange={(v: string) => setCell(i, { operator: v })} options={OPERATORS.map((o) => ({ value: o, label: o }))} data-testid={`ind-op-${i}`} />
        ) : (
          r.operator
        ),
    },
    {
      title: '指标值',
      key: 'value',
      width: 110,
      render: (_v: unknown, r: Row, i: number) =>
        editable ? <Input size="small" value={r.targetValue} maxLength={200} placeholder={r.operator === '定性' ? '如：明显改善' : '数值'} onChange={(e) => setCell(i, { targetValue: e.target.value })} data-testid={`ind-value-${i}`} /> : r.targetValue,
    },
    {
      title: '度量单位',
      key: 'unit',
      width: 98,
      render: (_v: unknown, r: Row, i: number) =>
        editable ? <Input size="small" value={r.unit} maxLength={20} placeholder={r.operator === '定性' ? '—' : '如：%'} onChange={(e) => setCell(i, { unit: e.target.value })} data-testid={`ind-unit-${i}`} /> : r.unit,
    },
    {
      title: '权重',
      key: 'weight',
      width: 70,
      render: (_v: unknown, r: Row, i: number) =>
        editable ? (
          <InputNumber size="small" style={{ width: '100%' }} min={0} max={100} value={r.weight} onChange={(v) => setCell(i, { weight: v ?? null })} data-testid={`ind-weight-${i}`} />
        ) : (
          (r.weight ?? '—')
        ),
    },
    {
      title: '指标解释',
      key: 'explanation',
      render: (_v: unknown, r: Row, i: number) =>
        editable ? <Input size="small" value={r.explanation} maxLength={500} placeholder="计算方法、口径" onChange={(e) => setCell(i, { explanation: e.target.value })} /> : <span className="hint">{r.explanation}</span>,
    },
    ...(editable
      ? [
          {
            title: '',
            key: 'ops',
            width: 84,
            render: (_v: unknown, _r: Row, i: number) => (
              <Space size={0}>
                <Button type="text" size="small" icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => move(i, -1)} aria-label="上移" />
                <Button type="text" size="small" icon={<ArrowDownOutlined />} disabled={i === rows.length - 1} onClick={() => move(i, 1)} aria-label="下移" />
                <Button type="text" size="small" danger icon={<DeleteOutlined />} onClick={() => change(rows.filter((_x, k) => k !== i))} aria-label="删除指标" data-testid={`ind-remove-${i}`} />
              </Space>
            ),
          },
        ]
      : []),
  ]

  return (
    <div data-testid="targets-form">
      <div className="form-label">年度总体目标</div>
      {editable ? (
        <Input.TextArea
          value={goal}
          onChange={(e) => {
            setGoal(e.target.value)
            setDirty(true)
          }}
          autoSize={{ minRows: 2, maxRows: 6 }}
          maxLength={1000}
          placeholder="项目年度内计划达到的产出和效果，如：完成城区 120 万平方米道路清扫保洁，生活垃圾无害化处理率达 95% 以上……"
          data-testid="annual-goal"
        />
      ) : (
        <div className="readonly-text">{goal || <span className="hint">未填写</span>}</div>
      )}
      <div className="form-bar">
        <span className="form-label" style={{ margin: 0 }}>
          绩效指标
        </span>
        {editable && (
          <>
            <Button size="small" icon={<PlusOutlined />} onClick={() => change([...rows, blankRow(rows[rows.length - 1]?.level1)])} data-testid="ind-add">
              添加指标
            </Button>
            <Button size="small" icon={<BookOutlined />} onClick={() => setLibraryOpen(true)} data-testid="ind-library">
              从指标库选择
            </Button>
          </>
        )}
        <span className="spacer" />
        <span className={weightSum === weightTotal || rows.every((r) => r.weight === null) ? 'hint' : 'warn-text'} data-testid="weight-sum">
          {rows.every((r) => r.weight === null) ? `未填权重（如填写，合计应为 ${weightTotal}）` : `权重合计 ${weightSum} / ${weightTotal}`}
        </span>
      </div>
      <Table<Row>
        size="small"
        className="edit-table"
        rowKey="key"
        dataSource={rows}
        columns={columns}
        pagination={false}
        scroll={{ x: 1040 }}
        rowClassName={(_r, i) => (rowSeverity.get(i) === 'error' ? 'row-error' : rowSeverity.get(i) === 'warning' ? 'row-warn' : '')}
        locale={{ emptyText: editable ? '还没有指标，点击“添加指标”或“从指标库选择”' : '未填报绩效指标' }}
      />
      {editable && <ProblemList problems={problems} rows={rows} />}
      <LibraryModal open={libraryOpen} onClose={() => setLibraryOpen(false)} onPick={(l) => { pickFromLibrary(l); setLibraryOpen(false) }} />
    </div>
  )
}

/** Errors (block submission) then warnings, each naming its indicator. */
export function ProblemList({ problems, rows, title = '完整性检查' }: { problems: IndicatorProblem[]; rows?: { name: string }[]; title?: string }) {
  const sorted = [...problems].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1))
  const errors = problems.filter((p) => p.severity === 'error').length
  return (
    <div className="problem-list" data-testid="problem-list">
      <div className="problem-head">
        {title}
        {problems.length === 0 ? (
          <Tag color="success" icon={<CheckCircleFilled />} style={{ marginLeft: 8 }}>
            已通过，可提交审核
          </Tag>
        ) : (
          <span className="hint" style={{ marginLeft: 8 }}>
            {errors ? `${errors} 处须修改后才能提交审核` : '没有必须修改的问题'}
            {problems.length - errors ? `，${problems.length - errors} 处提醒` : ''}
          </span>
        )}
      </div>
      {sorted.map((p, i) => (
        <div key={i} className={`problem problem-${p.severity}`} data-testid="problem">
          {p.severity === 'error' ? <CloseCircleFilled /> : <ExclamationCircleFilled />}
          {p.index !== null && rows && (
            <Tooltip title={rows[p.index]?.name}>
              <span className="problem-row">第{p.index + 1}行</span>
            </Tooltip>
          )}
          <span>{p.message}</span>
        </div>
      ))}
    </div>
  )
}

function LibraryModal({ open, onClose, onPick }: { open: boolean; onClose: () => void; onPick: (l: LibraryIndicator) => void }) {
  const [search, setSearch] = useState('')
  const [level2, setLevel2] = useState<string | undefined>()
  const [rows, setRows] = useState<LibraryIndicator[]>([])
  const [loading, setLoading] = useState(false)

  useEffect(() => {
    if (!open) return
    let cancelled = false
    const t = setTimeout(() => {
      setLoading(true)
      void attempt(() => call('library/list', { search: search.trim() || undefined, level2 })).then((r) => {
        if (cancelled) return
        setLoading(false)
        if (r) setRows(r)
      })
    }, 200)
    return () => {
      cancelled = true
      clearTimeout(t)
    }
  }, [open, search, level2])

  return (
    <Modal open={open} title="从指标库选择" width={900} footer={null} onCancel={onClose} style={{ top: 48 }}>
      <div className="toolbar">
        <Input.Search placeholder="搜索指标名称" allowClear style={{ width: 240 }} value={search} onChange={(e) => setSearch(e.target.value)} data-testid="library-search" autoFocus />
        <Select placeholder="二级指标" allowClear style={{ width: 170 }} value={level2} onChange={setLevel2} options={ALL_LEVEL2.map((l) => ({ value: l, label: l }))} />
        <span className="hint">选用后可修改指标值、权重等；指标库可在“设置”中维护</span>
      </div>
      <Table<LibraryIndicator>
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={rows}
        scroll={{ y: 420 }}
        pagination={false}
        locale={{ emptyText: '指标库中没有匹配的指标' }}
        columns={[
          { title: '二级指标', dataIndex: 'level2', width: 130 },
          { title: '三级指标', dataIndex: 'name' },
          { title: '性质', dataIndex: 'operator', width: 56, align: 'center' },
          { title: '参考值', key: 'value', width: 130, render: (_v, r) => `${r.targetValue}${r.unit}` },
          { title: '领域', dataIndex: 'field', width: 84 },
          {
            title: '',
            key: 'pick',
            width: 64,
            render: (_v, r) => (
              <a onClick={() => onPick(r)} data-testid="library-pick">
                选用
              </a>
            ),
          },
        ]}
      />
    </Modal>
  )
}
