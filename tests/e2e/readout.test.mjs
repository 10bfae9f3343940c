// End-to-end tests of reading the plots: the value under the pointer (or finger) on the loss
// curve, the slice, the sweep charts, and the playground's replay of its trajectory.
//
//   node --test tests/e2e/readout.test.mjs

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  ARTIFACTS, TEST_TIMEOUT, bodyData, bodyNumber, useBrowser, waitBodyData, waitBodyNumberAtLeast,
  withPage,
} from './harness.mjs';

useBrowser();

/** Moves the mouse to CSS pixel (x, y) of canvas `id` and returns the readout ('' if hidden). */
async function readAt(page, id, x, y) {
  const box = await page.locator(`#${id}`).boundingBox();
  await page.mouse.move(box.x + x, box.y + y);
  return page.evaluate((id) => {
    const r = document.getElementById('readout');
    return r.hidden || r.dataset.canvas !== id ? '' : r.textContent;
  }, id);
}

/** Readouts along a horizontal line at height `y` of canvas `id`, every `dx` pixels. */
async function scan(page, id, y, dx = 6) {
  const box = await page.locator(`#${id}`).boundingBox();
  const out = [];
  for (let x = 1; x < box.width - 1; x += dx) out.push({ x, text: await readAt(page, id, x, y) });
  return out;
}

const relClose = (a, b, tol) => Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));

/** Steps the paused playground `n` times and waits for the slice at that step. */
async function stepTimes(page, n) {
  for (let i = 0; i < n; i++) await page.keyboard.press('s');
  await waitBodyNumberAtLeast(page, 'step', n, 10_000);
  await page.waitForFunction((n) => document.body.dataset.slice === 'ready' && document.body.dataset.sliceStep === String(n), n, { timeout: 30_000 });
  await page.waitForTimeout(300); // the plots redraw on the next frames
}

