/**
 * 驾驶舱: the work year's headline figures as the annual report states them, the pipeline
 * 事前评估 → 绩效目标 → 运行监控 → 绩效评价 → 整改, items by stage and status, the latest monitoring
 * round's lights, amounts by fund source / 股室 / unit, the warnings, and a 多年度 view.
 * Every figure and every chart segment opens the list behind it.
 */
import { AlertOutlined, ClockCircleOutlined, FileWordOutlined, ReloadOutlined, WarningOutlined } from '@ant-design/icons'
import { Alert, Button, Card, Col, Empty, InputNumber, Row, Skeleton, Space, Table, Tabs, Tag, Tooltip } from 'antd'
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react'
import type { Dashboard, DashboardWarning, Headline } from '../../../shared/domain'
import { DOC_KINDS, type DocKind } from '../../../shared/documents'
import { formatWan } from '../../../shared/money'
import { call } from '../../api'
import { EChart, type ChartClick } from '../../components/charts/EChart'
import { DocumentDialog, type DocRequest } from '../../components/DocumentDialog'
import { PageHeader } from '../../components/PageHeader'
import { attempt } from '../../errors'
import { useApp } from '../../store'
import { fundSourceOption, groupBarOption, lightsOption, pipelineOption, stageNav, stageOfRound, stageStatusOption, STAGE_PAGES, yearsOption, type Nav, type YearRow } from './charts'
import './dashboard.css'

/** The annual report kind, if this build's document list has it. */
const ANNUAL_REPORT = ('annual-report' in DOC_KINDS ? 'annual-report' : null) as DocKind | null

function go(nav: Nav | undefined) {
  if (!nav) return
  useApp.getState().navigate(nav.page, nav.params ?? {})
}

/** A chart click carries the segment's data item; its `nav` says where to go. */
const onChartClick = (e: ChartClick) => go((e.data as { nav?: Nav } | undefined)?.nav)

export function DashboardPage() {
  const workYear = useApp((s) => s.workYear)
  const dataVersion = useApp((s) => s.dataVersion)
  const [tab, setTab] = useState('year')
  const [waitingDays, setWaitingDays] = useState(7)
  const [days, setDays] = useState(7) // debounced
  const [data, setData] = useState<Dashboard | null>(null)
  const [loading, setLoading] = useState(false)
  const [doc, setDoc] = useState<DocRequest | null>(null)

  useEffect(() => {
    const t = setTimeout(() => setDays(waitingDays), 400)
    return () => clearTimeout(t)
  }, [waitingDays])

  const reload = useCallback(async () => {
    setLoading(true)
    const r = await attempt(() => call('dashboard/get', { workYear, waitingDays: days }))
    setLoading(false)
    if (r) setData(r)
  }, [workYear, days])

  useEffect(() => {
    void reload()
  }, [reload, dataVersion])

  return (
    <div className="dash">
      <PageHeader
        title={`${workYear}年度预算绩效管理驾驶舱`}
        note="点击任一数字或图形，查看其背后的项目清单"
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={() => void reload()} loading={loading}>
              刷新
            </Button>
            <Tooltip title={ANNUAL_REPORT ? `按${workYear}年度的记录生成预算绩效工作开展情况报告（Word），生成前可修改全文` : '当前版本尚不能生成年度工作报告'}>
              <Button type="primary" icon={<FileWordOutlined />} disabled={!ANNUAL_REPORT} onClick={() => ANNUAL_REPORT && setDoc({ kind: ANNUAL_REPORT, workYear })} data-testid="annual-report">
                生成年度工作报告
              </Button>
            </Tooltip>
          </>
        }
      />
      {data?.scope && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="dash-scope"
          message={
            data.scope.divisionId
              ? `以下数字为“${data.scope.divisionName}”联系单位的项目、事前评估和整改（“股室审核”只看本股室）；培训为本股室参加的，发文数为全局。`
              : '您是“股室审核”但尚未分配股室，因此看不到任何单位的数字；请系统管理员在 设置 · 操作员 中为您选择股室。'
          }
        />
      )}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        size="small"
        className="dash-tabs"
        items={[
          {
            key: 'year',
            label: `${workYear}年度`,
            children: !data ? (
              <Skeleton active paragraph={{ rows: 10 }} />
            ) : (
              <YearView data={data} waitingDays={waitingDays} onWaitingDays={setWaitingDays} />
            ),
          },
          { key: 'years', label: '多年度', children: tab === 'years' ? <YearsView onPickYear={() => setTab('year')} /> : null },
        ]}
      />
      <DocumentDialog request={doc} onClose={() => setDoc(null)} />
    </div>
  )
}

// ——— Headline ———

