//! A landscape slice: the loss on a plane on a log colour scale (viridis), contour lines, the
//! projected trajectory (white on black, only the parts inside the square), the start
//! (white square), the current point (orange) and a colour bar.
//!
//! The chart lays out the axes and then hands the plotting area's pixel rectangle and the
//! heatmap's RGBA pixels to a closure of the caller, which puts the image there: the page
//! scales an off-screen canvas into it (fast); other backends can use
//! [`draw_heatmap_cells`].

use crate::charts::axis::{decimals, fixed, Frame, Spec, Ticks};
use crate::charts::palette::CURRENT;
use crate::charts::probe::{PlaneMap, Probe, Reach};
use crate::charts::style::{
    axes, blank, err, font, font_px, px, scale_for, sci, titled, Axes, Res, AXIS, TICK,
};
use crate::charts::{Area, Look};
use crate::core::colormap::{viridis, LogScale};
use crate::core::slice_view::FinishedSlice;
use plotters::prelude::*;
use std::ops::Range;

/// The heatmap to put, and where.
#[derive(Clone, Debug)]
pub struct Heatmap<'a> {
    /// Backend pixel columns of the plotting area (end exclusive).
    pub x: Range<i32>,
    /// Backend pixel rows of the plotting area (end exclusive), top first.
    pub y: Range<i32>,
    /// `cols x rows` RGBA pixels, row 0 at the top.
    pub rgba: &'a [u8],
    /// Pixels per row of `rgba`.
    pub cols: usize,
    /// Rows of `rgba`.
    pub rows: usize,
}

impl Heatmap<'_> {
    /// True if the image should be smoothed when scaled (coarse grids look better smoothed;
    /// fine ones stay sharp).
    pub fn smooth(&self) -> bool {
        self.cols < 101
    }
}

/// Puts a heatmap with one plotters rectangle per cell (for SVG and other native backends;
/// `root` is the area the slice is drawn on, or any area of the same backend).
pub fn draw_heatmap_cells<DB: DrawingBackend>(root: &Area<DB>, h: &Heatmap<'_>) -> Res {
    let (bx, by) = root.get_base_pixel();
    let (w, ht) = (h.x.end - h.x.start, h.y.end - h.y.start);
    let edge = |start: i32, len: i32, i: usize, n: usize| start + len * i as i32 / n as i32;
    for r in 0..h.rows {
        for c in 0..h.cols {
            let p = &h.rgba[(r * h.cols + c) * 4..(r * h.cols + c) * 4 + 3];
            let (x0, x1) = (
                edge(h.x.start, w, c, h.cols),
                edge(h.x.start, w, c + 1, h.cols),
            );
            let (y0, y1) = (
                edge(h.y.start, ht, r, h.rows),
                edge(h.y.start, ht, r + 1, h.rows),
            );
            root.draw(&Rectangle::new(
                [(x0 - bx, y0 - by), (x1 - bx, y1 - by)],
                RGBColor(p[0], p[1], p[2]).filled(),
            ))
            .map_err(err)?;
        }
    }
    Ok(())
}

/// Axis titles longer than fit a slide are cut at the parenthesis.
fn shorten(label: &str) -> String {
    if label.chars().count() <= 42 {
        label.to_string()
    } else {
        label.split(" (").next().unwrap_or(label).to_string()
    }
}

