// The data-* contract (tests/e2e/contract.mjs) against the page's Rust code: every listed body
// attribute is written by src/web, and src/web writes no body attribute that is not listed.
// Runs without a browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BODY_DATA, ELEMENT_DATA, attributeName } from './contract.mjs';

const WEB = fileURLToPath(new URL('../../src/web/', import.meta.url));

/** Every Rust source under src/web/, subfolders included. */
async function webSources() {
  const files = (await readdir(WEB, { recursive: true })).filter((f) => f.endsWith('.rs'));
  assert.ok(files.length > 10, `only ${files.length} sources under src/web/`);
  return (await Promise.all(files.map((f) => readFile(join(WEB, f), 'utf8')))).join('\n');
}

test('the page writes exactly the listed body data attributes', async () => {
  const src = await webSources();
  const written = new Set([
    ...[...src.matchAll(/set_body_data\(\s*"([a-z-]+)"/g)].map((m) => `data-${m[1]}`),
    ...[...src.matchAll(/body\.set_attribute\("(data-[a-z-]+)"/g)].map((m) => m[1]),
  ]);
  const listed = new Set(Object.keys(BODY_DATA).map(attributeName));
  assert.deepEqual([...listed].filter((a) => !written.has(a)), [], 'listed but never written by src/web');
  assert.deepEqual([...written].filter((a) => !listed.has(a)), [], 'written by src/web but not listed in contract.mjs');
});

test('the listed element attributes are written by src/web', async () => {
  const src = await webSources();
  for (const [, attrs] of Object.entries(ELEMENT_DATA)) {
    for (const name of Object.keys(attrs)) {
      assert.match(src, new RegExp(`set_attribute\\("data-${name}"`), `data-${name} is never written`);
    }
  }
});
