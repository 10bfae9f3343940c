// Live slices and the 3-D view (scripts/bench.sh runs it after bench/run.mjs; not a test): the
// release build in headless Chromium, software WebGL (SwiftShader), merged into the results
// JSON:
//   - live_slices_per_s_default: slices finished per second while training at the defaults
//     (width 5, 51x51), and live_slices_per_s_w32_r101 at width 32 with 101x101;
//   - train_steps_per_s_{live,still}_{default,w32_r101}: training speed with live slices on and
//     off, at the default speed (20 steps a frame) and, suffix _max, at 500 steps a frame
//     (training then takes the whole frame); train_slowdown_* = 1 - live / still;
//   - live_long_tasks: main-thread tasks over 50 ms while training with live slices;
//   - surface_frame_median_ms: median frame while turning a 101x101 surface a step a frame.
// Usage: node bench/live.mjs OUT_JSON   (serves $BENCH_DIST, default dist/)
import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../tests/e2e/server.mjs';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(join(REPO, 'tests/e2e/package.json'));
const { chromium } = require('playwright-core');
const outPath = process.argv[2] ?? 'bench-results.json';
const TRAIN_MS = 4000;

const srv = await startServer({ root: process.env.BENCH_DIST || join(REPO, 'dist'), prefix: '/live/' });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage', '--enable-unsafe-swiftshader'],
});

/** Steps and slices per second over TRAIN_MS of training at `hash`, and long tasks. */
async function training(hash) {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.addInitScript(() => {
    window.__long = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(Math.round(e.duration)); })
      .observe({ type: 'longtask' });
  });
  // A threshold no run reaches: training goes on for the whole measurement.
  await page.goto(`${srv.url}${hash}&thr=1e-12&steps=200000`);
  await page.waitForSelector('body[data-ready="1"]', { state: 'attached' });
  await page.waitForFunction(() => document.body.dataset.sliceWorkers === 'ready' && document.body.dataset.slice === 'ready', null, { timeout: 60_000 });
  await page.click('#play');
  await page.waitForTimeout(500);
  const read = () => page.evaluate(() => ({
    step: Number(document.body.dataset.step),
    slices: Number(document.body.dataset.slicesDone),
    t: performance.now(),
    running: document.body.dataset.running,
  }));
  await page.evaluate(() => { window.__long = []; });
  const a = await read();
  await page.waitForTimeout(TRAIN_MS);
  const b = await read();
  const long = await page.evaluate(() => window.__long);
  await page.close();
  if (b.running !== '1') throw new Error(`${hash}: training stopped during the measurement`);
  const s = (b.t - a.t) / 1000;
  return { steps: (b.step - a.step) / s, slices: (b.slices - a.slices) / s, long };
}

const out = {};
const cases = { default: '#width=5', w32_r101: '#width=32&res=101' };
const longTasks = [];
for (const [name, hash] of Object.entries(cases)) {
  for (const [suffix, speed] of [['', 20], ['_max', 500]]) {
    const live = await training(`${hash}&speed=${speed}&live=1`);
    const still = await training(`${hash}&speed=${speed}&live=0`);
    longTasks.push(...live.long);
    if (!suffix) out[`live_slices_per_s_${name}`] = Number(live.slices.toFixed(1));
    else out[`live_slices_per_s_${name}${suffix}`] = Number(live.slices.toFixed(1));
    out[`train_steps_per_s_live_${name}${suffix}`] = Math.round(live.steps);
    out[`train_steps_per_s_still_${name}${suffix}`] = Math.round(still.steps);
    out[`train_slowdown_${name}${suffix}`] = Number((1 - live.steps / still.steps).toFixed(3));
    console.log(`live.mjs: ${name}${suffix}: ${live.slices.toFixed(1)} slices/s; ${Math.round(live.steps)} steps/s live, ${Math.round(still.steps)} still; long tasks ${JSON.stringify(live.long)}`);
  }
}
out.live_long_tasks = longTasks;

// The 3-D view: a keydown turns the surface each frame; frames are timed by requestAnimationFrame.
{
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(`${srv.url}#surface=1&res=101`);
  await page.waitForSelector('body[data-slice="ready"]', { state: 'attached', timeout: 60_000 });
  await page.waitForFunction(() => document.body.dataset.surface === '3d' && document.body.dataset.surfaceMs !== undefined);
  const r = await page.evaluate(async () => {
    const c = document.getElementById('slice-canvas-3d');
    const frames = [];
    let last = performance.now();
    for (let i = 0; i < 150; i++) {
      await new Promise((res) => requestAnimationFrame(res));
      const now = performance.now();
      frames.push(now - last);
      last = now;
      c.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    }
    const sorted = frames.slice(10).sort((x, y) => x - y);
    return { median: sorted[Math.floor(sorted.length / 2)], width: c.width, height: c.height };
  });
  await page.close();
  out.surface_frame_median_ms = Number(r.median.toFixed(1));
  out.surface_canvas = `${r.width}x${r.height}`;
  console.log(`live.mjs: 3-D view, ${r.width}x${r.height}: median frame ${r.median.toFixed(1)} ms while turning`);
}

await browser.close();
await srv.close();
const results = existsSync(outPath) ? JSON.parse(readFileSync(outPath, 'utf8')) : {};
Object.assign(results, out);
writeFileSync(outPath, `${JSON.stringify(results, null, 2)}\n`);
console.log(`live.mjs: merged ${Object.keys(out).length} keys into ${outPath}`);
