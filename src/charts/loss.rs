//! The loss chart of every view: loss curves on a log scale with the success threshold, a
//! labelled vertical line at each event (the step a neuron was added, polishing starts) and a
//! dot on each curve's last point; what a pointer reads is returned as a [`Probe`].

use crate::charts::axis::{decimals, fixed, Frame, Spec, Ticks};
use crate::charts::palette::{CURRENT, INK, REFERENCE, THRESHOLD};
use crate::charts::probe::{step_loss_text, thinned, Probe, Reach};
use crate::charts::style::{
    axes, blank, legend_above, line, markers, scale_for, sci, Axes, Key, Line, DOT,
};
use crate::charts::{Area, Look};
use plotters::prelude::*;

/// A named, coloured curve of `(step, loss)` points.
pub type Curve = (String, Vec<(f64, f64)>, RGBColor);

/// Several loss curves on one log-scale chart, with the success threshold (dark grey,
/// dashed), a labelled vertical line at each of `events` (`(step, label)`, grey) and a dot on
/// each curve's last point (the number a status line quotes, after polishing). The legend
/// sits above the chart; `look` scales every size (1 for a 960x600 figure). Non-positive and
/// non-finite losses are left out. Returns what a pointer reads: each curve's step and loss.
pub fn loss_curves<DB: DrawingBackend>(
    root: &Area<DB>,
    series: &[Curve],
    threshold: f64,
    events: &[(f64, String)],
    look: Look,
) -> Result<Probe, String> {
    loss_curves_marked(root, series, threshold, events, None, look)
}

/// [`loss_curves`] with an orange ring at `mark` (`(step, loss)`: the point a replay shows,
/// the same point the slice beside it marks in orange).
pub fn loss_curves_marked<DB: DrawingBackend>(
    root: &Area<DB>,
    series: &[Curve],
    threshold: f64,
    events: &[(f64, String)],
    mark: Option<(f64, f64)>,
    look: Look,
) -> Result<Probe, String> {
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
    let mut probe = Probe::on(chart.plotting_area().get_pixel_range(), Reach::Plot);
    let room = probe.plot.0.end - probe.plot.0.start;
    for ((name, _, colour), pts) in series.iter().zip(logs) {
        for i in thinned(pts.len(), (room / 2.0) as usize) {
            let (x, y) = pts[i];
            probe.add(
                chart.backend_coord(&(x, y)),
                step_loss_text(name, x, 10f64.powf(y)),
            );
        }
        let last = pts.last().copied();
        line(&mut chart, pts, *colour, Line::Solid, 3.0, s)?;
        if let Some(p) = last {
            markers(&chart, &[p], DOT, 6.0, *colour, s)?;
        }
    }
    if let Some((x, l)) = mark.filter(|m| m.1 > 0.0 && m.1.is_finite()) {
        let p = (x, l.log10());
        // As on the slice: an orange dot with a black rim.
        markers(&chart, &[p], DOT, 10.0, INK, s)?;
        markers(&chart, &[p], DOT, 7.0, CURRENT, s)?;
    }
    root.present().map_err(crate::charts::style::err)?;
    Ok(probe)
}
