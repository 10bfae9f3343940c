//! `summary.md`: one paragraph per experiment with its numbers and settings.

use crate::figures::Results;
use std::fmt::Write;

fn pct(x: f64) -> String {
    if x.is_nan() {
        "n/a".into()
    } else {
        format!("{:.0}%", 100.0 * x)
    }
}

/// The Markdown summary of all results.
pub fn markdown(r: &Results, preset: &str) -> String {
    let mut s = String::new();
    let t = &r.sweep.config.task;
    let run = &r.sweep.config.run;
    let _ = writeln!(
        s,
        "# Escape Dimensions Explorer: figures ({preset} preset)\n"
    );
    let _ = writeln!(
        s,
        "Teacher: {} neurons, {}, input dimension {}, {} inputs, teacher seed {}. Training: {:?} \
         with learning rate {}, up to {} full-batch steps (training stops once the loss is below \
         the threshold), then up to {} Levenberg–Marquardt polishing steps; success means a \
         final loss below {:e} (standardised targets), the same rule as on the page.\n",
        t.teacher_width,
        t.activation,
        t.input_dim,
        t.samples,
        t.seed,
        run.train.optimizer.kind,
        run.train.optimizer.learning_rate,
        run.train.max_steps,
        run.polish_steps,
        run.threshold
    );
    let _ = writeln!(s, "## 1. Width sweep ({:.0} s)\n", r.seconds[0]);
    let rates: Vec<String> = r
        .sweep
        .widths
        .iter()
        .map(|w| {
            format!(
                "width {}: {}/{} = {} (95% CI {}–{}; median final loss {:.1e}; lottery disjoint {}, combinatorial {})",
                w.width,
                w.successes,
                w.runs,
                pct(w.success_rate),
                pct(w.ci.0),
                pct(w.ci.1),
                w.median_final_loss,
                pct(w.lottery_disjoint),
                pct(w.lottery_combinatorial)
            )
        })
        .collect();
    let _ = writeln!(
        s,
        "{} seeds per width. {}. The lottery predictions use the measured rate at the teacher's \
         width, p = {}. See width_sweep.svg and final_losses.svg.\n",
        r.sweep.config.seeds,
        rates.join("; "),
        r.sweep.p_teacher_width.map_or("n/a".into(), pct)
    );
    let n = &r.neuron_tickets;
    let _ = writeln!(s, "## 2. Neuron-level tickets ({:.0} s)\n", r.seconds[1]);
    let rows: Vec<String> = n
        .rows
        .iter()
        .map(|row| {
            format!(
                "alpha {}: P(success | winning ticket inside) = {}/{} = {}, P(success | losing ticket inside) = {}/{} = {}",
                row.alpha,
                row.given_winning.successes,
                row.given_winning.runs,
                pct(row.given_winning.rate),
                row.given_losing.successes,
                row.given_losing.runs,
                pct(row.given_losing.rate)
            )
        })
        .collect();
    let _ = writeln!(
        s,
        "{} width-{} tickets trained alone ({} steps): {} won ({}). Each was embedded in a width-{} \
         network with its {} other neuron(s) drawn at scale alpha and trained whole ({} steps). {}. \
         A literal lottery reading predicts about 100% and 0%. See tickets.svg.\n",
        n.config.tickets,
        n.config.task.teacher_width,
        n.config.alone.train.max_steps,
        n.p_win_alone.successes,
        pct(n.p_win_alone.rate),
        n.config.task.teacher_width + n.config.extra,
        n.config.extra,
        n.config.embedded.train.max_steps,
        rows.join("; ")
    );
    let w = &r.weight_tickets;
    let density = w.runs.iter().map(|r| r.density).sum::<f64>() / w.runs.len().max(1) as f64;
    let _ = writeln!(s, "## 3. Weight-level tickets ({:.0} s)\n", r.seconds[2]);
    let rows: Vec<String> = w
        .rows
        .iter()
        .map(|row| {
            format!(
                "alpha {}: embedded success {}/{} with a winning ticket, {}/{} with a losing one",
                row.alpha,
                row.given_winning.successes,
                row.given_winning.runs,
                row.given_losing.successes,
                row.given_losing.runs
            )
        })
        .collect();
    let _ = writeln!(
        s,
        "{} dense width-{} students ({} succeeded) were pruned by iterative magnitude pruning, {} \
         rounds of {}% (output weights at half the rate), rewinding survivors to step {}; the \
         tickets keep {} of the weights on average. Tickets trained alone: {}/{} succeeded. {}.\n",
        w.config.seeds,
        w.config.width,
        w.dense.successes,
        w.config.rounds,
        100.0 * w.config.prune_fraction,
        w.config.rewind_steps,
        pct(density),
        w.ticket_alone.successes,
        w.ticket_alone.runs,
        rows.join("; ")
    );
    let e = &r.escape;
    let _ = writeln!(s, "## 4. Escape by embedding ({:.0} s)\n", r.seconds[3]);
    let stuck = e
        .searched
        .iter()
        .filter(|(_, l)| *l >= e.config.stuck_factor * e.config.threshold)
        .count();
    let _ = writeln!(
        s,
        "Of {} width-{} students ({} Adam steps, {} polishing steps), {} ended stuck (loss ≥ {:e}); \
         {} analysed. Each was embedded in width {} by splitting its best neuron (mu = {}) and by \
         a zero-output neuron, perturbed by {:e} and trained {} more steps.\n",
        e.searched.len(),
        e.config.width,
        e.config.train.max_steps,
        e.config.polish_steps,
        stuck,
        e.config.stuck_factor * e.config.threshold,
        e.cases.len(),
        e.config.width + 1,
        e.config.mu,
        e.config.perturbation,
        e.config.continue_run.train.max_steps
    );
    for (i, c) in e.cases.iter().enumerate() {
        let _ = writeln!(
            s,
            "- case {} (seed {}): loss {:.2e}, gradient norm {:.1e}, smallest eigenvalue {:.2e} ({} negative).",
            i + 1,
            c.seed,
            c.stuck.loss,
            c.stuck.gradient_norm,
            c.stuck.min_eigenvalue,
            c.stuck.negative_eigenvalues
        );
        for a in &c.attempts {
            let _ = writeln!(
                s,
                "  - {}: smallest eigenvalue {:.2e} ({} negative); after training {:.2e}: {}.",
                a.embedding.name(),
                a.at_embedding.min_eigenvalue,
                a.at_embedding.negative_eigenvalues,
                a.loss_after,
                if a.escaped {
                    "escaped"
                } else {
                    "did not escape"
                }
            );
        }
    }
    if let Some((mu, l)) = e
        .mu_sweep
        .iter()
        .copied()
        .min_by(|a, b| a.1.total_cmp(&b.1))
    {
        let _ = writeln!(
            s,
            "\nFor case 1, the smallest eigenvalue against mu in [{}, {}] is lowest, {:.2e}, at mu = {:.1} (escape_mu.svg).",
            e.config.mu_sweep.first().copied().unwrap_or(f64::NAN),
            e.config.mu_sweep.last().copied().unwrap_or(f64::NAN),
            l,
            mu
        );
    }
    let sub = &r.subspace;
    let _ = writeln!(
        s,
        "\n## 5. Random-subspace training ({:.0} s)\n",
        r.seconds[4]
    );
    let rows: Vec<String> = sub
        .rows
        .iter()
        .map(|row| format!("D = {}: {}", row.dimension, pct(row.success.rate)))
        .collect();
    let _ = writeln!(
        s,
        "Width-{} students ({} parameters) trained only inside theta0 + P z for a random P with D \
         unit columns, {} seeds per D: {}. See subspace.svg.",
        sub.config.width,
        crate::core::network::Shape::new(sub.config.task.input_dim, sub.config.width).num_params(),
        sub.config.seeds,
        rows.join(", ")
    );
    census(&mut s, r);
    s
}

