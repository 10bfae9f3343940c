// URL fuzzing of the explorer: 200 URL hashes from a fixed-seed generator (known and unknown
// keys; huge, negative, NaN, Infinity, unicode and percent-garbage values; 100 KB values;
// injection strings; 1000-entry width lists; every scene and story page, including pages 0, 7,
// 8 and -1), each loaded fresh, then 50 in-place hash changes on one open page. Every time:
// no page error, no console error, no dialog, the error panel hidden, no element the page
// does not create itself (tags and ids compared with clean loads of every view; no inline
// handler attribute anywhere), no sideways scrolling, short notices, and a page that answers
// (an evaluate within a second, a view button that switches the view).
//
//   node --test tests/e2e/fuzz.test.mjs     (E2E_DIST=/other/dist to test another build)
//   FUZZ_SEED=123 FUZZ_LOADS=500 node --test tests/e2e/fuzz.test.mjs   (another sample)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, LAPTOP, READY_TIMEOUT, serverUrl, useBrowser } from './harness.mjs';

useBrowser();

const SEED = Number(process.env.FUZZ_SEED || 0x5eed11);
const LOADS = Number(process.env.FUZZ_LOADS || 200);
const HASH_CHANGES = 50;
/** A fresh browser context every this many loads (caches and storage start over). */
const PER_CONTEXT = 50;

/** mulberry32: a small seeded generator, the same sequence on every machine. */
function generator(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (xs) => xs[int(xs.length)];
  return { next, int, pick };
}

/** Every URL key of the settings table (src/settings.rs PROPERTIES). */
const KEYS = [
  'scene', 'embed', 'width', 'teacher', 'dim', 'samples', 'act', 'opt', 'lr', 'seed', 'tseed',
  'speed', 'steps', 'plane', 'res', 'extent', 'bias', 'thr', 'widths', 'runs', 'esteps', 'gran',
  'alpha', 'extra', 'prune', 'rounds', 'rewind', 'emb', 'mu', 'case', 'page', 'data',
];
const SCENES = ['playground', 'sweep', 'tickets', 'escape', 'story', 'compare', 'minima'];
const INJECTIONS = [
  '<img src=x onerror=alert(1)>',
  '"><script>alert(1)</script>',
  "'><svg onload=alert(1)>",
  '</textarea><iframe src=javascript:alert(1)>',
  'javascript:alert(1)',
  "';alert(1);//",
  '${alert(1)}',
  '{{constructor.constructor("alert(1)")()}}',
  '<style>*{display:none}</style>',
  '<a href=x id=error-panel>x</a>',
  '\u202e<b>rtl</b>',
  '%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E',
  '%253Cscript%253E',
];
const UNICODE = ['é', '界', '💥', '\u200b', 'a\u0301', '\u202e', 'ﬀ', '٣', '𝟗', '\ufeff', '\u0000', '\n'];
const GARBAGE = ['%', '%%', '%zz', '%E0%A4', '%C0%AF', '%00', '%0A', '%FF%FE', '%2', '%%41', '+', '&', '=', '=='];
const LONG = 100_000;

/** A random value for any key: the kinds of input a URL can carry. */
function value(r, key) {
  switch (r.int(14)) {
    case 0: return r.pick(['NaN', 'nan', 'Infinity', '-Infinity', 'inf', '-inf', '1e400', '-1e400', '1e-400', '-0', '0x10', '1_000', '١٢']);
    case 1: return (r.next() < 0.5 ? '-' : '') + '9'.repeat(r.pick([19, 20, 23, 40, 400, 4000]));
    case 2: return String(Math.floor((r.next() - 0.5) * 10 ** r.int(12)));
    case 3: return String((r.next() - 0.5) * 10 ** (r.int(40) - 20));
    case 4: return r.pick(INJECTIONS);
    case 5: return Array.from({ length: 1 + r.int(6) }, () => r.pick(UNICODE)).join('');
    case 6: return Array.from({ length: 1 + r.int(4) }, () => r.pick(GARBAGE)).join('');
    case 7: return r.pick(['x', '9', '界', '-1,']).repeat(LONG / r.pick([1, 2, 4]));
    case 8: return Array.from({ length: 1000 }, () => String(r.int(200) - 50)).join(',');
    case 9: return Array.from({ length: 1 + r.int(20) }, () => String(r.int(80))).join(r.pick([',', ', ', ',,', ';']));
    case 10: return r.pick(SCENES.concat(['Sweep', 'STORY', 'none', '']));
    case 11: return '';
    case 12: return r.pick(['tanh', 'relu', 'softplus', 'erf', 'sgd', 'adam', 'pca', 'hessian', 'weight', 'zero', 'yes', '1']);
    default: return key === 'page' ? r.pick(['0', '7', '8', '-1']) : String(r.int(100));
  }
}

