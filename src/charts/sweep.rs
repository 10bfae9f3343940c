//! Charts of the width sweep: success against width with both lottery predictions, and every
//! run's final loss with the success threshold. Measured data is blue, lottery predictions
//! purple (every k-subset solid, disjoint tickets dashed), the threshold dark grey and dashed.

use crate::charts::axis::Ticks;
use crate::charts::experiments::{linear_chart, MEASURED};
use crate::charts::loss_rows::loss_rows_chart;
use crate::charts::palette::{LOTTERY, STUDENT, THRESHOLD};
use crate::charts::probe::{sci_full, Probe, Reach};
use crate::charts::style::{
    blank, err, error_bars, legend_above, line, markers, scale_for, titled, Key, Line, DOT,
    HOLLOW_TRIANGLE, TRIANGLE,
};
use crate::charts::{Area, Look};
use crate::experiments::sweep::SweepResult;
use plotters::prelude::*;

/// Legend of the every-k-subset lottery.
const SUBSETS: &str = "lottery, every k-subset a ticket: 1-(1-p)^C(n,k)";
/// Legend of the disjoint lottery.
const DISJOINT: &str = "lottery, disjoint tickets: 1-(1-p)^floor(n/k)";

/// Ticks at the widths measured (all of them if none).
fn width_ticks(r: &SweepResult, max: f64) -> Ticks {
    let mut w: Vec<f64> = r.widths.iter().map(|w| w.width as f64).collect();
    if w.is_empty() {
        w = (1..=max.max(1.0) as i64).map(|i| i as f64).collect();
    }
    Ticks::Given(w)
}

/// Success rate against width with 95% intervals (blue) and both lottery predictions
/// (purple: every k-subset solid, disjoint tickets dashed). Returns what a pointer reads: each
/// width's rate, interval and predictions.
pub fn width_sweep<DB: DrawingBackend>(
    root: &Area<DB>,
    r: &SweepResult,
    look: Look,
) -> Result<Probe, String> {
    let s = scale_for(root, look);
    blank(root)?;
    let max_w = r.widths.iter().map(|w| w.width).max().unwrap_or(1) as f64;
    let title = format!(
        "Success against student width (teacher: {} neurons, {}; {} seeds per width)",
        r.config.task.teacher_width, r.config.task.activation, r.config.seeds
    );
    let area = titled(root, &title, look, s)?;
    let body = legend_above(
        &area,
        &[
            Key::line(MEASURED, STUDENT).with(DOT),
            Key::line(SUBSETS, LOTTERY).with(TRIANGLE),
            Key::dashed(DISJOINT, LOTTERY).with(HOLLOW_TRIANGLE),
        ],
        s,
    )?;
    let mut chart = linear_chart(
        &body,
        0.0..max_w + 1.0,
        -0.02..1.05,
        width_ticks(r, max_w),
        ("student width n", "P(success)"),
        s,
    )?;
    let finite = |v: Vec<(f64, f64)>| -> Vec<(f64, f64)> {
        v.into_iter().filter(|p| p.1.is_finite()).collect()
    };
    let measured = finite(
        r.widths
            .iter()
            .map(|w| (w.width as f64, w.success_rate))
            .collect(),
    );
    let intervals: Vec<(f64, (f64, f64))> =
        r.widths.iter().map(|w| (w.width as f64, w.ci)).collect();
    chart
        .draw_series(error_bars(&intervals, |x| (x - 0.15, x + 0.15), STUDENT, s))
        .map_err(err)?;
    line(&mut chart, measured.clone(), STUDENT, Line::Solid, 3.0, s)?;
    // The predictions on top, thinner, so a prediction equal to the measurement stays visible,
    // and the measured dots above all.
    for (kind, glyph, values) in [
        (
            Line::Solid,
            TRIANGLE,
            r.widths
                .iter()
                .map(|w| (w.width as f64, w.lottery_combinatorial))
                .collect::<Vec<_>>(),
        ),
        (
            Line::Dashed,
            HOLLOW_TRIANGLE,
            r.widths
                .iter()
                .map(|w| (w.width as f64, w.lottery_disjoint))
                .collect(),
        ),
    ] {
        let values = finite(values);
        line(&mut chart, values.clone(), LOTTERY, kind, 2.0, s)?;
        markers(&chart, &values, glyph, 6.0, LOTTERY, s)?;
    }
    markers(&chart, &measured, DOT, 6.0, STUDENT, s)?;
    let mut probe = Probe::on(chart.plotting_area().get_pixel_range(), Reach::Plot);
    for w in r.widths.iter().filter(|w| w.success_rate.is_finite()) {
        let pct = |v: f64| format!("{:.0}%", 100.0 * v);
        let mut text = format!(
            "width {}: {} of {} runs succeed ({}, 95% interval {} to {})",
            w.width,
            w.successes,
            w.runs,
            pct(w.success_rate),
            pct(w.ci.0),
            pct(w.ci.1)
        );
        if w.lottery_combinatorial.is_finite() {
            text.push_str(&format!(
                "; lottery predicts {} (every k-subset), {} (disjoint)",
                pct(w.lottery_combinatorial),
                pct(w.lottery_disjoint)
            ));
        }
        probe.add(chart.backend_coord(&(w.width as f64, w.success_rate)), text);
    }
    root.present().map_err(err)?;
    Ok(probe)
}

/// Final losses of every run (blue dots), one row per width, with the success threshold.
/// Returns what a pointer reads: each run's width, seed, final loss and verdict.
pub fn loss_strips<DB: DrawingBackend>(
    root: &Area<DB>,
    r: &SweepResult,
    look: Look,
) -> Result<Probe, String> {
    let s = scale_for(root, look);
    blank(root)?;
    let _rows = r.widths.len().max(1) as f64;
    let area = titled(root, "Final loss of every run (log scale)", look, s)?;
    let threshold = r.config.run.threshold;
    let body = legend_above(
        &area,
        &[
            Key::mark("one run", STUDENT, DOT),
            Key::dashed(format!("success threshold {threshold:e}"), THRESHOLD),
        ],
        s,
    )?;
    let labels: Vec<String> = r
        .widths
        .iter()
        .map(|w| format!("width {}", w.width))
        .collect();
    let (chart, mut probe) = loss_rows_chart(
        &body,
        &labels,
        -20.0,
        "final loss (log scale)",
        threshold,
        12.0,
        s,
    )?;
    for (row, w) in r.widths.iter().enumerate() {
        let n = w.final_losses.len().max(1) as f64;
        let pts: Vec<(f64, f64)> = w
            .final_losses
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let x = if *l > 0.0 {
                    l.log10().clamp(-19.8, 0.4)
                } else {
                    -19.8
                };
                // Spread the runs of a row vertically, in seed order, so none hide each other.
                (x, row as f64 - 0.3 + 0.6 * (i as f64 + 0.5) / n)
            })
            .collect();
        markers(&chart, &pts, DOT, 5.0, STUDENT, s)?;
        for (i, (p, l)) in pts.iter().zip(&w.final_losses).enumerate() {
            let verdict = if *l < threshold { "succeeds" } else { "fails" };
            probe.add(
                chart.backend_coord(p),
                format!(
                    "width {}, seed {}: final loss {}, {verdict}",
                    w.width,
                    r.config.first_seed + i as u64,
                    sci_full(*l)
                ),
            );
        }
    }
    root.present().map_err(err)?;
    Ok(probe)
}
