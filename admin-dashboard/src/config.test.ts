import { describe, expect, it } from "vitest";

import { config, dashboardUrl, DEFAULTS, readConfig } from "./config";

describe("readConfig", () => {
  it("falls back to the local-development defaults when nothing is set", () => {
    expect(readConfig({})).toEqual({
      apiUrl: "http://localhost:8000",
      appName: "Aurum Solar",
      environment: "development",
      adminDashboardUrl: "http://localhost:3002",
    });
  });

  it("treats blank values as unset", () => {
    expect(
      readConfig({ VITE_API_URL: "", VITE_APP_NAME: "  ", VITE_ENVIRONMENT: "", VITE_ADMIN_DASHBOARD: " " }),
    ).toEqual(DEFAULTS);
  });

  it("uses set values and drops trailing slashes from URLs", () => {
    expect(
      readConfig({
        VITE_API_URL: "https://api.aurum.example/",
        VITE_APP_NAME: "Aurum",
        VITE_ENVIRONMENT: "production",
        VITE_ADMIN_DASHBOARD: "https://admin.aurum.example//",
      }),
    ).toEqual({
      apiUrl: "https://api.aurum.example",
      appName: "Aurum",
      environment: "production",
      adminDashboardUrl: "https://admin.aurum.example",
    });
  });

  it("reads the build's VITE_* variables", () => {
    // Pinned in vite.config.ts `test.env`.
    expect(config.apiUrl).toBe("http://api.test");
    expect(config.environment).toBe("staging");
    expect(config.adminDashboardUrl).toBe("http://admin.test");
  });
});

describe("dashboardUrl", () => {
  it("builds an absolute link to a page of this dashboard", () => {
    expect(dashboardUrl("/leads?page=2")).toBe("http://admin.test/leads?page=2");
  });

  it("keeps a sub-path the dashboard is served under", () => {
    expect(dashboardUrl("/login", "https://aurum.example/admin")).toBe("https://aurum.example/admin/login");
  });
});
