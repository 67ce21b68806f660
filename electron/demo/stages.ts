/**
 * Demo data for the in-year stages, at the source report's scale: 139 projects (14052万元) whose
 * targets were reviewed in a 2024 round, and a 1–9月 monitoring round over every 2024 project,
 * 600 budget lines totalling 280610.08万元 (the 139 plus central/provincial/city transfers).
 * Deterministic (seeded), so screenshots and tests see the same figures every time.
 */
import { randomUUID } from 'node:crypto'
import type { IndicatorInput } from '../../shared/indicators'
import { indicatorLight, DEVIATION_CAUSES } from '../../shared/monitoring'
import type { Ctx } from '../handlers/context'
import type { Writer } from '../db/writer'
import { replaceIndicators } from '../handlers/projects'
import { writeMonitoring } from '../handlers/monitoring'
import { newItemRow } from '../handlers/rounds'

export const DEMO_TARGET_PROJECTS = 139
export const DEMO_TARGET_TOTAL_FEN = 14_052 * 1_000_000
export const DEMO_MONITORED_PROJECTS = 600
export const DEMO_MONITORED_TOTAL_FEN = 280_610_080_000

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed
  return () => {
    a |= 0
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const POOL: Record<string, string[]> = {
  行政政法股: ['业务工作经费', '信息化建设运维经费', '办案（业务）装备购置经费', '专项工作经费'],
  教科文股: ['学校运转保障经费', '学生资助补助经费', '文化惠民活动经费', '业务培训经费'],
  经济建设股: ['项目前期工作经费', '基础设施维护经费', '产业发展专项经费', '安全监管工作经费'],
  农业农村股: ['高标准农田建设经费', '农业技术推广经费', '动物疫病防控经费', '水利设施管护经费'],
  社会保障股: ['困难群众救助补助经费', '公共卫生服务经费', '就业创业补助经费', '优抚对象补助经费'],
  预算股: ['财政业务工作经费', '预算绩效管理工作经费'],
}

/** Splits a total into n positive parts in 100元 steps, summing exactly. */
function split(total: number, n: number, rand: () => number): number[] {
  const step = 10_000 // 100元: amounts show cleanly with 2 decimals in 万元
  const weights = Array.from({ length: n }, () => 0.2 + rand() ** 2 * 3)
  const sum = weights.reduce((a, b) => a + b, 0)
  const parts = weights.map((w) => Math.max(step, Math.floor((total * w) / sum / step) * step))
  parts[0]! += total - parts.reduce((a, b) => a + b, 0)
  return parts
}

function fullTargets(amountWan: string, kind: string, rand: () => number): IndicatorInput[] {
  const n = 50 + Math.floor(rand() * 450)
  const ind = (level1: string, level2: string, name: string, operator: string, targetValue: string, unit: string, weight: number): IndicatorInput => ({
    level1, level2, name, operator, targetValue, unit, weight, explanation: '',
  })
  return [
    ind('产出指标', '数量指标', kind.includes('培训') ? '培训人次' : kind.includes('救助') || kind.includes('补助') ? '保障对象人数' : '完成工作任务数', '≥', String(n), kind.includes('培训') ? '人次' : kind.includes('补助') || kind.includes('救助') ? '人' : '项', 15),
    ind('产出指标', '质量指标', '项目验收合格率', '≥', '100', '%', 10),
    ind('产出指标', '时效指标', '资金拨付及时率', '≥', '95', '%', 10),
    ind('产出指标', '成本指标', '项目总成本', '≤', amountWan, '万元', 15),
    ind('效益指标', '社会效益指标', '受益群众人数', '≥', String(n * 20), '人', 20),
    ind('效益指标', '可持续影响指标', '长效管护机制建立', '定性', '建立健全', '', 10),
    ind('满意度指标', '服务对象满意度指标', '服务对象满意度', '≥', '90', '%', 10),
  ]
}

function transferTargets(rand: () => number): IndicatorInput[] {
  const n = 10 + Math.floor(rand() * 90)
  return [
    { level1: '产出指标', level2: '数量指标', name: '项目实施数量', operator: '≥', targetValue: String(n), unit: '个', weight: 30, explanation: '' },
    { level1: '产出指标', level2: '质量指标', name: '资金使用合规率', operator: '=', targetValue: '100', unit: '%', weight: 20, explanation: '' },
    { level1: '效益指标', level2: '社会效益指标', name: '受益群众人数', operator: '≥', targetValue: String(n * 150), unit: '人', weight: 30, explanation: '' },
    { level1: '满意度指标', level2: '服务对象满意度指标', name: '受益群众满意度', operator: '≥', targetValue: '90', unit: '%', weight: 10, explanation: '' },
  ]
}

const wan = (fen: number) => (fen / 1_000_000).toFixed(2)

async function addReview(w: Writer, itemId: string, seq: number, action: string, conclusion: string | null, summary: string, opinions: { ref: string; label: string; text: string }[], divisionId: string | null) {
  await w.insert('reviews', { id: randomUUID(), item_id: itemId, seq, action, conclusion, summary, opinions: JSON.stringify(opinions), operator_id: w.operatorId, division_id: divisionId, at: w.now })
}

export async function loadStageDemo(ctx: Ctx, units: { id: string; name: string; division: string; divisionId: string }[]): Promise<Record<string, number>> {
  const rand = rng(2024)
  const rules = (await ctx.settings()).warnings
  return ctx.write(async (w) => {
    // 139 projects with targets: units 1–66 get two projects, the rest one.
    const owners = units.flatMap((u, i) => (i < DEMO_TARGET_PROJECTS - units.length ? [u, u] : [u]))
    const amounts = split(DEMO_TARGET_TOTAL_FEN, owners.length, rand)
    const targetProjects: { id: string; unit: (typeof units)[number]; amount: number; indicators: IndicatorInput[] }[] = []
    const used = new Set<string>()
    for (const [i, unit] of owners.entries()) {
      const pool = POOL[unit.division] ?? POOL['预算股']!
      let kind = pool[Math.floor(rand() * pool.length)]!
      if (used.has(unit.id + kind)) kind = pool.find((k) => !used.has(unit.id + k)) ?? kind + '（二）'
      used.add(unit.id + kind)
      const short = unit.name.replace(/^(中共)?师宗县(委)?/, '').replace(/^政协师宗县委员会/, '县政协')
      const id = randomUUID()
      const indicators = fullTargets(wan(amounts[i]!), kind, rand)
      await w.insert('projects', {
        id,
        budget_year: 2024,
        unit_id: unit.id,
        code: `53032324${String(1000 + i)}`,
        name: `${short}${kind}`,
        amount_fen: amounts[i]!,
        fund_source: i % 17 === 0 ? '政府性基金预算' : '一般公共预算',
        category: '项目',
        annual_goal: `保障${short}${kind.replace(/经费$/, '')}工作顺利开展，按期完成年度任务，资金使用规范高效，服务对象满意度不低于90%。`,
        origin: '导入',
        origin_id: null,
      })
      await replaceIndicators(w, id, indicators)
      targetProjects.push({ id, unit, amount: amounts[i]!, indicators })
    }

    // The targets round: most approved after one or two rounds of opinions.
    const targetsRound = randomUUID()
    await w.insert('rounds', { id: targetsRound, stage: 'targets', work_year: 2024, budget_year: 2024, title: '2024年度预算绩效目标编审', deadline: '2024-03-15', as_of_month: null, unit_ids: '[]', notes: '' })
    for (const [i, p] of targetProjects.entries()) {
      const itemId = randomUUID()
      await w.insert('round_items', newItemRow(itemId, targetsRound, p.id))
      if (i % 46 === 45) continue // 3 never submitted
      await addReview(w, itemId, 1, 'submit', null, '导入单位申报表', [], null)
      let seq = 2
      const returned = i % 7 === 3
      if (returned) {
        await addReview(w, itemId, seq++, 'return', '中', '绩效指标不够细化', [{ ref: 'indicators', label: '数量指标', text: '数量指标应与年度工作任务对应，请细化到具体工作量' }], p.unit.divisionId)
        if (i % 21 === 3) {
          await w.update('round_items', itemId, { status: '退回修改', review_count: 1, conclusion: '中', reviewed_at: w.now })
          continue
        }
        await addReview(w, itemId, seq++, 'submit', null, '按审核意见修改后重新报送', [], null)
      }
      if (i % 13 === 5) {
        await w.update('round_items', itemId, { status: '已填报', submitted_at: '2024-03-12T01:00:00.000Z', review_count: returned ? 1 : 0 })
        continue
      }
      const conclusion = i % 5 === 0 ? '良' : '优'
      await addReview(w, itemId, seq, 'approve', conclusion, conclusion === '良' ? '经与单位协商，审核股室已直接完善指标值' : '', [], p.unit.divisionId)
      await w.update('round_items', itemId, {
        status: '已审核',
        review_count: returned ? 2 : 1,
        conclusion,
        submitted_at: w.now,
        reviewed_at: w.now,
        result_use: conclusion === '优' ? '绩效目标明确、细化、量化，直接进入预算安排流程。' : '绩效目标经审核股室完善后进入预算安排流程。',
        is_public: 1,
        public_date: '2024-03-30',
      })
    }

    // Transfer-funded budget lines arrive later in the year; all 600 lines are monitored.
    const extra = DEMO_MONITORED_PROJECTS - targetProjects.length
    const extraAmounts = split(DEMO_MONITORED_TOTAL_FEN - DEMO_TARGET_TOTAL_FEN, extra, rand)
    const levels = ['中央', '省级', '市级']
    const monitored = [...targetProjects]
    for (let i = 0; i < extra; i++) {
      const unit = units[Math.floor(rand() * units.length)]!
      const id = randomUUID()
      const indicators = transferTargets(rand)
      await w.insert('projects', {
        id,
        budget_year: 2024,
        unit_id: unit.id,
        code: `53032324${String(2000 + i)}`,
        name: `${levels[i % 3]}${['补助资金', '专项资金', '转移支付资金'][i % 3]}（${unit.name.replace(/^(中共)?师宗县(委)?/, '')}第${Math.floor(i / 3) + 1}批）`,
        amount_fen: extraAmounts[i]!,
        fund_source: i % 9 === 0 ? '政府性基金预算' : i % 31 === 0 ? '社会保险基金预算' : '一般公共预算',
        category: i % 53 === 0 ? '专项债券' : '项目',
        annual_goal: '按上级资金管理办法使用资金，按期完成年度建设和补助任务。',
        origin: '导入',
        origin_id: null,
        // Targets come with the transfer from above: monitored here, not reviewed in the county's round.
        fund_channel: `${levels[i % 3]}转移支付`,
        needs_targets: 0,
      })
      await replaceIndicators(w, id, indicators)
      monitored.push({ id, unit, amount: extraAmounts[i]!, indicators })
    }

    const monitorRound = randomUUID()
    await w.insert('rounds', { id: monitorRound, stage: 'monitoring', work_year: 2024, budget_year: 2024, title: '2024年1-9月绩效运行监控', deadline: '2024-10-20', as_of_month: 9, unit_ids: '[]', notes: '' })
    let reviewed = 0
    for (const [i, p] of monitored.entries()) {
      const itemId = randomUUID()
      await w.insert('round_items', newItemRow(itemId, monitorRound, p.id))
      if (i % 30 === 29) continue // not yet filled in
      const rate = 0.4 + rand() * 0.58
      const executed = Math.round((p.amount * rate) / 10_000) * 10_000
      const forecast = Math.min(p.amount, Math.round((p.amount * Math.min(1, rate * 1.35)) / 10_000) * 10_000)
      const ids = await w.trx.selectFrom('indicators').select(['id', 'operator', 'target_value', 'level2', 'unit']).where('project_id', '=', p.id).orderBy('sort').execute()
      const values = ids.map((ind) => {
        const target = Number(ind.target_value)
        const progress = rand() < 0.04 ? 0.4 : 0.72 + rand() * 0.38
        const pct = ind.unit === '%'
        const actual = ind.operator === '定性' ? (progress > 0.7 ? '达成年度指标' : '部分达成年度指标并具有一定效果') : pct ? String(Math.min(100, Math.round(target * Math.min(1, progress + 0.3)))) : ind.operator === '≤' ? (target * rate).toFixed(2) : String(Math.round(target * progress * 0.75))
        const forecastValue = ind.operator === '定性' ? '达成年度指标' : pct ? String(Math.min(100, Math.round(target * Math.min(1, progress + 0.35)))) : ind.operator === '≤' ? ind.target_value : String(Math.round(target * Math.min(1.05, progress + 0.3)))
        const light = indicatorLight({ operator: ind.operator, level2: ind.level2, targetValue: ind.target_value, actual, forecast: forecastValue, likelihood: '' }, 9, rules)
        const likelihood = light === 'red' ? (rand() < 0.5 ? '不可能' : '有可能') : light === 'yellow' ? '有可能' : '确定能'
        const causes = likelihood === '确定能' ? [] : [DEVIATION_CAUSES[Math.floor(rand() * 4)]!]
        return { indicatorId: ind.id, actual, forecast: forecastValue, likelihood, causes, measures: causes.length ? '加快项目实施进度，按月调度资金支付' : '' }
      })
      const slow = executed < p.amount * 0.45
      await writeMonitoring(w, itemId, { executedFen: executed, forecastFen: forecast, deviation: slow ? '项目前期手续办理时间较长，资金支付滞后于序时进度' : '', measures: slow ? '加快项目实施和资金拨付进度，每月报送执行情况' : '', values }, rules)
      await addReview(w, itemId, 1, 'submit', null, '导入单位监控表', [], null)
      if (i % 20 === 7) {
        await w.update('round_items', itemId, { status: '已填报', submitted_at: '2024-10-18T01:00:00.000Z' })
        continue
      }
      await addReview(w, itemId, 2, 'approve', null, '', [], p.unit.divisionId)
      await w.update('round_items', itemId, { status: '已审核', review_count: 1, submitted_at: w.now, reviewed_at: w.now })
      reviewed++
    }
    return { projects: monitored.length, targetProjects: targetProjects.length, monitoredReviewed: reviewed }
  })
}
