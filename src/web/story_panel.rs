//! Showing a scene (its elements visible, the others hidden) and the story panel: the page's
//! title, its claim computed from what the page's scene shows (with the quoted numbers as data
//! attributes for the end-to-end tests), the page count and the Back/Next buttons.

use crate::settings::{Named, SceneKind, Settings};
use crate::story::{self, ClaimKind, Evidence};
use crate::web::router::Router;
use crate::web::{dom, shown};
use wasm_bindgen::JsCast;

/// Shows the elements of the shown scene and hides the others; sets embed mode.
pub fn show_scene(settings: &Settings) {
    let scene = shown(settings).name();
    let document = dom::document();
    for el in elements("[data-scenes]") {
        let scenes = el.get_attribute("data-scenes").unwrap_or_default();
        dom::set_hidden(&el, !scenes.split_whitespace().any(|s| s == scene));
    }
    for el in elements("[data-goto]") {
        let target = el.get_attribute("data-goto").unwrap_or_default();
        let current = if target == settings.scene.name() {
            "page"
        } else {
            "false"
        };
        let _ = el.set_attribute("aria-current", current);
    }
    let in_story = settings.scene == SceneKind::Story;
    if let Some(panel) = document.get_element_by_id("story") {
        dom::set_hidden(&panel, !in_story);
    }
    if in_story {
        let n = settings.page.clamp(1, story::PAGES.len() as i64);
        dom::set_text("story-title", story::page(n).title);
        dom::set_text("story-count", &format!("{n} / {}", story::PAGES.len()));
        for (id, disabled) in [("story-prev", n <= 1), ("story-next", story::is_last(n))] {
            if let Some(b) = document.get_element_by_id(id) {
                let _ = if disabled {
                    b.set_attribute("disabled", "")
                } else {
                    b.remove_attribute("disabled")
                };
            }
        }
    }
    dom::set_body_data("scene", scene);
    dom::set_body_data("gran", settings.granularity.name());
    dom::set_body_data("embed", if settings.embed { "1" } else { "0" });
    dom::set_body_data("story", if in_story { "1" } else { "0" });
}

/// The elements matching `selector`.
pub fn elements(selector: &str) -> Vec<web_sys::Element> {
    let Ok(list) = dom::document().query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i).and_then(|n| n.dyn_into().ok()))
        .collect()
}

/// The story panel's last text, so it changes only when its claim does (it is a live region).
#[derive(Default)]
pub struct StoryPanel {
    text: String,
}

impl StoryPanel {
    /// Writes the page's claim about what its scene shows now.
    pub fn render(&mut self, router: &Router, force: bool) {
        let page = story::page(router.settings.page);
        let claim = match page.claim {
            ClaimKind::Compare => router
                .compare
                .as_ref()
                .map(|c| page.claim(&Evidence::Compare(c.evidence()))),
            ClaimKind::Sweep => router
                .sweep
                .evidence()
                .map(|r| page.claim(&Evidence::Sweep(&r))),
            ClaimKind::LosingTicketsRescued | ClaimKind::WinningTicketsFail => router
                .tickets
                .as_ref()
                .and_then(|t| t.evidence())
                .map(|r| page.claim(&Evidence::Tickets(&r))),
            ClaimKind::Stuck | ClaimKind::SplitEscapes | ClaimKind::ZeroRescues => router
                .escape
                .as_ref()
                .map(|e| page.claim(&Evidence::Escape(e.evidence()))),
        };
        let Some(claim) = claim else {
            return;
        };
        if !force && claim.text == self.text {
            return;
        }
        dom::set_text("story-text", &claim.text);
        if let Some(panel) = dom::document().get_element_by_id("story") {
            let numbers: Vec<String> = claim
                .numbers
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let _ = panel.set_attribute("data-numbers", &numbers.join(";"));
            let _ = panel.set_attribute("data-holds", if claim.holds { "1" } else { "0" });
        }
        self.text = claim.text;
    }
}
