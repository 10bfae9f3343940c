// Prints the README's Performance table from bench-results.json (after `bash scripts/bench.sh`).
// Usage: node bench/table.mjs [bench-results.json]
import { readFileSync } from 'node:fs';

const d = JSON.parse(readFileSync(process.argv[2] || 'bench-results.json', 'utf8'));
const b = d.browser;
const n = d.native;
const f = (x, k = 1) => Number(x).toFixed(k);
const e = (x) => Number(x).toExponential(0);
const rows = [
  ['Adam step, width 8 / 32 / 64, native', `${f(n.adam_step_w8_us, 0)} / ${f(n.adam_step_w32_us, 0)} / ${f(n.adam_step_w64_us, 0)} µs`, ''],
  ['Adam step, width 8 / 32 / 64, our wasm (median of 5 × 1000 steps after warm-up)', `${f(b.wasm_step_w8_ms * 1000, 0)} / ${f(b.wasm_step_w32_ms * 1000, 0)} / ${f(b.wasm_step_w64_ms * 1000, 0)} µs`, ''],
  ['`wasm_over_native_step` (width 32)', `**${f(d.wasm_over_native_step, 2)}**`, `≤ 1.5 ${d.wasm_over_native_step <= 1.5 ? '✓' : '✗'}`],
  ['TensorFlow.js step, width 32, `optimizer.minimize` with Adam (32-bit floats; ours are 64-bit): cpu / wasm backend', `${f(b.tfjs_cpu_step_w32_ms, 2)} / ${f(b.tfjs_wasm_step_w32_ms, 2)} ms`, ''],
  ['`tfjs_best_over_ours_step`', `**${f(d.tfjs_best_over_ours_step, 1)}×** (the faster TF.js backend over ours)`, `≥ 10× ${d.tfjs_best_over_ours_step >= 10 ? '✓' : '✗'}`],
  ['first loss, ours vs TF.js (relative difference)', `${e(b.checks.tfjs_cpu_first_loss_rel_diff)} (cpu), ${e(b.checks.tfjs_wasm_first_loss_rel_diff)} (wasm)`, 'agree'],
  [`\`slice_101_ms\`: Step pressed → 101×101 slice at width 32 drawn, in the page (${b.browser_workers} slice workers; median of 7, the first ${f(b.slice_101_in_page_all_ms[0], 0)} ms)`, `**${f(d.slice_101_ms, 0)} ms**`, `≤ 250 ms ${d.slice_101_ms <= 250 ? '✓' : '✗'}`],
  ['the same while a sweep runs in the experiment workers (4 workers on 2 cores)', `${f(b.slice_101_during_sweep_ms, 0)} ms`, ''],
  ['the same slice in one thread of our wasm / TF.js wasm / TF.js cpu', `${f(b.slice_101_ms, 0)} / ${f(b.tfjs_wasm_slice_101_ms, 0)} / ${f(b.tfjs_cpu_slice_101_ms, 0)} ms`, ''],
  ['101×101 slice, native, exact 64-bit / fast 32-bit path', `${f(n.slice_101_w32_ms, 0)} / ${f(n.slice_101_w32_fast_ms, 0)} ms`, ''],
  ["the page's messages for that slice in workers (encode 26 jobs, decode their rows), native", `${f(n.slice_101_messages_ms, 1)} ms`, ''],
  ['`max_longtask_ms` after start-up, while slices and a sweep run', `**${b.max_longtask_ms}** (${b.max_startup_task_ms > 50 ? `start-up, before the page is ready: ${f(b.max_startup_task_ms, 0)} ms` : 'none at start-up either'})`, `≤ 50 ms ${d.max_longtask_ms <= 50 ? '✓' : '✗'}`],
  [`\`sweep_quick_s\` in the browser, ${b.browser_workers} workers / 1 worker (native, 2 threads: ${f(n.sweep_quick_s, 1)} s)`, `**${f(d.sweep_quick_s, 1)} s** / ${f(b.sweep_quick_one_worker_s, 1)} s (${f(b.sweep_speedup_all_workers, 2)}× with ${b.browser_workers} cores)`, `≤ 30 s ${d.sweep_quick_s <= 30 ? '✓' : '✗'}`],
  ['`gzip_kb` (page, worker, styles, all of `dist/`)', `**${f(d.gzip_kb, 0)} KB**`, `≤ 400 KB ${d.gzip_kb <= 400 ? '✓' : '✗'}`],
  ['`first_render_ms` (localhost) / first slice drawn', `**${f(d.first_render_ms, 0)} ms** / ${f(b.first_slice_ms, 0)} ms`, `≤ 1.5 s ${d.first_render_ms <= 1500 ? '✓' : '✗'}`],
  ['Hessian + eigen-decomposition, width 32 / 64, native / our wasm', `${f(n.hessian_eigen_w32_ms, 1)} / ${f(n.hessian_eigen_w64_ms, 1)} ms; ${f(b.wasm_hessian_eigen_w32_ms, 1)} / ${f(b.wasm_hessian_eigen_w64_ms, 1)} ms (wasm/native ${f(b.wasm_hessian_eigen_w32_ms / n.hessian_eigen_w32_ms, 2)} at width 32)`, ''],
];
console.log('| measure | value | target |\n|---|---|---|');
for (const [m, v, t] of rows) console.log(`| ${m} | ${v} | ${t} |`);
