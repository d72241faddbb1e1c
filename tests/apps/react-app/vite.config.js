import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: {
    // The second page: the same app with the router told through `navigate` (react.test.mjs serves it
    // on an origin of its own).
    rolldownOptions: { input: ['index.html', 'navigate.html'] },
    // The test builds React's development version (see tests/apps/build-apps.sh), which is large.
    chunkSizeWarningLimit: 2000,
  },
});
