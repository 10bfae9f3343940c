//! What every chart shares: sizes at a scale, fonts, the legend row above a chart, markers,
//! dashed lines, axes with readable ticks and the `1e-5` number format.
//!
//! Sizes are given for a 960x600 figure and multiplied by a scale `s` (smaller canvases,
//! HiDPI screens); [`scale_for`] keeps a short, wide chart's text in proportion to its height.

use crate::charts::axis::Ticked;
use crate::charts::palette::{GRID, INK};
use crate::charts::{Area, Look};
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::CoordTranslate;
use plotters::prelude::*;

/// What a chart's drawing returns.
pub type Res = Result<(), String>;

/// Tick label size at scale 1.
pub const TICK: f64 = 18.0;
/// Axis title size at scale 1.
pub const AXIS: f64 = 19.0;
/// Legend text size at scale 1.
pub const LEGEND: f64 = 17.0;
/// Chart title size at scale 1.
pub const TITLE: f64 = 24.0;

/// A plotters error as text.
pub fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

/// `x` pixels at scale `s` (at least 1).
pub fn px(x: f64, s: f64) -> i32 {
    ((x * s).round() as i32).max(1)
}

/// Pixel size of a font of `size` at scale `s`.
pub fn font_px(size: f64, s: f64) -> f64 {
    (size * s).max(7.0).round()
}

/// A sans-serif font of `size` pixels at scale `s`, in ink.
pub fn font(size: f64, s: f64) -> TextStyle<'static> {
    ("sans-serif", font_px(size, s)).into_font().color(&INK)
}

/// The scale to draw `area` at: the look's, except that a wide, short chart (more than 2.5
/// times as wide as high) scales with its height (at most height / 400), though not below 0.6
/// of the look's scale, so that its text leaves room for its data.
pub fn scale_for<DB: DrawingBackend>(area: &Area<DB>, look: Look) -> f64 {
    let (w, h) = area.dim_in_pixel();
    if (w as f64) > 2.5 * h as f64 {
        look.scale
            .min(h as f64 / 400.0)
            .max(0.6 * look.scale)
            .max(look.min_scale)
    } else {
        look.scale
    }
}

/// Fills `area` white.
pub fn blank<DB: DrawingBackend>(area: &Area<DB>) -> Res {
    area.fill(&WHITE).map_err(err)
}

/// The area below a title, if the look asks for titles.
pub fn titled<DB: DrawingBackend>(
    area: &Area<DB>,
    title: &str,
    look: Look,
    s: f64,
) -> Result<Area<DB>, String> {
    if look.caption {
        area.titled(title, font(TITLE, s)).map_err(err)
    } else {
        Ok(area.clone())
    }
}

/// How a line is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Line {
    /// No line (markers only).
    None,
    /// Solid.
    Solid,
    /// Dashed.
    Dashed,
}

/// The shape of a data marker.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Marker {
    /// A circle.
    Dot,
    /// A triangle.
    Triangle,
    /// A square: the legend swatch of bars (drawn as a dot on data).
    Bar,
}

/// A marker: its shape and whether it is filled (else white with a coloured edge).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Glyph {
    /// Shape.
    pub shape: Marker,
    /// Filled with the colour.
    pub filled: bool,
}

/// A filled dot.
pub const DOT: Glyph = Glyph {
    shape: Marker::Dot,
    filled: true,
};
/// A hollow dot.
pub const RING: Glyph = Glyph {
    shape: Marker::Dot,
    filled: false,
};
/// A filled triangle.
pub const TRIANGLE: Glyph = Glyph {
    shape: Marker::Triangle,
    filled: true,
};
/// A hollow triangle.
pub const HOLLOW_TRIANGLE: Glyph = Glyph {
    shape: Marker::Triangle,
    filled: false,
};

/// One entry of a legend: a sample of a line and/or marker, and its label.
#[derive(Clone, Debug)]
pub struct Key {
    /// Text.
    pub label: String,
    /// Colour of line and marker.
    pub colour: RGBColor,
    /// The line sample.
    pub line: Line,
    /// The marker sample.
    pub glyph: Option<Glyph>,
}

