//! Experiments 2 and 3, lottery tickets.
//!
//! *Neuron-level*: a width-k init ("ticket") is trained alone and labelled winning or losing;
//! then it is embedded in a width k + m network whose m other neurons are drawn at scale alpha,
//! and the whole network is trained. A literal lottery reading predicts success ~1 with a
//! winning ticket inside and ~0 with a losing one.
//!
//! *Weight-level* (Frankle & Carbin 2019): iterative magnitude pruning of a dense student with
//! rewinding to the initial values gives a sparse ticket; it is trained alone, and embedded in
//! the full network with the other weights re-drawn at scale alpha.

use crate::core::embed::add_scaled_neurons;
use crate::core::network::{Network, Shape};
use crate::core::rng::{SeededRng, Stream};
use crate::core::task::{Task, TaskConfig};
use crate::experiments::outcome::{run, RunSettings};
use crate::experiments::parallel::par_map;
use crate::experiments::stats::{wilson_interval, Z95};
use std::sync::Arc;

/// Settings of the neuron-level ticket experiment.
#[derive(Clone, Debug, PartialEq)]
pub struct NeuronTicketConfig {
    /// Teacher and data; tickets have the teacher's width.
    pub task: TaskConfig,
    /// Neurons added around the ticket.
    pub extra: usize,
    /// Scales of the added neurons.
    pub alphas: Vec<f64>,
    /// Number of tickets (seeds `first_seed ..`).
    pub tickets: u64,
    /// First ticket seed.
    pub first_seed: u64,
    /// Training of the ticket alone.
    pub alone: RunSettings,
    /// Training of the embedded network (the science notes use 4000 Adam steps).
    pub embedded: RunSettings,
}

impl Default for NeuronTicketConfig {
    /// The science notes' setting: k = 4 tickets with one extra neuron at alpha 0.1, 0.5, 1,
    /// and the large perturbations 2 to 16. Measured (30 tickets): winning tickets embedded
    /// still win at alpha up to 4, but 1 of 7 fails at alpha 8 and 5 of 7 at 16.
    fn default() -> NeuronTicketConfig {
        let embedded = RunSettings {
            train: crate::core::train::TrainConfig {
                max_steps: 4000,
                ..RunSettings::default().train
            },
            ..RunSettings::default()
        };
        NeuronTicketConfig {
            task: TaskConfig::default(),
            extra: 1,
            alphas: vec![0.1, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0],
            tickets: 60,
            first_seed: 1,
            alone: RunSettings::default(),
            embedded,
        }
    }
}

/// A success count among some runs, with its rate and 95% Wilson interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    /// Runs.
    pub runs: usize,
    /// Successes.
    pub successes: usize,
    /// `successes / runs` (NaN for no runs).
    pub rate: f64,
    /// 95% Wilson interval.
    pub ci: (f64, f64),
}

impl Rate {
    /// The rate of `successes` among `runs`.
    pub fn new(successes: usize, runs: usize) -> Rate {
        Rate {
            runs,
            successes,
            rate: if runs > 0 {
                successes as f64 / runs as f64
            } else {
                f64::NAN
            },
            ci: wilson_interval(successes, runs, Z95),
        }
    }

    /// The rate of true values.
    pub fn of(flags: impl IntoIterator<Item = bool>) -> Rate {
        let (mut s, mut n) = (0, 0);
        for f in flags {
            n += 1;
            s += f as usize;
        }
        Rate::new(s, n)
    }
}

/// Results at one alpha.
#[derive(Clone, Debug, PartialEq)]
pub struct AlphaRow {
    /// Scale of the added neurons.
    pub alpha: f64,
    /// Success of the embedded network when the ticket inside wins alone.
    pub given_winning: Rate,
    /// Success of the embedded network when the ticket inside loses alone.
    pub given_losing: Rate,
}

