import { act, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { components } from "@/api/schema";
import { apiError, jsonResponse, renderRoute, requestsOf, stubApi } from "@/test/utils";

import { change, lastDays, toCsv } from "./api/analytics";
import { describeEvent } from "./api/live-feed";

type Kpis = components["schemas"]["Kpis"];

function kpis(overrides: Partial<Kpis> = {}): Kpis {
  return {
    conversations_started: 100,
    estimates_shown: 80,
    leads: 40,
    qualified: 30,
    qualified_rate: 0.75,
    sellable: 30,
    sold: 20,
    sales: 30,
    sell_through: 2 / 3,
    buyers_per_lead: 1.5,
    gross_revenue_cents: 150_000,
    return_credits_cents: 10_000,
    net_revenue_cents: 140_000,
    revenue_per_lead_cents: 3_500,
    returns: 2,
    return_rate: 2 / 30,
    outcomes_reported: 10,
    won: 2,
    close_rate: 0.2,
    ...overrides,
  };
}

/** A stand-in EventSource: tests push messages and errors through `FakeEventSource.last`. */
class FakeEventSource {
  static instances: FakeEventSource[] = [];
  url: string;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((event: MessageEvent<string>) => void) | null = null;
  listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();
  closed = false;
  constructor(url: string) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
  }
  emit(type: string, data: object, id: string) {
    const event = new MessageEvent<string>(type, { data: JSON.stringify(data), lastEventId: id });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

function analyticsApi({ system = true }: { system?: boolean } = {}) {
  let tickets = 0;
  return stubApi({
    "GET /health/ready": () => jsonResponse({ status: "ready", checks: {} }),
    "GET /api/v1/admin/analytics/summary": (_request, url) => {
      const from = url.searchParams.get("from") ?? "";
      return jsonResponse({
        from,
        to: url.searchParams.get("to"),
        previous_from: from,
        previous_to: from,
        current: kpis(),
        previous: kpis({ net_revenue_cents: 100_000, leads: 50 }),
      });
    },
    "GET /api/v1/admin/analytics/timeseries": () =>
      jsonResponse({ interval: "day", points: [{ start: "2026-11-30", ...kpis({ leads: 3 }) }, { start: "2026-12-01", ...kpis({ leads: 5, net_revenue_cents: 9_900 }) }] }),
    "GET /api/v1/admin/analytics/breakdown": (_request, url) =>
      jsonResponse({
        by: url.searchParams.get("by"),
        rows: [
          { key: "p1", label: "Sunny Installs", ...kpis() },
          { key: "p2", label: "=cmd", ...kpis({ net_revenue_cents: 5_000, close_rate: null }) },
        ],
      }),
    "GET /api/v1/admin/analytics/funnel": () =>
      jsonResponse({
        steps: [
          { step: "visit", count: 1000, rate_from_previous: null, rate_from_start: 1 },
          { step: "chat_started", count: 250, rate_from_previous: 0.25, rate_from_start: 0.25 },
          { step: "sold", count: 20, rate_from_previous: 0.5, rate_from_start: 0.02 },
        ],
        by_source: [{ source: "google", steps: [{ step: "visit", count: 400, rate_from_previous: null, rate_from_start: 1 }] }],
      }),
    "POST /api/v1/admin/events/ticket": () => {
      tickets += 1;
      return jsonResponse({ ticket: `t${String(tickets)}`, expires_in: 30 });
    },
    "GET /api/v1/admin/system": () =>
      system
        ? jsonResponse({
            uptime_seconds: 90_061,
            instances: 1,
            routes: [{ method: "GET", route: "/api/v1/admin/leads", requests: 200, errors: 2, error_rate: 0.01, p50_ms: 12.5, p95_ms: 48.0 }],
            database: { status: "up", latency_ms: 1.2, pool: { size: 10, checked_out: 2, overflow: 0 } },
            redis: { status: "not_configured", latency_ms: null, cache_hit_rate: null },
            worker: { queue_depth: 3, oldest_pending_seconds: 4, held_deliveries: 0 },
            web_vitals: [{ name: "LCP", p75: 1800, count: 40 }],
          })
        : apiError(403, "forbidden", "You do not have permission to do this."),
  });
}

afterEach(() => {
  FakeEventSource.instances = [];
  vi.useRealTimers();
});

describe("analytics helpers", () => {
  it("counts UTC days with both ends included, and the change from before", () => {
    expect(lastDays(7, new Date("2026-12-01T23:30:00Z"))).toEqual({ from: "2026-11-25", to: "2026-12-01" });
    expect(lastDays(1, new Date("2026-12-01T00:10:00Z"))).toEqual({ from: "2026-12-01", to: "2026-12-01" });
    expect(change(140, 100)).toBeCloseTo(0.4);
    expect(change(5, 0)).toBeNull();
  });

  it("writes CSV that spreadsheets cannot run", () => {
    expect(toCsv(["a", "b"], [["=SUM(A1)", 'say "hi", ok'], [null, 3]])).toBe('a,b\r\n\'=SUM(A1),"say ""hi"", ok"\r\n,3\r\n');
  });

  it("describes feed events in words", () => {
    expect(describeEvent({ id: "1", type: "lead.sold", at: "2026-12-01T10:00:00Z", data: { partner_name: "Sunny", price_cents: 4500, exclusive: false } })).toBe(
      "Lead sold to Sunny for $45.00 (shared).",
    );
    expect(describeEvent({ id: "2", type: "lead.created", at: "2026-12-01T10:00:00Z", data: { first_name: "Ada", state: "AZ", tier: "A" } })).toBe("New lead: Ada in AZ, tier A.");
  });
});

describe("overview", () => {
  it("shows KPI cards with the change from the period before, the chart's table and the health strip", async () => {
    vi.stubGlobal("EventSource", FakeEventSource);
    analyticsApi();
    renderRoute("/", { as: "manager" });

    const week = await screen.findByRole("region", { name: "Last 7 days" });
    expect(await within(week).findByText("$1,400.00")).toBeInTheDocument();
    expect(within(week).getByText(/▲ 40%/)).toBeInTheDocument();
    expect(within(week).getByText(/▼ 20%/)).toBeInTheDocument();
    expect(await screen.findByRole("table", { name: "Leads, leads sold and net revenue per day" })).toHaveTextContent("$99.00");
    const health = await screen.findByRole("region", { name: "System health" });
    expect(await within(health).findByText("1 d 1 h")).toBeInTheDocument();
  });

  it("adds live events as they come, and reconnects with a new ticket and the last event id", async () => {
    vi.stubGlobal("EventSource", FakeEventSource);
    const fetchMock = analyticsApi();
    renderRoute("/", { as: "analyst" });
    const feed = await screen.findByRole("list", { name: "Live events, newest first" });
    await waitFor(() => {
      expect(FakeEventSource.instances).toHaveLength(1);
    });
    const first = FakeEventSource.instances[0];
    expect(first?.url).toContain("ticket=t1");
    expect(first?.url).not.toContain("access");

    act(() => {
      first?.onopen?.();
      first?.emit("lead.sold", { id: "e1", type: "lead.sold", at: "2026-12-01T10:00:00Z", data: { partner_name: "Sunny Installs", price_cents: 6000, exclusive: true } }, "e1");
    });
    expect(await within(feed).findByText("Lead sold to Sunny Installs for $60.00 (exclusive).")).toBeInTheDocument();
    expect(feed).toHaveAttribute("aria-live", "polite");

    act(() => {
      first?.onerror?.();
    });
    expect(first?.closed).toBe(true);
    await waitFor(
      () => {
        expect(FakeEventSource.instances).toHaveLength(2);
      },
      { timeout: 15_000 },
    );
    const second = FakeEventSource.instances[1];
    expect(second?.url).toContain("ticket=t2");
    expect(second?.url).toContain("last_event_id=e1");
    // An analyst sees no health strip (the API refuses them /admin/system).
    expect(screen.queryByRole("region", { name: "System health" })).not.toBeInTheDocument();
    expect(requestsOf(fetchMock).some((request) => request.url.includes("/admin/system"))).toBe(false);
  });
});

describe("revenue, funnel and system pages", () => {
  it("shows a breakdown as a table, switches grouping in the URL and exports CSV", async () => {
    vi.stubGlobal("EventSource", FakeEventSource);
    const fetchMock = analyticsApi();
    const saved: Blob[] = [];
    URL.createObjectURL = (blob: Blob) => {
      saved.push(blob);
      return "blob:x";
    };
    URL.revokeObjectURL = () => undefined;
    const { user, router } = renderRoute("/revenue?from=2026-11-01&to=2026-11-30", { as: "analyst" });

    const table = await screen.findByRole("table", { name: "Revenue by partner, 2026-11-01 to 2026-11-30" });
    expect(within(table).getByRole("row", { name: /Sunny Installs/ })).toHaveTextContent("$1,400.00");
    await user.click(screen.getByRole("button", { name: "State" }));
    await waitFor(() => {
      expect(router.state.location.search).toContain("by=state");
    });
    await waitFor(() => {
      expect(requestsOf(fetchMock).some((request) => new URL(request.url).searchParams.get("by") === "state")).toBe(true);
    });
    await user.click(await screen.findByRole("button", { name: "Export CSV" }));
    expect(saved).toHaveLength(1);
    const csv = await saved[0]?.text();
    expect(csv?.split("\r\n")[0]).toBe("State,Leads,Sold,Sales,Gross (USD),Credits (USD),Net (USD),Per lead (USD),Sell-through,Return rate,Close rate");
    expect(csv).toContain("'=cmd,");
    expect(csv).toContain(",1400.00,");
  });

  it("shows the funnel with the rate at each step, in all and by source", async () => {
    analyticsApi();
    renderRoute("/funnel", { as: "analyst" });
    const table = await screen.findByRole("table", { name: "The funnel, all sources" });
    expect(within(table).getByRole("row", { name: /Started a chat/ })).toHaveTextContent("25.0%");
    expect(screen.getByRole("table", { name: "The funnel from google" })).toBeInTheDocument();
  });

  it("shows system health to managers and keeps analysts out", async () => {
    analyticsApi();
    renderRoute("/system", { as: "manager" });
    const routes = await screen.findByRole("table", { name: "Latency and errors per route" });
    expect(within(routes).getByRole("row", { name: /admin\/leads/ })).toHaveTextContent("48.0 ms");
    expect(screen.getByText("not configured")).toBeInTheDocument();
  });

  it("does not open the system page for an analyst", async () => {
    analyticsApi({ system: false });
    renderRoute("/system", { as: "analyst" });
    expect(await screen.findByRole("heading", { name: /access/i })).toBeInTheDocument();
  });
});
