/**
 * The esbuild settings of the main and preload bundles, in one place so that the build and the
 * packaging test read the same thing. better-sqlite3 stays a runtime require in main: its lib/
 * picks prebuilds/<platform>-<arch>.node (a Node-API addon that Node and Electron both load),
 * and electron-builder unpacks that one file from the asar (electron-builder.yml).
 */
export const MAIN_EXTERNAL = ['electron', 'better-sqlite3']
export const PRELOAD_EXTERNAL = ['electron']

export const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node22', // Electron 45's Node, and the npm `node` package the scripts run on
  format: 'cjs',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  define: { 'process.env.NODE_ENV': '"production"' },
}
