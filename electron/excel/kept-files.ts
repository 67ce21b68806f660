/**
 * Files parsed once and kept under a token until the user's next step (the 项目清单 import's
 * read → preview → apply; a stage workbook's preview → apply). A few at most: they hold rows.
 */
import { randomUUID } from 'node:crypto'
import { AppError } from '../../shared/result'

export class KeptFiles<T> {
  private readonly kept = new Map<string, T>()
  constructor(private readonly max: number) {}

  keep(file: T): string {
    const token = randomUUID()
    this.kept.set(token, file)
    while (this.kept.size > this.max) this.kept.delete(this.kept.keys().next().value!)
    return token
  }

  /** The kept file, or undefined if its token is unknown (expired, or the app restarted). */
  find(token: string): T | undefined {
    return this.kept.get(token)
  }

  take(token: string, expired = '导入的文件已过期（软件重启或又打开了其他文件），请重新选择文件'): T {
    const f = this.kept.get(token)
    if (!f) throw new AppError('NOT_FOUND', expired)
    return f
  }

  drop(token: string): void {
    this.kept.delete(token)
  }
}
