import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { createApiClient, unwrap } from "@/api/client";
import { NetworkError } from "@/api/errors";
import { tokenResponse } from "@/test/fixtures";
import { apiError, jsonResponse, requestsOf, stubApi } from "@/test/utils";

import { createAuthMiddleware } from "./auth-middleware";
import { Session } from "./session";
import { getAccessToken } from "./token-store";

const HINT = "aurum-admin:has-session";
const LEADS = "/api/v1/admin/leads";
const page = { items: [], next_cursor: null };

let now = 1_000_000;
let session: Session;

/** A client wired like the app's: bearer token, refresh on 401, retry once. */
function setup() {
  const client = createApiClient({ baseUrl: "http://api.test" });
  session = new Session({ client, storage: localStorage, now: () => now });
  client.use(createAuthMiddleware({ refresh: () => session.refreshAccessToken(), tokenExpiresSoon: session.tokenExpiresSoon }));
  return { client, session };
}

/** `Authorization` of every request to `path`, in order. */
function bearersTo(fetchMock: ReturnType<typeof stubApi>, path: string) {
  return requestsOf(fetchMock)
    .filter((request) => new URL(request.url).pathname === path)
    .map((request) => request.headers.get("Authorization"));
}

function contents(storage: Storage): Record<string, string | null> {
  return Object.fromEntries(Object.keys(storage).map((key) => [key, storage.getItem(key)]));
}

function refreshCount(fetchMock: ReturnType<typeof stubApi>) {
  return requestsOf(fetchMock).filter((request) => request.url.endsWith("/api/v1/auth/refresh")).length;
}

beforeEach(() => {
  now = 1_000_000;
});

afterEach(() => {
  session.reset();
  vi.useRealTimers();
});

describe("sign-in", () => {
  it("holds the access token in memory and only a hint in storage", async () => {
    stubApi({ "POST /api/v1/auth/login": () => jsonResponse(tokenResponse("manager")) });
    const { session } = setup();

    const user = await session.signIn("manager@example.com", "correct horse battery");

    expect(user.role).toBe("manager");
    expect(session.getState()).toMatchObject({ status: "signed-in", user: { email: "manager@example.com" } });
    expect(getAccessToken()).toBe("access-manager");
    expect(contents(localStorage)).toEqual({ [HINT]: "1" });
    expect(contents(sessionStorage)).toEqual({});
  });

  it("sends credentials so the API can set its HttpOnly refresh cookie", async () => {
    const fetchMock = stubApi({ "POST /api/v1/auth/login": () => jsonResponse(tokenResponse("admin")) });
    const { session } = setup();
    await session.signIn("admin@example.com", "pw");

    const [login] = requestsOf(fetchMock);
    expect(login?.credentials).toBe("include");
    expect(await login?.json()).toEqual({ email: "admin@example.com", password: "pw" });
  });

  it("does not try to refresh when the sign-in itself answers 401", async () => {
    const fetchMock = stubApi({
      "POST /api/v1/auth/login": () => apiError(401, "invalid_credentials", "The email or password is incorrect."),
    });
    const { session } = setup();

    await expect(session.signIn("nobody@example.com", "wrong")).rejects.toMatchObject({ status: 401 });
    expect(refreshCount(fetchMock)).toBe(0);
    expect(getAccessToken()).toBeNull();
  });
});

