//! Exports: any canvas as a PNG file, any table as a CSV file, and the page's URL to the
//! clipboard.

use crate::web::dom;
use wasm_bindgen::JsCast;
use web_sys::{HtmlAnchorElement, HtmlCanvasElement};

/// Starts a download of `href` as `file_name`.
fn download(href: &str, file_name: &str) {
    if let Some(a) = dom::document()
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<HtmlAnchorElement>().ok())
    {
        a.set_href(href);
        a.set_download(file_name);
        let _ = dom::body().append_child(&a);
        a.click();
        a.remove();
    }
}

/// Saves the canvas `id` as a PNG named after it.
pub fn png(id: &str) {
    if let Some(c) = dom::by_id::<HtmlCanvasElement>(id) {
        if let Ok(url) = c.to_data_url_with_type("image/png") {
            download(&url, &format!("{id}.png"));
        }
    }
}

/// Saves `text` as a CSV file.
pub fn csv(file_name: &str, text: &str) {
    let href = format!(
        "data:text/csv;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(text))
    );
    download(&href, file_name);
}

/// Copies the page's URL to the clipboard and says so in `#share-status`.
pub fn copy_url() {
    let url = dom::window().location().href().unwrap_or_default();
    let clipboard = dom::window().navigator().clipboard();
    let _ = clipboard.write_text(&url);
    dom::set_text("share-status", "Link copied");
    dom::set_body_data("copied-url", &url);
}
