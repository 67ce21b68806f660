/** Shared set-up for the year-data tests: a demo-loaded backend, exporting, importing, counting. */
import Database from 'better-sqlite3'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { dataTables } from '../../electron/yeardata/checksum'
import { MANIFEST_TABLE } from '../../electron/yeardata/package'
import { packagesDir } from '../../electron/yeardata/store'
import type { PackageManifest } from '../../shared/domain'
import { cleanup, makeBackend, type TestBackend } from '../helpers/backend'

/** A backend holding the demo's 2024 work year (~3 s), with the demo's operator chosen. */
export async function demoBackend(): Promise<TestBackend> {
  const t = await makeBackend()
  await t.call('demo/load', {})
  return t
}

export async function exportYear(t: TestBackend, workYear: number): Promise<string> {
  const job = await t.call('yearData/export', { workYear })
  const end = await t.backend.ctx.jobs.wait(job.id)
  expect(end.status, end.message).toBe('done')
  expect(end.paths).toHaveLength(1)
  return end.paths[0]!
}

export const base64 = (pathOrBytes: string | Buffer) => (typeof pathOrBytes === 'string' ? readFileSync(pathOrBytes) : pathOrBytes).toString('base64')

/** Rows per data table of a file (or an open handle). */
export function countRows(src: string | Database.Database): Record<string, number> {
  const db = typeof src === 'string' ? new Database(src, { readonly: true }) : src
  try {
    const out: Record<string, number> = {}
    for (const t of dataTables(db)) out[t] = (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n
    return out
  } finally {
    if (typeof src === 'string') db.close()
  }
}

export function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : []
}

/** Everything a refused import must leave as it was. */
export function snapshot(t: TestBackend) {
  return {
    packages: listDir(packagesDir(t.dataDir)),
    backups: listDir(join(t.dataDir, 'backups')),
    working: countRows(t.backend.ctx.working.sqlite),
    lastAudit: (t.backend.ctx.working.sqlite.prepare('SELECT max(id) AS m FROM audit_log').get() as { m: number }).m,
    viewing: t.backend.ctx.view,
  }
}

/** A package file's manifest, as its connection reads it. */
export const manifestOf = (db: Database.Database) => JSON.parse((db.prepare(`SELECT manifest FROM ${MANIFEST_TABLE}`).get() as { manifest: string }).manifest) as PackageManifest

/** Closes the backends (those set up) and removes their folders and the scratch folders. */
export async function closeAll(backends: (TestBackend | undefined)[], dirs: string[]): Promise<void> {
  for (const x of backends) {
    if (!x) continue
    await x.close()
    cleanup(x.dataDir)
  }
  dirs.forEach(cleanup)
}
