/** A backend on a fresh SQLite file in a temp folder, and a typed way to call it. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ApiInput, ApiOutput } from '../../shared/api'
import type { Channel } from '../../shared/channels'
import type { AppErrorData } from '../../shared/result'
import { openBackend, type Backend, type BackendOptions } from '../../electron/backend'
import { headlessPlatform } from '../../electron/platform'

export function tempDir(prefix = 'ysjx-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export interface TestBackend {
  backend: Backend
  dataDir: string
  call<C extends Channel>(channel: C, input: ApiInput<C>): Promise<ApiOutput<C>>
  fail<C extends Channel>(channel: C, input: ApiInput<C>): Promise<AppErrorData>
  close(): Promise<void>
}

export async function makeBackend(opts: Partial<BackendOptions> & { dataDir?: string } = {}): Promise<TestBackend> {
  const dataDir = opts.dataDir ?? tempDir()
  const backend = await openBackend({ appVersion: '0.0.0-test', platform: headlessPlatform, ...opts, dataDir })
  return {
    backend,
    dataDir,
    async call(channel, input) {
      const r = await backend.dispatch(channel, input)
      if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`)
      return r.data as never
    },
    async fail(channel, input) {
      const r = await backend.dispatch(channel, input)
      if (r.ok) throw new Error(`${channel} was expected to fail but succeeded`)
      return r.error
    },
    async close() {
      await backend.close()
    },
  }
}

/** A backend with an operator, the organisation and two 股室, ready for stage work. */
export async function makeSetUpBackend(opts: Partial<BackendOptions> = {}) {
  const t = await makeBackend(opts)
  const op = await t.call('operators/save', { name: '李明', divisionId: null })
  const budget = await t.call('divisions/save', { name: '预算股' })
  const jkw = await t.call('divisions/save', { name: '教科文股' })
  const settings = await t.call('settings/get', {})
  await t.call('settings/save', {
    ...settings,
    org: {
      county: '师宗县',
      bureau: '师宗县财政局',
      issuerMark: '师宗县财政局文件',
      prefixBudget: '师财预',
      prefixPerformance: '师财绩',
      printer: '师宗县财政局办公室',
      signature: '师宗县财政局',
    },
  })
  return { ...t, operator: op, divisions: { budget, jkw } }
}

export function cleanup(dir: string) {
  rmSync(dir, { recursive: true, force: true })
}
