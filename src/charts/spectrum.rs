//! The smallest Hessian eigenvalues before widening (grey) and after (green), side by side on
//! a signed log scale; negative eigenvalues, the ways down, in vermilion.

use crate::charts::axis::{Frame, Spec, Ticks};
use crate::charts::palette::{INK, REFERENCE, TROUBLE, WIDER};
use crate::charts::probe::{sci_full, Probe, Reach};
use crate::charts::style::{
    axes, blank, err, legend_above, line, scale_for, sci, Axes, Glyph, Key, Line, Marker,
};
use crate::charts::{Area, Look};
use plotters::prelude::*;

/// Eigenvalues smaller than this in magnitude sit at 0 on the signed log scale.
const LINEAR_BELOW: f64 = 1e-6;

/// Signed logarithm for eigenvalues spanning many decades of both signs: `sign(x) log10(1 +
/// |x| / 1e-6)`.
fn symlog(x: f64) -> f64 {
    x.signum() * (1.0 + x.abs() / LINEAR_BELOW).log10()
}

/// Inverse of [`symlog`].
fn symlog_inverse(y: f64) -> f64 {
    y.signum() * (10f64.powf(y.abs()) - 1.0) * LINEAR_BELOW
}

/// Ticks at 0 and at plus and minus every `step`-th power of ten, in symlog units.
fn ticks(lo: f64, hi: f64, step: i32) -> Vec<f64> {
    let mut t = vec![0.0];
    for e in (-5..=4).filter(|e: &i32| e.rem_euclid(step) == 0) {
        let v = symlog(10f64.powi(e));
        t.push(v);
        t.push(-v);
    }
    t.retain(|v| *v >= lo && *v <= hi);
    t.sort_by(f64::total_cmp);
    t
}

/// A bar swatch for the legend.
const BAR: Glyph = Glyph {
    shape: Marker::Bar,
    filled: true,
};

/// The `count` smallest Hessian eigenvalues `before` and (if given) `after` widening, side
/// by side on a signed log scale; `look` scales every size (1 for a 960x600 figure). Returns
/// what a pointer reads: each bar's eigenvalue.
pub fn spectrum<DB: DrawingBackend>(
    root: &Area<DB>,
    before: &[f64],
    after: Option<&[f64]>,
    count: usize,
    look: Look,
) -> Result<Probe, String> {
    let s = scale_for(root, look);
    blank(root)?;
    let take = |v: &[f64]| {
        v.iter()
            .take(count)
            .map(|&x| symlog(x))
            .collect::<Vec<f64>>()
    };
    let b = take(before);
    let a = after.map(take).unwrap_or_default();
    let top = b.iter().chain(&a).fold(1.0f64, |m, &y| m.max(y)) + 0.3;
    let bottom = b.iter().chain(&a).fold(-1.0f64, |m, &y| m.min(y)) - 0.3;
    let n = count.max(1) as f64;
    let mut keys = vec![Key::mark("before (narrow network)", REFERENCE, BAR)];
    if after.is_some() {
        keys.push(Key::mark("after adding a neuron", WIDER, BAR));
    }
    if after.is_some() || b.iter().any(|&y| y < 0.0) {
        keys.push(Key::mark("negative: a way down", TROUBLE, BAR));
    }
    let body = legend_above(root, &keys, s)?;
    let y_fmt = |y: &f64| {
        let v = symlog_inverse(*y);
        if v.abs() < LINEAR_BELOW / 2.0 {
            "0".to_string()
        } else if v < 0.0 {
            format!("-{}", sci(-v))
        } else {
            sci(v)
        }
    };
    let x_fmt = |x: &f64| format!("{}", x.floor() as i64 + 1);
    // The densest ticks every `step` decades whose closest two are a label apart.
    let frame = Frame::standard(s);
    let (_, ph) = frame.plot_size(&body);
    let gap =
        crate::charts::axis::y_gap_px(crate::charts::style::font_px(crate::charts::style::TICK, s))
            * (top - bottom)
            / ph;
    let y_ticks = [1, 2, 3, 4, 6]
        .into_iter()
        .map(|step| ticks(bottom, top, step))
        .find(|t| t.windows(2).all(|w| w[1] - w[0] >= gap))
        .unwrap_or_else(|| vec![0.0]);
    let (frame, xa, ya) = frame.axes(
        &body,
        &Spec {
            range: 0.0..n,
            ticks: Ticks::Given((0..count).map(|i| i as f64 + 0.5).collect()),
            fmt: &x_fmt,
        },
        &Spec {
            range: bottom..top,
            ticks: Ticks::Given(y_ticks),
            fmt: &y_fmt,
        },
        true,
        s,
    );
    let mut chart = frame.chart(&body, xa, ya)?;
    axes(
        &mut chart,
        &Axes {
            x_desc: "eigenvalue index (smallest first)",
            y_desc: "Hessian eigenvalue (signed log)",
            x_fmt: &x_fmt,
            y_fmt: &y_fmt,
            grid: true,
        },
        s,
    )?;
    let bars = |values: &[f64], offset: f64, width: f64, colour: RGBColor| {
        values
            .iter()
            .enumerate()
            .map(move |(i, &y)| {
                let c = if y < 0.0 { TROUBLE } else { colour };
                let x0 = i as f64 + offset;
                Rectangle::new([(x0, 0.0), (x0 + width, y)], c.filled())
            })
            .collect::<Vec<_>>()
    };
    let (bw, aw) = if after.is_none() {
        (0.7, 0.0)
    } else {
        (0.38, 0.38)
    };
    chart
        .draw_series(bars(&b, 0.15, bw, REFERENCE))
        .map_err(err)?;
    if after.is_some() {
        chart
            .draw_series(bars(&a, 0.15 + bw + 0.02, aw, WIDER))
            .map_err(err)?;
    }
    line(
        &mut chart,
        vec![(0.0, 0.0), (n, 0.0)],
        INK,
        Line::Solid,
        1.0,
        s,
    )?;
    // A bar reads anywhere over its column: at its middle in x, at the bar's end in y.
    let mut probe = Probe::on(chart.plotting_area().get_pixel_range(), Reach::Plot);
    let mut read = |values: &[f64], offset: f64, width: f64, which: &str| {
        for (i, &v) in values.iter().enumerate() {
            let at = chart.backend_coord(&(i as f64 + offset + width / 2.0, symlog(v)));
            probe.add(
                at,
                format!("{which}: eigenvalue {} is {}", i + 1, signed(v)),
            );
        }
    };
    read(&before[..before.len().min(count)], 0.15, bw, "before");
    if let Some(after) = after {
        read(
            &after[..after.len().min(count)],
            0.15 + bw + 0.02,
            aw,
            "after",
        );
    }
    root.present().map_err(err)?;
    Ok(probe)
}

/// An eigenvalue as the readout writes it, with its sign.
fn signed(v: f64) -> String {
    if v < 0.0 {
        format!("-{}", sci_full(-v))
    } else {
        sci_full(v)
    }
}
