/**
 * 运行监控: execution to date and the year's forecast, per indicator the completion so far, the
 * forecast, 完成可能性, 偏差原因 and 纠偏措施; lights computed live with the settings' thresholds.
 */
import { AutoComplete, Input, Select, Table, Tag } from 'antd'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { Indicator } from '../../../../shared/domain'
import { formatMoney, parseMoney } from '../../../../shared/money'
import { DEFAULT_SCORING_RULES } from '../../../../shared/scoring'
import { budgetLight, DEFAULT_WARNING_RULES, DEVIATION_CAUSES, indicatorLight, LIKELIHOODS, worstLight, type Light } from '../../../../shared/monitoring'
import { call } from '../../../api'
import { attempt, notifySuccess } from '../../../errors'
import { wan } from '../../../format'
import { useApp } from '../../../store'
import { LightTag } from '../ItemsTable'
import type { StageFormProps } from './types'

interface ValueRow {
  indicatorId: string
  actual: string
  forecast: string
  likelihood: string
  causes: string[]
  measures: string
}

const money = (fen: number | null) => (fen === null ? '' : formatMoney(fen, '万元', 2))

export function MonitoringForm({ detail, editable, onSaved, onDirty, saveRef }: StageFormProps) {
  const rules = useApp((s) => s.settings?.warnings) ?? DEFAULT_WARNING_RULES
  const qualitative = useApp((s) => s.settings?.scoring.qualitative) ?? DEFAULT_SCORING_RULES.qualitative
  const month = detail.round.asOfMonth ?? 12
  const init = () => {
    const byId = new Map(detail.values.map((v) => [v.indicatorId, v]))
    return detail.indicators.map<ValueRow>((i) => {
      const v = byId.get(i.id)
      return { indicatorId: i.id, actual: v?.actual ?? '', forecast: v?.forecast ?? '', likelihood: v?.likelihood ?? '', causes: v?.causes ?? [], measures: v?.measures ?? '' }
    })
  }
  const [executed, setExecuted] = useState(money(detail.item.executedFen))
  const [forecast, setForecast] = useState(money(detail.item.forecastFen))
  const [deviation, setDeviation] = useState(detail.deviation)
  const [measures, setMeasures] = useState(detail.measures)
  const [values, setValues] = useState<ValueRow[]>(init)
  const [dirty, setDirty] = useState(false)
  const ref = useRef({ executed, forecast, deviation, measures, values })
  ref.current = { executed, forecast, deviation, measures, values }

  useEffect(() => {
    setExecuted(money(detail.item.executedFen))
    setForecast(money(detail.item.forecastFen))
    setDeviation(detail.deviation)
    setMeasures(detail.measures)
    setValues(init())
    setDirty(false)
  }, [detail])
  useEffect(() => onDirty(dirty), [dirty])

  const touch = <T,>(set: (v: T) => void) => (v: T) => {
    set(v)
    setDirty(true)
  }
  const setValue = (i: number, patch: Partial<ValueRow>) => {
    setValues((vs) => vs.map((v, k) => (k === i ? { ...v, ...patch } : v)))
    setDirty(true)
  }

  const execParsed = executed.trim() ? parseMoney(executed, '万元') : null
  const foreParsed = forecast.trim() ? parseMoney(forecast, '万元') : null
  const budget = execParsed?.ok ? budgetLight(execParsed.fen, detail.item.amountFen, month, rules) : null
  const lights = useMemo(
    () =>
      detail.indicators.map((ind: Indicator, k) => {
        const v = values[k]
        return v ? indicatorLight({ operator: ind.operator, level2: ind.level2, targetValue: ind.targetValue, unit: ind.unit, actual: v.actual, forecast: v.forecast, likelihood: v.likelihood }, month, rules, qualitative) : null
      }),
    [values, detail.indicators, month, rules, qualitative],
  )
  const itemLight = worstLight([budget?.light ?? null, ...lights])

  const save = async (): Promise<boolean> => {
    const s = ref.current
    const r = await attempt(() =>
      call('monitoring/save', {
        itemId: detail.item.id,
        executedWan: s.executed.trim() ? s.executed.trim() : null,
        forecastWan: s.forecast.trim() ? s.forecast.trim() : null,
        deviation: s.deviation,
        measures: s.measures,
        values: s.values.map((v) => ({ ...v, likelihood: v.likelihood as (typeof LIKELIHOODS)[number] | '', causes: v.causes as (typeof DEVIATION_CAUSES)[number][] })),
      }),
    )
    if (!r) return false
    notifySuccess('监控数据已保存')
    setDirty(false)
    onSaved(r)
    return true
  }
  saveRef.current = editable ? save : null

  // 定性 indicators are judged by level; offer the levels but accept any wording.
  const levels = useApp((s) => s.settings?.scoring.qualitative) ?? []
  const valueInput = (ind: Indicator, value: string, set: (v: string) => void, testid: string) =>
    ind.operator === '定性' ? (
      <AutoComplete size="small" style={{ width: '100%' }} value={value} onChange={set} options={levels.map((l) => ({ value: l.level }))} popupMatchSelectWidth={false} placeholder="选择或填写">
        <Input size="small" maxLength={200} data-testid={testid} title={value} />
      </AutoComplete>
    ) : (
      <Input size="small" value={value} onChange={(e) => set(e.target.value)} maxLength={200} suffix={<span className="hint">{ind.unit}</span>} data-testid={testid} />
    )

  const moneyInput = (value: string, set: (v: string) => void, parsed: ReturnType<typeof parseMoney> | null, testid: string) =>
    editable ? (
      <Input value={value} onChange={(e) => touch(set)(e.target.value)} suffix="万元" style={{ width: 170 }} status={parsed && !parsed.ok ? 'error' : undefined} inputMode="decimal" data-testid={testid} />
    ) : (
      <b className="num">{value || '—'}</b>
    )

  return (
    <div data-testid="monitoring-form">
      <div className="fact-grid">
        <div>
          <div className="form-label">全年预算数</div>
          <b className="num">{wan(detail.item.amountFen)}</b> 万元
        </div>
        <div>
          <div className="form-label">1-{month}月执行数</div>
          {moneyInput(executed, setExecuted, execParsed, 'mon-executed')}
          {execParsed && !execParsed.ok && <div className="err-text">{execParsed.message}</div>}
        </div>
        <div>
          <div className="form-label">全年预计执行数</div>
          {moneyInput(forecast, setForecast, foreParsed, 'mon-forecast')}
          {foreParsed && !foreParsed.ok && <div className="err-text">{foreParsed.message}</div>}
        </div>
        <div>
          <div className="form-label">执行率（时间进度 {Math.round((month / 12) * 10000) / 100}%）</div>
          <span className="num" data-testid="mon-rate">
            {budget?.rate !== undefined && budget?.rate !== null ? `${budget.rate.toFixed(2)}%` : '—'}
          </span>{' '}
          <LightTag light={budget?.light ?? null} empty="" />
        </div>
        <div>
          <div className="form-label">项目预警</div>
          <span data-testid="mon-item-light">
            <LightTag light={itemLight} empty="未评定" />
          </span>
        </div>
      </div>
      <div className="form-label" style={{ marginTop: 12 }}>
        绩效指标完成情况
      </div>
      <Table
        size="small"
        className="edit-table"
        rowKey="id"
        dataSource={detail.indicators}
        pagination={false}
        scroll={{ x: 1080 }}
        locale={{ emptyText: '该项目没有绩效目标，无法监控；请先在绩效目标中填报指标' }}
        rowClassName={(_r, k) => (lights[k] === 'red' ? 'row-error' : lights[k] === 'yellow' ? 'row-warn' : '')}
        columns={[
          {
            title: '指标',
            key: 'name',
            width: 180,
            render: (_v, ind: Indicator) => (
              <div>
                <div>{ind.name}</div>
                <div className="hint">{ind.level2}</div>
              </div>
            ),
          },
          { title: '指标值', key: 'target', width: 124, render: (_v, ind: Indicator) => `${ind.operator === '定性' ? '' : ind.operator}${ind.targetValue}${ind.unit}` },
          {
            title: `1-${month}月完成值`,
            key: 'actual',
            width: 140,
            render: (_v, ind: Indicator, k) => (editable ? valueInput(ind, values[k]?.actual ?? '', (v) => setValue(k, { actual: v }), `mon-actual-${k}`) : values[k]?.actual),
          },
          {
            title: '全年预计完成值',
            key: 'forecast',
            width: 140,
            render: (_v, ind: Indicator, k) => (editable ? valueInput(ind, values[k]?.forecast ?? '', (v) => setValue(k, { forecast: v }), `mon-forecast-${k}`) : values[k]?.forecast),
          },
          {
            title: '完成可能性',
            key: 'likelihood',
            width: 106,
            render: (_v, _ind, k) =>
              editable ? (
                <Select size="small" style={{ width: '100%' }} allowClear value={values[k]?.likelihood || undefined} onChange={(v?: string) => setValue(k, { likelihood: v ?? '' })} options={LIKELIHOODS.map((l) => ({ value: l, label: l }))} placeholder="选择" data-testid={`mon-likelihood-${k}`} />
              ) : (
                values[k]?.likelihood || '—'
              ),
          },
          {
            title: '偏差原因',
            key: 'causes',
            width: 190,
            render: (_v, _ind, k) =>
              editable ? (
                <Select size="small" mode="multiple" style={{ width: '100%' }} value={values[k]?.causes} onChange={(v: string[]) => setValue(k, { causes: v })} options={DEVIATION_CAUSES.map((c) => ({ value: c, label: c }))} placeholder="可多选" maxTagCount="responsive" data-testid={`mon-causes-${k}`} />
              ) : (
                values[k]?.causes.join('、') || '—'
              ),
          },
          {
            title: '纠偏措施',
            key: 'measures',
            render: (_v, _ind, k) => (editable ? <Input size="small" value={values[k]?.measures} onChange={(e) => setValue(k, { measures: e.target.value })} maxLength={500} /> : values[k]?.measures),
          },
          { title: '预警', key: 'light', width: 66, align: 'center', render: (_v, _ind, k) => <LightTag light={lights[k] as Light | null} /> },
        ]}
      />
      <div className="two-col" style={{ marginTop: 12 }}>
        <div>
          <div className="form-label">偏差原因说明</div>
          {editable ? (
            <Input.TextArea value={deviation} onChange={(e) => touch(setDeviation)(e.target.value)} autoSize={{ minRows: 2, maxRows: 5 }} maxLength={1000} placeholder="执行进度或指标完成出现偏差的原因" data-testid="mon-deviation" />
          ) : (
            <div className="readonly-text">{deviation || <span className="hint">无</span>}</div>
          )}
        </div>
        <div>
          <div className="form-label">纠偏措施</div>
          {editable ? (
            <Input.TextArea value={measures} onChange={(e) => touch(setMeasures)(e.target.value)} autoSize={{ minRows: 2, maxRows: 5 }} maxLength={1000} placeholder="下一步加快执行、纠正偏差的措施" data-testid="mon-measures" />
          ) : (
            <div className="readonly-text">{measures || <span className="hint">无</span>}</div>
          )}
        </div>
      </div>
      {budget && (
        <div className="hint" style={{ marginTop: 6 }}>
          预警规则：执行进度 = 执行率 ÷ 时间进度，低于 {rules.red}% 红灯，{rules.red}%–{rules.yellow}% 黄灯，其余绿灯（可在设置中修改）。
          {budget.light && <Tag style={{ marginLeft: 6 }}>执行进度 {budget.score?.toFixed(2)}%</Tag>}
        </div>
      )}
    </div>
  )
}
