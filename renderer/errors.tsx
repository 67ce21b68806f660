/**
 * The one place that shows errors. Everything the backend returns is already a Chinese sentence;
 * import problems (row-level) are shown as a table: 工作表 / 行 / 列 / 问题.
 */
import { App, Table } from 'antd'
import { useEffect } from 'react'
import type { ImportProblem } from '../shared/domain'
import { ApiError } from './api'
import { useApp } from './store'

type AppApi = ReturnType<typeof App.useApp>
let messageApi: AppApi['message'] | null = null
let modalApi: AppApi['modal'] | null = null

/** Mounted once inside antd <App>; hands its context-aware message/modal to plain functions. */
export function FeedbackBridge() {
  const { message, modal } = App.useApp()
  useEffect(() => {
    messageApi = message
    modalApi = modal
  }, [message, modal])
  return null
}

export function notifySuccess(text: string) {
  messageApi?.success(text)
}

export function notifyInfo(text: string) {
  messageApi?.info(text)
}

export function isImportProblems(v: unknown): v is ImportProblem[] {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((p) => p && typeof p === 'object' && 'row' in p && 'message' in p)
  )
}

/** Extracts problems from error details, which may be the array itself or `{ problems: [...] }`. */
export function importProblemsOf(details: unknown): ImportProblem[] | null {
  if (isImportProblems(details)) return details
  if (details && typeof details === 'object' && 'problems' in details) {
    const p = (details as { problems: unknown }).problems
    if (isImportProblems(p)) return p
  }
  return null
}

export function ProblemsTable({ problems }: { problems: ImportProblem[] }) {
  return (
    <Table<ImportProblem>
      size="small"
      rowKey={(p) => `${p.sheet}-${p.row}-${p.column}-${p.message}`}
      dataSource={problems}
      pagination={problems.length > 10 ? { pageSize: 10, size: 'small' } : false}
      columns={[
        { title: '工作表', dataIndex: 'sheet', width: 110 },
        { title: '行', dataIndex: 'row', width: 60, render: (r: number) => (r > 0 ? r : '—') },
        { title: '列', dataIndex: 'column', width: 140, render: (c: string) => c || '—' },
        { title: '问题', dataIndex: 'message' },
      ]}
    />
  )
}

/** Shows any thrown value as a Chinese message; returns nothing so callers can `catch(showError)`. */
export function showError(err: unknown): void {
  if (err instanceof ApiError) {
    const problems = importProblemsOf(err.details)
    if (problems && modalApi) {
      modalApi.error({
        title: '文件中有问题，未导入任何数据',
        width: 760,
        content: (
          <div>
            <p>{err.message}</p>
            <ProblemsTable problems={problems} />
          </div>
        ),
        okText: '知道了',
      })
      return
    }
    // Saved from an old copy: someone else changed the record meanwhile. Offer the current one.
    if (err.code === 'CONFLICT' && (err.details as { stale?: boolean } | undefined)?.stale && modalApi) {
      modalApi.confirm({
        title: '记录已被他人修改',
        content: err.message,
        okText: '重新载入',
        cancelText: '暂不载入',
        onOk: () => useApp.getState().refreshAll(),
      })
      return
    }
    if (err.code === 'NO_OPERATOR') {
      // The backend ended the session (idle time, or the operator was deactivated): sign in again.
      messageApi?.error(err.message)
      void useApp.getState().showSignIn()
      return
    }
    if (err.code === 'DB_NEWER' || err.code === 'DB_DAMAGED' || err.code === 'INTERNAL' || err.code === 'IO') {
      if (modalApi) {
        modalApi.error({ title: '操作未能完成', content: err.message, okText: '知道了' })
        return
      }
    }
    messageApi?.error(err.message)
    return
  }
  const text = err instanceof Error ? err.message : String(err)
  console.error(err)
  messageApi?.error('操作未能完成：' + text)
}

/** Runs an async action and shows its error, resolving to undefined on failure. */
export async function attempt<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn()
  } catch (e) {
    showError(e)
    return undefined
  }
}
