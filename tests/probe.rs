//! The charts' hover readouts ([`escape_dims::charts::probe`]), checked against what the
//! charts draw: a reading sits on the pixel where its value was drawn (a vertex of the
//! curve's polyline, the centre of a dot) and says that value; a slice's pixel reads the
//! loss the heatmap shows there.

#![cfg(not(target_arch = "wasm32"))]

use escape_dims::charts::{self, Heatmap, Look, Probe};
use escape_dims::core::activation::Activation;
use escape_dims::core::network::{Network, Shape};
use escape_dims::core::objective::Objective;
use escape_dims::core::plane::Plane;
use escape_dims::core::rng::{SeededRng, Stream};
use escape_dims::core::slice::Slice;
use escape_dims::core::slice_view::FinishedSlice;
use escape_dims::core::task::{Task, TaskConfig};
use escape_dims::experiments::sweep::{SweepConfig, SweepResult, WidthSummary};
use plotters::prelude::*;
use std::cell::RefCell;

/// Renders a chart of `w x h` pixels to SVG and returns the SVG and the chart's probe.
fn draw(
    w: u32,
    h: u32,
    chart: impl FnOnce(&charts::Area<SVGBackend<'_>>) -> Result<Probe, String>,
) -> (String, Probe) {
    let mut out = String::new();
    let probe;
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        probe = chart(&root).expect("chart drawn");
    }
    (out, probe)
}

/// The vertices of every polyline of `colour` (`#RRGGBB`).
fn polyline_vertices(svg: &str, colour: &str) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for el in svg.split("<polyline ").skip(1) {
        let el = &el[..el.find('>').unwrap_or(el.len())];
        if !el.contains(&format!("stroke=\"{colour}\"")) {
            continue;
        }
        let Some(start) = el.find("points=\"") else {
            continue;
        };
        let pts = &el[start + 8..];
        let pts = &pts[..pts.find('"').unwrap_or(pts.len())];
        for pair in pts.split_whitespace() {
            let mut it = pair.split(',').map(|v| v.parse::<f64>().unwrap());
            out.push((it.next().unwrap(), it.next().unwrap()));
        }
    }
    out
}

/// Centres of the circles filled with `colour`.
fn circle_centres(svg: &str, colour: &str) -> Vec<(f64, f64)> {
    let attr = |el: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        let i = el.find(&key).unwrap() + key.len();
        el[i..i + el[i..].find('"').unwrap()].parse().unwrap()
    };
    svg.split("<circle ")
        .skip(1)
        .map(|el| &el[..el.find('>').unwrap_or(el.len())])
        .filter(|el| el.contains(&format!("fill=\"{colour}\"")))
        .map(|el| (attr(el, "cx"), attr(el, "cy")))
        .collect()
}

#[test]
fn a_loss_curve_reads_the_step_and_loss_drawn_under_the_pointer() {
    let points: Vec<(f64, f64)> = (0..=3000)
        .map(|i| (i as f64, 0.5 * (-(i as f64) / 300.0).exp() + 1e-9))
        .collect();
    let series = vec![(
        "training loss".to_string(),
        points.clone(),
        charts::palette::STUDENT,
    )];
    let (svg, probe) = draw(640, 400, |root| {
        charts::loss_curves(root, &series, 1e-5, &[], Look::plain(2.0 / 3.0))
    });
    let vertices = polyline_vertices(&svg, "#0072B2");
    assert!(vertices.len() > 100, "{} vertices", vertices.len());
    // Thinned to about one reading every two pixels, never every step, always both ends.
    let width = probe.plot.0.end - probe.plot.0.start;
    assert!(
        probe.points.len() as f64 <= width / 2.0 + 2.0 && probe.points.len() > 50,
        "{} readings over {width} px",
        probe.points.len()
    );
    assert!(
        probe.points[0].text.contains("step 0,"),
        "{:?}",
        probe.points[0]
    );
    let last = probe.points.last().unwrap();
    assert!(last.text.contains("step 3000,"), "{last:?}");
    assert!(
        last.text.contains(&format!("{:.2e}", points[3000].1)),
        "{last:?}"
    );
    // Every reading sits on a vertex of the drawn curve and says that vertex's data.
    for p in &probe.points {
        assert!(
            vertices
                .iter()
                .any(|v| (v.0 - p.x).abs() < 1.0 && (v.1 - p.y).abs() < 1.0),
            "reading {p:?} is not on the drawn curve"
        );
    }
    // The pointer anywhere above the curve at step ~1500 reads a step near 1500.
    let x = probe.plot.0.start + width * 1500.0 / 3000.0;
    let read = probe
        .nearest(x, probe.plot.1.start + 2.0)
        .expect("a reading");
    let step: f64 = read
        .text
        .split("step ")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((step - 1500.0).abs() <= 3000.0 / width * 3.0, "{read:?}");
    let loss = 0.5 * (-step / 300.0).exp() + 1e-9;
    assert!(
        read.text.ends_with(&format!("loss {loss:.2e}")),
        "{read:?} vs {loss:.2e}"
    );
    // Outside the plotting area nothing is read.
    assert!(probe
        .nearest(probe.plot.0.end + 5.0, probe.plot.1.start + 5.0)
        .is_none());
}

