#!/usr/bin/env node
/**
 * Checks the initial JavaScript of the built site against a gzip budget.
 *
 * "Initial" is what a browser fetches before the first render: the entry
 * `<script type="module" src>` of `dist/index.html` plus every
 * `<link rel="modulepreload" href>`. Lazy route chunks are not counted.
 *
 *   node scripts/check-bundle-size.mjs [budget-kB] [--dist=dir]
 *   BUNDLE_BUDGET_KB=90 node scripts/check-bundle-size.mjs
 *
 * 1 kB = 1000 bytes, as Vite reports sizes. Gzip uses zlib's default level (6), what a
 * server compressing on the fly typically sends; level 9 would shave about 1 %.
 * Exits 1 over budget or when the build is missing.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const DEFAULT_BUDGET_KB = 90;

/**
 * @param {string} tag the text of one start tag
 * @returns {Map<string, string>} lower-cased attribute names to values ("" when bare)
 */
function parseAttributes(tag) {
  /** @type {Map<string, string>} */
  const attributes = new Map();
  const pattern = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  // Skip the tag name itself.
  const body = tag.replace(/^<\s*[a-zA-Z]+/, '').replace(/\/?>$/, '');
  for (const match of body.matchAll(pattern)) {
    const [, name, doubleQuoted, singleQuoted, unquoted] = match;
    if (name) attributes.set(name.toLowerCase(), doubleQuoted ?? singleQuoted ?? unquoted ?? '');
  }
  return attributes;
}

/**
 * The URLs of the initial JavaScript named by an `index.html`, entry first, without repeats.
 * @param {string} html
 * @returns {string[]}
 */
export function findInitialScripts(html) {
  /** @type {string[]} */
  const urls = [];
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    const attributes = parseAttributes(tag);
    const src = attributes.get('src');
    if (attributes.get('type')?.toLowerCase() === 'module' && src) urls.push(src);
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const attributes = parseAttributes(tag);
    const rel = (attributes.get('rel') ?? '').toLowerCase().split(/\s+/);
    const href = attributes.get('href');
    if (rel.includes('modulepreload') && href) urls.push(href);
  }
  return [...new Set(urls)];
}

/**
 * Maps a URL from index.html to a file in the build directory. Only local files count;
 * a script from another origin would be outside the build, which we refuse to guess about.
 * @param {string} url
 * @param {string} distDir
 */
function fileForUrl(url, distDir) {
  if (/^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(url)) {
    throw new Error(`index.html loads ${url} from another origin; the budget cannot measure it.`);
  }
  const path = decodeURIComponent(url.split(/[?#]/, 1)[0] ?? url).replace(/^\.?\//, '');
  return join(distDir, path);
}

/**
 * @param {string} distDir
 * @returns {{ file: string, rawBytes: number, gzipBytes: number }[]}
 */
export function measureInitialScripts(distDir) {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const urls = findInitialScripts(html);
  if (urls.length === 0) {
    throw new Error(`${join(distDir, 'index.html')} has no <script type="module" src>.`);
  }
  return urls.map((url) => {
    const contents = readFileSync(fileForUrl(url, distDir));
    return {
      file: url,
      rawBytes: contents.byteLength,
      gzipBytes: gzipSync(contents).byteLength,
    };
  });
}

/** @param {number} bytes */
const kB = (bytes) => (bytes / 1000).toFixed(2);

/**
 * @param {{ file: string, rawBytes: number, gzipBytes: number }[]} rows
 * @param {number} budgetKb
 */
export function formatReport(rows, budgetKb) {
  const totalRaw = rows.reduce((sum, row) => sum + row.rawBytes, 0);
  const totalGzip = rows.reduce((sum, row) => sum + row.gzipBytes, 0);
  const lines = [
    ...rows.map((row) => [row.file, kB(row.rawBytes), kB(row.gzipBytes)]),
    ['total', kB(totalRaw), kB(totalGzip)],
  ];
  const header = ['file', 'raw kB', 'gzip kB'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  /** @param {string[]} cells */
  const format = (cells) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const within = totalGzip <= budgetKb * 1000;
  return {
    within,
    text: [
      format(header),
      rule,
      ...lines.slice(0, -1).map(format),
      rule,
      format(lines.at(-1) ?? []),
      '',
      `initial JS ${kB(totalGzip)} kB gzip of ${budgetKb} kB budget: ${within ? 'OK' : 'OVER BUDGET'}`,
    ].join('\n'),
  };
}

/**
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 */
export function parseArguments(argv, env) {
  let budgetText = env.BUNDLE_BUDGET_KB || String(DEFAULT_BUDGET_KB);
  let distDir = 'dist';
  for (const argument of argv) {
    if (argument.startsWith('--dist=')) distDir = argument.slice('--dist='.length);
    else if (argument.startsWith('--budget=')) budgetText = argument.slice('--budget='.length);
    else budgetText = argument;
  }
  const budgetKb = Number(budgetText);
  if (!Number.isFinite(budgetKb) || budgetKb <= 0) {
    throw new Error(`The budget must be a positive number of kB, got "${budgetText}".`);
  }
  return { budgetKb, distDir: resolve(distDir) };
}

/** @returns {number} exit code */
export function main(argv = process.argv.slice(2), env = process.env) {
  try {
    const { budgetKb, distDir } = parseArguments(argv, env);
    const report = formatReport(measureInitialScripts(distDir), budgetKb);
    console.log(report.text);
    return report.within ? 0 : 1;
  } catch (error) {
    console.error(`check-bundle-size: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
      console.error('Run `npm run build` first.');
    }
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
