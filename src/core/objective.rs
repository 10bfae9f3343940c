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
        self.evaluate(params, None)
    }

    /// The loss at `params`; writes its gradient into `grad` (of length `num_params`).
    pub fn loss_and_gradient(&self, params: &[f64], grad: &mut [f64]) -> f64 {
        self.evaluate(params, Some(grad))
    }

    /// The loss, and the gradient into `grad` when given.
    ///
    /// Samples go four at a time through SIMD lanes: for each group of four, the forward pass
    /// over all neurons, then its contribution to every gradient entry, added to a per-entry
    /// four-lane accumulator. The working set (a few vectors per neuron) stays in the
    /// innermost cache, and every sum over samples is a fixed interleaving of four partial
    /// sums, the same on every target.
    fn evaluate(&self, params: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let shape = self.shape;
        let (d, width, samples) = (shape.input_dim, shape.width, self.task.len());
        let splat = |range: std::ops::Range<usize>| -> Vec<f64x4> {
            params[range].iter().map(|&p| f64x4::splat(p)).collect()
        };
        let w = splat(shape.input_weights());
        let b = splat(shape.biases());
        let a = splat(shape.output_weights());
        let c = f64x4::splat(params[shape.output_bias()]);
        let scale = f64x4::splat(2.0 / samples as f64);
        let with_gradient = grad.is_some();
        // Per-neuron values and slopes of the current four samples, and the gradient's
        // accumulators (laid out like the parameters).
        let mut h = vec![f64x4::ZERO; width];
        let mut ds = vec![f64x4::ZERO; width];
        let mut acc = vec![f64x4::ZERO; if with_gradient { shape.num_params() } else { 0 }];
        let mut x = vec![f64x4::ZERO; d];
        let mut squares = f64x4::ZERO;
        // Row-major `N x d` (the task builds it in standard layout; copied otherwise).
        let copy: Vec<f64>;
        let inputs: &[f64] = match self.task.inputs.as_slice() {
            Some(rows) => rows,
            None => {
                copy = self.task.inputs.iter().copied().collect();
                &copy
            }
        };
        let targets = &self.task.targets;
        for first in (0..samples).step_by(4) {
            // Gather four samples (the last group padded with zeros, masked out below).
            let lanes = (samples - first).min(4);
            let (mut y, mut mask) = ([0.0; 4], [0.0; 4]);
            for l in 0..lanes {
                y[l] = targets[first + l];
                mask[l] = 1.0;
            }
            for (k, x) in x.iter_mut().enumerate() {
                let lane = |l: usize| {
                    if l < lanes {
                        inputs[(first + l) * d + k]
                    } else {
                        0.0
                    }
                };
                *x = f64x4::new([lane(0), lane(1), lane(2), lane(3)]);
            }
            let (y, mask) = (f64x4::new(y), f64x4::new(mask));
            let mut f = c;
            for j in 0..width {
                let mut z = b[j];
                for (w, x) in w[j * d..(j + 1) * d].iter().zip(&x) {
                    z += *w * *x;
                }
                let (value, slope) = self.activation.value_and_slope_x4(z);
                h[j] = value;
                ds[j] = slope;
                f += a[j] * value;
            }
            let r = (f - y) * mask;
            squares += r * r;
            if !with_gradient {
                continue;
            }
            // dL/df for the four samples.
            let g = scale * r;
            for j in 0..width {
                acc[shape.output_weight(j)] += g * h[j];
                // dL/dz_j.
                let gz = g * a[j] * ds[j];
                acc[shape.bias(j)] += gz;
                let row = &mut acc[j * d..(j + 1) * d];
                for (acc, x) in row.iter_mut().zip(&x) {
                    *acc += gz * *x;
                }
            }
            acc[shape.output_bias()] += g;
        }
        if let Some(grad) = grad {
            for (g, &acc) in grad.iter_mut().zip(&acc) {
                *g = lane_sum(acc);
            }
        }
        lane_sum(squares) / samples as f64
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
