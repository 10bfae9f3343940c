//! The frame of the charts that put named rows against a loss on a log axis (the sweep's final
//! losses, the census of minima, the widening of each bad minimum): rows at y = 0, 1, ...
//! named by their labels, log10 of the loss across, a grid, and the success threshold as the
//! dark grey dashed line.

use crate::charts::axis::{Frame, Spec, Ticked, Ticks};
use crate::charts::palette::THRESHOLD;
use crate::charts::probe::{Probe, Reach};
use crate::charts::style::{axes, line, px, sci, Axes, Line};
use crate::charts::Area;
use plotters::prelude::*;

/// A chart of rows against log10 loss, and the probe over its plotting area.
pub type LossRows<'a, DB> = (ChartContext<'a, DB, Cartesian2d<Ticked, Ticked>>, Probe);

/// Draws the frame on `body`: one row per label (row `i` at y = `i`), log10 loss from `x_from`
/// to 0.5 described by `x_desc`, and the line at `threshold`; the probe reaches `reach` pixels
/// (at scale `s`).
pub fn loss_rows_chart<'a, DB: DrawingBackend>(
    body: &'a Area<DB>,
    labels: &[String],
    x_from: f64,
    x_desc: &str,
    threshold: f64,
    reach: f64,
    s: f64,
) -> Result<LossRows<'a, DB>, String> {
    let rows = labels.len().max(1) as f64;
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
        body,
        &Spec {
            range: x_from..0.5,
            ticks: Ticks::Log,
            fmt: &x_fmt,
        },
        &Spec {
            range: -0.5..rows - 0.5,
            ticks: Ticks::Given((0..labels.len()).map(|i| i as f64).collect()),
            fmt: &y_fmt,
        },
        false,
        s,
    );
    let mut chart = frame.chart(body, xa, ya)?;
    axes(
        &mut chart,
        &Axes {
            x_desc,
            y_desc: "",
            x_fmt: &x_fmt,
            y_fmt: &y_fmt,
            grid: true,
        },
        s,
    )?;
    let probe = Probe::on(
        chart.plotting_area().get_pixel_range(),
        Reach::Pixels(px(reach, s) as f64),
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
    Ok((chart, probe))
}
