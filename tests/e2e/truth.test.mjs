// End-to-end tests that the page's live views agree with the engine's tables and with the
// pictures beside them ("one truth"): the tickets scene's live pair against the CSV the same
// screen downloads, the escape scene's status line against its loss curve and its slice
// against the escape it claims, and divergence named as such in every scene.
//
//   node --test tests/e2e/truth.test.mjs

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ARTIFACTS, TEST_TIMEOUT, bodyNumber, clickDownload, dataset, useBrowser, waitBodyData,
  withPage as openPage,
} from './harness.mjs';

useBrowser();

const withPage = (t, options, body) => openPage(t, { ...options, noErrors: true }, body);

/** The rows of a CSV with a header line, as objects. */
function parseCsv(text) {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const keys = header.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i], v])));
}

/** `x` as Rust's `{:.1e}` writes it (1.0e-5, 4.1e-2). */
const sci1 = (x) => {
  const [m, e] = Number(x).toExponential(1).split('e');
  return `${m}e${Number(e)}`;
};

/** Runs the tickets table and compares the focus ticket's verdicts with its CSV row. */
async function focusAgreesWithTable(t, page, seed) {
  await page.locator('#tickets-run').click();
  await waitBodyData(page, 'ticketsState', 'done', 170_000);
  await page.waitForFunction(() => document.body.dataset.ticketsFocusEmbedded, null, { timeout: 170_000, polling: 200 });
  await page.waitForTimeout(300);
  const d = await dataset(page);
  const status = (await page.locator('#tickets-status').textContent()).trim();
  t.diagnostic(`focus: alone ${d.ticketsFocusAlone}, embedded ${d.ticketsFocusEmbedded}; ${status}`);
  const download = await clickDownload(page, page.locator('#tickets-csv'));
  const rows = parseCsv(await readFile(await download.path(), 'utf8'));
  const row = rows.find((r) => Number(r.seed) === seed);
  assert.ok(row, `no CSV row for seed ${seed}: ${JSON.stringify(rows)}`);
  t.diagnostic(`CSV row: ${JSON.stringify(row)}`);
  const word = (wins, diverged) => (diverged === 'true' ? 'diverged' : wins === 'true' ? 'wins' : 'loses');
  assert.equal(d.ticketsFocusAlone, word(row.ticket_alone_wins, row.diverged_alone), 'alone: live verdict vs CSV');
  assert.equal(d.ticketsFocusEmbedded, word(row.embedded_wins, row.diverged_embedded), 'embedded: live verdict vs CSV');
  // The losses the status line quotes are the CSV's.
  for (const key of ['loss_alone', 'loss_embedded']) {
    assert.ok(status.includes(`loss ${sci1(row[key])}`), `status does not quote ${key} ${sci1(row[key])}: ${status}`);
  }
  return { row, status };
}

/** `x` as the story writes it: one decimal, `1e-5` rather than `1.0e-5`. */
const storySci = (x) => sci1(x).replace('.0e', 'e');

/** The story panel's quoted numbers. */
async function claimNumbers(page) {
  const raw = (await page.getAttribute('#story', 'data-numbers')) ?? '';
  return Object.fromEntries(raw.split(';').filter(Boolean).map((kv) => kv.split('=')));
}

/** The sweep table's row for `width`: its cells' texts. */
async function sweepRow(page, width) {
  return page.evaluate((w) => [...document.querySelectorAll('#sweep-rows tr')]
    .map((tr) => [...tr.children].map((td) => td.textContent.trim()))
    .find((cells) => cells[0] === String(w)), width);
}

/** The tickets scene's 2x2 cells as numbers. */
async function ticketCells(page) {
  return page.evaluate(() => Object.fromEntries(['t-ww', 't-wl', 't-lw', 't-ll']
    .map((id) => [id.slice(2), Number(document.getElementById(id).textContent)])));
}

