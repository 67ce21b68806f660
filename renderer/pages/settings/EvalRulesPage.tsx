/**
 * 设置 · 监控与评价规则: every rule that varies by region is a setting with a sourced default —
 * warning thresholds, 自评 weights and grade bands, the 定性 levels' synonyms, the scoring variants,
 * budget consequences, 整改 days, the 考评表 items, the report's 主送 and the annual report template.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { Button, Card, Checkbox, Col, Input, InputNumber, Row, Select, Space, Table, Typography } from 'antd'
import { useEffect, useState } from 'react'
import { ALL_LEVEL2 } from '../../../shared/indicators'
import { ambiguousSynonyms, DEFAULT_QUALITATIVE_SYNONYMS } from '../../../shared/qualitative'
import { DEFAULT_REPORT_TEMPLATE } from '../../../shared/report-template'
import { REVERSE_FORMULAS, type ReverseFormula } from '../../../shared/scoring'
import { DEFAULT_RATING_ITEMS, DEFAULT_SETTINGS, type Settings } from '../../../shared/settings'
import { PageHeader } from '../../components/PageHeader'
import { useApp } from '../../store'
import { saveSettings } from './SettingsPages'

type Rules = Pick<Settings, 'warnings' | 'indicatorWeightTotal' | 'scoring' | 'consequences' | 'rectifyDays' | 'reportRecipients' | 'ratingItems' | 'reportTemplate'>

const pick = (s: Settings): Rules => ({
  warnings: s.warnings,
  indicatorWeightTotal: s.indicatorWeightTotal,
  scoring: s.scoring,
  consequences: s.consequences,
  rectifyDays: s.rectifyDays,
  reportRecipients: s.reportRecipients,
  ratingItems: s.ratingItems,
  reportTemplate: s.reportTemplate,
})

function Num({ label, value, onChange, min = 0, max = 100, hint }: { label: string; value: number; onChange: (v: number) => void; min?: number; max?: number; hint?: string }) {
  return (
    <Space direction="vertical" size={2}>
      <Typography.Text>{label}</Typography.Text>
      <InputNumber value={value} min={min} max={max} onChange={(v) => onChange(Number(v ?? 0))} style={{ width: 120 }} />
      {hint && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{hint}</Typography.Text>}
    </Space>
  )
}

export function EvalRulesPage() {
  const settings = useApp((s) => s.settings)
  const [r, setR] = useState<Rules | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    if (settings) setR(structuredClone(pick(settings)))
  }, [settings])
  if (!r) return null
  const set = (patch: Partial<Rules>) => setR({ ...r, ...patch })
  const w = r.scoring.weights
  const weightSum = w.execution + w.output + w.effect + w.satisfaction
  const ratingSum = r.ratingItems.reduce((a, it) => a + (it.points || 0), 0)
  const twice = ambiguousSynonyms(r.scoring.qualitative)
  const problem =
    r.warnings.yellow <= r.warnings.red
      ? '黄灯分界须高于红灯分界'
      : twice.length
        ? `定性等级的同义词“${twice.join('”“')}”出现在不止一个等级中，请只保留在一个等级`
      : !(r.scoring.grades.excellent > r.scoring.grades.good && r.scoring.grades.good > r.scoring.grades.pass)
        ? '等级分数线须为 优 > 良 > 中'
        : r.ratingItems.some((it) => !it.name.trim() || !(it.points > 0))
          ? '考评表每一项须有名称且分值大于 0'
          : null

  const onSave = async () => {
    setBusy(true)
    await saveSettings(r)
    setBusy(false)
  }

  return (
    <div>
      <PageHeader
        title="监控与评价规则"
        extra={
          <Button type="primary" loading={busy} disabled={!!problem} onClick={onSave}>
            保存规则
          </Button>
        }
      />
      {problem && <Typography.Text type="danger">{problem}</Typography.Text>}
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={12}>
          <Card size="small" title="运行监控预警（红黄绿灯）">
            <Typography.Paragraph type="secondary">
              执行进度 = 执行率 ÷ 时间进度 × 100；正向指标进度 = 完成值 ÷（年度目标 ÷ 12 × 月份）× 100，比率类指标（见下方“按比率亮灯”的二级指标及以%为单位的指标）直接用完成值 ÷ 年度目标 × 100。低于红灯分界为红灯，低于黄灯分界为黄灯。默认值来自一体化系统的常见配置（60/80）。
            </Typography.Paragraph>
            <Space size="large" wrap>
              <Num label="红灯分界" value={r.warnings.red} onChange={(v) => set({ warnings: { ...r.warnings, red: v } })} />
              <Num label="黄灯分界" value={r.warnings.yellow} max={200} onChange={(v) => set({ warnings: { ...r.warnings, yellow: v } })} />
              <Num label="反向指标红灯倍数" value={r.warnings.reverseRedFactor} min={1} max={5} onChange={(v) => set({ warnings: { ...r.warnings, reverseRedFactor: v } })} hint="预计值超过目标的倍数" />
            </Space>
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="绩效目标与自评打分">
            <Space size="large" wrap>
              <Num label="预算执行率" value={w.execution} onChange={(v) => set({ scoring: { ...r.scoring, weights: { ...w, execution: v } } })} />
              <Num label="产出指标" value={w.output} onChange={(v) => set({ scoring: { ...r.scoring, weights: { ...w, output: v } } })} />
              <Num label="效益指标" value={w.effect} onChange={(v) => set({ scoring: { ...r.scoring, weights: { ...w, effect: v } } })} />
              <Num label="满意度指标" value={w.satisfaction} onChange={(v) => set({ scoring: { ...r.scoring, weights: { ...w, satisfaction: v } } })} hint={`合计 ${weightSum} 分`} />
              <Num label="指标权重合计" value={r.indicatorWeightTotal} onChange={(v) => set({ indicatorWeightTotal: v })} hint="不含预算执行率" />
            </Space>
            <Space size="large" wrap style={{ marginTop: 12 }}>
              <Num label="优（≥）" value={r.scoring.grades.excellent} onChange={(v) => set({ scoring: { ...r.scoring, grades: { ...r.scoring.grades, excellent: v } } })} />
              <Num label="良（≥）" value={r.scoring.grades.good} onChange={(v) => set({ scoring: { ...r.scoring, grades: { ...r.scoring.grades, good: v } } })} />
              <Num label="中（≥）" value={r.scoring.grades.pass} onChange={(v) => set({ scoring: { ...r.scoring, grades: { ...r.scoring.grades, pass: v } } })} hint="低于为差" />
              <Checkbox checked={r.scoring.capExecution} onChange={(e) => set({ scoring: { ...r.scoring, capExecution: e.target.checked } })}>
                执行率得分不超过分值
              </Checkbox>
            </Space>
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="定性指标完成等级与计分方式" data-testid="rules-qualitative">
            <Typography.Paragraph type="secondary">
              定性指标的完成值须与下列等级名称或其同义词完全一致（忽略空格和标点）才按等级计分和亮灯；不一致的不给建议分，导入时会提示。
            </Typography.Paragraph>
            {r.scoring.qualitative.map((q, i) => (
              <div key={q.level} style={{ marginBottom: 8 }}>
                <Typography.Text>
                  {q.level}（建议得分值的{Math.round(q.suggest * 100)}%）
                </Typography.Text>
                <Select
                  mode="tags"
                  style={{ width: '100%' }}
                  value={q.synonyms}
                  tokenSeparators={['，', ',', '、']}
                  placeholder="输入同义词后回车"
                  data-testid={`synonyms-${i}`}
                  onChange={(v: string[]) => set({ scoring: { ...r.scoring, qualitative: r.scoring.qualitative.map((x, j) => (j === i ? { ...x, synonyms: v.map((w) => w.trim()).filter(Boolean) } : x)) } })}
                />
              </div>
            ))}
            <Button
              size="small"
              onClick={() => set({ scoring: { ...r.scoring, qualitative: r.scoring.qualitative.map((q) => ({ ...q, synonyms: DEFAULT_QUALITATIVE_SYNONYMS[q.level] ?? [] })) } })}
            >
              恢复默认同义词
            </Button>
            <Space size="large" wrap style={{ marginTop: 12 }}>
              <Space direction="vertical" size={2}>
                <Typography.Text>指标得分保留</Typography.Text>
                <Select
                  style={{ width: 160 }}
                  value={r.scoring.scoreDecimals}
                  onChange={(v: number) => set({ scoring: { ...r.scoring, scoreDecimals: v } })}
                  options={[
                    { value: 2, label: '两位小数（默认）' },
                    { value: 1, label: '一位小数' },
                    { value: 0, label: '整数分' },
                  ]}
                />
              </Space>
              <Space direction="vertical" size={2}>
                <Typography.Text>反向指标（≤）未达标时</Typography.Text>
                <Select
                  style={{ width: 420 }}
                  popupMatchSelectWidth={false}
                  value={r.scoring.reverseFormula}
                  onChange={(v: ReverseFormula) => set({ scoring: { ...r.scoring, reverseFormula: v } })}
                  options={(Object.keys(REVERSE_FORMULAS) as ReverseFormula[]).map((k) => ({ value: k, label: `${REVERSE_FORMULAS[k]}${k === 'linear' ? '（默认）' : ''}` }))}
                />
              </Space>
            </Space>
            <Typography.Text style={{ display: 'block', marginTop: 12 }}>按比率亮灯、不按月份折算的二级指标</Typography.Text>
            <Checkbox.Group
              value={r.warnings.rateLevel2}
              onChange={(v) => set({ warnings: { ...r.warnings, rateLevel2: v as string[] } })}
              options={ALL_LEVEL2.map((l) => ({ value: l, label: l }))}
            />
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              勾选的二级指标（及以%为单位的指标）监控时直接用完成值÷目标值比较；其余按“目标值÷12×月份”折算进度。
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title="评价结果运用（下年度预算安排）">
            {(['优', '良', '中', '差'] as const).map((g) => (
              <Input key={g} addonBefore={`评价“${g}”`} value={r.consequences[g]} onChange={(e) => set({ consequences: { ...r.consequences, [g]: e.target.value } })} style={{ marginBottom: 8 }} />
            ))}
            <Space size="large" wrap>
              <Num label="整改报告期限（天）" value={r.rectifyDays} min={1} max={365} onChange={(v) => set({ rectifyDays: v })} hint="整改通知发出后" />
            </Space>
            <Typography.Text style={{ display: 'block', marginTop: 12 }}>评价结果报告主送</Typography.Text>
            <Input value={r.reportRecipients} onChange={(e) => set({ reportRecipients: e.target.value })} />
          </Card>
        </Col>
        <Col span={24}>
          <Card
            size="small"
            title={`第三方机构考评表（合计 ${ratingSum} 分）`}
            extra={
              <Space>
                <Button size="small" onClick={() => set({ ratingItems: structuredClone(DEFAULT_RATING_ITEMS) })}>
                  恢复默认
                </Button>
                <Button size="small" icon={<PlusOutlined />} onClick={() => set({ ratingItems: [...r.ratingItems, { key: `item${Date.now()}`, group: '', name: '', points: 10, guide: '' }] })}>
                  添加一项
                </Button>
              </Space>
            }
          >
            <Table
              size="small"
              rowKey="key"
              pagination={false}
              dataSource={r.ratingItems}
              columns={[
                { title: '类别', width: 130, render: (_v, it, i) => <Input value={it.group} onChange={(e) => set({ ratingItems: r.ratingItems.map((x, j) => (j === i ? { ...x, group: e.target.value } : x)) })} /> },
                { title: '考评内容', width: 170, render: (_v, it, i) => <Input value={it.name} status={it.name.trim() ? '' : 'error'} onChange={(e) => set({ ratingItems: r.ratingItems.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)) })} /> },
                { title: '分值', width: 80, render: (_v, it, i) => <InputNumber value={it.points} min={0} max={100} onChange={(v) => set({ ratingItems: r.ratingItems.map((x, j) => (j === i ? { ...x, points: Number(v ?? 0) } : x)) })} /> },
                { title: '评分标准', render: (_v, it, i) => <Input value={it.guide} onChange={(e) => set({ ratingItems: r.ratingItems.map((x, j) => (j === i ? { ...x, guide: e.target.value } : x)) })} /> },
                { title: '', width: 40, render: (_v, _it, i) => <Button type="text" danger icon={<DeleteOutlined />} disabled={r.ratingItems.length <= 1} onClick={() => set({ ratingItems: r.ratingItems.filter((_x, j) => j !== i) })} /> },
              ]}
            />
          </Card>
        </Col>
        <Col span={24}>
          <Card
            size="small"
            title="年度工作报告模板"
            extra={
              <Button size="small" onClick={() => set({ reportTemplate: DEFAULT_REPORT_TEMPLATE })}>
                恢复默认模板
              </Button>
            }
          >
            <Typography.Paragraph type="secondary">
              {'生成年度报告时，{{名称}} 由记录中的数据填入（如 {{targetProjects}} 个项目、{{monitoringWan}} 万元、{{targetsNotice}} 文件及文号）；没有数据的句子会改写为“本年度尚无……”，不会编造数字。以“一、”“（一）”开头的行为标题。'}
            </Typography.Paragraph>
            <Input.TextArea value={r.reportTemplate} onChange={(e) => set({ reportTemplate: e.target.value })} autoSize={{ minRows: 10, maxRows: 24 }} style={{ fontFamily: 'monospace', fontSize: 13 }} />
          </Card>
        </Col>
      </Row>
      <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
        默认值：权重 {DEFAULT_SETTINGS.scoring.weights.execution}/{DEFAULT_SETTINGS.scoring.weights.output}/{DEFAULT_SETTINGS.scoring.weights.effect}/{DEFAULT_SETTINGS.scoring.weights.satisfaction}，等级 90/80/60，预警 60/80，整改 30 天。规则修改只影响此后的计算。
      </Typography.Text>
    </div>
  )
}
