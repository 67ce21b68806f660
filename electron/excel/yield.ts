/**
 * Long loops on the main process (reading or writing a 5,000-project workbook, applying it) give
 * the event loop a turn every few tens of milliseconds, so no other call waits behind them.
 */
export function yielder(budgetMs = 25): () => Promise<void> {
  let last = performance.now()
  return async () => {
    if (performance.now() - last < budgetMs) return
    await new Promise<void>((r) => setImmediate(r))
    last = performance.now()
  }
}

/** One turn of the event loop, between the pieces of a long job that are not loops. */
export const turn = (): Promise<void> => new Promise<void>((r) => setImmediate(r))

/**
 * A long synchronous reader written as a generator that yields now and then (a few thousand rows):
 * run at once (tests, small files), or with the event loop given a turn at each yield.
 */
export type Steps<T> = Generator<void, T, void>

export function runSync<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
  }
}

export async function runAsync<T>(steps: Steps<T>, budgetMs = 25): Promise<T> {
  const breathe = yielder(budgetMs)
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
    await breathe()
  }
}