describe("refresh on 401", () => {
  it("refreshes once and retries the request with the new token", async () => {
    let calls = 0;
    const fetchMock = stubApi({
      [`GET ${LEADS}`]: () => (++calls === 1 ? apiError(401, "token_expired", "The access token has expired; refresh it.") : jsonResponse(page)),
      "POST /api/v1/auth/refresh": () => jsonResponse(tokenResponse("analyst", {}, { access_token: "fresh" })),
    });
    const { client, session } = setup();
    session.establish(tokenResponse("analyst", {}, { access_token: "stale" }));

    await expect(unwrap(client.GET(LEADS))).resolves.toEqual(page);
    expect(bearersTo(fetchMock, LEADS)).toEqual(["Bearer stale", "Bearer fresh"]);
    expect(session.getState().status).toBe("signed-in");
  });

  it("shares one refresh between concurrent 401s (single flight)", async () => {
    const fetchMock = stubApi({
      [`GET ${LEADS}`]: (request) =>
        request.headers.get("Authorization") === "Bearer fresh" ? jsonResponse(page) : apiError(401, "token_expired", "Expired."),
      "POST /api/v1/auth/refresh": async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return jsonResponse(tokenResponse("analyst", {}, { access_token: "fresh" }));
      },
    });
    const { client, session } = setup();
    session.establish(tokenResponse("analyst", {}, { access_token: "stale" }));

    const results = await Promise.all([1, 2, 3].map(() => unwrap(client.GET(LEADS))));

    expect(results).toEqual([page, page, page]);
    expect(refreshCount(fetchMock)).toBe(1);
    expect(bearersTo(fetchMock, LEADS).filter((bearer) => bearer === "Bearer fresh")).toHaveLength(3);
  });

  it("retries with a token another request already renewed, without refreshing again", async () => {
    const fetchMock = stubApi({
      [`GET ${LEADS}`]: (request) =>
        request.headers.get("Authorization") === "Bearer newer" ? jsonResponse(page) : apiError(401, "token_expired", "Expired."),
    });
    const { client, session } = setup();
    session.establish(tokenResponse("analyst", {}, { access_token: "stale" }));
    const pending = unwrap(client.GET(LEADS));
    // Meanwhile (say, another request's refresh) a new token arrives.
    session.establish(tokenResponse("analyst", {}, { access_token: "newer" }));

    await expect(pending).resolves.toEqual(page);
    expect(refreshCount(fetchMock)).toBe(0);
  });

  it("ends the session when the refresh is refused, and lets the 401 through once", async () => {
    const fetchMock = stubApi({
      [`GET ${LEADS}`]: () => apiError(401, "session_ended", "This session has ended; sign in again."),
      "POST /api/v1/auth/refresh": () => apiError(401, "session_expired", "The session has expired; sign in again."),
    });
    const { client, session } = setup();
    session.establish(tokenResponse("analyst"));

    await expect(unwrap(client.GET(LEADS))).rejects.toMatchObject({ status: 401, code: "session_ended" });
    expect(bearersTo(fetchMock, LEADS)).toHaveLength(1);
    expect(session.getState()).toEqual({ status: "signed-out", reason: "expired" });
    expect(getAccessToken()).toBeNull();
    expect(localStorage.getItem(HINT)).toBeNull();
  });

  it("retries only once: a 401 after a successful refresh is final", async () => {
    const fetchMock = stubApi({
      [`GET ${LEADS}`]: () => apiError(401, "invalid_token", "The access token is not valid."),
      "POST /api/v1/auth/refresh": () => jsonResponse(tokenResponse("analyst", {}, { access_token: "fresh" })),
    });
    const { client, session } = setup();
    session.establish(tokenResponse("analyst"));

    await expect(unwrap(client.GET(LEADS))).rejects.toMatchObject({ status: 401 });
    expect(bearersTo(fetchMock, LEADS)).toHaveLength(2);
    expect(refreshCount(fetchMock)).toBe(1);
  });

  it("retries a PATCH with its body intact", async () => {
    let calls = 0;
    const bodies: unknown[] = [];
    stubApi({
      "PATCH /api/v1/admin/leads/:id": async (request) => {
        bodies.push(await request.json());
        return ++calls === 1 ? apiError(401, "token_expired", "Expired.") : jsonResponse({ ok: true });
      },
      "POST /api/v1/auth/refresh": () => jsonResponse(tokenResponse("manager", {}, { access_token: "fresh" })),
    });
    const { client, session } = setup();
    session.establish(tokenResponse("manager"));

    await client.PATCH("/api/v1/admin/leads/{lead_id}", { params: { path: { lead_id: "x" } }, body: { status: "sold" } });
    expect(bodies).toEqual([{ status: "sold" }, { status: "sold" }]);
  });

  it("keeps the session when the API cannot be reached to refresh", async () => {
    stubApi({
      [`GET ${LEADS}`]: () => apiError(401, "token_expired", "Expired."),
      "POST /api/v1/auth/refresh": () => {
        throw new TypeError("Failed to fetch");
      },
    });
    const { client, session } = setup();
    session.establish(tokenResponse("analyst"));

    await expect(client.GET(LEADS)).rejects.toBeInstanceOf(NetworkError);
    expect(session.getState().status).toBe("signed-in");
  });

  it("refreshes before sending a token that is about to expire", async () => {
    const fetchMock = stubApi({
      [`GET ${LEADS}`]: () => jsonResponse(page),
      "POST /api/v1/auth/refresh": () => jsonResponse(tokenResponse("analyst", {}, { access_token: "fresh" })),
    });
    const { client, session } = setup();
    session.establish(tokenResponse("analyst", {}, { access_token: "old", expires_in: 900 }));
    now += 898_000; // 2 s before expiry

    await unwrap(client.GET(LEADS));
    expect(bearersTo(fetchMock, LEADS)).toEqual(["Bearer fresh"]);
  });

  it("never refreshes for the readiness poll, which is not the user being active", async () => {
    const fetchMock = stubApi({
      "GET /health/ready": () => jsonResponse({ status: "ok", checks: {}, degraded: [] }),
      "POST /api/v1/auth/refresh": () => jsonResponse(tokenResponse("analyst")),
    });
    const { client, session } = setup();
    session.establish(tokenResponse("analyst", {}, { expires_in: 900 }));
    now += 899_000;

    await client.GET("/health/ready");
    expect(refreshCount(fetchMock)).toBe(0);
  });

  it("serialises refreshes across tabs with the Web Locks API when the browser has it", async () => {
    const request = vi.fn((_name: string, task: () => Promise<unknown>) => task());
    vi.stubGlobal("navigator", { locks: { request } });
    stubApi({ "POST /api/v1/auth/refresh": () => jsonResponse(tokenResponse("admin")) });
    const { session } = setup();

    await expect(session.refreshAccessToken()).resolves.toBe(true);
    expect(request).toHaveBeenCalledExactlyOnceWith("aurum-admin:refresh", expect.any(Function));
  });
});

