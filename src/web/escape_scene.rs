//! The escape scene: a narrow student trained into a bad minimum, its landscape slice (a basin)
//! and Hessian spectrum; one click adds a neuron (a split with coefficient mu, or a neuron with
//! zero output weight), the spectrum gains a negative eigenvalue, the slice along the escape
//! direction goes downhill, and training from there is animated. Cases that do not escape are
//! shown as they are.

use crate::charts;
use crate::core::embed::{add_silent_neuron, split_neuron};
use crate::core::network::Network;
use crate::core::newton::{classify, polish, EndPoint};
use crate::core::objective::Objective;
use crate::core::plane::Plane;
use crate::core::rng::{SeededRng, Stream};
use crate::core::slice::Slice;
use crate::core::spectrum::Spectrum;
use crate::core::task::Task;
use crate::core::train::{TrainConfig, Trainer};
use crate::experiments::escape::{min_eigenvalue, EscapeConfig};
use crate::settings::Settings;
use crate::web::app::FinishedSlice;
use crate::web::dom::{self, now_ms};
use crate::web::sweep_scene::draw;
use crate::web::{loss_plot, slice_plot};
use std::sync::Arc;
use web_sys::HtmlCanvasElement;

/// Eigenvalues shown in the spectrum chart.
const SHOWN_EIGENVALUES: usize = 10;
/// Grid of the escape scene's slices.
const SLICE_RESOLUTION: usize = 41;

/// Where the scene is.
enum Phase {
    /// Training the narrow student.
    Training(Box<Trainer>),
    /// Stuck (or not): the end point is known.
    Ended,
    /// Training on from the widened, perturbed point.
    Escaping(Box<Trainer>),
    /// Finished training after the embedding.
    Finished,
}

/// The escape scene's state.
pub struct EscapeScene {
    settings: Settings,
    task: Arc<Task>,
    phase: Phase,
    /// The narrow network's end point, once known.
    stuck: Option<(Network, EndPoint, Vec<f64>)>,
    /// The widened network and its end-point analysis.
    widened: Option<(Network, EndPoint, String)>,
    /// Loss curve across both phases.
    steps: Vec<u64>,
    losses: Vec<f64>,
    embedded_at: Option<u64>,
    /// Trajectory after the embedding (for the slice overlay).
    path: Vec<Vec<f64>>,
    slice: Option<Slice>,
    finished_slice: Option<FinishedSlice>,
    final_loss: Option<f64>,
    version: u64,
    drawn: u64,
}

/// Training settings of the scene (the science notes: 8000 Adam steps to get stuck).
fn narrow_config(settings: &Settings) -> TrainConfig {
    TrainConfig {
        max_steps: EscapeConfig::default().train.max_steps,
        ..settings.train_config()
    }
}

impl EscapeScene {
    /// Starts training the narrow student of `settings` (width = teacher width, seed `case`).
    pub fn new(settings: &Settings) -> EscapeScene {
        let task = Arc::new(Task::generate(settings.task_config()));
        let trainer = Trainer::new(
            task.clone(),
            settings.teacher_width as usize,
            settings.case as u64,
            narrow_config(settings),
        );
        EscapeScene {
            settings: settings.clone(),
            task,
            phase: Phase::Training(Box::new(trainer)),
            stuck: None,
            widened: None,
            steps: Vec::new(),
            losses: Vec::new(),
            embedded_at: None,
            path: Vec::new(),
            slice: None,
            finished_slice: None,
            final_loss: None,
            version: 1,
            drawn: 0,
        }
    }

    /// True if the scene was built for these settings (ignoring ones it does not use).
    pub fn matches(&self, s: &Settings) -> bool {
        let a = &self.settings;
        a.task_config() == s.task_config()
            && a.case == s.case
            && a.optimizer == s.optimizer
            && a.learning_rate == s.learning_rate
    }

    /// Updates the settings that only affect the embedding (mu, embedding kind, threshold).
    pub fn update_settings(&mut self, s: &Settings) {
        self.settings = s.clone();
        self.version += 1;
    }

    fn record(&mut self, trainer: &Trainer, offset: u64) {
        let (s, l) = (trainer.step() + offset, trainer.loss());
        if self.steps.last() != Some(&s) {
            self.steps.push(s);
            self.losses.push(l);
        }
    }

    /// Advances training and slicing within `budget_ms`.
    pub fn tick(&mut self, budget_ms: f64) {
        let start = now_ms();
        match std::mem::replace(&mut self.phase, Phase::Ended) {
            Phase::Training(mut t) => {
                while now_ms() - start < budget_ms * 0.8 {
                    let done = t.run(50).is_some();
                    self.record(&t, 0);
                    if done {
                        break;
                    }
                }
                if t.stopped().is_some() {
                    self.finish_narrow(&t);
                } else {
                    self.phase = Phase::Training(t);
                }
                self.version += 1;
            }
            Phase::Escaping(mut t) => {
                let offset = self.embedded_at.unwrap_or(0);
                let speed = self.settings.speed.max(1) as u64;
                let mut left = speed;
                while left > 0 && now_ms() - start < budget_ms * 0.8 {
                    let chunk = left.min(10);
                    left -= chunk;
                    let done = t.run(chunk).is_some();
                    self.record(&t, offset);
                    if t.step() % 40 == 0 {
                        self.path.push(t.params().to_vec());
                    }
                    if done {
                        break;
                    }
                }
                if t.stopped().is_some() {
                    let objective = Objective::new(&self.task, t.shape.width);
                    let mut p = t.params().to_vec();
                    self.path.push(p.clone());
                    self.final_loss = Some(polish(&objective, &mut p, 30));
                    self.phase = Phase::Finished;
                } else {
                    self.phase = Phase::Escaping(t);
                }
                self.version += 1;
            }
            other => self.phase = other,
        }
        self.advance_slice(start, budget_ms);
    }

