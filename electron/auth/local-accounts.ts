/**
 * Operator accounts belong to the PC, not to the data: who may sign in here, with which password
 * and roles. A year package never carries password hashes or failure counts off the PC, and a
 * restore (of a package from another PC, or of an older backup) keeps this PC's accounts, so the
 * people working here can still sign in, and nobody from the sending PC can, with a password set there.
 */
import type BetterSqlite3 from 'better-sqlite3'

/** The credential columns, cleared in a package and never adopted from one. */
export const CREDENTIAL_SQL = 'UPDATE operators SET password_hash = NULL, failed_sign_ins = 0, last_failed_at = NULL'

export interface LocalAccount {
  id: string
  name: string
  division_id: string | null
  active: number
  roles: string
  password_hash: string | null
  created_at: string
  updated_at: string
}

/** This PC's accounts, read from the working database before a restore replaces it. */
export function readLocalAccounts(working: BetterSqlite3.Database): LocalAccount[] {
  return working.prepare('SELECT id, name, division_id, active, roles, password_hash, created_at, updated_at FROM operators').all() as LocalAccount[]
}

/**
 * Puts this PC's accounts into the restored data: the restored data's own credentials are cleared;
 * each local account then takes over the row with its id, else the row with its name (the same
 * person entered on another PC), else is added (its 股室 kept only if the restored data has it).
 * One transaction. Returns where each local account now is (its id, or the row it took over).
 */
export function keepLocalAccounts(restored: BetterSqlite3.Database, accounts: LocalAccount[]): Map<string, string> {
  const at = new Map<string, string>()
  const byId = restored.prepare('SELECT id FROM operators WHERE id = ?')
  const byName = restored.prepare('SELECT id FROM operators WHERE name = ?')
  const division = restored.prepare('SELECT id FROM divisions WHERE id = ?')
  const update = restored.prepare('UPDATE operators SET roles = @roles, active = @active, password_hash = @password_hash WHERE id = @target')
  const insert = restored.prepare(
    'INSERT INTO operators (id, name, division_id, active, roles, password_hash, created_at, updated_at) VALUES (@id, @name, @division_id, @active, @roles, @password_hash, @created_at, @updated_at)',
  )
  restored.transaction(() => {
    restored.exec(CREDENTIAL_SQL)
    for (const a of accounts) {
      const hit = (byId.get(a.id) ?? byName.get(a.name)) as { id: string } | undefined
      if (hit) update.run({ roles: a.roles, active: a.active, password_hash: a.password_hash, target: hit.id })
      else insert.run({ ...a, division_id: a.division_id && division.get(a.division_id) ? a.division_id : null })
      at.set(a.id, hit?.id ?? a.id)
    }
  })()
  return at
}