function Fig({ v, unit, testId }: { v: ReactNode; unit: string; testId?: string }) {
  return (
    <span className="dash-fig">
      <b data-testid={testId}>{v}</b>
      <span className="dash-unit">{unit}</span>
    </span>
  )
}

function HeadCard({ title, children, sub, onClick, testId, tone }: { title: string; children: ReactNode; sub?: ReactNode; onClick: () => void; testId: string; tone?: 'warn' }) {
  return (
    <div
      className={`dash-card${tone === 'warn' ? ' dash-card-warn' : ''}`}
      role="button"
      tabIndex={0}
      data-testid={testId}
      onClick={onClick}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault()
          onClick()
        }
      }}
    >
      <div className="dash-card-title">{title}</div>
      <div className="dash-card-main">{children}</div>
      {sub && <div className="dash-card-sub">{sub}</div>}
    </div>
  )
}

function Headlines({ d }: { d: Dashboard }) {
  const h: Headline = d.headline
  const setPage = useApp((s) => s.setPage)
  return (
    <div className="dash-cards">
      <HeadCard title="业务培训" testId="hl-trainings" onClick={() => setPage('trainings')} sub={`参加 ${h.trainingParticipants} 人次`}>
        <Fig v={h.trainings} unit="次" testId="hl-trainings-count" />
      </HeadCard>
      <HeadCard title={`事前评估（${h.workYear + 1}年预算）`} testId="hl-exante" onClick={() => setPage('exante')} sub={<Fig v={formatWan(h.exanteFen)} unit="万元" testId="hl-exante-wan" />}>
        <Fig v={h.exanteProjects} unit="个项目" testId="hl-exante-count" />
      </HeadCard>
      <HeadCard title="绩效目标审核" testId="hl-targets" onClick={() => go(stageNav(d, 'targets'))} sub={<Fig v={formatWan(h.targetFen)} unit="万元" testId="hl-target-wan" />}>
        <Fig v={h.targetUnits} unit="个单位" testId="hl-target-units" />
        <Fig v={h.targetProjects} unit="个项目" testId="hl-target-projects" />
      </HeadCard>
      <HeadCard title="纳入运行监控" testId="hl-monitoring" onClick={() => go(stageNav(d, 'monitoring'))} sub={<Fig v={h.monitoredProjects} unit="个项目" testId="hl-monitored-count" />}>
        <Fig v={formatWan(h.monitoredFen)} unit="万元" testId="hl-monitored-wan" />
      </HeadCard>
      <HeadCard title={`单位自评（${h.workYear - 1}年度）`} testId="hl-selfeval" onClick={() => go(stageNav(d, 'selfeval'))} sub={<Fig v={formatWan(h.selfEvalFen)} unit="万元" testId="hl-selfeval-wan" />}>
        <Fig v={h.selfEvalProjects} unit="个项目" testId="hl-selfeval-count" />
      </HeadCard>
      <HeadCard title="财政重点评价" testId="hl-keyeval" onClick={() => go(stageNav(d, 'fiscaleval'))} sub={<Fig v={formatWan(h.keyEvalFen)} unit="万元" testId="hl-keyeval-wan" />}>
        <Fig v={h.keyEvalProjects} unit="个项目" testId="hl-keyeval-count" />
      </HeadCard>
      <HeadCard title="整改未完成" testId="hl-rectify" tone={h.rectifyOpen > 0 ? 'warn' : undefined} onClick={() => go({ page: 'rectify', params: { status: '未完成', workYear: h.workYear } })} sub="未整改、整改中">
        <Fig v={h.rectifyOpen} unit="项" testId="hl-rectify-open" />
      </HeadCard>
      <HeadCard title="发文" testId="hl-documents" onClick={() => setPage('register')} sub={`${h.workYear}年登记的文件`}>
        <Fig v={h.documents} unit="件" testId="hl-documents-count" />
      </HeadCard>
    </div>
  )
}

// ——— Warnings ———

const WARNING_TAGS: Record<DashboardWarning['kind'], { color: string; text: string; icon: ReactNode }> = {
  red: { color: 'red', text: '红灯', icon: <AlertOutlined /> },
  'rectify-overdue': { color: 'volcano', text: '整改逾期', icon: <WarningOutlined /> },
  'review-waiting': { color: 'gold', text: '待审核', icon: <ClockCircleOutlined /> },
  'round-overdue': { color: 'orange', text: '任务逾期', icon: <ClockCircleOutlined /> },
}

