import { describe, expect, it, vi } from 'vitest';

import {
  createReporter,
  FLUSH_DELAY_MS,
  MAX_BATCH,
  SESSION_STORAGE_KEY,
  campaignTag,
  safePath,
  type ReporterEnvironment,
} from './reporter';

const ENDPOINT = 'https://api.example.com/api/v1/events';

interface SentBatch {
  session: string;
  events: Record<string, unknown>[];
}

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => {
      items.set(key, value);
    },
  };
}

/** A reporter over fakes: fetch records each request, timers run when the test says. */
function setup(overrides: Partial<ReporterEnvironment> & { search?: string } = {}) {
  const timers: (() => void)[] = [];
  const fetchMock = vi.fn<typeof fetch>(() => Promise.resolve(new Response(null, { status: 202 })));
  const storage = memoryStorage();
  const location = { pathname: '/', search: overrides.search ?? '' };
  let hidden = false;
  const env: ReporterEnvironment = {
    endpoint: ENDPOINT,
    navigator: { doNotTrack: null },
    location,
    storage,
    fetch: fetchMock,
    setTimeout: (callback) => {
      timers.push(callback);
      return timers.length;
    },
    clearTimeout: () => {
      timers.length = 0;
    },
    isHidden: () => hidden,
    randomBytes: (length) => new Uint8Array(length).map((_, index) => index * 7),
    ...overrides,
  };
  const reporter = createReporter(env);
  const batches = () =>
    fetchMock.mock.calls.map(([, init]) => JSON.parse(init?.body as string) as SentBatch);
  return {
    reporter,
    fetchMock,
    storage,
    location,
    batches,
    runTimers: () => {
      for (const timer of timers.splice(0)) timer();
    },
    hide: () => {
      hidden = true;
    },
  };
}

