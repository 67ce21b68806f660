/**
 * Every scoring and light rule at its boundaries, one row per case. Expected values are worked out by
 * hand from the rules in domain-facts §1/§4 (shown in the comment of each row), not from the code.
 */
import { describe, expect, it } from 'vitest'
import { checkIndicators, parseOperator, splitInlineTarget } from '../../shared/indicators'
import { DEFAULT_WARNING_RULES as W, budgetLight, indicatorLight } from '../../shared/monitoring'
import { matchQualitative } from '../../shared/qualitative'
import { DEFAULT_SCORING_RULES as R, executionScore, needsOverrideReason, scoreIndicator, totalScore, type ScoringRules } from '../../shared/scoring'
import { DEFAULT_SETTINGS, scoringRulesSchema, warningRulesSchema, withDefaults } from '../../shared/settings'

const score = (operator: string, targetValue: string, actual: string, weight = 10, rules: ScoringRules = R) => scoreIndicator({ operator, targetValue, actual, weight }, rules).score

describe('indicator score: table of boundaries', () => {
  it.each([
    // 正向 ≥: full at or above, actual/target × weight below
    ['≥', '100', '100', 10, 10], // at the target
    ['≥', '100', '130', 10, 10], // capped
    ['≥', '100', '99.9', 10, 9.99], // 99.9/100×10
    ['≥', '95%', '90%', 10, 9.47], // 90/95×10 = 9.4736…
    ['≥', '95', '95%', 10, 10], // "95%" ≡ 95
    ['≥', '100', '0', 10, 0],
    ['≥', '8', '4.6', 1, 0.58], // 4.6/8 = 0.575 → 0.58 half up (a float gives 0.57)
    ['≥', '100', '87', 7.5, 6.53], // 87/100×7.5 = 6.525 → 6.53
    // 反向 ≤ (linear): full at or under, (2t − a)/t × w, 0 from twice the target
    ['≤', '100', '100', 10, 10],
    ['≤', '100', '150', 10, 5],
    ['≤', '100', '199', 10, 0.1],
    ['≤', '100', '200', 10, 0],
    ['≤', '3', '3.6', 10, 8], // (6 − 3.6)/3 × 10 = 8
    // 等于
    ['=', '0', '0', 10, 10],
    ['=', '0', '2', 10, 0],
    ['=', '100', '90', 10, 9], // target > 0 scored like ≥
    // full-width operators are the operator they look like
    ['≧', '100', '90', 10, 9],
    ['≦', '100', '150', 10, 5], // as ≤; read as ≥ it would have been 10
    ['﹦', '0', '2', 10, 0], // as =; read as ≥ with target 0 it would have been full marks
    ['＝', '0', '0', 10, 10],
    ['＞', '100', '50', 10, 5],
    ['＜', '100', '150', 10, 5],
    ['>=', '100', '50', 10, 5],
  ])('%s %s, actual %s, weight %d → %d', (op, target, actual, weight, expected) => {
    expect(score(op, target, actual, weight)).toBe(expected)
  })

  it('an unknown or empty operator is an error, never ≥', () => {
    for (const op of ['约', '', '≈', '大约']) {
      const r = scoreIndicator({ operator: op, targetValue: '100', actual: '100', weight: 10 }, R)
      expect(r.score).toBeNull()
      expect(r.error).toMatch(/指标性质/)
    }
    expect(parseOperator('≈')).toBeNull()
    expect(parseOperator('')).toBeNull()
  })

  it.each([
    // 定性: exact level names and synonyms; suggest 100% / 70% / 30% of the weight
    ['达成年度指标', 10],
    ['部分达成年度指标并具有一定效果', 7],
    ['未达成年度指标且效果较差', 3],
    ['未达成年度指标', 3], // the old first-four-characters match gave full marks
    ['部分达成年度指标', 7], // likewise
    ['完成', 10],
    ['达成预期指标', 10],
    ['好', 10],
    ['基本完成', 7],
    ['部分达成', 7],
    ['较好', 7],
    ['未完成', 3],
    ['未达成', 3],
    ['差', 3],
    [' 未 完 成 ', 3], // spaces ignored
    ['明显提升', null], // no level: no suggestion
    ['达成年度指标。但有不足', null], // a sentence is not a level
  ])('定性 “%s” → %s', (actual, expected) => {
    expect(score('定性', '群众满意', actual)).toBe(expected)
  })

  it('says why a 定性 value gets no suggestion', () => {
    expect(scoreIndicator({ operator: '定性', targetValue: '明显', actual: '明显提升', weight: 10 }, R).rule).toContain('“明显提升”不是“达成年度指标”')
  })

  it('takes synonyms from settings', () => {
    const rules: ScoringRules = { ...R, qualitative: R.qualitative.map((q, i) => (i === 0 ? { ...q, synonyms: [...q.synonyms, '优秀'] } : q)) }
    expect(score('定性', '—', '优秀', 10)).toBeNull()
    expect(score('定性', '—', '优秀', 10, rules)).toBe(10)
    expect(matchQualitative('优秀', rules.qualitative)).toBe(0)
  })

  it('variants: whole points, and the 指标/实际 × 分值 reverse formula', () => {
    const whole = { ...R, scoreDecimals: 0 }
    expect(score('≥', '3', '1', 10, whole)).toBe(3) // 3.33 → 3
    expect(score('≥', '8', '7', 5, whole)).toBe(4) // 4.375 → 4
    expect(score('≥', '8', '7', 6, whole)).toBe(5) // 5.25 → 5
    expect(score('≥', '4', '3', 2, whole)).toBe(2) // 1.5 → 2 (half up)
    const ratio = { ...R, reverseFormula: 'ratio' as const }
    expect(score('≤', '100', '125', 10, ratio)).toBe(8) // 100/125 × 10
    expect(score('≤', '3', '3.6', 10, ratio)).toBe(8.33) // 3/3.6 × 10
    expect(score('≤', '100', '300', 10, ratio)).toBe(3.33) // no cut-off at twice the target
    expect(score('≤', '100', '100', 10, ratio)).toBe(10)
  })

  it('overrides of a 定性 score are judged on the matched level’s range', () => {
    expect(needsOverrideReason(3, 5, '定性', 10, '未完成', R)).toBe(false) // level 3 allows [0, 6]
    expect(needsOverrideReason(3, 7, '定性', 10, '未完成', R)).toBe(true)
    expect(needsOverrideReason(10, 8, '定性', 10, '完成', R)).toBe(false) // level 1 allows [8, 10]
  })

  it('execution score and total in decimals', () => {
    expect(executionScore(1_000_000, 895_000, R)).toEqual({ rate: 89.5, score: 8.95 })
    expect(executionScore(300, 100, R)).toEqual({ rate: 33.33, score: 3.33 })
    // 10 + 8.7 + 35.1 + 27 + 9.2 = 90 of 10 + 90 = 100 → 90.00, 优 at exactly the band
    expect(totalScore({ executionScore: 10, indicators: [{ weight: 10, score: 8.7 }, { weight: 40, score: 35.1 }, { weight: 30, score: 27 }, { weight: 10, score: 9.2 }] }, R)).toEqual({ total: 90, grade: '优' })
  })
})

