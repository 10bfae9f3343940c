// Prints the README's Performance tables from bench-results.json (after `bash scripts/bench.sh`):
// first every peer side by side on the same workloads (native, our wasm, JAX, plain JavaScript,
// TensorFlow.js), then the measures with their targets, the ratios and the agreement checks.
// Usage: node bench/table.mjs [bench-results.json]
import { readFileSync } from 'node:fs';

const d = JSON.parse(readFileSync(process.argv[2] || 'bench-results.json', 'utf8'));
const b = d.browser;
const n = d.native;
const j = d.jax;
const f = (x, k = 1) => (x === undefined || x === null || Number.isNaN(Number(x)) ? '—' : Number(x).toFixed(k));
const e = (x) => (x === undefined ? '—' : Number(x) === 0 ? '0' : Number(x).toExponential(0));
const us = (x) => (x === undefined ? '—' : `${f(x, 0)} µs`);
const ms = (x, k = 1) => (x === undefined ? '—' : `${f(x, k)} ms`);
const per = (key) => [8, 32, 64].map((w) => key(w));
const slash = (xs, fmt) => xs.map(fmt).join(' / ');

const peers = [
  ['Adam step, width 8', us(n.adam_step_w8_us), us(b.wasm_step_w8_ms * 1000), us(d.jax_step_w8_us), us(d.js_step_w8_us), '—', '—'],
  ['Adam step, width 32', us(n.adam_step_w32_us), us(b.wasm_step_w32_ms * 1000), us(d.jax_step_w32_us), us(d.js_step_w32_us), us(b.tfjs_cpu_step_w32_ms * 1000), us(b.tfjs_wasm_step_w32_ms * 1000)],
  ['Adam step, width 64', us(n.adam_step_w64_us), us(b.wasm_step_w64_ms * 1000), us(d.jax_step_w64_us), us(d.js_step_w64_us), '—', '—'],
  ['Hessian + eigen-decomposition, width 32', ms(n.hessian_eigen_w32_ms), ms(b.wasm_hessian_eigen_w32_ms), ms(d.jax_hessian_eigen_w32_ms), '—', '—', '—'],
  ['Hessian + eigen-decomposition, width 64', ms(n.hessian_eigen_w64_ms), ms(b.wasm_hessian_eigen_w64_ms), ms(d.jax_hessian_eigen_w64_ms), '—', '—', '—'],
  ['… the Hessian alone / its eigen-decomposition alone, width 32', n.hessian_w32_ms === undefined ? '—' : `${ms(n.hessian_w32_ms, 2)} / ${ms(n.hessian_eigen_w32_ms - n.hessian_w32_ms, 2)}`, '—', j?.jax_hessian_only_w32_ms === undefined ? '—' : `${ms(j.jax_hessian_only_w32_ms, 2)} / ${ms(j.jax_eigh_only_w32_ms, 2)}`, '—', '—', '—'],
  ['… the Hessian alone / its eigen-decomposition alone, width 64', n.hessian_w64_ms === undefined ? '—' : `${ms(n.hessian_w64_ms, 2)} / ${ms(n.hessian_eigen_w64_ms - n.hessian_w64_ms, 2)}`, '—', j?.jax_hessian_only_w64_ms === undefined ? '—' : `${ms(j.jax_hessian_only_w64_ms, 2)} / ${ms(j.jax_eigh_only_w64_ms, 2)}`, '—', '—', '—'],
  ['101×101 slice, width 32, one thread', `${ms(n.slice_101_w32_ms, 0)} exact, ${ms(n.slice_101_w32_fast_ms, 0)} fast 32-bit`, `${ms(b.slice_101_ms, 0)} fast 32-bit`, '—', '—', ms(b.tfjs_cpu_slice_101_ms, 0), ms(b.tfjs_wasm_slice_101_ms, 0)],
];
console.log('| workload | native (Rust) | our wasm | JAX (XLA, 1 core) | plain JS | TF.js cpu | TF.js wasm |');
console.log('|---|---|---|---|---|---|---|');
for (const r of peers) console.log(`| ${r.join(' | ')} |`);
console.log();

