//! The tickets scene: the focus ticket of the settings (its seed is the student seed) drawn
//! inside its wider network, trained alone and embedded side by side by the engine's own
//! ticket runs ([`NeuronTicketRun`], or [`WeightTicketSearch`] for weight-level tickets), and
//! the 2x2 table of outcomes filling in over seeds from the worker pool. The verdicts of the
//! live pair and of the table come from the same code, so they agree for the same seed.

use crate::charts::{self, palette};
use crate::core::network::Network;
use crate::core::task::Task;
use crate::experiments::outcome::SteppedRun;
use crate::experiments::tickets::{
    summarise_neuron_tickets, table_2x2, NeuronTicketResult, NeuronTicketRun, SearchStage,
    TicketOutcome, TicketRun, WeightTicketSearch,
};
use crate::jobs::{self, JobResult};
use crate::settings::{Granularity, SceneKind, Settings};
use crate::tables;
use crate::web::dom::{self, now_ms};
use crate::web::network_diagram;
use crate::web::router::Scene;
use crate::web::run_text::{points, verdict};
use crate::web::sweep_scene::draw;
use crate::web::workers::{self, Pool};
use std::fmt::Write;
use std::sync::Arc;
use web_sys::HtmlCanvasElement;

/// Loss values kept per curve for drawing (the record thins itself; numbers are unaffected).
const CURVE_CAPACITY: usize = 512;

/// The words of a ticket's verdicts.
const WIN: &str = "wins";
/// See [`WIN`].
const LOSE: &str = "loses";

/// The focus ticket being trained.
enum Focus {
    /// A neuron-level ticket and its embedding.
    Neuron(Box<NeuronTicketRun>),
    /// The pruning search for a weight-level ticket, then its test.
    Weight(Box<WeightTicketSearch>),
}

/// The scene's state.
pub struct TicketsScene {
    settings: Settings,
    focus: Focus,
    /// Table results, one per ticket seed.
    pub outcomes: Vec<TicketOutcome>,
    total: usize,
    /// "idle", "running", "done" or "cancelled".
    pub state: &'static str,
    errors: Vec<String>,
    version: u64,
    drawn: u64,
    /// True if the last frame's focus training ran out of time before its steps were done.
    training_limited: bool,
}

/// The focus ticket of `settings`, with the configuration the table's jobs use (only the
/// length of the drawn loss record differs).
fn focus(settings: &Settings) -> Focus {
    let task = Arc::new(Task::generate(settings.task_config()));
    let seed = settings.seed as u64;
    if settings.granularity == Granularity::Weight {
        let mut config = jobs::weight_ticket_config(settings);
        config.run.train.history_capacity = CURVE_CAPACITY;
        Focus::Weight(Box::new(WeightTicketSearch::new(&task, &config, seed)))
    } else {
        let mut config = jobs::neuron_ticket_config(settings);
        config.alone.train.history_capacity = CURVE_CAPACITY;
        config.embedded.train.history_capacity = CURVE_CAPACITY;
        Focus::Neuron(Box::new(NeuronTicketRun::new(&task, &config, seed)))
    }
}

impl TicketsScene {
    /// The focus ticket of `settings`, ready to train.
    pub fn new(settings: &Settings) -> TicketsScene {
        TicketsScene {
            settings: settings.clone(),
            focus: focus(settings),
            outcomes: Vec::new(),
            total: 0,
            state: "idle",
            errors: Vec::new(),
            version: 1,
            drawn: 0,
            training_limited: false,
        }
    }

    /// True if the focus ticket was built from these settings (the same jobs configuration).
    pub fn matches(&self, s: &Settings) -> bool {
        let a = &self.settings;
        let same_kind = a.granularity == s.granularity && a.seed == s.seed;
        same_kind
            && if s.granularity == Granularity::Weight {
                jobs::weight_ticket_config(a) == jobs::weight_ticket_config(s)
            } else {
                jobs::neuron_ticket_config(a) == jobs::neuron_ticket_config(s)
            }
    }

    /// Starts the table's runs over seeds in the workers.
    pub fn start_table(&mut self, settings: &Settings) {
        let s = Settings {
            scene: SceneKind::Tickets,
            ..settings.clone()
        };
        let jobs = jobs::jobs_for(&s);
        self.total = jobs.len();
        self.outcomes.clear();
        self.errors.clear();
        self.state = "running";
        workers::start(
            Pool::Experiments,
            jobs.iter()
                .map(|j| jobs::encode_job(&s, j).into())
                .collect(),
        );
        self.version += 1;
    }

    /// Stops the table's runs.
    pub fn cancel(&mut self) {
        workers::cancel(Pool::Experiments);
        if self.state == "running" {
            self.state = "cancelled";
        }
        self.version += 1;
    }

    /// True while a run of the focus ticket is still training.
    fn trains_focus(&self) -> bool {
        let (alone, embedded) = self.pair();
        [alone, embedded]
            .into_iter()
            .flatten()
            .any(|r| r.outcome().is_none())
    }

