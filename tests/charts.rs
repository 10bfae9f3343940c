//! Every chart rendered natively to SVG from small real inputs: the labels that explain a
//! chart are there, each palette colour appears where its meaning is drawn (and orange only
//! at the slice's current point), tick labels never overlap, and the slice's pieces stay in
//! its square.

// The SVG backend is a native dependency (the page draws on canvases).
#![cfg(not(target_arch = "wasm32"))]

use escape_dims::charts::{self, Heatmap, Look};
use escape_dims::core::activation::Activation;
use escape_dims::core::network::{Network, Shape};
use escape_dims::core::objective::Objective;
use escape_dims::core::plane::Plane;
use escape_dims::core::rng::{SeededRng, Stream};
use escape_dims::core::slice::Slice;
use escape_dims::core::slice_view::FinishedSlice;
use escape_dims::core::task::{Task, TaskConfig};
use escape_dims::experiments::escape::{EscapeConfig, EscapeResult};
use escape_dims::experiments::subspace::{SubspaceConfig, SubspaceResult, SubspaceRow};
use escape_dims::experiments::sweep::{SweepConfig, SweepResult, WidthSummary};
use escape_dims::experiments::tickets::{
    AlphaRow, NeuronTicketConfig, NeuronTicketResult, Rate, WeightTicketConfig, WeightTicketResult,
};
use plotters::prelude::*;
use std::cell::RefCell;

const BLUE: &str = "#0072B2";
const GREEN: &str = "#009E73";
const VERMILION: &str = "#D55E00";
const ORANGE: &str = "#E69F00";
const PURPLE: &str = "#CC79A7";
const DARK_GREY: &str = "#444444";
const GREY: &str = "#999999";

/// Renders a chart of `w x h` pixels to an SVG string.
fn svg(w: u32, h: u32, draw: impl FnOnce(&charts::Area<SVGBackend<'_>>)) -> String {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        draw(&root);
    }
    out
}

/// Writes `svg` to `$CHARTS_SVG_DIR/name.svg` when that variable is set (to look at them).
fn save(name: &str, svg: &str) {
    if let Some(dir) = std::env::var_os("CHARTS_SVG_DIR") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("svg dir");
        std::fs::write(dir.join(format!("{name}.svg")), svg).expect("svg written");
    }
}

/// An SVG element: its attributes and its text.
type El = (Vec<(String, String)>, String);

/// The attributes and text of every element named `tag`.
fn elements(svg: &str, tag: &str) -> Vec<El> {
    let open = format!("<{tag} ");
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        let end = rest.find('>').expect("tag ends");
        let head = &rest[..end];
        let mut attrs = Vec::new();
        let mut h = head;
        while let Some(eq) = h.find("=\"") {
            let name = h[..eq].trim().to_string();
            let after = &h[eq + 2..];
            let close = after.find('"').expect("attribute ends");
            attrs.push((name, after[..close].to_string()));
            h = &after[close + 1..];
        }
        let text = if head.ends_with('/') {
            String::new()
        } else {
            let body = &rest[end + 1..];
            body[..body.find('<').unwrap_or(0)].trim().to_string()
        };
        out.push((attrs, text));
    }
    out
}

fn attr<'a>(e: &'a El, name: &str) -> Option<&'a str> {
    e.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

fn num(e: &El, name: &str) -> f64 {
    attr(e, name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no numeric {name} in {e:?}"))
}

/// The texts of a chart.
fn texts(svg: &str) -> Vec<String> {
    elements(svg, "text").into_iter().map(|e| e.1).collect()
}

fn has_text(svg: &str, wanted: &str) -> bool {
    texts(svg).iter().any(|t| t == wanted)
}

/// An axis title is drawn whole, or shortened to its first words where the axis is too short
/// for it (`charts::style::fit_title`), never clipped mid-word.
fn assert_title(svg: &str, full: &str) {
    let ok = texts(svg)
        .iter()
        .any(|t| !t.is_empty() && (t == full || full.starts_with(&format!("{t} "))));
    assert!(ok, "no title {full:?} (or its head) among {:?}", texts(svg));
}

fn assert_texts(svg: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(has_text(svg, w), "no text {w:?} among {:?}", texts(svg));
    }
}

