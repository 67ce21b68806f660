/**
 * Scripts and tests run on the Node that `npm install` put into node_modules (the registry's `node`
 * package): better-sqlite3 13 and kysely 0.29 need Node ≥ 22 whatever the system Node is.
 */
import { existsSync, realpathSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')

describe('runtime', () => {
  it('is Node 22 or newer', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(22)
  })

  it.runIf(process.env.npm_lifecycle_event !== undefined)('is the node_modules Node when started through npm', () => {
    // realpath on both sides: node_modules may itself be a link (a git worktree sharing one install).
    const modules = realpathSync(join(ROOT, 'node_modules'))
    expect(realpathSync(process.execPath).startsWith(modules)).toBe(true)
    expect(realpathSync(join(ROOT, 'node_modules/.bin/node')).startsWith(modules)).toBe(true)
  })

  it('loads better-sqlite3 from its shipped prebuild (nothing was compiled)', async () => {
    const { default: Database } = await import('better-sqlite3')
    const db = new Database(':memory:')
    expect((db.prepare('select 1 as x').get() as { x: number }).x).toBe(1)
    db.close()
    expect(existsSync(join(ROOT, 'node_modules/better-sqlite3/build'))).toBe(false)
    const req = createRequire(join(ROOT, 'package.json'))
    const { getPrebuildPath } = req(join(ROOT, 'node_modules/better-sqlite3/lib/binding.js')) as { getPrebuildPath(): string | null }
    expect(realpathSync(getPrebuildPath()!)).toBe(realpathSync(join(ROOT, 'node_modules/better-sqlite3/prebuilds', `${process.platform}-${process.arch}.node`)))
  })
})
