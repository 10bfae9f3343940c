//! The playground's state: settings, the training run, and the landscape slice being computed or
//! shown. No drawing here; [`crate::web::view`] renders this state. The slice's progress is in
//! [`crate::web::app_slice`], its Hessian plane in [`crate::web::app_hessian`] and the
//! polishing of large students in [`crate::web::app_polish`].

use crate::core::plane::{Plane, PlaneKind};
use crate::core::slice::Slice;
use crate::core::task::Task;
use crate::core::train::Trainer;
use crate::experiments::outcome::{RunPhase, RunSettings, SteppedRun};
use crate::jobs;
use crate::settings::Settings;
use crate::web::dom::now_ms;
use crate::web::workers::{self, Pool};
use std::sync::Arc;

use crate::web::app_hessian::PendingHessian;
pub use crate::web::app_hessian::{
    HESSIAN_COMPUTING, MAX_HESSIAN_PARAMS, MAX_HESSIAN_PARAMS_ON_PAGE,
};

pub use crate::core::slice_view::FinishedSlice;

/// Most trajectory snapshots the page fits its PCA plane to ([`App::pca_snapshots`]).
pub const PCA_SNAPSHOTS: usize = 64;

/// Where the landscape slice is.
pub enum SliceState {
    /// Nothing requested yet.
    Idle,
    /// Rows are being computed: by the slice workers, or on the page a few per frame.
    Computing {
        /// The partial grid.
        slice: Box<Slice>,
        /// True if the slice workers compute the rows (false: on the page).
        in_workers: bool,
        /// Step of the centre point.
        at_step: u64,
        /// Smallest Hessian eigenvalue, for the Hessian plane.
        min_eigenvalue: Option<f64>,
    },
    /// Complete.
    Ready(Box<FinishedSlice>),
}

/// Everything the playground shows.
pub struct App {
    /// The current settings (mirrored in the URL and the controls).
    pub settings: Settings,
    /// The training run: the engine's, trained, polished and judged like every experiment's.
    pub run: SteppedRun,
    /// True while training advances every frame.
    pub running: bool,
    /// The landscape slice.
    pub slice: SliceState,
    /// The slice to show while a new one is computed.
    pub previous_slice: Option<Box<FinishedSlice>>,
    /// A message about the slice plane (for example a fallback), if any.
    pub slice_note: Option<String>,
    /// Bumped whenever the slice changes, so views know to redraw it.
    pub slice_version: u64,
    /// The index of the path point a replay shows ([`crate::web::replay`]), or `None` for
    /// the live point.
    pub replay: Option<usize>,
    /// The Hessian plane a slice worker is computing, if one is (the slice waits for it).
    pub(crate) hessian_pending: Option<PendingHessian>,
    /// True while a slice worker polishes the run's end point ([`crate::web::app_polish`]).
    pub(crate) polish_pending: bool,
    /// A slice was asked for while the end point was being polished: computed after it.
    pub(crate) slice_wanted: bool,
    /// Slices finished since the page opened (live ones included).
    pub slices_done: u64,
    /// When the last few slices finished (ms), for the live rate the caption quotes.
    pub(crate) finished_at: std::collections::VecDeque<f64>,
    /// True if the last frame's training (or single steps) ran out of time before its steps
    /// were done: the page's work fills its frames.
    pub(crate) training_limited: bool,
    /// When the live slice being computed was asked for (ms).
    pub(crate) live_started_ms: f64,
    /// No live slice starts before this time (ms): see [`App::keep_slice_live`].
    pub(crate) live_not_before_ms: f64,
    /// Single steps asked for (paused) and not yet taken: each is taken a piece per frame,
    /// then its slice is asked for.
    pub(crate) steps_wanted: u64,
}

impl App {
    /// A fresh run for `settings`, with the first slice requested.
    pub fn new(settings: Settings) -> App {
        let run = Self::build_run(&settings);
        let mut app = App {
            settings,
            run,
            running: false,
            slice: SliceState::Idle,
            previous_slice: None,
            slice_note: None,
            slice_version: 0,
            replay: None,
            hessian_pending: None,
            polish_pending: false,
            slice_wanted: false,
            slices_done: 0,
            finished_at: Default::default(),
            training_limited: false,
            live_started_ms: 0.0,
            live_not_before_ms: 0.0,
            steps_wanted: 0,
        };
        app.request_slice();
        app
    }

