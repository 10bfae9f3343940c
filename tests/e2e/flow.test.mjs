// End-to-end tests of gradient flow in the playground (issue 13): chosen as the optimiser
// (`opt=flow`), it trains the student with a loss that never rises and no main-thread task over
// 50 ms; where one step would stall the page (the exact Hessian of many parameters on many
// samples) the page uses Adam and says why.
//
//   node --test tests/e2e/flow.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT, bodyData, bodyNumber, useBrowser, waitBodyData, waitBodyNumberAtLeast, withPage } from './harness.mjs';

useBrowser();

test('gradient flow trains the playground student: the loss never rises, no long task', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(t, { hash: '#scene=playground&opt=flow&steps=400&speed=20', noErrors: true }, async (page) => {
    assert.equal(await page.locator('#opt').inputValue(), 'flow');
    assert.equal(await page.locator('#notice').isVisible(), false, 'no notice at the defaults');
    await page.evaluate(() => {
      window.__long = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(Math.round(e.duration)); }).observe({ type: 'longtask' });
      // The loss the page reports, sampled every frame while it trains.
      window.__losses = [];
      const sample = () => { const v = Number(document.body.dataset.loss); if (Number.isFinite(v)) window.__losses.push(v); requestAnimationFrame(sample); };
      requestAnimationFrame(sample);
    });
    const initial = await bodyNumber(page, 'loss');
    await page.locator('#play').click();
    await waitBodyNumberAtLeast(page, 'step', 400, 60_000);
    await waitBodyData(page, 'runPhase', ['success', 'failed', 'diverged'], 60_000);
    const losses = await page.evaluate(() => window.__losses.slice());
    const long = await page.evaluate(() => window.__long.slice());
    const rises = losses.filter((v, i) => i > 0 && v > losses[i - 1] * (1 + 1e-12));
    t.diagnostic(`${losses.length} samples, loss ${initial} -> ${losses.at(-1)}; phase ${await bodyData(page, 'runPhase')}; long tasks ${JSON.stringify(long)}`);
    assert.ok(losses.length > 10, 'the loss was sampled while training');
    assert.deepEqual(rises, [], 'the loss never rose');
    assert.ok(losses.at(-1) < initial / 10, `the loss fell: ${initial} -> ${losses.at(-1)}`);
    assert.deepEqual(long.filter((d) => d > 50), [], 'no main-thread task over 50 ms');
  });
});

test('where a step of gradient flow would stall the page, Adam is used with a notice', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(t, { hash: '#scene=playground&opt=flow&width=64&dim=8&samples=2048' }, async (page) => {
    const notice = page.locator('#notice');
    await notice.waitFor({ state: 'visible', timeout: 10_000 });
    const text = await notice.textContent();
    t.diagnostic(text);
    assert.match(text, /gradient flow/i);
    assert.match(text, /641 parameters/);
    assert.equal(await page.locator('#opt').inputValue(), 'adam');
    assert.match(await page.evaluate(() => location.hash), /opt=adam/);
  });
});