    /// The pair shown: (alone, embedded), or the search's current run while pruning.
    fn pair(&self) -> (Option<&SteppedRun>, Option<&SteppedRun>) {
        match &self.focus {
            Focus::Neuron(r) => (Some(&r.alone), r.embedded.first()),
            Focus::Weight(w) => match &w.stage {
                SearchStage::Testing { alone, embedded } => (Some(alone), embedded.first()),
                SearchStage::Dense(run) | SearchStage::Retraining { run, .. } => (Some(run), None),
                SearchStage::Rewinding(_) => (None, None),
            },
        }
    }

    /// Trains the focus ticket a little and collects table results.
    pub fn tick(&mut self, budget_ms: f64) {
        let start = now_ms();
        let speed = self.settings.speed.max(1) as u64;
        let mut left = speed;
        while left > 0 && now_ms() - start < budget_ms * 0.8 {
            let (alone, embedded) = self.pair();
            let most = [alone, embedded]
                .into_iter()
                .flatten()
                .map(|r| r.steps_per_piece(10))
                .min()
                .unwrap_or(10);
            let chunk = left.min(most);
            left -= chunk;
            let done = match &mut self.focus {
                Focus::Neuron(r) => r.advance_piece(chunk),
                Focus::Weight(w) => w.advance_piece(chunk),
            };
            self.version += 1;
            if done {
                break;
            }
        }
        // The focus's steps took the whole frame: its training fills the frames.
        self.training_limited = left > 0 && self.trains_focus();
        if self.state == "running" {
            workers::run_one_on_page(Pool::Experiments);
            let (results, errors) = workers::drain(Pool::Experiments);
            for r in results {
                if let JobResult::Ticket(t) = r {
                    self.outcomes.push(t);
                    self.version += 1;
                }
            }
            self.errors.extend(errors);
            if self.outcomes.len() + self.errors.len() >= self.total {
                self.state = "done";
            }
        }
    }

    /// The table's tickets summarised as the engine summarises them (neuron level), for the
    /// story's claims; `None` for weight-level tickets.
    pub fn evidence(&self) -> Option<NeuronTicketResult> {
        if self.settings.granularity == Granularity::Weight {
            return None;
        }
        let runs = self
            .outcomes
            .iter()
            .map(|o| TicketRun {
                seed: o.seed,
                wins_alone: o.wins_alone,
                loss_alone: o.loss_alone,
                alone_diverged: o.diverged_alone,
                embedded_success: vec![o.wins_embedded],
                embedded_loss: vec![o.loss_embedded],
                embedded_diverged: vec![o.diverged_embedded],
            })
            .collect();
        Some(summarise_neuron_tickets(
            &jobs::neuron_ticket_config(&self.settings),
            runs,
        ))
    }

    /// The table as CSV.
    pub fn csv(&self) -> String {
        tables::ticket_outcomes(&self.outcomes)
    }

    /// The focus ticket's verdicts as the table states them (`wins`/`loses`/`diverged`),
    /// once known: `(alone, embedded)`.
    fn focus_verdicts(&self) -> Option<(&'static str, &'static str)> {
        let word = |r: &SteppedRun| {
            r.outcome().map(|o| {
                if o.diverged {
                    "diverged"
                } else if o.success {
                    "wins"
                } else {
                    "loses"
                }
            })
        };
        let (Some(a), Some(e)) = self.pair() else {
            return None;
        };
        if matches!(&self.focus, Focus::Weight(w) if !matches!(w.stage, SearchStage::Testing { .. }))
        {
            return None;
        }
        Some((word(a)?, word(e)?))
    }

    fn status_text(&self) -> String {
        let s = &self.settings;
        let (alone, embedded) = self.pair();
        match &self.focus {
            Focus::Weight(w) if !matches!(w.stage, SearchStage::Testing { .. }) => {
                let what = match &w.stage {
                    SearchStage::Dense(r) => {
                        format!("training the dense network ({})", verdict(r, WIN, LOSE))
                    }
                    SearchStage::Rewinding(t) => {
                        format!("training to the rewinding point, step {}", t.step())
                    }
                    SearchStage::Retraining { round, run } => format!(
                        "pruning round {} of {}, retraining the survivors ({})",
                        round + 1,
                        s.rounds,
                        verdict(run, WIN, LOSE)
                    ),
                    SearchStage::Testing { .. } => String::new(),
                };
                format!(
                    "Finding the weight-level ticket of student seed {} (width {}): {what}.",
                    s.seed, w.init.shape.width
                )
            }
            Focus::Weight(w) => format!(
                "Ticket of seed {}: {:.0}% of the weights kept after {} rounds. Alone: {}. \
                 Embedded, the rest re-drawn at alpha = {}: {}.",
                s.seed,
                100.0 * w.density(),
                s.rounds,
                alone.map(|r| verdict(r, WIN, LOSE)).unwrap_or_default(),
                s.alpha,
                embedded.map(|r| verdict(r, WIN, LOSE)).unwrap_or_default()
            ),
            Focus::Neuron(r) => {
                format!(
                    "Ticket seed {} alone (width {}): {}. Embedded with {} more {} at alpha = \
                 {} (width {}): {}.",
                    s.seed,
                    r.alone.trainer().shape.width,
                    verdict(&r.alone, WIN, LOSE),
                    s.extra,
                    if s.extra == 1 { "neuron" } else { "neurons" },
                    s.alpha,
                    r.embedded.first().map_or(0, |e| e.trainer().shape.width),
                    r.embedded
                        .first()
                        .map(|r| verdict(r, WIN, LOSE))
                        .unwrap_or_default()
                )
            }
        }
    }

