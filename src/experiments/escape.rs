//! Experiment 4, escape by embedding: students of width k stuck in a bad minimum are embedded
//! in width k + 1 by splitting a neuron (coefficient mu) or by adding a neuron with zero output
//! weight. The embedded point has the same loss, but its Hessian gains a negative eigenvalue:
//! gradient descent can escape along it.

use crate::core::embed::{add_silent_neuron, split_neuron};
use crate::core::network::{Network, Shape};
use crate::core::newton::{classify, polish, EndPoint};
use crate::core::objective::Objective;
use crate::core::rng::{SeededRng, Stream};
use crate::core::spectrum::Spectrum;
use crate::core::task::{Task, TaskConfig};
use crate::core::train::{TrainConfig, Trainer};
use crate::experiments::outcome::{run, RunSettings};
use crate::experiments::parallel::par_map;
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
    /// Short name for tables.
    pub fn name(&self) -> String {
        match self {
            Embedding::Split { neuron, mu } => format!("split neuron {neuron} (mu={mu})"),
            Embedding::ZeroOutput => "zero-output neuron".into(),
        }
    }
}

/// One embedding of one stuck case, and what happened after it.
#[derive(Clone, Debug)]
pub struct EscapeAttempt {
    /// How it was embedded.
    pub embedding: Embedding,
    /// The embedded point (loss equal to the stuck loss).
    pub at_embedding: EndPoint,
    /// Loss after training on from the perturbed embedded point.
    pub loss_after: f64,
    /// `loss_after < threshold`.
    pub escaped: bool,
}

/// A stuck narrow student and its embeddings.
#[derive(Clone, Debug)]
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

/// Trains and polishes a width-`width` student; returns its parameters and polished loss.
pub fn train_and_polish(task: &Arc<Task>, config: &EscapeConfig, seed: u64) -> (Vec<f64>, f64) {
    let mut t = Trainer::new(task.clone(), config.width, seed, config.train);
    t.run_to_end();
    let mut params = t.params().to_vec();
    let objective = Objective::new(task, config.width);
    let loss = polish(&objective, &mut params, config.polish_steps);
    (params, loss)
}

/// The smallest Hessian eigenvalue of `net` on `task`.
pub fn min_eigenvalue(task: &Task, net: &Network) -> f64 {
    let objective = Objective::new(task, net.shape.width);
    Spectrum::of_symmetric(&objective.hessian(&net.params)).values[0]
}

/// Trains on from `net` after a seeded perturbation of size `config.perturbation`.
fn continue_from(task: &Arc<Task>, config: &EscapeConfig, mut net: Network, seed: u64) -> f64 {
    let mut rng = SeededRng::new(seed, Stream::Perturbation);
    for p in &mut net.params {
        *p += config.perturbation * rng.normal();
    }
    run(task, net, None, &config.continue_run).final_loss
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
    let best = (0..config.width)
        .map(|j| (j, min_eigenvalue(task, &split_neuron(&net, j, config.mu))))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(0, |(j, _)| j);
    let candidates = [
        (
            Embedding::Split {
                neuron: best,
                mu: config.mu,
            },
            split_neuron(&net, best, config.mu),
        ),
        (
            Embedding::ZeroOutput,
            add_silent_neuron(&net, &mut SeededRng::new(seed, Stream::Directions)),
        ),
    ];
    let wide_objective = Objective::new(task, config.width + 1);
    let attempts = candidates
        .into_iter()
        .map(|(embedding, wide)| {
            let at_embedding = classify(&wide_objective, &wide.params, config.threshold);
            let loss_after = continue_from(task, config, wide, seed);
            EscapeAttempt {
                embedding,
                at_embedding,
                loss_after,
                escaped: loss_after < config.continue_run.threshold,
            }
        })
        .collect();
    EscapeCase {
        seed,
        stuck,
        params: net.params,
        attempts,
    }
}

/// Runs the escape experiment: search for stuck students, analyse up to `max_cases`, and sweep
/// mu for the first.
pub fn run_escape(config: &EscapeConfig) -> EscapeResult {
    let task = Arc::new(Task::generate(config.task));
    let seeds: Vec<u64> = (0..config.search_seeds)
        .map(|i| config.first_seed + i)
        .collect();
    let trained = par_map(&seeds, |&s| (s, train_and_polish(&task, config, s)));
    let searched: Vec<(u64, f64)> = trained.iter().map(|(s, (_, l))| (*s, *l)).collect();
    let stuck: Vec<(u64, Vec<f64>)> = trained
        .into_iter()
        .filter(|(_, (_, l))| *l >= config.stuck_factor * config.threshold)
        .take(config.max_cases)
        .map(|(s, (p, _))| (s, p))
        .collect();
    let cases = par_map(&stuck, |(s, p)| analyse_case(&task, config, *s, p.clone()));
    let mu_sweep = match cases.first() {
        Some(case) => {
            let neuron = match case.attempts[0].embedding {
                Embedding::Split { neuron, .. } => neuron,
                Embedding::ZeroOutput => 0,
            };
            let net = Network {
                shape: Shape::new(task.config.input_dim, config.width),
                activation: task.config.activation,
                params: case.params.clone(),
            };
            par_map(&config.mu_sweep, |&mu| {
                (mu, min_eigenvalue(&task, &split_neuron(&net, neuron, mu)))
            })
        }
        None => Vec::new(),
    };
    EscapeResult {
        config: config.clone(),
        searched,
        cases,
        mu_sweep,
    }
}