/// The rows of the 2x2 analysis per alpha, from each ticket's `(wins alone, wins embedded at
/// each alpha)`.
fn alpha_rows(alphas: &[f64], outcomes: &[(bool, &[bool])]) -> Vec<AlphaRow> {
    let given =
        |wins: bool, i: usize| Rate::of(outcomes.iter().filter(|o| o.0 == wins).map(|o| o.1[i]));
    alphas
        .iter()
        .enumerate()
        .map(|(i, &alpha)| AlphaRow {
            alpha,
            given_winning: given(true, i),
            given_losing: given(false, i),
        })
        .collect()
}

/// One ticket and its fate.
#[derive(Clone, Debug, PartialEq)]
pub struct TicketRun {
    /// Ticket seed.
    pub seed: u64,
    /// Whether it won alone.
    pub wins_alone: bool,
    /// Final loss alone.
    pub loss_alone: f64,
    /// Success embedded, per alpha (in config order).
    pub embedded_success: Vec<bool>,
}

/// Results of the neuron-level experiment.
#[derive(Clone, Debug, PartialEq)]
pub struct NeuronTicketResult {
    /// Settings.
    pub config: NeuronTicketConfig,
    /// Every ticket.
    pub tickets: Vec<TicketRun>,
    /// Fraction of tickets that win alone.
    pub p_win_alone: Rate,
    /// One row per alpha.
    pub rows: Vec<AlphaRow>,
}

/// Trains one ticket alone and embedded at every alpha.
pub fn run_neuron_ticket(task: &Arc<Task>, config: &NeuronTicketConfig, seed: u64) -> TicketRun {
    let k = config.task.teacher_width;
    let shape = Shape::new(task.config.input_dim, k);
    let ticket = Network::student_init(
        shape,
        task.config.activation,
        &mut SeededRng::new(seed, Stream::Student),
    );
    let alone = run(task, ticket.clone(), None, &config.alone);
    let embedded_success = config
        .alphas
        .iter()
        .map(|&alpha| {
            let mut rng = SeededRng::new(seed, Stream::Perturbation);
            let net = add_scaled_neurons(&ticket, config.extra, alpha, alpha, &mut rng);
            run(task, net, None, &config.embedded).success
        })
        .collect();
    TicketRun {
        seed,
        wins_alone: alone.success,
        loss_alone: alone.final_loss,
        embedded_success,
    }
}

/// Runs the neuron-level ticket experiment.
pub fn run_neuron_tickets(config: &NeuronTicketConfig) -> NeuronTicketResult {
    let task = Arc::new(Task::generate(config.task));
    let seeds: Vec<u64> = (0..config.tickets).map(|i| config.first_seed + i).collect();
    let tickets = par_map(&seeds, |&s| run_neuron_ticket(&task, config, s));
    summarise_neuron_tickets(config, tickets)
}

/// Tabulates finished tickets.
pub fn summarise_neuron_tickets(
    config: &NeuronTicketConfig,
    tickets: Vec<TicketRun>,
) -> NeuronTicketResult {
    let outcomes: Vec<(bool, &[bool])> = tickets
        .iter()
        .map(|t| (t.wins_alone, t.embedded_success.as_slice()))
        .collect();
    let rows = alpha_rows(&config.alphas, &outcomes);
    NeuronTicketResult {
        config: config.clone(),
        p_win_alone: Rate::of(tickets.iter().map(|t| t.wins_alone)),
        tickets,
        rows,
    }
}

/// Settings of the weight-level (iterative magnitude pruning) experiment.
#[derive(Clone, Debug, PartialEq)]
pub struct WeightTicketConfig {
    /// Teacher and data.
    pub task: TaskConfig,
    /// Width of the dense student.
    pub width: usize,
    /// Fraction of the surviving input weights pruned per round (output weights are pruned at
    /// half this rate; biases are not pruned).
    pub prune_fraction: f64,
    /// Pruning rounds.
    pub rounds: usize,
    /// Rewinding point: survivors are reset to their values after this many steps of dense
    /// training (0 = the initial values, as in Frankle & Carbin 2019).
    pub rewind_steps: u64,
    /// Scales at which the non-ticket weights are re-drawn for the embedded run.
    pub alphas: Vec<f64>,
    /// Number of dense students (seeds `first_seed ..`).
    pub seeds: u64,
    /// First seed.
    pub first_seed: u64,
    /// Training of every run.
    pub run: RunSettings,
}

