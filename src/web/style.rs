//! Colours, fonts and the legend box shared by the page's plots (Okabe–Ito palette:
//! colour-blind safe).

use crate::web::canvas::font_px;
use plotters::chart::{ChartContext, SeriesLabelPosition};
use plotters::coord::CoordTranslate;
use plotters::prelude::*;
use plotters::style::RGBColor;

/// Okabe–Ito blue: the student and the training loss.
pub const BLUE: RGBColor = RGBColor(0, 114, 178);
/// Okabe–Ito vermillion: thresholds and warnings.
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
/// Near-black for the teacher and text.
pub const INK: RGBColor = RGBColor(34, 34, 34);
/// Light grey for grid lines.
pub const GRID: RGBColor = RGBColor(228, 228, 228);
/// Medium grey for data points.
pub const POINTS: RGBColor = RGBColor(150, 150, 150);

/// Tick label size in CSS pixels.
pub const LABEL_PX: f64 = 12.0;
/// Axis title size in CSS pixels.
pub const TITLE_PX: f64 = 13.0;

/// The tick-label and axis-title fonts of a canvas with device-pixel `ratio`.
pub fn fonts(ratio: f64) -> (TextStyle<'static>, TextStyle<'static>) {
    let font = |px: f64| ("sans-serif", font_px(px, ratio)).into_font().color(&INK);
    (font(LABEL_PX), font(TITLE_PX))
}

/// The legend box of the series labelled so far, at `position`, in `font`.
pub fn legend_box<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
    font: TextStyle<'static>,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font(font)
        .background_style(WHITE.mix(0.85))
        .border_style(GRID)
        .draw()
        .map_err(|e| e.to_string())
}

/// Formats a positive number as `1e-5`, `3e-2` for log axes.
pub fn sci(v: f64) -> String {
    if !(v.is_finite() && v > 0.0) {
        return String::new();
    }
    let mut e = v.log10().floor();
    let mut m = v / 10f64.powf(e);
    if m >= 9.5 {
        e += 1.0;
        m /= 10.0;
    }
    // One significant digit when it is exact enough, two otherwise (so that ticks of a
    // narrow range stay distinct).
    if (m - m.round()).abs() < 0.05 {
        format!("{:.0}e{}", m.round(), e as i32)
    } else {
        format!("{:.1}e{}", m, e as i32)
    }
}
