//! Charts of the experiments, drawn with plotters on any backend: SVG files for the figures
//! command, HTML canvases in the page. Sizes are given for a 960x600 figure and multiplied by a
//! scale factor `s` (for smaller canvases and HiDPI screens).

use crate::experiments::escape::EscapeResult;
use crate::experiments::subspace::SubspaceResult;
use crate::experiments::sweep::SweepResult;
use crate::experiments::tickets::{NeuronTicketResult, Rate, WeightTicketResult};
use plotters::coord::Shift;
use plotters::prelude::*;

/// A drawing area of any plotters backend.
pub type Area<DB> = DrawingArea<DB, Shift>;

/// How a chart is drawn: its scale (1 for a 960x600 figure) and whether it carries its own
/// title (figures do; the page's figure captions already name the chart).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Look {
    /// Multiplier of every size.
    pub scale: f64,
    /// Draw the title.
    pub caption: bool,
}

impl Look {
    /// A slide figure: scale 1 with a title.
    pub const FIGURE: Look = Look {
        scale: 1.0,
        caption: true,
    };
}
const BLUE: RGBColor = RGBColor(0, 114, 178);
const ORANGE: RGBColor = RGBColor(230, 159, 0);
const VERMILLION: RGBColor = RGBColor(213, 94, 0);
const GREEN: RGBColor = RGBColor(0, 158, 115);
const GREY: RGBColor = RGBColor(120, 120, 120);

type Res = Result<(), String>;

/// `x` pixels at scale `s` (at least 1).
fn px(x: f64, s: f64) -> i32 {
    ((x * s).round() as i32).max(1)
}

/// A font of `size` pixels at scale `s`.
fn font(size: f64, s: f64) -> (&'static str, f64) {
    ("sans-serif", (size * s).max(7.0))
}

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

/// Draws `points` as a line of `colour` and gives it the legend entry `label` (a short stroke of
/// the same style).
fn labelled_line<'a, DB: DrawingBackend + 'a, CT: CoordTranslate<From = (f64, f64)>>(
    chart: &mut ChartContext<'a, DB, CT>,
    points: Vec<(f64, f64)>,
    colour: RGBColor,
    label: impl Into<String>,
    s: f64,
) -> Res {
    let style = colour.stroke_width(px(3.0, s) as u32);
    chart
        .draw_series(LineSeries::new(points, style))
        .map_err(err)?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + px(24.0, s), y)], style));
    Ok(())
}

/// The shape of a data marker.
#[derive(Clone, Copy)]
enum Marker {
    Dot,
    Triangle,
}

/// Draws a marker of `size` pixels (at scale 1) at each of `points`.
fn markers<'a, DB: DrawingBackend + 'a, CT: CoordTranslate<From = (f64, f64)>>(
    chart: &mut ChartContext<'a, DB, CT>,
    points: &[(f64, f64)],
    shape: Marker,
    size: f64,
    style: ShapeStyle,
    s: f64,
) -> Res {
    let size = px(size, s);
    match shape {
        Marker::Dot => chart.draw_series(points.iter().map(|&p| Circle::new(p, size, style))),
        Marker::Triangle => {
            chart.draw_series(points.iter().map(|&p| TriangleMarker::new(p, size, style)))
        }
    }
    .map(|_| ())
    .map_err(err)
}

/// The legend box of the series labelled so far, at `position`.
fn legend_box<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
    s: f64,
) -> Res {
    chart
        .configure_series_labels()
        .position(position)
        .label_font(font(18.0, s))
        .background_style(WHITE.mix(0.9))
        .border_style(GREY)
        .draw()
        .map_err(err)
}

