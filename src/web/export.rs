//! Exports: any canvas as a PNG file, any table as a CSV file, and the page's URL to the
//! clipboard.
//!
//! Downloads go through blob URLs, each revoked a few seconds after its download starts (so
//! hundreds of exports keep no file in memory). Copying says "Link copied" only once the
//! browser has confirmed it; where it cannot copy (no clipboard API on a plain-http page, a
//! refusal in a cross-origin frame) the link is offered, selected, in a read-only field.

use crate::web::dom;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement, HtmlInputElement, Url};

/// How long a download's blob URL lives after the download started, in milliseconds.
const REVOKE_AFTER_MS: i32 = 10_000;

/// What `#share-status` says after a confirmed copy.
const COPIED: &str = "Link copied";

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

/// Downloads `blob` as `file_name` through a blob URL that is revoked [`REVOKE_AFTER_MS`] later.
fn download_blob(blob: &Blob, file_name: &str) {
    let Ok(url) = Url::create_object_url_with_blob(blob) else {
        return;
    };
    download(&url, file_name);
    let revoke = Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&url);
    });
    let _ = dom::window().set_timeout_with_callback_and_timeout_and_arguments_0(
        revoke.unchecked_ref(),
        REVOKE_AFTER_MS,
    );
}

/// Saves the canvas `id` as a PNG named after it.
pub fn png(id: &str) {
    let Some(canvas) = dom::by_id::<HtmlCanvasElement>(id) else {
        return;
    };
    let file_name = format!("{id}.png");
    let name = file_name.clone();
    let on_blob = Closure::once_into_js(move |blob: JsValue| {
        if let Ok(blob) = blob.dyn_into::<Blob>() {
            download_blob(&blob, &name);
        }
    });
    if canvas
        .to_blob_with_type(on_blob.unchecked_ref(), "image/png")
        .is_err()
    {
        // No blob (an old browser): the same picture as a data URL, which needs no revoking.
        if let Ok(url) = canvas.to_data_url_with_type("image/png") {
            download(&url, &file_name);
        }
    }
}

/// Saves `text` as a CSV file.
pub fn csv(file_name: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    if let Ok(blob) = Blob::new_with_str_sequence_and_options(&parts, &options) {
        download_blob(&blob, file_name);
    }
}

/// Calls `object.name(args…)` if `object` has such a method, `None` if it has none or it throws.
fn call_method(object: &JsValue, name: &str, args: &js_sys::Array) -> Option<JsValue> {
    if object.is_undefined() || object.is_null() {
        return None;
    }
    let method = js_sys::Reflect::get(object, &JsValue::from_str(name))
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    method.apply(object, args).ok()
}

/// Asks the browser to copy `text`: the promise of `navigator.clipboard.writeText`, or `None`
/// where there is no clipboard API or the call throws.
fn write_clipboard(text: &str) -> Option<JsValue> {
    let navigator = dom::window().navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).ok()?;
    call_method(
        &clipboard,
        "writeText",
        &js_sys::Array::of1(&JsValue::from_str(text)),
    )
}

/// Copies the page's URL to the clipboard: "Link copied" in `#share-status` once the browser
/// confirms it, else the link offered in `#share-url` ([`offer_link`]).
pub fn copy_url() {
    let url = dom::window().location().href().unwrap_or_default();
    dom::set_text("share-status", "");
    let Some(promise) = write_clipboard(&url) else {
        offer_link(&url);
        return;
    };
    let copied = url.clone();
    let on_ok = Closure::once_into_js(move |_: JsValue| {
        dom::set_text("share-status", COPIED);
        dom::set_body_data("copied-url", &copied);
        hide_offer();
    });
    let on_err = Closure::once_into_js(move |_: JsValue| offer_link(&url));
    // The promise `then` returns settles with the handlers' results, which never throw. (Of
    // the two handlers the one never called stays allocated: a few bytes per click.)
    if call_method(&promise, "then", &js_sys::Array::of2(&on_ok, &on_err)).is_none() {
        // Not a promise (a non-standard clipboard): nothing confirms the copy.
        offer_link(&dom::window().location().href().unwrap_or_default());
    }
}

/// Shows `url` in the read-only field `#share-url` (focused and selected, ready to copy) with
/// the message of its label, for when the browser did not copy.
fn offer_link(url: &str) {
    let Some(bar) = dom::document().get_element_by_id("share-fallback") else {
        return;
    };
    dom::set_hidden(&bar, false);
    if let Some(input) = dom::by_id::<HtmlInputElement>("share-url") {
        input.set_value(url);
        let _ = input.focus();
        input.select();
    }
}

/// Hides the field of [`offer_link`].
pub fn hide_offer() {
    if let Some(bar) = dom::document().get_element_by_id("share-fallback") {
        dom::set_hidden(&bar, true);
    }
}
