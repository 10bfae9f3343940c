//! The training objective: full-batch mean squared error of a student on a task, with its
//! analytic gradient and exact Hessian.
//!
//! `L(theta) = (1/N) sum_i (f(x_i; theta) - y_i)^2`.

use crate::core::activation::Activation;
use crate::core::network::Shape;
#[cfg(target_arch = "x86_64")]
use crate::core::simd::Avx;
use crate::core::simd::{dispatch, Lanes4, Simd};
use crate::core::task::Task;
use ndarray::Array2;
use std::ops::Range;
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
        self.evaluate(Simd::detected(), params, None)
    }

    /// The loss at `params`; writes its gradient into `grad` (of length `num_params`).
    pub fn loss_and_gradient(&self, params: &[f64], grad: &mut [f64]) -> f64 {
        self.evaluate(Simd::detected(), params, Some(grad))
    }

    /// [`Objective::loss`] on the given SIMD path (the baseline where the CPU lacks it): the
    /// same bits on every path.
    pub fn loss_on(&self, simd: Simd, params: &[f64]) -> f64 {
        self.evaluate(simd, params, None)
    }

    /// [`Objective::loss_and_gradient`] on the given SIMD path (the baseline where the CPU
    /// lacks it): the same bits on every path.
    pub fn loss_and_gradient_on(&self, simd: Simd, params: &[f64], grad: &mut [f64]) -> f64 {
        self.evaluate(simd, params, Some(grad))
    }

    /// The loss, and the gradient into `grad` when given, on `simd` if the CPU has it.
    fn evaluate(&self, simd: Simd, params: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let mut squares = [0.0; 4];
        let all = 0..self.task.len();
        self.accumulate(simd, params, all, Sums::Final(grad), &mut squares);
        lane_sum(squares) / self.task.len() as f64
    }

    /// An evaluation of the loss and gradient at `params` to be taken a piece of the samples
    /// at a time ([`Objective::advance_evaluation`]), so that no piece of a large network's
    /// step takes long; its result has the same bits as [`Objective::loss_and_gradient`].
    pub fn partial_evaluation(&self, params: &[f64]) -> PartialEvaluation {
        PartialEvaluation {
            params: params.to_vec(),
            next: 0,
            acc: vec![[0.0; 4]; self.num_params()],
            squares: [0.0; 4],
        }
    }

    /// Adds the next `samples` samples (rounded up to a multiple of four; fewer at the end)
    /// to `evaluation`; returns how many it added. Done once
    /// [`PartialEvaluation::is_complete`] for this objective.
    pub fn advance_evaluation(&self, evaluation: &mut PartialEvaluation, samples: usize) -> usize {
        let n = self.task.len();
        let from = evaluation.next;
        let to = from + (samples.clamp(1, n.max(1)).div_ceil(4) * 4).min(n - from.min(n));
        if from >= to {
            return 0;
        }
        let PartialEvaluation {
            params,
            acc,
            squares,
            ..
        } = evaluation;
        self.accumulate(
            Simd::detected(),
            params,
            from..to,
            Sums::Partial(acc),
            squares,
        );
        evaluation.next = to;
        to - from
    }

    /// The loss of a complete `evaluation`, with its gradient written into `grad`: the bits
    /// of [`Objective::loss_and_gradient`] at its parameters (the same sums in the same
    /// order). `None` while samples are left.
    pub fn finish_evaluation(
        &self,
        evaluation: &PartialEvaluation,
        grad: &mut [f64],
    ) -> Option<f64> {
        if !evaluation.is_complete(self) {
            return None;
        }
        for (g, &acc) in grad.iter_mut().zip(&evaluation.acc) {
            *g = lane_sum(acc);
        }
        Some(lane_sum(evaluation.squares) / self.task.len() as f64)
    }

    /// Adds the samples `range` to the sums: `squares` (the four lanes of the squared
    /// residuals) and, as `sums` says, the gradient's four-lane accumulators kept for the next
    /// piece or summed into the gradient. `range` starts at a multiple of four and ends at one
    /// or at the last sample.
    fn accumulate(
        &self,
        simd: Simd,
        params: &[f64],
        range: Range<usize>,
        sums: Sums<'_>,
        squares: &mut [f64; 4],
    ) {
        dispatch!(
            simd,
            self.accumulate_avx2(params, range, sums, squares),
            self.accumulate_lanes::<f64x4, GROUPS>(params, range, sums, squares)
        )
    }

    /// [`Objective::accumulate_lanes`] compiled for AVX2 and FMA, on one AVX register per
    /// four samples.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn accumulate_avx2(
        &self,
        params: &[f64],
        range: Range<usize>,
        sums: Sums<'_>,
        squares: &mut [f64; 4],
    ) {
        self.accumulate_lanes::<Avx, GROUPS_AVX2>(params, range, sums, squares)
    }

    /// The loss and gradient sums over the samples `range` (see [`Objective::accumulate`]).
    ///
    /// Samples go four at a time through SIMD lanes (a group), `G` groups together (a
    /// block): for each block, the forward pass over all neurons, then its contribution to
    /// every gradient entry, added to a per-entry four-lane accumulator group after group. The
    /// working set (a few vectors per neuron) stays in the innermost cache, and every sum over
    /// samples is a fixed interleaving of four partial sums, the same on every target, for
    /// every block size and however the samples are cut into ranges. (A block's groups are
    /// independent until they are accumulated: their `tanh`s run step by step side by side,
    /// which keeps more of the CPU's arithmetic units busy than one long chain of dependent
    /// operations.)
    #[inline(always)]
    fn accumulate_lanes<V: Lanes4, const G: usize>(
        &self,
        params: &[f64],
        range: Range<usize>,
        sums: Sums<'_>,
        squares: &mut [f64; 4],
    ) {
        let shape = self.shape;
        let (d, width, samples) = (shape.input_dim, shape.width, self.task.len());
        // Row-major `N x d` (the task builds it in standard layout; copied otherwise).
        let copy: Vec<f64>;
        let inputs: &[f64] = match self.task.inputs.as_slice() {
            Some(rows) => rows,
            None => {
                copy = self.task.inputs.iter().copied().collect();
                &copy
            }
        };
        let with_gradient = match &sums {
            Sums::Final(grad) => grad.is_some(),
            Sums::Partial(_) => true,
        };
        // One allocation: the input weights, biases and output weights splatted (they lie in
        // that order at the start of `params`), then the block's values, slopes and inputs
        // and the gradient's accumulators.
        let splatted = width * (d + 2);
        let accumulators = if with_gradient { shape.num_params() } else { 0 };
        let mut buffer = Vec::with_capacity(splatted + 2 * width * G + d * G + accumulators);
        buffer.extend(params[..splatted].iter().map(|&p| V::splat(p)));
        buffer.resize(buffer.capacity(), V::splat(0.0));
        let (weights, scratch) = buffer.split_at_mut(splatted);
        let (w, rest) = weights.split_at(width * d);
        let (b, a) = rest.split_at(width);
        let (h, rest) = scratch.split_at_mut(width * G);
        let (ds, rest) = rest.split_at_mut(width * G);
        let (x, acc) = rest.split_at_mut(d * G);
        if let Sums::Partial(kept) = &sums {
            for (v, lanes) in acc.iter_mut().zip(kept.iter()) {
                *v = V::from_array(*lanes);
            }
        }
        let mut kernel = Kernel {
            shape,
            activation: self.activation,
            w,
            b,
            a,
            c: V::splat(params[shape.output_bias()]),
            scale: V::splat(2.0 / samples as f64),
            inputs,
            targets: &self.task.targets,
            h,
            ds,
            x,
            acc,
            squares: V::from_array(*squares),
        };
        // Whole blocks, then the remaining groups one by one (the last one padded).
        let whole = range.start + range.len() / (4 * G) * (4 * G);
        for first in (range.start..whole).step_by(4 * G) {
            kernel.block::<G>(first, with_gradient);
        }
        for first in (whole..range.end).step_by(4) {
            kernel.block::<1>(first, with_gradient);
        }
        *squares = kernel.squares.to_array();
        match sums {
            Sums::Final(Some(grad)) => {
                for (g, &acc) in grad.iter_mut().zip(kernel.acc.iter()) {
                    *g = lane_sum(acc.to_array());
                }
            }
            Sums::Final(None) => {}
            Sums::Partial(kept) => {
                for (lanes, v) in kept.iter_mut().zip(kernel.acc.iter()) {
                    *lanes = v.to_array();
                }
            }
        }
    }

    /// The gradient at `params` (allocating).
    pub fn gradient(&self, params: &[f64]) -> Vec<f64> {
        let mut g = vec![0.0; self.num_params()];
        self.loss_and_gradient(params, &mut g);
        g
    }

    /// The residuals `r_i = f(x_i) - y_i` at `params` and their Jacobian (`N x num_params`,
    /// row `i` the gradient of `f(x_i)`): the loss is `|r|^2 / N`, its gradient `(2/N) J^T r`.
    pub fn residuals_and_jacobian(&self, params: &[f64]) -> (Vec<f64>, Array2<f64>) {
        let shape = self.shape;
        let (d, width) = (shape.input_dim, shape.width);
        let (w, rest) = params.split_at(width * d);
        let (b, rest) = rest.split_at(width);
        let (a, c) = rest.split_at(width);
        let mut jac = Array2::<f64>::zeros((self.task.len(), shape.num_params()));
        let mut residuals = Vec::with_capacity(self.task.len());
        for (i, (x, &y)) in self
            .task
            .inputs
            .rows()
            .into_iter()
            .zip(&self.task.targets)
            .enumerate()
        {
            let mut f = c[0];
            let mut row = jac.row_mut(i);
            for j in 0..width {
                let z = b[j] + (0..d).map(|k| w[j * d + k] * x[k]).sum::<f64>();
                let (s, s1, _) = self.activation.all_derivatives(z);
                f += a[j] * s;
                for k in 0..d {
                    row[shape.input_weight(j, k)] = a[j] * s1 * x[k];
                }
                row[shape.bias(j)] = a[j] * s1;
                row[shape.output_weight(j)] = s;
            }
            row[shape.output_bias()] = 1.0;
            residuals.push(f - y);
        }
        (residuals, jac)
    }

    /// The exact Hessian at `params`:
    /// `(2/N) sum_i [ J_i J_i^T + r_i d^2 f_i ]`, with `J` the Jacobian of the outputs.
    pub fn hessian(&self, params: &[f64]) -> Array2<f64> {
        self.hessian_on(Simd::detected(), params)
    }

    /// [`Objective::hessian`] with its per-sample loop compiled for the given SIMD path (the
    /// baseline where the CPU lacks it): the same bits on every path.
    pub fn hessian_on(&self, simd: Simd, params: &[f64]) -> Array2<f64> {
        dispatch!(simd, self.hessian_avx2(params), self.hessian_body(params))
    }

    /// [`Objective::hessian_body`] compiled for AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    fn hessian_avx2(&self, params: &[f64]) -> Array2<f64> {
        self.hessian_body(params)
    }

    /// The Hessian (see [`Objective::hessian`]).
    #[inline(always)]
    fn hessian_body(&self, params: &[f64]) -> Array2<f64> {
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

/// Groups of four samples that go through [`Kernel::block`] together on the baseline path
/// (SSE2 natively, simd128 in wasm): three, of one to four the fastest with SSE2 (25% faster
/// than one at width 32) and about 20% faster than one in wasm, with the same bits (the
/// groups' sums are added in the same order whatever their number).
const GROUPS: usize = 3;

/// Groups of four samples per block on the AVX2 path (16 registers of four lanes: four chains
/// of `tanh` side by side measured fastest of one to four, 30-40% faster than one).
#[cfg(target_arch = "x86_64")]
const GROUPS_AVX2: usize = 4;

/// The state of one evaluation of the loss and gradient: the parameters splatted to vectors,
/// the data, the current block's per-neuron values and slopes, and the accumulators.
struct Kernel<'t, V> {
    shape: Shape,
    activation: Activation,
    w: &'t [V],
    b: &'t [V],
    a: &'t [V],
    c: V,
    scale: V,
    inputs: &'t [f64],
    targets: &'t [f64],
    /// Values and slopes of neuron `j` for group `g` at `j * G + g`.
    h: &'t mut [V],
    ds: &'t mut [V],
    /// Input `k` of group `g` at `k * G + g`.
    x: &'t mut [V],
    /// The gradient's accumulators (laid out like the parameters).
    acc: &'t mut [V],
    squares: V,
}

