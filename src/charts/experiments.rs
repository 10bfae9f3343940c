//! Charts of the experiments after the width sweep ([`crate::charts::sweep`]): tickets
//! embedded in wider networks, the split embedding's smallest eigenvalue against mu, and
//! training in random subspaces. Measured data is blue, lottery predictions purple,
//! eigenvalues below 0 vermilion.

use crate::charts::axis::{decimals, fixed, Frame, Spec, Ticked, Ticks};
use crate::charts::palette::{INK, LOTTERY, STUDENT, TROUBLE};
use crate::charts::style::{
    axes, blank, err, error_bars, legend_above, line, markers, scale_for, titled, Axes, Glyph, Key,
    Line, Res, DOT, HOLLOW_TRIANGLE, RING, TRIANGLE,
};
use crate::charts::{Area, Look};
use crate::experiments::escape::EscapeResult;
use crate::experiments::subspace::SubspaceResult;
use crate::experiments::tickets::{NeuronTicketResult, Rate, WeightTicketResult};
use plotters::coord::cartesian::Cartesian2d;
use plotters::prelude::*;
use std::cell::Cell;

/// Legend of a measured success rate.
pub(crate) const MEASURED: &str = "measured, with 95% interval";

/// A chart on `body` with linear axes over `x` and `y`, ticks picked to fit, and its axes
/// drawn with `x_desc` and `y_desc`.
pub(crate) fn linear_chart<'a, DB: DrawingBackend>(
    body: &'a Area<DB>,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    x_ticks: Ticks,
    descs: (&str, &str),
    s: f64,
) -> Result<ChartContext<'a, DB, Cartesian2d<Ticked, Ticked>>, String> {
    let (xd, yd) = (Cell::new(1), Cell::new(1));
    let x_fmt = |v: &f64| fixed(*v, xd.get());
    let y_fmt = |v: &f64| fixed(*v, yd.get());
    let (frame, xa, ya) = Frame::standard(s).axes(
        body,
        &Spec {
            range: x,
            ticks: x_ticks,
            fmt: &x_fmt,
        },
        &Spec {
            range: y,
            ticks: Ticks::Linear,
            fmt: &y_fmt,
        },
        !descs.1.is_empty(),
        s,
    );
    xd.set(decimals(xa.ticks()));
    yd.set(decimals(ya.ticks()));
    let mut chart = frame.chart(body, xa, ya)?;
    axes(
        &mut chart,
        &Axes {
            x_desc: descs.0,
            y_desc: descs.1,
            x_fmt: &x_fmt,
            y_fmt: &y_fmt,
            grid: true,
        },
        s,
    )?;
    Ok(chart)
}

/// Points `(log10 alpha, rate, 95% interval)` of a ticket series.
type RatePoints = Vec<(f64, f64, (f64, f64))>;

fn rate_points(rows: impl Iterator<Item = (f64, Rate)>) -> RatePoints {
    rows.filter(|(a, r)| r.runs > 0 && *a > 0.0)
        .map(|(a, r)| (a.log10(), r.rate, r.ci))
        .collect()
}

/// Formats a scale alpha compactly (`0.25`, `1`, `16`).
fn alpha_label(log_alpha: f64) -> String {
    let a = 10f64.powf(log_alpha);
    let rounded = (a * 1000.0).round() / 1000.0;
    format!("{rounded}")
}

