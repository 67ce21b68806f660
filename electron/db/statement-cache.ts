/**
 * Kysely's SQLite driver prepares every query anew. Preparing costs as much as running a small
 * statement, and an import of 5,000 projects runs ~150,000 of them, so the connection handed to
 * Kysely keeps the prepared statements of the most recent distinct SQL texts.
 */
import type BetterSqlite3 from 'better-sqlite3'
import type { SqliteDatabase } from 'kysely'

export function cachedPrepare(sqlite: BetterSqlite3.Database, capacity = 1000): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>()
  return {
    prepare(sql: string) {
      let stmt = cache.get(sql)
      if (stmt) {
        // Re-insert to keep the map in least-recently-used order.
        cache.delete(sql)
      } else {
        stmt = sqlite.prepare(sql)
        if (cache.size >= capacity) cache.delete(cache.keys().next().value!)
      }
      cache.set(sql, stmt)
      return stmt
    },
    close() {
      cache.clear()
      sqlite.close()
    },
  }
}
