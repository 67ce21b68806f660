import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

const here = fileURLToPath(new URL('.', import.meta.url))

/**
 * The renderer bundle. Run from the repo root: `vite build --config renderer/vite.config.ts`.
 * Output goes to out/renderer and is loaded by Electron from file:// (hence base './') and by the
 * test harness over http://127.0.0.1.
 */
export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  // dayjs locale files are CommonJS; keep them pre-bundled in dev.
  optimizeDeps: { include: ['dayjs/locale/zh-cn', 'antd/es/locale/zh_CN'] },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 30 },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|rc-[^\\/]+|@rc-component)[\\/]/, priority: 20 },
            { name: 'vendor', test: /node_modules[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
})
