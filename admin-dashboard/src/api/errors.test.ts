import { describe, expect, it } from "vitest";

import { ApiError, isApiErrorBody } from "./errors";

describe("ApiError.fromResponse", () => {
  it("reads the backend's error shape", () => {
    const error = ApiError.fromResponse(new Response(null, { status: 409 }), {
      error: { code: "duplicate_lead", message: "This lead already exists.", details: { lead_id: "abc" } },
    });

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(Error);
    expect(error.status).toBe(409);
    expect(error.code).toBe("duplicate_lead");
    expect(error.message).toBe("This lead already exists.");
    expect(error.details).toEqual({ lead_id: "abc" });
    expect(error.isClientError).toBe(true);
    expect(error.isUnauthorized).toBe(false);
  });

  it("maps a null details to undefined", () => {
    const error = ApiError.fromResponse(new Response(null, { status: 401 }), {
      error: { code: "unauthorized", message: "Authentication is required.", details: null },
    });
    expect(error.details).toBeUndefined();
    expect(error.isUnauthorized).toBe(true);
  });

  it("reads Retry-After in seconds", () => {
    const error = ApiError.fromResponse(
      new Response(null, { status: 429, headers: { "Retry-After": "12" } }),
      { error: { code: "rate_limited", message: "Too many requests; slow down." } },
    );
    expect(error.retryAfterSeconds).toBe(12);
  });

  it("reads Retry-After as an HTTP date", () => {
    const inOneMinute = new Date(Date.now() + 60_000).toUTCString();
    const error = ApiError.fromResponse(new Response(null, { status: 503, headers: { "Retry-After": inOneMinute } }), {});
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(58);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it.each([
    ["an HTML page from a proxy", "<html>Bad gateway</html>"],
    ["an empty body", undefined],
    ["a FastAPI default body", { detail: "Not Found" }],
    ["an error without a message", { error: { code: "x" } }],
  ])("still gives a usable error for %s", (_label, body) => {
    const error = ApiError.fromResponse(new Response(null, { status: 502, statusText: "Bad Gateway" }), body);
    expect(error.status).toBe(502);
    expect(error.code).toBe("http_502");
    expect(error.message).toBe("Bad Gateway (HTTP 502).");
    expect(error.isClientError).toBe(false);
    expect(error.retryAfterSeconds).toBeUndefined();
  });
});

describe("isApiErrorBody", () => {
  it.each([
    [{ error: { code: "not_found", message: "Nope" } }, true],
    [{ error: { code: "not_found", message: "Nope", details: [1] } }, true],
    [{ error: "not_found" }, false],
    [{ error: { code: 404, message: "Nope" } }, false],
    [null, false],
    ["error", false],
  ])("%j -> %s", (body, expected) => {
    expect(isApiErrorBody(body)).toBe(expected);
  });
});