describe('reading the plots', () => {
  test('loss curve: the pointer reads the step and loss drawn under it, first and last step exactly', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=playground&seed=3', noErrors: true }, async (page) => {
      await stepTimes(page, 12);
      const loss = Number(await bodyData(page, 'loss'));
      const initial = Number(await bodyData(page, 'lossInitial'));
      const box = await page.locator('#loss-canvas').boundingBox();
      const readings = (await scan(page, 'loss-canvas', box.height * 0.4, 4)).filter((r) => r.text);
      assert.ok(readings.length > 10, `only ${readings.length} readings over the loss plot`);
      const parsed = readings.map((r) => {
        const m = /^training loss: step (\d+), loss ([-+0-9.e]+)$/.exec(r.text);
        assert.ok(m, `readout "${r.text}"`);
        return { x: r.x, step: Number(m[1]), loss: Number(m[2]) };
      });
      for (let i = 1; i < parsed.length; i++) {
        assert.ok(parsed[i].step >= parsed[i - 1].step, `steps not increasing with x: ${JSON.stringify(parsed.slice(i - 1, i + 1))}`);
      }
      const first = parsed[0];
      const last = parsed[parsed.length - 1];
      t.diagnostic(`first ${JSON.stringify(first)}, last ${JSON.stringify(last)}; page: initial ${initial}, loss ${loss}`);
      assert.equal(first.step, 0);
      assert.ok(relClose(first.loss, initial, 6e-3), `step 0 reads ${first.loss}, the initial loss is ${initial}`);
      assert.equal(last.step, 12);
      assert.ok(relClose(last.loss, loss, 6e-3), `step 12 reads ${last.loss}, the status loss is ${loss}`);
      assert.ok(new Set(parsed.map((p) => p.step)).size >= 10, 'most steps readable');
      // Away from the plot the box hides.
      await page.mouse.move(5, 5);
      assert.equal(await page.locator('#readout').isHidden(), true, 'readout still shown off the plot');
      await readAt(page, 'loss-canvas', box.width * 0.5, box.height * 0.4);
      await page.screenshot({ path: join(ARTIFACTS, 'readout-loss.png') });
    });
  });

  test('slice: the pointer at the plane\'s centre reads the student\'s own loss', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=playground&seed=3', noErrors: true }, async (page) => {
      await stepTimes(page, 5);
      const loss = Number(await bodyData(page, 'loss'));
      const box = await page.locator('#slice-canvas').boundingBox();
      const at = async (x, y) => {
        const text = await readAt(page, 'slice-canvas', x, y);
        const m = /^at \(([-0-9.]+), ([-0-9.]+)\) on this plane: loss ([-+0-9.e]+)$/.exec(text);
        assert.ok(m, `slice readout at (${x}, ${y}): "${text}"`);
        return { a: Number(m[1]), b: Number(m[2]), loss: Number(m[3]) };
      };
      // Two readings give the pixel-to-plane map; then read at the pixel of (0, 0).
      const [x1, y1, x2, y2] = [box.width * 0.25, box.height * 0.3, box.width * 0.5, box.height * 0.6];
      const p1 = await at(x1, y1);
      const p2 = await at(x2, y2);
      assert.ok(p2.a > p1.a && p2.b < p1.b, `a grows to the right, b upwards: ${JSON.stringify([p1, p2])}`);
      const x0 = x1 + (0 - p1.a) * (x2 - x1) / (p2.a - p1.a);
      const y0 = y1 + (0 - p1.b) * (y2 - y1) / (p2.b - p1.b);
      const centre = await at(x0, y0);
      t.diagnostic(`centre reads ${JSON.stringify(centre)}; the student's loss is ${loss}`);
      assert.ok(Math.abs(centre.a) <= 0.02 && Math.abs(centre.b) <= 0.02, JSON.stringify(centre));
      assert.ok(relClose(centre.loss, loss, 6e-3), `the centre reads ${centre.loss}, the student's loss is ${loss}`);
      await page.screenshot({ path: join(ARTIFACTS, 'readout-slice.png') });
    });
  });

  test('replay: the slider moves the orange point on the slice and marks the same step on the loss curve', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=playground&seed=3', noErrors: true }, async (page) => {
      const scrub = page.locator('#scrub');
      assert.equal(await scrub.isDisabled(), true, 'replay offered before any step');
      await stepTimes(page, 30);
      assert.equal(await scrub.isDisabled(), false, 'replay not offered after 30 steps while paused');
      // Orange (#e69f00) pixels: where the slice's current point and the loss curve's mark are.
      const orange = (id) => page.evaluate((id) => {
        const c = document.getElementById(id);
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; let sx = 0; let sy = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (Math.abs(d[i] - 0xe6) < 12 && Math.abs(d[i + 1] - 0x9f) < 12 && d[i + 2] < 24) {
            n++; sx += (i / 4) % c.width; sy += Math.floor(i / 4 / c.width);
          }
        }
        return { n, x: n ? sx / n : null, y: n ? sy / n : null };
      }, id);
      const sliceBefore = await orange('slice-canvas');
      const lossBefore = await orange('loss-canvas');
      assert.ok(sliceBefore.n > 10, 'no orange current point on the slice');
      assert.equal(lossBefore.n, 0, 'orange on the loss curve before any replay');
      await scrub.focus();
      await page.keyboard.press('Home');
      await page.waitForFunction(() => /^Replaying step 0 of 30/.test(document.getElementById('scrub-text').textContent), null, { timeout: 5000 });
      await page.waitForTimeout(400);
      const text = await page.locator('#scrub-text').textContent();
      const initial = Number(await bodyData(page, 'lossInitial'));
      const replayed = Number(/loss ([-+0-9.e]+)/.exec(text)[1]);
      t.diagnostic(`${text}; initial loss ${initial}`);
      assert.ok(relClose(replayed, initial, 2e-3), `replayed loss ${replayed} is not the initial loss ${initial}`);
      const sliceAfter = await orange('slice-canvas');
      const lossAfter = await orange('loss-canvas');
      assert.ok(lossAfter.n > 10, 'no orange mark on the loss curve during the replay');
      const moved = Math.hypot(sliceAfter.x - sliceBefore.x, sliceAfter.y - sliceBefore.y);
      assert.ok(moved > 3, `the slice's orange point moved only ${moved.toFixed(1)} px`);
      // The mark sits at step 0: the left end of the loss plot.
      const box = await page.locator('#loss-canvas').boundingBox();
      assert.ok(lossAfter.x < box.width * 0.35, `loss mark at x = ${lossAfter.x} of ${box.width}`);
      await page.screenshot({ path: join(ARTIFACTS, 'replay-step-0.png') });
      // The end of the slider is the live point again; training clears the replay.
      await page.keyboard.press('End');
      await page.waitForTimeout(400);
      assert.equal((await orange('loss-canvas')).n, 0, 'replay mark left at the live end');
      await page.keyboard.press('Home');
      await page.locator('#play').click();
      await waitBodyData(page, 'running', '1', 5000);
      assert.doesNotMatch(await page.locator('#scrub-text').textContent(), /Replaying/);
      assert.equal(await bodyNumber(page, 'step') >= 30, true);
    });
  });

  test('sweep: the pointer reads each width\'s rate and interval, and a run\'s final loss', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=sweep&runs=4&widths=3,4,8', noErrors: true }, async (page) => {
      await page.locator('#sweep-run').click();
      await waitBodyData(page, 'sweepState', 'done', 120_000);
      await page.waitForTimeout(300);
      const box = await page.locator('#sweep-canvas').boundingBox();
      const texts = new Set((await scan(page, 'sweep-canvas', box.height * 0.5, 5)).map((r) => r.text).filter(Boolean));
      t.diagnostic([...texts].join(' | '));
      for (const w of [3, 4, 8]) {
        const m = [...texts].find((s) => s.startsWith(`width ${w}: `));
        assert.ok(m, `width ${w} not readable: ${[...texts].join(' | ')}`);
        assert.match(m, /^width \d+: \d of 4 runs succeed \(\d+%, 95% interval \d+% to \d+%\)/);
      }
      // The final-loss chart: some dot reads a run with its seed and verdict.
      const hist = await page.locator('#hist-canvas').boundingBox();
      let run = '';
      for (let y = 10; y < hist.height && !run; y += 4) {
        for (let x = 10; x < hist.width && !run; x += 6) {
          const text = await readAt(page, 'hist-canvas', x, y);
          if (text) run = text;
        }
      }
      t.diagnostic(`final-loss chart: ${run}`);
      assert.match(run, /^width (3|4|8), seed \d+: final loss [-+0-9.e]+, (succeeds|fails)$/);
    });
  });

  test('phone: a tap on a plot shows its reading', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=playground&seed=3', viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true }, noErrors: true }, async (page) => {
      await page.locator('#step').tap();
      await page.locator('#step').tap();
      await waitBodyNumberAtLeast(page, 'step', 2, 10_000);
      await page.waitForTimeout(400);
      const canvas = page.locator('#loss-canvas');
      // In the middle of the screen: the playground's buttons stay at its bottom edge.
      await canvas.evaluate((c) => c.scrollIntoView({ block: 'center' }));
      const box = await canvas.boundingBox();
      await page.touchscreen.tap(box.x + box.width * 0.6, box.y + box.height * 0.4);
      await page.waitForFunction(() => !document.getElementById('readout').hidden, null, { timeout: 3000 });
      const text = await page.locator('#readout').textContent();
      t.diagnostic(text);
      assert.match(text, /^training loss: step \d+, loss /);
      const r = await page.locator('#readout').boundingBox();
      assert.ok(r.x >= 0 && r.x + r.width <= 390, `readout off screen: ${JSON.stringify(r)}`);
      await page.screenshot({ path: join(ARTIFACTS, 'readout-phone.png') });
    });
  });
});
