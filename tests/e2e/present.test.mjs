// End-to-end tests of the page for a lecturer and a first-time visitor: text legible on a
// slide (presentation mode), keys that a presenter clicker sends, the first screen without a
// link, and a page opened from a file.
//
//   node --test tests/e2e/present.test.mjs

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import {
  ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, DIST, HD, SLIDE, TEST_TIMEOUT, bodyNumber, useBrowser,
  waitBodyData, waitBodyNumberAtLeast, withPage,
} from './harness.mjs';

useBrowser();

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// Small settings for each scene in embed mode (as the scene tests use).
const EMBED = {
  playground: 'scene=playground',
  sweep: 'scene=sweep&runs=4&widths=3,4,8',
  tickets: 'scene=tickets&alpha=16&seed=2&runs=6',
  escape: 'scene=escape&case=1',
  compare: 'scene=compare',
  story: 'scene=story&page=1',
};

/**
 * Records the font size of every `fillText` on a canvas of the page, and the box each text of
 * the canvas's latest drawing covers (a fill of the whole canvas starts a new drawing).
 */
function recordCanvasFonts() {
  window.__fonts = [];
  window.__boxes = {};
  const fill = CanvasRenderingContext2D.prototype.fillText;
  const rect = CanvasRenderingContext2D.prototype.fillRect;
  CanvasRenderingContext2D.prototype.fillRect = function (x, y, w, h) {
    if (this.canvas.id && x <= 0 && y <= 0 && w >= this.canvas.width && h >= this.canvas.height) {
      window.__boxes[this.canvas.id] = [];
    }
    return rect.call(this, x, y, w, h);
  };
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
    const m = /(\d+(?:\.\d+)?)px/.exec(this.font);
    const id = this.canvas.id;
    if (m && id && String(text).trim()) {
      const px = Number(m[1]);
      window.__fonts.push({ px, text: String(text), canvas: id });
      // The text's box in canvas pixels, from its metrics, alignment and the transform.
      const mt = this.measureText(String(text));
      const left = x - mt.actualBoundingBoxLeft;
      const right = x + mt.actualBoundingBoxRight;
      const top = y - mt.actualBoundingBoxAscent;
      const bottom = y + mt.actualBoundingBoxDescent;
      const tf = this.getTransform();
      const pts = [[left, top], [right, top], [left, bottom], [right, bottom]]
        .map(([a, b]) => [tf.a * a + tf.c * b + tf.e, tf.b * a + tf.d * b + tf.f]);
      const xs = pts.map((p) => p[0]);
      const ys = pts.map((p) => p[1]);
      (window.__boxes[id] ??= []).push({ text: String(text), x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) });
    }
    return fill.call(this, text, x, y, ...rest);
  };
}

/** Pairs of texts of one canvas's latest drawing whose boxes overlap (by more than 1 px). */
function overlappingTexts(page) {
  return page.evaluate(() => {
    const out = [];
    for (const [id, boxes] of Object.entries(window.__boxes)) {
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i];
          const b = boxes[j];
          const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
          const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
          if (w > 1 && h > 1) out.push(`#${id}: "${a.text}" and "${b.text}"`);
        }
      }
    }
    return out;
  });
}

/** The smallest canvas text drawn so far and the smallest visible DOM text. */
function smallestText(page) {
  return page.evaluate(() => {
    const canvas = window.__fonts.reduce((m, f) => (!m || f.px < m.px ? f : m), null);
    let dom = null;
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
      if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (!dom || px < dom.px) dom = { px, text: el.textContent.trim().slice(0, 40), id: el.id, tag: el.tagName };
    }
    return { canvas, dom, fonts: window.__fonts.length };
  });
}

