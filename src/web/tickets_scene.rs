//! The tickets scene: a neuron-level ticket (a width-k init) drawn inside its wider network,
//! trained alone and embedded side by side, and the 2x2 table of outcomes (ticket alone wins
//! or loses, embedded wins or loses) filling in over seeds from the worker pool.

use crate::charts::{self, palette};
use crate::core::embed::add_scaled_neurons;
use crate::core::network::{Network, Shape};
use crate::core::rng::{SeededRng, Stream};
use crate::core::task::Task;
use crate::core::train::{TrainConfig, Trainer};
use crate::experiments::tickets::{embed_weight_ticket, prune_round};
use crate::jobs::{self, JobResult};
use crate::settings::Settings;
use crate::web::canvas::{context, fit_to_css_size};
use crate::web::dom::{self, now_ms};
use crate::web::sweep_scene::draw;
use crate::web::workers::{self, Pool};
use std::fmt::Write;
use std::sync::Arc;
use web_sys::HtmlCanvasElement;

/// Iterative magnitude pruning of the focus student, a training run at a time.
struct Pruning {
    init: Network,
    mask: Vec<bool>,
    /// Rounds of pruning done.
    round: usize,
    /// True while training for the rewinding point.
    rewinding: bool,
    trainer: Trainer,
}

/// The scene's state.
pub struct TicketsScene {
    settings: Settings,
    alone: Trainer,
    embedded: Trainer,
    /// Weight-level tickets: the pruning in progress before the pair can train.
    pruning: Option<Pruning>,
    /// Which parameters belong to the ticket (drawn blue; the rest orange).
    ticket_mask: Vec<bool>,
    curves: [Vec<(f64, f64)>; 2],
    /// Table results: (wins alone, wins embedded) per seed.
    pub outcomes: Vec<(u64, bool, bool)>,
    total: usize,
    /// "idle", "running", "done" or "cancelled".
    pub state: &'static str,
    errors: Vec<String>,
    version: u64,
    drawn: u64,
}

fn networks(task: &Task, s: &Settings) -> (Network, Network) {
    let k = s.teacher_width as usize;
    let shape = Shape::new(task.config.input_dim, k);
    let seed = s.seed as u64;
    let ticket = Network::student_init(
        shape,
        task.config.activation,
        &mut SeededRng::new(seed, Stream::Student),
    );
    let rng = &mut SeededRng::new(seed, Stream::Perturbation);
    let wide = add_scaled_neurons(&ticket, s.extra as usize, s.alpha, s.alpha, rng);
    (ticket, wide)
}

fn run_config(settings: &Settings) -> TrainConfig {
    TrainConfig {
        max_steps: settings.experiment_steps as u64,
        ..settings.train_config()
    }
}

impl TicketsScene {
    /// The focus ticket of `settings` (ticket seed = student seed), ready to train; for
    /// weight-level tickets, the pruning that finds it starts first.
    pub fn new(settings: &Settings) -> TicketsScene {
        let task = Arc::new(Task::generate(settings.task_config()));
        let config = run_config(settings);
        let (ticket, wide) = networks(&task, settings);
        let k = ticket.shape.width;
        let ticket_mask = (0..wide.shape.num_params())
            .map(|i| neuron_of(wide.shape, i).is_some_and(|j| j < k))
            .collect();
        let pruning = (settings.granularity == "weight").then(|| {
            let shape = Shape::new(task.config.input_dim, settings.width as usize);
            let init = Network::student_init(
                shape,
                task.config.activation,
                &mut SeededRng::new(settings.seed as u64, Stream::Student),
            );
            Pruning {
                mask: vec![true; shape.num_params()],
                round: 0,
                rewinding: false,
                trainer: Trainer::from_network(task.clone(), init.clone(), config),
                init,
            }
        });
        TicketsScene {
            settings: settings.clone(),
            alone: Trainer::from_network(task.clone(), ticket, config),
            embedded: Trainer::from_network(task, wide, config),
            pruning,
            ticket_mask,
            curves: [Vec::new(), Vec::new()],
            outcomes: Vec::new(),
            total: 0,
            state: "idle",
            errors: Vec::new(),
            version: 1,
            drawn: 0,
        }
    }

