/** Every API call answers with data or an error as data; nothing crosses IPC as a thrown string. */
export type ErrorCode =
  | 'VALIDATION' // input failed the contract or a domain rule
  | 'NOT_FOUND'
  | 'CONFLICT' // e.g. a 文号 already issued, a unit code already used
  | 'NO_OPERATOR' // not signed in (or the session locked after idle time)
  | 'FORBIDDEN' // signed in, but the role does not allow this
  | 'SIGN_IN' // a sign-in refused: wrong name or password, or too many failures
  | 'LOCKED' // a closed year or a read-only package
  | 'DB_NEWER' // database written by a newer app version
  | 'DB_DAMAGED'
  | 'IMPORT_INVALID' // a workbook with row-level errors
  | 'IO' // a file could not be written or read
  | 'UNKNOWN_CHANNEL'
  | 'INTERNAL'

export interface AppErrorData {
  code: ErrorCode
  /** A sentence in Chinese that says what happened and what to do. */
  message: string
  /** Optional structured details, e.g. row-level import problems. */
  details?: unknown
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: AppErrorData }

/** Thrown inside the backend; converted to `{ok:false}` at the dispatch boundary. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly details?: unknown
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.details = details
  }
}
