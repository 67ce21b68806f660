/** A backend on a fresh SQLite file in a temp folder, and a typed way to call it. */
import { mkdtempSync, rmSync } from 'node:fs'
import { afterAll, beforeAll } from 'vitest'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ApiInput, ApiOutput } from '../../shared/api'
import type { Channel } from '../../shared/channels'
import type { AppErrorData } from '../../shared/result'
import type { Role } from '../../shared/roles'
import { openBackend, type Backend, type BackendOptions } from '../../electron/backend'
import { headlessPlatform } from '../../electron/platform'

import { MIGRATIONS } from '../../electron/db/migrations'

/** The schema version that added passwords and roles (found by name: versions may be renumbered). */
const SIGN_IN_VERSION = MIGRATIONS.find((m) => m.name.includes('sign-in'))!.version

export function tempDir(prefix = 'ysjx-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Every test operator's password (the product refuses passwords without a digit or under 8 characters). */
export const TEST_PASSWORD = 'ceshi-mima-2024'
/** The administrator the helpers create on an empty database. */
export const TEST_ADMIN = '管理员'

type Dispatch = Backend['dispatch']

async function must<T>(dispatch: Dispatch, channel: Channel, input: unknown): Promise<T> {
  const r = await dispatch(channel, input)
  if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`)
  return r.data as T
}

/**
 * Signs the backend in as the test administrator (系统管理员 + 预算股), creating it through the
 * first-start channel on an empty database, so tests work as they did before sign-in existed.
 */
export async function signInTestAdmin(dispatch: Dispatch): Promise<void> {
  const s = await must<ApiOutput<'session/get'>>(dispatch, 'session/get', {})
  if (s.needsSetup) {
    await must(dispatch, 'session/setup', { name: TEST_ADMIN, password: TEST_PASSWORD })
    return
  }
  await must(dispatch, 'session/signIn', { name: TEST_ADMIN, password: TEST_PASSWORD })
}

/** Signs in as `name`, creating it first (with these roles and 股室) when the database has none of that name. */
export async function signInAsOperator(dispatch: Dispatch, name: string, roles: Role[] = ['预算股'], divisionId: string | null = null): Promise<ApiOutput<'session/signIn'>['operator']> {
  const tried = await dispatch('session/signIn', { name, password: TEST_PASSWORD })
  if (tried.ok) return (tried.data as ApiOutput<'session/signIn'>).operator
  await signInTestAdmin(dispatch)
  const ops = await must<ApiOutput<'operators/list'>>(dispatch, 'operators/list', {})
  const found = ops.find((o) => o.name === name)
  if (found) await must(dispatch, 'operators/resetPassword', { id: found.id, password: TEST_PASSWORD })
  else await must(dispatch, 'operators/save', { name, divisionId, roles, password: TEST_PASSWORD })
  return (await must<ApiOutput<'session/signIn'>>(dispatch, 'session/signIn', { name, password: TEST_PASSWORD })).operator
}

export interface TestBackend {
  backend: Backend
  dataDir: string
  /** Signs in as another operator (created on first use with these roles), e.g. a second reviewer. */
  signInAs(name: string, roles?: Role[], divisionId?: string | null): Promise<ApiOutput<'session/signIn'>['operator']>
  call<C extends Channel>(channel: C, input: ApiInput<C>): Promise<ApiOutput<C>>
  fail<C extends Channel>(channel: C, input: ApiInput<C>): Promise<AppErrorData>
  close(): Promise<void>
}

export async function makeBackend(opts: Partial<BackendOptions> & { dataDir?: string; signIn?: boolean } = {}): Promise<TestBackend> {
  const dataDir = opts.dataDir ?? tempDir()
  const { signIn = true, ...backendOpts } = opts
  const backend = await openBackend({ appVersion: '0.0.0-test', platform: headlessPlatform, ...backendOpts, dataDir })
  // Signed in as the administrator unless asked not to (or the schema predates sign-in).
  if (signIn && (opts.targetVersion === undefined || opts.targetVersion >= SIGN_IN_VERSION)) await signInTestAdmin(backend.dispatch)
  return {
    backend,
    dataDir,
    signInAs: (name, roles, divisionId) => signInAsOperator(backend.dispatch, name, roles, divisionId),
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
  // 李明 does the bureau's work and administers it, as the one operator of these tests.
  const op = await t.call('operators/save', { name: '李明', divisionId: null, roles: ['系统管理员', '预算股'], password: TEST_PASSWORD })
  await t.call('session/signIn', { name: '李明', password: TEST_PASSWORD })
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

/**
 * The demo year loaded into a fresh backend for the whole file (beforeAll/afterAll registered
 * here), with the clock at `now`. Read `.t` inside tests: it is set once the hook has run.
 */
export function useDemoBackend(now: Date): { t: TestBackend } {
  const holder = {} as { t: TestBackend }
  beforeAll(async () => {
    holder.t = await makeBackend({ now: () => now })
    await holder.t.call('demo/load', {})
  }, 240_000)
  afterAll(async () => {
    if (!holder.t) return
    await holder.t.close()
    cleanup(holder.t.dataDir)
  })
  return holder
}
