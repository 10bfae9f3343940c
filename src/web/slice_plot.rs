//! The landscape slice: a heatmap of the loss on a log colour scale (an RGBA buffer put on an
//! off-screen canvas and scaled into the plot), contour lines, the projected trajectory, the
//! current point and a colour bar. Plotters draws axes, labels and lines.

use crate::core::colormap::{heatmap_rgba, viridis, LogScale};
use crate::web::app::FinishedSlice;
use crate::web::canvas::{context, fit_to_css_size, image_canvas};
use crate::web::style::{fonts, sci};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

/// Pixels of the colour bar's gradient image.
const BAR_STEPS: usize = 256;

/// Draws `done` with the current point at plane coordinates `current`.
pub fn draw(
    canvas: &HtmlCanvasElement,
    done: &FinishedSlice,
    current: (f64, f64),
) -> Result<(), String> {
    let Some(ratio) = fit_to_css_size(canvas) else {
        return Ok(());
    };
    let slice = &done.slice;
    let r = slice.resolution;
    let (lo, hi) = done.colour_range;
    let scale = LogScale::new(lo, hi);
    let ctx = context(canvas).ok_or("no 2-D context")?;
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no 2-D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (w, _) = root.dim_in_pixel();
    let bar_width = (92.0 * ratio) as u32;
    let (main, bar) = root.split_horizontally(w.saturating_sub(bar_width));
    // Keep the plane's axes at equal scale: pad the longer side so the plotting area is square.
    let (mw, mh) = main.dim_in_pixel();
    let margin = 10.0 * ratio;
    let (x_axis, y_axis) = (34.0 * ratio, 46.0 * ratio);
    let free_w = mw as f64 - y_axis - 2.0 * margin;
    let free_h = mh as f64 - x_axis - 2.0 * margin;
    let side = free_w.min(free_h).max(10.0);
    let pad_x = ((free_w - side) / 2.0).max(0.0);
    let pad_y = ((free_h - side) / 2.0).max(0.0);
    let (label, title) = fonts(ratio);
    // Grid point i sits at the centre of heatmap pixel i: widen the axes by half a cell.
    let half = slice.extent / (r - 1) as f64;
    let range = (-slice.extent - half)..(slice.extent + half);
    let mut chart = ChartBuilder::on(&main)
        .margin_top((margin + pad_y) as i32)
        .margin_bottom((margin + pad_y) as i32)
        .margin_left((margin + pad_x) as i32)
        .margin_right((margin + pad_x) as i32)
        .x_label_area_size(x_axis as i32)
        .y_label_area_size(y_axis as i32)
        .build_cartesian_2d(range.clone(), range.clone())
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(shorten(&slice.plane.u_label))
        .y_desc(shorten(&slice.plane.v_label))
        .x_labels(5)
        .y_labels(5)
        .label_style(label.clone())
        .axis_desc_style(title.clone())
        .draw()
        .map_err(|e| e.to_string())?;
    let (px, py) = chart.plotting_area().get_pixel_range();
    let image = image_canvas(
        &heatmap_rgba(&slice.values, r, r, &scale),
        r as u32,
        r as u32,
    )
    .ok_or("could not make the heatmap image")?;
    ctx.set_image_smoothing_enabled(r < 101);
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
        &image,
        px.start as f64,
        py.start as f64,
        (px.end - px.start) as f64,
        (py.end - py.start) as f64,
    )
    .map_err(|_| "could not draw the heatmap")?;
    // Contours, converted from grid to plane coordinates.
    let to_plane = |(c, row): (f64, f64)| (slice_coord(slice, c), slice_coord(slice, row));
    let contour_style = WHITE.mix(0.55).stroke_width(ratio.max(1.0) as u32);
    chart
        .draw_series(
            done.contours
                .iter()
                .map(|&(a, b)| PathElement::new(vec![to_plane(a), to_plane(b)], contour_style)),
        )
        .map_err(|e| e.to_string())?;
    // The trajectory: a black casing under a white line, only where it lies inside the frame.
    let inside = |p: &(f64, f64)| p.0.abs() <= slice.extent && p.1.abs() <= slice.extent;
    let mut path = done.path.clone();
    path.push(current);
    let pieces = inside_runs(&path, inside);
    for (colour, width) in [(BLACK, 4.5), (WHITE, 2.0)] {
        chart
            .draw_series(pieces.iter().map(|run| {
                PathElement::new(run.clone(), colour.stroke_width((width * ratio) as u32))
            }))
            .map_err(|e| e.to_string())?;
    }
    if let Some(start) = done.path.first().filter(|p| inside(p)) {
        let s = (4.0 * ratio) as i32;
        ctx.set_fill_style_str("#ffffff");
        let (sx, sy) = chart.backend_coord(start);
        ctx.fill_rect(
            (sx - s) as f64,
            (sy - s) as f64,
            2.0 * s as f64,
            2.0 * s as f64,
        );
        ctx.set_stroke_style_str("#000000");
        ctx.set_line_width(1.5 * ratio);
        ctx.stroke_rect(
            (sx - s) as f64,
            (sy - s) as f64,
            2.0 * s as f64,
            2.0 * s as f64,
        );
    }
    if inside(&current) {
        let rad = (6.0 * ratio) as i32;
        chart
            .draw_series([
                Circle::new(current, rad, BLACK.filled()),
                Circle::new(
                    current,
                    rad - (2.0 * ratio) as i32,
                    RGBColor(230, 159, 0).filled(),
                ),
            ])
            .map_err(|e| e.to_string())?;
    }
    draw_colour_bar(&bar, &ctx, &scale, ratio, pad_y, label, title)?;
    Ok(())
}

