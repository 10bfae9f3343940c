//! The playground's replay: a slider over the recorded trajectory. Dragging it moves the
//! orange point on the slice to a recorded snapshot and puts the same point, at that step and
//! its loss, on the loss curve. It works while training is paused on the slice's own step
//! (the slice's path is then exactly the recorded snapshots and the current point).

use crate::web::app::App;
use crate::web::dom;
use web_sys::HtmlInputElement;

/// The point a replay shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Replayed {
    /// Index into the slice's path.
    pub index: usize,
    /// Its step (optimiser steps, then polishing steps, as on the loss curve's x axis).
    pub step: u64,
    /// The loss at that snapshot.
    pub loss: f64,
    /// Its plane coordinates on the visible slice.
    pub plane: (f64, f64),
}

/// The steps of the visible slice's path points, if a replay is possible now.
fn path_steps(app: &App) -> Option<Vec<u64>> {
    let done = app.visible_slice()?;
    if app.running || done.at_step != app.run.step() {
        return None;
    }
    let record = &app.trainer().trajectory;
    let mut steps = record.steps.clone();
    if steps.len() + 1 == done.path.len() {
        steps.push(app.run.step());
    }
    (steps.len() == done.path.len() && steps.len() > 1).then_some(steps)
}

/// What the replay shows now: `None` when it is off (the live point is shown).
pub fn replayed(app: &App) -> Option<Replayed> {
    let index = app.replay?;
    let steps = path_steps(app)?;
    let done = app.visible_slice()?;
    let index = index.min(steps.len() - 1);
    let record = &app.trainer().trajectory;
    let loss = record.values.get(index).map_or(app.run.loss(), |p| {
        app.trainer().current_objective().loss(p)
    });
    Some(Replayed {
        index,
        step: steps[index],
        loss,
        plane: done.path[index],
    })
}

/// Brings the slider and its text up to date.
pub fn render(app: &App) {
    let Some(input) = dom::by_id::<HtmlInputElement>("scrub") else {
        return;
    };
    let steps = path_steps(app);
    let n = steps.as_ref().map_or(0, Vec::len);
    input.set_disabled(n < 2);
    let max = n.saturating_sub(1).to_string();
    if input.max() != max {
        input.set_max(&max);
    }
    let shown = replayed(app);
    let value = shown
        .as_ref()
        .map_or(n.saturating_sub(1), |r| r.index)
        .to_string();
    if input.value() != value {
        input.set_value(&value);
    }
    let text = match (&shown, n) {
        (Some(r), _) => format!(
            "Replaying step {} of {}: loss {:.3e}",
            r.step,
            app.run.step(),
            r.loss
        ),
        (None, 0 | 1) if app.running => "Pause to replay the trajectory.".to_string(),
        (None, 0 | 1) => "Train a few steps, then replay the trajectory here.".to_string(),
        (None, _) => {
            format!("Drag to replay the {n} recorded points of the trajectory on both plots.")
        }
    };
    dom::set_text("scrub-text", &text);
    let _ = input.set_attribute("aria-valuetext", &text);
}

/// Applies a slider position: the last position is the live point (no replay).
pub fn set(app: &mut App, position: usize) {
    let n = path_steps(app).map_or(0, |s| s.len());
    app.replay = (position + 1 < n).then_some(position);
}
