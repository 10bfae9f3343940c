//! A fast, 32-bit evaluator of the loss over a plane, for drawing landscape slices.
//!
//! On a plane `centre + a u + b v`, every pre-activation is affine in `(a, b)`:
//! `z_ij(a, b) = z0_ij + a zu_ij + b zv_ij`, and so are the output weights. The evaluator
//! precomputes those coefficients once, then each grid point costs one multiply-add pair, one
//! `tanh` and one multiply-add per neuron and sample, in `f32` with a branch-free `tanh` that
//! the compiler vectorises (SIMD in wasm with `simd128`). Its relative error against the exact
//! 64-bit loss is about 1e-5 or better wherever the loss is above about 1e-10 (see the tests):
//! right for a heatmap, not for the optimiser or the Hessian, which keep the exact path.

use crate::core::activation::Activation;
use crate::core::network::Shape;
use crate::core::objective::Objective;
use crate::core::plane::Plane;

/// `e^x` in `f32` for `x` in about `[-87, 88]`: `2^k * 2^f` with `k` by round-to-nearest and a
/// degree-6 polynomial for `2^f`, `|f| <= 1/2` (relative error about 2e-7). Branch-free.
#[inline(always)]
fn exp_f32(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2: f32 = std::f32::consts::LN_2;
    // 1.5 * 2^23: adding and subtracting it rounds to the nearest integer.
    const ROUND: f32 = 12_582_912.0;
    let t = x * LOG2E;
    let k = (t + ROUND) - ROUND;
    let f = (t - k) * LN2;
    let p = 1.0
        + f * (1.0
            + f * (0.5
                + f * (1.0 / 6.0 + f * (1.0 / 24.0 + f * (1.0 / 120.0 + f * (1.0 / 720.0))))));
    let bits = ((k as i32 + 127) << 23) as u32;
    p * f32::from_bits(bits)
}

/// `tanh` in `f32`, branch-free: `1 - 2 / (e^{2x} + 1)` with the argument clamped to `[-9, 9]`
/// (beyond which `tanh` is 1 to `f32` precision).
#[inline(always)]
fn tanh_f32(x: f32) -> f32 {
    let x = x.clamp(-9.0, 9.0);
    1.0 - 2.0 / (exp_f32(2.0 * x) + 1.0)
}

/// Neurons processed together: four independent partial sums the compiler maps to one
/// 128-bit SIMD register (a single running sum could not be vectorised, since reordering a
/// floating-point sum changes it).
const LANES: usize = 4;

/// Precomputed affine coefficients of a plane, for fast loss evaluation.
#[derive(Clone, Debug)]
pub struct PlaneEvaluator {
    /// Width rounded up to a multiple of [`LANES`] (padding neurons have zero weights).
    stride: usize,
    z0: Vec<f32>,
    zu: Vec<f32>,
    zv: Vec<f32>,
    a0: Vec<f32>,
    au: Vec<f32>,
    av: Vec<f32>,
    c: [f32; 3],
    targets: Vec<f32>,
    relu: bool,
}

impl PlaneEvaluator {
    /// The evaluator of `objective` over `plane`, if its activation has a fast path (tanh and
    /// ReLU).
    pub fn new(objective: &Objective<'_>, plane: &Plane) -> Option<PlaneEvaluator> {
        let relu = match objective.activation {
            Activation::Tanh => false,
            Activation::Relu => true,
            _ => return None,
        };
        let shape: Shape = objective.shape;
        let (n, d) = (shape.width, shape.input_dim);
        let samples = objective.task.len();
        let stride = n.div_ceil(LANES) * LANES;
        let mut z = [
            vec![0f32; samples * stride],
            vec![0f32; samples * stride],
            vec![0f32; samples * stride],
        ];
        for (m, p) in [&plane.centre, &plane.u, &plane.v].into_iter().enumerate() {
            for (i, x) in objective.task.inputs.rows().into_iter().enumerate() {
                for j in 0..n {
                    let mut v = p[shape.bias(j)];
                    for k in 0..d {
                        v += p[shape.input_weight(j, k)] * x[k];
                    }
                    z[m][i * stride + j] = v as f32;
                }
            }
        }
        let out = |p: &[f64]| -> Vec<f32> {
            let mut w: Vec<f32> = shape.output_weights().map(|i| p[i] as f32).collect();
            w.resize(stride, 0.0);
            w
        };
        let ob = shape.output_bias();
        let [z0, zu, zv] = z;
        Some(PlaneEvaluator {
            stride,
            z0,
            zu,
            zv,
            a0: out(&plane.centre),
            au: out(&plane.u),
            av: out(&plane.v),
            c: [
                plane.centre[ob] as f32,
                plane.u[ob] as f32,
                plane.v[ob] as f32,
            ],
            targets: objective.task.targets.iter().map(|&t| t as f32).collect(),
            relu,
        })
    }

