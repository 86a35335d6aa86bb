import { fileURLToPath } from "node:url";

import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// One .env at the repository root serves the API and both SPAs; only VITE_* keys reach the browser.
const repoRoot = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  plugins: [react(), tailwindcss()],
  envDir: repoRoot,
  resolve: {
    alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) },
  },
  server: { port: 3002, strictPort: true },
  preview: { port: 3002, strictPort: true },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}", "scripts/**/*.test.mjs"],
    restoreMocks: true,
    unstubGlobals: true,
    // A test waits on several findBy*/waitFor (each up to 10 s, see src/test/setup.ts): the
    // 5 s default would fail slow-but-correct tests on a loaded machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Pinned so tests never depend on a developer's .env (and prove the values are read, not defaulted).
    env: {
      VITE_API_URL: "http://api.test",
      VITE_APP_NAME: "Aurum Solar",
      VITE_ENVIRONMENT: "staging",
      VITE_ADMIN_DASHBOARD: "http://admin.test",
    },
  },
});
