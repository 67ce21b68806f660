/**
 * Who may do what: every channel × every role through the real dispatch, against the table in
 * shared/roles.ts, and the table against what the issue asks for, written out here by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHANNELS, type Channel } from '../../shared/channels'
import { CHANNEL_ROLES, ROLES, type Role } from '../../shared/roles'
import { cleanup, makeBackend, signInAsOperator, type TestBackend } from '../helpers/backend'

let t: TestBackend
let jkwId: string
beforeAll(async () => {
  t = await makeBackend()
  jkwId = (await t.call('divisions/save', { name: '教科文股' })).id
}, 60_000)
afterAll(async () => {
  await t.close()
  cleanup(t.dataDir)
})

const rule = (c: Channel) => (CHANNEL_ROLES as Partial<Record<Channel, unknown>>)[c]

/** What 查看 (领导) may call: the 驾驶舱, lists and reports, nothing that changes anything. */
const READ_ONLY: Channel[] = [
  'app/info',
  'settings/get',
  'divisions/list',
  'units/list',
  'trainings/list',
  'exante/list',
  'exante/get',
  'projects/list',
  'projects/get',
  'targets/get',
  'library/list',
  'rounds/list',
  'rounds/units',
  'rounds/get',
  'items/list',
  'items/get',
  'jobs/get',
  'register/list',
  'register/page',
  'fiscaleval/candidates',
  'rectify/list',
  'agencies/list',
  'engagements/list',
  'dashboard/get',
  'dashboard/years',
  'files/open',
]

/** The issue's list, channel by channel: [channel, role, allowed]. */
const FROM_THE_ISSUE: [Channel, Role, boolean][] = [
  // 系统管理员: operators, settings, year lock/unlock, restore, backups.
  ['operators/save', '系统管理员', true],
  ['operators/resetPassword', '系统管理员', true],
  ['settings/save', '系统管理员', true],
  ['yearData/lock', '系统管理员', true],
  ['yearData/restore', '系统管理员', true],
  ['backups/restore', '系统管理员', true],
  ['backups/create', '系统管理员', true],
  ['operators/save', '预算股', false],
  ['operators/resetPassword', '预算股', false],
  ['settings/save', '预算股', false],
  ['yearData/lock', '预算股', false],
  ['backups/restore', '预算股', false],
  // 预算股: every stage, documents and the register, year packages.
  ['rounds/save', '预算股', true],
  ['items/transition', '预算股', true],
  ['docs/issue', '预算股', true],
  ['register/add', '预算股', true],
  ['yearData/export', '预算股', true],
  ['yearData/import', '预算股', true],
  ['yearData/carryOver', '预算股', true],
  // 股室审核: review and 结果运用 (their units: test/auth/signin.test.ts); not the rest.
  ['items/transition', '股室审核', true],
  ['items/resultUse', '股室审核', true],
  ['yearData/lock', '股室审核', false],
  ['settings/save', '股室审核', false],
  ['operators/save', '股室审核', false],
  ['register/add', '股室审核', false],
  ['docs/issue', '股室审核', false],
  ['backups/restore', '股室审核', false],
  ['rounds/save', '股室审核', false],
  // 录入: entry, import, submit; no approval (items/transition's actions: signin.test.ts).
  ['targets/save', '录入', true],
  ['monitoring/save', '录入', true],
  ['selfeval/save', '录入', true],
  ['stageExcel/apply', '录入', true],
  ['items/resultUse', '录入', false],
  ['register/add', '录入', false],
  ['yearData/lock', '录入', false],
  ['settings/save', '录入', false],
]

describe('the role table (shared/roles.ts)', () => {
  it('has a line for every channel, and nothing else', () => {
    const missing = CHANNELS.filter((c) => rule(c) === undefined)
    expect(missing, `channels without a line in CHANNEL_ROLES: ${missing.join(', ')}`).toEqual([])
    expect(Object.keys(CHANNEL_ROLES).sort()).toEqual([...CHANNELS].sort())
  })

  it('says what the issue says', () => {
    for (const [c, role, allowed] of FROM_THE_ISSUE) {
      const r = rule(c)
      expect(Array.isArray(r) && r.includes(role), `${c} × ${role}`).toBe(allowed)
    }
  })

  it('gives 查看 exactly the reads', () => {
    const viewer = CHANNELS.filter((c) => Array.isArray(rule(c)) && (rule(c) as Role[]).includes('查看'))
    expect(viewer.sort()).toEqual([...READ_ONLY].sort())
  })

  it('leaves only the sign-in itself open without signing in', () => {
    expect(CHANNELS.filter((c) => rule(c) === 'public').sort()).toEqual(['session/get', 'session/setup', 'session/signIn', 'session/signOut'])
  })
})

describe('the dispatch enforces the table for every channel × role', () => {
  it('refuses every non-public channel before sign-in', async () => {
    await t.call('session/signOut', {})
    for (const c of CHANNELS) {
      if (rule(c) === 'public') continue
      const r = await t.backend.dispatch(c, {})
      expect(r.ok, c).toBe(false)
      if (!r.ok) expect([c, r.error.code, r.error.message]).toEqual([c, 'NO_OPERATOR', '请先登录：输入姓名和密码后再操作'])
    }
  })

  for (const role of ROLES) {
    it(`${role}: allowed channels reach their handler, the others are refused naming the role needed`, async () => {
      await signInAsOperator(t.backend.dispatch, `测试${role}`, [role], role === '股室审核' ? jkwId : null)
      for (const c of CHANNELS) {
        const r = rule(c)
        if (r === 'public' || c === 'demo/load') continue
        // An empty input: a handler that is reached answers with data or its own validation.
        const res = await t.backend.dispatch(c, {})
        const allowed = (r as Role[]).includes(role)
        if (allowed) {
          if (!res.ok) expect([c, res.error.code]).not.toEqual([c, 'FORBIDDEN'])
          if (!res.ok) expect([c, res.error.code]).not.toEqual([c, 'NO_OPERATOR'])
        } else {
          expect(res.ok, `${c} × ${role} should be refused`).toBe(false)
          if (res.ok) continue
          expect([c, res.error.code]).toEqual([c, 'FORBIDDEN'])
          for (const need of r as Role[]) expect(res.error.message, c).toContain(`“${need}”`)
          expect(res.error.message).toContain(`当前操作员“测试${role}”的角色是“${role}”`)
        }
      }
    }, 60_000)
  }

  it('demo/load is for 系统管理员 only', async () => {
    await signInAsOperator(t.backend.dispatch, '测试预算股', ['预算股'])
    expect(await t.fail('demo/load', {})).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('“系统管理员”') })
  })
})
