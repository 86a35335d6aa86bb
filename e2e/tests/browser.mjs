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
    problems.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`);
  });
  return { context, page, problems };
}
