/**
 * The one mechanism of a server-paged list: the backend filters, sorts and pages in SQL and the
 * table asks for one page at a time. The hook holds page, page size and sort, asks again when the
 * query (filters), the page or the sort change, and drops every answer that is not for the latest
 * request (a filter changed, another page, another round, the page was left): a stale answer never
 * replaces a fresh one, and nothing is set after the list is gone.
 *
 * `query` null means "nothing to list yet" (e.g. the round is not known): no request is made.
 * A new query (compared by value) goes back to page 1; `reloadToken` (e.g. the store's dataVersion)
 * asks again for the same page.
 */
import type { TablePaginationConfig } from 'antd'
import type { SorterResult, SortOrder, TableCurrentDataSource } from 'antd/es/table/interface'
import { useCallback, useEffect, useRef, useState } from 'react'
import { LIST_PAGE_SIZE } from '../../shared/api'
import { showError } from '../errors'

export interface PageRequest {
  offset: number
  limit: number
  /** The sorted column's key, if any. */
  sort?: string
  order?: 'asc' | 'desc'
}

export interface PagedAnswer {
  rows: unknown[]
  total: number
}

export const PAGE_SIZES = [20, 50, 100, 200]

export function useServerTable<Q, A extends PagedAnswer>(
  query: Q | null,
  fetchPage: (query: Q, page: PageRequest) => Promise<A>,
  opts: { pageSize?: number; reloadToken?: unknown; initialSort?: { sort: string; order: 'asc' | 'desc' } } = {},
) {
  const [page, setPage] = useState({ current: 1, pageSize: opts.pageSize ?? LIST_PAGE_SIZE })
  const [sort, setSort] = useState<{ sort?: string; order?: 'asc' | 'desc' }>(opts.initialSort ?? {})
  const [data, setData] = useState<A | null>(null)
  const [loading, setLoading] = useState(false)
  const [reloads, setReloads] = useState(0)
  const fetchRef = useRef(fetchPage)
  fetchRef.current = fetchPage
  const seq = useRef(0)

  // A new query starts on page 1 (in the same render, so page 3 of the old filters is never asked for).
  const key = query === null ? null : JSON.stringify(query)
  const [seenKey, setSeenKey] = useState(key)
  let current = page.current
  if (key !== seenKey) {
    setSeenKey(key)
    if (page.current !== 1) setPage((p) => ({ ...p, current: 1 }))
    current = 1
  }

  useEffect(() => {
    const mine = ++seq.current
    if (query === null) {
      setData(null)
      setLoading(false)
      return
    }
    setLoading(true)
    fetchRef.current(query, { offset: (current - 1) * page.pageSize, limit: page.pageSize, ...sort }).then(
      (r) => {
        if (mine !== seq.current) return
        setLoading(false)
        // Rows removed meanwhile (or a smaller filter) left this page empty: show the last page that has rows.
        const last = Math.max(1, Math.ceil(r.total / page.pageSize))
        if (r.rows.length === 0 && current > last) setPage((p) => ({ ...p, current: last }))
        setData(r)
      },
      (e: unknown) => {
        // Only the latest request's failure is shown: an abandoned one says nothing.
        if (mine !== seq.current) return
        setLoading(false)
        showError(e)
      },
    )
    // `query` is compared by value, through `key`.
  }, [key, current, page.pageSize, sort.sort, sort.order, opts.reloadToken, reloads])

  // Leaving the page: whatever is still on its way is dropped.
  useEffect(
    () => () => {
      seq.current++
    },
    [],
  )

  const reload = useCallback(() => setReloads((n) => n + 1), [])

  /** antd Table's onChange: a page change keeps the sort; a sort change goes back to page 1. */
  const onChange = useCallback(<R>(p: TablePaginationConfig, _f: unknown, sorter: SorterResult<R> | SorterResult<R>[], extra: TableCurrentDataSource<R>) => {
    if (extra.action === 'sort') {
      const s = Array.isArray(sorter) ? sorter[0] : sorter
      const order = s?.order === 'ascend' ? 'asc' : s?.order === 'descend' ? 'desc' : undefined
      setSort(order && s?.columnKey !== undefined ? { sort: String(s.columnKey), order } : {})
      setPage((x) => ({ ...x, current: 1 }))
    } else if (extra.action === 'paginate') {
      setPage({ current: p.current ?? 1, pageSize: p.pageSize ?? page.pageSize })
    }
  }, [page.pageSize])

  /** The controlled sortOrder of a column. */
  const sortOrder = (columnKey: string): SortOrder => (sort.sort === columnKey ? (sort.order === 'desc' ? 'descend' : 'ascend') : null)

  const pagination: TablePaginationConfig = {
    current,
    pageSize: page.pageSize,
    total: data?.total ?? 0,
    size: 'small',
    showSizeChanger: true,
    pageSizeOptions: PAGE_SIZES,
    hideOnSinglePage: (data?.total ?? 0) <= PAGE_SIZES[0]!,
    showTotal: (t) => `共 ${t} 项`,
  }

  return { data, loading, pagination, onChange, sortOrder, sort, reload, page: { current, pageSize: page.pageSize } }
}
