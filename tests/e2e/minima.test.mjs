// End-to-end tests of the Minima scene: the census fills in with progress, in the web workers,
// and its downloads equal the native run of the same settings (the golden files that
// tests/minima.rs writes and checks); a census can be cancelled and stays cancelled.
//
//   node --test tests/e2e/minima.test.mjs

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bodyData, bodyNumber, clickDownload, useBrowser, waitBodyData, withPage } from './harness.mjs';

useBrowser();

const GOLDEN = fileURLToPath(new URL('../golden/', import.meta.url));
// The settings of tests/minima.rs.
const HASH = '#scene=minima&widths=3,4&runs=6';

/** A CSV as rows of named fields. */
function rows(text) {
  const [head, ...lines] = text.trim().split(/\r?\n/);
  const names = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
}

/**
 * Compares the page's CSV with the native one: text fields (types, seeds, flags, ids) exactly;
 * numbers to 1e-6 relative (the page's wasm and the native build agree within a few ulps per
 * operation, tests/golden/native.txt), except losses below 1e-12, where both are at a global
 * minimum and the value is rounding noise: there both must be below 1e-12.
 */
function compare(page, native, file) {
  const problems = [];
  assert.equal(page.length, native.length, `${file}: ${page.length} rows on the page, ${native.length} natively`);
  page.forEach((row, i) => {
    for (const [key, want] of Object.entries(native[i])) {
      const got = row[key];
      const a = Number(got), b = Number(want);
      if (want === '' || Number.isNaN(b) || !/^[-+0-9.e]+$/i.test(want)) {
        if (got !== want) problems.push(`row ${i + 1} ${key}: page ${got}, native ${want}`);
      } else if (Math.abs(b) < 1e-12 || Math.abs(a) < 1e-12) {
        if (!(Math.abs(a) < 1e-12 && Math.abs(b) < 1e-12) && Math.abs(a - b) > 1e-12) problems.push(`row ${i + 1} ${key}: page ${got}, native ${want}`);
      } else if (Math.abs(a - b) > 1e-6 * Math.abs(b)) {
        problems.push(`row ${i + 1} ${key}: page ${got}, native ${want}`);
      }
    }
  });
  assert.deepEqual(problems, [], `${file} differs from the native run:\n${problems.join('\n')}`);
}

describe('minima scene', () => {
  test('the census fills in with progress in the workers, and its numbers equal the native run', { timeout: 240_000 }, async (t) => {
    await withPage(t, { hash: HASH, noErrors: true }, async (page) => {
      assert.equal(await bodyData(page, 'minimaState'), 'idle');
      await page.locator('#minima-run').click();
      // Progress: the count rises through the census and then the widening.
      const seen = new Set();
      const counts = [];
      const t0 = Date.now();
      for (;;) {
        const state = await bodyData(page, 'minimaState');
        seen.add(state);
        counts.push(await bodyNumber(page, 'minimaDone'));
        if (state === 'done') break;
        assert.ok(Date.now() - t0 < 200_000, `census not done after 200 s (state ${state})`);
        await page.waitForTimeout(100);
      }
      t.diagnostic(`states ${[...seen].join(' -> ')}; done counts seen ${[...new Set(counts)].length}; ${(Date.now() - t0) / 1000} s; ${await page.locator('#minima-status').textContent()}`);
      assert.ok(seen.has('census') && seen.has('widening'), `states seen: ${[...seen]}`);
      assert.ok(new Set(counts).size >= 3, `progress moved through only ${new Set(counts).size} counts`);
      assert.deepEqual(counts, [...counts].sort((a, b) => a - b), 'the done count never falls');
      assert.equal(await bodyData(page, 'experimentsWhere'), 'workers');
      const census = await clickDownload(page, page.locator('#minima-census-csv'));
      assert.equal(census.suggestedFilename(), 'census.csv');
      compare(rows(await readFile(await census.path(), 'utf8')), rows(await readFile(`${GOLDEN}minima_census.csv`, 'utf8')), 'census.csv');
      const widening = await clickDownload(page, page.locator('#minima-widening-csv'));
      compare(rows(await readFile(await widening.path(), 'utf8')), rows(await readFile(`${GOLDEN}minima_widening.csv`, 'utf8')), 'census_widening.csv');
      // What the page says is what the table holds: the chosen bad minimum's summary counts
      // its rows.
      const summary = await page.locator('#minima-widening-summary').textContent();
      const tableRows = await page.locator('#minima-widening-rows tr').count();
      const native = rows(await readFile(`${GOLDEN}minima_widening.csv`, 'utf8'));
      const first = native.filter((r) => r.width === native[0].width && r.point_id === native[0].point_id);
      assert.equal(tableRows, first.length);
      const saddles = first.filter((r) => Number(r.embedded_index) > 0).length;
      const global = first.filter((r) => r.escaped === 'true' && r.reached_global === 'true').length;
      assert.match(summary, new RegExp(`of its ${first.length} embeddings, ${saddles} are saddles`));
      assert.match(summary, new RegExp(`a global minimum ${global} times`));
      t.diagnostic(summary);
    });
  });

  test('the population data model: a census of erf students runs and says so; with tanh it is refused with a reason', { timeout: 120_000 }, async (t) => {
    await withPage(t, { hash: '#scene=minima&act=erf&data=population&widths=3,4&runs=4', noErrors: true }, async (page) => {
      assert.equal(await page.locator('#data').inputValue(), 'population');
      await page.locator('#minima-run').click();
      await waitBodyData(page, 'minimaState', 'done', 100_000);
      const status = await page.locator('#minima-status').textContent();
      t.diagnostic(status);
      assert.match(status, /^Finished: 8 seeds/);
      assert.match(status, /population loss/);
      const census = await clickDownload(page, page.locator('#minima-census-csv'));
      const points = rows(await readFile(await census.path(), 'utf8'));
      assert.deepEqual([...new Set(points.map((p) => p.width))], ['3', '4']);
      assert.equal(points.reduce((n, p) => n + Number(p.seeds), 0), 8, 'every seed once');
    });
    await withPage(t, { hash: '#scene=minima&act=tanh&data=population&widths=3&runs=2', noErrors: true }, async (page) => {
      await page.locator('#minima-run').click();
      await page.waitForTimeout(500);
      assert.equal(await bodyData(page, 'minimaState'), 'idle');
      assert.match(await page.locator('#minima-status').textContent(), /^Not run: the population loss has a closed form for erf and ReLU only, not tanh/);
    });
  });

  test('a census can be cancelled: its count stops and it says so', { timeout: 120_000 }, async (t) => {
    await withPage(t, { hash: '#scene=minima&widths=3,4,5,6,8&runs=40', noErrors: true }, async (page) => {
      await page.locator('#minima-run').click();
      await page.waitForFunction(() => Number(document.body.dataset.minimaDone) >= 3, null, { timeout: 60_000 });
      await page.locator('#minima-cancel').click();
      await waitBodyData(page, 'minimaState', 'cancelled', 5000);
      const after = await bodyNumber(page, 'minimaDone');
      await page.waitForTimeout(1500);
      assert.equal(await bodyNumber(page, 'minimaDone'), after, 'jobs kept arriving after Cancel');
      assert.ok(after < 200, `${after} of 200 seeds done: cancel came too late to test`);
      assert.match(await page.locator('#minima-status').textContent(), new RegExp(`Cancelled after ${after} of 200 seeds`));
    });
  });
});
