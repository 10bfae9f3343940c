//! Training runs: an optimiser stepping a student on a task, with a bounded record of the loss
//! and of the trajectory, and a stop with a reason when the run diverges.

use crate::core::flow::{FlowConfig, FlowStep, GradientFlow, GradientSystem};
use crate::core::network::{Network, Shape};
use crate::core::objective::{Objective, PartialEvaluation};
use crate::core::optim::{Optimizer, OptimizerConfig, OptimizerKind};
use crate::core::record::Record;
use crate::core::rng::{SeededRng, Stream};
use crate::core::task::Task;
use ndarray::Array2;
use std::fmt;
use std::sync::Arc;

/// Settings of a training run other than the task and the initial point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainConfig {
    /// Optimiser and learning rate.
    pub optimizer: OptimizerConfig,
    /// The run stops after this many steps.
    pub max_steps: u64,
    /// At most this many parameter snapshots are kept for the trajectory.
    pub snapshot_capacity: usize,
    /// At most this many loss values are kept for the loss curve.
    pub history_capacity: usize,
    /// The run counts as diverged once the loss exceeds this factor times its initial value.
    pub divergence_factor: f64,
    /// The run stops, converged, once the loss falls below this (0 = never).
    pub converged_loss: f64,
}

impl Default for TrainConfig {
    fn default() -> TrainConfig {
        TrainConfig {
            optimizer: OptimizerConfig::default(),
            max_steps: 6000,
            snapshot_capacity: 256,
            history_capacity: 2048,
            divergence_factor: 1e6,
            converged_loss: 0.0,
        }
    }
}

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StopReason {
    /// It took `max_steps` steps.
    StepLimit,
    /// The loss fell below `converged_loss` at this step.
    Converged {
        /// Step at which it happened.
        step: u64,
    },
    /// The loss or a parameter became NaN or infinite at this step.
    NonFinite {
        /// Step at which it happened.
        step: u64,
    },
    /// The loss grew past `divergence_factor` times its initial value.
    Exploded {
        /// Step at which it happened.
        step: u64,
        /// The loss then.
        loss: f64,
    },
}

impl StopReason {
    /// True for the two kinds of divergence.
    pub fn is_divergence(&self) -> bool {
        matches!(
            self,
            StopReason::NonFinite { .. } | StopReason::Exploded { .. }
        )
    }
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StopReason::StepLimit => write!(f, "reached the step limit"),
            StopReason::Converged { step } => write!(f, "converged at step {step}"),
            StopReason::NonFinite { step } => write!(
                f,
                "training diverged at step {step}: the loss became NaN or infinite \
                 (try a smaller learning rate)"
            ),
            StopReason::Exploded { step, loss } => write!(
                f,
                "training diverged at step {step}: the loss exploded to {loss:.3e} \
                 (try a smaller learning rate)"
            ),
        }
    }
}

/// A training run in progress.
#[derive(Clone, Debug)]
pub struct Trainer {
    task: Arc<Task>,
    /// The student's shape.
    pub shape: Shape,
    network: Network,
    optimizer: Optimizer,
    config: TrainConfig,
    step: u64,
    loss: f64,
    initial_loss: f64,
    grad: Vec<f64>,
    /// Loss curve (loss at the parameters after each recorded step).
    pub history: Record<f64>,
    /// Parameter snapshots along the way.
    pub trajectory: Record<Vec<f64>>,
    stopped: Option<StopReason>,
    mask: Option<Vec<f64>>,
    /// The gradient-flow integration, when the optimiser is [`OptimizerKind::GradientFlow`].
    flow: Option<GradientFlow>,
    /// A step taken by the optimiser whose loss and gradient are still being summed, a piece
    /// of the samples at a time ([`Trainer::run_piece`]): the step counts once they are.
    /// It holds the optimiser as it is after that step, which replaces the run's only then.
    pending: Option<(PartialEvaluation, Optimizer)>,
}

