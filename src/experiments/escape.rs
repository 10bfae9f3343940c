//! Experiment 4, escape by embedding: students of width k stuck in a bad minimum are embedded
//! in width k + 1 by splitting a neuron (coefficient mu) or by adding a neuron with zero output
//! weight. The embedded point has the same loss, but its Hessian gains a negative eigenvalue:
//! gradient descent can escape along it.

use crate::core::embed::{add_silent_neuron, split_neuron};
use crate::core::network::{Network, Shape};
use crate::core::newton::{classify, EndPoint};
use crate::core::objective::Objective;
use crate::core::rng::{SeededRng, Stream};
use crate::core::spectrum::Spectrum;
use crate::core::task::{Task, TaskConfig};
use crate::core::train::TrainConfig;
use crate::experiments::outcome::{Outcome, RunSettings, SteppedRun};
use crate::experiments::staged;
use std::sync::Arc;

/// Settings of the escape experiment.
#[derive(Clone, Debug, PartialEq)]
pub struct EscapeConfig {
    /// Teacher and data.
    pub task: TaskConfig,
    /// Width of the narrow students (the teacher's width by default).
    pub width: usize,
    /// Student seeds searched for stuck runs (`first_seed ..`).
    pub search_seeds: u64,
    /// First seed searched.
    pub first_seed: u64,
    /// At most this many stuck cases are analysed.
    pub max_cases: usize,
    /// Training that gets students stuck (the science notes: 8000 Adam steps).
    pub train: TrainConfig,
    /// Newton polishing steps that make a stuck point an exact critical point.
    pub polish_steps: usize,
    /// A run is stuck if its polished loss is at least `stuck_factor * threshold`.
    pub stuck_factor: f64,
    /// Success threshold.
    pub threshold: f64,
    /// Split coefficient.
    pub mu: f64,
    /// Size of the seeded perturbation added before training on from the embedded point.
    pub perturbation: f64,
    /// Training (and polishing) after embedding.
    pub continue_run: RunSettings,
    /// Values of mu for the eigenvalue sweep of the first case.
    pub mu_sweep: Vec<f64>,
}

impl Default for EscapeConfig {
    /// The science notes' setting: width-4 students stuck after 8000 Adam steps, split with
    /// mu = 0.5 or given a zero-output neuron, perturbed by 1e-3, trained 6000 steps more.
    fn default() -> EscapeConfig {
        let train = TrainConfig {
            max_steps: 8000,
            snapshot_capacity: 2,
            history_capacity: 2,
            ..TrainConfig::default()
        };
        EscapeConfig {
            task: TaskConfig::default(),
            width: 4,
            search_seeds: 30,
            first_seed: 1,
            max_cases: 6,
            train,
            polish_steps: 20,
            stuck_factor: 10.0,
            threshold: 1e-5,
            mu: 0.5,
            perturbation: 1e-3,
            continue_run: RunSettings {
                train: TrainConfig {
                    max_steps: 6000,
                    ..train
                },
                polish_steps: 30,
                threshold: 1e-5,
            },
            mu_sweep: (0..=30).map(|i| -1.0 + 0.1 * i as f64).collect(),
        }
    }
}

/// How a stuck network is widened.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Embedding {
    /// Neuron `neuron` split with coefficient `mu`.
    Split {
        /// Which neuron.
        neuron: usize,
        /// Coefficient.
        mu: f64,
    },
    /// A neuron with zero output weight and random input weights.
    ZeroOutput,
}

impl Embedding {
    /// Short name for tables (neurons numbered from 1, as the page numbers them).
    pub fn name(&self) -> String {
        match self {
            Embedding::Split { neuron, mu } => format!("split neuron {} (mu={mu})", neuron + 1),
            Embedding::ZeroOutput => "zero-output neuron".into(),
        }
    }
}

/// One embedding of one stuck case, and what happened after it.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EscapeAttempt {
    /// How it was embedded.
    pub embedding: Embedding,
    /// The embedded point (loss equal to the stuck loss).
    pub at_embedding: EndPoint,
    /// Loss after training on from the perturbed embedded point.
    pub loss_after: f64,
    /// `loss_after < threshold` and the run did not diverge.
    pub escaped: bool,
    /// True if training on from the embedded point diverged.
    pub diverged: bool,
}

