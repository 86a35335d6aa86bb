// Smoke test: both SPAs, built as `make run` builds them, render their shell with
// no console errors, talk to the API across origins, and answer /health.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { ADMIN_URL, API_URL, PUBLIC_URL, launchBrowser, openPage } from "./browser.mjs";
import { recordEvents } from "./events.mjs";

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// The admin dashboard needs a signed-in user: a visitor lands on its login page (which
// must render without errors); admin.test.mjs signs in and covers the rest.
for (const { name, baseUrl, ready, notFound } of [
  {
    name: "public site",
    baseUrl: PUBLIC_URL,
    // The readiness panel reaches the API (CORS allows this origin).
    ready: (page) => page.getByText(/ok|operational|ready/i).first(),
    notFound: async (page) => page.getByRole("heading", { name: /not found|404/i }).waitFor(),
  },
  {
    name: "admin dashboard",
    baseUrl: ADMIN_URL,
    ready: (page) => page.getByRole("heading", { name: "Sign in" }),
    // Signed out, an unknown page asks for a sign-in first and keeps the path to return to.
    notFound: async (page) => {
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      assert.equal(new URL(page.url()).searchParams.get("next"), "/no/such/page");
    },
  },
]) {
  describe(name, () => {
    test("answers /health", async () => {
      const response = await fetch(`${baseUrl}/health`);
      assert.equal(response.status, 200);
    });

    test("renders its shell without console errors", async () => {
      const { context, page, problems } = await openPage(browser);
      await recordEvents(page);
      await page.goto(baseUrl, { waitUntil: "networkidle" });
      await page.getByRole("banner").first().waitFor();
      await page.getByRole("main").waitFor();
      assert.match(await page.title(), /Aurum/);
      await ready(page).waitFor();
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("shows its 404 page for an unknown route after a reload", async () => {
      const { context, page, problems } = await openPage(browser);
      await recordEvents(page);
      const response = await page.goto(`${baseUrl}/no/such/page`, { waitUntil: "networkidle" });
      assert.equal(response.status(), 200, "SPA fallback serves index.html");
      await notFound(page);
      assert.deepEqual(problems, []);
      await context.close();
    });
  });
}

// The legal pages are client routes: a first visit or a reload of their address gets the
// app shell from the server (nginx and `aurum serve` both fall back to index.html).
for (const [path, heading] of [
  ["/privacy", "Privacy policy"],
  ["/terms", "Terms of use"],
]) {
  test(`public site serves ${path} on a direct visit, linked from the footer`, async () => {
    const { context, page, problems } = await openPage(browser);
    await recordEvents(page);
    const response = await page.goto(`${PUBLIC_URL}${path}`, { waitUntil: "networkidle" });
    assert.equal(response.status(), 200);
    await page.getByRole("heading", { level: 1, name: heading }).waitFor();
    const footer = page.getByRole("contentinfo");
    await footer.getByRole("link", { name: "Privacy policy" }).waitFor();
    await footer.getByRole("link", { name: "Terms of use" }).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test("API health answers", async () => {
  const response = await fetch(`${API_URL}/health/ready`);
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.checks.database.status, "ok");
});
