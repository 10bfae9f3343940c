//! Hover and tap readouts: every chart drawn through [`crate::web::canvas::draw_chart`]
//! leaves its [`Probe`] here, keyed by its canvas; a pointer (mouse, pen or finger) over a
//! canvas shows what the probe reads there in the `#readout` box beside the pointer. A slice
//! also leaves a copy of its grid, so that any pixel of its heatmap reads the loss shown there.

use crate::charts::probe::{plane_text, Probe};
use crate::core::slice_view::FinishedSlice;
use crate::web::dom;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, HtmlElement, PointerEvent};

/// A slice's grid, enough to read the loss under any plane point.
struct Grid {
    extent: f64,
    resolution: usize,
    /// Row-major, row 0 at `b = -extent` (as [`crate::core::slice::Slice::at`]).
    values: Vec<f64>,
}

impl Grid {
    fn of(done: &FinishedSlice) -> Grid {
        let s = &done.slice;
        let r = s.resolution.max(1);
        Grid {
            extent: s.extent,
            resolution: r,
            values: (0..r * r).map(|i| s.at(i / r, i % r)).collect(),
        }
    }

    /// The loss at the grid point nearest to `(a, b)`, clamped to the square (the heatmap's
    /// edge cells reach half a cell beyond it), as [`FinishedSlice::loss_under`].
    fn loss_at(&self, (a, b): (f64, f64)) -> Option<f64> {
        let r = self.resolution;
        if r < 2 || !a.is_finite() || !b.is_finite() {
            return None;
        }
        let index = |x: f64| {
            let f = (x.clamp(-self.extent, self.extent) + self.extent) / (2.0 * self.extent)
                * (r - 1) as f64;
            (f.round().max(0.0) as usize).min(r - 1)
        };
        self.values.get(index(b) * r + index(a)).copied()
    }
}

struct Entry {
    probe: Probe,
    grid: Option<Grid>,
}

/// Where the pointer last read a canvas: its id, the CSS pixel on it and in the window.
#[derive(Clone)]
struct Hover {
    id: String,
    at: (f64, f64),
    client: (f64, f64),
}

thread_local! {
    static PROBES: RefCell<HashMap<String, Entry>> = RefCell::new(HashMap::new());
    static HOVER: RefCell<Option<Hover>> = const { RefCell::new(None) };
}

/// Records what the chart just drawn on `canvas` lets a pointer read (`probe` in backend
/// pixels of a canvas drawn at `ratio` device pixels per CSS pixel).
pub fn register(canvas: &HtmlCanvasElement, probe: Probe, ratio: f64) {
    let id = canvas.id();
    if id.is_empty() {
        return;
    }
    PROBES.with(|p| {
        let mut p = p.borrow_mut();
        let grid = p.remove(&id).and_then(|e| e.grid);
        p.insert(
            id,
            Entry {
                probe: probe.scaled(ratio),
                grid,
            },
        );
    });
    refresh(canvas);
}

/// After a redraw of the canvas under a still pointer, the box follows the new chart.
fn refresh(canvas: &HtmlCanvasElement) {
    let Some(h) = HOVER.with(|h| h.borrow().clone()) else {
        return;
    };
    if h.id == canvas.id() {
        show(reading(&h.id, h.at.0, h.at.1), Some(h));
    }
}

/// Records the grid of the slice just drawn on `canvas` (after [`register`]).
pub fn register_slice(canvas: &HtmlCanvasElement, done: &FinishedSlice) {
    PROBES.with(|p| {
        if let Some(e) = p.borrow_mut().get_mut(&canvas.id()) {
            let same = e.grid.as_ref().is_some_and(|g| {
                g.resolution == done.slice.resolution
                    && g.extent == done.slice.extent
                    && g.values.first().copied() == Some(done.slice.at(0, 0))
                    && g.values.last().copied()
                        == Some(done.slice.at(g.resolution - 1, g.resolution - 1))
            });
            if !same {
                e.grid = Some(Grid::of(done));
            }
        }
    });
    refresh(canvas);
}

