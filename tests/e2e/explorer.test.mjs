// End-to-end tests of the Escape Dimensions Explorer, run with node's own test runner:
//
//   node --test tests/e2e/*.test.mjs        (scripts/test.sh does this after `trunk build`)
//
// Serves the release build (dist/, or $E2E_DIST) with tests/e2e/server.mjs under a sub-path
// (default /escape-dims/, or $E2E_PREFIX) to prove the page works away from the site root, and
// drives Chromium ($CHROMIUM, default /usr/bin/chromium) through playwright-core.
// Screenshots go to artifacts/e2e/ (also one per failing test).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  ARTIFACTS, HD, LAPTOP, SLIDE, TEST_TIMEOUT, READY_TIMEOUT, bodyNumber, dataset, useBrowser,
  waitBodyNumberAtLeast, withPage as openPage,
  bodyData,
} from './harness.mjs';

// The page contract: every control and element the explorer provides.
const CONTROL_IDS = [
  'width', 'teacher', 'dim', 'samples', 'act', 'opt', 'lr', 'seed', 'tseed',
  'speed', 'steps', 'thr', 'plane', 'res', 'extent', 'bias', 'live', 'surface',
];
const SELECT_IDS = ['act', 'opt', 'plane', 'bias', 'live', 'surface'];
const BUTTON_IDS = ['play', 'step', 'reset', 'refresh-slice'];
const CANVAS_IDS = ['loss-canvas', 'slice-canvas', 'fit-canvas'];

useBrowser();

const withPage = openPage;

/** Sets an input's value the way a user would (type it, then commit with a change event). */
async function setControl(page, id, value) {
  const loc = page.locator(`#${id}`);
  const tag = await loc.evaluate((el) => el.tagName.toLowerCase());
  if (tag === 'select') {
    await loc.selectOption(String(value));
  } else {
    await loc.fill(String(value));
    await loc.dispatchEvent('change');
  }
}

/** A new value for #width: different from the current one and inside its min/max/step. */
async function pickNewWidth(page) {
  return page.locator('#width').evaluate((el) => {
    const current = Number(el.value);
    const min = el.min !== '' ? Number(el.min) : 1;
    const max = el.max !== '' ? Number(el.max) : 64;
    const step = el.step !== '' && el.step !== 'any' ? Number(el.step) : 1;
    const fits = (v) => v >= min && v <= max && Math.abs((v - min) / step - Math.round((v - min) / step)) < 1e-9;
    const candidates = [12, 16, 10, 24, 8, 32, 20, 6, 5, 4, 3, 2, max, min];
    const pick = candidates.find((v) => v !== current && fits(v));
    if (pick === undefined) throw new Error(`no new value for #width (value ${el.value}, min ${min}, max ${max})`);
    return pick;
  });
}

function controlValues(page) {
  return page.evaluate((ids) => {
    const out = {};
    for (const id of ids) {
      const el = document.getElementById(id);
      out[id] = el ? el.value : null;
    }
    return out;
  }, CONTROL_IDS);
}

function sameValue(a, b) {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  return a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y) &&
    Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
}

// ---------------------------------------------------------------------------------------
// tests