describe('slides, keys, first screen, file://', { timeout: 20 * 60_000 }, () => {
  for (const [viewport, min] of [[SLIDE, 14], [HD, 18]]) {
    const size = `${viewport.width}x${viewport.height}`;
    test(`embed mode at ${size}: no text under ${min} px, on canvas or in the page; no two canvas texts overlap`, { timeout: TEST_TIMEOUT }, async (t) => {
      const failures = [];
      for (const [scene, hash] of Object.entries(EMBED)) {
        await withPage(t, { hash: `#${hash}&embed=1`, viewport, init: recordCanvasFonts }, async (page) => {
          if (scene === 'escape') await waitBodyData(page, 'escapePhase', ['stuck', 'not-stuck'], 60_000);
          await page.waitForTimeout(1500);
          const s = await smallestText(page);
          t.diagnostic(`${scene}: ${s.fonts} canvas texts, smallest ${JSON.stringify(s.canvas)}; DOM ${JSON.stringify(s.dom)}`);
          if (!s.canvas) failures.push(`${scene}: no canvas text drawn`);
          else if (s.canvas.px < min) failures.push(`${scene}: canvas text ${s.canvas.px}px "${s.canvas.text}" on #${s.canvas.canvas}`);
          if (s.dom && s.dom.px < min) failures.push(`${scene}: DOM text ${s.dom.px}px ${s.dom.tag}#${s.dom.id} "${s.dom.text}"`);
          for (const o of await overlappingTexts(page)) failures.push(`${scene}: overlapping texts ${o}`);
          if (viewport === SLIDE) await page.screenshot({ path: join(ARTIFACTS, `present-${scene}-${size}.png`) });
        });
      }
      assert.deepEqual(failures, [], failures.join('\n'));
    });
  }

  test('keys work after a click: ArrowRight and PageDown turn pages, space plays, s steps', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=story&page=1' }, async (page) => {
      const title = () => page.locator('#story-title').textContent();
      await page.locator('#story-next').click();
      await page.waitForFunction(() => document.getElementById('story-title').textContent.startsWith('2.'));
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(() => document.getElementById('story-title').textContent.startsWith('3.'), null, { timeout: 5000 });
      await page.keyboard.press('PageDown');
      await page.waitForFunction(() => document.getElementById('story-title').textContent.startsWith('4.'), null, { timeout: 5000 });
      await page.keyboard.press('PageUp');
      await page.waitForFunction(() => document.getElementById('story-title').textContent.startsWith('3.'), null, { timeout: 5000 });
      t.diagnostic(`now on ${await title()}`);
    });
    await withPage(t, { hash: '#scene=playground' }, async (page) => {
      await page.locator('#step').click(); // focus stays on the Step button
      const step = await bodyNumber(page, 'step');
      await page.keyboard.press('s');
      await waitBodyNumberAtLeast(page, 'step', step + 1, 5000);
      await page.keyboard.press(' ');
      await waitBodyData(page, 'running', '1', 5000);
      await page.keyboard.press(' ');
      await waitBodyData(page, 'running', '0', 5000);
      const paused = await bodyNumber(page, 'step');
      await page.waitForTimeout(300);
      assert.equal(await bodyNumber(page, 'step'), paused, 'space on the focused Step button also stepped');
    });
  });

  test('the first screen says what the page is about and offers the story', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '' }, async (page) => {
      const lede = page.locator('#lede');
      assert.ok(await lede.isVisible(), 'no lede on the first visit');
      assert.match(await lede.textContent(), /wider neural networks train better/);
      await page.screenshot({ path: join(ARTIFACTS, 'first-screen-1366x768.png') });
      await page.locator('#lede-story').click();
      await page.waitForFunction(() => document.getElementById('story-title').textContent.startsWith('1.'), null, { timeout: 5000 });
      assert.ok(!(await lede.isVisible()), 'the lede stays after starting the story');
    });
    await withPage(t, { hash: '#scene=playground', context: { colorScheme: 'light' } }, async (page) => {
      assert.ok(!(await page.locator('#lede').isVisible()), 'a link opens straight on its scene');
      const ink = () => page.evaluate(() => getComputedStyle(document.body).color);
      assert.equal(await ink(), 'rgb(34, 34, 34)');
      await page.locator('#theme').click();
      await waitBodyData(page, 'theme', 'dark', 2000);
      assert.equal(await ink(), 'rgb(230, 230, 230)', 'the theme button turns the page dark');
      await page.locator('#theme').click();
      await waitBodyData(page, 'theme', 'light', 2000);
      assert.equal(await ink(), 'rgb(34, 34, 34)');
    });
  });

  test('opened from file://, the page says it needs a web server', { timeout: TEST_TIMEOUT }, async (t) => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(DIST, 'index.html')).href);
      await page.waitForFunction(() => document.body.dataset.file === '1', null, { timeout: 10_000 });
      const notice = await page.locator('#notice-text').textContent();
      t.diagnostic(notice);
      assert.match(notice, /needs a web server/);
      assert.ok(await page.locator('#notice').isVisible());
      assert.doesNotMatch(await page.locator('#status').textContent(), /Loading/);
    } finally {
      await browser.close();
    }
  });

  test('the live region announces outcomes, not every step; every PNG button has its own name', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=playground&width=5&seed=3&speed=300' }, async (page) => {
      await page.evaluate(() => {
        window.__said = [];
        new MutationObserver(() => window.__said.push(document.getElementById('announce').textContent))
          .observe(document.getElementById('announce'), { childList: true, characterData: true, subtree: true });
      });
      await page.locator('#play').click();
      await waitBodyData(page, 'runPhase', ['success', 'failed', 'diverged'], 60_000);
      await page.waitForTimeout(300);
      const said = await page.evaluate(() => window.__said);
      const steps = await bodyNumber(page, 'step');
      t.diagnostic(`${said.length} announcements over ${steps} steps: ${JSON.stringify(said.map((x) => x.slice(0, 60)))}`);
      assert.ok(said.length >= 2 && said.length <= 6, `${said.length} announcements`);
      assert.match(said.at(-1), /Success/);
      assert.match(await page.getAttribute('#loss-canvas', 'aria-label'), /Now: .*Success/);
      const names = await page.$$eval('button[data-png]', (bs) => bs.map((b) => b.getAttribute('aria-label')));
      assert.ok(names.every((n) => /^Save .+ as PNG$/.test(n)), JSON.stringify(names));
      assert.equal(new Set(names).size, names.length, `PNG buttons share names: ${JSON.stringify(names)}`);
    });
  });

  for (const [name, viewport, context] of [
    ['laptop, light', { width: 1366, height: 768 }, { colorScheme: 'light' }],
    ['laptop, dark', { width: 1366, height: 768 }, { colorScheme: 'dark' }],
    ['phone, light', { width: 390, height: 844 }, { hasTouch: true, isMobile: true, colorScheme: 'light' }],
  ]) {
    test(`axe-core finds no critical or serious violation in any view (${name})`, { timeout: TEST_TIMEOUT }, async (t) => {
      const found = [];
      for (const hash of ['', ...Object.values(EMBED).map((h) => `#${h}`), '#scene=story&page=7']) {
        await withPage(t, { hash, viewport, context }, async (page) => {
          await page.waitForTimeout(1000);
          if (context.colorScheme === 'dark') {
            const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
            assert.equal(bg, 'rgb(18, 20, 24)', 'the dark theme follows prefers-color-scheme');
            await page.screenshot({ path: join(ARTIFACTS, `dark-${hash.replace(/[^a-z0-9]+/gi, '-') || 'default'}.png`) });
          }
          // Evaluated through the debugger, not as an inline <script>: the page's
          // Content-Security-Policy (rightly) refuses unhashed inline scripts.
          await page.evaluate(AXE_SOURCE);
          const v = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
            .filter((x) => ['critical', 'serious'].includes(x.impact))
            .map((x) => `${x.impact} ${x.id} on ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`));
          t.diagnostic(`${hash || '(no hash)'}: ${v.length} violations`);
          found.push(...v.map((x) => `${hash || '(no hash)'}: ${x}`));
        });
      }
      assert.deepEqual(found, [], found.join('\n'));
    });
  }

  test('Present on the full page: the view alone, sized as in a slide; embed.html previews every view', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=escape&case=1' }, async (page) => {
      await page.locator('#present').click();
      await waitBodyData(page, 'embed', '1', 5000);
      assert.ok(!(await page.locator('header.top').isVisible()), 'the header stays in presentation mode');
      assert.equal(new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).get('embed'), '1');
    });
    await withPage(t, { hash: '' }, async (page) => {
      await page.goto(page.url().replace(/index\.html.*$|\/?(#.*)?$/, '/embed.html'));
      const buttons = page.locator('button', { hasText: 'Preview' });
      const n = await buttons.count();
      assert.ok(n >= 6, `${n} preview buttons`);
      await buttons.nth(3).click();
      const frame = page.frameLocator('iframe.frame');
      await frame.locator('body[data-ready="1"]').waitFor({ timeout: 30_000 });
      assert.equal(await frame.locator('body').getAttribute('data-embed'), '1');
      await page.waitForTimeout(1500);
      await page.screenshot({ path: join(ARTIFACTS, 'embed-preview.png') });
    });
  });
});
