//! The escape scene: the engine's escape experiment ([`narrow_run`], [`AttemptRun`]) animated.
//! A narrow student is trained into a bad minimum and polished (its slice is a basin, its
//! spectrum positive); "Add a neuron" widens it (split with mu, or a zero-output neuron), the
//! spectrum gains negative eigenvalues, and training on from there is drawn on the plane that
//! contains the escape (escape direction and displacement to the current point). Cases that
//! do not escape, and runs that diverge, are named as such.

use crate::charts::{self, palette};
use crate::core::network::Network;
use crate::core::newton::{classify, EndPoint};
use crate::core::objective::Objective;
use crate::core::plane::Plane;
use crate::core::slice::Slice;
use crate::core::slice_view::FinishedSlice;
use crate::core::spectrum::Spectrum;
use crate::core::task::Task;
use crate::experiments::escape::{is_stuck, narrow_run, AttemptRun, EmbeddingKind, EscapeConfig};
use crate::experiments::outcome::{Outcome, SteppedRun};
use crate::jobs;
use crate::settings::Settings;
use crate::story::{EscapeEvidence, Widened, ZERO_BUTTON_LABEL};
use crate::web::dom::{self, now_ms};
use crate::web::escape_text;
use crate::web::router::Scene;
use crate::web::slice_plot;
use crate::web::sweep_scene::draw;
use std::sync::Arc;
use web_sys::HtmlCanvasElement;

mod view;

/// Eigenvalues shown in the spectrum chart.
const SHOWN_EIGENVALUES: usize = 10;
/// Grid of the escape scene's slices (odd, so the centre is a grid point).
const SLICE_RESOLUTION: usize = 41;
/// Loss values kept for drawing (the record thins itself; numbers are unaffected).
const CURVE_CAPACITY: usize = 512;
/// While escaping, the slice is recomputed around the moving student at most this often.
const LIVE_SLICE_MS: f64 = 600.0;
/// Optimiser steps between recorded points of the escape path.
const PATH_STRIDE: u64 = 40;

/// Chart points `(step, loss)`.
type Points = Vec<(f64, f64)>;

/// The narrow student's end point.
pub struct Stuck {
    /// The polished network.
    pub net: Network,
    /// Its analysis (gradient, spectrum summary).
    pub end: EndPoint,
    /// Its Hessian spectrum, ascending.
    pub spectrum: Vec<f64>,
    /// The engine's outcome of the narrow run.
    pub outcome: Outcome,
}

/// The escape scene's state.
pub struct EscapeScene {
    settings: Settings,
    task: Arc<Task>,
    config: EscapeConfig,
    narrow: SteppedRun,
    /// The narrow end point, once polished.
    pub stuck: Option<Stuck>,
    /// The widening and the run on from it.
    pub attempt: Option<AttemptRun>,
    /// Earlier attempts from the same stuck point (another kind of neuron), finished.
    pub earlier: Vec<AttemptRun>,
    /// The escape path: the widened point, then snapshots, then the end point.
    path: Vec<Vec<f64>>,
    slice: Option<Slice>,
    finished_slice: Option<FinishedSlice>,
    last_slice_ms: f64,
    version: u64,
    drawn: u64,
}

/// The escape experiment of `settings`, with longer loss records for drawing.
fn config(settings: &Settings) -> EscapeConfig {
    let mut c = jobs::escape_config(settings);
    c.train.history_capacity = CURVE_CAPACITY;
    c.continue_run.train.history_capacity = CURVE_CAPACITY;
    c
}

impl EscapeScene {
    /// Starts training the narrow student of `settings` (width = teacher width, seed `case`).
    pub fn new(settings: &Settings) -> EscapeScene {
        let task = Arc::new(Task::generate(settings.task_config()));
        let config = config(settings);
        EscapeScene {
            narrow: narrow_run(&task, &config, settings.case as u64),
            settings: settings.clone(),
            task,
            config,
            stuck: None,
            attempt: None,
            earlier: Vec::new(),
            path: Vec::new(),
            slice: None,
            finished_slice: None,
            last_slice_ms: 0.0,
            version: 1,
            drawn: 0,
        }
    }

