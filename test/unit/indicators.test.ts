import { describe, expect, it } from 'vitest'
import { checkIndicators, normalizeLevel2, normalizeOperator, type IndicatorInput } from '../../shared/indicators'

const ind = (p: Partial<IndicatorInput>): IndicatorInput => ({ level1: '产出指标', level2: '数量指标', name: '培训人次', operator: '≥', targetValue: '500', unit: '人次', weight: null, explanation: '', ...p })
const complete = (): IndicatorInput[] => [
  ind({ weight: 15 }),
  ind({ level2: '质量指标', name: '验收合格率', targetValue: '100', unit: '%', weight: 10 }),
  ind({ level2: '时效指标', name: '资金拨付及时率', targetValue: '95', unit: '%', weight: 10 }),
  ind({ level2: '成本指标', name: '项目总成本', operator: '≤', targetValue: '1573', unit: '万元', weight: 15 }),
  ind({ level1: '效益指标', level2: '社会效益指标', name: '受益人数', targetValue: '10000', unit: '人', weight: 30 }),
  ind({ level1: '满意度指标', level2: '服务对象满意度指标', name: '服务对象满意度', targetValue: '90', unit: '%', weight: 10 }),
]
const opts = { weightTotal: 90, projectAmountFen: 1_573_000_000 }
const msgs = (list: IndicatorInput[], goal = '年度目标') => checkIndicators(goal, list, opts).map((p) => `${p.severity}:${p.message}`)

describe('绩效目标 completeness checks', () => {
  it('passes a complete, well-formed table', () => {
    expect(msgs(complete())).toEqual([])
  })
  it('requires the annual goal and every 一级', () => {
    const m = msgs(complete().filter((i) => i.level1 !== '满意度指标'), '')
    expect(m).toContain('error:年度总体目标未填写')
    expect(m).toContain('error:缺少“满意度指标”')
    expect(m).toContain('error:指标权重合计为80，应为90')
  })
  it('warns when 产出 lacks 时效 or 成本', () => {
    const m = msgs(complete().filter((i) => i.level2 !== '时效指标').map((i) => (i.level2 === '数量指标' ? { ...i, weight: 25 } : i)))
    expect(m).toEqual(['warning:产出指标中没有“时效指标”，如项目有此类产出请补充'])
  })
  it('names a 二级 that does not belong to its 一级, a bad operator, and a non-numeric value', () => {
    const list = complete()
    list[0] = { ...list[0]!, level2: '社会效益指标' }
    list[1] = { ...list[1]!, operator: '约' }
    list[2] = { ...list[2]!, targetValue: '较好' }
    const m = msgs(list)
    expect(m).toContain('error:指标“培训人次”的二级指标“社会效益指标”不属于“产出指标”，应为数量指标、质量指标、时效指标、成本指标之一')
    expect(m).toContain('error:指标“验收合格率”的指标性质“约”无效，应为≥、≤、=或定性')
    expect(m).toContain('error:指标“资金拨付及时率”的指标值“较好”不是数值；定量指标请填数字，文字描述的指标请把指标性质选为“定性”')
  })
  it('flags a 正向 indicator written with ≤ and a 满意度 with ≤', () => {
    const list = complete()
    list[1] = { ...list[1]!, operator: '≤' }
    list[5] = { ...list[5]!, operator: '≤' }
    const m = msgs(list)
    expect(m).toContain('warning:指标“验收合格率”是正向指标（越高越好），却使用了“≤”，请确认指标性质')
    expect(m).toContain('error:指标“服务对象满意度”是满意度指标，应使用“≥”')
  })
  it('catches a cost indicator in 元 beside funds in 万元, and one above the project funds', () => {
    const list = complete()
    list[3] = { ...list[3]!, unit: '元' }
    expect(msgs(list)).toContain('warning:指标“项目总成本”为1573元，而项目资金为1573.00万元，数额相差上万倍，请核对单位是否应为“万元”')
    list[3] = { ...list[3]!, targetValue: '15730000', unit: '万元' }
    expect(msgs(list)).toContain('error:指标“项目总成本”为15730000万元，超过项目资金1573.00万元，请核对单位是否应为“元”')
  })
  it('wants weights on all or none', () => {
    const list = complete()
    list[0] = { ...list[0]!, weight: null }
    expect(msgs(list)).toContain('error:部分指标填写了权重、部分没有填写，请全部填写')
  })
  it('normalises what people type', () => {
    expect(normalizeOperator('>=')).toBe('≥')
    expect(normalizeOperator('小于等于')).toBe('≤')
    expect(normalizeLevel2('数量')).toBe('数量指标')
    expect(normalizeLevel2('满意度')).toBe('服务对象满意度指标')
  })
})