/// Draws a one-line legend of coloured line samples and labels across `area`, and returns
/// the area below it for the chart (so the legend never hides data).
fn legend_above<DB: DrawingBackend>(
    area: &Area<DB>,
    items: &[(&str, RGBColor)],
    s: f64,
) -> Result<Area<DB>, String> {
    let (w, _) = area.dim_in_pixel();
    let line = px(26.0, s);
    // Lay the items out in rows that fit the width.
    let char_w = 10.0 * s;
    let mut rows: Vec<Vec<(&str, RGBColor)>> = vec![Vec::new()];
    let mut x = 0.0;
    for &(label, colour) in items {
        let item_w = 40.0 * s + char_w * label.chars().count() as f64;
        if x + item_w > w as f64 - 20.0 * s && rows.last().is_some_and(|r| !r.is_empty()) {
            rows.push(Vec::new());
            x = 0.0;
        }
        x += item_w;
        if let Some(r) = rows.last_mut() {
            r.push((label, colour));
        }
    }
    let (top, rest) = area.split_vertically(line * rows.len() as i32 + px(6.0, s));
    for (r, row) in rows.iter().enumerate() {
        let y = px(6.0, s) + line * r as i32 + line / 2;
        let mut x = px(60.0, s);
        for &(label, colour) in row {
            top.draw(&PathElement::new(
                vec![(x, y), (x + px(24.0, s), y)],
                colour.stroke_width(px(3.0, s) as u32),
            ))
            .map_err(err)?;
            top.draw(&Text::new(
                label.to_string(),
                (x + px(30.0, s), y - px(9.0, s)),
                font(17.0, s),
            ))
            .map_err(err)?;
            x += px(40.0, s) + (char_w * label.chars().count() as f64) as i32;
        }
    }
    Ok(rest)
}

/// Vertical error bars with caps.
fn error_bars(
    points: &[(f64, (f64, f64))],
    cap: f64,
    colour: RGBColor,
    s: f64,
) -> Vec<PathElement<(f64, f64)>> {
    let style = colour.stroke_width(px(2.0, s) as u32);
    points
        .iter()
        .flat_map(|&(x, (lo, hi))| {
            [
                PathElement::new(vec![(x, lo), (x, hi)], style),
                PathElement::new(vec![(x - cap, lo), (x + cap, lo)], style),
                PathElement::new(vec![(x - cap, hi), (x + cap, hi)], style),
            ]
        })
        .collect()
}

/// Success rate against width with 95% intervals and both lottery predictions.
pub fn width_sweep<DB: DrawingBackend>(root: &Area<DB>, r: &SweepResult, look: Look) -> Res {
    let s = look.scale;
    root.fill(&WHITE).map_err(err)?;
    let max_w = r.widths.iter().map(|w| w.width).max().unwrap_or(1) as f64;
    let k = r.config.task.teacher_width;
    let titled = if look.caption {
        let title = format!(
            "Success against student width (teacher: {} neurons, {}; {} seeds per width)",
            k, r.config.task.activation, r.config.seeds
        );
        root.titled(&title, font(24.0, s)).map_err(err)?
    } else {
        root.clone()
    };
    let body = legend_above(
        &titled,
        &[
            ("measured, with 95% interval", BLUE),
            (
                "lottery, every k-subset a ticket: 1-(1-p)^C(n,k)",
                VERMILLION,
            ),
            ("lottery, disjoint tickets: 1-(1-p)^floor(n/k)", ORANGE),
        ],
        s,
    )?;
    let mut chart = ChartBuilder::on(&body)
        .margin(px(20.0, s))
        .x_label_area_size(px(60.0, s))
        .y_label_area_size(px(80.0, s))
        .build_cartesian_2d(0.0..max_w + 1.0, 0.0..1.05)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("student width n")
        .y_desc("P(success)")
        .y_label_formatter(&|y| {
            if *y <= 1.0001 {
                format!("{y:.1}")
            } else {
                String::new()
            }
        })
        .x_label_formatter(&|x| format!("{x:.0}"))
        .label_style(font(18.0, s))
        .axis_desc_style(font(20.0, s))
        .light_line_style(WHITE)
        .draw()
        .map_err(err)?;
    let measured: Vec<(f64, f64)> = r
        .widths
        .iter()
        .map(|w| (w.width as f64, w.success_rate))
        .collect();
    for (name, colour, values) in [
        (
            "lottery, every k-subset a ticket: 1-(1-p)^C(n,k)",
            VERMILLION,
            r.widths
                .iter()
                .map(|w| (w.width as f64, w.lottery_combinatorial))
                .collect::<Vec<_>>(),
        ),
        (
            "lottery: disjoint tickets, 1-(1-p)^floor(n/k)",
            ORANGE,
            r.widths
                .iter()
                .map(|w| (w.width as f64, w.lottery_disjoint))
                .collect(),
        ),
    ] {
        let values: Vec<(f64, f64)> = values.into_iter().filter(|p| p.1.is_finite()).collect();
        labelled_line(&mut chart, values.clone(), colour, name, s)?;
        markers(
            &mut chart,
            &values,
            Marker::Triangle,
            7.0,
            colour.filled(),
            s,
        )?;
    }
    chart
        .draw_series(error_bars(
            &r.widths
                .iter()
                .map(|w| (w.width as f64, w.ci))
                .collect::<Vec<_>>(),
            0.15,
            BLUE,
            s,
        ))
        .map_err(err)?;
    labelled_line(
        &mut chart,
        measured.clone(),
        BLUE,
        "measured, with 95% interval",
        s,
    )?;
    markers(&mut chart, &measured, Marker::Dot, 7.0, BLUE.filled(), s)?;
    root.present().map_err(err)
}

