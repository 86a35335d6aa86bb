import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";

import { jsonResponse, renderRoute, stubFetch } from "@/test/utils";

beforeEach(() => {
  stubFetch(() => jsonResponse({ status: "ok", checks: {}, degraded: [] }));
});

describe("AppShell", () => {
  it("renders the banner, main navigation and main landmarks", async () => {
    renderRoute("/", { as: "admin" });

    expect(await screen.findByRole("heading", { level: 1, name: "Overview" })).toBeInTheDocument();
    const banner = screen.getByRole("banner");
    expect(within(banner).getByRole("link", { name: /Aurum Solar/ })).toHaveAttribute("href", "/");
    expect(screen.getByRole("navigation", { name: "Main" })).toBeInTheDocument();
    expect(screen.getByRole("main")).toHaveAttribute("id", "main-content");
  });

  it("offers a skip link to the main content as the first focus stop", async () => {
    const { user } = renderRoute("/", { as: "admin" });
    await screen.findByRole("heading", { level: 1, name: "Overview" });

    await user.tab();
    const skipLink = screen.getByRole("link", { name: "Skip to main content" });
    expect(skipLink).toHaveFocus();
    expect(skipLink).toHaveAttribute("href", "#main-content");
  });

  it("shows the environment the build was made for", async () => {
    renderRoute("/", { as: "admin" });
    const banner = screen.getByRole("banner");

    expect(within(banner).getByText("staging")).toBeInTheDocument();
    expect(banner).toHaveTextContent("Environment: staging");
    await screen.findByRole("heading", { level: 1, name: "Overview" });
  });

  it("marks the current page in the navigation", async () => {
    renderRoute("/", { as: "admin" });
    await screen.findByRole("heading", { level: 1, name: "Overview" });

    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");
  });

  it.each([
    ["admin", ["Overview", "Revenue", "Funnel", "Leads", "Conversations", "Partners", "Sales", "Returns", "System health", "Users", "Audit log"]],
    ["manager", ["Overview", "Revenue", "Funnel", "Leads", "Conversations", "Partners", "Sales", "Returns", "System health"]],
    ["analyst", ["Overview", "Revenue", "Funnel", "Leads", "Conversations", "Partners", "Sales", "Returns"]],
  ] as const)("shows a signed-in %s only the pages their role may open", async (role, titles) => {
    renderRoute("/", { as: role });
    await screen.findByRole("heading", { level: 1, name: "Overview" });

    const links = within(screen.getByRole("navigation", { name: "Main" })).getAllByRole("link");
    expect(links.map((link) => link.textContent)).toEqual(titles);
  });

  it("shows who is signed in, as which role, with a way to sign out", async () => {
    renderRoute("/", { as: "manager" });
    await screen.findByRole("heading", { level: 1, name: "Overview" });

    const banner = screen.getByRole("banner");
    expect(banner).toHaveTextContent("Signed in as manager@example.com");
    expect(banner).toHaveTextContent("Role: Manager");
    expect(within(banner).getByRole("button", { name: "Sign out" })).toBeInTheDocument();
  });

  it("opens and closes the small-screen menu, returning focus to its button on Escape", async () => {
    const { user } = renderRoute("/", { as: "admin" });
    await screen.findByRole("heading", { level: 1, name: "Overview" });
    const menuButton = screen.getByRole("button", { name: "Menu" });
    expect(menuButton).toHaveAttribute("aria-expanded", "false");
    expect(menuButton).toHaveAttribute("aria-controls", "primary-navigation");

    await user.click(menuButton);
    expect(menuButton).toHaveAttribute("aria-expanded", "true");

    await user.tab(); // the app name link
    await user.tab(); // "Sign out"
    await user.tab();
    expect(within(screen.getByRole("navigation", { name: "Main" })).getByRole("link", { name: "Overview" })).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(menuButton).toHaveAttribute("aria-expanded", "false");
    expect(menuButton).toHaveFocus();
  });

  it("closes the small-screen menu after choosing a page", async () => {
    const { user } = renderRoute("/somewhere-else", { as: "admin" });
    await screen.findByRole("heading", { level: 1, name: "Page not found" });
    const menuButton = screen.getByRole("button", { name: "Menu" });

    await user.click(menuButton);
    await user.click(within(screen.getByRole("navigation", { name: "Main" })).getByRole("link", { name: "Overview" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Overview" })).toBeInTheDocument();
    expect(menuButton).toHaveAttribute("aria-expanded", "false");
  });
});
