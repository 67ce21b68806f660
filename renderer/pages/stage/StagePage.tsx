/**
 * The one stage mechanism's screen, configured per stage (绩效目标, 运行监控, 单位自评, 财政评价):
 * the round bar, the items list and the item drawer. Honours `pageParams` from `navigate`
 * ({roundId, status, light, unitId, divisionId, fundSource, search, itemId}), so the dashboard can
 * open a list pre-filtered. The list is asked for one page at a time, and only once the round is
 * known to belong to the shown year's rounds (a remembered round of another year is never listed).
 */
import { PlusOutlined } from '@ant-design/icons'
import { Button, Empty, Spin, Tabs, Tooltip } from 'antd'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { ItemSort } from '../../../shared/api'
import type { Round } from '../../../shared/domain'
import { FUND_SOURCES, type FundSource } from '../../../shared/domain'
import { ITEM_STATUSES, STAGES, type ItemStatus, type Stage } from '../../../shared/stage'
import { call } from '../../api'
import { PageHeader } from '../../components/PageHeader'
import { useReadOnlyReason } from '../../components/read-only'
import { attempt } from '../../errors'
import { useApp, type PageParams } from '../../store'
import { STAGE_CONFIG } from './config'
import { EngagementsPanel } from './EngagementsPanel'
import { NO_SELECTION, type Selection } from './BulkActions'
import { ItemDrawer } from './ItemDrawer'
import { ItemsTable, type ItemFilters, type LightFilter } from './ItemsTable'
import { useServerTable } from '../../components/useServerTable'
import { RoundBar } from './RoundBar'
import { RoundFormModal } from './RoundFormModal'
import { useFreshEditing } from '../../components/useFreshEditing'
import './stage.css'

/** The round last looked at per stage, so coming back to a page shows the same round. */
const lastRound: Partial<Record<Stage, string>> = {}

function filtersFrom(p: PageParams): ItemFilters {
  const f: ItemFilters = {}
  if (typeof p.status === 'string' && (ITEM_STATUSES as readonly string[]).includes(p.status)) f.status = p.status as ItemStatus
  if (typeof p.light === 'string' && ['red', 'yellow', 'green', 'none'].includes(p.light)) f.light = p.light as LightFilter
  if (typeof p.unitId === 'string') f.unitId = p.unitId
  if (typeof p.divisionId === 'string') f.divisionId = p.divisionId
  if (typeof p.fundSource === 'string' && (FUND_SOURCES as readonly string[]).includes(p.fundSource)) f.fundSource = p.fundSource as FundSource
  if (typeof p.search === 'string' && p.search) f.search = p.search
  return f
}

