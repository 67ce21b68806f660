/** The API the preload exposes as `window.api` (see electron/preload.ts). */
import type { Result } from '../shared/result'

export interface PreloadApi {
  /** Calls one contract channel; unknown names answer {ok:false, error:{code:'UNKNOWN_CHANNEL'}}. */
  call(channel: string, input: unknown): Promise<Result<unknown>>
}

declare global {
  interface Window {
    /** Present inside the Electron app; absent in a plain browser (the harness uses HTTP instead). */
    api?: PreloadApi
  }
}