impl Default for WeightTicketConfig {
    /// A width-16 student pruned 10% per round for 2 rounds (about 83% of the weights left),
    /// the rest re-drawn at alpha 1, 4 (the science notes' large perturbation) and 16.
    ///
    /// Why so little pruning: measured on the default teacher (8 seeds), tickets alone reach
    /// the 1e-5 threshold for 6 of 8 seeds at 83% density, 1 of 8 at 71% and none at 60% or
    /// below: a sparse tanh network cannot represent the teacher exactly and ends near 1e-4, so
    /// deeper pruning leaves no winning tickets to study.
    fn default() -> WeightTicketConfig {
        WeightTicketConfig {
            task: TaskConfig::default(),
            width: 16,
            prune_fraction: 0.1,
            rounds: 2,
            rewind_steps: 0,
            alphas: vec![1.0, 4.0, 16.0],
            seeds: 20,
            first_seed: 1,
            run: RunSettings::default(),
        }
    }
}

/// One dense student's ticket and its fate.
#[derive(Clone, Debug, PartialEq)]
pub struct WeightTicketRun {
    /// Seed of the dense student.
    pub seed: u64,
    /// Whether the dense student succeeded.
    pub dense_success: bool,
    /// Fraction of the weights (input and output; biases are never pruned) kept in the ticket.
    pub density: f64,
    /// Whether the ticket trained alone (masked, from its initial values) succeeded.
    pub ticket_alone_success: bool,
    /// Final loss of the ticket trained alone.
    pub ticket_alone_loss: f64,
    /// Success of the full network with the ticket at its initial values and the rest re-drawn,
    /// per alpha.
    pub embedded_success: Vec<bool>,
    /// Which parameters form the ticket.
    pub mask: Vec<bool>,
}

/// Results of the weight-level experiment.
#[derive(Clone, Debug, PartialEq)]
pub struct WeightTicketResult {
    /// Settings.
    pub config: WeightTicketConfig,
    /// Every seed's ticket.
    pub runs: Vec<WeightTicketRun>,
    /// Success of the dense students.
    pub dense: Rate,
    /// Success of the tickets alone.
    pub ticket_alone: Rate,
    /// Per alpha: success embedded, given the ticket alone won, and given it lost.
    pub rows: Vec<AlphaRow>,
}

/// One round of magnitude pruning: `fraction` of the surviving input weights and half that
/// fraction of the surviving output weights with the smallest trained magnitude. Biases are
/// never pruned (as in Frankle & Carbin).
pub fn prune_round(mask: &mut [bool], trained: &[f64], shape: Shape, fraction: f64) {
    prune_smallest(mask, trained, shape.input_weights(), fraction);
    prune_smallest(mask, trained, shape.output_weights(), fraction / 2.0);
}

/// The full network around a weight-level ticket: the ticket's weights at their values in
/// `init`, every other weight re-drawn from the student initialisation (seeded by `seed`) and
/// scaled by `alpha`.
pub fn embed_weight_ticket(init: &Network, mask: &[bool], alpha: f64, seed: u64) -> Network {
    let fresh = Network::student_init(
        init.shape,
        init.activation,
        &mut SeededRng::new(seed, Stream::Perturbation),
    );
    let mut net = init.clone();
    for ((x, &keep), f) in net.params.iter_mut().zip(mask).zip(&fresh.params) {
        if !keep {
            *x = alpha * f;
        }
    }
    net
}

