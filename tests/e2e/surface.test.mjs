// The 3-D surface view of the landscape slice (WebGL2, here in software: SwiftShader) and
// live slices while training.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, LAPTOP, TEST_TIMEOUT, bodyData, bodyNumber, clickDownload, useBrowser, withPage } from './harness.mjs';

useBrowser();

/** Pixels of canvas `id` (a WebGL one is copied onto a 2-D canvas): digest, colours, share of non-white. */
const pixels = (page, id) => page.evaluate((id) => {
  const src = document.getElementById(id);
  const copy = document.createElement('canvas');
  copy.width = src.width;
  copy.height = src.height;
  const ctx = copy.getContext('2d');
  ctx.drawImage(src, 0, 0);
  const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
  let digest = 2166136261;
  let ink = 0;
  // Mean luminance of a 16x16 grid of blocks, to compare pictures that may differ in a few
  // antialiased pixels.
  const blocks = new Array(256).fill(0);
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4) {
    const rgb = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    colours.add(rgb);
    if (rgb !== 0xffffff) ink++;
    const p = i / 4;
    const [x, y] = [p % copy.width, Math.floor(p / copy.width)];
    blocks[Math.floor((16 * y) / copy.height) * 16 + Math.floor((16 * x) / copy.width)] +=
      (0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2]) / ((copy.width * copy.height) / 256);
    digest = Math.imul(digest ^ rgb, 16777619) >>> 0;
  }
  return { width: copy.width, height: copy.height, digest, colours: colours.size, ink: ink / (data.length / 4), blocks };
}, id);

/** The largest difference of block luminance between two pictures (0 to 255). */
const difference = (a, b) => Math.max(...a.blocks.map((v, i) => Math.abs(v - b.blocks[i])));

const visible = (page, id) => page.evaluate((id) => {
  const el = document.getElementById(id);
  const r = el.getBoundingClientRect();
  return !el.hidden && r.width > 50 && r.height > 50;
}, id);

test('the 3-D view draws the slice as a surface with no console error, and arrow keys turn it', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(t, { hash: '#surface=1', noErrors: true }, async (page) => {
    await page.waitForSelector('body[data-slice="ready"]', { state: 'attached' });
    await page.waitForFunction(() => document.body.dataset.surfaceMs !== undefined);
    // The caption's words settle (the layout then keeps the canvas's size).
    await page.waitForTimeout(800);
    assert.equal(await bodyData(page, 'surface'), '3d');
    assert.ok(await visible(page, 'slice-canvas-3d'), 'the 3-D canvas is shown');
    assert.ok(!(await visible(page, 'slice-canvas')), 'the flat canvas is hidden');
    const before = await pixels(page, 'slice-canvas-3d');
    t.diagnostic(`3-D canvas ${before.width}x${before.height}: ${before.colours} colours, ${(100 * before.ink).toFixed(0)}% drawn, render ${await bodyData(page, 'surfaceMs')} ms`);
    assert.ok(before.colours > 200, `only ${before.colours} colours`);
    assert.ok(before.ink > 0.1, `only ${(100 * before.ink).toFixed(1)}% of the canvas drawn`);
    await page.locator('#slice-canvas-3d').screenshot({ path: join(ARTIFACTS, 'surface-3d.png') });
    assert.match(await page.locator('#slice-canvas ~ [data-surface-note]').textContent(), /Drag to turn/);
    // Arrow keys on the focused surface turn it (and stay the surface's: nothing else moves).
    await page.focus('#slice-canvas-3d');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowUp');
    const turned = await pixels(page, 'slice-canvas-3d');
    assert.ok(difference(turned, before) > 10, `the picture changed (by ${difference(turned, before).toFixed(1)})`);
    assert.ok(turned.colours > 200);
    assert.equal(await bodyNumber(page, 'step'), 0, 'the keys did not reach the playground');
    await page.locator('#slice-canvas-3d').screenshot({ path: join(ARTIFACTS, 'surface-3d-turned.png') });
    // A drag turns it too; a wheel zooms; Reset view brings back the first picture.
    const box = await page.locator('#slice-canvas-3d').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 + 20, { steps: 4 });
    await page.mouse.up();
    const dragged = await pixels(page, 'slice-canvas-3d');
    assert.ok(difference(dragged, turned) > 10, 'a drag turned it');
    await page.mouse.wheel(0, -400);
    const zoomed = await pixels(page, 'slice-canvas-3d');
    assert.ok(zoomed.ink > dragged.ink, `zooming in covers more of the canvas (${zoomed.ink} vs ${dragged.ink})`);
    await page.click('#slice-canvas ~ * [data-surface-reset], .plot.slice [data-surface-reset]');
    const reset = await pixels(page, 'slice-canvas-3d');
    assert.deepEqual([reset.width, reset.height], [before.width, before.height], 'the canvas kept its size');
    assert.ok(difference(reset, before) < 3, `Reset view gives the first picture again (off by ${difference(reset, before).toFixed(1)})`);
    // The PNG button saves the 3-D picture.
    const download = await clickDownload(page, page.locator('[data-png="slice-canvas"]'));
    assert.equal(download.suggestedFilename(), 'slice-canvas-3d.png');
  });
});

