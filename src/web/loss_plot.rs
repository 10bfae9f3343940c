//! The training-loss curve on a log scale, with the success threshold.

use crate::web::canvas::fit_to_css_size;
use crate::web::style::{fonts, legend_box, sci, BLUE, GRID, VERMILLION};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

/// Draws the loss curve `(steps, losses)`, the threshold line and, if given, a labelled
/// vertical marker at a step (such as the moment a neuron was added).
pub fn draw(
    canvas: &HtmlCanvasElement,
    steps: &[u64],
    losses: &[f64],
    threshold: f64,
    marker: Option<(u64, &str)>,
) -> Result<(), String> {
    let Some(ratio) = fit_to_css_size(canvas) else {
        return Ok(());
    };
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no 2-D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let points: Vec<(f64, f64)> = steps
        .iter()
        .zip(losses)
        .filter(|(_, l)| l.is_finite() && **l > 0.0)
        .map(|(&s, &l)| (s as f64, l))
        .collect();
    let (lo, hi) = points.iter().fold((threshold, threshold), |(lo, hi), p| {
        (lo.min(p.1), hi.max(p.1))
    });
    // A linear axis over log10(loss) gives nice ticks for any span of decades.
    let (lo, hi) = ((lo / 3.0).log10(), (hi * 3.0).log10());
    let points: Vec<(f64, f64)> = points.into_iter().map(|(s, l)| (s, l.log10())).collect();
    let threshold_log = threshold.log10();
    let max_step = points.last().map(|p| p.0).unwrap_or(0.0).max(10.0);
    let (label, title) = fonts(ratio);
    let mut chart = ChartBuilder::on(&root)
        .margin((10.0 * ratio) as i32)
        .margin_right((22.0 * ratio) as i32)
        .x_label_area_size((34.0 * ratio) as i32)
        .y_label_area_size((58.0 * ratio) as i32)
        .build_cartesian_2d(0.0..max_step, lo..hi)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("optimiser step")
        .y_desc("loss (log scale)")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| sci(10f64.powf(*v)))
        .x_labels(6)
        .y_labels(8)
        .label_style(label.clone())
        .axis_desc_style(title)
        .light_line_style(WHITE)
        .bold_line_style(GRID.stroke_width(ratio as u32))
        .draw()
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(LineSeries::new(
            [(0.0, threshold_log), (max_step, threshold_log)],
            VERMILLION.stroke_width((1.5 * ratio) as u32),
        ))
        .map_err(|e| e.to_string())?
        .label(format!("success threshold {}", sci(threshold)))
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], VERMILLION.stroke_width(2)));
    chart
        .draw_series(LineSeries::new(
            points,
            BLUE.stroke_width((2.0 * ratio) as u32),
        ))
        .map_err(|e| e.to_string())?
        .label("training loss")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], BLUE.stroke_width(3)));
    if let Some((step, label)) = marker {
        let x = step as f64;
        let grey = RGBColor(120, 120, 120);
        chart
            .draw_series(LineSeries::new(
                [(x, lo), (x, hi)],
                grey.stroke_width((1.5 * ratio) as u32),
            ))
            .map_err(|e| e.to_string())?
            .label(label.to_string())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], grey.stroke_width(2)));
    }
    legend_box(&mut chart, SeriesLabelPosition::LowerLeft, label)?;
    Ok(())
}
