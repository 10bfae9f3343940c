// Where our wasm Adam step spends its time: a V8 sampling profile (Chrome DevTools Protocol)
// of `bench_adam(width, 20000)` in headless Chromium, self time by function.
//
// The release build strips function names; profile a build that keeps them:
//   CARGO_PROFILE_RELEASE_STRIP=false trunk build --release --offline=true --dist target/dist-profile
//   node bench/wasm_profile.mjs target/dist-profile 32
// (1 December 2026, width 8 / 32: 97% / 99% of the samples in Objective::evaluate, the loss and
// gradient kernel with tanh inlined; 1% in Optimizer::step; allocation under 0.5%.)
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
const REPO = fileURLToPath(new URL('../', import.meta.url));
const require = createRequire(join(REPO, 'tests/e2e/package.json'));
const { chromium } = require('playwright-core');
const { startServer } = await import(join(REPO, 'tests/e2e/server.mjs'));
const srv = await startServer({ root: process.argv[2], prefix: '/' });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
await page.goto(`${srv.url}embed.html`);
await page.evaluate(async () => { const m = await import('./escape-dims.js'); await m.default({ module_or_path: './escape-dims_bg.wasm' }); window.ed = m; });
const w = +(process.argv[3] || 32);
await page.evaluate((w) => { window.ed.bench_adam(w, 3000); }, w);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
await cdp.send('Profiler.start');
const ms = await page.evaluate((w) => window.ed.bench_adam(w, 20000)[0], w);
const { profile } = await cdp.send('Profiler.stop');
const self = new Map(); const byId = new Map(profile.nodes.map(n => [n.id, n]));
const counts = new Map(); for (const s of profile.samples) counts.set(s, (counts.get(s) || 0) + 1);
let total = 0; for (const [id, c] of counts) { const n = byId.get(id); const k = n.callFrame.functionName || n.callFrame.url; self.set(k, (self.get(k) || 0) + c); total += c; }
console.log(`step ${(ms*1000).toFixed(1)} us`);
for (const [k, c] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log((100 * c / total).toFixed(1).padStart(5), k.slice(0, 140));
await browser.close(); process.exit(0);
