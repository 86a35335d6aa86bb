// Shared browser setup: Debian's Chromium through playwright-core (never a downloaded browser).
import { chromium } from "playwright-core";

export const PUBLIC_URL = process.env.E2E_PUBLIC_URL;
export const ADMIN_URL = process.env.E2E_ADMIN_URL;
export const API_URL = process.env.E2E_API_URL;

if (!PUBLIC_URL || !ADMIN_URL || !API_URL) {
  throw new Error("Run the browser tests through `make test-e2e` (scripts/test-e2e.sh), which starts the platform.");
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** A fresh page that records console errors and uncaught exceptions. */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console.error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => {
    const reason = request.failure()?.errorText;
    // net::ERR_ABORTED is Chromium's word for a request the page itself gave up: a fetch or
    // lazy chunk cancelled by leaving the page (how early depends on the machine's load), a
    // keepalive beacon sent while unloading, a stream read to its end. A request that really
    // failed answers an error status or breaks the page, which the console and page checks
    // and each test's own assertions see; refused connections and the like still count here.
    if (reason === "net::ERR_ABORTED") return;
    problems.push(`request failed: ${request.method()} ${request.url()} (${reason})`);
  });
  return { context, page, problems };
}
