import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { jsonResponse, renderRoute, stubFetch } from "@/test/utils";

describe("routes", () => {
  it("renders the 404 page inside the shell for an unknown path", async () => {
    renderRoute("/no/such/page?x=1");

    expect(await screen.findByRole("heading", { level: 1, name: "Page not found" })).toBeInTheDocument();
    expect(screen.getByRole("main")).toHaveTextContent("There is no page at /no/such/page.");
    expect(screen.getByRole("navigation", { name: "Main" })).toBeInTheDocument();
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("link", { name: "Overview" })).not.toHaveAttribute("aria-current");
    expect(document.title).toBe("Page not found · Aurum Solar Admin");
  });

  it("links from the 404 page back to the overview", async () => {
    stubFetch(() => jsonResponse({ status: "ok", checks: {}, degraded: [] }));
    const { user, router } = renderRoute("/missing");

    await user.click(await within(screen.getByRole("main")).findByRole("link", { name: "Go to the overview" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Overview" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/");
    expect(document.title).toBe("Overview · Aurum Solar Admin");
  });

  it("renders the overview with the live API status at /", async () => {
    stubFetch(() => jsonResponse({ status: "ok", checks: {}, degraded: [] }));
    renderRoute("/");

    expect(await screen.findByRole("heading", { level: 1, name: "Overview" })).toBeInTheDocument();
    expect(await within(screen.getByRole("status")).findByText("Operational")).toBeInTheDocument();
  });
});
