//! Loss on an R x R grid over a plane, computed a few rows at a time so a browser can spread the
//! work over animation frames.

use crate::core::fast_slice::PlaneEvaluator;
use crate::core::objective::Objective;
use crate::core::plane::Plane;
use std::ops::Range;

/// Neuron-sample evaluations in one piece of [`Slice::compute_points`] on the page.
pub const PIECE_EVALUATIONS: usize = 200_000;

/// Largest grid resolution offered.
pub const MAX_RESOLUTION: usize = 201;

/// A finished or partial grid of losses over `[-extent, extent]^2` in plane coordinates.
#[derive(Clone, Debug)]
pub struct Slice {
    /// The plane it lies in.
    pub plane: Plane,
    /// Points per side.
    pub resolution: usize,
    /// Half-width of the square in plane coordinates.
    pub extent: f64,
    /// Losses, row-major: row `r` has second coordinate `coord(r)`, column `c` first coordinate
    /// `coord(c)`. Rows not yet computed hold NaN.
    pub values: Vec<f64>,
    rows_done: usize,
    /// Points of row `rows_done` already computed by [`Slice::compute_points`].
    cols_done: usize,
    use_fast: bool,
    fast: Option<PlaneEvaluator>,
}

impl Slice {
    /// An empty slice; nothing is computed until [`Slice::compute_rows`].
    pub fn new(plane: Plane, resolution: usize, extent: f64) -> Slice {
        let resolution = resolution.clamp(2, MAX_RESOLUTION);
        Slice {
            plane,
            resolution,
            extent,
            values: vec![f64::NAN; resolution * resolution],
            rows_done: 0,
            cols_done: 0,
            use_fast: false,
            fast: None,
        }
    }

    /// The same slice computed with the fast 32-bit evaluator where the activation has one
    /// ([`PlaneEvaluator`]: relative error about 1e-5, for drawing; exact otherwise).
    pub fn fast(mut self) -> Slice {
        self.use_fast = true;
        self
    }

    /// Plane coordinate of grid index `i` (the same for rows and columns).
    pub fn coord(&self, i: usize) -> f64 {
        -self.extent + 2.0 * self.extent * i as f64 / (self.resolution - 1) as f64
    }

    /// Computes up to `rows` more rows; returns true when the grid is complete.
    pub fn compute_rows(&mut self, objective: &Objective<'_>, rows: usize) -> bool {
        let r = self.resolution;
        if self.cols_done > 0 {
            // A row begun point by point is finished first (and counts as one of `rows`).
            self.compute_points(objective, r - self.cols_done);
            return self.compute_rows(objective, rows.saturating_sub(1));
        }
        self.prepare(objective);
        let end = (self.rows_done + rows).min(r);
        let mut values = std::mem::take(&mut self.values);
        self.compute_into(
            self.fast.as_ref(),
            objective,
            self.rows_done..end,
            &mut values[self.rows_done * r..end * r],
        );
        self.values = values;
        self.rows_done = end;
        if self.is_complete() {
            // The coefficients are only needed while computing.
            self.fast = None;
        }
        self.is_complete()
    }

    /// Computes up to `points` more grid points in row order (a row may be left part done);
    /// returns true when the grid is complete. The page calls it with a few points at a time
    /// and checks its frame budget in between, so one call never makes a long task however
    /// costly a point is. The values equal [`Slice::compute_rows`]'s bit for bit.
    pub fn compute_points(&mut self, objective: &Objective<'_>, points: usize) -> bool {
        let r = self.resolution;
        self.prepare(objective);
        let mut left = points;
        let mut values = std::mem::take(&mut self.values);
        while left > 0 && self.rows_done < r {
            let (row, c0) = (self.rows_done, self.cols_done);
            let c1 = (c0 + left).min(r);
            self.compute_points_into(
                self.fast.as_ref(),
                objective,
                row,
                c0..c1,
                &mut values[row * r + c0..row * r + c1],
            );
            left -= c1 - c0;
            if c1 == r {
                self.rows_done += 1;
                self.cols_done = 0;
            } else {
                self.cols_done = c1;
            }
        }
        self.values = values;
        if self.is_complete() {
            self.fast = None;
        }
        self.is_complete()
    }

