import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { components } from "@/api/schema";
import { apiError, jsonResponse, renderRoute, requestsOf, stubApi } from "@/test/utils";

type Schemas = components["schemas"];
const PARTNER_ID = "9b0c1f0e-0000-4000-8000-000000000001";

function partner(overrides: Partial<Schemas["PartnerDetail"]> = {}): Schemas["PartnerDetail"] {
  return {
    id: PARTNER_ID,
    name: "Sunny Installs",
    status: "active",
    contact_name: "Pat",
    contact_email: "pat@sunny.example",
    contact_phone: "+16025550100",
    timezone: "America/Phoenix",
    billing_mode: "prepaid",
    balance_cents: 125_000,
    credit_limit_cents: 0,
    caps: { day: 10, week: null, month: 200, month_spend_cents: null },
    caps_used: { day: 3, week: 9, month: 40, month_spend_cents: 180_000 },
    sales_count: 40,
    created_at: "2026-11-01T09:00:00Z",
    updated_at: "2026-11-25T09:00:00Z",
    service_area: { states: ["AZ", "NV"], zip_prefixes: ["850"], zips: [], radius: [] },
    filters: { min_score: 50, tiers: ["A", "B"], credit_bands: [], property_types: [], roof_types: [], shades: [], timelines: [], homeowners_only: true },
    prices: { A: { exclusive: 6_000, shared: 4_050 }, B: { exclusive: 4_000, shared: null }, C: { exclusive: null, shared: null } },
    cap_limits: { day: null, week: null, month: null, month_spend_cents: null },
    allowed_states: [],
    person_window_days: 30,
    low_balance_cents: 10_000,
    api_keys_live: 1,
    api_keys_total: 1,
    returns: { pending: 1, accepted: 2, rejected: 0 },
    ...overrides,
  };
}

function apiKey(overrides: Partial<Schemas["ApiKeyOut"]> = {}): Schemas["ApiKeyOut"] {
  return {
    id: "k0000000-0000-4000-8000-000000000001",
    name: "CRM sync",
    prefix: "ak_live_abc",
    scopes: ["leads:read"],
    created_at: "2026-11-01T09:00:00Z",
    last_used_at: null,
    expires_at: null,
    revoked_at: null,
    replaced_by_id: null,
    live: true,
    ...overrides,
  };
}

/** A small partner API in memory: what was written, and the partner as the server keeps it. */
function partnersApi() {
  let stored = partner();
  let keys = [apiKey()];
  const writes: { method: string; path: string; body: unknown }[] = [];
  const fetchMock = stubApi({
    "GET /api/v1/admin/partners": () => jsonResponse({ items: [stored] }),
    "POST /api/v1/admin/partners": async (request) => {
      const body = (await request.json()) as Partial<Schemas["PartnerDetail"]>;
      writes.push({ method: "POST", path: "/partners", body });
      stored = partner({ ...body, id: PARTNER_ID });
      return jsonResponse(stored, 201);
    },
    "GET /api/v1/admin/partners/:id": () => jsonResponse(stored),
    "PATCH /api/v1/admin/partners/:id": async (request) => {
      const body = (await request.json()) as Partial<Schemas["PartnerDetail"]>;
      writes.push({ method: "PATCH", path: "/partners/id", body });
      stored = { ...stored, ...body };
      return jsonResponse(stored);
    },
    "GET /api/v1/admin/partners/:id/api-keys": () => jsonResponse({ items: keys }),
    "POST /api/v1/admin/partners/:id/api-keys": async (request) => {
      const body = (await request.json()) as { name: string; scopes: Schemas["ApiKeyOut"]["scopes"] };
      writes.push({ method: "POST", path: "/api-keys", body });
      const key = apiKey({ id: "k0000000-0000-4000-8000-000000000002", name: body.name, scopes: body.scopes, prefix: "ak_live_new" });
      keys = [key, ...keys];
      return jsonResponse({ key, secret: "ak_live_new_SECRET_shown_once" }, 201);
    },
    "POST /api/v1/admin/partners/:id/api-keys/:key/revoke": (_request, _url, { key }) => {
      writes.push({ method: "POST", path: `/revoke/${key ?? ""}`, body: null });
      keys = keys.map((k) => (k.id === key ? { ...k, live: false, revoked_at: "2026-11-25T10:00:00Z" } : k));
      return jsonResponse(keys.find((k) => k.id === key));
    },
    "GET /api/v1/admin/partners/:id/ledger": () => jsonResponse({ balance_cents: stored.balance_cents, items: [], next_cursor: null }),
    "POST /api/v1/admin/partners/:id/ledger": async (request) => {
      const body = (await request.json()) as { amount_cents: number };
      writes.push({ method: "POST", path: "/ledger", body });
      stored = { ...stored, balance_cents: stored.balance_cents + body.amount_cents };
      return jsonResponse(
        { id: "l1", kind: "topup", amount_cents: body.amount_cents, balance_after_cents: stored.balance_cents, sale_id: null, return_id: null, note: null, created_by: null, created_at: "2026-11-25T10:00:00Z" },
        201,
      );
    },
    "GET /api/v1/admin/partners/:id/outcomes": () =>
      jsonResponse({ sales: 40, reported: 20, won: 5, close_rate: 0.25, by_outcome: [{ outcome: "sold", sales: 5 }, { outcome: "contacted", sales: 15 }] }),
    "GET /api/v1/admin/sales": () => jsonResponse({ items: [], next_cursor: null }),
    "GET /api/v1/admin/webhook-endpoints": () => jsonResponse([]),
    "GET /api/v1/admin/webhook-deliveries": () => jsonResponse({ items: [], next_cursor: null }),
  });
  return { fetchMock, writes, current: () => stored };
}

