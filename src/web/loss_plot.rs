//! The playground's training-loss curve: [`charts::loss_curves`] on a canvas.

use crate::charts::{self, palette};
use crate::web::canvas::draw_chart;
use web_sys::HtmlCanvasElement;

/// Draws the loss curve `(steps, losses)` with the success threshold, if given a labelled
/// vertical marker at a step (such as the start of polishing), and if given the replayed
/// point `(step, loss)` in orange.
pub fn draw(
    canvas: &HtmlCanvasElement,
    steps: &[u64],
    losses: &[f64],
    threshold: f64,
    marker: Option<(u64, &str)>,
    replayed: Option<(u64, f64)>,
) -> Result<(), String> {
    let points: Vec<(f64, f64)> = steps
        .iter()
        .zip(losses)
        .map(|(&s, &l)| (s as f64, l))
        .collect();
    let series = [("training loss".to_string(), points, palette::STUDENT)];
    let events: Vec<(f64, String)> = marker
        .map(|(step, label)| (step as f64, label.to_string()))
        .into_iter()
        .collect();
    draw_chart(canvas, |root, look| {
        let mark = replayed.map(|(s, l)| (s as f64, l));
        charts::loss_curves_marked(root, &series, threshold, &events, mark, look)
    })
}
