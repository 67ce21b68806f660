import { z } from 'zod'
import { DEFAULT_EXANTE_RULES, checkThresholds } from './exante'
import { DEFAULT_WARNING_RULES } from './monitoring'
import { DEFAULT_REPORT_TEMPLATE } from './report-template'
import { DEFAULT_SCORING_RULES } from './scoring'

/** Fonts of the 公文; 仿宋_GB2312 on older PCs, 仿宋 on newer ones (DESIGN §3). */
export const fontsSchema = z.object({
  body: z.string().min(1), // 正文 仿宋
  title: z.string().min(1), // 标题 小标宋
  heading1: z.string().min(1), // 一、 黑体
  heading2: z.string().min(1), // (一) 楷体
  latin: z.string().min(1), // digits and Latin
})
export type FontSettings = z.infer<typeof fontsSchema>

export const orgSchema = z.object({
  county: z.string().trim().min(1, '请填写县名'),
  bureau: z.string().trim().min(1, '请填写财政局全称'),
  /** 发文机关标志, e.g. 师宗县财政局文件 */
  issuerMark: z.string().trim().min(1, '请填写发文机关标志'),
  /** 文号代字: 预算股 documents (师财预) and performance documents (师财绩). */
  prefixBudget: z.string().trim().min(1, '请填写文号代字'),
  prefixPerformance: z.string().trim().min(1, '请填写文号代字'),
  /** 印发机关 in the 版记 */
  printer: z.string().trim().min(1, '请填写印发机关'),
  /** 署名 under the body */
  signature: z.string().trim().min(1, '请填写署名'),
  /** 签发人 of 上行文 (GB/T 9704 §7.2.5), e.g. the 局长: printed right of the 文号 on reports upward. */
  signer: z.string().trim().max(20).optional(),
})
export type OrgSettings = z.infer<typeof orgSchema>

export const exanteRulesSchema = z
  .object({
    dimensions: z
      .array(
        z.object({
          key: z.string().min(1),
          name: z.string().trim().min(1, '维度名称不能为空'),
          maxScore: z.number().positive('维度分值须大于 0'),
        }),
      )
      .min(1, '至少需要一个评估维度'),
    thresholds: z.object({ support: z.number(), adjust: z.number() }),
  })
  .superRefine((v, ctx) => {
    const msg = checkThresholds(v.thresholds)
    if (msg) ctx.addIssue({ code: 'custom', message: msg, path: ['thresholds'] })
  })

export const warningRulesSchema = z
  .object({ red: z.number().min(0).max(100), yellow: z.number().min(0).max(200), reverseRedFactor: z.number().min(1).max(5) })
  .refine((v) => v.yellow > v.red, { message: '黄灯分界须高于红灯分界', path: ['yellow'] })

export const scoringRulesSchema = z
  .object({
    weights: z.object({ execution: z.number().min(0), output: z.number().min(0), effect: z.number().min(0), satisfaction: z.number().min(0) }),
    capExecution: z.boolean(),
    grades: z.object({ excellent: z.number(), good: z.number(), pass: z.number() }),
    qualitative: z.array(z.object({ level: z.string().min(1), suggest: z.number().min(0).max(1), min: z.number().min(0).max(1), max: z.number().min(0).max(1) })),
  })
  .refine((v) => v.grades.excellent > v.grades.good && v.grades.good > v.grades.pass, { message: '等级分数线须为 优 > 良 > 中', path: ['grades'] })

/** A line of the 第三方机构考评表 (defaults: 嘉定区 sample sheet, domain-facts §5). */
export const ratingItemSchema = z.object({ key: z.string().min(1), group: z.string(), name: z.string().min(1), points: z.number().positive(), guide: z.string() })
export type RatingItem = z.infer<typeof ratingItemSchema>

export const DEFAULT_RATING_ITEMS: RatingItem[] = [
  { key: 'ability', group: '前期（30分）', name: '专业能力', points: 15, guide: '评价人员专业胜任能力：强 10-15 分，一般 5-10 分，弱 0-5 分' },
  { key: 'staff', group: '前期（30分）', name: '人员稳定', points: 15, guide: '评价组成员与投标（报价）承诺一致、未擅自更换的得满分，否则不得分' },
  { key: 'communication', group: '过程（20分）', name: '沟通协调', points: 20, guide: '与财政部门、被评价单位沟通及时顺畅：好 13-20 分，一般 7-12 分，差 0-6 分' },
  { key: 'facts', group: '后期（50分）', name: '报告数据和事实', points: 25, guide: '报告数据准确、事实清楚、证据充分：16-25 分，一般 6-15 分，差 0-5 分' },
  { key: 'advice', group: '后期（50分）', name: '评价结论和建议', points: 25, guide: '结论客观公正，问题找得准，建议具体可操作：16-25 分，一般 6-15 分，差 0-5 分' },
]

