//! The training objective: full-batch mean squared error of a student on a task, with its
//! analytic gradient and exact Hessian.
//!
//! `L(theta) = (1/N) sum_i (f(x_i; theta) - y_i)^2`.

use crate::core::activation::Activation;
use crate::core::network::Shape;
use crate::core::task::Task;
use ndarray::Array2;
use wide::f64x4;

/// A student architecture bound to a task: the function the optimiser minimises.
#[derive(Clone, Copy, Debug)]
pub struct Objective<'a> {
    /// The data.
    pub task: &'a Task,
    /// The student's shape (its input dimension equals the task's).
    pub shape: Shape,
    /// The student's activation.
    pub activation: Activation,
}

impl<'a> Objective<'a> {
    /// The objective of a width-`width` student on `task`, with the task's activation.
    pub fn new(task: &'a Task, width: usize) -> Objective<'a> {
        Objective {
            task,
            shape: Shape::new(task.config.input_dim, width),
            activation: task.config.activation,
        }
    }

    /// Number of parameters of the student.
    pub fn num_params(&self) -> usize {
        self.shape.num_params()
    }

    /// The loss at `params`.
    pub fn loss(&self, params: &[f64]) -> f64 {
        let packed = PackedSamples::new(self.task);
        let mut hidden = vec![f64x4::ZERO; self.shape.width * packed.chunks()];
        let residuals = self.forward(params, &packed, &mut hidden, None);
        self.mean_square(&residuals)
    }

    /// The loss at `params`; writes its gradient into `grad` (of length `num_params`).
    ///
    /// Samples go four at a time through SIMD lanes (see [`PackedSamples`]); every sum over
    /// samples is a fixed interleaving of four partial sums, the same on every target.
    pub fn loss_and_gradient(&self, params: &[f64], grad: &mut [f64]) -> f64 {
        let shape = self.shape;
        let packed = PackedSamples::new(self.task);
        let chunks = packed.chunks();
        let mut hidden = vec![f64x4::ZERO; shape.width * chunks];
        let mut slopes = vec![f64x4::ZERO; shape.width * chunks];
        let residuals = self.forward(params, &packed, &mut hidden, Some(&mut slopes));
        // dL/df_i (zero in the padding lanes, since the residuals are).
        let scale = f64x4::splat(2.0 / self.task.len() as f64);
        let g: Vec<f64x4> = residuals.iter().map(|&r| scale * r).collect();
        let mut input_sums = vec![f64x4::ZERO; shape.input_dim];
        let rows = hidden.chunks_exact(chunks).zip(slopes.chunks_exact(chunks));
        for (j, (h, ds)) in rows.enumerate() {
            let a = f64x4::splat(params[shape.output_weight(j)]);
            let (mut output_sum, mut bias_sum) = (f64x4::ZERO, f64x4::ZERO);
            input_sums.fill(f64x4::ZERO);
            for (i, ((&g, &h), &ds)) in g.iter().zip(h).zip(ds).enumerate() {
                output_sum += g * h;
                // dL/dz_ij.
                let gz = g * a * ds;
                bias_sum += gz;
                for (sum, column) in input_sums.iter_mut().zip(&packed.columns) {
                    *sum += gz * column[i];
                }
            }
            grad[shape.output_weight(j)] = lane_sum(output_sum);
            grad[shape.bias(j)] = lane_sum(bias_sum);
            for (k, &sum) in input_sums.iter().enumerate() {
                grad[shape.input_weight(j, k)] = lane_sum(sum);
            }
        }
        grad[shape.output_bias()] = lane_sum(g.iter().fold(f64x4::ZERO, |acc, &g| acc + g));
        self.mean_square(&residuals)
    }

    /// `(1/N) sum_i r_i^2` of packed residuals.
    fn mean_square(&self, residuals: &[f64x4]) -> f64 {
        lane_sum(residuals.iter().fold(f64x4::ZERO, |acc, &r| acc + r * r)) / self.task.len() as f64
    }

    /// The residuals `f(x_i) - y_i`, packed (zero in padding lanes). Fills `hidden`
    /// (neuron-major, `width x chunks`) with the hidden activations and, when given, `slopes`
    /// with the activation's derivatives.
    fn forward(
        &self,
        params: &[f64],
        packed: &PackedSamples,
        hidden: &mut [f64x4],
        mut slopes: Option<&mut [f64x4]>,
    ) -> Vec<f64x4> {
        let shape = self.shape;
        let chunks = packed.chunks();
        let mut f = vec![f64x4::splat(params[shape.output_bias()]); chunks];
        let mut w = vec![f64x4::ZERO; shape.input_dim];
        for (j, h) in hidden.chunks_exact_mut(chunks).enumerate() {
            let b = f64x4::splat(params[shape.bias(j)]);
            let a = f64x4::splat(params[shape.output_weight(j)]);
            for (k, w) in w.iter_mut().enumerate() {
                *w = f64x4::splat(params[shape.input_weight(j, k)]);
            }
            let mut ds = slopes
                .as_deref_mut()
                .map(|s| &mut s[j * chunks..(j + 1) * chunks]);
            for (i, (h, f)) in h.iter_mut().zip(f.iter_mut()).enumerate() {
                let mut z = b;
                for (w, column) in w.iter().zip(&packed.columns) {
                    z += *w * column[i];
                }
                let (value, slope) = self.activation.value_and_slope_x4(z);
                *h = value;
                if let Some(ds) = ds.as_deref_mut() {
                    ds[i] = slope;
                }
                *f += a * value;
            }
        }
        for ((f, &y), &m) in f.iter_mut().zip(&packed.targets).zip(&packed.mask) {
            *f = (*f - y) * m;
        }
        f
    }

    /// The gradient at `params` (allocating).
    pub fn gradient(&self, params: &[f64]) -> Vec<f64> {
        let mut g = vec![0.0; self.num_params()];
        self.loss_and_gradient(params, &mut g);
        g
    }

    /// The exact Hessian at `params`:
    /// `(2/N) sum_i [ J_i J_i^T + r_i d^2 f_i ]`, with `J` the Jacobian of the outputs.
    pub fn hessian(&self, params: &[f64]) -> Array2<f64> {
        let Shape {
            input_dim: d,
            width,
        } = self.shape;
        let shape = self.shape;
        let p = shape.num_params();
        let n = self.task.len();
        let (w, rest) = params.split_at(width * d);
        let (b, rest) = rest.split_at(width);
        let (a, c) = rest.split_at(width);
        let mut jac = Array2::<f64>::zeros((n, p));
        let mut second = Array2::<f64>::zeros((p, p));
        let mut ds = vec![(0.0, 0.0, 0.0); width];
        for (i, (x, &y)) in self
            .task
            .inputs
            .rows()
            .into_iter()
            .zip(&self.task.targets)
            .enumerate()
        {
            let mut f = c[0];
            for j in 0..width {
                let mut z = b[j];
                for k in 0..d {
                    z += w[j * d + k] * x[k];
                }
                ds[j] = self.activation.all_derivatives(z);
                f += a[j] * ds[j].0;
            }
            let r = f - y;
            let mut row = jac.row_mut(i);
            for j in 0..width {
                let (s, s1, s2) = ds[j];
                for k in 0..d {
                    row[shape.input_weight(j, k)] = a[j] * s1 * x[k];
                }
                row[shape.bias(j)] = a[j] * s1;
                row[shape.output_weight(j)] = s;
                // Second derivatives of f_i, weighted by the residual. Inputs extended by a 1
                // for the bias: x~ = (x, 1).
                let aj = shape.output_weight(j);
                for k in 0..=d {
                    let xk = if k < d { x[k] } else { 1.0 };
                    let ik = if k < d {
                        shape.input_weight(j, k)
                    } else {
                        shape.bias(j)
                    };
                    second[[ik, aj]] += r * s1 * xk;
                    for l in 0..=d {
                        let xl = if l < d { x[l] } else { 1.0 };
                        let il = if l < d {
                            shape.input_weight(j, l)
                        } else {
                            shape.bias(j)
                        };
                        second[[ik, il]] += r * a[j] * s2 * xk * xl;
                    }
                }
            }
            row[shape.output_bias()] = 1.0;
        }
        // Mirror the (input, output-weight) cross terms.
        for j in 0..width {
            let aj = shape.output_weight(j);
            for k in 0..=d {
                let ik = if k < d {
                    shape.input_weight(j, k)
                } else {
                    shape.bias(j)
                };
                second[[aj, ik]] = second[[ik, aj]];
            }
        }
        let mut h = jac.t().dot(&jac);
        h += &second;
        h *= 2.0 / n as f64;
        // The matrix product need not round symmetrically; make the result exactly symmetric.
        for i in 0..p {
            for j in 0..i {
                let m = 0.5 * (h[[i, j]] + h[[j, i]]);
                h[[i, j]] = m;
                h[[j, i]] = m;
            }
        }
        h
    }
}

/// The samples of a task packed four to a SIMD vector, column by column, the last vector
/// padded with zeros. `mask` is 1 in real lanes and 0 in padding lanes.
struct PackedSamples {
    columns: Vec<Vec<f64x4>>,
    targets: Vec<f64x4>,
    mask: Vec<f64x4>,
}

impl PackedSamples {
    fn new(task: &Task) -> PackedSamples {
        let pack = |values: &mut dyn Iterator<Item = f64>| -> Vec<f64x4> {
            let values: Vec<f64> = values.collect();
            values
                .chunks(4)
                .map(|c| {
                    let mut lanes = [0.0; 4];
                    lanes[..c.len()].copy_from_slice(c);
                    f64x4::new(lanes)
                })
                .collect()
        };
        PackedSamples {
            columns: task
                .inputs
                .columns()
                .into_iter()
                .map(|c| pack(&mut c.iter().copied()))
                .collect(),
            targets: pack(&mut task.targets.iter().copied()),
            mask: pack(&mut task.targets.iter().map(|_| 1.0)),
        }
    }

