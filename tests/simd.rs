//! The AVX2 path of the hot loops gives the baseline path's (SSE2's, and wasm's) results bit for
//! bit: losses, gradients, Hessians, whole Adam runs and the fast slice evaluator's losses, for
//! every activation. Skipped, with a
//! message, on a CPU without AVX2 and FMA.
#![cfg(not(target_arch = "wasm32"))]

use escape_dims::core::activation::Activation;
use escape_dims::core::fast_math::{tanh_f64, tanh_into};
use escape_dims::core::fast_slice::PlaneEvaluator;
use escape_dims::core::network::{Network, Shape};
use escape_dims::core::objective::Objective;
use escape_dims::core::optim::{Optimizer, OptimizerConfig};
use escape_dims::core::plane::Plane;
use escape_dims::core::rng::{SeededRng, Stream};
use escape_dims::core::simd::Simd;
use escape_dims::core::task::{Task, TaskConfig};

/// True if the AVX2 path can run here; otherwise says why the test is skipped.
fn avx2_or_skip(test: &str) -> bool {
    let ok = Simd::Avx2.is_available();
    if !ok {
        println!("{test}: skipped, this CPU lacks AVX2 or FMA (only the baseline path runs)");
    }
    ok
}

fn bits(xs: &[f64]) -> Vec<u64> {
    xs.iter().map(|x| x.to_bits()).collect()
}

/// Tasks and students of every activation, with sample counts that leave a partial last
/// group of four, and parameters scaled up so that pre-activations reach tanh's clamp.
fn cases() -> Vec<(Task, usize, Vec<f64>)> {
    let mut out = Vec::new();
    for act in Activation::ALL {
        for (d, samples, width) in [(1, 7, 1), (2, 256, 8), (2, 130, 32), (3, 101, 64)] {
            let task = Task::generate(TaskConfig {
                activation: act,
                input_dim: d,
                samples,
                seed: 5,
                ..TaskConfig::default()
            });
            let mut rng = SeededRng::new(3, Stream::Student);
            let mut net = Network::student_init(Shape::new(d, width), act, &mut rng);
            for (i, p) in net.params.iter_mut().enumerate() {
                *p *= 1.0 + 4.0 * (i % 5) as f64;
            }
            out.push((task, width, net.params));
        }
    }
    out
}

#[test]
fn tanh_is_bit_identical_on_both_paths() {
    if !avx2_or_skip("tanh_is_bit_identical_on_both_paths") {
        return;
    }
    // A fine grid over [-50, 50] (the clamp at 19.1 included), then special values.
    let mut xs: Vec<f64> = (-200_001..=200_001)
        .map(|i| i as f64 * 2.500_03e-4)
        .collect();
    xs.extend([
        0.0,
        -0.0,
        19.1,
        -19.1,
        f64::from_bits(19.1f64.to_bits() + 1),
        1e-300,
        -5e-324,
        f64::MIN_POSITIVE,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        f64::MAX,
    ]);
    let mut base = vec![0.0; xs.len()];
    let mut avx = vec![0.0; xs.len()];
    tanh_into(Simd::Baseline, &xs, &mut base);
    tanh_into(Simd::Avx2, &xs, &mut avx);
    assert_eq!(bits(&base), bits(&avx));
    for (x, t) in xs.iter().zip(&base) {
        assert_eq!(t.to_bits(), tanh_f64(*x).to_bits(), "tanh({x})");
    }
    assert!(base[base.len() - 3].is_nan() && base[base.len() - 2].is_nan());
}

#[test]
fn losses_and_gradients_are_bit_identical_on_both_paths() {
    if !avx2_or_skip("losses_and_gradients_are_bit_identical_on_both_paths") {
        return;
    }
    for (task, width, params) in cases() {
        let obj = Objective::new(&task, width);
        let case = format!(
            "{} d={} N={} n={width}",
            obj.activation,
            task.config.input_dim,
            task.len()
        );
        let mut g_base = vec![0.0; params.len()];
        let mut g_avx = vec![0.0; params.len()];
        let l_base = obj.loss_and_gradient_on(Simd::Baseline, &params, &mut g_base);
        let l_avx = obj.loss_and_gradient_on(Simd::Avx2, &params, &mut g_avx);
        assert_eq!(l_base.to_bits(), l_avx.to_bits(), "{case}: loss");
        assert_eq!(bits(&g_base), bits(&g_avx), "{case}: gradient");
        assert_eq!(
            obj.loss_on(Simd::Baseline, &params).to_bits(),
            obj.loss_on(Simd::Avx2, &params).to_bits(),
            "{case}: loss without the gradient"
        );
        // The comparison is not vacuous.
        assert!(l_base.is_finite() && l_base > 0.0 && g_base.iter().any(|&g| g != 0.0));
    }
}

