//! One training run to its end, optionally polished by Newton steps, judged against the success
//! threshold. Every experiment is built from these.

use crate::core::network::Network;
use crate::core::newton::{mask_basis, Polisher};
use crate::core::objective::Objective;
use crate::core::optim::OptimizerKind;
use crate::core::task::Task;
use crate::core::train::{TrainConfig, Trainer};
use std::sync::Arc;

/// Parameter-sample products of one piece of training on a page ([`SteppedRun::steps_per_piece`]):
/// a few milliseconds of work in wasm.
pub const PIECE_WORK: usize = 400_000;

/// How runs are trained and judged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunSettings {
    /// Optimiser, learning rate and step budget.
    pub train: TrainConfig,
    /// Levenberg–Marquardt polishing steps after training (0 = none).
    pub polish_steps: usize,
    /// A run succeeds when its final loss is below this.
    pub threshold: f64,
}

/// Polishing is skipped above this many parameters (its cost grows with their cube).
pub const MAX_POLISH_PARAMS: usize = 400;

/// Training stops, converged, once the loss is below this fraction of the success threshold:
/// the run has succeeded (polishing only lowers the loss), polishing makes its minimum exact,
/// and Adam's late spikes above the threshold (its steps do not shrink with the gradient) are
/// never drawn after a run has reached it.
pub const CONVERGED_FRACTION: f64 = 1.0;

impl Default for RunSettings {
    /// Adam, learning rate 0.01, 6000 full-batch steps (the science notes' calibration), then
    /// up to 30 polishing steps, success below 1e-5.
    ///
    /// Why these: measured on the default teacher (tanh, k = 4, d = 2, N = 256, seed 11), runs
    /// that reach the teacher end at 1e-8 or below after polishing, while bad minima sit at 1e-2
    /// and above (tests/experiments.rs checks this gap): a threshold of 1e-5 is three orders of
    /// magnitude from both modes. Without polishing, wide students converge slowly along flat
    /// directions and several successful runs still sit at 1e-5 to 4e-5 after 6000 steps.
    fn default() -> RunSettings {
        RunSettings {
            train: TrainConfig {
                max_steps: 6000,
                snapshot_capacity: 2,
                history_capacity: 2,
                ..TrainConfig::default()
            },
            polish_steps: 30,
            threshold: 1e-5,
        }
    }
}

impl RunSettings {
    /// The training actually run: `train`, stopping once converged (see [`CONVERGED_FRACTION`]).
    pub fn training(&self) -> TrainConfig {
        TrainConfig {
            converged_loss: self.threshold * CONVERGED_FRACTION,
            ..self.train
        }
    }

    /// The definition of success these settings apply, in one sentence for a view.
    pub fn success_rule(&self) -> String {
        format!(
            "Success: a loss below {:e} at the end of training (which stops once it gets there) \
             and up to {} Levenberg–Marquardt polishing steps.",
            self.threshold, self.polish_steps
        )
    }
}

/// Polishes `params` for a network of `width` on `task` as [`SteppedRun`] does, to the end:
/// returns the polished point, its loss and the accepted steps' losses (a worker runs this for
/// a page whose polishing steps are too costly for its frames).
pub fn polish_end_point(
    task: &Task,
    width: usize,
    mut params: Vec<f64>,
    steps: usize,
) -> (Vec<f64>, f64, Vec<f64>) {
    let objective = Objective::new(task, width);
    let mut polisher = Polisher::new(&objective, &params, steps, None);
    while polisher.step(&objective, &mut params) {}
    let loss = polisher.loss();
    (params, loss, polisher.losses().to_vec())
}

/// The result of one run.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Outcome {
    /// Loss when training stopped, before polishing.
    pub trained_loss: f64,
    /// Loss after polishing (equal to `trained_loss` without polishing).
    pub final_loss: f64,
    /// `final_loss < threshold` and the run did not diverge.
    pub success: bool,
    /// True if training stopped on divergence.
    pub diverged: bool,
    /// The end point's parameters.
    pub params: Vec<f64>,
}

/// What a [`SteppedRun`] is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunPhase {
    /// Optimiser steps.
    Training,
    /// Levenberg–Marquardt steps at the end point.
    Polishing,
    /// Finished: the outcome is known.
    Done,
}

/// One run, trained, polished and judged, advanced a bounded amount at a time (like argmin's
/// `Solver::next_iter`): the scenes draw it step by step, the workers and the figures command
/// run it to its end with [`run`]. The same code, so the same verdict everywhere.
#[derive(Clone, Debug)]
pub struct SteppedRun {
    trainer: Trainer,
    settings: RunSettings,
    mask: Option<Vec<bool>>,
    polishing: Option<(Polisher, Vec<f64>)>,
    outcome: Option<Outcome>,
}

