//! The Terms dialog (opened from the header) listing [`crate::glossary::TERMS`], and the
//! tooltips of the controls whose labels use a term.

use crate::glossary::{tooltip, TERMS};
use crate::settings::PROPERTIES;
use crate::web::dom;
use wasm_bindgen::JsCast;
use web_sys::HtmlDialogElement;

/// Fills the dialog's list and the controls' tooltips (once, at start).
pub fn populate() {
    let document = dom::document();
    if let Some(list) = document.get_element_by_id("glossary-list") {
        if list.child_element_count() == 0 {
            for t in TERMS {
                if let (Ok(dt), Ok(dd)) =
                    (document.create_element("dt"), document.create_element("dd"))
                {
                    dt.set_text_content(Some(t.name));
                    dd.set_text_content(Some(t.explanation));
                    let _ = list.append_child(&dt);
                    let _ = list.append_child(&dd);
                }
            }
        }
    }
    for p in PROPERTIES {
        let Some(text) = tooltip(p.key) else {
            continue;
        };
        if let Ok(Some(label)) = document.query_selector(&format!("label[for='{}']", p.key)) {
            let _ = label.set_attribute("title", &text);
        }
    }
}

fn dialog() -> Option<HtmlDialogElement> {
    dom::document()
        .get_element_by_id("glossary")
        .and_then(|d| d.dyn_into::<HtmlDialogElement>().ok())
}

/// Opens the dialog (modal: the page behind it is inert; Escape closes it).
pub fn open() {
    if let Some(d) = dialog() {
        if !d.open() {
            let _ = d.show_modal();
        }
    }
}

/// Closes the dialog.
pub fn close() {
    if let Some(d) = dialog() {
        d.close();
    }
}

/// True while the dialog is open (the page's keys then do nothing).
pub fn is_open() -> bool {
    dialog().is_some_and(|d| d.open())
}
