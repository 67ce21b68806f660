/**
 * The annual report's sentences are templates with {{placeholders}} (editable in 设置). A sentence
 * whose figure has no data is replaced by a plain statement that there is none, never invented.
 */
export const DEFAULT_REPORT_TEMPLATE = `一、基础工作
业务培训。{{year}}年我县共开展{{trainingCount}}次绩效管理培训会；
{{trainingLines}}
二、绩效评估管理
{{year}}年涉及预算项目{{exanteCount}}个，项目资金为{{exanteWan}}万元，具体项目及金额为{{exanteProjects}}。根据预算绩效评估结果分别向局预算股和资金管理业务股室送达《{{bureau}}绩效评估结果运用意见书》，同时以{{exanteFeedback}}形式，将项目绩效评估结果反馈到相关预算部门，相关预算部门根据此通知，将相应项目纳入部门项目库，为{{nextYear}}年预算编制做好储备。县级安排预算资金时根据绩效评估结果运用意见书，再综合县级财力合理安排预算。
三、绩效目标
（一）绩效目标管理。绩效目标管理是预算绩效全过程的基础和起点，贯穿于预算编制、执行、决算和监督等各个环节。我们印发了{{targetsNotice}}，明确了绩效目标编制范围、编制原则、申报审批流程及工作要求。预算单位绩效目标上报后，各资金管理股室对全县{{targetUnits}}个县直预算单位申报{{targetProjects}}个预算项目共{{targetWan}}万元进行初步审核并提出修改意见，预算单位根据审核意见修改后再次上报资金管理股室审核，审核中共退回修改{{returnedRounds}}次。
（二）绩效目标审核结果运用。资金管理股室审核各预算单位修改的项目绩效目标的同时，将审核结果反馈至预算部门，同时填写《{{bureau}}预算绩效目标审核结果运用意见书》，送达预算股提出审核结果运用意见，并根据绩效目标审核结果，运用于预算申报、预算管理、完善政策。
四、绩效运行监控
我们下发了{{monitoringNotice}}，对预算支出开展绩效运行监控，动态了解和掌握预算资金投入项目的实施情况，及时发现预算执行中存在的问题，并对发现的问题进行纠偏。至{{year}}年{{monitoringMonth}}月底，我县预算项目资金{{monitoringWan}}万元全部纳入绩效运行监控管理；按已审核的{{reviewedCount}}个项目统计，红灯预警项目{{redCount}}个、黄灯预警项目{{yellowCount}}个。
运行监控结果运用。在各预算单位填报并审核绩效运行监控表格后，县财政局各业务管理股根据绩效运行监控情况及监控结果，及时填写《{{bureau}}预算项目支出绩效运行监控结果运用意见书》，送达预算股并提出审核意见，同时印发{{monitoringFeedback}}，将绩效运行监控结果反馈至预算部门，并将监控结果运用于预算申报、预算管理、完善政策。
五、绩效评价管理
（一）评价范围和规模。我县下发{{selfevalNotice}}，明确评价范围为：{{lastYear}}年度县级安排所有资金，包括一般公共预算、政府性基金预算、国有资本经营预算和社会保险基金预算，共{{selfevalCount}}个项目{{selfevalWan}}万元开展单位自评。
下发了{{fiscalNotice}}，在前期各部门自评、部门评价的基础上，选取{{keyProjects}}{{keyCount}}个专项资金共{{keyWan}}万元，委托第三方机构{{agency}}实施财政重点绩效评价。
（二）绩效评价质量管控。在委托第三方机构实施财政重点绩效评价中，双方签订绩效评价委托服务合同，明确服务质量、服务要求、服务内容、成果交付期限等，由被评价单位、财政部门分别填写《第三方中介机构参与{{county}}预算绩效管理工作考评表》，取汇总平均分为最终得分，本年度考评得分{{agencyScore}}分。考评结果作为以后年度选聘第三方机构的参考依据。
（三）绩效评价结果运用。第三方机构递交评价报告后，县财政局预算股针对{{keyCount}}个项目绩效评价结果，分别下发{{rectifyNotices}}，要求被评价部门对存在的问题及时进行整改，并将整改情况形成报告，于{{rectifyDeadline}}前一式{{rectifyCopies}}份分别报送县财政局预算股。目前已整改{{rectifiedCount}}项，整改中{{rectifyingCount}}项。同时县财政局预算股及时向各业务管理股送达《{{bureau}}预算绩效评价结果运用意见书》，将评价结果运用于下年度部门预算安排。
之后，县财政局以{{evalReport}}1个正式文件，将{{keyProjects}}{{keyCount}}个专项资金共{{keyWan}}万元绩效财政评价结果向{{reportRecipients}}报告。
六、重大政策和重点项目等绩效执行结果
我县财政局印发{{fiscalNotice}}，选取{{keyProjects}}{{keyCount}}个专项资金实施财政重点绩效评价，县财政局通过{{selectionMethod}}的方式选择由第三方中介机构（{{agency}}）组成的绩效评价工作组，独立对预算部门、项目实施单位开展实地绩效评价并按时提交评价报告，评价时间为{{evalPeriod}}。评价结果为：{{keyResults}}。`

