// End-to-end tests of the page's hardening: "Copy link" tells the truth (the clipboard copy
// succeeded, or the link is offered in a selected field), and the Content-Security-Policy
// (scripts/csp.mjs, a Trunk post_build hook) is in every built page and blocks nothing the
// explorer does: every scene, training, a sweep in the workers, PNG and CSV exports.
//
//   node --test tests/e2e/hardening.test.mjs     (E2E_DIST=/other/dist to test another build)

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DIST, REPO, TEST_TIMEOUT, bodyData, clickDownload, serverUrl, useBrowser, waitBodyData, withPage,
} from './harness.mjs';
import { SERVED, inlineBlocks, policiesIn, sourceHash } from '../../scripts/csp.mjs';

useBrowser();

const PHONE = { viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true } };
const REFUSED = 'Copying was refused here: select the link and copy it';

/** Collects `securitypolicyviolation` events of the page in window.__csp (an init script). */
const RECORD_VIOLATIONS = () => {
  window.__csp = [];
  const record = (e) => window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile || '?'}:${e.lineNumber} ${e.sample || ''}`);
  document.addEventListener('securitypolicyviolation', record, true);
};

const violations = (page) => page.evaluate(() => window.__csp ?? ['(no recorder)']);

/** Clicks Copy link and waits for its outcome: 'copied' or 'offered'. */
async function copyLink(page) {
  await page.locator('#share').click();
  await page.waitForFunction(
    () => document.getElementById('share-status').textContent === 'Link copied' ||
      !document.getElementById('share-fallback').hidden,
    null,
    { timeout: 5000, polling: 50 },
  );
  return page.evaluate(() => (document.getElementById('share-fallback').hidden ? 'copied' : 'offered'));
}

/** What the fallback shows: the field's value, focus, selection, and the status text. */
const offer = (page) => page.evaluate(() => {
  const input = document.getElementById('share-url');
  const box = input.getBoundingClientRect();
  return {
    value: input.value,
    readOnly: input.readOnly,
    focused: document.activeElement === input,
    selected: input.selectionStart === 0 && input.selectionEnd === input.value.length,
    label: document.querySelector('label[for="share-url"]').textContent.trim(),
    status: document.getElementById('share-status').textContent,
    copied: document.body.dataset.copiedUrl ?? null,
    height: box.height,
    inView: box.top >= 0 && box.bottom <= innerHeight && box.left >= 0 && box.right <= innerWidth,
  };
});

describe('Copy link', { timeout: 5 * 60_000 }, () => {
  test('without a clipboard API (plain http) the link is offered in a selected field', { timeout: TEST_TIMEOUT }, async (t) => {
    const init = () => { delete Navigator.prototype.clipboard; delete navigator.clipboard; };
    await withPage(t, { hash: '#scene=playground&width=7', init, noErrors: true }, async (page) => {
      assert.equal(await page.evaluate(() => 'clipboard' in navigator), false);
      assert.equal(await copyLink(page), 'offered');
      const o = await offer(page);
      assert.equal(o.value, page.url());
      assert.ok(o.readOnly && o.focused && o.selected, JSON.stringify(o));
      assert.equal(o.label, REFUSED);
      assert.notEqual(o.status, 'Link copied');
      assert.equal(o.copied, null, 'data-copied-url set although nothing was copied');
      // The close button hides it again.
      await page.locator('#share-fallback-close').click();
      assert.equal(await page.locator('#share-fallback').isVisible(), false);
    });
  });

  test('a refused or throwing writeText offers the field, never an uncaught error', { timeout: TEST_TIMEOUT }, async (t) => {
    const refuse = () => {
      navigator.clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
    };
    const toss = () => {
      navigator.clipboard.writeText = () => { throw new TypeError('no'); };
    };
    for (const init of [refuse, toss]) {
      await withPage(t, { hash: '#scene=sweep', init, noErrors: true }, async (page) => {
        assert.equal(await copyLink(page), 'offered');
        const o = await offer(page);
        assert.equal(o.value, page.url());
        assert.ok(o.focused && o.selected, JSON.stringify(o));
        assert.notEqual(o.status, 'Link copied');
      });
    }
  });

  test('in a cross-origin frame (clipboard refused by the browser) the field is offered', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { context: { permissions: ['clipboard-read', 'clipboard-write'] } }, async (page, problems) => {
      // A page of another origin (another port) framing the explorer, as a slide deck would.
      const other = serverUrl() + '#scene=escape&case=2';
      const host = createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><title>slides</title><iframe src="${other}" width="1200" height="700"></iframe>`);
      });
      await new Promise((ok) => host.listen(0, '127.0.0.1', ok));
      t.after(() => host.close());
      await page.goto(`http://127.0.0.1:${host.address().port}/`);
      const frame = await (await page.waitForSelector('iframe')).contentFrame();
      await frame.waitForSelector('body[data-ready="1"]', { state: 'attached', timeout: 30_000 });
      await frame.locator('#share').click();
      await frame.waitForFunction(
        () => document.getElementById('share-status').textContent === 'Link copied' ||
          !document.getElementById('share-fallback').hidden,
        null,
        { timeout: 5000 },
      );
      const o = await offer(frame);
      assert.equal(o.value, frame.url());
      assert.match(o.value, /scene=escape&.*case=2/);
      assert.ok(o.focused && o.selected, JSON.stringify(o));
      assert.notEqual(o.status, 'Link copied');
      // Chromium itself logs the permissions policy refusal; the page throws nothing.
      assert.deepEqual(problems.pageErrors, []);
    });
  });

  test('with clipboard permission it says "Link copied" and the clipboard holds the URL', { timeout: TEST_TIMEOUT }, async (t) => {
    const context = { permissions: ['clipboard-read', 'clipboard-write'] };
    await withPage(t, { hash: '#scene=tickets&seed=5', context, noErrors: true }, async (page) => {
      assert.equal(await copyLink(page), 'copied');
      assert.equal(await page.locator('#share-status').textContent(), 'Link copied');
      assert.equal(await bodyData(page, 'copiedUrl'), page.url());
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), page.url());
    });
  });

  test('on a phone the offered field is in view and 44 px tall', { timeout: TEST_TIMEOUT }, async (t) => {
    const init = () => { delete Navigator.prototype.clipboard; };
    for (const hash of ['#scene=playground', '#scene=story&page=3']) {
      await withPage(t, { hash, init, ...PHONE, noErrors: true }, async (page) => {
        await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
        assert.equal(await copyLink(page), 'offered');
        const o = await offer(page);
        assert.equal(o.value, page.url());
        assert.ok(o.focused && o.selected && o.inView, JSON.stringify(o));
        assert.ok(o.height >= 44, `the field is ${o.height} px tall`);
        const close = await page.locator('#share-fallback-close').boundingBox();
        assert.ok(close.height >= 44 && close.width >= 44, JSON.stringify(close));
      });
    }
  });
});

