/**
 * 单位自评 · 自评表, laid out like the county form: funds by source (执行率 → score of 10), each
 * indicator's 实际完成值 → suggested score by rule, the final score (a different one needs a reason,
 * and who changed it is kept), 偏差原因; total and grade; 评价结论 / 存在问题 / 改进措施.
 */
import { Checkbox, Input, InputNumber, Select, Table, Tag, Tooltip } from 'antd'
import { useEffect, useMemo, useRef, useState } from 'react'
import { FUND_ROW_SOURCES, type Indicator } from '../../../../shared/domain'
import { formatMoney, parseMoney, ratePercent, sumFen } from '../../../../shared/money'
import { DEFAULT_SCORING_RULES, executionScore, gradeOf, needsOverrideReason, scoreIndicator, totalScore } from '../../../../shared/scoring'
import { call } from '../../../api'
import { attempt, notifySuccess } from '../../../errors'
import { wan } from '../../../format'
import { useApp } from '../../../store'
import { ConclusionTag } from '../ItemsTable'
import type { StageFormProps } from './types'

interface FundText {
  source: string
  initial: string
  budget: string
  executed: string
}
interface ValueState {
  actual: string
  inapplicable: boolean
  finalScore: number | null
  overrideReason: string
  reason: string
}

const m = (fen: number) => formatMoney(fen, '万元', 2)
const parse = (t: string) => (t.trim() ? parseMoney(t, '万元') : null)
const fenOf = (t: string) => {
  const r = parse(t)
  return r && r.ok ? r.fen : 0
}

