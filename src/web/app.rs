//! The playground's state: settings, the training run, and the landscape slice being computed or
//! shown. No drawing here; [`crate::web::view`] renders this state.

use crate::core::objective::Objective;
use crate::core::plane::{Plane, PlaneKind};
use crate::core::slice::Slice;
use crate::core::task::Task;
use crate::core::train::Trainer;
use crate::experiments::outcome::{RunSettings, SteppedRun};
use crate::jobs::{self, Job, JobResult, SliceRows};
use crate::settings::Settings;
use crate::web::dom::now_ms;
use crate::web::workers::{self, Pool};
use std::sync::Arc;

/// Loss evaluations (grid points x samples x neurons) per slice job: about 10 ms in wasm.
const SLICE_JOB_EVALUATIONS: usize = 4_000_000;

/// Largest number of parameters for which the Hessian plane is offered (its eigen-decomposition
/// runs on the main thread; `cargo bench --bench hot_paths` measured 16 ms natively at 257
/// parameters, and the cost grows with the cube of the count).
pub const MAX_HESSIAN_PARAMS: usize = 700;

pub use crate::core::slice_view::FinishedSlice;

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
        self.running = false;
        self.replay = None;
        self.run.advance(1);
        self.request_slice();
    }

    /// Discards the current slice and starts computing a new one at the current point.
    pub fn request_slice(&mut self) {
        if let SliceState::Ready(done) = std::mem::replace(&mut self.slice, SliceState::Idle) {
            self.previous_slice = Some(done);
        }
        let centre = self.run.params().to_vec();
        let shape = self.trainer().shape;
        let seed = self.settings.seed as u64;
        let biases = self.settings.random_plane_moves_biases();
        let mut min_eigenvalue = None;
        self.slice_note = None;
        let plane = match self.settings.plane_kind() {
            PlaneKind::Random => Plane::random(shape, &centre, seed, biases),
            PlaneKind::Pca => match Plane::pca(&self.trainer().trajectory.values, &centre) {
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
                } else {
                    let objective = self.trainer().current_objective();
                    let (plane, spectrum) = Plane::hessian(&objective, &centre, 0, 1);
                    min_eigenvalue = spectrum.values.first().copied();
                    plane
                }
            }
        };
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
            at_step: self.run.step(),
            min_eigenvalue,
        };
        self.slice_version += 1;
    }

    /// Advances the app by one animation frame, spending at most about `budget_ms`.
    pub fn tick(&mut self, budget_ms: f64) {
        let start = now_ms();
        if self.running && self.visible_slice().is_none() {
            // No slice to show yet (training started at once): finish the first one while
            // training, sharing the frame.
            self.advance_slice(start, budget_ms / 2.0);
        }
        if self.running {
            let mut left = self.settings.speed as u64;
            while left > 0 && now_ms() - start < budget_ms {
                let chunk = left.min(5);
                left -= chunk;
                if self.run.advance(chunk).is_some() {
                    self.running = false;
                    self.request_slice();
                    break;
                }
            }
        } else {
            self.advance_slice(start, budget_ms);
        }
    }

    /// The jobs that compute `slice` in the slice workers: a few rows each, sized so a job
    /// takes about 10 ms (the workers share them out evenly, and a new slice waits little for
    /// the jobs of the old one).
    fn slice_jobs(&self, slice: &Slice) -> Vec<String> {
        let r = slice.resolution;
        let width = self.trainer().shape.width;
        let per_row = (r * self.trainer().task().len() * width).max(1);
        let rows_per_job = (SLICE_JOB_EVALUATIONS / per_row).clamp(1, r);
        (0..r)
            .step_by(rows_per_job)
            .map(|first| {
                let job = Job::SliceRows(SliceRows {
                    width,
                    resolution: r,
                    extent: slice.extent,
                    first,
                    end: (first + rows_per_job).min(r),
                    plane: slice.plane.clone(),
                });
                jobs::encode_job(&self.settings, &job)
            })
            .collect()
    }

    fn advance_slice(&mut self, start: f64, budget_ms: f64) {
        let SliceState::Computing {
            slice, in_workers, ..
        } = &mut self.slice
        else {
            return;
        };
        if *in_workers {
            let (results, errors) = workers::drain(Pool::Slices);
            if !errors.is_empty() {
                // The workers failed: compute this slice and later ones on the page.
                workers::fall_back_to_page(Pool::Slices);
                let restart = Slice::new(slice.plane.clone(), slice.resolution, slice.extent);
                **slice = restart.fast();
                *in_workers = false;
                return;
            }
            for r in results {
                if let JobResult::SliceRows { first, values } = r {
                    slice.fill_rows(first, &values);
                }
            }
            if slice.is_complete() {
                self.finish_slice();
            }
            return;
        }
        let task = self.run.trainer().task().clone();
        let objective = Objective {
            task: &task,
            shape: self.run.trainer().shape,
            activation: task.config.activation,
        };
        loop {
            if slice.compute_rows(&objective, 1) {
                break;
            }
            if now_ms() - start >= budget_ms {
                return;
            }
        }
        self.finish_slice();
    }

    fn finish_slice(&mut self) {
        let SliceState::Computing {
            slice,
            at_step,
            min_eigenvalue,
            ..
        } = std::mem::replace(&mut self.slice, SliceState::Idle)
        else {
            return;
        };
        let done = FinishedSlice::new(*slice, &self.path(), at_step, min_eigenvalue);
        self.slice = SliceState::Ready(Box::new(done));
        self.previous_slice = None;
        self.slice_version += 1;
        self.replay = None;
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
