//! Small helpers over web-sys for finding elements and setting text and attributes.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, Window};

/// The browser window (always present on a page).
pub fn window() -> Window {
    web_sys::window().expect("the explorer runs in a browser window")
}

/// The page's document.
pub fn document() -> Document {
    window()
        .document()
        .expect("the explorer's window has a document")
}

/// The `<body>` element.
pub fn body() -> HtmlElement {
    document().body().expect("the page has a body")
}

/// The element with `id`, cast to `T`, or `None` if it is missing or of another type.
pub fn by_id<T: JsCast>(id: &str) -> Option<T> {
    document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<T>().ok())
}

/// Sets an element's text, if the element exists.
pub fn set_text(id: &str, text: &str) {
    if let Some(e) = document().get_element_by_id(id) {
        e.set_text_content(Some(text));
    }
}

/// Replaces an element's content with `html` (markup the page builds itself), if the element
/// exists.
pub fn set_inner_html(id: &str, html: &str) {
    if let Some(e) = document().get_element_by_id(id) {
        e.set_inner_html(html);
    }
}

/// Shows or hides an element through its `hidden` attribute.
pub fn set_hidden(element: &Element, hidden: bool) {
    let _ = if hidden {
        element.set_attribute("hidden", "")
    } else {
        element.remove_attribute("hidden")
    };
}

/// Sets a `data-` attribute on `<body>` (read by end-to-end tests and styles).
pub fn set_body_data(name: &str, value: &str) {
    let _ = body().set_attribute(&format!("data-{name}"), value);
}

/// Milliseconds since page load, from `performance.now()`.
pub fn now_ms() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}