describe("partners", () => {
  it("lists partners with their balance and cap use, and offers New partner to managers only", async () => {
    partnersApi();
    renderRoute("/partners", { as: "analyst" });
    const row = await screen.findByRole("row", { name: /Sunny Installs/ });
    expect(row).toHaveTextContent("$1,250.00");
    expect(row).toHaveTextContent("3 / 10");
    expect(screen.queryByRole("link", { name: "New partner" })).not.toBeInTheDocument();
  });

  it("creates a partner: prices typed in dollars go out in cents, and the form reads back what was saved", async () => {
    const { writes } = partnersApi();
    const { user, router } = renderRoute("/partners/new", { as: "manager" });
    const form = await screen.findByRole("form", { name: "New partner" });

    await user.type(within(form).getByLabelText("Name"), "Desert Sun");
    await user.click(within(form).getByRole("checkbox", { name: "Arizona (AZ)" }));
    await user.click(within(form).getByRole("checkbox", { name: "New Mexico (NM)" }));
    await user.type(within(form).getByLabelText("ZIP areas"), "850, 87101");
    await user.type(within(form).getByLabelText("Tier A exclusive"), "62.50");
    await user.type(within(form).getByLabelText("Tier A shared"), "40");
    await user.type(within(form).getByLabelText("Leads per day"), "12");
    await user.click(within(form).getByRole("button", { name: "Add partner" }));

    await waitFor(() => {
      expect(router.state.location.pathname).toBe(`/partners/${PARTNER_ID}`);
    });
    const body = writes[0]?.body as Schemas["PartnerCreate"];
    expect(body.name).toBe("Desert Sun");
    expect(body.service_area).toEqual({ states: ["AZ", "NM"], zip_prefixes: ["850"], zips: ["87101"], radius: [] });
    expect(body.prices?.A).toEqual({ exclusive: 6250, shared: 4000 });
    expect(body.prices?.B).toEqual({ exclusive: null, shared: null });
    expect(body.caps).toEqual({ day: 12, week: null, month: null, month_spend_cents: null });
    expect(await screen.findByText("Added Desert Sun.")).toBeInTheDocument();

    // Edit shows the saved values again, in dollars.
    await router.navigate(`/partners/${PARTNER_ID}/edit`);
    const edit = await screen.findByRole("form", { name: "Edit Desert Sun" });
    expect(within(edit).getByLabelText("Tier A exclusive")).toHaveValue("62.50");
    expect(within(edit).getByLabelText("ZIP areas")).toHaveValue("850, 87101");
    expect(within(edit).getByRole("checkbox", { name: "New Mexico (NM)" })).toBeChecked();
  });

  it("refuses money that is not dollars before asking the API", async () => {
    const { writes } = partnersApi();
    const { user } = renderRoute("/partners/new", { as: "manager" });
    const form = await screen.findByRole("form", { name: "New partner" });
    await user.type(within(form).getByLabelText("Name"), "Typo Solar");
    await user.type(within(form).getByLabelText("Tier B shared"), "4o");
    await user.click(within(form).getByRole("button", { name: "Add partner" }));
    expect(await within(form).findByRole("alert")).toHaveTextContent("Enter an amount in dollars");
    expect(within(form).getByLabelText("Tier B shared")).toHaveAttribute("aria-invalid", "true");
    expect(writes).toEqual([]);
  });

  it("shows a new API key once, with a copy button, and revokes a key only after confirming", async () => {
    const { writes } = partnersApi();
    const { user } = renderRoute(`/partners/${PARTNER_ID}`, { as: "manager" });
    const form = await screen.findByRole("form", { name: "Issue an API key" });

    await user.type(within(form).getByLabelText("Key name"), "Zapier");
    await user.click(within(form).getByRole("button", { name: "Issue key" }));
    const secret = await screen.findByRole("alert", { name: "New API key" });
    expect(secret).toHaveTextContent("ak_live_new_SECRET_shown_once");
    expect(secret).toHaveFocus();
    await user.click(within(secret).getByRole("button", { name: "Copy key" }));
    expect(await within(secret).findByText("Copied to the clipboard.")).toBeInTheDocument();
    // user-event's clipboard stands in for the browser's.
    expect(await navigator.clipboard.readText()).toBe("ak_live_new_SECRET_shown_once");
    await user.click(within(secret).getByRole("button", { name: "I have saved it" }));
    expect(screen.queryByText("ak_live_new_SECRET_shown_once")).not.toBeInTheDocument();

    await user.click(await screen.findByRole("button", { name: "Revoke CRM sync" }));
    expect(writes.some((w) => w.path.startsWith("/revoke"))).toBe(false);
    await user.click(screen.getByRole("button", { name: "Yes, revoke CRM sync" }));
    await waitFor(() => {
      expect(writes.filter((w) => w.path.startsWith("/revoke"))).toHaveLength(1);
    });
    expect(await screen.findByText("Revoked")).toBeInTheDocument();
  });

  it("tops up in cents and shows the new balance", async () => {
    const { writes } = partnersApi();
    const { user } = renderRoute(`/partners/${PARTNER_ID}`, { as: "manager" });
    const form = await screen.findByRole("form", { name: "Record money" });
    await user.type(within(form).getByLabelText("Amount (USD)"), "500.25");
    await user.click(within(form).getByRole("button", { name: "Record" }));
    expect(await screen.findByText("Recorded $500.25; the balance is now $1,750.25.")).toBeInTheDocument();
    expect(writes.at(-1)?.body).toEqual({ kind: "topup", amount_cents: 50025, note: null });
  });

  it("shows an analyst the partner, its outcomes and close rate, but nothing to change", async () => {
    const { fetchMock } = partnersApi();
    renderRoute(`/partners/${PARTNER_ID}`, { as: "analyst" });
    expect(await screen.findByRole("heading", { name: "Sunny Installs", level: 1 })).toBeInTheDocument();
    expect(await screen.findByText("25.0%")).toBeInTheDocument();
    expect(screen.getByText(/Arizona, Nevada/)).toBeInTheDocument();
    expect(screen.queryByRole("form", { name: "Issue an API key" })).not.toBeInTheDocument();
    expect(screen.queryByRole("form", { name: "Record money" })).not.toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Edit partner" })).not.toBeInTheDocument();
    expect(requestsOf(fetchMock).every((request) => request.method === "GET")).toBe(true);
  });

  it("keeps analysts out of the partner form", async () => {
    partnersApi();
    renderRoute("/partners/new", { as: "analyst" });
    expect(await screen.findByRole("heading", { name: /access/i })).toBeInTheDocument();
  });

  it("shows the API's reason when it refuses a partner", async () => {
    stubApi({
      "POST /api/v1/admin/partners": () => apiError(422, "validation_error", "The request is not valid."),
    });
    const { user } = renderRoute("/partners/new", { as: "manager" });
    const form = await screen.findByRole("form", { name: "New partner" });
    await user.type(within(form).getByLabelText("Name"), "Refused Solar");
    await user.click(within(form).getByRole("button", { name: "Add partner" }));
    expect(await within(form).findByRole("alert")).toHaveTextContent("The request is not valid.");
  });
});
