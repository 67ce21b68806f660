/** 首页: on an empty database a welcome card with the first steps and 载入演示数据; else the year at a glance. */
import { Button, Card, Col, Row, Select, Space, Statistic, Steps, Typography } from 'antd'
import { useEffect, useState } from 'react'
import { call } from '../api'
import { attempt, notifySuccess } from '../errors'
import { wan } from '../format'
import { firstYearChoices, useApp } from '../store'
import { PageHeader } from '../components/PageHeader'

interface Overview {
  trainings: number
  participants: number
  proposals: number
  proposalsFen: number
  unconfirmed: number
  projects: number
  projectsFen: number
  documents: number
}

export function WelcomePage() {
  const info = useApp((s) => s.info)
  const settings = useApp((s) => s.settings)
  const units = useApp((s) => s.units)
  const divisions = useApp((s) => s.divisions)
  const workYear = useApp((s) => s.workYear)
  const dataVersion = useApp((s) => s.dataVersion)
  const setPage = useApp((s) => s.setPage)
  const [overview, setOverview] = useState<Overview | null>(null)
  const [busy, setBusy] = useState(false)
  const [yearChoice, setYearChoice] = useState(workYear)

  useEffect(() => {
    if (info?.empty) return
    void attempt(async () => {
      const [t, e, p, r] = await Promise.all([
        call('trainings/list', { workYear }),
        call('exante/list', { workYear }),
        call('projects/list', { budgetYear: workYear + 1, limit: 1 }),
        call('register/list', { year: workYear }),
      ])
      setOverview({
        trainings: t.length,
        participants: t.reduce((a, x) => a + x.participantCount, 0),
        proposals: e.count,
        proposalsFen: e.totalFen,
        unconfirmed: e.rows.filter((x) => !x.conclusion).length,
        projects: p.total,
        projectsFen: p.totalFen,
        documents: r.length,
      })
    })
  }, [info?.empty, workYear, dataVersion])

  const loadDemo = async () => {
    setBusy(true)
    const r = await attempt(() => call('demo/load', {}))
    setBusy(false)
    if (!r) return
    notifySuccess('演示数据已载入')
    await useApp.getState().refreshAll()
    const years = useApp.getState().info?.workYears ?? []
    if (years.length) useApp.setState({ workYear: Math.max(...years) })
    setPage('dashboard')
  }

  const chooseYear = async () => {
    const r = await attempt(() => call('app/chooseWorkYear', { workYear: yearChoice }))
    if (!r) return
    useApp.setState({ workYear: r.chosenWorkYear })
    await useApp.getState().loadInfo()
    notifySuccess(`工作年度已设为 ${r.chosenWorkYear} 年`)
  }

  if (info?.empty) {
    const orgDone = !!settings?.org.county && !!settings?.org.prefixBudget
    const yearDone = info.chosenWorkYear !== null
    const step = !yearDone ? 0 : !orgDone ? 1 : divisions.length === 0 ? 2 : units.length === 0 ? 3 : 4
    return (
      <Card title="欢迎使用预算绩效管理" style={{ maxWidth: 820 }} data-testid="welcome-card">
        <Typography.Paragraph>
          这是一个全新的数据库。本软件在本机离线运行，数据保存在本机数据库中，不连接任何网络。开始工作前，请按以下步骤完成基础设置：
        </Typography.Paragraph>
        <Steps
          direction="vertical"
          size="small"
          current={step}
          items={[
            {
              title: '工作年度',
              description: yearDone ? (
                <span data-testid="chosen-work-year">当前工作年度 {info.chosenWorkYear} 年（本年目标与监控、上年评价、下年事前评估），可在右上角切换</span>
              ) : (
                <Space data-testid="first-year-choice">
                  <span>选择当前工作的年度：</span>
                  <Select size="small" style={{ width: 110 }} value={yearChoice} onChange={setYearChoice} options={firstYearChoices().map((y) => ({ value: y, label: `${y}年` }))} data-testid="first-year-select" />
                  <Button size="small" type="primary" onClick={chooseYear} data-testid="first-year-ok">
                    确定
                  </Button>
                </Space>
              ),
            },
            { title: '单位信息', description: <a onClick={() => setPage('settings-org')}>填写县名、财政局全称、发文机关标志和文号代字</a> },
            { title: '股室', description: <a onClick={() => setPage('divisions')}>登记预算股和各资金管理股室</a> },
            { title: '预算单位', description: <a onClick={() => setPage('units')}>手工录入或从 Excel 导入预算单位名单</a> },
            { title: '项目库', description: <a onClick={() => setPage('projects-year')}>导入本年度项目清单（预算管理一体化系统导出）；首年使用还须导入上年项目及已批复的绩效目标</a> },
            { title: '开始业务', description: <a onClick={() => setPage('exante')}>录入事前绩效评估项目、业务培训等</a> },
          ]}
        />
        <Card type="inner" title="先看看软件怎么用？" style={{ marginTop: 12 }}>
          <Typography.Paragraph type="secondary">
            载入一套模拟师宗县 2024 年度工作的演示数据（股室、预算单位、操作员、业务培训、事前评估项目），可以立即浏览各项功能。演示数据只能载入空数据库。
          </Typography.Paragraph>
          <Button type="primary" onClick={loadDemo} loading={busy}>
            载入演示数据
          </Button>
        </Card>
      </Card>
    )
  }

  return (
    <div>
      <PageHeader title={`${workYear}年度工作概况`} />
      <Row gutter={[12, 12]}>
        <Col span={6}>
          <Card size="small" hoverable onClick={() => setPage('trainings')}>
            <Statistic title="业务培训（次）" value={overview?.trainings ?? '—'} suffix={overview ? <span className="hint">参加 {overview.participants} 人次</span> : null} />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small" hoverable onClick={() => setPage('exante')}>
            <Statistic title={`事前评估项目（${workYear + 1}年预算）`} value={overview?.proposals ?? '—'} suffix={overview ? <span className="hint">{wan(overview.proposalsFen)} 万元</span> : null} />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small" hoverable onClick={() => setPage('projects')}>
            <Statistic title={`${workYear + 1}年项目库（个）`} value={overview?.projects ?? '—'} suffix={overview ? <span className="hint">{wan(overview.projectsFen)} 万元</span> : null} />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small" hoverable onClick={() => setPage('register')}>
            <Statistic title={`${workYear}年已登记文件（份）`} value={overview?.documents ?? '—'} />
          </Card>
        </Col>
      </Row>
      {overview && overview.unconfirmed > 0 && (
        <Typography.Paragraph style={{ marginTop: 12 }}>
          还有 <a onClick={() => setPage('exante')}>{overview.unconfirmed} 个事前评估项目</a> 尚未确认结论。
        </Typography.Paragraph>
      )}
    </div>
  )
}
