/** 发文登记: every numbered document, generated here or registered by hand; numbers never repeat. */
import { EditOutlined, PlusOutlined } from '@ant-design/icons'
import { AutoComplete, Button, DatePicker, Form, Input, InputNumber, Radio, Select, Space, Table, Tag, Tooltip } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useCallback, useEffect, useMemo, useState } from 'react'
import type { RegisterEntry } from '../../shared/domain'
import { call } from '../api'
import { openFile } from '../components/SavedFile'
import { attempt, notifySuccess } from '../errors'
import { useApp } from '../store'
import { PageHeader } from '../components/PageHeader'
import { defaultDateIn, zhDate } from '../../shared/dates'
import { GuardedModal } from '../components/EditModal'
import { useReadOnlyReason } from '../components/read-only'
import { DocumentDialog, type DocRequest } from '../components/DocumentDialog'
import { useServerTable } from '../components/useServerTable'
import { FREE_DOC_TYPES, type FreeDoc, type FreeDocType } from '../../shared/documents'

interface ManualForm {
  prefix: string
  year: number
  serial: number
  title: string
  recipients: string
  issuedDate: Dayjs
}

interface FreeForm {
  docType: FreeDocType
  direction: 'down' | 'up'
  prefixKey: 'budget' | 'performance'
  title: string
}