function warningNav(d: Dashboard, w: DashboardWarning): Nav | undefined {
  const item = w.itemId ? { itemId: w.itemId } : {}
  if (w.kind === 'rectify-overdue') return { page: 'rectify', params: { overdueOnly: true, workYear: d.headline.workYear } }
  const stage = stageOfRound(d, w.roundId) ?? (w.kind === 'red' ? 'monitoring' : undefined)
  if (!stage) return undefined
  const round = w.roundId ? { roundId: w.roundId } : {}
  if (w.kind === 'red') return { page: STAGE_PAGES[stage], params: { ...round, light: 'red', ...item } }
  if (w.kind === 'review-waiting') return { page: STAGE_PAGES[stage], params: { ...round, status: '已填报', ...item } }
  return { page: STAGE_PAGES[stage], params: { ...round, ...item } }
}

function Warnings({ d, waitingDays, onWaitingDays }: { d: Dashboard; waitingDays: number; onWaitingDays: (n: number) => void }) {
  return (
    <Card
      size="small"
      className="dash-panel"
      title={
        <span>
          预警 <span className="hint">（{d.warnings.length} 条）</span>
        </span>
      }
      extra={
        <Space size={4} className="hint">
          待审核超过
          <InputNumber size="small" min={1} max={90} precision={0} value={waitingDays} onChange={(v) => onWaitingDays(v ?? 7)} style={{ width: 56 }} aria-label="待审核天数" data-testid="waiting-days" />天
        </Space>
      }
    >
      {d.warnings.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="没有需要关注的预警" />
      ) : (
        <ul className="dash-warnings" data-testid="warnings">
          {d.warnings.map((w, i) => {
            const tag = WARNING_TAGS[w.kind]
            const nav = warningNav(d, w)
            return (
              <li key={i} className={nav ? 'clickable' : undefined} onClick={() => go(nav)} title={nav ? '点击查看明细' : undefined}>
                <Tag color={tag.color} icon={tag.icon} className="dash-warning-tag">
                  {tag.text}
                </Tag>
                <div className="dash-warning-text">
                  <div className="dash-warning-title">{w.title}</div>
                  {w.detail && <div className="dash-warning-detail">{w.detail}</div>}
                </div>
              </li>
            )
          })}
        </ul>
      )}
    </Card>
  )
}

// ——— 本年度 ———

function ChartCard({ title, note, children, testId }: { title: ReactNode; note?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <Card size="small" className="dash-panel" data-testid={testId} title={title} extra={note ? <span className="hint">{note}</span> : null}>
      {children}
    </Card>
  )
}

function YearView({ data: d, waitingDays, onWaitingDays }: { data: Dashboard; waitingDays: number; onWaitingDays: (n: number) => void }) {
  const county = useApp((s) => s.settings?.org.county ?? '')
  const options = useMemo(
    () => ({
      pipeline: pipelineOption(d),
      stageStatus: stageStatusOption(d),
      lights: lightsOption(d),
      funds: fundSourceOption(d),
      divisions: groupBarOption(d, d.byDivision, 'division'),
      units: groupBarOption(d, d.byUnit, 'unit', county),
    }),
    [d, county],
  )
  const monitoringRound = d.rounds.find((r) => r.stage === 'monitoring')
  const budgetYear = d.headline.workYear
  const hasStages = d.byStageStatus.length > 0
  const hasProjects = d.byFundSource.length > 0
  const none = <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="本年度还没有相关数据" style={{ margin: '40px 0' }} />
  return (
    <div>
      <Headlines d={d} />
      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col span={14}>
          <ChartCard title="全流程：事前评估 → 绩效目标 → 运行监控 → 绩效评价 → 整改" note="金额（万元）" testId="card-pipeline">
            <EChart option={options.pipeline} height={258} onItemClick={onChartClick} data-testid="chart-pipeline" ariaLabel="各环节项目数和金额" />
          </ChartCard>
        </Col>
        <Col span={10}>
          <Warnings d={d} waitingDays={waitingDays} onWaitingDays={onWaitingDays} />
        </Col>
        <Col span={14}>
          <ChartCard title="各环节项目状态" note="按项目个数占比" testId="card-stage-status">
            {hasStages ? <EChart option={options.stageStatus} height={230} onItemClick={onChartClick} data-testid="chart-stage-status" ariaLabel="各环节各状态的项目数" /> : none}
          </ChartCard>
        </Col>
        <Col span={10}>
          <ChartCard title="运行监控预警" note={monitoringRound ? monitoringRound.title : '本年度没有监控任务'} testId="card-lights">
            {monitoringRound ? <EChart option={options.lights} height={230} onItemClick={onChartClick} data-testid="chart-lights" ariaLabel="红黄绿灯项目数" /> : none}
          </ChartCard>
        </Col>
        <Col span={7}>
          <ChartCard title="按资金来源" note={`${budgetYear}年预算项目`} testId="card-funds">
            {hasProjects ? <EChart option={options.funds} height={270} onItemClick={onChartClick} data-testid="chart-funds" ariaLabel="各资金来源的金额" /> : none}
          </ChartCard>
        </Col>
        <Col span={7}>
          <ChartCard title="按股室" note="万元" testId="card-divisions">
            {hasProjects ? <EChart option={options.divisions} height={270} onItemClick={onChartClick} data-testid="chart-divisions" ariaLabel="各股室的金额" /> : none}
          </ChartCard>
        </Col>
        <Col span={10}>
          <ChartCard title="金额最大的10个预算单位" note="万元" testId="card-units">
            {hasProjects ? <EChart option={options.units} height={270} onItemClick={onChartClick} data-testid="chart-units" ariaLabel="金额最大的预算单位" /> : none}
          </ChartCard>
        </Col>
      </Row>
    </div>
  )
}

