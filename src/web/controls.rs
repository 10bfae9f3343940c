//! The control panel, driven by the settings table: fills labels, ranges and menus from
//! [`crate::settings::PROPERTIES`], writes settings into the controls and reads them back.

use crate::settings::{Kind, Notice, Settings, PROPERTIES};
use crate::web::dom;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};

/// Sets labels, ranges and menu options of every control from the table.
pub fn populate() {
    let document = dom::document();
    for p in PROPERTIES {
        if let Ok(Some(label)) = document.query_selector(&format!("label[for='{}']", p.key)) {
            if label.text_content().unwrap_or_default().trim().is_empty() {
                label.set_text_content(Some(p.label));
            }
        }
        match p.kind {
            Kind::Int { min, max } => {
                if let Some(input) = dom::by_id::<HtmlInputElement>(p.key) {
                    input.set_min(&min.to_string());
                    input.set_max(&max.to_string());
                    input.set_step("1");
                }
            }
            Kind::Float { min, max } => {
                if let Some(input) = dom::by_id::<HtmlInputElement>(p.key) {
                    input.set_min(&format!("{min}"));
                    input.set_max(&format!("{max}"));
                    // Sliders move in hundredths of their range; number fields take any value.
                    if input.type_() == "range" {
                        input.set_step(&format!("{}", (max - min) / 100.0));
                    } else {
                        input.set_step("any");
                    }
                }
            }
            Kind::IntList { min, max, max_len } => {
                if let Some(input) = dom::by_id::<HtmlInputElement>(p.key) {
                    input.set_title(&format!(
                        "Comma-separated whole numbers from {min} to {max} (at most {max_len})"
                    ));
                }
            }
            Kind::Choice(names) => {
                let options = names();
                if let Some(select) = dom::by_id::<HtmlSelectElement>(p.key) {
                    if select.length() == 0 {
                        for name in options {
                            if let Ok(option) = document.create_element("option") {
                                let _ = option.set_attribute("value", name);
                                option.set_text_content(Some(name));
                                let _ = select.append_child(&option);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Writes every setting into its control.
pub fn write(settings: &Settings) {
    for p in PROPERTIES {
        let text = settings.text(p.key).unwrap_or_default();
        if let Some(el) = dom::document().get_element_by_id(p.key) {
            if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
                input.set_value(&text);
                // A slider shows its value in an <output id="KEY-value">.
                dom::set_text(&format!("{}-value", p.key), &text);
            } else if let Some(select) = el.dyn_ref::<HtmlSelectElement>() {
                select.set_value(&text);
            }
        }
    }
}

/// The text of control `key`.
pub fn read(key: &str) -> Option<String> {
    let el = dom::document().get_element_by_id(key)?;
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        Some(input.value())
    } else {
        el.dyn_ref::<HtmlSelectElement>().map(|s| s.value())
    }
}

/// Shows notices (clamped or replaced settings) in the notice bar, or hides it when empty.
pub fn show_notices(notices: &[Notice]) {
    let Some(bar) = dom::document().get_element_by_id("notice") else {
        return;
    };
    if notices.is_empty() {
        dom::set_hidden(&bar, true);
        return;
    }
    let text: Vec<String> = notices.iter().map(|n| shorten(&n.message)).collect();
    dom::set_text("notice-text", &text.join(" "));
    dom::set_hidden(&bar, false);
}

/// Longest notice shown, in characters: the settings parser already quotes values short, and
/// this keeps any other message (a worker's error, say) from filling the page.
const NOTICE_CHARS: usize = 300;

/// `message` cut to [`NOTICE_CHARS`] characters, with an ellipsis if anything was cut.
fn shorten(message: &str) -> String {
    match message.char_indices().nth(NOTICE_CHARS) {
        Some((end, _)) => format!("{}…", &message[..end]),
        None => message.to_string(),
    }
}
