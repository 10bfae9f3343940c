//! A finished landscape slice, ready to draw: the grid, its contour lines, the trajectory
//! projected on its plane and the colour range. Pure Rust, so the page's pictures can be
//! checked natively (what lies under a path's ends, whether the path stays in the frame).

use crate::core::colormap::{heatmap_rgba, LogScale};
use crate::core::contour::{chain, contour_segments, even_levels, Segment};
use crate::core::slice::Slice;
use std::borrow::Cow;
use std::sync::OnceLock;

/// Number of contour levels drawn on a slice.
const CONTOUR_LEVELS: usize = 9;

/// A complete slice with what is drawn over it.
#[derive(Clone, Debug)]
pub struct FinishedSlice {
    /// The grid of losses.
    pub slice: Slice,
    /// Contour lines of log10(loss), in grid coordinates `(column, row)`.
    pub contours: Vec<Segment>,
    /// The recorded trajectory projected on the plane, in plane coordinates.
    pub path: Vec<(f64, f64)>,
    /// Training step at which the slice was taken.
    pub at_step: u64,
    /// Smallest Hessian eigenvalue, when the plane is the Hessian plane.
    pub min_eigenvalue: Option<f64>,
    /// The losses the colour scale spans (the grid's positive range, widened on request).
    pub colour_range: (f64, f64),
    /// The contour segments joined into polylines, once drawn ([`FinishedSlice::contour_lines`]).
    lines: OnceLock<Vec<Vec<(f64, f64)>>>,
    /// The heatmap's pixels for a colour range, once drawn ([`FinishedSlice::heatmap`]).
    pixels: OnceLock<((f64, f64), Vec<u8>)>,
}

impl FinishedSlice {
    /// A complete slice with its contour lines and the points of `path` projected on its plane.
    pub fn new(slice: Slice, path: &[Vec<f64>], at_step: u64, min_eigenvalue: Option<f64>) -> Self {
        let r = slice.resolution;
        let logs: Vec<f64> = slice
            .values
            .iter()
            .map(|&v| if v > 0.0 { v.log10() } else { f64::NAN })
            .collect();
        let range = slice.positive_range();
        let contours = match range {
            Some((lo, hi)) => even_levels(lo.log10(), hi.log10(), CONTOUR_LEVELS)
                .into_iter()
                .flat_map(|level| contour_segments(&logs, r, r, level))
                .collect(),
            None => Vec::new(),
        };
        let path = path.iter().map(|p| slice.plane.project(p)).collect();
        FinishedSlice {
            slice,
            contours,
            path,
            at_step,
            min_eigenvalue,
            colour_range: range.unwrap_or((1e-3, 1.0)),
            lines: OnceLock::new(),
            pixels: OnceLock::new(),
        }
    }

    /// The contour lines as polylines in grid coordinates `(column, row)`, joined once and
    /// kept: a slice is redrawn at every step while training (its current point moves), and
    /// joining a fine grid's thousands of segments each time cost milliseconds a frame.
    pub fn contour_lines(&self) -> &[Vec<(f64, f64)>] {
        self.lines.get_or_init(|| chain(&self.contours))
    }

