//! The explorer's one palette (Okabe & Ito 2008, safe for the common colour-vision
//! deficiencies). Each colour means one thing in every chart, diagram and key of the page:
//!
//! | colour | hex | means | text shade (≥ 4.5:1 on white) |
//! |---|---|---|---|
//! | blue | `#0072b2` | the student being trained, the narrow network, the ticket; measured data in the experiment charts | `#0072b2` (5.2:1) |
//! | bluish green | `#009e73` | neurons added, the wider network: an escape's widened student, a ticket's embedded network and "the rest" around it | `#007a5a` (5.3:1) |
//! | vermilion | `#d55e00` | a way down or trouble: negative Hessian eigenvalues, divergence | `#b35000` (5.2:1) |
//! | orange | `#e69f00` | the current point on a landscape slice, nothing else | `#8c5f00` (5.6:1) |
//! | reddish purple | `#cc79a7` | lottery predictions: every k-subset a ticket (solid), disjoint tickets (dashed) | `#a8447c` (5.6:1) |
//! | dark grey, dashed | `#444444` | the success threshold (a reference line) | `#444444` (9.7:1) |
//! | grey | `#999999` | "before" references (the spectrum before widening) and event markers | `#6e6e6e` (5.1:1) |
//!
//! Neutrals carry no meaning: [`INK`] for text, axes and the teacher, [`GRID`] for grid lines,
//! white and black for the slice's trajectory, start square and contour lines over the
//! viridis heatmap. Chart text is drawn in [`INK`]; the text shades are for coloured words in
//! the page (`www/style.css`, classes `.key.blue`, `.key.green`, `.key.vermilion`,
//! `.key.orange`, `.key.purple`, `.key.threshold`, `.key.grey`).

use plotters::style::RGBColor;

/// Blue `#0072b2`: the student being trained, the narrow network, the ticket; measured data.
pub const STUDENT: RGBColor = RGBColor(0x00, 0x72, 0xb2);
/// Bluish green `#009e73`: neurons added, the wider network (an escape's widened student, a
/// ticket's embedded network and the rest of the network around the ticket).
pub const WIDER: RGBColor = RGBColor(0x00, 0x9e, 0x73);
/// Vermilion `#d55e00`: a way down or trouble (negative Hessian eigenvalues, divergence).
pub const TROUBLE: RGBColor = RGBColor(0xd5, 0x5e, 0x00);
/// Orange `#e69f00`: the current point on a landscape slice, and nothing else.
pub const CURRENT: RGBColor = RGBColor(0xe6, 0x9f, 0x00);
/// Reddish purple `#cc79a7`: lottery predictions (combinatorial solid, disjoint dashed).
pub const LOTTERY: RGBColor = RGBColor(0xcc, 0x79, 0xa7);
/// Dark grey `#444444`, drawn dashed: the success threshold.
pub const THRESHOLD: RGBColor = RGBColor(0x44, 0x44, 0x44);
/// Grey `#999999`: "before" references (the spectrum before widening) and event markers.
pub const REFERENCE: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// [`STUDENT`] by its hue (the student, the narrow network, the ticket).
pub const BLUE: RGBColor = STUDENT;
/// [`WIDER`] by its hue (the wider network, neurons added).
pub const GREEN: RGBColor = WIDER;

/// Near-black `#222222` (neutral): text, axes, the teacher.
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Light grey `#e4e4e4` (neutral): grid lines and legend borders.
pub const GRID: RGBColor = RGBColor(0xe4, 0xe4, 0xe4);

/// The palette's CSS colours, for canvas code outside plotters (`#rrggbb`).
pub fn css(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG relative luminance.
    fn luminance(c: RGBColor) -> f64 {
        let lin = |v: u8| {
            let v = v as f64 / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
    }

    #[test]
    fn text_shades_reach_4_5_to_1_on_white() {
        for (hex, c) in [
            ("#0072b2", STUDENT),
            ("#007a5a", RGBColor(0x00, 0x7a, 0x5a)),
            ("#b35000", RGBColor(0xb3, 0x50, 0x00)),
            ("#8c5f00", RGBColor(0x8c, 0x5f, 0x00)),
            ("#a8447c", RGBColor(0xa8, 0x44, 0x7c)),
            ("#444444", THRESHOLD),
            ("#6e6e6e", RGBColor(0x6e, 0x6e, 0x6e)),
            ("#222222", INK),
        ] {
            let ratio = 1.05 / (luminance(c) + 0.05);
            assert!(ratio >= 4.5, "{hex}: {ratio:.2}:1");
        }
        assert_eq!(css(CURRENT), "#e69f00");
    }
}
