/**
 * The year export as the bench runs it, in the bench's own process (bench-yeardata.ts, for time and
 * event-loop blocks) and in a child of its own (child-op.ts, for peak RSS): one definition, so that
 * both figures are of the same export.
 */
import type { BuildOptions } from '../../electron/yeardata/package'

export function benchExportOptions(sourcePath: string, workYear: number, targetPath: string, onProgress?: BuildOptions['onProgress']): BuildOptions {
  return {
    sourcePath,
    targetPath,
    kind: 'year',
    workYear,
    org: { county: 'bench', bureau: 'bench' },
    appVersion: 'bench',
    createdAt: new Date().toISOString(),
    ...(onProgress ? { onProgress } : {}),
  }
}
