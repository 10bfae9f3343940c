//! A fast, 32-bit evaluator of the loss over a plane, for drawing landscape slices.
//!
//! On a plane `centre + a u + b v`, every pre-activation is affine in `(a, b)`:
//! `z_ij(a, b) = z0_ij + a zu_ij + b zv_ij`, and so are the output weights. The evaluator
//! precomputes those coefficients once, then each grid point costs one multiply-add pair, one
//! `tanh` and one multiply-add per neuron and sample, in `f32` with a branch-free `tanh`, eight
//! samples per SIMD vector (`simd128` in wasm; natively SSE2, or AVX2 where the CPU has it:
//! [`crate::core::simd`], the same bits). Its relative error against the exact
//! 64-bit loss is about 1e-5 or better wherever the loss is above about 1e-10 (see the tests):
//! right for a heatmap, not for the optimiser or the Hessian, which keep the exact path.

use crate::core::activation::Activation;
use crate::core::network::Shape;
use crate::core::objective::Objective;
use crate::core::plane::Plane;

use crate::core::fast_math::{erf_lanes32, softplus_lanes32, tanh_lanes32};
#[cfg(target_arch = "x86_64")]
use crate::core::simd::Avx32;
use crate::core::simd::{dispatch, Lanes32x8, Simd};
use wide::f32x8;

/// Samples per SIMD vector.
const LANES: usize = 8;

/// Precomputed affine coefficients of a plane, for fast loss evaluation.
///
/// Coefficients are stored neuron by neuron, each a run over the samples packed eight to a
/// SIMD vector (the last one padded with zeros), so the inner loop is element-wise over
/// samples and no sum is reordered.
#[derive(Clone, Debug)]
pub struct PlaneEvaluator {
    samples: usize,
    chunks: usize,
    z0: Vec<f32x8>,
    zu: Vec<f32x8>,
    zv: Vec<f32x8>,
    a0: Vec<f32>,
    au: Vec<f32>,
    av: Vec<f32>,
    c: [f32; 3],
    targets: Vec<f32x8>,
    activation: Activation,
}

/// `values` packed eight to a vector, the last one padded with zeros.
fn pack(values: &[f32]) -> Vec<f32x8> {
    values
        .chunks(LANES)
        .map(|c| {
            let mut lanes = [0f32; LANES];
            lanes[..c.len()].copy_from_slice(c);
            f32x8::new(lanes)
        })
        .collect()
}

impl PlaneEvaluator {
    /// The evaluator of `objective` over `plane` (every activation has a fast path; `None`
    /// is kept for an activation that might not).
    pub fn new(objective: &Objective<'_>, plane: &Plane) -> Option<PlaneEvaluator> {
        let activation = objective.activation;
        let shape: Shape = objective.shape;
        let (n, d) = (shape.width, shape.input_dim);
        let samples = objective.task.len();
        let pre_activations = |p: &[f64]| -> Vec<f32x8> {
            let mut packed = Vec::with_capacity(n * samples.div_ceil(LANES));
            for j in 0..n {
                let row: Vec<f32> = objective
                    .task
                    .inputs
                    .rows()
                    .into_iter()
                    .map(|x| {
                        let mut v = p[shape.bias(j)];
                        for k in 0..d {
                            v += p[shape.input_weight(j, k)] * x[k];
                        }
                        v as f32
                    })
                    .collect();
                packed.extend(pack(&row));
            }
            packed
        };
        let out = |p: &[f64]| -> Vec<f32> { shape.output_weights().map(|i| p[i] as f32).collect() };
        let ob = shape.output_bias();
        let targets: Vec<f32> = objective.task.targets.iter().map(|&t| t as f32).collect();
        Some(PlaneEvaluator {
            samples,
            chunks: samples.div_ceil(LANES),
            z0: pre_activations(&plane.centre),
            zu: pre_activations(&plane.u),
            zv: pre_activations(&plane.v),
            a0: out(&plane.centre),
            au: out(&plane.u),
            av: out(&plane.v),
            c: [
                plane.centre[ob] as f32,
                plane.u[ob] as f32,
                plane.v[ob] as f32,
            ],
            targets: pack(&targets),
            activation,
        })
    }

    /// The loss at plane coordinates `(a, b)`.
    pub fn loss(&self, a: f64, b: f64) -> f64 {
        let mut out = [0.0];
        self.row_losses(b, &[a], &mut out);
        out[0]
    }

    /// The losses at `(a, b)` for every `a` in `first_coords`, into `out`: one grid row. The
    /// parts that depend on `b` only are computed once per row.
    pub fn row_losses(&self, b: f64, first_coords: &[f64], out: &mut [f64]) {
        self.row_losses_on(Simd::detected(), b, first_coords, out);
    }