/** A random key: mostly known, sometimes unknown, misspelt, encoded or empty. */
function key(r) {
  switch (r.int(10)) {
    case 0: return r.pick(['', 'unknown', '__proto__', 'constructor', 'WIDTH', 'width ', ' width', 'wïdth', '<b>', 'x'.repeat(1000)]);
    case 1: return '%' + r.pick(KEYS).charCodeAt(0).toString(16) + r.pick(KEYS).slice(1);
    default: return r.pick(KEYS);
  }
}

/** URL-safe text of a raw string, or the raw string itself (the browser encodes what it must). */
const component = (r, s) => (r.next() < 0.5 ? encodeURIComponent(s) : s.replace(/[#%&]/g, (c) => encodeURIComponent(c)));

/** The `i`-th fuzz hash: a scene or story page and a few random pairs. */
function fuzzHash(r, i) {
  const parts = [];
  // Every scene and the story's pages 0 to 8 and -1 come up in turn.
  const views = [...SCENES.map((s) => `scene=${s}`), ...[0, 1, 2, 3, 4, 5, 6, 7, 8, -1].map((p) => `scene=story&page=${p}`)];
  if (i % 2 === 0) parts.push(views[(i / 2) % views.length]);
  const n = r.int(8);
  for (let j = 0; j < n; j++) {
    const k = key(r);
    const form = r.int(12);
    if (form === 0) parts.push(component(r, k));
    else if (form === 1) parts.push('');
    else parts.push(`${component(r, k)}=${component(r, value(r, k))}`);
  }
  if (r.next() < 0.15) parts.push(`embed=${r.pick(['1', '0', '2', 'yes'])}`);
  const sep = r.next() < 0.1 ? r.pick(['&&', '&', ';']) : '&';
  return '#' + parts.join(sep);
}

/** Everything a page must look like after a load or a hash change (run in the page). */
function inspect() {
  const all = [...document.querySelectorAll('*')];
  const handlers = [];
  for (const el of all) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)) handlers.push(`<${el.tagName.toLowerCase()} ${a.name}=${a.value.slice(0, 40)}>`);
    }
  }
  const notice = document.getElementById('notice-text')?.textContent ?? '';
  return {
    tags: [...new Set(all.map((el) => el.tagName.toLowerCase()))],
    ids: [...new Set(all.filter((el) => el.id).map((el) => `${el.tagName.toLowerCase()}#${el.id}`))],
    risky: all.filter((el) => /^(script|iframe|img|object|embed|frame|base|form|link|style|meta)$/i.test(el.tagName)).length,
    handlers,
    crashed: document.body.dataset.crashed === '1' || !document.getElementById('error-panel')?.hidden,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth,
    noticeLength: notice.length,
    scene: document.body.dataset.scene,
    embed: document.body.dataset.embed === '1',
    pwned: Boolean(window.__pwned),
  };
}

/** The head of a long hash for messages (whole characters, not half a surrogate pair). */
const head = (hash) => {
  const chars = Array.from(hash.slice(0, 400));
  return chars.length > 160 || hash.length > 400 ? `${chars.slice(0, 160).join('')}…` : hash;
};

/** Resolves to the evaluate's result, or throws if the page does not answer within `ms`. */
async function answers(page, ms = 1000) {
  const t0 = Date.now();
  await Promise.race([
    page.evaluate(() => 1),
    new Promise((_, fail) => setTimeout(() => fail(new Error(`the page did not answer within ${ms} ms`)), ms)),
  ]);
  return Date.now() - t0;
}

