//! The census of minima: for each width, the distinct critical points that gradient flow from
//! `S` seeded initialisations ends at, their loss, type and basin share; and what embedding
//! each bad minimum into the next width does to it.
//!
//! **One end point per seed** ([`end_point`], an independent job): gradient flow
//! ([`crate::core::flow`], tolerances [`CensusConfig::flow_tolerance`]) until the gradient
//! norm is below [`CensusConfig::flow_gradient`] or the flow time runs out, then the
//! critical-point finish ([`crate::core::critical::converge`]) and the classification by the
//! spectrum ([`crate::core::critical::classify`]).
//!
//! **The same critical point** ([`same_point`]): neuron permutations, the sign flip of odd
//! activations (`(w, b, a) -> (-w, -b, -a)` for tanh and erf) and the continuous families of
//! wider networks (duplicated or zero-output neurons) make parameter vectors a poor key. The
//! key is the function on the data: two end points are one critical point when their outputs
//! on the training inputs differ by at most [`CensusConfig::match_tolerance`] in root mean
//! square (the targets have variance 1) and their kinds agree. Every seed is counted in exactly
//! one point.
//!
//! **Good and bad**: a point is global when its loss is below
//! [`CensusConfig::success_threshold`] (the sweep's threshold); any other minimum is bad.
//! Basin shares carry 95% Wilson intervals.
//!
//! **Widening** ([`widen_point`]): each bad minimum of width `n`, embedded in width `n + 1`
//! every way the theory names (each neuron split at each `mu` of [`CensusConfig::split_mus`],
//! and a zero-output neuron with seeded random input weights), is classified (its most negative
//! eigenvalue says whether it became a saddle); then gradient flow from it, after a perturbation
//! of size [`CensusConfig::perturbation`] (along the most negative eigenvector where there is
//! one, else a seeded Gaussian direction), goes to an end point, which is finished, classified
//! and named by the census of width `n + 1` where it is one of its points.
//!
//! **The data model** ([`DataModel`]): the loss on the task's finite sample (the default), or
//! the population loss over infinitely many standard Gaussian inputs
//! ([`crate::core::population`]), for erf and ReLU, whose kernels have a closed form. The
//! population model drops every bias: the teacher is the task's teacher without its biases and
//! the students have none (they are drawn as usual, biases set to 0, and keep them at 0 through
//! every embedding). Its loss is divided by the teacher's `E[f*(x)^2]`, so that it is on the
//! scale of the sample loss on standardised targets and the same success threshold applies.
//! Flow, finish and classification run in the bias-free parameters; end points are still
//! matched by their outputs on the task's inputs.

use crate::core::activation::Activation;
use crate::core::critical::{classify, converge, Convergence, CriticalKind, CriticalPoint};
use crate::core::embed::{add_silent_neuron, split_neuron};
use crate::core::flow::{FlowConfig, GradientFlow, GradientSystem};
use crate::core::network::{output, Network, Shape};
use crate::core::objective::Objective;
use crate::core::population::PopulationObjective;
use crate::core::rng::{SeededRng, Stream};
use crate::core::task::{Task, TaskConfig};
use crate::experiments::parallel::par_map;
use crate::experiments::stats::{wilson_interval, Z95};
use ndarray::Array2;

/// The loss a census explores (see the module notes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataModel {
    /// The mean squared error on the task's training inputs.
    Sample,
    /// The expected squared error over standard Gaussian inputs, bias-free networks (erf and
    /// ReLU only), relative to the teacher's `E[f*^2]`.
    Population,
}

impl DataModel {
    /// True where the model has a closed form for `activation`.
    pub fn supports(self, activation: Activation) -> bool {
        self == DataModel::Sample || matches!(activation, Activation::Erf | Activation::Relu)
    }

    /// Why the model cannot be used with `activation`, if it cannot (what the page and the
    /// workers say instead of running).
    pub fn refusal(self, activation: Activation) -> Option<String> {
        (!self.supports(activation)).then(|| {
            format!(
                "the population loss has a closed form for erf and ReLU only, not {activation}: \
                 choose one of them, or the sample data model"
            )
        })
    }
}

