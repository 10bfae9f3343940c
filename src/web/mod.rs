//! The web layer (wasm32 only): wires the DOM to the scenes, runs the animation loop and keeps
//! the URL hash in step with the settings.
//!
//! Scenes: the playground ([`app::App`], drawn by [`view::View`]), the width sweep
//! ([`sweep_scene`]), tickets ([`tickets_scene`]), escape ([`escape_scene`]) and the guided
//! [`story`], which shows the other scenes with preset settings.

pub mod app;
pub mod bench;
pub mod canvas;
pub mod controls;
pub mod dom;
pub mod escape_scene;
pub mod escape_text;
pub mod export;
pub mod fit_plot;
pub mod loss_plot;
pub mod network_diagram;
pub mod panic_panel;
pub mod slice_plot;
pub mod story;
pub mod style;
pub mod sweep_scene;
pub mod tickets_scene;
pub mod view;
pub mod workers;

use crate::experiments::escape::EmbeddingKind;
use crate::settings::{Settings, PROPERTIES};
use app::App;
use escape_scene::EscapeScene;
use std::cell::RefCell;
use sweep_scene::SweepScene;
use tickets_scene::TicketsScene;
use view::View;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use workers::Pool;

/// Time per frame the app may spend on training or slicing, so the page stays responsive.
const FRAME_BUDGET_MS: f64 = 12.0;

/// The scenes other than the playground, built when first shown.
#[derive(Default)]
struct Scenes {
    sweep: SweepScene,
    escape: Option<EscapeScene>,
    tickets: Option<TicketsScene>,
    /// The scene whose elements are visible.
    shown: String,
    /// Redraw everything on the next frame.
    force: bool,
    /// A story page's "add a neuron once stuck" is pending.
    pending_add: bool,
}

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
    static VIEW: RefCell<View> = RefCell::new(View::default());
    static SCENES: RefCell<Scenes> = RefCell::new(Scenes::default());
}

/// Runs `f` on the app, if it exists and is not already borrowed.
fn with_app<R>(f: impl FnOnce(&mut App) -> R) -> Option<R> {
    APP.with(|cell| cell.try_borrow_mut().ok()?.as_mut().map(f))
}

/// Runs `f` on the scenes, if not already borrowed.
fn with_scenes<R>(f: impl FnOnce(&mut Scenes) -> R) -> Option<R> {
    SCENES.with(|cell| cell.try_borrow_mut().ok().map(|mut s| f(&mut s)))
}

/// The scene actually shown: a story page shows its own scene.
fn effective_scene(s: &Settings) -> &str {
    if s.scene == "story" {
        story::page(s.page).scene
    } else {
        &s.scene
    }
}

/// Redraw everything on the next frame.
fn invalidate() {
    VIEW.with(|v| v.borrow_mut().invalidate());
    with_scenes(|s| s.force = true);
}

/// Panics on purpose. The end-to-end tests call it (as `wasmBindings.debug_panic()`) to check
/// that a panic shows the error panel instead of leaving a silently dead page.
#[wasm_bindgen]
pub fn debug_panic() {
    panic!("debug_panic was called: this is a deliberate test of the error panel");
}

/// Starts the explorer: installs the panic panel, reads the URL, builds the app and starts the
/// animation loop.
pub fn start() {
    panic_panel::install();
    // Pages without the explorer's controls (the benchmark page) only use the exports.
    if dom::document().get_element_by_id("controls").is_none() {
        return;
    }
    controls::populate();
    let hash = dom::window().location().hash().unwrap_or_default();
    let (mut settings, notices) = Settings::from_hash(&hash);
    if settings.scene == "story" {
        // A story link sets the page's preset, except where the link says otherwise.
        let given: Vec<&str> = hash
            .trim_start_matches('#')
            .split('&')
            .filter_map(|p| p.split('=').next())
            .collect();
        for pair in story::page(settings.page).preset.split('&') {
            if let Some((k, v)) = pair.split_once('=') {
                if !given.contains(&k) {
                    settings.set_from_text(k, v);
                }
            }
        }
    }
    controls::write(&settings);
    controls::show_notices(&notices);
    write_hash(&settings);
    APP.with(|cell| *cell.borrow_mut() = Some(App::new(settings.clone())));
    arrive(&settings);
    wire_controls();
    wire_buttons();
    wire_keyboard();
    wire_window();
    start_loop();
    dom::set_body_data("ready", "1");
    // Load the slice workers in a task of their own, after the page has started: the first
    // slice is computed on the page meanwhile, later ones in the workers.
    let warm_up = Closure::once_into_js(|| workers::warm_up(Pool::Slices));
    let _ = dom::window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(warm_up.unchecked_ref(), 0);
}

