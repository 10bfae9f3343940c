// End-to-end tests of the web worker's protocol and of the Hessian plane off the main thread.
//
// 1. In the page, a worker made the way the page makes its own (a module blob that imports the
//    page's escape-dims.js, or the single-file build's window.escapeDimsWorkerSource, sent the
//    page's compiled module, which it instantiates before start_worker) gets
//    malformed, oversized and out-of-range messages and a job that panics: each gets one short
//    error reply within a few seconds, and a valid small sweep job afterwards its result.
// 2. The playground at the heaviest Hessian settings (width 64, dim 8, N 2048: 641 parameters,
//    about 0.5 s of Hessian and eigen-decomposition) computes the Hessian in a slice worker:
//    no main-thread task over 50 ms while the slice says "Computing the Hessian…", at load and
//    after "Recompute slice here", and the slice completes.
//
//   E2E_DIST=/tmp/dist node --test tests/e2e/worker.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_TIMEOUT, bodyData, useBrowser, waitBodyData, withPage } from './harness.mjs';

useBrowser();

/** Longest error reply of the protocol (src/jobs/validate.rs MAX_ERROR_BYTES). */
const MAX_ERROR_BYTES = 160;
/** How long a refusal may take. */
const REPLY_TIMEOUT_MS = 5_000;
const LONG_TASK_MS = 50;
/**
 * The Hessian and eigen-decomposition of 641 parameters takes 400-570 ms in wasm (measured by
 * the second test, in a worker): a task half as long would be a sign of it on the main thread.
 * That is the bound at load (start-up's first frames, each plot drawn once with N = 2048, can
 * make tasks over 50 ms there: reported, not failed on) and for the tasks at a phase's ends
 * (the click that requests the slice; the task that takes the plane and sends the rows, which
 * another change makes cheaper). Inside the "Recompute" phases tasks stay under 50 ms.
 */
const HESSIAN_ON_MAIN_THREAD_MS = 250;

/** Creates a worker the way src/web/workers.rs does, in the page, and waits for "ready". */
async function startWorker(page) {
  await page.evaluate(async () => {
    const base = document.baseURI;
    const inline = window.escapeDimsWorkerSource;
    const source = inline ?? `import init, { start_worker } from ${JSON.stringify(new URL('escape-dims.js', base).href)};\n` +
      'self.onmessage = (e) => { self.onmessage = null; init({ module_or_path: e.data }).then(() => start_worker()); };';
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const worker = new Worker(url, { type: inline ? 'classic' : 'module' });
    // The page's compiled module, as src/web/workers.rs sends it.
    worker.postMessage(window.wasmBindings.wasm_module());
    const t = { worker, replies: [], errors: [], waiters: [] };
    worker.onmessage = (e) => {
      t.replies.push(e.data);
      for (const w of t.waiters.splice(0)) w();
    };
    worker.onerror = (e) => { t.errors.push(String(e.message)); };
    window.__testWorker = t;
    /** Posts `message` (made by `make`, evaluated in the page) and resolves with its reply. */
    window.__ask = (message, timeout) => new Promise((resolve) => {
      const seen = t.replies.length;
      const started = performance.now();
      const done = () => {
        if (t.replies.length > seen) {
          clearTimeout(timer);
          const reply = t.replies[seen];
          resolve({ ms: performance.now() - started, type: typeof reply, length: String(reply).length, head: String(reply).slice(0, 200) });
        } else {
          t.waiters.push(done);
        }
      };
      const timer = setTimeout(() => resolve({ ms: performance.now() - started, timeout: true }), timeout);
      t.waiters.push(done);
      worker.postMessage(message);
    });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the worker never said ready')), 20_000);
      t.waiters.push(function check() {
        if (t.replies.includes('ready')) { clearTimeout(timer); t.replies.length = 0; resolve(); } else t.waiters.push(check);
      });
    });
  });
}


