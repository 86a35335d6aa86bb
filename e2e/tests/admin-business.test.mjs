// The dashboard's business pages in Chromium against the running platform: a manager adds a
// partner through the form and reads it back, issues an API key that is shown once, tops the
// partner up; the overview's live feed shows the sale when a homeowner's lead is sold to it;
// analysts read every business page without controls or contact details; phones get usable
// tables. scripts/test-e2e.sh starts the platform and makes one user per role.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { ADMIN_URL, API_URL, launchBrowser, openPage } from "./browser.mjs";

const PASSWORD = process.env.E2E_USER_PASSWORD;
if (!PASSWORD) throw new Error("E2E_USER_PASSWORD is not set: run the browser tests through `make test-e2e`.");

const PARTNER = "E2E Desert Solar";
const CANCELLED_FAVICON = /^request failed: GET \S+\/favicon\.svg \(net::ERR_ABORTED\)$/;
// The tests leave pages faster than a person: a navigation cancels the reads (and the live
// feed's stream) the page before had in flight. Failures of any other kind still count.
const CANCELLED_BY_NAVIGATION = /^request failed: (GET|POST) \S+ \(net::ERR_ABORTED\)$/;

function realProblems(problems) {
  return problems.filter((problem) => !CANCELLED_FAVICON.test(problem) && !CANCELLED_BY_NAVIGATION.test(problem));
}

let browser;
let partnerPath;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

async function signedIn(role, options = {}) {
  const session = await openPage(browser, options);
  const { page } = session;
  await page.goto(`${ADMIN_URL}/`);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await page.getByLabel("Email").fill(`${role}@e2e.example.com`);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  // On a phone the navigation folds behind the menu button: wait for the page instead.
  await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
  return session;
}

async function open(page, path, heading) {
  await page.goto(`${ADMIN_URL}${path}`);
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
}

async function submitLead(overrides) {
  const disclosure = await (await fetch(`${API_URL}/api/v1/leads/consent-disclosure`)).json();
  const response = await fetch(`${API_URL}/api/v1/leads`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      property_type: "single_family",
      roof_type: "asphalt_shingle",
      shade: "none",
      credit_band: "excellent",
      timeline: "asap",
      consent: true,
      consent_version: disclosure.version,
      homeowner: true,
      monthly_bill: 260,
      zip_code: "85001",
      ...overrides,
    }),
  });
  assert.ok(response.ok, `POST /api/v1/leads answered ${response.status}: ${await response.clone().text()}`);
  return response.json();
}

