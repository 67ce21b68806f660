/** A set-up backend with units, 2024 projects and complete targets, for the stage tests. */
import type { IndicatorInput } from '../../shared/indicators'
import { makeSetUpBackend } from './backend'

export const completeIndicators = (amountWan: string): IndicatorInput[] => [
  { level1: '产出指标', level2: '数量指标', name: '清扫保洁面积', operator: '≥', targetValue: '120', unit: '万平方米', weight: 15, explanation: '' },
  { level1: '产出指标', level2: '质量指标', name: '生活垃圾无害化处理率', operator: '≥', targetValue: '95', unit: '%', weight: 10, explanation: '' },
  { level1: '产出指标', level2: '时效指标', name: '资金拨付及时率', operator: '≥', targetValue: '95', unit: '%', weight: 10, explanation: '' },
  { level1: '产出指标', level2: '成本指标', name: '项目总成本', operator: '≤', targetValue: amountWan, unit: '万元', weight: 15, explanation: '' },
  { level1: '效益指标', level2: '社会效益指标', name: '城乡人居环境改善', operator: '定性', targetValue: '明显改善', unit: '', weight: 20, explanation: '' },
  { level1: '效益指标', level2: '可持续影响指标', name: '长效管护机制建立', operator: '定性', targetValue: '建立健全', unit: '', weight: 10, explanation: '' },
  { level1: '满意度指标', level2: '服务对象满意度指标', name: '服务对象满意度', operator: '≥', targetValue: '90', unit: '%', weight: 10, explanation: '' },
]

export async function makeStageBackend(now = () => new Date('2024-10-08T09:00:00')) {
  const t = await makeSetUpBackend({ now })
  const jsj = await t.call('units/save', { code: '101041', name: '师宗县住房和城乡建设局', parentName: '', divisionId: t.divisions.jkw.id })
  const jyj = await t.call('units/save', { code: '101024', name: '师宗县教育体育局', parentName: '', divisionId: t.divisions.jkw.id })
  const p1 = await t.call('projects/save', { budgetYear: 2024, unitId: jsj.id, code: '530323240001', name: '城乡环卫一体化经费', amountWan: '1573', fundSource: '一般公共预算', category: '项目' })
  const p2 = await t.call('projects/save', { budgetYear: 2024, unitId: jyj.id, code: '530323240002', name: '学生资助补助经费', amountWan: '320.5', fundSource: '一般公共预算', category: '项目' })
  return { ...t, units: { jsj, jyj }, projects: { p1, p2 } }
}
