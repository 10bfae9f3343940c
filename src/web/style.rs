//! How big the page's charts are drawn: the [`Look`] of a canvas. Colours, fonts and legends
//! are the charts' own ([`crate::charts::palette`], [`crate::charts::style`]).

use crate::charts::Look;

/// Smallest chart scale in CSS pixels: tick labels of 12 px (charts are sized for 18 px at
/// scale 1).
pub const MIN_SCALE: f64 = 2.0 / 3.0;

/// The look of a chart on a canvas `css_width` CSS pixels wide on a screen of device pixel
/// `ratio`: the figure's sizes scaled to the canvas width (from 2/3 up to 1) times the ratio.
pub fn page_look(css_width: f64, ratio: f64) -> Look {
    Look::plain(ratio * (css_width / 900.0).clamp(MIN_SCALE, 1.0))
}
