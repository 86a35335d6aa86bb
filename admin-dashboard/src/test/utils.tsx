import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactElement } from "react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { vi } from "vitest";

import type { Role } from "@/features/auth/roles";
import { handleUnauthorized } from "@/features/auth/handle-unauthorized";
import { session } from "@/features/auth/session";
import { createQueryClient, type QueryClientOptions } from "@/lib/query-client";
import { routes } from "@/routes";

import { tokenResponse } from "./fixtures";

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

/** Puts the app's session in the signed-in state for `role`, as a sign-in would. */
export function signInAs(role: Role, email = `${role}@example.com`): void {
  session.establish(tokenResponse(role, { email }));
}

/**
 * Renders the real route tree at `path`, as the browser would (with the app's 401 handler).
 * `as` signs in first; without it the visitor is signed out (no session hint).
 */
export function renderRoute(path: string, { as }: { as?: Role } = {}) {
  if (as) signInAs(as);
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const queryClient = createTestQueryClient({ onUnauthorized: handleUnauthorized });
  return { router, ...renderWithQueryClient(<RouterProvider router={router} />, queryClient) };
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

type ApiHandler = (request: Request, url: URL, pathParams: Record<string, string>) => Response | Promise<Response>;

/**
 * Stubs `fetch` with a small API: `{ "GET /api/v1/admin/leads/:id": handler }`. Any other
 * request fails the way an unreachable server would, and shows in the test's output.
 */
export function stubApi(handlers: Record<string, ApiHandler>) {
  const routesList = Object.entries(handlers).map(([key, handler]) => {
    const [method = "", pattern = ""] = key.split(" ");
    const names: string[] = [];
    const regex = new RegExp(
      `^${pattern.replace(/:([a-z_]+)/gi, (_match, name: string) => {
        names.push(name);
        return "([^/]+)";
      })}$`,
    );
    return { method, regex, names, handler };
  });
  return stubFetch((request) => {
    const url = new URL(request.url);
    for (const route of routesList) {
      const match = route.method === request.method ? route.regex.exec(url.pathname) : null;
      if (match) {
        const pathParams = Object.fromEntries(route.names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? "")]));
        return route.handler(request, url, pathParams);
      }
    }
    throw new Error(`Unstubbed API call in a test: ${request.method} ${url.pathname}${url.search}`);
  });
}

export function apiError(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return jsonResponse({ error: { code, message, details: null } }, status, headers);
}

/** `list[index]`, failing the test clearly when it is missing. */
export function nth<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`Expected an item at index ${String(index)} of ${String(list.length)}.`);
  return item;
}