describe("manager", () => {
  let session;
  before(async () => {
    session = await signedIn("manager", { permissions: ["clipboard-read", "clipboard-write"] });
  });
  after(async () => {
    await session?.context.close();
  });

  test("adds a partner through the form, and the form reads back what was saved", async () => {
    const { page, problems } = session;
    await open(page, "/partners", "Partners");
    await page.getByRole("link", { name: "New partner" }).click();
    const form = page.getByRole("form", { name: "New partner" });
    await form.waitFor();
    // The map is a lazy chunk; covered states fill in as they are ticked.
    await form.getByRole("img", { name: "Map: no state covered" }).waitFor();
    await form.getByLabel("Name", { exact: true }).fill(PARTNER);
    await form.getByLabel("Contact email").fill("sales@desert-solar.example.com");
    await form.getByRole("checkbox", { name: "Arizona (AZ)" }).check();
    await form.getByRole("checkbox", { name: "Nevada (NV)" }).check();
    await form.getByRole("img", { name: "Map of the covered states: Arizona, Nevada" }).waitFor();
    await form.getByLabel("ZIP areas").fill("850, 89101");
    for (const tier of ["A", "B", "C"]) {
      await form.getByLabel(`Tier ${tier} exclusive`).fill("62.50");
      await form.getByLabel(`Tier ${tier} shared`).fill("41");
    }
    await form.getByLabel("Leads per day").fill("25");
    await form.getByRole("button", { name: "Add partner" }).click();

    await page.getByRole("heading", { level: 1, name: PARTNER }).waitFor();
    await page.getByText(`Added ${PARTNER}.`).waitFor();
    partnerPath = new URL(page.url()).pathname;
    await page.getByText("exclusive $62.50, shared $41.00").first().waitFor();
    await page.getByText("Arizona, Nevada").waitFor();

    await page.getByRole("link", { name: "Edit partner" }).click();
    const edit = page.getByRole("form", { name: `Edit ${PARTNER}` });
    await edit.waitFor();
    assert.equal(await edit.getByLabel("Tier B exclusive").inputValue(), "62.50");
    assert.equal(await edit.getByLabel("Tier C shared").inputValue(), "41.00");
    assert.equal(await edit.getByLabel("ZIP areas").inputValue(), "850, 89101");
    assert.equal(await edit.getByLabel("Leads per day").inputValue(), "25");
    assert.equal(await edit.getByRole("checkbox", { name: "Nevada (NV)" }).isChecked(), true);
    // A change round-trips too.
    await edit.getByLabel("Tier A exclusive").fill("70");
    await edit.getByRole("button", { name: "Save partner" }).click();
    await page.getByText(`Saved ${PARTNER}.`).waitFor();
    await page.getByText("exclusive $70.00, shared $41.00").waitFor();
    assert.deepEqual(realProblems(problems), []);
  });

  test("issues an API key that is shown once, with a copy button", async () => {
    const { page, problems } = session;
    await open(page, partnerPath, PARTNER);
    const form = page.getByRole("form", { name: "Issue an API key" });
    await form.getByLabel("Key name").fill("CRM sync");
    await form.getByRole("button", { name: "Issue key" }).click();
    const shown = page.getByRole("alert", { name: "New API key" });
    const secret = (await shown.getByTestId("new-api-key").textContent())?.trim() ?? "";
    assert.ok(secret.length > 20, `a whole key, got ${JSON.stringify(secret)}`);
    await shown.getByRole("button", { name: "Copy key" }).click();
    await shown.getByText("Copied to the clipboard.").waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);

    // The key works against the B2B API, and after a reload it is nowhere on the page.
    const account = await fetch(`${API_URL}/api/v1/b2b/account`, { headers: { Authorization: `Bearer ${secret}` } });
    assert.notEqual(account.status, 401, "the new key is accepted");
    await page.reload();
    await page.getByRole("table", { name: "API keys" }).getByRole("rowheader", { name: /CRM sync/ }).waitFor();
    assert.equal(await page.getByText(secret).count(), 0);
    assert.equal(await page.getByRole("alert", { name: "New API key" }).count(), 0);
    assert.deepEqual(realProblems(problems), []);
  });

  test("reads the system's health, on the overview's strip and its own page", async () => {
    const { page, problems } = session;
    await open(page, "/", "Overview");
    await page.getByRole("region", { name: "System health" }).getByText("Uptime").waitFor();
    await open(page, "/system", "System health");
    const routes = page.getByRole("table", { name: "Latency and errors per route" });
    await routes.getByRole("rowheader", { name: /\/api\/v1\/admin\/partners/ }).first().waitFor();
    await page.getByRole("region", { name: "Database" }).getByText("up", { exact: true }).waitFor();
    assert.deepEqual(realProblems(problems), []);
  });

  test("tops the partner up in dollars", async () => {
    const { page, problems } = session;
    await open(page, partnerPath, PARTNER);
    const form = page.getByRole("form", { name: "Record money" });
    await form.getByLabel("Amount (USD)").fill("1000");
    await form.getByRole("button", { name: "Record" }).click();
    await page.getByText("Recorded $1,000.00; the balance is now $1,000.00.").waitFor();
    assert.deepEqual(realProblems(problems), []);
  });
});

