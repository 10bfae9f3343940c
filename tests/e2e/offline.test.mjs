// End-to-end tests of the single-file build (dist/escape-dims-offline.html, written by
// scripts/single-file.mjs after the trunk build): copied alone into an empty folder and opened
// from file://, as a lecturer would from a USB stick, it starts, draws, trains and runs the
// width sweep in web workers; with its workers refused, the sweep still finishes on the page.
// Also: the normal dist/index.html from file:// names the single file in its notice, and the
// script refuses an index.html of an unexpected shape.
//
//   node --test tests/e2e/offline.test.mjs          (E2E_DIST=/other/dist to test another build)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import {
  ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, DIST, LAPTOP, REPO, TEST_TIMEOUT, assertNoErrors, bodyData,
  bodyNumber, safeName, waitBodyData, waitBodyNumberAtLeast, waitReady,
} from './harness.mjs';

const OFFLINE = 'escape-dims-offline.html';
const SINGLE_FILE_SCRIPT = join(REPO, 'scripts', 'single-file.mjs');
const PLAYGROUND_CANVASES = ['slice-canvas', 'loss-canvas', 'fit-canvas'];
/** The quick sweep of scenes.test.mjs: 3 widths x 4 runs. */
const SWEEP_HASH = '#scene=sweep&runs=4&widths=3,4,8';

const state = { browser: null, folder: null };

/** The single file's URL: a copy alone in an empty folder (nothing next to it to load). */
const offlineUrl = (hash = '') => pathToFileURL(join(state.folder, OFFLINE)).href + hash;

before(async () => {
  const built = join(DIST, OFFLINE);
  assert.ok(existsSync(built), `${built} is missing: build first (bash scripts/test.sh, or trunk build and node scripts/single-file.mjs ${DIST})`);
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (scripts/setup.sh installs it)`);
  await mkdir(ARTIFACTS, { recursive: true });
  state.folder = mkdtempSync(join(tmpdir(), 'escape-dims-offline-'));
  copyFileSync(built, join(state.folder, OFFLINE));
  state.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await state.browser?.close();
  if (state.folder) rmSync(state.folder, { recursive: true, force: true });
});

/**
 * Opens `url` in a fresh context, collecting console errors, page errors and every request,
 * waits for body[data-ready="1"] unless `ready` is false, runs `body(page, problems)`, checks
 * that no error was reported, and saves artifacts/e2e/offline-fail-<test>.png on failure.
 */
async function withFile(t, { url, init = null, ready = true }, body) {
  const context = await state.browser.newContext({ viewport: LAPTOP, deviceScaleFactor: 1 });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const problems = { consoleErrors: [], pageErrors: [], failedRequests: [], requests: [], workers: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => problems.pageErrors.push(err.stack || String(err)));
  page.on('request', (req) => problems.requests.push(req.url()));
  page.on('requestfailed', (req) => problems.failedRequests.push(`${req.url()}: ${req.failure()?.errorText}`));
  page.on('worker', (w) => problems.workers.push(w.url()));
  try {
    await page.goto(url, { waitUntil: 'load' });
    if (ready) await waitReady(page, problems);
    await body(page, problems);
    assertNoErrors(problems);
  } catch (err) {
    await page
      .screenshot({ path: join(ARTIFACTS, `offline-fail-${safeName(t.name)}.png`), fullPage: true })
      .catch(() => {});
    err.message += `\nconsole errors:\n  ${problems.consoleErrors.join('\n  ') || '-'}` +
      `\npage errors:\n  ${problems.pageErrors.join('\n  ') || '-'}` +
      `\nfailed requests:\n  ${problems.failedRequests.join('\n  ') || '-'}`;
    throw err;
  } finally {
    await context.close();
  }
}

/** Distinct colours and luminance spread of a 2d canvas's pixels. */
function canvasStats(page, id) {
  return page.evaluate((id) => {
    const canvas = document.getElementById(id);
    if (!canvas) return { error: `#${id} is missing` };
    const { width, height } = canvas;
    if (!width || !height) return { error: `#${id} is ${width}x${height}` };
    const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    const colours = new Set();
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < data.length; i += 4) {
      colours.add(((data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3]) >>> 0);
      const lum = 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
      sum += lum;
      sumSq += lum * lum;
    }
    const n = width * height;
    const mean = sum / n;
    return { width, height, distinct: colours.size, std: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) };
  }, id);
}

async function assertCanvasNonBlank(t, page, id) {
  const s = await canvasStats(page, id);
  assert.ok(!s.error, s.error);
  t.diagnostic(`#${id} ${s.width}x${s.height}: ${s.distinct} colours, luminance std ${s.std.toFixed(1)}`);
  assert.ok(s.distinct > 1, `#${id} is all one colour`);
  assert.ok(s.distinct > 20 || s.std > 5, `#${id} looks blank: ${s.distinct} colours, luminance std ${s.std.toFixed(1)}`);
}

async function screenshot(t, page, file) {
  await page.screenshot({ path: join(ARTIFACTS, file) });
  t.diagnostic(`saved artifacts/e2e/${file}`);
}