    /// The run settings of the playground: the settings' training and step limit, polished
    /// and judged as in the experiments.
    pub fn run_settings(settings: &Settings) -> RunSettings {
        RunSettings {
            train: settings.train_config(),
            polish_steps: jobs::POLISH_STEPS,
            threshold: settings.threshold,
        }
    }

    fn build_run(settings: &Settings) -> SteppedRun {
        let task = Arc::new(Task::generate(settings.task_config()));
        let t = Trainer::new(
            task.clone(),
            settings.width as usize,
            settings.seed as u64,
            settings.train_config(),
        );
        SteppedRun::new(
            &task,
            t.network().clone(),
            None,
            &Self::run_settings(settings),
        )
    }

    /// The optimiser's run (record of loss and trajectory).
    pub fn trainer(&self) -> &Trainer {
        self.run.trainer()
    }

    /// Starts over from the initial point with the current settings.
    pub fn reset(&mut self) {
        self.run = Self::build_run(&self.settings);
        self.running = false;
        self.replay = None;
        // A polishing still in a worker belongs to the old run (the next batch drops it).
        self.polish_pending = false;
        self.slice_wanted = false;
        self.steps_wanted = 0;
        self.previous_slice = None;
        self.request_slice();
    }

    /// Starts or pauses training; pausing computes a fresh slice at the current point.
    pub fn toggle_running(&mut self) {
        if self.running {
            self.running = false;
            self.request_slice();
        } else if self.run.outcome().is_none() {
            self.running = true;
            self.replay = None;
        }
    }

    /// One optimiser step (when paused), then a fresh slice.
    pub fn single_step(&mut self) {
        if self.polishes_in_worker() {
            // Its polishing is one job in a worker: nothing to step here.
            self.running = false;
            return;
        }
        self.running = false;
        self.replay = None;
        // Taken by the next frames, a piece at a time (a large network's step would be one
        // long task here); its slice follows.
        self.steps_wanted += 1;
    }

    /// True while the run is being advanced: training, or taking single steps.
    pub fn is_advancing(&self) -> bool {
        self.running || self.steps_wanted > 0
    }

    /// The trajectory the PCA plane is fitted to: at most [`PCA_SNAPSHOTS`] of the recorded
    /// snapshots, evenly spread, first and last kept (the fit's cost grows with the square of
    /// their number: 256 snapshots of 641 parameters made a 62 ms task).
    fn pca_snapshots(&self) -> Vec<Vec<f64>> {
        let values = &self.trainer().trajectory.values;
        crate::charts::probe::thinned(values.len(), PCA_SNAPSHOTS)
            .map(|i| values[i].clone())
            .collect()
    }

    /// Discards the current slice and starts computing a new one at the current point.
    pub fn request_slice(&mut self) {
        if self.polish_pending {
            // The slice workers are polishing: a slice batch would drop that reply.
            self.slice_wanted = true;
            return;
        }
        if let SliceState::Ready(done) = std::mem::replace(&mut self.slice, SliceState::Idle) {
            self.previous_slice = Some(done);
        }
        if self.hessian_pending.take().is_some() {
            // This slice replaces the one whose Hessian plane is being computed: drop its reply.
            workers::cancel(Pool::Slices);
        }
        let centre = self.run.params().to_vec();
        let shape = self.trainer().shape;
        let seed = self.settings.seed as u64;
        let biases = self.settings.random_plane_moves_biases();
        let mut min_eigenvalue = None;
        self.slice_note = None;
        let plane = match self.settings.plane_kind() {
            PlaneKind::Random => Plane::random(shape, &centre, seed, biases),
            PlaneKind::Pca => match Plane::pca(&self.pca_snapshots(), &centre) {
                Some(p) => p,
                None => {
                    self.slice_note = Some(
                        "The PCA plane needs a trajectory: train for a while first. \
                         Showing a random plane."
                            .into(),
                    );
                    Plane::random(shape, &centre, seed, biases)
                }
            },
            PlaneKind::Hessian => {
                if shape.num_params() > MAX_HESSIAN_PARAMS {
                    self.slice_note = Some(format!(
                        "The Hessian plane is offered up to {MAX_HESSIAN_PARAMS} parameters \
                         (this student has {}). Showing a random plane.",
                        shape.num_params()
                    ));
                    Plane::random(shape, &centre, seed, biases)
                } else if !workers::on_page(Pool::Slices) && self.start_hessian_job(&centre) {
                    // The slice waits for the plane ([`App::poll_hessian`]).
                    return;
                } else {
                    let (plane, min) = self.hessian_on_page(&centre);
                    min_eigenvalue = min;
                    plane
                }
            }
        };
        self.start_slice(plane, min_eigenvalue, self.run.step());
    }