impl SteppedRun {
    /// A run of `network` on `task` (only the parameters in `mask`, if given).
    pub fn new(
        task: &Arc<Task>,
        network: Network,
        mask: Option<&[bool]>,
        settings: &RunSettings,
    ) -> SteppedRun {
        let mut trainer = Trainer::from_network(task.clone(), network, settings.training());
        if let Some(keep) = mask {
            trainer = trainer.with_mask(keep);
        }
        SteppedRun {
            trainer,
            settings: *settings,
            mask: mask.map(<[bool]>::to_vec),
            polishing: None,
            outcome: None,
        }
    }

    /// Advances by up to `steps` optimiser steps while training, or by one polishing step;
    /// returns the outcome once the run is over.
    pub fn advance(&mut self, steps: u64) -> Option<&Outcome> {
        match self.phase() {
            RunPhase::Training => {
                if self.trainer.run(steps).is_some() {
                    self.start_polishing();
                }
            }
            RunPhase::Polishing => self.polish_step(),
            RunPhase::Done => {}
        }
        self.outcome.as_ref()
    }

    /// Advances by one piece of about [`PIECE_WORK`] parameter-sample products of work: up to
    /// `most` optimiser steps while training (a step that costs more than a piece is taken
    /// over several calls, see [`Trainer::run_piece`]), or one polishing step. Returns the
    /// optimiser steps completed; the run is the same, bit for bit, as with
    /// [`SteppedRun::advance`]. A page calls it between looks at its clock.
    pub fn advance_piece(&mut self, most: u64) -> u64 {
        self.advance_work(most, PIECE_WORK)
    }

    /// [`SteppedRun::advance_piece`] with pieces of `work` parameter-sample products.
    pub fn advance_work(&mut self, most: u64, work: usize) -> u64 {
        match self.phase() {
            RunPhase::Training => {
                let done = self.trainer.run_piece(most, work);
                if self.trainer.stopped().is_some() {
                    self.start_polishing();
                }
                done
            }
            RunPhase::Polishing => {
                self.polish_step();
                0
            }
            RunPhase::Done => 0,
        }
    }

    /// Runs to the end and returns the outcome.
    pub fn finish(mut self) -> Outcome {
        loop {
            if self.advance(1024).is_some() {
                break;
            }
        }
        self.outcome.take().unwrap_or_else(|| unreachable!())
    }

    fn start_polishing(&mut self) {
        let diverged = self.trainer.stopped().is_some_and(|r| r.is_divergence());
        let p = self.trainer.shape.num_params();
        if diverged || self.settings.polish_steps == 0 || p > MAX_POLISH_PARAMS {
            self.judge(self.trainer.loss(), self.trainer.params().to_vec());
            return;
        }
        let objective = self.trainer.current_objective();
        // A pruned network is polished within its kept coordinates.
        let basis = self.mask.as_deref().map(mask_basis);
        let params = self.trainer.params().to_vec();
        let polisher = Polisher::new(&objective, &params, self.settings.polish_steps, basis);
        self.polishing = Some((polisher, params));
    }

    /// The point to polish and the steps allowed, while polishing has not taken a step yet
    /// and runs in the whole parameter space (no mask): what a worker needs to polish it
    /// elsewhere ([`polish_end_point`]), then [`SteppedRun::complete_polishing`].
    pub fn polishing_to_do(&self) -> Option<(Vec<f64>, usize)> {
        match &self.polishing {
            Some((p, params)) if self.mask.is_none() && !p.is_done() && p.losses().is_empty() => {
                Some((params.clone(), self.settings.polish_steps))
            }
            _ => None,
        }
    }

    /// Ends polishing with the result computed elsewhere from [`SteppedRun::polishing_to_do`]:
    /// the polished point, its loss and the accepted steps' losses. The run is then judged as
    /// if it had polished itself (the same code ran on the same point). Ignored unless the run
    /// is polishing.
    pub fn complete_polishing(&mut self, params: Vec<f64>, loss: f64, losses: Vec<f64>) {
        if self.phase() != RunPhase::Polishing || params.len() != self.trainer.params().len() {
            return;
        }
        self.polishing = Some((Polisher::finished(loss, losses), params.clone()));
        self.judge(loss, params);
    }

    fn polish_step(&mut self) {
        let Some((polisher, params)) = &mut self.polishing else {
            return;
        };
        let objective = self.trainer.current_objective();
        if !polisher.step(&objective, params) {
            let (loss, params) = (polisher.loss(), params.clone());
            self.judge(loss, params);
        }
    }

