import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { jsonResponse, renderWithQueryClient, requestsOf, stubFetch } from "@/test/utils";

import type { Readiness } from "../api/readiness";
import { ReadinessPanel } from "./readiness-panel";

const healthy: Readiness = {
  status: "ok",
  checks: {
    database: { status: "ok", backend: "postgresql", latency_ms: 1.24 },
    cache: { status: "ok", backend: "redis", latency_ms: 0.4 },
  },
  degraded: [],
};

const redisDown: Readiness = {
  status: "degraded",
  checks: {
    database: { status: "ok", backend: "postgresql", latency_ms: 1.1 },
    cache: {
      status: "unavailable",
      backend: "redis",
      latency_ms: 500.2,
      error: "ConnectionError: Connection refused",
      fallback: "memory",
    },
  },
  degraded: ["redis"],
};

const databaseDown: Readiness = {
  status: "unavailable",
  checks: {
    database: { status: "unavailable", backend: "postgresql", latency_ms: 2000, error: "TimeoutError: " },
    cache: { status: "ok", backend: "redis", latency_ms: 0.3 },
  },
  degraded: [],
};

function statusRegion() {
  return screen.getByRole("status");
}

function checkRow(name: string) {
  return screen.getByRole("row", { name: new RegExp(`^${name}`) });
}

describe("ReadinessPanel", () => {
  it("asks the configured API for /health/ready with credentials", async () => {
    const fetchMock = stubFetch(() => jsonResponse(healthy));
    renderWithQueryClient(<ReadinessPanel />);

    expect(await within(statusRegion()).findByText("Operational")).toBeInTheDocument();
    const [request] = requestsOf(fetchMock);
    expect(request?.url).toBe("http://api.test/health/ready");
    expect(request?.method).toBe("GET");
    expect(request?.credentials).toBe("include");
    expect(within(checkRow("Database")).getByText("postgresql")).toBeInTheDocument();
    expect(within(checkRow("Database")).getByText("1.2 ms")).toBeInTheDocument();
  });

  it("shows a degraded API and which fallback stands in", async () => {
    stubFetch(() => jsonResponse(redisDown));
    renderWithQueryClient(<ReadinessPanel />);

    expect(await within(statusRegion()).findByText("Degraded")).toBeInTheDocument();
    expect(statusRegion()).toHaveTextContent(/fallback standing in for redis/);
    const cache = checkRow("Cache");
    expect(within(cache).getByText("Unavailable")).toBeInTheDocument();
    expect(within(cache).getByText("Fallback: memory")).toBeInTheDocument();
    expect(within(cache).getByText("ConnectionError: Connection refused")).toBeInTheDocument();
    expect(within(checkRow("Database")).getByText("OK")).toBeInTheDocument();
  });

  it("reads a 503 readiness body as an unavailable API, not as a failed request", async () => {
    stubFetch(() => jsonResponse(databaseDown, 503, { "Retry-After": "5" }));
    renderWithQueryClient(<ReadinessPanel />);

    expect(await within(statusRegion()).findByText("Unavailable")).toBeInTheDocument();
    expect(statusRegion()).toHaveTextContent(/database is unreachable/);
    expect(within(checkRow("Database")).getByText("Unavailable")).toBeInTheDocument();
  });

  it("says the API is unreachable when fetch itself fails", async () => {
    stubFetch(() => {
      throw new TypeError("Failed to fetch");
    });
    renderWithQueryClient(<ReadinessPanel />);

    expect(await within(statusRegion()).findByText("Unreachable")).toBeInTheDocument();
    expect(statusRegion()).toHaveTextContent("No answer from http://api.test.");
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("reports an unexpected error response with its status", async () => {
    stubFetch(() => new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" }));
    renderWithQueryClient(<ReadinessPanel />);

    expect(await within(statusRegion()).findByText("Error")).toBeInTheDocument();
    expect(statusRegion()).toHaveTextContent("The API answered HTTP 502: Bad Gateway (HTTP 502).");
  });

  it("replaces stale good news when a re-check cannot reach the API", async () => {
    let reachable = true;
    stubFetch(() => {
      if (!reachable) throw new TypeError("Failed to fetch");
      return jsonResponse(healthy);
    });
    const { user } = renderWithQueryClient(<ReadinessPanel />);
    expect(await within(statusRegion()).findByText("Operational")).toBeInTheDocument();

    reachable = false;
    await user.click(screen.getByRole("button", { name: "Check again" }));

    expect(await within(statusRegion()).findByText("Unreachable")).toBeInTheDocument();
    expect(within(statusRegion()).queryByText("Operational")).not.toBeInTheDocument();
  });
});