/// Elements `tag` whose attribute `name` is `value`.
fn with<'a>(els: &'a [El], name: &str, value: &str) -> Vec<&'a El> {
    els.iter()
        .filter(|e| attr(e, name) == Some(value))
        .collect()
}

fn points(e: &El) -> Vec<(f64, f64)> {
    attr(e, "points")
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|p| {
            let (x, y) = p.split_once(',')?;
            Some((x.parse().ok()?, y.parse().ok()?))
        })
        .collect()
}

/// The font size a text of the SVG has on a canvas (plotters writes SVG font sizes divided by
/// 1.24; a canvas gets the size itself, and the page's charts are canvases).
fn canvas_font(e: &El) -> f64 {
    1.24 * num(e, "font-size")
}

/// Checks that no two tick labels of an axis overlap at their size on a canvas: the y axis's
/// labels (right-aligned, not rotated, grouped by x) are at least a font size apart
/// vertically, the x axis's (centred, grouped by y) at least half their widths (0.6 em a
/// character) apart horizontally. Returns the number of labels of the largest y group.
fn assert_ticks_apart(svg: &str, what: &str) -> usize {
    let labels: Vec<_> = elements(svg, "text")
        .into_iter()
        .filter(|e| attr(e, "transform").is_none() && !e.1.is_empty())
        .collect();
    let group = |anchor: &str, key: &str| {
        let mut groups: Vec<(f64, Vec<&El>)> = Vec::new();
        for e in labels
            .iter()
            .filter(|e| attr(e, "text-anchor") == Some(anchor))
        {
            let k = num(e, key);
            match groups.iter_mut().find(|g| (g.0 - k).abs() < 0.5) {
                Some(g) => g.1.push(e),
                None => groups.push((k, vec![e])),
            }
        }
        groups
    };
    let mut most = 0;
    for (_, mut g) in group("end", "x") {
        most = most.max(g.len());
        g.sort_by(|a, b| num(a, "y").total_cmp(&num(b, "y")));
        for w in g.windows(2) {
            let gap = num(w[1], "y") - num(w[0], "y");
            let size = canvas_font(w[0]);
            assert!(
                gap >= size,
                "{what}: y labels {:?} and {:?} are {gap} apart, font {size}",
                w[0].1,
                w[1].1
            );
        }
    }
    for (_, mut g) in group("middle", "y") {
        g.sort_by(|a, b| num(a, "x").total_cmp(&num(b, "x")));
        for w in g.windows(2) {
            let width = |e: &El| 0.6 * canvas_font(e) * e.1.chars().count() as f64;
            let gap = num(w[1], "x") - num(w[0], "x");
            let need = (width(w[0]) + width(w[1])) / 2.0;
            assert!(
                gap >= need,
                "{what}: x labels {:?} and {:?} are {gap} apart, need {need}",
                w[0].1,
                w[1].1
            );
        }
    }
    most
}

/// The escape scene's loss chart: a narrow run stuck near 4e-2, then a widened one falling
/// to 1e-17 after the event "neuron added".
fn loss_curves_svg(w: u32, h: u32, scale: f64) -> String {
    let narrow: Vec<(f64, f64)> = (0..=80)
        .map(|i| (i as f64 * 100.0, 0.04 + 0.9 * (-(i as f64) / 5.0).exp()))
        .collect();
    let wide: Vec<(f64, f64)> = (0..=12)
        .map(|i| (8000.0 + i as f64 * 100.0, 0.04 * 10f64.powi(-i * 3 / 2)))
        .collect();
    let series = vec![
        ("width 4".to_string(), narrow, charts::palette::STUDENT),
        ("width 5".to_string(), wide, charts::palette::WIDER),
    ];
    let events = vec![(8000.0, "neuron added".to_string())];
    svg(w, h, |root| {
        charts::loss_curves(root, &series, 1e-5, &events, Look::plain(scale)).unwrap();
    })
}

