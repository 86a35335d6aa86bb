/// <reference types="vitest/config" />
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, loadEnv, type Plugin } from 'vite';

import { readConfig } from './src/read-config.ts';

// The repository root (`..`): one `.env` there drives the API and both SPAs.
const envDir = fileURLToPath(new URL('..', import.meta.url));
const port = 3001;

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Puts the configured brand into `index.html` wherever it says `%APP_NAME%`. */
function appNameInHtml(appName: string): Plugin {
  const escaped = appName.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
  return {
    name: 'aurum:app-name-in-html',
    transformIndexHtml: (html) => html.replaceAll('%APP_NAME%', escaped),
  };
}

export default defineConfig(({ mode }) => {
  // Throws on a bad VITE_* value, so a build never ships one.
  const appConfig = readConfig(loadEnv(mode, envDir, 'VITE_'));

  return {
    envDir,
    plugins: [react(), tailwindcss(), appNameInHtml(appConfig.appName)],
    server: { port, strictPort: true },
    preview: { port, strictPort: true },
    test: {
      environment: 'jsdom',
      setupFiles: ['./src/test/setup.ts'],
      css: false,
      restoreMocks: true,
      unstubGlobals: true,
      // A test waits on several findBy*/waitFor (each up to 10 s, see src/test/setup.ts):
      // the 5 s default would fail slow-but-correct tests on a loaded machine.
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  };
});