test('the 3-D toggle turns every slice into a surface and back, in the URL', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(t, { hash: '#scene=escape', noErrors: true }, async (page) => {
    await page.waitForFunction(() => ['stuck', 'not-stuck', 'diverged'].includes(document.body.dataset.escapePhase), null, { timeout: 60_000 });
    assert.equal(await bodyData(page, 'surface'), '2d');
    await page.click('section[data-scenes="escape"] [data-surface-toggle]');
    await page.waitForFunction(() => document.body.dataset.surface === '3d');
    assert.match(await page.evaluate(() => location.hash), /surface=1/);
    await page.waitForFunction(() => !document.getElementById('escape-slice-3d').hidden);
    const shown = await pixels(page, 'escape-slice-3d');
    assert.ok(shown.colours > 200, `only ${shown.colours} colours on the escape surface`);
    await page.locator('#escape-slice-3d').screenshot({ path: join(ARTIFACTS, 'surface-escape.png') });
    assert.equal(await page.getAttribute('section[data-scenes="escape"] [data-surface-toggle]', 'aria-pressed'), 'true');
    await page.click('section[data-scenes="escape"] [data-surface-toggle]');
    await page.waitForFunction(() => document.body.dataset.surface === '2d');
    assert.ok(await visible(page, 'escape-slice'), 'the flat slice is back');
    assert.ok(!(await visible(page, 'escape-slice-3d')));
  });
});

test('without WebGL2 the flat slice stays and the figure says why', { timeout: TEST_TIMEOUT }, async (t) => {
  const init = () => {
    const get = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
      return kind === 'webgl2' ? null : get.call(this, kind, ...rest);
    };
  };
  await withPage(t, { hash: '#surface=1', noErrors: true, init }, async (page) => {
    await page.waitForSelector('body[data-slice="ready"]', { state: 'attached' });
    await page.waitForFunction(() => document.body.dataset.surface === 'unavailable');
    assert.ok(await visible(page, 'slice-canvas'), 'the flat slice is shown');
    assert.ok(!(await visible(page, 'slice-canvas-3d')));
    const flat = await pixels(page, 'slice-canvas');
    assert.ok(flat.colours > 50, `only ${flat.colours} colours on the flat slice`);
    assert.match(await page.locator('.plot.slice [data-surface-note]').textContent(), /needs WebGL2/);
  });
});

test('live slices: while training, the slice is recomputed around the student and its pixels change', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(t, { hash: '#seed=3&speed=5', viewport: LAPTOP, noErrors: true }, async (page) => {
    await page.waitForSelector('body[data-slice="ready"]', { state: 'attached' });
    await page.waitForFunction(() => document.body.dataset.sliceWorkers === 'ready', null, { timeout: 30_000 });
    const first = await pixels(page, 'slice-canvas');
    await page.click('#play');
    await page.waitForTimeout(300);
    const [d0, t0] = [await bodyNumber(page, 'slicesDone'), Date.now()];
    await page.waitForTimeout(2000);
    const [d1, t1] = [await bodyNumber(page, 'slicesDone'), Date.now()];
    const running = await bodyData(page, 'running');
    const caption = await page.locator('#slice-caption').textContent();
    const during = await pixels(page, 'slice-canvas');
    const rate = ((d1 - d0) * 1000) / (t1 - t0);
    t.diagnostic(`${d1 - d0} slices in ${t1 - t0} ms while training (${rate.toFixed(1)} per second); caption: ${caption}`);
    assert.equal(running, '1', 'still training');
    assert.ok(rate >= 5, `only ${rate.toFixed(1)} live slices a second`);
    assert.match(caption, /Live: recomputed around the moving student/);
    assert.notEqual(during.digest, first.digest, 'the slice moved with the student');
    // With live=0 the slice waits for a pause.
    const beforePause = await bodyNumber(page, 'slicesDone');
    await page.click('#play');
    await page.selectOption('#live', '0');
    await page.waitForFunction((n) => Number(document.body.dataset.slicesDone) > n && document.body.dataset.slice === 'ready', beforePause);
    const d2 = await bodyNumber(page, 'slicesDone');
    await page.click('#play');
    await page.waitForTimeout(1000);
    assert.ok((await bodyNumber(page, 'slicesDone')) - d2 <= 0, 'no live slice with live=0');
    assert.match(await page.locator('#slice-caption').textContent(), /refreshes when you pause/);
  });
});

test('a fresh slice is drawn as soon as it is done (the idle loop does not hold it back)', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(t, { hash: '#width=32&res=101&plane=random', noErrors: true }, async (page) => {
    await page.waitForSelector('body[data-slice="ready"]', { state: 'attached' });
    await page.waitForFunction(() => document.body.dataset.sliceWorkers === 'ready', null, { timeout: 30_000 });
    // Let the page fall asleep (nothing trains, nothing computes), then press Step.
    await page.waitForTimeout(1500);
    const times = [];
    for (let i = 0; i < 3; i++) {
      times.push(await page.evaluate(async () => {
        let computing = false;
        const t0 = performance.now();
        const done = new Promise((resolve) => {
          const obs = new MutationObserver(() => {
            const s = document.body.dataset.slice;
            if (s === 'computing') computing = true;
            if (s === 'ready' && computing) { obs.disconnect(); resolve(performance.now() - t0); }
          });
          obs.observe(document.body, { attributes: true, attributeFilter: ['data-slice'] });
        });
        document.getElementById('step').click();
        return done;
      }));
      await page.waitForTimeout(1200);
    }
    t.diagnostic(`Step to a drawn 101x101 slice at width 32: ${times.map((x) => x.toFixed(0)).join(', ')} ms`);
    // Asleep, the loop looks once a second: a slice held back by it takes over a second.
    assert.ok(Math.min(...times) < 700, `the slice took ${times.map((x) => x.toFixed(0)).join(', ')} ms`);
  });
});
