//! The `figures` command (native only): runs every experiment at a preset size and writes CSV
//! tables, SVG figures and a summary in Markdown.

pub mod presets;
pub mod summary;

use crate::experiments::{census, escape, subspace, sweep, tickets};
use crate::{charts, tables};
use plotters::prelude::{IntoDrawingArea, SVGBackend};
use presets::Plan;
use std::path::Path;
use std::time::Instant;

/// Size of the SVG figures in pixels (16:10, readable on a slide).
pub const SVG_SIZE: (u32, u32) = (960, 600);

/// The SVG figures, in the order `write_all` draws them.
const SVG_FILES: [&str; 7] = [
    "width_sweep.svg",
    "final_losses.svg",
    "tickets.svg",
    "escape_mu.svg",
    "subspace.svg",
    "census.svg",
    "census_widening.svg",
];

/// Every experiment's result.
pub struct Results {
    /// Width sweep.
    pub sweep: sweep::SweepResult,
    /// Neuron-level tickets.
    pub neuron_tickets: tickets::NeuronTicketResult,
    /// Weight-level tickets.
    pub weight_tickets: tickets::WeightTicketResult,
    /// Escape by embedding.
    pub escape: escape::EscapeResult,
    /// Random subspaces.
    pub subspace: subspace::SubspaceResult,
    /// The census of minima, with the widening of each bad one.
    pub census: census::CensusResult,
    /// Seconds each experiment took, in the order above.
    pub seconds: [f64; 6],
}

/// Runs `f` as step `i` of six, reporting its start and duration.
fn step<T>(
    i: usize,
    name: &str,
    progress: &mut impl FnMut(&str),
    f: impl FnOnce() -> T,
) -> (T, f64) {
    progress(&format!("[{}/6] {name}…", i + 1));
    let start = Instant::now();
    let out = f();
    let secs = start.elapsed().as_secs_f64();
    progress(&format!("      done in {secs:.1} s"));
    (out, secs)
}

/// Runs every experiment of `plan`, reporting progress through `progress`.
pub fn run_all(plan: &Plan, mut progress: impl FnMut(&str)) -> Results {
    let p = &mut progress;
    let (sweep, s0) = step(0, "width sweep", p, || sweep::run_sweep(&plan.sweep));
    let (neuron_tickets, s1) = step(1, "neuron-level tickets", p, || {
        tickets::run_neuron_tickets(&plan.neuron_tickets)
    });
    let (weight_tickets, s2) = step(
        2,
        "weight-level tickets (iterative magnitude pruning)",
        p,
        || tickets::run_weight_tickets(&plan.weight_tickets),
    );
    let (escape, s3) = step(3, "escape by embedding", p, || {
        escape::run_escape(&plan.escape)
    });
    let (subspace, s4) = step(4, "random-subspace training", p, || {
        subspace::run_subspace(&plan.subspace)
    });
    let (census, s5) = step(
        5,
        "census of minima (gradient flow to critical points)",
        p,
        || census::run_census(&plan.census),
    );
    Results {
        sweep,
        neuron_tickets,
        weight_tickets,
        escape,
        subspace,
        census,
        seconds: [s0, s1, s2, s3, s4, s5],
    }
}

/// Writes every table, figure and the summary into `dir` (created if needed); returns the
/// file names written.
pub fn write_all(results: &Results, preset: &str, dir: &Path) -> Result<Vec<String>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let write = |name: &str, text: String| {
        std::fs::write(dir.join(name), text).map_err(|e| format!("cannot write {name}: {e}"))
    };
    let r = results;
    write("width_sweep.csv", tables::width_sweep(&r.sweep))?;
    write("width_sweep_runs.csv", tables::width_sweep_runs(&r.sweep))?;
    write(
        "tickets.csv",
        tables::tickets(&r.neuron_tickets, &r.weight_tickets),
    )?;
    write("escape.csv", tables::escape(&r.escape))?;
    write("escape_mu.csv", tables::escape_mu(&r.escape))?;
    write("subspace.csv", tables::subspace(&r.subspace))?;
    write("census.csv", tables::census(&r.census))?;
    write("census_widening.csv", tables::census_widening(&r.census))?;
    let paths: Vec<std::path::PathBuf> = SVG_FILES.iter().map(|n| dir.join(n)).collect();
    let svg = |i: usize| SVGBackend::new(&paths[i], SVG_SIZE).into_drawing_area();
    charts::width_sweep(&svg(0), &r.sweep, charts::Look::FIGURE)?;
    charts::loss_strips(&svg(1), &r.sweep, charts::Look::FIGURE)?;
    charts::tickets(
        &svg(2),
        &r.neuron_tickets,
        &r.weight_tickets,
        charts::Look::FIGURE,
    )?;
    charts::escape_mu(&svg(3), &r.escape, charts::Look::FIGURE)?;
    charts::subspace(&svg(4), &r.subspace, charts::Look::FIGURE)?;
    charts::census(&svg(5), &r.census, charts::Look::FIGURE)?;
    charts::census_widening(&svg(6), &r.census, charts::Look::FIGURE)?;
    write("summary.md", summary::markdown(results, preset))?;
    Ok([
        "width_sweep.csv",
        "width_sweep_runs.csv",
        "tickets.csv",
        "escape.csv",
        "escape_mu.csv",
        "subspace.csv",
        "census.csv",
        "census_widening.csv",
        "width_sweep.svg",
        "final_losses.svg",
        "tickets.svg",
        "escape_mu.svg",
        "subspace.svg",
        "census.svg",
        "census_widening.svg",
        "summary.md",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect())
}
