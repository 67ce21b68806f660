/**
 * Workbooks laid out the way counties publish and units fill them, written cell by cell with exceljs
 * (never from the product's own export): merged column-A labels, spacer rows, placeholders, operators
 * and units inside the value cell, trailing colons, 元 or 万元 in a header, template notes left in.
 *
 * Layouts:
 *  - 财政部 项目支出绩效自评表 (财预〔2020〕10号 附件): mofRoad, mofTwoProjects, mofZeroTotal
 *  - provincial 自评表 (预算执行情况（10分） / 绩效指标（90分）, 报表编号, footer): provinceMeals, provinceSanitation
 *  - 项目支出绩效目标申报表, local template (资金总额 / 其中, 指标内容 / 指标值 / 备注): targetsSanitation, targetsTwoProjects
 *  - 项目支出绩效目标申报表, current-practice fields (项目资金总额 / 年度资金申请总额, 指标性质 / 权重): targetsByCode
 */
import ExcelJS from 'exceljs'

type Value = string | number | { n: number; fmt: string } | null
/** Row number → values from column A; only the cells given are written. */
type Rows = Record<number, Value[]>

function sheet(wb: ExcelJS.Workbook, name: string, rows: Rows, merges: string[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name)
  for (const [r, values] of Object.entries(rows)) {
    values.forEach((v, i) => {
      if (v === null || v === '') return
      const cell = ws.getCell(Number(r), i + 1)
      if (typeof v === 'object') {
        cell.value = v.n
        cell.numFmt = v.fmt
      } else cell.value = v
    })
  }
  for (const m of merges) ws.mergeCells(m)
  ws.getColumn(1).width = 14
  return ws
}

const save = async (wb: ExcelJS.Workbook) => Buffer.from(await wb.xlsx.writeBuffer())

// ——— 财政部 自评表 ———

/**
 * 10号 layout, one project: 项目资金（万元） merged down column A, 年度资金总额 above its 其中 rows.
 * `typed` replaces what the unit wrote as the execution 得分 (H6) and the 总分 (H20).
 */
