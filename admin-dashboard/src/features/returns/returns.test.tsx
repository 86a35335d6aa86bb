import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { components } from "@/api/schema";
import { leadDetail, leadSummary, maskedLeadFields } from "@/test/fixtures";
import { jsonResponse, renderRoute, stubApi } from "@/test/utils";

type Return = components["schemas"]["ReturnOut"];

function claim(overrides: Partial<Return> = {}): Return {
  return {
    id: "r0000000-0000-4000-8000-000000000001",
    status: "pending",
    reason: "bad_contact",
    note: "The number does not answer.",
    filed_at: "2026-11-26T10:00:00Z",
    decided_at: null,
    decided_by: null,
    decision_note: null,
    credit_cents: null,
    partner: { id: "p1", name: "Sunny Installs" },
    sale: { id: "s1", sold_at: "2026-11-25T22:00:00Z", status: "active", price_cents: 6_000, mode: "exclusive", buyers: 1 },
    lead: leadSummary(),
    evidence: {
      filed: { phone_checked: "+16025550142", attempts: 3 },
      consents: leadDetail().consents,
      transcripts: [{ conversation_id: "c1", href: "/api/v1/admin/conversations/c1" }],
    },
    pii_masked: false,
    ...overrides,
  };
}

describe("returns queue", () => {
  it("shows each claim with its evidence beside it, and a manager accepts it", async () => {
    let current = claim();
    const decisions: unknown[] = [];
    stubApi({
      "GET /api/v1/admin/returns": (_request, url) =>
        jsonResponse({ items: url.searchParams.getAll("status").includes(current.status) ? [current] : [], next_cursor: null }),
      "POST /api/v1/admin/returns/:id/decision": async (request) => {
        decisions.push(await request.json());
        current = { ...current, status: "accepted", credit_cents: 6_000 };
        return jsonResponse(current);
      },
    });
    const { user } = renderRoute("/returns", { as: "manager" });

    const card = await screen.findByRole("article", { name: /Sunny Installs returns Ada Lovelace/ });
    const evidence = within(card).getByRole("region", { name: "Evidence" });
    expect(evidence).toHaveTextContent("Phone checked");
    expect(evidence).toHaveTextContent("+16025550142");
    expect(within(evidence).getByRole("link", { name: "transcript 1" })).toHaveAttribute("href", "/conversations/c1");
    expect(card).toHaveTextContent("The number does not answer.");

    await user.type(within(card).getByLabelText("Decision note (optional)"), "Confirmed dead line");
    await user.click(within(card).getByRole("button", { name: "Accept the return from Sunny Installs" }));
    await waitFor(() => {
      expect(decisions).toEqual([{ decision: "accept", note: "Confirmed dead line" }]);
    });
    // Decided: it leaves the pending queue.
    expect(await screen.findByText("No returns here.")).toBeInTheDocument();
  });

  it("shows an analyst the claims masked, with nothing to decide", async () => {
    stubApi({
      "GET /api/v1/admin/returns": () => jsonResponse({ items: [claim({ lead: leadSummary(maskedLeadFields), pii_masked: true })], next_cursor: null }),
    });
    renderRoute("/returns", { as: "analyst" });
    const card = await screen.findByRole("article", { name: /Sunny Installs returns Ada L\./ });
    expect(card).toHaveTextContent("a***@e***.com");
    expect(card).not.toHaveTextContent("ada@example.com");
    expect(within(card).queryByRole("button", { name: /Accept|Reject/ })).not.toBeInTheDocument();
  });
});
