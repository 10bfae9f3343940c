//! What a screen reader hears: the live region `#announce` speaks when a scene's outcome
//! changes (started, stuck, escaped, finished, diverged), not at every step, and each of the
//! scene's canvases carries the result in its text alternative.

use crate::settings::{Named, SceneKind};
use crate::web::dom;

/// The body data attributes whose values mark a scene's outcomes, and the element that states
/// the outcome in words, with the scene's canvases.
fn sources(
    scene: SceneKind,
) -> (
    &'static [&'static str],
    &'static str,
    &'static [&'static str],
) {
    match scene {
        SceneKind::Playground | SceneKind::Story => (
            &["run-phase", "running"],
            "status",
            &["slice-canvas", "loss-canvas", "fit-canvas"],
        ),
        SceneKind::Sweep => (
            &["sweep-state"],
            "sweep-status",
            &["sweep-canvas", "hist-canvas"],
        ),
        SceneKind::Minima => (
            &["minima-state"],
            "minima-status",
            &["minima-census", "minima-shares"],
        ),
        SceneKind::Tickets => (
            &[
                "tickets-state",
                "tickets-focus-alone",
                "tickets-focus-embedded",
            ],
            "tickets-status",
            &["tickets-diagram", "tickets-loss"],
        ),
        SceneKind::Escape => (
            &["escape-phase"],
            "escape-status",
            &["escape-slice", "escape-spectrum", "escape-loss"],
        ),
        SceneKind::Compare => (
            &["compare-narrow", "compare-wide"],
            "compare-status",
            &["compare-fit-narrow", "compare-fit-wide", "compare-loss"],
        ),
    }
}

/// The announcer's memory of the last outcome it spoke.
#[derive(Default)]
pub struct Announcer {
    last: String,
}

impl Announcer {
    /// Speaks, and updates the canvases' text alternatives, when `scene`'s outcome changed.
    pub fn update(&mut self, scene: SceneKind) {
        let (keys, status_id, canvases) = sources(scene);
        let body = dom::body();
        let mut key = scene.name().to_string();
        for k in keys {
            key.push(';');
            key.push_str(&body.get_attribute(&format!("data-{k}")).unwrap_or_default());
        }
        if key == self.last {
            return;
        }
        self.last = key;
        let Some(status) = dom::document().get_element_by_id(status_id) else {
            return;
        };
        let text = status.text_content().unwrap_or_default();
        dom::set_text("announce", &text);
        for id in canvases {
            if let Some(c) = dom::document().get_element_by_id(id) {
                let base = c
                    .get_attribute("data-label")
                    .or_else(|| c.get_attribute("aria-label"))
                    .unwrap_or_default();
                let _ = c.set_attribute("data-label", &base);
                let _ = c.set_attribute("aria-label", &format!("{base}. Now: {text}"));
            }
        }
    }
}