/// Prunes `fraction` of the surviving entries of `indices` with the smallest `|trained|`.
fn prune_smallest(
    mask: &mut [bool],
    trained: &[f64],
    indices: impl Iterator<Item = usize>,
    fraction: f64,
) {
    let mut alive: Vec<usize> = indices.filter(|&i| mask[i]).collect();
    let count = (fraction * alive.len() as f64).round() as usize;
    alive.sort_by(|&a, &b| {
        trained[a]
            .abs()
            .total_cmp(&trained[b].abs())
            .then(a.cmp(&b))
    });
    for &i in alive.iter().take(count) {
        mask[i] = false;
    }
}

/// Finds and tests the weight-level ticket of one dense student.
pub fn run_weight_ticket(
    task: &Arc<Task>,
    config: &WeightTicketConfig,
    seed: u64,
) -> WeightTicketRun {
    let shape = Shape::new(task.config.input_dim, config.width);
    let init = Network::student_init(
        shape,
        task.config.activation,
        &mut SeededRng::new(seed, Stream::Student),
    );
    let p = shape.num_params();
    let mut mask = vec![true; p];
    let dense = run(task, init.clone(), None, &config.run);
    // The point survivors are rewound to.
    let init = if config.rewind_steps > 0 {
        let mut early = crate::core::train::Trainer::from_network(
            task.clone(),
            init,
            crate::core::train::TrainConfig {
                max_steps: config.rewind_steps,
                ..config.run.train
            },
        );
        early.run_to_end();
        early.network().clone()
    } else {
        init
    };
    let mut trained = dense.params.clone();
    for round in 0..config.rounds {
        prune_round(&mut mask, &trained, shape, config.prune_fraction);
        if round + 1 < config.rounds {
            // Rewind the survivors to their initial values and retrain the sparse network.
            trained = run(task, init.clone(), Some(&mask), &config.run).params;
        }
    }
    let alone = run(task, init.clone(), Some(&mask), &config.run);
    let embedded_success = config
        .alphas
        .iter()
        .map(|&alpha| {
            let net = embed_weight_ticket(&init, &mask, alpha, seed);
            run(task, net, None, &config.run).success
        })
        .collect();
    let weights: Vec<usize> = shape
        .input_weights()
        .chain(shape.output_weights())
        .collect();
    let kept = weights.iter().filter(|&&i| mask[i]).count();
    WeightTicketRun {
        seed,
        dense_success: dense.success,
        density: kept as f64 / weights.len() as f64,
        ticket_alone_success: alone.success,
        ticket_alone_loss: alone.final_loss,
        embedded_success,
        mask,
    }
}

/// Runs the weight-level ticket experiment.
pub fn run_weight_tickets(config: &WeightTicketConfig) -> WeightTicketResult {
    let task = Arc::new(Task::generate(config.task));
    let seeds: Vec<u64> = (0..config.seeds).map(|i| config.first_seed + i).collect();
    let runs = par_map(&seeds, |&s| run_weight_ticket(&task, config, s));
    let outcomes: Vec<(bool, &[bool])> = runs
        .iter()
        .map(|r| (r.ticket_alone_success, r.embedded_success.as_slice()))
        .collect();
    let rows = alpha_rows(&config.alphas, &outcomes);
    WeightTicketResult {
        config: config.clone(),
        dense: Rate::of(runs.iter().map(|r| r.dense_success)),
        ticket_alone: Rate::of(runs.iter().map(|r| r.ticket_alone_success)),
        runs,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pruning_removes_the_smallest_survivors() {
        let mut mask = vec![true, true, false, true, true];
        let trained = [0.5, -0.1, 0.0, 0.3, -2.0];
        prune_smallest(&mut mask, &trained, 0..5, 0.5);
        assert_eq!(mask, vec![true, false, false, false, true]);
    }

    #[test]
    fn rates_count_and_bound() {
        let r = Rate::of([true, false, true, true]);
        assert_eq!((r.successes, r.runs), (3, 4));
        assert_eq!(r.rate, 0.75);
        assert!(r.ci.0 < 0.75 && r.ci.1 > 0.75);
        assert!(Rate::of([]).rate.is_nan());
    }
}