/// The loss landscape of one width under a data model: a [`GradientSystem`] in its own
/// parameters (all of a network's for the sample loss, the bias-free ones for the population
/// loss), with the conversions from and to a network.
enum Landscape<'a> {
    Sample(Objective<'a>),
    Population {
        objective: PopulationObjective,
        /// `E[f*^2]`, which the loss is divided by.
        scale: f64,
        shape: Shape,
    },
}

impl<'a> Landscape<'a> {
    /// Panics for the population model with an activation it does not support (callers check
    /// [`DataModel::refusal`] first).
    fn new(task: &'a Task, width: usize, data: DataModel) -> Landscape<'a> {
        if let Some(why) = data.refusal(task.config.activation) {
            panic!("{why}");
        }
        let population = (data == DataModel::Population)
            .then(|| population_objective(task, width))
            .flatten();
        match population {
            None => Landscape::Sample(Objective::new(task, width)),
            Some(objective) => {
                let zero = vec![0.0; objective.num_params()];
                let mut g = zero.clone();
                let scale = objective.loss_and_gradient(&zero, &mut g).max(1e-300);
                Landscape::Population {
                    objective,
                    scale,
                    shape: Shape::new(task.config.input_dim, width),
                }
            }
        }
    }

    /// The landscape's parameters of `net` (for the population loss: its input and output
    /// weights; its biases are dropped).
    fn free(&self, net: &Network) -> Vec<f64> {
        match self {
            Landscape::Sample(_) => net.params.clone(),
            Landscape::Population { shape, .. } => {
                let mut x = net.params[shape.input_weights()].to_vec();
                x.extend_from_slice(&net.params[shape.output_weights()]);
                x
            }
        }
    }

    /// The network of the landscape's parameters `x` (biases 0 for the population loss).
    fn network(&self, x: &[f64], activation: Activation) -> Network {
        match self {
            Landscape::Sample(o) => Network {
                shape: o.shape,
                activation,
                params: x.to_vec(),
            },
            Landscape::Population { shape, .. } => {
                let mut params = vec![0.0; shape.num_params()];
                let w = shape.input_weights().len();
                params[shape.input_weights()].copy_from_slice(&x[..w]);
                params[shape.output_weights()].copy_from_slice(&x[w..]);
                Network {
                    shape: *shape,
                    activation,
                    params,
                }
            }
        }
    }
}

impl GradientSystem for Landscape<'_> {
    fn loss_and_gradient(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        match self {
            Landscape::Sample(o) => GradientSystem::loss_and_gradient(o, x, grad),
            Landscape::Population {
                objective, scale, ..
            } => {
                let loss = objective.loss_and_gradient(x, grad);
                grad.iter_mut().for_each(|g| *g /= scale);
                loss / scale
            }
        }
    }
    fn hessian(&self, x: &[f64]) -> Array2<f64> {
        match self {
            Landscape::Sample(o) => GradientSystem::hessian(o, x),
            Landscape::Population {
                objective, scale, ..
            } => objective.hessian(x) / *scale,
        }
    }
    fn residuals_and_jacobian(&self, x: &[f64]) -> Option<(Vec<f64>, Array2<f64>)> {
        match self {
            Landscape::Sample(o) => GradientSystem::residuals_and_jacobian(o, x),
            Landscape::Population { .. } => None,
        }
    }
}

/// The population loss of a bias-free width-`width` student against the task's teacher without
/// its biases (`None` where the activation has no closed form).
pub fn population_objective(task: &Task, width: usize) -> Option<PopulationObjective> {
    let shape = Shape::new(task.config.input_dim, task.config.teacher_width);
    let teacher_w = (0..shape.width)
        .map(|j| {
            (0..shape.input_dim)
                .map(|k| task.teacher[shape.input_weight(j, k)])
                .collect()
        })
        .collect();
    let teacher_a = (0..shape.width)
        .map(|j| task.teacher[shape.output_weight(j)])
        .collect();
    PopulationObjective::new(task.config.activation, teacher_w, teacher_a, width)
}

