/**
 * End to end: a year package larger than one part (PACKAGE_PART_BYTES, 8 MB) is imported through
 * the 年度数据 page, which reads the file a slice at a time and sends it in parts (yearData/upload)
 * before yearData/import takes the whole. The demo year's package (师宗县 2024, about 12 MB with its
 * 操作日志) spans two parts; the test says so first, so that it cannot pass on a one-part file.
 * Screenshot: test-output/screenshots/year-upload-*.
 */
import Database from 'better-sqlite3'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MANIFEST_TABLE } from '../../electron/yeardata/package'
import { packagesDir } from '../../electron/yeardata/store'
import { PACKAGE_PART_BYTES } from '../../shared/api'
import { launchBrowser, type LaunchedBrowser } from './browser'
import { ensureRendererBuilt } from './build'
import { listDir } from '../yeardata/fixtures'
import { menu, openStageSession, shot, T, type StageSession } from './stage-helpers'

let browser: LaunchedBrowser
let s: StageSession

beforeAll(async () => {
  await ensureRendererBuilt()
  browser = await launchBrowser()
  s = await openStageSession(browser, 'year-upload', async (api) => {
    await api('demo/load', {})
  })
}, 180_000)

afterAll(async () => {
  await s?.close()
  await browser?.close()
})

describe('年度数据 page: a package larger than one part', () => {
  it('is read and sent in parts, verified and imported, and no part is left behind', async () => {
    const { page, backend } = s
    const job = await s.api('yearData/export', { workYear: 2024 })
    const end = await backend.ctx.jobs.wait(job.id)
    expect(end.status, end.message).toBe('done')
    const pkgPath = end.paths[0]!
    const size = statSync(pkgPath).size
    expect(size).toBeGreaterThan(PACKAGE_PART_BYTES)

    // What the page sends: each part's offset and length, seen where the harness hands it over.
    // The last part is held until the test has seen the progress of the first.
    const parts: { offset: number; bytes: number }[] = []
    let release = () => {}
    const held = new Promise<void>((r) => (release = r))
    const dispatch = backend.dispatch.bind(backend)
    backend.dispatch = async (channel, input) => {
      if (channel === 'yearData/upload') {
        const p = input as { offset: number; base64: string; total: number }
        parts.push({ offset: p.offset, bytes: Buffer.from(p.base64, 'base64').length })
        if (p.offset + PACKAGE_PART_BYTES >= p.total && p.offset > 0) await held
      }
      return dispatch(channel, input)
    }
    const before = listDir(packagesDir(backend.ctx.dataDir))

    await menu(page, '年度数据')
    await expect.poll(() => page.getByTestId('years').locator('.ant-table-row').count(), { timeout: T }).toBeGreaterThan(0)
    await page.locator('input[type=file]').setInputFiles(pkgPath)
    // After the first part: how much has reached the backend, on the import button.
    const shown = `正在读入数据包 ${Math.floor((PACKAGE_PART_BYTES * (Math.ceil(size / PACKAGE_PART_BYTES) - 1) * 100) / size)}%`
    await expect.poll(() => page.getByTestId('import-package').textContent(), { timeout: T }).toContain(shown)
    await shot(page, 'year-upload-01-sending')
    release()
    const imported = page.getByRole('dialog', { name: '数据包已通过校验并导入' })
    await expect.poll(() => imported.isVisible(), { timeout: 60_000 }).toBe(true)
    expect(await imported.getByTestId('manifest-year').textContent()).toBe('2024年度')
    await shot(page, 'year-upload-02-imported')

    // In order, each a full part but the last, together the whole file.
    const count = Math.ceil(size / PACKAGE_PART_BYTES)
    expect(count).toBeGreaterThan(1)
    expect(parts).toEqual(Array.from({ length: count }, (_, i) => ({ offset: i * PACKAGE_PART_BYTES, bytes: Math.min(PACKAGE_PART_BYTES, size - i * PACKAGE_PART_BYTES) })))
    // Kept as the package and its listing entry, nothing else (no part, no scratch file); the
    // package kept is the one sent (its manifest seals its content).
    const after = listDir(packagesDir(backend.ctx.dataDir)).filter((f) => !before.includes(f))
    const id = after[0]?.replace(/\.json$/, '')
    expect(after).toEqual([`${id}.json`, `${id}.sqlite`])
    const kept = new Database(join(packagesDir(backend.ctx.dataDir), `${id}.sqlite`), { readonly: true })
    const sent = new Database(pkgPath, { readonly: true })
    try {
      expect(kept.prepare(`SELECT manifest FROM ${MANIFEST_TABLE}`).pluck().get()).toBe(sent.prepare(`SELECT manifest FROM ${MANIFEST_TABLE}`).pluck().get())
    } finally {
      kept.close()
      sent.close()
    }
    await imported.getByRole('button', { name: '关闭' }).click()
    await expect.poll(() => page.getByTestId('packages').locator('.ant-table-row').count(), { timeout: T }).toBe(1)
    await shot(page, 'year-upload-03-listed')
    expect(s.errors).toEqual([])
  })
})