const state = { context: null, page: null, problems: null, loads: 0, baseline: null };

/** A fresh context and page, with problem collectors. */
async function freshPage(browser) {
  await state.context?.close();
  state.context = await browser.newContext({ viewport: LAPTOP, deviceScaleFactor: 1 });
  // Injected script would call alert or set __pwned; neither may ever happen.
  await state.context.addInitScript(() => { window.__pwned = false; });
  state.page = await state.context.newPage();
  state.problems = { pageErrors: [], consoleErrors: [], dialogs: [] };
  state.page.on('pageerror', (e) => state.problems.pageErrors.push(e.stack || String(e)));
  state.page.on('console', (m) => { if (m.type() === 'error') state.problems.consoleErrors.push(m.text().slice(0, 300)); });
  state.page.on('dialog', (d) => { state.problems.dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
}

/** Opens `hash` as a fresh document load (a distinct query string forces a load, not a hash change). */
async function load(hash) {
  state.loads += 1;
  const url = `${serverUrl()}?fuzz=${state.loads}${hash}`;
  await state.page.goto(url, { waitUntil: 'load' });
  await state.page.waitForSelector('body[data-ready="1"]', { state: 'attached', timeout: READY_TIMEOUT });
}

/** Checks `seen` (from inspect) and the collected problems; `what` names the URL. */
function judge(seen, what) {
  const p = state.problems;
  assert.deepEqual(p.pageErrors, [], `${what}: page errors`);
  assert.deepEqual(p.consoleErrors, [], `${what}: console errors`);
  assert.deepEqual(p.dialogs, [], `${what}: dialogs`);
  assert.equal(seen.pwned, false, `${what}: injected script ran`);
  assert.equal(seen.crashed, false, `${what}: the error panel is shown`);
  assert.deepEqual(seen.handlers, [], `${what}: inline handler attributes`);
  assert.ok(seen.scrollWidth <= seen.innerWidth, `${what}: the page is ${seen.scrollWidth} px wide in a ${seen.innerWidth} px window`);
  assert.ok(seen.noticeLength <= 6000, `${what}: a notice of ${seen.noticeLength} characters`);
  const b = state.baseline;
  assert.ok(seen.risky <= b.risky, `${what}: ${seen.risky} script/img/iframe/style-like elements, a clean load has at most ${b.risky}`);
  const tags = seen.tags.filter((x) => !b.tags.has(x));
  assert.deepEqual(tags, [], `${what}: elements no clean load has`);
  const ids = seen.ids.filter((x) => !b.ids.has(x));
  assert.deepEqual(ids, [], `${what}: element ids no clean load has`);
}

/** A view button switches the view (where the navigation is shown: not in embed mode). */
async function switchesView(page, seen, what) {
  if (seen.embed) return;
  const target = seen.scene === 'sweep' ? 'tickets' : 'sweep';
  await page.locator(`button[data-goto="${target}"]`).click({ timeout: 5000 });
  await page.waitForFunction((s) => document.body.dataset.scene === s, target, { timeout: 5000, polling: 50 })
    .catch(() => { throw new Error(`${what}: the ${target} button did not switch the view`); });
}

describe('URL fuzzing', { timeout: 10 * 60_000 }, () => {
  let browser;
  const log = [];
  before(async () => {
    // The harness's browser (useBrowser) is private to withPage; one of our own, same flags.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await state.context?.close();
    await browser?.close();
    writeFileSync(join(ARTIFACTS, 'fuzz-log.txt'), log.join('\n') + '\n');
  });

  test('clean loads of every view give the baseline of elements', { timeout: 180_000 }, async () => {
    await freshPage(browser);
    const tags = new Set();
    const ids = new Set();
    let risky = 0;
    const clean = [
      ...SCENES.map((s) => `#scene=${s}`),
      ...[1, 2, 3, 4, 5, 6, 7].map((p) => `#scene=story&page=${p}`),
      '#scene=tickets&gran=weight', '#scene=escape&emb=zero', '#scene=playground&plane=hessian&dim=1',
      ...SCENES.map((s) => `#scene=${s}&embed=1`),
      // Clean loads with notices (their bar is part of the page).
      '#width=1000&lr=abc',
    ];
    for (const hash of clean) {
      await load(hash);
      await state.page.waitForTimeout(150);
      const seen = await state.page.evaluate(inspect);
      seen.tags.forEach((x) => tags.add(x));
      seen.ids.forEach((x) => ids.add(x));
      risky = Math.max(risky, seen.risky);
      assert.deepEqual(state.problems.pageErrors, [], `${hash}: page errors`);
      assert.equal(seen.crashed, false, hash);
    }
    // The glossary dialog and the story are built on demand; opening Terms adds its elements.
    await state.page.locator('#terms').click();
    const seen = await state.page.evaluate(inspect);
    seen.tags.forEach((x) => tags.add(x));
    seen.ids.forEach((x) => ids.add(x));
    state.baseline = { tags, ids, risky };
    log.push(`baseline: ${tags.size} tags, ${ids.size} ids, at most ${risky} script/img/style-like elements`);
  });

  test(`${LOADS} fuzzed URL hashes, each loaded fresh`, { timeout: 8 * 60_000 }, async (t) => {
    assert.ok(state.baseline, 'no baseline');
    const r = generator(SEED);
    const started = Date.now();
    let slowest = 0;
    const failures = [];
    for (let i = 0; i < LOADS; i++) {
      // A fresh context every PER_CONTEXT loads, and after a failure (its errors stay there).
      if (i % PER_CONTEXT === 0 || failures.at(-1)?.i === i - 1) await freshPage(browser);
      const hash = fuzzHash(r, i);
      const what = `load ${i} (seed ${SEED}, ${hash.length} chars: ${head(hash)})`;
      log.push(what);
      const t0 = Date.now();
      try {
        await load(hash);
        const seen = await state.page.evaluate(inspect);
        judge(seen, what);
        slowest = Math.max(slowest, await answers(state.page));
        if (i % 4 === 0) {
          await switchesView(state.page, seen, what);
          judge(await state.page.evaluate(inspect), `${what}, after switching views`);
        }
      } catch (err) {
        // Every failing hash is reported (not just the first), each with its screenshot.
        if (failures.length < 10) await state.page.screenshot({ path: join(ARTIFACTS, `fail-fuzz-load-${i}.png`) }).catch(() => {});
        failures.push({ i, message: err.message.split('\n').slice(0, 6).join('\n') });
        log[log.length - 1] += ` FAILED: ${err.message.split('\n')[0]}`;
        continue;
      }
      log[log.length - 1] += ` ok ${Date.now() - t0} ms`;
    }
    t.diagnostic(`${LOADS} loads in ${((Date.now() - started) / 1000).toFixed(1)} s; slowest answer ${slowest} ms`);
    assert.equal(failures.length, 0, `${failures.length} of ${LOADS} loads failed (all in artifacts/e2e/fuzz-log.txt):\n` +
      failures.slice(0, 10).map((f) => f.message).join('\n---\n'));
  });

  test(`${HASH_CHANGES} in-place hash changes on one open page`, { timeout: 4 * 60_000 }, async (t) => {
    assert.ok(state.baseline, 'no baseline');
    const r = generator(SEED ^ 0x9e3779b9);
    await freshPage(browser);
    await load('#scene=playground');
    const started = Date.now();
    for (let i = 0; i < HASH_CHANGES; i++) {
      const hash = fuzzHash(r, i + 1);
      const what = `hash change ${i} (${hash.length} chars: ${head(hash)})`;
      log.push(what);
      try {
        await state.page.evaluate((h) => { location.hash = h; }, hash);
        // Two frames: the router applies the new settings on the next one.
        await state.page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
        await answers(state.page);
        const seen = await state.page.evaluate(inspect);
        judge(seen, what);
        if (i % 5 === 4) await switchesView(state.page, seen, what);
      } catch (err) {
        await state.page.screenshot({ path: join(ARTIFACTS, 'fail-fuzz-hash.png') }).catch(() => {});
        throw err;
      }
    }
    t.diagnostic(`${HASH_CHANGES} hash changes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
});
