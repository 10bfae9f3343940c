//! The 3-D surface view of a landscape slice, in WebGL2: a small hand-written renderer (one
//! shader pair, three vertex arrays) over the buffers of [`SurfaceMesh`], which holds all the
//! geometry and is tested natively. Every slice figure has a `<canvas id="{id}-3d">` beside its
//! 2-D canvas; with the `surface` setting on, [`crate::web::slice_plot::draw`] draws here and
//! hides the flat one. Drag or arrow keys turn it, wheel or pinch zoom, `0` or "Reset view"
//! resets. Where WebGL2 is missing the flat slice stays and the figure says why. The renderer
//! is in [`crate::web::surface_gl`], the pointer, wheel and key handling in
//! [`crate::web::surface_input`].

use crate::charts::surface::{Camera, SurfaceMesh};
use crate::core::slice_view::FinishedSlice;
use crate::web::canvas::backing_size;
use crate::web::dom;
use crate::web::surface_gl::Surface;
use crate::web::surface_input::listen;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlCanvasElement};

/// What the figure says where the 3-D view cannot be drawn.
pub const UNAVAILABLE: &str =
    "The 3-D view needs WebGL2, which this browser does not provide: showing the flat slice.";

/// What the figure says under a 3-D view.
pub const HINT: &str =
    "Height and colour: log loss. Drag to turn, pinch or wheel to zoom (keys: arrows, +, -, 0).";

thread_local! {
    /// The `surface` setting, once the router has passed it.
    static ENABLED: Cell<Option<bool>> = const { Cell::new(None) };
    static VIEWS: RefCell<HashMap<String, Surface>> = RefCell::new(HashMap::new());
    /// `Some(reason)` once WebGL2 was found missing.
    static MISSING: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Turns the 3-D view of every slice on or off; returns true if that changed (the slices
/// must then be redrawn).
pub fn set_enabled(on: bool) -> bool {
    let changed = ENABLED.with(|e| e.replace(Some(on))) != Some(on);
    if changed {
        show_state();
    }
    changed
}

/// True while slices are drawn in 3-D (asked for, and WebGL2 there).
pub fn showing() -> bool {
    ENABLED.with(Cell::get) == Some(true) && MISSING.with(|m| m.borrow().is_none())
}

/// The canvas that shows the slice of the 2-D canvas `id` now: its 3-D canvas while the 3-D
/// view is shown, else `id` itself (for the PNG export).
pub fn shown_canvas_id(id: &str) -> String {
    let gl_id = format!("{id}-3d");
    let visible = dom::by_id::<HtmlCanvasElement>(&gl_id).is_some_and(|c| !c.hidden());
    if showing() && visible {
        gl_id
    } else {
        id.to_string()
    }
}

/// Draws `done` (current point at plane coordinates `current`) in the 3-D canvas beside
/// `flat` and hides `flat`; returns false (and shows `flat`, saying why) where it cannot.
pub fn draw(flat: &HtmlCanvasElement, done: &FinishedSlice, current: (f64, f64)) -> bool {
    let id = flat.id();
    let Some(canvas) = dom::by_id::<HtmlCanvasElement>(&format!("{id}-3d")) else {
        return false;
    };
    if !showing() {
        show_flat(flat, &canvas);
        return false;
    }
    canvas.set_hidden(false);
    flat.set_hidden(true);
    if let Some(label) = flat.get_attribute("aria-label") {
        let _ = canvas.set_attribute("aria-label", &format!("3-D surface. {label}"));
    }
    let built = VIEWS.with(|views| {
        let mut views = views.borrow_mut();
        if !views.contains_key(&id) {
            match Surface::new(&canvas) {
                Ok(s) => {
                    views.insert(id.clone(), s);
                    listen(&canvas, &id);
                }
                Err(reason) => return Err(reason),
            }
        }
        let view = views.get_mut(&id).expect("just inserted");
        view.upload(&SurfaceMesh::new(done, current));
        view.render();
        Ok(())
    });
    match built {
        Ok(()) => true,
        Err(reason) => {
            MISSING.with(|m| *m.borrow_mut() = Some(reason));
            show_state();
            show_flat(flat, &canvas);
            false
        }
    }
}

/// Shows the flat canvas instead of the 3-D one.
fn show_flat(flat: &HtmlCanvasElement, canvas: &HtmlCanvasElement) {
    canvas.set_hidden(true);
    flat.set_hidden(false);
}

/// Updates the toggles, notes and reset buttons, and the body's `data-surface`.
fn show_state() {
    let on = ENABLED.with(Cell::get) == Some(true);
    let missing = MISSING.with(|m| m.borrow().clone());
    let state = match (on, &missing) {
        (false, _) => "2d",
        (true, None) => "3d",
        (true, Some(_)) => "unavailable",
    };
    dom::set_body_data("surface", state);
    for el in all("[data-surface-toggle]") {
        let _ = el.set_attribute("aria-pressed", if on { "true" } else { "false" });
    }
    for el in all("[data-surface-reset]") {
        dom::set_hidden(&el, state != "3d");
    }
    for el in all("[data-surface-note]") {
        let text = match state {
            "3d" => HINT,
            "unavailable" => UNAVAILABLE,
            _ => "",
        };
        el.set_text_content(Some(text));
        dom::set_hidden(&el, text.is_empty());
    }
    if state != "3d" {
        for el in all("canvas.surface") {
            dom::set_hidden(&el, true);
        }
        for el in all("canvas[data-has-surface]") {
            dom::set_hidden(&el, false);
        }
    }
}

/// Redraws every shown 3-D view whose box changed size since it was drawn (a caption that
/// wraps to another line shrinks it), so that its picture is never stretched.
pub fn follow_layout() {
    if !showing() {
        return;
    }
    VIEWS.with(|views| {
        for view in views.borrow_mut().values_mut() {
            if view.canvas.hidden() {
                continue;
            }
            let size = backing_size(&view.canvas).map(|(w, h, _)| (w, h));
            if size.is_some_and(|size| size != (view.canvas.width(), view.canvas.height())) {
                view.render();
            }
        }
    });
}

/// Puts every 3-D view back to its first camera and redraws it.
pub fn reset_views() {
    VIEWS.with(|views| {
        for view in views.borrow_mut().values_mut() {
            view.camera = Camera::default();
            view.render();
        }
    });
}

fn all(selector: &str) -> Vec<Element> {
    let Ok(list) = dom::document().query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

/// Changes the camera of the view of slice `id` and redraws it.
pub(crate) fn move_camera(id: &str, f: impl FnOnce(Camera) -> Camera) {
    VIEWS.with(|views| {
        if let Some(view) = views.borrow_mut().get_mut(id) {
            view.camera = f(view.camera);
            view.render();
        }
    });
}
