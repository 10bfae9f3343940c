// End-to-end tests of the explorer on a phone (390x844, touch) and a tablet (768x1024, touch),
// run with node's own test runner:
//
//   node --test tests/e2e/mobile.test.mjs
//
// For the default URL and every scene on a phone: no horizontal scroll, the first plot starts on
// the first screen, every plot has a usable size, every visible button, select, input and link
// is at least 44x44 CSS px (with the settings folded and unfolded), no keyboard hints; the
// story's text takes the full width and Back/Next stay on screen; embed mode scrolls; on a
// tablet the playground's slice is at least 300 px. Screenshots go to artifacts/e2e/
// (mobile-<scene>-390x844.png, scrolled to the end -end.png, with the settings open
// -settings.png and -settings-end.png; mobile-embed-<scene>-390x844[-end].png;
// tablet-<scene>-768x1024.png).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  ARTIFACTS, TEST_TIMEOUT, bodyData, useBrowser, waitBodyData, withPage as openPage,
} from './harness.mjs';

const PHONE = { width: 390, height: 844 };
const TABLET = { width: 768, height: 1024 };
const TOUCH = { hasTouch: true, isMobile: true };
const MIN_TAP = 44;
// Plot sizes a visitor can read on a phone (CSS px).
const MIN_SLICE = 300; // a landscape slice, each side
const MIN_CHART_HEIGHT = 220;
const MIN_CHART_WIDTH = 300;
const SLICES = new Set(['slice-canvas', 'escape-slice']);

// The default URL and every scene (the story's first page shows the compare scene).
const PAGES = [
  { name: 'default', hash: '' },
  { name: 'playground', hash: '#scene=playground' },
  { name: 'sweep', hash: '#scene=sweep' },
  { name: 'tickets', hash: '#scene=tickets' },
  { name: 'escape', hash: '#scene=escape' },
  { name: 'compare', hash: '#scene=compare' },
  { name: 'story', hash: '#scene=story&page=1' },
  // Unreadable values: the notice that says what changed wraps, its close button is a target.
  { name: 'notice', hash: '#scene=playground&width=999&lr=banana&act=nonsense_activation_name_that_is_long&widths=3,4,5,6,7,8,9,10,11,12,13,14,15,16' },
];

useBrowser();

/** Every test also checks that no console or page error was reported. */
const withPage = (t, options, body) => openPage(t, { context: TOUCH, ...options, noErrors: true }, body);

const hashParams = (page) => new URLSearchParams(new URL(page.url()).hash.slice(1));

async function screenshot(t, page, file) {
  await page.screenshot({ path: join(ARTIFACTS, file) });
  t.diagnostic(`saved artifacts/e2e/${file}`);
}

/**
 * Screenshots of the screen at the top of the page and at its end (a full-page screenshot
 * would not show the page as a phone does: it renders everything in one tall viewport).
 */
async function screenshots(t, page, base) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(t, page, `${base}.png`);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.waitForTimeout(150);
  await screenshot(t, page, `${base}-end.png`);
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** Lets a few frames draw (the canvases are sized and drawn on animation frames). */
const settle = (page) => page.waitForTimeout(400);

/**
 * Measures the page: its scroll size, the visible canvases (in document order) with their boxes,
 * the visible tap targets smaller than MIN_TAP, and the visible keyboard hints.
 */