    /// The heatmap's RGBA pixels in the colour range (rows top to bottom), computed once for
    /// the range the slice has when first drawn and kept (as [`FinishedSlice::contour_lines`]).
    pub fn heatmap(&self) -> Cow<'_, [u8]> {
        let r = self.slice.resolution.max(2);
        let compute = || {
            let scale = LogScale::new(self.colour_range.0, self.colour_range.1);
            heatmap_rgba(&self.slice.values, r, r, &scale)
        };
        let (range, pixels) = self.pixels.get_or_init(|| (self.colour_range, compute()));
        if *range == self.colour_range {
            Cow::Borrowed(pixels)
        } else {
            Cow::Owned(compute())
        }
    }

    /// A copy whose overlaid path is `path` projected on the plane.
    pub fn clone_with_path(&self, path: &[Vec<f64>]) -> FinishedSlice {
        FinishedSlice {
            path: path.iter().map(|p| self.slice.plane.project(p)).collect(),
            ..self.clone()
        }
    }

    /// Widens the colour range to contain `loss` (for example a path's end point, which need
    /// not sit on a grid point), if it is positive and finite.
    pub fn include_in_colour_range(&mut self, loss: f64) {
        if loss > 0.0 && loss.is_finite() {
            self.colour_range = (self.colour_range.0.min(loss), self.colour_range.1.max(loss));
        }
    }

    /// True if plane point `p` lies inside the drawn square.
    pub fn contains(&self, p: (f64, f64)) -> bool {
        let e = self.slice.extent;
        p.0.abs() <= e && p.1.abs() <= e
    }

    /// The grid's loss at the grid point nearest to plane point `p` (what the heatmap shows
    /// under it), or `None` outside the square.
    pub fn loss_under(&self, p: (f64, f64)) -> Option<f64> {
        if !self.contains(p) {
            return None;
        }
        let s = &self.slice;
        let index = |x: f64| {
            let f = (x + s.extent) / (2.0 * s.extent) * (s.resolution - 1) as f64;
            (f.round().max(0.0) as usize).min(s.resolution - 1)
        };
        Some(s.at(index(p.1), index(p.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::network::{Network, Shape};
    use crate::core::objective::Objective;
    use crate::core::plane::Plane;
    use crate::core::rng::{SeededRng, Stream};
    use crate::core::task::{Task, TaskConfig};

    #[test]
    fn the_kept_heatmap_and_contour_lines_are_what_the_slice_gives_for_its_colour_range() {
        let task = Task::generate(TaskConfig::default());
        let shape = Shape::new(2, 3);
        let net = Network::student_init(
            shape,
            task.config.activation,
            &mut SeededRng::new(2, Stream::Student),
        );
        let mut slice = Slice::new(Plane::random(shape, &net.params, 1, false), 21, 1.0);
        slice.compute_all(&Objective::new(&task, 3));
        let mut f = FinishedSlice::new(slice, std::slice::from_ref(&net.params), 0, None);
        let fresh = |f: &FinishedSlice| {
            let scale = LogScale::new(f.colour_range.0, f.colour_range.1);
            heatmap_rgba(&f.slice.values, 21, 21, &scale)
        };
        assert_eq!(*f.heatmap(), fresh(&f)[..]);
        assert_eq!(f.contour_lines(), chain(&f.contours).as_slice());
        assert!(!f.contour_lines().is_empty());
        // A widened range is drawn with its own colours, not the kept ones.
        let kept = f.heatmap().into_owned();
        f.include_in_colour_range(f.colour_range.0 / 100.0);
        assert_eq!(*f.heatmap(), fresh(&f)[..]);
        assert_ne!(*f.heatmap(), kept[..]);
    }

    #[test]
    fn the_loss_under_a_point_is_the_grid_value_drawn_there() {
        let task = Task::generate(TaskConfig::default());
        let shape = Shape::new(2, 3);
        let net = Network::student_init(
            shape,
            task.config.activation,
            &mut SeededRng::new(1, Stream::Student),
        );
        let plane = Plane::random(shape, &net.params, 5, false);
        let mut slice = Slice::new(plane, 11, 1.0);
        slice.compute_all(&Objective::new(&task, 3));
        let f = FinishedSlice::new(slice, std::slice::from_ref(&net.params), 0, None);
        // The centre is a grid point: its value is the loss at the centre.
        let centre = f.loss_under((0.0, 0.0)).expect("inside");
        assert_eq!(centre, Objective::new(&task, 3).loss(&net.params));
        // A point between grid points reads its nearest grid point (row = b, column = a).
        assert_eq!(f.loss_under((0.79, -0.41)), Some(f.slice.at(3, 9)));
        assert_eq!(f.loss_under((1.2, 0.0)), None);
        assert!(f.contains((1.0, -1.0)) && !f.contains((0.0, -1.01)));
        let (lo, hi) = f.colour_range;
        let mut g = f.clone();
        g.include_in_colour_range(lo * 1e-3);
        g.include_in_colour_range(f64::NAN);
        assert_eq!(g.colour_range, (lo * 1e-3, hi));
    }
}