export const settingsSchema = z.object({
  org: orgSchema,
  fonts: fontsSchema,
  exante: exanteRulesSchema,
  /** Folder for generated Word/Excel files; empty means the default under the user's documents. */
  outputDir: z.string(),
  /** Whether 意见书 (form documents) also take a 文号 from the register. */
  numberForms: z.boolean(),
  /** 运行监控 red/yellow/green thresholds. */
  warnings: warningRulesSchema,
  /** What one project's indicator weights must add up to (the county 自评表: 90, 执行率 takes 10). */
  indicatorWeightTotal: z.number().positive(),
  /** 自评 scoring: weights 10/50/30/10, grade bands 90/80/60, qualitative levels. */
  scoring: scoringRulesSchema,
  /** What each 评价 grade means for next year's budget (a provincial 结果应用办法, domain-facts §7). */
  consequences: z.object({ 优: z.string(), 良: z.string(), 中: z.string(), 差: z.string() }),
  /** 主送 of the 财政评价结果报告. */
  reportRecipients: z.string(),
  ratingItems: z.array(ratingItemSchema).min(1, '考评表至少需要一项'),
  /** Days a unit has to hand in its 整改报告 after the 整改通知 (provincial rule: 30). */
  rectifyDays: z.number().int().positive(),
  /** The annual work report's sentences, with {{placeholders}} filled from the records. */
  reportTemplate: z.string().min(1, '年度报告模板不能为空'),
})
export type Settings = z.infer<typeof settingsSchema>

export const DEFAULT_SETTINGS: Settings = {
  org: {
    county: '',
    bureau: '',
    issuerMark: '',
    prefixBudget: '',
    prefixPerformance: '',
    printer: '',
    signature: '',
  },
  fonts: {
    body: '仿宋_GB2312',
    title: '方正小标宋简体',
    heading1: '黑体',
    heading2: '楷体_GB2312',
    latin: 'Times New Roman',
  },
  exante: DEFAULT_EXANTE_RULES,
  outputDir: '',
  numberForms: false,
  warnings: DEFAULT_WARNING_RULES,
  indicatorWeightTotal: 90,
  scoring: DEFAULT_SCORING_RULES,
  consequences: {
    优: '下年度预算优先保障',
    良: '下年度预算优先保障',
    中: '控制新增预算，督促整改',
    差: '调减或取消下年度预算',
  },
  reportRecipients: '县委、县人大常委会、县人民政府、县纪委县监委',
  ratingItems: DEFAULT_RATING_ITEMS,
  rectifyDays: 30,
  reportTemplate: DEFAULT_REPORT_TEMPLATE,
}

/** Fills missing keys of a stored settings object from the defaults (older databases, new keys). */
export function withDefaults(stored: Partial<Settings> | undefined): Settings {
  const s = stored ?? {}
  return {
    org: { ...DEFAULT_SETTINGS.org, ...(s.org ?? {}) },
    fonts: { ...DEFAULT_SETTINGS.fonts, ...(s.fonts ?? {}) },
    exante: s.exante ?? DEFAULT_SETTINGS.exante,
    outputDir: s.outputDir ?? DEFAULT_SETTINGS.outputDir,
    numberForms: s.numberForms ?? DEFAULT_SETTINGS.numberForms,
    warnings: s.warnings ?? DEFAULT_SETTINGS.warnings,
    indicatorWeightTotal: s.indicatorWeightTotal ?? DEFAULT_SETTINGS.indicatorWeightTotal,
    scoring: s.scoring ?? DEFAULT_SETTINGS.scoring,
    consequences: s.consequences ?? DEFAULT_SETTINGS.consequences,
    reportRecipients: s.reportRecipients ?? DEFAULT_SETTINGS.reportRecipients,
    ratingItems: s.ratingItems ?? DEFAULT_SETTINGS.ratingItems,
    rectifyDays: s.rectifyDays ?? DEFAULT_SETTINGS.rectifyDays,
    reportTemplate: s.reportTemplate ?? DEFAULT_SETTINGS.reportTemplate,
  }
}

export function isOrgComplete(org: OrgSettings): boolean {
  return orgSchema.safeParse(org).success
}