    /// True if the narrow run was built for these settings.
    pub fn matches(&self, s: &Settings) -> bool {
        let (a, b) = (config(&self.settings), config(s));
        (a.task, a.width, a.first_seed, a.train) == (b.task, b.width, b.first_seed, b.train)
            && a.threshold == b.threshold
    }

    /// Takes settings that only affect the widening (mu, embedding kind).
    pub fn update_settings(&mut self, s: &Settings) {
        self.settings = s.clone();
        self.config = config(s);
        self.version += 1;
    }

    /// Advances training and slicing within `budget_ms`.
    pub fn tick(&mut self, budget_ms: f64) {
        let start = now_ms();
        if self.stuck.is_none() {
            while now_ms() - start < budget_ms * 0.8 {
                self.narrow.advance_piece(50);
                if self.narrow.outcome().is_some() {
                    self.finish_narrow();
                    break;
                }
            }
            self.version += 1;
        } else if let Some(a) = self.attempt.as_mut().filter(|a| a.run.outcome().is_none()) {
            let mut left = self.settings.speed.max(1) as u64;
            while left > 0 && now_ms() - start < budget_ms * 0.6 {
                let steps = a.run.advance_piece(left.min(10));
                left -= steps;
                let done = a.run.outcome().is_some();
                if (steps > 0 && a.run.trainer().step() % PATH_STRIDE == 0) || done {
                    self.path.push(a.run.params().to_vec());
                }
                if done {
                    break;
                }
            }
            self.version += 1;
            let finished = a.run.outcome().is_some();
            if finished || (self.slice.is_none() && start - self.last_slice_ms > LIVE_SLICE_MS) {
                self.request_escape_slice();
            }
        }
        self.advance_slice(start, budget_ms);
    }

    fn finish_narrow(&mut self) {
        let Some(outcome) = self.narrow.outcome().cloned() else {
            return;
        };
        let shape = self.narrow.trainer().shape;
        let net = Network {
            shape,
            activation: self.task.config.activation,
            params: outcome.params.clone(),
        };
        let objective = Objective::new(&self.task, shape.width);
        if !outcome.diverged {
            // The basin: the plane of the two lowest Hessian eigenvectors, scaled to 1/4 of
            // the parameter norm so the neighbourhood of the minimum fills the frame.
            let (mut plane, _) = Plane::hessian(&objective, &net.params, 0, 1);
            scale_plane(&mut plane, 0.25);
            self.slice = Some(Slice::new(plane, SLICE_RESOLUTION, 1.0).fast());
        }
        let end = classify(&objective, &net.params, self.config.threshold);
        let spectrum = if outcome.diverged {
            Vec::new()
        } else {
            Spectrum::of_symmetric(&objective.hessian(&net.params)).values
        };
        self.path = vec![net.params.clone()];
        self.stuck = Some(Stuck {
            net,
            end,
            spectrum,
            outcome,
        });
    }

    /// A new slice on the plane containing the escape so far (the widened point, and the
    /// current point at the centre), with an extent that holds the whole path.
    fn request_escape_slice(&mut self) {
        let (Some(a), Some(start), Some(end)) =
            (&self.attempt, self.path.first(), self.path.last())
        else {
            return;
        };
        let plane = Plane::escape(
            start,
            end,
            &a.at_embedding.lowest_direction,
            a.at_embedding.min_eigenvalue,
        );
        let reach = self
            .path
            .iter()
            .map(|p| {
                let (x, y) = plane.project(p);
                x.abs().max(y.abs())
            })
            .fold(0.0, f64::max);
        let extent = (reach / 0.9).max(1.0);
        self.slice = Some(Slice::new(plane, SLICE_RESOLUTION, extent).fast());
        self.last_slice_ms = now_ms();
    }

