//! Second-order polishing of end points: damped, saddle-free Newton steps with the exact
//! Hessian, as the science notes describe ("a few Newton steps at the end make minima exact"),
//! and the classification of an end point by its Hessian spectrum.

use crate::core::objective::Objective;
use crate::core::spectrum::Spectrum;
use ndarray::{Array1, Array2};

/// Eigenvalues below `-NEGATIVE_TOLERANCE` count as clearly negative (a saddle).
pub const NEGATIVE_TOLERANCE: f64 = 1e-6;

/// Runs up to `iterations` Levenberg–Marquardt steps on `params`: each solves
/// `(|H| + mu I) step = -g` in the Hessian's eigenbasis (`|H|` flips negative curvature, so the
/// step always goes downhill), is accepted only if the loss decreases, and halves `mu` on
/// success or grows it tenfold on failure. Returns the final loss.
pub fn polish(objective: &Objective<'_>, params: &mut [f64], iterations: usize) -> f64 {
    polish_in(objective, params, iterations, None)
}

/// [`polish`] restricted to the span of `basis` (columns, each of the parameters' length):
/// steps are `B dz` with the reduced gradient `B^T g` and Hessian `B^T H B`. With `None` the
/// whole parameter space is used. A mask is the basis of its kept coordinates.
pub fn polish_in(
    objective: &Objective<'_>,
    params: &mut [f64],
    iterations: usize,
    basis: Option<&Array2<f64>>,
) -> f64 {
    let mut polisher = Polisher::new(objective, params, iterations, basis.cloned());
    while polisher.step(objective, params) {}
    polisher.loss()
}

/// Levenberg–Marquardt polishing one step at a time (see [`polish`]), so that a page can draw
/// every step and spread them over animation frames. [`polish_in`] is a loop over it.
#[derive(Clone, Debug)]
pub struct Polisher {
    basis: Option<Array2<f64>>,
    grad: Vec<f64>,
    trial: Vec<f64>,
    loss: f64,
    mu: f64,
    left: usize,
    done: bool,
    losses: Vec<f64>,
}

impl Polisher {
    /// Polishing of `params` for at most `iterations` steps, within the span of `basis`.
    pub fn new(
        objective: &Objective<'_>,
        params: &[f64],
        iterations: usize,
        basis: Option<Array2<f64>>,
    ) -> Polisher {
        let mut grad = vec![0.0; params.len()];
        let loss = objective.loss_and_gradient(params, &mut grad);
        Polisher {
            basis,
            grad,
            trial: vec![0.0; params.len()],
            loss,
            mu: 1e-6,
            left: iterations,
            done: false,
            losses: Vec::new(),
        }
    }

    /// A polishing that already ran elsewhere (a web worker) and ended at `loss` after the
    /// accepted steps' `losses`: done, with nothing left to step.
    pub fn finished(loss: f64, losses: Vec<f64>) -> Polisher {
        Polisher {
            basis: None,
            grad: Vec::new(),
            trial: Vec::new(),
            loss,
            mu: 0.0,
            left: 0,
            done: true,
            losses,
        }
    }

    /// The loss at the current point.
    pub fn loss(&self) -> f64 {
        self.loss
    }

    /// The loss after each accepted step, in order.
    pub fn losses(&self) -> &[f64] {
        &self.losses
    }

    /// True once no further step will be taken (iterations used up, no improving step found,
    /// or a loss of zero or not finite).
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Takes one step on `params` (the point given to [`Polisher::new`], as left by earlier
    /// steps); returns true if polishing may continue.
    pub fn step(&mut self, objective: &Objective<'_>, params: &mut [f64]) -> bool {
        if self.done || self.left == 0 || !self.loss.is_finite() || self.loss == 0.0 {
            self.done = true;
            return false;
        }
        self.left -= 1;
        let hessian = objective.hessian(params);
        let (reduced_h, reduced_g) = match &self.basis {
            Some(b) => (
                b.t().dot(&hessian.dot(b)),
                b.t().dot(&Array1::from(self.grad.clone())).to_vec(),
            ),
            None => (hessian, self.grad.clone()),
        };
        let spectrum = Spectrum::of_symmetric(&reduced_h);
        for _ in 0..8 {
            let mut dz = vec![0.0; reduced_g.len()];
            for (lambda, v) in spectrum.values.iter().zip(&spectrum.vectors) {
                let coeff = v.iter().zip(&reduced_g).map(|(a, b)| a * b).sum::<f64>()
                    / (lambda.abs() + self.mu);
                for (d, vi) in dz.iter_mut().zip(v) {
                    *d -= coeff * vi;
                }
            }
            let step = match &self.basis {
                Some(b) => b.dot(&Array1::from(dz)).to_vec(),
                None => dz,
            };
            for ((t, p), s) in self.trial.iter_mut().zip(params.iter()).zip(&step) {
                *t = p + s;
            }
            let trial_loss = objective.loss(&self.trial);
            if trial_loss < self.loss {
                params.copy_from_slice(&self.trial);
                self.loss = objective.loss_and_gradient(params, &mut self.grad);
                self.mu = (self.mu * 0.5).max(1e-12);
                self.losses.push(self.loss);
                if self.left == 0 {
                    self.done = true;
                }
                return !self.done;
            }
            self.mu *= 10.0;
        }
        self.done = true;
        false
    }
}

/// The basis of the coordinates kept by `mask` (one unit column per `true`).
pub fn mask_basis(mask: &[bool]) -> Array2<f64> {
    let kept: Vec<usize> = (0..mask.len()).filter(|&i| mask[i]).collect();
    let mut b = Array2::zeros((mask.len(), kept.len()));
    for (c, &i) in kept.iter().enumerate() {
        b[[i, c]] = 1.0;
    }
    b
}

/// What kind of point training ended at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum EndKind {
    /// Loss below the success threshold: the teacher's global minimum.
    GlobalMinimum,
    /// Above the threshold, no clearly negative curvature: a bad local minimum (or a flat
    /// critical manifold).
    BadMinimum,
    /// Above the threshold with a clearly negative eigenvalue: a saddle, escapable in principle.
    Saddle,
}

