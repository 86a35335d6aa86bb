import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';

// findBy*/waitFor keep polling for up to 10 s (Testing Library's default is 1 s): on a busy
// 2-core machine a lazy route's first import and render can take seconds, and a wait that
// gives up too early fails a test for nothing. A test that really fails only reports later.
// Keep `testTimeout` in vite.config.ts well above this.
configure({ asyncUtilTimeout: 10_000 });

/**
 * Tests never reach a real server. Any `fetch` a test did not stub is recorded and fails
 * that test; tests that talk to the API stub `fetch` themselves (see `stubFetch`).
 */
let unexpectedRequests: string[] = [];

beforeEach(() => {
  unexpectedRequests = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((input: RequestInfo | URL) => {
      const url = input instanceof Request ? input.url : String(input);
      unexpectedRequests.push(url);
      return Promise.reject(new Error(`Unstubbed fetch in a test: ${url}`));
    }),
  );
});

afterEach(() => {
  cleanup();
  // The chat keeps its id and token here; every test starts as a first visit. (Tests in
  // the node environment have no storage.)
  if ('localStorage' in globalThis) localStorage.clear();
  if ('sessionStorage' in globalThis) sessionStorage.clear();
  if (unexpectedRequests.length > 0) {
    throw new Error(`The test called fetch without stubbing it: ${unexpectedRequests.join(', ')}`);
  }
});