/// Final losses of every run, one row per width, with the success threshold.
pub fn loss_strips<DB: DrawingBackend>(root: &Area<DB>, r: &SweepResult, look: Look) -> Res {
    let s = look.scale;
    root.fill(&WHITE).map_err(err)?;
    let rows = r.widths.len() as f64;
    let mut builder = ChartBuilder::on(root);
    if look.caption {
        builder.caption("Final loss of every run (log scale)", font(24.0, s));
    }
    let mut chart = builder
        .margin(px(20.0, s))
        .x_label_area_size(px(60.0, s))
        .y_label_area_size(px(110.0, s))
        .build_cartesian_2d(-20.0..0.5, -0.5..rows + 0.6)
        .map_err(err)?;
    let labels: Vec<String> = r
        .widths
        .iter()
        .map(|w| format!("width {}", w.width))
        .collect();
    chart
        .configure_mesh()
        .x_desc("log10(final loss)")
        .y_labels(4 * r.widths.len() + 4)
        .y_label_formatter(&|y| {
            let i = y.round();
            if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
                labels[i as usize].clone()
            } else {
                String::new()
            }
        })
        .label_style(font(18.0, s))
        .axis_desc_style(font(20.0, s))
        .light_line_style(WHITE)
        .draw()
        .map_err(err)?;
    let t = r.config.run.threshold.log10();
    labelled_line(
        &mut chart,
        vec![(t, -0.5), (t, rows - 0.5)],
        VERMILLION,
        format!("success threshold {:e}", r.config.run.threshold),
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
                    l.log10().max(-19.8)
                } else {
                    -19.8
                };
                // Spread the runs of a row vertically, in seed order, so none hide each other.
                (x, row as f64 - 0.3 + 0.6 * (i as f64 + 0.5) / n)
            })
            .collect();
        markers(
            &mut chart,
            &pts,
            Marker::Dot,
            5.0,
            BLUE.mix(0.75).filled(),
            s,
        )?;
    }
    legend_box(&mut chart, SeriesLabelPosition::UpperRight, s)?;
    root.present().map_err(err)
}

fn rate_points(rows: impl Iterator<Item = (f64, Rate)>) -> Vec<(f64, f64, (f64, f64))> {
    rows.filter(|(_, r)| r.runs > 0)
        .map(|(a, r)| (a, r.rate, r.ci))
        .collect()
}