describe('the analytics reporter', () => {
  it('batches events until the delay passes, then sends them in one keepalive request', () => {
    const { reporter, fetchMock, batches, runTimers, location } = setup();

    reporter.track('page_view');
    location.pathname = '/get-quote';
    reporter.track('page_view');
    reporter.track('estimate_shown');
    expect(fetchMock).not.toHaveBeenCalled();

    runTimers();

    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe(ENDPOINT);
    expect(init).toMatchObject({ method: 'POST', keepalive: true, credentials: 'omit' });
    const [batch] = batches();
    expect(batch?.session).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(batch?.events).toEqual([
      { type: 'page_view', path: '/', source: null, campaign: null },
      { type: 'page_view', path: '/get-quote', source: null, campaign: null },
      { type: 'estimate_shown', path: '/get-quote', source: null, campaign: null },
    ]);
    expect(FLUSH_DELAY_MS).toBeGreaterThan(0);
  });

  it('never sends more than the contract allows in one request', () => {
    const { reporter, batches, runTimers } = setup();

    for (let index = 0; index < MAX_BATCH + 7; index += 1) reporter.track('page_view');
    runTimers();

    expect(batches().map((batch) => batch.events.length)).toEqual([MAX_BATCH, 7]);
  });

  it('sends at once when the page is hidden, and on flush', () => {
    const { reporter, fetchMock, hide } = setup();

    reporter.track('chat_started');
    reporter.flush();
    expect(fetchMock).toHaveBeenCalledTimes(1);

    hide();
    reporter.vital('CLS', 0.02, 'good');
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('reports web vitals with their name, value and rating', () => {
    const { reporter, batches } = setup();

    reporter.vital('LCP', 1234.5, 'good');
    reporter.vital('INP', Number.NaN);
    reporter.flush();

    expect(batches()[0]?.events).toEqual([
      {
        type: 'web_vital',
        name: 'LCP',
        value: 1234.5,
        rating: 'good',
        path: '/',
        source: null,
        campaign: null,
      },
    ]);
  });

  it('keeps one random session per tab and the landing page campaign across reloads', () => {
    const first = setup({ search: '?utm_source=newsletter&utm_campaign=spring&email=a@b.co' });
    first.reporter.track('page_view');
    first.reporter.flush();

    // The same tab later, on a page without the tags.
    const second = setup({
      search: '',
      storage: first.storage,
    });
    second.reporter.track('page_view');
    second.reporter.flush();

    const [a] = first.batches();
    const [b] = second.batches();
    expect(b?.session).toBe(a?.session);
    expect(b?.events[0]).toMatchObject({ source: 'newsletter', campaign: 'spring' });
    expect(first.storage.items.get(SESSION_STORAGE_KEY)).not.toContain('a@b.co');
  });

  it('reports a once-only step once per key, also after a reload', () => {
    const first = setup();
    first.reporter.trackOnce('estimate_shown', 'chat-1');
    first.reporter.trackOnce('estimate_shown', 'chat-1');
    first.reporter.trackOnce('estimate_shown', 'chat-2');
    first.reporter.flush();
    const again = setup({ storage: first.storage });
    again.reporter.trackOnce('estimate_shown', 'chat-1');
    again.reporter.flush();

    expect(first.batches()[0]?.events).toHaveLength(2);
    expect(again.fetchMock).not.toHaveBeenCalled();
  });

  it.each([
    ['Global Privacy Control', { doNotTrack: null, globalPrivacyControl: true }],
    ['Do Not Track', { doNotTrack: '1' }],
  ])('collects and sends nothing under %s, and stores no session', (_name, navigator) => {
    const { reporter, fetchMock, storage, runTimers } = setup({ navigator });

    reporter.track('page_view');
    reporter.trackOnce('consented', 'chat-1');
    reporter.vital('LCP', 900);
    reporter.flush();
    runTimers();

    expect(reporter.enabled).toBe(false);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(storage.items.size).toBe(0);
  });

  it('sends no personal data: no query string, no emails, no long numbers', () => {
    const { reporter, location, batches } = setup({
      search: '?utm_source=jane.doe@example.com&utm_campaign=call 6025550142',
    });
    location.pathname = '/leads/6025550142';
    (location as { search: string }).search = '?email=jane.doe@example.com&phone=6025550142';

    reporter.track('contact_given');
    reporter.flush();

    const text = JSON.stringify(batches());
    expect(text).not.toMatch(/@|6025550142|\?/);
    expect(batches()[0]?.events[0]).toEqual({
      type: 'contact_given',
      path: '/leads/:n',
      source: null,
      campaign: null,
    });
  });

  it('fails silently: a refused or failing endpoint never throws into the page', async () => {
    const failing = vi.fn(() => Promise.reject(new TypeError('Failed to fetch')));
    const throwing = vi.fn(() => {
      throw new TypeError('fetch is not a function');
    });
    const sendBeacon = vi.fn(() => {
      throw new TypeError('not allowed');
    });

    for (const fetchImpl of [failing, throwing]) {
      const { reporter } = setup({
        fetch: fetchImpl as unknown as typeof fetch,
        navigator: { doNotTrack: null, sendBeacon },
      });
      expect(() => {
        reporter.track('page_view');
        reporter.flush();
      }).not.toThrow();
    }
    await Promise.resolve();
    expect(failing).toHaveBeenCalledTimes(1);
    // fetch itself missing: the beacon is tried instead.
    expect(sendBeacon).toHaveBeenCalledTimes(1);
  });

  it.each([
    [' spring_sale ', 'spring_sale'],
    ['a'.repeat(150), 'a'.repeat(100)],
    ['me@example.com', null],
    ['order 123456', null],
    ['', null],
    [null, null],
  ])('keeps campaign tag %j as %j', (raw, tag) => {
    expect(campaignTag(raw)).toBe(tag);
  });

  it.each([
    ['/', '/'],
    ['/get-quote', '/get-quote'],
    ['/chat/12345678', '/chat/:n'],
  ])('reports path %j as %j', (raw, path) => {
    expect(safePath(raw)).toBe(path);
  });
});
