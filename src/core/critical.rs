//! Convergence to a true critical point, and what kind of critical point it is.
//!
//! [`converge`] is a Newton iteration on the gradient with the exact Hessian: each step is
//! `-H^+ g`, the pseudo-inverse taken in the Hessian's eigenbasis (eigenvalues of magnitude at
//! most [`PSEUDO_INVERSE_CUTOFF`] times the largest are left out, so flat directions do not
//! blow the step up), shortened by halving until the gradient norm decreases. Unlike the
//! saddle-free polishing of [`crate::core::newton`], which always goes downhill and so never
//! settles on a saddle, it converges to the critical point nearest in Newton's sense, of any
//! index: what the census needs to name the end points of gradient flow.
//!
//! **Stopping criterion** ([`Convergence`]): the gradient norm falls below
//! [`GRADIENT_TOLERANCE`] (`1e-10`: converged), or no halving of the step (down to `2^-30`)
//! lowers the gradient norm (no progress), or the iterations run out.
//!
//! **Classification** ([`classify`]) by the Hessian spectrum at the point, with the tolerance
//! `tol = EIGEN_TOLERANCE * max(1, max |lambda|)` (`1e-8` relative): eigenvalues below `-tol`
//! are negative (their count is the saddle's index), those within `[-tol, tol]` flat (a
//! continuous family of critical points through the point, as a wider network's duplicated or
//! silent neurons make), the rest positive. A point whose gradient norm is not below the
//! tolerance is [`CriticalKind::NotConverged`] whatever its spectrum.

use crate::core::flow::{norm, GradientSystem};
use crate::core::spectrum::Spectrum;

/// A point is critical when its gradient norm is below this.
pub const GRADIENT_TOLERANCE: f64 = 1e-10;

/// Eigenvalues within this fraction of `max(1, max |lambda|)` of zero are flat.
pub const EIGEN_TOLERANCE: f64 = 1e-8;

/// Eigenvalues below this fraction of the largest magnitude are left out of a Newton step.
pub const PSEUDO_INVERSE_CUTOFF: f64 = 1e-12;

/// Why [`converge`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Convergence {
    /// The gradient norm fell below [`GRADIENT_TOLERANCE`] after this many Newton steps.
    Converged {
        /// Newton steps taken.
        steps: usize,
    },
    /// No shortened step lowered the gradient norm.
    NoProgress {
        /// Newton steps taken.
        steps: usize,
    },
    /// The iterations ran out.
    IterationLimit,
}

/// What kind of critical point a point is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CriticalKind {
    /// Every eigenvalue positive: a strict local minimum.
    Minimum,
    /// No negative eigenvalue, `flat` of them zero within the tolerance: a minimum on a
    /// continuous family (or a degenerate point whose type the spectrum cannot settle).
    DegenerateMinimum {
        /// Eigenvalues within the tolerance of zero.
        flat: usize,
    },
    /// `index` negative eigenvalues: a saddle, escapable along them.
    Saddle {
        /// Negative eigenvalues.
        index: usize,
        /// Eigenvalues within the tolerance of zero.
        flat: usize,
    },
    /// The gradient norm is not below [`GRADIENT_TOLERANCE`]: not a critical point (yet).
    NotConverged,
}

impl CriticalKind {
    /// Short name for tables: `minimum`, `degenerate minimum`, `saddle`, `not converged`.
    pub fn name(self) -> &'static str {
        match self {
            CriticalKind::Minimum => "minimum",
            CriticalKind::DegenerateMinimum { .. } => "degenerate minimum",
            CriticalKind::Saddle { .. } => "saddle",
            CriticalKind::NotConverged => "not converged",
        }
    }

    /// True for both kinds of minimum.
    pub fn is_minimum(self) -> bool {
        matches!(
            self,
            CriticalKind::Minimum | CriticalKind::DegenerateMinimum { .. }
        )
    }

    /// The saddle's index (0 for a minimum or a point that did not converge).
    pub fn index(self) -> usize {
        match self {
            CriticalKind::Saddle { index, .. } => index,
            _ => 0,
        }
    }

    /// Flat eigenvalues (0 where none were counted).
    pub fn flat(self) -> usize {
        match self {
            CriticalKind::DegenerateMinimum { flat } | CriticalKind::Saddle { flat, .. } => flat,
            _ => 0,
        }
    }
}