    /// The network drawn and which of its parameters form the ticket.
    fn diagram(&self) -> Option<(&Network, Vec<bool>)> {
        match &self.focus {
            Focus::Neuron(r) => {
                let net = r.embedded.first()?.trainer().network();
                let k = r.alone.trainer().shape.width;
                let mask = (0..net.shape.num_params())
                    .map(|i| net.shape.neuron_of(i).is_some_and(|j| j < k))
                    .collect();
                Some((net, mask))
            }
            Focus::Weight(w) => {
                let net = match &w.stage {
                    SearchStage::Testing { embedded, .. } => embedded.first()?.trainer().network(),
                    SearchStage::Dense(r) | SearchStage::Retraining { run: r, .. } => {
                        r.trainer().network()
                    }
                    SearchStage::Rewinding(t) => t.network(),
                };
                Some((net, w.mask.clone()))
            }
        }
    }

    /// Draws the scene.
    pub fn render(&mut self, force: bool) {
        dom::set_body_data("tickets-state", self.state);
        dom::set_body_data("tickets-done", &self.outcomes.len().to_string());
        let (a, e) = self.focus_verdicts().unwrap_or(("", ""));
        dom::set_body_data("tickets-focus-alone", a);
        dom::set_body_data("tickets-focus-embedded", e);
        if let Some(bar) = dom::document().get_element_by_id("tickets-progress") {
            let f = if self.total > 0 {
                self.outcomes.len() as f64 / self.total as f64
            } else {
                0.0
            };
            let _ = bar.set_attribute("value", &format!("{f:.3}"));
        }
        if !force && self.drawn == self.version {
            return;
        }
        self.drawn = self.version;
        let thr = self.settings.threshold;
        dom::set_text("tickets-status", &self.status_text());
        dom::set_text(
            "tickets-rule",
            &jobs::run_settings(&self.settings).success_rule(),
        );
        let (alone, embedded) = self.pair();
        let mut series = Vec::new();
        if let Some(r) = alone {
            series.push((
                "ticket alone".to_string(),
                points(&r.curve()),
                palette::STUDENT,
            ));
        }
        if let Some(r) = embedded {
            let name = "ticket embedded".to_string();
            series.push((name, points(&r.curve()), palette::WIDER));
        }
        draw(&series, "tickets-loss", |root, v, s| {
            charts::loss_curves(root, v, thr, &[], s)
        });
        if let (Some(c), Some((net, mask))) = (
            dom::by_id::<HtmlCanvasElement>("tickets-diagram"),
            self.diagram(),
        ) {
            network_diagram::draw(&c, net, &mask);
        }
        let t = table_2x2(&self.outcomes);
        for (id, v) in [
            ("t-ww", t[0][0]),
            ("t-wl", t[0][1]),
            ("t-lw", t[1][0]),
            ("t-ll", t[1][1]),
        ] {
            dom::set_text(id, &v.to_string());
        }
        let done = self.outcomes.len();
        let mut status = match self.state {
            "running" => format!("Running {done} of {} tickets in web workers…", self.total),
            "done" => format!("Finished: {done} tickets."),
            "cancelled" => format!("Cancelled after {done} of {} tickets.", self.total),
            _ => "Press “Fill the table” to test many tickets.".into(),
        };
        let diverged = self.outcomes.iter().filter(|o| o.diverged()).count();
        if diverged > 0 {
            let _ = write!(
                status,
                " {diverged} diverged (learning rate too large?) and are not in the table."
            );
        }
        if let Some(e) = self.errors.first() {
            let _ = write!(status, " {} failed: {e}", self.errors.len());
        }
        dom::set_text("tickets-table-status", &status);
    }
}

impl Scene for TicketsScene {
    fn frame(&mut self, budget_ms: f64, force: bool) {
        self.tick(budget_ms);
        self.render(force);
    }

    fn is_idle(&self) -> bool {
        let (alone, embedded) = self.pair();
        let settled = |r: Option<&SteppedRun>| r.is_none_or(|r| r.outcome().is_some());
        self.state != "running" && settled(alone) && settled(embedded)
    }

    fn trains_on_page(&self) -> bool {
        self.training_limited && self.trains_focus()
    }

    fn matches(&self, s: &Settings) -> bool {
        TicketsScene::matches(self, s)
    }

    fn update(&mut self, _old: &Settings, new: &Settings) {
        self.settings.speed = new.speed;
    }

    fn cancel(&mut self) {
        TicketsScene::cancel(self);
    }
}
