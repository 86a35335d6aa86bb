import { describe, expect, it } from "vitest";

import { jsonResponse, stubFetch } from "@/test/utils";

import { createApiClient, unwrap } from "./client";
import { ApiError, NetworkError } from "./errors";

describe("apiClient", () => {
  it("turns a failed fetch into a NetworkError naming the API", async () => {
    stubFetch(() => {
      throw new TypeError("Failed to fetch");
    });
    const client = createApiClient({ baseUrl: "http://api.test" });

    const failure = client.GET("/health");
    await expect(failure).rejects.toBeInstanceOf(NetworkError);
    await expect(failure).rejects.toMatchObject({ url: "http://api.test" });
  });

  it("leaves a cancelled request an AbortError, not a network failure", async () => {
    stubFetch(() => {
      throw new DOMException("The operation was aborted.", "AbortError");
    });
    const client = createApiClient({ baseUrl: "http://api.test" });

    await expect(client.GET("/health")).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("unwrap", () => {
  const client = createApiClient({ baseUrl: "http://api.test" });

  it("returns the typed data of a success", async () => {
    stubFetch(() => jsonResponse({ status: "ok" }));
    await expect(unwrap(client.GET("/health"))).resolves.toEqual({ status: "ok" });
  });

  it("throws an ApiError carrying the backend's code and message", async () => {
    stubFetch(() =>
      jsonResponse({ error: { code: "unauthorized", message: "Authentication is required." } }, 401),
    );
    const failure = unwrap(client.GET("/health"));
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ status: 401, code: "unauthorized" });
  });

  it("throws on an empty error response", async () => {
    stubFetch(() => new Response(null, { status: 500, statusText: "Internal Server Error" }));
    await expect(unwrap(client.GET("/health"))).rejects.toMatchObject({ status: 500, code: "http_500" });
  });
});
