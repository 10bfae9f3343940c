//! Gradient flow, `d theta / dt = -grad L(theta)`: the continuous-time dynamics the theory
//! talks about, integrated by an adaptive, L-stable Rosenbrock method with error control.
//!
//! The method is ROS2 (Verwer, Spee, Blom and Hundsdorfer 1999), two stages with the exact
//! Jacobian of the flow, `-H` (the loss's exact Hessian, [`Objective::hessian`]):
//!
//! ```text
//! W = I + gamma h H,   gamma = 1 + 1/sqrt(2)
//! W k1 = -g(theta)
//! W k2 = -g(theta + h k1) - 2 k1
//! theta' = theta + (3/2) h k1 + (1/2) h k2          (order 2)
//! error estimate  theta' - (theta + h k1) = (h/2)(k1 + k2)   (against order 1)
//! ```
//!
//! Why this method, and why here rather than from a crate: the flow is stiff near minima (the
//! Hessian's eigenvalues span many orders of magnitude, and the flow's time to settle along
//! the flattest direction is the inverse of the smallest), so an explicit Runge–Kutta method
//! (such as `ode_solvers`' Dopri5, which also integrates only whole intervals) would need on
//! the order of `lambda_max / lambda_min` steps. An L-stable method's step is limited by
//! accuracy alone, and as the flow settles its steps grow until each is nearly a Newton step
//! (for `h -> infinity`, `theta' -> theta - H^-1 g`). The stiff solvers of `diffsol` (BDF,
//! SDIRK) fit the problem but bring their own matrix stack (faer) into the wasm page, and
//! need a Newton iteration per stage where a Rosenbrock method with the exact Jacobian needs
//! one linear solve: two gradients, one Hessian and one LU factorisation (nalgebra) per step.
//!
//! Error control: a step is accepted when the weighted RMS norm of the error estimate, with
//! weights `atol + rtol |theta|`, is at most 1 **and the loss did not rise** (the exact flow
//! never raises the loss; a step that would is rejected like an inaccurate one), so the loss
//! along the accepted steps is monotone. The next step size is `h * clamp(0.9 / sqrt(err),
//! 0.2, 5)` (order 1 of the estimate), halved after a rejection.

use crate::core::objective::Objective;
use nalgebra::{DMatrix, DVector};
use ndarray::Array2;

/// A loss with its gradient and exact Hessian: what gradient flow and the critical-point
/// finish ([`crate::core::critical`]) integrate and solve. The training objective is one; a
/// quadratic with a known flow is another (the tests').
pub trait GradientSystem {
    /// The loss at `x`; writes its gradient into `grad`.
    fn loss_and_gradient(&self, x: &[f64], grad: &mut [f64]) -> f64;
    /// The exact Hessian at `x`.
    fn hessian(&self, x: &[f64]) -> Array2<f64>;
    /// For a least-squares loss `|r(x)|^2 / N`: the residuals `r(x)` and their Jacobian, which
    /// let [`crate::core::critical::converge`] finish on a continuous family of zero-loss
    /// minima; `None` for other losses.
    fn residuals_and_jacobian(&self, _x: &[f64]) -> Option<(Vec<f64>, Array2<f64>)> {
        None
    }
}

impl GradientSystem for Objective<'_> {
    fn loss_and_gradient(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        Objective::loss_and_gradient(self, x, grad)
    }
    fn hessian(&self, x: &[f64]) -> Array2<f64> {
        Objective::hessian(self, x)
    }
    fn residuals_and_jacobian(&self, x: &[f64]) -> Option<(Vec<f64>, Array2<f64>)> {
        Some(Objective::residuals_and_jacobian(self, x))
    }
}

/// `gamma` of ROS2: `1 + 1/sqrt(2)`, which makes the method L-stable.
const GAMMA: f64 = 1.0 + std::f64::consts::FRAC_1_SQRT_2;

/// Step sizes change by at most this factor from one step to the next.
const MAX_GROWTH: f64 = 5.0;
/// ... and by at least this factor.
const MIN_SHRINK: f64 = 0.2;
/// Safety factor of the step-size controller.
const SAFETY: f64 = 0.9;

/// Tolerances and limits of a gradient-flow integration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlowConfig {
    /// Relative tolerance of each step's local error.
    pub rtol: f64,
    /// Absolute tolerance of each step's local error.
    pub atol: f64,
    /// The first trial step size (flow time).
    pub initial_step: f64,
    /// No step is larger than this (flow time).
    pub max_step: f64,
}

impl Default for FlowConfig {
    /// `rtol = atol = 1e-6`, a first step of `1e-2`, steps up to `1e12`.
    fn default() -> FlowConfig {
        FlowConfig {
            rtol: 1e-6,
            atol: 1e-6,
            initial_step: 1e-2,
            max_step: 1e12,
        }
    }
}

/// The outcome of one call of [`GradientFlow::step`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FlowStep {
    /// A step was accepted: the parameters moved by flow time `dt`.
    Accepted {
        /// The flow time of the step.
        dt: f64,
    },
    /// The step was rejected (too inaccurate, the loss would rise, or the linear system was
    /// singular); the step size shrank and the parameters are unchanged.
    Rejected,
    /// The step size underflowed (below `1e-14` of the flow time): the integration cannot go
    /// on (a non-finite gradient, or a singular Jacobian at every size).
    Stalled,
    /// The flow time asked for is reached: no step taken.
    Reached,
}

/// A gradient-flow integration in progress: the flow time, the next step size and the loss.
/// Advanced one (accepted or rejected) step at a time, like every experiment of the engine.
#[derive(Clone, Debug)]
pub struct GradientFlow {
    config: FlowConfig,
    time: f64,
    step_size: f64,
    loss: f64,
    accepted: u64,
    rejected: u64,
    grad: Vec<f64>,
}