#[test]
fn the_loss_chart_labels_its_threshold_axes_and_events_without_crowding() {
    // The page's shapes: the escape scene's wide short chart at HiDPI and at 1x, the
    // playground's, the tickets', and a figure.
    for (w, h, scale) in [
        (2140, 540, 2.0),
        (1070, 270, 1.0),
        (470, 290, 2.0 / 3.0),
        (530, 300, 0.6),
        (300, 180, 2.0 / 3.0),
        (960, 600, 1.0),
    ] {
        let s = loss_curves_svg(w, h, scale);
        save(&format!("loss_{w}x{h}"), &s);
        assert_title(&s, "loss (log scale)");
        assert_title(&s, "step (optimiser, then polishing)");
        assert_texts(
            &s,
            &[
                "success threshold 1e-5",
                "neuron added",
                "width 4",
                "width 5",
            ],
        );
        let labels = assert_ticks_apart(&s, &format!("loss chart {w}x{h}"));
        let wanted = if h < 200 { 2 } else { 3 };
        assert!(labels >= wanted, "{w}x{h}: only {labels} y labels");
        let lines = elements(&s, "polyline");
        assert!(
            with(&lines, "stroke", DARK_GREY).len() >= 5,
            "{w}x{h}: the threshold is a dashed dark grey line"
        );
        assert!(
            !with(&lines, "stroke", GREY).is_empty(),
            "event marker grey"
        );
        assert!(!with(&lines, "stroke", BLUE).is_empty());
        assert!(!with(&lines, "stroke", GREEN).is_empty());
        let dots = elements(&s, "circle");
        assert_eq!(
            with(&dots, "fill", BLUE).len(),
            1,
            "a dot on the last point"
        );
        assert!(
            !s.contains(ORANGE),
            "orange is only the slice's current point"
        );
    }
}

fn sweep() -> SweepResult {
    let summary = |width: usize, successes: usize, disjoint: f64, subsets: f64| WidthSummary {
        width,
        runs: 8,
        successes,
        success_rate: successes as f64 / 8.0,
        ci: (
            (successes as f64 / 8.0 - 0.2).max(0.0),
            (successes as f64 / 8.0 + 0.2).min(1.0),
        ),
        median_final_loss: 1e-3,
        lottery_disjoint: disjoint,
        lottery_combinatorial: subsets,
        histogram: vec![0; 10],
        final_losses: (0..8)
            .map(|i| if i < successes { 1e-9 } else { 3e-2 })
            .collect(),
    };
    SweepResult {
        config: SweepConfig {
            widths: vec![3, 4, 5, 8],
            seeds: 8,
            ..SweepConfig::default()
        },
        p_teacher_width: Some(0.25),
        widths: vec![
            summary(3, 0, 0.0, 0.0),
            summary(4, 2, 0.25, 0.25),
            summary(5, 5, 0.25, 0.76),
            summary(8, 8, 0.44, 1.0),
        ],
    }
}

