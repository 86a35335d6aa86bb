import type { QueryClient } from '@tanstack/react-query';
import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { vi } from 'vitest';
import { memoryLocation } from 'wouter/memory-location';

import { App } from '../App';
import { createQueryClient } from '../lib/query-client';

/** The app's real query defaults, minus the wait between a failure and its retry. */
export function createTestQueryClient(): QueryClient {
  return createQueryClient({ queries: { retryDelay: 0 } });
}

/** Renders the whole app (providers, shell, routes) at `path`, in memory. */
export function renderApp(path: string) {
  const location = memoryLocation({ path, record: true });
  const user = userEvent.setup();
  const view = render(
    <App
      queryClient={createTestQueryClient()}
      location={{ hook: location.hook, searchHook: location.searchHook }}
    />,
  );
  return { ...view, user, history: location.history };
}

export function renderWithQueryClient(ui: ReactElement) {
  const user = userEvent.setup();
  const view = render(
    <QueryClientProvider client={createTestQueryClient()}>{ui}</QueryClientProvider>,
  );
  return { ...view, user };
}

export function jsonResponse(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

type FetchHandler = (request: Request) => Promise<Response>;

/** Replaces `fetch`, the app's network boundary, for the current test. */
export function stubFetch(handler: FetchHandler) {
  const fetchMock = vi.fn(handler);
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** What a browser's fetch does when the server cannot be reached. */
export function networkFailure(): Promise<Response> {
  return Promise.reject(new TypeError('Failed to fetch'));
}