impl EndKind {
    /// Short name for tables.
    pub fn name(self) -> &'static str {
        match self {
            EndKind::GlobalMinimum => "global minimum",
            EndKind::BadMinimum => "bad minimum",
            EndKind::Saddle => "saddle",
        }
    }
}

/// An end point's loss, gradient norm and Hessian spectrum summary.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EndPoint {
    /// Loss at the point.
    pub loss: f64,
    /// Norm of the gradient.
    pub gradient_norm: f64,
    /// Smallest Hessian eigenvalue.
    pub min_eigenvalue: f64,
    /// Number of eigenvalues below `-NEGATIVE_TOLERANCE`.
    pub negative_eigenvalues: usize,
    /// The classification.
    pub kind: EndKind,
    /// Eigenvector of the smallest eigenvalue (the escape direction at a saddle).
    pub lowest_direction: Vec<f64>,
}

/// Classifies `params` by loss (against `threshold`) and Hessian spectrum.
pub fn classify(objective: &Objective<'_>, params: &[f64], threshold: f64) -> EndPoint {
    let mut grad = vec![0.0; params.len()];
    let loss = objective.loss_and_gradient(params, &mut grad);
    let spectrum = Spectrum::of_symmetric(&objective.hessian(params));
    let min_eigenvalue = spectrum.values.first().copied().unwrap_or(f64::NAN);
    let negative_eigenvalues = spectrum.count_negative(NEGATIVE_TOLERANCE);
    let kind = if loss < threshold {
        EndKind::GlobalMinimum
    } else if negative_eigenvalues > 0 {
        EndKind::Saddle
    } else {
        EndKind::BadMinimum
    };
    EndPoint {
        loss,
        gradient_norm: grad.iter().map(|g| g * g).sum::<f64>().sqrt(),
        min_eigenvalue,
        negative_eigenvalues,
        kind,
        lowest_direction: spectrum.vectors.first().cloned().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::task::{Task, TaskConfig};
    use crate::core::train::{TrainConfig, Trainer};
    use std::sync::Arc;

    #[test]
    fn polishing_a_converging_run_makes_the_minimum_exact() {
        let task = Arc::new(Task::generate(TaskConfig::default()));
        let config = TrainConfig {
            max_steps: 3000,
            ..TrainConfig::default()
        };
        // Width 4, seed 2 is on its way to the global minimum (see tests/training.rs).
        let mut t = Trainer::new(task.clone(), 4, 2, config);
        t.run_to_end();
        let before = t.loss();
        let obj = Objective::new(&task, 4);
        let mut p = t.params().to_vec();
        assert!(before < 1e-3, "trained to {before:.3e}");
        let after = polish(&obj, &mut p, 20);
        assert!(after < 1e-3 * before, "{before:.3e} -> {after:.3e}");
        let end = classify(&obj, &p, 1e-5);
        assert_eq!(end.kind, EndKind::GlobalMinimum);
        assert!(
            end.gradient_norm < 1e-8,
            "gradient {:.3e}",
            end.gradient_norm
        );
    }

    #[test]
    fn masked_polishing_keeps_pruned_coordinates_and_lowers_the_loss() {
        let task = Arc::new(Task::generate(TaskConfig::default()));
        let config = TrainConfig {
            max_steps: 1500,
            ..TrainConfig::default()
        };
        let t = Trainer::new(task.clone(), 6, 2, config);
        let keep: Vec<bool> = (0..t.params().len()).map(|i| i % 4 != 1).collect();
        let mut t = t.with_mask(&keep);
        t.run_to_end();
        let obj = Objective::new(&task, 6);
        let mut p = t.params().to_vec();
        let after = polish_in(&obj, &mut p, 10, Some(&mask_basis(&keep)));
        assert!(after < t.loss(), "{:.3e} -> {after:.3e}", t.loss());
        for (i, &k) in keep.iter().enumerate() {
            if !k {
                assert_eq!(p[i], 0.0);
            }
        }
    }

    #[test]
    fn a_saddle_is_classified_by_its_negative_eigenvalue() {
        // L(x, y) would need a custom objective; use the origin of a student, where all
        // output weights are 0 and the residual is the whole target: a saddle of the MSE.
        let task = Task::generate(TaskConfig::default());
        let obj = Objective::new(&task, 2);
        let mut p = vec![0.0; obj.num_params()];
        p[0] = 1.0; // neuron 0 sees input 0; its output weight is 0
        p[3] = 1.0; // neuron 1 sees input 1
        let end = classify(&obj, &p, 1e-5);
        assert!(
            end.min_eigenvalue < -NEGATIVE_TOLERANCE,
            "{}",
            end.min_eigenvalue
        );
        assert_eq!(end.kind, EndKind::Saddle);
        assert_eq!(end.lowest_direction.len(), obj.num_params());
    }
}
