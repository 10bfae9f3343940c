//! Native benchmarks of the hot paths (run with `cargo bench --bench hot_paths`): the Adam
//! step and the Hessian (on the dispatched SIMD path and on the SSE2 baseline), slices (exact
//! and fast) and the page's messages for a slice in workers, the Hessian with its
//! eigen-decomposition, the quick sweep.
//!
//! A plain harness (no extra dependency): each workload runs repeatedly for about a second and
//! the median time per run is printed, together with the figures as JSON on the last line.
//!
//! It also writes the reference the peers of `scripts/bench.sh` start from and check against
//! (`$BENCH_DATA_JSON`, default `target/bench-data.json`): the task's inputs and targets, the
//! Adam settings, and per width the initial student (seed 1), the loss there and after
//! [`REFERENCE_STEPS`] Adam steps, and at widths 32 and 64 the Hessian's eigenvalues at the init.

use escape_dims::core::fast_slice::PlaneEvaluator;
use escape_dims::core::network::Network;
use escape_dims::core::objective::Objective;
use escape_dims::core::optim::{Optimizer, OptimizerConfig};
use escape_dims::core::plane::Plane;
use escape_dims::core::rng::{SeededRng, Stream};
use escape_dims::core::simd::Simd;
use escape_dims::core::slice::Slice;
use escape_dims::core::spectrum::Spectrum;
use escape_dims::core::task::{Task, TaskConfig};
use escape_dims::jobs::{self, Job, JobResult, SliceRows};
use escape_dims::settings::Settings;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Adam steps from the init after which the peers' losses are compared with ours.
const REFERENCE_STEPS: usize = 1000;

/// Numbers as a JSON array; `{:?}` prints the shortest decimal that reads back to the same bits.
fn json_array(xs: &[f64]) -> String {
    let items: Vec<String> = xs.iter().map(|x| format!("{x:?}")).collect();
    format!("[{}]", items.join(", "))
}

/// The reference for the peers (JAX, plain JavaScript) as JSON: the same data, initial weights
/// and optimiser settings as the timed workloads, and our results to agree with.
fn reference_json(task: &Task) -> String {
    assert!(task.inputs.is_standard_layout(), "inputs are row-major");
    let adam = OptimizerConfig::default();
    let mut out = String::new();
    let _ = write!(
        out,
        "{{\"input_dim\": {}, \"samples\": {}, \"activation\": \"{}\", \"loss\": \"mean squared error\", \
         \"layout\": \"w (width x input_dim, row-major) | b (width) | a (width) | c\", \
         \"adam\": {{\"learning_rate\": {:?}, \"beta1\": {:?}, \"beta2\": {:?}, \"epsilon\": {:?}}}, \
         \"steps\": {REFERENCE_STEPS}, \"inputs\": {}, \"targets\": {}, \"widths\": {{",
        task.config.input_dim,
        task.len(),
        task.config.activation.name(),
        adam.learning_rate,
        adam.beta1,
        adam.beta2,
        adam.epsilon,
        json_array(task.inputs.as_slice().unwrap_or(&[])),
        json_array(&task.targets),
    );
    for (i, width) in [8usize, 32, 64].into_iter().enumerate() {
        let obj = Objective::new(task, width);
        let init = student(task, width).params;
        let mut params = init.clone();
        let mut grad = vec![0.0; params.len()];
        let mut opt = Optimizer::new(adam, params.len());
        for _ in 0..REFERENCE_STEPS {
            obj.loss_and_gradient(&params, &mut grad);
            opt.step(&mut params, &grad);
        }
        let _ = write!(
            out,
            "{}\"{width}\": {{\"init\": {}, \"loss_init\": {:?}, \"loss_after\": {:?}",
            if i > 0 { ", " } else { "" },
            json_array(&init),
            obj.loss(&init),
            obj.loss(&params),
        );
        if width >= 32 {
            let values = Spectrum::of_symmetric(&obj.hessian(&init)).values;
            let _ = write!(out, ", \"hessian_eigenvalues\": {}", json_array(&values));
        }
        out.push('}');
    }
    out.push_str("}}\n");
    out
}

