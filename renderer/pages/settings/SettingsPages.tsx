/** 设置: 单位信息 (organisation), 公文设置 (fonts, output folder, 意见书 numbering), 评估规则 (ex-ante scoring). */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { Alert, AutoComplete, Button, Card, Form, Input, InputNumber, Space, Switch, Table, Tag, Typography } from 'antd'
import { useEffect, useState } from 'react'
import type { ExanteRules } from '../../../shared/exante'
import { DEFAULT_EXANTE_RULES, checkThresholds } from '../../../shared/exante'
import { DOC_KINDS } from '../../../shared/documents'
import type { Addressees, FontSettings, OrgSettings, Settings } from '../../../shared/settings'
import { call } from '../../api'
import { attempt, notifySuccess } from '../../errors'
import { shortKey } from '../../format'
import { useApp } from '../../store'
import { PageHeader } from '../../components/PageHeader'

export async function saveSettings(patch: Partial<Settings>): Promise<boolean> {
  const current = useApp.getState().settings
  if (!current) return false
  const saved = await attempt(() => call('settings/save', { ...current, ...patch }))
  if (!saved) return false
  useApp.getState().setSettings(saved)
  notifySuccess('设置已保存')
  return true
}

const ORG_FIELDS: { name: keyof OrgSettings; label: string; placeholder: string; extra?: string }[] = [
  { name: 'county', label: '县名', placeholder: '例如：师宗县' },
  { name: 'bureau', label: '财政局全称', placeholder: '例如：师宗县财政局' },
  { name: 'issuerMark', label: '发文机关标志', placeholder: '例如：师宗县财政局文件', extra: '公文首页红色大字，一般为“机关全称 + 文件”' },
  { name: 'prefixBudget', label: '文号代字（预算）', placeholder: '例如：师财预', extra: '反馈通知、意见书等预算股文件使用，如 师财预〔2024〕1号' },
  { name: 'prefixPerformance', label: '文号代字（绩效）', placeholder: '例如：师财绩', extra: '绩效管理办法等文件使用，如 师财绩〔2021〕6号' },
  { name: 'printer', label: '印发机关', placeholder: '例如：师宗县财政局办公室', extra: '版记中“印发机关 + 印发日期”的印发机关' },
  { name: 'signature', label: '署名', placeholder: '例如：师宗县财政局', extra: '正文之后、成文日期之上的发文机关署名' },
]

/** The 县名 input with a button that fills the other fields from it (value/onChange come from Form.Item). */
function CountyInput(props: { value?: string; onChange?: (e: React.ChangeEvent<HTMLInputElement>) => void; placeholder: string; onFill: () => void; id?: string }) {
  return (
    <Space.Compact style={{ width: '100%' }}>
      <Input id={props.id} value={props.value} onChange={props.onChange} placeholder={props.placeholder} maxLength={30} />
      <Button onClick={props.onFill} title="按县名填写下面尚未填写的各项">
        按县名填充
      </Button>
    </Space.Compact>
  )
}

export function OrgSettingsPage() {
  const settings = useApp((s) => s.settings)
  const [form] = Form.useForm<OrgSettings>()
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (settings) form.setFieldsValue(settings.org)
  }, [settings, form])

  /** Fills the empty fields from the county name: 师宗县 → 师宗县财政局, 师财预, … */
  const fillFromCounty = () => {
    const county = String(form.getFieldValue('county') ?? '').trim()
    if (!county) return
    const head = county.charAt(0)
    const suggestions: Partial<OrgSettings> = {
      bureau: `${county}财政局`,
      issuerMark: `${county}财政局文件`,
      prefixBudget: `${head}财预`,
      prefixPerformance: `${head}财绩`,
      printer: `${county}财政局办公室`,
      signature: `${county}财政局`,
    }
    const patch: Partial<OrgSettings> = {}
    for (const [k, v] of Object.entries(suggestions) as [keyof OrgSettings, string][]) {
      if (!String(form.getFieldValue(k) ?? '').trim()) patch[k] = v
    }
    form.setFieldsValue(patch)
  }

  const onSave = async () => {
    const org = await form.validateFields()
    setBusy(true)
    await saveSettings({ org })
    setBusy(false)
  }

  return (
    <div>
      <PageHeader title="单位信息" />
      <Card size="small" style={{ maxWidth: 760 }}>
        <Form form={form} layout="horizontal" labelCol={{ flex: '130px' }} wrapperCol={{ flex: '1 1 0', style: { minWidth: 0 } }} colon={false}>
          {ORG_FIELDS.map((f) => (
            <Form.Item
              key={f.name}
              name={f.name}
              label={f.label}
              extra={f.extra}
              rules={[{ required: true, whitespace: true, message: `请填写${f.label}` }]}
            >
              {f.name === 'county' ? (
                <CountyInput placeholder={f.placeholder} onFill={fillFromCounty} />
              ) : (
                <Input placeholder={f.placeholder} maxLength={60} />
              )}
            </Form.Item>
          ))}
          <Form.Item label=" ">
            <Button type="primary" onClick={onSave} loading={busy}>
              保存
            </Button>
          </Form.Item>
        </Form>
      </Card>
    </div>
  )
}

