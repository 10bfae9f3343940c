// End-to-end tests of reduced motion: with `prefers-reduced-motion: reduce`, views that would
// start moving on their own (the escape scene, a story page's experiment) wait, drawn, until
// the visitor presses Start; without it they start at once.
//
//   node --test tests/e2e/motion.test.mjs

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, TEST_TIMEOUT, bodyData, useBrowser, waitBodyData, withPage } from './harness.mjs';

useBrowser();

const REDUCED = { reducedMotion: 'reduce' };

describe('reduced motion', () => {
  test('the escape scene waits for Start, then runs exactly as without the preference', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=escape&case=1&speed=200', context: REDUCED, noErrors: true }, async (page) => {
      assert.equal(await bodyData(page, 'held'), '1');
      assert.equal(await page.locator('#motion-hold').isVisible(), true, 'no notice that the view waits');
      const loss = await bodyData(page, 'escapeLoss');
      await page.waitForTimeout(2500);
      assert.equal(await bodyData(page, 'escapeLoss'), loss, 'the narrow run moved while held');
      assert.notEqual(await bodyData(page, 'escapePhase'), 'stuck');
      await page.screenshot({ path: join(ARTIFACTS, 'motion-held-escape.png') });
      await page.locator('#motion-start').click();
      assert.equal(await bodyData(page, 'held'), '0');
      assert.equal(await page.locator('#motion-hold').isHidden(), true);
      await waitBodyData(page, 'escapePhase', 'stuck', 60_000);
      t.diagnostic(`after Start: stuck at ${await bodyData(page, 'escapeStuckLoss')}`);
    });
    await withPage(t, { hash: '#scene=escape&case=1&speed=200', noErrors: true }, async (page) => {
      assert.equal(await bodyData(page, 'held'), '0', 'held without the preference');
      await waitBodyData(page, 'escapePhase', 'stuck', 60_000);
    });
  });

  test('a story page\'s experiment waits for Start; the next page waits again', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=story&page=2', context: REDUCED, noErrors: true }, async (page) => {
      assert.equal(await bodyData(page, 'held'), '1');
      await page.waitForTimeout(1500);
      assert.equal(await bodyData(page, 'sweepState'), 'idle', 'the sweep started on its own');
      await page.locator('#motion-start').click();
      await waitBodyData(page, 'sweepState', ['running', 'done'], 5000);
      await page.locator('#story-next').click();
      await page.waitForFunction(() => document.getElementById('story-title').textContent.startsWith('3.'), null, { timeout: 5000 });
      assert.equal(await bodyData(page, 'held'), '1', 'page 3 did not wait');
      await page.waitForTimeout(1000);
      assert.equal(await bodyData(page, 'ticketsState'), 'idle', 'the tickets table started on its own');
    });
  });
});