/** Checks the numbers page `n`'s claim quotes against what its scene shows. */
async function checkClaim(t, page, n) {
  const q = await claimNumbers(page);
  const text = await page.locator('#story-text').textContent();
  const d = await dataset(page);
  t.diagnostic(`page ${n}: ${JSON.stringify(q)}`);
  for (const [k, v] of Object.entries(q)) assert.ok(text.includes(v), `page ${n}: ${k}=${v} not in the text`);
  const signed = (x) => (Number(x) < 0 ? '-' : '+') + storySci(Math.abs(Number(x)));
  switch (n) {
    case 1:
      assert.equal(q.narrow_loss, storySci(d.compareNarrowLoss), 'narrow loss: text vs plot');
      assert.equal(q.wide_loss, storySci(d.compareWideLoss), 'wide loss: text vs plot');
      assert.equal(d.compareNarrow, 'failed');
      assert.equal(d.compareWide, 'success');
      break;
    case 2: {
      const row = await sweepRow(page, q.width);
      assert.ok(row, `no table row for width ${q.width}`);
      assert.equal(row[1], `${q.successes}/${q.runs}`, `width ${q.width}: text vs table`);
      assert.equal(row[2], q.rate, `width ${q.width} rate: text vs table`);
      assert.equal(row[6], q.lottery, `width ${q.width} lottery: text vs table`);
      break;
    }
    case 3: case 4: {
      const c = await ticketCells(page);
      assert.equal(Number(q.tickets), c.ww + c.wl + c.lw + c.ll, 'tickets: text vs table');
      assert.equal(Number(q.winning), c.ww + c.wl, 'winning tickets: text vs table');
      if (q.rescued !== undefined) assert.equal(Number(q.rescued), c.lw, 'rescued losing tickets: text vs table');
      if (q.losing !== undefined) assert.equal(Number(q.losing), c.lw + c.ll, 'losing tickets: text vs table');
      if (q.failed !== undefined) assert.equal(Number(q.failed), c.wl, 'failed winning tickets: text vs table');
      break;
    }
    case 5:
      assert.equal(q.loss, storySci(d.escapeStuckLoss), 'stuck loss: text vs plot');
      assert.equal(q.min_eigenvalue, signed(d.escapeMinEigBefore), 'smallest eigenvalue: text vs chart');
      break;
    case 6:
      assert.equal(q.negative, d.escapeNegativeAfter, 'negative eigenvalues: text vs chart');
      assert.equal(q.loss_after, storySci(d.escapeLoss), 'loss after: text vs curve');
      break;
    case 7:
      assert.equal(q.zero_negative, d.escapeNegativeAfter, 'negative eigenvalues: text vs chart');
      assert.equal(q.zero_loss_after, storySci(d.escapeLoss), 'loss after: text vs curve');
      break;
    default:
  }
}

