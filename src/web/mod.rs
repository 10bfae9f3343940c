//! The web layer (wasm32 only): it drives the engine and draws it, and contains no science.
//!
//! - [`router`]: the [`router::Scene`] trait and the router that owns the settings and every
//!   scene: the playground ([`playground`], state in [`app`], drawn by [`view`]), the width
//!   sweep ([`sweep_scene`]), tickets ([`tickets_scene`]), escape ([`escape_scene`],
//!   [`escape_text`]), the narrow-and-wide comparison ([`compare_scene`]) and the census of
//!   minima ([`minima_scene`]); the story
//!   ([`crate::story`]) shows them with its presets, its panel drawn by [`story_panel`];
//! - [`events`]: controls, buttons, keys and window events; [`url`]: the URL hash;
//!   [`glossary_dialog`]: the Terms dialog and control tooltips;
//!   [`motion`]: views that wait for the visitor when the system asks for reduced motion;
//! - drawing: [`loss_plot`], [`slice_plot`] (flat, or 3-D in [`surface_view`], WebGL2),
//!   [`fit_plot`], [`network_diagram`], [`canvas`], [`style`]; [`readout`]: what a pointer over a plot reads; words shared by scenes: [`run_text`];
//! - [`workers`]: the worker pools (experiments, slices), whose workers run this same module
//!   from [`worker_entry`]; [`export`]: PNG, CSV, links;
//!   [`controls`], [`dom`]: the page's elements; [`panic_panel`]; [`bench`]: `bench.html`.
//!
//! The `data-*` attributes the end-to-end tests read are listed in `tests/e2e/contract.mjs`.

pub mod announce;
pub mod app;
pub mod app_hessian;
pub mod app_polish;
pub mod app_slice;
pub mod bench;
pub mod canvas;
pub mod compare_scene;
pub mod controls;
pub mod dom;
pub mod escape_scene;
pub mod escape_text;
pub mod events;
pub mod export;
pub mod fit_plot;
pub mod glossary_dialog;
pub mod loss_plot;
pub mod minima_scene;
pub mod motion;
pub mod network_diagram;
pub mod panic_panel;
pub mod playground;
pub mod readout;
pub mod replay;
pub mod router;
pub mod run_text;
pub mod slice_plot;
pub mod story_panel;
pub mod style;
pub mod surface_gl;
pub mod surface_input;
pub mod surface_view;
pub mod sweep_scene;
pub mod tickets_scene;
pub mod url;
pub mod view;
pub mod worker_entry;
pub mod workers;

use crate::settings::{SceneKind, Settings};
use crate::story;
use router::Router;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use workers::Pool;

/// Time per frame the scenes may spend computing, so the page stays responsive. 8 ms rather
/// than 12, for more room under the 50 ms task limit on a machine whose cores the page's own
/// workers (or other programs) keep busy, where the frame-budget tests saw single tasks
/// stretched to 62-110 ms (how much room this buys is not measured).
const FRAME_BUDGET_MS: f64 = 8.0;

thread_local! {
    static ROUTER: RefCell<Option<Router>> = const { RefCell::new(None) };
}

/// Runs `f` on the router, if it exists and is not already borrowed.
pub fn with_router<R>(f: impl FnOnce(&mut Router) -> R) -> Option<R> {
    ROUTER.with(|cell| cell.try_borrow_mut().ok()?.as_mut().map(f))
}

/// The scene actually shown: a story page shows its own scene.
pub fn shown(s: &Settings) -> SceneKind {
    if s.scene == SceneKind::Story {
        story::page(s.page).scene
    } else {
        s.scene
    }
}

/// Panics on purpose. The end-to-end tests call it (as `wasmBindings.debug_panic()`) to check
/// that a panic shows the error panel instead of leaving a silently dead page.
#[wasm_bindgen]
pub fn debug_panic() {
    panic!("debug_panic was called: this is a deliberate test of the error panel");
}

/// The page's compiled `WebAssembly.Module`, which its web workers instantiate instead of
/// compiling it again (the end-to-end tests start a worker with it, the page's way).
#[wasm_bindgen]
pub fn wasm_module() -> JsValue {
    wasm_bindgen::module()
}

/// Starts the explorer: installs the panic panel, reads the URL, builds the router and starts
/// the animation loop. Outside a window (in one of the page's web workers, which run this same
/// module and call [`worker_entry::start_worker`] instead) it does nothing.
pub fn start() {
    if js_sys::global().dyn_ref::<web_sys::Window>().is_none() {
        return;
    }
    panic_panel::install();
    // Pages without the explorer's controls (the benchmark page) only use the exports.
    if dom::document().get_element_by_id("controls").is_none() {
        return;
    }
    controls::populate();
    glossary_dialog::populate();
    // A visitor who arrives without a link first reads what the page is about.
    let first_visit = dom::window()
        .location()
        .hash()
        .map_or(true, |h| h.trim_start_matches('#').is_empty());
    if let Some(lede) = dom::document().get_element_by_id("lede") {
        dom::set_hidden(&lede, !first_visit);
    }
    let (settings, notices) = url::read_hash();
    controls::write(&settings);
    controls::show_notices(&notices);
    url::write_hash(&settings);
    ROUTER.with(|cell| *cell.borrow_mut() = Some(Router::new(settings)));
    with_router(Router::arrive);
    events::wire_controls();
    events::wire_buttons();
    events::wire_keyboard();
    events::wire_window();
    readout::wire();
    start_loop();
    dom::set_body_data("ready", "1");
    // Load the slice workers in a task of their own, after the page has started: the first
    // slice is computed on the page meanwhile, later ones in the workers.
    let warm_up = Closure::once_into_js(|| workers::warm_up(Pool::Slices));
    let _ = dom::window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(warm_up.unchecked_ref(), 0);
}

fn start_loop() {
    type FrameCallback = Closure<dyn FnMut()>;
    let handle: std::rc::Rc<RefCell<Option<FrameCallback>>> = Default::default();
    let again = handle.clone();
    *handle.borrow_mut() = Some(Closure::new(move || {
        with_router(|r| r.frame(FRAME_BUDGET_MS));
        if let Some(cb) = again.borrow().as_ref() {
            let _ = dom::window().request_animation_frame(cb.as_ref().unchecked_ref());
        }
    }));
    let first = handle.borrow();
    if let Some(cb) = first.as_ref() {
        let _ = dom::window().request_animation_frame(cb.as_ref().unchecked_ref());
    }
}
