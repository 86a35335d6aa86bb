/**
 * The signed-in session: sign-in, silent refresh, restore on page load, sign-out.
 *
 * - The access token lives in memory only (`token-store.ts`); the refresh token is the API's
 *   HttpOnly cookie, so a reload keeps the session through `POST /auth/refresh`.
 * - Refreshes are single-flight (concurrent callers share one request) and, across tabs,
 *   serialised with the Web Locks API: the API ends the whole session when one refresh
 *   token is presented twice, which two tabs refreshing at once would do.
 * - The token is refreshed shortly before it expires only while the user is active, so an
 *   idle dashboard lets the API's idle timeout end the session, as it should.
 * - `localStorage` holds a *hint* that a session may exist (never a token): without it the
 *   page load skips a refresh that could only answer 401.
 */

import { apiClient, unwrap, type ApiClient } from "@/api/client";
import { ApiError } from "@/api/errors";
import type { components } from "@/api/schema";

import { getAccessToken, setAccessToken } from "./token-store";

export type AdminUser = components["schemas"]["AdminUserOut"];
export type TokenResponse = components["schemas"]["TokenOut"];

/** Why there is no session: signed out on purpose, ended by the API, or never checked (null). */
export type SignedOutReason = "signed-out" | "expired" | "unreachable" | null;

export type SessionState =
  | { status: "unknown" }
  | { status: "restoring" }
  | { status: "signed-in"; user: AdminUser }
  | { status: "signed-out"; reason: SignedOutReason };

const SESSION_HINT_KEY = "aurum-admin:has-session";
const REFRESH_LOCK = "aurum-admin:refresh";
/** Refresh this long before the access token expires (at most a fifth of its lifetime). */
const REFRESH_LEAD_SECONDS = 60;
/** A token this close to expiry is refreshed before a request rather than sent to fail. */
const EXPIRY_MARGIN_MS = 5_000;
const ACTIVITY_EVENTS = ["pointerdown", "keydown"] as const;

export interface SessionDeps {
  client: ApiClient;
  storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null;
  now: () => number;
}

function browserStorage(): SessionDeps["storage"] {
  try {
    return globalThis.localStorage;
  } catch {
    return null; // storage disabled: always try the refresh cookie
  }
}

/** Runs `task` holding a cross-tab lock when the browser has the Web Locks API. */
function withRefreshLock<T>(task: () => Promise<T>): Promise<T> {
  if (typeof navigator === "undefined" || !("locks" in navigator)) return task();
  return navigator.locks.request(REFRESH_LOCK, task) as Promise<T>;
}

type Listener = () => void;

export class Session {
  private state: SessionState = { status: "unknown" };
  private readonly listeners = new Set<Listener>();
  private refreshing: Promise<boolean> | null = null;
  private restoring: Promise<void> | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private tokenExpiresAt = 0;
  private tokenIssuedAt = 0;
  private lastActivityAt = 0;
  private readonly deps: SessionDeps;

  constructor(deps: Partial<SessionDeps> = {}) {
    this.deps = {
      client: deps.client ?? apiClient,
      storage: deps.storage === undefined ? browserStorage() : deps.storage,
      now: deps.now ?? Date.now,
    };
  }

  // --- store (fits useSyncExternalStore) ---------------------------------------------------

