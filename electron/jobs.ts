/**
 * Long work (a batch of 139 意见书, a large export) runs as a job: the call returns at once with an
 * id; the renderer polls jobs/get for progress and may cancel. Polling works the same over IPC and
 * over the HTTP harness, so no push channel is needed.
 */
import { randomUUID } from 'node:crypto'
import type { JobOutcome, JobState } from '../shared/domain'
import { AppError } from '../shared/result'

export interface JobControl {
  progress(done: number, message?: string): void
  readonly cancelled: boolean
  addPath(path: string): void
  /** Jobs over many records: count one record done, or record why one was refused (kept in order). */
  succeeded(): void
  refuse(id: string, label: string, reason: string): void
  /** What succeeded() and refuse() have recorded so far. */
  readonly outcome: JobOutcome
}

export class JobRegistry {
  private readonly jobs = new Map<string, JobState & { cancel: boolean }>()

  start(title: string, total: number, run: (job: JobControl) => Promise<string>): JobState {
    const state: JobState & { cancel: boolean } = { id: randomUUID(), title, done: 0, total, status: 'running', message: '', paths: [], cancel: false }
    this.jobs.set(state.id, state)
    const control: JobControl = {
      progress(done, message) {
        state.done = done
        if (message) state.message = message
      },
      get cancelled() {
        return state.cancel
      },
      addPath(path) {
        state.paths.push(path)
      },
      succeeded() {
        state.outcome ??= { done: 0, refused: [] }
        state.outcome.done++
      },
      get outcome() {
        return state.outcome ?? { done: 0, refused: [] }
      },
      refuse(id, label, reason) {
        state.outcome ??= { done: 0, refused: [] }
        state.outcome.refused.push({ id, label, reason })
      },
    }
    // Yield first so the caller gets the job id before any work happens.
    setImmediate(() => {
      run(control)
        .then((message) => {
          state.status = state.cancel ? 'cancelled' : 'done'
          state.message = message
        })
        .catch((e: unknown) => {
          state.status = 'failed'
          state.message = e instanceof Error ? e.message : String(e)
        })
    })
    return this.view(state)
  }

  get(id: string): JobState {
    const s = this.jobs.get(id)
    if (!s) throw new AppError('NOT_FOUND', '该任务进度已不存在（软件可能已重启）')
    return this.view(s)
  }

  cancel(id: string): JobState {
    const s = this.jobs.get(id)
    if (!s) throw new AppError('NOT_FOUND', '该任务进度已不存在（软件可能已重启）')
    if (s.status === 'running') s.cancel = true
    return this.view(s)
  }

  /** Waits for a job to end (tests and scripts). */
  async wait(id: string, timeoutMs = 120_000): Promise<JobState> {
    const end = Date.now() + timeoutMs
    while (Date.now() < end) {
      const s = this.get(id)
      if (s.status !== 'running') return s
      await new Promise((r) => setTimeout(r, 20))
    }
    throw new Error('job timed out')
  }

  private view(s: JobState & { cancel: boolean }): JobState {
    const { cancel: _c, outcome, ...rest } = s
    const copy: JobOutcome | undefined = outcome ? { done: outcome.done, refused: [...outcome.refused] } : undefined
    return { ...rest, paths: [...rest.paths], ...(copy ? { outcome: copy } : {}) }
  }
}