#[test]
fn the_width_sweep_draws_measurements_blue_and_lottery_predictions_purple() {
    let r = sweep();
    let s = svg(960, 600, |root| {
        charts::width_sweep(root, &r, Look::FIGURE).unwrap();
    });
    save("width_sweep", &s);
    assert_texts(
        &s,
        &[
            "student width n",
            "P(success)",
            "measured, with 95% interval",
            "lottery, every k-subset a ticket: 1-(1-p)^C(n,k)",
            "lottery, disjoint tickets: 1-(1-p)^floor(n/k)",
        ],
    );
    // On a chart too narrow for a legend line with its formula, the line keeps its name.
    let narrow = svg(400, 320, |root| {
        charts::width_sweep(root, &r, Look::FIGURE).unwrap();
    });
    assert_texts(
        &narrow,
        &[
            "lottery, every k-subset a ticket",
            "lottery, disjoint tickets",
        ],
    );
    assert!(
        !narrow.contains("1-(1-p)^C(n,k)"),
        "the formula is left out"
    );
    let lines = elements(&s, "polyline");
    let purple = with(&lines, "stroke", PURPLE);
    // The every-k-subset prediction is one solid polyline through all widths; the disjoint one
    // is dashed (many short pieces).
    assert!(
        purple.iter().any(|l| points(l).len() == r.widths.len()),
        "a solid purple polyline through the {} widths",
        r.widths.len()
    );
    assert!(purple.len() > 5, "the disjoint prediction is dashed");
    assert!(with(&lines, "stroke", BLUE)
        .iter()
        .any(|l| points(l).len() == r.widths.len()));
    assert!(!s.contains(ORANGE) && !s.contains(VERMILION));
    assert_ticks_apart(&s, "width sweep");
    // The page's small canvas.
    let small = svg(530, 340, |root| {
        charts::width_sweep(root, &r, Look::plain(0.6)).unwrap();
    });
    save("width_sweep_page", &small);
    assert_ticks_apart(&small, "width sweep, page");
}

#[test]
fn the_final_losses_chart_has_one_blue_dot_per_run_and_the_threshold() {
    let r = sweep();
    let s = svg(960, 600, |root| {
        charts::loss_strips(root, &r, Look::FIGURE).unwrap();
    });
    save("final_losses", &s);
    assert_texts(
        &s,
        &[
            "success threshold 1e-5",
            "final loss (log scale)",
            "width 3",
            "width 8",
            "1e-5",
        ],
    );
    let dots = elements(&s, "circle");
    let runs: usize = r.widths.iter().map(|w| w.final_losses.len()).sum();
    assert_eq!(with(&dots, "fill", BLUE).len(), runs + 1, "runs and legend");
    assert!(with(&elements(&s, "polyline"), "stroke", DARK_GREY).len() >= 5);
    assert_ticks_apart(&s, "final losses");
}

#[test]
fn tickets_are_blue_with_the_lottery_prediction_purple() {
    let rows = |alphas: &[f64]| -> Vec<AlphaRow> {
        alphas
            .iter()
            .enumerate()
            .map(|(i, &alpha)| AlphaRow {
                alpha,
                given_winning: Rate::new(6 - i.min(5), 6),
                given_losing: Rate::new(i.min(4), 6),
            })
            .collect()
    };
    let nc = NeuronTicketConfig::default();
    let wc = WeightTicketConfig::default();
    let n = NeuronTicketResult {
        rows: rows(&nc.alphas),
        config: nc,
        tickets: Vec::new(),
        p_win_alone: Rate::new(3, 6),
    };
    let w = WeightTicketResult {
        rows: rows(&wc.alphas),
        config: wc,
        runs: Vec::new(),
        dense: Rate::new(5, 6),
        ticket_alone: Rate::new(4, 6),
    };
    let s = svg(960, 600, |root| {
        charts::tickets(root, &n, &w, Look::FIGURE).unwrap()
    });
    save("tickets", &s);
    assert_texts(
        &s,
        &[
            "neuron ticket, wins alone",
            "weight ticket (pruned), loses alone",
            "P(embedded network succeeds)",
            "16",
        ],
    );
    let lines = elements(&s, "polyline");
    assert!(with(&lines, "stroke", BLUE).len() >= 2);
    let purple = with(&lines, "stroke", PURPLE);
    assert!(purple.len() >= 3, "the predictions 1 and 0 and their key");
    assert!(!s.contains(ORANGE) && !s.contains(GREEN) && !s.contains(VERMILION));
    assert_ticks_apart(&s, "tickets");
}

