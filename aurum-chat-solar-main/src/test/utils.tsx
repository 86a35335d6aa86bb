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

export interface SseEventSpec {
  event: string;
  data: unknown;
}

/** The bytes of a `text/event-stream`, as the API writes them. */
export function sseText(events: SseEventSpec[]): string {
  return events
    .map(({ event, data }) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    .join('');
}

/**
 * A streamed (server-sent events) response, cut into `chunkSize`-byte chunks so events and
 * even UTF-8 characters straddle chunk boundaries the way a real network splits them.
 */
export function sseResponse(events: SseEventSpec[], chunkSize = 7): Response {
  const bytes = new TextEncoder().encode(sseText(events));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let start = 0; start < bytes.length; start += chunkSize) {
        controller.enqueue(bytes.slice(start, start + chunkSize));
      }
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

/** A streamed response the test feeds by hand, to look at the page between chunks. */
export function controlledSseResponse() {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
    },
  });
  return {
    response: new Response(body, {
      status: 200,
      headers: { 'Content-Type': 'text/event-stream' },
    }),
    send(events: SseEventSpec[]) {
      controller.enqueue(encoder.encode(sseText(events)));
    },
    close() {
      controller.close();
    },
    fail(reason: Error = new TypeError('network error')) {
      controller.error(reason);
    },
  };
}

/** "POST /api/v1/leads": a request's method and path, for routing stubbed responses. */
export function describeRequest(request: Request): string {
  return `${request.method} ${new URL(request.url).pathname}`;
}
