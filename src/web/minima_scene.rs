//! The Minima scene: the census of minima ([`crate::experiments::census`]) computed in the
//! experiment workers, one job per seed and then one per embedding of each bad minimum, with
//! progress and cancel. It draws the distinct critical points of each width at their loss, the
//! shares of seeds ending in global and bad minima against width, and for a chosen bad minimum
//! what each embedding into the next width did. The numbers are the engine's: the page groups
//! the workers' end points with [`census::census_of`] and names the widenings' ends with
//! [`census::name_ends`], exactly as the `figures` command does.

use crate::charts;
use crate::core::critical::CriticalKind;
use crate::experiments::census::{
    self, CensusConfig, CensusResult, Embedding, EndPoint, WideningOutcome, WideningStart,
    WidthCensus,
};
use crate::jobs::{self, Job, JobResult};
use crate::settings::{SceneKind, Settings};
use crate::web::dom;
use crate::web::router::Scene;
use crate::web::sweep_scene::draw;
use crate::web::workers::{self, Pool};
use std::fmt::Write;

/// Where a census is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Nothing run yet.
    Idle,
    /// Seeds flowing to their end points.
    Census,
    /// Bad minima being embedded in the next width.
    Widening,
    /// Finished.
    Done,
    /// Stopped by the visitor.
    Cancelled,
}

impl Phase {
    /// The name in `data-minima-state`.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Census => "census",
            Phase::Widening => "widening",
            Phase::Done => "done",
            Phase::Cancelled => "cancelled",
        }
    }
}

/// What the last drawing showed: jobs done, errors, phase and the chosen point.
type Drawn = (usize, usize, Phase, Option<(usize, usize)>);

/// The census so far and its state.
pub struct MinimaScene {
    /// Where the census is.
    pub phase: Phase,
    settings: Option<Settings>,
    config: Option<CensusConfig>,
    ends: Vec<EndPoint>,
    total_ends: usize,
    widths: Vec<WidthCensus>,
    widening_jobs: Vec<(WideningStart, Embedding)>,
    widening: Vec<Option<WideningOutcome>>,
    errors: Vec<String>,
    /// The bad minimum whose embeddings are listed (width, id).
    chosen: Option<(usize, usize)>,
    drawn: Option<Drawn>,
    /// The page's current settings (the empty charts before a run show them).
    current: Option<Settings>,
    /// Why the last "Run census" did not start (a data model the activation lacks).
    refusal: Option<String>,
}

impl Default for MinimaScene {
    fn default() -> MinimaScene {
        MinimaScene {
            phase: Phase::Idle,
            settings: None,
            config: None,
            ends: Vec::new(),
            total_ends: 0,
            widths: Vec::new(),
            widening_jobs: Vec::new(),
            widening: Vec::new(),
            errors: Vec::new(),
            chosen: None,
            drawn: None,
            current: None,
            refusal: None,
        }
    }
}

impl MinimaScene {
    /// The scene before any run, showing `settings` on its empty charts.
    pub fn new(settings: &Settings) -> MinimaScene {
        MinimaScene {
            current: Some(settings.clone()),
            ..MinimaScene::default()
        }
    }

    /// Starts the census the settings describe (cancelling any other experiment batch).
    pub fn start(&mut self, settings: &Settings) {
        let settings = Settings {
            scene: SceneKind::Minima,
            ..settings.clone()
        };
        if let Some(why) = settings.data.refusal(settings.activation) {
            self.cancel();
            self.refusal = Some(why);
            self.drawn = None;
            return;
        }
        let jobs = jobs::jobs_for(&settings);
        *self = MinimaScene {
            phase: Phase::Census,
            total_ends: jobs.len(),
            config: Some(jobs::census_config(&settings)),
            current: self.current.take(),
            ..MinimaScene::default()
        };
        workers::start(
            Pool::Experiments,
            jobs.iter()
                .map(|j| jobs::encode_job(&settings, j).into())
                .collect(),
        );
        self.settings = Some(settings);
    }

    /// Stops the census; what finished stays.
    pub fn cancel(&mut self) {
        workers::cancel(Pool::Experiments);
        if matches!(self.phase, Phase::Census | Phase::Widening) {
            self.phase = Phase::Cancelled;
        }
        self.drawn = None;
    }

    /// Lists the embeddings of bad minimum `id` of width `width`.
    pub fn choose(&mut self, width: usize, id: usize) {
        self.chosen = Some((width, id));
        self.drawn = None;
    }

    fn widening_done(&self) -> usize {
        self.widening.iter().filter(|o| o.is_some()).count()
    }