function measure(page) {
  return page.evaluate((minTap) => {
    const visible = (el) => {
      if (!el.checkVisibility({ checkOpacity: false, checkVisibilityCSS: true })) return false;
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    };
    const name = (el) => {
      const tag = el.tagName.toLowerCase();
      const id = el.id ? `#${el.id}` : '';
      const cls = !id && el.classList.length ? `.${[...el.classList].join('.')}` : '';
      const data = !id && el.dataset.goto ? `[data-goto=${el.dataset.goto}]` : !id && el.dataset.png ? `[data-png=${el.dataset.png}]` : '';
      const type = tag === 'input' ? `[type=${el.type}]` : '';
      const text = (el.textContent || '').trim().slice(0, 24);
      return `${tag}${id}${cls}${data}${type}${text ? ` "${text}"` : ''}`;
    };
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { top: Math.round(r.top + scrollY), left: Math.round(r.left), width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10 };
    };
    const targets = [...document.querySelectorAll('button, select, input, textarea, a[href], summary')]
      .filter((el) => el.type !== 'hidden' && visible(el))
      .map((el) => ({ name: name(el), ...box(el) }));
    const small = targets.filter((b) => b.width < minTap - 0.01 || b.height < minTap - 0.01);
    const smallest = targets.reduce(
      (m, b) => (Math.min(b.width, b.height) < Math.min(m?.width ?? Infinity, m?.height ?? Infinity) ? b : m),
      null,
    );
    const canvases = [...document.querySelectorAll('main canvas')].filter(visible).map((c) => ({ id: c.id, ...box(c) }));
    const hints = [...document.querySelectorAll('.keys, kbd')].filter(visible).map(name);
    const overflow = {
      html: getComputedStyle(document.documentElement).overflowY,
      body: getComputedStyle(document.body).overflowY,
    };
    return {
      innerWidth, innerHeight, scrollY,
      scrollWidth: document.documentElement.scrollWidth,
      scrollHeight: document.documentElement.scrollHeight,
      bodyScrollWidth: document.body.scrollWidth,
      canvases, targets: targets.length, small, smallest, hints, overflow,
    };
  }, MIN_TAP);
}

const fmt = (b) => `${b.name} ${b.width}x${b.height}`;

/** The checks every phone page must pass (collected, so that one failure does not hide the rest). */
function phoneChecks(m, viewport, label) {
  const failures = [];
  const check = (ok, msg) => { if (!ok) failures.push(`${label}: ${msg}`); };
  check(m.innerWidth === viewport.width, `innerWidth is ${m.innerWidth}, not ${viewport.width} (the page was zoomed out to fit?)`);
  check(m.scrollWidth <= m.innerWidth, `horizontal scroll: the page is ${m.scrollWidth}px wide in a ${m.innerWidth}px viewport`);
  check(m.bodyScrollWidth <= m.innerWidth, `the body is ${m.bodyScrollWidth}px wide in a ${m.innerWidth}px viewport`);
  check(m.small.length === 0, `${m.small.length} of ${m.targets} tap targets are under ${MIN_TAP}x${MIN_TAP}: ${m.small.map(fmt).join(', ')}`);
  check(m.hints.length === 0, `keyboard hints visible on a touch screen: ${m.hints.join(', ')}`);
  for (const c of m.canvases) {
    if (SLICES.has(c.id)) {
      check(c.width >= MIN_SLICE && c.height >= MIN_SLICE, `slice #${c.id} is ${c.width}x${c.height}, want at least ${MIN_SLICE}x${MIN_SLICE}`);
    } else {
      check(c.width >= MIN_CHART_WIDTH && c.height >= MIN_CHART_HEIGHT, `chart #${c.id} is ${c.width}x${c.height}, want at least ${MIN_CHART_WIDTH}x${MIN_CHART_HEIGHT}`);
    }
  }
  return failures;
}

/** Opens the settings drawer by tapping its toggle (which sets body[data-drawer="open"]). */
async function openSettings(page) {
  const toggle = page.locator('#controls-toggle');
  assert.equal(await toggle.count(), 1, 'no #controls-toggle in the page');
  assert.ok(await toggle.isVisible(), '#controls-toggle is not visible on a phone');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false', '#controls-toggle aria-expanded before the tap');
  await toggle.tap();
  await page.waitForSelector('body[data-drawer="open"]', { state: 'attached', timeout: 5000 });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true', '#controls-toggle aria-expanded after the tap');
  await settle(page);
}