/// Plane coordinate of a fractional grid index.
fn slice_coord(slice: &crate::core::slice::Slice, i: f64) -> f64 {
    -slice.extent + 2.0 * slice.extent * i / (slice.resolution - 1) as f64
}

/// Splits a polyline into the runs of consecutive points that satisfy `inside`.
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
    if run.len() > 1 {
        runs.push(run);
    }
    runs.retain(|r| r.len() > 1);
    runs
}

/// Axis labels longer than fit a slide are cut at the parenthesis.
fn shorten(label: &str) -> String {
    if label.chars().count() <= 42 {
        label.to_string()
    } else {
        label.split(" (").next().unwrap_or(label).to_string()
    }
}

fn draw_colour_bar(
    area: &DrawingArea<CanvasBackend, plotters::coord::Shift>,
    ctx: &web_sys::CanvasRenderingContext2d,
    scale: &LogScale,
    ratio: f64,
    pad_y: f64,
    label: TextStyle<'_>,
    title: TextStyle<'_>,
) -> Result<(), String> {
    // Linear axis over log10(loss): nice ticks whether the range spans one decade or ten.
    let mut chart = ChartBuilder::on(area)
        .margin_top((10.0 * ratio + pad_y) as i32)
        .margin_bottom((44.0 * ratio + pad_y) as i32)
        .margin_right((4.0 * ratio) as i32)
        .y_label_area_size((56.0 * ratio) as i32)
        .build_cartesian_2d(0.0..1.0, scale.log_lo()..scale.log_hi())
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_desc("loss (log scale)")
        .y_label_formatter(&|v| sci(10f64.powf(*v)))
        .y_labels(6)
        .label_style(label)
        .axis_desc_style(title)
        .draw()
        .map_err(|e| e.to_string())?;
    let (px, py) = chart.plotting_area().get_pixel_range();
    let mut rgba = Vec::with_capacity(BAR_STEPS * 4);
    for i in 0..BAR_STEPS {
        let t = 1.0 - i as f64 / (BAR_STEPS - 1) as f64;
        let [r, g, b] = viridis(t);
        rgba.extend_from_slice(&[r, g, b, 255]);
    }
    let image = image_canvas(&rgba, 1, BAR_STEPS as u32).ok_or("colour bar image")?;
    ctx.set_image_smoothing_enabled(true);
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
        &image,
        px.start as f64,
        py.start as f64,
        (px.end - px.start) as f64,
        (py.end - py.start) as f64,
    )
    .map_err(|_| "could not draw the colour bar")?;
    Ok(())
}
