// @vitest-environment node
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { initialScripts, main, parseArgs } from "./check-bundle-size.mjs";

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <script type="module" crossorigin src="/assets/index-abc.js"></script>
    <link rel="modulepreload" crossorigin href="/assets/vendor-def.js">
    <link rel="stylesheet" crossorigin href="/assets/index-123.css">
    <link rel="icon" href="/favicon.svg">
  </head>
  <body><div id="root"></div></body>
</html>`;

// Pseudo-random text compresses like code rather than like a run of one byte.
function code(size, seed) {
  let state = seed;
  let text = "";
  while (text.length < size) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    text += `const v${state % 9973} = ${state};\n`;
  }
  return text.slice(0, size);
}

let dist;
const files = {
  "assets/index-abc.js": code(40_000, 1),
  "assets/vendor-def.js": code(80_000, 2),
  "assets/lazy-page.js": code(500_000, 3), // a lazy chunk: never counted
  "assets/index-123.css": code(30_000, 4),
};
const gz = (name) => gzipSync(Buffer.from(files[name])).length;
const expectedGzip = gz("assets/index-abc.js") + gz("assets/vendor-def.js");

beforeEach(() => {
  dist = mkdtempSync(path.join(tmpdir(), "bundle-size-"));
  mkdirSync(path.join(dist, "assets"));
  writeFileSync(path.join(dist, "index.html"), INDEX_HTML);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dist, name), content);
});

afterEach(() => {
  rmSync(dist, { recursive: true, force: true });
});

function run(args, env = {}) {
  const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
  const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
  const code = main(["--dist", dist, ...args], env);
  const output = [...log.mock.calls, ...error.mock.calls].map((call) => call.join(" ")).join("\n");
  return { code, output };
}

describe("initialScripts", () => {
  it("finds the module entry and modulepreloads, not stylesheets, icons or classic scripts", () => {
    const html = `${INDEX_HTML}<script src="/legacy.js"></script><link href='/assets/x.js' rel='modulepreload'>`;
    expect(initialScripts(html)).toEqual(["/assets/index-abc.js", "/assets/vendor-def.js", "/assets/x.js"]);
  });
});

describe("check-bundle-size", () => {
  it("sums the gzipped entry and preloads and passes under budget", () => {
    const { code, output } = run(["--budget", "250"]);

    expect(code).toBe(0);
    expect(output).toContain("assets/index-abc.js");
    expect(output).toContain("assets/vendor-def.js");
    expect(output).not.toContain("lazy-page");
    expect(output).toContain(`Initial JavaScript: ${(expectedGzip / 1000).toFixed(2)} kB gzipped of a 250 kB budget`);
  });

  it("fails over budget", () => {
    const budgetKb = (expectedGzip - 1) / 1000;
    const { code, output } = run([`--budget=${budgetKb}`]);

    expect(code).toBe(1);
    expect(output).toContain("OVER by 0.00 kB");
  });

  it("passes exactly at the budget", () => {
    expect(run([String(expectedGzip / 1000)]).code).toBe(0);
  });

  it("takes the budget from BUNDLE_BUDGET_KB", () => {
    expect(run([], { BUNDLE_BUDGET_KB: "0.5" }).code).toBe(1);
  });

  it("fails clearly when a referenced file is missing", () => {
    rmSync(path.join(dist, "assets/vendor-def.js"));
    const { code, output } = run([]);

    expect(code).toBe(2);
    expect(output).toContain("/assets/vendor-def.js from index.html is not at");
  });

  it("fails clearly without a build", () => {
    rmSync(path.join(dist, "index.html"));
    const { code, output } = run([]);
    expect(code).toBe(2);
    expect(output).toContain("run `npm run build` first");
  });
});

describe("parseArgs", () => {
  it("defaults to 250 kB", () => {
    expect(parseArgs([], {}).budgetKb).toBe(250);
  });

  it.each([["--budget", "0"], ["--budget", "lots"], ["--frobnicate"]])("rejects %s %s", (...args) => {
    expect(() => parseArgs(args, {})).toThrow();
  });
});