impl Key {
    /// A solid line.
    pub fn line(label: impl Into<String>, colour: RGBColor) -> Key {
        Key {
            label: label.into(),
            colour,
            line: Line::Solid,
            glyph: None,
        }
    }

    /// A dashed line.
    pub fn dashed(label: impl Into<String>, colour: RGBColor) -> Key {
        Key {
            line: Line::Dashed,
            ..Key::line(label, colour)
        }
    }

    /// A marker without a line.
    pub fn mark(label: impl Into<String>, colour: RGBColor, glyph: Glyph) -> Key {
        Key {
            line: Line::None,
            glyph: Some(glyph),
            ..Key::line(label, colour)
        }
    }

    /// This key with a marker on its line.
    pub fn with(self, glyph: Glyph) -> Key {
        Key {
            glyph: Some(glyph),
            ..self
        }
    }
}

/// Dash length and gap of dashed lines at scale `s`.
fn dash(s: f64) -> (i32, i32) {
    (px(9.0, s), px(6.0, s))
}

/// Draws a marker of radius `size` (at scale 1) at `at` on any area.
pub fn glyph<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    at: CT::From,
    g: Glyph,
    size: f64,
    colour: RGBColor,
    s: f64,
) -> Res
where
    CT::From: Clone,
{
    let r = px(size, s);
    let fill = if g.filled { colour } else { WHITE };
    let edge = colour.stroke_width(px(2.0, s) as u32);
    match g.shape {
        Marker::Dot | Marker::Bar => {
            area.draw(&Circle::new(at.clone(), r, fill.filled()))
                .map_err(err)?;
            if !g.filled {
                area.draw(&Circle::new(at, r, edge)).map_err(err)?;
            }
        }
        Marker::Triangle => {
            // Triangles are always filled: a hollow one is a white one inside a coloured one.
            let t = px(2.0, s);
            area.draw(&TriangleMarker::new(at.clone(), r + 1, colour.filled()))
                .map_err(err)?;
            if !g.filled {
                area.draw(&TriangleMarker::new(
                    at,
                    (r + 1 - 2 * t).max(1),
                    WHITE.filled(),
                ))
                .map_err(err)?;
            }
        }
    }
    Ok(())
}

/// Draws `points` as a line of `colour`, `width` pixels wide at scale 1.
pub fn line<'a, DB: DrawingBackend + 'a, CT: CoordTranslate<From = (f64, f64)>>(
    chart: &mut ChartContext<'a, DB, CT>,
    points: Vec<(f64, f64)>,
    colour: RGBColor,
    kind: Line,
    width: f64,
    s: f64,
) -> Res {
    let style = colour.stroke_width(px(width, s) as u32);
    match kind {
        Line::None => Ok(()),
        Line::Solid => chart
            .draw_series(LineSeries::new(points, style))
            .map(|_| ())
            .map_err(err),
        Line::Dashed => {
            let (on, off) = dash(s);
            chart
                .draw_series(DashedLineSeries::new(points, on, off, style))
                .map(|_| ())
                .map_err(err)
        }
    }
}

/// Draws `g` at each of `points`.
pub fn markers<'a, DB: DrawingBackend + 'a, CT: CoordTranslate<From = (f64, f64)>>(
    chart: &ChartContext<'a, DB, CT>,
    points: &[(f64, f64)],
    g: Glyph,
    size: f64,
    colour: RGBColor,
    s: f64,
) -> Res {
    let area = chart.plotting_area();
    points
        .iter()
        .try_for_each(|&p| glyph(area, p, g, size, colour, s))
}

/// Vertical error bars with caps `cap` wide (in x units) on each side.
pub fn error_bars(
    points: &[(f64, (f64, f64))],
    cap: impl Fn(f64) -> (f64, f64),
    colour: RGBColor,
    s: f64,
) -> Vec<PathElement<(f64, f64)>> {
    let style = colour.stroke_width(px(2.0, s) as u32);
    points
        .iter()
        .flat_map(|&(x, (lo, hi))| {
            let (a, b) = cap(x);
            [
                PathElement::new(vec![(x, lo), (x, hi)], style),
                PathElement::new(vec![(a, lo), (b, lo)], style),
                PathElement::new(vec![(a, hi), (b, hi)], style),
            ]
        })
        .collect()
}

