//! A panic hook that shows an error panel on the page (and logs to the console), so that a bug
//! never leaves the visitor with a silently dead page.

use crate::web::dom;

/// Installs the hook. Call once, first thing at start-up.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&format!("Escape Dimensions Explorer crashed: {message}").into());
        show(&message);
    }));
}

/// Shows the error panel with `message` and stops the page from claiming to run.
pub fn show(message: &str) {
    let document = match web_sys::window().and_then(|w| w.document()) {
        Some(d) => d,
        None => return,
    };
    if let Some(panel) = document.get_element_by_id("error-panel") {
        if let Some(detail) = document.get_element_by_id("error-detail") {
            detail.set_text_content(Some(message));
        }
        dom::set_hidden(&panel, false);
    }
    if let Some(body) = document.body() {
        let _ = body.set_attribute("data-running", "0");
        let _ = body.set_attribute("data-crashed", "1");
    }
}
