import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { leadSummary, maskedLeadFields } from "@/test/fixtures";
import { apiError, jsonResponse, renderRoute, requestsOf, stubApi } from "@/test/utils";

import { dayToIso } from "@/lib/search-params";

const LEADS = "GET /api/v1/admin/leads";
const ada = leadSummary();
const grace = leadSummary({ id: "11111111-1111-4111-8111-111111111111", first_name: "Grace", last_name: "Hopper", score: 60, tier: "B", state: "CA" });

function leadRequests(fetchMock: ReturnType<typeof stubApi>) {
  return requestsOf(fetchMock)
    .map((request) => new URL(request.url))
    .filter((url) => url.pathname === "/api/v1/admin/leads");
}

function table() {
  return screen.getByRole("table", { name: "Leads" });
}

describe("leads table", () => {
  it("lists the leads the API sends, linking each to its detail", async () => {
    stubApi({ [LEADS]: () => jsonResponse({ items: [ada, grace], next_cursor: null }) });
    renderRoute("/leads", { as: "manager" });

    expect(await screen.findByRole("link", { name: "Ada Lovelace" })).toHaveAttribute("href", `/leads/${ada.id}`);
    const rows = within(table()).getAllByRole("row");
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent("ada@example.com");
    expect(rows[1]).toHaveTextContent("Phoenix, AZ 85001");
    expect(rows[1]).toHaveTextContent("$220.00");
    expect(rows[2]).toHaveTextContent("Grace Hopper");
    expect(screen.getByRole("navigation", { name: "Leads pages" })).toHaveTextContent("Page 1 · 2 rows");
  });

  it("sends the filters, sort and page size in the URL to the API", async () => {
    const fetchMock = stubApi({ [LEADS]: () => jsonResponse({ items: [ada], next_cursor: null }) });
    renderRoute("/leads?status=new&status=sold&tier=A&state=az&state=CA&zip=85&from=2026-11-01&to=2026-11-25&q=ada&sort=-score&limit=25&status=bogus", {
      as: "manager",
    });
    await screen.findByRole("link", { name: "Ada Lovelace" });

    const url = leadRequests(fetchMock)[0];
    expect(url?.searchParams.getAll("status")).toEqual(["new", "sold"]);
    expect(url?.searchParams.getAll("tier")).toEqual(["A"]);
    expect(url?.searchParams.getAll("state")).toEqual(["AZ", "CA"]);
    expect(url?.searchParams.get("zip_code")).toBe("85");
    expect(url?.searchParams.get("created_from")).toBe(dayToIso("2026-11-01"));
    // The "to" day is included: the API's bound is exclusive, so it is the next midnight.
    expect(url?.searchParams.get("created_to")).toBe(dayToIso("2026-11-26"));
    expect(url?.searchParams.get("q")).toBe("ada");
    expect(url?.searchParams.get("sort")).toBe("-score");
    expect(url?.searchParams.get("limit")).toBe("25");
    expect(url?.searchParams.has("cursor")).toBe(false);

    // The form shows what is applied.
    const form = screen.getByRole("search", { name: "Filter leads" });
    expect(within(form).getByLabelText("Search")).toHaveValue("ada");
    expect(within(form).getByLabelText("States")).toHaveValue("AZ, CA");
    expect(within(form).getByRole("checkbox", { name: "Sold" })).toBeChecked();
    expect(within(form).getByRole("checkbox", { name: "Returned" })).not.toBeChecked();
  });

  it("writes applied filters into the URL and starts again at page 1", async () => {
    const fetchMock = stubApi({ [LEADS]: () => jsonResponse({ items: [ada], next_cursor: "c2" }) });
    const { user, router } = renderRoute("/leads?cursor=c1&sort=-score", { as: "manager" });
    await screen.findByRole("link", { name: "Ada Lovelace" });

    const form = screen.getByRole("search", { name: "Filter leads" });
    await user.type(within(form).getByLabelText("Search"), "  lovelace ");
    await user.click(within(form).getByRole("checkbox", { name: "Unqualified" }));
    await user.click(within(form).getByRole("checkbox", { name: "New" }));
    await user.type(within(form).getByLabelText("States"), "tx, nm");
    await user.click(within(form).getByRole("checkbox", { name: "Chat" }));
    await user.click(within(form).getByRole("button", { name: "Apply filters" }));

    await waitFor(() => {
      expect(router.state.location.search).toBe("?sort=-score&status=new&status=unqualified&source=chat&state=TX&state=NM&q=lovelace");
    });
    await waitFor(() => {
      expect(leadRequests(fetchMock).at(-1)?.searchParams.get("q")).toBe("lovelace");
    });
    expect(leadRequests(fetchMock).at(-1)?.searchParams.has("cursor")).toBe(false);

    // Applying re-renders the form from the URL: find it again.
    await user.click(within(screen.getByRole("search", { name: "Filter leads" })).getByRole("button", { name: "Clear filters" }));
    await waitFor(() => {
      expect(router.state.location.search).toBe("?sort=-score");
    });
  });

  it("says a state code is not a state instead of applying a filter that matches nothing", async () => {
    const fetchMock = stubApi({ [LEADS]: () => jsonResponse({ items: [ada], next_cursor: null }) });
    const { user, router } = renderRoute("/leads", { as: "manager" });
    await screen.findByRole("link", { name: "Ada Lovelace" });
    const before = leadRequests(fetchMock).length;

    const form = screen.getByRole("search", { name: "Filter leads" });
    await user.type(within(form).getByLabelText("States"), "az, XX");
    await user.click(within(form).getByRole("button", { name: "Apply filters" }));

    expect(await within(form).findByRole("alert")).toHaveTextContent("Not a US state: XX.");
    expect(within(form).getByLabelText("States")).toHaveAttribute("aria-invalid", "true");
    expect(router.state.location.search).toBe("");
    expect(leadRequests(fetchMock)).toHaveLength(before);
  });

  it("pages forward and back with the cursors kept in the URL", async () => {
    const pages: Record<string, { items: (typeof ada)[]; next_cursor: string | null }> = {
      "": { items: [ada], next_cursor: "c1" },
      c1: { items: [grace], next_cursor: "c2" },
      c2: { items: [leadSummary({ id: "22222222-2222-4222-8222-222222222222", first_name: "Katherine", last_name: "Johnson" })], next_cursor: null },
    };
    const fetchMock = stubApi({ [LEADS]: (_request, url) => jsonResponse(pages[url.searchParams.get("cursor") ?? ""]) });
    const { user, router } = renderRoute("/leads?status=new", { as: "analyst" });
    const pager = () => screen.getByRole("navigation", { name: "Leads pages" });

    await screen.findByRole("link", { name: "Ada Lovelace" });
    expect(within(pager()).queryByRole("link", { name: "Previous" })).not.toBeInTheDocument();

    await user.click(within(pager()).getByRole("link", { name: "Next" }));
    await screen.findByRole("link", { name: "Grace Hopper" });
    expect(router.state.location.search).toBe("?status=new&cursor=c1");
    expect(pager()).toHaveTextContent("Page 2");

    await user.click(within(pager()).getByRole("link", { name: "Next" }));
    await screen.findByRole("link", { name: "Katherine Johnson" });
    expect(router.state.location.search).toBe("?status=new&prev=c1&cursor=c2");
    expect(pager()).toHaveTextContent("Page 3");
    expect(within(pager()).queryByRole("link", { name: "Next" })).not.toBeInTheDocument();

    await user.click(within(pager()).getByRole("link", { name: "Previous" }));
    await screen.findByRole("link", { name: "Grace Hopper" });
    expect(router.state.location.search).toBe("?status=new&cursor=c1");

    await user.click(within(pager()).getByRole("link", { name: "Previous" }));
    await screen.findByRole("link", { name: "Ada Lovelace" });
    expect(router.state.location.search).toBe("?status=new");

    // Pages gone back to show from the cache at once, and refresh in the background: the
    // last refresh may still be on its way when the page shows.
    await waitFor(() => {
      expect(leadRequests(fetchMock).map((url) => url.searchParams.get("cursor"))).toEqual([null, "c1", "c2", "c1", null]);
    });
    expect(leadRequests(fetchMock).every((url) => url.searchParams.get("status") === "new")).toBe(true);
  });

  it("sorts by a column header, highest first, then flips", async () => {
    const fetchMock = stubApi({ [LEADS]: () => jsonResponse({ items: [ada], next_cursor: null }) });
    const { user, router } = renderRoute("/leads?cursor=abc", { as: "manager" });
    await screen.findByRole("link", { name: "Ada Lovelace" });
    const scoreHeader = () => within(table()).getByRole("columnheader", { name: /Score/ });
    expect(within(table()).getByRole("columnheader", { name: /Created/ })).toHaveAttribute("aria-sort", "descending");

    await user.click(within(scoreHeader()).getByRole("button"));
    await waitFor(() => {
      expect(router.state.location.search).toBe("?sort=-score");
    });
    expect(scoreHeader()).toHaveAttribute("aria-sort", "descending");

    await user.click(within(scoreHeader()).getByRole("button"));
    await waitFor(() => {
      expect(router.state.location.search).toBe("?sort=score");
    });
    await waitFor(() => {
      expect(leadRequests(fetchMock).at(-1)?.searchParams.get("sort")).toBe("score");
    });
    expect(scoreHeader()).toHaveAttribute("aria-sort", "ascending");
  });

  it("shows an analyst what the server masked, as it is, and says so", async () => {
    stubApi({ [LEADS]: () => jsonResponse({ items: [leadSummary(maskedLeadFields)], next_cursor: null }) });
    renderRoute("/leads", { as: "analyst" });

    expect(await screen.findByRole("link", { name: "Ada L." })).toBeInTheDocument();
    expect(table()).toHaveTextContent("a***@e***.com");
    expect(table()).toHaveTextContent("+1******0142");
    expect(screen.getByText(/Contact details are masked for your role/)).toBeInTheDocument();
    expect(screen.getByText(/First name, city, ZIP or lead id/)).toBeInTheDocument();
  });

  it("explains a stale cursor and offers the first page", async () => {
    stubApi({ [LEADS]: () => apiError(422, "invalid_cursor", "The cursor is not valid for this listing; start again without it.") });
    renderRoute("/leads?cursor=junk&q=x", { as: "manager" });

    expect(await screen.findByRole("alert")).toHaveTextContent("The cursor is not valid for this listing");
    expect(screen.getByRole("link", { name: "Start again from the first page" })).toHaveAttribute("href", "/leads?q=x");
  });
});

