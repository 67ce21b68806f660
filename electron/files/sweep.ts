/**
 * Temporary files a kill left behind: the atomic writer's `.<name>.<12 hex>.tmp` beside documents
 * and workbooks, a package build's `<name>.ysjx.sqlite.tmp`, a backup's `backup-….sqlite.tmp`.
 * Swept once at start. Only files older than an hour: the output folder may be a shared drive
 * that another PC is writing to right now.
 */
import { readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

const STALE_MS = 60 * 60 * 1000
const PATTERNS = [/^\..+\.[0-9a-f]{12}\.tmp$/, /\.ysjx\.sqlite\.tmp$/, /^backup-.+\.sqlite\.tmp$/]

/** Removes stale temporaries under each folder (to `depth` levels); returns the paths removed. */
export function sweepStaleTemps(folders: string[], now = Date.now(), depth = 4): string[] {
  const removed: string[] = []
  const walk = (dir: string, level: number) => {
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return // a folder that does not exist (yet) or cannot be read holds nothing of ours
    }
    for (const e of entries) {
      const path = join(dir, e.name)
      if (e.isDirectory()) {
        if (level < depth) walk(path, level + 1)
      } else if (e.isFile() && PATTERNS.some((p) => p.test(e.name))) {
        try {
          if (now - statSync(path).mtimeMs > STALE_MS) {
            rmSync(path, { force: true })
            removed.push(path)
          }
        } catch {
          /* gone meanwhile, or not ours to remove: left alone */
        }
      }
    }
  }
  for (const f of folders) walk(f, 0)
  return removed
}
