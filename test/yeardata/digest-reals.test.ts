/**
 * The rows-v3 checksum renders a REAL as exact integers in SQL (or, for values that cannot be held
 * that way, from a side query as JS prints them): a change in the last bit of any REAL changes the
 * digest, and the same values give the same digest whichever way they were written.
 */
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { contentDigest, digestPlan, runDigest } from '../../electron/yeardata/checksum'
import { cleanup, tempDir } from '../helpers/backend'

const dir = tempDir('ysjx-reals-')
afterAll(() => cleanup(dir))

const nextUp = (x: number) => {
  const b = new DataView(new ArrayBuffer(8))
  b.setFloat64(0, x)
  b.setBigUint64(0, b.getBigUint64(0) + 1n)
  return b.getFloat64(0)
}

let n = 0
async function digestOf(values: (number | null)[]): Promise<string> {
  const path = join(dir, `r${n++}.sqlite`)
  const db = new Database(path)
  try {
    db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, score REAL, note TEXT)')
    const ins = db.prepare('INSERT INTO t VALUES (?, ?, ?)')
    db.transaction(() => values.forEach((v, i) => ins.run(`k${String(i).padStart(4, '0')}`, v, `行${i}`)))()
    return (await contentDigest(db)).sha256
  } finally {
    db.close()
  }
}

describe('REAL values in the content digest', () => {
  const values = [0, 85.5, 92.25, 0.1, 1 / 3, -7.125, 1e-300, 123456789012.5, 1e20, 2 ** 60 + 2 ** 8, null]

  it('is the same for the same values and changes with the last bit of any of them', async () => {
    const base = await digestOf(values)
    expect(await digestOf(values)).toBe(base)
    for (let i = 0; i < values.length - 1; i++) {
      const changed = [...values]
      changed[i] = nextUp(values[i]!)
      expect(await digestOf(changed), `value ${values[i]}`).not.toBe(base)
    }
  })

  it('tells a REAL from an integer and from NULL', async () => {
    const a = await digestOf([1.5, null])
    expect(await digestOf([1.5, 0])).not.toBe(a)
    expect(await digestOf([null, 1.5])).not.toBe(a)
  })

  it('keeps the rows-v3 digest, values from the side query included, and reads them in rowid order alike', async () => {
    // Pinned as computed before the side query was skipped for tables with nothing for it: a
    // package sealed then must verify now. 1e-300 and 2^60 + 2^8 are the side query's.
    const path = join(dir, 'pinned.sqlite')
    const db = new Database(path)
    try {
      db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, score REAL, note TEXT)')
      const ins = db.prepare('INSERT INTO t VALUES (?, ?, ?)')
      ;[0, 85.5, 1e-300, 2 ** 60 + 2 ** 8, null, 1e20].forEach((v, i) => ins.run(`k${i}`, v, `行${i}`))
      const pinned = '6b0be58b17fbc585dc46a51fc403c2d82f4343f56ee811a0e0f58edd7f57e3e5'
      expect((await contentDigest(db)).sha256).toBe(pinned)
      expect((await runDigest(path, digestPlan(db, 'main', 'rowid')))!.digest.sha256).toBe(pinned)
    } finally {
      db.close()
    }
  })

  it('reads every row across chunk boundaries', async () => {
    const many = Array.from({ length: 9000 }, (_, i) => i / 7)
    const base = await digestOf(many)
    const changed = [...many]
    changed[8500] = nextUp(many[8500]!)
    expect(await digestOf(changed)).not.toBe(base)
  })
})