function assertShortError(reply, what) {
  assert.ok(!reply.timeout, `${what}: no reply within ${REPLY_TIMEOUT_MS} ms`);
  assert.equal(reply.type, 'string', `${what}: reply is not text`);
  assert.ok(reply.head.startsWith('error;'), `${what}: not refused: ${reply.head}`);
  assert.ok(reply.length <= MAX_ERROR_BYTES, `${what}: reply of ${reply.length} characters: ${reply.head}`);
  assert.ok(reply.ms < REPLY_TIMEOUT_MS, `${what}: took ${reply.ms} ms`);
}

test('the worker refuses malformed, oversized and out-of-range jobs with short errors, survives a panic, then answers a valid job', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(t, { noErrors: true }, async (page) => {
    await startWorker(page);
    // The messages are made in the page (20 MB never cross the wire), without eval (the CSP).
    const replies = await page.evaluate(async (timeout) => {
      const cases = [
        ['a width of a million', () => 'sweep;1000000,1;esteps=100'],
        ['width 2^32-1', () => 'sweep;4294967295,1;'],
        ['a slice at width 100000, res 201', () => `slice;100000,201,0,1/1e0/${'0 '.repeat(50)}/0 0/0 0;`],
        ['a 20 MB string', () => 'x'.repeat(20_000_000)],
        ['a 20 MB sweep', () => `sweep;5,1;${'a'.repeat(20_000_000)}`],
        ['a 20 MB width', () => `sweep;${'9'.repeat(20_000_000)},1;`],
        ['not text', () => ({ job: 'sweep' })],
        ['an array buffer', () => new ArrayBuffer(16)],
        ['empty', () => ''],
        ['nonsense', () => 'nonsense'],
        ['an unknown kind', () => 'mine;1;'],
        ['a negative seed', () => 'sweep;5,-1;'],
        ['a NaN width', () => 'sweep;NaN,1;'],
        ['bad settings', () => 'sweep;5,1;samples=1000000'],
        ['a short plane', () => 'slice;5,11,0,1/1e0/1 2/1 2/1 2;'],
        ['a NaN plane', () => `slice;1,11,0,1/1e0/${'NaN '.repeat(5)}/${'0 '.repeat(5)}/${'0 '.repeat(5)};`],
        ['rows past the grid', () => `slice;1,11,0,12/1e0/${'0 '.repeat(5)}/${'0 '.repeat(5)}/${'0 '.repeat(5)};`],
        ['a short Hessian centre', () => 'hessian;5/1 2 3;'],
        ['a panic', () => 'panic;;'],
        ['a second panic', () => 'panic;;'],
      ];
      const out = [];
      for (const [what, make] of cases) out.push({ what, ...(await window.__ask(make(), timeout)) });
      return out;
    }, REPLY_TIMEOUT_MS);
    const seen = [];
    for (const reply of replies) {
      assertShortError(reply, reply.what);
      seen.push(`${reply.what}: ${reply.ms.toFixed(0)} ms, ${reply.length} chars: ${reply.head}`);
    }
    t.diagnostic(seen.join('\n'));
    assert.match(replies.at(-1).head, /panicked/, replies.at(-1).head);
    // A valid job afterwards: the smallest sweep run gets its result.
    const valid = await page.evaluate(() => window.__ask('sweep;4,2;esteps=100', 60_000));
    assert.ok(!valid.timeout, 'the valid job got no reply');
    assert.match(valid.head, /^sweep;4;2;[^;]+;[^;]+;[01];[01]$/, valid.head);
    const state = await page.evaluate(() => ({
      replies: window.__testWorker.replies.length,
      errors: window.__testWorker.errors,
    }));
    // One reply per message (a panic's trap does not add a second), and no crash reported.
    assert.equal(state.replies, replies.length + 1);
    assert.deepEqual(state.errors, []);
  });
});