impl<V: Lanes4> Kernel<'_, V> {
    /// Adds the loss and gradient contributions of the `G` groups of four samples from
    /// `first` (samples past the end padded with zeros and masked out), group after group.
    #[inline(always)]
    fn block<const G: usize>(&mut self, first: usize, with_gradient: bool) {
        let (d, width) = (self.shape.input_dim, self.shape.width);
        let (y, mask) = gather::<V, G>(self.inputs, self.targets, first, d, &mut self.x[..d * G]);
        let f = forward::<V, G>(
            self.activation,
            (self.w, self.b, self.a, self.c),
            &self.x[..d * G],
            &mut self.h[..width * G],
            &mut self.ds[..width * G],
        );
        let mut r = [V::splat(0.0); G];
        for g in 0..G {
            r[g] = (f[g] - y[g]) * mask[g];
            self.squares += r[g] * r[g];
        }
        if !with_gradient {
            return;
        }
        // dL/df for the samples of each group.
        let dl = r.map(|r| self.scale * r);
        let (acc_w, rest) = self.acc.split_at_mut(width * d);
        let (acc_b, rest) = rest.split_at_mut(width);
        let (acc_a, acc_c) = rest.split_at_mut(width);
        backward::<V, G>(
            &dl,
            self.a,
            (
                &self.h[..width * G],
                &self.ds[..width * G],
                &self.x[..d * G],
            ),
            (acc_w, acc_b, acc_a, &mut acc_c[0]),
        );
    }
}

