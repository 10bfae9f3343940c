//! The web layer (wasm32 only): wires the DOM to the [`app::App`], runs the animation loop and
//! keeps the URL hash in step with the settings.

pub mod app;
pub mod canvas;
pub mod controls;
pub mod dom;
pub mod fit_plot;
pub mod loss_plot;
pub mod panic_panel;
pub mod slice_plot;
pub mod style;
pub mod view;

use crate::settings::{Settings, PROPERTIES};
use app::App;
use std::cell::RefCell;
use view::View;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Time per frame the app may spend on training or slicing, so the page stays responsive.
const FRAME_BUDGET_MS: f64 = 12.0;

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
    static VIEW: RefCell<View> = RefCell::new(View::default());
}

/// Runs `f` on the app, if it exists and is not already borrowed.
fn with_app<R>(f: impl FnOnce(&mut App) -> R) -> Option<R> {
    APP.with(|cell| cell.try_borrow_mut().ok()?.as_mut().map(f))
}

/// Starts the explorer: installs the panic panel, reads the URL, builds the app and starts the
/// animation loop.
pub fn start() {
    panic_panel::install();
    controls::populate();
    let hash = dom::window().location().hash().unwrap_or_default();
    let (settings, notices) = Settings::from_hash(&hash);
    controls::write(&settings);
    controls::show_notices(&notices);
    write_hash(&settings);
    APP.with(|cell| *cell.borrow_mut() = Some(App::new(settings)));
    wire_controls();
    wire_buttons();
    wire_keyboard();
    wire_window();
    start_loop();
    dom::set_body_data("ready", "1");
}

/// Panics on purpose. The end-to-end tests call it (as `wasmBindings.debug_panic()`) to check
/// that a panic shows the error panel instead of leaving a silently dead page.
#[wasm_bindgen]
pub fn debug_panic() {
    panic!("debug_panic was called: this is a deliberate test of the error panel");
}

/// Replaces the URL hash with the settings (no new history entry, no `hashchange`).
fn write_hash(settings: &Settings) {
    let url = format!("#{}", settings.to_hash());
    if let Ok(history) = dom::window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Keys whose change starts a new run, and keys that only need a new slice.
const RESTART_KEYS: &[&str] = &[
    "width", "teacher", "dim", "samples", "act", "opt", "lr", "seed", "tseed",
];
const SLICE_KEYS: &[&str] = &["plane", "res", "extent", "bias"];

fn on_setting_changed(key: &'static str) {
    let Some(text) = controls::read(key) else {
        return;
    };
    with_app(|app| {
        let notice = app.settings.set_from_text(key, &text);
        // Show the value actually used (clamped), and say why if it changed.
        controls::write(&app.settings);
        controls::show_notices(&notice.into_iter().collect::<Vec<_>>());
        write_hash(&app.settings);
        if RESTART_KEYS.contains(&key) {
            app.reset();
        } else if key == "steps" {
            app.trainer.set_max_steps(app.settings.max_steps as u64);
        } else if SLICE_KEYS.contains(&key) && !app.running {
            app.request_slice();
        }
    });
    VIEW.with(|v| v.borrow_mut().invalidate());
}

fn listen(
    target: &web_sys::EventTarget,
    event: &str,
    handler: impl FnMut(web_sys::Event) + 'static,
) {
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(handler);
    let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    closure.forget();
}

fn wire_controls() {
    for p in PROPERTIES {
        if let Some(el) = dom::document().get_element_by_id(p.key) {
            let key = p.key;
            listen(&el, "change", move |_| on_setting_changed(key));
        }
    }
}

fn on_button(id: &str, action: impl Fn(&mut App) + 'static) {
    if let Some(el) = dom::document().get_element_by_id(id) {
        listen(&el, "click", move |_| {
            with_app(&action);
            VIEW.with(|v| v.borrow_mut().invalidate());
        });
    }
}

fn wire_buttons() {
    on_button("play", App::toggle_running);
    on_button("step", App::single_step);
    on_button("reset", App::reset);
    on_button("refresh-slice", |app| {
        app.running = false;
        app.request_slice();
    });
    if let Some(el) = dom::document().get_element_by_id("notice-close") {
        listen(&el, "click", |_| controls::show_notices(&[]));
    }
    if let Some(el) = dom::document().get_element_by_id("error-reload") {
        listen(&el, "click", |_| {
            let _ = dom::window().location().reload();
        });
    }
}

/// Space plays or pauses, `s` steps, `r` resets, unless a form control has the focus.
fn wire_keyboard() {
    listen(&dom::document(), "keydown", |event| {
        let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
            return;
        };
        if key.ctrl_key() || key.meta_key() || key.alt_key() {
            return;
        }
        let in_control = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| {
                matches!(
                    e.tag_name().as_str(),
                    "INPUT" | "SELECT" | "BUTTON" | "TEXTAREA"
                )
            })
            .unwrap_or(false);
        if in_control {
            return;
        }
        let action: Option<fn(&mut App)> = match key.key().as_str() {
            " " => Some(App::toggle_running),
            "s" => Some(App::single_step),
            "r" => Some(App::reset),
            _ => None,
        };
        if let Some(action) = action {
            event.prevent_default();
            with_app(action);
            VIEW.with(|v| v.borrow_mut().invalidate());
        }
    });
}

fn wire_window() {
    let window = dom::window();
    listen(&window, "resize", |_| {
        VIEW.with(|v| v.borrow_mut().invalidate())
    });
    // A hash typed or pasted by the visitor replaces the run.
    listen(&window, "hashchange", |_| {
        let hash = dom::window().location().hash().unwrap_or_default();
        let (settings, notices) = Settings::from_hash(&hash);
        controls::write(&settings);
        controls::show_notices(&notices);
        write_hash(&settings);
        with_app(|app| {
            app.settings = settings;
            app.reset();
        });
        VIEW.with(|v| v.borrow_mut().invalidate());
    });
}

fn start_loop() {
    type FrameCallback = Closure<dyn FnMut()>;
    let handle: std::rc::Rc<RefCell<Option<FrameCallback>>> = Default::default();
    let again = handle.clone();
    *handle.borrow_mut() = Some(Closure::new(move || {
        with_app(|app| {
            app.tick(FRAME_BUDGET_MS);
            VIEW.with(|v| v.borrow_mut().render(app));
        });
        if let Some(cb) = again.borrow().as_ref() {
            let _ = dom::window().request_animation_frame(cb.as_ref().unchecked_ref());
        }
    }));
    let first = handle.borrow();
    if let Some(cb) = first.as_ref() {
        let _ = dom::window().request_animation_frame(cb.as_ref().unchecked_ref());
    }
}
