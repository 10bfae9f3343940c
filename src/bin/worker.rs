//! The experiment worker of the page (a web worker, built by Trunk as `worker.js`): it answers
//! each text message with [`escape_dims::jobs::handle_message`].
//!
//! It never trusts a message: anything that is not a string, or longer than
//! [`escape_dims::jobs::max_message_bytes`], is refused before it is copied into wasm memory,
//! and `handle_message` refuses the rest of what the page would never send. In wasm a panic
//! aborts (the standard library is built with `panic=abort`, so `catch_unwind` cannot catch
//! it): the panic hook then sends the job's error reply with the panic's message, and the
//! worker's `error` handler stops the resulting trap from reaching the page as a crash. The
//! wasm instance survives a trap, so the worker answers the next message.

#[cfg(target_arch = "wasm32")]
fn main() {
    use std::cell::Cell;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    thread_local! {
        /// Set by the panic hook after it replied: the trap that follows is expected.
        static PANIC_REPLIED: Cell<bool> = const { Cell::new(false) };
    }

    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let hook_scope = scope.clone();
    std::panic::set_hook(Box::new(move |info| {
        let message = info.payload_as_str().unwrap_or("no message");
        let reply = escape_dims::jobs::panic_reply(message);
        let _ = hook_scope.post_message(&JsValue::from_str(&reply));
        PANIC_REPLIED.with(|p| p.set(true));
    }));
    let reply_to = scope.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            PANIC_REPLIED.with(|p| p.set(false));
            let reply = match event.data().dyn_into::<js_sys::JsString>() {
                Err(_) => escape_dims::jobs::error_reply("a job must be a text message"),
                Ok(text) => {
                    // UTF-16 units never outnumber UTF-8 bytes: a string longer than the cap in
                    // units is over it in bytes too, and is refused without being copied.
                    let cap = escape_dims::jobs::max_message_bytes();
                    if text.length() as usize > cap {
                        escape_dims::jobs::error_reply(&format!(
                            "message of {} characters refused: the limit is {cap} bytes",
                            text.length()
                        ))
                    } else {
                        escape_dims::jobs::handle_message(&String::from(text))
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

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("This is the explorer's web worker; it runs in the browser.");
}