/// Loads the `G` groups of four samples from `first` into `x` (input `k` of group `g` at
/// `k * G + g`; samples past the end are zeros) and returns their targets and masks (1 for a
/// sample, 0 for padding).
#[inline(always)]
fn gather<V: Lanes4, const G: usize>(
    inputs: &[f64],
    targets: &[f64],
    first: usize,
    d: usize,
    x: &mut [V],
) -> ([V; G], [V; G]) {
    let samples = targets.len();
    let mut y = [V::splat(0.0); G];
    let mut mask = [V::splat(0.0); G];
    for g in 0..G {
        let start = first + 4 * g;
        let lanes = samples.saturating_sub(start).min(4);
        let (mut yl, mut ml) = ([0.0; 4], [0.0; 4]);
        for l in 0..lanes {
            yl[l] = targets[start + l];
            ml[l] = 1.0;
        }
        for k in 0..d {
            let lane = |l: usize| {
                if l < lanes {
                    inputs[(start + l) * d + k]
                } else {
                    0.0
                }
            };
            x[k * G + g] = V::from_array([lane(0), lane(1), lane(2), lane(3)]);
        }
        y[g] = V::from_array(yl);
        mask[g] = V::from_array(ml);
    }
    (y, mask)
}

/// The forward pass of `G` groups: every neuron's value and slope into `h` and `ds` (neuron
/// `j`, group `g` at `j * G + g`), and the outputs `f = c + sum_j a_j h_j`.
#[inline(always)]
fn forward<V: Lanes4, const G: usize>(
    activation: Activation,
    (w, b, a, c): (&[V], &[V], &[V], V),
    x: &[V],
    h: &mut [V],
    ds: &mut [V],
) -> [V; G] {
    let d = x.len() / G;
    let mut f = [c; G];
    let neurons = w.chunks_exact(d).zip(b).zip(a);
    let outputs = h.chunks_exact_mut(G).zip(ds.chunks_exact_mut(G));
    for (((w, &b), &a), (h, ds)) in neurons.zip(outputs) {
        let mut z = [b; G];
        for (&w, x) in w.iter().zip(x.chunks_exact(G)) {
            for g in 0..G {
                z[g] += w * x[g];
            }
        }
        let (value, slope) = activation.values_and_slopes(z);
        h.copy_from_slice(&value);
        ds.copy_from_slice(&slope);
        for g in 0..G {
            f[g] += a * value[g];
        }
    }
    f
}