// ——— 多年度 ———

function YearsView({ onPickYear }: { onPickYear: () => void }) {
  const dataVersion = useApp((s) => s.dataVersion)
  const setWorkYear = useApp((s) => s.setWorkYear)
  const [rows, setRows] = useState<YearRow[] | null>(null)

  useEffect(() => {
    let cancelled = false
    void attempt(() => call('dashboard/years', {})).then((r) => {
      if (!cancelled && r) setRows(r)
    })
    return () => {
      cancelled = true
    }
  }, [dataVersion])

  const option = useMemo(() => (rows ? yearsOption(rows) : null), [rows])
  if (!rows) return <Skeleton active />
  if (!rows.length) return <Empty description="还没有任何年度的业务数据" />
  const pick = (y: number) => {
    setWorkYear(y)
    onPickYear()
  }
  return (
    <div>
      <Card size="small" className="dash-panel" title="各年度金额（万元）" extra={<span className="hint">点击图形进入该年度</span>}>
        <EChart
          option={option!}
          height={280}
          data-testid="chart-years"
          onItemClick={(e) => {
            const i = (e.data as { rowIndex?: number } | undefined)?.rowIndex
            const row = i === undefined ? undefined : rows[i]
            if (row) pick(row.headline.workYear)
          }}
        />
      </Card>
      <Card size="small" className="dash-panel" style={{ marginTop: 12 }}>
        <Table<YearRow>
          size="small"
          rowKey={(r) => `${r.source}-${r.headline.workYear}`}
          dataSource={rows}
          pagination={false}
          bordered
          data-testid="years-table"
          columns={[
            { title: '数据来源', dataIndex: 'source', ellipsis: true },
            { title: '工作年度', key: 'y', width: 84, render: (_v, r) => <a onClick={() => pick(r.headline.workYear)}>{r.headline.workYear}年</a> },
            { title: '培训', key: 't', width: 56, align: 'right', render: (_v, r) => `${r.headline.trainings}次` },
            {
              title: '事前评估',
              children: [
                { title: '项目', key: 'ec', width: 56, align: 'right', render: (_v, r) => r.headline.exanteProjects },
                { title: '万元', key: 'ef', width: 96, align: 'right', className: 'num', render: (_v, r) => formatWan(r.headline.exanteFen) },
              ],
            },
            {
              title: '绩效目标审核',
              children: [
                { title: '单位', key: 'gu', width: 56, align: 'right', render: (_v, r) => r.headline.targetUnits },
                { title: '项目', key: 'gp', width: 56, align: 'right', render: (_v, r) => r.headline.targetProjects },
                { title: '万元', key: 'gf', width: 100, align: 'right', className: 'num', render: (_v, r) => formatWan(r.headline.targetFen) },
              ],
            },
            {
              title: '纳入运行监控',
              children: [
                { title: '项目', key: 'mp', width: 60, align: 'right', render: (_v, r) => r.headline.monitoredProjects },
                { title: '万元', key: 'mf', width: 104, align: 'right', className: 'num', render: (_v, r) => formatWan(r.headline.monitoredFen) },
              ],
            },
            { title: '单位自评', children: [{ title: '项目', key: 'sp', width: 76, align: 'right', render: (_v, r) => r.headline.selfEvalProjects }] },
            {
              title: '财政重点评价',
              children: [
                { title: '项目', key: 'kp', width: 56, align: 'right', render: (_v, r) => r.headline.keyEvalProjects },
                { title: '万元', key: 'kf', width: 100, align: 'right', className: 'num', render: (_v, r) => formatWan(r.headline.keyEvalFen) },
              ],
            },
            { title: '整改未完成', key: 'r', width: 88, align: 'right', render: (_v, r) => `${r.headline.rectifyOpen}项` },
            { title: '发文', key: 'd', width: 60, align: 'right', render: (_v, r) => `${r.headline.documents}件` },
          ]}
        />
        <div className="hint" style={{ marginTop: 8 }}>
          显示当前所用数据（工作数据，或正在只读查看的年度数据包）中各年度的数字。
        </div>
      </Card>
    </div>
  )
}
