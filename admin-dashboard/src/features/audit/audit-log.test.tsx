import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { localDateTimeToIso } from "@/lib/search-params";
import { auditEntry } from "@/test/fixtures";
import { jsonResponse, nth, renderRoute, requestsOf, stubApi } from "@/test/utils";

const AUDIT = "GET /api/v1/admin/audit-log";

function auditRequests(fetchMock: ReturnType<typeof stubApi>) {
  return requestsOf(fetchMock).map((request) => new URL(request.url));
}

describe("audit log", () => {
  it("shows who did what to which target, with the details as formatted text", async () => {
    stubApi({
      [AUDIT]: () =>
        jsonResponse({
          items: [
            auditEntry(),
            auditEntry({
              id: "a0000000-0000-4000-8000-000000000002",
              action: "auth.login_failed",
              actor_id: null,
              actor_email: "<script>x</script>@example.com",
              target_type: null,
              target_id: null,
              details: { reason: "bad_credentials" },
            }),
          ],
          next_cursor: null,
        }),
    });
    const { user } = renderRoute("/audit-log", { as: "admin" });

    const table = await screen.findByRole("table", { name: /Audit log entries/ });
    const rows = within(table).getAllByRole("row");
    expect(rows[1]).toHaveTextContent("admin@example.com");
    expect(within(nth(rows, 1)).getByRole("link", { name: "lead.update" })).toHaveAttribute("href", "/audit-log?action=lead.update");
    expect(within(nth(rows, 1)).getByRole("link", { name: auditEntry().target_id ?? "" })).toHaveAttribute(
      "href",
      `/leads/${auditEntry().target_id ?? ""}`,
    );
    expect(rows[2]).toHaveTextContent("<script>x</script>@example.com");
    expect(document.querySelector("main script")).toBeNull();

    await user.click(within(nth(rows, 1)).getByText("Show"));
    const details = (nth(rows, 1)).querySelector("pre");
    expect(details?.textContent).toBe(JSON.stringify({ changes: { status: { from: "new", to: "sold" } } }, null, 2));
  });

  it("sends its filters from the URL and writes new ones back, from page 1", async () => {
    const fetchMock = stubApi({ [AUDIT]: () => jsonResponse({ items: [auditEntry()], next_cursor: "next" }) });
    const { user, router } = renderRoute("/audit-log?actor=admin@example.com&since=2026-11-01T08:00&cursor=abc&prev=x", { as: "admin" });
    await screen.findByRole("table", { name: /Audit log entries/ });

    const first = auditRequests(fetchMock)[0];
    expect(first?.searchParams.get("actor_email")).toBe("admin@example.com");
    expect(first?.searchParams.get("since")).toBe(localDateTimeToIso("2026-11-01T08:00"));
    expect(first?.searchParams.get("cursor")).toBe("abc");

    const form = screen.getByRole("search", { name: "Filter the audit log" });
    await user.type(within(form).getByLabelText("Action"), "lead");
    await user.type(within(form).getByLabelText("Target type"), "lead");
    await user.click(within(form).getByRole("button", { name: "Apply filters" }));

    await waitFor(() => {
      expect(router.state.location.search).toBe("?actor=admin%40example.com&action=lead&target_type=lead&since=2026-11-01T08%3A00");
    });
    await waitFor(() => {
      expect(auditRequests(fetchMock).at(-1)?.searchParams.get("action")).toBe("lead");
    });
    const last = auditRequests(fetchMock).at(-1);
    expect(last?.searchParams.get("target_type")).toBe("lead");
    expect(last?.searchParams.has("cursor")).toBe(false);
  });

  it("refuses an action the API would reject, saying what it takes", async () => {
    const fetchMock = stubApi({ [AUDIT]: () => jsonResponse({ items: [], next_cursor: null }) });
    const { user, router } = renderRoute("/audit-log", { as: "admin" });
    await screen.findByText("No entries match these filters.");

    const form = screen.getByRole("search", { name: "Filter the audit log" });
    await user.type(within(form).getByLabelText("Action"), "Lead Update!");
    await user.click(within(form).getByRole("button", { name: "Apply filters" }));

    expect(within(form).getByLabelText("Action")).toHaveAttribute("aria-invalid", "true");
    expect(router.state.location.search).toBe("");
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it("pages with the cursor in the URL", async () => {
    const fetchMock = stubApi({
      [AUDIT]: (_request, url) =>
        jsonResponse(
          url.searchParams.get("cursor")
            ? { items: [auditEntry({ id: "a0000000-0000-4000-8000-000000000009", action: "auth.logout" })], next_cursor: null }
            : { items: [auditEntry()], next_cursor: "older" },
        ),
    });
    const { user, router } = renderRoute("/audit-log?action=auth", { as: "admin" });
    const pager = await screen.findByRole("navigation", { name: "Audit log pages" });

    await user.click(within(pager).getByRole("link", { name: "Next" }));
    expect(await screen.findByRole("link", { name: "auth.logout" })).toBeInTheDocument();
    expect(router.state.location.search).toBe("?action=auth&cursor=older");
    expect(auditRequests(fetchMock).at(-1)?.searchParams.get("action")).toBe("auth");
  });
});