export function SelfEvalForm({ detail, editable, onSaved, onDirty, saveRef }: StageFormProps) {
  const rules = useApp((s) => s.settings?.scoring) ?? DEFAULT_SCORING_RULES
  const ev = detail.evaluation
  const initFunds = (): FundText[] => {
    const saved = ev?.funds ?? []
    return FUND_ROW_SOURCES.map((source, k) => {
      const f = saved.find((x) => x.source === source)
      if (f) return { source, initial: m(f.initialFen), budget: m(f.budgetFen), executed: m(f.executedFen) }
      // A new 自评表 starts from the project's budget as this year's fiscal funds.
      if (k === 0 && saved.length === 0) return { source, initial: m(detail.item.amountFen), budget: m(detail.item.amountFen), executed: '' }
      return { source, initial: '', budget: '', executed: '' }
    })
  }
  const initValues = (): ValueState[] =>
    detail.indicators.map((ind) => {
      const v = ev?.values.find((x) => x.indicatorId === ind.id)
      const overridden = v && v.finalScore !== null && v.suggestedScore !== v.finalScore
      return { actual: v?.actual ?? '', inapplicable: v?.inapplicable ?? false, finalScore: overridden ? v.finalScore : null, overrideReason: v?.overrideReason ?? '', reason: v?.reason ?? '' }
    })
  const [funds, setFunds] = useState<FundText[]>(initFunds)
  const [values, setValues] = useState<ValueState[]>(initValues)
  const [executionNote, setExecutionNote] = useState(ev?.executionNote ?? '')
  const [conclusion, setConclusion] = useState(ev?.conclusion ?? '')
  const [problems, setProblems] = useState(ev?.problems ?? '')
  const [improvements, setImprovements] = useState(ev?.improvements ?? '')
  const [dirty, setDirty] = useState(false)
  const ref = useRef({ funds, values, executionNote, conclusion, problems, improvements })
  ref.current = { funds, values, executionNote, conclusion, problems, improvements }

  useEffect(() => {
    setFunds(initFunds())
    setValues(initValues())
    setExecutionNote(ev?.executionNote ?? '')
    setConclusion(ev?.conclusion ?? '')
    setProblems(ev?.problems ?? '')
    setImprovements(ev?.improvements ?? '')
    setDirty(false)
  }, [detail])
  useEffect(() => onDirty(dirty), [dirty])

  const setFund = (k: number, patch: Partial<FundText>) => {
    setFunds((fs) => fs.map((f, i) => (i === k ? { ...f, ...patch } : f)))
    setDirty(true)
  }
  const setValue = (k: number, patch: Partial<ValueState>) => {
    setValues((vs) => vs.map((v, i) => (i === k ? { ...v, ...patch } : v)))
    setDirty(true)
  }
  const text = (set: (v: string) => void) => (v: string) => {
    set(v)
    setDirty(true)
  }

  const totals = {
    initial: sumFen(funds.map((f) => fenOf(f.initial))),
    budget: sumFen(funds.map((f) => fenOf(f.budget))),
    executed: sumFen(funds.map((f) => fenOf(f.executed))),
  }
  const exec = executionScore(totals.budget, totals.executed, rules)
  // Any fund row whose 全年执行数 exceeds its 全年预算数 needs a 说明 (the backend refuses 提交审核 without one).
  const overBudget = funds.some((f) => fenOf(f.executed) > fenOf(f.budget))
  const weights = detail.indicators.map((ind, k) => ev?.values[k]?.weight ?? ind.weight ?? 0)

  const scored = useMemo(
    () =>
      detail.indicators.map((ind: Indicator, k) => {
        const v = values[k]!
        const weight = weights[k]!
        const rule = scoreIndicator({ operator: ind.operator, targetValue: ind.targetValue, actual: v.actual, weight }, rules)
        const suggested = v.inapplicable ? null : rule.score
        const final = v.inapplicable ? null : (v.finalScore ?? suggested)
        const needReason = !v.inapplicable && v.finalScore !== null && needsOverrideReason(suggested, v.finalScore, ind.operator, weight, v.actual, rules)
        return { suggested, final, needReason, rule: rule.rule, weight }
      }),
    [values, detail.indicators, rules],
  )
  const applicable = scored.filter((s, k) => !values[k]!.inapplicable)
  const missing = applicable.filter((s) => s.final === null).length
  const live = totalScore({ executionScore: exec.score, indicators: applicable.filter((s) => s.final !== null).map((s) => ({ weight: s.weight, score: s.final! })) }, rules)
  const indicatorSum = Math.round(applicable.reduce((a, s) => a + (s.final ?? 0), 0) * 100) / 100

  const save = async (): Promise<boolean> => {
    const s = ref.current
    const filled = s.funds.filter((f) => f.initial.trim() || f.budget.trim() || f.executed.trim())
    const rows = (filled.length ? filled : s.funds.slice(0, 1)).map((f) => ({
      source: f.source,
      initialWan: f.initial.trim() || '0',
      budgetWan: f.budget.trim() || '0',
      executedWan: f.executed.trim() || '0',
    }))
    const r = await attempt(() =>
      call('selfeval/save', {
        itemId: detail.item.id,
        funds: rows,
        values: detail.indicators.map((ind, k) => {
          const v = s.values[k]!
          return { indicatorId: ind.id, actual: v.actual.trim(), inapplicable: v.inapplicable, finalScore: v.inapplicable ? null : v.finalScore, overrideReason: v.overrideReason.trim(), reason: v.reason.trim() }
        }),
        executionNote: s.executionNote.trim(),
        conclusion: s.conclusion.trim(),
        problems: s.problems.trim(),
        improvements: s.improvements.trim(),
      }),
    )
    if (!r) return false
    notifySuccess(r.evaluation?.totalScore != null ? `自评表已保存：总分 ${r.evaluation.totalScore}，等级 ${r.evaluation.grade}` : '自评表已保存')
    setDirty(false)
    onSaved(r)
    return true
  }
  saveRef.current = editable ? save : null

  const moneyCell = (k: number, field: 'initial' | 'budget' | 'executed') => {
    const f = funds[k]!
    const p = parse(f[field])
    return editable ? (
      <Input size="small" value={f[field]} onChange={(e) => setFund(k, { [field]: e.target.value })} status={p && !p.ok ? 'error' : undefined} inputMode="decimal" data-testid={`se-${field}-${k}`} />
    ) : (
      f[field] || '—'
    )
  }

  const qualitative = rules.qualitative.map((q) => ({ value: q.level, label: q.level }))
  const rateOf = (f: FundText) => {
    const r = ratePercent(fenOf(f.executed), fenOf(f.budget))
    return r === null ? '' : `${r.toFixed(2)}%`
  }

  return (
    <div data-testid="selfeval-form">
      <div className="form-label">预算执行情况（万元）</div>
      <Table<FundText>
        size="small"
        className="edit-table"
        rowKey="source"
        dataSource={funds}
        pagination={false}
        columns={[
          { title: '资金来源', dataIndex: 'source', width: 130 },
          { title: '年初预算数', key: 'i', width: 140, render: (_v, _f, k) => moneyCell(k, 'initial') },
          { title: '全年预算数', key: 'b', width: 140, render: (_v, _f, k) => moneyCell(k, 'budget') },
          { title: '全年执行数', key: 'e', width: 140, render: (_v, _f, k) => moneyCell(k, 'executed') },
          { title: '执行率', key: 'r', width: 90, align: 'right', className: 'num', render: (_v, f) => rateOf(f) },
          { title: '分值', key: 'w', width: 60, align: 'right' },
          { title: '得分', key: 's', width: 70, align: 'right' },
        ]}
        summary={() => (
          <Table.Summary.Row className="sum-row">
            <Table.Summary.Cell index={0}>合计</Table.Summary.Cell>
            <Table.Summary.Cell index={1} className="num">{wan(totals.initial)}</Table.Summary.Cell>
            <Table.Summary.Cell index={2} className="num">{wan(totals.budget)}</Table.Summary.Cell>
            <Table.Summary.Cell index={3} className="num">{wan(totals.executed)}</Table.Summary.Cell>
            <Table.Summary.Cell index={4} align="right" className="num">
              <span data-testid="se-rate">{exec.rate === null ? '—' : `${exec.rate.toFixed(2)}%`}</span>
            </Table.Summary.Cell>
            <Table.Summary.Cell index={5} align="right">
              {rules.weights.execution}
            </Table.Summary.Cell>
            <Table.Summary.Cell index={6} align="right" className="num">
              <span data-testid="se-exec-score">{exec.score.toFixed(2)}</span>
            </Table.Summary.Cell>
          </Table.Summary.Row>
        )}
      />
      {((exec.rate !== null && (exec.rate < 90 || overBudget)) || executionNote) && (
        <div style={{ marginTop: 6 }}>
          <div className="form-label">
            预算执行情况说明
            {exec.rate !== null && exec.rate < 90 && <span className="warn-text" style={{ marginLeft: 8, fontWeight: 'normal' }}>预算执行率低于 90%，须说明原因</span>}
            {overBudget && <span className="warn-text" style={{ marginLeft: 8, fontWeight: 'normal' }} data-testid="se-over-budget">全年执行数超过全年预算数，须说明原因（如年中追加预算）</span>}
          </div>
          {editable ? (
            <Input.TextArea value={executionNote} onChange={(e) => text(setExecutionNote)(e.target.value)} autoSize={{ minRows: 1, maxRows: 4 }} maxLength={500} status={exec.rate !== null && (exec.rate < 90 || overBudget) && !executionNote.trim() ? 'warning' : undefined} data-testid="se-execution-note" />
          ) : (
            <div className="readonly-text">{executionNote}</div>
          )}
        </div>
      )}

      <div className="form-label" style={{ marginTop: 12 }}>
        绩效指标完成情况
      </div>
      <Table<Indicator>
        size="small"
        className="edit-table"
        rowKey="id"
        dataSource={detail.indicators}
        pagination={false}
        scroll={{ x: 1120 }}
        locale={{ emptyText: '该项目没有绩效目标；自评须对照批复的绩效目标逐项填写' }}
        rowClassName={(_r, k) => (values[k]?.inapplicable ? 'row-muted' : scored[k]?.needReason && !values[k]?.overrideReason.trim() ? 'row-error' : '')}
        columns={[
          {
            title: '指标',
            key: 'name',
            width: 170,
            render: (_v, ind) => (
              <div>
                <div>{ind.name}</div>
                <div className="hint">
                  {ind.level1.replace('指标', '')} · {ind.level2.replace('指标', '')}
                </div>
              </div>
            ),
          },
          { title: '指标值', key: 'target', width: 112, render: (_v, ind) => `${ind.operator === '定性' ? '' : ind.operator}${ind.targetValue}${ind.unit}` },
          {
            title: '实际完成值',
            key: 'actual',
            width: 160,
            render: (_v, ind, k) =>
              !editable ? (
                values[k]?.actual || '—'
              ) : ind.operator === '定性' ? (
                <Select size="small" style={{ width: '100%' }} value={values[k]?.actual || undefined} onChange={(v: string) => setValue(k, { actual: v })} options={qualitative} placeholder="选择完成等级" disabled={values[k]?.inapplicable} popupMatchSelectWidth={false} data-testid={`se-actual-${k}`} />
              ) : (
                <Input size="small" value={values[k]?.actual} onChange={(e) => setValue(k, { actual: e.target.value })} suffix={<span className="hint">{ind.unit}</span>} disabled={values[k]?.inapplicable} data-testid={`se-actual-${k}`} />
              ),
          },
          {
            title: '不适用',
            key: 'na',
            width: 60,
            align: 'center',
            render: (_v, _ind, k) => <Checkbox checked={values[k]?.inapplicable} disabled={!editable} onChange={(e) => setValue(k, { inapplicable: e.target.checked })} />,
          },
          { title: '分值', key: 'weight', width: 56, align: 'right', render: (_v, _ind, k) => scored[k]?.weight },
          {
            title: '建议得分',
            key: 'suggested',
            width: 74,
            align: 'right',
            render: (_v, _ind, k) => (
              <Tooltip title={scored[k]?.rule}>
                <span className="num suggested" data-testid={`se-suggest-${k}`}>
                  {values[k]?.inapplicable ? '不计' : (scored[k]?.suggested ?? '—')}
                </span>
              </Tooltip>
            ),
          },
          {
            title: '最终得分',
            key: 'final',
            width: 230,
            render: (_v, ind, k) => {
              const v = values[k]!
              const s = scored[k]!
              const by = detail.evaluation?.values[k]?.overrideBy
              if (!editable)
                return (
                  <div>
                    <span className="num">{s.final ?? '—'}</span>
                    {v.finalScore !== null && v.overrideReason && (
                      <div className="hint">
                        调整理由：{v.overrideReason}
                        {by ? `（${by}）` : ''}
                      </div>
                    )}
                  </div>
                )
              return (
                <div>
                  <InputNumber
                    size="small"
                    min={0}
                    max={s.weight}
                    style={{ width: 90 }}
                    value={v.finalScore}
                    placeholder={s.suggested === null ? '' : String(s.suggested)}
                    onChange={(n) => setValue(k, { finalScore: n ?? null })}
                    disabled={v.inapplicable}
                    data-testid={`se-final-${k}`}
                  />
                  {v.finalScore !== null && by && !s.needReason && <Tag style={{ marginLeft: 4 }}>{by}调整</Tag>}
                  {s.needReason && (
                    <Input
                      size="small"
                      style={{ marginTop: 4 }}
                      value={v.overrideReason}
                      onChange={(e) => setValue(k, { overrideReason: e.target.value })}
                      status={v.overrideReason.trim() ? undefined : 'error'}
                      placeholder="调整理由（必填）"
                      maxLength={500}
                      data-testid={`se-override-${k}`}
                      title={ind.name}
                    />
                  )}
                  {s.needReason && by && <div className="hint">上次由{by}调整</div>}
                </div>
              )
            },
          },
          {
            title: '偏差原因',
            key: 'reason',
            render: (_v, _ind, k) =>
              editable ? (
                <Input size="small" value={values[k]?.reason} onChange={(e) => setValue(k, { reason: e.target.value })} maxLength={500} placeholder={scored[k]?.final !== null && scored[k]!.final! < scored[k]!.weight ? '未完全完成，须说明' : ''} status={scored[k]?.final !== null && scored[k]!.final! < scored[k]!.weight && !values[k]?.reason.trim() ? 'warning' : undefined} data-testid={`se-reason-${k}`} />
              ) : (
                values[k]?.reason || '—'
              ),
          },
        ]}
      />
      <div className="score-bar" data-testid="se-score-bar">
        <span>
          执行率得分 <b className="num">{exec.score.toFixed(2)}</b>
        </span>
        <span>
          指标得分 <b className="num">{indicatorSum}</b>
        </span>
        <span>
          总分 <b className="big num" data-testid="se-total">{live.total.toFixed(2)}</b>
        </span>
        <span>
          等级 <span data-testid="se-grade"><ConclusionTag value={gradeOf(live.total, rules)} /></span>
        </span>
        {missing > 0 && <span className="warn-text">尚有 {missing} 个指标未得分</span>}
        {applicable.length < scored.length && <span className="hint">不适用指标不计分，总分按其余分值折算为百分制</span>}
        <span className="spacer" />
        <span className="hint" data-testid="se-saved">
          已保存：{ev?.totalScore != null ? `总分 ${ev.totalScore}，等级 ${ev.grade}` : '尚未算出总分'}
        </span>
      </div>
      <UnitScores unitTotal={ev?.unitTotalScore ?? null} unitExecution={ev?.unitExecutionScore ?? null} ruleTotal={missing > 0 ? null : live.total} ruleExecution={exec.score} />
      <div className="three-col">
        {(
          [
            ['评价结论', conclusion, setConclusion, 'se-conclusion'],
            ['存在问题', problems, setProblems, 'se-problems'],
            ['改进措施', improvements, setImprovements, 'se-improvements'],
          ] as const
        ).map(([label, value, set, id]) => (
          <div key={label}>
            <div className="form-label">{label}</div>
            {editable ? (
              <Input.TextArea value={value} onChange={(e) => text(set)(e.target.value)} autoSize={{ minRows: 3, maxRows: 6 }} maxLength={200} showCount data-testid={id} />
            ) : (
              <div className="readonly-text">{value || <span className="hint">未填写</span>}</div>
            )}
          </div>
        ))}
      </div>
    </div>
  )
}

