/** 设置 · 预算单位: list, search, filter by 股室, add/edit/remove, import from Excel, export the template. */
import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons'
import { Button, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag } from 'antd'
import { useEffect, useMemo, useState } from 'react'
import type { Unit, UnitImportPreview, UnitImportRow } from '../../../shared/domain'
import { call } from '../../api'
import { attempt, notifySuccess } from '../../errors'
import { zhCompare } from '../../format'
import { SavedFile } from '../../components/SavedFile'
import { useFreshEditing } from '../../components/useFreshEditing'
import { ExcelImportModal } from '../../components/ExcelImportModal'
import { useApp } from '../../store'
import { EditModal } from '../../components/EditModal'
import { PageHeader } from '../../components/PageHeader'

interface UnitForm {
  code: string
  name: string
  parentName: string
  divisionId: string | null
  active: boolean
}

const ACTION_COLORS: Record<UnitImportRow['action'], string> = { 新增: 'green', 更新: 'blue', 不变: 'default' }

export function UnitsPage() {
  const units = useApp((s) => s.units)
  const divisions = useApp((s) => s.divisions)
  const loadUnits = useApp((s) => s.loadUnits)
  const [search, setSearch] = useState('')
  const [divisionId, setDivisionId] = useState<string | undefined>()
  const [showInactive, setShowInactive] = useState(false)
  const [editing, setEditing] = useState<Unit | 'new' | null>(null)
  useFreshEditing(editing, setEditing, units)
  const [importOpen, setImportOpen] = useState(false)
  const [templatePath, setTemplatePath] = useState<string | null>(null)
  const [form] = Form.useForm<UnitForm>()
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    void attempt(loadUnits)
  }, [loadUnits])

  useEffect(() => {
    if (editing === 'new') form.setFieldsValue({ code: '', name: '', parentName: '', divisionId: divisionId ?? null, active: true })
    else if (editing) form.setFieldsValue({ code: editing.code, name: editing.name, parentName: editing.parentName, divisionId: editing.divisionId, active: editing.active })
  }, [editing, form, divisionId])

  const rows = useMemo(() => {
    const q = search.trim()
    return units
      .filter((u) => showInactive || u.active)
      .filter((u) => !divisionId || (divisionId === '__none' ? !u.divisionId : u.divisionId === divisionId))
      .filter((u) => !q || u.code.includes(q) || u.name.includes(q) || u.parentName.includes(q))
      .sort((a, b) => zhCompare(a.code, b.code))
  }, [units, search, divisionId, showInactive])

  const onSave = async () => {
    const v = await form.validateFields()
    setBusy(true)
    const saved = await attempt(() =>
      call('units/save', {
        id: editing !== 'new' && editing ? editing.id : undefined,
        version: editing !== 'new' && editing ? editing.version : undefined,
        code: v.code.trim(),
        name: v.name.trim(),
        parentName: (v.parentName ?? '').trim(),
        divisionId: v.divisionId ?? null,
        active: v.active,
      }),
    )
    setBusy(false)
    if (!saved) return
    notifySuccess(`已保存预算单位“${saved.name}”`)
    setEditing(null)
    await attempt(loadUnits)
  }

  const onRemove = async (u: Unit) => {
    const r = await attempt(() => call('units/remove', { id: u.id }))
    if (!r) return
    notifySuccess(r.deactivated ? `“${u.name}”已有业务记录，已改为停用` : `已删除“${u.name}”`)
    await attempt(loadUnits)
  }

  const exportTemplate = async () => {
    const r = await attempt(() => call('units/exportTemplate', { withData: true }))
    if (r) setTemplatePath(r.path)
  }

  return (
    <div>
      <PageHeader
        title="预算单位"
        extra={
          <>
            <Button icon={<UploadOutlined />} onClick={() => setImportOpen(true)}>
              从Excel导入
            </Button>
            <Button icon={<DownloadOutlined />} onClick={exportTemplate}>
              导出Excel模板
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              新增单位
            </Button>
          </>
        }
      />
      <div className="page-card">
        <div className="toolbar">
          <Input.Search placeholder="搜索编码、名称或主管部门" allowClear style={{ width: 270 }} onSearch={setSearch} onChange={(e) => setSearch(e.target.value)} />
          <Select
            placeholder="所属股室"
            allowClear
            style={{ width: 160 }}
            value={divisionId}
            onChange={setDivisionId}
            options={[...divisions.map((d) => ({ value: d.id, label: d.name })), { value: '__none', label: '（未指定股室）' }]}
          />
          <Space size={4}>
            <Switch size="small" checked={showInactive} onChange={setShowInactive} />
            <span>显示停用</span>
          </Space>
        </div>
        <Table<Unit>
          size="small"
          rowKey="id"
          dataSource={rows}
          pagination={{ pageSize: 50, size: 'small', showSizeChanger: false, hideOnSinglePage: true }}
          locale={{ emptyText: units.length ? '没有符合条件的预算单位' : '还没有预算单位，可点击“新增单位”录入，或“从Excel导入”名单' }}
          columns={[
            { title: '单位编码', dataIndex: 'code', width: 120, sorter: (a, b) => zhCompare(a.code, b.code) },
            { title: '单位名称', dataIndex: 'name', sorter: (a, b) => zhCompare(a.name, b.name) },
            { title: '主管部门', dataIndex: 'parentName', render: (v: string) => v || '—' },
            { title: '所属股室', dataIndex: 'divisionName', width: 130, render: (v: string | null) => v ?? <span className="hint">未指定</span> },
            { title: '状态', dataIndex: 'active', width: 70, render: (a: boolean) => (a ? <Tag color="green">在用</Tag> : <Tag>停用</Tag>) },
            {
              title: '操作',
              width: 110,
              render: (_v, u) => (
                <Space size={8}>
                  <a onClick={() => setEditing(u)}>编辑</a>
                  <Popconfirm title={`删除“${u.name}”？`} description="已有业务记录的单位会改为停用。" okText="删除" cancelText="取消" onConfirm={() => onRemove(u)}>
                    <a style={{ color: '#cf1322' }}>删除</a>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
          footer={() => (
            <span data-testid="units-count">
              共 {rows.length} 个预算单位{rows.length !== units.length ? `（全部 ${units.length} 个）` : ''}
            </span>
          )}
        />
      </div>

      <EditModal open={editing !== null} title={editing === 'new' ? '新增预算单位' : '编辑预算单位'} busy={busy} onSave={onSave} onClose={() => setEditing(null)}>
        <Form form={form} labelCol={{ flex: '90px' }} colon={false}>
          <Form.Item name="code" label="单位编码" rules={[{ required: true, whitespace: true, message: '请填写单位编码' }, { pattern: /^[0-9A-Za-z-]+$/, message: '单位编码只能包含数字、字母和短横线' }]}>
            <Input maxLength={30} placeholder="例如：101001" />
          </Form.Item>
          <Form.Item name="name" label="单位名称" rules={[{ required: true, whitespace: true, message: '请填写单位名称' }]}>
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="parentName" label="主管部门">
            <Input maxLength={60} placeholder="一级预算单位可与单位名称相同" />
          </Form.Item>
          <Form.Item name="divisionId" label="所属股室">
            <Select allowClear placeholder="负责审核该单位的股室" options={divisions.filter((d) => d.active).map((d) => ({ value: d.id, label: d.name }))} />
          </Form.Item>
          <Form.Item name="active" label="在用" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </EditModal>

      <ImportUnitsModal open={importOpen} onClose={() => setImportOpen(false)} onDone={() => attempt(loadUnits)} />

      <Modal open={templatePath !== null} title="Excel 模板已导出" footer={null} onCancel={() => setTemplatePath(null)} width={600}>
        <p className="hint">模板含当前全部预算单位，可发给各股室核对后再导入。</p>
        {templatePath && <SavedFile path={templatePath} />}
      </Modal>
    </div>
  )
}

function ImportUnitsModal({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: () => void }) {
  return (
    <ExcelImportModal<UnitImportPreview>
      open={open}
      title="从 Excel 导入预算单位"
      hint="支持 .xlsx 文件。第一行为表头，须包含“单位编码、单位名称、主管部门、所属股室”四列；编码已存在的单位将按文件内容更新。"
      preview={(f) => call('units/importPreview', f)}
      fromProblems={(problems) => ({ rows: [], problems, counts: { create: 0, update: 0, unchanged: 0 } })}
      problemsOf={(p) => p.problems}
      hasChanges={(p) => p.rows.length > 0 && p.counts.create + p.counts.update > 0}
      noChangesText="文件中的单位与现有名单完全一致，无需导入。"
      renderCounts={(p) => (
        <>
          <Tag color="green">新增 {p.counts.create}</Tag>
          <Tag color="blue">更新 {p.counts.update}</Tag>
          <Tag>不变 {p.counts.unchanged}</Tag>
        </>
      )}
      renderRows={(p) =>
        p.rows.length > 0 && (
          <Table<UnitImportRow>
            size="small"
            rowKey="row"
            dataSource={p.rows}
            pagination={p.rows.length > 10 ? { pageSize: 10, size: 'small', showSizeChanger: false } : false}
            columns={[
              { title: '行', dataIndex: 'row', width: 56 },
              { title: '单位编码', dataIndex: 'code', width: 110 },
              { title: '单位名称', dataIndex: 'name' },
              { title: '主管部门', dataIndex: 'parentName' },
              { title: '所属股室', dataIndex: 'divisionName', width: 120 },
              { title: '处理', dataIndex: 'action', width: 70, render: (a: UnitImportRow['action']) => <Tag color={ACTION_COLORS[a]}>{a}</Tag> },
            ]}
          />
        )
      }
      apply={async (f) => {
        const r = await call('units/importApply', f)
        return `导入完成：新增 ${r.created} 个，更新 ${r.updated} 个，不变 ${r.unchanged} 个`
      }}
      onClose={onClose}
      onDone={onDone}
    />
  )
}