/// Settings of a census.
#[derive(Clone, Debug, PartialEq)]
pub struct CensusConfig {
    /// The teacher and data ([`run_census`] generates the task from it).
    pub task: TaskConfig,
    /// Student widths, each censused on its own.
    pub widths: Vec<usize>,
    /// Seeds per width (`first_seed ..`).
    pub seeds: u64,
    /// First student seed.
    pub first_seed: u64,
    /// Relative and absolute tolerance of the flow's steps.
    pub flow_tolerance: f64,
    /// The flow stops once the gradient norm is below this (then the finish takes over).
    pub flow_gradient: f64,
    /// ... or at this flow time.
    pub flow_time: f64,
    /// ... or after this many step attempts.
    pub flow_steps: usize,
    /// Iterations of each stage of the critical-point finish.
    pub finish_iterations: usize,
    /// Loss below which a point is a global minimum.
    pub success_threshold: f64,
    /// Largest RMS difference of outputs on the data between two end points of one point.
    pub match_tolerance: f64,
    /// Output-weight shares at which each neuron of a bad minimum is split.
    pub split_mus: Vec<f64>,
    /// Size of the perturbation that starts the flow from an embedded point.
    pub perturbation: f64,
    /// The loss explored.
    pub data: DataModel,
}

impl Default for CensusConfig {
    /// The default teacher, widths 3–8, 40 seeds each; flow tolerances `1e-4` until `|g| < 1e-6` (at most flow time
    /// `1e8` or 20 000 attempts), 100 finishing iterations per stage, success below `1e-5`,
    /// points matched within `1e-6` RMS, splits at `mu = 0.25, 0.5, 1.5` (a split at `mu` and
    /// one at `1 - mu` are the same point up to a permutation), perturbation `1e-3`.
    fn default() -> CensusConfig {
        CensusConfig {
            task: TaskConfig::default(),
            widths: (3..=8).collect(),
            seeds: 40,
            first_seed: 1,
            flow_tolerance: 1e-4,
            flow_gradient: 1e-6,
            flow_time: 1e8,
            flow_steps: 20_000,
            finish_iterations: 100,
            success_threshold: 1e-5,
            match_tolerance: 1e-6,
            split_mus: vec![0.25, 0.5, 1.5],
            perturbation: 1e-3,
            data: DataModel::Sample,
        }
    }
}

/// Where gradient flow and the finish took one initial point.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EndPoint {
    /// The student's width.
    pub width: usize,
    /// Its seed (for an embedding: the seed of the perturbation's direction).
    pub seed: u64,
    /// The flow time reached and the flow's accepted step count.
    pub flow_time: f64,
    /// Accepted flow steps.
    pub flow_steps: u64,
    /// How the finish ended.
    pub convergence: Convergence,
    /// The classified end point.
    pub point: CriticalPoint,
    /// The parameters at the end.
    pub params: Vec<f64>,
    /// The network's outputs on the training inputs (the key of [`same_point`]).
    pub outputs: Vec<f64>,
}

/// Runs gradient flow and the finish from `net` on `task` (see the module notes).
pub fn flow_to_end(task: &Task, net: Network, seed: u64, config: &CensusConfig) -> EndPoint {
    let land = Landscape::new(task, net.shape.width, config.data);
    let mut x = land.free(&net);
    let flow_config = FlowConfig {
        rtol: config.flow_tolerance,
        atol: config.flow_tolerance,
        ..FlowConfig::default()
    };
    let mut flow = GradientFlow::new(&land, &x, flow_config);
    flow.run(
        &land,
        &mut x,
        config.flow_time,
        config.flow_steps,
        config.flow_gradient,
    );
    let convergence = converge(&land, &mut x, config.finish_iterations);
    let point = classify(&land, &x);
    let net = land.network(&x, net.activation);
    let outputs = outputs_on(task, &net);
    EndPoint {
        width: net.shape.width,
        seed,
        flow_time: flow.time(),
        flow_steps: flow.counts().0,
        convergence,
        point,
        params: net.params,
        outputs,
    }
}

/// The end point of the width-`width` student of seed `seed`: one job of the census (for the
/// population loss the student's biases are set to 0).
pub fn end_point(task: &Task, width: usize, seed: u64, config: &CensusConfig) -> EndPoint {
    let net = Network::student_init(
        Shape::new(task.config.input_dim, width),
        task.config.activation,
        &mut SeededRng::new(seed, Stream::Student),
    );
    let land = Landscape::new(task, width, config.data);
    let net = land.network(&land.free(&net), net.activation);
    flow_to_end(task, net, seed, config)
}

/// The outputs of `net` on the task's inputs.
fn outputs_on(task: &Task, net: &Network) -> Vec<f64> {
    task.inputs
        .rows()
        .into_iter()
        .map(|x| {
            let x: Vec<f64> = x.to_vec();
            output(net.shape, net.activation, &net.params, &x)
        })
        .collect()
}

