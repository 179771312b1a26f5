// One multi-page build: login (index.html), back office (console.html) and
// the command big screen (screen.html). The C++ server serves web/dist.
import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const page = (name) => fileURLToPath(new URL(name, import.meta.url));

export default defineConfig({
  base: '/',
  plugins: [vue()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    // MapLibre and ECharts are large by nature; they live in their own chunks.
    chunkSizeWarningLimit: 1600,
    rolldownOptions: {
      input: {
        index: page('index.html'),
        console: page('console.html'),
        screen: page('screen.html'),
        parking: page('parking.html'),
        field: page('field.html'),
        report: page('report.html'),
      },
      output: {
        codeSplitting: {
          groups: [
            { name: 'vendor-maplibre', test: /node_modules[\\/]maplibre-gl/ },
            { name: 'vendor-echarts', test: /node_modules[\\/](echarts|zrender|tslib)/ },
            { name: 'vendor-vue', test: /node_modules[\\/]@?vue/ },
            { name: 'common', test: /export-helper|favicon\.svg|[\\/]src[\\/]common[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    // `npx vite` for front-end work against a locally running `sightline serve`.
    proxy: { '/api': process.env.SIGHTLINE_URL || 'http://127.0.0.1:8080' },
  },
});