/// Adds the gradient contributions of `G` groups with output derivatives `dl` to the
/// accumulators of the input weights, biases, output weights and output bias, group after
/// group in every accumulator.
#[inline(always)]
fn backward<V: Lanes4, const G: usize>(
    dl: &[V; G],
    a: &[V],
    (h, ds, x): (&[V], &[V], &[V]),
    (acc_w, acc_b, acc_a, acc_c): (&mut [V], &mut [V], &mut [V], &mut V),
) {
    let d = x.len() / G;
    let accumulators = acc_w.chunks_exact_mut(d).zip(acc_b).zip(acc_a);
    let neurons = a.iter().zip(h.chunks_exact(G)).zip(ds.chunks_exact(G));
    for (((acc_w, acc_b), acc_a), ((&a, h), ds)) in accumulators.zip(neurons) {
        // Each sum in a register while the groups are added in turn.
        let (mut sum_a, mut sum_b) = (*acc_a, *acc_b);
        let mut gz = [V::splat(0.0); G];
        for g in 0..G {
            sum_a += dl[g] * h[g];
            // dL/dz_j.
            gz[g] = dl[g] * a * ds[g];
            sum_b += gz[g];
        }
        (*acc_a, *acc_b) = (sum_a, sum_b);
        for (acc, x) in acc_w.iter_mut().zip(x.chunks_exact(G)) {
            let mut sum = *acc;
            for g in 0..G {
                sum += gz[g] * x[g];
            }
            *acc = sum;
        }
    }
    for &dl in dl {
        *acc_c += dl;
    }
}

