//! The playground's polishing in a slice worker. One Levenberg–Marquardt step takes an exact
//! Hessian and its eigen-decomposition: above [`MAX_POLISH_PARAMS_ON_PAGE`] parameters that
//! is more than a frame, so the end point is sent to a worker ([`crate::jobs::Job::Polish`]),
//! which runs the same steps on the same point, and the run is judged with its answer
//! ([`SteppedRun::complete_polishing`], equal bit for bit to polishing in place).
//!
//! [`SteppedRun::complete_polishing`]: crate::experiments::outcome::SteppedRun::complete_polishing

use crate::experiments::outcome::RunPhase;
use crate::jobs::{self, Job, JobResult};
use crate::web::app::{App, SliceState, MAX_HESSIAN_PARAMS_ON_PAGE};
use crate::web::workers::{self, Pool};

/// Largest student polished on the page: a step costs about what the Hessian plane does
/// (see [`MAX_HESSIAN_PARAMS_ON_PAGE`]), under the frame budget up to this size.
pub const MAX_POLISH_PARAMS_ON_PAGE: usize = MAX_HESSIAN_PARAMS_ON_PAGE;

impl App {
    /// True while the run is polishing and its steps are too costly for the page (and the
    /// slice workers exist to take them).
    pub fn polishes_in_worker(&self) -> bool {
        self.run.phase() == RunPhase::Polishing
            && self.trainer().shape.num_params() > MAX_POLISH_PARAMS_ON_PAGE
            && !workers::on_page(Pool::Slices)
    }

    /// One frame of polishing in a worker: send the end point once (the caller finishes any
    /// slice being computed first), then wait for the polished point and judge the run with
    /// it.
    pub(crate) fn tick_polish(&mut self) {
        if !self.polish_pending {
            if matches!(self.slice, SliceState::Computing { .. }) {
                return;
            }
            if let Some((params, steps)) = self.run.polishing_to_do() {
                let width = self.trainer().shape.width;
                let job = Job::Polish {
                    width,
                    steps,
                    params,
                };
                workers::start(
                    Pool::Slices,
                    vec![jobs::encode_job(&self.settings, &job).into()],
                );
                self.polish_pending = true;
            }
            return;
        }
        let (results, errors) = workers::drain(Pool::Slices);
        if !errors.is_empty() {
            // The workers failed: polish on the page from here on.
            workers::fall_back_to_page(Pool::Slices);
            self.polish_pending = false;
            return;
        }
        for r in results {
            if let JobResult::Polish {
                params,
                loss,
                losses,
            } = r
            {
                self.run.complete_polishing(params, loss, losses);
                self.polish_pending = false;
                self.running = false;
                self.slice_wanted = false;
                self.request_slice();
                return;
            }
        }
    }
}
