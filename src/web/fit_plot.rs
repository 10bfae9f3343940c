//! What the student has learned next to the teacher: [`charts::fit`] on a canvas.

use crate::charts;
use crate::core::network::Network;
use crate::core::task::Task;
use crate::web::canvas::draw_chart;
use web_sys::HtmlCanvasElement;

/// Draws teacher and student along the first input coordinate.
pub fn draw(canvas: &HtmlCanvasElement, task: &Task, student: &Network) -> Result<(), String> {
    draw_chart(canvas, |root, look| {
        charts::fit(root, task, student, look).map(|()| charts::Probe::none())
    })
}
