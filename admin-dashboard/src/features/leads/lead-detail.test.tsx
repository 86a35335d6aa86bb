import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { components } from "@/api/schema";
import { leadDetail, leadSummary, maskedLeadFields } from "@/test/fixtures";
import { apiError, jsonResponse, renderRoute, requestsOf, stubApi } from "@/test/utils";

type LeadDetail = components["schemas"]["AdminLeadDetail"];

const lead = leadDetail();
const DETAIL = "GET /api/v1/admin/leads/:id";
const PATCH = "PATCH /api/v1/admin/leads/:id";

function section(name: string) {
  return screen.getByRole("region", { name });
}

describe("lead detail", () => {
  it("shows the score factors, the estimate and the consent record", async () => {
    stubApi({ [DETAIL]: () => jsonResponse(lead) });
    renderRoute(`/leads/${lead.id}`, { as: "analyst" });

    expect(await screen.findByRole("heading", { level: 1, name: "Ada Lovelace" })).toBeInTheDocument();
    const score = section("Score");
    expect(score).toHaveTextContent("95/100");
    const factors = within(score).getByRole("table", { name: "Score factors" });
    expect(within(factors).getByRole("row", { name: /Monthly bill/ })).toHaveTextContent("220");
    expect(within(factors).getByRole("row", { name: /Monthly bill/ })).toHaveTextContent("15/20");
    expect(within(factors).getByRole("row", { name: /Monthly bill/ })).toHaveTextContent("A $150-249 bill gives solid savings");
    expect(within(factors).getByRole("row", { name: /Ownership/ })).toHaveTextContent("Yes");

    const estimate = section("Estimate");
    expect(estimate).toHaveTextContent("11.2 kW (26 panels)");
    expect(estimate).toHaveTextContent("$27,726");
    expect(estimate).toHaveTextContent("9.4 years");

    const consent = section("Consent");
    expect(consent).toHaveTextContent(lead.consents[0]?.disclosure_version ?? "missing");
    expect(consent).toHaveTextContent("203.0.113.7");
    expect(consent).toHaveTextContent("Mozilla/5.0 (X11; Linux x86_64)");
    expect(consent).toHaveTextContent('By choosing "I agree", you ask Aurum Solar to contact you.');
  });

  it("renders the transcript, notes and names as text, never as HTML", async () => {
    const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
    stubApi({
      [DETAIL]: () =>
        jsonResponse(
          leadDetail({
            first_name: "<b>Ada</b>",
            notes: hostile,
            street_address: hostile,
            transcripts: [
              {
                conversation_id: "5b0f7f53-0d4c-4f0a-9d1e-3c2b1a000001",
                started_at: "2026-11-25T20:00:00Z",
                status: "completed",
                messages: [
                  { seq: 1, role: "assistant", content: "What's your ZIP?", meta: {}, created_at: "2026-11-25T20:00:00Z" },
                  { seq: 2, role: "user", content: hostile, meta: {}, created_at: "2026-11-25T20:00:05Z" },
                ],
              },
            ],
          }),
        ),
    });
    renderRoute(`/leads/${lead.id}`, { as: "analyst" });

    expect(await screen.findByRole("heading", { level: 1, name: "<b>Ada</b> Lovelace" })).toBeInTheDocument();
    const transcript = screen.getByRole("list", { name: /Transcript of the chat/ });
    const messages = within(transcript).getAllByRole("listitem");
    expect(messages[0]).toHaveTextContent("Advisor");
    expect(messages[1]).toHaveTextContent("Homeowner");
    expect(messages[1]).toHaveTextContent(hostile);
    expect(section("Notes")).toHaveTextContent(hostile);
    expect(document.querySelector("main img, main script, main b")).toBeNull();
  });

  it("gives an analyst no controls to change the lead", async () => {
    stubApi({ [DETAIL]: () => jsonResponse(leadDetail({ ...maskedLeadFields, street_address: "*** (hidden)", notes: "Call after 5" })) });
    renderRoute(`/leads/${lead.id}`, { as: "analyst" });

    expect(await screen.findByRole("heading", { level: 1, name: "Ada L." })).toBeInTheDocument();
    expect(screen.getByText(/masked for your role/)).toBeInTheDocument();
    expect(section("Contact and home")).toHaveTextContent("a***@e***.com");
    expect(section("Contact and home")).toHaveTextContent("*** (hidden)");
    expect(section("Notes")).toHaveTextContent("Call after 5");
    expect(screen.queryByRole("region", { name: "Manage" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Change status|Save notes/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("combobox")).not.toBeInTheDocument();
  });

  it("lets a manager change the status, then refreshes the lead and the lists", async () => {
    let current: LeadDetail = lead;
    const patches: unknown[] = [];
    const fetchMock = stubApi({
      [DETAIL]: () => jsonResponse(current),
      [PATCH]: async (request) => {
        const patch = (await request.json()) as Partial<LeadDetail>;
        patches.push(patch);
        // As the API does: an unqualified lead may only go back to new.
        current = { ...current, ...patch, allowed_statuses: patch.status === "unqualified" ? ["new"] : current.allowed_statuses };
        return jsonResponse(current);
      },
      "GET /api/v1/admin/leads": () => jsonResponse({ items: [leadSummary({ status: current.status })], next_cursor: null }),
    });
    const { user, queryClient } = renderRoute(`/leads/${lead.id}`, { as: "manager" });
    const manage = await screen.findByRole("region", { name: "Manage" });
    // A list seen earlier, now in the cache: the change must mark it stale.
    await queryClient.query({ queryKey: ["admin", "leads", "list", {}], queryFn: () => ({ items: [], next_cursor: null }) });

    const changeButton = within(manage).getByRole("button", { name: "Change status" });
    expect(changeButton).toBeDisabled();
    // Only what the API allows by hand is offered (a sale is made by selling, not here).
    const options = within(within(manage).getByLabelText("Status")).getAllByRole("option");
    expect(options.map((option) => option.textContent)).toEqual(["New", "Unqualified"]);
    await user.selectOptions(within(manage).getByLabelText("Status"), "unqualified");
    await user.click(changeButton);

    expect(await within(manage).findByText("Status changed to Unqualified.")).toBeInTheDocument();
    expect(patches).toEqual([{ status: "unqualified" }]);
    const patch = requestsOf(fetchMock).find((request) => request.method === "PATCH");
    expect(patch?.headers.get("Authorization")).toBe("Bearer access-manager");
    expect(within(screen.getByRole("main")).getAllByText("Unqualified").length).toBeGreaterThan(0);
    expect(queryClient.getQueryState(["admin", "leads", "list", {}])?.isInvalidated).toBe(true);
  });

  it("saves notes with a clear saving state", async () => {
    let current: LeadDetail = lead;
    let resolvePatch: () => void = () => undefined;
    const patches: unknown[] = [];
    stubApi({
      [DETAIL]: () => jsonResponse(current),
      [PATCH]: async (request) => {
        const patch = (await request.json()) as Partial<LeadDetail>;
        patches.push(patch);
        await new Promise<void>((resolve) => {
          resolvePatch = resolve;
        });
        current = { ...current, ...patch };
        return jsonResponse(current);
      },
    });
    const { user } = renderRoute(`/leads/${lead.id}`, { as: "admin" });
    const manage = await screen.findByRole("region", { name: "Manage" });

    await user.type(within(manage).getByLabelText("Internal notes"), "Prefers email.");
    await user.click(within(manage).getByRole("button", { name: "Save notes" }));

    expect(await within(manage).findByRole("button", { name: "Saving…" })).toBeDisabled();
    await waitFor(() => {
      expect(patches).toEqual([{ notes: "Prefers email." }]);
    });
    resolvePatch();
    expect(await within(manage).findByText("Notes saved.")).toBeInTheDocument();
    await waitFor(() => {
      expect(within(manage).getByRole("button", { name: "Save notes" })).toBeDisabled();
    });
  });

  it("shows the API's refusal of a change", async () => {
    stubApi({
      [DETAIL]: () => jsonResponse(lead),
      [PATCH]: () => apiError(403, "insufficient_role", "This needs the manager role or higher."),
    });
    const { user } = renderRoute(`/leads/${lead.id}`, { as: "manager" });
    const manage = await screen.findByRole("region", { name: "Manage" });

    await user.selectOptions(within(manage).getByLabelText("Status"), "unqualified");
    await user.click(within(manage).getByRole("button", { name: "Change status" }));

    expect(await within(manage).findByText("Not saved: You don't have access to this. This needs the manager role or higher.")).toBeInTheDocument();
  });

  it("explains a lead that does not exist", async () => {
    stubApi({ [DETAIL]: () => apiError(404, "lead_not_found", "No lead has this id.") });
    renderRoute(`/leads/${lead.id}`, { as: "manager" });

    expect(await screen.findByRole("alert")).toHaveTextContent("Not found. No lead has this id.");
    expect(screen.getByRole("link", { name: "Back to leads" })).toHaveAttribute("href", "/leads");
  });

  it("links back to the list view it came from", async () => {
    stubApi({
      "GET /api/v1/admin/leads": () => jsonResponse({ items: [leadSummary()], next_cursor: null }),
      [DETAIL]: () => jsonResponse(lead),
    });
    const { user } = renderRoute("/leads?tier=A&sort=-score", { as: "manager" });

    await user.click(await screen.findByRole("link", { name: "Ada Lovelace" }));
    await screen.findByRole("heading", { level: 1, name: "Ada Lovelace" });
    expect(screen.getByRole("link", { name: "Back to leads" })).toHaveAttribute("href", "/leads?tier=A&sort=-score");
  });
});
