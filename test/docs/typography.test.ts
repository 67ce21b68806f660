/**
 * Title lines, line counts, heading faces and the Word/WPS settings of the 公文 engine, on XML and
 * on hand-counted text. Expected lines and counts are written out by hand from the rules.
 */
import JSZip from 'jszip'
import { describe, expect, it } from 'vitest'
import { countLines, layoutFlow, lineStarts } from '../../electron/docs/flow'
import { renderGongwen, splitHeading } from '../../electron/docs/gongwen'
import { BODY_CHAR, BODY_CHAR_SPACING, BODY_SIZE, LINE_PITCH, TEXT_HEIGHT, TEXT_WIDTH } from '../../electron/docs/units'
import { breakTitle, titleWidth } from '../../shared/title-lines'
import { attr, runWith, unzipDocx } from './docx-xml'
import { feedbackNotice } from './samples'

/** Words of the source report's titles that a line may never split (GB/T 9704 §7.3.1: 词意完整). */
const WORDS = ['财政评价', '绩效', '支出', '重大政策', '意见书', '预算项目', '运行监控', '再评价', '自评']

function brokenWord(lines: string[]): string | undefined {
  for (let i = 1; i < lines.length; i++) {
    const seam = lines[i - 1]!.slice(-4) + '|' + lines[i]!.slice(0, 4)
    const hit = WORDS.find((w) => [...Array(w.length - 1).keys()].some((k) => seam.includes(w.slice(0, k + 1) + '|' + w.slice(k + 1))))
    if (hit) return hit
  }
  return undefined
}

describe('title lines (GB/T 9704 §7.3.1)', () => {
  const cases: [string, string[]][] = [
    ['关于做好2024年度预算绩效目标编审工作的通知', ['关于做好2024年度', '预算绩效目标编审工作的通知']],
    ['关于反馈县本级2024年度绩效运行监控结果的通知', ['关于反馈县本级2024年度', '绩效运行监控结果的通知']],
    ['师宗县财政局关于2023年度县级预算项目支出绩效财政评价结果的报告', ['师宗县财政局关于2023年度县级', '预算项目支出绩效财政评价结果的报告']],
    ['师宗县2024年预算绩效工作开展情况及重大政策和重点项目等绩效执行结果情况', ['师宗县2024年预算绩效工作开展情况及', '重大政策和重点项目等绩效执行结果情况']],
  ]
  for (const [title, lines] of cases) {
    it(`breaks ${title} between words`, () => {
      expect(breakTitle(title, 20)).toEqual(lines)
    })
  }

  it('never leaves a line of one to three characters, nor breaks a listed word, on the 17 titles of the source report', () => {
    const titles = [
      '关于师宗县疫情防控隔离酒店和隔离板房改造项目绩效财政评价结果反馈及存在问题整改的通知',
      '关于师宗县不锈钢产业园区基础设施配套建设项目绩效财政评价结果反馈及存在问题整改的通知',
      '关于师宗县城乡居民基本医疗保险绩效财政评价结果反馈及存在问题整改的通知',
      '关于开展县本级2023年度预算支出绩效财政再评价工作的通知',
      '师宗县财政局预算项目支出绩效运行监控结果运用意见书',
      '第三方中介机构参与师宗县预算绩效管理工作考评表',
      '关于做好2023年县本级部门预算财政支出绩效自评工作的通知',
      '师宗县财政局关于2025年预算项目财政评估结果反馈的通知',
    ]
    for (const t of titles) {
      const lines = breakTitle(t, 20)
      expect(lines.join(''), t).toBe(t)
      for (const l of lines) expect(titleWidth(l), `${t}: ${l}`).toBeGreaterThanOrEqual(4)
      for (const l of lines) expect(titleWidth(l), `${t}: ${l}`).toBeLessThanOrEqual(20)
      expect(brokenWord(lines), t).toBeUndefined()
    }
  })

  it('keeps a title the user broke by hand', () => {
    expect(breakTitle('关于开展县本级\n2023年度预算支出绩效财政再评价工作的通知', 20)).toEqual(['关于开展县本级', '2023年度预算支出绩效财政再评价工作的通知'])
  })
})