#[test]
fn negative_eigenvalues_are_vermilion() {
    let r = EscapeResult {
        config: EscapeConfig::default(),
        searched: Vec::new(),
        cases: Vec::new(),
        mu_sweep: (0..=12)
            .map(|i| {
                let mu = -1.0 + 0.25 * i as f64;
                (mu, 0.02 * (mu - 0.5) * (mu - 0.5) - 0.01)
            })
            .collect(),
    };
    let negative = r.mu_sweep.iter().filter(|p| p.1 < 0.0).count();
    let s = svg(960, 600, |root| {
        charts::escape_mu(root, &r, Look::FIGURE).unwrap()
    });
    save("escape_mu", &s);
    assert_texts(
        &s,
        &[
            "smallest Hessian eigenvalue",
            "mu (output weight split as mu and 1 - mu)",
            "below 0: a saddle, gradient descent can escape",
        ],
    );
    let dots = elements(&s, "circle");
    assert_eq!(
        with(&dots, "fill", VERMILION).len(),
        negative + 1,
        "and the key"
    );
    assert!(!s.contains(ORANGE));
    assert_ticks_apart(&s, "escape mu");

    let before = [2e-3, 5e-3, 1e-2, 4e-2, 0.1];
    let after = [-0.3, -2e-3, 0.0, 1e-3, 6e-3];
    let s = svg(540, 340, |root| {
        charts::spectrum(root, &before, Some(&after), 5, Look::plain(0.6)).unwrap();
    });
    save("spectrum", &s);
    assert_texts(
        &s,
        &[
            "before (narrow network)",
            "after adding a neuron",
            "negative: a way down",
            "Hessian eigenvalue (signed log)",
        ],
    );
    let bars = elements(&s, "rect");
    assert_eq!(
        with(&bars, "fill", VERMILION).len(),
        2 + 1,
        "two negative bars and the key"
    );
    assert_eq!(
        with(&bars, "fill", GREY).len(),
        5 + 1,
        "before bars and the key"
    );
    assert_eq!(
        with(&bars, "fill", GREEN).len(),
        3 + 1,
        "non-negative after bars and the key"
    );
    assert!(!s.contains(ORANGE));
    assert_ticks_apart(&s, "spectrum");
    let stuck = svg(540, 340, |root| {
        charts::spectrum(root, &before, None, 5, Look::plain(0.6)).unwrap();
    });
    assert!(!stuck.contains(GREEN) && !stuck.contains(VERMILION));
}

#[test]
fn the_subspace_chart_is_measured_data() {
    let r = SubspaceResult {
        config: SubspaceConfig::default(),
        rows: [2usize, 4, 8, 12, 17]
            .iter()
            .enumerate()
            .map(|(i, &dimension)| SubspaceRow {
                dimension,
                success: Rate::new(i, 4),
                median_final_loss: 1e-3,
            })
            .collect(),
    };
    let s = svg(960, 600, |root| {
        charts::subspace(root, &r, Look::FIGURE).unwrap()
    });
    save("subspace", &s);
    assert_texts(&s, &["subspace dimension D", "P(success)"]);
    assert!(with(&elements(&s, "polyline"), "stroke", BLUE)
        .iter()
        .any(|l| points(l).len() == 4 || points(l).len() == 5));
    assert!(!s.contains(ORANGE));
    assert_ticks_apart(&s, "subspace");
}

fn tiny_task(input_dim: usize) -> Task {
    Task::generate(TaskConfig {
        teacher_width: 2,
        input_dim,
        samples: 32,
        activation: Activation::Tanh,
        seed: 5,
    })
}

fn student(task: &Task, width: usize) -> Network {
    Network::student_init(
        Shape::new(task.config.input_dim, width),
        task.config.activation,
        &mut SeededRng::new(3, Stream::Student),
    )
}