/// A stuck narrow student and its embeddings.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EscapeCase {
    /// Student seed.
    pub seed: u64,
    /// The stuck point (polished).
    pub stuck: EndPoint,
    /// Its parameters.
    pub params: Vec<f64>,
    /// Split and zero-output attempts.
    pub attempts: Vec<EscapeAttempt>,
}

/// Results of the escape experiment.
#[derive(Clone, Debug)]
pub struct EscapeResult {
    /// Settings.
    pub config: EscapeConfig,
    /// Seeds searched and their polished final losses.
    pub searched: Vec<(u64, f64)>,
    /// The stuck cases analysed.
    pub cases: Vec<EscapeCase>,
    /// `(mu, smallest eigenvalue)` of the split embedding of the first case (its best neuron).
    pub mu_sweep: Vec<(f64, f64)>,
}

/// The run that gets a narrow student (width `config.width`, seed `seed`) stuck: trained,
/// then polished to an exact critical point, step by step.
pub fn narrow_run(task: &Arc<Task>, config: &EscapeConfig, seed: u64) -> SteppedRun {
    let shape = Shape::new(task.config.input_dim, config.width);
    let net = Network::student_init(
        shape,
        task.config.activation,
        &mut SeededRng::new(seed, Stream::Student),
    );
    let settings = RunSettings {
        train: config.train,
        polish_steps: config.polish_steps,
        threshold: config.threshold,
    };
    SteppedRun::new(task, net, None, &settings)
}

/// Trains and polishes a width-`width` student; returns its parameters and polished loss.
pub fn train_and_polish(task: &Arc<Task>, config: &EscapeConfig, seed: u64) -> (Vec<f64>, f64) {
    let o = narrow_run(task, config, seed).finish();
    (o.params, o.final_loss)
}

/// True if a narrow run's outcome is stuck: not diverged, and its polished loss at least
/// `stuck_factor` times the threshold.
pub fn is_stuck(config: &EscapeConfig, outcome: &Outcome) -> bool {
    !outcome.diverged && outcome.final_loss >= config.stuck_factor * config.threshold
}

/// The smallest Hessian eigenvalue of `net` on `task`.
pub fn min_eigenvalue(task: &Task, net: &Network) -> f64 {
    let objective = Objective::new(task, net.shape.width);
    Spectrum::of_symmetric(&objective.hessian(&net.params)).values[0]
}

/// How to widen a stuck network, before the neuron is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmbeddingKind {
    /// Split the neuron whose split gives the most negative eigenvalue.
    Split,
    /// Add a neuron with zero output weight and random input weights.
    ZeroOutput,
}

/// Widens `net` as `kind` says (splits with `config.mu`; the zero-output neuron's input
/// weights are seeded by `seed`).
pub fn widen(
    task: &Task,
    config: &EscapeConfig,
    net: &Network,
    kind: EmbeddingKind,
    seed: u64,
) -> (Embedding, Network) {
    match kind {
        EmbeddingKind::Split => {
            let best = (0..net.shape.width)
                .map(|j| (j, min_eigenvalue(task, &split_neuron(net, j, config.mu))))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map_or(0, |(j, _)| j);
            (
                Embedding::Split {
                    neuron: best,
                    mu: config.mu,
                },
                split_neuron(net, best, config.mu),
            )
        }
        EmbeddingKind::ZeroOutput => (
            Embedding::ZeroOutput,
            add_silent_neuron(net, &mut SeededRng::new(seed, Stream::Directions)),
        ),
    }
}

/// `net` after the seeded perturbation of size `config.perturbation` that starts the escape.
pub fn perturbed(config: &EscapeConfig, mut net: Network, seed: u64) -> Network {
    let mut rng = SeededRng::new(seed, Stream::Perturbation);
    for p in &mut net.params {
        *p += config.perturbation * rng.normal();
    }
    net
}

/// One embedding of a stuck point and the training on from it, step by step: the escape
/// scene animates it, [`analyse_case`] runs it to its end.
#[derive(Clone, Debug)]
pub struct AttemptRun {
    /// How it was embedded.
    pub embedding: Embedding,
    /// The widened point (same loss as the stuck point).
    pub widened: Network,
    /// The widened point's analysis (its lowest eigenvector is the escape direction).
    pub at_embedding: EndPoint,
    /// The widened point's Hessian spectrum, ascending.
    pub spectrum: Vec<f64>,
    /// Training (and polishing) on from the perturbed widened point.
    pub run: SteppedRun,
}

