// Shared harness of the end-to-end tests: the static server for dist/ under a sub-path, one
// Chromium for the whole file, and `withPage`, which opens the explorer, collects console and
// page errors, and saves a screenshot when a test fails.
//
// Environment: E2E_DIST (default dist/), E2E_PREFIX (default /escape-dims/), CHROMIUM (default
// /usr/bin/chromium).

import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';
import { checkBodyKey } from './contract.mjs';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = resolve(process.env.E2E_DIST || join(REPO, 'dist'));
export const PREFIX = process.env.E2E_PREFIX || '/escape-dims/';
export const ARTIFACTS = join(REPO, 'artifacts', 'e2e');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-dev-shm-usage',
  // WebGL (the 3-D slice view) in software, SwiftShader, as on a machine without a GPU.
  '--enable-unsafe-swiftshader',
];

export const READY_TIMEOUT = 30_000;
export const TEST_TIMEOUT = 180_000;
export const LAPTOP = { width: 1366, height: 768 };
export const SLIDE = { width: 960, height: 540 };
export const HD = { width: 1280, height: 720 };

const state = { server: null, browser: null };

/** Registers the file's `before`/`after` hooks: the server and the browser. */
export function useBrowser() {
  before(async () => {
    assert.ok(
      existsSync(join(DIST, 'index.html')),
      `${DIST}/index.html is missing: build first (trunk build --release --offline=true)`,
    );
    assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (scripts/setup.sh installs it)`);
    await mkdir(ARTIFACTS, { recursive: true });
    state.server = await startServer({ root: DIST, prefix: PREFIX });
    state.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await state.browser?.close();
    await state.server?.close();
  });
}

/** The served explorer's base URL. */
export const serverUrl = () => state.server.url;

export function safeName(s) {
  return s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
}

export function assertNoErrors(problems) {
  assert.deepEqual(problems.pageErrors, [], `uncaught page errors:\n${problems.pageErrors.join('\n')}`);
  assert.deepEqual(problems.consoleErrors, [], `console errors:\n${problems.consoleErrors.join('\n')}`);
}

/**
 * Opens the explorer (with an optional `#hash`) in a fresh browser context, collecting console
 * errors and uncaught page errors, runs `body(page, problems)`, and closes the context. `init`
 * runs in the page before its own scripts (Playwright's addInitScript). With
 * `noErrors`, it then also checks that no error was reported. `context` holds further options
 * of Playwright's browser.newContext (e.g. `{ hasTouch: true, isMobile: true }` for a phone).
 * On failure a screenshot is saved to artifacts/e2e/fail-<test>.png.
 */
export async function withPage(t, { hash = '', viewport = LAPTOP, noErrors = false, init = null, context: contextOptions = {} } = {}, body) {
  const context = await state.browser.newContext({ viewport, deviceScaleFactor: 1, acceptDownloads: true, ...contextOptions });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const problems = { consoleErrors: [], pageErrors: [], failedRequests: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      problems.consoleErrors.push(`${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => problems.pageErrors.push(err.stack || String(err)));
  page.on('requestfailed', (req) =>
    problems.failedRequests.push(`${req.url()}: ${req.failure()?.errorText}`),
  );
  try {
    await page.goto(state.server.url + hash, { waitUntil: 'load' });
    await waitReady(page, problems);
    await body(page, problems);
    if (noErrors) assertNoErrors(problems);
  } catch (err) {
    await page
      .screenshot({ path: join(ARTIFACTS, `fail-${safeName(t.name)}.png`), fullPage: true })
      .catch(() => {});
    if (problems.consoleErrors.length || problems.pageErrors.length) {
      err.message += `\nconsole errors:\n  ${problems.consoleErrors.join('\n  ') || '-'}` +
        `\npage errors:\n  ${problems.pageErrors.join('\n  ') || '-'}`;
    }
    throw err;
  } finally {
    await context.close();
  }
}

export async function waitReady(page, problems) {
  try {
    await page.waitForSelector('body[data-ready="1"]', { state: 'attached', timeout: READY_TIMEOUT });
  } catch (err) {
    const status = await page.locator('#status').textContent().catch(() => null);
    throw new Error(
      `page never set body[data-ready="1"] within ${READY_TIMEOUT} ms; #status: ${JSON.stringify(status)}; ` +
        `failed requests: ${problems.failedRequests.join(', ') || '-'}\n${err.message}`,
    );
  }
}

/**
 * The body's data attributes; reading one that tests/e2e/contract.mjs does not list throws
 * (the list is the contract between the page and its tests).
 */
export async function dataset(page) {
  const values = await page.evaluate(() => ({ ...document.body.dataset }));
  return new Proxy(values, {
    get: (target, key) => (typeof key === 'string' && key !== 'then' && key !== 'toJSON'
      ? target[checkBodyKey(key)] : target[key]),
  });
}

/** Body attribute `data-…` by dataset name (checked against the contract). */
export async function bodyData(page, key) {
  checkBodyKey(key);
  return page.evaluate((k) => document.body.dataset[k] ?? null, key);
}

export async function bodyNumber(page, key) {
  checkBodyKey(key);
  const raw = await page.evaluate((k) => document.body.dataset[k], key);
  const value = Number(raw);
  assert.ok(raw !== undefined && raw !== '' && Number.isFinite(value), `body data-${key} = ${JSON.stringify(raw)} is not a finite number`);
  return value;
}

export async function waitBodyNumberAtLeast(page, key, min, timeout) {
  checkBodyKey(key);
  await page.waitForFunction(
    ([k, m]) => Number(document.body.dataset[k]) >= m,
    [key, min],
    { timeout, polling: 100 },
  );
}

/** Waits until body data-`key` is one of `values`; the error names the last value seen. */
export async function waitBodyData(page, key, values, timeout) {
  checkBodyKey(key);
  const wanted = Array.isArray(values) ? values : [values];
  try {
    await page.waitForFunction(
      ([k, w]) => w.includes(document.body.dataset[k]),
      [key, wanted],
      { timeout, polling: 100 },
    );
  } catch (err) {
    const now = await page.evaluate((k) => document.body.dataset[k], key).catch(() => '?');
    throw new Error(`body data-${key} = ${JSON.stringify(now)}, not ${wanted.join('|')}, after ${timeout} ms\n${err.message}`);
  }
}

/** Clicks `locator` and returns the download it starts. */
export async function clickDownload(page, locator) {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 15_000 }),
    locator.click(),
  ]);
  return download;
}