/// Relative and absolute tolerance of gradient flow in training runs: the census's
/// ([`crate::experiments::census::CensusConfig::flow_tolerance`]), so that a run ends where the
/// census says its seed's flow ends.
pub const TRAINING_FLOW_TOLERANCE: f64 = 1e-4;

/// The objective with the masked (pruned) coordinates held fixed: their gradient entries, and
/// their rows and columns of the Hessian, are zero.
struct Masked<'a> {
    objective: Objective<'a>,
    mask: Option<&'a [f64]>,
}

impl GradientSystem for Masked<'_> {
    fn loss_and_gradient(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        let loss = self.objective.loss_and_gradient(x, grad);
        if let Some(mask) = self.mask {
            for (g, m) in grad.iter_mut().zip(mask) {
                *g *= m;
            }
        }
        loss
    }
    fn hessian(&self, x: &[f64]) -> Array2<f64> {
        let mut h = self.objective.hessian(x);
        if let Some(mask) = self.mask {
            for (i, mi) in mask.iter().enumerate() {
                for (j, mj) in mask.iter().enumerate() {
                    h[[i, j]] *= mi * mj;
                }
            }
        }
        h
    }
}

impl Trainer {
    /// A run of a width-`width` student initialised from `seed`.
    pub fn new(task: Arc<Task>, width: usize, seed: u64, config: TrainConfig) -> Trainer {
        let shape = Shape::new(task.config.input_dim, width);
        let mut rng = SeededRng::new(seed, Stream::Student);
        let network = Network::student_init(shape, task.config.activation, &mut rng);
        Trainer::from_network(task, network, config)
    }

    /// A run starting from the given student.
    pub fn from_network(task: Arc<Task>, network: Network, config: TrainConfig) -> Trainer {
        let shape = network.shape;
        let p = shape.num_params();
        let mut t = Trainer {
            optimizer: Optimizer::new(config.optimizer, p),
            shape,
            network,
            config,
            step: 0,
            loss: f64::NAN,
            initial_loss: f64::NAN,
            grad: vec![0.0; p],
            history: Record::new(1, config.history_capacity),
            // Every step at first, thinned as it fills: a short run's replay and path show
            // every step, a long one's at most `snapshot_capacity` points.
            trajectory: Record::new(1, config.snapshot_capacity),
            stopped: None,
            mask: None,
            flow: None,
            pending: None,
            task,
        };
        t.evaluate();
        t.initial_loss = t.loss;
        t.record();
        t.check_divergence();
        t
    }