test('the Hessian plane in wasm: time per parameter count (for the on-page limit)', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(t, {}, async (page) => {
    await startWorker(page);
    const lines = [];
    for (const [dim, width] of [[8, 12], [2, 32], [8, 14], [2, 40], [8, 16], [2, 48], [8, 20], [8, 64]]) {
      const params = width * (dim + 2) + 1;
      const times = [];
      for (let i = 0; i < 3; i++) {
        const reply = await page.evaluate(([d, w, p]) => {
          const centre = Array.from({ length: p }, (_, k) => (Math.sin(k * 0.37) * 0.5).toExponential());
          return window.__ask(`hessian;${w}/${centre.join(' ')};dim=${d}&samples=2048&width=${w}`, 60_000);
        }, [dim, width, params]);
        assert.ok(reply.head.startsWith('hessian;'), reply.head);
        times.push(reply.ms);
      }
      times.sort((a, b) => a - b);
      lines.push(`dim ${dim} width ${width} (${params} parameters), N 2048: ${times[1].toFixed(1)} ms in the worker (round trip, median of 3)`);
    }
    t.diagnostic(lines.join('\n'));
  });
});

/** Records long tasks and the times the slice caption starts and stops computing the Hessian. */
function recordHessianPhases() {
  window.__longTasks = [];
  window.__hessianPhases = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const watch = () => {
    const caption = document.getElementById('slice-caption');
    if (!caption) return void requestAnimationFrame(watch);
    let open = null;
    const check = () => {
      const computing = caption.textContent.includes('Computing the Hessian');
      if (computing && !open) {
        open = { start: performance.now(), end: null };
        window.__hessianPhases.push(open);
      } else if (!computing && open) {
        open.end = performance.now();
        open = null;
      }
    };
    check();
    new MutationObserver(check).observe(caption, { childList: true, characterData: true, subtree: true });
  };
  document.addEventListener('DOMContentLoaded', watch);
}

test('the heaviest Hessian plane is computed off the main thread, at load and on "Recompute slice"', { timeout: 300_000 }, async (t) => {
  await withPage(t, { hash: '#scene=playground&plane=hessian&width=64&dim=8&samples=2048', init: recordHessianPhases }, async (page) => {
    const readyAt = await page.evaluate(() => performance.now());
    await waitBodyData(page, 'slice', 'ready', 240_000);
    const load = await page.evaluate(() => ({ phases: window.__hessianPhases }));
    assert.ok(load.phases.length >= 1, 'the caption never said "Computing the Hessian…"');
    const caption = await page.locator('#slice-caption').textContent();
    assert.match(caption, /Smallest Hessian eigenvalue/, caption);
    assert.doesNotMatch(caption, /random plane/, caption);
    for (const n of [2, 3, 4]) {
      await page.click('#refresh-slice');
      await page.waitForFunction((k) => window.__hessianPhases.length >= k && window.__hessianPhases.at(-1).end !== null, n, { timeout: 60_000, polling: 50 });
      await waitBodyData(page, 'slice', 'ready', 240_000);
    }
    const after = await page.evaluate(() => ({ phases: window.__hessianPhases, tasks: window.__longTasks }));
    const report = [];
    const longestInside = [];
    for (const [i, phase] of after.phases.entries()) {
      // At load, the phase starts before data-ready (start-up tasks are not the Hessian's).
      const from = i === 0 ? Math.max(phase.start, readyAt) : phase.start;
      const to = phase.end ?? Infinity;
      // Tasks wholly inside the phase run while the worker computes the Hessian; the task that
      // ends the phase takes the plane and sends the rows (and a click's task starts it):
      // those are reported apart.
      const overlapping = after.tasks.filter((x) => x.start + x.duration > from && x.start < to);
      const inside = overlapping.filter((x) => x.start >= from && x.start + x.duration <= to);
      const edges = overlapping.filter((x) => !inside.includes(x));
      const longest = Math.max(0, ...inside.map((x) => x.duration));
      const list = (xs) => xs.map((x) => `${x.start.toFixed(0)}+${x.duration.toFixed(0)}`).join(', ') || '-';
      report.push(`phase ${i} ("Computing the Hessian…", ${phase.start.toFixed(0)}-${to.toFixed(0)} ms, data-ready at ${readyAt.toFixed(0)}): ` +
        `long tasks inside ${list(inside)}; at its ends ${list(edges)}`);
      longestInside.push(longest);
      assert.ok(longest < HESSIAN_ON_MAIN_THREAD_MS, `a ${longest.toFixed(0)} ms task while the Hessian was computed (phase ${i})\n${report.join('\n')}`);
      assert.ok(edges.every((x) => x.duration < HESSIAN_ON_MAIN_THREAD_MS), `a Hessian-long task at the ends of phase ${i}: ${list(edges)}`);
    }
    // The three "Recompute" phases: on a loaded machine (2 cores shared with builds) a frame
    // can now and then stretch past 50 ms of wall-clock time, so the median phase is judged.
    const recomputes = longestInside.slice(1).sort((a, b) => a - b);
    assert.equal(recomputes.length, 3);
    assert.ok(recomputes[1] <= LONG_TASK_MS, `long tasks while the Hessian was computed: ${recomputes.join(', ')} ms\n${report.join('\n')}`);
    const later = after.tasks.filter((x) => x.start > readyAt);
    report.push(`all long tasks after data-ready (rows, drawing): ${later.length}, longest ${Math.max(0, ...later.map((x) => x.duration)).toFixed(0)} ms`);
    t.diagnostic(report.join('\n'));
    assert.equal(await bodyData(page, 'sliceWhere'), 'workers');
  });
});

