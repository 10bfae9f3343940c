//! Pointer, wheel and key handling of the 3-D slice view ([`crate::web::surface_view`]): a drag
//! turns the surface, two fingers pinch to zoom, the wheel zooms, and with the surface focused
//! the arrow keys turn it, `+` and `-` zoom and `0` resets (those keys are then the surface's,
//! not the story's or the playground's).

use crate::charts::surface::Camera;
use crate::web::surface_view::move_camera;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

/// Drag and pinch, wheel and keys on the 3-D canvas of slice `id`.
pub(crate) fn listen(canvas: &HtmlCanvasElement, id: &str) {
    let pointers: std::rc::Rc<RefCell<HashMap<i32, (f64, f64)>>> = Default::default();
    let on = |event: &str, handler: Box<dyn FnMut(web_sys::Event)>, passive: bool| {
        let closure = Closure::<dyn FnMut(web_sys::Event)>::new(handler);
        let options = web_sys::AddEventListenerOptions::new();
        options.set_passive(passive);
        let _ = canvas.add_event_listener_with_callback_and_add_event_listener_options(
            event,
            closure.as_ref().unchecked_ref(),
            &options,
        );
        closure.forget();
    };
    {
        let (pointers, canvas) = (pointers.clone(), canvas.clone());
        on(
            "pointerdown",
            Box::new(move |e| {
                if let Some(p) = e.dyn_ref::<web_sys::PointerEvent>() {
                    let _ = canvas.set_pointer_capture(p.pointer_id());
                    let _ = canvas.focus();
                    pointers
                        .borrow_mut()
                        .insert(p.pointer_id(), (p.client_x() as f64, p.client_y() as f64));
                }
            }),
            true,
        );
    }
    {
        let (pointers, id) = (pointers.clone(), id.to_string());
        on(
            "pointermove",
            Box::new(move |e| {
                let Some(p) = e.dyn_ref::<web_sys::PointerEvent>() else {
                    return;
                };
                let mut map = pointers.borrow_mut();
                let Some(&old) = map.get(&p.pointer_id()) else {
                    return;
                };
                let new = (p.client_x() as f64, p.client_y() as f64);
                if map.len() == 1 {
                    let (dx, dy) = ((new.0 - old.0) as f32, (new.1 - old.1) as f32);
                    move_camera(&id, |c| c.rotated(-dx * 0.01, dy * 0.01));
                } else if let Some(&other) = map
                    .iter()
                    .find(|(k, _)| **k != p.pointer_id())
                    .map(|(_, v)| v)
                {
                    let span = |a: (f64, f64)| (a.0 - other.0).hypot(a.1 - other.1).max(1.0);
                    let factor = (span(new) / span(old)) as f32;
                    move_camera(&id, |c| c.zoomed(factor));
                }
                map.insert(p.pointer_id(), new);
            }),
            true,
        );
    }
    for event in ["pointerup", "pointercancel"] {
        let pointers = pointers.clone();
        on(
            event,
            Box::new(move |e| {
                if let Some(p) = e.dyn_ref::<web_sys::PointerEvent>() {
                    pointers.borrow_mut().remove(&p.pointer_id());
                }
            }),
            true,
        );
    }
    {
        let id = id.to_string();
        on(
            "wheel",
            Box::new(move |e| {
                if let Some(w) = e.dyn_ref::<web_sys::WheelEvent>() {
                    e.prevent_default();
                    let factor = (-w.delta_y() * 0.0015).exp() as f32;
                    move_camera(&id, |c| c.zoomed(factor));
                }
            }),
            false,
        );
    }
    {
        let id = id.to_string();
        on(
            "keydown",
            Box::new(move |e| {
                let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                let turn: Option<fn(Camera) -> Camera> = match k.key().as_str() {
                    "ArrowLeft" => Some(|c| c.rotated(0.15, 0.0)),
                    "ArrowRight" => Some(|c| c.rotated(-0.15, 0.0)),
                    "ArrowUp" => Some(|c| c.rotated(0.0, 0.1)),
                    "ArrowDown" => Some(|c| c.rotated(0.0, -0.1)),
                    "+" | "=" => Some(|c| c.zoomed(1.2)),
                    "-" => Some(|c| c.zoomed(1.0 / 1.2)),
                    "0" | "Home" => Some(|_| Camera::default()),
                    _ => None,
                };
                if let Some(turn) = turn {
                    // The page's own keys (story pages, playground) are not these.
                    e.prevent_default();
                    e.stop_propagation();
                    move_camera(&id, turn);
                }
            }),
            false,
        );
    }
}
