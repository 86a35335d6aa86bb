// The admin dashboard in Chromium against the running platform: each role signs in through
// the login page and sees what its role allows (navigation, contact details, controls), and
// no more. scripts/test-e2e.sh creates one user per role; leads and a chat are made here
// through the public API, as homeowners would make them.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";

import { ADMIN_URL, API_URL, launchBrowser, openPage } from "./browser.mjs";

const PASSWORD = process.env.E2E_USER_PASSWORD;
if (!PASSWORD) throw new Error("E2E_USER_PASSWORD is not set: run the browser tests through `make test-e2e`.");

const emailOf = (role) => `${role}@e2e.example.com`;
const HOSTILE = '<img src=x onerror="window.__pwned=1">';
const CHAT_EMAIL = "chat.person@example.com";

// Chromium reports a fetch whose body the page reads as a stream as failed (net::ERR_ABORTED)
// even after every byte arrived (see chat.test.mjs). The CSV export is read that way, for its
// progress; its completion is checked on the page and in the downloaded file.
const STREAMED_EXPORT = /^request failed: GET \S+\/api\/v1\/admin\/leads\/export\.csv\S* \(net::ERR_ABORTED\)$/;

// The tests move between pages faster than a person: a navigation cancels the favicon request
// the page before had only just started.
const CANCELLED_FAVICON = /^request failed: GET \S+\/favicon\.svg \(net::ERR_ABORTED\)$/;

// Leaving the overview cancels its readiness check and analytics requests, the lazy chart
// chunks it was still fetching (a chunk that really failed would answer an error status and
// leave the page broken, which the page checks see), and closes its live feed's stream.
const LEFT_OVERVIEW =
  /^request failed: (GET|POST) \S+\/(health\/ready|api\/v1\/admin\/(analytics|events)\S*|assets\/\S+\.(js|css)) \(net::ERR_ABORTED\)$/;

function realProblems(problems) {
  return problems.filter(
    (problem) => !STREAMED_EXPORT.test(problem) && !CANCELLED_FAVICON.test(problem) && !LEFT_OVERVIEW.test(problem),
  );
}

let browser;

