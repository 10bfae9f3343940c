//! CSV tables of every experiment, written by the figures command and exported by the page.

use crate::experiments::census::{CensusResult, Embedding};
use crate::experiments::escape::EscapeResult;
use crate::experiments::subspace::SubspaceResult;
use crate::experiments::sweep::SweepResult;
use crate::experiments::tickets::{
    AlphaRow, NeuronTicketResult, TicketOutcome, WeightTicketResult,
};
use std::fmt::Write;

/// A number for a CSV cell (empty for NaN, shortest round-trip form otherwise).
fn num(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x:e}")
    }
}

/// `width_sweep.csv`: one row per width.
pub fn width_sweep(r: &SweepResult) -> String {
    let mut s = String::from(
        "width,runs,successes,success_rate,ci_low,ci_high,median_final_loss,lottery_disjoint,lottery_combinatorial\n",
    );
    for w in &r.widths {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{}",
            w.width,
            w.runs,
            w.successes,
            num(w.success_rate),
            num(w.ci.0),
            num(w.ci.1),
            num(w.median_final_loss),
            num(w.lottery_disjoint),
            num(w.lottery_combinatorial)
        );
    }
    s
}

/// `width_sweep_runs.csv`: every run's final loss.
pub fn width_sweep_runs(r: &SweepResult) -> String {
    let mut s = String::from("width,seed,final_loss,success\n");
    for w in &r.widths {
        for (i, l) in w.final_losses.iter().enumerate() {
            let seed = r.config.first_seed + i as u64;
            let _ = writeln!(
                s,
                "{},{},{},{}",
                w.width,
                seed,
                num(*l),
                *l < r.config.run.threshold
            );
        }
    }
    s
}

fn ticket_row(s: &mut String, level: &str, row: &AlphaRow) {
    let (w, l) = (&row.given_winning, &row.given_losing);
    let _ = writeln!(
        s,
        "{level},{},{},{},{},{},{},{},{},{}",
        row.alpha,
        w.runs,
        l.runs,
        num(w.rate),
        num(w.ci.0),
        num(w.ci.1),
        num(l.rate),
        num(l.ci.0),
        num(l.ci.1)
    );
}

/// The header of `tickets.csv`.
const TICKETS_HEADER: &str = "level,alpha,n_winning,n_losing,p_success_winning,winning_ci_low,winning_ci_high,p_success_losing,losing_ci_low,losing_ci_high\n";

/// `tickets.csv`: P(success embedded | ticket wins alone) and (| loses alone), per alpha, for
/// neuron-level and weight-level tickets.
pub fn tickets(n: &NeuronTicketResult, w: &WeightTicketResult) -> String {
    let mut s = String::from(TICKETS_HEADER);
    for row in &n.rows {
        ticket_row(&mut s, "neuron", row);
    }
    for row in &w.rows {
        ticket_row(&mut s, "weight", row);
    }
    s
}

/// The rows of `tickets.csv` of one level (`neuron` or `weight`), with its header.
pub fn ticket_level(level: &str, rows: &[AlphaRow]) -> String {
    let mut s = String::from(TICKETS_HEADER);
    for row in rows {
        ticket_row(&mut s, level, row);
    }
    s
}

/// The tickets scene's table: one row per ticket, sorted by seed (`tickets.csv` of the page).
pub fn ticket_outcomes(rows: &[TicketOutcome]) -> String {
    let mut s = String::from(
        "seed,ticket_alone_wins,embedded_wins,loss_alone,loss_embedded,diverged_alone,diverged_embedded\n",
    );
    let mut sorted = rows.to_vec();
    sorted.sort_by_key(|r| r.seed);
    for r in sorted {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{}",
            r.seed,
            r.wins_alone,
            r.wins_embedded,
            num(r.loss_alone),
            num(r.loss_embedded),
            r.diverged_alone,
            r.diverged_embedded
        );
    }
    s
}

/// `escape.csv`: each stuck case and embedding.
pub fn escape(r: &EscapeResult) -> String {
    let mut s = String::from(
        "case,seed,embedding,loss_before,grad_norm_before,min_eig_before,negative_eigs_before,min_eig_after,negative_eigs_after,loss_after,escaped\n",
    );
    for (i, c) in r.cases.iter().enumerate() {
        for a in &c.attempts {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{},{},{},{},{}",
                i + 1,
                c.seed,
                a.embedding.name().replace(',', ";"),
                num(c.stuck.loss),
                num(c.stuck.gradient_norm),
                num(c.stuck.min_eigenvalue),
                c.stuck.negative_eigenvalues,
                num(a.at_embedding.min_eigenvalue),
                a.at_embedding.negative_eigenvalues,
                num(a.loss_after),
                a.escaped
            );
        }
    }
    s
}

/// `escape_mu.csv`: smallest eigenvalue of the split embedding against mu.
pub fn escape_mu(r: &EscapeResult) -> String {
    let mut s = String::from("mu,min_eigenvalue\n");
    for (mu, l) in &r.mu_sweep {
        let _ = writeln!(s, "{},{}", num(*mu), num(*l));
    }
    s
}

/// `subspace.csv`: success against subspace dimension.
pub fn subspace(r: &SubspaceResult) -> String {
    let mut s = String::from("dimension,runs,success_rate,ci_low,ci_high,median_final_loss\n");
    for row in &r.rows {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{}",
            row.dimension,
            row.success.runs,
            num(row.success.rate),
            num(row.success.ci.0),
            num(row.success.ci.1),
            num(row.median_final_loss)
        );
    }
    s
}

/// `census.csv`: every distinct critical point of every width, with its basin share.
pub fn census(r: &CensusResult) -> String {
    let mut s = String::from(
        "width,point_id,loss,type,index,flat,min_eigenvalue,global,basin_share,ci_low,ci_high,seeds,seed_list\n",
    );
    for w in &r.widths {
        for p in &w.points {
            let seeds: Vec<String> = p.seeds.iter().map(|s| s.to_string()).collect();
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{},{},{},{},{},{},{}",
                w.width,
                p.id,
                num(p.point.loss),
                p.point.kind.name(),
                p.point.kind.index(),
                p.point.kind.flat(),
                num(p.point.min_eigenvalue),
                p.global,
                num(p.share),
                num(p.interval.0),
                num(p.interval.1),
                p.seeds.len(),
                seeds.join(" ")
            );
        }
    }
    s
}

/// `census_widening.csv`: what each embedding of each bad minimum into the next width did.
pub fn census_widening(r: &CensusResult) -> String {
    let mut s = String::from(
        "width,point_id,embedding,neuron,mu,embedded_type,embedded_index,most_negative_eigenvalue,escaped,reached_global,end_loss,end_type,end_point_id\n",
    );
    for o in &r.widening {
        let (neuron, mu) = match o.embedding {
            Embedding::Split { neuron, mu } => (neuron.to_string(), num(mu)),
            Embedding::Silent => (String::new(), String::new()),
        };
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{},{},{}",
            o.from.0,
            o.from.1,
            o.embedding.name(),
            neuron,
            mu,
            o.embedded.kind.name(),
            o.embedded.kind.index(),
            num(o.embedded.min_eigenvalue),
            o.escaped,
            o.reached_global,
            num(o.end.point.loss),
            o.end.point.kind.name(),
            o.end_id.map(|i| i.to_string()).unwrap_or_default()
        );
    }
    s
}