const pts = (n: number) => String(Number(n.toFixed(2)))

/**
 * The 总分 and 预算执行 得分 the unit typed on its own 自评表 (kept by the import), beside the rule's;
 * one that differs is flagged for the reviewer, neither is overwritten.
 */
function UnitScores({ unitTotal, unitExecution, ruleTotal, ruleExecution }: { unitTotal: number | null; unitExecution: number | null; ruleTotal: number | null; ruleExecution: number }) {
  if (unitTotal === null && unitExecution === null) return null
  const lines: { key: string; text: string; differs: boolean }[] = []
  if (unitTotal !== null) {
    const differs = ruleTotal === null || Math.abs(unitTotal - ruleTotal) > 0.005
    const rule = ruleTotal === null ? '按规则尚未算出总分（有指标未得分）' : `按规则计算 ${pts(ruleTotal)} 分`
    lines.push({ key: 'total', text: differs ? `单位填报总分 ${pts(unitTotal)} 分，${rule}` : `单位填报总分 ${pts(unitTotal)} 分，与按规则计算一致`, differs })
  }
  if (unitExecution !== null) {
    const differs = Math.abs(unitExecution - ruleExecution) > 0.005
    lines.push({ key: 'exec', text: differs ? `单位填报预算执行得分 ${pts(unitExecution)} 分，按金额计算 ${pts(ruleExecution)} 分` : `单位填报预算执行得分 ${pts(unitExecution)} 分，与按金额计算一致`, differs })
  }
  return (
    <div className="unit-scores" data-testid="se-unit-scores" style={{ margin: '4px 0 8px', display: 'flex', gap: 16, flexWrap: 'wrap', alignItems: 'center' }}>
      {lines.map((l) => (
        <span key={l.key} className={l.differs ? 'warn-text' : 'hint'} data-testid={`se-unit-${l.key}`}>
          {l.differs && <Tag color="orange">与规则不一致</Tag>}
          {l.text}
        </span>
      ))}
      {lines.some((l) => l.differs) && <span className="hint">单位在自评表中填写，已原样保留；等级按规则计算的总分评定，审核时请确认</span>}
    </div>
  )
}