    fn objective(&self) -> Objective<'_> {
        Objective {
            task: &self.task,
            shape: self.shape,
            activation: self.network.activation,
        }
    }

    /// A run that trains only the parameters where `keep` is true (a pruned network): the
    /// others are set to zero and stay there.
    pub fn with_mask(mut self, keep: &[bool]) -> Trainer {
        let mask: Vec<f64> = keep.iter().map(|&k| if k { 1.0 } else { 0.0 }).collect();
        for (p, m) in self.network.params.iter_mut().zip(&mask) {
            *p *= m;
        }
        self.mask = Some(mask);
        self.history = Record::new(1, self.config.history_capacity);
        self.trajectory = Record::new(self.trajectory.stride(), self.config.snapshot_capacity);
        self.evaluate();
        self.initial_loss = self.loss;
        self.record();
        self
    }

    fn evaluate(&mut self) {
        let mut grad = std::mem::take(&mut self.grad);
        self.loss = self
            .objective()
            .loss_and_gradient(&self.network.params, &mut grad);
        if let Some(mask) = &self.mask {
            for (g, m) in grad.iter_mut().zip(mask) {
                *g *= m;
            }
        }
        self.grad = grad;
    }

    fn record(&mut self) {
        let (step, loss) = (self.step, self.loss);
        self.history.offer(step, || loss);
        let params = &self.network.params;
        self.trajectory.offer(step, || params.clone());
    }

    fn check_divergence(&mut self) {
        if !self.loss.is_finite() || self.network.params.iter().any(|p| !p.is_finite()) {
            self.stopped = Some(StopReason::NonFinite { step: self.step });
        } else if self.loss > self.config.divergence_factor * self.initial_loss.max(1.0) {
            self.stopped = Some(StopReason::Exploded {
                step: self.step,
                loss: self.loss,
            });
        } else if self.loss < self.config.converged_loss {
            self.stopped = Some(StopReason::Converged { step: self.step });
        }
    }

    /// Takes up to `steps` optimiser steps; returns the stop reason if the run is over.
    pub fn run(&mut self, steps: u64) -> Option<StopReason> {
        let mut steps = steps;
        if steps > 0 && self.pending.is_some() {
            // A step begun by `run_piece` is finished first, and counts.
            self.run_piece(1, usize::MAX);
            steps -= 1;
        }
        for _ in 0..steps {
            if self.stopped.is_some() {
                break;
            }
            if self.step >= self.config.max_steps {
                self.stopped = Some(StopReason::StepLimit);
                break;
            }
            if self.config.optimizer.kind == OptimizerKind::GradientFlow {
                match self.flow_step() {
                    FlowStep::Accepted { .. } => {}
                    // A rejected attempt costs a step's work and takes no step (so the work of
                    // one call stays bounded by `steps`, however many attempts are rejected).
                    FlowStep::Rejected => continue,
                    FlowStep::Stalled | FlowStep::Reached => {
                        self.stopped = Some(StopReason::NonFinite { step: self.step });
                        break;
                    }
                }
            } else {
                self.optimizer.step(&mut self.network.params, &self.grad);
            }
            self.step += 1;
            self.evaluate();
            self.record();
            self.check_divergence();
        }
        if self.stopped.is_none() && self.step >= self.config.max_steps {
            self.stopped = Some(StopReason::StepLimit);
        }
        self.stopped
    }

    /// Runs up to `most` steps, doing about `work` parameter-sample products of work (the
    /// cost of a step is the parameters times the samples): a step that costs more is taken
    /// over several calls, its loss and gradient summed a piece of the samples at a time, so
    /// that a page can keep every piece inside a frame however large the network. Returns the
    /// steps completed. The run is the same, bit for bit, as [`Trainer::run`]'s. (Gradient
    /// flow takes whole steps: each needs the Hessian.)
    pub fn run_piece(&mut self, most: u64, work: usize) -> u64 {
        let p = self.shape.num_params().max(1);
        let n = self.task.len();
        let mut left = work;
        let mut done = 0;
        while done < most && self.stopped.is_none() {
            if self.config.optimizer.kind == OptimizerKind::GradientFlow {
                let before = self.step;
                self.run(1);
                done += self.step - before;
                left = left.saturating_sub(p.saturating_mul(p).saturating_mul(n));
            } else {
                let (mut evaluation, optimizer) = match self.pending.take() {
                    Some(pending) => pending,
                    None => {
                        if self.step >= self.config.max_steps {
                            self.stopped = Some(StopReason::StepLimit);
                            break;
                        }
                        let mut params = self.network.params.clone();
                        let mut optimizer = self.optimizer.clone();
                        optimizer.step(&mut params, &self.grad);
                        (self.objective().partial_evaluation(&params), optimizer)
                    }
                };
                let task = Arc::clone(&self.task);
                let objective = Objective {
                    task: &task,
                    shape: self.shape,
                    activation: self.network.activation,
                };
                let added = objective.advance_evaluation(&mut evaluation, (left / p).max(1));
                left = left.saturating_sub(added.saturating_mul(p));
                match objective.finish_evaluation(&evaluation, &mut self.grad) {
                    Some(loss) => {
                        self.optimizer = optimizer;
                        self.commit(evaluation.into_params(), loss);
                        done += 1;
                    }
                    None => {
                        self.pending = Some((evaluation, optimizer));
                        break;
                    }
                }
            }
            if left == 0 {
                break;
            }
        }
        if self.stopped.is_none() && self.pending.is_none() && self.step >= self.config.max_steps {
            self.stopped = Some(StopReason::StepLimit);
        }
        done
    }

    /// Ends a step taken by [`Trainer::run_piece`]: the new parameters and the loss at them
    /// (the gradient, in `self.grad`, not yet masked).
    fn commit(&mut self, params: Vec<f64>, loss: f64) {
        self.network.params = params;
        self.loss = loss;
        if let Some(mask) = &self.mask {
            for (g, m) in self.grad.iter_mut().zip(mask) {
                *g *= m;
            }
        }
        self.step += 1;
        self.record();
        self.check_divergence();
    }

    /// True while a step begun by [`Trainer::run_piece`] waits for the rest of its samples.
    pub fn step_in_progress(&self) -> bool {
        self.pending.is_some()
    }

    /// One attempted step of gradient flow (see [`crate::core::flow`]).
    fn flow_step(&mut self) -> FlowStep {
        let task = Arc::clone(&self.task);
        let system = Masked {
            objective: Objective {
                task: &task,
                shape: self.shape,
                activation: self.network.activation,
            },
            mask: self.mask.as_deref(),
        };
        let params = &mut self.network.params;
        let flow = self.flow.get_or_insert_with(|| {
            GradientFlow::new(
                &system,
                params,
                FlowConfig {
                    initial_step: self.config.optimizer.learning_rate,
                    rtol: TRAINING_FLOW_TOLERANCE,
                    atol: TRAINING_FLOW_TOLERANCE,
                    ..FlowConfig::default()
                },
            )
        });
        flow.step(&system, params, f64::INFINITY)
    }

    /// The flow time reached, when training is gradient flow.
    pub fn flow_time(&self) -> Option<f64> {
        self.flow.as_ref().map(GradientFlow::time)
    }

    /// Runs until it stops; returns why.
    pub fn run_to_end(&mut self) -> StopReason {
        loop {
            if let Some(reason) = self.run(1024) {
                return reason;
            }
        }
    }

    /// Changes the step limit. A run that stopped at the old limit continues if the new one is
    /// higher; the trajectory so far is unchanged (the limit does not affect the updates).
    pub fn set_max_steps(&mut self, max_steps: u64) {
        self.config.max_steps = max_steps;
        if self.step >= max_steps {
            // A step in progress is past the new limit: dropped, as if never begun.
            self.pending = None;
        }
        if self.stopped == Some(StopReason::StepLimit) && self.step < max_steps {
            self.stopped = None;
        } else if self.stopped.is_none() && self.step >= max_steps {
            self.stopped = Some(StopReason::StepLimit);
        }
    }

    /// Steps taken so far.
    pub fn step(&self) -> u64 {
        self.step
    }

    /// Loss at the current parameters.
    pub fn loss(&self) -> f64 {
        self.loss
    }

    /// Loss at the initial parameters.
    pub fn initial_loss(&self) -> f64 {
        self.initial_loss
    }

    /// Gradient at the current parameters.
    pub fn gradient(&self) -> &[f64] {
        &self.grad
    }

    /// Euclidean norm of the current gradient.
    pub fn gradient_norm(&self) -> f64 {
        self.grad.iter().map(|g| g * g).sum::<f64>().sqrt()
    }

    /// Current parameters.
    pub fn params(&self) -> &[f64] {
        &self.network.params
    }

    /// The current student.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The task being learned.
    pub fn task(&self) -> &Arc<Task> {
        &self.task
    }

    /// The run's settings.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// Why the run stopped, if it did.
    pub fn stopped(&self) -> Option<StopReason> {
        self.stopped
    }

    /// The objective being minimised (borrowing the task).
    pub fn current_objective(&self) -> Objective<'_> {
        self.objective()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::optim::OptimizerKind;
    use crate::core::task::TaskConfig;

    fn default_task() -> Arc<Task> {
        Arc::new(Task::generate(TaskConfig::default()))
    }

    #[test]
    fn same_seed_gives_the_same_trajectory_bit_for_bit() {
        let task = default_task();
        let config = TrainConfig {
            max_steps: 500,
            ..TrainConfig::default()
        };
        let mut a = Trainer::new(task.clone(), 5, 42, config);
        let mut b = Trainer::new(task.clone(), 5, 42, config);
        a.run_to_end();
        b.run_to_end();
        assert_eq!(a.trajectory.values, b.trajectory.values);
        assert_eq!(a.history.values, b.history.values);
        assert_eq!(a.params(), b.params());
        let mut c = Trainer::new(task, 5, 43, config);
        c.run_to_end();
        assert_ne!(a.params(), c.params());
    }

    /// Everything a run shows, as bits: step, loss, gradient, parameters, loss curve, path.
    fn run_bits(t: &Trainer) -> Vec<u64> {
        let mut bits = vec![t.step(), t.loss().to_bits()];
        bits.extend(t.gradient().iter().chain(t.params()).map(|x| x.to_bits()));
        bits.extend(t.history.values.iter().map(|x| x.to_bits()));
        bits.extend(t.trajectory.values.iter().flatten().map(|x| x.to_bits()));
        bits
    }

    #[test]
    fn a_run_in_pieces_of_work_is_the_whole_run_bit_for_bit() {
        let task = Arc::new(Task::generate(TaskConfig {
            samples: 61,
            ..TaskConfig::default()
        }));
        for kind in OptimizerKind::ALL {
            let config = TrainConfig {
                optimizer: OptimizerConfig::adam(0.05).with_kind(kind),
                max_steps: 40,
                ..TrainConfig::default()
            };
            let t = Trainer::new(task.clone(), 5, 7, config);
            let p = t.shape.num_params();
            let keep: Vec<bool> = (0..p).map(|i| i % 4 != 1).collect();
            for masked in [false, true] {
                let fresh = || {
                    if masked {
                        t.clone().with_mask(&keep)
                    } else {
                        t.clone()
                    }
                };
                let mut whole = fresh();
                whole.run_to_end();
                // A fifth of a step, a step and a half, many steps a piece.
                for work in [p * 12, p * 90, p * 61 * 7] {
                    let mut pieces = fresh();
                    let (mut calls, mut steps) = (0, 0);
                    while pieces.stopped().is_none() {
                        steps += pieces.run_piece(3, work);
                        calls += 1;
                        assert!(calls < 10_000, "{kind:?} never stops");
                    }
                    assert_eq!(steps, pieces.step(), "{kind:?}: the steps returned");
                    assert_eq!(
                        run_bits(&pieces),
                        run_bits(&whole),
                        "{kind:?} masked {masked} work {work}"
                    );
                    assert_eq!(pieces.stopped(), whole.stopped());
                    if kind != OptimizerKind::GradientFlow && work < p * 61 {
                        assert!(
                            calls as u64 > 3 * pieces.step(),
                            "{kind:?}: steps were split ({calls} calls)"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_step_in_progress_is_finished_by_run_and_dropped_by_a_lower_step_limit() {
        let task = Arc::new(Task::generate(TaskConfig::default()));
        let config = TrainConfig {
            max_steps: 10,
            ..TrainConfig::default()
        };
        let t = Trainer::new(task, 4, 3, config);
        let p = t.shape.num_params();
        let mut whole = t.clone();
        whole.run(3);
        // Half a step in pieces, then `run` finishes it and takes two more.
        let mut mixed = t.clone();
        assert_eq!(mixed.run_piece(5, p * 100), 0);
        assert!(mixed.step_in_progress());
        assert_eq!(
            mixed.step(),
            0,
            "a step counts only once its samples are summed"
        );
        mixed.run(3);
        assert!(!mixed.step_in_progress());
        assert_eq!(run_bits(&mixed), run_bits(&whole));
        // A limit lowered to the current step drops the step in progress; raised again, the
        // run goes on as if it had never begun.
        let mut limited = t.clone();
        limited.run(3);
        limited.run_piece(1, p * 100);
        limited.set_max_steps(3);
        assert!(!limited.step_in_progress());
        assert_eq!(limited.stopped(), Some(StopReason::StepLimit));
        limited.set_max_steps(10);
        limited.run_to_end();
        let mut reference = t.clone();
        reference.run_to_end();
        assert_eq!(run_bits(&limited), run_bits(&reference));
    }

    #[test]
    fn a_huge_learning_rate_stops_with_divergence_not_garbage() {
        let task = default_task();
        let config = TrainConfig {
            optimizer: OptimizerConfig::adam(50.0).with_kind(OptimizerKind::GradientDescent),
            max_steps: 10_000,
            ..TrainConfig::default()
        };
        let mut t = Trainer::new(task, 8, 1, config);
        let reason = t.run_to_end();
        assert!(reason.is_divergence(), "{reason:?}");
        assert!(t.step() < 10_000);
        assert!(reason.to_string().contains("diverged"));
    }

    #[test]
    fn masked_parameters_stay_zero_and_the_rest_train() {
        let task = default_task();
        let config = TrainConfig {
            max_steps: 300,
            ..TrainConfig::default()
        };
        let t = Trainer::new(task, 6, 2, config);
        // Prune every third input weight; output weights stay, so every neuron can learn.
        let inputs = t.shape.input_weights();
        let keep: Vec<bool> = (0..t.params().len())
            .map(|i| !(inputs.contains(&i) && i % 3 == 0))
            .collect();
        let init = t.params().to_vec();
        let mut t = t.with_mask(&keep);
        t.run_to_end();
        for (i, (&p, &p0)) in t.params().iter().zip(&init).enumerate() {
            if keep[i] {
                assert_ne!(p, p0, "kept parameter {i} trained");
            } else {
                assert_eq!(p, 0.0, "pruned parameter {i} stays zero");
            }
        }
        assert!(t.loss() < t.initial_loss());
    }

    #[test]
    fn raising_the_step_limit_continues_the_same_run() {
        let task = default_task();
        let config = TrainConfig {
            max_steps: 100,
            ..TrainConfig::default()
        };
        let mut a = Trainer::new(task.clone(), 4, 3, config);
        assert_eq!(a.run_to_end(), StopReason::StepLimit);
        a.set_max_steps(250);
        assert_eq!(a.stopped(), None);
        assert_eq!(a.run_to_end(), StopReason::StepLimit);
        let mut b = Trainer::new(
            task,
            4,
            3,
            TrainConfig {
                max_steps: 250,
                ..config
            },
        );
        b.run_to_end();
        assert_eq!(a.step(), 250);
        assert_eq!(a.params(), b.params());
        a.set_max_steps(200);
        assert_eq!(a.stopped(), Some(StopReason::StepLimit));
    }

    #[test]
    fn trajectory_memory_is_bounded() {
        let task = default_task();
        let config = TrainConfig {
            max_steps: 3000,
            snapshot_capacity: 16,
            history_capacity: 64,
            ..TrainConfig::default()
        };
        let mut t = Trainer::new(task, 3, 1, config);
        assert_eq!(t.run_to_end(), StopReason::StepLimit);
        assert_eq!(t.step(), 3000);
        assert!(t.trajectory.len() <= 16 && t.trajectory.len() >= 8);
        assert!(t.history.len() <= 64 && t.history.len() >= 32);
        assert_eq!(*t.history.values.last().unwrap_or(&f64::NAN), {
            // The loss curve's last sample is the loss at that step's parameters.
            let last = *t.history.steps.last().unwrap_or(&0);
            let mut u = Trainer::new(t.task().clone(), 3, 1, config);
            u.run(last);
            u.loss()
        });
    }
}
