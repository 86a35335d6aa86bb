// The site's visit statistics go to POST /api/v1/events. The browser tests answer that
// route themselves (the API may not have it yet) and keep what the page sent.

/** Answers the page's statistics batches with 202 and records each body, in order. */
export async function recordEvents(page) {
  const batches = [];
  await page.route("**/api/v1/events", async (route) => {
    const request = route.request();
    const origin = request.headers()["origin"] ?? "*";
    const cors = {
      "access-control-allow-origin": origin,
      "access-control-allow-methods": "POST",
      "access-control-allow-headers": "content-type",
      vary: "Origin",
    };
    if (request.method() !== "POST") {
      await route.fulfill({ status: 204, headers: cors });
      return;
    }
    const body = request.postDataJSON();
    batches.push(body);
    await route.fulfill({
      status: 202,
      headers: cors,
      contentType: "application/json",
      body: JSON.stringify({ accepted: body.events.length }),
    });
  });
  return batches;
}

/** Polls until `check()` is true: statistics go in batches, a few seconds apart. */
export async function eventually(check, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
