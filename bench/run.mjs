// Browser half of the benchmark (scripts/bench.sh runs it after the native benchmark and the
// release build). Serves the build ($BENCH_DIST, default dist/) with TensorFlow.js copied into
// its tfjs/, then in headless Chromium:
//   1. bench.html: our wasm (Adam step at widths 8/32/64, Hessian with eigen-decomposition at
//      widths 32/64, 101x101 slice at width 32), the same Adam step in plain JavaScript (typed
//      arrays) at widths 8/32/64, and the same step and slice in TensorFlow.js (cpu and wasm
//      backends), all from the same data and initial weights, checking that the losses agree;
//   2. the explorer: time to first render and first slice; the time from pressing Step to a
//      drawn 101x101 slice at width 32 (computed by the slice workers), alone and while a sweep
//      runs in the experiment workers; the quick width sweep; and the longest main-thread task
//      (PerformanceObserver) through all of it;
//   3. the quick sweep again with the browser reporting one core, for the scaling;
// and writes bench-results.json with the ratios, next to the native figures and those of JAX
// (bench/jax_bench.py, run before on the same data and initial weights).
//
// Usage: node bench/run.mjs NATIVE_JSON OUT_JSON [JAX_JSON]
import { createRequire } from 'node:module';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../tests/e2e/server.mjs';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const DIST = process.env.BENCH_DIST || join(REPO, 'dist');
const require = createRequire(join(REPO, 'tests/e2e/package.json'));
const { chromium } = require('playwright-core');
const [nativePath, outPath, jaxPath] = process.argv.slice(2);
const native = JSON.parse(readFileSync(nativePath, 'utf8'));
const jax = jaxPath ? JSON.parse(readFileSync(jaxPath, 'utf8')) : null;

// Transfer size of the release build (gzip), before TensorFlow.js is added for the benchmark.
let gzipBytes = 0;
for (const f of readdirSync(DIST)) {
  const p = join(DIST, f);
  if (statSync(p).isFile() && f !== 'bench.html' && f !== 'escape-dims-offline.html') gzipBytes += gzipSync(readFileSync(p), { level: 9 }).length;
}

const tfjs = join(REPO, 'bench/node_modules/@tensorflow');
mkdirSync(join(DIST, 'tfjs'), { recursive: true });
copyFileSync(join(tfjs, 'tfjs/dist/tf.min.js'), join(DIST, 'tfjs/tf.min.js'));
for (const f of readdirSync(join(tfjs, 'tfjs-backend-wasm/dist'))) {
  if (f === 'tf-backend-wasm.min.js' || f.endsWith('.wasm')) {
    copyFileSync(join(tfjs, 'tfjs-backend-wasm/dist', f), join(DIST, 'tfjs', f));
  }
}

const srv = await startServer({ root: DIST, prefix: '/' });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
});
const out = {};
const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
try {
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.error(`[bench.html] ${m.text()}`); });
  await page.goto(`${srv.url}bench.html`);
  await page.waitForFunction(() => document.body.dataset.done !== '0', null, { timeout: 600_000 });
  const browserResults = await page.evaluate(() => window.benchResults);
  await page.close();
  if (browserResults.error) throw new Error(`bench.html: ${browserResults.error}`);
  Object.assign(out, browserResults);

  // The explorer itself: first render, then long tasks while a slice and a sweep run.
  const ex = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await ex.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await ex.goto(`${srv.url}index.html#width=32&res=101&plane=random`);
  await ex.waitForSelector('body[data-ready="1"]', { state: 'attached', timeout: 60_000 });
  out.first_render_ms = await ex.evaluate(() => performance.now());
  await ex.waitForSelector('body[data-slice="ready"]', { state: 'attached', timeout: 120_000 });
  out.first_slice_ms = await ex.evaluate(() => performance.now());
  // What a visitor waits for: press Step, the page computes a fresh 101x101 slice (in the
  // slice workers) and draws it. Milliseconds from the click to the drawn slice.
  const sliceAfterStep = () => ex.evaluate(async () => {
    let sawComputing = false;
    const t0 = performance.now();
    const done = new Promise((resolve) => {
      const obs = new MutationObserver(() => {
        const s = document.body.dataset.slice;
        if (s === 'computing') sawComputing = true;
        if (s === 'ready' && sawComputing) { obs.disconnect(); resolve(performance.now() - t0); }
      });
      obs.observe(document.body, { attributes: true, attributeFilter: ['data-slice'] });
    });
    document.getElementById('step').click();
    return done;
  });
  const sliceTimes = [];
  for (let i = 0; i < 7; i++) sliceTimes.push(await sliceAfterStep());
  out.slice_101_in_page_ms = median(sliceTimes);
  out.slice_101_in_page_all_ms = sliceTimes;
  out.slice_computed_in = await ex.evaluate(() => document.body.dataset.sliceWhere);
  // Slices while a sweep runs in the other workers: start the sweep, come back, step.
  await ex.click('button[data-goto="sweep"]');
  await ex.fill('#widths', '3,4,5,6,8');
  await ex.dispatchEvent('#widths', 'change');
  await ex.fill('#runs', '8');
  await ex.dispatchEvent('#runs', 'change');
  await ex.click('#sweep-run');
  await ex.click('button[data-goto="playground"]');
  const busyTimes = [];
  for (let i = 0; i < 3; i++) busyTimes.push(await sliceAfterStep());
  out.slice_101_during_sweep_ms = median(busyTimes);
  await ex.click('button[data-goto="sweep"]');
  await ex.waitForSelector('body[data-sweep-state="done"]', { state: 'attached', timeout: 900_000 });
  // The quick sweep alone, timed.
  const sweepStart = Date.now();
  await ex.click('#sweep-run');
  await ex.waitForFunction(() => document.body.dataset.sweepState === 'running', null, { timeout: 10_000 })
    .catch(() => {});
  await ex.waitForSelector('body[data-sweep-state="done"]', { state: 'attached', timeout: 900_000 });
  out.sweep_quick_s = (Date.now() - sweepStart) / 1000;
  out.browser_workers = await ex.evaluate(() => navigator.hardwareConcurrency);
  const tasks = await ex.evaluate(() => window.__longtasks);
  // Tasks before the page was ready are start-up (compiling wasm); the target is about work.
  const ready = out.first_render_ms;
  out.max_longtask_ms = Math.max(0, ...tasks.filter((t) => t.start >= ready).map((t) => t.duration));
  out.max_startup_task_ms = Math.max(0, ...tasks.filter((t) => t.start < ready).map((t) => t.duration));
  await ex.close();

  // Scaling: the same quick sweep with the browser reporting one core (one worker).
  const one = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await one.addInitScript(() => Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => 1 }));
  await one.goto(`${srv.url}index.html#scene=sweep&widths=3,4,5,6,8&runs=8`);
  await one.waitForSelector('body[data-ready="1"]', { state: 'attached', timeout: 60_000 });
  const oneStart = Date.now();
  await one.click('#sweep-run');
  await one.waitForSelector('body[data-sweep-state="done"]', { state: 'attached', timeout: 900_000 });
  out.sweep_quick_one_worker_s = (Date.now() - oneStart) / 1000;
  out.sweep_speedup_all_workers = out.sweep_quick_one_worker_s / out.sweep_quick_s;
  await one.close();
} finally {
  await browser.close();
  await srv.close();
}