    /// The loss at plane coordinates `(a, b)`.
    pub fn loss(&self, a: f64, b: f64) -> f64 {
        let (a, b) = (a as f32, b as f32);
        let n = self.stride;
        let w: Vec<f32> = (0..n)
            .map(|j| self.a0[j] + a * self.au[j] + b * self.av[j])
            .collect();
        let c = self.c[0] + a * self.c[1] + b * self.c[2];
        // One loop per activation, so that the activation is not a branch in the inner loop.
        if self.relu {
            self.mean_squared_error(a, b, &w, c, |z| z.max(0.0))
        } else {
            self.mean_squared_error(a, b, &w, c, tanh_f32)
        }
    }

    #[inline(always)]
    fn mean_squared_error(
        &self,
        a: f32,
        b: f32,
        w: &[f32],
        c: f32,
        act: impl Fn(f32) -> f32,
    ) -> f64 {
        let n = self.stride;
        let mut total = 0f64;
        for (i, &y) in self.targets.iter().enumerate() {
            let rows = i * n..(i + 1) * n;
            let (z0, zu, zv) = (
                &self.z0[rows.clone()],
                &self.zu[rows.clone()],
                &self.zv[rows],
            );
            let mut acc = [0f32; LANES];
            let chunks = w
                .chunks_exact(LANES)
                .zip(z0.chunks_exact(LANES))
                .zip(zu.chunks_exact(LANES).zip(zv.chunks_exact(LANES)));
            for ((w, z0), (zu, zv)) in chunks {
                for l in 0..LANES {
                    let z = z0[l] + a * zu[l] + b * zv[l];
                    acc[l] += w[l] * act(z);
                }
            }
            let f = (acc[0] + acc[1]) + (acc[2] + acc[3]);
            let r = (f + c - y) as f64;
            total += r * r;
        }
        total / self.targets.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::network::Network;
    use crate::core::rng::{SeededRng, Stream};
    use crate::core::task::{Task, TaskConfig};
    use crate::core::train::{TrainConfig, Trainer};
    use std::sync::Arc;

    #[test]
    fn fast_tanh_and_exp_are_accurate() {
        for i in -400..=400 {
            let x = i as f32 * 0.025;
            let e = exp_f32(x);
            assert!(
                ((e as f64) / (x as f64).exp() - 1.0).abs() < 2e-6,
                "exp {x}"
            );
            let t = tanh_f32(x) as f64;
            assert!((t - (x as f64).tanh()).abs() < 3e-7, "tanh {x}: {t}");
        }
    }

    #[test]
    fn fast_slice_matches_the_exact_loss() {
        for act in [Activation::Tanh, Activation::Relu] {
            let task = Arc::new(Task::generate(TaskConfig {
                activation: act,
                ..TaskConfig::default()
            }));
            // A trained student, so the plane passes near a minimum (small losses included).
            let mut t = Trainer::new(task.clone(), 6, 2, TrainConfig::default());
            t.run(3000);
            let obj = Objective::new(&task, 6);
            let plane = Plane::random(t.shape, t.params(), 5, true);
            let fast = PlaneEvaluator::new(&obj, &plane).expect("fast path");
            for &(a, b) in &[
                (0.0, 0.0),
                (0.3, -0.2),
                (-1.0, 1.0),
                (0.01, 0.02),
                (0.9, 0.9),
            ] {
                let exact = obj.loss(&plane.point(a, b));
                let approx = fast.loss(a, b);
                let err = (approx - exact).abs();
                assert!(
                    err < 1e-5 * exact + 1e-10,
                    "{act} ({a},{b}): fast {approx:.6e} vs exact {exact:.6e}"
                );
            }
        }
        let task = Task::generate(TaskConfig {
            activation: Activation::Erf,
            ..TaskConfig::default()
        });
        let obj = Objective::new(&task, 2);
        let net = Network::student_init(
            Shape::new(2, 2),
            Activation::Erf,
            &mut SeededRng::new(1, Stream::Student),
        );
        let plane = Plane::random(net.shape, &net.params, 1, false);
        assert!(
            PlaneEvaluator::new(&obj, &plane).is_none(),
            "erf has no fast path"
        );
    }
}