/// What a pointer at CSS pixel `(x, y)` of canvas `id` reads, if anything.
pub fn reading(id: &str, x: f64, y: f64) -> Option<String> {
    PROBES.with(|p| {
        let p = p.borrow();
        let e = p.get(id)?;
        if let Some(point) = e.probe.nearest(x, y) {
            return Some(point.text.clone());
        }
        let (plane, grid) = (e.probe.plane.as_ref()?, e.grid.as_ref()?);
        let ab = plane.plane_at(x, y)?;
        Some(plane_text(ab.0, ab.1, grid.loss_at(ab)?))
    })
}

/// Shows the reading under a pointer event over a registered canvas, or hides the box.
fn on_pointer(event: &PointerEvent) {
    let canvas = event
        .target()
        .and_then(|t| t.dyn_into::<HtmlCanvasElement>().ok());
    let client = (event.client_x() as f64, event.client_y() as f64);
    let hover = canvas.map(|c| {
        let r = c.get_bounding_client_rect();
        Hover {
            id: c.id(),
            at: (client.0 - r.left(), client.1 - r.top()),
            client,
        }
    });
    let text = hover.as_ref().and_then(|h| reading(&h.id, h.at.0, h.at.1));
    show(text, hover);
}

/// Shows `text` in the box at the pointer of `hover`, or hides the box.
fn show(text: Option<String>, hover: Option<Hover>) {
    let Some(out) = dom::by_id::<HtmlElement>("readout") else {
        return;
    };
    match (text, hover) {
        (Some(text), Some(h)) => {
            if out.text_content().as_deref() != Some(text.as_str()) {
                out.set_text_content(Some(&text));
            }
            let _ = out.set_attribute("data-canvas", &h.id);
            dom::set_hidden(&out, false);
            place(&out, h.client.0, h.client.1);
            HOVER.with(|c| *c.borrow_mut() = Some(h));
        }
        _ => {
            dom::set_hidden(&out, true);
            HOVER.with(|c| *c.borrow_mut() = None);
        }
    }
}

/// Puts the box beside the pointer, inside the window (left of it near the right edge, above
/// it near the bottom, above a finger so the finger does not cover it).
fn place(out: &HtmlElement, x: f64, y: f64) {
    let w = dom::window();
    let vw = w
        .inner_width()
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(800.0);
    let vh = w
        .inner_height()
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(600.0);
    let r = out.get_bounding_client_rect();
    let (bw, bh) = (r.width().max(120.0), r.height().max(24.0));
    let left = if x + 16.0 + bw < vw {
        x + 16.0
    } else {
        (x - 16.0 - bw).max(4.0)
    };
    let top = if y - 12.0 - bh > 4.0 {
        y - 12.0 - bh
    } else {
        (y + 20.0).min(vh - bh - 4.0)
    };
    let style = out.style();
    let _ = style.set_property("left", &format!("{left:.0}px"));
    let _ = style.set_property("top", &format!("{top:.0}px"));
}

/// Listens to pointer moves, taps and leaves on the whole page (once, at start).
pub fn wire() {
    let doc = dom::document();
    for name in ["pointermove", "pointerdown"] {
        let cb = Closure::<dyn FnMut(PointerEvent)>::new(|e: PointerEvent| on_pointer(&e));
        let _ = doc.add_event_listener_with_callback(name, cb.as_ref().unchecked_ref());
        cb.forget();
    }
    let hide = Closure::<dyn FnMut(PointerEvent)>::new(|e: PointerEvent| {
        // A finger lifted leaves its reading; a mouse leaving the canvas hides it.
        let to_canvas = e
            .related_target()
            .is_some_and(|t| t.dyn_into::<HtmlCanvasElement>().is_ok());
        if e.pointer_type() != "touch" && !to_canvas {
            show(None, None);
        }
    });
    let _ = doc.add_event_listener_with_callback("pointerout", hide.as_ref().unchecked_ref());
    hide.forget();
}