/// P(success embedded | ticket wins alone) and (| loses alone) against alpha.
pub fn tickets<DB: DrawingBackend>(
    root: &Area<DB>,
    n: &NeuronTicketResult,
    w: &WeightTicketResult,
    look: Look,
) -> Res {
    let s = look.scale;
    root.fill(&WHITE).map_err(err)?;
    let alphas: Vec<f64> = n
        .config
        .alphas
        .iter()
        .chain(&w.config.alphas)
        .copied()
        .collect();
    let lo = alphas
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .max(1e-3)
        / 1.6;
    let hi = alphas.iter().copied().fold(0.0, f64::max).max(lo * 4.0) * 1.6;
    let mut builder = ChartBuilder::on(root);
    if look.caption {
        builder.caption(
            "Tickets embedded in a wider network: a lottery predicts 1 and 0",
            font(24.0, s),
        );
    }
    let mut chart = builder
        .margin(px(20.0, s))
        .x_label_area_size(px(60.0, s))
        .y_label_area_size(px(80.0, s))
        .build_cartesian_2d((lo..hi).log_scale(), 0.0..1.05)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("alpha: scale of the rest of the network")
        .y_desc("P(embedded network succeeds)")
        .label_style(font(18.0, s))
        .axis_desc_style(font(20.0, s))
        .light_line_style(WHITE)
        .draw()
        .map_err(err)?;
    let series = [
        (
            "neuron ticket, wins alone",
            BLUE,
            true,
            rate_points(n.rows.iter().map(|r| (r.alpha, r.given_winning))),
        ),
        (
            "neuron ticket, loses alone",
            ORANGE,
            true,
            rate_points(n.rows.iter().map(|r| (r.alpha, r.given_losing))),
        ),
        (
            "weight ticket (pruned), wins alone",
            GREEN,
            false,
            rate_points(w.rows.iter().map(|r| (r.alpha, r.given_winning))),
        ),
        (
            "weight ticket (pruned), loses alone",
            VERMILLION,
            false,
            rate_points(w.rows.iter().map(|r| (r.alpha, r.given_losing))),
        ),
    ];
    for (name, colour, round, pts) in series {
        if pts.is_empty() {
            continue;
        }
        let style = colour.stroke_width(px(2.0, s) as u32);
        chart
            .draw_series(pts.iter().flat_map(|&(a, _, (l, h))| {
                [
                    PathElement::new(vec![(a, l), (a, h)], style),
                    PathElement::new(vec![(a / 1.04, l), (a * 1.04, l)], style),
                    PathElement::new(vec![(a / 1.04, h), (a * 1.04, h)], style),
                ]
            }))
            .map_err(err)?;
        let line: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, p.1)).collect();
        labelled_line(&mut chart, line.clone(), colour, name, s)?;
        if round {
            markers(&mut chart, &line, Marker::Dot, 7.0, colour.filled(), s)?;
        } else {
            markers(&mut chart, &line, Marker::Triangle, 8.0, colour.filled(), s)?;
        }
    }
    legend_box(&mut chart, SeriesLabelPosition::LowerLeft, s)?;
    root.present().map_err(err)
}

/// The smallest Hessian eigenvalue of the split embedding against mu.
pub fn escape_mu<DB: DrawingBackend>(root: &Area<DB>, r: &EscapeResult, look: Look) -> Res {
    let s = look.scale;
    root.fill(&WHITE).map_err(err)?;
    let pts: Vec<(f64, f64)> = r
        .mu_sweep
        .iter()
        .copied()
        .filter(|p| p.1.is_finite())
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
    let mut builder = ChartBuilder::on(root);
    if look.caption {
        builder.caption(title, font(24.0, s));
    }
    let mut chart = builder
        .margin(px(20.0, s))
        .x_label_area_size(px(60.0, s))
        .y_label_area_size(px(110.0, s))
        .build_cartesian_2d(mu_lo..mu_hi, (lo - pad)..(hi + pad))
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("mu (output weight split as mu and 1 - mu)")
        .y_desc("smallest Hessian eigenvalue")
        .y_label_formatter(&|v| {
            if v.abs() < 1e-12 {
                "0".to_string()
            } else {
                format!("{v:.1e}")
            }
        })
        .label_style(font(18.0, s))
        .axis_desc_style(font(20.0, s))
        .light_line_style(WHITE)
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            vec![(mu_lo, 0.0), (mu_hi, 0.0)],
            GREY.stroke_width(px(2.0, s) as u32),
        ))
        .map_err(err)?;
    labelled_line(
        &mut chart,
        pts.clone(),
        BLUE,
        "below 0: a saddle, gradient descent can escape",
        s,
    )?;
    markers(&mut chart, &pts, Marker::Dot, 5.0, BLUE.filled(), s)?;
    legend_box(&mut chart, SeriesLabelPosition::UpperRight, s)?;
    root.present().map_err(err)
}

