/** 驾驶舱 figures and the annual report against the demo year, checked by hand-computed sums. */
import Database from 'better-sqlite3'
import JSZip from 'jszip'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docxToPdf, OUTPUT_DIR, pdfPageCount, pdfText, requireRenderTools, squash } from '../docs/render'
import { useDemoBackend } from '../helpers/backend'

const demo = useDemoBackend(new Date('2024-12-28T09:00:00'))

/** The same figures by hand, straight from the file with better-sqlite3. */
function raw(sql: string, ...args: unknown[]): Record<string, number> {
  const db = new Database(demo.t.backend.dbPath, { readonly: true })
  try {
    return db.prepare(sql).get(...args) as Record<string, number>
  } finally {
    db.close()
  }
}

describe('驾驶舱 on the demo year', () => {
  it('states the source report’s headline figures', async () => {
    const d = await demo.t.call('dashboard/get', { workYear: 2024 })
    expect(d.headline).toMatchObject({
      trainings: 1,
      exanteProjects: 1,
      exanteFen: 1_573_000_000,
      targetUnits: 73,
      targetProjects: 139,
      targetFen: 14_052_000_000,
      monitoredProjects: 600,
      monitoredFen: 280_610_080_000,
      keyEvalProjects: 4,
      keyEvalFen: 15_718_940_000,
    })
  })

  it('matches hand-computed sums by status, fund source and light', async () => {
    const d = await demo.t.call('dashboard/get', { workYear: 2024 })
    const targetsApproved = raw(`SELECT count(*) c, sum(p.amount_fen) f FROM round_items i JOIN rounds r ON r.id=i.round_id JOIN projects p ON p.id=i.project_id WHERE r.stage='targets' AND r.work_year=2024 AND i.status='已审核'`)
    expect(d.byStageStatus.find((s) => s.stage === 'targets' && s.status === '已审核')).toMatchObject({ count: targetsApproved.c, fen: targetsApproved.f })
    const byFund = d.byFundSource.reduce((a, g) => a + g.fen, 0)
    expect(byFund).toBe(raw(`SELECT sum(amount_fen) f FROM projects WHERE budget_year=2024`).f)
    expect(d.byFundSource.map((g) => g.name).sort()).toEqual(['一般公共预算', '政府性基金预算', '社会保险基金预算'].sort())
    const reds = raw(`SELECT count(*) c FROM round_items i JOIN rounds r ON r.id=i.round_id WHERE r.stage='monitoring' AND i.light='red'`).c
    expect(d.lights.red).toBe(reds)
    expect(d.lights.red + d.lights.yellow + d.lights.green + d.lights.none).toBe(600)
    expect(d.pipeline.map((p) => p.name)).toEqual(['事前评估', '绩效目标', '运行监控', '绩效评价', '整改'])
    expect(d.pipeline[4]).toMatchObject({ count: 4, fen: 15_718_940_000 })
  })

  it('warns of red lights, overdue 整改 and reviews waiting', async () => {
    const d = await demo.t.call('dashboard/get', { workYear: 2024 })
    const kinds = d.warnings.map((w) => w.kind)
    expect(kinds).toContain('red')
    expect(kinds).toContain('rectify-overdue') // three 整改 still open after 12月26日
    expect(d.warnings.find((w) => w.kind === 'rectify-overdue')!.title).toBe('整改逾期3项')
    expect(kinds).toContain('review-waiting')
  })

  it('gives the same headline per year in the multi-year view', async () => {
    const years = await demo.t.call('dashboard/years', {})
    expect(years.find((y) => y.headline.workYear === 2024)!.headline.targetProjects).toBe(139)
  })
})

describe('annual work report', () => {
  it('takes every figure, date, 文号 and project name from the records', async () => {
    const draft = await demo.t.call('docs/draft', { kind: 'annual-report', workYear: 2024 })
    expect(draft.title).toBe('师宗县2024年预算绩效工作开展情况及重大政策和重点项目等绩效执行结果情况')
    expect(draft.numbered).toBe(false)
    const b = draft.body
    for (const s of [
      '2024年我县共开展1次绩效管理培训会',
      '第一次：2024年4月24日',
      '曲靖市2024年预算绩效管理培训视频会',
      '2024年涉及预算项目1个，项目资金为1573万元，具体项目及金额为“师宗县环卫一体化经费”',
      '《关于做好2024年度预算绩效目标编审工作的通知》',
      '（师财预〔2024〕104号）',
      '对全县73个县直预算单位申报139个预算项目共14052万元进行初步审核',
      '（师财预〔2024〕70号）',
      '我县预算项目资金280610.08万元全部纳入绩效运行监控管理',
      '（师财预〔2024〕103号）',
      '（师财绩〔2024〕2号）',
      '（师财预〔2024〕101号）',
      '4个专项资金共15718.94万元',
      '委托第三方机构云南永盛会计师事务所有限公司实施财政重点绩效评价',
      '（师财预〔2024〕105号）',
      '（师财预〔2024〕108号）',
      '于12月26日前一式两份分别报送县财政局预算股',
      '向县委、县人大常委会、县人民政府、县纪委县监委报告',
      '通过询价的方式',
    ]) {
      expect(b).toContain(s)
    }
    expect(b).not.toMatch(/\{\{|undefined|null|NaN/)
    const doc = await demo.t.call('docs/issue', { kind: 'annual-report', workYear: 2024, title: draft.title, recipients: '', body: b, attachments: [], copyTo: '', date: '2024-12-31', serial: null })
    expect(doc.entry.docNumber).toBe('')
    const xml = await (await JSZip.loadAsync(readFileSync(doc.path))).file('word/document.xml')!.async('string')
    expect(xml).toContain('280610.08')

    // Rendered: a few pages of 公文, the title on page 1, the figures in the text.
    requireRenderTools()
    const [pdf] = docxToPdf([doc.path], join(OUTPUT_DIR, 'annual-report'))
    expect(pdfPageCount(pdf!)).toBeGreaterThanOrEqual(4)
    expect(squash(pdfText(pdf!, 1, 1))).toContain(squash('师宗县2024年预算绩效工作开展情况'))
    expect(squash(pdfText(pdf!))).toContain('280610.08')
  }, 120_000)

  it('says so where a year has no data', async () => {
    const draft = await demo.t.call('docs/draft', { kind: 'annual-report', workYear: 2023 })
    expect(draft.body).toContain('本年度未记录业务培训')
    expect(draft.body).toContain('本年度未开展事前绩效评估')
    expect(draft.body).not.toMatch(/\{\{/)
  })
})