fn summary(width: usize, successes: usize, losses: Vec<f64>) -> WidthSummary {
    let runs = losses.len();
    let rate = successes as f64 / runs as f64;
    WidthSummary {
        width,
        runs,
        successes,
        success_rate: rate,
        ci: ((rate - 0.2).max(0.0), (rate + 0.2).min(1.0)),
        median_final_loss: losses[runs / 2],
        lottery_disjoint: rate * 0.9,
        lottery_combinatorial: rate.sqrt(),
        histogram: vec![],
        final_losses: losses,
    }
}

#[test]
fn the_sweep_reads_each_width_and_each_run_at_its_dot() {
    let config = SweepConfig {
        widths: vec![3, 4, 5],
        seeds: 4,
        first_seed: 10,
        ..SweepConfig::default()
    };
    let widths = vec![
        summary(3, 0, vec![4e-2, 3e-2, 5e-2, 2e-2]),
        summary(4, 1, vec![1e-12, 3e-2, 5e-2, 2e-2]),
        summary(5, 3, vec![1e-12, 3e-14, 5e-2, 2e-13]),
    ];
    let r = SweepResult {
        config,
        p_teacher_width: Some(0.25),
        widths,
    };
    let (svg, probe) = draw(640, 400, |root| {
        charts::width_sweep(root, &r, Look::plain(2.0 / 3.0))
    });
    let dots = circle_centres(&svg, "#0072B2");
    assert_eq!(probe.points.len(), 3);
    for p in &probe.points {
        assert!(
            dots.iter()
                .any(|d| (d.0 - p.x).abs() < 1.0 && (d.1 - p.y).abs() < 1.0),
            "{p:?} not at a measured dot {dots:?}"
        );
    }
    assert!(
        probe.points[2]
            .text
            .starts_with("width 5: 3 of 4 runs succeed (75%"),
        "{:?}",
        probe.points[2]
    );
    assert!(
        probe.points[2].text.contains("95% interval 55% to 95%"),
        "{:?}",
        probe.points[2]
    );
    assert!(
        probe.points[2].text.contains("lottery predicts 87%"),
        "{:?}",
        probe.points[2]
    );

    let (svg, probe) = draw(640, 400, |root| {
        charts::loss_strips(root, &r, Look::plain(2.0 / 3.0))
    });
    let dots = circle_centres(&svg, "#0072B2");
    assert_eq!(probe.points.len(), 12);
    // Seed 11 of width 4 (first seed 10) failed at 3e-2.
    let p = probe
        .points
        .iter()
        .find(|p| p.text.starts_with("width 4, seed 11:"))
        .expect("width 4, seed 11 readable");
    assert_eq!(p.text, "width 4, seed 11: final loss 3.00e-2, fails");
    assert!(dots
        .iter()
        .any(|d| (d.0 - p.x).abs() < 1.0 && (d.1 - p.y).abs() < 1.0));
    let read = probe
        .nearest(p.x + 2.0, p.y - 2.0)
        .expect("read near the dot");
    assert_eq!(read.text, p.text);
    assert!(probe
        .nearest(p.x + 60.0, p.y + 60.0)
        .is_none_or(|q| q.text != p.text));
}

