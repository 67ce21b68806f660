/** 设置 · 演示数据: fills an empty database with a realistic year (师宗县 2024). */
import { Alert, Button, Card, Typography } from 'antd'
import { useState } from 'react'
import { call } from '../../api'
import { attempt, notifySuccess } from '../../errors'
import { useApp } from '../../store'
import { PageHeader } from '../../components/PageHeader'

const LABELS: Record<string, string> = {
  operators: '操作员',
  divisions: '股室',
  units: '预算单位',
  trainings: '业务培训',
  proposals: '事前评估项目',
  exante: '事前评估项目',
  projects: '项目库项目',
  documents: '文件',
  register: '发文登记',
}

export function DemoPage() {
  const info = useApp((s) => s.info)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<Record<string, number> | null>(null)

  const load = async () => {
    setBusy(true)
    const r = await attempt(() => call('demo/load', {}))
    setBusy(false)
    if (!r) return
    setResult(r)
    notifySuccess('演示数据已载入')
    await useApp.getState().refreshAll()
    const years = useApp.getState().info?.workYears ?? []
    if (years.length) useApp.setState({ workYear: Math.max(...years) })
  }

  return (
    <div>
      <PageHeader title="演示数据" />
      <Card size="small" style={{ maxWidth: 760 }}>
        <Typography.Paragraph>
          演示数据模拟师宗县 2024 年度的预算绩效工作：股室、预算单位、操作员、业务培训和 2025 年预算项目的事前绩效评估，帮助新用户快速了解软件的用法。
        </Typography.Paragraph>
        {!info?.empty && !result && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            message="当前数据库已有数据。演示数据只能载入空数据库，以免与正式数据混在一起。"
          />
        )}
        <Button type="primary" onClick={load} loading={busy} disabled={!info?.empty}>
          载入演示数据
        </Button>
        {result && (
          <Alert
            type="success"
            showIcon
            style={{ marginTop: 12 }}
            message="已载入"
            description={Object.entries(result)
              .map(([k, n]) => `${LABELS[k] ?? k} ${n} 条`)
              .join('，')}
          />
        )}
      </Card>
    </div>
  )
}
