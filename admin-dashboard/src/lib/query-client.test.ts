import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiError, NetworkError } from "@/api/errors";
import { handleUnauthorized } from "@/features/auth/handle-unauthorized";
import { getAccessToken, setAccessToken } from "@/features/auth/token-store";

import { createQueryClient, shouldRetryQuery } from "./query-client";

afterEach(() => {
  setAccessToken(null);
});

function apiError(status: number) {
  return new ApiError(status, `http_${status}`, "failed");
}

describe("shouldRetryQuery", () => {
  it.each([
    ["a network failure", new NetworkError("http://api.test"), 0, true],
    ["a network failure, second time", new NetworkError("http://api.test"), 1, false],
    ["a 500", apiError(500), 0, true],
    ["a 503", apiError(503), 0, true],
    ["a 400", apiError(400), 0, false],
    ["a 401", apiError(401), 0, false],
    ["a 404", apiError(404), 0, false],
    ["a 429", apiError(429), 0, false],
  ])("%s (failures so far: %i) -> retry %s", (_label, error, failureCount, expected) => {
    expect(shouldRetryQuery(failureCount, error)).toBe(expected);
  });
});

describe("global 401 handling", () => {
  it("drops the access token when a query fails with 401 (the auth feature's handler)", async () => {
    const queryClient = createQueryClient({ onUnauthorized: handleUnauthorized });
    setAccessToken("expired-token");

    await expect(
      queryClient.query({ queryKey: ["leads"], queryFn: () => Promise.reject(apiError(401)) }),
    ).rejects.toBeInstanceOf(ApiError);

    expect(getAccessToken()).toBeNull();
  });

  it.each([403, 404, 500])("leaves the session alone on a %i", async (status) => {
    const onUnauthorized = vi.fn();
    const queryClient = createQueryClient({ onUnauthorized });

    await expect(
      queryClient.query({ queryKey: ["leads"], queryFn: () => Promise.reject(apiError(status)), retry: false }),
    ).rejects.toBeInstanceOf(ApiError);

    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it("calls the handler for a mutation that fails with 401", async () => {
    const onUnauthorized = vi.fn();
    const queryClient = createQueryClient({ onUnauthorized });
    const error = apiError(401);

    const mutation = queryClient.getMutationCache().build(queryClient, {
      mutationFn: () => Promise.reject(error),
    });
    await expect(mutation.execute(undefined)).rejects.toBe(error);

    expect(onUnauthorized).toHaveBeenCalledExactlyOnceWith(error);
  });

  it("does not retry a 4xx, and retries anything else once", async () => {
    const queryClient = createQueryClient();
    queryClient.setDefaultOptions({
      queries: { ...queryClient.getDefaultOptions().queries, retryDelay: 0 },
    });
    const clientError = vi.fn(() => Promise.reject(apiError(422)));
    const serverError = vi.fn(() => Promise.reject(apiError(500)));

    await expect(queryClient.query({ queryKey: ["a"], queryFn: clientError })).rejects.toThrow();
    await expect(queryClient.query({ queryKey: ["b"], queryFn: serverError })).rejects.toThrow();

    expect(clientError).toHaveBeenCalledTimes(1);
    expect(serverError).toHaveBeenCalledTimes(2);
  });
});
