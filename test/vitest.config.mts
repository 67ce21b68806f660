import { defineConfig } from 'vitest/config'
import { resolve } from 'node:path'

/**
 * Files that mock modules, spy on node:fs or change process.env get a fresh module graph each;
 * every other file shares its worker's modules (isolate: false), which saves about 3 s of
 * importing the backend per file on these 2 cores.
 */
const NEEDS_ISOLATION = [
  'test/electron/preload.test.ts',
  'test/e2e/browser.test.ts',
  'test/excel/stream-import.test.ts',
  'test/docs/write-file.test.ts',
]

export default defineConfig({
  root: resolve(import.meta.dirname, '..'),
  test: {
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 240_000,
    // A browser test's expect.poll waits for what the page shows next. Vitest's 1 s default is less
    // than a modal's close motion plus one stall of the 2-core CI machine (a GC, a LibreOffice
    // start in the same run); 5 s still fails a page that never gets there, only later.
    expect: { poll: { timeout: 5_000 } },
    projects: [
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: NEEDS_ISOLATION, isolate: false } },
      { extends: true, test: { name: 'isolated', include: NEEDS_ISOLATION, isolate: true } },
    ],
  },
})
