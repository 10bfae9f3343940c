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
pub type Area<'a, DB> = DrawingArea<DB, Shift>;
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
pub fn width_sweep<DB: DrawingBackend>(root: &Area<DB>, r: &SweepResult, s: f64) -> Res {
    root.fill(&WHITE).map_err(err)?;
    let max_w = r.widths.iter().map(|w| w.width).max().unwrap_or(1) as f64;
    let k = r.config.task.teacher_width;
    let mut chart = ChartBuilder::on(root)
        .caption(
            format!(
                "Success against student width (teacher: {} neurons, {}; {} seeds per width)",
                k, r.config.task.activation, r.config.seeds
            ),
            font(24.0, s),
        )
        .margin(px(20.0, s))
        .x_label_area_size(px(60.0, s))
        .y_label_area_size(px(80.0, s))
        .build_cartesian_2d(0.0..max_w + 1.0, 0.0..1.05)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("student width n")
        .y_desc("P(success)")
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
            "lottery: every k-subset a ticket, 1-(1-p)^C(n,k)",
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
        chart
            .draw_series(LineSeries::new(
                values.clone(),
                colour.stroke_width(px(3.0, s) as u32),
            ))
            .map_err(err)?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + px(24.0, s), y)],
                    colour.stroke_width(px(3.0, s) as u32),
                )
            });
        chart
            .draw_series(
                values
                    .iter()
                    .map(|&p| TriangleMarker::new(p, px(7.0, s), colour.filled())),
            )
            .map_err(err)?;
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
    chart
        .draw_series(LineSeries::new(
            measured.clone(),
            BLUE.stroke_width(px(3.0, s) as u32),
        ))
        .map_err(err)?
        .label("measured, with 95% interval")
        .legend(|(x, y)| {
            PathElement::new(
                vec![(x, y), (x + px(24.0, s), y)],
                BLUE.stroke_width(px(3.0, s) as u32),
            )
        });
    chart
        .draw_series(
            measured
                .iter()
                .map(|&p| Circle::new(p, px(7.0, s), BLUE.filled())),
        )
        .map_err(err)?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font(font(18.0, s))
        .background_style(WHITE.mix(0.9))
        .border_style(GREY)
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}

/// Final losses of every run, one row per width, with the success threshold.
pub fn loss_strips<DB: DrawingBackend>(root: &Area<DB>, r: &SweepResult, s: f64) -> Res {
    root.fill(&WHITE).map_err(err)?;
    let rows = r.widths.len() as f64;
    let mut chart = ChartBuilder::on(root)
        .caption("Final loss of every run (log scale)", font(24.0, s))
        .margin(px(20.0, s))
        .x_label_area_size(px(60.0, s))
        .y_label_area_size(px(110.0, s))
        .build_cartesian_2d(-20.0..0.5, -0.5..rows - 0.5)
        .map_err(err)?;
    let labels: Vec<String> = r
        .widths
        .iter()
        .map(|w| format!("width {}", w.width))
        .collect();
    chart
        .configure_mesh()
        .x_desc("log10(final loss)")
        .y_labels(r.widths.len())
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
    chart
        .draw_series(LineSeries::new(
            vec![(t, -0.5), (t, rows - 0.5)],
            VERMILLION.stroke_width(px(3.0, s) as u32),
        ))
        .map_err(err)?
        .label(format!("success threshold {:e}", r.config.run.threshold))
        .legend(|(x, y)| {
            PathElement::new(
                vec![(x, y), (x + px(24.0, s), y)],
                VERMILLION.stroke_width(px(3.0, s) as u32),
            )
        });
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
        chart
            .draw_series(
                pts.iter()
                    .map(|&p| Circle::new(p, px(5.0, s), BLUE.mix(0.75).filled())),
            )
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(font(18.0, s))
        .background_style(WHITE.mix(0.9))
        .border_style(GREY)
        .draw()
        .map_err(err)?;
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
    s: f64,
) -> Res {
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
    let mut chart = ChartBuilder::on(root)
        .caption(
            "Tickets embedded in a wider network: a lottery predicts 1 and 0",
            font(24.0, s),
        )
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
        chart
            .draw_series(LineSeries::new(
                line.clone(),
                colour.stroke_width(px(3.0, s) as u32),
            ))
            .map_err(err)?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + px(24.0, s), y)],
                    colour.stroke_width(px(3.0, s) as u32),
                )
            });
        if round {
            chart
                .draw_series(
                    line.iter()
                        .map(|&p| Circle::new(p, px(7.0, s), colour.filled())),
                )
                .map_err(err)?;
        } else {
            chart
                .draw_series(
                    line.iter()
                        .map(|&p| TriangleMarker::new(p, px(8.0, s), colour.filled())),
                )
                .map_err(err)?;
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .label_font(font(18.0, s))
        .background_style(WHITE.mix(0.9))
        .border_style(GREY)
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}

/// The smallest Hessian eigenvalue of the split embedding against mu.
pub fn escape_mu<DB: DrawingBackend>(root: &Area<DB>, r: &EscapeResult, s: f64) -> Res {
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
    let mut chart = ChartBuilder::on(root)
        .caption(title, font(24.0, s))
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
    chart
        .draw_series(LineSeries::new(
            pts.clone(),
            BLUE.stroke_width(px(3.0, s) as u32),
        ))
        .map_err(err)?
        .label("below 0: a saddle, gradient descent can escape")
        .legend(|(x, y)| {
            PathElement::new(
                vec![(x, y), (x + px(24.0, s), y)],
                BLUE.stroke_width(px(3.0, s) as u32),
            )
        });
    chart
        .draw_series(
            pts.iter()
                .map(|&p| Circle::new(p, px(5.0, s), BLUE.filled())),
        )
        .map_err(err)?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(font(18.0, s))
        .background_style(WHITE.mix(0.9))
        .border_style(GREY)
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}

/// Success against the dimension of the training subspace.
pub fn subspace<DB: DrawingBackend>(root: &Area<DB>, r: &SubspaceResult, s: f64) -> Res {
    root.fill(&WHITE).map_err(err)?;
    let max_d = r.rows.iter().map(|r| r.dimension).max().unwrap_or(1) as f64;
    let p = crate::core::network::Shape::new(r.config.task.input_dim, r.config.width).num_params();
    let mut chart = ChartBuilder::on(root)
        .caption(
            format!(
                "Training in a random subspace (width {}, {} parameters)",
                r.config.width, p
            ),
            font(24.0, s),
        )
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
    chart
        .draw_series(LineSeries::new(
            pts.clone(),
            BLUE.stroke_width(px(3.0, s) as u32),
        ))
        .map_err(err)?
        .label("measured, with 95% interval")
        .legend(|(x, y)| {
            PathElement::new(
                vec![(x, y), (x + px(24.0, s), y)],
                BLUE.stroke_width(px(3.0, s) as u32),
            )
        });
    chart
        .draw_series(
            pts.iter()
                .map(|&p| Circle::new(p, px(7.0, s), BLUE.filled())),
        )
        .map_err(err)?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font(font(18.0, s))
        .background_style(WHITE.mix(0.9))
        .border_style(GREY)
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}