describe('Content-Security-Policy', { timeout: 10 * 60_000 }, () => {
  const PAGES = ['index.html', 'embed.html', 'bench.html', 'escape-dims-offline.html'];

  test('every built page carries a strict policy with the hash of each inline script', () => {
    for (const name of PAGES) {
      const path = join(DIST, name);
      if (name === 'escape-dims-offline.html' && !existsSync(path)) continue;
      const html = readFileSync(path, 'utf8');
      const policies = policiesIn(html);
      assert.equal(policies.length, 1, `${name}: ${policies.length} policies`);
      const policy = policies[0];
      assert.doesNotMatch(policy, /'unsafe-inline'|'unsafe-eval'|\*/, `${name}: ${policy}`);
      const directives = Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
      for (const name2 of Object.keys(SERVED)) assert.ok(directives[name2], `${name}: no ${name2}`);
      assert.ok(directives['script-src'].includes("'wasm-unsafe-eval'"), `${name}: ${policy}`);
      assert.deepEqual(directives['object-src'], ["'none'"]);
      assert.deepEqual(directives['base-uri'], ["'none'"]);
      assert.deepEqual(directives['form-action'], ["'none'"]);
      if (name !== 'escape-dims-offline.html') {
        assert.deepEqual(directives['default-src'], ["'self'"], name);
        assert.deepEqual(directives['worker-src'], ["'self'", 'blob:'], name);
        assert.deepEqual(directives['connect-src'], ["'self'"], name);
        assert.deepEqual(directives['img-src'], ["'self'", 'data:', 'blob:'], name);
        assert.equal(directives['style-src'][0], "'self'", name);
      }
      const { scripts, styles } = inlineBlocks(html);
      for (const s of scripts) assert.ok(directives['script-src'].includes(sourceHash(s)), `${name}: an inline script is not hashed`);
      for (const s of styles) assert.ok(directives['style-src'].includes(sourceHash(s)), `${name}: an inline style is not hashed`);
      // Policies only cover what comes after them: the meta tag precedes every script and style.
      const at = html.search(/<meta\s+http-equiv="Content-Security-Policy"/i);
      assert.ok(at > 0 && at < html.search(/<(script|style|link)\b/i), `${name}: the policy comes too late`);
      assert.doesNotMatch(html.replace(/<script\b[\s\S]*?<\/script>/gi, ''), /<[a-z][^>]*\s(on[a-z]+|style)\s*=/i, `${name}: inline handler or style attribute`);
    }
    const source = readFileSync(join(REPO, 'www', 'index.html'), 'utf8');
    assert.doesNotMatch(source, /\sonsubmit\s*=/, 'www/index.html still has an inline onsubmit');
  });

  test('the explorer runs under it: every scene, training, a sweep, PNG and CSV exports, no violation', { timeout: 6 * 60_000 }, async (t) => {
    await withPage(t, { hash: '#scene=playground', init: RECORD_VIOLATIONS, noErrors: true }, async (page) => {
      const policy = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? '');
      assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
      // Train, pause, a PNG of the slice.
      await page.locator('#play').click();
      await page.waitForFunction(() => Number(document.body.dataset.step) > 50, null, { timeout: 20_000 });
      await page.locator('#play').click();
      await waitBodyData(page, 'slice', 'ready', 60_000);
      const png = await clickDownload(page, page.locator('button[data-png="slice-canvas"]'));
      const bytes = await readFile(await png.path());
      assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
      // Every scene, and Enter in a settings field (must not submit the form).
      for (const scene of ['sweep', 'tickets', 'escape', 'compare', 'story', 'playground']) {
        await page.evaluate((s) => { location.hash = `scene=${s}`; }, scene);
        // A story page shows the scene of its experiment.
        if (scene === 'story') await waitBodyData(page, 'story', '1', 10_000);
        else await waitBodyData(page, 'scene', scene, 10_000);
        await page.waitForTimeout(700);
      }
      await page.evaluate(() => { window.__sameDocument = true; });
      await page.locator('#width').fill('6');
      await page.locator('#width').press('Enter');
      await page.waitForTimeout(500);
      assert.equal(await page.evaluate(() => window.__sameDocument === true), true, 'Enter in a field reloaded the page');
      // A small sweep in the workers, its CSV.
      await page.evaluate(() => { location.hash = 'scene=sweep&runs=4&widths=3,4,8'; });
      await waitBodyData(page, 'scene', 'sweep', 10_000);
      await page.locator('#sweep-run').click();
      await waitBodyData(page, 'sweepState', 'done', 120_000);
      const csv = await clickDownload(page, page.locator('#sweep-csv'));
      assert.match(await readFile(await csv.path(), 'utf8'), /\d/);
      const png2 = await clickDownload(page, page.locator('button[data-png="sweep-canvas"]'));
      assert.equal((await readFile(await png2.path())).subarray(1, 4).toString(), 'PNG');
      t.diagnostic(`sweep ran in: ${await bodyData(page, 'experimentsWhere')}`);
      assert.equal(await bodyData(page, 'experimentsWhere'), 'workers');
      // Blob URLs of downloads are revoked a few seconds later; the page still works.
      assert.deepEqual(await violations(page), []);
    });
  });

  test('embed.html and its previews run under it', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { init: RECORD_VIOLATIONS, noErrors: true }, async (page, problems) => {
      await page.goto(new URL('embed.html', serverUrl()).href, { waitUntil: 'load' });
      assert.ok(await page.locator('#snippets pre').count() >= 6, 'embed.html built no snippets (its script was blocked?)');
      await page.locator('button', { hasText: 'Preview playground' }).click();
      const frame = await (await page.waitForSelector('iframe.frame')).contentFrame();
      await frame.waitForSelector('body[data-ready="1"]', { state: 'attached', timeout: 30_000 });
      // The embed page's own styles apply (an inline <style>, allowed by its hash).
      assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.slide')).width), '640px');
      assert.deepEqual(await violations(page), []);
      assert.deepEqual(await frame.evaluate(() => window.__csp ?? []), []);
      assert.deepEqual(problems.pageErrors, []);
    });
  });
});