#[test]
fn a_slice_pixel_reads_the_loss_its_heatmap_shows_there() {
    let task = Task::generate(TaskConfig {
        teacher_width: 2,
        input_dim: 2,
        samples: 32,
        activation: Activation::Tanh,
        seed: 5,
    });
    let net = Network::student_init(
        Shape::new(2, 2),
        Activation::Tanh,
        &mut SeededRng::new(3, Stream::Student),
    );
    let objective = Objective::new(&task, 2);
    let plane = Plane::random(net.shape, &net.params, 1, false);
    let mut slice = Slice::new(plane, 11, 1.0);
    slice.compute_all(&objective);
    let done = FinishedSlice::new(slice, std::slice::from_ref(&net.params), 0, None);
    let rgba_cell = RefCell::new(None);
    let (_, probe) = draw(600, 520, |root| {
        charts::slice(
            root,
            &done,
            (0.0, 0.0),
            Look::plain(2.0 / 3.0),
            |h: &Heatmap<'_>| {
                *rgba_cell.borrow_mut() = Some((h.x.clone(), h.y.clone()));
                charts::draw_heatmap_cells(root, h)
            },
        )
    });
    let (x, y) = rgba_cell.into_inner().unwrap();
    let map = probe.plane.clone().expect("a slice has a plane map");
    let r = 11;
    for (row, col) in [(0, 0), (0, 10), (10, 0), (5, 5), (3, 8)] {
        // The centre of heatmap cell (row, col), row 0 at the top (b = +extent).
        let cx = x.start as f64 + (x.end - x.start) as f64 * (col as f64 + 0.5) / r as f64;
        let cy = y.start as f64 + (y.end - y.start) as f64 * (row as f64 + 0.5) / r as f64;
        let (a, b) = map.plane_at(cx, cy).expect("inside the square");
        let want = done.slice.at(r - 1 - row, col);
        assert_eq!(
            done.loss_under((a, b)),
            Some(want),
            "cell ({row}, {col}) at ({a}, {b})"
        );
        let expect_a = -1.0 + 2.0 * col as f64 / (r - 1) as f64;
        assert!((a - expect_a).abs() < 0.05, "a = {a}, want {expect_a}");
    }
    assert!(map.plane_at(x.start as f64 - 3.0, cy_mid(&y)).is_none());
}

fn cy_mid(y: &std::ops::Range<i32>) -> f64 {
    (y.start + y.end) as f64 / 2.0
}

#[test]
fn the_spectrum_reads_each_bar() {
    let before = [1.7e-3, 0.2, 1.5];
    let after = [-0.3, -2e-4, 0.01];
    let (_, probe) = draw(640, 400, |root| {
        charts::spectrum(root, &before, Some(&after), 3, Look::plain(2.0 / 3.0))
    });
    let texts: Vec<&str> = probe.points.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts.len(), 6, "{texts:?}");
    assert!(
        texts.contains(&"before: eigenvalue 1 is 1.70e-3"),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"after: eigenvalue 1 is -3.00e-1"),
        "{texts:?}"
    );
    // A negative bar's reading is below the zero line, a positive one's above.
    let at = |t: &str| probe.points.iter().find(|p| p.text == t).unwrap();
    assert!(at("after: eigenvalue 1 is -3.00e-1").y > at("before: eigenvalue 1 is 1.70e-3").y);
    // The pointer over the first "after" bar reads it.
    let p = at("after: eigenvalue 1 is -3.00e-1");
    assert_eq!(
        probe.nearest(p.x, probe.plot.1.start + 1.0).unwrap().text,
        p.text
    );
}