describe("admin", () => {
  let session;
  before(async () => {
    session = await signedIn("admin");
  });
  after(async () => {
    await session?.context.close();
  });

  test("sees the sale on the overview's live feed as it happens", async () => {
    const { page, problems } = session;
    await open(page, "/", "Overview");
    const feed = page.getByRole("list", { name: "Live events, newest first" });
    // Connected before the lead is made: the stream replays only from an event id it was given.
    await page.locator('[data-feed-state="live"]').waitFor({ timeout: 30_000 });
    await submitLead({ first_name: "Fiona", last_name: "Feedwell", email: "fiona.feed@example.com", phone: "(602) 555-0177" });
    // The worker offers the lead to the partner; the sale reaches the browser over the stream.
    await feed.getByText(/^New lead: Fiona Feedwell/).waitFor({ timeout: 60_000 });
    await feed.getByText(new RegExp(`^Lead sold to ${PARTNER} for \\$`)).waitFor({ timeout: 60_000 });
    assert.equal(await feed.getAttribute("aria-live"), "polite");

    // The lead's page shows its buyer, and the Sales page the sale.
    await open(page, "/sales", "Sales");
    const sale = page.getByRole("table", { name: "Sales, newest first" }).getByRole("row", { name: /Fiona Feedwell/ });
    await sale.getByRole("link", { name: PARTNER }).waitFor();
    await sale.getByRole("link", { name: "Fiona Feedwell" }).click();
    await page.getByRole("heading", { level: 1, name: "Fiona Feedwell" }).waitFor();
    await page.getByRole("table", { name: "Who bought this lead" }).getByRole("link", { name: PARTNER }).waitFor();
    assert.deepEqual(realProblems(problems), []);
  });
});

describe("analyst", () => {
  let session;
  before(async () => {
    session = await signedIn("analyst");
  });
  after(async () => {
    await session?.context.close();
  });

  test("reads the business pages, without controls or contact details", async () => {
    const { page, problems } = session;
    await open(page, "/revenue", "Revenue");
    await page.getByRole("table", { name: /^Revenue by partner/ }).getByRole("rowheader", { name: PARTNER }).waitFor();
    await open(page, "/funnel", "Funnel");
    await page.getByRole("table", { name: "The funnel, all sources" }).waitFor();
    await open(page, "/partners", "Partners");
    assert.equal(await page.getByRole("link", { name: "New partner" }).count(), 0);
    await page.getByRole("link", { name: PARTNER }).click();
    await page.getByRole("heading", { level: 1, name: PARTNER }).waitFor();
    await page.getByRole("region", { name: "Outcomes" }).getByText("Close rate").waitFor();
    assert.equal(await page.getByRole("form", { name: "Issue an API key" }).count(), 0);
    assert.equal(await page.getByRole("form", { name: "Record money" }).count(), 0);
    assert.equal(await page.getByRole("button", { name: /Revoke|Rotate/ }).count(), 0);

    await open(page, "/sales", "Sales");
    await page.getByRole("link", { name: "Fiona F." }).waitFor();
    assert.equal(await page.getByText("Feedwell").count(), 0);
    await open(page, "/returns", "Returns");
    await open(page, "/system", "No access");
    assert.deepEqual(realProblems(problems), []);
  });
});

describe("on a 390 px phone", () => {
  test("the Users and Leads tables fit, with every row's actions on screen", async () => {
    const session = await signedIn("admin", { viewport: { width: 390, height: 844 } });
    const { page } = session;
    try {
      for (const [path, heading] of [["/users", "Users"], ["/leads", "Leads"], ["/partners", "Partners"]]) {
        await open(page, path, heading);
        await page.getByRole("table").first().waitFor();
        const width = await page.evaluate(() => Math.max(...[...document.querySelectorAll("table")].map((table) => table.getBoundingClientRect().right)));
        assert.ok(width <= 390, `${path}: a table ends at ${width} px on a 390 px screen`);
      }
      await open(page, "/users", "Users");
      const disable = page.getByRole("button", { name: "Disable manager@e2e.example.com" });
      const box = await disable.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `Disable is on screen: ${JSON.stringify(box)}`);
    } finally {
      await session.context.close();
    }
  });
});

describe("afterwards", () => {
  test("a manager pauses the partner, so the other browser tests' leads stay unsold", async () => {
    const session = await signedIn("manager");
    const { page, problems } = session;
    try {
      await open(page, `${partnerPath}/edit`, `Edit ${PARTNER}`);
      const edit = page.getByRole("form", { name: `Edit ${PARTNER}` });
      await edit.getByLabel("Status").selectOption("paused");
      await edit.getByRole("button", { name: "Save partner" }).click();
      await page.getByText(`Saved ${PARTNER}.`).waitFor();
      await page.getByRole("region", { name: "Account" }).getByText("Paused").waitFor();
      assert.deepEqual(realProblems(problems), []);
    } finally {
      await session.context.close();
    }
  });
});