    /// Number of four-lane vectors per column.
    fn chunks(&self) -> usize {
        self.targets.len()
    }
}

/// The sum of a vector's lanes, in a fixed order: `(l0 + l1) + (l2 + l3)`.
#[inline]
fn lane_sum(v: f64x4) -> f64 {
    let l = v.to_array();
    (l[0] + l[1]) + (l[2] + l[3])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::network::Network;
    use crate::core::rng::{SeededRng, Stream};
    use crate::core::task::TaskConfig;

    fn setup(act: Activation, k: usize, d: usize, n: usize, seed: u64) -> (Task, Vec<f64>) {
        let task = Task::generate(TaskConfig {
            teacher_width: k,
            input_dim: d,
            samples: 64,
            activation: act,
            seed,
        });
        let mut rng = SeededRng::new(seed, Stream::Student);
        let mut net = Network::student_init(Shape::new(d, n), act, &mut rng);
        // Non-zero biases so every block of the derivatives is exercised.
        for p in &mut net.params[net.shape.biases()] {
            *p = 0.3 * rng.normal();
        }
        net.params[net.shape.output_bias()] = 0.1;
        (task, net.params)
    }

    /// Central finite difference of `f` at `x` along coordinate `i`.
    fn central_difference(f: impl Fn(&[f64]) -> f64, x: &[f64], i: usize, h: f64) -> f64 {
        let mut xp = x.to_vec();
        let mut xm = x.to_vec();
        xp[i] += h;
        xm[i] -= h;
        (f(&xp) - f(&xm)) / (2.0 * h)
    }

    #[test]
    fn gradient_matches_central_differences_for_every_activation_and_width() {
        for act in Activation::ALL {
            for (n, d) in [(1, 1), (3, 2), (6, 3)] {
                let (task, params) = setup(act, 2, d, n, 11 + n as u64);
                let obj = Objective::new(&task, n);
                let mut grad = vec![0.0; params.len()];
                let loss = obj.loss_and_gradient(&params, &mut grad);
                assert_eq!(loss, obj.loss(&params), "{act}: loss paths agree");
                for (i, g) in grad.iter().enumerate() {
                    let fd = central_difference(|p| obj.loss(p), &params, i, 1e-6);
                    let tol = 1e-7 * (1.0 + fd.abs());
                    assert!(
                        (fd - g).abs() < tol,
                        "{act} n={n} d={d} param {i}: analytic {g} vs fd {fd}"
                    );
                }
            }
        }
    }

    #[test]
    fn hessian_matches_central_differences_of_the_gradient() {
        for act in Activation::ALL {
            for (n, d) in [(1, 1), (2, 2), (5, 2)] {
                let (task, params) = setup(act, 3, d, n, 5 + n as u64);
                let obj = Objective::new(&task, n);
                let hess = obj.hessian(&params);
                let p = params.len();
                for i in 0..p {
                    for j in 0..p {
                        assert_eq!(hess[[i, j]], hess[[j, i]], "{act}: symmetric");
                    }
                    let mut xp = params.clone();
                    let mut xm = params.clone();
                    xp[i] += 1e-5;
                    xm[i] -= 1e-5;
                    let gp = obj.gradient(&xp);
                    let gm = obj.gradient(&xm);
                    for j in 0..p {
                        let fd = (gp[j] - gm[j]) / 2e-5;
                        let tol = 1e-6 * (1.0 + fd.abs());
                        assert!(
                            (fd - hess[[i, j]]).abs() < tol,
                            "{act} n={n} d={d} H[{i},{j}] = {} vs fd {fd}",
                            hess[[i, j]]
                        );
                    }
                }
            }
        }
    }
}