    /// Starts computing the slice of `plane` (taken at step `at_step`): in the slice workers
    /// once they are loaded, else on the page.
    pub(crate) fn start_slice(&mut self, plane: Plane, min_eigenvalue: Option<f64>, at_step: u64) {
        let slice = Slice::new(
            plane,
            self.settings.resolution as usize,
            self.settings.extent,
        )
        .fast();
        // The slice workers compute it once loaded (while they load, just after the page
        // opens, the page computes a few rows per frame; so it does where there are none).
        let in_workers = workers::ready(Pool::Slices) && !workers::on_page(Pool::Slices);
        if in_workers {
            workers::start(Pool::Slices, self.slice_jobs(&slice));
        }
        self.slice = SliceState::Computing {
            slice: Box::new(slice),
            in_workers,
            at_step,
            min_eigenvalue,
        };
        self.slice_version += 1;
    }

    /// Advances the app by one animation frame, spending at most about `budget_ms`.
    pub fn tick(&mut self, budget_ms: f64) {
        let start = now_ms();

        self.poll_hessian();
        if self.polishes_in_worker() {
            // A slice (or its Hessian plane) still being computed is finished first: the
            // polishing job would take its place in the slice workers.
            if self.hessian_pending.is_some() {
                return;
            }
            if matches!(self.slice, SliceState::Computing { .. }) {
                self.advance_slice(start, budget_ms);
                return;
            }
            self.tick_polish();
            return;
        }
        if self.running && self.visible_slice().is_none() {
            // No slice to show yet (training started at once): finish the first one while
            // training, sharing the frame.
            self.advance_slice(start, budget_ms / 2.0);
        }
        if self.running {
            // Rows the slice workers have sent (taking them costs little).
            self.take_worker_rows(start, budget_ms);
            // The next live slice starts at the point the last frame ended on, before this
            // frame's training, so that its cost (the plane, the jobs) counts in the budget.
            self.keep_slice_live();
            let mut left = self.settings.speed as u64;
            while left > 0 && now_ms() - start < budget_ms {
                left -= self.run.advance_piece(left.min(5));
                if self.run.outcome().is_some() {
                    self.running = false;
                    self.request_slice();
                    break;
                }
                if self.polishes_in_worker() {
                    // Training just ended: its polishing goes to a worker, not the next
                    // chunk of this loop.
                    break;
                }
            }
            // Training that used the whole frame shares the machine with the slice workers.
            self.training_limited = left > 0 && self.running;
        } else if self.steps_wanted > 0 {
            // Each wanted step (or polishing step), a piece at a time, then its slice.
            while self.steps_wanted > 0 && now_ms() - start < budget_ms {
                if self.polishes_in_worker() {
                    self.steps_wanted = 0;
                    break;
                }
                let training = self.run.phase() == RunPhase::Training;
                let stepped = self.run.advance_piece(1) > 0;
                if stepped || !training || self.trainer().stopped().is_some() {
                    self.steps_wanted -= 1;
                    self.request_slice();
                }
            }
            // Steps that took the whole frame share the machine with the slice workers.
            self.training_limited = self.steps_wanted > 0;
        } else {
            self.advance_slice(start, budget_ms);
        }
    }

    /// The trajectory drawn on slices: the recorded snapshots and the current point.
    pub fn path(&self) -> Vec<Vec<f64>> {
        let mut path = self.trainer().trajectory.values.clone();
        if path.last().map(Vec::as_slice) != Some(self.run.params()) {
            path.push(self.run.params().to_vec());
        }
        path
    }

    /// The slice to draw: the finished one, or the previous one while computing.
    pub fn visible_slice(&self) -> Option<&FinishedSlice> {
        match &self.slice {
            SliceState::Ready(done) => Some(done),
            _ => self.previous_slice.as_deref(),
        }
    }

    /// Progress of a slice being computed, if one is.
    pub fn slice_progress(&self) -> Option<f64> {
        match &self.slice {
            SliceState::Computing { slice, .. } => Some(slice.progress()),
            _ => None,
        }
    }
}
