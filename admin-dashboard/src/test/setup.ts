import "@testing-library/jest-dom/vitest";

import { cleanup, configure } from "@testing-library/react";
import { afterEach, beforeEach, vi } from "vitest";

import { apiClient } from "@/api/client";
import { authMiddleware } from "@/features/auth/auth-middleware";
import { session } from "@/features/auth/session";

// findBy*/waitFor keep polling for up to 10 s (Testing Library's default is 1 s): on a busy
// 2-core machine a page's first lazy import and render can take seconds, and a wait that
// gives up too early fails a test for nothing. A test that really fails only reports later.
// Keep `testTimeout` in vite.config.ts well above this.
configure({ asyncUtilTimeout: 10_000 });

// Wired as in src/main.tsx, so pages under test send the bearer token and refresh on a 401.
apiClient.use(authMiddleware);

// Tests never touch the network: a test that needs the API stubs `fetch` itself (see `stubFetch`).
beforeEach(() => {
  vi.stubGlobal(
    "fetch",
    vi.fn((input: RequestInfo | URL) =>
      Promise.reject(new Error(`Unstubbed fetch in a test: ${input instanceof Request ? input.url : String(input)}`)),
    ),
  );
});

afterEach(() => {
  cleanup();
  session.reset();
  // The scripts' tests run in Node, which has no web storage.
  if (typeof localStorage !== "undefined") localStorage.clear();
});
