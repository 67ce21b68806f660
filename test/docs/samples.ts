/** Realistic specs for the document tests, modelled on the 师宗县 2024 documents. */
import type { BodyBlock } from '../../shared/documents'
import type { FontSettings } from '../../shared/settings'
import type { AnnexTable, GongwenSpec } from '../../electron/docs/gongwen'
import type { FormDocSpec } from '../../electron/docs/form-doc'

export const FONTS_GB2312: FontSettings = {
  body: '仿宋_GB2312',
  title: '方正小标宋简体',
  heading1: '黑体',
  heading2: '楷体_GB2312',
  latin: 'Times New Roman',
}

/** The newer-PC variant: Windows 10/11 and UOS ship 仿宋/楷体 without the _GB2312 files. */
export const FONTS_PLAIN: FontSettings = { ...FONTS_GB2312, body: '仿宋', heading2: '楷体' }

export const FEEDBACK_BODY: BodyBlock[] = [
  {
    level: 0,
    text: '根据《师宗县县级预算绩效事前评估管理暂行办法》（师财绩〔2021〕6号）要求，县财政局对相关部门申报的2025年预算项目开展了事前绩效评估，现将评估结果反馈如下：',
  },
  { level: 1, text: '一、评估基本情况' },
  {
    level: 0,
    text: '本次共对12个预算项目开展事前绩效评估，涉及项目资金4386.50万元。其中，评估结论为“予以支持”的8个，“调整后予以支持”的3个，“不予支持”的1个。各项目评估结果详见附件。',
  },
  { level: 1, text: '二、评估结果运用' },
  { level: 2, text: '（一）予以支持的项目。请相关预算部门将项目纳入部门项目库，为2025年预算编制做好储备。' },
  { level: 2, text: '（二）调整后予以支持的项目' },
  { level: 3, text: '1.按评估意见调整完善项目实施方案，细化资金测算依据。' },
  { level: 3, text: '2.修改完善绩效目标，确保指标明确、细化、量化，于10月25日前报送县财政局。' },
  { level: 2, text: '（三）不予支持的项目。不得安排2025年预算。' },
  { level: 1, text: '三、工作要求' },
  {
    level: 0,
    text: '县级安排预算资金时将根据绩效评估结果运用意见书，综合县级财力合理安排预算。请相关预算部门根据本通知做好项目库管理和2025年预算编制工作。',
  },
]

const UNITS = ['县教育体育局', '县卫生健康局', '县住房和城乡建设局', '县农业农村局', '县民政局', '县交通运输局', '县水务局', '县文化和旅游局']
const PROJECTS = ['环卫一体化经费', '农村公路养护补助', '义务教育学校校舍维修改造', '基层医疗卫生机构设备购置', '高标准农田建设配套', '城乡供水管网改造', '困难群众临时救助', '公共文化服务体系建设']
const CONCLUSIONS = ['予以支持', '调整后予以支持', '不予支持'] as const

export function assessmentTable(rows: number): AnnexTable {
  let totalFen = 0
  const data: string[][] = []
  for (let i = 0; i < rows; i++) {
    const fen = 1_573_000_00 - i * 37_123_45
    totalFen += fen
    const score = 92 - ((i * 7) % 35)
    data.push([
      String(i + 1),
      UNITS[i % UNITS.length] ?? '',
      `${PROJECTS[i % PROJECTS.length] ?? ''}${i >= PROJECTS.length ? `（${Math.floor(i / PROJECTS.length) + 1}期）` : ''}`,
      (fen / 1_000_000).toFixed(2),
      score.toFixed(1),
      CONCLUSIONS[score >= 80 ? 0 : score >= 60 ? 1 : 2],
    ])
  }
  return {
    columns: [
      { title: '序号', widthMm: 12, align: 'center' },
      { title: '预算单位', widthMm: 34 },
      { title: '项目名称', widthMm: 44 },
      { title: '申请金额（万元）', widthMm: 24, align: 'right' },
      { title: '评估得分', widthMm: 16, align: 'center' },
      { title: '评估结论', widthMm: 26, align: 'center' },
    ],
    rows: data,
    footer: ['合计', '', `${rows}个项目`, (totalFen / 1_000_000).toFixed(2), '', ''],
  }
}

export function feedbackNotice(overrides: Partial<GongwenSpec> = {}): GongwenSpec {
  return {
    issuerMark: '师宗县财政局文件',
    docNumber: '师财预〔2024〕104号',
    title: '师宗县财政局关于2025年预算项目财政评估结果反馈的通知',
    recipients: '县直各预算单位',
    body: FEEDBACK_BODY,
    attachments: ['2025年预算项目事前绩效评估结果表'],
    signature: '师宗县财政局',
    date: '2024-10-08',
    copyTo: '县人民政府办公室，县审计局',
    printer: '师宗县财政局办公室',
    printDate: '2024-10-08',
    annexes: [{ label: '附件', title: '2025年预算项目事前绩效评估结果表', table: assessmentTable(12) }],
    fonts: FONTS_GB2312,
    ...overrides,
  }
}