#[test]
fn hessians_are_bit_identical_on_both_paths() {
    if !avx2_or_skip("hessians_are_bit_identical_on_both_paths") {
        return;
    }
    for (task, width, params) in cases().into_iter().filter(|c| c.1 <= 32) {
        let obj = Objective::new(&task, width);
        let base = obj.hessian_on(Simd::Baseline, &params);
        let avx = obj.hessian_on(Simd::Avx2, &params);
        let (base, avx) = (
            base.as_slice().expect("standard"),
            avx.as_slice().expect("standard"),
        );
        assert_eq!(
            bits(base),
            bits(avx),
            "{} n={width}: Hessian",
            obj.activation
        );
    }
}

#[test]
fn adam_runs_of_200_steps_are_bit_identical_on_both_paths() {
    if !avx2_or_skip("adam_runs_of_200_steps_are_bit_identical_on_both_paths") {
        return;
    }
    for act in Activation::ALL {
        let task = Task::generate(TaskConfig {
            activation: act,
            ..TaskConfig::default()
        });
        for width in [5usize, 32] {
            let obj = Objective::new(&task, width);
            let init = Network::student_init(
                Shape::new(task.config.input_dim, width),
                act,
                &mut SeededRng::new(7, Stream::Student),
            )
            .params;
            let run = |simd: Simd| {
                let mut params = init.clone();
                let mut grad = vec![0.0; params.len()];
                let mut opt = Optimizer::new(OptimizerConfig::default(), params.len());
                let mut losses = Vec::new();
                for _ in 0..200 {
                    losses.push(obj.loss_and_gradient_on(simd, &params, &mut grad));
                    opt.step(&mut params, &grad);
                }
                losses.push(obj.loss_on(simd, &params));
                (losses, params)
            };
            let (losses_base, params_base) = run(Simd::Baseline);
            let (losses_avx, params_avx) = run(Simd::Avx2);
            assert_eq!(
                bits(&losses_base),
                bits(&losses_avx),
                "{act} n={width}: losses"
            );
            assert_eq!(
                bits(&params_base),
                bits(&params_avx),
                "{act} n={width}: parameters"
            );
            assert!(
                losses_base[200] < losses_base[0],
                "{act} n={width}: the run trains"
            );
        }
    }
}

#[test]
fn fast_slice_rows_are_bit_identical_on_both_paths() {
    if !avx2_or_skip("fast_slice_rows_are_bit_identical_on_both_paths") {
        return;
    }
    let coords: Vec<f64> = (0..41).map(|i| -4.0 + 0.2 * i as f64).collect();
    for (task, width, params) in cases() {
        let obj = Objective::new(&task, width);
        let shape = Shape::new(task.config.input_dim, width);
        let plane = Plane::random(shape, &params, 9, true);
        let fast = PlaneEvaluator::new(&obj, &plane).expect("every activation has a fast path");
        for &b in &[-3.0, -0.5, 0.0, 1.7] {
            let mut base = vec![0.0; coords.len()];
            let mut avx = vec![0.0; coords.len()];
            fast.row_losses_on(Simd::Baseline, b, &coords, &mut base);
            fast.row_losses_on(Simd::Avx2, b, &coords, &mut avx);
            assert_eq!(
                bits(&base),
                bits(&avx),
                "{} n={width} row {b}",
                obj.activation
            );
            assert!(base.iter().all(|l| l.is_finite() && *l > 0.0));
        }
    }
}

#[test]
fn the_default_path_is_the_detected_one() {
    let detected = Simd::detected();
    assert!(detected.is_available());
    println!("dispatched SIMD path: {}", detected.name());
    let task = Task::generate(TaskConfig::default());
    let obj = Objective::new(&task, 8);
    let params = Network::student_init(
        Shape::new(2, 8),
        Activation::Tanh,
        &mut SeededRng::new(1, Stream::Student),
    )
    .params;
    assert_eq!(
        obj.loss(&params).to_bits(),
        obj.loss_on(detected, &params).to_bits()
    );
}
