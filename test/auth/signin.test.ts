/**
 * Sign-in on real SQLite files: the first administrator, passwords stored only as salted scrypt,
 * failures that slow down, the idle lock, resets, unique names, the audit log's operator, and the
 * checks that need the item: 股室 scope and no self-approval. The clock is the backend's `now`.
 */
import Database from 'better-sqlite3'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DB_FILE_NAME, closeDatabase, openDatabase } from '../../electron/db/open'
import { completeIndicators, makeStageBackend } from '../helpers/stage-setup'
import { cleanup, makeBackend, tempDir, TEST_ADMIN, TEST_PASSWORD, type TestBackend } from '../helpers/backend'

const dirs: string[] = []
afterAll(() => dirs.forEach(cleanup))

/** A backend on a clock the test moves by hand. */
async function clocked(start = '2024-10-08T09:00:00Z', opts: { signIn?: boolean } = {}) {
  let now = new Date(start).getTime()
  const t = await makeBackend({ now: () => new Date(now), ...opts })
  dirs.push(t.dataDir)
  return { t, advance: (seconds: number) => (now += seconds * 1000) }
}

describe('first start', () => {
  it('asks for an administrator on an empty database, refuses everything else until then, and only once', async () => {
    const { t } = await clocked(undefined, { signIn: false })
    expect(await t.call('session/get', {})).toMatchObject({ operator: null, needsSetup: true, empty: true, lockedName: null, idleMinutes: 15 })
    expect(await t.fail('units/list', {})).toMatchObject({ code: 'NO_OPERATOR', message: '请先登录：输入姓名和密码后再操作' })
    expect((await t.fail('session/setup', { name: '张丽', password: 'short1' })).message).toBe('密码至少8位')
    expect((await t.fail('session/setup', { name: '张丽', password: 'onlyletters' })).message).toContain('密码须同时包含数字和字母')
    const { operator } = await t.call('session/setup', { name: '张丽', password: 'Shizong2024', divisionName: '预算股' })
    expect(operator).toMatchObject({ name: '张丽', roles: ['系统管理员', '预算股'], hasPassword: true, active: true })
    expect((await t.call('divisions/list', {})).map((d) => d.name)).toEqual(['预算股'])
    expect(await t.call('session/get', {})).toMatchObject({ operator: { name: '张丽' }, needsSetup: false })
    expect(await t.fail('session/setup', { name: '另一人', password: 'Shizong2024' })).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('已有系统管理员') })
  })

  it('keeps the password only as a salted scrypt hash: not in the database, not in the audit log', async () => {
    const { t } = await clocked()
    await t.call('operators/save', { name: '王芳', divisionId: null, roles: ['录入'], password: 'Same-pass-2024' })
    await t.call('operators/save', { name: '张伟', divisionId: null, roles: ['录入'], password: 'Same-pass-2024' })
    const id = (await t.call('operators/list', {})).find((o) => o.name === '王芳')!.id
    await t.call('operators/resetPassword', { id, password: 'New-pass-2025' })
    await t.close()
    const db = new Database(join(t.dataDir, DB_FILE_NAME), { readonly: true })
    const rows = db.prepare("SELECT name, password_hash FROM operators WHERE name IN ('王芳', '张伟') ORDER BY name").all() as { name: string; password_hash: string }[]
    const audit = (db.prepare('SELECT before, after FROM audit_log').all() as { before: string | null; after: string | null }[]).map((r) => `${r.before}${r.after}`).join('\n')
    db.close()
    for (const r of rows) expect(r.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/)
    // Same password, different salts, different hashes.
    expect(rows[0]!.password_hash.split('$')[4]).not.toBe(rows[1]!.password_hash.split('$')[4])
    expect(rows[0]!.password_hash.split('$')[5]).not.toBe(rows[1]!.password_hash.split('$')[5])
    for (const r of rows) expect(audit).not.toContain(r.password_hash.split('$')[5])
    expect(audit).toContain('（已隐去）')
    const file = readFileSync(join(t.dataDir, DB_FILE_NAME)).toString('latin1') + readFileSync(join(t.dataDir, DB_FILE_NAME)).toString('utf8')
    for (const p of ['Same-pass-2024', 'New-pass-2025', TEST_PASSWORD]) expect(file).not.toContain(p)
  })
})

