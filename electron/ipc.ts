/**
 * Binds every channel of the contract to the backend's dispatch with ipcMain.handle. Only calls from
 * the app's own page are served; dispatch validates the input (zod) and answers errors as data.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { CHANNELS } from '../shared/channels'
import type { Result } from '../shared/result'
import { isAppPageUrl } from './security'

export interface Dispatcher {
  dispatch(channel: string, input: unknown): Promise<Result<unknown>>
}

export const FOREIGN_SENDER_MESSAGE = '拒绝来自非本应用页面的调用'

export interface BindIpcOptions {
  /** Which sender URLs are the app's own page (default: app://yusuan/index.html). */
  isTrustedUrl?: (url: string) => boolean
  log?: (message: string) => void
}

/** The URL of the frame that sent an IPC call, or null when it is gone or unreadable. */
export function senderUrl(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): string | null {
  try {
    const url = event.senderFrame?.url
    return typeof url === 'string' && url !== '' ? url : null
  } catch {
    return null // the frame was disposed
  }
}

/** Registers one handler per channel; returns a function that removes them again. */
export function bindIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  backend: Dispatcher,
  opts: BindIpcOptions = {},
): () => void {
  const isTrusted = opts.isTrustedUrl ?? isAppPageUrl
  const log = opts.log ?? ((m: string) => console.warn(m))
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, input: unknown): Promise<Result<unknown>> => {
      const url = senderUrl(event)
      if (url === null || !isTrusted(url)) {
        log(`[ipc] refused ${channel} from ${url ?? '(unknown frame)'}`)
        return { ok: false, error: { code: 'INTERNAL', message: FOREIGN_SENDER_MESSAGE } }
      }
      try {
        return await backend.dispatch(channel, input)
      } catch (e) {
        // dispatch never throws by contract; this keeps a broken promise from reaching the renderer as a throw.
        return { ok: false, error: { code: 'INTERNAL', message: `内部错误：${(e as Error)?.message ?? String(e)}。请重试；如反复出现请联系技术支持` } }
      }
    })
  }
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(channel)
  }
}