/// True when two end points are one critical point (see the module notes).
pub fn same_point(a: &EndPoint, b: &EndPoint, config: &CensusConfig) -> bool {
    let kinds_agree = a.point.kind.name() == b.point.kind.name();
    let n = a.outputs.len().max(1) as f64;
    let rms = (a
        .outputs
        .iter()
        .zip(&b.outputs)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        / n)
        .sqrt();
    kinds_agree && a.outputs.len() == b.outputs.len() && rms <= config.match_tolerance
}

/// A distinct critical point of one width and the seeds whose flow ends there.
#[derive(Clone, Debug)]
pub struct DistinctPoint {
    /// Its number within its width, by increasing loss (0 = lowest).
    pub id: usize,
    /// The width.
    pub width: usize,
    /// The classification of its first end point.
    pub point: CriticalPoint,
    /// True when its loss is below the success threshold.
    pub global: bool,
    /// The seeds ending here, in increasing order.
    pub seeds: Vec<u64>,
    /// Fraction of the width's seeds ending here.
    pub share: f64,
    /// 95% Wilson interval of the share.
    pub interval: (f64, f64),
    /// The first end point (parameters and outputs).
    pub representative: EndPoint,
}

impl DistinctPoint {
    /// True for a minimum (of either kind) that is not global: a bad minimum.
    pub fn is_bad_minimum(&self) -> bool {
        !self.global && self.point.kind.is_minimum()
    }
}

/// The census of one width.
#[derive(Clone, Debug)]
pub struct WidthCensus {
    /// The width.
    pub width: usize,
    /// Seeds run.
    pub seeds: usize,
    /// The distinct critical points found, by increasing loss.
    pub points: Vec<DistinctPoint>,
    /// Seeds ending in bad minima, with the share's 95% interval.
    pub bad: (usize, (f64, f64)),
    /// Seeds ending in global minima, with the share's 95% interval.
    pub global: (usize, (f64, f64)),
    /// Seeds whose end point did not converge to a critical point.
    pub not_converged: usize,
}

/// Groups end points of one width into distinct critical points (see [`same_point`]); every
/// end point lands in exactly one group.
pub fn group(width: usize, ends: Vec<EndPoint>, config: &CensusConfig) -> WidthCensus {
    let seeds = ends.len();
    let mut groups: Vec<(EndPoint, Vec<u64>)> = Vec::new();
    for end in ends {
        match groups
            .iter_mut()
            .find(|(rep, _)| same_point(rep, &end, config))
        {
            Some((_, members)) => members.push(end.seed),
            None => {
                let seed = end.seed;
                groups.push((end, vec![seed]));
            }
        }
    }
    groups.sort_by(|a, b| a.0.point.loss.total_cmp(&b.0.point.loss));
    let points: Vec<DistinctPoint> = groups
        .into_iter()
        .enumerate()
        .map(|(id, (rep, mut members))| {
            members.sort_unstable();
            let count = members.len();
            DistinctPoint {
                id,
                width,
                point: rep.point.clone(),
                global: rep.point.loss < config.success_threshold,
                share: count as f64 / seeds.max(1) as f64,
                interval: wilson_interval(count, seeds, Z95),
                seeds: members,
                representative: rep,
            }
        })
        .collect();
    let count = |f: &dyn Fn(&DistinctPoint) -> bool| -> usize {
        points.iter().filter(|p| f(p)).map(|p| p.seeds.len()).sum()
    };
    let bad = count(&|p| p.is_bad_minimum());
    let global = count(&|p| p.global);
    let not_converged = count(&|p| p.point.kind == CriticalKind::NotConverged);
    WidthCensus {
        width,
        seeds,
        bad: (bad, wilson_interval(bad, seeds, Z95)),
        global: (global, wilson_interval(global, seeds, Z95)),
        not_converged,
        points,
    }
}

/// The jobs of a census: every (width, seed) of `config`, widths in order, seeds ascending.
pub fn end_point_jobs(config: &CensusConfig) -> Vec<(usize, u64)> {
    config
        .widths
        .iter()
        .flat_map(|&w| (0..config.seeds).map(move |s| (w, config.first_seed + s)))
        .collect()
}

