/**
 * A year package arriving in parts (yearData/upload), for packages larger than one call carries
 * (a city's year is 70 MB and more). The parts are appended, in order, to a scratch file in the
 * packages folder (named like every incoming file, so a restart sweeps what an interrupted upload
 * left); yearData/import then takes the whole file from here. One upload per operator at a time:
 * starting another drops the first.
 */
import { randomUUID } from 'node:crypto'
import { appendFile, rm } from 'node:fs/promises'
import { AppError } from '../../shared/result'
import type { Ctx } from '../handlers/context'
import { incomingPath } from './store'

interface Upload {
  id: string
  path: string
  fileName: string
  total: number
  received: number
  operatorId: string | null
  /** A part is being written: the next must wait for its answer (the page sends them one by one). */
  writing: boolean
}

const uploads = new WeakMap<Ctx, Map<string, Upload>>()
const of = (ctx: Ctx) => {
  let m = uploads.get(ctx)
  if (!m) uploads.set(ctx, (m = new Map()))
  return m
}

const interrupted = () => new AppError('NOT_FOUND', '数据包的传送已中断（软件重启或开始了另一次导入），未导入任何数据；请重新导入')

/** Forgets an upload and removes its scratch file (tens of MB: unlinked off the event loop). */
async function drop(ctx: Ctx, u: Upload): Promise<void> {
  of(ctx).delete(u.id)
  await rm(u.path, { force: true })
}

/** Appends one part; the first (uploadId null) opens the upload. */
export async function receivePart(ctx: Ctx, part: { uploadId: string | null; fileName: string; offset: number; total: number; base64: string }): Promise<{ uploadId: string; received: number }> {
  const operatorId = ctx.session.operatorId ?? null
  let u: Upload
  if (part.uploadId === null) {
    if (part.offset !== 0) throw new AppError('VALIDATION', '数据包的第一段应从文件开头开始，请重新导入')
    for (const other of [...of(ctx).values()]) if (other.operatorId === operatorId) await drop(ctx, other)
    u = { id: randomUUID(), path: incomingPath(ctx.dataDir), fileName: part.fileName, total: part.total, received: 0, operatorId, writing: false }
    of(ctx).set(u.id, u)
  } else {
    const found = of(ctx).get(part.uploadId)
    if (!found || found.operatorId !== operatorId) throw interrupted()
    if (found.writing) throw new AppError('CONFLICT', '数据包的上一段还没有写完，请等它完成后再传下一段')
    u = found
  }
  const bytes = Buffer.from(part.base64, 'base64')
  try {
    if (part.fileName !== u.fileName || part.total !== u.total) throw new AppError('VALIDATION', '数据包的各段不属于同一个文件，未导入任何数据；请重新导入')
    if (part.offset !== u.received) throw new AppError('VALIDATION', `数据包的分段顺序不对（应从第 ${u.received} 字节接着传），未导入任何数据；请重新导入`)
    if (u.received + bytes.length > u.total) throw new AppError('VALIDATION', `数据包比开始时说的 ${u.total} 字节大，未导入任何数据；请重新导入`)
    u.writing = true
    await appendFile(u.path, bytes)
  } catch (e) {
    await drop(ctx, u)
    throw e
  } finally {
    u.writing = false
  }
  u.received += bytes.length
  return { uploadId: u.id, received: u.received }
}

/** The whole file of a finished upload, handed over: the caller owns (and removes) it from here on. */
export async function takeUpload(ctx: Ctx, uploadId: string, fileName: string): Promise<string> {
  const u = of(ctx).get(uploadId)
  if (!u || u.operatorId !== (ctx.session.operatorId ?? null)) throw interrupted()
  if (u.writing) throw new AppError('CONFLICT', '数据包的最后一段还没有写完，请稍候再导入')
  if (u.received !== u.total || u.fileName !== fileName) {
    await drop(ctx, u)
    throw new AppError('VALIDATION', `数据包只收到 ${u.received} / ${u.total} 字节，未导入任何数据；请重新导入`)
  }
  of(ctx).delete(u.id)
  return u.path
}
