//! Every experiment as rounds of independent jobs, for running them somewhere else.
//!
//! An experiment is one to three rounds ("stages") of jobs that depend only on their settings
//! and seed: the sweep, the tickets and the subspaces have one, the census two (end points, then
//! the widening of each bad minimum), the escape three (the search for stuck students, the
//! analysis of each, the mu sweep of the first). A [`StagedRun`] hands out one round's
//! [`Work`] at a time and takes back each job's [`Output`] in job order; whoever runs the jobs
//! (this machine's cores in [`run_staged`], a Dask cluster from Python) gets the same result,
//! bit for bit, because every job is a pure function of the experiment and the job, and the
//! summaries are the experiments' own. With the `serde` feature, jobs and outputs serialise.

use crate::core::network::{Network, Shape};
use crate::core::task::Task;
use crate::experiments::census::{
    self, CensusConfig, CensusResult, WideningOutcome, WideningStart, WidthCensus,
};
use crate::experiments::escape::{self, EscapeCase, EscapeConfig, EscapeResult};
use crate::experiments::outcome::Outcome;
use crate::experiments::parallel::par_map;
use crate::experiments::subspace::{self, SubspaceConfig, SubspaceResult};
use crate::experiments::sweep::{self, SweepConfig, SweepResult, SweepRun};
use crate::experiments::tickets::{
    self, NeuronTicketConfig, NeuronTicketResult, TicketRun, WeightTicketConfig,
    WeightTicketResult, WeightTicketRun,
};
use std::sync::Arc;

/// An experiment and its settings.
#[derive(Clone, Debug)]
pub enum Experiment {
    /// The width sweep.
    Sweep(SweepConfig),
    /// Neuron-level lottery tickets.
    NeuronTickets(NeuronTicketConfig),
    /// Weight-level lottery tickets (iterative magnitude pruning).
    WeightTickets(WeightTicketConfig),
    /// Escape from stuck students by embedding.
    Escape(EscapeConfig),
    /// Training in random subspaces.
    Subspace(SubspaceConfig),
    /// The census of minima and the widening of the bad ones.
    Census(CensusConfig),
}

impl Experiment {
    /// The experiment's name: `sweep`, `neuron_tickets`, `weight_tickets`, `escape`,
    /// `subspace` or `census`.
    pub fn name(&self) -> &'static str {
        match self {
            Experiment::Sweep(_) => "sweep",
            Experiment::NeuronTickets(_) => "neuron_tickets",
            Experiment::WeightTickets(_) => "weight_tickets",
            Experiment::Escape(_) => "escape",
            Experiment::Subspace(_) => "subspace",
            Experiment::Census(_) => "census",
        }
    }

    /// The experiment's task (teacher and data).
    pub fn task(&self) -> Task {
        Task::generate(match self {
            Experiment::Sweep(c) => c.task,
            Experiment::NeuronTickets(c) => c.task,
            Experiment::WeightTickets(c) => c.task,
            Experiment::Escape(c) => c.task,
            Experiment::Subspace(c) => c.task,
            Experiment::Census(c) => c.task,
        })
    }
}

/// One job of a stage.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Work {
    /// One sweep run.
    Sweep {
        /// Student width.
        width: usize,
        /// Student seed.
        seed: u64,
    },
    /// One neuron-level ticket, alone and embedded at every alpha.
    NeuronTicket {
        /// Ticket seed.
        seed: u64,
    },
    /// One dense student's weight-level ticket.
    WeightTicket {
        /// Dense student seed.
        seed: u64,
    },
    /// Training and polishing one narrow student (is it stuck?).
    EscapeSearch {
        /// Student seed.
        seed: u64,
    },
    /// The analysis of one stuck student: its split and zero-output embeddings, trained on.
    EscapeCase {
        /// Student seed.
        seed: u64,
        /// Its polished end point.
        params: Vec<f64>,
    },
    /// One point of the mu sweep: the smallest eigenvalue after splitting `neuron` of the
    /// first stuck case with share `mu`.
    EscapeMu {
        /// The share.
        mu: f64,
        /// The neuron split (the first case's best).
        neuron: usize,
        /// The first case's parameters.
        params: Vec<f64>,
    },
    /// One student trained in a random subspace.
    Subspace {
        /// Subspace dimension.
        dimension: usize,
        /// Seed.
        seed: u64,
    },
    /// One seed of the census: gradient flow to a critical point.
    CensusEnd {
        /// Student width.
        width: usize,
        /// Student seed.
        seed: u64,
    },
    /// One embedding of a bad minimum into the next width, flowed on from.
    Widening {
        /// The bad minimum.
        start: WideningStart,
        /// How it is embedded.
        embedding: census::Embedding,
    },
}

