//! How big the page's charts are drawn: the [`Look`] of a canvas. Colours, fonts and legends
//! are the charts' own ([`crate::charts::palette`], [`crate::charts::style`]).
//!
//! Presentation mode (embed mode, for slides): text follows the frame, not the canvas, so a
//! 960x540 frame shown on a 1280x720 slide stays legible from the back of a hall: no chart
//! text under [`PRESENT_MIN_PX`] CSS px at 960 px wide, and [`PRESENT_MAX_PX`] at 1280 px and
//! above (the page's CSS does the same for its own text).

use crate::charts::style::LEGEND;
use crate::charts::Look;
use crate::web::dom;

/// Smallest chart scale in CSS pixels: tick labels of 12 px (charts are sized for 18 px at
/// scale 1).
pub const MIN_SCALE: f64 = 2.0 / 3.0;

/// Smallest text in presentation mode, in CSS px (a 960x540 frame).
pub const PRESENT_MIN_PX: f64 = 14.0;

/// Text in presentation mode at 1280 px wide and above, in CSS px.
pub const PRESENT_MAX_PX: f64 = 18.0;

/// The smallest text size of presentation mode in a frame `frame_width` CSS px wide:
/// proportional to the width (18 px at 1280), at least 14 px.
pub fn present_text_px(frame_width: f64) -> f64 {
    (PRESENT_MAX_PX * frame_width / 1280.0).clamp(PRESENT_MIN_PX, PRESENT_MAX_PX)
}

/// The smallest text size in CSS px while presenting (embed mode), from the frame's width;
/// `None` otherwise.
pub fn presenting_text_px() -> Option<f64> {
    if dom::body().get_attribute("data-embed").as_deref() != Some("1") {
        return None;
    }
    let frame = dom::window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .unwrap_or(960.0);
    Some(present_text_px(frame))
}

/// The look of a chart on a canvas `css_width` CSS pixels wide on a screen of device pixel
/// `ratio`: the figure's sizes scaled to the canvas width (from 2/3 up to 1) times the ratio;
/// in presentation mode, scaled so that the smallest text (the legend's) is the frame's text
/// size, and never shrunk below it.
pub fn page_look(css_width: f64, ratio: f64) -> Look {
    if let Some(text_px) = presenting_text_px() {
        let scale = ratio * text_px / LEGEND;
        return Look {
            min_scale: scale,
            ..Look::plain(scale)
        };
    }
    Look::plain(ratio * (css_width / 900.0).clamp(MIN_SCALE, 1.0))
}

/// The CSS px of a canvas label drawn by hand (not by a chart) of nominal size `px`.
pub fn label_px(px: f64) -> f64 {
    presenting_text_px().map_or(px, |min| px.max(min))
}