/// Replaces the URL hash with the settings (no new history entry, no `hashchange`).
fn write_hash(settings: &Settings) {
    let url = format!("#{}", settings.to_hash());
    if let Ok(history) = dom::window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Shows the elements of the current scene and hides the others; sets embed mode.
fn show_scene(settings: &Settings) {
    let scene = effective_scene(settings).to_string();
    let document = dom::document();
    if let Ok(list) = document.query_selector_all("[data-scenes]") {
        for i in 0..list.length() {
            if let Some(el) = list
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let scenes = el.get_attribute("data-scenes").unwrap_or_default();
                let visible = scenes.split_whitespace().any(|s| s == scene);
                dom::set_hidden(&el, !visible);
            }
        }
    }
    if let Ok(list) = document.query_selector_all("[data-goto]") {
        for i in 0..list.length() {
            if let Some(el) = list
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let target = el.get_attribute("data-goto").unwrap_or_default();
                let current = if target == settings.scene {
                    "page"
                } else {
                    "false"
                };
                let _ = el.set_attribute("aria-current", current);
            }
        }
    }
    if let Some(panel) = document.get_element_by_id("story") {
        dom::set_hidden(&panel, settings.scene != "story");
        let page = story::page(settings.page);
        dom::set_text("story-title", page.title);
        dom::set_text("story-text", page.text);
        dom::set_text(
            "story-count",
            &format!("{} / {}", settings.page.clamp(1, 6), story::PAGES.len()),
        );
    }
    dom::set_body_data("scene", &scene);
    dom::set_body_data("gran", &settings.granularity);
    dom::set_body_data("embed", &settings.embed);
    dom::set_body_data("story", if settings.scene == "story" { "1" } else { "0" });
    with_scenes(|s| s.shown = scene);
    invalidate();
}

/// Keys that change the playground's run, and keys that only need a new slice.
const RESTART_KEYS: &[&str] = &[
    "width", "teacher", "dim", "samples", "act", "opt", "lr", "seed", "tseed",
];
const SLICE_KEYS: &[&str] = &["plane", "res", "extent", "bias"];

/// Brings the scenes in line with settings that changed from `old`.
fn react(app: &mut App, old: &Settings) {
    let new = app.settings.clone();
    let changed = |key: &str| old.text(key) != new.text(key);
    if RESTART_KEYS.iter().any(|k| changed(k)) {
        app.reset();
    } else if changed("steps") {
        app.run.set_max_steps(new.max_steps as u64);
    } else if SLICE_KEYS.iter().any(|k| changed(k)) && !app.running {
        app.request_slice();
    }
    with_scenes(|s| {
        if s.escape.as_ref().is_some_and(|e| !e.matches(&new)) {
            s.escape = None;
        }
        if let Some(e) = &mut s.escape {
            e.update_settings(&new);
        }
        if s.tickets.as_ref().is_some_and(|t| !t.matches(&new)) {
            if let Some(t) = &mut s.tickets {
                t.cancel();
            }
            s.tickets = None;
        }
    });
    if changed("scene") || changed("page") || changed("embed") || changed("gran") {
        show_scene(&new);
    }
}

/// Called whenever a scene or story page is entered: shows it and runs the page's action.
fn arrive(settings: &Settings) {
    show_scene(settings);
    if settings.scene != "story" {
        return;
    }
    let page = story::page(settings.page);
    match page.action {
        story::Action::None => {}
        story::Action::Train => {
            with_app(|app| {
                if !app.running {
                    app.toggle_running();
                }
            });
        }
        story::Action::AddNeuron => {
            with_scenes(|s| s.pending_add = true);
        }
        story::Action::RunExperiment => {
            with_scenes(|s| match page.scene {
                "sweep" if s.sweep.state != "running" => s.sweep.start(settings),
                "tickets" => {
                    let t = s.tickets.get_or_insert_with(|| TicketsScene::new(settings));
                    if t.state != "running" {
                        t.start_table(settings);
                    }
                }
                _ => {}
            });
        }
    }
}