/// Success against the dimension of the training subspace.
pub fn subspace<DB: DrawingBackend>(root: &Area<DB>, r: &SubspaceResult, look: Look) -> Res {
    let s = look.scale;
    root.fill(&WHITE).map_err(err)?;
    let max_d = r.rows.iter().map(|r| r.dimension).max().unwrap_or(1) as f64;
    let p = crate::core::network::Shape::new(r.config.task.input_dim, r.config.width).num_params();
    let mut builder = ChartBuilder::on(root);
    if look.caption {
        builder.caption(
            format!(
                "Training in a random subspace (width {}, {} parameters)",
                r.config.width, p
            ),
            font(24.0, s),
        );
    }
    let mut chart = builder
        .margin(px(20.0, s))
        .x_label_area_size(px(60.0, s))
        .y_label_area_size(px(80.0, s))
        .build_cartesian_2d(0.0..max_d + 1.0, 0.0..1.05)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("subspace dimension D")
        .y_desc("P(success)")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .label_style(font(18.0, s))
        .axis_desc_style(font(20.0, s))
        .light_line_style(WHITE)
        .draw()
        .map_err(err)?;
    let pts: Vec<(f64, f64)> = r
        .rows
        .iter()
        .map(|r| (r.dimension as f64, r.success.rate))
        .collect();
    chart
        .draw_series(error_bars(
            &r.rows
                .iter()
                .map(|r| (r.dimension as f64, r.success.ci))
                .collect::<Vec<_>>(),
            0.3,
            BLUE,
            s,
        ))
        .map_err(err)?;
    labelled_line(
        &mut chart,
        pts.clone(),
        BLUE,
        "measured, with 95% interval",
        s,
    )?;
    markers(&mut chart, &pts, Marker::Dot, 7.0, BLUE.filled(), s)?;
    legend_box(&mut chart, SeriesLabelPosition::LowerRight, s)?;
    root.present().map_err(err)
}

/// Signed logarithm for eigenvalues spanning many decades of both signs: `sign(x) log10(1 +
/// |x| / 1e-6)`.
fn symlog(x: f64) -> f64 {
    x.signum() * (1.0 + x.abs() / 1e-6).log10()
}

/// Inverse of [`symlog`].
fn symlog_inverse(y: f64) -> f64 {
    y.signum() * (10f64.powf(y.abs()) - 1.0) * 1e-6
}

/// The smallest Hessian eigenvalues before and after widening, side by side, on a signed log
/// scale; negative eigenvalues (escape directions) in vermillion.
pub fn spectrum<DB: DrawingBackend>(
    root: &Area<DB>,
    before: &[f64],
    after: Option<&[f64]>,
    count: usize,
    s: f64,
) -> Res {
    root.fill(&WHITE).map_err(err)?;
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
    let mut items = vec![("before (narrow network)", GREY)];
    if !a.is_empty() {
        items.push(("after adding a neuron", BLUE));
        items.push(("negative: a way down", VERMILLION));
    }
    let body = legend_above(root, &items, s)?;
    let mut chart = ChartBuilder::on(&body)
        .margin(px(12.0, s))
        .x_label_area_size(px(44.0, s))
        .y_label_area_size(px(80.0, s))
        .build_cartesian_2d(0.0..n, bottom..top)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc("eigenvalue index (smallest first)")
        .y_desc("Hessian eigenvalue (signed log)")
        .x_labels(count.min(12))
        .x_label_formatter(&|x| format!("{}", x.floor() as i64 + 1))
        .y_label_formatter(&|y| {
            let v = symlog_inverse(*y);
            if v.abs() < 1e-7 {
                "0".into()
            } else {
                format!("{v:.0e}")
            }
        })
        .label_style(font(18.0, s))
        .axis_desc_style(font(19.0, s))
        .light_line_style(WHITE)
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            vec![(0.0, 0.0), (n, 0.0)],
            BLACK.stroke_width(px(1.0, s) as u32),
        ))
        .map_err(err)?;
    let bars = |values: &[f64], offset: f64, width: f64, colour: RGBColor| {
        values
            .iter()
            .enumerate()
            .map(move |(i, &y)| {
                let c = if y < 0.0 { VERMILLION } else { colour };
                let x0 = i as f64 + offset;
                Rectangle::new([(x0, 0.0), (x0 + width, y)], c.filled())
            })
            .collect::<Vec<_>>()
    };
    let (bw, aw) = if a.is_empty() {
        (0.7, 0.0)
    } else {
        (0.38, 0.38)
    };
    chart.draw_series(bars(&b, 0.15, bw, GREY)).map_err(err)?;
    if !a.is_empty() {
        chart
            .draw_series(bars(&a, 0.15 + bw + 0.02, aw, BLUE))
            .map_err(err)?;
    }
    root.present().map_err(err)
}