describe('line and page counts', () => {
  const body = { width: TEXT_WIDTH, firstIndent: 2 * BODY_CHAR, halfPoints: BODY_SIZE, spacing: BODY_CHAR_SPACING }
  it('fits 26 characters on an indented first line and 28 on the others', () => {
    expect(countLines('一'.repeat(26), body)).toBe(1)
    expect(countLines('一'.repeat(27), body)).toBe(2)
    expect(countLines('一'.repeat(26 + 28), body)).toBe(2)
    expect(countLines('一'.repeat(26 + 29), body)).toBe(3)
  })
  it('never starts a line with a closing sign: the character before goes down with it', () => {
    // 26 characters then "。": the full stop cannot start line 2, so 一 goes down with it.
    expect(countLines('一'.repeat(26) + '。', body)).toBe(2)
    expect(countLines('一'.repeat(25) + '。', body)).toBe(1)
  })
  it('says where each line starts, for carrying the last two lines of a paragraph over', () => {
    expect(lineStarts('一'.repeat(26) + '二'.repeat(28) + '三', body)).toEqual([0, 26, 54])
    expect(lineStarts('一'.repeat(26) + '。', body)).toEqual([0, 25]) // 一 goes down with the 。
  })
  it('pushes a heading whose first two lines of text do not fit to the next page', () => {
    // 20 lines used, a heading (keep with next) then a 3-line paragraph: heading + 2 lines need 3.
    const end = layoutFlow(
      [
        { before: 0, lines: 20, line: LINE_PITCH },
        { before: 0, lines: 1, line: LINE_PITCH, keepNext: true },
        { before: 0, lines: 3, line: LINE_PITCH },
      ],
      TEXT_HEIGHT,
    )
    expect(end).toMatchObject({ page: 2, used: 4 * LINE_PITCH, starts: [1, 2, 2] })
  })
  it('splits a paragraph with two lines at least on each page', () => {
    // 19 lines used, a 5-line paragraph: 3 lines fit, 2 go over.
    expect(layoutFlow([{ before: 0, lines: 19, line: LINE_PITCH }, { before: 0, lines: 5, line: LINE_PITCH }], TEXT_HEIGHT)).toMatchObject({ page: 2, used: 2 * LINE_PITCH, starts: [1, 1], ends: [1, 2] })
    // 20 used, a 3-line paragraph: a split would leave one line alone, so all of it goes over.
    expect(layoutFlow([{ before: 0, lines: 20, line: LINE_PITCH }, { before: 0, lines: 3, line: LINE_PITCH }], TEXT_HEIGHT)).toMatchObject({ page: 2, used: 3 * LINE_PITCH, starts: [1, 2] })
  })
})

describe('heading face', () => {
  it('sets only the heading phrase in the heading face', () => {
    expect(splitHeading('（一）加强组织领导。各单位要高度重视。')).toEqual(['（一）加强组织领导。', '各单位要高度重视。'])
    expect(splitHeading('一、监控范围')).toEqual(['一、监控范围', ''])
  })
  it('sets a numbered paragraph that is one sentence in the body face', () => {
    expect(splitHeading('（三）对执行进度滞后或可能无法完成目标的，从经费保障、制度保障等方面分析原因。')[0]).toBe('')
  })
  it('writes such a paragraph in 仿宋 throughout', async () => {
    const spec = feedbackNotice({ body: [{ level: 2, text: '（一）对评估结论为不予支持的项目，原则上不安排预算，确需安排的须重新论证。' }] })
    const { document } = await unzipDocx(await renderGongwen(spec))
    expect(attr(runWith(document, '（一）对评估结论为不予支持的项目，原则上不安排预算，确需安排的须重新论证。'), 'w:rFonts', 'w:eastAsia')).toBe('仿宋_GB2312')
  })
})

describe('Word and WPS settings', () => {
  it('switches hanging punctuation off, compression off, and lists every face with altName and GB2312 charset', async () => {
    const buffer = await renderGongwen(feedbackNotice())
    const parts = await unzipDocx(buffer)
    const pPrDefault = /<w:pPrDefault>[\s\S]*?<\/w:pPrDefault>/.exec(parts.styles)?.[0] ?? ''
    expect(pPrDefault).toContain('<w:overflowPunct w:val="0"/>')
    expect(parts.settings).toContain('<w:characterSpacingControl w:val="doNotCompress"/>')
    const fonts = await (await JSZip.loadAsync(buffer)).file('word/fontTable.xml')!.async('string')
    for (const [name, alt] of [['仿宋_GB2312', '仿宋'], ['方正小标宋简体', '宋体'], ['楷体_GB2312', '楷体'], ['黑体', 'SimHei']]) {
      const entry = new RegExp(`<w:font w:name="${name}">[\\s\\S]*?</w:font>`).exec(fonts)?.[0] ?? ''
      expect(entry, name).toContain(`<w:altName w:val="${alt}"/>`)
      expect(entry, name).toContain('<w:charset w:val="86"/>')
    }
  })
})
