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