/// The census of every width of `config` from its end points, in any order (the page's workers
/// answer out of order): each width's end points are grouped in seed order, so the result
/// does not depend on the order they came in. Widths without end points yet are left out.
pub fn census_of(config: &CensusConfig, mut ends: Vec<EndPoint>) -> Vec<WidthCensus> {
    ends.sort_by_key(|e| (e.width, e.seed));
    config
        .widths
        .iter()
        .filter_map(|&w| {
            let mine: Vec<EndPoint> = ends.iter().filter(|e| e.width == w).cloned().collect();
            (!mine.is_empty()).then(|| group(w, mine, config))
        })
        .collect()
}

/// The census of every width of `config` (seeds in parallel natively).
pub fn census(task: &Task, config: &CensusConfig) -> Vec<WidthCensus> {
    let ends = par_map(&end_point_jobs(config), |&(w, s)| {
        end_point(task, w, s, config)
    });
    census_of(config, ends)
}

/// How a bad minimum was embedded in the next width.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Embedding {
    /// Neuron `neuron` split with output-weight share `mu`.
    Split {
        /// The neuron split.
        neuron: usize,
        /// Its output weight's share kept by the first copy.
        mu: f64,
    },
    /// A neuron with zero output weight and random input weights added.
    Silent,
}

impl Embedding {
    /// Short name for tables: `split` or `silent`.
    pub fn name(self) -> &'static str {
        match self {
            Embedding::Split { .. } => "split",
            Embedding::Silent => "silent",
        }
    }
}

/// What one embedding did to a bad minimum.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct WideningOutcome {
    /// The bad minimum's width and id in its census.
    pub from: (usize, usize),
    /// How it was embedded.
    pub embedding: Embedding,
    /// The embedded point, classified: a saddle if its most negative eigenvalue is below the
    /// tolerance; "not converged" when it is not a critical point at all (a silent neuron with
    /// random input weights generally is not: the loss's slope along its output weight is
    /// the correlation of its activity with the residuals).
    pub embedded: CriticalPoint,
    /// Where gradient flow from it (perturbed) ended.
    pub end: EndPoint,
    /// True when the end point is a critical point (it converged) with a loss below the bad
    /// minimum's (by more than one part in a million): the flow left the embedded minimum for a
    /// better critical point.
    pub escaped: bool,
    /// True when the end point is a global minimum (loss below the success threshold).
    pub reached_global: bool,
    /// The end point's id in the census of width `n + 1`, where it is one of its points.
    pub end_id: Option<usize>,
}

/// A bad minimum to embed: what a widening job needs of it.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct WideningStart {
    /// Its width and id in its census.
    pub from: (usize, usize),
    /// The seed of its representative end point (also seeds the silent neuron and the
    /// perturbation's direction).
    pub seed: u64,
    /// Its loss.
    pub loss: f64,
    /// Its parameters (the representative end point's).
    pub params: Vec<f64>,
}

impl From<&DistinctPoint> for WideningStart {
    fn from(point: &DistinctPoint) -> WideningStart {
        WideningStart {
            from: (point.width, point.id),
            seed: point.representative.seed,
            loss: point.point.loss,
            params: point.representative.params.clone(),
        }
    }
}

/// Every way the theory embeds a width-`width` point in width `width + 1`: each neuron split
/// at each `mu` of the config, then a silent neuron.
pub fn embeddings(width: usize, config: &CensusConfig) -> Vec<Embedding> {
    let mut all: Vec<Embedding> = (0..width)
        .flat_map(|neuron| {
            config
                .split_mus
                .iter()
                .map(move |&mu| Embedding::Split { neuron, mu })
        })
        .collect();
    all.push(Embedding::Silent);
    all
}