/// Splits a polyline into the runs of at least two consecutive points that satisfy `inside`.
fn inside_runs(path: &[(f64, f64)], inside: impl Fn(&(f64, f64)) -> bool) -> Vec<Vec<(f64, f64)>> {
    let mut runs = Vec::new();
    let mut run = Vec::new();
    for p in path {
        if inside(p) {
            run.push(*p);
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    runs.push(run);
    runs.retain(|r| r.len() > 1);
    runs
}

/// Draws the slice `done` with the current point at plane coordinates `current`; the
/// heatmap (on `done.colour_range`) is put by `put_heatmap`. Returns what a pointer reads:
/// the square's map to the plane (the caller reads the loss there with
/// [`FinishedSlice::loss_under`]).
pub fn slice<DB: DrawingBackend>(
    root: &Area<DB>,
    done: &FinishedSlice,
    current: (f64, f64),
    look: Look,
    put_heatmap: impl FnOnce(&Heatmap<'_>) -> Res,
) -> Result<Probe, String> {
    let s = scale_for(root, look);
    blank(root)?;
    let slice = &done.slice;
    let r = slice.resolution.max(2);
    let (lo, hi) = done.colour_range;
    let scale = LogScale::new(lo, hi);
    let title = format!(
        "Loss on a plane through the student at step {}",
        done.at_step
    );
    let area = titled(root, &title, look, s)?;
    let (w, h) = area.dim_in_pixel();
    let (tick, title_px) = (font_px(TICK, s), font_px(AXIS, s));
    let margin = px(14.0, s);
    let x_area = (1.3 * (tick + title_px)) as i32 + px(8.0, s);
    // Colour bar: its tick labels, a title and the gradient.
    let bar_fmt = |v: &f64| sci(10f64.powf(*v));
    let bar_ticks = |side: f64| {
        let span = scale.log_hi() - scale.log_lo();
        crate::charts::axis::log_ticks(
            scale.log_lo(),
            scale.log_hi(),
            crate::charts::axis::y_gap_px(tick) * span / side.max(1.0),
        )
    };
    let bar_width = |ticks: &[f64]| {
        crate::charts::axis::y_area_for(
            crate::charts::axis::longest(ticks, |v| bar_fmt(&v)),
            tick,
            title_px,
            s,
        ) + px(26.0, s)
            + margin
    };
    // The plotting area is square: the plane's axes have equal scale.
    let y_area_est = crate::charts::axis::y_area_for(4, tick, title_px, s);
    let side_for = |bar_w: i32| {
        let free_w = w as f64 - bar_w as f64 - y_area_est as f64 - 2.0 * margin as f64;
        let free_h = h as f64 - x_area as f64 - 2.0 * margin as f64;
        (free_w.min(free_h).max(10.0), free_w, free_h)
    };
    let mut bar_w = bar_width(&bar_ticks(side_for(px(130.0, s)).0));
    let (side, _, _) = side_for(bar_w);
    let b_ticks = bar_ticks(side);
    bar_w = bar_width(&b_ticks);
    let (main, bar) = area.split_horizontally((w as i32 - bar_w).max(1));

    // Grid point i sits at the centre of heatmap pixel i: widen the axes by half a cell.
    let half = slice.extent / (r - 1) as f64;
    let range = (-slice.extent - half)..(slice.extent + half);
    let (x_dec, y_dec) = (std::cell::Cell::new(1), std::cell::Cell::new(1));
    let x_fmt = |v: &f64| fixed(*v, x_dec.get());
    let y_fmt = |v: &f64| fixed(*v, y_dec.get());
    let ticks = Ticks::Given(crate::charts::axis::linear_ticks(
        -slice.extent,
        slice.extent,
        slice.extent / 4.0,
    ));
    let x_spec = Spec {
        range: range.clone(),
        ticks: ticks.clone(),
        fmt: &x_fmt,
    };
    let y_spec = Spec {
        range: range.clone(),
        ticks,
        fmt: &y_fmt,
    };
    let (mut frame, _, _) = Frame::new(margin, x_area, 0).axes(&main, &x_spec, &y_spec, true, s);
    let (mw, mh) = main.dim_in_pixel();
    let free_w = mw as f64 - frame.y_area as f64 - 2.0 * margin as f64;
    let free_h = mh as f64 - x_area as f64 - 2.0 * margin as f64;
    let side = free_w.min(free_h).max(10.0);
    let pad_x = ((free_w - side) / 2.0).max(0.0) as i32;
    let pad_y = ((free_h - side) / 2.0).max(0.0) as i32;
    frame.top = margin + pad_y;
    frame.bottom = margin + pad_y;
    frame.left = margin + pad_x;
    frame.right = margin + pad_x;
    let (frame, xa, ya) = frame.axes(&main, &x_spec, &y_spec, true, s);
    x_dec.set(decimals(xa.ticks()));
    y_dec.set(decimals(ya.ticks()));
    let mut chart = frame.chart(&main, xa, ya)?;
    let (px_range, py_range) = chart.plotting_area().get_pixel_range();
    let mut probe = Probe::on(
        (px_range.clone(), py_range.clone()),
        Reach::Pixels(px(10.0, s) as f64),
    );
    // The heatmap fills the plotting area, which spans the axis range exactly.
    probe.plane = Some(PlaneMap {
        x: px_range.start as f64..px_range.end as f64,
        y: py_range.start as f64..py_range.end as f64,
        a: (range.start, range.end),
        b: (range.start, range.end),
    });
    let rgba = done.heatmap();
    put_heatmap(&Heatmap {
        x: px_range,
        y: py_range,
        rgba: &rgba,
        cols: r,
        rows: r,
    })?;
    axes(
        &mut chart,
        &Axes {
            x_desc: &shorten(&slice.plane.u_label),
            y_desc: &shorten(&slice.plane.v_label),
            x_fmt: &x_fmt,
            y_fmt: &y_fmt,
            grid: false,
        },
        s,
    )?;
    // Contours, from grid to plane coordinates.
    let to_plane = |(c, row): (f64, f64)| (grid_coord(done, c), grid_coord(done, row));
    let contour = WHITE.mix(0.55).stroke_width(px(1.5, s) as u32);
    // Joined into polylines: a fine grid has thousands of segments, one canvas path each.
    chart
        .draw_series(done.contour_lines().iter().map(|line| {
            PathElement::new(
                line.iter().copied().map(to_plane).collect::<Vec<_>>(),
                contour,
            )
        }))
        .map_err(err)?;
    // The trajectory: a black casing under a white line, only where it lies inside the square.
    let inside = |p: &(f64, f64)| done.contains(*p);
    let mut path = done.path.clone();
    path.push(current);
    let pieces = inside_runs(&path, inside);
    for (colour, width) in [(BLACK, 6.5), (WHITE, 3.0)] {
        chart
            .draw_series(
                pieces.iter().map(|run| {
                    PathElement::new(run.clone(), colour.stroke_width(px(width, s) as u32))
                }),
            )
            .map_err(err)?;
    }
    if let Some(&start) = done.path.first().filter(|p| inside(p)) {
        let a = px(6.0, s);
        let square = [(-a, -a), (a, a)];
        chart
            .plotting_area()
            .draw(&(EmptyElement::at(start) + Rectangle::new(square, WHITE.filled())))
            .map_err(err)?;
        chart
            .plotting_area()
            .draw(
                &(EmptyElement::at(start)
                    + Rectangle::new(square, BLACK.stroke_width(px(2.0, s) as u32))),
            )
            .map_err(err)?;
    }
    if inside(&current) {
        let rad = px(9.0, s);
        chart
            .draw_series([
                Circle::new(current, rad, BLACK.filled()),
                Circle::new(current, (rad - px(3.0, s)).max(1), CURRENT.filled()),
            ])
            .map_err(err)?;
    }
    colour_bar(&bar, &scale, &b_ticks, margin + pad_y, x_area, s)?;
    root.present().map_err(err)?;
    Ok(probe)
}

/// Plane coordinate of a fractional grid index.
fn grid_coord(done: &FinishedSlice, i: f64) -> f64 {
    let sl = &done.slice;
    -sl.extent + 2.0 * sl.extent * i / (sl.resolution.max(2) - 1) as f64
}

/// The colour bar: viridis bands from the scale's low to its high end, with decade ticks,
/// spanning the square's height (`top` above it, `x_area + top` below).
fn colour_bar<DB: DrawingBackend>(
    area: &Area<DB>,
    scale: &LogScale,
    ticks: &[f64],
    top: i32,
    x_area: i32,
    s: f64,
) -> Res {
    let (lo, hi) = (scale.log_lo(), scale.log_hi());
    let y_area = area.dim_in_pixel().0 as i32 - px(26.0, s) - px(14.0, s);
    let mut chart = ChartBuilder::on(area)
        .margin_top(top)
        .margin_bottom(top + x_area)
        .margin_right(px(14.0, s))
        .y_label_area_size(y_area.max(1))
        .build_cartesian_2d(
            0.0..1.0,
            crate::charts::axis::Ticked::new(lo..hi, ticks.to_vec()),
        )
        .map_err(err)?;
    let (_, rows) = chart.plotting_area().get_pixel_range();
    let bands = (((rows.end - rows.start) / 2).max(8) as usize).min(256);
    chart
        .draw_series((0..bands).map(|i| {
            let (a, b) = (i as f64 / bands as f64, (i + 1) as f64 / bands as f64);
            let [r, g, bl] = viridis((i as f64 + 0.5) / bands as f64);
            Rectangle::new(
                [(0.0, lo + a * (hi - lo)), (1.0, lo + b * (hi - lo))],
                RGBColor(r, g, bl).filled(),
            )
        }))
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .set_all_tick_mark_size(px(6.0, s))
        .y_desc("loss (log scale)")
        .y_labels(1000)
        .y_label_formatter(&|v| sci(10f64.powf(*v)))
        .label_style(font(TICK, s))
        .axis_desc_style(font(AXIS, s))
        .draw()
        .map_err(err)
}
