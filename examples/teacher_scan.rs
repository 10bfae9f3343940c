//! Reproduces the choice of the default teacher: a width sweep (widths 3-16, 40 seeds) for a
//! given teacher seed, printing each width's success rate, combinatorial lottery prediction and
//! sorted final losses (to judge bimodality around the 1e-5 threshold).
//!
//! Usage: `cargo run --release --example teacher_scan -- TEACHER_SEED`

use escape_dims::core::task::TaskConfig;
use escape_dims::experiments::sweep::{run_sweep, SweepConfig};

fn main() {
    let Some(seed) = std::env::args().nth(1).and_then(|a| a.parse().ok()) else {
        eprintln!("usage: teacher_scan TEACHER_SEED");
        std::process::exit(2);
    };
    let config = SweepConfig {
        task: TaskConfig {
            seed,
            ..TaskConfig::default()
        },
        ..SweepConfig::default()
    };
    for w in run_sweep(&config).widths {
        let mut losses = w.final_losses.clone();
        losses.sort_by(f64::total_cmp);
        let text: Vec<String> = losses.iter().map(|l| format!("{l:.0e}")).collect();
        println!(
            "teacher {seed} width {}: success {:.2}, lottery (C(n,k) tickets) {:.3} | {}",
            w.width,
            w.success_rate,
            w.lottery_combinatorial,
            text.join(" ")
        );
    }
}
