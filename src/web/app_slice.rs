//! The playground's landscape slice in progress: its rows shared out to the slice workers, or
//! computed on the page a few points at a time within the frame budget, then finished.

use crate::core::objective::Objective;
use crate::core::slice::Slice;
use crate::jobs::{self, Job, JobResult, SliceRows};
use crate::web::app::{App, FinishedSlice, SliceState};
use crate::web::dom::now_ms;
use crate::web::workers::{self, Pool, QueuedJob};
use std::rc::Rc;

/// Loss evaluations (grid points x samples x neurons) per slice job: about 10 ms in wasm.
const SLICE_JOB_EVALUATIONS: usize = 4_000_000;

/// How many of the last slices the live rate is measured over.
const LIVE_RATE_SLICES: usize = 8;

/// A live rate is quoted only if the last slice finished within this many milliseconds.
const LIVE_RATE_FRESH_MS: f64 = 3000.0;

impl App {
    /// The jobs that compute `slice` in the slice workers: a few rows each, sized so a job
    /// takes about 10 ms (the workers share them out evenly, and a new slice waits little for
    /// the jobs of the old one).
    pub(crate) fn slice_jobs(&self, slice: &Slice) -> Vec<QueuedJob> {
        let r = slice.resolution;
        let width = self.trainer().shape.width;
        let per_row = (r * self.trainer().task().len() * width).max(1);
        let rows_per_job = (SLICE_JOB_EVALUATIONS / per_row).clamp(1, r);
        let job = |first: usize| {
            Job::SliceRows(SliceRows {
                width,
                resolution: r,
                extent: slice.extent,
                first,
                end: (first + rows_per_job).min(r),
                plane: slice.plane.clone(),
            })
        };
        // Every job carries the same plane (three vectors of up to 641 numbers): write it once
        // and give each job its own rows (201 jobs took 160 ms to write one by one), joined to
        // the shared plane only when posted.
        let first = jobs::encode_job(&self.settings, &job(0));
        let header = |first: usize| {
            format!(
                "slice;{width},{r},{first},{}/",
                (first + rows_per_job).min(r)
            )
        };
        let Some(rest) = first.strip_prefix(&header(0)) else {
            return (0..r)
                .step_by(rows_per_job)
                .map(|f| jobs::encode_job(&self.settings, &job(f)).into())
                .collect();
        };
        let rest: Rc<str> = Rc::from(rest);
        (0..r)
            .step_by(rows_per_job)
            .map(|f| QueuedJob::shared(header(f), rest.clone()))
            .collect()
    }

    /// Advances the slice being computed: takes the rows the slice workers have sent, or
    /// computes points on the page until `budget_ms` has passed since `start`.
    pub(crate) fn advance_slice(&mut self, start: f64, budget_ms: f64) {
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
        // A few points at a time, the budget checked between pieces (a row of a large
        // network costs more than a frame).
        let piece = slice.points_per_piece(&objective);
        loop {
            if slice.compute_points(&objective, piece) {
                break;
            }
            if now_ms() - start >= budget_ms {
                return;
            }
        }
        self.finish_slice();
    }

    /// Turns the completed slice into the one shown, with the path drawn on it.
    pub(crate) fn finish_slice(&mut self) {
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
        self.slices_done += 1;
        let now = now_ms();
        self.finished_at.push_back(now);
        while self.finished_at.len() > LIVE_RATE_SLICES {
            self.finished_at.pop_front();
        }
        // Training that needs the whole frame keeps a core: the workers (one per core) then
        // rest as long as they worked, so live slices take one core's worth on average.
        self.live_not_before_ms = if self.training_limited {
            now + (now - self.live_started_ms).max(0.0)
        } else {
            now
        };
        self.slice = SliceState::Ready(Box::new(done));
        self.previous_slice = None;
        self.slice_version += 1;
        self.replay = None;
    }

    /// True while the slice follows the training student: the `live` setting is on, training
    /// runs, and the slice workers exist (on the page, slices wait for a pause).
    pub fn slice_is_live(&self) -> bool {
        self.running
            && self.settings.live_slice
            && workers::ready(Pool::Slices)
            && !workers::on_page(Pool::Slices)
    }

    /// While training, takes the rows the slice workers have sent (live or not: a slice
    /// asked for at a pause finishes while training goes on).
    pub(crate) fn take_worker_rows(&mut self, start: f64, budget_ms: f64) {
        let in_workers = matches!(
            self.slice,
            SliceState::Computing {
                in_workers: true,
                ..
            }
        );
        if in_workers && self.hessian_pending.is_none() {
            self.advance_slice(start, budget_ms);
        }
    }

    /// While training with live slices, starts the next slice at the current point once the
    /// last one is finished (so the newest point is always the next one sliced, and at most
    /// one slice is in the workers). When training takes the whole frame (a large student at
    /// many steps a frame), the workers wait as long as the last slice took before the next:
    /// on a 2-core machine the page's training then keeps its speed (three busy threads on two
    /// cores would slow it by a third).
    pub(crate) fn keep_slice_live(&mut self) {
        if !self.slice_is_live() || self.polish_pending || self.hessian_pending.is_some() {
            return;
        }
        let now = now_ms();
        if !matches!(self.slice, SliceState::Computing { .. }) && now >= self.live_not_before_ms {
            self.live_started_ms = now;
            self.request_slice();
        }
    }

    /// Slices finished per second over the last few, while they are fresh (`None` before two
    /// have finished, or once they stopped coming).
    pub fn live_rate(&self) -> Option<f64> {
        let (first, last) = (self.finished_at.front()?, self.finished_at.back()?);
        let n = self.finished_at.len();
        (n >= 2 && now_ms() - last < LIVE_RATE_FRESH_MS && last > first)
            .then(|| (n - 1) as f64 * 1000.0 / (last - first))
    }
}