/// A named, coloured curve of `(step, loss)` points.
pub type Curve = (String, Vec<(f64, f64)>, RGBColor);

/// Several loss curves on one log-scale chart, with the success threshold, a labelled vertical
/// line at each of `events` (`(step, label)`, such as the step a neuron was added) and a dot
/// on each curve's last point (the number a status line quotes, after polishing).
pub fn loss_curves<DB: DrawingBackend>(
    root: &Area<DB>,
    series: &[Curve],
    threshold: f64,
    events: &[(f64, String)],
    s: f64,
) -> Res {
    root.fill(&WHITE).map_err(err)?;
    let logs: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|(_, pts, _)| {
            pts.iter()
                .filter(|p| p.1 > 0.0 && p.1.is_finite())
                .map(|&(x, y)| (x, y.log10()))
                .collect()
        })
        .collect();
    let t = threshold.log10();
    let (lo, hi) = logs
        .iter()
        .flatten()
        .fold((t, t), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
    let max_x = logs.iter().flatten().fold(10.0f64, |m, p| m.max(p.0));
    let threshold_label = format!("success threshold {threshold:e}");
    let mut items: Vec<(&str, RGBColor)> = vec![(threshold_label.as_str(), VERMILLION)];
    items.extend(series.iter().map(|(name, _, c)| (name.as_str(), *c)));
    items.extend(events.iter().map(|(_, name)| (name.as_str(), GREY)));
    let body = legend_above(root, &items, s)?;
    let mut chart = ChartBuilder::on(&body)
        .margin(px(12.0, s))
        .margin_right(px(30.0, s))
        .x_label_area_size(px(44.0, s))
        .y_label_area_size(px(70.0, s))
        .build_cartesian_2d(0.0..max_x, (lo - 0.5)..(hi + 0.5))
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("step (optimiser, then polishing)")
        .y_desc("loss (log scale)")
        .x_labels(6)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("1e{:.0}", y))
        .label_style(font(18.0, s))
        .axis_desc_style(font(19.0, s))
        .light_line_style(WHITE)
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            vec![(0.0, t), (max_x, t)],
            VERMILLION.stroke_width(px(2.0, s) as u32),
        ))
        .map_err(err)?;
    for (x, _) in events {
        chart
            .draw_series(LineSeries::new(
                vec![(*x, lo - 0.5), (*x, hi + 0.5)],
                GREY.stroke_width(px(2.0, s) as u32),
            ))
            .map_err(err)?;
    }
    for ((_, _, colour), pts) in series.iter().zip(logs) {
        let last = pts.last().copied();
        chart
            .draw_series(LineSeries::new(pts, colour.stroke_width(px(3.0, s) as u32)))
            .map_err(err)?;
        if let Some(p) = last {
            markers(&mut chart, &[p], Marker::Dot, 6.0, colour.filled(), s)?;
        }
    }
    root.present().map_err(err)
}

/// Colours of the page's series (Okabe–Ito), for callers outside this module.
pub mod palette {
    use plotters::style::RGBColor;
    /// Blue.
    pub const BLUE: RGBColor = super::BLUE;
    /// Orange.
    pub const ORANGE: RGBColor = super::ORANGE;
    /// Vermillion.
    pub const VERMILLION: RGBColor = super::VERMILLION;
    /// Bluish green.
    pub const GREEN: RGBColor = super::GREEN;
    /// Grey.
    pub const GREY: RGBColor = super::GREY;
}