/// Median seconds per call of `f`, over repeats filling about `budget`.
fn median_seconds(budget: Duration, mut f: impl FnMut()) -> f64 {
    f();
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < 5 || (start.elapsed() < budget && times.len() < 10_000) {
        let t = Instant::now();
        f();
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn student(task: &Task, width: usize) -> Network {
    let shape = escape_dims::core::network::Shape::new(task.config.input_dim, width);
    Network::student_init(
        shape,
        task.config.activation,
        &mut SeededRng::new(1, Stream::Student),
    )
}

fn main() {
    let task = Task::generate(TaskConfig::default());
    let reference = std::env::var("BENCH_DATA_JSON").unwrap_or("target/bench-data.json".into());
    if let Some(dir) = std::path::Path::new(&reference).parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    std::fs::write(&reference, reference_json(&task))
        .unwrap_or_else(|e| panic!("cannot write {reference}: {e}"));
    let budget = Duration::from_millis(1000);
    let mut results = Vec::new();
    // The Adam step on the dispatched SIMD path (`adam_step_w*_us`, AVX2 where the CPU has it
    // unless ESCAPE_DIMS_SIMD=sse2) and on the baseline SSE2 path (`adam_step_w*_sse2_us`), each
    // from the same initial student (both paths take bit-identical steps).
    let dispatched = Simd::detected();
    println!("dispatched SIMD path: {}", dispatched.name());
    for width in [8usize, 32, 64] {
        let obj = Objective::new(&task, width);
        for (simd, suffix) in [(dispatched, ""), (Simd::Baseline, "_sse2")] {
            let mut params = student(&task, width).params;
            let mut grad = vec![0.0; params.len()];
            let mut opt = Optimizer::new(OptimizerConfig::default(), params.len());
            let s = median_seconds(budget, || {
                obj.loss_and_gradient_on(simd, black_box(&params), &mut grad);
                opt.step(&mut params, &grad);
            });
            results.push((format!("adam_step_w{width}{suffix}_us"), s * 1e6));
        }
    }
    let obj = Objective::new(&task, 32);
    let net = student(&task, 32);
    let plane = Plane::random(net.shape, &net.params, 1, false);
    let s = median_seconds(budget, || {
        let mut slice = Slice::new(plane.clone(), 101, 1.0);
        slice.compute_all(&obj);
        black_box(slice.values[0]);
    });
    results.push(("slice_101_w32_ms".into(), s * 1e3));
    let s = median_seconds(budget, || {
        let mut slice = Slice::new(plane.clone(), 101, 1.0).fast();
        slice.compute_all(&obj);
        black_box(slice.values[0]);
    });
    results.push(("slice_101_w32_fast_ms".into(), s * 1e3));
    // The fast evaluator alone over the same 101x101 grid, on both SIMD paths.
    let coords: Vec<f64> = (0..101).map(|i| -1.0 + 0.02 * i as f64).collect();
    for (simd, suffix) in [(dispatched, ""), (Simd::Baseline, "_sse2")] {
        let s = median_seconds(budget, || {
            let fast = PlaneEvaluator::new(&obj, &plane).expect("a fast path");
            let mut row = vec![0.0; coords.len()];
            for &b in &coords {
                fast.row_losses_on(simd, b, &coords, &mut row);
                black_box(row[0]);
            }
        });
        results.push((format!("slice_101_w32_fast_eval{suffix}_ms"), s * 1e3));
    }
    // The page's share of a slice in workers: encoding the jobs of a 101x101 slice (4 rows
    // each, as the page sizes them at width 32) and decoding the rows that come back.
    let settings = Settings {
        width: 32,
        ..Settings::default()
    };
    let rows: Vec<f64> = (0..4 * 101).map(|i| 1.0 + i as f64 * 1e-3).collect();
    let s = median_seconds(budget, || {
        for first in (0..101).step_by(4) {
            let job = Job::SliceRows(SliceRows {
                width: 32,
                resolution: 101,
                extent: 1.0,
                first,
                end: (first + 4).min(101),
                plane: plane.clone(),
            });
            black_box(jobs::encode_job(&settings, &job));
            let reply = jobs::encode_result(&JobResult::SliceRows {
                first,
                values: rows.clone(),
            });
            black_box(jobs::decode_result(&reply).is_ok());
        }
    });
    results.push(("slice_101_messages_ms".into(), s * 1e3));
    for width in [32usize, 64] {
        let obj = Objective::new(&task, width);
        let net = student(&task, width);
        let s = median_seconds(budget, || {
            black_box(Spectrum::of_symmetric(&obj.hessian(&net.params)).values[0]);
        });
        results.push((format!("hessian_eigen_w{width}_ms"), s * 1e3));
        // The Hessian alone, on both paths (the rest of the figure above is the eigensolver).
        for (simd, suffix) in [(dispatched, ""), (Simd::Baseline, "_sse2")] {
            let s = median_seconds(budget, || {
                black_box(obj.hessian_on(simd, &net.params)[[0, 0]]);
            });
            results.push((format!("hessian_w{width}{suffix}_ms"), s * 1e3));
        }
    }
    // The quick width sweep of the browser benchmark: widths 3-8, 8 seeds, all cores.
    let quick = escape_dims::experiments::sweep::SweepConfig {
        widths: vec![3, 4, 5, 6, 8],
        seeds: 8,
        ..Default::default()
    };
    let start = Instant::now();
    black_box(escape_dims::experiments::sweep::run_sweep(&quick));
    results.push(("sweep_quick_s".into(), start.elapsed().as_secs_f64()));
    for (name, value) in &results {
        println!("{name:<24} {value:>12.3}");
    }
    let json: Vec<String> = results
        .iter()
        .map(|(k, v)| format!("\"{k}\": {v:.4}"))
        .collect();
    println!("{{{}}}", json.join(", "));
}
