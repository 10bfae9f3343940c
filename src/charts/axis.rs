//! Axes whose ticks are chosen from the room the labels need, so no two labels of an axis ever
//! overlap: [`Ticked`] is a linear plotters coordinate with exactly the ticks it is given, and
//! [`linear_ticks`] and [`log_ticks`] pick the densest readable set. [`Frame`] is a chart's
//! layout (margins and label areas), which tells the plotting area's size before it is built.

use crate::charts::style::{font_px, px, AXIS, TICK};
use crate::charts::Area;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::ops::Range;

/// A linear `f64` axis over `range` with exactly `ticks` as its labelled points (and no
/// light grid lines).
#[derive(Clone)]
pub struct Ticked {
    coord: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Ticked {
    /// The axis over `range` with labels at `ticks` (those outside the range are dropped).
    pub fn new(range: Range<f64>, ticks: Vec<f64>) -> Ticked {
        let (lo, hi) = (range.start.min(range.end), range.start.max(range.end));
        let slack = 1e-9 * (hi - lo).abs().max(1e-300);
        let ticks = ticks
            .into_iter()
            .filter(|t| t.is_finite() && *t >= lo - slack && *t <= hi + slack)
            .collect();
        Ticked {
            coord: range.into(),
            ticks,
        }
    }

    /// The labelled points.
    pub fn ticks(&self) -> &[f64] {
        &self.ticks
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.coord.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.coord.range()
    }
}

/// Nice steps `m * 10^e` with `m` in 1, 2, 5.
fn nice_step(at_least: f64) -> f64 {
    let at_least = at_least.max(1e-300);
    let e = at_least.log10().floor();
    let base = 10f64.powf(e);
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * base)
        .find(|s| *s >= at_least * (1.0 - 1e-9))
        .unwrap_or(10.0 * base)
}

/// Multiples of a nice step (1, 2 or 5 times a power of ten) in `[lo, hi]`, the step being the
/// smallest one at least `min_gap`.
pub fn linear_ticks(lo: f64, hi: f64, min_gap: f64) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![lo];
    }
    let step = nice_step(min_gap.max((hi - lo) * 1e-6));
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last)
        .map(|i| {
            let v = i as f64 * step;
            if v.abs() < step * 1e-9 {
                0.0
            } else {
                v
            }
        })
        .collect()
}

/// Decimals that label every tick of `ticks` exactly.
pub fn decimals(ticks: &[f64]) -> usize {
    // The fewest decimals that write every tick exactly (a step of 1.5 from -1 needs one:
    // "0.5", not "0"), and at least those the smallest step needs.
    let step = ticks
        .windows(2)
        .map(|w| w[1] - w[0])
        .fold(f64::INFINITY, f64::min);
    let from_step = if !step.is_finite() || step >= 1.0 {
        0
    } else {
        (-step.log10() - 1e-9).ceil().max(0.0) as usize
    };
    (from_step..=6)
        .find(|&d| {
            let unit = 10f64.powi(d as i32);
            ticks
                .iter()
                .all(|v| ((v * unit).round() / unit - v).abs() <= 1e-9 * v.abs().max(1.0))
        })
        .unwrap_or(6)
}

/// Formats a linear tick with `decimals` (and no "-0").
pub fn fixed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    }
}

/// Ticks of a log10 axis over `[lo, hi]` (in log10 units): the densest of 1–9, then 1, 2, 5,
/// then 1 and 3 times every power of ten, then every 1, 2, 5, 10, ... decades, whose closest
/// two ticks are at least `min_gap` apart; on a range too narrow for three of those, the
/// multiples 1–9 that keep that distance (or even steps of log10 below a factor of two).
pub fn log_ticks(lo: f64, hi: f64, min_gap: f64) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![lo];
    }
    let inside = |v: &f64| *v >= lo - 1e-9 && *v <= hi + 1e-9;
    let (e0, e1) = (lo.floor() as i64 - 1, hi.ceil() as i64);
    let of = |set: &[f64]| -> Vec<f64> {
        (e0..=e1)
            .flat_map(|e| set.iter().map(move |m| e as f64 + f64::log10(*m)))
            .filter(inside)
            .collect()
    };
    let all = of(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
    let mut best = Vec::new();
    for ticks in [all.clone(), of(&[1.0, 2.0, 5.0]), of(&[1.0, 3.0])] {
        let gap = ticks
            .windows(2)
            .map(|w| w[1] - w[0])
            .fold(f64::INFINITY, f64::min);
        if ticks.len() >= 2 && gap >= min_gap {
            best = ticks;
            break;
        }
    }
    if best.is_empty() {
        best = linear_ticks(lo, hi, min_gap.max(1.0));
    }
    if best.len() < 3 {
        // Too few: whole decades evenly spaced that keep their distance (1e-18, 1e-10, 1e-2),
        // else, on a narrow range, every multiple of a power of ten that does.
        let spaced = |candidates: Vec<f64>| {
            let mut kept: Vec<f64> = Vec::new();
            for v in candidates {
                if kept.last().is_none_or(|l| v - l >= min_gap - 1e-9) {
                    kept.push(v);
                }
            }
            kept
        };
        let decades = spaced(of(&[1.0]));
        let kept = if decades.len() >= 3 {
            decades
        } else {
            spaced(all)
        };
        if kept.len() > best.len() {
            best = kept;
        }
    }
    if best.len() < 2 {
        // Less than a factor of two: even steps of log10.
        best = linear_ticks(lo, hi, min_gap);
    }
    best
}

