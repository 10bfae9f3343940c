//! Reference computations shared by the native golden-file test and the wasm test, so both
#![allow(dead_code)] // each test crate uses a different part of this module
//! platforms evaluate exactly the same cases.

use escape_dims::core::activation::Activation;
use escape_dims::core::objective::Objective;
use escape_dims::core::task::{Task, TaskConfig};
use escape_dims::core::train::{TrainConfig, Trainer};
use std::sync::Arc;

/// Largest allowed distance, in units in the last place, between native and wasm values.
pub const MAX_ULPS: u64 = 4;

/// Named values: the loss and every gradient component of a few students, and the loss after
/// 200 Adam steps, for every activation.
pub fn reference_values() -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for act in Activation::ALL {
        let task = Arc::new(Task::generate(TaskConfig {
            activation: act,
            seed: 3,
            samples: 128,
            ..TaskConfig::default()
        }));
        for width in [1usize, 5, 16] {
            let t = Trainer::new(task.clone(), width, 7, TrainConfig::default());
            let obj = Objective::new(&task, width);
            let mut grad = vec![0.0; obj.num_params()];
            let loss = obj.loss_and_gradient(t.params(), &mut grad);
            out.push((format!("{act}/n{width}/loss"), loss));
            for (i, g) in grad.iter().enumerate() {
                out.push((format!("{act}/n{width}/grad{i}"), *g));
            }
        }
        let mut t = Trainer::new(task.clone(), 5, 7, TrainConfig::default());
        t.run(200);
        out.push((format!("{act}/n5/loss_after_200_adam_steps"), t.loss()));
    }
    out
}

/// Renders values as `name value` lines (shortest round-trip decimal).
pub fn render(values: &[(String, f64)]) -> String {
    values.iter().map(|(k, v)| format!("{k} {v:e}\n")).collect()
}

/// Parses lines written by [`render`].
pub fn parse(text: &str) -> Vec<(String, f64)> {
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(' ')?;
            Some((k.to_string(), v.parse().ok()?))
        })
        .collect()
}

/// Distance in units in the last place between two finite floats of the same sign
/// (`u64::MAX` for different signs, except that +0 and -0 are equal).
pub fn ulps(a: f64, b: f64) -> u64 {
    if a == b {
        return 0;
    }
    if a.is_sign_negative() != b.is_sign_negative() {
        return u64::MAX;
    }
    a.to_bits().abs_diff(b.to_bits())
}

/// Compares computed values against a reference; returns the mismatches as messages.
/// A value matches if it is within [`MAX_ULPS`] ulps, or within `MAX_ULPS` ulps of the largest
/// magnitude in its case (gradient components near zero cancel).
pub fn mismatches(reference: &[(String, f64)], computed: &[(String, f64)]) -> Vec<String> {
    let mut bad = Vec::new();
    if reference.len() != computed.len() {
        bad.push(format!(
            "{} reference values, {} computed",
            reference.len(),
            computed.len()
        ));
        return bad;
    }
    let scale_of = |name: &str| {
        let case = name.rsplit_once('/').map(|c| c.0).unwrap_or(name);
        computed
            .iter()
            .filter(|(k, _)| k.starts_with(case))
            .map(|(_, v)| v.abs())
            .fold(0.0, f64::max)
    };
    for ((rk, rv), (ck, cv)) in reference.iter().zip(computed) {
        let abs_ok = (rv - cv).abs() <= MAX_ULPS as f64 * f64::EPSILON * scale_of(ck);
        if rk != ck || !(ulps(*rv, *cv) <= MAX_ULPS || abs_ok) {
            bad.push(format!("{rk} = {rv:e} but {ck} = {cv:e}"));
        }
    }
    bad
}
