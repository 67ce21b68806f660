/**
 * Operator accounts are the PC's, not the data's: a package carries no password hash off the PC,
 * and a restore keeps who can sign in here. (auth/local-accounts.ts)
 */
import Database from 'better-sqlite3'
import { basename } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanup, makeSetUpBackend, TEST_PASSWORD } from '../helpers/backend'
import { base64, exportYear } from './fixtures'

type T = Awaited<ReturnType<typeof makeSetUpBackend>>
let sender: T
let receiver: T
let pkgPath: string

const training = (title: string) => ({ date: '2024-05-10', title, organiser: '县财政局', form: '视频会', participantCount: 3, notes: '' })

beforeAll(async () => {
  sender = await makeSetUpBackend()
  // The sending PC's own clerk, with a password set there.
  await sender.call('operators/save', { name: '赵会计', divisionId: null, roles: ['预算股'], password: 'fasong-mima-1' })
  await sender.call('trainings/save', training('发送方的培训'))
  pkgPath = await exportYear(sender, 2024)
  receiver = await makeSetUpBackend()
  await receiver.call('operators/save', { name: '钱录入', divisionId: null, roles: ['录入'], password: 'jieshou-mima-1' })
}, 120_000)

afterAll(async () => {
  for (const x of [sender, receiver]) {
    await x.close()
    cleanup(x.dataDir)
  }
})

describe('operator accounts across a year package', () => {
  it('the package holds the operators (the audit log names them) but no password hash or failure count', () => {
    const db = new Database(pkgPath, { readonly: true })
    const rows = db.prepare('SELECT name, password_hash, failed_sign_ins FROM operators ORDER BY name').all() as { name: string; password_hash: string | null; failed_sign_ins: number }[]
    db.close()
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(['李明', '赵会计']))
    for (const r of rows) expect(r).toMatchObject({ password_hash: null, failed_sign_ins: 0 })
  })

  it('after a restore the receiving PC keeps its accounts and session; the sender’s passwords do not work here', async () => {
    const pkg = await receiver.call('yearData/import', { fileName: basename(pkgPath), base64: base64(pkgPath) })
    await receiver.call('yearData/restore', { id: pkg.id })
    // Still signed in as this PC's 李明, and writing works at once.
    expect((await receiver.call('session/get', {})).operator?.name).toBe('李明')
    await receiver.call('trainings/save', training('恢复后接收方的培训'))
    expect((await receiver.call('trainings/list', {})).map((x) => x.title)).toEqual(expect.arrayContaining(['发送方的培训', '恢复后接收方的培训']))
    // This PC's clerk signs in with this PC's password; the sender's clerk is listed but cannot sign in.
    expect((await receiver.call('session/signIn', { name: '钱录入', password: 'jieshou-mima-1' })).operator.name).toBe('钱录入')
    const refused = await receiver.fail('session/signIn', { name: '赵会计', password: 'fasong-mima-1' })
    expect(refused.code).toBe('SIGN_IN')
    await receiver.call('session/signIn', { name: '李明', password: TEST_PASSWORD })
    expect((await receiver.call('operators/list', {})).map((o) => o.name)).toEqual(expect.arrayContaining(['李明', '钱录入', '赵会计']))
  })
})
