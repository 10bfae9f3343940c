// End-to-end tests of the explorer's scenes (width sweep, tickets, escape, story), embed mode
// and the exports, run with node's own test runner:
//
//   node --test tests/e2e/scenes.test.mjs    (or node --test tests/e2e/*.test.mjs)
//
// Serves the release build (dist/, or $E2E_DIST) with tests/e2e/server.mjs under a sub-path
// (default /escape-dims/, or $E2E_PREFIX) and drives Chromium ($CHROMIUM, default
// /usr/bin/chromium) through playwright-core. Screenshots of every scene go to artifacts/e2e/
// (scene-<name>.png at 1366x768, embed-<name>-960x540.png), plus one per failing test.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ARTIFACTS, HD, LAPTOP, SLIDE, TEST_TIMEOUT, READY_TIMEOUT, bodyNumber, dataset, useBrowser,
  waitBodyNumberAtLeast, withPage as openPage, waitBodyData, clickDownload,
  bodyData,
} from './harness.mjs';

const SCENES = ['playground', 'sweep', 'tickets', 'escape', 'compare', 'minima'];
// The scenes with a button in the navigation bar (compare is the story's first page).
const NAV_SCENES = ['playground', 'sweep', 'tickets', 'escape', 'minima'];
// The canvases that carry each scene.
const SCENE_CANVASES = {
  playground: ['slice-canvas', 'loss-canvas', 'fit-canvas'],
  sweep: ['sweep-canvas', 'hist-canvas'],
  tickets: ['tickets-diagram', 'tickets-loss'],
  escape: ['escape-slice', 'escape-spectrum', 'escape-loss'],
  compare: ['compare-fit-narrow', 'compare-fit-wide', 'compare-loss'],
  minima: ['minima-census', 'minima-shares'],
};
// Small, quick settings for each scene (the sweep finishes in ~10 s with these).
const SCENE_HASH = {
  playground: 'scene=playground',
  sweep: 'scene=sweep&runs=4&widths=3,4,8',
  tickets: 'scene=tickets&alpha=16&seed=2&runs=6',
  escape: 'scene=escape&case=1',
  compare: 'scene=compare',
  minima: 'scene=minima&widths=3,4&runs=6',
  story: 'scene=story&page=1',
};

useBrowser();

/** Every scene test also checks that no console or page error was reported. */
const withPage = (t, options, body) => openPage(t, { ...options, noErrors: true }, body);

const hashParams = (page) => new URLSearchParams(new URL(page.url()).hash.slice(1));

/** Pixel statistics of a 2d canvas: distinct colours, luminance spread and a hash. */
function canvasStats(page, id) {
  return page.evaluate((id) => {
    const canvas = document.getElementById(id);
    if (!canvas) return { error: `#${id} is missing` };
    const ctx = canvas.getContext('2d');
    if (!ctx) return { error: `no 2d context on #${id}` };
    const { width, height } = canvas;
    if (!width || !height) return { error: `#${id} is ${width}x${height}` };
    const data = ctx.getImageData(0, 0, width, height).data;
    const colours = new Set();
    let sum = 0;
    let sumSq = 0;
    let hash = 0x811c9dc5;
    for (let i = 0; i < data.length; i += 4) {
      colours.add(((data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3]) >>> 0);
      const lum = 0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2];
      sum += lum;
      sumSq += lum * lum;
    }
    for (let i = 0; i < data.length; i++) hash = Math.imul(hash ^ data[i], 0x01000193) >>> 0;
    const n = width * height;
    const mean = sum / n;
    return { id, width, height, distinct: colours.size, std: Math.sqrt(Math.max(0, sumSq / n - mean * mean)), hash };
  }, id);
}

async function assertCanvasNonBlank(t, page, id, label = '') {
  const s = await canvasStats(page, id);
  assert.ok(!s.error, `${label}${s.error}`);
  t.diagnostic(`${label}#${id} ${s.width}x${s.height}: ${s.distinct} colours, luminance std ${s.std.toFixed(1)}`);
  assert.ok(s.distinct > 20 || s.std > 5, `${label}#${id} looks blank: ${s.distinct} colours, luminance std ${s.std.toFixed(1)}`);
  return s;
}