export function RegisterPage() {
  const readOnly = useReadOnlyReason(null)
  const workYear = useApp((s) => s.workYear)
  const settings = useApp((s) => s.settings)
  const info = useApp((s) => s.info)
  const dataVersion = useApp((s) => s.dataVersion)
  const [year, setYear] = useState<number | undefined>(workYear)
  const [prefix, setPrefix] = useState<string | undefined>()
  const [searchText, setSearchText] = useState('')
  const [search, setSearch] = useState<string | undefined>()
  const [manualOpen, setManualOpen] = useState(false)
  const [form] = Form.useForm<ManualForm>()
  const [busy, setBusy] = useState(false)
  // 起草公文: the draft's 文种, 行文方向 and 代字 first, then the document dialog for its text.
  const [freeOpen, setFreeOpen] = useState(false)
  const [freeForm] = Form.useForm<FreeForm>()
  const [drafts, setDrafts] = useState<FreeDoc[]>([])
  const [docRequest, setDocRequest] = useState<DocRequest | null>(null)

  useEffect(() => setYear(workYear), [workYear])
  useEffect(() => {
    const t = setTimeout(() => setSearch(searchText.trim() || undefined), 250)
    return () => clearTimeout(t)
  }, [searchText])

  // One page at a time, filtered, sorted and paged in SQL (a city's year holds thousands of entries).
  const table = useServerTable(
    { year, prefix, search },
    (q, page) => call('register/page', { ...q, ...page, sort: page.sort as 'number' | 'date' | undefined }),
    { pageSize: 100, reloadToken: dataVersion },
  )
  const { sortOrder } = table
  const rows = table.data?.rows ?? []

  const loadDrafts = useCallback(async () => {
    const d = await attempt(() => call('freedoc/list', { workYear }))
    if (d) setDrafts(d.filter((x) => !x.docNumber))
  }, [workYear])

  useEffect(() => {
    void loadDrafts()
  }, [loadDrafts, dataVersion])

  const reload = useCallback(async () => {
    table.reload()
    await loadDrafts()
  }, [table.reload, loadDrafts])

  const prefixes = useMemo(() => {
    const set = new Set<string>()
    if (settings?.org.prefixBudget) set.add(settings.org.prefixBudget)
    if (settings?.org.prefixPerformance) set.add(settings.org.prefixPerformance)
    for (const p of table.data?.prefixes ?? []) set.add(p)
    return [...set]
  }, [settings, table.data])

  const years = useMemo(() => {
    const set = new Set<number>([workYear, ...(info?.workYears ?? [])])
    for (const y of table.data?.years ?? []) set.add(y)
    return [...set].sort((a, b) => b - a)
  }, [workYear, info, table.data])

  const openManual = () => {
    form.resetFields()
    form.setFieldsValue({
      prefix: prefix ?? settings?.org.prefixBudget ?? '',
      year: year ?? workYear,
      recipients: '',
      // A number of another year was used on a date in that year: leave the date for the user.
      issuedDate: (year ?? workYear) === dayjs().year() ? dayjs() : undefined,
    })
    setManualOpen(true)
  }

  const saveManual = async () => {
    const v = await form.validateFields()
    setBusy(true)
    const r = await attempt(() =>
      call('register/add', {
        prefix: v.prefix.trim(),
        year: v.year,
        serial: v.serial,
        title: v.title.trim(),
        recipients: (v.recipients ?? '').trim(),
        issuedDate: v.issuedDate.format('YYYY-MM-DD'),
      }),
    )
    setBusy(false)
    if (!r) return
    notifySuccess(`已登记 ${r.docNumber}`)
    setManualOpen(false)
    await reload()
  }

  const openFree = () => {
    freeForm.resetFields()
    freeForm.setFieldsValue({ docType: '通知', direction: 'down', prefixKey: 'budget', title: '' })
    setFreeOpen(true)
  }

  const createFree = async () => {
    const v = await freeForm.validateFields()
    setBusy(true)
    // Dated today inside the work year, else on its last day (documents of a past year filled in).
    const date = defaultDateIn(workYear, new Date())
    const r = await attempt(() =>
      call('freedoc/save', {
        workYear,
        docType: v.docType,
        direction: v.direction,
        prefixKey: v.prefixKey,
        title: v.title.trim(),
        recipients: v.direction === 'up' ? '县人民政府：' : '',
        body: '',
        attachments: [],
        copyTo: '',
        date,
      }),
    )
    setBusy(false)
    if (!r) return
    setFreeOpen(false)
    setDocRequest({ kind: 'free-doc', recordId: r.id })
    await reload()
  }

  return (
    <div>
      <PageHeader
        title="发文登记"
        note="每个文号只能使用一次；重新生成已登记的文件沿用原文号"
        extra={
          <Space>
            <Tooltip title={readOnly ?? '自行起草通知、办法或报告，按本登记簿编文号（如第三方中介机构参与预算绩效管理办法）'}>
              <Button type="primary" icon={<EditOutlined />} onClick={openFree} disabled={!!readOnly} data-testid="free-doc-new">
                起草公文
              </Button>
            </Tooltip>
            <Tooltip title={readOnly ?? '登记在本软件之外印发的文件所用的文号，避免系统再次使用'}>
              <Button icon={<PlusOutlined />} onClick={openManual} disabled={!!readOnly}>
                手工登记
              </Button>
            </Tooltip>
          </Space>
        }
      />
      <div className="page-card">
        <div className="toolbar">
          <Select placeholder="年度" allowClear style={{ width: 110 }} value={year} onChange={setYear} options={years.map((y) => ({ value: y, label: `${y}年` }))} />
          <Select placeholder="文号代字" allowClear style={{ width: 130 }} value={prefix} onChange={setPrefix} options={prefixes.map((p) => ({ value: p, label: p }))} />
          <Input.Search placeholder="搜索文号、标题或主送" allowClear style={{ width: 240 }} value={searchText} onChange={(e) => setSearchText(e.target.value)} />
        </div>
        {drafts.length > 0 && (
          <div style={{ marginBottom: 8 }} data-testid="free-doc-drafts">
            <span className="hint">{workYear}年未生成的公文草稿：</span>
            {drafts.map((d) => (
              <Tag key={d.id} color="gold" style={{ cursor: 'pointer' }} onClick={() => setDocRequest({ kind: 'free-doc', recordId: d.id })}>
                {d.docType}·{d.title}
              </Tag>
            ))}
          </div>
        )}
        <Table<RegisterEntry>
          size="small"
          rowKey="id"
          loading={table.loading}
          dataSource={rows}
          pagination={table.pagination}
          onChange={table.onChange}
          scroll={{ x: 1100 }}
          locale={{ emptyText: year ? `${year}年还没有登记的文件。生成反馈通知、意见书等文件时会自动登记文号` : '还没有登记的文件' }}
          columns={[
            {
              title: '文号',
              key: 'number',
              dataIndex: 'docNumber',
              width: 170,
              sorter: true,
              sortOrder: sortOrder('number'),
              render: (v: string) => v || <span className="hint">不编号</span>,
            },
            { title: '标题', dataIndex: 'title', ellipsis: { showTitle: true } },
            { title: '主送', dataIndex: 'recipients', width: 160, ellipsis: { showTitle: true }, render: (v: string) => v || '—' },
            { title: '成文日期', key: 'date', dataIndex: 'issuedDate', width: 130, sorter: true, sortOrder: sortOrder('date'), render: (d: string) => zhDate(d) },
            {
              title: '涉及记录',
              dataIndex: 'records',
              width: 150,
              ellipsis: { showTitle: false },
              render: (recs: RegisterEntry['records']) =>
                recs.length ? (
                  <Tooltip title={recs.map((r) => r.label).join('、')} placement="topLeft">
                    {recs.length === 1 ? recs[0]!.label : `${recs[0]!.label} 等 ${recs.length} 项`}
                  </Tooltip>
                ) : (
                  <span className="hint">—</span>
                ),
            },
            {
              title: '生成方式',
              dataIndex: 'generated',
              width: 90,
              render: (g: boolean) => (g ? <Tag color="blue">系统生成</Tag> : <Tag>手工登记</Tag>),
            },
            { title: '操作员', dataIndex: 'operatorName', width: 80 },
            {
              title: '文件',
              fixed: 'right',
              width: 110,
              render: (_v, r) => (
                <Space size={8}>
                  {r.filePath ? <a onClick={() => openFile(r.filePath, false)}>打开</a> : <span className="hint">—</span>}
                  {r.kind === 'free-doc' && r.records[0] && !readOnly ? <a onClick={() => setDocRequest({ kind: 'free-doc', recordId: r.records[0]!.id })}>修改</a> : null}
                </Space>
              ),
            },
          ]}
          footer={() => <span>共 {table.data?.total ?? 0} 份</span>}
        />
      </div>
      <GuardedModal
        open={manualOpen}
        title="手工登记文号"
        onCancel={() => setManualOpen(false)}
        onOk={saveManual}
        okText="登记"
        cancelText="取消"
        confirmLoading={busy}
        forceRender
      >
        <p className="hint">用于登记在本软件之外印发的文件，登记后系统不会再使用这个文号。</p>
        <Form form={form} name="manualRegister" labelCol={{ flex: '80px' }} colon={false}>
          <Form.Item label="文号" required>
            <Space size={4}>
              <Form.Item name="prefix" noStyle rules={[{ required: true, whitespace: true, message: '请填写文号代字' }]}>
                <AutoComplete options={prefixes.map((p) => ({ value: p }))} style={{ width: 110 }} placeholder="代字" />
              </Form.Item>
              <span>〔</span>
              <Form.Item name="year" noStyle rules={[{ required: true, message: '请填写年度' }]}>
                <InputNumber min={2000} max={2100} precision={0} style={{ width: 80 }} />
              </Form.Item>
              <span>〕</span>
              <Form.Item name="serial" noStyle rules={[{ required: true, message: '请填写序号' }]}>
                <InputNumber min={1} max={99999} precision={0} style={{ width: 80 }} placeholder="序号" />
              </Form.Item>
              <span>号</span>
            </Space>
          </Form.Item>
          <Form.Item name="title" label="标题" rules={[{ required: true, whitespace: true, message: '请填写标题' }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="recipients" label="主送">
            <Input maxLength={500} />
          </Form.Item>
          <Form.Item name="issuedDate" label="成文日期" rules={[{ required: true, message: '请选择成文日期' }]}>
            <DatePicker allowClear={false} />
          </Form.Item>
        </Form>
      </GuardedModal>
      <GuardedModal
        open={freeOpen}
        title="起草公文"
        onCancel={() => setFreeOpen(false)}
        onOk={createFree}
        okText="下一步：填写正文"
        cancelText="取消"
        confirmLoading={busy}
        forceRender
      >
        <p className="hint">起草的公文与系统生成的文件一样从本登记簿取文号，重新生成时沿用原文号。</p>
        <Form form={freeForm} name="freeDoc" labelCol={{ flex: '80px' }} colon={false}>
          <Form.Item name="docType" label="文种">
            <Radio.Group options={FREE_DOC_TYPES.map((t) => ({ value: t, label: t }))} optionType="button" />
          </Form.Item>
          <Form.Item name="direction" label="行文方向" extra="报送县委、人大、政府的报告为上行文：文号居左，右侧标注签发人（在“设置—单位信息”中填写）">
            <Radio.Group
              options={[
                { value: 'down', label: '下行文' },
                { value: 'up', label: '上行文' },
              ]}
            />
          </Form.Item>
          <Form.Item name="prefixKey" label="文号代字">
            <Select
              style={{ width: 200 }}
              options={[
                { value: 'budget', label: settings?.org.prefixBudget || '预算代字（未设置）' },
                { value: 'performance', label: settings?.org.prefixPerformance || '绩效代字（未设置）' },
              ]}
            />
          </Form.Item>
          <Form.Item name="title" label="标题" rules={[{ required: true, whitespace: true, message: '请填写标题' }]}>
            <Input maxLength={200} placeholder="如：师宗县第三方中介机构参与预算绩效管理办法" data-testid="free-doc-title" />
          </Form.Item>
        </Form>
      </GuardedModal>
      <DocumentDialog request={docRequest} onClose={() => setDocRequest(null)} onIssued={() => void reload()} />
    </div>
  )
}
