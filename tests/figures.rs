//! The `figures` command: a tiny preset writes every file, well formed; bad arguments get a
//! usage message and a non-zero exit.

use std::path::Path;
use std::process::Command;

const FIGURES: &str = env!("CARGO_BIN_EXE_figures");

/// Header and data rows of a CSV file, checking every row has the header's column count.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap_or_default()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .collect();
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(
            r.len(),
            header.len(),
            "{}: row {i} has {} cells",
            path.display(),
            r.len()
        );
    }
    (header, rows)
}

fn has_columns(header: &[String], wanted: &str) {
    for c in wanted.split(',') {
        assert!(
            header.iter().any(|h| h == c),
            "missing column {c} in {header:?}"
        );
    }
}

#[test]
fn tiny_preset_writes_well_formed_tables_figures_and_summary() {
    let out = std::env::temp_dir().join(format!("escape-dims-figures-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let status = Command::new(FIGURES)
        .args(["--tiny", "--out"])
        .arg(&out)
        .status()
        .expect("figures runs");
    assert!(status.success());

    let (h, rows) = read_csv(&out.join("width_sweep.csv"));
    has_columns(&h, "width,runs,successes,success_rate,ci_low,ci_high,median_final_loss,lottery_disjoint,lottery_combinatorial");
    assert_eq!(rows.len(), 3, "one row per width of the tiny preset");
    for r in &rows {
        let (runs, successes): (usize, usize) = (r[1].parse().unwrap(), r[2].parse().unwrap());
        let rate: f64 = r[3].parse().unwrap();
        let (lo, hi): (f64, f64) = (r[4].parse().unwrap(), r[5].parse().unwrap());
        assert!(successes <= runs && (rate - successes as f64 / runs as f64).abs() < 1e-12);
        assert!(
            lo <= rate && rate <= hi,
            "interval {lo}..{hi} around {rate}"
        );
    }
    let (h, rows) = read_csv(&out.join("tickets.csv"));
    has_columns(
        &h,
        "alpha,n_winning,n_losing,p_success_winning,p_success_losing",
    );
    assert!(!rows.is_empty());
    let (h, rows) = read_csv(&out.join("escape.csv"));
    has_columns(&h, "case,embedding,loss_before,min_eig_before,min_eig_after,negative_eigs_after,loss_after,escaped");
    assert!(!rows.is_empty());
    for r in &rows {
        assert!(r[10] == "true" || r[10] == "false");
    }
    let (h, rows) = read_csv(&out.join("subspace.csv"));
    has_columns(&h, "dimension,runs,success_rate");
    assert_eq!(rows.len(), 2);
    read_csv(&out.join("escape_mu.csv"));
    read_csv(&out.join("width_sweep_runs.csv"));
    let (h, rows) = read_csv(&out.join("census.csv"));
    has_columns(&h, "width,point_id,loss,type,index,flat,min_eigenvalue,global,basin_share,ci_low,ci_high,seeds");
    for width in ["3", "4"] {
        // Every seed of the tiny preset's 4 is in exactly one point of its width.
        let mine: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == width).collect();
        assert!(!mine.is_empty(), "width {width} has points");
        let seeds: usize = mine.iter().map(|r| r[11].parse::<usize>().unwrap()).sum();
        assert_eq!(seeds, 4, "width {width}: every seed counted once");
        let shares: f64 = mine.iter().map(|r| r[8].parse::<f64>().unwrap()).sum();
        assert!((shares - 1.0).abs() < 1e-12);
    }
    let (h, _) = read_csv(&out.join("census_widening.csv"));
    has_columns(&h, "width,point_id,embedding,neuron,mu,embedded_type,embedded_index,most_negative_eigenvalue,escaped,reached_global,end_loss,end_type,end_point_id");

    for svg in [
        "width_sweep",
        "final_losses",
        "tickets",
        "escape_mu",
        "subspace",
        "census",
    ] {
        let text = std::fs::read_to_string(out.join(format!("{svg}.svg"))).expect("svg");
        assert!(text.trim_start().starts_with("<svg") && text.trim_end().ends_with("</svg>"));
        assert!(text.contains("<text"), "{svg}.svg has labels");
        assert!(
            text.contains("<polyline") || text.contains("<circle"),
            "{svg}.svg has data"
        );
    }
    let summary = std::fs::read_to_string(out.join("summary.md")).expect("summary");
    for section in ["## 1.", "## 2.", "## 3.", "## 4.", "## 5."] {
        assert!(summary.contains(section), "summary lacks {section}");
    }
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn bad_arguments_get_usage_and_a_non_zero_exit() {
    for args in [vec!["--bogus"], vec!["--quick"], vec!["--out"]] {
        let out = Command::new(FIGURES)
            .args(&args)
            .output()
            .expect("figures runs");
        assert!(!out.status.success(), "{args:?} should fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("usage: figures"), "{args:?}: {err}");
    }
}