    fn advance_slice(&mut self, start: f64, budget_ms: f64) {
        let Some(slice) = &mut self.slice else {
            return;
        };
        let width = (slice.plane.centre.len() - 1) / (self.task.config.input_dim + 2);
        let objective = Objective::new(&self.task, width);
        let piece = slice.points_per_piece(&objective);
        while !slice.is_complete() && now_ms() - start < budget_ms {
            slice.compute_points(&objective, piece);
        }
        if let Some(done) = self.slice.take_if(|s| s.is_complete()) {
            let mut f = FinishedSlice::new(done, &self.path, 0, None);
            for p in [self.path.first(), self.path.last()].into_iter().flatten() {
                f.include_in_colour_range(objective.loss(p));
            }
            self.finished_slice = Some(f);
            self.version += 1;
        }
    }

    /// True if the narrow student ended stuck (the engine's criterion).
    pub fn is_stuck(&self) -> bool {
        self.stuck
            .as_ref()
            .is_some_and(|s| is_stuck(&self.config, &s.outcome))
    }

    /// Widens the stuck student as `kind` says and starts training on from the perturbed
    /// point; a second call (another kind) starts again from the same stuck point.
    pub fn add_neuron(&mut self, kind: EmbeddingKind) {
        if !self.is_stuck() {
            return;
        }
        let Some(stuck) = &self.stuck else {
            return;
        };
        let a = AttemptRun::new(
            &self.task,
            &self.config,
            &stuck.net,
            kind,
            self.settings.case as u64,
        );
        // The first slice after widening: the escape direction and the next-lowest one.
        let objective = Objective::new(&self.task, a.widened.shape.width);
        let (mut plane, _) = Plane::hessian(&objective, &a.widened.params, 0, 1);
        scale_plane(&mut plane, 0.25);
        self.slice = Some(Slice::new(plane, SLICE_RESOLUTION, 1.0).fast());
        self.finished_slice = None;
        self.last_slice_ms = now_ms();
        self.path = vec![a.widened.params.clone()];
        if let Some(old) = self.attempt.replace(a) {
            self.earlier.push(old);
        }
        self.version += 1;
    }

    /// The kind of neuron the settings ask for.
    pub fn requested_kind(&self) -> EmbeddingKind {
        self.settings.embedding
    }

    /// What the scene has computed, for the story's claims: the stuck point and the latest
    /// attempt of each kind.
    pub fn evidence(&self) -> EscapeEvidence<'_> {
        let mut e = EscapeEvidence::new(&self.settings);
        if let Some(s) = &self.stuck {
            e.stuck = Some(&s.end);
            e.diverged = s.outcome.diverged;
        }
        for a in self.earlier.iter().chain(&self.attempt) {
            let w = Widened {
                embedding: a.embedding,
                at_embedding: &a.at_embedding,
                loss_after: a.run.outcome().map(|o| o.final_loss),
                diverged: a.run.outcome().is_some_and(|o| o.diverged),
            };
            match escape_text::kind_of(a.embedding) {
                EmbeddingKind::Split => e.split = Some(w),
                EmbeddingKind::ZeroOutput => e.zero = Some(w),
            }
        }
        e
    }

    /// The settings the scene runs.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The narrow run.
    pub fn narrow(&self) -> &SteppedRun {
        &self.narrow
    }
}

/// Rescales a plane's directions by `factor`.
fn scale_plane(plane: &mut Plane, factor: f64) {
    plane.u.iter_mut().for_each(|x| *x *= factor);
    plane.v.iter_mut().for_each(|x| *x *= factor);
}

impl Scene for EscapeScene {
    fn frame(&mut self, budget_ms: f64, force: bool) {
        self.tick(budget_ms);
        self.render(force);
    }

    fn is_idle(&self) -> bool {
        let settled = !matches!(
            crate::web::escape_text::phase(self),
            "training" | "polishing" | "escaping"
        );
        settled && self.slice.is_none()
    }

    fn matches(&self, s: &Settings) -> bool {
        EscapeScene::matches(self, s)
    }

    fn update(&mut self, _old: &Settings, new: &Settings) {
        self.update_settings(new);
    }
}