/// Draws a legend of line and marker samples with their labels in rows across the top of
/// `area`, and returns the area below it for the chart (so the legend never hides data).
pub fn legend_above<DB: DrawingBackend>(
    area: &Area<DB>,
    keys: &[Key],
    s: f64,
) -> Result<Area<DB>, String> {
    if keys.is_empty() {
        return Ok(area.clone());
    }
    let (w, _) = area.dim_in_pixel();
    let line_h = px(26.0, s);
    let char_w = 0.6 * font_px(LEGEND, s);
    let sample = px(28.0, s);
    let left = px(60.0, s);
    let room = w as i32 - left - px(10.0, s);
    let text_w =
        |label: &str| sample + px(16.0, s) + (char_w * label.chars().count() as f64) as i32;
    // A label too long for a row on its own drops what follows its ": " (a formula), so that
    // a narrow chart (a slide, a phone) names every line in full words rather than cutting one.
    let label_of = |k: &Key| -> String {
        match k.label.split_once(": ") {
            Some((short, _)) if text_w(&k.label) > room => short.to_string(),
            _ => k.label.clone(),
        }
    };
    let item_w = |k: &Key| text_w(&label_of(k));
    let mut rows: Vec<Vec<&Key>> = vec![Vec::new()];
    let mut x = left;
    for k in keys {
        let iw = item_w(k);
        if x + iw > w as i32 - px(10.0, s) && rows.last().is_some_and(|r| !r.is_empty()) {
            rows.push(Vec::new());
            x = left;
        }
        x += iw;
        if let Some(r) = rows.last_mut() {
            r.push(k);
        }
    }
    let (top, rest) = area.split_vertically(line_h * rows.len() as i32 + px(6.0, s));
    let text = font(LEGEND, s).pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Left,
        plotters::style::text_anchor::VPos::Center,
    ));
    for (r, row) in rows.iter().enumerate() {
        let y = px(6.0, s) + line_h * r as i32 + line_h / 2;
        let mut x = left;
        for k in row {
            let style = k.colour.stroke_width(px(3.0, s) as u32);
            let ends = vec![(x, y), (x + sample, y)];
            match k.line {
                Line::None => {}
                Line::Solid => top.draw(&PathElement::new(ends, style)).map_err(err)?,
                Line::Dashed => {
                    let (on, off) = dash(s);
                    top.draw(&plotters::element::DashedPathElement::new(
                        ends,
                        on * 2 / 3,
                        off * 2 / 3,
                        style,
                    ))
                    .map_err(err)?
                }
            }
            match k.glyph {
                Some(Glyph {
                    shape: Marker::Bar, ..
                }) => {
                    let h = px(7.0, s);
                    top.draw(&Rectangle::new(
                        [(x + sample / 2 - h, y - h), (x + sample / 2 + h, y + h)],
                        k.colour.filled(),
                    ))
                    .map_err(err)?
                }
                Some(g) => glyph(&top, (x + sample / 2, y), g, 6.0, k.colour, s)?,
                None => {}
            }
            top.draw(&Text::new(
                label_of(k),
                (x + sample + px(6.0, s), y),
                text.clone(),
            ))
            .map_err(err)?;
            x += item_w(k);
        }
    }
    Ok(rest)
}

/// Axis titles and tick formats of a chart on two [`Ticked`] axes.
pub struct Axes<'f> {
    /// Title of the x axis.
    pub x_desc: &'f str,
    /// Title of the y axis.
    pub y_desc: &'f str,
    /// Tick labels of the x axis.
    pub x_fmt: &'f dyn Fn(&f64) -> String,
    /// Tick labels of the y axis.
    pub y_fmt: &'f dyn Fn(&f64) -> String,
    /// Grid lines at the ticks (not over a heatmap).
    pub grid: bool,
}