describe('sign-in', () => {
  it('refuses a wrong password in Chinese, and after 5 failures waits 30 s, then 60 s — even for the right password', async () => {
    const { t, advance } = await clocked()
    await t.call('operators/save', { name: '王芳', divisionId: null, roles: ['录入'], password: 'Wangfang2024' })
    await t.call('session/signOut', {})
    for (let i = 1; i <= 4; i++) {
      expect(await t.fail('session/signIn', { name: '王芳', password: 'wrong-1' })).toMatchObject({ code: 'SIGN_IN', message: `姓名或密码不正确。再错${5 - i}次后需等待一段时间才能再试` })
    }
    expect((await t.fail('session/signIn', { name: '王芳', password: 'wrong-1' })).message).toBe('姓名或密码不正确。已连续5次登录失败，为防止猜测密码，请30秒后再试')
    // The right password is not even looked at while the wait runs.
    advance(29)
    expect((await t.fail('session/signIn', { name: '王芳', password: 'Wangfang2024' })).message).toBe('已连续5次登录失败，为防止猜测密码，请1秒后再试')
    advance(2)
    expect((await t.fail('session/signIn', { name: '王芳', password: 'wrong-2' })).message).toBe('姓名或密码不正确。已连续6次登录失败，为防止猜测密码，请1分钟后再试')
    advance(61)
    expect((await t.call('session/signIn', { name: '王芳', password: 'Wangfang2024' })).operator.name).toBe('王芳')
    // Success clears the count: one new failure does not wait.
    await t.call('session/signOut', {})
    expect((await t.fail('session/signIn', { name: '王芳', password: 'wrong-3' })).message).toContain('再错4次后')
    // Unknown names wait as well, and say the same thing.
    for (let i = 0; i < 5; i++) await t.fail('session/signIn', { name: '不存在', password: 'x' })
    expect((await t.fail('session/signIn', { name: '不存在', password: 'x' })).message).toContain('请30秒后再试')
    const log = await (async () => {
      await t.call('session/signIn', { name: TEST_ADMIN, password: TEST_PASSWORD })
      return t.call('audit/list', { entity: 'session', limit: 1000 })
    })()
    expect(log.filter((l) => l.action === 'sign-in-failed').length).toBe(7)
  })

  it('locks after the idle time from settings; the lock names who was signed in; use keeps it open', async () => {
    const { t, advance } = await clocked()
    const s = await t.call('settings/get', {})
    const org = { county: '师宗县', bureau: '师宗县财政局', issuerMark: '师宗县财政局文件', prefixBudget: '师财预', prefixPerformance: '师财绩', printer: '师宗县财政局办公室', signature: '师宗县财政局' }
    await t.call('settings/save', { ...s, org, sessionIdleMinutes: 10 })
    advance(9 * 60)
    await t.call('units/list', {})
    advance(9 * 60) // 18 minutes since sign-in, 9 since the last call
    await t.call('units/list', {})
    advance(10 * 60 + 1)
    expect(await t.fail('units/list', {})).toEqual({ code: 'NO_OPERATOR', message: `超过10分钟未操作，已自动锁定。请“${TEST_ADMIN}”重新输入密码登录后继续` })
    expect(await t.call('session/get', {})).toMatchObject({ operator: null, lockedName: TEST_ADMIN, idleMinutes: 10 })
    expect((await t.fail('divisions/save', { name: '社会保障股' })).code).toBe('NO_OPERATOR')
    await t.call('session/signIn', { name: TEST_ADMIN, password: TEST_PASSWORD })
    expect(await t.call('session/get', {})).toMatchObject({ operator: { name: TEST_ADMIN }, lockedName: null })
    await t.call('divisions/save', { name: '社会保障股' })
    // Asking who is signed in is not use: it does not hold the lock off.
    advance(9 * 60)
    expect((await t.call('session/get', {})).operator?.name).toBe(TEST_ADMIN)
    advance(2 * 60)
    expect((await t.fail('units/list', {})).code).toBe('NO_OPERATOR')
  })

  it('an administrator resets a password; the old one stops working; nobody else may reset', async () => {
    const { t } = await clocked()
    const wf = await t.call('operators/save', { name: '王芳', divisionId: null, roles: ['预算股'], password: 'Wangfang2024' })
    expect(wf).toMatchObject({ roles: ['预算股'], hasPassword: true })
    await t.call('operators/resetPassword', { id: wf.id, password: 'Reset-2025' })
    await t.call('session/signOut', {})
    expect((await t.fail('session/signIn', { name: '王芳', password: 'Wangfang2024' })).code).toBe('SIGN_IN')
    await t.call('session/signIn', { name: '王芳', password: 'Reset-2025' })
    expect(await t.fail('operators/resetPassword', { id: wf.id, password: 'Mine-2026x' })).toMatchObject({
      code: 'FORBIDDEN',
      message: '重设密码需要“系统管理员”角色；当前操作员“王芳”的角色是“预算股”。如需办理，请由具有该角色的操作员登录，或请系统管理员调整角色',
    })
  })

  it('operator names are unique; a deactivated operator cannot sign in; the last administrator stays', async () => {
    const { t } = await clocked()
    await t.call('operators/save', { name: '王芳', divisionId: null, roles: ['录入'], password: 'Wangfang2024' })
    expect(await t.fail('operators/save', { name: '王芳', divisionId: null })).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('已有名为“王芳”的操作员') })
    const ops = await t.call('operators/list', {})
    expect(ops.filter((o) => o.name === '王芳').length).toBe(1)
    const wf = ops.find((o) => o.name === '王芳')!
    await t.call('operators/save', { id: wf.id, name: '王芳', divisionId: null, active: false })
    const admin = ops.find((o) => o.name === TEST_ADMIN)!
    expect((await t.fail('operators/save', { id: admin.id, name: TEST_ADMIN, divisionId: null, roles: ['预算股'] })).message).toContain('是唯一能登录的系统管理员')
    await t.call('session/signOut', {})
    expect((await t.fail('session/signIn', { name: '王芳', password: 'Wangfang2024' })).message).toBe('操作员“王芳”已停用，不能登录；如需使用请由系统管理员启用')
  })

  it('the migration renames duplicate names of an older database instead of failing', async () => {
    const dir = tempDir('ysjx-dup-')
    dirs.push(dir)
    const path = join(dir, DB_FILE_NAME)
    const old = await openDatabase({ path, dataDir: dir, targetVersion: 5 })
    const at = '2024-01-01T00:00:00.000Z'
    for (const [id, name] of [['a', '王芳'], ['b', '王芳'], ['c', '张伟']]) old.sqlite.prepare('INSERT INTO operators (id, name, division_id, active, created_at, updated_at) VALUES (?, ?, NULL, 1, ?, ?)').run(id, name, at, at)
    await closeDatabase(old)
    const up = await openDatabase({ path, dataDir: dir })
    expect(up.sqlite.prepare('SELECT id, name, roles, password_hash FROM operators ORDER BY id').all()).toEqual([
      { id: 'a', name: '王芳', roles: '["预算股"]', password_hash: null },
      { id: 'b', name: '王芳（2）', roles: '["预算股"]', password_hash: null },
      { id: 'c', name: '张伟', roles: '["预算股"]', password_hash: null },
    ])
    await closeDatabase(up)
    // Nobody there can sign in yet: first start adopts an existing name as the administrator.
    const t = await makeBackend({ dataDir: dir, signIn: false })
    expect((await t.call('session/get', {})).needsSetup).toBe(true)
    const { operator } = await t.call('session/setup', { name: '张伟', password: 'Zhangwei2024' })
    expect(operator).toMatchObject({ id: 'c', roles: ['系统管理员', '预算股'] })
    await t.close()
  })
})