/** The scene's fieldsets and primary buttons, and whether each is visible. */
function panelParts(page) {
  return page.evaluate(() => {
    const shown = (el) => el.checkVisibility({ checkVisibilityCSS: true });
    const ofScene = [...document.querySelectorAll('#controls > fieldset, #controls > .buttons')]
      .filter((el) => !el.hidden);
    // A group of buttons may have no box of its own (display: contents): its buttons count.
    return ofScene.map((el) => ({
      kind: el.tagName === 'FIELDSET' ? 'fieldset' : 'buttons',
      name: el.tagName === 'FIELDSET' ? el.querySelector('legend')?.textContent.trim() : el.dataset.scenes,
      visible: el.tagName === 'FIELDSET' ? shown(el) : [...el.querySelectorAll('button')].every(shown),
    }));
  });
}

describe('the explorer on a phone and a tablet', { timeout: 15 * 60_000 }, () => {
  for (const { name, hash } of PAGES) {
    test(`phone 390x844, ${name}: plots first, no horizontal scroll, 44 px tap targets, no key hints`, { timeout: TEST_TIMEOUT }, async (t) => {
      await withPage(t, { hash, viewport: PHONE }, async (page) => {
        await settle(page);
        if (name === 'notice') {
          assert.ok(await page.locator('#notice').isVisible(), 'no notice for the unreadable values');
          t.diagnostic(`notice: ${(await page.locator('#notice-text').textContent()).trim()}`);
        }
        const m = await measure(page);
        const first = m.canvases[0];
        t.diagnostic(`scroll ${m.scrollWidth}x${m.scrollHeight} in ${m.innerWidth}x${m.innerHeight}`);
        t.diagnostic(`canvases: ${m.canvases.map((c) => `#${c.id} ${c.width}x${c.height} at y=${c.top}`).join(', ')}`);
        t.diagnostic(`${m.targets} tap targets; smallest ${m.smallest ? fmt(m.smallest) : '-'}`);
        await screenshots(t, page, `mobile-${name}-390x844`);

        const failures = phoneChecks(m, PHONE, 'settings folded');
        if (!first) failures.push('no visible canvas');
        else if (first.top >= m.innerHeight) {
          failures.push(`the first plot #${first.id} starts at y=${first.top}, below the first screen (${m.innerHeight}px)`);
        }

        // The settings are folded: the scene's primary buttons show, its fieldsets do not.
        const folded = await panelParts(page);
        t.diagnostic(`panel folded: ${folded.map((p) => `${p.kind} ${p.name}: ${p.visible ? 'shown' : 'folded'}`).join('; ')}`);
        for (const p of folded) {
          if (p.kind === 'fieldset' && p.visible) failures.push(`fieldset "${p.name}" visible with the settings folded`);
          if (p.kind === 'buttons' && !p.visible) failures.push(`primary buttons of ${p.name} not visible`);
        }
        // Unfolded: every fieldset of the scene shows, at the same sizes.
        await openSettings(page);
        const unfolded = await panelParts(page);
        for (const p of unfolded) {
          if (!p.visible) failures.push(`${p.kind} "${p.name}" not visible with the settings open`);
        }
        const open = await measure(page);
        t.diagnostic(`settings open: scroll ${open.scrollWidth}x${open.scrollHeight}; ${open.targets} tap targets; smallest ${open.smallest ? fmt(open.smallest) : '-'}`);
        failures.push(...phoneChecks(open, PHONE, 'settings open'));
        await screenshots(t, page, `mobile-${name}-390x844-settings`);
        assert.deepEqual(failures, [], failures.join('\n'));
      });
    });
  }

  test('phone 390x844, story: full-width text, Back/Next stay on screen, tapping Next turns the page', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=story&page=1', viewport: PHONE }, async (page) => {
      await settle(page);
      const boxes = await page.evaluate(() => Object.fromEntries(
        ['story', 'story-prev', 'story-count', 'story-next', 'story-text'].map((id) => {
          const r = document.getElementById(id).getBoundingClientRect();
          return [id, { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width }];
        }).concat([['innerWidth', innerWidth], ['innerHeight', innerHeight]]),
      ));
      t.diagnostic(`story text ${Math.round(boxes['story-text'].width)}px wide; Next at y=${Math.round(boxes['story-next'].top)}`);
      assert.ok(
        boxes['story-text'].width >= boxes.innerWidth - 80,
        `the story's text is ${boxes['story-text'].width}px wide in a ${boxes.innerWidth}px screen`,
      );
      // Back and Next are on screen at the top of the page and after scrolling to its end.
      const onScreen = () => page.evaluate(() => ['story-prev', 'story-next', 'story-count'].map((id) => {
        const r = document.getElementById(id).getBoundingClientRect();
        return { id, top: Math.round(r.top), bottom: Math.round(r.bottom), ok: r.top >= 0 && r.bottom <= innerHeight && r.height > 0 };
      }));
      for (const where of ['top', 'end']) {
        if (where === 'end') {
          await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
          await page.waitForTimeout(200);
        }
        const bar = await onScreen();
        t.diagnostic(`at the ${where}: ${bar.map((b) => `#${b.id} ${b.top}-${b.bottom}`).join(', ')}`);
        assert.ok(bar.every((b) => b.ok), `story bar off screen at the page's ${where}: ${JSON.stringify(bar)}`);
      }
      // The bar does not hide the end of the page: the last plot can be scrolled above it.
      const covered = await page.evaluate(() => {
        const canvases = [...document.querySelectorAll('main canvas')].filter((c) => c.checkVisibility());
        const last = canvases.at(-1).getBoundingClientRect();
        const bar = document.getElementById('story-next').getBoundingClientRect();
        return { lastBottom: Math.round(last.bottom), barTop: Math.round(bar.top) };
      });
      assert.ok(covered.lastBottom <= covered.barTop, `at the end of the page the story bar (top ${covered.barTop}) covers the last plot (bottom ${covered.lastBottom})`);
      await screenshot(t, page, 'mobile-story-390x844-end.png');

      await page.evaluate(() => window.scrollTo(0, 0));
      await page.tap('#story-next');
      await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('page') === '2', null, { timeout: 5000, polling: 100 });
      assert.equal(await bodyData(page, 'story'), '1');
      assert.match((await page.locator('#story-count').textContent()).trim(), /^2 \/ \d+$/);
      await settle(page);
      await screenshot(t, page, 'mobile-story-page2-390x844.png');
      await page.tap('#story-prev');
      await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('page') === '1', null, { timeout: 5000, polling: 100 });
      assert.equal(hashParams(page).get('scene'), 'story');
    });
  });

  for (const { name, hash } of PAGES.filter((p) => p.name !== 'default')) {
    test(`phone 390x844, embed ${name}: scrolls to its last plot`, { timeout: TEST_TIMEOUT }, async (t) => {
      await withPage(t, { hash: `${hash}&embed=1`, viewport: PHONE }, async (page) => {
        await waitBodyData(page, 'embed', '1', 5000);
        await settle(page);
        const m = await measure(page);
        t.diagnostic(`scroll ${m.scrollWidth}x${m.scrollHeight} in ${m.innerWidth}x${m.innerHeight}; overflow html ${m.overflow.html}, body ${m.overflow.body}`);
        await screenshots(t, page, `mobile-embed-${name}-390x844`);
        const failures = phoneChecks(m, PHONE, 'embed');
        if (m.scrollHeight > m.innerHeight) {
          if (m.overflow.html === 'hidden' || m.overflow.body === 'hidden') {
            failures.push(`the page is ${m.scrollHeight}px high in a ${m.innerHeight}px screen, but overflow is hidden (html ${m.overflow.html}, body ${m.overflow.body})`);
          }
          // Scroll as a visitor does (the wheel scrolls only what the visitor can scroll).
          for (let i = 0; i < 10; i++) {
            await page.mouse.move(PHONE.width / 2, PHONE.height / 2);
            await page.mouse.wheel(0, 600);
            await page.waitForTimeout(100);
          }
          const last = await page.evaluate(() => {
            const c = [...document.querySelectorAll('main canvas')].filter((el) => el.checkVisibility()).at(-1);
            const r = c.getBoundingClientRect();
            return { id: c.id, top: Math.round(r.top), bottom: Math.round(r.bottom), scrollY: Math.round(scrollY), innerHeight };
          });
          t.diagnostic(`after scrolling: scrollY ${last.scrollY}; last plot #${last.id} at ${last.top}-${last.bottom}`);
          if (!(last.top >= 0 && last.bottom <= last.innerHeight)) {
            failures.push(`the last plot #${last.id} (at ${last.top}-${last.bottom}) cannot be scrolled into the ${last.innerHeight}px screen`);
          }
        }
        assert.deepEqual(failures, [], failures.join('\n'));
      });
    });
  }

  test('tablet 768x1024, playground: the slice is at least 300 px', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=playground', viewport: TABLET }, async (page) => {
      await settle(page);
      const m = await measure(page);
      t.diagnostic(`scroll ${m.scrollWidth}x${m.scrollHeight} in ${m.innerWidth}x${m.innerHeight}`);
      t.diagnostic(`canvases: ${m.canvases.map((c) => `#${c.id} ${c.width}x${c.height} at y=${c.top}`).join(', ')}`);
      t.diagnostic(`${m.targets} tap targets; smallest ${m.smallest ? fmt(m.smallest) : '-'}`);
      await screenshot(t, page, 'tablet-playground-768x1024.png');
      const slice = m.canvases.find((c) => c.id === 'slice-canvas');
      assert.ok(slice, '#slice-canvas is not visible');
      const failures = [];
      if (!(slice.width >= MIN_SLICE && slice.height >= MIN_SLICE)) failures.push(`#slice-canvas is ${slice.width}x${slice.height}, want at least ${MIN_SLICE}x${MIN_SLICE}`);
      if (m.scrollWidth > m.innerWidth) failures.push(`the page is ${m.scrollWidth}px wide in a ${m.innerWidth}px viewport`);
      if (m.small.length) failures.push(`tap targets under ${MIN_TAP}x${MIN_TAP}: ${m.small.map(fmt).join(', ')}`);
      if (m.hints.length) failures.push(`keyboard hints visible on a touch screen: ${m.hints.join(', ')}`);
      const first = m.canvases[0];
      if (first.top >= m.innerHeight) failures.push(`the first plot starts at y=${first.top}, below the first screen`);
      assert.deepEqual(failures, [], failures.join('\n'));
    });
  });

  for (const name of ['sweep', 'tickets', 'escape', 'compare', 'minima']) {
    test(`tablet 768x1024, ${name}: no horizontal scroll, plots of a usable size`, { timeout: TEST_TIMEOUT }, async (t) => {
      await withPage(t, { hash: `#scene=${name}`, viewport: TABLET }, async (page) => {
        await settle(page);
        const m = await measure(page);
        t.diagnostic(`canvases: ${m.canvases.map((c) => `#${c.id} ${c.width}x${c.height} at y=${c.top}`).join(', ')}`);
        await screenshot(t, page, `tablet-${name}-768x1024.png`);
        const failures = [];
        if (m.scrollWidth > m.innerWidth) failures.push(`the page is ${m.scrollWidth}px wide in a ${m.innerWidth}px viewport`);
        if (m.small.length) failures.push(`tap targets under ${MIN_TAP}x${MIN_TAP}: ${m.small.map(fmt).join(', ')}`);
        for (const c of m.canvases) {
          const min = SLICES.has(c.id) ? MIN_SLICE : MIN_CHART_HEIGHT;
          if (c.height < min || c.width < min) failures.push(`#${c.id} is ${c.width}x${c.height}, want at least ${min} px each side`);
        }
        assert.deepEqual(failures, [], failures.join('\n'));
      });
    });
  }
});