    /// [`PlaneEvaluator::row_losses`] on the given SIMD path (the baseline where the CPU
    /// lacks it): the same bits on every path.
    pub fn row_losses_on(&self, simd: Simd, b: f64, first_coords: &[f64], out: &mut [f64]) {
        let b = b as f32;
        let bv = f32x8::splat(b);
        let zb: Vec<f32x8> = self
            .z0
            .iter()
            .zip(&self.zv)
            .map(|(&z0, &zv)| z0 + bv * zv)
            .collect();
        let wb: Vec<f32> = self
            .a0
            .iter()
            .zip(&self.av)
            .map(|(&a0, &av)| a0 + b * av)
            .collect();
        let cb = self.c[0] + b * self.c[2];
        let row = RowCoefficients {
            zb: &zb,
            wb: &wb,
            cb,
        };
        dispatch!(
            simd,
            self.row_avx2(&row, first_coords, out),
            self.row::<f32x8>(&row, first_coords, out)
        )
    }

    /// [`PlaneEvaluator::row`] compiled for AVX2 and FMA, eight lanes in one register.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn row_avx2(&self, row: &RowCoefficients<'_>, first_coords: &[f64], out: &mut [f64]) {
        self.row::<Avx32>(row, first_coords, out);
    }

    /// The losses of one grid row, on vectors `V`.
    #[inline(always)]
    fn row<V: Lanes32x8>(&self, row: &RowCoefficients<'_>, first_coords: &[f64], out: &mut [f64]) {
        for (&a, out) in first_coords.iter().zip(out) {
            // One loop per activation, so that the activation is not a branch in the inner loop.
            *out = match self.activation {
                Activation::Relu => self.mean_squared_error(row, a as f32, |z: V| {
                    let zero = V::splat(0.0);
                    z.select_gt(zero, z, zero)
                }),
                Activation::Tanh => self.mean_squared_error(row, a as f32, tanh_lanes32::<V>),
                Activation::Softplus => {
                    self.mean_squared_error(row, a as f32, softplus_lanes32::<V>)
                }
                Activation::Erf => self.mean_squared_error(row, a as f32, erf_lanes32::<V>),
            };
        }
    }

    #[inline(always)]
    fn mean_squared_error<V: Lanes32x8>(
        &self,
        row: &RowCoefficients<'_>,
        a: f32,
        act: impl Fn(V) -> V,
    ) -> f64 {
        let c = row.cb + a * self.c[1];
        // Residuals, accumulated neuron by neuron: start from `c - y`.
        let mut r: Vec<V> = self
            .targets
            .iter()
            .map(|&y| V::splat(c) - V::from_wide(y))
            .collect();
        let av = V::splat(a);
        let rows = row
            .zb
            .chunks_exact(self.chunks)
            .zip(self.zu.chunks_exact(self.chunks));
        for (j, (zb, zu)) in rows.enumerate() {
            let w = V::splat(row.wb[j] + a * self.au[j]);
            for ((r, &zb), &zu) in r.iter_mut().zip(zb).zip(zu) {
                *r += w * act(V::from_wide(zb) + av * V::from_wide(zu));
            }
        }
        // Only the real samples count, not the padding lanes.
        let total: f64 = r
            .iter()
            .flat_map(|r| r.to_array())
            .take(self.samples)
            .map(|r| (r as f64) * (r as f64))
            .sum();
        total / self.samples as f64
    }
}

/// The parts of the evaluator that depend only on the second coordinate `b` of a grid row.
struct RowCoefficients<'a> {
    /// `z0 + b zv`, packed like the pre-activations.
    zb: &'a [f32x8],
    /// Output weights `a0 + b av`.
    wb: &'a [f32],
    /// Output bias `c0 + b cv`.
    cb: f32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::fast_math::{erf_f32x8, softplus_f32x8};
    use crate::core::task::{Task, TaskConfig};
    use crate::core::train::{TrainConfig, Trainer};
    use std::sync::Arc;

    #[test]
    fn fast_slice_matches_the_exact_loss() {
        for act in [
            Activation::Tanh,
            Activation::Relu,
            Activation::Softplus,
            Activation::Erf,
        ] {
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
                (-3.0, 2.5),
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
    }

    #[test]
    fn softplus_and_erf_lanes_match_the_exact_functions() {
        let xs: Vec<f32> = (-400..=400)
            .map(|i| i as f32 * 0.05)
            .chain([-90.0, 90.0, 1e-4, -1e-6])
            .collect();
        for chunk in xs.chunks(8) {
            let mut lanes = [0f32; 8];
            lanes[..chunk.len()].copy_from_slice(chunk);
            let sp = softplus_f32x8(f32x8::new(lanes)).to_array();
            let er = erf_f32x8(f32x8::new(lanes)).to_array();
            for (i, &x) in chunk.iter().enumerate() {
                let x64 = x as f64;
                let sp_exact = Activation::Softplus.value(x64);
                let er_exact = libm::erf(x64);
                assert!(
                    (sp[i] as f64 - sp_exact).abs() <= 4e-7 * sp_exact.max(1.0),
                    "softplus({x}) = {} vs {sp_exact}",
                    sp[i]
                );
                assert!(
                    (er[i] as f64 - er_exact).abs() <= 2e-7 + 1e-6 * er_exact.abs(),
                    "erf({x}) = {} vs {er_exact}",
                    er[i]
                );
                // Near 0 erf keeps its relative accuracy (outputs of silent neurons).
                if x64.abs() < 0.5 && x64 != 0.0 {
                    assert!(((er[i] as f64) / er_exact - 1.0).abs() < 1e-6, "erf({x})");
                }
            }
        }
    }
}