const c = b.checks;
const steps = j?.jax_reference_steps ?? 1000;
const rows = [
  ['`wasm_over_native_sse2_step` (width 32; our wasm, simd128, against the native SSE2 path: the same 128-bit vectors)', `**${f(d.wasm_over_native_sse2_step, 2)}**`, `≤ 1.5 ${d.wasm_over_native_sse2_step <= 1.5 ? '✓' : '✗'}`],
  ['`wasm_over_native_step` (width 32, against the AVX2 path natively)', `${f(d.wasm_over_native_step, 2)}`, ''],
  ...(n.adam_step_w32_sse2_us === undefined ? [] : [['Adam step, native on the SSE2 baseline path (128-bit vectors, as in wasm), width 8 / 32 / 64', slash(per((w) => n[`adam_step_w${w}_sse2_us`]), (x) => f(x, 0)) + ' µs', '']]),
  ['`jax_over_native_step`, width 8 / 32 / 64', slash(per((w) => d[`jax_over_native_step_w${w}`]), (x) => f(x, 2)), ''],
  ['`jax_over_native_hessian`, width 32 / 64', `${f(d.jax_over_native_hessian_w32, 2)} / ${f(d.jax_over_native_hessian_w64, 2)}`, ''],
  ['`js_over_wasm_step` (plain JS over our wasm, same page), width 8 / 32 / 64', slash(per((w) => d[`js_over_wasm_step_w${w}`]), (x) => f(x, 2)), ''],
  ['`tfjs_best_over_ours_step`', `**${f(d.tfjs_best_over_ours_step, 1)}×** (the faster TF.js backend over ours)`, `≥ 10× ${d.tfjs_best_over_ours_step >= 10 ? '✓' : '✗'}`],
  [`loss after ${steps} Adam steps, width 8 / 32 / 64, relative difference: JAX vs native; plain JS vs our wasm; our wasm vs native`,
    `${slash(per((w) => j?.checks[`jax_loss_after_rel_diff_w${w}`]), e)}; ${slash(per((w) => c[`js_loss_after_rel_diff_w${w}`]), e)}; ${slash(per((w) => c[`wasm_vs_native_loss_after_rel_diff_w${w}`]), e)}`, 'agree (≤ 1e-9)'],
  ['Hessian eigenvalues, JAX vs native, width 32 / 64 (largest difference over the largest magnitude)', `${e(j?.checks.jax_hessian_eigen_rel_diff_w32)} / ${e(j?.checks.jax_hessian_eigen_rel_diff_w64)}`, 'agree (≤ 1e-9)'],
  ['first loss, ours vs TF.js (relative difference; TF.js in 32-bit floats)', `${e(c.tfjs_cpu_first_loss_rel_diff)} (cpu), ${e(c.tfjs_wasm_first_loss_rel_diff)} (wasm)`, 'agree'],
  [`\`slice_101_ms\`: Step pressed → 101×101 slice at width 32 drawn, in the page (${b.browser_workers} slice workers; median of 7, the first ${f(b.slice_101_in_page_all_ms[0], 0)} ms)`, `**${f(d.slice_101_ms, 0)} ms**`, `≤ 250 ms ${d.slice_101_ms <= 250 ? '✓' : '✗'}`],
  ['the same while a sweep runs in the experiment workers (4 workers on 2 cores)', `${f(b.slice_101_during_sweep_ms, 0)} ms`, ''],
  ["the page's messages for that slice in workers (encode 26 jobs, decode their rows), native", `${f(n.slice_101_messages_ms, 1)} ms`, ''],
  ['`max_longtask_ms` after start-up, while slices and a sweep run', `**${b.max_longtask_ms}** (${b.max_startup_task_ms > 50 ? `start-up, before the page is ready: ${f(b.max_startup_task_ms, 0)} ms` : 'none at start-up either'})`, `≤ 50 ms ${d.max_longtask_ms <= 50 ? '✓' : '✗'}`],
  [`\`sweep_quick_s\` in the browser, ${b.browser_workers} workers / 1 worker (native, 2 threads: ${f(n.sweep_quick_s, 1)} s)`, `**${f(d.sweep_quick_s, 1)} s** / ${f(b.sweep_quick_one_worker_s, 1)} s (${f(b.sweep_speedup_all_workers, 2)}× with ${b.browser_workers} cores)`, `≤ 30 s ${d.sweep_quick_s <= 30 ? '✓' : '✗'}`],
  ['`gzip_kb` (all of `dist/`: the one wasm module of the page and its workers, glue, pages, styles)', `**${f(d.gzip_kb, 0)} KB**`, `≤ 450 KB ${d.gzip_kb <= 450 ? '✓' : '✗'}`],
  ['`first_render_ms` (localhost) / first slice drawn', `**${f(d.first_render_ms, 0)} ms** / ${f(b.first_slice_ms, 0)} ms`, `≤ 1.5 s ${d.first_render_ms <= 1500 ? '✓' : '✗'}`],
  ...(d.live_slices_per_s_default === undefined ? [] : [
    ['`live_slices_per_s` while training at 20 steps a frame: defaults (width 5, 51×51) / width 32, 101×101', `**${f(d.live_slices_per_s_default, 1)}** / **${f(d.live_slices_per_s_w32_r101, 1)}**`, `≥ 15 / ≥ 4 ${d.live_slices_per_s_default >= 15 && d.live_slices_per_s_w32_r101 >= 4 ? '✓' : '✗'}`],
    ['training speed with live slices, against without, at 20 steps a frame: defaults / width 32, 101×101 (`train_slowdown_*`)', `${f(100 * d.train_slowdown_default, 0)}% / ${f(100 * d.train_slowdown_w32_r101, 0)}% slower`, `≤ 20% ${Math.max(d.train_slowdown_default, d.train_slowdown_w32_r101) <= 0.2 ? '✓' : '✗'}`],
    ['the same at 500 steps a frame (training takes the whole frame; live slices then rest as long as they work): slices a second, slowdown', `${f(d.live_slices_per_s_default_max, 1)} / ${f(d.live_slices_per_s_w32_r101_max, 1)}; ${f(100 * d.train_slowdown_default_max, 0)}% / ${f(100 * d.train_slowdown_w32_r101_max, 0)}%`, ''],
    ['main-thread tasks over 50 ms while training with live slices', `**${d.live_long_tasks.length ? d.live_long_tasks.join(', ') + ' ms' : 'none'}**`, `none ${d.live_long_tasks.length ? '✗' : '✓'}`],
    [`\`surface_frame_median_ms\`: turning a 101×101 3-D surface a step a frame (${d.surface_canvas} canvas, SwiftShader)`, `**${f(d.surface_frame_median_ms, 1)} ms**`, `≤ 33 ms ${d.surface_frame_median_ms <= 33 ? '✓' : '✗'}`],
  ]),
];
console.log('| measure | value | target |\n|---|---|---|');
for (const [m, v, t] of rows) console.log(`| ${m} | ${v} | ${t} |`);
