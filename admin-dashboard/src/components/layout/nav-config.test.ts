import { LayoutDashboard } from "lucide-react";
import { describe, expect, it } from "vitest";

import { navigation, navItemsForRole, type NavItem } from "./nav-config";

describe("navItemsForRole", () => {
  const items: NavItem[] = [
    { title: "Overview", to: "/", icon: LayoutDashboard, roles: ["admin", "manager", "analyst"] },
    { title: "Partners", to: "/partners", icon: LayoutDashboard, roles: ["admin", "manager"] },
    { title: "Users", to: "/users", icon: LayoutDashboard, roles: ["admin"] },
  ];

  it.each([
    ["admin", ["Overview", "Partners", "Users"]],
    ["manager", ["Overview", "Partners"]],
    ["analyst", ["Overview"]],
  ] as const)("shows a %s %j", (role, titles) => {
    expect(navItemsForRole(items, role).map((item) => item.title)).toEqual(titles);
  });
});

describe("navigation", () => {
  it("lists each page once", () => {
    const paths = navigation.map((item) => item.to);
    expect(new Set(paths).size).toBe(paths.length);
  });
});