/// A chart's layout in pixels: margins around it and the label areas left of and below the
/// plotting area.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    /// Margin above.
    pub top: i32,
    /// Margin below.
    pub bottom: i32,
    /// Margin on the left.
    pub left: i32,
    /// Margin on the right.
    pub right: i32,
    /// Height of the x label area (tick labels and axis title).
    pub x_area: i32,
    /// Width of the y label area (tick labels and axis title).
    pub y_area: i32,
}

impl Frame {
    /// Margins of `margin` on every side.
    pub fn new(margin: i32, x_area: i32, y_area: i32) -> Frame {
        Frame {
            top: margin,
            bottom: margin,
            left: margin,
            right: margin,
            x_area,
            y_area,
        }
    }

    /// Width and height of the plotting area this frame leaves in `area`.
    pub fn plot_size<DB: DrawingBackend>(&self, area: &Area<DB>) -> (f64, f64) {
        let (w, h) = area.dim_in_pixel();
        (
            (w as i32 - self.left - self.right - self.y_area).max(1) as f64,
            (h as i32 - self.top - self.bottom - self.x_area).max(1) as f64,
        )
    }

    /// The chart on `area` inside this frame, on the axes `x` and `y`.
    pub fn chart<'a, DB: DrawingBackend>(
        &self,
        area: &'a Area<DB>,
        x: Ticked,
        y: Ticked,
    ) -> Result<ChartContext<'a, DB, Cartesian2d<Ticked, Ticked>>, String> {
        self.builder(area)
            .build_cartesian_2d(x, y)
            .map_err(crate::charts::style::err)
    }

    /// The chart builder on `area` with this frame's margins and label areas.
    fn builder<'a, 'b, DB: DrawingBackend>(&self, area: &'a Area<DB>) -> ChartBuilder<'a, 'b, DB> {
        let mut b = ChartBuilder::on(area);
        b.margin_top(self.top.max(0))
            .margin_bottom(self.bottom.max(0))
            .margin_left(self.left.max(0))
            .margin_right(self.right.max(0))
            .x_label_area_size(self.x_area.max(0))
            .y_label_area_size(self.y_area.max(0));
        b
    }
}

/// Width in pixels of a y label area holding labels of up to `chars` characters in a font of
/// `font_px` and a rotated axis title.
pub fn y_area_for(chars: usize, font_px: f64, title_px: f64, s: f64) -> i32 {
    (0.62 * font_px * chars as f64 + 1.6 * title_px) as i32 + px(14.0, s)
}

/// Smallest gap between two horizontal tick labels of up to `chars` characters.
pub fn x_gap_px(chars: usize, font_px: f64) -> f64 {
    font_px * (0.62 * chars as f64 + 2.0)
}

/// Smallest gap between two vertical tick labels.
pub fn y_gap_px(font_px: f64) -> f64 {
    1.9 * font_px
}

/// The longest label of `ticks` formatted by `f`, in characters.
pub fn longest(ticks: &[f64], f: impl Fn(f64) -> String) -> usize {
    ticks
        .iter()
        .map(|&t| f(t).chars().count())
        .max()
        .unwrap_or(1)
}

/// How an axis picks its ticks.
#[derive(Clone, Debug)]
pub enum Ticks {
    /// Multiples of a nice step ([`linear_ticks`]).
    Linear,
    /// Powers of ten and their multiples, on an axis in log10 units ([`log_ticks`]).
    Log,
    /// These values, thinned out where they would crowd.
    Given(Vec<f64>),
}

/// One axis of a chart: its range, how its ticks are picked and how they are labelled.
pub struct Spec<'f> {
    /// The range shown.
    pub range: Range<f64>,
    /// The tick rule.
    pub ticks: Ticks,
    /// The tick label of a value.
    pub fmt: &'f dyn Fn(&f64) -> String,
}

/// Thins `values` (sorted) so that they are at least `gap` apart: every `k`-th value for the
/// smallest `k` that works (of the `k` choices, the one holding the value nearest 0: 0 on a
/// linear axis, 1 on a log axis), or, if that keeps fewer, each value far enough from the last
/// one kept (irregular values such as the widths of a sweep).
fn thin(values: &[f64], gap: f64) -> Vec<f64> {
    let apart = |v: &[f64]| v.windows(2).all(|w| (w[1] - w[0]).abs() >= gap);
    let zero = (0..values.len()).min_by(|&a, &b| values[a].abs().total_cmp(&values[b].abs()));
    let mut strided: Vec<f64> = values.iter().copied().take(1).collect();
    for k in 1..=values.len() {
        let offset = zero.map_or(0, |z| z % k);
        let picked: Vec<f64> = values.iter().copied().skip(offset).step_by(k).collect();
        if apart(&picked) {
            strided = picked;
            break;
        }
    }
    let mut greedy: Vec<f64> = Vec::new();
    for &v in values {
        if greedy.last().is_none_or(|l| (v - l).abs() >= gap) {
            greedy.push(v);
        }
    }
    if greedy.len() > strided.len() {
        greedy
    } else {
        strided
    }
}

