/**
 * The site's first-party visit statistics: page views and funnel steps, batched to
 * `POST /api/v1/events` (see docs: the analytics contract). No third-party script, no
 * cookie, no personal data: an event is its type, the page's path (never its query), the
 * campaign source and name from the landing URL, and for a web vital its name and value.
 *
 * Nothing is collected or sent when the browser asks not to be tracked (Global Privacy
 * Control, or Do Not Track "1"). Sending never throws and never retries: statistics must
 * not break the page, and the endpoint may not exist yet.
 */

export const FUNNEL_STEPS = [
  'page_view',
  'chat_started',
  'estimate_shown',
  'contact_given',
  'consented',
] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

export type VitalName = 'LCP' | 'INP' | 'CLS';
export type VitalRating = 'good' | 'needs-improvement' | 'poor';

export interface AnalyticsEvent {
  type: FunnelStep | 'web_vital';
  path: string;
  source: string | null;
  campaign: string | null;
  name?: VitalName;
  value?: number;
  rating?: VitalRating;
}

/** The contract's limit per request. */
export const MAX_BATCH = 50;
/** How long an event waits for company before its batch goes. */
export const FLUSH_DELAY_MS = 5000;
/** Events kept while the endpoint is unreachable; older ones are dropped first. */
const MAX_QUEUED = 200;
const MAX_TAG_LENGTH = 100;

export interface ReporterEnvironment {
  /** Where the batches go: the API origin + `/api/v1/events`. */
  endpoint: string;
  navigator: Pick<Navigator, 'doNotTrack'> & {
    globalPrivacyControl?: boolean;
    sendBeacon?: Navigator['sendBeacon'];
  };
  /** The page's location now (path for each event); its search is read once, at start. */
  location: Pick<Location, 'pathname' | 'search'>;
  /** sessionStorage, or null where storage is blocked. */
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  fetch: typeof fetch;
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  isHidden: () => boolean;
  randomBytes: (length: number) => Uint8Array;
}

export const SESSION_STORAGE_KEY = 'aurum.analytics.session';

interface StoredSession {
  id: string;
  source: string | null;
  campaign: string | null;
  /** Steps reported once (`type:key`), so a reload does not count a chat's steps again. */
  once: string[];
}

/** Keys remembered for trackOnce; the oldest are forgotten first. */
const MAX_ONCE_KEYS = 100;

/** Whether the browser asked not to be tracked: then nothing is collected or sent. */
export function trackingRefused(nav: ReporterEnvironment['navigator']): boolean {
  return nav.globalPrivacyControl === true || nav.doNotTrack === '1';
}

/** A campaign tag, unless it looks like it carries a person (an email, a long number). */
export function campaignTag(value: string | null): string | null {
  const trimmed = value?.trim().slice(0, MAX_TAG_LENGTH);
  if (!trimmed || trimmed.includes('@') || /\d{5,}/.test(trimmed)) return null;
  return trimmed;
}

/** The path alone; a long digit run (an id, a phone number) becomes `:n`. */
export function safePath(pathname: string): string {
  const path = pathname.startsWith('/') ? pathname : `/${pathname}`;
  return path.replace(/\d{5,}/g, ':n').slice(0, 200);
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function randomId(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => ID_ALPHABET[byte % 64] ?? '_').join('');
}

function isStoredSession(value: unknown): value is StoredSession {
  return (
    typeof value === 'object' &&
    value !== null &&
    'id' in value &&
    typeof value.id === 'string' &&
    /^[A-Za-z0-9_-]{8,64}$/.test(value.id)
  );
}

/** This tab's session: kept in sessionStorage so a reload is the same visit. */
function tabSession(env: ReporterEnvironment): StoredSession {
  try {
    const stored: unknown = JSON.parse(env.storage?.getItem(SESSION_STORAGE_KEY) ?? 'null');
    if (isStoredSession(stored)) {
      return {
        id: stored.id,
        source: campaignTag(stored.source),
        campaign: campaignTag(stored.campaign),
        once: Array.isArray(stored.once)
          ? stored.once.filter((key): key is string => typeof key === 'string')
          : [],
      };
    }
  } catch {
    // Unreadable storage: a new session.
  }
  const params = new URLSearchParams(env.location.search);
  const session: StoredSession = {
    id: randomId(env.randomBytes(22)),
    source: campaignTag(params.get('utm_source')),
    campaign: campaignTag(params.get('utm_campaign')),
    once: [],
  };
  saveSession(env, session);
  return session;
}

function saveSession(env: ReporterEnvironment, session: StoredSession): void {
  try {
    env.storage?.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
  } catch {
    // Full or blocked: the session lasts as long as the page.
  }
}

export interface Reporter {
  /** Whether this reporter collects anything (false under GPC / DNT). */
  readonly enabled: boolean;
  track: (type: FunnelStep) => void;
  /** The step once per `key` (a chat's id, say) in this tab, reloads included. */
  trackOnce: (type: FunnelStep, key: string) => void;
  vital: (name: VitalName, value: number, rating?: VitalRating) => void;
  /** Sends what is queued now (the page is being hidden or left). */
  flush: () => void;
}

const DISABLED: Reporter = {
  enabled: false,
  track: () => undefined,
  trackOnce: () => undefined,
  vital: () => undefined,
  flush: () => undefined,
};

export function createReporter(env: ReporterEnvironment): Reporter {
  if (trackingRefused(env.navigator)) return DISABLED;
  const session = tabSession(env);
  const queue: AnalyticsEvent[] = [];
  let timer: unknown = null;

  function send(events: AnalyticsEvent[]) {
    const body = JSON.stringify({ session: session.id, events });
    try {
      // keepalive lets the request outlive the page (like sendBeacon, which cannot send
      // JSON across origins without a preflight it does not do).
      env
        .fetch(env.endpoint, {
          method: 'POST',
          body,
          keepalive: true,
          credentials: 'omit',
          headers: { 'Content-Type': 'application/json' },
        })
        .catch(() => undefined);
    } catch {
      try {
        env.navigator.sendBeacon?.(env.endpoint, new Blob([body], { type: 'application/json' }));
      } catch {
        // Statistics are never worth an error on the page.
      }
    }
  }

  function flush() {
    if (timer !== null) env.clearTimeout(timer);
    timer = null;
    while (queue.length > 0) send(queue.splice(0, MAX_BATCH));
  }

  function enqueue(event: Omit<AnalyticsEvent, 'path' | 'source' | 'campaign'>) {
    queue.push({
      ...event,
      path: safePath(env.location.pathname),
      source: session.source,
      campaign: session.campaign,
    });
    if (queue.length > MAX_QUEUED) queue.splice(0, queue.length - MAX_QUEUED);
    // A page being hidden may never run a timer again: send at once.
    if (queue.length >= MAX_BATCH || env.isHidden()) flush();
    else timer ??= env.setTimeout(flush, FLUSH_DELAY_MS);
  }

  return {
    enabled: true,
    track: (type) => {
      enqueue({ type });
    },
    trackOnce: (type, key) => {
      const id = `${type}:${key}`;
      if (session.once.includes(id)) return;
      session.once = [...session.once, id].slice(-MAX_ONCE_KEYS);
      saveSession(env, session);
      enqueue({ type });
    },
    vital: (name, value, rating) => {
      if (!Number.isFinite(value)) return;
      enqueue({ type: 'web_vital', name, value, ...(rating ? { rating } : {}) });
    },
    flush,
  };
}