    /// Collects finished jobs, and moves on from the census to the widening when every seed
    /// is in.
    pub fn tick(&mut self) {
        if !matches!(self.phase, Phase::Census | Phase::Widening) {
            return;
        }
        workers::run_one_on_page(Pool::Experiments);
        let (results, errors) = workers::drain(Pool::Experiments);
        let Some(config) = self.config.clone() else {
            return;
        };
        let mut changed = !errors.is_empty();
        self.errors.extend(errors);
        for r in results {
            match r {
                JobResult::CensusEnd(end) if self.phase == Phase::Census => self.ends.push(end),
                JobResult::Widening(outcome) if self.phase == Phase::Widening => {
                    let slot = self
                        .widening_jobs
                        .iter()
                        .position(|(s, e)| s.from == outcome.from && *e == outcome.embedding);
                    if let Some(i) = slot {
                        self.widening[i] = Some(outcome);
                    }
                }
                _ => continue,
            }
            changed = true;
        }
        if !changed {
            return;
        }
        self.widths = census::census_of(&config, self.ends.clone());
        if self.phase == Phase::Census && self.ends.len() + self.errors.len() >= self.total_ends {
            self.widening_jobs = census::widening_jobs(&self.widths, &config);
            self.widening = vec![None; self.widening_jobs.len()];
            if self.chosen.is_none() {
                self.chosen = self.widening_jobs.first().map(|(s, _)| s.from);
            }
            if self.widening_jobs.is_empty() {
                self.phase = Phase::Done;
                return;
            }
            self.phase = Phase::Widening;
            if let Some(settings) = &self.settings {
                workers::start(
                    Pool::Experiments,
                    self.widening_jobs
                        .iter()
                        .map(|(start, embedding)| {
                            let job = Job::Widening {
                                start: start.clone(),
                                embedding: *embedding,
                            };
                            jobs::encode_job(settings, &job).into()
                        })
                        .collect(),
                );
            }
            return;
        }
        if self.phase == Phase::Widening
            && self.widening_done() + self.errors.len() >= self.widening_jobs.len()
        {
            self.phase = Phase::Done;
        }
    }

    /// The census so far as the engine's result: the grouped end points, and the widenings
    /// finished so far with their ends named by the next width's census.
    pub fn result(&self) -> Option<CensusResult> {
        let config = self.config.clone()?;
        let mut widening: Vec<WideningOutcome> = self.widening.iter().flatten().cloned().collect();
        census::name_ends(&mut widening, &self.widths, &config);
        Some(CensusResult {
            config,
            widths: self.widths.clone(),
            widening,
        })
    }

    /// `census.csv` of the census so far (the figures command's format).
    pub fn census_csv(&self) -> Option<String> {
        self.result().map(|r| crate::tables::census(&r))
    }

    /// `census_widening.csv` of the widenings so far (the figures command's format).
    pub fn widening_csv(&self) -> Option<String> {
        self.result().map(|r| crate::tables::census_widening(&r))
    }

    fn status(&self) -> String {
        let seeds_done = self.ends.len();
        let where_ = if workers::on_page(Pool::Experiments) {
            "on this page (no web workers)".to_string()
        } else {
            format!("in {} web workers", workers::worker_count())
        };
        let per_width = self.config.as_ref().map_or(0, |c| c.seeds);
        let mut s = match self.phase {
            Phase::Idle => "Press “Run census” to follow many seeds of each width by gradient flow \
                            to the critical point where they end."
                .to_string(),
            Phase::Census => format!(
                "Gradient flow from {seeds_done} of {} seeds has ended ({per_width} per width), {where_}…",
                self.total_ends
            ),
            Phase::Widening => format!(
                "Census done. Embedding the bad minima in the next width: {} of {} embeddings, {where_}…",
                self.widening_done(),
                self.widening_jobs.len()
            ),
            Phase::Done => {
                let bad = self.bad_minima().len();
                format!(
                    "Finished: {seeds_done} seeds and {} embeddings of {bad} bad {}.",
                    self.widening_done(),
                    if bad == 1 { "minimum" } else { "minima" }
                )
            }
            Phase::Cancelled => format!(
                "Cancelled after {seeds_done} of {} seeds and {} of {} embeddings.",
                self.total_ends,
                self.widening_done(),
                self.widening_jobs.len()
            ),
        };
        if let Some(e) = self.errors.first() {
            let _ = write!(s, " {} jobs failed: {e}", self.errors.len());
        }
        if let Some(why) = &self.refusal {
            s = format!("Not run: {why}.");
        }
        if let Some(c) = &self.config {
            if c.data == census::DataModel::Population {
                s.push_str(
                    " Data model: the population loss (infinitely many Gaussian inputs; teacher \
                     and students without biases).",
                );
            }
        }
        s
    }

