import "@testing-library/jest-dom/vitest";

import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach, vi } from "vitest";

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
});