describe("silent refresh before expiry", () => {
  it("refreshes a minute before expiry while the user is active", async () => {
    vi.useFakeTimers();
    const fetchMock = stubApi({ "POST /api/v1/auth/refresh": () => jsonResponse(tokenResponse("analyst", {}, { access_token: "fresh" })) });
    const { session } = setup();
    session.establish(tokenResponse("analyst", {}, { expires_in: 900 }));

    now += 1000;
    window.dispatchEvent(new KeyboardEvent("keydown"));
    await vi.advanceTimersByTimeAsync(839_000);
    expect(refreshCount(fetchMock)).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(refreshCount(fetchMock)).toBe(1);
    expect(getAccessToken()).toBe("fresh");
  });

  it("lets the token lapse while the user is idle (the API's idle timeout must be able to end the session)", async () => {
    vi.useFakeTimers();
    const fetchMock = stubApi({ "POST /api/v1/auth/refresh": () => jsonResponse(tokenResponse("analyst")) });
    const { session } = setup();
    session.establish(tokenResponse("analyst", {}, { expires_in: 900 }));

    await vi.advanceTimersByTimeAsync(900_000);
    expect(refreshCount(fetchMock)).toBe(0);
    expect(session.getState().status).toBe("signed-in");
  });
});

describe("restore on page load", () => {
  it("asks nothing and shows the login form when this browser never signed in", async () => {
    const fetchMock = stubApi({});
    const { session } = setup();

    await session.restore();
    expect(session.getState()).toEqual({ status: "signed-out", reason: null });
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("trades the refresh cookie for a token when a session may exist", async () => {
    localStorage.setItem(HINT, "1");
    stubApi({ "POST /api/v1/auth/refresh": () => jsonResponse(tokenResponse("admin")) });
    const { session } = setup();

    const restoring = session.restore();
    expect(session.getState().status).toBe("restoring");
    await Promise.all([restoring, session.restore()]);
    expect(session.getState()).toMatchObject({ status: "signed-in", user: { role: "admin" } });
    expect(getAccessToken()).toBe("access-admin");
  });

  it("forgets the hint when the cookie no longer works", async () => {
    localStorage.setItem(HINT, "1");
    stubApi({ "POST /api/v1/auth/refresh": () => apiError(401, "invalid_refresh_token", "Sign in again.") });
    const { session } = setup();

    await session.restore();
    expect(session.getState()).toEqual({ status: "signed-out", reason: "expired" });
    expect(localStorage.getItem(HINT)).toBeNull();
  });

  it("says so when the API cannot be reached", async () => {
    localStorage.setItem(HINT, "1");
    stubApi({ "POST /api/v1/auth/refresh": () => apiError(503, "database_unavailable", "Try again shortly.") });
    const { session } = setup();

    await session.restore();
    expect(session.getState()).toEqual({ status: "signed-out", reason: "unreachable" });
    expect(localStorage.getItem(HINT)).toBe("1");
  });
});

describe("sign-out", () => {
  it("ends the session at the API with the bearer token, then forgets it", async () => {
    const fetchMock = stubApi({ "POST /api/v1/auth/logout": () => new Response(null, { status: 204 }) });
    const { session } = setup();
    session.establish(tokenResponse("manager"));

    await session.signOut();

    const [logout] = requestsOf(fetchMock);
    expect(logout?.headers.get("Authorization")).toBe("Bearer access-manager");
    expect(logout?.credentials).toBe("include");
    expect(session.getState()).toEqual({ status: "signed-out", reason: "signed-out" });
    expect(getAccessToken()).toBeNull();
    expect(localStorage.getItem(HINT)).toBeNull();
  });

  it("forgets the session even when the API is unreachable", async () => {
    stubApi({});
    const { session } = setup();
    session.establish(tokenResponse("manager"));

    await session.signOut();
    expect(session.getState().status).toBe("signed-out");
  });
});