/// What one job found.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Output {
    /// A sweep run.
    Sweep(SweepRun),
    /// A neuron-level ticket.
    NeuronTicket(TicketRun),
    /// A weight-level ticket.
    WeightTicket(WeightTicketRun),
    /// A narrow student's outcome.
    EscapeSearch(Outcome),
    /// A stuck student's analysis.
    EscapeCase(EscapeCase),
    /// The smallest eigenvalue at one mu.
    EscapeMu(f64),
    /// A subspace run's final loss.
    Subspace(f64),
    /// A census end point.
    CensusEnd(census::EndPoint),
    /// A widening's outcome (named by the wider census when the stage ends).
    Widening(WideningOutcome),
}

/// A finished experiment's result: what the figures command tabulates and draws.
#[derive(Clone, Debug)]
pub enum Finished {
    /// The width sweep.
    Sweep(SweepResult),
    /// Neuron-level tickets.
    NeuronTickets(NeuronTicketResult),
    /// Weight-level tickets.
    WeightTickets(WeightTicketResult),
    /// Escape by embedding.
    Escape(EscapeResult),
    /// Random subspaces.
    Subspace(SubspaceResult),
    /// The census of minima.
    Census(CensusResult),
}

/// What the finished stages left for the next.
#[derive(Clone, Debug)]
enum Progress {
    /// Nothing run yet.
    Start,
    /// The escape search is done: the searched seeds' outcomes.
    Searched(Vec<(u64, Outcome)>),
    /// The escape cases are analysed.
    Analysed(Vec<(u64, f64)>, Vec<EscapeCase>),
    /// The census of every width is known.
    Counted(Vec<WidthCensus>),
    /// The result.
    Done(Box<Finished>),
}

/// An experiment run stage by stage ([`StagedRun::jobs`], then [`StagedRun::accept`] their
/// outputs, until [`StagedRun::result`]).
#[derive(Clone, Debug)]
pub struct StagedRun {
    experiment: Experiment,
    task: Arc<Task>,
    progress: Progress,
    jobs: Vec<Work>,
}

fn seeds(first: u64, count: u64) -> Vec<u64> {
    (0..count).map(|i| first + i).collect()
}

impl StagedRun {
    /// The experiment before its first stage.
    pub fn new(experiment: Experiment) -> StagedRun {
        let task = Arc::new(experiment.task());
        let mut run = StagedRun {
            experiment,
            task,
            progress: Progress::Start,
            jobs: Vec::new(),
        };
        run.jobs = run.next_jobs();
        run.skip_empty_stages();
        run
    }

    /// The experiment.
    pub fn experiment(&self) -> &Experiment {
        &self.experiment
    }

    /// The current stage's jobs (empty once the experiment is finished).
    pub fn jobs(&self) -> &[Work] {
        &self.jobs
    }

    /// The result, once every stage is done.
    pub fn result(&self) -> Option<&Finished> {
        match &self.progress {
            Progress::Done(f) => Some(f),
            _ => None,
        }
    }

    /// Takes the current stage's outputs, one per job in the order of [`StagedRun::jobs`], and
    /// moves to the next stage. Refuses outputs of the wrong number or kind.
    pub fn accept(&mut self, outputs: Vec<Output>) -> Result<(), String> {
        if outputs.len() != self.jobs.len() {
            return Err(format!(
                "{} outputs for {} jobs of the {} experiment",
                outputs.len(),
                self.jobs.len(),
                self.experiment.name()
            ));
        }
        if self.jobs.is_empty() {
            return Err(format!(
                "the {} experiment is finished",
                self.experiment.name()
            ));
        }
        self.progress = self.advance(outputs)?;
        self.jobs = self.next_jobs();
        self.skip_empty_stages();
        Ok(())
    }

    /// A stage without jobs (no stuck student to analyse) ends at once.
    fn skip_empty_stages(&mut self) {
        while self.jobs.is_empty() && !matches!(self.progress, Progress::Done(_)) {
            self.progress = self
                .advance(Vec::new())
                .unwrap_or_else(|e| unreachable!("{e}"));
            self.jobs = self.next_jobs();
        }
    }