/// A classified point: its loss, gradient norm, spectrum summary and kind.
#[derive(Clone, Debug)]
pub struct CriticalPoint {
    /// Loss at the point.
    pub loss: f64,
    /// Gradient norm at the point.
    pub gradient_norm: f64,
    /// Smallest Hessian eigenvalue.
    pub min_eigenvalue: f64,
    /// Largest Hessian eigenvalue.
    pub max_eigenvalue: f64,
    /// The tolerance the eigenvalues were compared with.
    pub tolerance: f64,
    /// The classification.
    pub kind: CriticalKind,
    /// Unit eigenvector of the smallest eigenvalue (the escape direction at a saddle).
    pub lowest_direction: Vec<f64>,
}

/// Runs up to `iterations` Newton steps on the gradient from `params` (see the module notes);
/// `params` ends at the last accepted point.
pub fn converge(
    system: &impl GradientSystem,
    params: &mut [f64],
    iterations: usize,
) -> Convergence {
    let p = params.len();
    let mut grad = vec![0.0; p];
    let mut trial = vec![0.0; p];
    let mut trial_grad = vec![0.0; p];
    system.loss_and_gradient(params, &mut grad);
    let mut gnorm = norm(&grad);
    for steps in 0..iterations {
        if gnorm < GRADIENT_TOLERANCE {
            return Convergence::Converged { steps };
        }
        let spectrum = Spectrum::of_symmetric(&system.hessian(params));
        let largest = spectrum.values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let cutoff = PSEUDO_INVERSE_CUTOFF * largest;
        let mut step = vec![0.0; p];
        for (lambda, v) in spectrum.values.iter().zip(&spectrum.vectors) {
            if lambda.abs() > cutoff {
                let coefficient = -v.iter().zip(&grad).map(|(a, b)| a * b).sum::<f64>() / lambda;
                for (s, vi) in step.iter_mut().zip(v) {
                    *s += coefficient * vi;
                }
            }
        }
        let mut scale = 1.0;
        let mut accepted = false;
        for _ in 0..=30 {
            for ((t, x), s) in trial.iter_mut().zip(params.iter()).zip(&step) {
                *t = x + scale * s;
            }
            system.loss_and_gradient(&trial, &mut trial_grad);
            let trial_norm = norm(&trial_grad);
            if trial_norm < gnorm {
                params.copy_from_slice(&trial);
                std::mem::swap(&mut grad, &mut trial_grad);
                gnorm = trial_norm;
                accepted = true;
                break;
            }
            scale *= 0.5;
        }
        if !accepted {
            return Convergence::NoProgress { steps };
        }
    }
    if gnorm < GRADIENT_TOLERANCE {
        Convergence::Converged { steps: iterations }
    } else {
        Convergence::IterationLimit
    }
}

/// Classifies `params` by its gradient norm and Hessian spectrum (see the module notes).
pub fn classify(system: &impl GradientSystem, params: &[f64]) -> CriticalPoint {
    let mut grad = vec![0.0; params.len()];
    let loss = system.loss_and_gradient(params, &mut grad);
    let gradient_norm = norm(&grad);
    let spectrum = Spectrum::of_symmetric(&system.hessian(params));
    let largest = spectrum.values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let tolerance = EIGEN_TOLERANCE * largest.max(1.0);
    let index = spectrum.count_negative(tolerance);
    let flat = spectrum
        .values
        .iter()
        .filter(|v| v.abs() <= tolerance)
        .count();
    let converged = gradient_norm < GRADIENT_TOLERANCE;
    let kind = if !converged {
        CriticalKind::NotConverged
    } else if index > 0 {
        CriticalKind::Saddle { index, flat }
    } else if flat > 0 {
        CriticalKind::DegenerateMinimum { flat }
    } else {
        CriticalKind::Minimum
    };
    CriticalPoint {
        loss,
        gradient_norm,
        min_eigenvalue: spectrum.values.first().copied().unwrap_or(f64::NAN),
        max_eigenvalue: spectrum.values.last().copied().unwrap_or(f64::NAN),
        tolerance,
        kind,
        lowest_direction: spectrum.vectors.first().cloned().unwrap_or_default(),
    }
}