/** A worker script that fails as it loads (the page then computes on the page). */
const refuseWorkers = () => Object.defineProperty(window, 'escapeDimsWorkerSource', {
  value: 'throw new Error("this worker is refused");',
  writable: false,
});

test('without workers, a small Hessian plane is computed on the page and a large one falls back to the random plane with a note', { timeout: 300_000 }, async (t) => {
  await withPage(t, { hash: '#scene=playground&plane=hessian', init: refuseWorkers, noErrors: true }, async (page) => {
    await waitBodyData(page, 'slice', 'ready', 60_000);
    const caption = await page.locator('#slice-caption').textContent();
    t.diagnostic(`width 5: ${caption}`);
    assert.match(caption, /Smallest Hessian eigenvalue/, caption);
    assert.equal(await bodyData(page, 'sliceWorkers'), 'none');
    assert.equal(await bodyData(page, 'sliceWhere'), 'page');
  });
  await withPage(t, { hash: '#scene=playground&plane=hessian&width=64&dim=8&samples=256&res=21', init: refuseWorkers, noErrors: true }, async (page) => {
    await waitBodyData(page, 'slice', 'ready', 120_000);
    const caption = await page.locator('#slice-caption').textContent();
    t.diagnostic(`width 64, dim 8: ${caption}`);
    assert.match(caption, /Without web workers the Hessian plane is offered up to \d+ parameters \(this student has 641\)/, caption);
    assert.doesNotMatch(caption, /Smallest Hessian eigenvalue/, caption);
  });
});

test('an error reply of a worker is shown as a notice and the sweep carries on', { timeout: TEST_TIMEOUT }, async (t) => {
  // Workers that load and then refuse every job, as a worker refuses a job it should never get.
  const refusingWorkers = () => Object.defineProperty(window, 'escapeDimsWorkerSource', {
    value: 'postMessage("ready"); onmessage = function () { postMessage("error;a refusal made by the test"); };',
    writable: false,
  });
  await withPage(t, { hash: '#scene=sweep&runs=2&widths=3,4', init: refusingWorkers, noErrors: true }, async (page) => {
    await page.click('#sweep-run');
    await waitBodyData(page, 'sweepState', 'done', 30_000);
    const notice = await page.locator('#notice-text').textContent();
    t.diagnostic(notice);
    assert.ok(await page.locator('#notice').isVisible(), 'the notice bar is hidden');
    assert.match(notice, /4 background jobs failed; the last: a refusal made by the test/);
    assert.equal(await bodyData(page, 'experimentsWhere'), 'workers');
  });
});
