import { z } from 'zod'
import { DEFAULT_EXANTE_RULES, checkThresholds } from './exante'
import { DEFAULT_WARNING_RULES } from './monitoring'
import { ambiguousSynonyms, DEFAULT_QUALITATIVE_SYNONYMS } from './qualitative'
import { DEFAULT_REPORT_TEMPLATE } from './report-template'
import { DEFAULT_SCORING_RULES } from './scoring'

/** Fonts of the 公文; 仿宋_GB2312 on older PCs, 仿宋 on newer ones (DESIGN §3). */
export const fontsSchema = z.object({
  body: z.string().min(1).max(60), // 正文 仿宋
  title: z.string().min(1).max(60), // 标题 小标宋
  heading1: z.string().min(1).max(60), // 一、 黑体
  heading2: z.string().min(1).max(60), // (一) 楷体
  latin: z.string().min(1).max(60), // digits and Latin
})
export type FontSettings = z.infer<typeof fontsSchema>

/** A settings string: bounded, and never a control character (they end up in file names and XML). */
const line = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label}不能超过${max}字`)
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), `${label}中含有控制字符，请删除后重新填写`)

export const orgSchema = z.object({
  county: line(30, '县名').pipe(z.string().min(1, '请填写县名')),
  bureau: line(60, '财政局全称').pipe(z.string().min(1, '请填写财政局全称')),
  /** 发文机关标志, e.g. 师宗县财政局文件 */
  issuerMark: line(60, '发文机关标志').pipe(z.string().min(1, '请填写发文机关标志')),
  /** 文号代字: 预算股 documents (师财预) and performance documents (师财绩). */
  prefixBudget: line(20, '文号代字').pipe(z.string().min(1, '请填写文号代字')),
  prefixPerformance: line(20, '文号代字').pipe(z.string().min(1, '请填写文号代字')),
  /** 印发机关 in the 版记 */
  printer: line(60, '印发机关').pipe(z.string().min(1, '请填写印发机关')),
  /** 署名 under the body */
  signature: line(60, '署名').pipe(z.string().min(1, '请填写署名')),
  /** 签发人 of 上行文 (GB/T 9704 §7.2.5), e.g. the 局长: printed right of the 文号 on reports upward. */
  signer: line(20, '签发人').default(''),
})

/**
 * An absolute folder: a POSIX path, a drive path (C:\ or C:/) or a UNC share. A relative one would
 * resolve against whatever folder the process happened to start in.
 */
export const isAbsolutePath = (p: string) => /^(\/|[A-Za-z]:[\\/]|\\\\[^\\/]+[\\/][^\\/]+)/.test(p)

/**
 * Settings that describe this PC, not the bureau's data: never exported in a year package, and a
 * restore keeps this PC's values (a package must not redirect output or replace the key).
 */
export const MACHINE_LOCAL_SETTINGS = ['outputDir', 'packageKey'] as const
export type OrgSettings = z.infer<typeof orgSchema>

export const exanteRulesSchema = z
  .object({
    dimensions: z
      .array(
        z.object({
          key: z.string().min(1).max(40),
          name: z.string().trim().min(1, '维度名称不能为空').max(60, '维度名称不能超过60字'),
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
  .object({
    red: z.number().min(0).max(100),
    yellow: z.number().min(0).max(200),
    reverseRedFactor: z.number().min(1).max(5),
    rateLevel2: z.array(z.string().min(1)),
  })
  .refine((v) => v.yellow > v.red, { message: '黄灯分界须高于红灯分界', path: ['yellow'] })

export const scoringRulesSchema = z
  .object({
    weights: z.object({ execution: z.number().min(0), output: z.number().min(0), effect: z.number().min(0), satisfaction: z.number().min(0) }),
    capExecution: z.boolean(),
    grades: z.object({ excellent: z.number(), good: z.number(), pass: z.number() }),
    qualitative: z.array(
      z.object({ level: z.string().min(1).max(20), suggest: z.number().min(0).max(1), min: z.number().min(0).max(1), max: z.number().min(0).max(1), synonyms: z.array(z.string().trim().min(1, '同义词不能为空').max(40, '同义词不能超过40字')) }),
    ),
    scoreDecimals: z.number().int().min(0).max(2),
    reverseFormula: z.enum(['linear', 'ratio']),
  })
  .refine((v) => v.grades.excellent > v.grades.good && v.grades.good > v.grades.pass, { message: '等级分数线须为 优 > 良 > 中', path: ['grades'] })
  .superRefine((v, ctx) => {
    const twice = ambiguousSynonyms(v.qualitative)
    if (twice.length) ctx.addIssue({ code: 'custom', message: `定性等级的同义词“${twice.join('”“')}”出现在不止一个等级中，请只保留在一个等级`, path: ['qualitative'] })
  })

/** A line of the 第三方机构考评表 (defaults: 嘉定区 sample sheet, domain-facts §5). */
export const ratingItemSchema = z.object({ key: z.string().min(1).max(40), group: z.string().max(60), name: z.string().min(1).max(60), points: z.number().positive(), guide: z.string().max(500) })
export type RatingItem = z.infer<typeof ratingItemSchema>

export const DEFAULT_RATING_ITEMS: RatingItem[] = [
  { key: 'ability', group: '前期（30分）', name: '专业能力', points: 15, guide: '评价人员专业胜任能力：强 10-15 分，一般 5-10 分，弱 0-5 分' },
  { key: 'staff', group: '前期（30分）', name: '人员稳定', points: 15, guide: '评价组成员与投标（报价）承诺一致、未擅自更换的得满分，否则不得分' },
  { key: 'communication', group: '过程（20分）', name: '沟通协调', points: 20, guide: '与财政部门、被评价单位沟通及时顺畅：好 13-20 分，一般 7-12 分，差 0-6 分' },
  { key: 'facts', group: '后期（50分）', name: '报告数据和事实', points: 25, guide: '报告数据准确、事实清楚、证据充分：16-25 分，一般 6-15 分，差 0-5 分' },
  { key: 'advice', group: '后期（50分）', name: '评价结论和建议', points: 25, guide: '结论客观公正，问题找得准，建议具体可操作：16-25 分，一般 6-15 分，差 0-5 分' },
]

/**
 * 主送 and 抄送 a first draft proposes, per 公文 kind (the clerk may still change them per document).
 * 主送 of the notices to units: the source report addresses them to the 县直各预算单位 (it speaks of
 * "全县73个县直预算单位", 师财预〔2024〕104号) and feeds results back "至预算部门"; a notice to five
 * units or fewer names them instead. The 整改通知 goes to the evaluated unit and the 评价结果报告
 * to the 主送 of 评价规则 (reportRecipients), so those two set only 抄送. The source report names no
 * 抄送 for any document (domain-facts §6 gives only its form: 4号仿宋, a full stop after the last name), so
 * every 抄送 starts empty.
 */
const addressLine = (label: string) => line(300, label)
const toAndCopy = z.object({ recipients: addressLine('主送机关'), copyTo: addressLine('抄送机关') })
const copyOnly = z.object({ copyTo: addressLine('抄送机关') })
export const addresseesSchema = z.object({
  'targets-notice': toAndCopy,
  'targets-approval': toAndCopy,
  'monitoring-notice': toAndCopy,
  'selfeval-notice': toAndCopy,
  'fiscaleval-notice': toAndCopy,
  'monitoring-feedback': toAndCopy,
  'exante-feedback': toAndCopy,
  'rectify-notice': copyOnly,
  'eval-report': copyOnly,
})
export type Addressees = z.infer<typeof addresseesSchema>
export const ALL_UNITS = '县直各预算单位'
export const DEFAULT_ADDRESSEES: Addressees = {
  'targets-notice': { recipients: ALL_UNITS, copyTo: '' },
  'targets-approval': { recipients: ALL_UNITS, copyTo: '' },
  'monitoring-notice': { recipients: ALL_UNITS, copyTo: '' },
  'selfeval-notice': { recipients: ALL_UNITS, copyTo: '' },
  'fiscaleval-notice': { recipients: ALL_UNITS, copyTo: '' },
  'monitoring-feedback': { recipients: ALL_UNITS, copyTo: '' },
  'exante-feedback': { recipients: ALL_UNITS, copyTo: '' },
  'rectify-notice': { copyTo: '' },
  'eval-report': { copyTo: '' },
}

export const settingsSchema = z.object({
  org: orgSchema,
  fonts: fontsSchema,
  exante: exanteRulesSchema,
  /** Folder for generated Word/Excel files; empty means the default under the user's documents. */
  outputDir: line(400, '文件保存位置').refine((v) => v === '' || isAbsolutePath(v), '文件保存位置须为完整路径（如 D:\\绩效文件 或 /home/user/绩效文件），不能是相对路径'),
  /**
   * 单位密钥: a secret shared with the receiving bureau; when set, exported year packages are signed
   * with it (HMAC-SHA-256) and imported ones must carry a valid signature. Empty: no signing.
   */
  packageKey: z.string().max(200, '单位密钥不能超过200字').refine((v) => v === '' || v.length >= 8, '单位密钥至少8个字符'),
  /** Whether 意见书 (form documents) also take a 文号 from the register. */
  numberForms: z.boolean(),
  /** 运行监控 red/yellow/green thresholds. */
  warnings: warningRulesSchema,
  /** What one project's indicator weights must add up to (the county 自评表: 90, 执行率 takes 10). */
  indicatorWeightTotal: z.number().positive(),
  /** 自评 scoring: weights 10/50/30/10, grade bands 90/80/60, qualitative levels. */
  scoring: scoringRulesSchema,
  /** What each 评价 grade means for next year's budget (a provincial 结果应用办法, domain-facts §7). */
  consequences: z.object({ 优: z.string().max(200), 良: z.string().max(200), 中: z.string().max(200), 差: z.string().max(200) }),
  /** 主送 of the 财政评价结果报告. */
  reportRecipients: z.string().max(300, '主送机关不能超过300字'),
  /** 主送/抄送 of each 公文 kind's first draft. */
  addressees: addresseesSchema,
  ratingItems: z.array(ratingItemSchema).min(1, '考评表至少需要一项'),
  /** Days a unit has to hand in its 整改报告 after the 整改通知 (provincial rule: 30). */
  rectifyDays: z.number().int().positive(),
  /** The annual work report's sentences, with {{placeholders}} filled from the records. */
  reportTemplate: z.string().min(1, '年度报告模板不能为空').max(50_000, '年度报告模板不能超过50000字'),
  /** Minutes without use after which the session locks and the password is asked again. */
  sessionIdleMinutes: z.number().int('空闲锁定时间须为整数分钟').min(1, '空闲锁定时间至少1分钟').max(240, '空闲锁定时间不能超过240分钟'),
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
    signer: '',
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
  packageKey: '',
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
  addressees: DEFAULT_ADDRESSEES,
  ratingItems: DEFAULT_RATING_ITEMS,
  rectifyDays: 30,
  reportTemplate: DEFAULT_REPORT_TEMPLATE,
  // GB/T 22239-2019 asks for a session timeout without a number; 15 minutes is the usual screen-lock figure.
  sessionIdleMinutes: 15,
}

/** Fills missing keys of a stored settings object from the defaults (older databases, new keys). */
export function withDefaults(stored: Partial<Settings> | undefined): Settings {
  const s = stored ?? {}
  return {
    org: { ...DEFAULT_SETTINGS.org, ...(s.org ?? {}) },
    fonts: { ...DEFAULT_SETTINGS.fonts, ...(s.fonts ?? {}) },
    exante: s.exante ?? DEFAULT_SETTINGS.exante,
    outputDir: s.outputDir ?? DEFAULT_SETTINGS.outputDir,
    packageKey: s.packageKey ?? DEFAULT_SETTINGS.packageKey,
    numberForms: s.numberForms ?? DEFAULT_SETTINGS.numberForms,
    warnings: { ...DEFAULT_SETTINGS.warnings, ...(s.warnings ?? {}) },
    indicatorWeightTotal: s.indicatorWeightTotal ?? DEFAULT_SETTINGS.indicatorWeightTotal,
    scoring: scoringWithDefaults(s.scoring),
    consequences: s.consequences ?? DEFAULT_SETTINGS.consequences,
    reportRecipients: s.reportRecipients ?? DEFAULT_SETTINGS.reportRecipients,
    addressees: addresseesWithDefaults(s.addressees),
    ratingItems: s.ratingItems ?? DEFAULT_SETTINGS.ratingItems,
    rectifyDays: s.rectifyDays ?? DEFAULT_SETTINGS.rectifyDays,
    reportTemplate: s.reportTemplate ?? DEFAULT_SETTINGS.reportTemplate,
    sessionIdleMinutes: s.sessionIdleMinutes ?? DEFAULT_SETTINGS.sessionIdleMinutes,
  }
}

/** Stored 主送/抄送 from before a kind was added (or before the setting existed): each kind's default fills in. */
function addresseesWithDefaults(stored: Partial<Record<keyof Addressees, object>> | undefined): Addressees {
  const out = { ...DEFAULT_ADDRESSEES } as Record<keyof Addressees, object>
  for (const k of Object.keys(DEFAULT_ADDRESSEES) as (keyof Addressees)[]) out[k] = { ...DEFAULT_ADDRESSEES[k], ...(stored?.[k] ?? {}) }
  return out as Addressees
}

/** Stored scoring rules from before the synonym lists and variants: the new keys take their defaults. */
function scoringWithDefaults(stored: Partial<Settings['scoring']> | undefined): Settings['scoring'] {
  const d = DEFAULT_SETTINGS.scoring
  if (!stored) return d
  return {
    ...d,
    ...stored,
    qualitative: (stored.qualitative ?? d.qualitative).map((q) => ({ ...q, synonyms: q.synonyms ?? DEFAULT_QUALITATIVE_SYNONYMS[q.level] ?? [] })),
  }
}

export function isOrgComplete(org: OrgSettings): boolean {
  return orgSchema.safeParse(org).success
}

/**
 * Settings as they may be stored: the rules of settings/save, except that the organisation may
 * still be unfilled (a fresh installation) and this PC's own fields are not judged here (a package
 * never carries them). Used on data that arrives from outside (year packages).
 */
export const storedSettingsSchema = settingsSchema.extend({
  // Each org line as text without control characters; an optional one (签发人) may be absent.
  org: z.object(
    Object.fromEntries(
      Object.entries(orgSchema.shape).map(([k, v]) => {
        const line = z.string().max(100).refine((x) => !/[\u0000-\u001f\u007f]/.test(x), '含有控制字符')
        return [k, v.safeParse(undefined).success ? line.optional() : line]
      }),
    ),
  ),
  outputDir: z.string().max(400),
  packageKey: z.string().max(200),
})

/** Settings as the audit log records them: the bureau key is a secret and never written there. */
export function redactSecrets<T extends Partial<Settings>>(s: T): T {
  return s.packageKey ? { ...s, packageKey: '（已设置）' } : s
}