    /// True if the focus networks were built from these settings.
    pub fn matches(&self, s: &Settings) -> bool {
        let a = &self.settings;
        a.task_config() == s.task_config()
            && (a.seed, a.extra, a.alpha.to_bits(), a.experiment_steps)
                == (s.seed, s.extra, s.alpha.to_bits(), s.experiment_steps)
            && (
                a.granularity.as_str(),
                a.width,
                a.rounds,
                a.prune.to_bits(),
                a.rewind,
            ) == (
                s.granularity.as_str(),
                s.width,
                s.rounds,
                s.prune.to_bits(),
                s.rewind,
            )
            && (a.optimizer.as_str(), a.learning_rate.to_bits())
                == (s.optimizer.as_str(), s.learning_rate.to_bits())
    }

    /// Starts the table's runs over seeds in the workers.
    pub fn start_table(&mut self, settings: &Settings) {
        let s = Settings {
            scene: "tickets".into(),
            ..settings.clone()
        };
        let jobs = jobs::jobs_for(&s);
        self.total = jobs.len();
        self.outcomes.clear();
        self.errors.clear();
        self.state = "running";
        workers::start(
            Pool::Experiments,
            jobs.iter().map(|j| jobs::encode_job(&s, j)).collect(),
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

    /// Advances the pruning of a weight-level focus ticket; when it is done, the pair of
    /// networks (ticket alone, masked; ticket embedded) replaces the neuron-level pair.
    fn advance_pruning(&mut self, start: f64, budget_ms: f64) {
        let Some(p) = &mut self.pruning else {
            return;
        };
        while p.trainer.stopped().is_none() && now_ms() - start < budget_ms {
            p.trainer.run(20);
        }
        self.version += 1;
        if p.trainer.stopped().is_none() {
            return;
        }
        let task = p.trainer.task().clone();
        let config = run_config(&self.settings);
        let rewind = self.settings.rewind as u64;
        if p.rewinding {
            // The survivors' values are those after `rewind` steps of dense training.
            p.init = p.trainer.network().clone();
            p.rewinding = false;
        } else {
            let trained = p.trainer.params().to_vec();
            prune_round(&mut p.mask, &trained, p.init.shape, self.settings.prune);
            p.round += 1;
            if p.round == 1 && rewind > 0 {
                p.rewinding = true;
                let early = TrainConfig {
                    max_steps: rewind,
                    ..config
                };
                p.trainer = Trainer::from_network(task, p.init.clone(), early);
                return;
            }
        }
        if p.round < self.settings.rounds as usize {
            p.trainer = Trainer::from_network(task, p.init.clone(), config).with_mask(&p.mask);
            return;
        }
        let embedded = embed_weight_ticket(
            &p.init,
            &p.mask,
            self.settings.alpha,
            self.settings.seed as u64,
        );
        self.alone = Trainer::from_network(task.clone(), p.init.clone(), config).with_mask(&p.mask);
        self.embedded = Trainer::from_network(task, embedded, config);
        self.ticket_mask = p.mask.clone();
        self.curves = [Vec::new(), Vec::new()];
        self.pruning = None;
    }

    /// Trains both focus networks a little and collects table results.
    pub fn tick(&mut self, budget_ms: f64) {
        let start = now_ms();
        self.advance_pruning(start, budget_ms * 0.8);
        let steps = self.settings.speed.max(1) as u64;
        for (i, t) in [&mut self.alone, &mut self.embedded]
            .into_iter()
            .enumerate()
        {
            if t.stopped().is_none() && now_ms() - start < budget_ms / 2.0 * (i + 1) as f64 {
                t.run(steps);
                self.curves[i].push((t.step() as f64, t.loss()));
                self.version += 1;
            }
        }
        if self.state == "running" {
            workers::run_one_on_page(Pool::Experiments);
            let (results, errors) = workers::drain(Pool::Experiments);
            for r in results {
                if let JobResult::Ticket {
                    seed,
                    wins_alone,
                    wins_embedded,
                    ..
                } = r
                {
                    self.outcomes.push((seed, wins_alone, wins_embedded));
                    self.version += 1;
                }
            }
            self.errors.extend(errors);
            if self.outcomes.len() + self.errors.len() >= self.total {
                self.state = "done";
            }
        }
    }

    /// The 2x2 table counts: `[[alone wins & embedded wins, alone wins & embedded loses],
    /// [alone loses & embedded wins, alone loses & embedded loses]]`.
    pub fn table(&self) -> [[usize; 2]; 2] {
        let mut t = [[0; 2]; 2];
        for &(_, a, e) in &self.outcomes {
            t[!a as usize][!e as usize] += 1;
        }
        t
    }

    /// The table as CSV.
    pub fn csv(&self) -> String {
        let mut s = String::from("seed,ticket_alone_wins,embedded_wins\n");
        let mut rows = self.outcomes.clone();
        rows.sort();
        for (seed, a, e) in rows {
            let _ = writeln!(s, "{seed},{a},{e}");
        }
        s
    }

    /// Draws the scene.
    pub fn render(&mut self, force: bool) {
        dom::set_body_data("tickets-state", self.state);
        dom::set_body_data("tickets-done", &self.outcomes.len().to_string());
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
        let judge = |t: &Trainer| {
            if t.loss() < thr {
                "wins"
            } else if t.stopped().is_some() {
                "loses"
            } else {
                "training…"
            }
        };
        let kept = self.ticket_mask.iter().filter(|&&m| m).count();
        let text = match (&self.pruning, self.settings.granularity.as_str()) {
            (Some(p), _) => format!(
                "Finding the weight-level ticket of student seed {} (width {}): {} (step {} of {}).",
                self.settings.seed,
                p.init.shape.width,
                if p.rewinding {
                    "training to the rewinding point".to_string()
                } else if p.round == 0 {
                    "training the dense network".to_string()
                } else {
                    format!("pruning round {}, retraining the survivors", p.round + 1)
                },
                p.trainer.step(),
                p.trainer.config().max_steps
            ),
            (None, "weight") => format!(
                "Ticket: {kept} of {} parameters kept after {} rounds. Alone: loss {:.1e}, {}. \
                 Embedded, the rest re-drawn at alpha = {}: loss {:.1e}, {}.",
                self.ticket_mask.len(),
                self.settings.rounds,
                self.alone.loss(),
                judge(&self.alone),
                self.settings.alpha,
                self.embedded.loss(),
                judge(&self.embedded)
            ),
            _ => format!(
                "Ticket seed {} alone (width {}): loss {:.1e}, {}. Embedded with {} more neuron(s) \
                 at alpha = {} (width {}): loss {:.1e}, {}.",
                self.settings.seed,
                self.alone.shape.width,
                self.alone.loss(),
                judge(&self.alone),
                self.settings.extra,
                self.settings.alpha,
                self.embedded.shape.width,
                self.embedded.loss(),
                judge(&self.embedded)
            ),
        };
        dom::set_text("tickets-status", &text);
        let series = vec![
            (
                "ticket alone".to_string(),
                self.curves[0].clone(),
                palette::BLUE,
            ),
            (
                "ticket embedded".to_string(),
                self.curves[1].clone(),
                palette::ORANGE,
            ),
        ];
        draw(&series, "tickets-loss", |root, v, s| {
            charts::loss_curves(root, v, thr, s.scale)
        });
        if let Some(c) = dom::by_id::<HtmlCanvasElement>("tickets-diagram") {
            let net = match &self.pruning {
                Some(p) => p.trainer.network(),
                None => self.embedded.network(),
            };
            let mask = match &self.pruning {
                Some(p) => &p.mask,
                None => &self.ticket_mask,
            };
            draw_diagram(&c, net, mask);
        }
        let t = self.table();
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
        if let Some(e) = self.errors.first() {
            let _ = write!(status, " {} failed: {e}", self.errors.len());
        }
        dom::set_text("tickets-table-status", &status);
    }
}

/// The hidden neuron a parameter belongs to (`None` for the output bias).
fn neuron_of(s: Shape, i: usize) -> Option<usize> {
    if s.input_weights().contains(&i) {
        Some(i / s.input_dim)
    } else if s.biases().contains(&i) {
        Some(i - s.biases().start)
    } else if s.output_weights().contains(&i) {
        Some(i - s.output_weights().start)
    } else {
        None
    }
}

/// Draws the network: inputs, hidden neurons and the output. Connections of the ticket
/// (`mask`) are blue, the rest orange, line widths by weight magnitude; a neuron is blue if its
/// output weight belongs to the ticket.
fn draw_diagram(canvas: &HtmlCanvasElement, net: &Network, mask: &[bool]) {
    let Some(ratio) = fit_to_css_size(canvas) else {
        return;
    };
    let Some(ctx) = context(canvas) else {
        return;
    };
    let (w, h) = (canvas.width() as f64, canvas.height() as f64);
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, w, h);
    let s = net.shape;
    let ys = |n: usize, i: usize| h * (i as f64 + 1.0) / (n as f64 + 1.0);
    let (xi, xh, xo) = (w * 0.12, w * 0.5, w * 0.88);
    let max_w = net.params.iter().fold(1e-9f64, |m, p| m.max(p.abs()));
    let colour = |i: usize| {
        if mask.get(i).copied().unwrap_or(false) {
            "#0072b2"
        } else {
            "#e69f00"
        }
    };
    for j in 0..s.width {
        for k in 0..s.input_dim {
            let v = net.params[s.input_weight(j, k)];
            ctx.set_stroke_style_str(colour(s.input_weight(j, k)));
            ctx.set_global_alpha(0.25 + 0.75 * (v.abs() / max_w).min(1.0));
            ctx.set_line_width(ratio * (0.5 + 4.0 * v.abs() / max_w));
            ctx.begin_path();
            ctx.move_to(xi, ys(s.input_dim, k));
            ctx.line_to(xh, ys(s.width, j));
            ctx.stroke();
        }
        let a = net.params[s.output_weight(j)];
        ctx.set_stroke_style_str(colour(s.output_weight(j)));
        ctx.set_global_alpha(0.25 + 0.75 * (a.abs() / max_w).min(1.0));
        ctx.set_line_width(ratio * (0.5 + 4.0 * a.abs() / max_w));
        ctx.begin_path();
        ctx.move_to(xh, ys(s.width, j));
        ctx.line_to(xo, h / 2.0);
        ctx.stroke();
    }
    ctx.set_global_alpha(1.0);
    let r = 7.0 * ratio;
    let node = |x: f64, y: f64, fill: &str| {
        ctx.set_fill_style_str(fill);
        ctx.begin_path();
        let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
        ctx.fill();
        ctx.set_stroke_style_str("#222222");
        ctx.set_line_width(ratio);
        ctx.stroke();
    };
    for k in 0..s.input_dim {
        node(xi, ys(s.input_dim, k), "#dddddd");
    }
    for j in 0..s.width {
        node(xh, ys(s.width, j), colour(s.output_weight(j)));
    }
    node(xo, h / 2.0, "#dddddd");
    ctx.set_fill_style_str("#222222");
    ctx.set_font(&format!("{}px sans-serif", (12.0 * ratio).round()));
    ctx.set_text_align("center");
    let _ = ctx.fill_text("inputs", xi, h - 4.0 * ratio);
    let _ = ctx.fill_text("hidden neurons", xh, h - 4.0 * ratio);
    let _ = ctx.fill_text("output", xo, h - 4.0 * ratio);
}