const FONT_PRESETS: Record<'gb2312' | 'modern', FontSettings> = {
  gb2312: { body: '仿宋_GB2312', title: '方正小标宋简体', heading1: '黑体', heading2: '楷体_GB2312', latin: 'Times New Roman' },
  modern: { body: '仿宋', title: '方正小标宋简体', heading1: '黑体', heading2: '楷体', latin: 'Times New Roman' },
}

const FONT_OPTIONS: Record<keyof FontSettings, string[]> = {
  body: ['仿宋_GB2312', '仿宋', '方正仿宋_GBK'],
  title: ['方正小标宋简体', '方正小标宋_GBK', '华文中宋', '宋体'],
  heading1: ['黑体', '方正黑体_GBK'],
  heading2: ['楷体_GB2312', '楷体', '方正楷体_GBK'],
  latin: ['Times New Roman', '仿宋_GB2312', '仿宋'],
}

const FONT_LABELS: Record<keyof FontSettings, string> = {
  body: '正文（3号）',
  title: '标题（2号）',
  heading1: '一级标题“一、”',
  heading2: '二级标题“（一）”',
  latin: '数字和西文',
}

interface DocForm {
  fonts: FontSettings
  outputDir: string
  numberForms: boolean
  packageKey: string
  addressees: Addressees
}

/** Why a kind has no 主送 field here: who it goes to is decided elsewhere. */
const FIXED_RECIPIENTS: Partial<Record<keyof Addressees, string>> = {
  'rectify-notice': '主送：被评价单位（按项目）',
  'eval-report': '主送：见“监控与评价规则”',
}
/** A label that fits the column (the kind's own name is one character too long). */
const ADDRESSEE_LABELS: Partial<Record<keyof Addressees, string>> = { 'rectify-notice': '评价结果整改通知' }

/** settings/save validates the whole settings object, so the organisation must be complete first. */
export function OrgMissingAlert() {
  const settings = useApp((s) => s.settings)
  const setPage = useApp((s) => s.setPage)
  if (!settings || Object.values(settings.org).every((v) => String(v).trim())) return null
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 12, maxWidth: 760 }}
      message={
        <span>
          单位信息尚未填写完整，保存本页设置前请先 <a onClick={() => setPage('settings-org')}>填写单位信息</a>。
        </span>
      }
    />
  )
}

