//! Tests in headless Chromium: the core compiled to wasm gives the native values, and the plots
//! put real pixels on a canvas.
#![cfg(target_arch = "wasm32")]

mod common;

use escape_dims::core::plane::Plane;
use escape_dims::core::task::{Task, TaskConfig};
use escape_dims::core::train::{TrainConfig, Trainer};
use escape_dims::settings::Settings;
use escape_dims::web::app::App;
use escape_dims::web::{dom, slice_plot};
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlCanvasElement;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn wasm_loss_and_gradient_equal_native_within_a_few_ulps() {
    let reference = common::parse(include_str!("golden/native.txt"));
    assert!(reference.len() > 100);
    let computed = common::reference_values();
    let bad = common::mismatches(&reference, &computed);
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

fn canvas(width: u32, height: u32) -> HtmlCanvasElement {
    let c: HtmlCanvasElement = dom::document()
        .create_element("canvas")
        .expect("canvas")
        .dyn_into()
        .expect("a canvas element");
    c.style()
        .set_property("width", &format!("{width}px"))
        .expect("style");
    c.style()
        .set_property("height", &format!("{height}px"))
        .expect("style");
    dom::body().append_child(&c).expect("attached");
    c
}

/// Distinct colours and the luminance standard deviation of a canvas.
fn pixel_stats(c: &HtmlCanvasElement) -> (usize, f64) {
    let ctx = escape_dims::web::canvas::context(c).expect("2d");
    let data = ctx
        .get_image_data(0.0, 0.0, c.width() as f64, c.height() as f64)
        .expect("pixels")
        .data();
    let mut colours = std::collections::HashSet::new();
    let mut lum = Vec::new();
    for px in data.chunks(4) {
        colours.insert((px[0], px[1], px[2]));
        lum.push(0.2126 * px[0] as f64 + 0.7152 * px[1] as f64 + 0.0722 * px[2] as f64);
    }
    let mean = lum.iter().sum::<f64>() / lum.len() as f64;
    let sd = (lum.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / lum.len() as f64).sqrt();
    (colours.len(), sd)
}

#[wasm_bindgen_test]
fn the_slice_plot_puts_a_heatmap_on_a_real_canvas() {
    let mut app = App::new(Settings::default());
    while app.visible_slice().is_none() {
        app.tick(50.0);
    }
    let done = app.visible_slice().expect("finished slice");
    let c = canvas(480, 360);
    slice_plot::draw(&c, done, (0.0, 0.0)).expect("drawn");
    let (colours, sd) = pixel_stats(&c);
    assert!(colours > 100, "only {colours} colours");
    assert!(sd > 20.0, "luminance sd {sd}");
    // A blank canvas of the same size has one colour: the statistic can fail.
    let blank = canvas(480, 360);
    escape_dims::web::canvas::fit_to_css_size(&blank);
    assert!(pixel_stats(&blank).0 <= 1);
}

#[wasm_bindgen_test]
fn training_in_the_browser_matches_a_plane_projection_of_its_own_path() {
    let task = Arc::new(Task::generate(TaskConfig::default()));
    let mut t = Trainer::new(task, 5, 1, TrainConfig::default());
    t.run(300);
    assert!(t.loss() < 0.5 * t.initial_loss());
    let plane = Plane::pca(&t.trajectory.values, t.params()).expect("a path");
    let (a, b) = plane.project(t.params());
    assert!(a.abs() < 1e-9 && b.abs() < 1e-9);
}