export type ReportValues = Record<string, string | null>

/** What to say when a figure has no data: one statement for every placeholder of the default template. */
export const MISSING_STATEMENTS: Record<string, string> = {
  year: '工作年度未确定',
  nextYear: '工作年度未确定',
  lastYear: '工作年度未确定',
  county: '尚未设置县名',
  bureau: '尚未设置财政局全称',
  trainingCount: '本年度未记录业务培训',
  trainingLines: '本年度未记录业务培训',
  exanteCount: '本年度未开展事前绩效评估',
  exanteWan: '本年度未开展事前绩效评估',
  exanteProjects: '本年度未开展事前绩效评估',
  exanteFeedback: '本年度尚未印发事前评估结果反馈通知',
  targetsNotice: '本年度尚未印发绩效目标编审通知',
  targetProjects: '本年度尚无绩效目标审核记录',
  targetUnits: '本年度尚无绩效目标审核记录',
  targetWan: '本年度尚无绩效目标审核记录',
  returnedRounds: '本年度尚无绩效目标审核记录',
  monitoringNotice: '本年度尚未印发运行监控通知',
  monitoringMonth: '本年度尚无运行监控记录',
  monitoringWan: '本年度尚无运行监控记录',
  reviewedCount: '本年度尚无审核通过的运行监控表，红黄灯预警尚无统计',
  redCount: '本年度尚无审核通过的运行监控表，红黄灯预警尚无统计',
  yellowCount: '本年度尚无审核通过的运行监控表，红黄灯预警尚无统计',
  monitoringFeedback: '本年度尚未印发运行监控结果反馈通知',
  selfevalNotice: '本年度尚未印发绩效自评通知',
  selfevalCount: '本年度尚无单位自评记录',
  selfevalWan: '本年度尚无单位自评记录',
  fiscalNotice: '本年度尚未印发财政再评价通知',
  keyProjects: '本年度尚未开展财政重点评价',
  keyCount: '本年度尚未开展财政重点评价',
  keyWan: '本年度尚未开展财政重点评价',
  keyResults: '财政重点评价结果尚未录入',
  agency: '本年度尚未委托第三方机构',
  selectionMethod: '第三方机构的选取方式尚未记录',
  evalPeriod: '评价时间尚未记录',
  agencyScore: '第三方机构考评尚未完成',
  rectifyNotices: '评价结果反馈及整改通知尚未印发',
  rectifyDeadline: '整改期限尚未确定',
  rectifyCopies: '整改期限尚未确定',
  rectifiedCount: '本年度尚无整改记录',
  rectifyingCount: '本年度尚无整改记录',
  evalReport: '财政评价结果报告尚未印发',
  reportRecipients: '财政评价结果报告尚未印发',
}

/**
 * Fills the template. Within each line, every sentence (ending in 。 or ；) that uses a missing
 * value is replaced by that value's "no data" statement; a statement is said once per line.
 */
export function fillReport(template: string, values: ReportValues): string {
  const lines: string[] = []
  for (const line of template.split('\n')) {
    const said = new Set<string>()
    const sentences = line.match(/[^。；]+[。；]?/g) ?? ['']
    const out = sentences.map((sentence) => {
      const keys = [...sentence.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!)
      const missing = keys.find((k) => values[k] === null || values[k] === undefined)
      if (!missing) return sentence.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => values[k] ?? '')
      // A placeholder a user added to the template without a statement: still Chinese, never its key.
      const statement = MISSING_STATEMENTS[missing] ?? '相关数据本年度尚无记录'
      if (said.has(statement)) return ''
      said.add(statement)
      return `${statement}。`
    })
    const text = out.join('').trim()
    if (text) lines.push(text)
  }
  return lines.join('\n')
}
