// Takes screenshots of the built explorer (dist/) for a person to look at.
// Usage: node scripts/screenshot.mjs [hash] [out-prefix]   (writes OUT-laptop.png and OUT-slide.png)
// Run from the repository root after `trunk build --release --offline=true`.
import { createRequire } from 'node:module';
import { startServer } from '../tests/e2e/server.mjs';

const require = createRequire(new URL('../tests/e2e/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const hash = process.argv[2] ?? '';
const out = process.argv[3] ?? 'artifacts/screenshot';
const trainMs = Number(process.env.TRAIN_MS ?? 4000);
const srv = await startServer({ root: 'dist', prefix: '/explorer/' });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
});
try {
  for (const [name, width, height] of [['laptop', 1366, 768], ['slide', 960, 540]]) {
    const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(`[${m.type()}] ${m.text()}`); });
    page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
    await page.goto(srv.url + hash);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
    if (trainMs > 0) {
      await page.click('#play');
      await page.waitForTimeout(trainMs);
      if ((await page.getAttribute('body', 'data-running')) === '1') await page.click('#play');
    }
    await page.waitForSelector('body[data-slice="ready"]', { timeout: 30000 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}-${name}.png` });
    console.log(`${out}-${name}.png step=${await page.getAttribute('body', 'data-step')} loss=${await page.getAttribute('body', 'data-loss')}`);
    await page.close();
  }
} finally {
  await browser.close();
  await srv.close();
}
