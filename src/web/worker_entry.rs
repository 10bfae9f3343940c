//! The experiment worker's entry point. The page's own module (`escape-dims_bg.wasm`) is also
//! the engine of its web workers ([`crate::web::workers`] starts them): a worker loads it, and
//! instead of starting the explorer ([`crate::web::start`] does nothing outside a window) calls
//! [`start_worker`], which answers each text message with [`crate::jobs::handle_message`]. One
//! module for the page and its workers means one download (the browser fetches and compiles it
//! once) instead of a second, mostly duplicate one.
//!
//! It never trusts a message: anything that is not a string, or longer than
//! [`crate::jobs::max_message_bytes`], is refused before it is copied into wasm memory, and
//! `handle_message` refuses the rest of what the page would never send. In wasm a panic aborts
//! (the standard library is built with `panic=abort`, so `catch_unwind` cannot catch it): the
//! panic hook then sends the job's error reply with the panic's message, and the worker's
//! `error` handler stops the resulting trap from reaching the page as a crash. The wasm instance
//! survives a trap, so the worker answers the next message.

use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    /// Set by the panic hook after it replied: the trap that follows is expected.
    static PANIC_REPLIED: Cell<bool> = const { Cell::new(false) };
}

/// Makes this web worker answer jobs: installs the panic hook that replies with the panic's
/// message, the message handler, and the error handler; then says "ready" (messages sent
/// before the module finished loading are lost, so the page waits for it).
#[wasm_bindgen]
pub fn start_worker() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let hook_scope = scope.clone();
    std::panic::set_hook(Box::new(move |info| {
        let message = info.payload_as_str().unwrap_or("no message");
        let reply = crate::jobs::panic_reply(message);
        let _ = hook_scope.post_message(&JsValue::from_str(&reply));
        PANIC_REPLIED.with(|p| p.set(true));
    }));
    let reply_to = scope.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            PANIC_REPLIED.with(|p| p.set(false));
            let reply = match event.data().dyn_into::<js_sys::JsString>() {
                Err(_) => crate::jobs::error_reply("a job must be a text message"),
                Ok(text) => {
                    // UTF-16 units never outnumber UTF-8 bytes: a string longer than the cap in
                    // units is over it in bytes too, and is refused without being copied.
                    let cap = crate::jobs::max_message_bytes();
                    if text.length() as usize > cap {
                        crate::jobs::error_reply(&format!(
                            "message of {} characters refused: the limit is {cap} bytes",
                            text.length()
                        ))
                    } else {
                        crate::jobs::handle_message(&String::from(text))
                    }
                }
            };
            let _ = reply_to.post_message(&JsValue::from_str(&reply));
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        if PANIC_REPLIED.with(|p| p.replace(false)) {
            // The trap after a panic whose error reply was sent: handled here, so the page
            // does not count it as a crash (which would fail a second job).
            event.prevent_default();
        }
    });
    // A listener (not `onerror`, whose handler gets no event to cancel).
    let _ = scope.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
    on_error.forget();
    // Messages sent before the wasm module finished loading are lost: say when ready.
    let _ = scope.post_message(&JsValue::from_str("ready"));
}