    /// How many points [`Slice::compute_points`] should take at once so that one piece costs
    /// about [`PIECE_EVALUATIONS`] neuron evaluations (well under a millisecond on the fast
    /// path): one point at width 64 and 2048 samples, a whole row of a small network.
    pub fn points_per_piece(&self, objective: &Objective<'_>) -> usize {
        let per_point = (objective.task.len() * objective.shape.width).max(1);
        (PIECE_EVALUATIONS / per_point).clamp(1, self.resolution)
    }

    /// Builds the fast evaluator on first use, if the slice asked for it.
    fn prepare(&mut self, objective: &Objective<'_>) {
        if self.use_fast && self.fast.is_none() {
            self.fast = PlaneEvaluator::new(objective, &self.plane);
            self.use_fast = self.fast.is_some();
        }
    }

    /// The losses of grid rows `rows` (row-major), computed without storing them: the work of
    /// one web worker when rows are shared out. Equal, bit for bit, to what
    /// [`Slice::compute_rows`] stores for those rows.
    pub fn row_values(&self, objective: &Objective<'_>, rows: Range<usize>) -> Vec<f64> {
        let rows = rows.start.min(self.resolution)..rows.end.min(self.resolution);
        let fast = if self.use_fast {
            PlaneEvaluator::new(objective, &self.plane)
        } else {
            None
        };
        let mut out = vec![0.0; rows.len() * self.resolution];
        self.compute_into(fast.as_ref(), objective, rows, &mut out);
        out
    }

    /// Stores rows computed elsewhere (by [`Slice::row_values`]) starting at row `first`, and
    /// counts them as done. Returns true when the grid is complete. Rows are expected once
    /// each; values beyond the grid are ignored.
    pub fn fill_rows(&mut self, first: usize, values: &[f64]) -> bool {
        let r = self.resolution;
        let start = (first * r).min(self.values.len());
        let end = (start + values.len()).min(self.values.len());
        self.values[start..end].copy_from_slice(&values[..end - start]);
        self.rows_done = (self.rows_done + (end - start) / r).min(r);
        self.is_complete()
    }

    fn compute_into(
        &self,
        fast: Option<&PlaneEvaluator>,
        objective: &Objective<'_>,
        rows: Range<usize>,
        out: &mut [f64],
    ) {
        let r = self.resolution;
        for (row, out) in rows.zip(out.chunks_exact_mut(r)) {
            self.compute_points_into(fast, objective, row, 0..r, out);
        }
    }

    /// The losses of the points `cols` of grid row `row`, into `out`.
    fn compute_points_into(
        &self,
        fast: Option<&PlaneEvaluator>,
        objective: &Objective<'_>,
        row: usize,
        cols: Range<usize>,
        out: &mut [f64],
    ) {
        let coords: Vec<f64> = cols.map(|i| self.coord(i)).collect();
        let b = self.coord(row);
        match fast {
            Some(fast) => fast.row_losses(b, &coords, out),
            None => {
                let mut point = vec![0.0; self.plane.centre.len()];
                for (&a, out) in coords.iter().zip(out) {
                    self.plane.point_into(a, b, &mut point);
                    *out = objective.loss(&point);
                }
            }
        }
    }

    /// Computes every remaining row.
    pub fn compute_all(&mut self, objective: &Objective<'_>) {
        self.compute_rows(objective, self.resolution);
    }

    /// True once every row is computed.
    pub fn is_complete(&self) -> bool {
        self.rows_done == self.resolution
    }

    /// Fraction of the grid computed.
    pub fn progress(&self) -> f64 {
        (self.rows_done as f64 + self.cols_done as f64 / self.resolution as f64)
            / self.resolution as f64
    }

    /// Loss at grid point `(row, col)`.
    pub fn at(&self, row: usize, col: usize) -> f64 {
        self.values[row * self.resolution + col]
    }