    fn judge(&mut self, final_loss: f64, params: Vec<f64>) {
        let diverged = self.trainer.stopped().is_some_and(|r| r.is_divergence());
        self.outcome = Some(Outcome {
            trained_loss: self.trainer.loss(),
            final_loss,
            success: !diverged && final_loss < self.settings.threshold,
            diverged,
            params,
        });
    }

    /// How many optimiser steps a page may take between two looks at its clock, at most
    /// `most`: about [`PIECE_WORK`] parameter-sample products of work, so that one piece
    /// stays well inside a frame (1 for the largest networks, whose step costs milliseconds).
    pub fn steps_per_piece(&self, most: u64) -> u64 {
        let p = self.trainer.shape.num_params();
        let mut per_step = (p * self.trainer.task().len()).max(1);
        if self.trainer.config().optimizer.kind == OptimizerKind::GradientFlow {
            // A step of gradient flow computes the exact Hessian (p times a gradient's work).
            per_step = per_step.saturating_mul(p);
        }
        ((PIECE_WORK / per_step) as u64).clamp(1, most.max(1))
    }

    /// What the run is doing.
    pub fn phase(&self) -> RunPhase {
        if self.outcome.is_some() {
            RunPhase::Done
        } else if self.polishing.is_some() {
            RunPhase::Polishing
        } else {
            RunPhase::Training
        }
    }

    /// The optimiser's run (its record holds the training part of the loss curve).
    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    /// The outcome, once the run is over.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// The settings the run is judged by.
    pub fn settings(&self) -> &RunSettings {
        &self.settings
    }

    /// The current point: the optimiser's, then the polished one.
    pub fn params(&self) -> &[f64] {
        match (&self.outcome, &self.polishing) {
            (Some(o), _) => &o.params,
            (None, Some((_, p))) => p,
            _ => self.trainer.params(),
        }
    }

    /// The loss at the current point.
    pub fn loss(&self) -> f64 {
        match (&self.outcome, &self.polishing) {
            (Some(o), _) => o.final_loss,
            (None, Some((p, _))) => p.loss(),
            _ => self.trainer.loss(),
        }
    }

    /// Losses after each accepted polishing step so far.
    pub fn polish_losses(&self) -> &[f64] {
        self.polishing.as_ref().map_or(&[], |(p, _)| p.losses())
    }

    /// Optimiser steps plus polishing steps taken: the x coordinate of the current point on
    /// the loss curve (each polishing step is drawn one step after the previous point).
    pub fn step(&self) -> u64 {
        self.trainer.step() + self.polish_losses().len() as u64
    }

    /// The loss curve drawn for this run: the optimiser's recorded losses, its last loss, then
    /// one point per polishing step (`polished` is the index of the first of those). The
    /// curve's last point is always the current loss.
    pub fn curve(&self) -> Curve {
        let t = &self.trainer;
        let mut points: Vec<(u64, f64)> = t
            .history
            .steps
            .iter()
            .copied()
            .zip(t.history.values.iter().copied())
            .collect();
        if points.last().map(|p| p.0) != Some(t.step()) {
            points.push((t.step(), t.loss()));
        }
        let polished = points.len();
        let last = t.step();
        points.extend(
            self.polish_losses()
                .iter()
                .enumerate()
                .map(|(i, &l)| (last + i as u64 + 1, l)),
        );
        Curve { points, polished }
    }

    /// Changes the step limit of the training (settings changed while the run is shown). A
    /// run that stopped at the old limit trains on if the new one is higher, discarding its
    /// polishing; the training so far is unchanged.
    pub fn set_max_steps(&mut self, max_steps: u64) {
        self.settings.train.max_steps = max_steps;
        self.trainer.set_max_steps(max_steps);
        if self.trainer.stopped().is_none() {
            self.polishing = None;
            self.outcome = None;
        } else if self.phase() == RunPhase::Training {
            self.start_polishing();
        }
    }
}

/// A run's loss curve: `(step, loss)` points, the polishing ones from index `polished` on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Curve {
    /// The points, in step order.
    pub points: Vec<(u64, f64)>,
    /// Index of the first polishing point (`points.len()` if none).
    pub polished: usize,
}

/// Trains `network` on `task` (only the parameters in `mask`, if given) and judges the end.
pub fn run(task: &Arc<Task>, network: Network, mask: Option<&[bool]>, s: &RunSettings) -> Outcome {
    SteppedRun::new(task, network, mask, s).finish()
}