/// P(embedded network succeeds | ticket wins alone) and (| loses alone) against alpha, for
/// neuron-level tickets (solid) and pruned weight tickets (dashed), all measured (blue:
/// filled markers when the ticket wins alone, hollow when it loses), with the lottery's
/// prediction (purple): 1 and 0.
pub fn tickets<DB: DrawingBackend>(
    root: &Area<DB>,
    n: &NeuronTicketResult,
    w: &WeightTicketResult,
    look: Look,
) -> Res {
    let s = scale_for(root, look);
    blank(root)?;
    let mut alphas: Vec<f64> = n
        .config
        .alphas
        .iter()
        .chain(&w.config.alphas)
        .copied()
        .filter(|a| *a > 0.0 && a.is_finite())
        .map(f64::log10)
        .collect();
    alphas.sort_by(f64::total_cmp);
    alphas.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    let lo = alphas.first().copied().unwrap_or(0.0) - 0.2;
    let hi = alphas.last().copied().unwrap_or(0.0).max(lo + 0.6) + 0.2;
    let area = titled(
        root,
        "Tickets embedded in a wider network: a lottery predicts 1 and 0",
        look,
        s,
    )?;
    let series: [(&str, Line, Glyph, RatePoints); 4] = [
        (
            "neuron ticket, wins alone",
            Line::Solid,
            DOT,
            rate_points(n.rows.iter().map(|r| (r.alpha, r.given_winning))),
        ),
        (
            "neuron ticket, loses alone",
            Line::Solid,
            RING,
            rate_points(n.rows.iter().map(|r| (r.alpha, r.given_losing))),
        ),
        (
            "weight ticket (pruned), wins alone",
            Line::Dashed,
            TRIANGLE,
            rate_points(w.rows.iter().map(|r| (r.alpha, r.given_winning))),
        ),
        (
            "weight ticket (pruned), loses alone",
            Line::Dashed,
            HOLLOW_TRIANGLE,
            rate_points(w.rows.iter().map(|r| (r.alpha, r.given_losing))),
        ),
    ];
    let mut keys: Vec<Key> = series
        .iter()
        .filter(|x| !x.3.is_empty())
        .map(|(name, kind, g, _)| Key {
            label: name.to_string(),
            colour: STUDENT,
            line: *kind,
            glyph: Some(*g),
        })
        .collect();
    keys.push(Key::line(
        "lottery: winners win (1), losers lose (0)",
        LOTTERY,
    ));
    let body = legend_above(&area, &keys, s)?;
    let yd = Cell::new(1);
    let y_fmt = |v: &f64| fixed(*v, yd.get());
    let x_fmt = |v: &f64| alpha_label(*v);
    let (frame, xa, ya) = Frame::standard(s).axes(
        &body,
        &Spec {
            range: lo..hi,
            ticks: Ticks::Given(alphas),
            fmt: &x_fmt,
        },
        &Spec {
            range: -0.05..1.05,
            ticks: Ticks::Linear,
            fmt: &y_fmt,
        },
        true,
        s,
    );
    yd.set(decimals(ya.ticks()));
    let mut chart = frame.chart(&body, xa, ya)?;
    axes(
        &mut chart,
        &Axes {
            x_desc: "alpha: scale of the rest of the network (log scale)",
            y_desc: "P(embedded network succeeds)",
            x_fmt: &x_fmt,
            y_fmt: &y_fmt,
            grid: true,
        },
        s,
    )?;
    for y in [1.0, 0.0] {
        line(
            &mut chart,
            vec![(lo, y), (hi, y)],
            LOTTERY,
            Line::Solid,
            2.0,
            s,
        )?;
    }
    for (_, kind, glyph, pts) in series {
        if pts.is_empty() {
            continue;
        }
        let bars: Vec<(f64, (f64, f64))> = pts.iter().map(|p| (p.0, p.2)).collect();
        chart
            .draw_series(error_bars(&bars, |x| (x - 0.02, x + 0.02), STUDENT, s))
            .map_err(err)?;
        let pts: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, p.1)).collect();
        line(&mut chart, pts.clone(), STUDENT, kind, 3.0, s)?;
        markers(&chart, &pts, glyph, 7.0, STUDENT, s)?;
    }
    root.present().map_err(err)
}

