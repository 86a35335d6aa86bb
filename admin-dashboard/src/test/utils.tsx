import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactElement } from "react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { vi } from "vitest";

import { createQueryClient, type QueryClientOptions } from "@/lib/query-client";
import { routes } from "@/routes";

/** The app's QueryClient, minus retries, so a failure shows at once instead of after the retry delay. */
export function createTestQueryClient(options?: QueryClientOptions): QueryClient {
  const client = createQueryClient(options);
  client.setDefaultOptions({
    ...client.getDefaultOptions(),
    queries: { ...client.getDefaultOptions().queries, retry: false },
  });
  return client;
}

export function renderWithQueryClient(ui: ReactElement, queryClient = createTestQueryClient()) {
  const user = userEvent.setup();
  return { user, queryClient, ...render(<QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>) };
}

/** Renders the real route tree at `path`, as the browser would. */
export function renderRoute(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  return { router, ...renderWithQueryClient(<RouterProvider router={router} />) };
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

/** Replaces `fetch` (the network boundary) with `handler`; returns the mock to inspect the requests. */
export function stubFetch(handler: (request: Request) => Response | Promise<Response>) {
  const fetchMock = vi.fn((input: RequestInfo | URL, init?: RequestInit) =>
    // A handler that throws becomes a rejected fetch, like a real network failure.
    Promise.resolve().then(() => handler(input instanceof Request ? input : new Request(input, init))),
  );
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

export function requestsOf(fetchMock: ReturnType<typeof stubFetch>): Request[] {
  return fetchMock.mock.calls.map(([input, init]) => (input instanceof Request ? input : new Request(input, init)));
}