describe('indicator light: table of boundaries (month 9, bands 60/80)', () => {
  const L = (p: Partial<Parameters<typeof indicatorLight>[0]>, month = 9, rules = W) =>
    indicatorLight({ operator: '≥', level2: '数量指标', targetValue: '', unit: '', actual: '', forecast: '', likelihood: '', ...p }, month, rules)
  it.each([
    // ≥ amount accrued over the year: actual ÷ (target × 9/12)
    [{ targetValue: '1200', actual: '900' }, 'green'], // 100%
    [{ targetValue: '1200', actual: '720' }, 'green'], // exactly 80%
    [{ targetValue: '1200', actual: '719' }, 'yellow'],
    [{ targetValue: '1200', actual: '540' }, 'yellow'], // exactly 60%
    [{ targetValue: '1200', actual: '539' }, 'red'],
    [{ targetValue: '1200', actual: '0' }, 'red'],
    // rate 二级 (时效/质量/满意度): compared directly, never pro-rated
    [{ level2: '时效指标', targetValue: '95', unit: '%', actual: '50' }, 'red'], // 52.6%; used to get no light at all
    [{ level2: '时效指标', targetValue: '95%', actual: '90' }, 'green'], // 94.7%
    [{ level2: '质量指标', targetValue: '100', unit: '分', actual: '70' }, 'yellow'], // 70%
    [{ level2: '服务对象满意度指标', targetValue: '90', unit: '%', actual: '54' }, 'yellow'], // exactly 60%
    [{ level2: '服务对象满意度指标', targetValue: '90', unit: '%', actual: '53.9' }, 'red'],
    // "95%" in the value ≡ "95" with unit "%": both direct (70/95 = 73.7% → yellow)
    [{ targetValue: '95%', actual: '70' }, 'yellow'],
    [{ targetValue: '95', unit: '%', actual: '70' }, 'yellow'],
    [{ targetValue: '95', unit: '％', actual: '70%' }, 'yellow'],
    // = with target 0: anything else is red
    [{ operator: '=', targetValue: '0', actual: '0' }, 'green'],
    [{ operator: '=', targetValue: '0', actual: '2' }, 'red'],
    [{ operator: '﹦', targetValue: '0', actual: '2' }, 'red'],
    [{ operator: '=', targetValue: '100', actual: '79' }, 'yellow'], // = 100 direct
    // ≤: forecast against the target; red only beyond 120%
    [{ operator: '≤', targetValue: '3', forecast: '3' }, 'green'],
    [{ operator: '≤', targetValue: '3', forecast: '3.01' }, 'yellow'],
    [{ operator: '≤', targetValue: '3', forecast: '3.6' }, 'yellow'], // exactly 120%: 3 × 1.2 in floats is 3.5999…
    [{ operator: '≤', targetValue: '3', forecast: '3.61' }, 'red'],
    [{ operator: '≦', targetValue: '0.1', forecast: '0.12' }, 'yellow'], // exactly 120%
    [{ operator: '≤', targetValue: '3', actual: '3.7' }, 'red'], // no forecast: the actual
    // 定性: the three levels and their synonyms
    [{ operator: '定性', targetValue: '明显改善', actual: '达成年度指标' }, 'green'],
    [{ operator: '定性', targetValue: '明显改善', actual: '完成' }, 'green'],
    [{ operator: '定性', targetValue: '明显改善', actual: '部分达成年度指标' }, 'yellow'],
    [{ operator: '定性', targetValue: '明显改善', actual: '基本完成' }, 'yellow'],
    [{ operator: '定性', targetValue: '明显改善', actual: '未完成' }, 'red'], // used to light green
    [{ operator: '定性', targetValue: '明显改善', actual: '未达成年度指标' }, 'red'],
    [{ operator: '定性', targetValue: '明显改善', actual: '进展顺利', likelihood: '有可能' }, 'yellow'],
    [{ operator: '定性', targetValue: '明显改善', actual: '进展顺利' }, null],
    // 不可能 is always red; an unknown operator gets no light (it is an error, not ≥)
    [{ targetValue: '1200', actual: '1200', likelihood: '不可能' }, 'red'],
    [{ operator: '约', targetValue: '1200', actual: '1200' }, null],
    [{ operator: '', targetValue: '1200', actual: '1200' }, null],
  ] as const)('%o → %s', (p, light) => {
    expect(L(p)).toBe(light)
  })

  it('the rate 二级 list is a setting', () => {
    const p = { level2: '质量指标', targetValue: '100', unit: '分', actual: '70' }
    expect(L(p, 6)).toBe('yellow') // direct: 70%
    expect(L(p, 6, { ...W, rateLevel2: [] })).toBe('green') // pro-rated: 70 ÷ 50 = 140%
  })

  it('budget light boundaries in integers', () => {
    // 45% by September = exactly 60 of the time share; 60% = exactly 80
    expect(budgetLight(45, 100, 9, W).light).toBe('yellow')
    expect(budgetLight(4499, 10000, 9, W).light).toBe('red')
    expect(budgetLight(60, 100, 9, W).light).toBe('green')
    expect(budgetLight(5999, 10000, 9, W).light).toBe('yellow')
  })
})