/** Runs the quick sweep to the end and checks its table and status; returns body data-experiments-where. */
async function runQuickSweep(t, page) {
  await page.locator('#sweep-run').click();
  await waitBodyData(page, 'sweepState', ['running', 'done'], 5000);
  assert.equal(await bodyNumber(page, 'sweepTotal'), 12, '3 widths x 4 runs');
  const runningStatus = (await page.locator('#sweep-status').textContent()).trim();
  const started = Date.now();
  await waitBodyData(page, 'sweepState', 'done', 120_000);
  t.diagnostic(`sweep took ${((Date.now() - started) / 1000).toFixed(1)} s; while running: ${runningStatus}`);
  assert.equal(await bodyNumber(page, 'sweepDone'), 12);
  const status = (await page.locator('#sweep-status').textContent()).trim();
  assert.match(status, /Finished: 12 runs/, `#sweep-status: ${status}`);
  assert.doesNotMatch(status, /failed/, `#sweep-status reports failed runs: ${status}`);
  const rows = await page.$$eval('#sweep-rows tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  t.diagnostic(`rows: ${JSON.stringify(rows)}`);
  assert.deepEqual(rows.map((r) => r[0]), ['3', '4', '8'], 'one row per width');
  for (const r of rows) assert.match(r[1], /^[0-4]\/4$/, `successes cell ${JSON.stringify(r[1])}`);
  return bodyData(page, 'experimentsWhere');
}

describe('single-file build from file://', { timeout: 10 * 60_000 }, () => {
  test('the playground starts with nothing to load, draws, and Train advances the step', { timeout: TEST_TIMEOUT }, async (t) => {
    await withFile(t, { url: offlineUrl('#scene=playground&width=5&seed=3') }, async (page, problems) => {
      assert.equal(await page.evaluate(() => document.body.dataset.ready), '1');
      assert.equal(await page.evaluate(() => document.body.dataset.file ?? null), null, 'file-check.js marked the single file as needing a server');
      assert.ok(await page.locator('#notice').isHidden(), 'the "needs a web server" notice is shown');
      await waitBodyData(page, 'slice', 'ready', 30_000);
      for (const id of PLAYGROUND_CANVASES) await assertCanvasNonBlank(t, page, id);

      const before = await bodyNumber(page, 'step');
      await page.locator('#play').click();
      await waitBodyNumberAtLeast(page, 'step', before + 50, 30_000);
      await page.locator('#play').click();
      const after = await bodyNumber(page, 'step');
      t.diagnostic(`step ${before} -> ${after}`);
      assert.ok(after > before, 'data-step did not increase after Train');
      await screenshot(t, page, 'offline-playground.png');

      const loaded = problems.requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:'));
      assert.deepEqual(loaded, [offlineUrl('#scene=playground&width=5&seed=3').replace(/#.*/, '')],
        'the page requested files besides itself');
      t.diagnostic(`workers: ${problems.workers.length} started from ${[...new Set(problems.workers)].join(', ') || '-'}`);
      assert.ok(new Set(problems.workers).size <= 1, 'workers started from more than one blob URL');
    });
  });

  test('the width sweep finishes and fills its table (in web workers)', { timeout: TEST_TIMEOUT }, async (t) => {
    await withFile(t, { url: offlineUrl(SWEEP_HASH) }, async (page, problems) => {
      assert.equal(await bodyData(page, 'scene'), 'sweep');
      const where = await runQuickSweep(t, page);
      t.diagnostic(`the sweep ran in: ${where} (${problems.workers.length} workers, ${new Set(problems.workers).size} blob URL)`);
      assert.equal(where, 'workers', 'Chromium runs the inlined worker from a file page');
      for (const id of ['sweep-canvas', 'hist-canvas']) await assertCanvasNonBlank(t, page, id);
      await screenshot(t, page, 'offline-sweep.png');
    });
  });

  test('with its workers refused, the sweep still finishes, on the page', { timeout: TEST_TIMEOUT }, async (t) => {
    // A worker script that fails as it loads (and a read-only global the page cannot replace).
    const init = () => Object.defineProperty(window, 'escapeDimsWorkerSource', {
      value: 'throw new Error("this worker is refused");',
      writable: false,
    });
    await withFile(t, { url: offlineUrl(SWEEP_HASH), init }, async (page) => {
      const where = await runQuickSweep(t, page);
      t.diagnostic(`the sweep ran in: ${where}`);
      assert.equal(where, 'page');
    });
  });
});

describe('normal build from file://, and the script\'s checks', { timeout: 5 * 60_000 }, () => {
  test('dist/index.html from file:// names escape-dims-offline.html in its notice', { timeout: TEST_TIMEOUT }, async (t) => {
    await withFile(t, { url: pathToFileURL(join(DIST, 'index.html')).href, ready: false }, async (page, problems) => {
      await page.waitForFunction(() => document.body.dataset.file === '1', null, { timeout: 10_000 });
      const notice = await page.locator('#notice-text').textContent();
      t.diagnostic(notice);
      assert.match(notice, /needs a web server/);
      assert.match(notice, /escape-dims-offline\.html/);
      assert.ok(await page.locator('#notice').isVisible());
      await screenshot(t, page, 'offline-index-notice.png');
      // The browser refusing the module from a file is what the notice is about.
      problems.consoleErrors.length = 0;
      problems.pageErrors.length = 0;
    });
  });

  test('single-file.mjs refuses an index.html of another shape', (t) => {
    const folder = mkdtempSync(join(tmpdir(), 'escape-dims-shape-'));
    try {
      cpSync(DIST, folder, { recursive: true });
      rmSync(join(folder, OFFLINE), { force: true });
      const index = readFileSync(join(folder, 'index.html'), 'utf8');
      // As if Trunk imported the glue differently.
      const changed = index.replace('import init, * as bindings from', 'import init from');
      assert.notEqual(changed, index, 'the test could not change index.html');
      writeFileSync(join(folder, 'index.html'), changed);
      const r = spawnSync(process.execPath, [SINGLE_FILE_SCRIPT, folder], { encoding: 'utf8' });
      t.diagnostic(r.stderr.trim());
      assert.notEqual(r.status, 0, 'exit code 0 for a broken input');
      assert.match(r.stderr, /single-file: /);
      assert.ok(!existsSync(join(folder, OFFLINE)), 'a file was written anyway');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
