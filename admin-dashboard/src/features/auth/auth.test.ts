import { afterEach, describe, expect, it, vi } from "vitest";

import { createApiClient } from "@/api/client";
import { jsonResponse, requestsOf, stubFetch } from "@/test/utils";

import { authMiddleware } from "./auth-middleware";
import { getAccessToken, setAccessToken, subscribe } from "./token-store";

afterEach(() => {
  setAccessToken(null);
});

function clientWithAuth() {
  const client = createApiClient({ baseUrl: "http://api.test" });
  client.use(authMiddleware);
  return client;
}

describe("auth middleware", () => {
  it("sends no Authorization header while no token is held", async () => {
    const fetchMock = stubFetch(() => jsonResponse({ status: "ok" }));
    await clientWithAuth().GET("/health");

    expect(requestsOf(fetchMock)[0]?.headers.has("Authorization")).toBe(false);
  });

  it("attaches the held token as a bearer token", async () => {
    const fetchMock = stubFetch(() => jsonResponse({ status: "ok" }));
    setAccessToken("token-123");
    await clientWithAuth().GET("/health");

    expect(requestsOf(fetchMock)[0]?.headers.get("Authorization")).toBe("Bearer token-123");
  });

  it("stops sending the token once it is cleared", async () => {
    const fetchMock = stubFetch(() => jsonResponse({ status: "ok" }));
    const client = clientWithAuth();
    setAccessToken("token-123");
    await client.GET("/health");
    setAccessToken(null);
    await client.GET("/health");

    const [first, second] = requestsOf(fetchMock);
    expect(first?.headers.get("Authorization")).toBe("Bearer token-123");
    expect(second?.headers.has("Authorization")).toBe(false);
  });

  it("keeps an Authorization header the caller set explicitly", async () => {
    const fetchMock = stubFetch(() => jsonResponse({ status: "ok" }));
    setAccessToken("token-123");
    await clientWithAuth().GET("/health", { headers: { Authorization: "Bearer other" } });

    expect(requestsOf(fetchMock)[0]?.headers.get("Authorization")).toBe("Bearer other");
  });
});

describe("token store", () => {
  it("keeps the token in memory, never in web storage", () => {
    setAccessToken("token-123");
    expect(getAccessToken()).toBe("token-123");
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
  });

  it("notifies subscribers of changes only, until they unsubscribe", () => {
    const listener = vi.fn();
    const unsubscribe = subscribe(listener);

    setAccessToken("a");
    setAccessToken("a");
    setAccessToken("b");
    expect(listener).toHaveBeenCalledTimes(2);

    unsubscribe();
    setAccessToken(null);
    expect(listener).toHaveBeenCalledTimes(2);
    expect(getAccessToken()).toBeNull();
  });

  it("treats an empty token as none", () => {
    setAccessToken("");
    expect(getAccessToken()).toBeNull();
  });
});