/// Applies `changes` (URL-hash form) to the settings, reacting as to control changes.
fn change_settings(changes: &str) {
    let result = with_app(|app| {
        let old = app.settings.clone();
        for pair in changes.split('&').filter(|p| !p.is_empty()) {
            if let Some((k, v)) = pair.split_once('=') {
                app.settings.set_from_text(k, v);
            }
        }
        controls::write(&app.settings);
        write_hash(&app.settings);
        react(app, &old);
        app.settings.clone()
    });
    if let Some(s) = result {
        arrive(&s);
    }
}

fn on_setting_changed(key: &'static str) {
    let Some(text) = controls::read(key) else {
        return;
    };
    with_app(|app| {
        let old = app.settings.clone();
        let notice = app.settings.set_from_text(key, &text);
        // Show the value actually used (clamped), and say why if it changed.
        controls::write(&app.settings);
        controls::show_notices(&notice.into_iter().collect::<Vec<_>>());
        write_hash(&app.settings);
        react(app, &old);
    });
    invalidate();
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
            // A slider shows its value while it moves; the setting changes on release.
            listen(&el, "input", move |_| {
                if let Some(text) = controls::read(key) {
                    dom::set_text(&format!("{key}-value"), &text);
                }
            });
        }
    }
}

fn on_click(id: &str, action: impl Fn() + 'static) {
    if let Some(el) = dom::document().get_element_by_id(id) {
        listen(&el, "click", move |_| {
            action();
            invalidate();
        });
    }
}

fn on_button(id: &str, action: impl Fn(&mut App) + 'static) {
    on_click(id, move || {
        with_app(&action);
    });
}

/// Runs `f` on the scenes with the current settings.
fn with_settings_and_scenes(f: impl FnOnce(&Settings, &mut Scenes)) {
    if let Some(settings) = with_app(|app| app.settings.clone()) {
        with_scenes(|s| f(&settings, s));
    }
}

/// Widens the stuck student with the other kind of neuron than the last attempt (the
/// setting follows, so the URL describes what is shown).
fn try_other_neuron() {
    let other = with_scenes(|s| {
        let a = s.escape.as_ref()?.attempt.as_ref()?;
        Some(match escape_text::kind_of(a.embedding) {
            EmbeddingKind::Split => "zero",
            EmbeddingKind::ZeroOutput => "split",
        })
    })
    .flatten();
    if let Some(kind) = other {
        change_settings(&format!("emb={kind}"));
        with_scenes(|s| s.escape.as_mut().map(|e| e.add_neuron(e.requested_kind())));
    }
}

fn go_to_page(delta: i64) {
    let page = with_app(|app| app.settings.page).unwrap_or(1);
    let next = (page + delta).clamp(1, story::PAGES.len() as i64);
    let preset = story::page(next).preset;
    change_settings(&format!("scene=story&page={next}&{preset}"));
}

fn wire_buttons() {
    on_button("play", App::toggle_running);
    on_button("step", App::single_step);
    on_button("reset", App::reset);
    on_button("refresh-slice", |app| {
        app.running = false;
        app.request_slice();
    });
    on_click("sweep-run", || {
        with_settings_and_scenes(|st, s| s.sweep.start(st))
    });
    on_click("sweep-cancel", || {
        with_scenes(|s| s.sweep.cancel());
    });
    on_click("sweep-csv", || {
        if let Some(Some(text)) = with_scenes(|s| s.sweep.csv()) {
            export::csv("width_sweep.csv", &text);
        }
    });
    on_click("tickets-run", || {
        with_settings_and_scenes(|st, s| {
            s.tickets
                .get_or_insert_with(|| TicketsScene::new(st))
                .start_table(st)
        })
    });
    on_click("tickets-cancel", || {
        with_scenes(|s| s.tickets.as_mut().map(|t| t.cancel()));
    });
    on_click("tickets-restart", || {
        with_settings_and_scenes(|st, s| s.tickets = Some(TicketsScene::new(st)));
    });
    on_click("tickets-csv", || {
        if let Some(Some(text)) = with_scenes(|s| s.tickets.as_ref().map(|t| t.csv())) {
            export::csv("tickets.csv", &text);
        }
    });
    on_click("escape-add", || {
        with_scenes(|s| s.escape.as_mut().map(|e| e.add_neuron(e.requested_kind())));
    });
    on_click("escape-other", try_other_neuron);
    on_click("escape-reset", || {
        with_settings_and_scenes(|st, s| s.escape = Some(EscapeScene::new(st)));
    });
    on_click("story-prev", || go_to_page(-1));
    on_click("story-next", || go_to_page(1));
    on_click("share", export::copy_url);
    if let Ok(list) = dom::document().query_selector_all("[data-goto]") {
        for i in 0..list.length() {
            if let Some(el) = list
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let target = el.get_attribute("data-goto").unwrap_or_default();
                listen(&el, "click", move |_| {
                    if target == "story" {
                        let preset = story::page(1).preset;
                        change_settings(&format!("scene=story&page=1&{preset}"));
                    } else {
                        change_settings(&format!("scene={target}"));
                    }
                });
            }
        }
    }
    if let Ok(list) = dom::document().query_selector_all("[data-png]") {
        for i in 0..list.length() {
            if let Some(el) = list
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let canvas = el.get_attribute("data-png").unwrap_or_default();
                listen(&el, "click", move |_| export::png(&canvas));
            }
        }
    }
    if let Some(el) = dom::document().get_element_by_id("notice-close") {
        listen(&el, "click", |_| controls::show_notices(&[]));
    }
    if let Some(el) = dom::document().get_element_by_id("error-reload") {
        listen(&el, "click", |_| {
            let _ = dom::window().location().reload();
        });
    }
}