impl GradientFlow {
    /// The flow from `params` at time 0.
    pub fn new(
        objective: &impl GradientSystem,
        params: &[f64],
        config: FlowConfig,
    ) -> GradientFlow {
        let mut grad = vec![0.0; params.len()];
        let loss = objective.loss_and_gradient(params, &mut grad);
        GradientFlow {
            config,
            time: 0.0,
            step_size: config.initial_step,
            loss,
            accepted: 0,
            rejected: 0,
            grad,
        }
    }

    /// The flow time reached.
    pub fn time(&self) -> f64 {
        self.time
    }

    /// The loss at the current point.
    pub fn loss(&self) -> f64 {
        self.loss
    }

    /// The gradient at the current point.
    pub fn gradient(&self) -> &[f64] {
        &self.grad
    }

    /// The step size the next step will try.
    pub fn step_size(&self) -> f64 {
        self.step_size
    }

    /// Accepted and rejected steps so far.
    pub fn counts(&self) -> (u64, u64) {
        (self.accepted, self.rejected)
    }

    /// Attempts one step from `params` (the point of the last accepted step); on acceptance
    /// `params` moves. A step never goes past flow time `until`.
    pub fn step(
        &mut self,
        objective: &impl GradientSystem,
        params: &mut [f64],
        until: f64,
    ) -> FlowStep {
        if self.time >= until {
            return FlowStep::Reached;
        }
        let h = self
            .step_size
            .min(self.config.max_step)
            .min(until - self.time);
        let too_small = h.is_nan() || h <= 1e-14 * self.time.max(1.0);
        if too_small || !self.loss.is_finite() {
            return FlowStep::Stalled;
        }
        match self.attempt(objective, params, h) {
            Some((candidate, loss, grad, err)) if err <= 1.0 && loss <= self.loss => {
                params.copy_from_slice(&candidate);
                self.loss = loss;
                self.grad = grad;
                self.time += h;
                self.accepted += 1;
                let factor = if err > 0.0 {
                    (SAFETY / err.sqrt()).clamp(MIN_SHRINK, MAX_GROWTH)
                } else {
                    MAX_GROWTH
                };
                self.step_size = h * factor;
                FlowStep::Accepted { dt: h }
            }
            Some((_, _, _, err)) if err > 1.0 && err.is_finite() => {
                self.rejected += 1;
                self.step_size = h * (SAFETY / err.sqrt()).clamp(MIN_SHRINK, 0.5);
                FlowStep::Rejected
            }
            _ => {
                self.rejected += 1;
                self.step_size = h * 0.5;
                FlowStep::Rejected
            }
        }
    }

    /// Integrates until flow time `until`, at most `max_steps` step attempts, or until the
    /// gradient norm falls below `gradient_tol`; returns the number of attempts made.
    pub fn run(
        &mut self,
        objective: &impl GradientSystem,
        params: &mut [f64],
        until: f64,
        max_steps: usize,
        gradient_tol: f64,
    ) -> usize {
        for attempt in 0..max_steps {
            if self.time >= until || norm(&self.grad) < gradient_tol {
                return attempt;
            }
            match self.step(objective, params, until) {
                FlowStep::Stalled | FlowStep::Reached => return attempt + 1,
                FlowStep::Accepted { .. } | FlowStep::Rejected => {}
            }
        }
        max_steps
    }

    /// One ROS2 step of size `h` from `params`: the candidate point, its loss and gradient,
    /// and the weighted error norm; `None` if `W` is singular or a value is not finite.
    #[allow(clippy::type_complexity)]
    fn attempt(
        &self,
        objective: &impl GradientSystem,
        params: &[f64],
        h: f64,
    ) -> Option<(Vec<f64>, f64, Vec<f64>, f64)> {
        let p = params.len();
        let hessian = objective.hessian(params);
        let w = DMatrix::from_fn(p, p, |i, j| {
            GAMMA * h * hessian[[i, j]] + if i == j { 1.0 } else { 0.0 }
        });
        let lu = w.lu();
        let g0 = DVector::from_iterator(p, self.grad.iter().map(|g| -g));
        let k1 = lu.solve(&g0)?;
        let mid: Vec<f64> = params
            .iter()
            .zip(k1.iter())
            .map(|(x, k)| x + h * k)
            .collect();
        let mut g1 = vec![0.0; p];
        objective.loss_and_gradient(&mid, &mut g1);
        if g1.iter().any(|g| !g.is_finite()) {
            return None;
        }
        let rhs = DVector::from_iterator(p, g1.iter().zip(k1.iter()).map(|(g, k)| -g - 2.0 * k));
        let k2 = lu.solve(&rhs)?;
        let mut candidate = Vec::with_capacity(p);
        let mut sum = 0.0;
        for i in 0..p {
            let next = params[i] + 1.5 * h * k1[i] + 0.5 * h * k2[i];
            let error = 0.5 * h * (k1[i] + k2[i]);
            let scale = self.config.atol + self.config.rtol * params[i].abs().max(next.abs());
            sum += (error / scale).powi(2);
            candidate.push(next);
        }
        let err = (sum / p.max(1) as f64).sqrt();
        if !err.is_finite() || candidate.iter().any(|x| !x.is_finite()) {
            return None;
        }
        let mut grad = vec![0.0; p];
        let loss = objective.loss_and_gradient(&candidate, &mut grad);
        loss.is_finite().then_some((candidate, loss, grad, err))
    }
}

/// The Euclidean norm of `v`.
pub fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}
