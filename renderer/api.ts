/**
 * The renderer's typed client of the API contract (shared/api.ts).
 *
 * In Electron the preload exposes `window.api.call`; in the test harness (a browser talking to a
 * loopback HTTP server) the same Result JSON comes back from `POST /api/<channel>`.
 * An `{ok:false}` answer becomes a thrown `ApiError` carrying the code, the Chinese message and
 * any details (e.g. row-level import problems); `showError` in errors.tsx displays it.
 */
import type { ApiInput, ApiOutput } from '../shared/api'
import type { Channel } from '../shared/channels'
import type { ErrorCode, Result } from '../shared/result'

export class ApiError extends Error {
  readonly code: ErrorCode | 'NETWORK'
  readonly details?: unknown
  readonly channel: string
  constructor(channel: string, code: ErrorCode | 'NETWORK', message: string, details?: unknown) {
    super(message)
    this.name = 'ApiError'
    this.channel = channel
    this.code = code
    this.details = details
  }
}

interface Bridge {
  call(channel: string, input: unknown): Promise<Result<unknown>>
}

/** The preload bridge if we run inside Electron (typed loosely so this file stands alone). */
function bridge(): Bridge | undefined {
  return (globalThis as { api?: Bridge }).api
}

async function overHttp(channel: string, input: unknown): Promise<Result<unknown>> {
  let res: Response
  try {
    res = await fetch('/api/' + channel, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input ?? {}),
    })
  } catch {
    return { ok: false, error: { code: 'INTERNAL', message: '无法连接到后台服务，请关闭程序后重新打开。' } }
  }
  try {
    return (await res.json()) as Result<unknown>
  } catch {
    return {
      ok: false,
      error: { code: 'INTERNAL', message: `后台服务返回了无法识别的内容（HTTP ${res.status}），请关闭程序后重新打开。` },
    }
  }
}

/** Whether we run inside the Electron shell (false in the browser test harness). */
export const inElectron = (): boolean => bridge() !== undefined

export async function call<C extends Channel>(channel: C, input: ApiInput<C>): Promise<ApiOutput<C>> {
  const b = bridge()
  let result: Result<unknown>
  try {
    result = b ? await b.call(channel, input) : await overHttp(channel, input)
  } catch (e) {
    throw new ApiError(channel, 'INTERNAL', '调用后台服务失败：' + (e instanceof Error ? e.message : String(e)))
  }
  if (!result || typeof result !== 'object' || !('ok' in result)) {
    throw new ApiError(channel, 'INTERNAL', '后台服务返回了无法识别的结果，请关闭程序后重新打开。')
  }
  if (!result.ok) {
    const { code, message, details } = result.error
    throw new ApiError(channel, code, message || '操作失败，请重试。', details)
  }
  return result.data as ApiOutput<C>
}