    fn bad_minima(&self) -> Vec<&census::DistinctPoint> {
        self.widths
            .iter()
            .flat_map(|w| w.points.iter().filter(|p| p.is_bad_minimum()))
            .collect()
    }

    /// Draws progress, the two charts, the per-width summary and the chosen bad minimum's
    /// embeddings.
    pub fn render(&mut self, force: bool) {
        let done = self.ends.len() + self.widening_done();
        let total = self.total_ends + self.widening_jobs.len();
        dom::set_body_data("minima-state", self.phase.name());
        dom::set_body_data("minima-done", &done.to_string());
        dom::set_body_data("minima-total", &total.to_string());
        if let Some(bar) = dom::document().get_element_by_id("minima-progress") {
            // The widening's size is known only once the census is in: until then the bar
            // shows the census's progress.
            let frac = match self.phase {
                Phase::Census => self.ends.len() as f64 / self.total_ends.max(1) as f64,
                Phase::Widening => {
                    self.widening_done() as f64 / self.widening_jobs.len().max(1) as f64
                }
                Phase::Done => 1.0,
                _ => 0.0,
            };
            let _ = bar.set_attribute("value", &format!("{frac:.3}"));
        }
        dom::set_text("minima-status", &self.status());
        let key = (
            done,
            self.errors.len() + self.refusal.is_some() as usize,
            self.phase,
            self.chosen,
        );
        if !force && self.drawn == Some(key) {
            return;
        }
        self.drawn = Some(key);
        // Before a run: empty charts of the current settings.
        let result = self.result().unwrap_or_else(|| CensusResult {
            config: jobs::census_config(&self.current.clone().unwrap_or_default()),
            widths: Vec::new(),
            widening: Vec::new(),
        });
        draw(&result, "minima-census", charts::census);
        draw(&result, "minima-shares", charts::census_shares);
        dom::set_inner_html("minima-rows", &width_rows(&result));
        self.render_choice(&result);
    }

    fn render_choice(&self, result: &CensusResult) {
        let bad = self.bad_minima();
        let mut options = String::new();
        for p in &bad {
            let _ = write!(
                options,
                "<option value=\"{w}:{id}\"{sel}>width {w}, point {id}: loss {loss:.3e}, {n} of {seeds} seeds</option>",
                w = p.width,
                id = p.id,
                sel = if self.chosen == Some((p.width, p.id)) { " selected" } else { "" },
                loss = p.point.loss,
                n = p.seeds.len(),
                seeds = result.widths.iter().find(|w| w.width == p.width).map_or(0, |w| w.seeds),
            );
        }
        if let Some(select) = dom::document().get_element_by_id("minima-point") {
            select.set_inner_html(&options);
            if bad.is_empty() {
                let _ = select.set_attribute("disabled", "");
            } else {
                let _ = select.remove_attribute("disabled");
            }
        }
        let chosen = self
            .chosen
            .and_then(|(w, id)| bad.iter().find(|p| p.width == w && p.id == id).copied());
        let (summary, rows, link) = match chosen {
            None if self.phase == Phase::Done || self.phase == Phase::Widening => (
                "No seed ended in a bad minimum: there is nothing to widen.".to_string(),
                String::new(),
                None,
            ),
            None => (
                "The bad minima found are listed here once the census is in.".to_string(),
                String::new(),
                None,
            ),
            Some(p) => {
                let outcomes: Vec<&WideningOutcome> = result
                    .widening
                    .iter()
                    .filter(|o| o.from == (p.width, p.id))
                    .collect();
                let planned = census::embeddings(p.width, &result.config).len();
                (
                    widening_summary(p, &outcomes, planned, result.config.perturbation),
                    widening_rows(&outcomes),
                    self.escape_link(p),
                )
            }
        };
        dom::set_text("minima-widening-summary", &summary);
        dom::set_inner_html("minima-widening-rows", &rows);
        if let Some(a) = dom::document().get_element_by_id("minima-escape-link") {
            dom::set_hidden(&a, link.is_none());
            if let Some(href) = link {
                let _ = a.set_attribute("href", &href);
            }
        }
    }

    /// A link to the escape scene for this bad minimum's seed, where the escape scene's student
    /// has this width (the escape scene widens a student of the teacher's width).
    fn escape_link(&self, p: &census::DistinctPoint) -> Option<String> {
        let settings = self.settings.as_ref()?;
        if p.width != settings.teacher_width as usize {
            return None;
        }
        let escape = Settings {
            scene: SceneKind::Escape,
            case: p.representative.seed as i64,
            optimizer: crate::core::optim::OptimizerKind::GradientFlow,
            ..settings.clone()
        };
        Some(format!("#{}", escape.to_hash()))
    }
}