async function tableCells(page) {
  return page.evaluate(() =>
    Object.fromEntries(['t-ww', 't-wl', 't-lw', 't-ll'].map((id) => [id, document.getElementById(id)?.textContent.trim()])),
  );
}

async function screenshot(t, page, file) {
  await page.screenshot({ path: join(ARTIFACTS, file) });
  t.diagnostic(`saved artifacts/e2e/${file}`);
}

// ---------------------------------------------------------------------------------------
// tests

describe('Escape Dimensions Explorer scenes', { timeout: 15 * 60_000 }, () => {
  test('nav buttons switch scenes and the URL hash follows', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, {}, async (page) => {
      assert.equal(await bodyData(page, 'scene'), 'playground', 'default scene');
      assert.equal(await bodyData(page, 'embed'), '0');
      assert.ok(await page.locator('header.top').isVisible(), 'header hidden outside embed mode');
      for (const scene of ['sweep', 'tickets', 'escape', 'minima', 'playground', 'story']) {
        await page.locator(`button[data-goto="${scene}"]`).click();
        await page.waitForFunction(
          (s) => new URLSearchParams(location.hash.slice(1)).get('scene') === s,
          scene,
          { timeout: 5000, polling: 100 },
        );
        const expected = scene === 'story' ? 'compare' : scene; // story page 1 compares a narrow and a wide student
        await waitBodyData(page, 'scene', expected, 5000);
        assert.equal(
          await page.getAttribute(`button[data-goto="${scene}"]`, 'aria-current'),
          'page',
          `nav button ${scene} not marked current`,
        );
        assert.equal(await page.locator('#story').isVisible(), scene === 'story', `#story visibility on ${scene}`);
        for (const id of SCENE_CANVASES[expected]) {
          assert.ok(await page.locator(`#${id}`).isVisible(), `#${id} not visible on scene ${scene}`);
        }
        for (const other of SCENES.filter((s) => s !== expected)) {
          for (const id of SCENE_CANVASES[other]) {
            assert.equal(await page.locator(`#${id}`).isVisible(), false, `#${id} visible on scene ${scene}`);
          }
        }
      }
      assert.equal(hashParams(page).get('page'), '1');
    });
  });

  test('sweep: runs in workers, fills the table and charts, progress 0 -> 1, CSV', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: `#${SCENE_HASH.sweep}` }, async (page) => {
      assert.equal(await bodyData(page, 'scene'), 'sweep');
      await page.waitForTimeout(300); // a few frames
      // Checked at the end, so that one wrong attribute does not hide the rest of the run.
      const stateBefore = await bodyData(page, 'sweepState');
      assert.equal(Number(await page.getAttribute('#sweep-progress', 'value')), 0, 'progress before the run');
      await page.locator('#sweep-run').click();
      await waitBodyData(page, 'sweepState', ['running', 'done'], 5000);
      assert.equal(await bodyNumber(page, 'sweepTotal'), 12, '3 widths x 4 runs');

      const started = Date.now();
      const progress = [];
      for (;;) {
        const [value, ds] = await Promise.all([page.getAttribute('#sweep-progress', 'value'), dataset(page)]);
        progress.push(Number(value));
        if (ds.sweepState === 'done') break;
        assert.equal(ds.sweepState, 'running', `unexpected sweep state ${ds.sweepState}`);
        assert.ok(Date.now() - started < 120_000, `sweep not done after 120 s (${ds.sweepDone}/${ds.sweepTotal})`);
        await page.waitForTimeout(250);
      }
      await page.waitForTimeout(300); // let the final frame draw
      const finalProgress = Number(await page.getAttribute('#sweep-progress', 'value'));
      progress.push(finalProgress);
      t.diagnostic(`sweep took ${((Date.now() - started) / 1000).toFixed(1)} s; progress ${progress.join(' ')}`);
      assert.ok(progress.every((p, i) => Number.isFinite(p) && (i === 0 || p >= progress[i - 1])), `progress not monotone: ${progress.join(',')}`);
      assert.equal(finalProgress, 1, 'progress at the end');
      assert.equal(await bodyNumber(page, 'sweepDone'), 12);

      const status = (await page.locator('#sweep-status').textContent()).trim();
      t.diagnostic(`status: ${status}`);
      assert.match(status, /12/, `#sweep-status does not mention 12 runs: ${status}`);

      const rows = await page.$$eval('#sweep-rows tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
      t.diagnostic(`rows: ${JSON.stringify(rows)}`);
      assert.equal(rows.length, 3, 'one row per width');
      assert.deepEqual(rows.map((r) => r[0]), ['3', '4', '8'], 'widths in the first column');
      for (const r of rows) {
        const m = /^(\d+)\/(\d+)$/.exec(r[1]);
        assert.ok(m, `successes cell ${JSON.stringify(r[1])} is not k/n`);
        assert.equal(Number(m[2]), 4, `runs per width in ${r[1]}`);
        assert.ok(Number(m[1]) <= 4, `more successes than runs: ${r[1]}`);
      }

      for (const id of SCENE_CANVASES.sweep) await assertCanvasNonBlank(t, page, id);
      await screenshot(t, page, 'scene-sweep.png');

      const download = await clickDownload(page, page.locator('#sweep-csv'));
      assert.equal(download.suggestedFilename(), 'width_sweep.csv');
      const csv = await readFile(await download.path(), 'utf8');
      const lines = csv.trim().split(/\r?\n/);
      t.diagnostic(`CSV: ${lines.length} lines; header: ${lines[0]}`);
      assert.ok(lines.length >= 4, `CSV has ${lines.length} lines, want a header and 3 widths:\n${csv}`);
      assert.ok(lines.slice(1).every((l) => l.split(',').length === lines[0].split(',').length), 'ragged CSV');

      assert.equal(stateBefore, 'idle', 'body data-sweep-state before any run');
    });
  });

  test('sweep: cancel stops a long sweep', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=sweep&runs=40&widths=3,4,8' }, async (page) => {
      await page.locator('#sweep-run').click();
      await page.waitForFunction(
        () => document.body.dataset.sweepState === 'running' && Number(document.body.dataset.sweepDone) >= 1,
        null,
        { timeout: 90_000, polling: 100 },
      );
      await page.locator('#sweep-cancel').click();
      await waitBodyData(page, 'sweepState', 'cancelled', 5000);
      await page.waitForTimeout(300);
      const doneAtCancel = await bodyNumber(page, 'sweepDone');
      const total = await bodyNumber(page, 'sweepTotal');
      assert.ok(doneAtCancel < total, `sweep finished (${doneAtCancel}/${total}) before it could be cancelled`);
      await page.waitForTimeout(2000);
      assert.equal(await bodyNumber(page, 'sweepDone'), doneAtCancel, 'data-sweep-done still increasing after cancel');
      assert.equal(await bodyData(page, 'sweepState'), 'cancelled');
      const status = (await page.locator('#sweep-status').textContent()).trim();
      t.diagnostic(`cancelled at ${doneAtCancel}/${total}: ${status}`);
      assert.match(status, /cancel/i);
    });
  });

  test('tickets: the focus ticket wins alone and loses embedded; the 2x2 table fills; CSV', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: `#${SCENE_HASH.tickets}` }, async (page) => {
      assert.equal(await bodyData(page, 'scene'), 'tickets');
      await page.locator('#tickets-run').click();
      await waitBodyData(page, 'ticketsState', ['running', 'done'], 5000);
      const started = Date.now();
      await waitBodyData(page, 'ticketsState', 'done', 150_000);
      t.diagnostic(`table took ${((Date.now() - started) / 1000).toFixed(1)} s`);
      await page.waitForTimeout(300);
      const done = await bodyNumber(page, 'ticketsDone');
      assert.equal(done, 6, 'tickets done (runs=6)');
      const cells = await tableCells(page);
      t.diagnostic(`2x2: ${JSON.stringify(cells)}`);
      for (const [id, v] of Object.entries(cells)) assert.match(v, /^\d+$/, `#${id} = ${JSON.stringify(v)}`);
      const sum = Object.values(cells).reduce((a, v) => a + Number(v), 0);
      assert.equal(sum, done, 'the 2x2 cells sum to the finished tickets');

      await page.waitForFunction(
        () => {
          const s = document.getElementById('tickets-status').textContent;
          return /\bwins\b/.test(s) && /\bloses\b/.test(s);
        },
        null,
        { timeout: 60_000, polling: 200 },
      ).catch(async (err) => {
        throw new Error(`#tickets-status: ${JSON.stringify(await page.locator('#tickets-status').textContent())}\n${err.message}`);
      });
      const status = (await page.locator('#tickets-status').textContent()).trim();
      t.diagnostic(`status: ${status}`);
      assert.ok(status.indexOf('wins') < status.indexOf('loses'), `alone should win, embedded lose: ${status}`);

      for (const id of SCENE_CANVASES.tickets) await assertCanvasNonBlank(t, page, id);
      await screenshot(t, page, 'scene-tickets.png');

      const download = await clickDownload(page, page.locator('#tickets-csv'));
      assert.match(download.suggestedFilename(), /\.csv$/);
      const lines = (await readFile(await download.path(), 'utf8')).trim().split(/\r?\n/);
      assert.equal(lines.length, 1 + done, `tickets CSV: a header and one line per ticket, got ${lines.length}`);
    });
  });

  test('tickets: cancel stops the table', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: '#scene=tickets&alpha=16&seed=2&runs=60' }, async (page) => {
      await page.locator('#tickets-run').click();
      await waitBodyData(page, 'ticketsState', 'running', 5000);
      await page.locator('#tickets-cancel').click();
      await waitBodyData(page, 'ticketsState', 'cancelled', 5000);
      await page.waitForTimeout(300);
      const done = await bodyNumber(page, 'ticketsDone');
      await page.waitForTimeout(1500);
      assert.equal(await bodyNumber(page, 'ticketsDone'), done, 'data-tickets-done still increasing after cancel');
      const cells = await tableCells(page);
      assert.equal(Object.values(cells).reduce((a, v) => a + Number(v), 0), done, `2x2 ${JSON.stringify(cells)} vs ${done} done`);
      t.diagnostic(`cancelled after ${done} tickets`);
    });
  });

  test('escape: a stuck student escapes after adding a neuron', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: `#${SCENE_HASH.escape}` }, async (page) => {
      assert.equal(await bodyData(page, 'scene'), 'escape');
      const add = page.locator('#escape-add');
      const started = Date.now();
      await waitBodyData(page, 'escapePhase', 'stuck', 60_000);
      t.diagnostic(`stuck after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const stuckLoss = await bodyNumber(page, 'escapeStuckLoss');
      const eigBefore = await bodyNumber(page, 'escapeMinEigBefore');
      t.diagnostic(`stuck loss ${stuckLoss}, min eigenvalue before ${eigBefore}`);
      assert.ok(stuckLoss > 0.03 && stuckLoss < 0.055, `stuck loss ${stuckLoss} not about 4.1e-2`);
      assert.ok(eigBefore > 0, `min eigenvalue before ${eigBefore} should be > 0 (a minimum)`);
      await page.waitForFunction(() => !document.getElementById('escape-add').disabled, null, { timeout: 5000 });
      assert.equal(await bodyData(page, 'escapeMinEigAfter'), null, 'min-eig-after set before adding');

      await page.waitForTimeout(500);
      for (const id of SCENE_CANVASES.escape) await assertCanvasNonBlank(t, page, id, 'stuck: ');
      const spectrumBefore = await canvasStats(page, 'escape-spectrum');
      await screenshot(t, page, 'scene-escape-stuck.png');

      await add.click();
      await page.waitForFunction(() => document.body.dataset.escapeMinEigAfter !== undefined, null, { timeout: 30_000, polling: 100 });
      const eigAfter = await bodyNumber(page, 'escapeMinEigAfter');
      t.diagnostic(`min eigenvalue after ${eigAfter}`);
      assert.ok(eigAfter < 0, `min eigenvalue after adding a neuron ${eigAfter} should be < 0 (a saddle)`);
      assert.ok(await add.isDisabled(), '#escape-add still enabled after adding');
      await waitBodyData(page, 'escapePhase', ['escaping', 'escaped'], 30_000);

      const addedAt = Date.now();
      await waitBodyData(page, 'escapePhase', 'escaped', 120_000);
      t.diagnostic(`escaped ${((Date.now() - addedAt) / 1000).toFixed(1)} s after adding`);
      await page.waitForTimeout(300);
      const loss = await bodyNumber(page, 'escapeLoss');
      t.diagnostic(`loss ${loss} (stuck ${stuckLoss})`);
      assert.ok(loss < stuckLoss, `loss ${loss} not below the stuck loss ${stuckLoss}`);
      assert.match(await page.locator('#escape-status').textContent(), /Escaped/);

      const spectrumAfter = await canvasStats(page, 'escape-spectrum');
      assert.notEqual(spectrumAfter.hash, spectrumBefore.hash, '#escape-spectrum pixels unchanged after adding a neuron');
      for (const id of SCENE_CANVASES.escape) await assertCanvasNonBlank(t, page, id, 'escaped: ');
      await screenshot(t, page, 'scene-escape.png');
    });
  });

  test('story: buttons and arrow keys turn pages; page 2 runs a sweep by itself', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, { hash: `#${SCENE_HASH.story}` }, async (page) => {
      const story = page.locator('#story');
      const title = page.locator('#story-title');
      assert.ok(await story.isVisible(), '#story not visible');
      assert.match((await title.textContent()).trim(), /^1\./);
      assert.ok(SCENES.includes(await bodyData(page, 'scene')));
      await page.waitForTimeout(500);
      await screenshot(t, page, 'scene-story.png');

      const expectPage = async (n, how) => {
        await page.waitForFunction(
          (n) => new URLSearchParams(location.hash.slice(1)).get('page') === String(n) &&
            document.getElementById('story-title').textContent.trim().startsWith(`${n}.`),
          n,
          { timeout: 5000, polling: 100 },
        ).catch(async (err) => {
          throw new Error(`after ${how}: hash ${new URL(page.url()).hash}, title ${JSON.stringify(await title.textContent())}\n${err.message}`);
        });
        assert.equal(hashParams(page).get('scene'), 'story', `scene in the hash after ${how}`);
      };
      const blurAndPress = async (key) => {
        await page.evaluate(() => document.activeElement?.blur());
        await page.keyboard.press(key);
      };

      await page.locator('#story-next').click();
      await expectPage(2, '#story-next');
      await waitBodyData(page, 'scene', 'sweep', 5000);
      await waitBodyData(page, 'sweepState', ['running', 'done'], 10_000);
      await waitBodyNumberAtLeast(page, 'sweepTotal', 1, 5000);
      t.diagnostic(`page 2 started a sweep of ${await bodyData(page, 'sweepTotal')} runs`);
      assert.ok(await story.isVisible(), '#story hidden on page 2');

      await page.locator('#story-prev').click();
      await expectPage(1, '#story-prev');
      await blurAndPress('ArrowRight');
      await expectPage(2, 'ArrowRight');
      await blurAndPress('ArrowRight');
      await expectPage(3, 'ArrowRight');
      await waitBodyData(page, 'scene', 'tickets', 5000);
      await blurAndPress('ArrowLeft');
      await expectPage(2, 'ArrowLeft');
      await blurAndPress('ArrowLeft');
      await expectPage(1, 'ArrowLeft');
      await blurAndPress('ArrowLeft');
      await page.waitForTimeout(300);
      await expectPage(1, 'ArrowLeft on page 1');

      // Arrow keys pressed in a form control do not turn pages.
      const input = page.locator('#controls input:visible').first();
      await input.focus();
      await page.keyboard.press('ArrowRight');
      await page.waitForTimeout(300);
      await expectPage(1, 'ArrowRight in an input');
    });
  });

  for (const viewport of [SLIDE, HD]) {
    const size = `${viewport.width}x${viewport.height}`;
    test(`embed mode at ${size}: no header, no scrollbars, non-blank canvases in every scene`, { timeout: TEST_TIMEOUT }, async (t) => {
      // Every scene is checked; the failures are reported together at the end.
      const failures = [];
      for (const scene of [...SCENES, 'story']) {
        const sub = { name: `${t.name} ${scene}` };
        await withPage(sub, { hash: `#${SCENE_HASH[scene]}&embed=1`, viewport }, async (page) => {
          const check = (ok, message) => {
            if (!ok) failures.push(`${scene}: ${message}`);
          };
          check(await bodyData(page, 'embed') === '1', 'data-embed is not "1"');
          check(!(await page.locator('header.top').isVisible()), 'header.top visible in embed mode');
          const shown = await bodyData(page, 'scene');
          if (scene !== 'story') assert.equal(shown, scene);
          else check(await page.locator('#story').isVisible(), '#story panel not visible');
          // Give the scene time to draw (the escape scene trains for a few seconds first).
          if (shown === 'escape') await waitBodyData(page, 'escapePhase', ['stuck', 'not-stuck'], 60_000);
          await page.waitForTimeout(800);
          const m = await page.evaluate(() => ({
            scrollHeight: document.documentElement.scrollHeight,
            scrollWidth: document.documentElement.scrollWidth,
            innerHeight: window.innerHeight,
            innerWidth: window.innerWidth,
          }));
          t.diagnostic(`${scene}: scroll ${m.scrollWidth}x${m.scrollHeight} in ${m.innerWidth}x${m.innerHeight}`);
          if (viewport === SLIDE) await screenshot(t, page, `embed-${scene}-${size}.png`);
          check(m.scrollHeight <= m.innerHeight + 1, `page is ${m.scrollHeight}px high in a ${m.innerHeight}px viewport`);
          check(m.scrollWidth <= m.innerWidth + 1, `page is ${m.scrollWidth}px wide in a ${m.innerWidth}px viewport`);
          for (const id of SCENE_CANVASES[shown]) {
            check(await page.locator(`#${id}`).isVisible(), `#${id} not visible`);
            const st = await canvasStats(page, id);
            if (st.error) {
              check(false, st.error);
              continue;
            }
            t.diagnostic(`${scene}: #${id} ${st.width}x${st.height}: ${st.distinct} colours, luminance std ${st.std.toFixed(1)}`);
            check(st.distinct > 20 || st.std > 5, `#${id} (${st.width}x${st.height}) looks blank: ${st.distinct} colours, luminance std ${st.std.toFixed(1)}`);
          }
        }).catch((err) => failures.push(`${scene}: ${err.message}`));
      }
      assert.deepEqual(failures, [], `embed mode at ${size}:\n${failures.join('\n')}`);
    });
  }

  test('exports: every PNG button downloads a PNG, and "Copy link" records the URL', { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, {}, async (page) => {
      const all = await page.$$eval('button[data-png]', (bs) => bs.map((b) => b.dataset.png));
      const saved = new Set();
      for (const scene of SCENES) {
        if (NAV_SCENES.includes(scene)) await page.locator(`button[data-goto="${scene}"]`).click();
        else await page.evaluate((s) => { location.hash = `scene=${s}`; }, scene);
        await waitBodyData(page, 'scene', scene, 5000);
        await page.waitForTimeout(scene === 'playground' ? 300 : 1000);
        if (scene === 'playground') await screenshot(t, page, 'scene-playground.png');
        const buttons = page.locator('button[data-png]:visible');
        const n = await buttons.count();
        assert.ok(n >= 1, `no visible PNG buttons on ${scene}`);
        for (let i = 0; i < n; i++) {
          const button = buttons.nth(i);
          const id = await button.getAttribute('data-png');
          const download = await clickDownload(page, button);
          const name = download.suggestedFilename();
          assert.match(name, /\.png$/, `PNG button for #${id} saved ${name}`);
          const bytes = await readFile(await download.path());
          assert.ok(bytes.length > 100 && bytes.subarray(1, 4).toString() === 'PNG', `#${id}: ${name} is not a PNG (${bytes.length} bytes)`);
          saved.add(id);
        }
        // Copy link, on this scene.
        await page.locator('#share').click();
        // The copy is confirmed asynchronously (the clipboard's promise): wait for this scene's URL.
        await page.waitForFunction(() => document.body.dataset.copiedUrl === location.href, null, { timeout: 5000 });
        assert.equal(await bodyData(page, 'copiedUrl'), page.url(), `${scene}: data-copied-url`);
        assert.match(page.url(), new RegExp(`scene=${scene}`));
      }
      t.diagnostic(`PNGs saved: ${[...saved].join(', ')}`);
      assert.deepEqual([...saved].sort(), [...all].sort(), 'some PNG buttons were never clicked');
    });
  });
});
