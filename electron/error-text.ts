/**
 * Errors that SQLite and the file system raise in English, as the sentences a clerk can act on.
 * The dispatch asks here before it falls back to "操作失败"; anything not listed is logged for
 * support with its original message.
 */
import type { AppErrorData } from '../shared/result'

type Known = { code: AppErrorData['code']; message: string }

const BY_CODE: Record<string, Known> = {
  SQLITE_CONSTRAINT_UNIQUE: { code: 'CONFLICT', message: '该记录与已有记录重复（编号或文号已存在），未保存' },
  SQLITE_CONSTRAINT_PRIMARYKEY: { code: 'CONFLICT', message: '该记录与已有记录重复（编号或文号已存在），未保存' },
  SQLITE_CONSTRAINT_FOREIGNKEY: { code: 'CONFLICT', message: '该记录仍被其他记录引用，或引用的记录不存在，未保存' },
  SQLITE_CONSTRAINT_NOTNULL: { code: 'VALIDATION', message: '有必填内容为空，未保存；请补全后重试' },
  SQLITE_CONSTRAINT_CHECK: { code: 'VALIDATION', message: '内容不符合数据规则，未保存；请检查后重试' },
  SQLITE_FULL: { code: 'IO', message: '磁盘空间已满，未保存。请清理磁盘后重试' },
  SQLITE_READONLY: { code: 'LOCKED', message: '数据库为只读，不能修改' },
  SQLITE_BUSY: { code: 'CONFLICT', message: '数据库正被其他操作占用，未保存；请稍后重试' },
  SQLITE_LOCKED: { code: 'CONFLICT', message: '数据库正被其他操作占用，未保存；请稍后重试' },
  SQLITE_TOOBIG: { code: 'VALIDATION', message: '内容太大，超出数据库单条记录的上限，未保存' },
  SQLITE_CORRUPT: { code: 'DB_DAMAGED', message: '数据库文件已损坏，操作未完成。请在“年度数据—备份”中恢复最近的备份，或联系技术支持' },
  SQLITE_NOTADB: { code: 'DB_DAMAGED', message: '数据库文件已损坏或不是本软件的文件，操作未完成。请恢复最近的备份' },
  SQLITE_IOERR: { code: 'IO', message: '读写数据库文件时出错（磁盘故障或U盘被拔出），操作未完成；请检查磁盘后重试' },
  SQLITE_CANTOPEN: { code: 'IO', message: '无法打开数据库文件（文件夹没有权限或已被移走），操作未完成' },
  SQLITE_NOMEM: { code: 'INTERNAL', message: '内存不足，操作未完成；请关闭其他程序后重试' },
  ENOSPC: { code: 'IO', message: '磁盘空间已满，操作未完成。请清理磁盘后重试' },
  EDQUOT: { code: 'IO', message: '磁盘配额已满，操作未完成。请清理磁盘后重试' },
  EACCES: { code: 'IO', message: '没有读写该文件或文件夹的权限，操作未完成；请换一个文件夹或联系管理员' },
  EPERM: { code: 'IO', message: '没有读写该文件或文件夹的权限（或文件正被其他程序占用），操作未完成' },
  EROFS: { code: 'IO', message: '磁盘为只读，操作未完成；请换一个磁盘或文件夹' },
  EBUSY: { code: 'IO', message: '文件正被其他程序（如 Word/WPS）占用，请关闭后重试' },
  ENOENT: { code: 'IO', message: '文件或文件夹不存在（可能已被移动、改名或删除），操作未完成' },
  ENOTDIR: { code: 'IO', message: '路径中有一段不是文件夹，操作未完成；请检查文件保存位置' },
  EISDIR: { code: 'IO', message: '该位置是一个文件夹而不是文件，操作未完成' },
  ENAMETOOLONG: { code: 'IO', message: '文件名或路径太长，操作未完成；请缩短文件保存位置的路径' },
  EMFILE: { code: 'IO', message: '同时打开的文件太多，操作未完成；请稍后重试' },
  EIO: { code: 'IO', message: '磁盘读写出错（磁盘故障或U盘被拔出），操作未完成' },
}

/** Messages without a usable code (better-sqlite3's own, and SQLite's SQLITE_ERROR texts). */
const BY_MESSAGE: [RegExp, Known][] = [
  [/LIKE or GLOB pattern too complex/i, { code: 'VALIDATION', message: '搜索内容太长或太复杂，请缩短后重试' }],
  [/string or blob too big/i, { code: 'VALIDATION', message: '内容太大，超出数据库单条记录的上限，未保存' }],
  [/database connection is not open|database is closed/i, { code: 'CONFLICT', message: '工作数据正在切换（恢复或关闭中），请稍后重试' }],
  [/no such (table|column)/i, { code: 'DB_DAMAGED', message: '数据库的结构与本软件不一致（缺少数据表或字段），操作未完成；请恢复最近的备份或联系技术支持' }],
  [/cannot VACUUM from within a transaction/i, { code: 'CONFLICT', message: '有修改正在保存，备份未能开始；请稍后重试' }],
  [/database or disk is full/i, { code: 'IO', message: '磁盘空间已满，未保存。请清理磁盘后重试' }],
  [/attempt to write a readonly database/i, { code: 'LOCKED', message: '数据库为只读，不能修改' }],
]

export function knownErrorSentence(e: unknown): Known | null {
  const err = e as { code?: unknown; message?: unknown } | null
  const code = typeof err?.code === 'string' ? err.code : ''
  const exact = BY_CODE[code] ?? (code.startsWith('SQLITE_IOERR') ? BY_CODE.SQLITE_IOERR : code.startsWith('SQLITE_CORRUPT') ? BY_CODE.SQLITE_CORRUPT : code.startsWith('SQLITE_BUSY') ? BY_CODE.SQLITE_BUSY : undefined)
  if (exact) return exact
  const message = typeof err?.message === 'string' ? err.message : ''
  for (const [re, known] of BY_MESSAGE) if (re.test(message)) return known
  return null
}