/// Space plays or pauses, `s` steps, `r` resets (playground); arrows turn story pages; unless
/// a form control has the focus.
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
        let (scene, in_story) = with_app(|app| {
            (
                effective_scene(&app.settings).to_string(),
                app.settings.scene == "story",
            )
        })
        .unwrap_or_default();
        if in_story && matches!(key.key().as_str(), "ArrowLeft" | "ArrowRight") {
            event.prevent_default();
            go_to_page(if key.key() == "ArrowLeft" { -1 } else { 1 });
            return;
        }
        if scene != "playground" {
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
            invalidate();
        }
    });
}

fn wire_window() {
    let window = dom::window();
    listen(&window, "resize", |_| invalidate());
    // A hash typed or pasted by the visitor replaces the settings.
    listen(&window, "hashchange", |_| {
        let hash = dom::window().location().hash().unwrap_or_default();
        let (settings, notices) = Settings::from_hash(&hash);
        controls::write(&settings);
        controls::show_notices(&notices);
        write_hash(&settings);
        with_app(|app| {
            let old = app.settings.clone();
            app.settings = settings.clone();
            react(app, &old);
            app.reset();
        });
        arrive(&settings);
    });
}

/// One animation frame of the visible scene.
fn frame() {
    with_app(|app| {
        let settings = app.settings.clone();
        match effective_scene(&settings) {
            "sweep" => {
                with_scenes(|s| {
                    s.sweep.tick();
                    s.sweep.render(std::mem::take(&mut s.force), &settings);
                });
            }
            "tickets" => {
                with_scenes(|s| {
                    let t = s
                        .tickets
                        .get_or_insert_with(|| TicketsScene::new(&settings));
                    t.tick(FRAME_BUDGET_MS);
                    t.render(std::mem::take(&mut s.force));
                });
            }
            "escape" => {
                with_scenes(|s| {
                    let e = s.escape.get_or_insert_with(|| EscapeScene::new(&settings));
                    e.tick(FRAME_BUDGET_MS);
                    if s.pending_add && e.is_stuck() {
                        e.add_neuron(e.requested_kind());
                        s.pending_add = false;
                    }
                    e.render(std::mem::take(&mut s.force));
                });
            }
            _ => {
                // Draw first, then compute with what is left of the frame's budget, so that a
                // frame that draws a plot (the first ones draw with fonts still loading) does
                // not also compute.
                let start = dom::now_ms();
                VIEW.with(|v| v.borrow_mut().render(app));
                let left = FRAME_BUDGET_MS - (dom::now_ms() - start);
                if left > 1.0 {
                    app.tick(left);
                }
            }
        }
    });
}

fn start_loop() {
    type FrameCallback = Closure<dyn FnMut()>;
    let handle: std::rc::Rc<RefCell<Option<FrameCallback>>> = Default::default();
    let again = handle.clone();
    *handle.borrow_mut() = Some(Closure::new(move || {
        frame();
        if let Some(cb) = again.borrow().as_ref() {
            let _ = dom::window().request_animation_frame(cb.as_ref().unchecked_ref());
        }
    }));
    let first = handle.borrow();
    if let Some(cb) = first.as_ref() {
        let _ = dom::window().request_animation_frame(cb.as_ref().unchecked_ref());
    }
}