#[test]
fn the_fit_chart_shows_teacher_student_and_data() {
    let task = tiny_task(1);
    let net = student(&task, 3);
    let s = svg(470, 290, |root| {
        charts::fit(root, &task, &net, Look::plain(2.0 / 3.0)).unwrap()
    });
    save("fit", &s);
    assert_texts(
        &s,
        &[
            "teacher",
            "student",
            "training data",
            "output (standardised)",
            "input x",
        ],
    );
    assert!(!with(&elements(&s, "polyline"), "stroke", BLUE).is_empty());
    assert!(!s.contains(ORANGE));
    assert_ticks_apart(&s, "fit");
    let task = tiny_task(2);
    let s = svg(470, 290, |root| {
        charts::fit(root, &task, &student(&task, 3), Look::plain(2.0 / 3.0)).unwrap()
    });
    assert!(has_text(&s, "input x₁ (with x₂ = 0)") && !has_text(&s, "training data"));
}

#[test]
fn the_slice_puts_its_heatmap_in_a_square_and_keeps_the_path_inside() {
    let task = tiny_task(2);
    let net = student(&task, 2);
    let objective = Objective::new(&task, 2);
    let plane = Plane::random(net.shape, &net.params, 1, false);
    let mut grid = Slice::new(plane, 11, 1.0);
    grid.compute_all(&objective);
    let mut done = FinishedSlice::new(grid, &[], 40, None);
    // A path that leaves the square and comes back, and a colour range wider than the grid's.
    done.path = vec![
        (-2.0, 0.0),
        (-0.6, -0.5),
        (-0.2, -0.1),
        (0.4, 0.3),
        (3.0, 3.0),
        (0.5, 0.6),
    ];
    done.colour_range = (1e-6, 10.0);
    let current = (0.3, 0.4);
    let rect = RefCell::new(None);
    let s = svg(600, 520, |root| {
        charts::slice(
            root,
            &done,
            current,
            Look::plain(2.0 / 3.0),
            |h: &Heatmap<'_>| {
                assert_eq!((h.cols, h.rows, h.rgba.len()), (11, 11, 11 * 11 * 4));
                *rect.borrow_mut() = Some((h.x.clone(), h.y.clone()));
                charts::draw_heatmap_cells(root, h)
            },
        )
        .unwrap();
    });
    save("slice", &s);
    let (x, y) = rect.into_inner().expect("the heatmap closure was called");
    let (w, h) = (x.end - x.start, y.end - y.start);
    assert!(
        (w - h).abs() <= 1 && w > 200,
        "plotting area {w}x{h} is square"
    );
    assert_texts(
        &s,
        &[
            "random direction 1 (filter-normalised)",
            "random direction 2 (filter-normalised)",
            "loss (log scale)",
            "1e-6",
            "1e1",
        ],
    );
    // The heatmap cells tile the plotting area.
    let cells = elements(&s, "rect")
        .into_iter()
        .filter(|e| {
            let (cx, cy) = (num(e, "x") as i32, num(e, "y") as i32);
            x.contains(&cx) && y.contains(&cy) && num(e, "width") >= (w / 11 - 1) as f64
        })
        .count();
    assert!(cells >= 121, "{cells} heatmap cells");
    // The white path (opaque, unlike the contour lines) only inside the square, in two runs.
    let lines = elements(&s, "polyline");
    let path: Vec<_> = with(&lines, "stroke", "#FFFFFF")
        .into_iter()
        .filter(|l| attr(l, "opacity") == Some("1"))
        .collect();
    assert_eq!(path.len(), 2, "the path in two pieces inside the square");
    let inside = |(px, py): (f64, f64)| {
        px >= x.start as f64 - 1.0
            && px <= x.end as f64 + 1.0
            && py >= y.start as f64 - 1.0
            && py <= y.end as f64 + 1.0
    };
    for l in &path {
        assert!(points(l).into_iter().all(inside), "path outside the square");
    }
    // The current point, orange, exactly once; orange nowhere else.
    let dots = elements(&s, "circle");
    let orange = with(&dots, "fill", ORANGE);
    assert_eq!(orange.len(), 1, "one current point");
    assert!(inside((num(orange[0], "cx"), num(orange[0], "cy"))));
    assert_eq!(s.matches(ORANGE).count(), 1);
    assert!(!s.contains(PURPLE) && !s.contains(VERMILION));
    assert_ticks_apart(&s, "slice");
}