    fn finish_narrow(&mut self, t: &Trainer) {
        let objective = Objective::new(&self.task, t.shape.width);
        let mut params = t.params().to_vec();
        polish(
            &objective,
            &mut params,
            EscapeConfig::default().polish_steps,
        );
        let end = classify(&objective, &params, self.settings.threshold);
        let spectrum = Spectrum::of_symmetric(&objective.hessian(&params)).values;
        let net = Network {
            shape: t.shape,
            activation: self.task.config.activation,
            params,
        };
        // The basin: the plane of the two lowest Hessian eigenvectors, scaled to 1/4 of the
        // parameter norm so the neighbourhood of the minimum fills the frame.
        let (mut plane, _) = Plane::hessian(&objective, &net.params, 0, 1);
        scale_plane(&mut plane, 0.25);
        self.slice = Some(Slice::new(plane, SLICE_RESOLUTION, 1.0).fast());
        self.finished_slice = None;
        self.path = vec![net.params.clone()];
        self.stuck = Some((net, end, spectrum));
        self.phase = Phase::Ended;
    }

    fn advance_slice(&mut self, start: f64, budget_ms: f64) {
        let Some(slice) = &mut self.slice else {
            return;
        };
        let width = slice.plane.centre.len();
        let shape_width = (width - 1) / (self.task.config.input_dim + 2);
        let objective = Objective::new(&self.task, shape_width);
        while !slice.is_complete() && now_ms() - start < budget_ms {
            slice.compute_rows(&objective, 1);
        }
        if slice.is_complete() {
            if let Some(done) = self.slice.take() {
                self.finished_slice = Some(FinishedSlice::new(done, &self.path, 0, None));
                self.version += 1;
            }
        }
    }

    /// True if the narrow student ended stuck (loss at least 10x the threshold).
    pub fn is_stuck(&self) -> bool {
        self.stuck
            .as_ref()
            .is_some_and(|(_, e, _)| e.loss >= 10.0 * self.settings.threshold)
    }

    /// Adds a neuron as the settings say and starts training from the perturbed point.
    pub fn add_neuron(&mut self) {
        let Some((net, _, _)) = &self.stuck else {
            return;
        };
        if self.widened.is_some() {
            return;
        }
        let mu = self.settings.mu;
        let (wide, name) = if self.settings.embedding == "zero" {
            let rng = &mut SeededRng::new(self.settings.case as u64, Stream::Directions);
            (
                add_silent_neuron(net, rng),
                "a neuron with zero output weight".to_string(),
            )
        } else {
            // The neuron whose split gives the most negative eigenvalue.
            let j = (0..net.shape.width)
                .map(|j| (j, min_eigenvalue(&self.task, &split_neuron(net, j, mu))))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map_or(0, |(j, _)| j);
            (
                split_neuron(net, j, mu),
                format!("neuron {} split with mu = {mu}", j + 1),
            )
        };
        let objective = Objective::new(&self.task, wide.shape.width);
        let end = classify(&objective, &wide.params, self.settings.threshold);
        // The slice along the escape direction (lowest eigenvector) and the next one.
        let (mut plane, _) = Plane::hessian(&objective, &wide.params, 0, 1);
        scale_plane(&mut plane, 0.25);
        self.slice = Some(Slice::new(plane, SLICE_RESOLUTION, 1.0).fast());
        self.finished_slice = None;
        let mut start = wide.clone();
        let mut rng = SeededRng::new(self.settings.case as u64, Stream::Perturbation);
        for p in &mut start.params {
            *p += EscapeConfig::default().perturbation * rng.normal();
        }
        self.path = vec![wide.params.clone()];
        self.embedded_at = self.steps.last().copied();
        let config = TrainConfig {
            max_steps: EscapeConfig::default().continue_run.train.max_steps,
            ..self.settings.train_config()
        };
        self.phase = Phase::Escaping(Box::new(Trainer::from_network(
            self.task.clone(),
            start,
            config,
        )));
        self.widened = Some((wide, end, name));
        self.version += 1;
    }

