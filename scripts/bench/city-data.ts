/**
 * Generates a city-scale database for the benchmark: 10 counties' units, and for each of 10 work
 * years 5,000 projects with 12 indicators (60,000 rows) under a 绩效目标 and a 运行监控 round; the
 * latest year also has monitoring values with lights, a 自评 round, a 财政评价 round with 整改,
 * trainings and ex-ante proposals. Written with plain prepared statements in one transaction:
 * the benchmark measures reading and documents, not the generator.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { randomUUID } from 'node:crypto'

export interface CityScale {
  years: number[]
  units: number
  projectsPerYear: number
  indicatorsPerProject: number
}

export const CITY: CityScale = { years: Array.from({ length: 10 }, (_, i) => 2015 + i), units: 750, projectsPerYear: 5000, indicatorsPerProject: 12 }

const LEVELS: [string, string, string, string, string, string][] = [
  ['产出指标', '数量指标', '完成任务数', '≥', '120', '项'],
  ['产出指标', '数量指标', '受益人次', '≥', '5000', '人次'],
  ['产出指标', '质量指标', '验收合格率', '≥', '100', '%'],
  ['产出指标', '质量指标', '资金使用合规率', '=', '100', '%'],
  ['产出指标', '时效指标', '资金拨付及时率', '≥', '95', '%'],
  ['产出指标', '时效指标', '项目完成时间', '≤', '12', '月'],
  ['产出指标', '成本指标', '项目总成本', '≤', '100', '万元'],
  ['效益指标', '经济效益指标', '带动社会投资', '≥', '300', '万元'],
  ['效益指标', '社会效益指标', '受益群众人数', '≥', '10000', '人'],
  ['效益指标', '生态效益指标', '人居环境改善', '定性', '明显改善', ''],
  ['效益指标', '可持续影响指标', '长效管护机制', '定性', '建立健全', ''],
  ['满意度指标', '服务对象满意度指标', '服务对象满意度', '≥', '90', '%'],
]
const WEIGHTS = [10, 5, 5, 5, 5, 5, 15, 5, 10, 10, 5, 10] // 产出50 效益30 满意度10

export function generateCity(sqlite: BetterSqlite3.Database, operatorId: string, scale: CityScale = CITY): { currentYear: number; counts: Record<string, number> } {
  const now = new Date().toISOString()
  let seed = 42
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
  const counts: Record<string, number> = {}
  const bump = (k: string, n = 1) => (counts[k] = (counts[k] ?? 0) + n)
  const ins = (table: string, cols: string[]) => sqlite.prepare(`INSERT INTO ${table} (${cols.join(',')}) VALUES (${cols.map(() => '?').join(',')})`)
  const division = ins('divisions', ['id', 'name', 'sort', 'active', 'created_at', 'updated_at'])
  const unit = ins('units', ['id', 'code', 'name', 'parent_name', 'division_id', 'active', 'created_at', 'updated_at'])
  const project = ins('projects', ['id', 'budget_year', 'unit_id', 'code', 'name', 'amount_fen', 'fund_source', 'category', 'annual_goal', 'origin', 'origin_id', 'created_at', 'updated_at'])
  const indicator = ins('indicators', ['id', 'project_id', 'level1', 'level2', 'name', 'operator', 'target_value', 'unit', 'weight', 'explanation', 'sort', 'created_at', 'updated_at'])
  const round = ins('rounds', ['id', 'stage', 'work_year', 'budget_year', 'title', 'deadline', 'as_of_month', 'unit_ids', 'project_ids', 'notes', 'created_at', 'updated_at'])
  const item = ins('round_items', ['id', 'round_id', 'project_id', 'status', 'review_count', 'conclusion', 'result_use', 'is_public', 'executed_fen', 'forecast_fen', 'light', 'submitted_at', 'reviewed_at', 'total_score', 'grade', 'created_at', 'updated_at'])
  const value = ins('indicator_values', ['id', 'item_id', 'indicator_id', 'actual', 'forecast', 'likelihood', 'causes', 'measures', 'light', 'created_at', 'updated_at'])
  const training = ins('trainings', ['id', 'work_year', 'date', 'title', 'organiser', 'form', 'participant_count', 'created_at', 'updated_at'])
  const exante = ins('exante_proposals', ['id', 'work_year', 'budget_year', 'unit_id', 'project_name', 'amount_fen', 'fund_source', 'scores', 'total_score', 'suggested_conclusion', 'conclusion', 'created_at', 'updated_at'])
  const rect = ins('rectifications', ['id', 'item_id', 'deadline', 'copies', 'status', 'created_at', 'updated_at'])
  const funds = ['一般公共预算', '一般公共预算', '一般公共预算', '政府性基金预算', '国有资本经营预算', '社会保险基金预算']
  const lights = ['green', 'green', 'green', 'yellow', 'yellow', 'red']
  const currentYear = scale.years[scale.years.length - 1]!

  sqlite.transaction(() => {
    const divisionIds = ['预算股', '行政政法股', '教科文股', '经济建设股', '农业农村股', '社会保障股', '资源环境股', '债务管理股'].map((name, i) => {
      const id = randomUUID()
      division.run(id, name, i, 1, now, now)
      return id
    })
    const unitIds: string[] = []
    for (let u = 0; u < scale.units; u++) {
      const id = randomUUID()
      unit.run(id, String(100000 + u), `第${Math.floor(u / 75) + 1}县第${(u % 75) + 1}预算单位`, '', divisionIds[u % divisionIds.length], 1, now, now)
      unitIds.push(id)
    }
    bump('units', scale.units)
    for (const year of scale.years) {
      const targets = randomUUID()
      const monitoring = randomUUID()
      round.run(targets, 'targets', year, year, `${year}年度绩效目标编审`, `${year}-03-15`, null, '[]', '[]', '', now, now)
      round.run(monitoring, 'monitoring', year, year, `${year}年1-9月运行监控`, `${year}-10-20`, 9, '[]', '[]', '', now, now)
      for (let p = 0; p < scale.projectsPerYear; p++) {
        const pid = randomUUID()
        const amount = Math.round(50 + rand() * 3000) * 1_000_000
        project.run(pid, year, unitIds[p % unitIds.length], `P${year}${p}`, `${year}年第${p + 1}号项目`, amount, funds[p % funds.length], '项目', '按期完成年度任务', '导入', null, now, now)
        const indIds: string[] = []
        for (let k = 0; k < scale.indicatorsPerProject; k++) {
          const l = LEVELS[k % LEVELS.length]!
          const iid = randomUUID()
          indicator.run(iid, pid, l[0], l[1], l[2], l[3], l[4], l[5], WEIGHTS[k % WEIGHTS.length], '', k, now, now)
          indIds.push(iid)
        }
        bump('indicators', indIds.length)
        const approved = year < currentYear || p % 10 !== 0
        item.run(randomUUID(), targets, pid, approved ? '已审核' : '已填报', 1, approved ? '优' : null, '', 0, null, null, null, now, approved ? now : null, null, null, now, now)
        const mid = randomUUID()
        const light = lights[p % lights.length]!
        item.run(mid, monitoring, pid, approved ? '已审核' : '已填报', 1, null, '', 0, Math.round(amount * 0.6), Math.round(amount * 0.95), light, now, approved ? now : null, null, null, now, now)
        if (year === currentYear) {
          for (const iid of indIds) value.run(randomUUID(), mid, iid, '80', '100', '确定能', '[]', '', light, now, now)
          bump('indicator_values', indIds.length)
        }
      }
      bump('projects', scale.projectsPerYear)
      bump('round_items', scale.projectsPerYear * 2)
      training.run(randomUUID(), year, `${year}-04-24`, `${year}年预算绩效管理培训`, '市财政局', '视频会', 300, now, now)
      for (let e = 0; e < 200; e++) {
        exante.run(randomUUID(), year, year + 1, unitIds[e % unitIds.length], `${year + 1}年新增项目${e + 1}`, Math.round(100 + rand() * 2000) * 1_000_000, '一般公共预算', '{}', 85, '予以支持', '予以支持', now, now)
      }
    }
    // The latest year looks back at the year before: 自评 over all its projects, 财政评价 of 40.
    const last = currentYear - 1
    const selfeval = randomUUID()
    const fiscal = randomUUID()
    round.run(selfeval, 'selfeval', currentYear, last, `${last}年度绩效自评`, `${currentYear}-06-30`, null, '[]', '[]', '', now, now)
    const lastProjects = sqlite.prepare('SELECT id FROM projects WHERE budget_year = ?').all(last) as { id: string }[]
    const keyIds = lastProjects.slice(0, 40).map((p) => p.id)
    round.run(fiscal, 'fiscaleval', currentYear, last, `${last}年度财政重点评价`, `${currentYear}-12-20`, null, '[]', JSON.stringify(keyIds), '', now, now)
    for (const [i, p] of lastProjects.entries()) {
      const score = 70 + (i % 30)
      item.run(randomUUID(), selfeval, p.id, '已审核', 1, null, '', 0, null, null, null, now, now, score, score >= 90 ? '优' : score >= 80 ? '良' : '中', now, now)
    }
    for (const [i, pid] of keyIds.entries()) {
      const iid = randomUUID()
      item.run(iid, fiscal, pid, '已审核', 1, null, '', 1, null, null, null, now, now, 80 + (i % 15), '良', now, now)
      rect.run(randomUUID(), iid, `${currentYear}-12-26`, 2, i % 3 === 0 ? '已整改' : '整改中', now, now)
    }
    bump('round_items', lastProjects.length + keyIds.length)
  })()
  void operatorId
  return { currentYear, counts }
}