const tfBest = Math.min(out.tfjs_cpu_step_w32_ms ?? Infinity, out.tfjs_wasm_step_w32_ms ?? Infinity);
// The peers side by side: JAX (one core, 64-bit) against native, plain JavaScript against our
// wasm in the same page; and our wasm's losses against the native ones JAX was checked with.
const peers = {};
for (const w of [8, 32, 64]) {
  peers[`js_step_w${w}_us`] = out[`js_step_w${w}_ms`] * 1000;
  peers[`js_over_wasm_step_w${w}`] = out[`js_step_w${w}_ms`] / out[`wasm_step_w${w}_ms`];
}
if (jax) {
  for (const w of [8, 32, 64]) {
    peers[`jax_step_w${w}_us`] = jax[`jax_step_w${w}_us`];
    peers[`jax_over_native_step_w${w}`] = jax[`jax_step_w${w}_us`] / native[`adam_step_w${w}_us`];
    const ref = jax.checks[`native_loss_after_w${w}`];
    out.checks[`wasm_vs_native_loss_after_rel_diff_w${w}`] = Math.abs(out.checks[`ours_loss_after_w${w}`] - ref) / ref;
    if (!(out.checks[`wasm_vs_native_loss_after_rel_diff_w${w}`] <= 1e-9)) {
      throw new Error(`our wasm's loss after the Adam steps at width ${w} disagrees with the native one: ${out.checks[`ours_loss_after_w${w}`]} vs ${ref}`);
    }
  }
  for (const w of [32, 64]) {
    peers[`jax_hessian_eigen_w${w}_ms`] = jax[`jax_hessian_eigen_w${w}_ms`];
    peers[`jax_over_native_hessian_w${w}`] = jax[`jax_hessian_eigen_w${w}_ms`] / native[`hessian_eigen_w${w}_ms`];
  }
}
const results = {
  wasm_over_native_step: out.wasm_step_w32_ms / (native.adam_step_w32_us / 1000),
  // The same SIMD width: wasm's 128-bit simd128 against the native SSE2 path (the AVX2 path
  // has 256-bit vectors, which wasm does not).
  wasm_over_native_sse2_step: native.adam_step_w32_sse2_us === undefined ? undefined
    : out.wasm_step_w32_ms / (native.adam_step_w32_sse2_us / 1000),
  tfjs_best_over_ours_step: tfBest / out.wasm_step_w32_ms,
  ...peers,
  slice_101_ms: out.slice_101_in_page_ms,
  slice_101_single_thread_ms: out.slice_101_ms,
  max_longtask_ms: out.max_longtask_ms,
  sweep_quick_s: out.sweep_quick_s,
  gzip_kb: gzipBytes / 1024,
  first_render_ms: out.first_render_ms,
  native,
  browser: out,
  ...(jax ? { jax } : {}),
  machine: {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? 'unknown',
    memory_gib: Math.round(totalmem() / 2 ** 30),
    // The machine may be shared: its 1-minute load average just before bench.sh started.
    load_average_1m_before: process.env.BENCH_LOAD_BEFORE ? Number(process.env.BENCH_LOAD_BEFORE) : null,
    chromium: (await import('node:child_process')).execSync('/usr/bin/chromium --version').toString().trim(),
  },
  date: new Date().toISOString(),
};
writeFileSync(outPath, `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
