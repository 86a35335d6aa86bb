#!/usr/bin/env node
/**
 * Bundle budget: the JavaScript a first visit must download before the app starts, i.e. the
 * entry `<script type="module" src>` plus every `<link rel="modulepreload">` in
 * dist/index.html, gzipped. Lazy route chunks are not counted.
 *
 *   node scripts/check-bundle-size.mjs [--budget <kB>] [--dist <dir>]
 *   BUNDLE_BUDGET_KB=250 node scripts/check-bundle-size.mjs
 *
 * 1 kB = 1000 bytes (as in Vite's build report); gzip at zlib's default level, as Vite reports.
 * Exits 1 over budget, 2 when dist/ is missing or unreadable.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

export const DEFAULT_BUDGET_KB = 250;

function parseAttributes(tag) {
  const attributes = new Map();
  const pattern = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  // Skip the tag name itself.
  const body = tag.replace(/^<\s*[a-z]+/i, "").replace(/\/?>$/, "");
  for (const match of body.matchAll(pattern)) {
    attributes.set(match[1].toLowerCase(), match[2] ?? match[3] ?? match[4] ?? "");
  }
  return attributes;
}

/** The initial module scripts of a built index.html, as URLs in document order, without duplicates. */
export function initialScripts(html) {
  const urls = [];
  for (const [tag] of html.matchAll(/<(?:script|link)\b[^>]*>/gi)) {
    const attributes = parseAttributes(tag);
    const isLink = /^<\s*link/i.test(tag);
    if (isLink) {
      const rel = (attributes.get("rel") ?? "").toLowerCase().split(/\s+/);
      if (rel.includes("modulepreload") && attributes.get("href")) urls.push(attributes.get("href"));
    } else if ((attributes.get("type") ?? "").toLowerCase() === "module" && attributes.get("src")) {
      urls.push(attributes.get("src"));
    }
  }
  return [...new Set(urls)];
}

function isExternal(url) {
  return /^([a-z][a-z0-9+.-]*:)?\/\//i.test(url) || url.startsWith("data:");
}

/** Maps a URL from index.html (`/assets/x.js` or `./assets/x.js`) to a file in dist. */
function resolveInDist(distDir, url) {
  const pathname = url.split(/[?#]/)[0];
  return path.join(distDir, decodeURIComponent(pathname.replace(/^\.?\/+/, "")));
}

export function measure(distDir) {
  const indexPath = path.join(distDir, "index.html");
  const html = readFileSync(indexPath, "utf8");
  const urls = initialScripts(html);
  if (urls.length === 0) throw new Error(`${indexPath} has no <script type="module" src> entry.`);
  return urls.map((url) => {
    if (isExternal(url)) throw new Error(`${url} is not served from dist/; the budget cannot measure it.`);
    const filePath = resolveInDist(distDir, url);
    if (!existsSync(filePath)) {
      throw new Error(`${url} from index.html is not at ${filePath} (does Vite's \`base\` differ from "/"?).`);
    }
    const content = readFileSync(filePath);
    return { file: path.relative(distDir, filePath), rawBytes: content.length, gzipBytes: gzipSync(content).length };
  });
}

export function parseArgs(argv, env) {
  const options = { budgetKb: DEFAULT_BUDGET_KB, distDir: undefined };
  if (env.BUNDLE_BUDGET_KB) options.budgetKb = Number(env.BUNDLE_BUDGET_KB);
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    const [flag, inline] = arg.split("=", 2);
    const value = () => inline ?? argv[++index];
    if (flag === "--budget") options.budgetKb = Number(value());
    else if (flag === "--dist") options.distDir = value();
    else if (/^\d+(\.\d+)?$/.test(arg)) options.budgetKb = Number(arg);
    else throw new Error(`Unknown argument: ${arg}`);
  }
  if (!Number.isFinite(options.budgetKb) || options.budgetKb <= 0) {
    throw new Error("The budget must be a positive number of kB.");
  }
  return options;
}

const kb = (bytes) => (bytes / 1000).toFixed(2);

export function formatReport(rows, budgetKb) {
  const totalRaw = rows.reduce((sum, row) => sum + row.rawBytes, 0);
  const totalGzip = rows.reduce((sum, row) => sum + row.gzipBytes, 0);
  const width = Math.max(5, ...rows.map((row) => row.file.length));
  const line = (file, raw, gzip) => `${file.padEnd(width)}  ${raw.padStart(10)}  ${gzip.padStart(10)}`;
  const budgetBytes = Math.round(budgetKb * 1000);
  const within = totalGzip <= budgetBytes;
  return {
    ok: within,
    totalGzip,
    text: [
      line("file", "raw kB", "gzip kB"),
      line("-".repeat(width), "-".repeat(10), "-".repeat(10)),
      ...rows.map((row) => line(row.file, kb(row.rawBytes), kb(row.gzipBytes))),
      line("-".repeat(width), "-".repeat(10), "-".repeat(10)),
      line("total", kb(totalRaw), kb(totalGzip)),
      "",
      `Initial JavaScript: ${kb(totalGzip)} kB gzipped of a ${budgetKb} kB budget` +
        (within ? ` (${kb(budgetBytes - totalGzip)} kB to spare).` : ` (OVER by ${kb(totalGzip - budgetBytes)} kB).`),
    ].join("\n"),
  };
}

export function main(argv = process.argv.slice(2), env = process.env) {
  let options;
  try {
    options = parseArgs(argv, env);
  } catch (error) {
    console.error(error.message);
    return 2;
  }
  const distDir = path.resolve(options.distDir ?? fileURLToPath(new URL("../dist", import.meta.url)));
  if (!existsSync(path.join(distDir, "index.html"))) {
    console.error(`No ${path.join(distDir, "index.html")}: run \`npm run build\` first.`);
    return 2;
  }
  let rows;
  try {
    rows = measure(distDir);
  } catch (error) {
    console.error(error.message);
    return 2;
  }
  const report = formatReport(rows, options.budgetKb);
  console.log(report.text);
  return report.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main();
}