/// Section 6: the census of minima and the widening of each bad one.
fn census(s: &mut String, r: &Results) {
    let c = &r.census;
    let _ = writeln!(s, "\n## 6. Census of minima ({:.0} s)\n", r.seconds[5]);
    let _ = writeln!(
        s,
        "Gradient flow (ROS2, tolerances {:e}) from {} seeds per width until the gradient norm \
         is below {:e}, then Levenberg–Marquardt to a critical point (gradient norm below 1e-10) \
         and its type by the Hessian spectrum; end points with the same outputs on the data \
         (within {:e} RMS) are one point. See census.csv, census.svg.\n",
        c.config.flow_tolerance, c.config.seeds, c.config.flow_gradient, c.config.match_tolerance
    );
    for w in &c.widths {
        let bad = w.points.iter().filter(|p| p.is_bad_minimum()).count();
        let _ = writeln!(
            s,
            "- width {}: {} distinct critical point{} ({} bad minima); seeds in bad minima {}/{} = {} \
             (95% CI {}–{}), in global minima {}/{} = {}; not converged {}.",
            w.width,
            w.points.len(),
            if w.points.len() == 1 { "" } else { "s" },
            bad,
            w.bad.0,
            w.seeds,
            pct(w.bad.0 as f64 / w.seeds.max(1) as f64),
            pct(w.bad.1 .0),
            pct(w.bad.1 .1),
            w.global.0,
            w.seeds,
            pct(w.global.0 as f64 / w.seeds.max(1) as f64),
            w.not_converged
        );
    }
    let total = c.widening.len();
    let saddles = c
        .widening
        .iter()
        .filter(|o| o.embedded.kind.index() > 0)
        .count();
    let escaped = c.widening.iter().filter(|o| o.escaped).count();
    let global = c
        .widening
        .iter()
        .filter(|o| o.escaped && o.reached_global)
        .count();
    let _ = writeln!(
        s,
        "\nWidening (census_widening.csv, census_widening.svg): {total} embeddings of the bad minima into the next \
         width; {saddles} are saddles; gradient flow from them (perturbed by {:e}) reaches a \
         lower critical point in {escaped}, a global minimum in {global}.",
        c.config.perturbation
    );
}
