//! The loss chart of every view: loss curves on a log scale with the success threshold, a
//! labelled vertical line at each event (the step a neuron was added, polishing starts) and a
//! dot on each curve's last point.

use crate::charts::axis::{decimals, fixed, Frame, Spec, Ticks};
use crate::charts::palette::{REFERENCE, THRESHOLD};
use crate::charts::style::{
    axes, blank, legend_above, line, markers, scale_for, sci, Axes, Key, Line, Res, DOT,
};
use crate::charts::{Area, Look};
use plotters::prelude::*;

/// A named, coloured curve of `(step, loss)` points.
pub type Curve = (String, Vec<(f64, f64)>, RGBColor);

/// Several loss curves on one log-scale chart, with the success threshold (dark grey,
/// dashed), a labelled vertical line at each of `events` (`(step, label)`, grey) and a dot on
/// each curve's last point (the number a status line quotes, after polishing). The legend
/// sits above the chart; `look` scales every size (1 for a 960x600 figure). Non-positive and
/// non-finite losses are left out.
pub fn loss_curves<DB: DrawingBackend>(
    root: &Area<DB>,
    series: &[Curve],
    threshold: f64,
    events: &[(f64, String)],
    look: Look,
) -> Res {
    let s = scale_for(root, look);
    blank(root)?;
    let logs: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|(_, pts, _)| {
            pts.iter()
                .filter(|p| p.1 > 0.0 && p.1.is_finite() && p.0.is_finite())
                .map(|&(x, y)| (x, y.log10()))
                .collect()
        })
        .collect();
    let t = (threshold > 0.0 && threshold.is_finite()).then(|| threshold.log10());
    let (lo, hi) = logs
        .iter()
        .flatten()
        .map(|p| p.1)
        .chain(t)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
            (lo.min(y), hi.max(y))
        });
    let (lo, hi) = if lo.is_finite() {
        (lo - 0.5, hi + 0.5)
    } else {
        (-6.0, 1.0)
    };
    let max_x = logs
        .iter()
        .flatten()
        .map(|p| p.0)
        .chain(events.iter().map(|e| e.0))
        .fold(10.0f64, f64::max);

    let mut keys = Vec::new();
    if t.is_some() {
        keys.push(Key::dashed(
            format!("success threshold {threshold:e}"),
            THRESHOLD,
        ));
    }
    keys.extend(series.iter().map(|(name, _, c)| Key::line(name, *c)));
    keys.extend(events.iter().map(|(_, name)| Key::line(name, REFERENCE)));
    let body = legend_above(root, &keys, s)?;

    let x_dec = std::cell::Cell::new(0);
    let x_fmt = |v: &f64| fixed(*v, x_dec.get());
    let y_fmt = |v: &f64| sci(10f64.powf(*v));
    let (frame, x_axis, y_axis) = Frame::standard(s).axes(
        &body,
        &Spec {
            range: 0.0..max_x,
            ticks: Ticks::Linear,
            fmt: &x_fmt,
        },
        &Spec {
            range: lo..hi,
            ticks: Ticks::Log,
            fmt: &y_fmt,
        },
        true,
        s,
    );
    x_dec.set(decimals(x_axis.ticks()));
    let mut chart = frame.chart(&body, x_axis, y_axis)?;
    axes(
        &mut chart,
        &Axes {
            x_desc: "step (optimiser, then polishing)",
            y_desc: "loss (log scale)",
            x_fmt: &x_fmt,
            y_fmt: &y_fmt,
            grid: true,
        },
        s,
    )?;
    if let Some(t) = t {
        line(
            &mut chart,
            vec![(0.0, t), (max_x, t)],
            THRESHOLD,
            Line::Dashed,
            2.0,
            s,
        )?;
    }
    for (x, _) in events {
        line(
            &mut chart,
            vec![(*x, lo), (*x, hi)],
            REFERENCE,
            Line::Solid,
            2.0,
            s,
        )?;
    }
    for ((_, _, colour), pts) in series.iter().zip(logs) {
        let last = pts.last().copied();
        line(&mut chart, pts, *colour, Line::Solid, 3.0, s)?;
        if let Some(p) = last {
            markers(&chart, &[p], DOT, 6.0, *colour, s)?;
        }
    }
    root.present().map_err(crate::charts::style::err)
}