/// One table row per width: distinct points, and the seeds in global and bad minima.
fn width_rows(r: &CensusResult) -> String {
    let pct = |(n, (lo, hi)): (usize, (f64, f64)), seeds: usize| {
        format!(
            "{n}/{seeds} ({:.0}%, 95% {:.0}–{:.0}%)",
            100.0 * n as f64 / seeds.max(1) as f64,
            100.0 * lo,
            100.0 * hi
        )
    };
    let mut rows = String::new();
    for w in &r.widths {
        let kinds =
            |f: &dyn Fn(&census::DistinctPoint) -> bool| w.points.iter().filter(|p| f(p)).count();
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            w.width,
            w.points.len(),
            kinds(&|p| p.is_bad_minimum()),
            kinds(&|p| matches!(p.point.kind, CriticalKind::Saddle { .. })),
            pct(w.global, w.seeds),
            pct(w.bad, w.seeds),
            w.not_converged
        );
    }
    rows
}

/// The chosen bad minimum's widening in one sentence.
fn widening_summary(
    p: &census::DistinctPoint,
    outcomes: &[&WideningOutcome],
    planned: usize,
    perturbation: f64,
) -> String {
    // Counted as the figures command's summary counts them.
    let saddles = outcomes
        .iter()
        .filter(|o| o.embedded.kind.index() > 0)
        .count();
    let escaped = outcomes.iter().filter(|o| o.escaped).count();
    let global = outcomes
        .iter()
        .filter(|o| o.escaped && o.reached_global)
        .count();
    let head = format!(
        "Bad minimum {} of width {} (loss {:.3e}, {}) embedded in width {}",
        p.id,
        p.width,
        p.point.loss,
        p.point.kind.name(),
        p.width + 1
    );
    if outcomes.is_empty() {
        return format!("{head}: its {planned} embeddings are being computed.");
    }
    let of = if outcomes.len() < planned {
        format!("{} of its {planned} embeddings so far", outcomes.len())
    } else {
        format!("its {planned} embeddings")
    };
    format!(
        "{head}: of {of}, {saddles} are saddles (negative Hessian eigenvalues); gradient flow \
         from the embedded points, perturbed by {perturbation:e}, reaches a lower critical point \
         {escaped} times and a global minimum {global} times."
    )
}

/// One table row per embedding of the chosen bad minimum.
fn widening_rows(outcomes: &[&WideningOutcome]) -> String {
    let mut rows = String::new();
    for o in outcomes {
        let how = match o.embedding {
            Embedding::Split { neuron, mu } => format!("split neuron {} at mu = {mu}", neuron + 1),
            Embedding::Silent => "zero-output neuron".into(),
        };
        let embedded = match o.embedded.kind {
            CriticalKind::Saddle { index, .. } => format!("saddle of index {index}"),
            // A silent neuron with random input weights is generally not critical: the slope
            // along its output weight is its activity's correlation with the residuals.
            CriticalKind::NotConverged => "not a critical point".into(),
            k => k.name().to_string(),
        };
        let end = match o.end_id {
            Some(id) => format!("point {id} of width {}", o.from.0 + 1),
            None => format!(
                "{}, not among the census's points of width {}",
                o.end.point.kind.name(),
                o.from.0 + 1
            ),
        };
        let verdict = if o.escaped && o.reached_global {
            "escaped to a global minimum"
        } else if o.escaped {
            "escaped to a lower critical point"
        } else if o.end.point.kind == CriticalKind::NotConverged {
            "ended where the finish found no critical point"
        } else {
            "stayed at the bad minimum's loss"
        };
        let _ = write!(
            rows,
            "<tr><td>{how}</td><td>{embedded}</td><td>{:.2e}</td><td>{verdict}</td><td>{:.3e}</td><td>{end}</td></tr>",
            o.embedded.min_eigenvalue, o.end.point.loss
        );
    }
    rows
}

impl Scene for MinimaScene {
    fn frame(&mut self, _budget_ms: f64, force: bool) {
        self.tick();
        self.render(force);
    }

    fn is_idle(&self) -> bool {
        !matches!(self.phase, Phase::Census | Phase::Widening)
    }

    fn matches(&self, _: &Settings) -> bool {
        // A census keeps its results (of its own settings) until the next "Run census".
        true
    }

    fn update(&mut self, _old: &Settings, new: &Settings) {
        self.current = Some(new.clone());
        if self.phase == Phase::Idle {
            self.drawn = None;
        }
    }

    fn cancel(&mut self) {
        MinimaScene::cancel(self);
    }
}
