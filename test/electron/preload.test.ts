import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { CHANNELS } from '../../shared/channels'
import type { PreloadApi } from '../../electron/preload-api'

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(), send: vi.fn(), on: vi.fn(), sendSync: vi.fn() },
}))
vi.mock('electron', () => electron)

let api: PreloadApi

beforeAll(async () => {
  await import('../../electron/preload')
  expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledOnce()
  const [key, value] = electron.contextBridge.exposeInMainWorld.mock.calls[0]!
  expect(key).toBe('api')
  api = value as PreloadApi
})

beforeEach(() => {
  electron.ipcRenderer.invoke.mockReset()
})

describe('preload', () => {
  it('exposes only `call`, frozen, and never ipcRenderer', () => {
    expect(Object.keys(api)).toEqual(['call'])
    expect(Object.isFrozen(api)).toBe(true)
    expect(typeof api.call).toBe('function')
    for (const value of Object.values(api)) {
      expect(value).not.toBe(electron.ipcRenderer)
      expect(value).not.toBe(electron.ipcRenderer.invoke)
    }
    for (const name of ['invoke', 'send', 'on', 'sendSync', 'ipcRenderer']) expect(name in api).toBe(false)
  })

  it('refuses a channel name outside the contract without touching IPC', async () => {
    for (const bad of ['nope', 'app/info ', 'APP/INFO', '__proto__', 'constructor', 'toString', '', 'sql-channel:write']) {
      const r = await api.call(bad, {})
      expect(r.ok, bad).toBe(false)
      expect(!r.ok && r.error.code).toBe('UNKNOWN_CHANNEL')
    }
    // a non-string from a misbehaving page
    const r = await (api.call as (c: unknown, i: unknown) => ReturnType<PreloadApi['call']>)({ toString: () => 'app/info' }, {})
    expect(!r.ok && r.error.code).toBe('UNKNOWN_CHANNEL')
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled()
  })

  it('forwards every contract channel with ipcRenderer.invoke', async () => {
    electron.ipcRenderer.invoke.mockImplementation(async (channel: string, input: unknown) => ({ ok: true, data: { channel, input } }))
    for (const channel of CHANNELS) {
      const r = await api.call(channel, { x: 1 })
      expect(r).toEqual({ ok: true, data: { channel, input: { x: 1 } } })
    }
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledTimes(CHANNELS.length)
  })

  it('turns a rejected invoke into an error result', async () => {
    electron.ipcRenderer.invoke.mockRejectedValue(new Error('An object could not be cloned.'))
    const r = await api.call('units/save', { bad: () => 1 })
    expect(r.ok).toBe(false)
    expect(!r.ok && r.error.code).toBe('INTERNAL')
    expect(!r.ok && r.error.message).toContain('An object could not be cloned')
  })
})
