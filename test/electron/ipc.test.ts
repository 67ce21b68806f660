import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { CHANNELS } from '../../shared/channels'
import type { Result } from '../../shared/result'
import { FOREIGN_SENDER_MESSAGE, bindIpc } from '../../electron/ipc'
import { APP_PAGE_URL } from '../../electron/security'

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<Result<unknown>>

function fakeIpcMain() {
  const handlers = new Map<string, Handler>()
  const ipcMain = {
    handle: vi.fn((channel: string, fn: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      handlers.set(channel, fn)
    }),
    removeHandler: vi.fn((channel: string) => void handlers.delete(channel)),
  }
  return { ipcMain: ipcMain as unknown as Pick<IpcMain, 'handle' | 'removeHandler'>, handlers }
}

const eventFrom = (url: string | null) => ({ senderFrame: url === null ? null : { url } }) as unknown as IpcMainInvokeEvent

describe('bindIpc', () => {
  it('binds exactly the channels of the contract', () => {
    const { ipcMain, handlers } = fakeIpcMain()
    bindIpc(ipcMain, { dispatch: vi.fn() })
    expect([...handlers.keys()].sort()).toEqual([...CHANNELS].sort())
    expect(handlers.size).toBe(CHANNELS.length)
  })

  it('forwards calls from the app page to dispatch and returns its result', async () => {
    const { ipcMain, handlers } = fakeIpcMain()
    const dispatch = vi.fn(async (channel: string, input: unknown) => ({ ok: true as const, data: { channel, input } }))
    bindIpc(ipcMain, { dispatch })
    const r = await handlers.get('units/list')!(eventFrom(`${APP_PAGE_URL}#/units`), { year: 2024 })
    expect(dispatch).toHaveBeenCalledWith('units/list', { year: 2024 })
    expect(r).toEqual({ ok: true, data: { channel: 'units/list', input: { year: 2024 } } })
  })

  it('passes validation failures from dispatch through as data', async () => {
    const { ipcMain, handlers } = fakeIpcMain()
    const error = { code: 'VALIDATION' as const, message: '请填写单位名称' }
    bindIpc(ipcMain, { dispatch: async () => ({ ok: false, error }) })
    expect(await handlers.get('units/save')!(eventFrom(APP_PAGE_URL), {})).toEqual({ ok: false, error })
  })

  it('rejects calls from a foreign, missing or disposed sender frame without dispatching', async () => {
    const { ipcMain, handlers } = fakeIpcMain()
    const dispatch = vi.fn()
    const log = vi.fn()
    bindIpc(ipcMain, { dispatch }, { log })
    const disposed = {
      get senderFrame() {
        return {
          get url(): string {
            throw new Error('Render frame was disposed before WebFrameMain could be accessed')
          },
        }
      },
    } as unknown as IpcMainInvokeEvent
    for (const event of [
      eventFrom('https://example.com/'),
      eventFrom('file:///work/main/out/renderer/index.html'),
      eventFrom('app://evil/index.html'),
      eventFrom('app://yusuan/assets/x.js'),
      eventFrom(null),
      eventFrom(''),
      disposed,
    ]) {
      const r = await handlers.get('demo/load')!(event, {})
      expect(r).toEqual({ ok: false, error: { code: 'INTERNAL', message: FOREIGN_SENDER_MESSAGE } })
    }
    expect(dispatch).not.toHaveBeenCalled()
    expect(log).toHaveBeenCalled()
  })

  it('turns a throwing dispatch into an error result instead of a rejected invoke', async () => {
    const { ipcMain, handlers } = fakeIpcMain()
    bindIpc(ipcMain, { dispatch: async () => Promise.reject(new Error('boom')) })
    const r = await handlers.get('app/info')!(eventFrom(APP_PAGE_URL), {})
    expect(r.ok).toBe(false)
    expect(!r.ok && r.error.code).toBe('INTERNAL')
  })

  it('the returned function removes every handler', () => {
    const { ipcMain, handlers } = fakeIpcMain()
    const unbind = bindIpc(ipcMain, { dispatch: vi.fn() })
    unbind()
    expect(handlers.size).toBe(0)
  })
})
