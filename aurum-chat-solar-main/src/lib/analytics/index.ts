/**
 * The page's one reporter. Inert until `startAnalytics()` (main.tsx) runs, so components
 * can report steps anywhere and tests of them send nothing.
 */
import { config } from '../../config';
import { createReporter, type FunnelStep, type Reporter } from './reporter';

let reporter: Reporter | null = null;

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** Starts reporting for this page: the first page view now, Core Web Vitals when known. */
export function startAnalytics(): void {
  if (reporter) return;
  try {
    reporter = createReporter({
      endpoint: `${config.apiUrl}/api/v1/events`,
      navigator,
      location: window.location,
      storage: sessionStorageOrNull(),
      fetch: (...args) => window.fetch(...args),
      setTimeout: (callback, ms) => window.setTimeout(callback, ms),
      clearTimeout: (handle) => {
        window.clearTimeout(handle as number);
      },
      isHidden: () => document.visibilityState === 'hidden',
      randomBytes: (length) => crypto.getRandomValues(new Uint8Array(length)),
    });
  } catch {
    return; // no statistics rather than a broken page
  }
  if (!reporter.enabled) return;
  const active = reporter;
  // Whatever is queued goes before the page is hidden or left.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') active.flush();
  });
  window.addEventListener('pagehide', active.flush);
  // web-vitals loads in its own chunk, after the first render: the initial bundle stays small.
  import('./vitals')
    .then(({ reportWebVitals }) => {
      reportWebVitals(active);
    })
    .catch(() => undefined);
}

export function track(type: FunnelStep): void {
  reporter?.track(type);
}

/** Reports `type` once per `key` (a chat's id, a form submission) in this tab. */
export function trackOnce(type: FunnelStep, key: string): void {
  reporter?.trackOnce(type, key);
}
