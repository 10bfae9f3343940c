// Screenshots of every scene, after a visitor's first actions, at a phone (390x844, touch), a
// tablet (768x1024), a laptop (1366x768), a desktop (1920x1080) and embedded at 960x540 in a
// 1280x720 slide, each in the light and the dark theme: artifacts/e2e/screens/<scene>-<size>-
// <theme>.png, for a person to look at. Each shot also checks what can be checked on it: no
// horizontal scroll, and every visible canvas drawn (not blank).
//
//   node --test tests/e2e/screens.test.mjs

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACTS, serverUrl, useBrowser, withPage } from './harness.mjs';

useBrowser();

const OUT = join(ARTIFACTS, 'screens');
const THEMES = ['light', 'dark'];
const DESKTOP = [['tablet', 768, 1024], ['laptop', 1366, 768], ['desktop', 1920, 1080]];

/** Each scene's link and what a visitor does first (in `f`, the page or the slide's frame). */
const SCENES = {
  playground: {
    hash: 'scene=playground&seed=3',
    act: async (f) => {
      await f.locator('#play').click();
      await f.waitForTimeout(1500);
      await f.locator('#play').click();
      await f.waitForFunction(() => document.body.dataset.slice === 'ready', null, { timeout: 30_000 });
    },
  },
  sweep: {
    hash: 'scene=sweep&runs=4&widths=3,4,8',
    act: async (f) => {
      await f.locator('#sweep-run').click();
      await f.waitForFunction(() => document.body.dataset.sweepState === 'done', null, { timeout: 120_000 });
    },
  },
  tickets: {
    hash: 'scene=tickets&alpha=16&seed=2&runs=6',
    act: async (f) => {
      await f.locator('#tickets-run').click();
      await f.waitForFunction(() => document.body.dataset.ticketsState === 'done', null, { timeout: 120_000 });
    },
  },
  escape: {
    hash: 'scene=escape&case=1&speed=200',
    act: async (f) => {
      await f.waitForFunction(() => document.body.dataset.escapePhase === 'stuck', null, { timeout: 60_000 });
      await f.locator('#escape-add').click();
      await f.waitForFunction(() => ['escaped', 'not-escaped'].includes(document.body.dataset.escapePhase), null, { timeout: 120_000 });
    },
  },
  compare: {
    hash: 'scene=compare',
    act: async (f) => { await f.waitForTimeout(3000); },
  },
  story: {
    hash: 'scene=story&page=1',
    act: async (f) => { await f.waitForTimeout(3000); },
  },
};

/** Checks the frame `f` in its current state: no horizontal scroll, no blank visible canvas. */
async function check(f, label) {
  const r = await f.evaluate(() => {
    const blank = [];
    for (const c of document.querySelectorAll('canvas')) {
      const b = c.getBoundingClientRect();
      if (b.width < 2 || b.height < 2 || c.closest('[hidden]')) continue;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let first = -1; let differs = false;
      for (let i = 0; i < d.length; i += 64) {
        const v = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
        if (first < 0) first = v; else if (v !== first) { differs = true; break; }
      }
      if (!differs) blank.push(c.id);
    }
    return { scroll: document.documentElement.scrollWidth - window.innerWidth, blank };
  });
  assert.ok(r.scroll <= 1, `${label}: scrolls sideways by ${r.scroll} px`);
  assert.deepEqual(r.blank, [], `${label}: blank canvases`);
}

async function shoot(page, f, scene, size) {
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme });
    await page.waitForTimeout(350);
    await check(f, `${scene} ${size} ${theme}`);
    await page.screenshot({ path: join(OUT, `${scene}-${size}-${theme}.png`) });
  }
}

describe('screenshots of every scene', () => {
  for (const [scene, { hash, act }] of Object.entries(SCENES)) {
    test(`${scene}: phone, tablet, laptop, desktop and slide, light and dark`, { timeout: 400_000 }, async (t) => {
      await mkdir(OUT, { recursive: true });
      await withPage(t, { hash: `#${hash}`, viewport: { width: 1366, height: 768 }, noErrors: true }, async (page) => {
        await act(page);
        for (const [size, width, height] of DESKTOP) {
          await page.setViewportSize({ width, height });
          await shoot(page, page, scene, size);
        }
      });
      await withPage(t, { hash: `#${hash}`, viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true }, noErrors: true }, async (page) => {
        await act(page);
        await shoot(page, page, scene, 'phone');
      });
      await withPage(t, { hash: '#scene=playground', viewport: { width: 1280, height: 720 } }, async (page) => {
        const src = `${serverUrl()}#${hash}&embed=1`;
        await page.setContent(`<!doctype html><html><body style="margin:0;background:#223;width:1280px;height:720px">
          <div style="position:absolute;left:40px;top:24px;color:#fff;font:28px system-ui">Lecture 7: why wider networks train better</div>
          <iframe src="${src}" width="960" height="540" style="position:absolute;left:160px;top:110px;border:0;background:#fff"></iframe></body></html>`);
        const frame = await (await page.waitForSelector('iframe')).contentFrame();
        assert.ok(frame, 'no embedded frame');
        await frame.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 30_000 });
        await act(frame);
        await shoot(page, frame, scene, 'slide');
      });
    });
  }
});