/// The smallest Hessian eigenvalue of the split embedding against mu (blue; vermilion dots
/// below 0, where the embedded point is a saddle).
pub fn escape_mu<DB: DrawingBackend>(root: &Area<DB>, r: &EscapeResult, look: Look) -> Res {
    let s = scale_for(root, look);
    blank(root)?;
    let pts: Vec<(f64, f64)> = r
        .mu_sweep
        .iter()
        .copied()
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .collect();
    let (mut lo, mut hi) = pts
        .iter()
        .fold((0.0f64, 0.0f64), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
    if hi - lo < 1e-12 {
        lo -= 1e-6;
        hi += 1e-6;
    }
    let pad = 0.08 * (hi - lo);
    let title = match r.cases.first() {
        Some(c) => format!(
            "Splitting a neuron of a stuck width-{} student (loss {:.2e})",
            r.config.width, c.stuck.loss
        ),
        None => "Splitting a neuron: no stuck student found".to_string(),
    };
    let (mu_lo, mu_hi) = pts
        .iter()
        .fold((-1.0f64, 2.0f64), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let area = titled(root, &title, look, s)?;
    let body = legend_above(
        &area,
        &[
            Key::line("smallest Hessian eigenvalue after the split", STUDENT).with(DOT),
            Key::mark(
                "below 0: a saddle, gradient descent can escape",
                TROUBLE,
                DOT,
            ),
        ],
        s,
    )?;
    let xd = Cell::new(1);
    let x_fmt = |v: &f64| fixed(*v, xd.get());
    let y_fmt = |v: &f64| {
        if v.abs() < 1e-12 {
            "0".to_string()
        } else {
            format!("{v:.1e}")
        }
    };
    let (frame, xa, ya) = Frame::standard(s).axes(
        &body,
        &Spec {
            range: mu_lo..mu_hi,
            ticks: Ticks::Linear,
            fmt: &x_fmt,
        },
        &Spec {
            range: (lo - pad)..(hi + pad),
            ticks: Ticks::Linear,
            fmt: &y_fmt,
        },
        true,
        s,
    );
    xd.set(decimals(xa.ticks()));
    let mut chart = frame.chart(&body, xa, ya)?;
    axes(
        &mut chart,
        &Axes {
            x_desc: "mu (output weight split as mu and 1 - mu)",
            y_desc: "smallest Hessian eigenvalue",
            x_fmt: &x_fmt,
            y_fmt: &y_fmt,
            grid: true,
        },
        s,
    )?;
    line(
        &mut chart,
        vec![(mu_lo, 0.0), (mu_hi, 0.0)],
        INK,
        Line::Solid,
        1.0,
        s,
    )?;
    line(&mut chart, pts.clone(), STUDENT, Line::Solid, 3.0, s)?;
    let below: Vec<(f64, f64)> = pts.iter().copied().filter(|p| p.1 < 0.0).collect();
    let above: Vec<(f64, f64)> = pts.iter().copied().filter(|p| p.1 >= 0.0).collect();
    markers(&chart, &above, DOT, 5.0, STUDENT, s)?;
    markers(&chart, &below, DOT, 5.0, TROUBLE, s)?;
    root.present().map_err(err)
}

/// Success against the dimension of the training subspace (blue, with 95% intervals).
pub fn subspace<DB: DrawingBackend>(root: &Area<DB>, r: &SubspaceResult, look: Look) -> Res {
    let s = scale_for(root, look);
    blank(root)?;
    let max_d = r.rows.iter().map(|r| r.dimension).max().unwrap_or(1) as f64;
    let p = crate::core::network::Shape::new(r.config.task.input_dim, r.config.width).num_params();
    let title = format!(
        "Training in a random subspace (width {}, {} parameters)",
        r.config.width, p
    );
    let area = titled(root, &title, look, s)?;
    let body = legend_above(&area, &[Key::line(MEASURED, STUDENT).with(DOT)], s)?;
    let mut chart = linear_chart(
        &body,
        0.0..max_d + 1.0,
        -0.02..1.05,
        Ticks::Linear,
        ("subspace dimension D", "P(success)"),
        s,
    )?;
    let pts: Vec<(f64, f64)> = r
        .rows
        .iter()
        .map(|r| (r.dimension as f64, r.success.rate))
        .filter(|p| p.1.is_finite())
        .collect();
    let intervals: Vec<(f64, (f64, f64))> = r
        .rows
        .iter()
        .map(|r| (r.dimension as f64, r.success.ci))
        .collect();
    let cap = 0.012 * (max_d + 1.0);
    chart
        .draw_series(error_bars(&intervals, |x| (x - cap, x + cap), STUDENT, s))
        .map_err(err)?;
    line(&mut chart, pts.clone(), STUDENT, Line::Solid, 3.0, s)?;
    markers(&chart, &pts, DOT, 7.0, STUDENT, s)?;
    root.present().map_err(err)
}