    fn phase_name(&self) -> &'static str {
        match self.phase {
            Phase::Training(_) => "training",
            Phase::Ended if self.is_stuck() => "stuck",
            Phase::Ended => "not-stuck",
            Phase::Escaping(_) => "escaping",
            Phase::Finished => {
                if self.final_loss.is_some_and(|l| l < self.settings.threshold) {
                    "escaped"
                } else {
                    "not-escaped"
                }
            }
        }
    }

    /// Draws the scene.
    pub fn render(&mut self, force: bool) {
        let phase = self.phase_name();
        dom::set_body_data("escape-phase", phase);
        if let Some(l) = self.losses.last() {
            dom::set_body_data("escape-loss", &format!("{l:e}"));
        }
        if let Some((_, e, _)) = &self.stuck {
            dom::set_body_data("escape-stuck-loss", &format!("{:e}", e.loss));
            dom::set_body_data("escape-min-eig-before", &format!("{:e}", e.min_eigenvalue));
        }
        if let Some((_, e, _)) = &self.widened {
            dom::set_body_data("escape-min-eig-after", &format!("{:e}", e.min_eigenvalue));
        }
        if !force && self.drawn == self.version {
            return;
        }
        self.drawn = self.version;
        dom::set_text("escape-status", &self.status_text());
        if let Some(b) = dom::document().get_element_by_id("escape-add") {
            let enabled = self.is_stuck() && self.widened.is_none();
            let _ = if enabled {
                b.remove_attribute("disabled")
            } else {
                b.set_attribute("disabled", "")
            };
        }
        if let Some(c) = dom::by_id::<HtmlCanvasElement>("escape-loss") {
            let marker = self.embedded_at.map(|s| (s, "neuron added"));
            let _ = loss_plot::draw(
                &c,
                &self.steps,
                &self.losses,
                self.settings.threshold,
                marker,
            );
        }
        if let Some((_, _, before)) = &self.stuck {
            let after = self.widened.as_ref().map(|(_, e, _)| e);
            let after_values = after.map(|_| self.widened_spectrum());
            draw(
                &(before.clone(), after_values),
                "escape-spectrum",
                |root, v, s| {
                    charts::spectrum(root, &v.0, v.1.as_deref(), SHOWN_EIGENVALUES, s.scale)
                },
            );
        }
        if let (Some(c), Some(done)) = (
            dom::by_id::<HtmlCanvasElement>("escape-slice"),
            &self.finished_slice,
        ) {
            let current = match &self.phase {
                Phase::Escaping(t) => t.params().to_vec(),
                _ => self.path.last().cloned().unwrap_or_default(),
            };
            let mut shown = done.clone_with_path(&self.path);
            shown.at_step = self.embedded_at.unwrap_or(0);
            let _ = slice_plot::draw(&c, &shown, done.slice.plane.project(&current));
        }
    }

    fn widened_spectrum(&self) -> Vec<f64> {
        self.widened
            .as_ref()
            .map(|(net, _, _)| {
                let objective = Objective::new(&self.task, net.shape.width);
                Spectrum::of_symmetric(&objective.hessian(&net.params)).values
            })
            .unwrap_or_default()
    }

    fn status_text(&self) -> String {
        let k = self.settings.teacher_width;
        let thr = self.settings.threshold;
        match (&self.phase, &self.stuck, &self.widened) {
            (Phase::Training(t), _, _) => format!(
                "Training a width-{k} student (seed {}): step {} of {}, loss {:.2e}…",
                self.settings.case,
                t.step(),
                t.config().max_steps,
                t.loss()
            ),
            (_, Some((_, e, _)), None) if !self.is_stuck() => format!(
                "This student reached the teacher (loss {:.1e}): nothing to escape from. \
                 Try another stuck-student seed (1, 3, 4 or 5 get stuck with the default teacher).",
                e.loss
            ),
            (_, Some((_, e, _)), None) => format!(
                "Stuck: loss {:.2e}, gradient norm {:.0e}, smallest Hessian eigenvalue {:+.1e}. \
                 No direction goes down: a bad minimum of the width-{k} network. Add a neuron.",
                e.loss, e.gradient_norm, e.min_eigenvalue
            ),
            (phase, Some((_, before, _)), Some((_, after, name))) => {
                let mut s = format!(
                    "Added {name}: the loss is unchanged ({:.2e}), but the smallest eigenvalue \
                     went from {:+.1e} to {:+.1e} ({} negative). ",
                    after.loss,
                    before.min_eigenvalue,
                    after.min_eigenvalue,
                    after.negative_eigenvalues
                );
                match (phase, self.final_loss) {
                    (Phase::Finished, Some(l)) if l < thr => s.push_str(&format!(
                        "Escaped: training reached loss {l:.1e}, below {thr:e}."
                    )),
                    (Phase::Finished, Some(l)) => s.push_str(&format!(
                        "Did not escape: training ended at {l:.1e}. Not every stuck point escapes \
                         this way; try the other embedding or another mu."
                    )),
                    _ => s.push_str("Training on from a slightly perturbed copy…"),
                }
                s
            }
            _ => String::new(),
        }
    }
}

/// Rescales a plane's directions by `factor`.
fn scale_plane(plane: &mut Plane, factor: f64) {
    plane.u.iter_mut().for_each(|x| *x *= factor);
    plane.v.iter_mut().for_each(|x| *x *= factor);
}