export function mofRoadSheet(wb: ExcelJS.Workbook, name = '农村公路养护', typed: { execution: number; total: number } = { execution: 9.5, total: 97.67 }) {
  return sheet(
    wb,
    name,
    {
      1: ['项目支出绩效自评表'],
      2: ['（2023年度）'],
      3: ['项目名称', null, '农村公路养护经费'],
      4: ['主管部门', null, '师宗县交通运输局', null, null, '实施单位', null, '师宗县交通运输局'],
      5: ['项目资金（万元）', null, '年初预算数', '全年预算数', '全年执行数', '分值', '执行率', '得分'],
      6: [null, '年度资金总额', 300, 300, 285, 10, '95%', typed.execution],
      7: [null, '其中：当年财政拨款', 280, 280, 270, '—', '—', '—'],
      8: [null, '上年结转资金', 20, 20, 15, '—', null, '—'],
      9: [null, '其他资金', '—', '—', '—'],
      10: ['年度总体目标', '预期目标', null, null, null, '实际完成情况'],
      11: [null, '完成全县农村公路日常养护120公里，路面完好率90%以上', null, null, null, '完成养护120公里，路面完好率85%'],
      12: ['绩效指标', '一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '偏差原因分析及改进措施'],
      13: [null, '产出指标', '数量指标', '养护里程', '≥120公里', '120公里', 20, 20],
      14: [null, null, '质量指标', '路面完好率', '≥90%', '85%', 15, 14.17, '雨季冲毁路段较多，已安排修复'],
      15: [null, null, '时效指标', '养护任务完成及时率', '≥95%', '100%', 10, 10],
      16: [null, null, '成本指标', '养护成本', '≤300万元', '285万元', 15, 15],
      17: [null, '效益指标', '社会效益指标', '群众出行条件', '明显改善', '达成年度指标', 20, 20],
      18: [null, '满意度指标', '服务对象满意度指标', '群众满意度', '≥90%', '93%', 10, 9, '部分路段养护频次偏低'],
      19: [null, null, null, '注：定性指标完成值填写达成年度指标、部分达成年度指标并具有一定效果或未达成年度指标且效果较差'],
      20: ['总分', null, null, null, null, null, 100, typed.total],
    },
    ['A1:J1', 'A2:J2', 'A3:B3', 'C3:J3', 'A4:B4', 'C4:E4', 'F4:G4', 'H4:J4', 'A5:A9', 'I5:J5', 'A10:A11', 'B10:E10', 'F10:J10', 'B11:E11', 'F11:J11', 'A12:A19', 'I12:J12', 'B13:B16', 'I14:J14', 'I18:J18', 'D19:J19', 'A20:F20'],
  )
}

export async function mofRoad(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  mofRoadSheet(wb)
  return save(wb)
}

/** The same form where the unit typed its own 总分 92 and execution 得分 10 (the rule gives 97.67 and 9.5). */
export async function mofRoadOwnTotal(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  mofRoadSheet(wb, '农村公路养护', { execution: 10, total: 92 })
  return save(wb)
}

/** Two projects in one workbook, amounts in 元, labels with trailing colons, spacer rows, "/" placeholders. */
export async function mofTwoProjects(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const merges = ['A1:J1', 'A3:B3', 'C3:J3', 'A4:B4', 'C4:E4', 'F4:G4', 'H4:J4', 'A5:A8', 'A10:A11', 'B10:E10', 'F10:J10', 'B11:E11', 'F11:J11', 'I12:J12']
  sheet(
    wb,
    '学生资助',
    {
      1: ['2023年度项目支出绩效自评表'],
      3: ['项目名称：', null, '学生资助补助经费'],
      4: ['主管部门：', null, '教育体育局', null, null, '实施单位：', null, '师宗县教育体育局'],
      5: ['项目资金（元）', null, '年初预算数', '全年预算数', '全年执行数', '分值', '执行率', '得分'],
      6: [null, '年度资金总额：', '3,205,000.00', 3205000, 2884500, 10, { n: 0.9, fmt: '0.00%' }, 9],
      7: [null, '其中：财政拨款', 3205000, 3205000, 2884500, '/', '/', '/'],
      8: [null, '其他资金', 0, 0, 0],
      10: ['年度总体目标', '预期目标', null, null, null, '实际完成情况'],
      11: [null, '资助家庭经济困难学生1200人以上', null, null, null, '资助1250人'],
      12: ['绩效指标', '一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '偏差原因分析及改进措施'],
      13: [null, '产出指标', '数量指标', '资助学生人数', '≥1200人', '1250', 30],
      14: [null, null, '质量指标', '资助对象认定准确率', '=100%', '100%', 20],
      15: [null, null, '时效指标', '资金发放及时率', '≥95%', '90%', 10, null, '部分学校上报延迟'],
      16: [null, '效益指标', '社会效益指标', '家庭经济困难学生就学保障', '有效保障', '基本完成', 20, null, '个别学校资助政策宣传不到位'],
      17: [null, '满意度指标', '服务对象满意度指标', '受助学生满意度', '≥90%', '/', 10],
      18: ['总分', null, null, null, null, null, 100],
    },
    [...merges, 'A12:A17', 'B13:B15', 'I15:J15', 'I16:J16', 'A18:F18'],
  )
  sheet(
    wb,
    '城乡环卫',
    {
      1: ['2023年度项目支出绩效自评表'],
      3: ['项目名称：', null, '城乡环卫一体化经费'],
      4: ['主管部门：', null, '师宗县住房和城乡建设局', null, null, '实施单位：', null, '师宗县住房和城乡建设局'],
      5: ['项目资金（元）', null, '年初预算数', '全年预算数', '全年执行数', '分值', '执行率', '得分'],
      6: [null, '年度资金总额：', 15730000, 15730000, 14157000, 10, '90.00%', 9],
      7: [null, '其中：财政拨款', 12000000, 12000000, 10800000],
      8: [null, '其他资金', 3730000, 3730000, 3357000],
      10: ['年度总体目标', '预期目标', null, null, null, '实际完成情况'],
      11: [null, '城乡生活垃圾无害化处理率95%以上', null, null, null, '基本完成'],
      12: ['绩效指标', '一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '偏差原因分析及改进措施'],
      13: [null, '产出指标', '数量指标', '清扫保洁面积', '≥120万平方米', '126万平方米', 20],
      14: [null, null, '质量指标', '生活垃圾无害化处理率', '≥95%', '96%', 15],
      15: [null, null, '时效指标', '资金拨付及时率', '≥95%', '95%', 10],
      16: [null, null, '成本指标', '项目总成本', '≤1573万元', '1415.7万元', 15],
      17: [null, '效益指标', '社会效益指标', '城乡人居环境改善', '明显改善', '未达成年度指标', 20, null, '部分乡镇转运设施不足'],
      18: [null, '满意度指标', '服务对象满意度指标', '服务对象满意度', '≥90%', '88%', 10, null, '收运频次不足'],
      19: ['总分', null, null, null, null, null, 100],
    },
    [...merges, 'A12:A18', 'B13:B16', 'I17:J17', 'I18:J18', 'A19:F19'],
  )
  return save(wb)
}

/** The 总额 row left at 0 beside a 其中 row of 89.97 (a sheet that once passed as 100分（优）). */
export async function mofZeroTotal(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const ws = mofRoadSheet(wb, '零总额')
  ws.getCell('C6').value = 0
  ws.getCell('D6').value = 0
  ws.getCell('E6').value = 0
  ws.getCell('B6').value = '年度资金总额:'
  ws.getCell('C7').value = 89.97
  ws.getCell('D7').value = 89.97
  ws.getCell('E7').value = 89.97
  for (const a of ['C8', 'D8', 'E8']) ws.getCell(a).value = '-'
  return save(wb)
}

// ——— provincial 自评表 ———

/** 报表编号, 项目名称（预算项目编码-名称）, 预算执行情况（10分） with 原因, 指标性质 in full-width, footer. */
export async function provinceMeals(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  sheet(
    wb,
    '自评表',
    {
      1: ['项目支出绩效自评表'],
      2: ['（2023年度）', null, null, null, null, null, '报表编号：SZ-JY-2023-017'],
      3: ['项目名称（预算项目编码-名称）', null, '530323230002-营养改善计划补助经费'],
      4: ['主管部门', null, '师宗县教育体育局', null, null, '实施单位（盖章）', null, '师宗县教育体育局'],
      5: ['项目基本情况'],
      6: ['1.项目年度目标', null, null, null, null, '年度目标完成情况'],
      7: ['为1200名农村义务教育学生提供营养膳食补助', null, null, null, null, '补助1180人，资金发放及时'],
      8: ['2.项目实施内容及过程概述', null, '按学期审核认定并发放补助资金'],
      9: ['一、预算执行情况（10分）'],
      10: ['资金来源', '年初预算', '调整后预算数', '预算执行数', '预算执行率', '权重', '得分', '原因'],
      11: ['总额', 320.5, 320.5, 256.4, '80%', 10, 8, '部分学生转学，补助资金年底已收回'],
      12: ['财政资金', 320.5, 320.5, 256.4],
      13: ['财政专户管理资金', '-', '-', '-'],
      14: ['单位资金', '-', '-', '-'],
      15: ['其他资金（社会投入资金、银行贷款）', '-', '-', '-'],
      16: ['二、绩效指标（90分）'],
      17: ['一级指标', '二级指标', '三级指标', '指标性质', '指标值', '度量单位', '完成值', '权重', '得分', '未完成原因分析'],
      18: ['产出指标', '数量指标', '补助学生人数', '≥', 1200, '人', 1180, 30, null, '部分学生转学'],
      19: [null, '质量指标', '补助对象认定准确率', '﹦', 100, '%', 100, 20],
      20: [null, '时效指标', '资金发放及时率', '≧', 95, '%', '95%', 10],
      21: [null, '成本指标', '生均补助标准', '≦', 2500, '元', 2600, 10, null, '食材价格上涨，标准上调'],
      22: ['效益指标', '社会效益指标', '学生营养状况改善', '定性', '有效改善', null, '较好', 10, null, '个别学校膳食搭配单一'],
      23: ['满意度指标', '服务对象满意度指标', '学生家长满意度', '≥', 90, '%', 92, 10, 10],
      24: ['合计', null, null, null, null, null, null, 90],
      25: ['评价结论（限200字）', null, '项目较好完成年度目标'],
      26: ['存在问题', null, '资金支付进度偏慢'],
      27: ['改进措施', null, '加快资金审核发放'],
      28: ['项目负责人：王芳          财务负责人：李强'],
    },
    ['A1:J1', 'A2:F2', 'G2:J2', 'A3:B3', 'C3:J3', 'A4:B4', 'C4:E4', 'F4:G4', 'H4:J4', 'A5:J5', 'A6:E6', 'F6:J6', 'A7:E7', 'F7:J7', 'A8:B8', 'C8:J8', 'A9:J9', 'H10:J10', 'H11:J15', 'A16:J16', 'A18:A21', 'A24:G24', 'A25:B25', 'C25:J25', 'A26:B26', 'C26:J26', 'A27:B27', 'C27:J27', 'A28:J28'],
  )
  return save(wb)
}

/** No 原因 column and no 未完成原因分析 column; 正向/反向 words; typed 得分 and a typed 总分 that differs. */
export async function provinceSanitation(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  sheet(
    wb,
    '城乡环卫一体化经费',
    {
      1: ['项目支出绩效自评表'],
      2: ['报表编号', 'SZ-ZJ-2023-003'],
      3: ['项目名称', '城乡环卫一体化经费'],
      4: ['主管部门', '住房和城乡建设局', null, null, '实施单位', '住房和城乡建设局'],
      6: ['预算执行情况（10分）'],
      7: ['项目', '年初预算（万元）', '调整后预算数（万元）', '预算执行数（万元）', '预算执行率', '权重', '得分'],
      8: ['总额', 1573, 1573, 1337.05, { n: 0.85, fmt: '0%' }, 10, 8.5],
      9: ['财政资金', 1573, 1573, 1337.05],
      10: ['其他资金', '——', '——', '——'],
      12: ['绩效指标（90分）'],
      13: ['一级指标', '二级指标', '三级指标', '指标性质', '指标值', '度量单位', '完成值', '权重', '得分'],
      14: ['产出指标', '数量指标', '清扫保洁面积', '正向', 120, '万平方米', 126, 20, 20],
      15: [null, '质量指标', '生活垃圾无害化处理率', '≥', '95%', '%', '95%', 15, 15],
      16: [null, '时效指标', '资金拨付及时率', '≥', 95, '%', 90, 10, 9.47],
      17: [null, '成本指标', '项目总成本', '反向', 1573, '万元', 1337.05, 15, 15],
      18: ['效益指标', '社会效益指标', '城乡人居环境改善', '定性', '明显改善', '/', '部分达成', 20, 16],
      19: ['满意度指标', '服务对象满意度指标', '服务对象满意度', '≥', 90, '%', 93, 10, 10],
      20: ['总分', null, null, null, null, null, null, 100, 95],
      21: ['评价结论', '项目基本完成年度目标'],
      22: ['存在问题', '资金支付进度偏慢'],
      23: ['改进措施', '加快结算'],
      24: ['填表说明：完成值请填写数字，定性指标填写达成情况。'],
    },
    ['A1:I1', 'B3:I3', 'B4:D4', 'F4:I4', 'A6:I6', 'A12:I12', 'A14:A17', 'A20:G20', 'B21:I21', 'B22:I22', 'B23:I23', 'A24:I24'],
  )
  return save(wb)
}

// ——— 绩效目标申报表 ———

const targetsLocalMerges = ['A1:F1', 'A2:D2', 'E2:F2', 'B3:C3', 'E3:F3', 'B4:C4', 'E4:F4', 'B5:C5', 'A6:A9', 'B10:F10']

/** A local template: 填报单位（盖章）：… in one cell, 资金总额 / 其中：财政拨款, 指标内容 + "≥95%" in 指标值. */
export async function targetsSanitation(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  sheet(
    wb,
    '申报表',
    {
      1: ['2024年度项目支出绩效目标申报表'],
      2: ['填报单位（盖章）：师宗县住房和城乡建设局', null, null, null, '年度：2024'],
      3: ['项目名称', '城乡环卫一体化经费', null, '项目属性', '延续'],
      4: ['主管部门', '师宗县住房和城乡建设局', null, '主管部门编码', '101041'],
      5: ['项目实施单位', '师宗县环境卫生管理所', null, '项目负责人', '张伟'],
      6: ['项目资金（万元）', '资金总额', 1573],
      7: [null, '其中：财政拨款', 1573],
      8: [null, '自有资金', '-'],
      9: [null, '其他', '-'],
      10: ['年度总体目标', '完成城乡生活垃圾清运和环卫保洁，城乡人居环境明显改善'],
      12: ['年度绩效指标', '一级指标', '二级指标', '指标内容', '指标值', '备注'],
      13: [null, '产出指标', '数量指标', '清扫保洁面积', '≥120万平方米'],
      14: [null, null, '质量指标', '生活垃圾无害化处理率', '≥95%'],
      15: [null, null, '时效指标', '资金拨付及时率', '≥ 95 ％'],
      16: [null, null, '成本指标', '项目总成本', '≤1573万元', '按合同价'],
      17: [null, '效益指标', '社会效益指标', '城乡人居环境改善', '明显改善'],
      18: [null, null, '可持续影响指标', '长效管护机制建立', '建立健全'],
      19: [null, '满意度指标', '服务对象满意度指标', '服务对象满意度', '≥90%'],
      21: ['项目负责人：张伟    联系电话：13800000000'],
    },
    [...targetsLocalMerges, 'A12:A20', 'B13:B16', 'B17:B18', 'A21:F21'],
  )
  return save(wb)
}

/** Two forms in one workbook: a known project (unit written without the county) and a new one; 元 on one. */
export async function targetsTwoProjects(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  sheet(
    wb,
    'A学生资助',
    {
      1: ['项目支出绩效目标申报表'],
      2: ['填报单位（盖章）：教育体育局', null, null, null, '年度：2024'],
      3: ['项目名称', '学生资助补助经费', null, '项目属性', '延续'],
      4: ['主管部门', '教育体育局', null, '主管部门编码', '101024'],
      5: ['项目实施单位', '教育体育局', null, '项目负责人', '刘洋'],
      6: ['项目资金（元）', '资金总额', 3205000],
      7: [null, '其中：财政拨款', 3000000],
      8: [null, '自有资金', '——'],
      9: [null, '其他', 205000],
      10: ['年度总体目标', '资助家庭经济困难学生1200人以上，做到应助尽助'],
      12: ['年度绩效指标', '一级指标', '二级指标', '指标内容', '指标值', '备注'],
      13: [null, '产出指标', '数量指标', '资助学生人数', '≥1200人'],
      14: [null, null, '质量指标', '资助对象认定准确率', '=100%'],
      15: [null, null, '时效指标', '资金发放及时率', '≥95%'],
      16: [null, null, '成本指标', '生均资助标准', '≤2500元'],
      17: [null, '效益指标', '社会效益指标', '家庭经济困难学生就学保障', '有效保障'],
      18: [null, '满意度指标', '服务对象满意度指标', '受助学生满意度', '≥90%'],
    },
    [...targetsLocalMerges, 'A12:A18', 'B13:B16'],
  )
  sheet(
    wb,
    'B新项目',
    {
      1: ['项目支出绩效目标申报表'],
      2: ['填报单位（盖章）：师宗县教育体育局', null, null, null, '年度：2024'],
      3: ['项目名称', '校园安全设施改造', null, '项目属性', '新增'],
      4: ['主管部门', '师宗县教育体育局', null, '主管部门编码', '101024'],
      5: ['项目实施单位', '师宗县教育体育局', null, '项目负责人', '刘洋'],
      6: ['项目资金（万元）', '资金总额', 50],
      7: [null, '其中：财政拨款', 50],
      8: [null, '自有资金', '无'],
      9: [null, '其他', '无'],
      10: ['年度总体目标', '完成5所学校安防设施改造'],
      12: ['年度绩效指标', '一级指标', '二级指标', '指标内容', '指标值', '备注'],
      13: [null, '产出指标', '数量指标', '改造学校数量', '≥5所'],
      14: [null, null, '质量指标', '验收合格率', '=100%'],
      15: [null, null, '时效指标', '完工及时率', '≥95%'],
      16: [null, null, '成本指标', '改造成本', '≤50万元'],
      17: [null, '效益指标', '社会效益指标', '校园安全水平', '明显提升'],
      18: [null, '满意度指标', '服务对象满意度指标', '师生满意度', '≥90%'],
    },
    [...targetsLocalMerges, 'A12:A18', 'B13:B16'],
  )
  return save(wb)
}

/** Current-practice fields: 项目编码, two 总额 with their 其中, 指标性质 and 权重 columns, a 合计 row. */
export async function targetsByCode(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  sheet(
    wb,
    'Sheet1',
    {
      1: ['项目支出绩效目标申报表'],
      2: ['（2024年度）'],
      3: ['项目名称', '城乡环卫一体化项目经费', null, null, '项目编码', '530323240001'],
      4: ['主管部门', '师宗县住房和城乡建设局', null, null, '实施单位', '师宗县住房和城乡建设局'],
      5: ['项目性质', '经常性项目', null, null, '项目类别', '其他项目'],
      6: ['计划开始日期', '2024-01-01', null, null, '计划完成日期', '2024-12-31'],
      7: ['项目资金总额（万元）', 1573, '其中：财政资金', 1573],
      8: ['年度资金申请总额（万元）', 1573, '其中：当年财政拨款', 1500, '上年结转资金', 73, '其他资金', 0],
      9: ['项目总目标', '建立城乡一体的环卫保洁长效机制'],
      10: ['年度总体目标', '年度内完成城乡环卫保洁120万平方米，生活垃圾无害化处理率95%以上'],
      11: ['一级指标', '二级指标', '三级指标', '指标性质', '指标值', '度量单位', '权重', '备注'],
      12: ['产出指标', '数量指标', '清扫保洁面积', '≥', 120, '万平方米', 20],
      13: [null, '质量指标', '生活垃圾无害化处理率', '≧', 95, '%', 15],
      14: [null, '时效指标', '资金拨付及时率', '≥', '95%', null, 10],
      15: [null, '成本指标', '项目总成本', '≤', 1573, '万元', 15, '含转运费'],
      16: ['效益指标', '社会效益指标', '城乡人居环境改善', '定性', '明显改善', '—', 20],
      17: ['满意度指标', '服务对象满意度指标', '服务对象满意度', '≥', 90, '%', 10],
      18: ['合计', null, null, null, null, null, 90],
    },
    ['A1:H1', 'A2:H2', 'B3:D3', 'F3:H3', 'B4:D4', 'F4:H4', 'B5:D5', 'F5:H5', 'B9:H9', 'B10:H10'],
  )
  return save(wb)
}
