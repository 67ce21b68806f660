/**
 * Progress of a long job (e.g. 139 意见书, a bulk 审核通过): polls jobs/get every 300 ms, offers 取消
 * (jobs/cancel), and when finished shows the result message, how many records were done, the ones
 * refused with their reasons, and the files written.
 */
import { CheckCircleFilled, CloseCircleFilled, FolderOpenOutlined, StopOutlined } from '@ant-design/icons'
import { Button, List, Modal, Progress, Space, Table, Tag, Typography } from 'antd'
import { useEffect, useRef, useState } from 'react'
import type { JobState } from '../../shared/domain'
import { call } from '../api'
import { showError } from '../errors'
import { openFile } from './SavedFile'

const fileName = (p: string) => p.split(/[\\/]/).pop() ?? p
const folderOf = (p: string) => p.slice(0, Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')))

export function JobProgressModal({ job, onClose }: { job: JobState | null; onClose: (final: JobState | null) => void }) {
  const [state, setState] = useState<JobState | null>(job)
  const [cancelling, setCancelling] = useState(false)
  const stateRef = useRef<JobState | null>(null)
  stateRef.current = state

  useEffect(() => {
    setState(job)
    setCancelling(false)
    if (!job) return
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const poll = async () => {
      try {
        const s = await call('jobs/get', { id: job.id })
        if (stopped) return
        setState(s)
        if (s.status === 'running') timer = setTimeout(poll, 300)
      } catch (e) {
        if (!stopped) showError(e)
      }
    }
    timer = setTimeout(poll, 300)
    return () => {
      stopped = true
      if (timer) clearTimeout(timer)
    }
  }, [job])

  const cancel = async () => {
    if (!state) return
    setCancelling(true)
    try {
      setState(await call('jobs/cancel', { id: state.id }))
    } catch (e) {
      showError(e)
    }
  }

  const running = state?.status === 'running'
  const percent = state && state.total > 0 ? Math.floor((state.done / state.total) * 100) : 0
  const status = state?.status === 'failed' ? 'exception' : state?.status === 'done' ? 'success' : running ? 'active' : 'normal'

  return (
    <Modal
      open={job !== null}
      title={state?.title ?? '正在处理'}
      width={720}
      closable={!running}
      maskClosable={false}
      onCancel={() => !running && onClose(stateRef.current)}
      footer={
        running ? (
          <Button icon={<StopOutlined />} danger loading={cancelling} onClick={cancel} data-testid="job-cancel">
            取消
          </Button>
        ) : (
          <Button type="primary" onClick={() => onClose(stateRef.current)} data-testid="job-close">
            关闭
          </Button>
        )
      }
    >
      {state && (
        <div data-testid="job-progress">
          <Progress percent={percent} status={status} format={() => `${state.done} / ${state.total}`} />
          <div style={{ margin: '8px 0' }} data-testid="job-message">
            {state.status === 'done' && <CheckCircleFilled style={{ color: '#52c41a', marginRight: 6 }} />}
            {state.status === 'failed' && <CloseCircleFilled style={{ color: '#cf1322', marginRight: 6 }} />}
            {running
              ? cancelling
                ? '正在取消，当前这份完成后停止…'
                : state.message || '正在生成…'
              : state.status === 'cancelled'
                ? `已取消。${state.message}`
                : state.message}
          </div>
          {state.outcome && (
            <div data-testid="job-outcome" style={{ marginBottom: 10 }}>
              <Space size={6} style={{ marginBottom: 6 }}>
                <Tag color="green" data-testid="job-done-count">
                  完成 {state.outcome.done} 项
                </Tag>
                {state.outcome.refused.length > 0 && (
                  <Tag color="orange" data-testid="job-refused-count">
                    未处理 {state.outcome.refused.length} 项
                  </Tag>
                )}
                {!running && state.status === 'cancelled' && state.total > state.done && <Tag>取消后未处理 {state.total - state.done} 项</Tag>}
              </Space>
              {state.outcome.refused.length > 0 && (
                <Table
                  size="small"
                  rowKey="id"
                  dataSource={state.outcome.refused}
                  data-testid="job-refused"
                  pagination={state.outcome.refused.length > 8 ? { pageSize: 8, size: 'small', showSizeChanger: false } : false}
                  columns={[
                    { title: '项目', dataIndex: 'label', width: 280, ellipsis: { showTitle: true } },
                    { title: '未处理的原因', dataIndex: 'reason' },
                  ]}
                />
              )}
            </div>
          )}
          {!running && state.paths.length > 0 && (
            <>
              <Space style={{ marginBottom: 6 }}>
                <span className="hint">共 {state.paths.length} 个文件，保存在：</span>
                <Typography.Text copyable={{ text: folderOf(state.paths[0]!), tooltips: ['复制路径', '已复制'] }} style={{ fontSize: 12 }}>
                  {folderOf(state.paths[0]!)}
                </Typography.Text>
                <Button size="small" icon={<FolderOpenOutlined />} onClick={() => openFile(state.paths[0]!, true)}>
                  打开所在文件夹
                </Button>
              </Space>
              <List
                size="small"
                bordered
                style={{ maxHeight: 260, overflow: 'auto' }}
                dataSource={state.paths}
                data-testid="job-files"
                renderItem={(p) => (
                  <List.Item actions={[<a key="open" onClick={() => openFile(p, false)}>打开</a>]}>
                    <span style={{ wordBreak: 'break-all' }}>{fileName(p)}</span>
                  </List.Item>
                )}
              />
            </>
          )}
        </div>
      )}
    </Modal>
  )
}