describe('Escape Dimensions Explorer', { timeout: 15 * 60_000 }, () => {
  test('page loads with every contract element and no console or page errors', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, {}, async (page, problems) => {
      // Let the first frames and the first slice computation run before judging.
      await page.waitForTimeout(1000);
      const missing = await page.evaluate(
        (ids) => ids.filter((id) => !document.getElementById(id)),
        [...CONTROL_IDS, ...BUTTON_IDS, ...CANVAS_IDS, 'notice', 'status', 'error-panel'],
      );
      assert.deepEqual(missing, [], `elements missing from the page: ${missing.join(', ')}`);
      for (const id of SELECT_IDS) {
        assert.equal(await page.locator(`#${id}`).evaluate((el) => el.tagName), 'SELECT', `#${id} should be a <select>`);
      }
      for (const id of CANVAS_IDS) {
        assert.equal(await page.locator(`#${id}`).evaluate((el) => el.tagName), 'CANVAS', `#${id} should be a <canvas>`);
      }
      const ds = await dataset(page);
      assert.equal(ds.ready, '1');
      assert.ok(Number.isInteger(Number(ds.step)) && Number(ds.step) >= 0, `data-step = ${ds.step}`);
      assert.ok(Number.isFinite(Number(ds.lossInitial)) && Number(ds.lossInitial) > 0, `data-loss-initial = ${ds.lossInitial}`);
      assert.ok(Number.isFinite(Number(ds.loss)), `data-loss = ${ds.loss}`);
      assert.ok(['0', '1'].includes(ds.running), `data-running = ${ds.running}`);
      assert.ok(['computing', 'ready'].includes(ds.slice), `data-slice = ${ds.slice}`);
      assert.equal(await page.locator('#error-panel').isVisible(), false, '#error-panel is visible');
      assert.equal(await page.locator('#notice').isVisible(), false, '#notice is visible without a bad URL');
      assert.deepEqual(problems.pageErrors, [], `uncaught page errors:\n${problems.pageErrors.join('\n')}`);
      assert.deepEqual(problems.consoleErrors, [], `console errors:\n${problems.consoleErrors.join('\n')}`);
    });
  });

  test('changing the width, then playing ~300 steps more than halves the loss', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, {}, async (page, problems) => {
      const lossAtLoad = await bodyNumber(page, 'lossInitial');
      const width = await pickNewWidth(page);
      await setControl(page, 'width', width);
      assert.equal(Number(await page.inputValue('#width')), width);
      // A new width rebuilds the network: wait until the setting is applied (it is in the URL)
      // and the page is ready again, at step 0.
      await page.waitForFunction(
        (w) =>
          new URLSearchParams(location.hash.slice(1)).get('width') === String(w) &&
          document.body.dataset.ready === '1' &&
          Number(document.body.dataset.step) === 0,
        width,
        { timeout: READY_TIMEOUT, polling: 100 },
      );
      const lossInitial = await bodyNumber(page, 'lossInitial');
      assert.ok(lossInitial > 0, `data-loss-initial = ${lossInitial}`);
      t.diagnostic(`width ${width}: initial loss ${lossInitial} (at load: ${lossAtLoad})`);

      const play = page.locator('#play');
      const idleText = (await play.textContent()).trim();
      await play.click();
      await page.waitForSelector('body[data-running="1"]', { state: 'attached', timeout: 5000 });
      const runningText = (await play.textContent()).trim();
      assert.notEqual(runningText, idleText, '#play text should change while running');

      // Sample the loss while training runs.
      const samples = [];
      const deadline = Date.now() + 120_000;
      for (;;) {
        const ds = await dataset(page);
        samples.push({ step: Number(ds.step), loss: Number(ds.loss) });
        if (Number(ds.step) >= 300) break;
        assert.ok(Date.now() < deadline, `only ${ds.step} steps after 120 s`);
        await page.waitForTimeout(200);
      }
      await play.click();
      await page.waitForSelector('body[data-running="0"]', { state: 'attached', timeout: 5000 });
      assert.equal((await play.textContent()).trim(), idleText, '#play text should return after pausing');

      // Paused means paused.
      const stepPaused = await bodyNumber(page, 'step');
      await page.waitForTimeout(600);
      assert.equal(await bodyNumber(page, 'step'), stepPaused, 'data-step still advancing after pause');

      const finalLoss = await bodyNumber(page, 'loss');
      for (const s of samples) {
        assert.ok(Number.isFinite(s.loss), `non-finite loss sample at step ${s.step}`);
      }
      const steps = samples.map((s) => s.step);
      assert.ok(steps.every((s, i) => i === 0 || s >= steps[i - 1]), `data-step went backwards: ${steps.join(',')}`);
      t.diagnostic(`after ${stepPaused} steps: loss ${finalLoss} (${samples.length} samples)`);
      assert.ok(
        finalLoss < 0.5 * lossInitial,
        `loss did not fall enough: final ${finalLoss} >= 0.5 x initial ${lossInitial}`,
      );
      assert.deepEqual(problems.pageErrors, []);
      assert.deepEqual(problems.consoleErrors, []);
    });
  });

  test('the landscape slice canvas holds a non-uniform image', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, {}, async (page) => {
      await page.waitForSelector('body[data-slice="ready"]', { state: 'attached', timeout: 60_000 });
      const stats = await page.evaluate(() => {
        const canvas = document.getElementById('slice-canvas');
        const ctx = canvas.getContext('2d');
        if (!ctx) return { error: 'no 2d context on #slice-canvas' };
        const { width, height } = canvas;
        if (!width || !height) return { error: `canvas is ${width}x${height}` };
        const data = ctx.getImageData(0, 0, width, height).data;
        const colours = new Set();
        let sum = 0;
        let sumSq = 0;
        const n = width * height;
        for (let i = 0; i < data.length; i += 4) {
          colours.add(((data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3]) >>> 0);
          const lum = 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
          sum += lum;
          sumSq += lum * lum;
        }
        const mean = sum / n;
        return { width, height, distinct: colours.size, std: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) };
      });
      assert.ok(!stats.error, stats.error);
      t.diagnostic(`slice ${stats.width}x${stats.height}: ${stats.distinct} colours, luminance std ${stats.std.toFixed(1)}`);
      await page.locator('#slice-canvas').screenshot({ path: join(ARTIFACTS, 'slice-canvas.png') });
      assert.ok(stats.distinct > 50, `only ${stats.distinct} distinct colours on #slice-canvas`);
      assert.ok(stats.std > 10, `luminance standard deviation ${stats.std} <= 10 on #slice-canvas`);
    });
  });

  test('slices from the slice workers and from the page draw the same pixels', { timeout: TEST_TIMEOUT }, async (t) => {
    const hash = '#width=24&res=101&plane=random&seed=3';
    // The finished heatmap: where its rows were computed, and a digest of its pixels.
    const heatmap = (page, step = 0) => page.evaluate(async (step) => {
      const ready = () => document.body.dataset.slice === 'ready' && document.body.dataset.sliceStep === String(step);
      while (!ready()) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const canvas = document.getElementById('slice-canvas');
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let digest = 2166136261;
      const colours = new Set();
      for (let i = 0; i < data.length; i++) digest = Math.imul(digest ^ data[i], 16777619) >>> 0;
      for (let i = 0; i < data.length; i += 4) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      return { where: document.body.dataset.sliceWhere, digest, colours: colours.size };
    }, step);
    // Once the slice workers have loaded (or found there are none): step once and take the
    // heatmap of step 1; then step twice in the same task, so the slice of step 2 is replaced
    // while it is computed (its rows must not land in the slice of step 3), and take step 3.
    const stepsAndTake = async (page) => {
      await heatmap(page, 0);
      await page.waitForFunction(() => ['ready', 'none'].includes(document.body.dataset.sliceWorkers));
      await page.click('#step');
      const first = await heatmap(page, 1);
      await page.evaluate(() => {
        document.getElementById('step').click();
        document.getElementById('step').click();
      });
      return [first, await heatmap(page, 3)];
    };
    let inWorkers;
    await withPage(t, { hash, noErrors: true }, async (page) => {
      inWorkers = await stepsAndTake(page);
    });
    let onPage;
    await withPage(t, { hash, noErrors: true, init: () => { window.Worker = undefined; } }, async (page) => {
      assert.equal(await page.evaluate(() => document.body.dataset.sliceWorkers), 'none');
      onPage = await stepsAndTake(page);
    });
    t.diagnostic(`workers: ${JSON.stringify(inWorkers)}; page: ${JSON.stringify(onPage)}`);
    for (const i of [0, 1]) {
      assert.equal(inWorkers[i].where, 'workers');
      assert.equal(onPage[i].where, 'page');
      assert.equal(inWorkers[i].digest, onPage[i].digest, 'the same slice, pixel for pixel');
    }
    assert.ok(inWorkers[0].colours > 50, `only ${inWorkers[0].colours} colours`);
    assert.notEqual(inWorkers[0].digest, inWorkers[1].digest, 'steps move the slice');
  });

  test('settings round-trip through the URL hash', { timeout: TEST_TIMEOUT }, async (t) => {
    let sharedUrl;
    let expected;
    let width;
    await withPage(t, {}, async (page) => {
      width = await pickNewWidth(page);
      await setControl(page, 'width', width);
      await page.waitForFunction(
        (w) => new URLSearchParams(location.hash.slice(1)).get('width') === String(w),
        width,
        { timeout: 10_000, polling: 100 },
      );
      sharedUrl = page.url();
      assert.ok(sharedUrl.includes(`width=${width}`), `URL ${sharedUrl} lacks width=${width}`);
      expected = await controlValues(page);
    });
    t.diagnostic(`shared URL: ${sharedUrl}`);

    const hash = new URL(sharedUrl).hash;
    await withPage(t, { hash }, async (page, problems) => {
      assert.equal(Number(await page.inputValue('#width')), width, '#width not restored from the URL');
      const actual = await controlValues(page);
      const mismatched = CONTROL_IDS.filter((id) => !sameValue(actual[id], expected[id]))
        .map((id) => `#${id}: ${JSON.stringify(actual[id])} != ${JSON.stringify(expected[id])}`);
      assert.deepEqual(mismatched, [], `controls differ after opening the shared URL:\n${mismatched.join('\n')}`);
      assert.equal(await page.locator('#notice').isVisible(), false, '#notice shown for a valid URL');
      assert.deepEqual(problems.pageErrors, []);
      assert.deepEqual(problems.consoleErrors, []);
    });
  });

  test('bad URL values show a notice, and the page still works', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#width=-5&lr=abc' }, async (page, problems) => {
      const notice = page.locator('#notice');
      await notice.waitFor({ state: 'visible', timeout: 5000 });
      assert.equal(await notice.evaluate((el) => el.hidden), false, '#notice still has the hidden attribute');
      const text = (await notice.textContent()) || '';
      assert.match(text, /\bwidth\b/, `#notice does not mention width: ${JSON.stringify(text)}`);
      assert.match(text, /\blr\b/, `#notice does not mention lr: ${JSON.stringify(text)}`);
      t.diagnostic(`notice: ${text.trim()}`);

      // The bad values were replaced by usable ones.
      const widthValue = Number(await page.inputValue('#width'));
      assert.ok(Number.isFinite(widthValue) && widthValue > 0, `#width = ${widthValue}`);
      const lrValue = Number(await page.inputValue('#lr'));
      assert.ok(Number.isFinite(lrValue) && lrValue > 0, `#lr = ${lrValue}`);

      const stepBefore = await bodyNumber(page, 'step');
      await page.locator('#step').click();
      await waitBodyNumberAtLeast(page, 'step', stepBefore + 1, 10_000);
      assert.ok((await bodyNumber(page, 'step')) > stepBefore, 'data-step did not increase after #step');
      assert.ok(Number.isFinite(await bodyNumber(page, 'loss')));
      assert.equal(await page.locator('#error-panel').isVisible(), false, '#error-panel is visible');
      assert.deepEqual(problems.pageErrors, [], `uncaught page errors:\n${problems.pageErrors.join('\n')}`);
    });
  });

  test('a divergent learning rate stops training with a message, and the page keeps working', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#opt=gd&lr=2&width=16' }, async (page, problems) => {
      await page.locator('#play').click();
      await page.waitForFunction(() => /diverged/.test(document.getElementById('status').textContent), null, { timeout: 20_000, polling: 100 });
      const status = (await page.locator('#status').textContent()).trim();
      t.diagnostic(`status: ${status}`);
      assert.match(status, /smaller learning rate/);
      assert.equal(await page.getAttribute('#status', 'data-kind'), 'error');
      assert.equal(await bodyData(page, 'running'), '0');
      assert.ok(Number(await bodyData(page, 'step')) < 100, 'stopped early');
      // The visitor fixes the learning rate and trains again.
      await setControl(page, 'lr', '0.05');
      await page.waitForFunction(() => Number(document.body.dataset.step) === 0, null, { timeout: 5000 });
      await page.locator('#play').click();
      await waitBodyNumberAtLeast(page, 'step', 200, 60_000);
      assert.ok(!/diverged/.test(await page.locator('#status').textContent()));
      assert.equal(await page.locator('#error-panel').isVisible(), false);
      assert.deepEqual(problems.pageErrors, []);
      assert.deepEqual(problems.consoleErrors, []);
    });
  });

  test('an absurd width is clamped with a notice and trains', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#width=100000000&res=9999' }, async (page, problems) => {
      await page.locator('#notice').waitFor({ state: 'visible', timeout: 5000 });
      assert.equal(await page.inputValue('#width'), '64');
      assert.equal(await page.inputValue('#res'), '201');
      await page.locator('#step').click();
      await waitBodyNumberAtLeast(page, 'step', 1, 10_000);
      assert.deepEqual(problems.pageErrors, []);
    });
  });

  test('a panic shows the error panel instead of a dead page', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, {}, async (page, problems) => {
      assert.equal(await page.locator('#error-panel').isVisible(), false);
      // The panic surfaces in JavaScript as an exception from the wasm call.
      await page.evaluate(() => { try { window.wasmBindings.debug_panic(); } catch (e) { return String(e); } return 'no exception'; });
      await page.locator('#error-panel').waitFor({ state: 'visible', timeout: 5000 });
      const detail = await page.locator('#error-detail').textContent();
      assert.match(detail, /deliberate test of the error panel/);
      assert.equal(await bodyData(page, 'crashed'), '1');
      await page.screenshot({ path: join(ARTIFACTS, 'error-panel.png') });
      // The hook also reports to the console, as a developer would expect.
      assert.ok(problems.consoleErrors.some((e) => /crashed/.test(e)), 'the panic was logged to the console');
    });
  });

  for (const [name, viewport] of [['laptop', LAPTOP], ['slide', SLIDE]]) {
    test(`screenshot at ${viewport.width}x${viewport.height} (${name})`, { timeout: TEST_TIMEOUT }, async (t) => {
      await withPage(t, { viewport }, async (page, problems) => {
        await page
          .waitForSelector('body[data-slice="ready"]', { state: 'attached', timeout: 60_000 })
          .catch(() => t.diagnostic('slice not ready after 60 s; taking the screenshot anyway'));
        await page.waitForTimeout(300);
        const file = `${name}-${viewport.width}x${viewport.height}.png`;
        await page.screenshot({ path: join(ARTIFACTS, file) });
        await page.screenshot({ path: join(ARTIFACTS, `${name}-${viewport.width}x${viewport.height}-full.png`), fullPage: true });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 1) t.diagnostic(`page is ${overflow}px wider than the ${viewport.width}px viewport`);
        t.diagnostic(`saved artifacts/e2e/${file}`);
        assert.deepEqual(problems.pageErrors, []);
        assert.deepEqual(problems.consoleErrors, []);
      });
    });
  }
});