describe('one truth: live views, tables and pictures agree', { timeout: 20 * 60_000 }, () => {
  test('tickets (neuron level, defaults): the live pair is the CSV row of its seed', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=tickets&speed=200' }, async (page) => {
      const seed = Number(new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).get('seed'));
      await focusAgreesWithTable(t, page, seed);
      await page.screenshot({ path: join(ARTIFACTS, 'truth-tickets-neuron.png') });
    });
  });

  test('tickets (weight level): the pruned ticket\'s live verdicts are the CSV row of its seed', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=tickets&gran=weight&width=6&seed=2&runs=3&speed=300&esteps=3000' }, async (page) => {
      const { status } = await focusAgreesWithTable(t, page, 2);
      assert.match(status, /weights kept after 2 rounds/);
      await page.screenshot({ path: join(ARTIFACTS, 'truth-tickets-weight.png') });
    });
  });

  test('escape: the status quotes the curve\'s last point; the slice shows the path going downhill, in frame', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=escape&case=1&speed=100' }, async (page) => {
      await waitBodyData(page, 'escapePhase', 'stuck', 60_000);
      await page.waitForTimeout(300);
      let d = await dataset(page);
      let status = await page.locator('#escape-status').textContent();
      assert.ok(status.includes(`loss ${Number(d.escapeLoss).toExponential(2).replace(/e([+-])0*(\d)/, (m, s, n) => `e${s === '-' ? '-' : ''}${n}`)}`),
        `stuck status does not quote the curve's last loss ${d.escapeLoss}: ${status}`);
      await page.screenshot({ path: join(ARTIFACTS, 'truth-escape-stuck.png') });
      await page.locator('#escape-add').click();
      await waitBodyData(page, 'escapePhase', 'escaped', 120_000);
      // The final slice, on the plane of the escape, arrives after the run ends.
      await page.waitForFunction(() => /escape/.test(document.getElementById('escape-slice-caption').textContent)
        && Number(document.body.dataset.escapeSliceEndLoss) < 1e-6, null, { timeout: 30_000, polling: 200 })
        .catch(() => {});
      await page.waitForTimeout(500);
      d = await dataset(page);
      status = await page.locator('#escape-status').textContent();
      t.diagnostic(`after: ${JSON.stringify(d)}; ${status}`);
      assert.ok(status.includes(`the loss is ${sci1(d.escapeLoss)}`), `status does not quote the curve's last loss ${sci1(d.escapeLoss)}: ${status}`);
      const start = Number(d.escapeSliceStartLoss);
      const end = Number(d.escapeSliceEndLoss);
      assert.ok(Number.isFinite(start) && Number.isFinite(end), `slice losses under the path: ${d.escapeSliceStartLoss}, ${d.escapeSliceEndLoss}`);
      assert.ok(end * 10 <= start, `the slice under the path's end (${end}) is not 10x below its start (${start})`);
      assert.equal(d.escapePathInside, '1', 'the escape path leaves the plotted square');
      await page.screenshot({ path: join(ARTIFACTS, 'truth-escape-escaped.png') });
    });
  });

  test('escape: a failed split can be followed by a zero-output neuron from the same stuck point', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=escape&case=4&emb=split&speed=200' }, async (page) => {
      await waitBodyData(page, 'escapePhase', 'stuck', 60_000);
      await page.locator('#escape-add').click();
      await waitBodyData(page, 'escapePhase', ['escaped', 'not-escaped'], 120_000);
      const first = (await dataset(page)).escapePhase;
      t.diagnostic(`split: ${first}; ${await page.locator('#escape-status').textContent()}`);
      await page.screenshot({ path: join(ARTIFACTS, 'truth-escape-split-case4.png') });
      const other = page.locator('#escape-other');
      await page.waitForFunction(() => !document.getElementById('escape-other').disabled, null, { timeout: 5000 });
      await other.click();
      // At speed 200 the second attempt can end before a poll sees "escaping": wait for
      // the zero-output attempt's own verdict instead of a transient phase.
      await page.waitForFunction(
        () => ['escaped', 'not-escaped'].includes(document.body.dataset.escapePhase)
          && /zero output weight/.test(document.getElementById('escape-status').textContent),
        null, { timeout: 120_000, polling: 100 });
      assert.equal(new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).get('emb'), 'zero', 'the URL follows the kind of neuron');
      const status = await page.locator('#escape-status').textContent();
      t.diagnostic(`zero-output: ${(await dataset(page)).escapePhase}; ${status}`);
      assert.match(status, /zero output weight/);
      await page.screenshot({ path: join(ARTIFACTS, 'truth-escape-zero-case4.png') });
    });
  });

  test('divergence is named in the escape and tickets scenes, never a minimum or a losing ticket', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=escape&opt=gd&lr=2&act=relu' }, async (page) => {
      await waitBodyData(page, 'escapePhase', 'diverged', 60_000);
      const status = await page.locator('#escape-status').textContent();
      t.diagnostic(`escape: ${status}`);
      assert.match(status, /diverged/);
      assert.doesNotMatch(status, /Stuck|minimum/);
      assert.ok(await page.locator('#escape-add').isDisabled(), 'Add a neuron offered after divergence');
    });
    await withPage(t, { hash: '#scene=tickets&opt=gd&lr=2&act=relu&runs=2' }, async (page) => {
      await page.locator('#tickets-run').click();
      await waitBodyData(page, 'ticketsState', 'done', 60_000);
      await page.waitForFunction(() => document.body.dataset.ticketsFocusEmbedded, null, { timeout: 60_000, polling: 200 });
      const status = await page.locator('#tickets-status').textContent();
      const table = await page.locator('#tickets-table-status').textContent();
      t.diagnostic(`tickets: ${status} / ${table}`);
      assert.match(status, /diverged/);
      assert.doesNotMatch(status, /loses/);
      assert.match(table, /diverged/);
      assert.equal(await bodyNumber(page, 'ticketsDone'), 2);
    });
  });

  test('story: every page\'s sentences quote what its scene shows; Next stops on the last page', { timeout: 480_000 }, async (t) => {
    await withPage(t, { hash: '#scene=story&page=1' }, async (page) => {
      const holds = () => page.waitForFunction(() => document.getElementById('story').dataset.holds === '1', null, { timeout: 150_000, polling: 250 });
      for (let n = 1; n <= 7; n++) {
        await page.waitForFunction((n) => document.getElementById('story-title').textContent.startsWith(`${n}.`), n, { timeout: 5000 });
        if (n === 7) {
          await page.waitForFunction(() => !document.getElementById('escape-other').disabled, null, { timeout: 120_000, polling: 250 });
          assert.match(await page.locator('#story-text').textContent(), /did not escape/);
          await page.screenshot({ path: join(ARTIFACTS, 'story-7-split.png') });
          await page.locator('#escape-other').click();
        }
        await holds();
        await page.waitForTimeout(400);
        await checkClaim(t, page, n);
        await page.screenshot({ path: join(ARTIFACTS, `story-${n}.png`) });
        if (n === 2) {
          // A presenter clicker sends PageDown, with the focus still on a button.
          await page.locator('#story-prev').focus();
          await page.keyboard.press('PageDown');
        } else if (n < 7) {
          await page.locator('#story-next').click();
        }
      }
      assert.ok(await page.locator('#story-next').isDisabled(), 'Next enabled on the last page');
      assert.ok(!(await page.locator('#story-prev').isDisabled()), 'Back disabled on the last page');
    });
  });

  test('story links: the same run loaded or set on an open page; keys in the link win, in any encoding', { timeout: TEST_TIMEOUT }, async (t) => {
    const loaded = {};
    for (const n of [1, 3]) {
      await withPage(t, { hash: `#scene=story&page=${n}` }, async (page) => {
        loaded[n] = await page.evaluate(() => location.hash);
      });
    }
    await withPage(t, { hash: '#scene=playground&width=7&plane=hessian' }, async (page) => {
      for (const n of [1, 3]) {
        await page.evaluate((n) => { location.hash = `scene=story&page=${n}`; }, n);
        await page.waitForFunction((n) => document.getElementById('story-title').textContent.startsWith(`${n}.`), n, { timeout: 5000 });
        await page.waitForTimeout(200);
        assert.equal(await page.evaluate(() => location.hash), loaded[n], `page ${n} set on an open page`);
      }
      await page.evaluate(() => { location.hash = 'scene=story&page=3&%72uns=3'; });
      await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('runs') === '3', null, { timeout: 5000 });
      const p = new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));
      assert.equal(p.get('alpha'), new URLSearchParams(loaded[3].slice(1)).get('alpha'), 'the preset still applies to the other keys');
    });
  });
});
