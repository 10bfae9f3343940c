//! The census of minima: every distinct critical point of every width at its loss, its mark's
//! area proportional to its basin share. Minima are blue dots (measured data), saddles
//! vermilion triangles (a way down), points that did not converge hollow grey rings; the
//! success threshold is the dark grey dashed line.

use crate::charts::axis::{Frame, Spec, Ticks};
use crate::charts::palette::{REFERENCE, STUDENT, THRESHOLD, TROUBLE};
use crate::charts::probe::{sci_full, Probe, Reach};
use crate::charts::style::{
    axes, blank, err, legend_above, line, markers, px, scale_for, sci, titled, Axes, Glyph, Key,
    Line, DOT, RING, TRIANGLE,
};
use crate::charts::{Area, Look};
use crate::core::critical::CriticalKind;
use crate::experiments::census::CensusResult;
use plotters::prelude::*;

/// Marker radius of a point drained by every seed (its area scales with the share).
const FULL_SHARE_RADIUS: f64 = 16.0;

/// The glyph and colour of a kind of critical point.
fn mark(kind: CriticalKind) -> (Glyph, RGBColor) {
    match kind {
        CriticalKind::Minimum | CriticalKind::DegenerateMinimum { .. } => (DOT, STUDENT),
        CriticalKind::Saddle { .. } => (TRIANGLE, TROUBLE),
        CriticalKind::NotConverged => (RING, REFERENCE),
    }
}

/// Draws the census: one row per width, each distinct point at its loss (log scale).
pub fn census<DB: DrawingBackend>(
    root: &Area<DB>,
    r: &CensusResult,
    look: Look,
) -> Result<Probe, String> {
    let s = scale_for(root, look);
    blank(root)?;
    let rows = r.widths.len().max(1) as f64;
    let area = titled(
        root,
        "Critical points where gradient flow ends, by width (mark area: share of seeds)",
        look,
        s,
    )?;
    let threshold = r.config.success_threshold;
    let body = legend_above(
        &area,
        &[
            Key::mark("minimum", STUDENT, DOT),
            Key::mark("saddle", TROUBLE, TRIANGLE),
            Key::mark("not converged", REFERENCE, RING),
            Key::dashed(format!("success threshold {threshold:e}"), THRESHOLD),
        ],
        s,
    )?;
    let labels: Vec<String> = r
        .widths
        .iter()
        .map(|w| format!("width {}", w.width))
        .collect();
    let x_fmt = |v: &f64| sci(10f64.powf(*v));
    let y_fmt = |y: &f64| {
        let i = y.round();
        if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
            labels[i as usize].clone()
        } else {
            String::new()
        }
    };
    let (frame, xa, ya) = Frame::standard(s).axes(
        &body,
        &Spec {
            range: -32.0..0.5,
            ticks: Ticks::Log,
            fmt: &x_fmt,
        },
        &Spec {
            range: -0.5..rows - 0.5,
            ticks: Ticks::Given((0..r.widths.len()).map(|i| i as f64).collect()),
            fmt: &y_fmt,
        },
        false,
        s,
    );
    let mut chart = frame.chart(&body, xa, ya)?;
    axes(
        &mut chart,
        &Axes {
            x_desc: "loss at the critical point (log scale)",
            y_desc: "",
            x_fmt: &x_fmt,
            y_fmt: &y_fmt,
            grid: true,
        },
        s,
    )?;
    let mut probe = Probe::on(
        chart.plotting_area().get_pixel_range(),
        Reach::Pixels(px(12.0, s) as f64),
    );
    let t = threshold.log10();
    line(
        &mut chart,
        vec![(t, -0.5), (t, rows - 0.5)],
        THRESHOLD,
        Line::Dashed,
        2.0,
        s,
    )?;
    for (row, w) in r.widths.iter().enumerate() {
        let n = w.points.len().max(1) as f64;
        for (i, p) in w.points.iter().enumerate() {
            let loss = p.point.loss;
            let x = if loss > 0.0 {
                loss.log10().clamp(-31.8, 0.4)
            } else {
                -31.8
            };
            // The points of a row spread vertically in order of loss, so that points of
            // nearly equal loss (several bad minima near 1e-2) do not hide each other.
            let at = if n > 1.0 {
                (x, row as f64 - 0.3 + 0.6 * (i as f64 + 0.5) / n)
            } else {
                (x, row as f64)
            };
            let (glyph, colour) = mark(p.point.kind);
            let radius = (FULL_SHARE_RADIUS * p.share.sqrt()).max(3.0);
            markers(&chart, &[at], glyph, radius, colour, s)?;
            probe.add(
                chart.backend_coord(&at),
                format!(
                    "width {}, point {}: loss {}, {}, {} of {} seeds ({:.0}%, 95% {:.0}-{:.0}%)",
                    w.width,
                    p.id,
                    sci_full(loss),
                    p.point.kind.name(),
                    p.seeds.len(),
                    w.seeds,
                    100.0 * p.share,
                    100.0 * p.interval.0,
                    100.0 * p.interval.1
                ),
            );
        }
    }
    root.present().map_err(err)?;
    Ok(probe)
}
