//! The playground's Hessian plane: computed in a slice worker ([`Job::HessianPlane`]) while
//! the slice waits for it, or on the page where there are no workers and the student is
//! small enough for a frame.

use crate::core::plane::Plane;
use crate::core::slice::Slice;
use crate::jobs::{self, Job, JobResult};
use crate::web::app::{App, SliceState};
use crate::web::workers::{self, Pool};

/// Largest number of parameters for which the Hessian plane is offered. It is computed in a
/// slice worker ([`Job::HessianPlane`]), where its cost (about 0.5 s natively at 641
/// parameters and N = 2048, the largest valid student) blocks nothing; every valid student
/// is under this limit.
pub const MAX_HESSIAN_PARAMS: usize = 700;

/// Largest number of parameters for which the Hessian plane is computed on the page, where
/// there are no slice workers: its Hessian and eigen-decomposition stay well under 50 ms
/// there. Measured at N = 2048, the most samples, in a worker of headless Chromium
/// (tests/e2e/worker.test.mjs; the page runs the same wasm): 23 ms at 161 parameters (dim 8,
/// width 16), 29 ms at 193 (dim 2, width 48), 33 ms at 201 (dim 8, width 20), 415 ms at 641;
/// natively 8.7, 11.4, 13.4 and 219 ms (`cargo test --release --test jobs -- --ignored
/// --nocapture hessian_timings`): wasm is 2-2.5 times slower here (f64 has no SIMD kernel).
/// The margin below 50 ms is for slower machines. Above it, the random plane with a note.
pub const MAX_HESSIAN_PARAMS_ON_PAGE: usize = 200;

/// The slice note while a slice worker computes the Hessian plane.
pub const HESSIAN_COMPUTING: &str = "Computing the Hessian…";

/// A Hessian plane requested from the slice workers: the point and step it is taken at.
pub(crate) struct PendingHessian {
    /// The point the plane is taken at.
    pub(crate) centre: Vec<f64>,
    /// The step of that point.
    pub(crate) at_step: u64,
}

impl App {
    /// Sends the Hessian plane at `centre` to the slice workers (loading them if they are
    /// not yet), shows the slice as computing with [`HESSIAN_COMPUTING`], and returns true; or
    /// returns false if the browser refuses workers.
    pub(crate) fn start_hessian_job(&mut self, centre: &[f64]) -> bool {
        let job = Job::HessianPlane {
            width: self.trainer().shape.width,
            centre: centre.to_vec(),
        };
        workers::start(
            Pool::Slices,
            vec![jobs::encode_job(&self.settings, &job).into()],
        );
        if workers::on_page(Pool::Slices) {
            workers::cancel(Pool::Slices);
            return false;
        }
        let at_step = self.run.step();
        self.hessian_pending = Some(PendingHessian {
            centre: centre.to_vec(),
            at_step,
        });
        self.slice_note = Some(HESSIAN_COMPUTING.into());
        // Until the plane comes, the slice is an empty grid through the centre: shown as
        // computing, at 0%, and "in the workers", so that no row of it is computed.
        let n = centre.len();
        let waiting = Plane {
            centre: centre.to_vec(),
            u: vec![0.0; n],
            v: vec![0.0; n],
            u_label: String::new(),
            v_label: String::new(),
        };
        let slice = Slice::new(
            waiting,
            self.settings.resolution as usize,
            self.settings.extent,
        );
        self.slice = SliceState::Computing {
            slice: Box::new(slice),
            in_workers: true,
            at_step,
            min_eigenvalue: None,
        };
        // No new version: the slice shown (the previous one) is unchanged until the plane
        // comes, and redrawing it would cost a frame for nothing.
        true
    }

    /// The Hessian plane at `centre` computed on the page (no slice workers), with its
    /// smallest eigenvalue, up to [`MAX_HESSIAN_PARAMS_ON_PAGE`] parameters; above it, the
    /// random plane with a note.
    pub(crate) fn hessian_on_page(&mut self, centre: &[f64]) -> (Plane, Option<f64>) {
        let shape = self.trainer().shape;
        if shape.num_params() > MAX_HESSIAN_PARAMS_ON_PAGE {
            self.slice_note = Some(format!(
                "Without web workers the Hessian plane is offered up to \
                 {MAX_HESSIAN_PARAMS_ON_PAGE} parameters (this student has {}). \
                 Showing a random plane.",
                shape.num_params()
            ));
            return (self.random_plane(centre), None);
        }
        let objective = self.trainer().current_objective();
        let (plane, min) = jobs::hessian_plane(&objective, centre);
        (plane, Some(min))
    }

    /// The settings' random plane through `centre`.
    pub(crate) fn random_plane(&self, centre: &[f64]) -> Plane {
        Plane::random(
            self.trainer().shape,
            centre,
            self.settings.seed as u64,
            self.settings.random_plane_moves_biases(),
        )
    }

    /// Takes the Hessian plane from the slice workers once it has come, and starts its slice
    /// (rows dispatched to the workers as for any plane). If the job failed (the notice bar
    /// says why), the plane is computed on the page where the workers failed to load (within
    /// [`MAX_HESSIAN_PARAMS_ON_PAGE`]), and the random plane is shown otherwise.
    pub(crate) fn poll_hessian(&mut self) {
        if self.hessian_pending.is_none() {
            return;
        }
        let (results, errors) = workers::drain(Pool::Slices);
        let found = results.into_iter().find_map(|r| match r {
            JobResult::HessianPlane {
                plane,
                min_eigenvalue,
            } => Some((plane, min_eigenvalue)),
            _ => None,
        });
        if found.is_none() && errors.is_empty() {
            return;
        }
        let Some(pending) = self.hessian_pending.take() else {
            return;
        };
        self.slice_note = None;
        let (plane, min_eigenvalue) = match found {
            Some((plane, min)) => (plane, Some(min)),
            None if workers::on_page(Pool::Slices) => self.hessian_on_page(&pending.centre),
            None => {
                self.slice_note = Some(
                    "The Hessian plane could not be computed (see the notice). \
                     Showing a random plane."
                        .into(),
                );
                (self.random_plane(&pending.centre), None)
            }
        };
        self.start_slice(plane, min_eigenvalue, pending.at_step);
    }
}
