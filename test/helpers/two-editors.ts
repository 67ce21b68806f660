/** Two editors of one record (李明 and 王芳) on a set-up backend, for the optimistic-concurrency tests. */
import { cleanup, makeSetUpBackend, TEST_PASSWORD } from './backend'

export type SetUp = Awaited<ReturnType<typeof makeSetUpBackend>>

/** A backend at a fixed clock with 王芳 beside 李明, both able to edit anything. */
export async function twoEditors(at: Date): Promise<{ t: SetUp; wang: { id: string } }> {
  const t = await makeSetUpBackend({ now: () => at })
  const wang = await t.call('operators/save', { name: '王芳', divisionId: null, roles: ['系统管理员', '预算股'], password: TEST_PASSWORD })
  return { t, wang }
}

export async function closeEditors(t: SetUp): Promise<void> {
  await t.close()
  cleanup(t.dataDir)
}

/** The local minute of a time, written out from its parts (the rule the CONFLICT message follows). */
export function localMinute(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

export const signInAs = (t: SetUp, name: string) => t.call('session/signIn', { name, password: TEST_PASSWORD })
