//! Entry points for the benchmark page (`bench.html`, not linked from the explorer): the same
//! workloads as the native benchmark (`benches/hot_paths.rs`), timed in the browser, and the
//! data, initial weights and Adam settings that the TensorFlow.js and plain JavaScript
//! comparisons train from.

use crate::core::network::{Network, Shape};
use crate::core::objective::Objective;
use crate::core::optim::{Optimizer, OptimizerConfig};
use crate::core::plane::Plane;
use crate::core::rng::{SeededRng, Stream};
use crate::core::slice::Slice;
use crate::core::spectrum::Spectrum;
use crate::core::task::{Task, TaskConfig};
use crate::web::dom::now_ms;
use wasm_bindgen::prelude::*;

/// The benchmark task: the default teacher (d = 2, N = 256).
fn task() -> Task {
    Task::generate(TaskConfig::default())
}

/// The benchmark student of width `width` (seed 1).
fn student(task: &Task, width: usize) -> Network {
    let shape = Shape::new(task.config.input_dim, width);
    Network::student_init(
        shape,
        task.config.activation,
        &mut SeededRng::new(1, Stream::Student),
    )
}

/// The inputs, row-major (`N x d`).
#[wasm_bindgen]
pub fn bench_inputs() -> Vec<f64> {
    task().inputs.iter().copied().collect()
}

/// The standardised targets.
#[wasm_bindgen]
pub fn bench_targets() -> Vec<f64> {
    task().targets
}

/// The initial parameters of the width-`width` student (layout of `core::network`).
#[wasm_bindgen]
pub fn bench_init_params(width: usize) -> Vec<f64> {
    student(&task(), width).params
}

/// The benchmark's Adam settings: `[learning rate, beta1, beta2, epsilon]`.
#[wasm_bindgen]
pub fn bench_adam_config() -> Vec<f64> {
    let c = OptimizerConfig::default();
    vec![c.learning_rate, c.beta1, c.beta2, c.epsilon]
}

/// Runs `steps` full-batch Adam steps (lr 0.01) from the benchmark init; returns
/// `[milliseconds per step, loss at the init, loss after the steps]`.
#[wasm_bindgen]
pub fn bench_adam(width: usize, steps: usize) -> Vec<f64> {
    let task = task();
    let objective = Objective::new(&task, width);
    let mut params = student(&task, width).params;
    let mut grad = vec![0.0; params.len()];
    let mut opt = Optimizer::new(OptimizerConfig::default(), params.len());
    let first = objective.loss(&params);
    let start = now_ms();
    for _ in 0..steps {
        objective.loss_and_gradient(&params, &mut grad);
        opt.step(&mut params, &grad);
    }
    let ms = (now_ms() - start) / steps.max(1) as f64;
    vec![ms, first, objective.loss(&params)]
}

/// Computes a `res x res` slice over the filter-normalised random plane at the benchmark init;
/// returns `[milliseconds, loss at the centre]`.
#[wasm_bindgen]
pub fn bench_slice(width: usize, res: usize) -> Vec<f64> {
    let task = task();
    let objective = Objective::new(&task, width);
    let net = student(&task, width);
    let plane = Plane::random(net.shape, &net.params, 1, false);
    let start = now_ms();
    let mut slice = Slice::new(plane, res, 1.0).fast();
    slice.compute_all(&objective);
    let ms = now_ms() - start;
    let mid = res / 2;
    vec![ms, slice.at(mid, mid)]
}

/// The exact Hessian at the benchmark init and its eigen-decomposition, `repeats` times;
/// returns `[milliseconds per Hessian with eigen-decomposition, smallest eigenvalue]`.
#[wasm_bindgen]
pub fn bench_hessian(width: usize, repeats: usize) -> Vec<f64> {
    let task = task();
    let objective = Objective::new(&task, width);
    let net = student(&task, width);
    let start = now_ms();
    let mut smallest = f64::NAN;
    for _ in 0..repeats.max(1) {
        smallest = Spectrum::of_symmetric(&objective.hessian(&net.params)).values[0];
    }
    let ms = (now_ms() - start) / repeats.max(1) as f64;
    vec![ms, smallest]
}

/// The plane of [`bench_slice`]: `[centre, u, v]` concatenated (each of the parameters' length),
/// for the TensorFlow.js comparison to evaluate the same grid.
#[wasm_bindgen]
pub fn bench_slice_plane(width: usize, _res: usize) -> Vec<f64> {
    let task = task();
    let net = student(&task, width);
    let plane = Plane::random(net.shape, &net.params, 1, false);
    let mut out = plane.centre.clone();
    out.extend_from_slice(&plane.u);
    out.extend_from_slice(&plane.v);
    out
}