/** A long notice: 60 body paragraphs, two attachments, a 40-row annex table and a landscape annex. */
export function longNotice(): GongwenSpec {
  const body: BodyBlock[] = []
  for (let i = 0; i < 60; i++) {
    if (i % 15 === 0) body.push({ level: 1, text: `${['一', '二', '三', '四'][i / 15] ?? '五'}、第${i / 15 + 1}部分工作要求` })
    if (i % 5 === 0) body.push({ level: 2, text: `（${['一', '二', '三'][(i / 5) % 3] ?? '四'}）加强预算绩效管理。` })
    body.push({
      level: 0,
      text: `第${i + 1}段：各预算单位要切实履行预算绩效管理主体责任，按照“谁申请资金、谁设置目标”的原则，科学合理设置绩效目标，确保绩效目标与部门职责、事业发展规划相匹配，做到指标明确、细化、量化、可衡量。`,
    })
  }
  return feedbackNotice({
    docNumber: '师财绩〔2024〕7号',
    title: '师宗县财政局关于做好2025年度预算绩效目标编审工作暨进一步加强县级部门预算绩效运行监控和绩效评价结果运用的通知',
    body,
    attachments: ['2025年预算项目事前绩效评估结果表。', '2024年度部门整体支出绩效运行监控表'],
    annexes: [
      { label: '附件1', title: '2025年预算项目事前绩效评估结果表', table: assessmentTable(40) },
      {
        label: '附件2',
        title: '2024年度部门整体支出绩效运行监控表',
        landscape: true,
        table: {
          columns: [
            { title: '序号', widthMm: 12, align: 'center' },
            { title: '预算单位' },
            { title: '全年预算数（万元）', align: 'right' },
            { title: '1—9月执行数（万元）', align: 'right' },
            { title: '执行率', align: 'center' },
            { title: '预警', align: 'center' },
            { title: '偏差原因' },
          ],
          rows: UNITS.map((u, i) => [
            String(i + 1),
            u,
            (2400 + i * 131.5).toFixed(2),
            (1500 + i * 97.25).toFixed(2),
            `${(62 + i * 3.1).toFixed(1)}%`,
            i % 3 === 0 ? '黄灯' : '绿灯',
            i % 3 === 0 ? '项目实施进度滞后，资金拨付未达序时进度' : '',
          ]),
        },
      },
    ],
  })
}

export function opinionForm(overrides: Partial<FormDocSpec> = {}): FormDocSpec {
  const L = (text: string, span?: number) => ({ text, label: true, ...(span ? { span } : {}) })
  const V = (text: string, span?: number, minHeightMm?: number) => ({
    text,
    ...(span ? { span } : {}),
    ...(minHeightMm ? { minHeightMm } : {}),
  })
  return {
    title: '师宗县财政局绩效评估结果运用意见书',
    docNumber: '师财预〔2024〕105号',
    subtitle: '填报股室：经济建设股　　　　　　日期：2024年10月8日',
    columns: [34, 44, 34, 44],
    rows: [
      [L('项目名称'), V('师宗县环卫一体化经费', 3)],
      [L('预算单位'), V('县住房和城乡建设局'), L('资金管理股室'), V('经济建设股')],
      [L('申请金额（万元）'), { text: '1573.00', align: 'right' }, L('资金来源'), V('一般公共预算')],
      [L('预算年度'), V('2025年'), L('评估日期'), V('2024年9月26日')],
      [L('立项依据'), V('《师宗县城乡环境卫生一体化管理实施方案》（师政办发〔2021〕18号）', 3)],
      [
        L('分项得分'),
        V('立项必要性：18分（满分20分）\n投入经济性：17分（满分20分）\n绩效目标合理性：16分（满分20分）\n实施方案可行性：17分（满分20分）\n筹资合规性：18分（满分20分）', 3),
      ],
      [L('综合得分'), V('86.0分'), L('评估结论'), V('予以支持')],
      [
        L('结果运用意见'),
        V(
          '经事前绩效评估，该项目综合得分86.0分，评估结论为“予以支持”。建议将该项目纳入2025年部门项目库，编制2025年预算时结合县级财力统筹安排。\n\n\n经办人：　　　　　　股室负责人：\n　　　　　　　　　　　　　　2024年10月8日',
          3,
          50,
        ),
      ],
      [L('预算股意见'), V('\n\n签字：　　　　　　　　年　　月　　日', 3, 25)],
    ],
    notes: ['说明：本意见书一式两份，局预算股、资金管理股室各执一份。'],
    fonts: FONTS_GB2312,
    ...overrides,
  }
}
