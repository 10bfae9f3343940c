//! The phenomena of the science notes, checked on fixed seeds of the default teacher (tanh,
//! k = 4, d = 2, N = 256, teacher seed 11) with the default training (Adam 0.01, 6000 steps,
//! Newton polishing, success below 1e-5). Each test states its statistical margin.

use escape_dims::core::newton::NEGATIVE_TOLERANCE;
use escape_dims::experiments::escape::{run_escape, Embedding, EscapeConfig};
use escape_dims::experiments::sweep::{run_sweep, SweepConfig};
use escape_dims::experiments::tickets::{run_neuron_tickets, NeuronTicketConfig};

#[test]
fn success_rises_with_width_and_falls_below_the_combinatorial_lottery() {
    let config = SweepConfig {
        widths: vec![4, 6, 8],
        seeds: 40,
        ..SweepConfig::default()
    };
    let r = run_sweep(&config);
    let (w4, w6, w8) = (&r.widths[0], &r.widths[1], &r.widths[2]);
    eprintln!(
        "success: width 4 {}/40, width 6 {}/40, width 8 {}/40",
        w4.successes, w6.successes, w8.successes
    );
    // Margin: at width 2k the 95% Wilson interval lies wholly above the one at width k.
    assert!(
        w8.ci.0 > w4.ci.1,
        "width 8 {:?} does not clear width 4 {:?}",
        w8.ci,
        w4.ci
    );
    // Margin: at some width above k, even the upper end of the 95% interval of the measured
    // rate is below the lottery prediction with every k-subset a ticket.
    let below: Vec<usize> = r
        .widths
        .iter()
        .filter(|w| w.width > 4 && w.ci.1 < w.lottery_combinatorial)
        .map(|w| w.width)
        .collect();
    assert!(
        !below.is_empty(),
        "measured never clearly below 1-(1-p)^C(n,k): {:?}",
        r.widths
            .iter()
            .map(|w| (w.width, w.success_rate, w.ci.1, w.lottery_combinatorial))
            .collect::<Vec<_>>()
    );
    // Bimodality of the final losses (the science notes' criterion for a robust threshold):
    // every run ends at least 10x below the threshold or at least 10x above it.
    for w in &r.widths {
        for &l in &w.final_losses {
            assert!(
                !(1e-6..=1e-4).contains(&l),
                "width {}: final loss {l:.2e} is ambiguous",
                w.width
            );
        }
    }
}

#[test]
fn tickets_are_not_isolated_winners() {
    // Tickets 1-12 include three winners alone (seeds 2, 9, 12 measured).
    let config = NeuronTicketConfig {
        tickets: 12,
        alphas: vec![0.1, 16.0],
        ..NeuronTicketConfig::default()
    };
    let r = run_neuron_tickets(&config);
    let (small, large) = (&r.rows[0], &r.rows[1]);
    eprintln!(
        "alpha 0.1: losing {}/{}; alpha 16: winning {}/{}",
        small.given_losing.successes,
        small.given_losing.runs,
        large.given_winning.successes,
        large.given_winning.runs
    );
    // Margin: with one near-silent extra neuron, the 95% lower bound of P(success | losing
    // ticket inside) is above 0.1 (a literal lottery predicts 0).
    assert!(small.given_losing.runs >= 5);
    assert!(small.given_losing.ci.0 > 0.1, "{:?}", small.given_losing);
    // A winning ticket is not a guarantee: with the rest of the network drawn at alpha 16, at
    // least one winning ticket embedded fails (a literal lottery predicts none).
    assert!(large.given_winning.runs >= 2);
    assert!(
        large.given_winning.successes < large.given_winning.runs,
        "{:?}",
        large.given_winning
    );
}

#[test]
fn a_stuck_narrow_student_escapes_through_a_split_neuron() {
    let config = EscapeConfig {
        search_seeds: 6,
        max_cases: 3,
        mu_sweep: vec![-1.0, 0.0, 0.5, 1.0, 2.0],
        ..EscapeConfig::default()
    };
    let r = run_escape(&config);
    assert!(
        !r.cases.is_empty(),
        "no stuck student among {:?}",
        r.searched
    );
    let mut escaped = 0;
    for case in &r.cases {
        // Stuck: a critical point with no clearly negative curvature, loss far above threshold.
        assert!(case.stuck.loss > 100.0 * config.threshold);
        assert!(
            case.stuck.gradient_norm < 1e-6,
            "gradient {:.1e}",
            case.stuck.gradient_norm
        );
        assert!(
            case.stuck.min_eigenvalue > -NEGATIVE_TOLERANCE,
            "seed {}: already a saddle ({:.2e})",
            case.seed,
            case.stuck.min_eigenvalue
        );
        let split = &case.attempts[0];
        assert!(matches!(split.embedding, Embedding::Split { .. }));
        // The same loss, but now a clearly negative eigenvalue: a way down.
        assert!((split.at_embedding.loss - case.stuck.loss).abs() < 1e-12);
        assert!(
            split.at_embedding.min_eigenvalue < -1e-4,
            "seed {}: split min eigenvalue {:.2e}",
            case.seed,
            split.at_embedding.min_eigenvalue
        );
        escaped += split.escaped as usize;
    }
    assert!(escaped >= 1, "no split case escaped");
    // The mu sweep: mu = 0 and mu = 1 leave a neuron with zero output weight and are not
    // below the split at mu = 0.5 (where the science notes split).
    let at = |m: f64| {
        r.mu_sweep
            .iter()
            .find(|p| (p.0 - m).abs() < 1e-9)
            .map(|p| p.1)
    };
    assert!(at(0.5) < at(0.0) && at(0.5) < at(1.0), "{:?}", r.mu_sweep);
}
