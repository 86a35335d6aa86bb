import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { conversationDetail, conversationSummary } from "@/test/fixtures";
import { jsonResponse, nth, renderRoute, requestsOf, stubApi } from "@/test/utils";

describe("conversations", () => {
  it("lists chats, linking each to its transcript and lead", async () => {
    const chat = conversationSummary();
    stubApi({ "GET /api/v1/admin/conversations": () => jsonResponse({ items: [chat], next_cursor: null }) });
    renderRoute("/conversations", { as: "analyst" });

    const table = await screen.findByRole("table", { name: "Conversations" });
    const row = nth(within(table).getAllByRole("row"), 1);
    expect(row).toHaveTextContent("Completed");
    expect(row).toHaveTextContent("Guided");
    expect(within(row).getAllByRole("link")[0]).toHaveAttribute("href", `/conversations/${chat.id}`);
    expect(within(row).getByRole("link", { name: "Open lead" })).toHaveAttribute("href", `/leads/${chat.lead_id ?? ""}`);
  });

  it("shows the homeowner's name and ZIP, and searches them", async () => {
    const fetchMock = stubApi({
      "GET /api/v1/admin/conversations": () => jsonResponse({ items: [conversationSummary({ last_name: "L." })], next_cursor: null }),
    });
    const { user, router } = renderRoute("/conversations", { as: "analyst" });
    const table = await screen.findByRole("table", { name: "Conversations" });
    const row = nth(within(table).getAllByRole("row"), 1);
    expect(row).toHaveTextContent("Ada L.");
    expect(row).toHaveTextContent("85001");

    const form = screen.getByRole("search", { name: "Filter conversations" });
    await user.type(within(form).getByLabelText("Search"), " 85001 ");
    await user.click(within(form).getByRole("button", { name: "Apply filters" }));
    await waitFor(() => {
      expect(router.state.location.search).toContain("q=85001");
    });
    await waitFor(() => {
      expect(new URL(requestsOf(fetchMock).at(-1)?.url ?? "").searchParams.get("q")).toBe("85001");
    });
  });

  it("filters by status, advisor and outcome through the URL", async () => {
    const fetchMock = stubApi({ "GET /api/v1/admin/conversations": () => jsonResponse({ items: [], next_cursor: null }) });
    const { user, router } = renderRoute("/conversations?sort=created_at", { as: "analyst" });
    await screen.findByText("No conversations match these filters.");

    const form = screen.getByRole("search", { name: "Filter conversations" });
    await user.click(within(form).getByRole("checkbox", { name: "Active" }));
    await user.selectOptions(within(form).getByLabelText("Advisor"), "llm");
    await user.selectOptions(within(form).getByLabelText("Became a lead"), "no");
    await user.click(within(form).getByRole("button", { name: "Apply filters" }));

    await waitFor(() => {
      expect(router.state.location.search).toBe("?sort=created_at&status=active&agent=llm&lead=no");
    });
    await waitFor(() => {
      expect(new URL(requestsOf(fetchMock).at(-1)?.url ?? "").searchParams.get("has_lead")).toBe("false");
    });
    const url = new URL(requestsOf(fetchMock).at(-1)?.url ?? "");
    expect(url.searchParams.getAll("status")).toEqual(["active"]);
    expect(url.searchParams.get("agent")).toBe("llm");
    expect(url.searchParams.get("sort")).toBe("created_at");
  });

  it("shows a transcript as text with what the advisor learned", async () => {
    const chat = conversationDetail({
      messages: [
        { seq: 1, role: "assistant", content: "Hi! What's your ZIP code?", meta: {}, created_at: "2026-11-25T20:00:00Z" },
        { seq: 2, role: "user", content: "<b>85001</b>\nbill $220", meta: {}, created_at: "2026-11-25T20:00:10Z" },
      ],
    });
    stubApi({ "GET /api/v1/admin/conversations/:id": () => jsonResponse(chat) });
    renderRoute(`/conversations/${chat.id}`, { as: "manager" });

    const transcript = await screen.findByRole("list", { name: "Transcript" });
    const messages = within(transcript).getAllByRole("listitem");
    expect(messages[1]).toHaveTextContent("<b>85001</b>");
    expect(messages[1]?.querySelector("b")).toBeNull();
    const learned = screen.getByRole("region", { name: "What the advisor learned" });
    expect(learned).toHaveTextContent("Zip code");
    expect(learned).toHaveTextContent("85001");
    expect(learned).toHaveTextContent("Yes");
    expect(screen.getByRole("link", { name: "Open the lead" })).toHaveAttribute("href", `/leads/${chat.lead_id ?? ""}`);
  });
});