    fn next_jobs(&self) -> Vec<Work> {
        match (&self.experiment, &self.progress) {
            (_, Progress::Done(_)) => Vec::new(),
            (Experiment::Sweep(c), _) => sweep::jobs(c)
                .into_iter()
                .map(|(width, seed)| Work::Sweep { width, seed })
                .collect(),
            (Experiment::NeuronTickets(c), _) => seeds(c.first_seed, c.tickets)
                .into_iter()
                .map(|seed| Work::NeuronTicket { seed })
                .collect(),
            (Experiment::WeightTickets(c), _) => seeds(c.first_seed, c.seeds)
                .into_iter()
                .map(|seed| Work::WeightTicket { seed })
                .collect(),
            (Experiment::Escape(c), Progress::Start) => escape::search_seeds(c)
                .into_iter()
                .map(|seed| Work::EscapeSearch { seed })
                .collect(),
            (Experiment::Escape(c), Progress::Searched(trained)) => escape::stuck_cases(c, trained)
                .into_iter()
                .map(|(seed, params)| Work::EscapeCase { seed, params })
                .collect(),
            (Experiment::Escape(c), Progress::Analysed(_, cases)) if !cases.is_empty() => {
                let (net, neuron) = escape::mu_sweep_start(&self.task, c, &cases[0]);
                c.mu_sweep
                    .iter()
                    .map(|&mu| Work::EscapeMu {
                        mu,
                        neuron,
                        params: net.params.clone(),
                    })
                    .collect()
            }
            (Experiment::Subspace(c), _) => subspace::jobs(c)
                .into_iter()
                .map(|(dimension, seed)| Work::Subspace { dimension, seed })
                .collect(),
            (Experiment::Census(c), Progress::Start) => census::end_point_jobs(c)
                .into_iter()
                .map(|(width, seed)| Work::CensusEnd { width, seed })
                .collect(),
            (Experiment::Census(c), Progress::Counted(widths)) => census::widening_jobs(widths, c)
                .into_iter()
                .map(|(start, embedding)| Work::Widening { start, embedding })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn advance(&self, outputs: Vec<Output>) -> Result<Progress, String> {
        let wrong = || {
            format!(
                "an output of another kind of job for the {} experiment",
                self.experiment.name()
            )
        };
        macro_rules! all {
            ($variant:ident) => {
                outputs
                    .into_iter()
                    .map(|o| match o {
                        Output::$variant(x) => Ok(x),
                        _ => Err(wrong()),
                    })
                    .collect::<Result<Vec<_>, String>>()?
            };
        }
        let done = |f: Finished| Ok(Progress::Done(Box::new(f)));
        match (&self.experiment, &self.progress) {
            (Experiment::Sweep(c), _) => done(Finished::Sweep(sweep::summarise(c, &all!(Sweep)))),
            (Experiment::NeuronTickets(c), _) => done(Finished::NeuronTickets(
                tickets::summarise_neuron_tickets(c, all!(NeuronTicket)),
            )),
            (Experiment::WeightTickets(c), _) => done(Finished::WeightTickets(
                tickets::summarise_weight_tickets(c, all!(WeightTicket)),
            )),
            (Experiment::Escape(_), Progress::Start) => {
                let seeds = self.jobs.iter().map(|w| match w {
                    Work::EscapeSearch { seed } => *seed,
                    _ => unreachable!("escape search jobs"),
                });
                Ok(Progress::Searched(seeds.zip(all!(EscapeSearch)).collect()))
            }
            (Experiment::Escape(c), Progress::Searched(trained)) => {
                let searched = trained.iter().map(|(s, o)| (*s, o.final_loss)).collect();
                let cases = all!(EscapeCase);
                if cases.is_empty() {
                    return done(Finished::Escape(EscapeResult {
                        config: c.clone(),
                        searched,
                        cases,
                        mu_sweep: Vec::new(),
                    }));
                }
                Ok(Progress::Analysed(searched, cases))
            }
            (Experiment::Escape(c), Progress::Analysed(searched, cases)) => {
                let mu_sweep = c.mu_sweep.iter().copied().zip(all!(EscapeMu)).collect();
                done(Finished::Escape(EscapeResult {
                    config: c.clone(),
                    searched: searched.clone(),
                    cases: cases.clone(),
                    mu_sweep,
                }))
            }
            (Experiment::Subspace(c), _) => {
                done(Finished::Subspace(subspace::summarise(c, &all!(Subspace))))
            }
            (Experiment::Census(c), Progress::Start) => {
                Ok(Progress::Counted(census::census_of(c, all!(CensusEnd))))
            }
            (Experiment::Census(c), Progress::Counted(widths)) => {
                let mut widening = all!(Widening);
                census::name_ends(&mut widening, widths, c);
                done(Finished::Census(CensusResult {
                    config: c.clone(),
                    widths: widths.clone(),
                    widening,
                }))
            }
            _ => Err(format!(
                "the {} experiment is finished",
                self.experiment.name()
            )),
        }
    }

    /// Runs one job of the current stage here.
    pub fn run_job(&self, work: &Work) -> Output {
        run_work(&self.experiment, &self.task, work)
    }
}

/// Runs one job of `experiment` on its task ([`Experiment::task`]): what a worker anywhere
/// does with it. A job of another experiment is refused.
pub fn run_work(experiment: &Experiment, task: &Arc<Task>, work: &Work) -> Output {
    try_run_work(experiment, task, work).unwrap_or_else(|e| panic!("{e}"))
}

/// [`run_work`], or why the job does not belong to the experiment.
pub fn try_run_work(
    experiment: &Experiment,
    task: &Arc<Task>,
    work: &Work,
) -> Result<Output, String> {
    Ok(match (experiment, work) {
        (Experiment::Sweep(c), &Work::Sweep { width, seed }) => {
            Output::Sweep(sweep::run_job(task, c, width, seed))
        }
        (Experiment::NeuronTickets(c), &Work::NeuronTicket { seed }) => {
            Output::NeuronTicket(tickets::run_neuron_ticket(task, c, seed))
        }
        (Experiment::WeightTickets(c), &Work::WeightTicket { seed }) => {
            Output::WeightTicket(tickets::run_weight_ticket(task, c, seed))
        }
        (Experiment::Escape(c), &Work::EscapeSearch { seed }) => {
            Output::EscapeSearch(escape::narrow_run(task, c, seed).finish())
        }
        (Experiment::Escape(c), Work::EscapeCase { seed, params }) => {
            Output::EscapeCase(escape::analyse_case(task, c, *seed, params.clone()))
        }
        (Experiment::Escape(c), Work::EscapeMu { mu, neuron, params }) => {
            let net = Network {
                shape: Shape::new(task.config.input_dim, c.width),
                activation: task.config.activation,
                params: params.clone(),
            };
            if *neuron >= c.width || params.len() != net.shape.num_params() {
                return Err(format!(
                    "a mu job with neuron {neuron} and {} parameters for width {}",
                    params.len(),
                    c.width
                ));
            }
            Output::EscapeMu(escape::mu_point(task, &net, *neuron, *mu))
        }
        (Experiment::Subspace(c), &Work::Subspace { dimension, seed }) => {
            Output::Subspace(subspace::run_in_subspace(task, c, dimension, seed))
        }
        (Experiment::Census(c), &Work::CensusEnd { width, seed }) => {
            Output::CensusEnd(census::end_point(task, width, seed, c))
        }
        (Experiment::Census(c), Work::Widening { start, embedding }) => {
            Output::Widening(census::widen_by(task, start, *embedding, c))
        }
        _ => {
            return Err(format!(
                "a {} job is not a job of the {} experiment",
                work.kind(),
                experiment.name()
            ))
        }
    })
}

impl Work {
    /// The job's kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Work::Sweep { .. } => "sweep",
            Work::NeuronTicket { .. } => "neuron ticket",
            Work::WeightTicket { .. } => "weight ticket",
            Work::EscapeSearch { .. } => "escape search",
            Work::EscapeCase { .. } => "escape case",
            Work::EscapeMu { .. } => "mu sweep",
            Work::Subspace { .. } => "subspace",
            Work::CensusEnd { .. } => "census",
            Work::Widening { .. } => "widening",
        }
    }
}

/// Runs every stage of `experiment` on this machine's cores.
pub fn run_staged(experiment: Experiment) -> Finished {
    let mut run = StagedRun::new(experiment);
    while run.result().is_none() {
        let outputs = par_map(run.jobs(), |w| run.run_job(w));
        run.accept(outputs).unwrap_or_else(|e| unreachable!("{e}"));
    }
    run.result()
        .cloned()
        .unwrap_or_else(|| unreachable!("finished"))
}
