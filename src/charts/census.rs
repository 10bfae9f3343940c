//! The census of minima: every distinct critical point of every width at its loss, its mark's
//! area proportional to its basin share. Minima are blue dots (measured data), saddles
//! vermilion triangles (a way down), points that did not converge hollow grey rings; the
//! success threshold is the dark grey dashed line.

use crate::charts::axis::Ticks;
use crate::charts::experiments::linear_chart;
use crate::charts::loss_rows::loss_rows_chart;
use crate::charts::palette::{REFERENCE, STUDENT, THRESHOLD, TROUBLE};
use crate::charts::probe::{sci_full, Probe, Reach};
use crate::charts::style::{
    blank, err, error_bars, legend_above, line, markers, scale_for, titled, Glyph, Key, Line, DOT,
    RING, TRIANGLE,
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
    // One row per width of the census's settings (a width still being computed has an empty
    // row).
    let _rows = r.config.widths.len().max(1) as f64;
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
        .config
        .widths
        .iter()
        .map(|w| format!("width {w}"))
        .collect();
    let (chart, mut probe) = loss_rows_chart(
        &body,
        &labels,
        -32.0,
        "loss at the critical point (log scale)",
        threshold,
        12.0,
        s,
    )?;
    for w in &r.widths {
        let Some(row) = r.config.widths.iter().position(|&c| c == w.width) else {
            continue;
        };
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

/// Legend of the share of seeds ending in global minima.
const GLOBAL_SHARE: &str = "in a global minimum";
/// Legend of the share of seeds ending in bad minima.
const BAD_SHARE: &str = "in a bad minimum";

/// The share of seeds whose flow ends in a global minimum (solid, dots) and in a bad minimum
/// (dashed, hollow dots) against width, with 95% intervals: both are measured data, so both
/// are blue. Returns what a pointer reads: each width's counts and intervals.
pub fn census_shares<DB: DrawingBackend>(
    root: &Area<DB>,
    r: &CensusResult,
    look: Look,
) -> Result<Probe, String> {
    let s = scale_for(root, look);
    blank(root)?;
    let area = titled(
        root,
        &format!(
            "Where the seeds end, by width ({} seeds per width)",
            r.config.seeds
        ),
        look,
        s,
    )?;
    let body = legend_above(
        &area,
        &[
            Key::line(GLOBAL_SHARE, STUDENT).with(DOT),
            Key::dashed(BAD_SHARE, STUDENT).with(RING),
        ],
        s,
    )?;
    // The axis spans the census's widths, also before their results are in.
    let widths: Vec<f64> = r.config.widths.iter().map(|&w| w as f64).collect();
    let max_w = widths.iter().copied().fold(1.0, f64::max);
    let min_w = widths.iter().copied().fold(max_w, f64::min);
    let ticks = if widths.is_empty() {
        Ticks::Linear
    } else {
        Ticks::Given(widths.clone())
    };
    let mut chart = linear_chart(
        &body,
        min_w - 0.7..max_w + 0.7,
        -0.02..1.05,
        ticks,
        ("student width n", "share of seeds"),
        s,
    )?;
    let share = |count: usize, seeds: usize| count as f64 / seeds.max(1) as f64;
    let series = |counts: Vec<(usize, (f64, f64))>| {
        r.widths
            .iter()
            .zip(counts)
            .map(|(w, (count, ci))| (w.width as f64, share(count, w.seeds), ci))
            .collect::<Vec<_>>()
    };
    let global = series(r.widths.iter().map(|w| w.global).collect());
    let bad = series(r.widths.iter().map(|w| w.bad).collect());
    // The two series side by side at each width, so that equal intervals do not overlap.
    for (values, offset, kind, glyph) in [
        (&global, -0.08, Line::Solid, DOT),
        (&bad, 0.08, Line::Dashed, RING),
    ] {
        let intervals: Vec<(f64, (f64, f64))> =
            values.iter().map(|&(x, _, ci)| (x + offset, ci)).collect();
        chart
            .draw_series(error_bars(&intervals, |x| (x - 0.1, x + 0.1), STUDENT, s))
            .map_err(err)?;
        let points: Vec<(f64, f64)> = values.iter().map(|&(x, y, _)| (x + offset, y)).collect();
        line(&mut chart, points.clone(), STUDENT, kind, 2.5, s)?;
        markers(&chart, &points, glyph, 6.0, STUDENT, s)?;
    }
    let mut probe = Probe::on(chart.plotting_area().get_pixel_range(), Reach::Plot);
    let pct = |v: f64| format!("{:.0}%", 100.0 * v);
    for w in &r.widths {
        probe.add(
            chart.backend_coord(&(w.width as f64, share(w.global.0, w.seeds))),
            format!(
                "width {}: {} of {} seeds in global minima ({}, 95% {} to {}), {} in bad minima ({}, 95% {} to {})",
                w.width,
                w.global.0,
                w.seeds,
                pct(share(w.global.0, w.seeds)),
                pct(w.global.1 .0),
                pct(w.global.1 .1),
                w.bad.0,
                pct(share(w.bad.0, w.seeds)),
                pct(w.bad.1 .0),
                pct(w.bad.1 .1)
            ),
        );
    }
    root.present().map_err(err)?;
    Ok(probe)
}

/// What widening did to every bad minimum: one row per bad minimum of the census (width and
/// point id), a grey bar at its own loss (the "before" reference) and, for each of its
/// embeddings into the next width, a green mark (the wider network) at the loss where gradient
/// flow from it ended: a dot for a global minimum, a triangle for a lower critical point, a ring
/// where it stayed or the finish found no critical point. Returns what a pointer reads: each
/// embedding's outcome.
pub fn census_widening<DB: DrawingBackend>(
    root: &Area<DB>,
    r: &CensusResult,
    look: Look,
) -> Result<Probe, String> {
    use crate::charts::palette::WIDER;
    use crate::experiments::census::Embedding;
    let s = scale_for(root, look);
    blank(root)?;
    let area = titled(
        root,
        "Each bad minimum embedded in the next width: where gradient flow from it ends",
        look,
        s,
    )?;
    let threshold = r.config.success_threshold;
    let body = legend_above(
        &area,
        &[
            Key::line("the bad minimum's loss", REFERENCE),
            Key::mark("ends at a global minimum", WIDER, DOT),
            Key::mark("at a lower critical point", WIDER, TRIANGLE),
            Key::mark("stays or does not converge", WIDER, RING),
            Key::dashed(format!("success threshold {threshold:e}"), THRESHOLD),
        ],
        s,
    )?;
    let mut sources: Vec<(usize, usize, f64)> = Vec::new();
    for o in &r.widening {
        if !sources.iter().any(|&(w, id, _)| (w, id) == o.from) {
            let loss = r
                .widths
                .iter()
                .find(|w| w.width == o.from.0)
                .and_then(|w| w.points.iter().find(|p| p.id == o.from.1))
                .map_or(f64::NAN, |p| p.point.loss);
            sources.push((o.from.0, o.from.1, loss));
        }
    }
    let _rows = sources.len().max(1) as f64;
    let labels: Vec<String> = sources
        .iter()
        .map(|(w, id, _)| format!("width {w}, point {id}"))
        .collect();
    let (mut chart, mut probe) = loss_rows_chart(
        &body,
        &labels,
        -32.0,
        "loss where gradient flow from the embedded point ends (log scale)",
        threshold,
        10.0,
        s,
    )?;
    let log = |loss: f64| {
        if loss > 0.0 {
            loss.log10().clamp(-31.8, 0.4)
        } else {
            -31.8
        }
    };
    for (row, &(w, id, loss)) in sources.iter().enumerate() {
        let y = row as f64;
        line(
            &mut chart,
            vec![(log(loss), y - 0.35), (log(loss), y + 0.35)],
            REFERENCE,
            Line::Solid,
            3.0,
            s,
        )?;
        let mine: Vec<_> = r.widening.iter().filter(|o| o.from == (w, id)).collect();
        let n = mine.len().max(1) as f64;
        for (i, o) in mine.iter().enumerate() {
            // Spread vertically in table order, so equal end losses stay visible.
            let at = (log(o.end.point.loss), y - 0.3 + 0.6 * (i as f64 + 0.5) / n);
            let glyph = if o.escaped && o.reached_global {
                DOT
            } else if o.escaped {
                TRIANGLE
            } else {
                RING
            };
            markers(&chart, &[at], glyph, 5.0, WIDER, s)?;
            let how = match o.embedding {
                Embedding::Split { neuron, mu } => {
                    format!("split neuron {} at mu = {mu}", neuron + 1)
                }
                Embedding::Silent => "zero-output neuron".into(),
            };
            probe.add(
                chart.backend_coord(&at),
                format!(
                    "width {w} point {id}, {how}: embedded {} (most negative eigenvalue {}), ends at loss {} ({})",
                    o.embedded.kind.name(),
                    sci_full(o.embedded.min_eigenvalue),
                    sci_full(o.end.point.loss),
                    o.end.point.kind.name()
                ),
            );
        }
    }
    root.present().map_err(err)?;
    Ok(probe)
}
