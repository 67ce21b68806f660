/**
 * Imported packages kept beside the working data: dataDir/packages/<id>.sqlite, each with a small
 * <id>.json saying where it came from (original file name, import time, manifest) so the list
 * does not open every file. The .sqlite file itself stays exactly as verified and is only ever
 * opened read-only.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { PackageManifest, YearPackage } from '../../shared/domain'
import { AppError } from '../../shared/result'

/** A kept package as the store knows it; the handler adds what its signature says under this PC's key. */
export type KeptPackage = Omit<YearPackage, 'signatureNote'>

export const PACKAGE_DIR = 'packages'
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export const packagesDir = (dataDir: string) => join(dataDir, PACKAGE_DIR)

interface Sidecar {
  fileName: string
  importedAt: string
  manifest: PackageManifest
}

/** A temp name for a file being received; dot-prefixed so no listing ever takes it for a package. */
export function incomingPath(dataDir: string): string {
  mkdirSync(packagesDir(dataDir), { recursive: true })
  return join(packagesDir(dataDir), `.incoming-${randomUUID()}.tmp`)
}

/** Scratch files of an interrupted import or view: nobody else uses them. */
export function sweepScratch(dataDir: string): void {
  let names: string[]
  try {
    names = readdirSync(packagesDir(dataDir))
  } catch {
    return
  }
  for (const n of names) if (n.startsWith('.incoming-') || n.startsWith('.view-')) rmSync(join(packagesDir(dataDir), n), { force: true })
}

function read(dataDir: string, id: string): KeptPackage | null {
  const path = join(packagesDir(dataDir), `${id}.sqlite`)
  if (!existsSync(path)) return null
  try {
    const s = JSON.parse(readFileSync(join(packagesDir(dataDir), `${id}.json`), 'utf8')) as Sidecar
    return { id, fileName: s.fileName, path, manifest: s.manifest, importedAt: s.importedAt }
  } catch {
    return null // a package without its note cannot be described; it is left alone, not listed
  }
}

export function listPackages(dataDir: string): KeptPackage[] {
  let names: string[]
  try {
    names = readdirSync(packagesDir(dataDir))
  } catch {
    return []
  }
  const out: KeptPackage[] = []
  for (const n of names) {
    const m = /^(.+)\.sqlite$/.exec(n)
    if (!m || !ID.test(m[1]!)) continue
    const p = read(dataDir, m[1]!)
    if (p) out.push(p)
  }
  return out.sort((a, b) => b.manifest.workYear - a.manifest.workYear || (a.importedAt < b.importedAt ? 1 : -1))
}

export function getPackage(dataDir: string, id: string): KeptPackage {
  const p = ID.test(id) ? read(dataDir, id) : null
  if (!p) throw new AppError('NOT_FOUND', '该年度数据包已不存在（可能已被移除），请刷新列表')
  return p
}

/** Moves a verified file into the store under a new id. */
export function keepPackage(dataDir: string, verifiedPath: string, fileName: string, manifest: PackageManifest, importedAt: string): KeptPackage {
  const id = randomUUID()
  const dir = packagesDir(dataDir)
  mkdirSync(dir, { recursive: true })
  const sidecar: Sidecar = { fileName: basename(fileName.replace(/\\/g, '/')), importedAt, manifest }
  writeFileSync(join(dir, `${id}.json`), JSON.stringify(sidecar, null, 2))
  renameSync(verifiedPath, join(dir, `${id}.sqlite`))
  return { id, fileName: sidecar.fileName, path: join(dir, `${id}.sqlite`), manifest, importedAt }
}

export function removeKept(dataDir: string, id: string): boolean {
  if (!ID.test(id)) return false
  const path = join(packagesDir(dataDir), `${id}.sqlite`)
  const existed = existsSync(path)
  rmSync(path, { force: true })
  rmSync(join(packagesDir(dataDir), `${id}.json`), { force: true })
  return existed
}