impl AttemptRun {
    /// Widens the stuck `net` (seed `seed`) and prepares the run on from it.
    pub fn new(
        task: &Arc<Task>,
        config: &EscapeConfig,
        net: &Network,
        kind: EmbeddingKind,
        seed: u64,
    ) -> AttemptRun {
        let (embedding, widened) = widen(task, config, net, kind, seed);
        let objective = Objective::new(task, widened.shape.width);
        let at_embedding = classify(&objective, &widened.params, config.threshold);
        let spectrum = Spectrum::of_symmetric(&objective.hessian(&widened.params)).values;
        let start = perturbed(config, widened.clone(), seed);
        let run = SteppedRun::new(task, start, None, &config.continue_run);
        AttemptRun {
            embedding,
            widened,
            at_embedding,
            spectrum,
            run,
        }
    }

    /// The attempt's result, once its run is over.
    pub fn result(&self) -> Option<EscapeAttempt> {
        self.run.outcome().map(|o| EscapeAttempt {
            embedding: self.embedding,
            at_embedding: self.at_embedding.clone(),
            loss_after: o.final_loss,
            escaped: o.success,
            diverged: o.diverged,
        })
    }

    /// Runs to the end.
    pub fn finish(mut self) -> EscapeAttempt {
        while self.run.advance(1024).is_none() {}
        self.result().unwrap_or_else(|| unreachable!())
    }
}

/// Analyses one stuck point: the split of the neuron whose split gives the most negative
/// eigenvalue, and a zero-output neuron.
pub fn analyse_case(
    task: &Arc<Task>,
    config: &EscapeConfig,
    seed: u64,
    params: Vec<f64>,
) -> EscapeCase {
    let shape = Shape::new(task.config.input_dim, config.width);
    let net = Network {
        shape,
        activation: task.config.activation,
        params,
    };
    let objective = Objective::new(task, config.width);
    let stuck = classify(&objective, &net.params, config.threshold);
    let attempts = [EmbeddingKind::Split, EmbeddingKind::ZeroOutput]
        .into_iter()
        .map(|kind| AttemptRun::new(task, config, &net, kind, seed).finish())
        .collect();
    EscapeCase {
        seed,
        stuck,
        params: net.params,
        attempts,
    }
}

/// The seeds the escape experiment searches for stuck students.
pub fn search_seeds(config: &EscapeConfig) -> Vec<u64> {
    (0..config.search_seeds)
        .map(|i| config.first_seed + i)
        .collect()
}

/// The stuck cases among the searched seeds' outcomes (in seed order, at most `max_cases`).
pub fn stuck_cases(config: &EscapeConfig, trained: &[(u64, Outcome)]) -> Vec<(u64, Vec<f64>)> {
    trained
        .iter()
        .filter(|(_, o)| is_stuck(config, o))
        .take(config.max_cases)
        .map(|(s, o)| (*s, o.params.clone()))
        .collect()
}

/// The network and neuron of the mu sweep: the first case's split neuron (its best one).
pub fn mu_sweep_start(task: &Task, config: &EscapeConfig, case: &EscapeCase) -> (Network, usize) {
    let neuron = match case.attempts[0].embedding {
        Embedding::Split { neuron, .. } => neuron,
        Embedding::ZeroOutput => 0,
    };
    let net = Network {
        shape: Shape::new(task.config.input_dim, config.width),
        activation: task.config.activation,
        params: case.params.clone(),
    };
    (net, neuron)
}

/// The smallest Hessian eigenvalue after splitting `neuron` of `net` with share `mu`.
pub fn mu_point(task: &Task, net: &Network, neuron: usize, mu: f64) -> f64 {
    min_eigenvalue(task, &split_neuron(net, neuron, mu))
}

/// Runs the escape experiment: search for stuck students, analyse up to `max_cases`, and sweep
/// mu for the first (the three stages of [`crate::experiments::staged`], on every core).
pub fn run_escape(config: &EscapeConfig) -> EscapeResult {
    match staged::run_staged(staged::Experiment::Escape(config.clone())) {
        staged::Finished::Escape(r) => r,
        _ => unreachable!("the escape experiment ends with its result"),
    }
}
