//! The URL hash: read as a link is read ([`story::resolve_hash`], so a story link gives the
//! same run on load and when set on an open page), and written back with every setting.

use crate::settings::{Notice, Settings};
use crate::story;
use crate::web::dom;
use wasm_bindgen::JsValue;

/// The settings the current URL hash means, and what parsing it changed.
pub fn read_hash() -> (Settings, Vec<Notice>) {
    let hash = dom::window().location().hash().unwrap_or_default();
    story::resolve_hash(&hash)
}

/// Replaces the URL hash with the settings (no new history entry, no `hashchange`).
pub fn write_hash(settings: &Settings) {
    let url = format!("#{}", settings.to_hash());
    if let Ok(history) = dom::window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}
