//! The tickets scene's drawing of a network: inputs, hidden neurons and output, the ticket's
//! connections in blue and the rest of the network in green (the palette's ticket and wider
//! network), line widths by weight magnitude.

use crate::charts::palette::{css, STUDENT, WIDER};
use crate::core::network::Network;
use crate::web::canvas::{context, fit_to_css_size};
use web_sys::HtmlCanvasElement;

/// Draws `net` on `canvas`: inputs, hidden neurons and the output. Connections of the ticket
/// (`mask`) are blue, the rest green, line widths by weight magnitude; a neuron is blue if its
/// output weight belongs to the ticket.
pub fn draw(canvas: &HtmlCanvasElement, net: &Network, mask: &[bool]) {
    let Some(ratio) = fit_to_css_size(canvas) else {
        return;
    };
    let Some(ctx) = context(canvas) else {
        return;
    };
    let (w, h) = (canvas.width() as f64, canvas.height() as f64);
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, w, h);
    let s = net.shape;
    let ys = |n: usize, i: usize| h * (i as f64 + 1.0) / (n as f64 + 1.0);
    let (xi, xh, xo) = (w * 0.12, w * 0.5, w * 0.88);
    let max_w = net.params.iter().fold(1e-9f64, |m, p| m.max(p.abs()));
    let (ticket, rest) = (css(STUDENT), css(WIDER));
    let colour = |i: usize| {
        if mask.get(i).copied().unwrap_or(false) {
            ticket.as_str()
        } else {
            rest.as_str()
        }
    };
    for j in 0..s.width {
        for k in 0..s.input_dim {
            let v = net.params[s.input_weight(j, k)];
            ctx.set_stroke_style_str(colour(s.input_weight(j, k)));
            ctx.set_global_alpha(0.25 + 0.75 * (v.abs() / max_w).min(1.0));
            ctx.set_line_width(ratio * (0.5 + 4.0 * v.abs() / max_w));
            ctx.begin_path();
            ctx.move_to(xi, ys(s.input_dim, k));
            ctx.line_to(xh, ys(s.width, j));
            ctx.stroke();
        }
        let a = net.params[s.output_weight(j)];
        ctx.set_stroke_style_str(colour(s.output_weight(j)));
        ctx.set_global_alpha(0.25 + 0.75 * (a.abs() / max_w).min(1.0));
        ctx.set_line_width(ratio * (0.5 + 4.0 * a.abs() / max_w));
        ctx.begin_path();
        ctx.move_to(xh, ys(s.width, j));
        ctx.line_to(xo, h / 2.0);
        ctx.stroke();
    }
    ctx.set_global_alpha(1.0);
    let r = 7.0 * ratio;
    let node = |x: f64, y: f64, fill: &str| {
        ctx.set_fill_style_str(fill);
        ctx.begin_path();
        let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
        ctx.fill();
        ctx.set_stroke_style_str("#222222");
        ctx.set_line_width(ratio);
        ctx.stroke();
    };
    for k in 0..s.input_dim {
        node(xi, ys(s.input_dim, k), "#dddddd");
    }
    for j in 0..s.width {
        node(xh, ys(s.width, j), colour(s.output_weight(j)));
    }
    node(xo, h / 2.0, "#dddddd");
    ctx.set_fill_style_str("#222222");
    let px = crate::web::style::label_px(12.0) * ratio;
    ctx.set_font(&format!("{}px sans-serif", px.round()));
    ctx.set_text_align("center");
    let _ = ctx.fill_text("inputs", xi, h - 4.0 * ratio);
    let _ = ctx.fill_text("hidden neurons", xh, h - 4.0 * ratio);
    let _ = ctx.fill_text("output", xo, h - 4.0 * ratio);
}
