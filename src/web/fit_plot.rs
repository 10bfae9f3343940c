//! What the student has learned next to the teacher: a 1-D cut through input space along the
//! first input coordinate (the others held at 0), with the training data when d = 1.

use crate::core::network::Network;
use crate::core::task::Task;
use crate::web::canvas::fit_to_css_size;
use crate::web::style::{fonts, legend_box, BLUE, GRID, INK, POINTS};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

/// Half-width of the input range shown.
const X_RANGE: f64 = 3.0;
/// Points along the cut.
const SAMPLES: usize = 161;

/// Draws teacher and student along the cut.
pub fn draw(canvas: &HtmlCanvasElement, task: &Task, student: &Network) -> Result<(), String> {
    let Some(ratio) = fit_to_css_size(canvas) else {
        return Ok(());
    };
    let d = task.config.input_dim;
    let mut x = vec![0.0; d];
    let mut teacher = Vec::with_capacity(SAMPLES);
    let mut learned = Vec::with_capacity(SAMPLES);
    for i in 0..SAMPLES {
        let t = -X_RANGE + 2.0 * X_RANGE * i as f64 / (SAMPLES - 1) as f64;
        x[0] = t;
        teacher.push((t, task.teacher_output(&x)));
        learned.push((t, student.output(&x)));
    }
    let data: Vec<(f64, f64)> = if d == 1 {
        task.inputs
            .column(0)
            .iter()
            .zip(&task.targets)
            .map(|(&a, &b)| (a, b))
            .filter(|p| p.0.abs() <= X_RANGE)
            .collect()
    } else {
        Vec::new()
    };
    let finite = |v: &f64| v.is_finite();
    let ys = teacher
        .iter()
        .chain(&learned)
        .chain(&data)
        .map(|p| p.1)
        .filter(finite);
    let (lo, hi) = ys.fold((-1.0f64, 1.0f64), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let pad = 0.08 * (hi - lo);
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no 2-D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (label, title) = fonts(ratio);
    let x_desc = match d {
        1 => "input x".to_string(),
        2 => "input x₁ (with x₂ = 0)".to_string(),
        _ => format!("input x₁ (the other {} inputs at 0)", d - 1),
    };
    let mut chart = ChartBuilder::on(&root)
        .margin((10.0 * ratio) as i32)
        .x_label_area_size((34.0 * ratio) as i32)
        .y_label_area_size((46.0 * ratio) as i32)
        .build_cartesian_2d(-X_RANGE..X_RANGE, (lo - pad)..(hi + pad))
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc("output (standardised)")
        .y_label_formatter(&|v| format!("{:.1}", if v.abs() < 1e-9 { 0.0 } else { *v }))
        .label_style(label.clone())
        .axis_desc_style(title)
        .light_line_style(WHITE)
        .bold_line_style(GRID.stroke_width(ratio as u32))
        .draw()
        .map_err(|e| e.to_string())?;
    if !data.is_empty() {
        let r = (2.0 * ratio) as i32;
        chart
            .draw_series(data.iter().map(|&p| Circle::new(p, r, POINTS.filled())))
            .map_err(|e| e.to_string())?
            .label("training data")
            .legend(move |(x, y)| Circle::new((x + 9, y), 3, POINTS.filled()));
    }
    chart
        .draw_series(LineSeries::new(
            teacher,
            INK.stroke_width((2.0 * ratio) as u32),
        ))
        .map_err(|e| e.to_string())?
        .label("teacher")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], INK.stroke_width(3)));
    let learned: Vec<(f64, f64)> = learned.into_iter().filter(|p| p.1.is_finite()).collect();
    chart
        .draw_series(LineSeries::new(
            learned,
            BLUE.stroke_width((2.5 * ratio) as u32),
        ))
        .map_err(|e| e.to_string())?
        .label("student")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], BLUE.stroke_width(3)));
    legend_box(&mut chart, SeriesLabelPosition::UpperLeft, label)?;
    Ok(())
}
