/**
 * Calls and writes against operations that need the working database to themselves. A backup
 * (VACUUM INTO) cannot run inside a transaction, and a restore replaces the file under everyone:
 *  - a backup waits for the write transactions in flight; writes asked meanwhile wait for it;
 *  - a restore waits for every other call in flight (their reads must not meet a closed
 *    connection); a write they attempt meanwhile is refused in Chinese (it would land in data
 *    about to be replaced), and calls that arrive wait in the dispatch and run on the restored data.
 * So no write is answered ok and then lost. One such operation at a time; a second waits.
 */
import { AppError } from '../../shared/result'

interface Exclusive {
  reason: string
  writes: 'wait' | 'refuse'
  done: Promise<void>
}

export class WriteGate {
  private calls = 0
  private writes = 0
  private current: Exclusive | null = null
  /** Restores asked for but not yet running (their call is still being checked): writes are refused already. */
  private reserved: string[] = []
  private waiters: (() => void)[] = []

  private changed(): void {
    for (const w of this.waiters.splice(0)) w()
  }
  private nextChange(): Promise<void> {
    return new Promise<void>((r) => this.waiters.push(r))
  }

  /** What is running now, for messages (null: nothing). */
  get running(): string | null {
    return this.current?.reason ?? null
  }

  /** One dispatched call: waits while a restore runs, then counts as in flight. */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    while (this.current?.writes === 'refuse') await this.current.done
    this.calls++
    try {
      return await fn()
    } finally {
      this.calls--
      this.changed()
    }
  }

  /**
   * Marks, at the moment a restore is asked for, that writes from now on would land in data about to
   * be replaced; the dispatch calls this before the permission check's first await. Returns the release.
   */
  reserve(reason: string): () => void {
    this.reserved.push(reason)
    return () => {
      const k = this.reserved.indexOf(reason)
      if (k >= 0) this.reserved.splice(k, 1)
      this.changed()
    }
  }

  /** One write transaction. */
  async write<T>(fn: () => Promise<T>): Promise<T> {
    if (this.reserved.length > 0 && !this.current) throw new AppError('LOCKED', `${this.reserved[0]}，暂时不能修改；本次修改未保存，请等完成后再试`)
    while (this.current) {
      if (this.current.writes === 'refuse') throw new AppError('LOCKED', `${this.current.reason}，暂时不能修改；本次修改未保存，请等完成后再试`)
      await this.current.done
    }
    this.writes++
    try {
      return await fn()
    } finally {
      this.writes--
      this.changed()
    }
  }

  /**
   * Runs fn alone (see above). Called from inside a dispatched call, which stops counting as "in
   * flight" while it waits, so two of them never wait for each other.
   */
  async exclusive<T>(reason: string, writes: 'wait' | 'refuse', fn: () => Promise<T> | T): Promise<T> {
    this.calls--
    this.changed()
    try {
      while (this.current) await this.current.done
      let release!: () => void
      this.current = { reason, writes, done: new Promise<void>((r) => (release = r)) }
      try {
        while (this.writes > 0 || (writes === 'refuse' && this.calls > 0)) await this.nextChange()
        return await fn()
      } finally {
        this.current = null
        release()
      }
    } finally {
      this.calls++
    }
  }
}
