/**
 * Sandboxed preload: exposes exactly one function, `window.api.call(channel, input)`, which accepts
 * only the channel names of the contract and forwards them with ipcRenderer.invoke. ipcRenderer
 * itself is never exposed. Bundled by esbuild; at run time it requires nothing but electron.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { CHANNELS } from '../shared/channels'
import type { Result } from '../shared/result'
import type { PreloadApi } from './preload-api'

const ALLOWED: ReadonlySet<string> = new Set<string>(CHANNELS)

export function createPreloadApi(invoke: (channel: string, input: unknown) => Promise<unknown>): PreloadApi {
  const api: PreloadApi = {
    call(channel: string, input: unknown): Promise<Result<unknown>> {
      if (typeof channel !== 'string' || !ALLOWED.has(channel)) {
        return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `未知的调用“${String(channel)}”` } })
      }
      return invoke(channel, input).then(
        (result) => result as Result<unknown>,
        (e: unknown) => ({
          ok: false as const,
          error: { code: 'INTERNAL' as const, message: `调用失败：${(e as Error)?.message ?? String(e)}。请重试；如反复出现请联系技术支持` },
        }),
      )
    },
  }
  return Object.freeze(api)
}

contextBridge.exposeInMainWorld(
  'api',
  createPreloadApi((channel, input) => ipcRenderer.invoke(channel, input)),
)
