//! Canvas sizing for crisp drawing on HiDPI screens, RGBA buffers turned into images, and the
//! adapter that draws a chart of [`crate::charts`] on a canvas.

use crate::charts::{Area, Look, Probe};
use crate::web::style::page_look;
use crate::web::{dom, readout};
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// Sizes the canvas's backing store to its CSS box times the device pixel ratio and returns the
/// ratio (the factor to scale fonts and line widths by). Returns `None` for a hidden canvas.
pub fn fit_to_css_size(canvas: &HtmlCanvasElement) -> Option<f64> {
    let (w, h, ratio) = backing_size(canvas)?;
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != h {
        canvas.set_height(h);
    }
    Some(ratio)
}

/// The backing-store size that [`fit_to_css_size`] gives `canvas` (its CSS box times the device
/// pixel ratio), with the ratio; `None` for a hidden canvas.
pub fn backing_size(canvas: &HtmlCanvasElement) -> Option<(u32, u32, f64)> {
    let ratio = dom::window().device_pixel_ratio().clamp(1.0, 4.0);
    let rect = canvas.get_bounding_client_rect();
    if rect.width() < 2.0 || rect.height() < 2.0 {
        return None;
    }
    let w = (rect.width() * ratio).round() as u32;
    let h = (rect.height() * ratio).round() as u32;
    Some((w, h, ratio))
}

/// Draws a chart on `canvas`, sized to its CSS box on this screen ([`fit_to_css_size`]), at
/// the page's look for its width ([`page_look`]), and leaves what a pointer reads on it with
/// [`readout::register`]. A hidden canvas is skipped.
pub fn draw_chart(
    canvas: &HtmlCanvasElement,
    chart: impl FnOnce(&Area<CanvasBackend>, Look) -> Result<Probe, String>,
) -> Result<(), String> {
    let Some(ratio) = fit_to_css_size(canvas) else {
        return Ok(());
    };
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no 2-D context")?;
    let root = backend.into_drawing_area();
    let probe = chart(&root, page_look(canvas.width() as f64 / ratio, ratio))?;
    readout::register(canvas, probe, ratio);
    Ok(())
}

/// [`draw_chart`] on the canvas `id` (if the page has it) of a chart of `value`; a chart that
/// fails is reported on the console (a failed plot must not stop the page).
pub fn draw_chart_of<T>(
    value: &T,
    id: &str,
    f: impl Fn(&Area<CanvasBackend>, &T, Look) -> Result<Probe, String>,
) {
    let Some(canvas) = dom::by_id::<HtmlCanvasElement>(id) else {
        return;
    };
    if let Err(e) = draw_chart(&canvas, |root, look| f(root, value, look)) {
        web_sys::console::warn_1(&format!("chart not drawn: {e}").into());
    }
}

/// The 2-D context of a canvas.
pub fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
}

/// An off-screen canvas of `width x height` pixels holding the RGBA buffer `rgba`
/// (put with `putImageData`, ready to be scaled onto a plot with `drawImage`).
pub fn image_canvas(rgba: &[u8], width: u32, height: u32) -> Option<HtmlCanvasElement> {
    let canvas = dom::document()
        .create_element("canvas")
        .ok()?
        .dyn_into::<HtmlCanvasElement>()
        .ok()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), width, height).ok()?;
    context(&canvas)?.put_image_data(&image, 0.0, 0.0).ok()?;
    Some(canvas)
}
