// End-to-end test of the Terms dialog and the controls' explanations: a first-time visitor
// can look up every word the page uses (teacher/student, success, alpha, mu, ...).
//
//   node --test tests/e2e/terms.test.mjs

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, TEST_TIMEOUT, bodyData, useBrowser, withPage } from './harness.mjs';

useBrowser();

const TERMS = ['teacher and student', 'success', 'polishing', 'p', 'alpha', 'mu', 'Hessian eigenvalue', 'filter-normalised'];

describe('terms', () => {
  test('the Terms dialog explains every term; keys do nothing behind it; Escape closes it', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=playground', noErrors: true }, async (page) => {
      await page.locator('#terms').click();
      const dialog = page.locator('#glossary');
      assert.equal(await dialog.isVisible(), true, 'dialog not shown');
      const names = await page.locator('#glossary dt').allTextContents();
      for (const term of TERMS) assert.ok(names.includes(term), `"${term}" not explained: ${names.join(', ')}`);
      const texts = await page.locator('#glossary dd').allTextContents();
      assert.ok(texts.every((s) => s.length > 60), 'an explanation is empty or too short');
      await page.screenshot({ path: join(ARTIFACTS, 'terms-dialog.png') });
      // Space behind the dialog does not start training.
      await page.keyboard.press(' ');
      await page.waitForTimeout(300);
      assert.equal(await bodyData(page, 'running'), '0', 'space trained behind the dialog');
      await page.keyboard.press('Escape');
      assert.equal(await dialog.isVisible(), false, 'Escape did not close the dialog');
      // The controls that use a term explain it where it is used.
      for (const [key, term] of [['thr', 'success'], ['alpha', 'alpha'], ['mu', 'mu'], ['plane', 'filter-normalised'], ['width', 'teacher and student']]) {
        const title = await page.locator(`label[for="${key}"]`).getAttribute('title');
        assert.ok(title && title.includes(`${term}: `), `label of ${key}: ${title}`);
      }
    });
  });

  test('phone: the dialog fits the screen and closes by tap', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=playground', viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true }, noErrors: true }, async (page) => {
      await page.locator('#terms').tap();
      const box = await page.locator('#glossary').boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= 390, `dialog ${JSON.stringify(box)}`);
      const close = await page.locator('#glossary-close').boundingBox();
      assert.ok(close.height >= 44 && close.width >= 44, `Close is ${close.width}x${close.height}`);
      await page.screenshot({ path: join(ARTIFACTS, 'terms-phone.png') });
      await page.locator('#glossary-close').tap();
      assert.equal(await page.locator('#glossary').isVisible(), false);
    });
  });
});
