// Smoke test: both SPAs, built as `make run` builds them, render their shell with
// no console errors, talk to the API across origins, and answer /health.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { ADMIN_URL, API_URL, PUBLIC_URL, launchBrowser, openPage } from "./browser.mjs";

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

for (const [name, baseUrl] of [
  ["public site", PUBLIC_URL],
  ["admin dashboard", ADMIN_URL],
]) {
  describe(name, () => {
    test("answers /health", async () => {
      const response = await fetch(`${baseUrl}/health`);
      assert.equal(response.status, 200);
    });

    test("renders its shell without console errors", async () => {
      const { context, page, problems } = await openPage(browser);
      await page.goto(baseUrl, { waitUntil: "networkidle" });
      await page.getByRole("banner").first().waitFor();
      await page.getByRole("main").waitFor();
      assert.match(await page.title(), /Aurum/);
      // The readiness panel reaches the API (CORS allows this origin).
      await page.getByText(/ok|operational|ready/i).first().waitFor({ timeout: 10_000 });
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("shows its 404 page for an unknown route after a reload", async () => {
      const { context, page, problems } = await openPage(browser);
      const response = await page.goto(`${baseUrl}/no/such/page`, { waitUntil: "networkidle" });
      assert.equal(response.status(), 200, "SPA fallback serves index.html");
      await page.getByRole("heading", { name: /not found|404/i }).waitFor();
      assert.deepEqual(problems, []);
      await context.close();
    });
  });
}

test("API health answers", async () => {
  const response = await fetch(`${API_URL}/health/ready`);
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.checks.database.status, "ok");
});
