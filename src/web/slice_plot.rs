//! The landscape slice on a canvas: [`charts::slice`] lays out and draws everything but the
//! heatmap, which is put here as an off-screen canvas scaled into the plotting area (one
//! `drawImage`, however fine the grid).

use crate::charts::{self, Heatmap};
use crate::core::slice_view::FinishedSlice;
use crate::web::canvas::{context, draw_chart, image_canvas};
use crate::web::{readout, surface_view};
use web_sys::HtmlCanvasElement;

/// Draws `done` with the current point at plane coordinates `current`: as a 3-D surface
/// where that view is on ([`surface_view`]), else flat, where a pointer reads the loss the
/// heatmap shows ([`readout`]).
pub fn draw(
    canvas: &HtmlCanvasElement,
    done: &FinishedSlice,
    current: (f64, f64),
) -> Result<(), String> {
    if surface_view::draw(canvas, done, current) {
        return Ok(());
    }
    let ctx = context(canvas).ok_or("no 2-D context")?;
    let drawn = draw_chart(canvas, |root, look| {
        charts::slice(root, done, current, look, |h: &Heatmap<'_>| {
            let image = image_canvas(h.rgba, h.cols as u32, h.rows as u32)
                .ok_or("could not make the heatmap image")?;
            ctx.set_image_smoothing_enabled(h.smooth());
            ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
                &image,
                h.x.start as f64,
                h.y.start as f64,
                (h.x.end - h.x.start) as f64,
                (h.y.end - h.y.start) as f64,
            )
            .map_err(|_| "could not draw the heatmap".to_string())
        })
    });
    readout::register_slice(canvas, done);
    drawn
}