fn pick(spec: &Spec<'_>, gap: f64) -> Vec<f64> {
    let (lo, hi) = (spec.range.start, spec.range.end);
    match &spec.ticks {
        Ticks::Linear => linear_ticks(lo, hi, gap),
        Ticks::Log => log_ticks(lo, hi, gap),
        Ticks::Given(v) => thin(v, gap),
    }
}

impl Frame {
    /// The usual frame at scale `s`: room for tick labels and a title below the x axis; the
    /// y label area is sized by [`Frame::axes`].
    pub fn standard(s: f64) -> Frame {
        let (tick, title) = (font_px(TICK, s), font_px(AXIS, s));
        let mut f = Frame::new(px(14.0, s), (1.3 * (tick + title)) as i32 + px(8.0, s), 0);
        f.right = px(26.0, s);
        f
    }

    /// Picks the ticks of both axes so that no two labels of an axis overlap in `area`, sizes
    /// the y label area for the longest label (and a title, if `y_title`), and returns the
    /// frame and the two axes.
    pub fn axes<DB: DrawingBackend>(
        mut self,
        area: &Area<DB>,
        x: &Spec<'_>,
        y: &Spec<'_>,
        y_title: bool,
        s: f64,
    ) -> (Frame, Ticked, Ticked) {
        let tick = font_px(TICK, s);
        let title = if y_title { font_px(AXIS, s) } else { 0.0 };
        let span = |r: &Range<f64>| (r.end - r.start).abs().max(1e-300);
        let (_, ph) = self.plot_size(area);
        let yt = pick(y, y_gap_px(tick) * span(&y.range) / ph);
        self.y_area = y_area_for(longest(&yt, |v| (y.fmt)(&v)), tick, title, s);
        let (pw, _) = self.plot_size(area);
        let ends = [x.range.start, x.range.end];
        let mut chars = longest(&ends, |v| (x.fmt)(&v));
        let mut xt = pick(x, x_gap_px(chars, tick) * span(&x.range) / pw);
        for _ in 0..2 {
            let c = longest(&xt, |v| (x.fmt)(&v));
            if c <= chars {
                break;
            }
            chars = c;
            xt = pick(x, x_gap_px(chars, tick) * span(&x.range) / pw);
        }
        (
            self,
            Ticked::new(x.range.clone(), xt),
            Ticked::new(y.range.clone(), yt),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_axis_over_many_decades_ticks_whole_decades() {
        // The escape chart's loss axis in a slide: 1e-18 .. 1e-1 with room for three labels.
        let t = log_ticks(-17.6, -1.5, 7.0);
        assert!(t.len() >= 3, "{t:?}");
        assert!(t.iter().all(|v| (v - v.round()).abs() < 1e-9), "{t:?}");
        assert!(t.windows(2).all(|w| w[1] - w[0] >= 7.0 - 1e-9), "{t:?}");
    }

    #[test]
    fn tick_labels_write_every_tick_exactly() {
        assert_eq!(decimals(&[-1.0, 0.5]), 1);
        assert_eq!(decimals(&[-1.0, 0.0, 1.0]), 0);
        assert_eq!(decimals(&[0.0, 0.25, 0.5]), 2);
        assert_eq!(decimals(&[0.0, 2.0, 4.0]), 0);
        assert_eq!(fixed(0.5, decimals(&[-1.0, 0.5])), "0.5");
    }

    #[test]
    fn ticks_keep_their_gap() {
        let t = linear_ticks(-1.0, 1.0, 0.3);
        assert_eq!(t, vec![-1.0, -0.5, 0.0, 0.5, 1.0]);
        assert_eq!(decimals(&t), 1);
        let l = log_ticks(-17.0, 0.5, 3.0);
        assert!(l.windows(2).all(|w| w[1] - w[0] >= 3.0), "{l:?}");
        let fine = log_ticks(-2.6, -1.4, 0.1);
        assert!(fine.len() >= 3, "{fine:?}");
        let narrow = log_ticks(-1.4, -0.7, 0.09);
        assert!(narrow.len() >= 3, "{narrow:?}");
        assert!(narrow.windows(2).all(|w| w[1] - w[0] >= 0.09), "{narrow:?}");
        let tiny = log_ticks(-1.30, -1.25, 0.01);
        assert!(tiny.len() >= 2, "{tiny:?}");
        assert_eq!(fixed(-0.0, 1), "0.0");
    }
}
