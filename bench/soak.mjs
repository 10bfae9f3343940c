// Soak benchmark (scripts/bench.sh runs it after bench/run.mjs; not a test): the release build
// in headless Chromium for SOAK_MINUTES (default 5) of training in the playground, then as many
// of back-to-back quick sweeps. Every 20 s it samples the page's JS heap (CDP
// Runtime.getHeapUsage) and the resident memory of the renderer processes (ps), and reports
// the growth per minute of each (least-squares slope), merged into the results JSON as "soak".
//
// Usage: node bench/soak.mjs OUT_JSON   (serves $BENCH_DIST, default dist/)
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../tests/e2e/server.mjs';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(join(REPO, 'tests/e2e/package.json'));
const { chromium } = require('playwright-core');
const outPath = process.argv[2] ?? 'bench-results.json';
const minutes = Number(process.env.SOAK_MINUTES ?? 5);
const SAMPLE_MS = 20_000;
/** An unknown switch Chromium ignores: it names our browser process in `ps`. */
const MARKER = `--escape-dims-soak=${process.pid}`;

/** Resident memory of the renderer processes of our browser (the one started with MARKER), in MiB. */
function rendererMiB() {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' })
    .split('\n').filter(Boolean).map((l) => {
      const [pid, ppid, rss, ...args] = l.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), rss: Number(rss), args: args.join(' ') };
    });
  const ours = new Set(rows.filter((r) => r.args.includes(MARKER)).map((r) => r.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const r of rows) if (ours.has(r.ppid) && !ours.has(r.pid)) { ours.add(r.pid); grew = true; }
  }
  return rows.filter((r) => ours.has(r.pid) && r.args.includes('--type=renderer'))
    .reduce((sum, r) => sum + r.rss / 1024, 0);
}

/** Least-squares slope of `ys` against `xs`. */
function slope(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0; let den = 0;
  for (let i = 0; i < n; i++) { num += (xs[i] - mx) * (ys[i] - my); den += (xs[i] - mx) ** 2; }
  return den > 0 ? num / den : 0;
}

const srv = await startServer({ root: process.env.BENCH_DIST || join(REPO, 'dist'), prefix: '/soak/' });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage', MARKER],
});
const soak = {};
try {
  for (const phase of ['training', 'sweeps']) {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const hash = phase === 'training' ? '#scene=playground&steps=200000' : '#scene=sweep&runs=4&widths=3,4,8&esteps=1000';
    await page.goto(srv.url + hash);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 30_000 });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Runtime.enable');
    const heapMiB = async () => (await cdp.send('Runtime.getHeapUsage')).usedSize / 2 ** 20;
    if (phase === 'training') await page.click('#play');
    const t0 = Date.now();
    const xs = []; const heap = []; const rss = [];
    let sweeps = 0;
    let nextSample = 0;
    while (Date.now() - t0 < minutes * 60_000) {
      if (phase === 'sweeps') {
        const state = await page.getAttribute('body', 'data-sweep-state');
        if (state !== 'running') { await page.click('#sweep-run'); sweeps++; }
      } else if ((await page.getAttribute('body', 'data-running')) !== '1') {
        // The step limit was reached: start over and train on.
        await page.click('#reset');
        await page.click('#play');
      }
      if (Date.now() - t0 >= nextSample) {
        await cdp.send('HeapProfiler.collectGarbage').catch(() => {});
        xs.push((Date.now() - t0) / 60_000);
        heap.push(await heapMiB());
        rss.push(rendererMiB());
        nextSample += SAMPLE_MS;
      }
      await page.waitForTimeout(250);
    }
    soak[phase] = {
      minutes,
      heap_mib_start: heap[0],
      heap_mib_end: heap[heap.length - 1],
      heap_growth_mib_per_min: slope(xs, heap),
      renderer_rss_mib_start: rss[0],
      renderer_rss_mib_end: rss[rss.length - 1],
      renderer_rss_growth_mib_per_min: slope(xs, rss),
      ...(phase === 'sweeps' ? { sweeps } : { steps: Number(await page.getAttribute('body', 'data-step')) }),
    };
    console.log(`soak ${phase}: ${JSON.stringify(soak[phase])}`);
    await page.close();
  }
} finally {
  await browser.close();
  await srv.close();
}
const results = existsSync(outPath) ? JSON.parse(readFileSync(outPath, 'utf8')) : {};
results.soak = soak;
writeFileSync(outPath, `${JSON.stringify(results, null, 2)}\n`);
console.log(`soak: wrote ${outPath}`);
