//! What the student has learned next to the teacher: both networks along a line through input
//! space (the first input, the others at 0), with the training data when d = 1.

use crate::charts::axis::{decimals, fixed, Frame, Spec, Ticks};
use crate::charts::palette::{INK, STUDENT};
use crate::charts::style::{
    axes, blank, err, legend_above, line, markers, scale_for, titled, Axes, Key, Line, Res, DOT,
};
use crate::charts::{Area, Look};
use crate::core::network::Network;
use crate::core::task::Task;
use plotters::prelude::*;

/// Half-width of the input range shown.
const X_RANGE: f64 = 3.0;
/// Points along the line.
const SAMPLES: usize = 161;

/// Teacher (ink) and student (blue) along the first input coordinate, with the training
/// points (small ink dots) when the input is one-dimensional.
pub fn fit<DB: DrawingBackend>(root: &Area<DB>, task: &Task, student: &Network, look: Look) -> Res {
    let s = scale_for(root, look);
    blank(root)?;
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
    let teacher: Vec<(f64, f64)> = teacher.into_iter().filter(|p| p.1.is_finite()).collect();
    let learned: Vec<(f64, f64)> = learned.into_iter().filter(|p| p.1.is_finite()).collect();
    let data: Vec<(f64, f64)> = if d == 1 {
        task.inputs
            .column(0)
            .iter()
            .zip(&task.targets)
            .map(|(&a, &b)| (a, b))
            .filter(|p| p.0.abs() <= X_RANGE && p.1.is_finite())
            .collect()
    } else {
        Vec::new()
    };
    let (lo, hi) = teacher
        .iter()
        .chain(&learned)
        .chain(&data)
        .fold((-1.0f64, 1.0f64), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
    let pad = 0.08 * (hi - lo);
    let x_desc = match d {
        1 => "input x".to_string(),
        2 => "input x₁ (with x₂ = 0)".to_string(),
        _ => format!("input x₁ (the other {} inputs at 0)", d - 1),
    };
    let area = titled(root, "Teacher and student", look, s)?;
    let mut keys = vec![Key::line("teacher", INK), Key::line("student", STUDENT)];
    if !data.is_empty() {
        keys.push(Key::mark("training data", INK, DOT));
    }
    let body = legend_above(&area, &keys, s)?;
    let x_dec = std::cell::Cell::new(1);
    let y_dec = std::cell::Cell::new(1);
    let x_fmt = |v: &f64| fixed(*v, x_dec.get());
    let y_fmt = |v: &f64| fixed(*v, y_dec.get());
    let (frame, xa, ya) = Frame::standard(s).axes(
        &body,
        &Spec {
            range: -X_RANGE..X_RANGE,
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
    x_dec.set(decimals(xa.ticks()));
    y_dec.set(decimals(ya.ticks()));
    let mut chart = frame.chart(&body, xa, ya)?;
    axes(
        &mut chart,
        &Axes {
            x_desc: &x_desc,
            y_desc: "output (standardised)",
            x_fmt: &x_fmt,
            y_fmt: &y_fmt,
            grid: true,
        },
        s,
    )?;
    markers(&chart, &data, DOT, 2.5, INK, s)?;
    line(&mut chart, teacher, INK, Line::Solid, 3.0, s)?;
    line(&mut chart, learned, STUDENT, Line::Solid, 3.5, s)?;
    root.present().map_err(err)
}
