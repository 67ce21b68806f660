/** The frame: header (product, organisation, 工作年度, operator, database), left menu by stage, page. */
import { DatabaseOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons'
import { Button, Layout, Menu, Result, Select, Space, Spin, Tag, Tooltip } from 'antd'
import type { MenuProps } from 'antd'
import { useEffect, useState } from 'react'
import { call } from './api'
import { ErrorBoundary } from './components/ErrorBoundary'
import { showError } from './errors'
import type { Channel } from '../shared/channels'
import type { Operator } from '../shared/domain'
import { CHANNEL_ROLES, hasAnyRole, type Role } from '../shared/roles'
import { SignInModal } from './pages/SignInModal'
import { useIdleLock } from './idle-lock'
import { DemoPage } from './pages/settings/DemoPage'
import { DivisionsPage } from './pages/settings/DivisionsPage'
import { OperatorsPage } from './pages/settings/OperatorsPage'
import { EvalRulesPage } from './pages/settings/EvalRulesPage'
import { LibraryPage } from './pages/settings/LibraryPage'
import { DocSettingsPage, OrgSettingsPage, RulesSettingsPage } from './pages/settings/SettingsPages'
import { UnitsPage } from './pages/settings/UnitsPage'
import { AgenciesPage } from './pages/agencies/AgenciesPage'
import { DashboardPage } from './pages/dashboard/DashboardPage'
import { ExantePage } from './pages/ExantePage'
import { ProjectsPage } from './pages/ProjectsPage'
import { RectifyPage } from './pages/rectify/RectifyPage'
import { RegisterPage } from './pages/RegisterPage'
import { StagePage } from './pages/stage/StagePage'
import { TrainingsPage } from './pages/TrainingsPage'
import { WelcomePage } from './pages/WelcomePage'
import { ViewingBanner } from './pages/yeardata/ViewingBanner'
import { IntegrityAlert } from './components/IntegrityAlert'
import { YearDataPage } from './pages/yeardata/YearDataPage'
import { type PageKey, defaultWorkYear, selectableYears, useApp } from './store'

const { Header, Sider, Content } = Layout

/**
 * Pages that only make sense with a channel the role table may refuse: hidden from roles without
 * it (the backend refuses anyway; this only spares the click).
 */
const PAGE_NEEDS: Partial<Record<PageKey, Channel>> = {
  'settings-org': 'settings/save',
  'settings-docs': 'settings/save',
  'settings-rules': 'settings/save',
  'settings-eval': 'settings/save',
  divisions: 'divisions/save',
  operators: 'operators/list',
  yeardata: 'yearData/packages',
  demo: 'demo/load',
}

export function mayOpen(page: PageKey, roles: readonly Role[]): boolean {
  const need = PAGE_NEEDS[page]
  const rule = need ? CHANNEL_ROLES[need] : null
  return !rule || rule === 'public' || hasAnyRole(roles, rule)
}

type MenuItem = NonNullable<MenuProps['items']>[number] & { key: string; children?: MenuItem[] }
function menuFor(roles: readonly Role[]): MenuProps['items'] {
  const keep = (items: MenuItem[]): MenuItem[] =>
    items.flatMap((i) => (i.children ? (keep(i.children).length ? [{ ...i, children: keep(i.children) }] : []) : mayOpen(i.key as PageKey, roles) ? [i] : []))
  return keep(MENU as MenuItem[])
}

const MENU: MenuProps['items'] = [
  { key: 'welcome', label: '首页' },
  { key: 'dashboard', label: '驾驶舱' },
  { key: 'projects-year', label: '年度项目库' },
  { key: 'g-basic', label: '基础工作', children: [{ key: 'trainings', label: '业务培训' }] },
  {
    key: 'g-exante',
    label: '事前评估',
    children: [
      { key: 'exante', label: '评估项目' },
      { key: 'projects', label: '项目库' },
    ],
  },
  { key: 'g-targets', label: '绩效目标', children: [{ key: 'targets', label: '目标审核' }] },
  { key: 'g-monitoring', label: '运行监控', children: [{ key: 'monitoring', label: '监控任务' }] },
  {
    key: 'g-eval',
    label: '绩效评价',
    children: [
      { key: 'selfeval', label: '单位自评' },
      { key: 'fiscaleval', label: '财政评价' },
      { key: 'rectify', label: '整改' },
    ],
  },
  { key: 'agencies', label: '第三方机构' },
  { key: 'register', label: '发文登记' },
  { key: 'yeardata', label: '年度数据' },
  {
    key: 'g-settings',
    label: '设置',
    children: [
      { key: 'settings-org', label: '单位信息' },
      { key: 'settings-docs', label: '公文设置' },
      { key: 'settings-rules', label: '评估规则' },
      { key: 'settings-eval', label: '监控与评价规则' },
      { key: 'library', label: '指标库' },
      { key: 'divisions', label: '股室' },
      { key: 'units', label: '预算单位' },
      { key: 'operators', label: '操作员' },
      { key: 'demo', label: '演示数据' },
    ],
  },
]

function PageView({ page }: { page: PageKey }) {
  switch (page) {
    case 'welcome':
      return <WelcomePage />
    case 'trainings':
      return <TrainingsPage />
    case 'exante':
      return <ExantePage />
    case 'projects':
      return <ProjectsPage key="exante" yearOffset={1} />
    case 'projects-year':
      return <ProjectsPage key="year" yearOffset={0} />
    case 'targets':
    case 'monitoring':
    case 'selfeval':
    case 'fiscaleval':
      return <StagePage key={page} stage={page} />
    case 'rectify':
      return <RectifyPage />
    case 'agencies':
      return <AgenciesPage />
    case 'dashboard':
      return <DashboardPage />
    case 'yeardata':
      return <YearDataPage />
    case 'register':
      return <RegisterPage />
    case 'settings-org':
      return <OrgSettingsPage />
    case 'settings-docs':
      return <DocSettingsPage />
    case 'settings-rules':
      return <RulesSettingsPage />
    case 'settings-eval':
      return <EvalRulesPage />
    case 'library':
      return <LibraryPage />
    case 'divisions':
      return <DivisionsPage />
    case 'units':
      return <UnitsPage />
    case 'operators':
      return <OperatorsPage />
    case 'demo':
      return <DemoPage />
  }
}

export function AppShell() {
  const s = useApp()
  const [bootError, setBootError] = useState<string | null>(null)

  /** Everything the pages need, read once signed in (the backend refuses it before). */
  const loadAll = async (operator: Operator) => {
    const again = useApp.getState().info !== null
    const [info] = await Promise.all([call('app/info', {}), s.loadSettings(), s.loadDivisions(), s.loadUnits()])
    useApp.setState({
      info,
      operator,
      // Signing in again (after the lock or a change of operator) returns to where the work was,
      // unless the new operator's roles do not reach that page.
      ...(again && mayOpen(useApp.getState().page, operator.roles)
        ? {}
        : { workYear: again ? useApp.getState().workYear : defaultWorkYear(info), page: info.empty ? 'welcome' : 'dashboard' }),
      operatorModalOpen: false,
      booted: true,
    })
  }

  useEffect(() => {
    let cancelled = false
    ;(async () => {
      try {
        const session = await call('session/get', {})
        if (cancelled) return
        if (session.operator) await loadAll(session.operator)
        else {
          await s.showSignIn()
          useApp.setState({ booted: true })
        }
      } catch (e) {
        if (cancelled) return
        setBootError(e instanceof Error ? e.message : String(e))
        showError(e)
      }
    })()
    return () => {
      cancelled = true
    }
  }, [])

  const onSignedIn = async (op: Operator) => {
    const wasSomeoneElse = s.info !== null && s.operator?.id !== op.id
    await loadAll(op)
    if (wasSomeoneElse) useApp.setState({ dataVersion: useApp.getState().dataVersion + 1 })
  }

  const signOut = async () => {
    await call('session/signOut', {}).catch(showError)
    await s.showSignIn()
  }

  // The renderer's half of the idle lock; the backend ends the session on its own clock as well.
  useIdleLock(s.settings?.sessionIdleMinutes ?? s.signInGate.idleMinutes, !!s.operator, async () => {
    const name = useApp.getState().operator?.name ?? null
    await call('session/signOut', {}).catch(() => undefined)
    await s.showSignIn()
    useApp.setState((st) => ({ signInGate: { ...st.signInGate, lockedName: name } }))
  })

  // Keep app/info (empty database?, years with data) fresh as the user moves between pages.
  useEffect(() => {
    if (s.booted && s.operator) void s.loadInfo().catch(() => undefined)
  }, [s.page, s.booted])

  if (bootError) {
    return (
      <Result
        status="error"
        title="无法打开数据库"
        subTitle={bootError}
        extra={
          <Button type="primary" onClick={() => location.reload()}>
            重试
          </Button>
        }
      />
    )
  }
  if (!s.booted) {
    return (
      <div style={{ height: '100%', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
        <Spin size="large" tip="正在打开数据库…">
          <div style={{ width: 200, height: 80 }} />
        </Spin>
      </div>
    )
  }

  if (!s.operator || !s.info) {
    // Nothing of the data shows before sign-in.
    return (
      <Layout style={{ height: '100%' }}>
        <Header className="app-header">
          <span className="app-brand">预算绩效管理</span>
        </Header>
        <SignInModal onSignedIn={onSignedIn} />
      </Layout>
    )
  }

  const org = s.settings?.org
  const orgName = org?.bureau || (org?.county ? org.county + '财政局' : '')
  return (
    <Layout style={{ height: '100%' }}>
      <Header className="app-header">
        <span className="app-brand">预算绩效管理</span>
        <span className="app-org" data-testid="org-name">
          {orgName || <a onClick={() => s.setPage('settings-org')}>尚未设置单位信息</a>}
        </span>
        {s.info?.readOnly && <Tag color="orange">只读</Tag>}
        {s.info?.harness && <Tag color="purple">测试环境</Tag>}
        <ViewingBanner />
        <div className="app-header-right">
          <Space size={6}>
            <span>工作年度</span>
            <Select
              data-testid="work-year"
              size="small"
              style={{ width: 96 }}
              value={s.workYear}
              onChange={(y) => s.setWorkYear(y)}
              options={selectableYears(s.info, s.workYear).map((y) => ({ value: y, label: `${y}年` }))}
            />
          </Space>
          <Space size={6}>
            <UserOutlined />
            <Tooltip title={`角色：${s.operator.roles.join('、') || '未分配'}`}>
              <span data-testid="current-operator">{s.operator.name}</span>
            </Tooltip>
            <Button size="small" icon={<LogoutOutlined />} onClick={signOut} data-testid="sign-out">
              退出登录
            </Button>
          </Space>
          <Tooltip title={<span style={{ wordBreak: 'break-all' }}>数据库：{s.info?.dbPath}</span>} placement="bottomRight">
            <DatabaseOutlined style={{ color: '#888', fontSize: 16 }} aria-label="数据库位置" />
          </Tooltip>
        </div>
      </Header>
      <Layout>
        <Sider width={176} className="app-sider">
          <Menu
            mode="inline"
            style={{ borderInlineEnd: 'none', height: '100%', overflow: 'auto' }}
            selectedKeys={[s.page]}
            defaultOpenKeys={['g-basic', 'g-exante', 'g-targets', 'g-monitoring', 'g-eval', 'g-settings']}
            items={menuFor(s.operator.roles)}
            onClick={(e) => s.setPage(e.key as PageKey)}
          />
        </Sider>
        <Content className="app-content">
          <IntegrityAlert />
          <ErrorBoundary resetKey={s.page}>
            <PageView page={s.page} />
          </ErrorBoundary>
        </Content>
      </Layout>
      <SignInModal onSignedIn={onSignedIn} />
    </Layout>
  )
}
