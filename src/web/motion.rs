//! Reduced motion: when the system asks for it (`prefers-reduced-motion: reduce`), a view that
//! would start moving on its own (a story page's action, the comparison's training, the escape
//! scene's run) is drawn and then waits, with a notice and a Start button, until the visitor
//! starts it. Nothing else changes: every run is the same once started.

use crate::settings::{SceneKind, Settings};
use crate::story::{self, Action};
use crate::web::{dom, shown};

/// True if the visitor's system asks for reduced motion.
pub fn reduced() -> bool {
    dom::window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

/// True if the view of `settings` would start moving without the visitor doing anything.
pub fn starts_on_its_own(settings: &Settings) -> bool {
    let page_acts =
        settings.scene == SceneKind::Story && story::page(settings.page).action != Action::None;
    page_acts || matches!(shown(settings), SceneKind::Compare | SceneKind::Escape)
}

/// Shows or hides the notice with the Start button (and tells the tests).
pub fn show_hold(held: bool) {
    if let Some(el) = dom::document().get_element_by_id("motion-hold") {
        dom::set_hidden(&el, !held);
    }
    dom::set_body_data("held", if held { "1" } else { "0" });
}