/// One embedding of a bad minimum, classified and flowed on from (see the module notes): one
/// job of the widening. Its end is not yet named (`end_id` is `None`, see [`name_end`]).
pub fn widen_by(
    task: &Task,
    start: &WideningStart,
    embedding: Embedding,
    config: &CensusConfig,
) -> WideningOutcome {
    let net = Network {
        shape: Shape::new(task.config.input_dim, start.from.0),
        activation: task.config.activation,
        params: start.params.clone(),
    };
    let seed = start.seed;
    let embedded = match embedding {
        Embedding::Split { neuron, mu } => split_neuron(&net, neuron, mu),
        Embedding::Silent => add_silent_neuron(&net, &mut SeededRng::new(seed, Stream::Directions)),
    };
    let land = Landscape::new(task, embedded.shape.width, config.data);
    let mut begin = land.free(&embedded);
    let classified = classify(&land, &begin);
    if classified.min_eigenvalue < -classified.tolerance {
        for (p, v) in begin.iter_mut().zip(&classified.lowest_direction) {
            *p += config.perturbation * v;
        }
    } else {
        let mut rng = SeededRng::new(seed, Stream::Perturbation);
        let direction: Vec<f64> = (0..begin.len()).map(|_| rng.normal()).collect();
        let size = direction
            .iter()
            .map(|x| x * x)
            .sum::<f64>()
            .sqrt()
            .max(f64::MIN_POSITIVE);
        for (p, v) in begin.iter_mut().zip(&direction) {
            *p += config.perturbation * v / size;
        }
    }
    let end = flow_to_end(
        task,
        land.network(&begin, embedded.activation),
        seed,
        config,
    );
    let escaped =
        end.point.kind != CriticalKind::NotConverged && end.point.loss < (1.0 - 1e-6) * start.loss;
    let reached_global = end.point.loss < config.success_threshold;
    WideningOutcome {
        from: start.from,
        embedding,
        embedded: classified,
        end,
        escaped,
        reached_global,
        end_id: None,
    }
}

/// Names the end of a widening by the census of width `n + 1` (`wider`), where it is one of
/// its points.
pub fn name_end(outcome: &mut WideningOutcome, wider: Option<&WidthCensus>, config: &CensusConfig) {
    outcome.end_id = wider.and_then(|census| {
        census
            .points
            .iter()
            .find(|p| same_point(&p.representative, &outcome.end, config))
            .map(|p| p.id)
    });
}

/// Every embedding of `point` (a point of width `n`) into width `n + 1`, classified and flowed
/// on from (see the module notes); `wider` is the census of width `n + 1`, if run.
pub fn widen_point(
    task: &Task,
    point: &DistinctPoint,
    wider: Option<&WidthCensus>,
    config: &CensusConfig,
) -> Vec<WideningOutcome> {
    let start = WideningStart::from(point);
    let mut outcomes = par_map(&embeddings(point.width, config), |&embedding| {
        widen_by(task, &start, embedding, config)
    });
    for o in &mut outcomes {
        name_end(o, wider, config);
    }
    outcomes
}

/// The widening jobs of a census: each bad minimum of each width with each of its embeddings,
/// in the order of [`run_census`]'s table.
pub fn widening_jobs(
    widths: &[WidthCensus],
    config: &CensusConfig,
) -> Vec<(WideningStart, Embedding)> {
    widths
        .iter()
        .flat_map(|w| w.points.iter().filter(|p| p.is_bad_minimum()))
        .flat_map(|p| {
            let start = WideningStart::from(p);
            embeddings(p.width, config)
                .into_iter()
                .map(move |e| (start.clone(), e))
        })
        .collect()
}

/// Names every widening's end by the census of the next width, where that width was run.
pub fn name_ends(widening: &mut [WideningOutcome], widths: &[WidthCensus], config: &CensusConfig) {
    for o in widening {
        let wider = widths.iter().find(|c| c.width == o.from.0 + 1);
        name_end(o, wider, config);
    }
}

/// A census with the widening of its bad minima: what the `figures` command writes.
#[derive(Clone, Debug)]
pub struct CensusResult {
    /// The settings.
    pub config: CensusConfig,
    /// The census of each width, in the order of `config.widths`.
    pub widths: Vec<WidthCensus>,
    /// Every embedding of every bad minimum of each width into the next (named by the next
    /// width's census where that width was run).
    pub widening: Vec<WideningOutcome>,
}

/// Runs the census of `config` on its task, then widens each of its bad minima.
pub fn run_census(config: &CensusConfig) -> CensusResult {
    let task = &Task::generate(config.task);
    let widths = census(task, config);
    let mut widening = par_map(&widening_jobs(&widths, config), |(start, embedding)| {
        widen_by(task, start, *embedding, config)
    });
    name_ends(&mut widening, &widths, config);
    CensusResult {
        config: config.clone(),
        widths,
        widening,
    }
}