describe("CSV export", () => {
  let saved: { blob: Blob; name: string }[];

  beforeEach(() => {
    saved = [];
    const blobs: Blob[] = [];
    // jsdom has no object URLs and does not download: record what would have been saved.
    URL.createObjectURL = (blob: Blob) => {
      blobs.push(blob);
      return `blob:export-${String(blobs.length)}`;
    };
    URL.revokeObjectURL = () => undefined;
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      const blob = blobs.at(-1);
      if (blob && this.href.startsWith("blob:")) saved.push({ blob, name: this.download });
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("downloads the current filter's CSV with the bearer token, under the API's file name", async () => {
    const csv = "id,first_name\n1,Ada\n";
    const fetchMock = stubApi({
      [LEADS]: () => jsonResponse({ items: [ada], next_cursor: "c2" }),
      "GET /api/v1/admin/leads/export.csv": () =>
        new Response(csv, {
          headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="leads-20261125.csv"' },
        }),
    });
    const { user } = renderRoute("/leads?status=new&tier=B&sort=-score&cursor=c1&limit=25", { as: "manager" });
    await screen.findByRole("link", { name: "Ada Lovelace" });

    await user.click(screen.getByRole("button", { name: "Export CSV" }));

    expect(await screen.findByText("Downloaded leads-20261125.csv (20 B).")).toBeInTheDocument();
    const exportRequest = requestsOf(fetchMock).find((request) => request.url.includes("export.csv"));
    const url = new URL(exportRequest?.url ?? "");
    expect(url.searchParams.getAll("status")).toEqual(["new"]);
    expect(url.searchParams.getAll("tier")).toEqual(["B"]);
    expect(url.searchParams.get("sort")).toBe("-score");
    // The whole filtered set, not the page on screen.
    expect(url.searchParams.has("cursor")).toBe(false);
    expect(url.searchParams.has("limit")).toBe(false);
    expect(exportRequest?.headers.get("Authorization")).toBe("Bearer access-manager");
    expect(saved).toHaveLength(1);
    expect(saved[0]?.name).toBe("leads-20261125.csv");
    expect(await saved[0]?.blob.text()).toBe(csv);
  });

  it("says why an export failed", async () => {
    stubApi({
      [LEADS]: () => jsonResponse({ items: [ada], next_cursor: null }),
      "GET /api/v1/admin/leads/export.csv": () => apiError(429, "rate_limited", "Too many requests; slow down.", { "Retry-After": "30" }),
    });
    const { user } = renderRoute("/leads", { as: "analyst" });
    await screen.findByRole("link", { name: "Ada Lovelace" });

    await user.click(screen.getByRole("button", { name: "Export CSV" }));
    expect(await screen.findByText("Export failed: Too many requests; try again in 30 seconds.")).toBeInTheDocument();
    expect(saved).toHaveLength(0);
  });
});