export function DocSettingsPage() {
  const settings = useApp((s) => s.settings)
  const info = useApp((s) => s.info)
  const [form] = Form.useForm<DocForm>()
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (settings) form.setFieldsValue({ fonts: settings.fonts, outputDir: settings.outputDir, numberForms: settings.numberForms, packageKey: settings.packageKey, addressees: settings.addressees })
  }, [settings, form])

  const onSave = async () => {
    const v = await form.validateFields()
    setBusy(true)
    await saveSettings({ fonts: v.fonts, outputDir: (v.outputDir ?? '').trim(), numberForms: v.numberForms, packageKey: v.packageKey ?? '', addressees: v.addressees })
    setBusy(false)
  }

  return (
    <div>
      <PageHeader title="公文设置" />
      <OrgMissingAlert />
      <Card size="small" style={{ maxWidth: 760 }}>
        <Form form={form} labelCol={{ flex: '150px' }} wrapperCol={{ flex: '1 1 0', style: { minWidth: 0 } }} colon={false}>
          <Typography.Text strong>公文字体</Typography.Text>
          <Space style={{ margin: '8px 0 12px 150px' }} wrap>
            <span className="hint">预设：</span>
            <Button size="small" onClick={() => form.setFieldsValue({ fonts: FONT_PRESETS.gb2312 })}>
              仿宋_GB2312（旧版 Windows 常用）
            </Button>
            <Button size="small" onClick={() => form.setFieldsValue({ fonts: FONT_PRESETS.modern })}>
              仿宋（Windows 10/11、信创系统）
            </Button>
          </Space>
          {(Object.keys(FONT_LABELS) as (keyof FontSettings)[]).map((k) => (
            <Form.Item key={k} name={['fonts', k]} label={FONT_LABELS[k]} rules={[{ required: true, whitespace: true, message: '请填写字体名称' }]}>
              <AutoComplete options={FONT_OPTIONS[k].map((v) => ({ value: v }))} style={{ maxWidth: 320 }} />
            </Form.Item>
          ))}
          <Typography.Text strong>输出</Typography.Text>
          <Form.Item
            name="outputDir"
            label="文件保存位置"
            style={{ marginTop: 8 }}
            extra={`生成的 Word、Excel 文件保存到此文件夹；留空则使用默认位置${info?.outputDir ? '：' + info.outputDir : ''}`}
          >
            <Input placeholder="留空使用默认位置" />
          </Form.Item>
          <Typography.Text strong>年度数据包</Typography.Text>
          <Form.Item
            name="packageKey"
            label="单位密钥"
            style={{ marginTop: 8 }}
            rules={[{ validator: (_r, v: string) => (!v || v.length >= 8 ? Promise.resolve() : Promise.reject(new Error('单位密钥至少8个字符'))) }]}
            extra="与接收数据包的单位约定同一个密钥：导出的年度数据包用它签名，导入时只接受用同一密钥签名的数据包（显示“由…签发，签名有效”）。留空则不签名、不核验。密钥不会写入数据包和操作日志。"
          >
            <Input.Password placeholder="留空表示不使用签名" autoComplete="off" data-testid="package-key" />
          </Form.Item>
          <Form.Item name="numberForms" label="意见书编文号" valuePropName="checked" extra="开启后，结果运用意见书也从发文登记中取得文号">
            <Switch checkedChildren="编号" unCheckedChildren="不编号" />
          </Form.Item>
          <Typography.Text strong>主送与抄送</Typography.Text>
          <div className="hint" style={{ margin: '4px 0 8px 150px' }}>
            新起草的公文按此预填主送和抄送（生成前仍可逐份修改）。涉及单位不超过5个的通知直接列出单位名称。
          </div>
          {(Object.keys(settings?.addressees ?? {}) as (keyof Addressees)[]).map((k) => (
            <Form.Item key={k} label={ADDRESSEE_LABELS[k] ?? DOC_KINDS[k].name} style={{ marginBottom: 8 }} data-testid={`addressees-${k}`}>
              <Space.Compact style={{ width: '100%' }}>
                {FIXED_RECIPIENTS[k] ? (
                  <Input value={FIXED_RECIPIENTS[k]} disabled style={{ width: '50%' }} />
                ) : (
                  <Form.Item name={['addressees', k, 'recipients']} noStyle rules={[{ max: 300, message: '主送机关不能超过300字' }]}>
                    <Input addonBefore="主送" placeholder="县直各预算单位" style={{ width: '50%' }} />
                  </Form.Item>
                )}
                <Form.Item name={['addressees', k, 'copyTo']} noStyle rules={[{ max: 300, message: '抄送机关不能超过300字' }]}>
                  <Input addonBefore="抄送" placeholder="不抄送则留空" style={{ width: '50%' }} />
                </Form.Item>
              </Space.Compact>
            </Form.Item>
          ))}
          <Form.Item label=" ">
            <Button type="primary" onClick={onSave} loading={busy}>
              保存
            </Button>
          </Form.Item>
        </Form>
      </Card>
    </div>
  )
}

