/**
 * Scripts (npm run demo, the benchmarks) work through the same dispatch as the app, so they sign
 * in too: as a one-off administrator with a random password nobody sees, retired afterwards so that
 * the app's first start still asks the user for their own administrator.
 */
import { randomBytes } from 'node:crypto'
import type { Backend } from '../electron/backend'

export async function signInForScript(backend: Backend, name: string): Promise<{ retire(): Promise<void> }> {
  const password = `${randomBytes(18).toString('base64url')}1a`
  const r = await backend.dispatch('session/setup', { name, password })
  if (!r.ok) throw new Error(`${r.error.message}（脚本需要一个尚无系统管理员的数据库）`)
  const id = (r.data as { operator: { id: string } }).operator.id
  return {
    async retire() {
      await backend.ctx.working.db.updateTable('operators').set({ active: 0, password_hash: null }).where('id', '=', id).execute()
    },
  }
}
