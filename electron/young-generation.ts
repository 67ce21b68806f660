/**
 * Holds V8's young generation (new space) at 16 MB while an Excel import or export runs.
 *
 * Why: V8 doubles the new space whenever many objects survive a scavenge, up to 128 MB on a 64-bit
 * desktop (semi-spaces of 64 MB). An Excel import or round export at city scale (5,000 projects,
 * 60,000 indicator rows) grew it to the full 128 MB, and that memory stays resident: at the bench's
 * city scale the new space was 128 MB of a 330–340 MB peak, the old space 47–58 MB. Held at 16 MB,
 * the same operations peaked at 220–275 MB at the same speed; a new space of 2 MB was worse (the
 * short-lived rows were promoted and the old space grew to 150 MB), so the hold first grows a
 * smaller new space to the target.
 *
 * How: the size limits (`--max-semi-space-size`) are read only when the isolate is created, and
 * Electron takes main-process V8 flags only at launch (`--js-flags`, which a packaged app cannot
 * pass). The growth factor is read at every growth, so it is set at run time: 1 (no growth) while
 * an operation runs, V8's default 2 otherwise. Node, and Electron's main process (its
 * JavascriptEnvironment passes `--no-freeze-flags-after-init`), allow `v8.setFlagsFromString`
 * after start. The flag is the process's: a worker thread started meanwhile cannot grow its own new
 * space either (the Excel calls start none; the year package's SQL workers do their work in SQLite).
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'

/** The new space held, in bytes: two 8 MB semi-spaces. */
const YOUNG_GENERATION_TARGET = 16 * 1024 * 1024
/** V8's own growth factor (`--semi-space-growth-factor`), given back when no operation runs. */
const V8_DEFAULT_FACTOR = 2

const newSpaceBytes = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0

let factor = V8_DEFAULT_FACTOR
function setFactor(want: number): void {
  if (want === factor) return
  try {
    setFlagsFromString(`--semi-space-growth-factor=${want}`)
    factor = want
  } catch {
    // A runtime without the flag: V8's own sizing stays, nothing else changes.
  }
}

/**
 * Grows a smaller new space to the target with objects that survive (V8 grows it only then), checked
 * every ~200 KB so that it stops at the first doubling that reaches the target; yields every few MB.
 * Bounded, in case this V8 sizes the new space some other way.
 */
async function growTo(target: number): Promise<void> {
  const keep: unknown[] = []
  for (let step = 0; newSpaceBytes() < target && step < 2000; step++) {
    for (let i = 0; i < 4096; i++) keep.push({ i, pad: [i, i] })
    if (step % 16 === 15) await new Promise((r) => setImmediate(r))
  }
  keep.length = 0
}

let holders = 0
let ready: Promise<void> | null = null

/**
 * Runs fn with the new space held at the target: grown to it first if V8 has shrunk it (it does
 * when the app idles), then kept from growing. Operations side by side share one hold; the last
 * to end gives V8 back its own growth.
 */
export async function withYoungGeneration<T>(fn: () => Promise<T>, target = YOUNG_GENERATION_TARGET): Promise<T> {
  if (holders++ === 0) {
    ready = (async () => {
      setFactor(V8_DEFAULT_FACTOR)
      if (newSpaceBytes() < target) await growTo(target)
      setFactor(1)
    })()
  }
  try {
    await ready
    return await fn()
  } finally {
    if (--holders === 0) {
      ready = null
      setFactor(V8_DEFAULT_FACTOR)
    }
  }
}