export function RulesSettingsPage() {
  const settings = useApp((s) => s.settings)
  const [rules, setRules] = useState<ExanteRules>(DEFAULT_EXANTE_RULES)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (settings) setRules(structuredClone(settings.exante))
  }, [settings])

  const total = rules.dimensions.reduce((a, d) => a + (d.maxScore || 0), 0)
  const thresholdProblem = checkThresholds(rules.thresholds)
  const nameProblem = rules.dimensions.some((d) => !d.name.trim()) ? '维度名称不能为空' : null
  const pointsProblem = rules.dimensions.some((d) => !(d.maxScore > 0)) ? '每个维度的分值须大于 0' : null
  const problem = nameProblem ?? pointsProblem ?? thresholdProblem

  const update = (i: number, patch: Partial<ExanteRules['dimensions'][number]>) =>
    setRules((r) => ({ ...r, dimensions: r.dimensions.map((d, j) => (j === i ? { ...d, ...patch } : d)) }))

  const onSave = async () => {
    setBusy(true)
    await saveSettings({ exante: { ...rules, dimensions: rules.dimensions.map((d) => ({ ...d, name: d.name.trim() })) } })
    setBusy(false)
  }

  return (
    <div>
      <PageHeader title="评估规则（事前绩效评估）" />
      <OrgMissingAlert />
      <Card size="small" style={{ maxWidth: 760 }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          评估按以下维度打分，总分折算为百分制；软件按分数线给出建议结论，最终结论由股室确认（与建议不同时须说明理由）。修改规则只影响此后的评分。
        </Typography.Paragraph>
        <Table
          size="small"
          pagination={false}
          rowKey="key"
          dataSource={rules.dimensions}
          columns={[
            { title: '序号', width: 56, render: (_v, _r, i) => i + 1 },
            {
              title: '评估维度',
              render: (_v, d, i) => <Input value={d.name} onChange={(e) => update(i, { name: e.target.value })} maxLength={30} status={d.name.trim() ? '' : 'error'} />,
            },
            {
              title: '分值',
              width: 120,
              render: (_v, d, i) => <InputNumber value={d.maxScore} min={0} max={100} onChange={(v) => update(i, { maxScore: Number(v ?? 0) })} style={{ width: '100%' }} />,
            },
            {
              title: '',
              width: 48,
              render: (_v, _d, i) => (
                <Button
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  disabled={rules.dimensions.length <= 1}
                  title="删除此维度"
                  onClick={() => setRules((r) => ({ ...r, dimensions: r.dimensions.filter((_x, j) => j !== i) }))}
                />
              ),
            },
          ]}
          summary={() => (
            <Table.Summary.Row className="sum-row">
              <Table.Summary.Cell index={0} colSpan={2}>
                合计
              </Table.Summary.Cell>
              <Table.Summary.Cell index={2}>
                {total} {total !== 100 && <Tag color="orange">按百分制折算</Tag>}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={3} />
            </Table.Summary.Row>
          )}
        />
        <Button
          icon={<PlusOutlined />}
          size="small"
          style={{ marginTop: 8 }}
          onClick={() => setRules((r) => ({ ...r, dimensions: [...r.dimensions, { key: shortKey('d'), name: '', maxScore: 10 }] }))}
        >
          增加维度
        </Button>
        <div style={{ marginTop: 16 }}>
          <Typography.Text strong>结论分数线</Typography.Text>
          <Space style={{ display: 'flex', marginTop: 8 }} wrap>
            <span>总分 ≥</span>
            <InputNumber
              min={0}
              max={100}
              value={rules.thresholds.support}
              onChange={(v) => setRules((r) => ({ ...r, thresholds: { ...r.thresholds, support: Number(v ?? 0) } }))}
            />
            <Tag color="green">予以支持</Tag>
            <span style={{ marginLeft: 16 }}>总分 ≥</span>
            <InputNumber
              min={0}
              max={100}
              value={rules.thresholds.adjust}
              onChange={(v) => setRules((r) => ({ ...r, thresholds: { ...r.thresholds, adjust: Number(v ?? 0) } }))}
            />
            <Tag color="gold">调整后予以支持</Tag>
            <span style={{ marginLeft: 16 }}>其余</span>
            <Tag color="red">不予支持</Tag>
          </Space>
        </div>
        {problem && <Alert type="error" showIcon message={problem} style={{ marginTop: 12 }} />}
        <Space style={{ marginTop: 16 }}>
          <Button type="primary" onClick={onSave} loading={busy} disabled={!!problem}>
            保存
          </Button>
          <Button onClick={() => setRules(structuredClone(DEFAULT_EXANTE_RULES))}>恢复默认</Button>
        </Space>
      </Card>
    </div>
  )
}