export function StagePage({ stage }: { stage: Stage }) {
  const cfg = STAGE_CONFIG[stage]
  const workYear = useApp((s) => s.workYear)
  const setWorkYear = useApp((s) => s.setWorkYear)
  const dataVersion = useApp((s) => s.dataVersion)
  const navigateSeq = useApp((s) => s.navigateSeq)
  const budgetYear = workYear + STAGES[stage].budgetYearOffset

  const initial = useRef(useApp.getState().pageParams)
  const [rounds, setRounds] = useState<Round[] | null>(null)
  const [roundId, setRoundId] = useState<string | null>(typeof initial.current.roundId === 'string' ? initial.current.roundId : (lastRound[stage] ?? null))
  const [filters, setFilters] = useState<ItemFilters>(() => filtersFrom(initial.current))
  const [openId, setOpenId] = useState<string | null>(typeof initial.current.itemId === 'string' ? initial.current.itemId : null)
  const [order, setOrder] = useState<string[]>([])
  const [editingRound, setEditingRound] = useState<Round | 'new' | null>(null)
  // After "重新载入" (someone else changed the round meanwhile) an open form gets the current copy.
  useFreshEditing(editingRound, setEditingRound, rounds ?? [])
  const [tab, setTab] = useState('items')
  const [selection, setSelection] = useState<Selection>(NO_SELECTION)
  const readOnly = useReadOnlyReason(workYear)
  // Another round or other filters: the ticked rows may no longer be the ones shown.
  useEffect(() => setSelection(NO_SELECTION), [roundId, filters])
  const wantedRound = useRef<string | null>(typeof initial.current.roundId === 'string' ? initial.current.roundId : null)

  // A navigate() to this page while it is shown: apply the new parameters.
  const seenSeq = useRef(navigateSeq)
  useEffect(() => {
    if (navigateSeq === seenSeq.current) return
    seenSeq.current = navigateSeq
    const p = useApp.getState().pageParams
    if (typeof p.roundId === 'string') {
      wantedRound.current = p.roundId
      setRoundId(p.roundId)
    }
    setFilters(filtersFrom(p))
    setOpenId(typeof p.itemId === 'string' ? p.itemId : null)
    setTab('items')
  }, [navigateSeq])

  const roundIdRef = useRef(roundId)
  roundIdRef.current = roundId
  const loadRounds = useCallback(async () => {
    const list = await attempt(() => call('rounds/list', { stage, workYear }))
    if (!list) return
    setRounds(list)
    const cur = roundIdRef.current
    const wanted = wantedRound.current
    if (cur && list.some((r) => r.id === cur)) {
      if (cur === wanted) wantedRound.current = null
      return
    }
    if (wanted && cur === wanted) {
      // A round of another work year (e.g. opened from the dashboard): switch the year to it, once.
      wantedRound.current = null
      const r = await attempt(() => call('rounds/get', { id: wanted }))
      if (r && r.stage === stage && r.workYear !== workYear) {
        wantedRound.current = wanted
        setWorkYear(r.workYear)
        return
      }
    }
    setRoundId(list[0]?.id ?? null)
  }, [stage, workYear, setWorkYear])

  useEffect(() => {
    void loadRounds()
  }, [loadRounds, dataVersion])

  const round = rounds?.find((r) => r.id === roundId) ?? null
  useEffect(() => {
    if (round) lastRound[stage] = round.id
  }, [round, stage])

  // One page of the round's items; what the list shows (得分/等级 included) comes in the rows.
  const table = useServerTable(
    round ? { roundId: round.id, ...filters } : null,
    (q, page) => call('items/list', { ...q, ...page, sort: page.sort as ItemSort | undefined }),
    { reloadToken: dataVersion },
  )
  const reloadItems = table.reload

  const refreshAfterChange = useCallback(() => {
    void loadRounds()
    reloadItems()
  }, [loadRounds, reloadItems])

  const header = (
    <PageHeader
      title={cfg.title}
      note={`工作年度 ${workYear} · ${cfg.subject(budgetYear)}`}
      extra={
        <Tooltip title={readOnly}>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditingRound('new')} disabled={!!readOnly} data-testid="round-new">
            新建任务
          </Button>
        </Tooltip>
      }
    />
  )

  const list = round && (
    <ItemsTable
      cfg={cfg}
      round={round}
      filters={filters}
      onFilters={setFilters}
      table={table}
      openId={openId}
      onOpen={(id, ids) => {
        setOrder(ids)
        setOpenId(id)
      }}
      selection={selection}
      onSelection={setSelection}
      readOnly={readOnly}
      onBulkDone={refreshAfterChange}
    />
  )

  return (
    <div data-testid={`stage-${stage}`}>
      {header}
      {rounds === null ? (
        <div className="page-card" style={{ textAlign: 'center', padding: 40 }}>
          <Spin />
        </div>
      ) : rounds.length === 0 || !round ? (
        <div className="page-card">
          <Empty
            description={
              <span data-testid="no-rounds">
                {workYear}年度还没有{STAGES[stage].name}任务。
                {stage === 'selfeval' || stage === 'fiscaleval' ? `评价对象为${budgetYear}年度预算项目。` : ''}
              </span>
            }
          >
            <Tooltip title={readOnly}>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditingRound('new')} disabled={!!readOnly}>
                新建任务
              </Button>
            </Tooltip>
          </Empty>
        </div>
      ) : (
        <>
          <RoundBar
            cfg={cfg}
            rounds={rounds}
            round={round}
            onSelect={(id) => {
              setRoundId(id)
              setOpenId(null)
            }}
            readOnly={readOnly}
            onEdit={(r) => setEditingRound(r)}
            onChanged={refreshAfterChange}
            onRemoved={() => {
              setRoundId(null)
              void loadRounds()
            }}
            onStatus={(s) => {
              setTab('items')
              setFilters((f) => ({ ...f, status: s }))
            }}
          />
          {stage === 'fiscaleval' ? (
            <Tabs
              className="stage-tabs"
              activeKey={tab}
              onChange={setTab}
              items={[
                { key: 'items', label: '评价项目', children: list },
                { key: 'engagements', label: '第三方委托与考评', children: <EngagementsPanel round={round} /> },
              ]}
            />
          ) : (
            list
          )}
          <ItemDrawer
            cfg={cfg}
            itemId={openId}
            order={order.length ? order : (table.data?.rows ?? []).map((r) => r.id)}
            onNavigate={setOpenId}
            onClose={() => setOpenId(null)}
            onChanged={refreshAfterChange}
            readOnly={readOnly}
          />
        </>
      )}
      <RoundFormModal
        stage={stage}
        editing={editingRound}
        onClose={() => setEditingRound(null)}
        onSaved={(r) => {
          setEditingRound(null)
          setRoundId(r.id)
          setFilters({})
          void loadRounds()
        }}
      />
    </div>
  )
}