describe('who did it, and what the item allows', () => {
  /** Two units of 教科文股 (from the stage set-up) and one of 行政政法股, each with a submitted project. */
  async function review(): Promise<TestBackend & { items: Record<string, string>; jkw: string; xz: string }> {
    const t = await makeStageBackend()
    dirs.push(t.dataDir)
    const xz = await t.call('divisions/save', { name: '行政政法股' })
    const gaj = await t.call('units/save', { code: '101006', name: '师宗县公安局', parentName: '', divisionId: xz.id })
    for (const unitId of [gaj.id, t.units.jyj.id]) {
      await t.call('exante/save', { workYear: 2024, unitId, projectName: '新增项目', amountWan: '50', fundSource: '一般公共预算', basis: '', scores: {} })
    }
    const p3 = await t.call('projects/save', { budgetYear: 2024, unitId: gaj.id, code: '530323240003', name: '公安业务装备经费', amountWan: '210', fundSource: '一般公共预算', category: '项目' })
    for (const [p, wan] of [[t.projects.p1, '1573'], [t.projects.p2, '320.5'], [p3, '210']] as const) {
      await t.call('targets/save', { projectId: p.id, annualGoal: '按期完成年度任务', indicators: completeIndicators(wan) })
    }
    const round = await t.call('rounds/save', { stage: 'targets', workYear: 2024, title: '2024年度预算绩效目标编审', deadline: null, unitIds: [] })
    const { rows } = await t.call('items/list', { roundId: round.id })
    const items = Object.fromEntries(rows.map((r) => [r.projectName, r.id]))
    // 李明 submits all three (as the bureau clerk does for the units).
    for (const id of Object.values(items)) await t.call('items/transition', { id, action: 'submit' })
    return Object.assign(t, { items, jkw: t.divisions.jkw.id, xz: xz.id, roundId: round.id })
  }

  it('nobody approves what they submitted; 录入 submits but cannot approve; the audit log names the signed-in operator', async () => {
    const t = await review()
    const self = await t.fail('items/transition', { id: t.items['城乡环卫一体化经费']!, action: 'approve', conclusion: '优' })
    expect(self).toEqual({ code: 'FORBIDDEN', message: '“城乡环卫一体化经费”是您（李明）于2024年10月8日提交的，不能由本人审核通过；请由其他有“预算股”或“股室审核”角色的操作员审核' })
    // Returning it is allowed: that is not approving.
    await t.call('items/transition', { id: t.items['城乡环卫一体化经费']!, action: 'return', summary: '请细化指标' })
    await t.signInAs('赵录入', ['录入'])
    await t.call('items/transition', { id: t.items['城乡环卫一体化经费']!, action: 'submit' })
    expect(await t.fail('items/transition', { id: t.items['学生资助补助经费']!, action: 'approve', conclusion: '优' })).toEqual({
      code: 'FORBIDDEN',
      message: '“审核通过”需要“预算股”或“股室审核”角色；当前操作员“赵录入”的角色是“录入”。如需办理，请由具有该角色的操作员登录，或请系统管理员调整角色',
    })
    await t.signInAs('王芳', ['预算股'])
    await t.call('items/transition', { id: t.items['城乡环卫一体化经费']!, action: 'approve', conclusion: '优' })
    await t.signInAs('李明')
    const log = await t.call('audit/list', { entity: 'round_items', entityId: t.items['城乡环卫一体化经费']!, limit: 10 })
    expect(log.map((l) => [l.operatorName, l.after && (l.after as { status: string }).status])).toEqual([
      ['王芳', '已审核'],
      ['赵录入', '已填报'],
      ['李明', '退回修改'],
      ['李明', '已填报'],
      ['李明', '待填报'],
    ])
  })

  it('a 股室审核 sees only the units of their 股室 and reviews only those', async () => {
    const t = await review()
    await t.signInAs('钱审核', ['股室审核'], t.xz)
    const roundId = (t as unknown as { roundId: string }).roundId
    const list = await t.call('items/list', { roundId })
    expect(list.rows.map((r) => r.projectName)).toEqual(['公安业务装备经费'])
    expect(list.counts['全部']).toBe(1)
    // The round's totals are hers too: 1 item of 210万元, not the 3 of the county.
    expect(await t.call('rounds/get', { id: roundId })).toMatchObject({ itemCount: 1, totalFen: 2_100_000_00, counts: { 已填报: 1 } })
    // Asking for the other 股室 by filter gives nothing, not its items.
    expect((await t.call('items/list', { roundId, divisionId: t.jkw })).rows).toEqual([])
    expect((await t.call('units/list', {})).map((u) => u.name)).toEqual(['师宗县公安局'])
    expect((await t.call('projects/list', { budgetYear: 2024 })).rows.map((p) => p.name)).toEqual(['公安业务装备经费'])
    expect((await t.call('exante/list', { workYear: 2024 })).rows.map((p) => p.unitName)).toEqual(['师宗县公安局'])
    const other = t.items['学生资助补助经费']!
    expect(await t.fail('items/get', { id: other })).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('“师宗县教育体育局”属于“教科文股”，不是您所在股室联系的单位，不能查看') })
    expect(await t.fail('items/transition', { id: other, action: 'approve', conclusion: '优' })).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('不是您所在股室联系的单位，不能审核通过') })
    expect((await t.fail('items/transition', { id: other, action: 'return', summary: 'x' })).code).toBe('FORBIDDEN')
    // Own 股室: approve and 结果运用 work; submitting is not a reviewer's step.
    const own = t.items['公安业务装备经费']!
    expect((await t.call('items/get', { id: own })).item.unitName).toBe('师宗县公安局')
    await t.call('items/transition', { id: own, action: 'approve', conclusion: '良' })
    await t.call('items/resultUse', { id: own, resultUse: '进入预算安排流程', isPublic: false })
    expect((await t.call('items/transition', { id: own, action: 'reopen', summary: '单位申请调整' })).item.status).toBe('已填报')
    expect((await t.fail('items/transition', { id: t.items['城乡环卫一体化经费']!, action: 'submit' })).message).toContain('“提交审核”需要“预算股”或“录入”角色')
    // A 股室审核 without a 股室 sees nothing rather than everything.
    await t.signInAs('孙审核', ['股室审核'], null)
    expect((await t.call('items/list', { roundId })).rows).toEqual([])
  })

  it('the 驾驶舱 is open to 查看, changes are not', async () => {
    const t = await review()
    await t.signInAs('领导', ['查看'])
    expect((await t.call('dashboard/get', { workYear: 2024 })).headline).toBeDefined()
    expect((await t.call('items/list', { roundId: (t as unknown as { roundId: string }).roundId })).rows.length).toBe(3)
    expect((await t.fail('items/transition', { id: t.items['公安业务装备经费']!, action: 'approve', conclusion: '优' })).code).toBe('FORBIDDEN')
    expect((await t.fail('units/save', { code: '9', name: '新单位', parentName: '', divisionId: null })).message).toContain('管理预算单位需要“系统管理员”或“预算股”角色')
  })
})
