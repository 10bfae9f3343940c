//! Every chart of the explorer, drawn with plotters on any backend: SVG for the figures command
//! and the native tests (`tests/charts.rs`), HTML canvases in the page (the `web` adapters only
//! size the canvas and, for a slice, put the heatmap image).
//!
//! - [`palette`]: the colours, each with one meaning in every view;
//! - [`style`]: sizes at a scale, fonts, legends, markers, axes, the `1e-5` format;
//! - [`axis`]: ticks that leave room for their labels, and chart frames;
//! - [`sweep`]: success against width with the lottery predictions, every run's final loss;
//! - [`experiments`]: tickets, escape against mu, subspace;
//! - [`spectrum`]: the smallest Hessian eigenvalues before and after widening;
//! - [`loss`]: loss curves with the success threshold and events;
//! - [`fit`]: teacher and student along a line through input space;
//! - [`probe`]: what a pointer reads off a drawn chart (the page's hover readouts);
//! - [`slice`]: a landscape slice: heatmap (put by the caller), contours, path, current point
//!   and colour bar;
//! - [`surface`]: the same slice as a 3-D mesh with its trajectory and a camera (the page's
//!   WebGL view draws its buffers).
//!
//! Sizes are given for a 960x600 figure and multiplied by a scale factor (see [`Look`]).

pub mod axis;
pub mod census;
pub mod experiments;
pub mod fit;
pub mod loss;
pub mod loss_rows;
pub mod palette;
pub mod probe;
pub mod slice;
pub mod spectrum;
pub mod style;
pub mod surface;
pub mod sweep;

pub use census::{census, census_shares, census_widening};
pub use experiments::{escape_mu, subspace, tickets};
pub use fit::fit;
pub use loss::{loss_curves, loss_curves_marked, Curve};
pub use probe::Probe;
pub use slice::{draw_heatmap_cells, slice, Heatmap};
pub use spectrum::spectrum;
pub use sweep::{loss_strips, width_sweep};

use plotters::coord::Shift;
use plotters::prelude::DrawingArea;

/// A drawing area of any plotters backend.
pub type Area<DB> = DrawingArea<DB, Shift>;

/// How a chart is drawn: its scale (1 for a 960x600 figure) and whether it carries its own
/// title (figures do; the page's figure captions already name the chart).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Look {
    /// Multiplier of every size.
    pub scale: f64,
    /// Draw the title.
    pub caption: bool,
    /// The smallest scale a chart may shrink to for room (presentation mode keeps its text at
    /// the frame's size; 0 lets wide, short charts scale their text with their height).
    pub min_scale: f64,
}

impl Look {
    /// A slide figure: scale 1 with a title.
    pub const FIGURE: Look = Look {
        scale: 1.0,
        caption: true,
        min_scale: 0.0,
    };

    /// A chart without a title at `scale`.
    pub fn plain(scale: f64) -> Look {
        Look {
            scale,
            caption: false,
            min_scale: 0.0,
        }
    }
}