describe('wording', () => {
  it.each([
    ['≥90%', { operator: '≥', value: '90', unit: '%' }],
    ['≤30万元', { operator: '≤', value: '30', unit: '万元' }],
    ['=100', { operator: '=', value: '100', unit: '' }],
    ['≧ 95 ％', { operator: '≥', value: '95', unit: '%' }],
    ['﹦0', { operator: '=', value: '0', unit: '' }],
    ['＜＝３天', { operator: '≤', value: '3', unit: '天' }],
    ['1,200人次', { operator: null, value: '1200', unit: '人次' }],
    ['不低于95%', { operator: '≥', value: '95', unit: '%' }],
  ])('splits “%s”', (text, expected) => {
    expect(splitInlineTarget(text)).toEqual(expected)
  })
  it('leaves words alone', () => {
    expect(splitInlineTarget('明显改善')).toBeNull()
    expect(splitInlineTarget('3个月内完成项目建设并通过验收')).toBeNull()
  })
})

describe('money in messages comes from integer 分', () => {
  it('shows 1.005万元 as 1.01, not toFixed’s 1.00', () => {
    const list = [{ level1: '产出指标', level2: '成本指标', name: '项目总成本', operator: '≤', targetValue: '2', unit: '万元', weight: null, explanation: '' }]
    const m = checkIndicators('目标', list, { weightTotal: 90, projectAmountFen: 1_005_000 }).map((p) => p.message)
    expect(m).toContain('指标“项目总成本”为2万元，超过项目资金1.01万元，请核对单位是否应为“元”')
  })
})

describe('settings', () => {
  it('defaults validate and older stored rules gain the new keys', () => {
    expect(scoringRulesSchema.safeParse(DEFAULT_SETTINGS.scoring).success).toBe(true)
    expect(warningRulesSchema.safeParse(DEFAULT_SETTINGS.warnings).success).toBe(true)
    const old = { scoring: { ...R, qualitative: R.qualitative.map(({ level, suggest, min, max }) => ({ level, suggest, min, max })) }, warnings: { red: 50, yellow: 70, reverseRedFactor: 1.5 } }
    const s = withDefaults(old as never)
    expect(s.scoring.qualitative[2]!.synonyms).toContain('未完成')
    expect(s.scoring.scoreDecimals).toBe(2)
    expect(s.warnings).toEqual({ red: 50, yellow: 70, reverseRedFactor: 1.5, rateLevel2: ['质量指标', '时效指标', '服务对象满意度指标'] })
  })
  it('refuses a synonym in two levels', () => {
    const bad = { ...R, qualitative: R.qualitative.map((q, i) => (i === 2 ? { ...q, synonyms: [...q.synonyms, '完成'] } : q)) }
    const r = scoringRulesSchema.safeParse(bad)
    expect(r.success).toBe(false)
    expect(JSON.stringify(r.error?.issues)).toContain('“完成”出现在不止一个等级中')
  })
})