/// Draws the axes of a chart on two [`Ticked`] axes: ticks, grid lines at the ticks if asked,
/// and the axis titles.
pub fn axes<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<Ticked, Ticked>>,
    a: &Axes<'_>,
    s: f64,
) -> Res {
    let (w, h) = chart.plotting_area().dim_in_pixel();
    let title_px = font_px(AXIS, s);
    let x_desc = fit_title(a.x_desc, w as f64, title_px);
    let y_desc = fit_title(a.y_desc, h as f64, title_px);
    let (x_fmt, y_fmt) = (a.x_fmt, a.y_fmt);
    let grid = if a.grid {
        GRID.stroke_width(px(1.0, s) as u32)
    } else {
        TRANSPARENT.stroke_width(1)
    };
    let mut mesh = chart.configure_mesh();
    if !x_desc.is_empty() {
        mesh.x_desc(x_desc.as_str());
    }
    if !y_desc.is_empty() {
        mesh.y_desc(y_desc.as_str());
    }
    mesh.set_all_tick_mark_size(px(6.0, s))
        .x_labels(1000)
        .y_labels(1000)
        .x_label_formatter(x_fmt)
        .y_label_formatter(y_fmt)
        .label_style(font(TICK, s))
        .axis_desc_style(font(AXIS, s))
        .axis_style(INK.stroke_width(px(1.0, s) as u32))
        .bold_line_style(grid)
        .light_line_style(TRANSPARENT)
        .draw()
        .map_err(err)
}

/// Estimated width in px of `text` at `font_px` (sans-serif: about 0.55 em a character).
fn text_width(text: &str, font_px: f64) -> f64 {
    0.55 * font_px * text.chars().count() as f64
}

/// An axis title that fits in `room` px at `font_px`: the title, else without its trailing
/// parenthesis ("loss (log scale)" → "loss"), else as many of its first words as fit (the
/// first one at least), so that a title is never clipped by the canvas edge.
pub fn fit_title(title: &str, room: f64, font_px: f64) -> String {
    if text_width(title, font_px) <= room {
        return title.to_string();
    }
    let short = match title.find(" (") {
        Some(i) => &title[..i],
        None => title,
    };
    if text_width(short, font_px) <= room {
        return short.to_string();
    }
    let mut out = String::new();
    for word in short.split_whitespace() {
        let next = if out.is_empty() {
            word.to_string()
        } else {
            format!("{out} {word}")
        };
        if !out.is_empty() && text_width(&next, font_px) > room {
            break;
        }
        out = next;
    }
    out
}

/// Formats a positive number as `1e-5`, `3e-2` or `2.5e-3` for log axes (empty for others).
pub fn sci(v: f64) -> String {
    if !(v.is_finite() && v > 0.0) {
        return String::new();
    }
    let mut e = v.log10().floor();
    let mut m = v / 10f64.powf(e);
    if m >= 9.95 {
        e += 1.0;
        m /= 10.0;
    }
    // One significant digit when it is exact enough, two otherwise (so that ticks of a
    // narrow range stay distinct).
    if (m - m.round()).abs() < 0.05 {
        format!("{:.0}e{}", m.round(), e as i32)
    } else {
        format!("{:.1}e{}", m, e as i32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_titles_are_shortened_to_fit_never_clipped() {
        let px = 14.0;
        assert_eq!(fit_title("loss (log scale)", 500.0, px), "loss (log scale)");
        assert_eq!(fit_title("loss (log scale)", 60.0, px), "loss");
        assert_eq!(
            fit_title("Hessian eigenvalue (signed log)", 150.0, px),
            "Hessian eigenvalue"
        );
        assert_eq!(
            fit_title("Hessian eigenvalue (signed log)", 80.0, px),
            "Hessian"
        );
        assert!(text_width(&fit_title("student width n", 100.0, px), px) <= 100.0);
    }

    #[test]
    fn sci_formats_log_ticks() {
        assert_eq!(sci(1e-5), "1e-5");
        assert_eq!(sci(10f64.powf(-2.0 + 2f64.log10())), "2e-2");
        assert_eq!(sci(2.5e-3), "2.5e-3");
        assert_eq!(sci(0.0), "");
    }
}