async function postJson(path, body, headers = {}) {
  const response = await fetch(`${API_URL}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  assert.ok(response.ok, `POST ${path} answered ${response.status}: ${await response.clone().text()}`);
  return response.json();
}

async function seedLeads() {
  const disclosure = await (await fetch(`${API_URL}/api/v1/leads/consent-disclosure`)).json();
  const common = {
    property_type: "single_family",
    roof_type: "asphalt_shingle",
    shade: "none",
    credit_band: "excellent",
    timeline: "asap",
    consent: true,
    consent_version: disclosure.version,
  };
  const leads = [
    { first_name: "Ada", last_name: "Lovelace", email: "ada@example.com", phone: "(602) 555-0142", zip_code: "85001", monthly_bill: 220, homeowner: true, street_address: HOSTILE },
    { first_name: "Grace", last_name: "Hopper", email: "grace@example.com", phone: "(212) 555-0100", zip_code: "90210", monthly_bill: 320, homeowner: true },
    { first_name: "Rita", last_name: "Renter", email: "rita@example.com", phone: "(602) 555-0199", zip_code: "85004", monthly_bill: 150, homeowner: false },
  ];
  for (const lead of leads) await postJson("/api/v1/leads", { ...common, ...lead });
}

/** A chat in which the homeowner types an email address (masked for analysts) and some markup. */
async function seedConversation() {
  const chat = await postJson("/api/v1/conversations", {});
  for (const content of ["85001", `<b>bold</b> you can reach me at ${CHAT_EMAIL}`]) {
    await postJson(`/api/v1/conversations/${chat.id}/messages`, { content }, { "X-Conversation-Token": chat.token });
  }
  return chat.id;
}

let conversationId;

before(async () => {
  browser = await launchBrowser();
  await seedLeads();
  conversationId = await seedConversation();
});

after(async () => {
  await browser?.close();
});

/** A fresh browser profile signed in as `role` through the login page. */
async function signedIn(role, startPath = "/") {
  const session = await openPage(browser, { acceptDownloads: true });
  const { page } = session;
  await page.goto(`${ADMIN_URL}${startPath}`);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await page.getByLabel("Email").fill(emailOf(role));
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
  return session;
}

async function navTitles(page) {
  return page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
}

async function open(page, path, heading) {
  await page.goto(`${ADMIN_URL}${path}`);
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
}

test("a wrong password is refused without saying whether the account exists", async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(`${ADMIN_URL}/login`);
  await page.getByLabel("Email").fill("nobody@e2e.example.com");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").getByText("The email or password is incorrect.").waitFor();
  assert.equal(await page.getByLabel("Password").inputValue(), "");
  // Chromium logs the refused sign-in (401) itself; nothing else may go wrong.
  assert.deepEqual(
    realProblems(problems).filter((problem) => !/status of 401/.test(problem)),
    [],
  );
  await context.close();
});

describe("manager", () => {
  let session;
  before(async () => {
    // Signed out, a deep link asks for a sign-in and then returns to it.
    session = await signedIn("manager", "/leads?status=new");
  });
  after(async () => {
    await session?.context.close();
  });

  test("returns to the page asked for, with its filters", async () => {
    const { page } = session;
    await page.getByRole("heading", { level: 1, name: "Leads" }).waitFor();
    const url = new URL(page.url());
    assert.equal(url.pathname, "/leads");
    assert.equal(url.search, "?status=new");
    await page.getByRole("link", { name: "Ada Lovelace" }).waitFor();
    // Rita rents: unqualified, filtered out.
    assert.equal(await page.getByRole("link", { name: /Rita/ }).count(), 0);
  });

  test("sees contact details but not the admin pages", async () => {
    const { page } = session;
    assert.deepEqual(await navTitles(page), ["Overview", "Revenue", "Funnel", "Leads", "Conversations", "Partners", "Sales", "Returns", "System health"]);
    await page.getByRole("table", { name: "Leads" }).getByText("ada@example.com").waitFor();

    await open(page, "/users", "No access");
    await open(page, "/audit-log", "No access");
  });

  test("changes a lead's status and notes; a reload keeps the session and the changes", async () => {
    const { page, problems } = session;
    await open(page, "/leads", "Leads");
    await page.getByRole("link", { name: "Ada Lovelace" }).click();
    await page.getByRole("heading", { level: 1, name: "Ada Lovelace" }).waitFor();

    // The street address was typed as markup: it shows as text, and never runs.
    await page.getByRole("region", { name: "Contact and home" }).getByText(HOSTILE).waitFor();
    assert.equal(await page.evaluate(() => window.__pwned), undefined);

    const manage = page.getByRole("region", { name: "Manage" });
    await manage.getByLabel("Status").selectOption("unqualified");
    await manage.getByRole("button", { name: "Change status" }).click();
    await manage.getByText("Status changed to Unqualified.").waitFor();
    await manage.getByLabel("Internal notes").fill("Prefers email. <b>not bold</b>");
    await manage.getByRole("button", { name: "Save notes" }).click();
    await manage.getByText("Notes saved.").waitFor();

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Ada Lovelace" }).waitFor();
    assert.equal(await page.getByRole("region", { name: "Manage" }).getByLabel("Internal notes").inputValue(), "Prefers email. <b>not bold</b>");
    assert.equal(await page.getByRole("region", { name: "Manage" }).getByLabel("Status").inputValue(), "unqualified");
    assert.deepEqual(realProblems(problems), []);
  });

  test("reads a transcript in full, as text", async () => {
    const { page } = session;
    await open(page, `/conversations/${conversationId}`, /Conversation of/);
    const transcript = page.getByRole("list", { name: "Transcript" });
    await transcript.getByText(`<b>bold</b> you can reach me at ${CHAT_EMAIL}`).waitFor();
    assert.equal(await transcript.locator("b").count(), 0);
  });

  test("signs out, and the dashboard is closed again", async () => {
    const { page, problems } = session;
    await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You have signed out.").waitFor();
    await page.goto(`${ADMIN_URL}/leads`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get("next"), "/leads");
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

  test("sees leads and conversations only, with contact details masked", async () => {
    const { page, problems } = session;
    assert.deepEqual(await navTitles(page), ["Overview", "Revenue", "Funnel", "Leads", "Conversations", "Partners", "Sales", "Returns"]);

    await open(page, "/leads", "Leads");
    const table = page.getByRole("table", { name: "Leads" });
    await table.getByRole("link", { name: "Ada L." }).waitFor();
    await table.getByText("a***@e***.com").waitFor();
    assert.equal(await page.getByText("ada@example.com").count(), 0);
    assert.equal(await page.getByText("Lovelace").count(), 0);
    await page.getByText(/Contact details are masked for your role/).waitFor();
    assert.deepEqual(realProblems(problems), []);
  });

  test("gets no controls to change a lead", async () => {
    const { page } = session;
    await page.getByRole("link", { name: "Ada L." }).click();
    await page.getByRole("heading", { level: 1, name: "Ada L." }).waitFor();
    await page.getByRole("region", { name: "Notes" }).waitFor();
    await page.getByRole("region", { name: "Score" }).getByRole("table", { name: "Score factors" }).waitFor();
    await page.getByRole("region", { name: "Consent" }).getByText("Disclosure shown").waitFor();
    assert.equal(await page.getByRole("region", { name: "Manage" }).count(), 0);
    assert.equal(await page.getByRole("button", { name: /Change status|Save notes/ }).count(), 0);
    assert.equal(await page.getByText("*** (hidden)").count(), 1);
  });

  test("reads a transcript with the homeowner's email masked by the server", async () => {
    const { page } = session;
    await open(page, `/conversations/${conversationId}`, /Conversation of/);
    const transcript = page.getByRole("list", { name: "Transcript" });
    await transcript.getByText(/<b>bold<\/b> you can reach me at/).waitFor();
    assert.equal(await page.getByText(CHAT_EMAIL).count(), 0);
  });

  test("cannot open the admin pages", async () => {
    const { page, problems } = session;
    await open(page, "/users", "No access");
    await open(page, "/audit-log", "No access");
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

  test("sees every page", async () => {
    const { page } = session;
    assert.deepEqual(await navTitles(page), ["Overview", "Revenue", "Funnel", "Leads", "Conversations", "Partners", "Sales", "Returns", "System health", "Users", "Audit log"]);
    // Inside the shell, an unknown page is the 404 page.
    await open(page, "/no/such/page", "Page not found");
  });

  test("adds a user, changes their role, disables them; cannot disable or demote themselves", async () => {
    const { page, problems } = session;
    await open(page, "/users", "Users");
    for (const role of ["admin", "manager", "analyst"]) {
      await page.getByRole("row", { name: new RegExp(emailOf(role)) }).waitFor();
    }

    const form = page.getByRole("region", { name: "Add a user" });
    await form.getByLabel("Email").fill("new.analyst@e2e.example.com");
    await form.getByLabel("Role").selectOption("analyst");
    await form.getByLabel("Initial password").fill("a new user's password");
    await form.getByRole("button", { name: "Add user" }).click();
    await form.getByText("Added new.analyst@e2e.example.com as analyst.").waitFor();

    const row = page.getByRole("row", { name: /new\.analyst@e2e\.example\.com/ });
    await row.getByLabel("Role of new.analyst@e2e.example.com").selectOption("manager");
    await row.getByRole("button", { name: "Change role of new.analyst@e2e.example.com" }).click();
    await page.getByText("new.analyst@e2e.example.com is now manager; their sessions have ended.").waitFor();
    await row.getByRole("button", { name: "Disable new.analyst@e2e.example.com" }).click();
    await page.getByText("new.analyst@e2e.example.com is disabled; their sessions have ended.").waitFor();
    await row.getByText("Disabled").waitFor();

    // Nobody disables or demotes themselves: the page offers no way to, and says who can.
    const self = page.getByRole("row", { name: new RegExp(emailOf("admin")) });
    assert.equal(await self.getByLabel(`Role of ${emailOf("admin")}`).isDisabled(), true);
    await self.getByText("Another admin must change your own role or status.").waitFor();
    assert.equal(await self.getByRole("button", { name: `Disable ${emailOf("admin")}` }).count(), 0);
    assert.deepEqual(realProblems(problems), []);
  });

  test("filters the audit log by action and reads an entry's details", async () => {
    const { page } = session;
    await open(page, "/audit-log", "Audit log");
    const filters = page.getByRole("search", { name: "Filter the audit log" });
    await filters.getByLabel("Action").fill("lead.update");
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/action=lead\.update/);

    const table = page.getByRole("table", { name: /Audit log entries/ });
    const rows = table.locator("tbody tr");
    // The unfiltered entries stay on screen until the filtered ones arrive: wait until no
    // other action is listed, however long the API takes.
    await table.locator("tbody tr td:nth-child(3)").filter({ hasNotText: "lead.update" }).first().waitFor({ state: "detached" });
    await rows.first().getByText(emailOf("manager")).waitFor();
    assert.deepEqual([...new Set(await table.locator("tbody tr td:nth-child(3)").allTextContents())], ["lead.update"]);
    await rows.first().getByText("Show").click();
    const details = await rows.first().locator("pre").textContent();
    assert.match(details, /"notes"|"status"/);

    // The filtered view is a link: reloading it shows the same entries.
    await page.reload();
    await table.locator("tbody tr").first().waitFor();
    assert.equal(await filters.getByLabel("Action").inputValue(), "lead.update");
  });

  test("exports the current filter of leads as CSV", async () => {
    const { page, problems } = session;
    // The audit log test ends on a page whose reload may still be fetching: leaving before it
    // answers would cancel that request (net::ERR_ABORTED), which is no fault of the export.
    await page.waitForLoadState("networkidle");
    await open(page, "/leads?status=unqualified&sort=-score", "Leads");
    await page.getByRole("link", { name: "Ada Lovelace" }).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^leads-\d{8}\.csv$/);
    const csv = await readFile(await download.path(), "utf8");
    const lines = csv.trim().split(/\r?\n/);
    assert.match(lines[0], /^id,created_at,status/);
    // Ada (made unqualified by the manager) and Rita (a renter); not Grace (new).
    assert.equal(lines.length, 3);
    assert.match(csv, /ada@example\.com/);
    assert.match(csv, /rita@example\.com/);
    assert.doesNotMatch(csv, /grace@example\.com/);
    await page.getByText(/^Downloaded leads-\d{8}\.csv/).waitFor();
    assert.deepEqual(realProblems(problems).filter((problem) => !/status of 409/.test(problem)), []);
  });
});
