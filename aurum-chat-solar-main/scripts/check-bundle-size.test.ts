// @vitest-environment node
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { findInitialScripts, main, measureInitialScripts } from './check-bundle-size.mjs';

const builtIndexHtml = `<!doctype html>
<html lang="en">
  <head>
    <script type="module" crossorigin src="/assets/index-B1a2.js"></script>
    <link rel="modulepreload" crossorigin href="/assets/vendor-C3d4.js">
    <link rel=stylesheet crossorigin href="/assets/index-D5e6.css">
    <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
  </head>
  <body><div id="root"></div><script>console.log('inline')</script></body>
</html>`;

describe('findInitialScripts', () => {
  it('finds the entry module and the modulepreloads, nothing else', () => {
    expect(findInitialScripts(builtIndexHtml)).toEqual([
      '/assets/index-B1a2.js',
      '/assets/vendor-C3d4.js',
    ]);
  });

  it('reads attributes in any order and quoting', () => {
    const html = `<script src='/a.js' type=module></script><link href="/b.js" rel="modulepreload"/>`;
    expect(findInitialScripts(html)).toEqual(['/a.js', '/b.js']);
  });
});

describe('check-bundle-size', () => {
  let distDir = '';

  beforeEach(() => {
    distDir = mkdtempSync(join(tmpdir(), 'bundle-size-'));
    mkdirSync(join(distDir, 'assets'));
    writeFileSync(join(distDir, 'index.html'), builtIndexHtml);
    // Random bytes barely compress, so the gzip sizes are predictable in magnitude.
    writeFileSync(join(distDir, 'assets/index-B1a2.js'), randomText(30_000));
    writeFileSync(join(distDir, 'assets/vendor-C3d4.js'), randomText(20_000));
    writeFileSync(join(distDir, 'assets/index-D5e6.css'), randomText(500_000));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    rmSync(distDir, { recursive: true, force: true });
  });

  it('sums the gzipped size of the initial scripts only', () => {
    const rows = measureInitialScripts(distDir);
    const expected = ['assets/index-B1a2.js', 'assets/vendor-C3d4.js'].map(
      (file) => gzipSync(randomText(file.includes('index') ? 30_000 : 20_000)).byteLength,
    );

    expect(rows.map((row) => row.gzipBytes)).toEqual(expected);
    expect(rows.map((row) => row.rawBytes)).toEqual([30_000, 20_000]);
  });

  it('passes within the budget and fails over it', () => {
    const total = measureInitialScripts(distDir).reduce((sum, row) => sum + row.gzipBytes, 0);

    expect(main([`--dist=${distDir}`, String(total / 1000)], {})).toBe(0);
    expect(main([`--dist=${distDir}`, String((total - 1) / 1000)], {})).toBe(1);
    expect(main([`--dist=${distDir}`], { BUNDLE_BUDGET_KB: '1' })).toBe(1);
  });

  it('fails when there is no build', () => {
    expect(main([`--dist=${join(distDir, 'missing')}`], {})).toBe(1);
  });
});

/** Deterministic, poorly compressible text of `length` bytes. */
function randomText(length: number): string {
  let seed = length;
  let text = '';
  while (text.length < length) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    text += String.fromCharCode(33 + (seed % 94));
  }
  return text;
}