    /// Smallest and largest finite positive loss computed so far, if any.
    pub fn positive_range(&self) -> Option<(f64, f64)> {
        let mut lo = f64::INFINITY;
        let mut hi = 0.0f64;
        for &v in &self.values {
            if v.is_finite() && v > 0.0 {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        (hi > 0.0).then_some((lo, hi))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::network::{Network, Shape};
    use crate::core::rng::{SeededRng, Stream};
    use crate::core::task::{Task, TaskConfig};

    #[test]
    fn centre_of_an_odd_grid_is_the_loss_at_the_centre() {
        let task = Task::generate(TaskConfig {
            samples: 64,
            ..TaskConfig::default()
        });
        let obj = Objective::new(&task, 5);
        let mut rng = SeededRng::new(4, Stream::Student);
        let net = Network::student_init(Shape::new(2, 5), task.config.activation, &mut rng);
        let plane = Plane::random(net.shape, &net.params, 1, false);
        let mut slice = Slice::new(plane, 21, 0.7);
        assert!(!slice.compute_rows(&obj, 5));
        assert!((slice.progress() - 5.0 / 21.0).abs() < 1e-12);
        assert!(slice.at(20, 0).is_nan());
        slice.compute_all(&obj);
        assert!(slice.is_complete());
        assert_eq!(slice.coord(10), 0.0);
        assert_eq!(slice.at(10, 10), obj.loss(&net.params));
        // A corner is the loss at centre - 0.7 u - 0.7 v.
        let corner = slice.plane.point(-0.7, -0.7);
        assert_eq!(slice.at(0, 0), obj.loss(&corner));
        let (lo, hi) = slice.positive_range().expect("finite losses");
        assert!(lo < hi);
    }

    #[test]
    fn points_a_few_at_a_time_give_the_rows_bit_for_bit() {
        let task = Task::generate(TaskConfig {
            samples: 64,
            ..TaskConfig::default()
        });
        let obj = Objective::new(&task, 5);
        let mut rng = SeededRng::new(4, Stream::Student);
        let net = Network::student_init(Shape::new(2, 5), task.config.activation, &mut rng);
        let plane = Plane::random(net.shape, &net.params, 1, false);
        for fast in [false, true] {
            let make = || {
                let s = Slice::new(plane.clone(), 13, 0.7);
                if fast {
                    s.fast()
                } else {
                    s
                }
            };
            let mut whole = make();
            whole.compute_all(&obj);
            let mut pieces = make();
            let mut calls = 0;
            while !pieces.compute_points(&obj, 5) {
                calls += 1;
                assert!(pieces.progress() < 1.0);
            }
            assert_eq!(calls, 13 * 13 / 5);
            let bits = |s: &Slice| s.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&pieces), bits(&whole), "fast = {fast}");
            // Mixing: part of a row by points, then whole rows.
            let mut mixed = make();
            mixed.compute_points(&obj, 20);
            assert!((mixed.progress() - 20.0 / 169.0).abs() < 1e-12);
            mixed.compute_rows(&obj, 13);
            assert!(mixed.is_complete());
            assert_eq!(bits(&mixed), bits(&whole));
        }
    }

    #[test]
    fn rows_computed_elsewhere_fill_the_same_grid() {
        let task = Task::generate(TaskConfig::default());
        let obj = Objective::new(&task, 6);
        let mut rng = SeededRng::new(2, Stream::Student);
        let net = Network::student_init(Shape::new(2, 6), task.config.activation, &mut rng);
        for fast in [false, true] {
            let plane = Plane::random(net.shape, &net.params, 3, true);
            let mut whole = Slice::new(plane.clone(), 13, 0.9);
            let mut shared = Slice::new(plane, 13, 0.9);
            if fast {
                whole = whole.fast();
                shared = shared.fast();
            }
            whole.compute_all(&obj);
            // Out of order, as workers may answer.
            for rows in [5..9, 0..5, 9..13] {
                let values = shared.row_values(&obj, rows.clone());
                assert_eq!(values.len(), rows.len() * 13);
                assert_eq!(shared.fill_rows(rows.start, &values), rows.end == 13);
            }
            assert!(shared.is_complete());
            assert_eq!(
                whole.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                shared
                    .values
                    .iter()
                    .map(|v| v.to_bits())
                    .collect::<Vec<_>>(),
                "fast={fast}"
            );
        }
    }
}
