//! Convergence to a true critical point, and what kind of critical point it is.
//!
//! [`converge`] solves `g(theta) = grad L(theta) = 0` by Levenberg–Marquardt with the exact
//! Hessian `H` as the Jacobian of `g`: each step is `-(H^2 + mu I)^-1 H g`, computed in the
//! Hessian's eigenbasis, with `mu = |g|` (the choice of Fan and Yuan, under which the iteration
//! converges quadratically even where the critical points form a continuous family, as a
//! wider network's global minima do, and flat directions do not blow the step up); `mu` grows
//! tenfold until the gradient norm decreases. Unlike the saddle-free polishing of
//! [`crate::core::newton`], which always goes downhill and so never settles on a saddle, it
//! converges to the nearby critical point whatever its index: what the census needs to name
//! the end points of gradient flow.
//!
//! **Stopping criterion** ([`Convergence`]): the gradient norm falls below
//! [`GRADIENT_TOLERANCE`] (`1e-10`: converged; below a loss of [`RESIDUALS_FIRST_BELOW`] the
//! residual iteration runs first), or no damping up to `10^12 |g|`
//! ([`MAX_DAMPING_INCREASES`]) lowers the gradient norm (no progress), or the iterations run
//! out.
//!
//! **Classification** ([`classify`]) by the Hessian spectrum at the point, with the tolerance
//! `tol = EIGEN_TOLERANCE * max(1, max |lambda|)` (`1e-8` relative): eigenvalues below `-tol`
//! are negative (their count is the saddle's index), those within `[-tol, tol]` flat (a
//! continuous family of critical points through the point, as a wider network's duplicated or
//! silent neurons make), the rest positive. A point whose gradient norm is not below the
//! tolerance is [`CriticalKind::NotConverged`] whatever its spectrum.

use crate::core::flow::{norm, GradientSystem};
use crate::core::spectrum::Spectrum;
use nalgebra::{DMatrix, DVector};

/// A point is critical when its gradient norm is below this.
pub const GRADIENT_TOLERANCE: f64 = 1e-10;

/// Eigenvalues within this fraction of `max(1, max |lambda|)` of zero are flat.
pub const EIGEN_TOLERANCE: f64 = 1e-8;

/// Below this loss [`converge`] starts with the residuals: the point is next to a zero-loss
/// minimum, where the exact-Hessian iteration converges only slowly.
pub const RESIDUALS_FIRST_BELOW: f64 = 1e-8;

/// A step whose damping has grown tenfold this many times without lowering the gradient norm
/// means no progress.
pub const MAX_DAMPING_INCREASES: usize = 12;

/// Why [`converge`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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

/// Runs up to `iterations` Levenberg–Marquardt steps on the equation `grad L = 0` from
/// `params`, then, if the gradient norm is not yet below the tolerance and the loss is a sum of
/// squares, up to `iterations` Levenberg–Marquardt steps on the residuals (see the module
/// notes); `params` ends at the last accepted point.
pub fn converge(
    system: &impl GradientSystem,
    params: &mut [f64],
    iterations: usize,
) -> Convergence {
    let mut grad = vec![0.0; params.len()];
    if system.loss_and_gradient(params, &mut grad) < RESIDUALS_FIRST_BELOW {
        // Next to zero loss, where the minima form continuous families: residuals first.
        if let Some(Convergence::Converged { steps }) =
            converge_residuals(system, params, iterations)
        {
            return Convergence::Converged { steps };
        }
    }
    match converge_gradient(system, params, iterations) {
        Convergence::Converged { steps } => Convergence::Converged { steps },
        other => match converge_residuals(system, params, iterations) {
            Some(Convergence::Converged { steps }) => Convergence::Converged {
                steps: iterations + steps,
            },
            _ => other,
        },
    }
}

/// Levenberg–Marquardt on the residuals `r` of a least-squares loss: steps
/// `-(J^T J + mu I)^-1 J^T r` with `mu = |r|^2 / N` (the loss), accepted when the loss falls,
/// `mu` tenfold otherwise, until the gradient norm is below the tolerance. Near a family of
/// zero-loss minima (where the loss vanishes to second order in the distance) it converges
/// quadratically; `None` if the loss is not a sum of squares.
fn converge_residuals(
    system: &impl GradientSystem,
    params: &mut [f64],
    iterations: usize,
) -> Option<Convergence> {
    let p = params.len();
    let mut grad = vec![0.0; p];
    let mut loss = system.loss_and_gradient(params, &mut grad);
    let mut trial = vec![0.0; p];
    for steps in 0..iterations {
        if norm(&grad) < GRADIENT_TOLERANCE {
            return Some(Convergence::Converged { steps });
        }
        let (residuals, jac) = system.residuals_and_jacobian(params)?;
        let normal = jac.t().dot(&jac);
        let rhs: Vec<f64> = (0..p)
            .map(|j| {
                -jac.column(j)
                    .iter()
                    .zip(&residuals)
                    .map(|(a, r)| a * r)
                    .sum::<f64>()
            })
            .collect();
        let mut damping = loss.max(f64::MIN_POSITIVE);
        let mut accepted = false;
        for _ in 0..MAX_DAMPING_INCREASES {
            let m = DMatrix::from_fn(p, p, |i, j| {
                normal[[i, j]] + if i == j { damping } else { 0.0 }
            });
            let Some(step) = m
                .cholesky()
                .map(|c| c.solve(&DVector::from_column_slice(&rhs)))
            else {
                damping *= 10.0;
                continue;
            };
            for ((t, x), s) in trial.iter_mut().zip(params.iter()).zip(step.iter()) {
                *t = x + s;
            }
            let mut trial_grad = vec![0.0; p];
            let trial_loss = system.loss_and_gradient(&trial, &mut trial_grad);
            if trial_loss < loss {
                params.copy_from_slice(&trial);
                loss = trial_loss;
                grad = trial_grad;
                accepted = true;
                break;
            }
            damping *= 10.0;
        }
        if !accepted {
            return Some(Convergence::NoProgress { steps });
        }
    }
    Some(if norm(&grad) < GRADIENT_TOLERANCE {
        Convergence::Converged { steps: iterations }
    } else {
        Convergence::IterationLimit
    })
}

/// Levenberg–Marquardt on `grad L = 0` with the exact Hessian (see the module notes).
fn converge_gradient(
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
        // Coordinates of the gradient in the eigenbasis.
        let coordinates: Vec<f64> = spectrum
            .vectors
            .iter()
            .map(|v| v.iter().zip(&grad).map(|(a, b)| a * b).sum::<f64>())
            .collect();
        let mut damping = (gnorm * gnorm).max(f64::MIN_POSITIVE);
        let mut accepted = false;
        for _ in 0..MAX_DAMPING_INCREASES {
            trial.copy_from_slice(params);
            for ((lambda, v), c) in spectrum
                .values
                .iter()
                .zip(&spectrum.vectors)
                .zip(&coordinates)
            {
                let coefficient = -lambda * c / (lambda * lambda + damping);
                for (t, vi) in trial.iter_mut().zip(v) {
                    *t += coefficient * vi;
                }
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
            damping *= 10.0;
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