/// The sum of four lanes, in a fixed order: `(l0 + l1) + (l2 + l3)`.
#[inline(always)]
fn lane_sum(l: [f64; 4]) -> f64 {
    (l[0] + l[1]) + (l[2] + l[3])
}

/// Where the gradient's sums of a range of samples go: summed into the gradient (if any) at
/// the end of a whole evaluation, or kept, four lanes per entry, for the next piece.
enum Sums<'g> {
    /// The last (or only) range: the lanes summed into the gradient, when one is wanted.
    Final(Option<&'g mut [f64]>),
    /// A piece: the accumulators start from and return to these lanes.
    Partial(&'g mut [[f64; 4]]),
}

/// An evaluation of the loss and gradient at fixed parameters, taken a piece of the samples
/// at a time ([`Objective::partial_evaluation`]): the parameters, the next sample, and the
/// four-lane sums so far.
#[derive(Clone, Debug, PartialEq)]
pub struct PartialEvaluation {
    params: Vec<f64>,
    next: usize,
    acc: Vec<[f64; 4]>,
    squares: [f64; 4],
}

impl PartialEvaluation {
    /// The parameters being evaluated.
    pub fn params(&self) -> &[f64] {
        &self.params
    }

    /// The parameters, taken out (once the evaluation is finished).
    pub fn into_params(self) -> Vec<f64> {
        self.params
    }

    /// Samples added so far.
    pub fn samples_done(&self) -> usize {
        self.next
    }

    /// True once every sample of `objective` has been added.
    pub fn is_complete(&self, objective: &Objective<'_>) -> bool {
        self.next >= objective.task.len()
    }
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

    /// The loss (and gradient) on the baseline path with blocks of `G` groups.
    fn lanes<const G: usize>(obj: &Objective<'_>, params: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let mut squares = [0.0; 4];
        let all = 0..obj.task.len();
        obj.accumulate_lanes::<f64x4, G>(params, all, Sums::Final(grad), &mut squares);
        lane_sum(squares) / obj.task.len() as f64
    }

    #[test]
    fn an_evaluation_in_pieces_gives_the_bits_of_a_whole_one() {
        for act in Activation::ALL {
            for samples in [64, 61, 3] {
                let (mut task, params) = setup(act, 3, 2, 9, 5);
                task.targets.truncate(samples);
                task.inputs = task.inputs.slice(ndarray::s![..samples, ..]).to_owned();
                let obj = Objective::new(&task, 9);
                let mut whole = vec![0.0; params.len()];
                let loss = obj.loss_and_gradient(&params, &mut whole);
                for piece in [1, 4, 5, 12, 17, 1000] {
                    let mut eval = obj.partial_evaluation(&params);
                    let mut grad = vec![0.0; params.len()];
                    let mut pieces = 0;
                    while !eval.is_complete(&obj) {
                        assert_eq!(obj.finish_evaluation(&eval, &mut grad), None);
                        let added = obj.advance_evaluation(&mut eval, piece);
                        assert!(added > 0 && added <= piece.div_ceil(4) * 4);
                        pieces += 1;
                    }
                    assert_eq!(pieces, samples.div_ceil(piece.div_ceil(4) * 4));
                    assert_eq!(obj.advance_evaluation(&mut eval, piece), 0);
                    let partial = obj.finish_evaluation(&eval, &mut grad).unwrap();
                    assert_eq!(
                        partial.to_bits(),
                        loss.to_bits(),
                        "{act} N={samples} pieces of {piece}"
                    );
                    let bits = |g: &[f64]| g.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                    assert_eq!(
                        bits(&grad),
                        bits(&whole),
                        "{act} N={samples} pieces of {piece}"
                    );
                    assert_eq!(eval.params(), params.as_slice());
                }
            }
        }
    }

    #[test]
    fn every_block_size_gives_the_same_bits() {
        for act in Activation::ALL {
            // 64 samples, then 61: whole blocks, and a padded last group.
            for samples in [64, 61] {
                let (mut task, params) = setup(act, 2, 2, 7, 3);
                task.targets.truncate(samples);
                task.inputs = task.inputs.slice(ndarray::s![..samples, ..]).to_owned();
                let obj = Objective::new(&task, 7);
                let run = |g: usize| {
                    let mut grad = vec![0.0; params.len()];
                    let loss = match g {
                        1 => lanes::<1>(&obj, &params, Some(&mut grad)),
                        2 => lanes::<2>(&obj, &params, Some(&mut grad)),
                        _ => lanes::<3>(&obj, &params, Some(&mut grad)),
                    };
                    let mut bits: Vec<u64> = grad.iter().map(|g| g.to_bits()).collect();
                    bits.push(loss.to_bits());
                    bits.push(lanes::<2>(&obj, &params, None).to_bits());
                    bits
                };
                let one = run(1);
                assert_eq!(one, run(2), "{act} N={samples}: blocks of 2");
                assert_eq!(one, run(3), "{act} N={samples}: blocks of 3");
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
