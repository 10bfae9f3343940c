//! The page's event wiring: controls, buttons, keys and the window (resize, a typed hash).
//! Every handler changes the router's settings through [`set_settings`] or calls a scene.

use crate::experiments::escape::EmbeddingKind;
use crate::settings::{SceneKind, Settings, PROPERTIES};
use crate::story;
use crate::web::app::App;
use crate::web::router::Router;
use crate::web::story_panel::elements;
use crate::web::{
    controls, dom, escape_text, export, glossary_dialog, replay, surface_view, url, with_router,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Replaces the settings: controls, URL and scenes follow; `arrive` also starts a story
/// page's action (the settings name a new scene or page).
pub fn set_settings(settings: Settings, arrive: bool) {
    controls::write(&settings);
    url::write_hash(&settings);
    with_router(|r| {
        r.apply(settings);
        if arrive {
            r.arrive();
        }
    });
}

/// Applies `changes` (URL-hash form) over the current settings.
fn change_settings(changes: &str, arrive: bool) {
    let Some(mut s) = with_router(|r| r.settings.clone()) else {
        return;
    };
    for pair in changes.split('&').filter(|p| !p.is_empty()) {
        if let Some((k, v)) = pair.split_once('=') {
            s.set_from_text(k, v);
        }
    }
    set_settings(s, arrive);
}

/// Turns to story page `n`: the page's own settings, however the visitor got there.
fn go_to_page(n: i64) {
    let (s, _) = story::resolve_hash(&story::page_hash(n));
    set_settings(s, true);
}

fn turn_page(delta: i64) {
    if let Some(page) = with_router(|r| r.settings.page) {
        let next = (page + delta).clamp(1, story::PAGES.len() as i64);
        if next != page {
            go_to_page(next);
        }
    }
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

fn on_setting_changed(key: &'static str) {
    let (Some(text), Some(mut s)) = (controls::read(key), with_router(|r| r.settings.clone()))
    else {
        return;
    };
    let notice = s.set_from_text(key, &text);
    // Show the value actually used (clamped), and say why if it changed.
    controls::show_notices(&notice.into_iter().collect::<Vec<_>>());
    set_settings(s, false);
}

/// Every control writes its setting on change; a slider shows its value while it moves.
pub fn wire_controls() {
    for p in PROPERTIES {
        if let Some(el) = dom::document().get_element_by_id(p.key) {
            let key = p.key;
            listen(&el, "change", move |_| on_setting_changed(key));
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
            with_router(Router::invalidate);
        });
    }
}

fn on_router(id: &str, action: impl Fn(&mut Router) + 'static) {
    on_click(id, move || {
        with_router(&action);
    });
}

fn on_app(id: &str, action: fn(&mut App)) {
    on_router(id, move |r| action(&mut r.playground.app));
}

/// Widens the stuck student with the other kind of neuron than the last attempt (the
/// setting follows, so the URL describes what is shown).
fn try_other_neuron() {
    let other = with_router(|r| {
        let a = r.escape.as_ref()?.attempt.as_ref()?;
        Some(match escape_text::kind_of(a.embedding) {
            EmbeddingKind::Split => "zero",
            EmbeddingKind::ZeroOutput => "split",
        })
    })
    .flatten();
    if let Some(kind) = other {
        change_settings(&format!("emb={kind}"), false);
        with_router(|r| r.escape.as_mut().map(|e| e.add_neuron(e.requested_kind())));
    }
}

/// Hides the first visit's lede.
fn hide_lede() {
    if let Some(lede) = dom::document().get_element_by_id("lede") {
        dom::set_hidden(&lede, true);
    }
}

/// Opens or closes the settings drawer (on phones the controls are folded away).
fn toggle_drawer() {
    let open = dom::body().get_attribute("data-drawer").as_deref() != Some("open");
    dom::set_body_data("drawer", if open { "open" } else { "closed" });
    if let Some(b) = dom::document().get_element_by_id("controls-toggle") {
        let _ = b.set_attribute("aria-expanded", if open { "true" } else { "false" });
    }
}

/// Presentation mode on the full page: the view alone, its text sized for the frame (as when
/// embedded in slides), full screen where the browser allows it; leaving full screen (Esc)
/// ends it.
fn present() {
    change_settings("embed=1", false);
    let _ = dom::document()
        .document_element()
        .map(|e| e.request_fullscreen());
}

/// The colour theme after the current one: auto (the system's), dark, light.
fn next_theme() {
    let now = dom::body().get_attribute("data-theme").unwrap_or_default();
    let next = match now.as_str() {
        "dark" => "light",
        "light" => "auto",
        _ => "dark",
    };
    dom::set_body_data("theme", next);
    dom::set_text("theme", &format!("Theme: {next}"));
}

/// Every button of the page.
pub fn wire_buttons() {
    on_app("play", App::toggle_running);
    on_app("step", App::single_step);
    on_app("reset", App::reset);
    if let Some(el) = dom::by_id::<web_sys::HtmlInputElement>("scrub") {
        let input = el.clone();
        listen(&el, "input", move |_| {
            let position = input.value().parse::<usize>().unwrap_or(0);
            with_router(|r| {
                replay::set(&mut r.playground.app, position);
                r.invalidate();
            });
        });
    }
    on_app("refresh-slice", |app| {
        app.running = false;
        app.request_slice();
    });
    on_router("motion-start", Router::release);
    on_click("terms", glossary_dialog::open);
    on_click("glossary-close", glossary_dialog::close);
    on_router("sweep-run", |r| {
        let s = r.settings.clone();
        r.sweep.start(&s);
    });
    on_router("sweep-cancel", |r| r.sweep.cancel());
    on_router("minima-run", |r| {
        let s = r.settings.clone();
        r.minima.start(&s);
    });
    on_router("minima-cancel", |r| r.minima.cancel());
    if let Some(select) = dom::by_id::<web_sys::HtmlSelectElement>("minima-point") {
        let read = select.clone();
        listen(&select, "change", move |_| {
            let value = read.value();
            if let Some((w, id)) = value.split_once(':') {
                if let (Ok(w), Ok(id)) = (w.parse(), id.parse()) {
                    with_router(|r| {
                        r.minima.choose(w, id);
                        r.invalidate();
                    });
                }
            }
        });
    }
    on_click("minima-census-csv", || {
        if let Some(Some(text)) = with_router(|r| r.minima.census_csv()) {
            export::csv("census.csv", &text);
        }
    });
    on_click("minima-widening-csv", || {
        if let Some(Some(text)) = with_router(|r| r.minima.widening_csv()) {
            export::csv("census_widening.csv", &text);
        }
    });
    on_click("sweep-csv", || {
        if let Some(Some(text)) = with_router(|r| r.sweep.csv()) {
            export::csv("width_sweep.csv", &text);
        }
    });
    on_router("tickets-run", |r| {
        let s = r.settings.clone();
        r.tickets
            .get_or_insert_with(|| crate::web::tickets_scene::TicketsScene::new(&s))
            .start_table(&s);
    });
    on_router("tickets-cancel", |r| {
        if let Some(t) = &mut r.tickets {
            t.cancel();
        }
    });
    on_router("tickets-restart", |r| {
        r.tickets = Some(crate::web::tickets_scene::TicketsScene::new(&r.settings));
    });
    on_click("tickets-csv", || {
        if let Some(Some(text)) = with_router(|r| r.tickets.as_ref().map(|t| t.csv())) {
            export::csv("tickets.csv", &text);
        }
    });
    on_router("escape-add", |r| {
        if let Some(e) = &mut r.escape {
            e.add_neuron(e.requested_kind());
        }
    });
    on_click("escape-other", try_other_neuron);
    on_router("escape-reset", |r| {
        r.escape = Some(crate::web::escape_scene::EscapeScene::new(&r.settings));
    });
    on_click("lede-story", || {
        hide_lede();
        go_to_page(1);
    });
    on_click("lede-play", hide_lede);
    on_click("controls-toggle", toggle_drawer);
    on_click("theme", next_theme);
    on_click("present", present);
    on_click("story-prev", || turn_page(-1));
    on_click("story-next", || turn_page(1));
    on_click("share", export::copy_url);
    on_click("share-fallback-close", export::hide_offer);
    // Enter in a field of the settings form must not submit it (a reload): the form has no
    // submit button, and this also holds where a browser would submit it anyway.
    if let Some(form) = dom::document().get_element_by_id("controls") {
        listen(&form, "submit", |e| e.prevent_default());
    }
    for el in elements("[data-goto]") {
        let target = el.get_attribute("data-goto").unwrap_or_default();
        listen(&el, "click", move |_| {
            if target == "story" {
                go_to_page(1);
            } else {
                change_settings(&format!("scene={target}"), true);
            }
        });
    }
    for el in elements("[data-png]") {
        let canvas = el.get_attribute("data-png").unwrap_or_default();
        listen(&el, "click", move |_| {
            export::png(&surface_view::shown_canvas_id(&canvas))
        });
    }
    for el in elements("[data-surface-toggle]") {
        listen(&el, "click", |_| {
            let on = with_router(|r| r.settings.surface).unwrap_or(false);
            change_settings(if on { "surface=0" } else { "surface=1" }, false);
        });
    }
    for el in elements("[data-surface-reset]") {
        listen(&el, "click", |_| surface_view::reset_views());
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

/// Space plays or pauses, `s` steps, `r` resets (playground); arrows and PageUp/PageDown (what
/// presenter clickers send) turn story pages; whatever has the focus, except a form field
/// (keys typed there are the field's). Enter presses a focused button as usual; space is the
/// page's, even on a button (its keyup would press the button, so that is cancelled).
pub fn wire_keyboard() {
    listen(&dom::document(), "keyup", |event| {
        if glossary_dialog::is_open() {
            return;
        }
        let on_button = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| e.tag_name() == "BUTTON");
        let space = event
            .dyn_ref::<web_sys::KeyboardEvent>()
            .is_some_and(|k| k.key() == " ");
        if on_button && space {
            event.prevent_default();
        }
    });
    listen(&dom::document(), "keydown", |event| {
        let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
            return;
        };
        if key.ctrl_key() || key.meta_key() || key.alt_key() || glossary_dialog::is_open() {
            return;
        }
        let name = key.key();
        let tag = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| e.tag_name())
            .unwrap_or_default();
        let typing = matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA");
        if typing || name == "Enter" {
            return;
        }
        if name == " " && tag == "BUTTON" {
            // Not a press of the focused button: space is the page's.
            event.prevent_default();
        }
        let Some((scene, in_story)) = with_router(|r| {
            (
                crate::web::shown(&r.settings),
                r.settings.scene == SceneKind::Story,
            )
        }) else {
            return;
        };
        let turn = match name.as_str() {
            "ArrowLeft" | "PageUp" => Some(-1),
            "ArrowRight" | "PageDown" => Some(1),
            _ => None,
        };
        if let (true, Some(delta)) = (in_story, turn) {
            event.prevent_default();
            turn_page(delta);
            return;
        }
        if scene != SceneKind::Playground {
            return;
        }
        let action: Option<fn(&mut App)> = match name.as_str() {
            " " => Some(App::toggle_running),
            "s" => Some(App::single_step),
            "r" => Some(App::reset),
            _ => None,
        };
        if let Some(action) = action {
            event.prevent_default();
            with_router(|r| {
                action(&mut r.playground.app);
                r.invalidate();
            });
        }
    });
}

/// A resize redraws; a hash typed or pasted by the visitor replaces the settings, read as a
/// link is read on load.
pub fn wire_window() {
    let window = dom::window();
    listen(&window, "resize", |_| {
        with_router(Router::invalidate);
    });
    listen(&dom::document(), "fullscreenchange", |_| {
        if dom::document().fullscreen_element().is_none() {
            change_settings("embed=0", false);
        }
    });
    listen(&window, "hashchange", |_| {
        let (settings, notices) = url::read_hash();
        controls::show_notices(&notices);
        set_settings(settings, true);
    });
}
