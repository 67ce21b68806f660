/**
 * Writes against operations that need the working database to themselves. A backup (VACUUM INTO)
 * cannot run inside a transaction, and a restore replaces the file under every writer: so each
 * waits until the transactions in flight have ended, and meanwhile no new one starts. Writes that
 * arrive during a backup wait for it (a moment); during a restore they are refused in Chinese,
 * because they would land in data that is about to be replaced — never acknowledged and then lost.
 */
import { AppError } from '../../shared/result'

interface Exclusive {
  reason: string
  writes: 'wait' | 'refuse'
  done: Promise<void>
}

export class WriteGate {
  private active = 0
  private idleWaiters: (() => void)[] = []
  private current: Exclusive | null = null

  /** What is running now, for messages (null: nothing). */
  get running(): string | null {
    return this.current?.reason ?? null
  }

  /** Runs one write transaction, once no exclusive operation holds the database. */
  async write<T>(fn: () => Promise<T>): Promise<T> {
    while (this.current) {
      if (this.current.writes === 'refuse') throw new AppError('LOCKED', `${this.current.reason}，暂时不能修改；本次修改未保存，请等完成后再试`)
      await this.current.done
    }
    this.active++
    try {
      return await fn()
    } finally {
      this.active--
      if (this.active === 0) for (const w of this.idleWaiters.splice(0)) w()
    }
  }

  /**
   * Runs fn alone: after the writes in flight have ended, with new writes waiting or refused.
   * Another exclusive operation meanwhile is refused (two restores share file names).
   */
  async exclusive<T>(reason: string, writes: 'wait' | 'refuse', fn: () => Promise<T> | T): Promise<T> {
    if (this.current) throw new AppError('CONFLICT', `${this.current.reason}，请等完成后再试`)
    let release!: () => void
    this.current = { reason, writes, done: new Promise<void>((r) => (release = r)) }
    try {
      if (this.active > 0) await new Promise<void>((r) => this.idleWaiters.push(r))
      return await fn()
    } finally {
      this.current = null
      release()
    }
  }
}
