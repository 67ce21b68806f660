import { z } from 'zod'
import { DEFAULT_EXANTE_RULES, checkThresholds } from './exante'
import { DEFAULT_WARNING_RULES } from './monitoring'

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
  }
}

export function isOrgComplete(org: OrgSettings): boolean {
  return orgSchema.safeParse(org).success
}