  readonly getState = (): SessionState => this.state;

  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private setState(next: SessionState): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }

  // --- actions -----------------------------------------------------------------------------

  /** Signs in; throws `ApiError` (401 wrong credentials, 429 locked, 422) or `NetworkError`. */
  async signIn(email: string, password: string): Promise<AdminUser> {
    const body = await unwrap(this.deps.client.POST("/api/v1/auth/login", { body: { email, password } }));
    this.establish(body);
    return body.user;
  }

  /**
   * On page load: trade the refresh cookie (if any) for an access token before showing the
   * login form, so a reload keeps the session. Runs once; later calls share the first.
   */
  restore(): Promise<void> {
    if (this.state.status !== "unknown") return this.restoring ?? Promise.resolve();
    if (!this.hasSessionHint()) {
      this.setState({ status: "signed-out", reason: null });
      return Promise.resolve();
    }
    this.setState({ status: "restoring" });
    this.restoring = this.refreshAccessToken()
      .then(() => undefined)
      .catch(() => {
        // The API could not be asked: show the login form, saying why.
        if (this.state.status === "restoring") this.setState({ status: "signed-out", reason: "unreachable" });
      })
      .finally(() => {
        this.restoring = null;
      });
    return this.restoring;
  }

  /**
   * A new access token from the refresh cookie. Resolves true with the new token held, false
   * when the API says the session is over (the session then ends as "expired"); rejects when
   * the API could not answer (network, 429, 5xx), leaving the session as it was.
   * Concurrent calls share one request.
   */
  refreshAccessToken(): Promise<boolean> {
    this.refreshing ??= withRefreshLock(() => this.requestRefresh()).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async requestRefresh(): Promise<boolean> {
    try {
      this.establish(await unwrap(this.deps.client.POST("/api/v1/auth/refresh")));
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.end("expired");
        return false;
      }
      throw error;
    }
  }

  /** Signs out at the API (ending this session's refresh and access tokens), then locally. */
  async signOut(): Promise<void> {
    try {
      await this.deps.client.POST("/api/v1/auth/logout");
    } catch {
      // Unreachable API: forget the session here anyway; the user asked to leave.
    }
    this.end("signed-out");
  }

  /** The app's reaction to a 401 that a refresh could not cure: the session is over. */
  expire(): void {
    setAccessToken(null);
    if (this.state.status === "signed-in") this.end("expired");
  }

  /** Back to "never checked", dropping everything (tests, and nothing else). */
  reset(): void {
    this.stopTimers();
    setAccessToken(null);
    this.refreshing = null;
    this.restoring = null;
    this.state = { status: "unknown" };
  }

  /** True while signed in with a token that is about to expire (refresh before using it). */
  readonly tokenExpiresSoon = (): boolean =>
    this.state.status === "signed-in" &&
    getAccessToken() !== null &&
    this.deps.now() >= this.tokenExpiresAt - EXPIRY_MARGIN_MS;

  /** Holds a token response: the token in memory, the user in state, the next refresh planned. */
  establish(body: TokenResponse): void {
    const now = this.deps.now();
    setAccessToken(body.access_token);
    // `expires_in` (relative) rather than `expires_at`: immune to a skewed client clock.
    this.tokenIssuedAt = now;
    this.tokenExpiresAt = now + body.expires_in * 1000;
    this.setSessionHint(true);
    this.scheduleRefresh(body.expires_in);
    this.watchActivity();
    this.setState({ status: "signed-in", user: body.user });
  }

  private end(reason: Exclude<SignedOutReason, null>): void {
    this.stopTimers();
    setAccessToken(null);
    this.setSessionHint(false);
    this.setState({ status: "signed-out", reason });
  }

  // --- silent refresh while active --------------------------------------------------------

  private scheduleRefresh(expiresInSeconds: number): void {
    clearTimeout(this.refreshTimer);
    const lead = Math.min(REFRESH_LEAD_SECONDS, expiresInSeconds / 5);
    const delayMs = Math.max(1, expiresInSeconds - lead) * 1000;
    this.refreshTimer = setTimeout(() => {
      // Idle since this token came: let it lapse, so the API's idle timeout can end the session.
      // The next request after the user returns refreshes first (`tokenExpiresSoon`).
      if (this.lastActivityAt > this.tokenIssuedAt) {
        this.refreshAccessToken().catch(() => undefined);
      }
    }, delayMs);
  }

  private readonly noteActivity = (): void => {
    this.lastActivityAt = this.deps.now();
  };

  private watchActivity(): void {
    if (typeof window === "undefined") return;
    for (const type of ACTIVITY_EVENTS) {
      // Adding the same listener twice is a no-op, so refreshes need no bookkeeping.
      window.addEventListener(type, this.noteActivity, { capture: true, passive: true });
    }
  }

  private stopTimers(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    if (typeof window === "undefined") return;
    for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, this.noteActivity, { capture: true });
  }

  // --- session hint ------------------------------------------------------------------------

  private hasSessionHint(): boolean {
    const { storage } = this.deps;
    if (!storage) return true;
    try {
      return storage.getItem(SESSION_HINT_KEY) === "1";
    } catch {
      return true;
    }
  }

  private setSessionHint(present: boolean): void {
    try {
      if (present) this.deps.storage?.setItem(SESSION_HINT_KEY, "1");
      else this.deps.storage?.removeItem(SESSION_HINT_KEY);
    } catch {
      // Storage full or disabled: the hint is an optimisation only.
    }
  }
}

/** The app's one session (wired to the app's API client). */
export const session = new Session();
