//! The scenes advance the engine's experiments a few steps per frame; the workers and the
//! figures command run them to their end in one call. These tests check that both give the
//! same results bit for bit (so a live view's verdict is the table's verdict for its seed),
//! and that the loss curve a scene draws ends at the number its status line quotes.

use escape_dims::core::task::{Task, TaskConfig};
use escape_dims::experiments::escape::{
    analyse_case, narrow_run, AttemptRun, EmbeddingKind, EscapeConfig,
};
use escape_dims::experiments::outcome::{polish_end_point, run, RunPhase, RunSettings, SteppedRun};
use escape_dims::experiments::sweep::student;
use escape_dims::experiments::tickets::{
    run_neuron_ticket, run_weight_ticket, NeuronTicketConfig, NeuronTicketRun, WeightTicketConfig,
    WeightTicketSearch,
};
use std::sync::Arc;

fn task() -> Arc<Task> {
    Arc::new(Task::generate(TaskConfig::default()))
}

/// Short runs so the suite stays fast; long enough to reach polishing.
fn short() -> RunSettings {
    let mut r = RunSettings::default();
    r.train.max_steps = 1500;
    r.train.history_capacity = 64;
    r
}

#[test]
fn a_run_stepped_a_little_at_a_time_equals_the_run_in_one_call() {
    let task = task();
    for (width, seed) in [(5, 3), (4, 1), (8, 2)] {
        let net = student(&task, width, seed);
        let whole = run(&task, net.clone(), None, &short());
        let mut stepped = SteppedRun::new(&task, net, None, &short());
        let mut phases = Vec::new();
        while stepped.advance(7).is_none() {
            if phases.last() != Some(&stepped.phase()) {
                phases.push(stepped.phase());
            }
        }
        assert_eq!(stepped.outcome(), Some(&whole), "width {width} seed {seed}");
        // The drawn curve ends at the judged loss: the number a status line quotes.
        let curve = stepped.curve();
        assert_eq!(curve.points.last().map(|p| p.1), Some(whole.final_loss));
        if !whole.diverged && phases.contains(&RunPhase::Polishing) {
            assert!(
                curve.polished < curve.points.len(),
                "polishing points drawn"
            );
        }
    }
}

#[test]
fn a_run_polished_elsewhere_equals_the_run_polished_in_place() {
    // The playground hands costly polishing to a worker: the worker's result, put back into
    // the run, must give the outcome and curve of the run that polished itself.
    let task = task();
    let mut handed = 0;
    for (width, seed) in [(4, 1), (6, 2)] {
        let net = student(&task, width, seed);
        let whole = run(&task, net.clone(), None, &short());
        let mut stepped = SteppedRun::new(&task, net, None, &short());
        while stepped.phase() == RunPhase::Training {
            stepped.advance(50);
        }
        if whole.diverged || stepped.phase() == RunPhase::Done {
            continue;
        }
        let (params, steps) = stepped.polishing_to_do().expect("polishing to hand over");
        let (polished, loss, losses) = polish_end_point(&task, width, params, steps);
        stepped.complete_polishing(polished, loss, losses);
        assert_eq!(stepped.phase(), RunPhase::Done);
        assert_eq!(stepped.outcome(), Some(&whole), "width {width} seed {seed}");
        let mut in_place = SteppedRun::new(&task, student(&task, width, seed), None, &short());
        while in_place.advance(50).is_none() {}
        assert_eq!(stepped.curve().points, in_place.curve().points);
        assert!(stepped.polishing_to_do().is_none());
        handed += 1;
    }
    assert!(handed > 0, "no run reached polishing");
}

#[test]
fn training_stops_once_below_the_threshold_and_polishing_finishes_it() {
    let task = task();
    // Width 5, seed 3 reaches the teacher (tests/training.rs).
    let mut s = RunSettings::default();
    s.train.history_capacity = 4096;
    let mut r = SteppedRun::new(&task, student(&task, 5, 3), None, &s);
    while r.advance(50).is_none() {}
    let o = r.outcome().expect("finished").clone();
    assert!(o.success, "{o:?}");
    let t = r.trainer();
    assert!(t.step() < s.train.max_steps, "stopped at step {}", t.step());
    assert!(
        o.trained_loss < s.threshold,
        "stopped at {:.2e}",
        o.trained_loss
    );
    // No recorded loss after the first one below the threshold: no spike is drawn after it.
    let first_below = t.history.values.iter().position(|&l| l < s.threshold);
    assert_eq!(first_below, Some(t.history.values.len() - 1));
    assert!(
        o.final_loss < o.trained_loss * 1e-2,
        "polished {:.2e} -> {:.2e}",
        o.trained_loss,
        o.final_loss
    );
}

#[test]
fn the_live_ticket_pair_equals_the_workers_ticket() {
    let task = task();
    let config = NeuronTicketConfig {
        alphas: vec![16.0],
        tickets: 1,
        alone: short(),
        embedded: short(),
        ..NeuronTicketConfig::default()
    };
    // The scene keeps longer loss records for drawing; the numbers must not change.
    let mut drawn = config.clone();
    drawn.alone.train.history_capacity = 512;
    drawn.embedded.train.history_capacity = 512;
    for seed in [2, 3] {
        let whole = run_neuron_ticket(&task, &config, seed);
        let mut live = NeuronTicketRun::new(&task, &drawn, seed);
        while !live.advance(13) {}
        assert_eq!(live.result(), Some(whole), "ticket {seed}");
    }
}

#[test]
fn the_live_weight_ticket_search_equals_the_workers_search() {
    let task = task();
    let config = WeightTicketConfig {
        width: 6,
        rounds: 2,
        rewind_steps: 50,
        alphas: vec![4.0],
        run: short(),
        ..WeightTicketConfig::default()
    };
    let whole = run_weight_ticket(&task, &config, 2);
    let mut drawn = config.clone();
    drawn.run.train.history_capacity = 512;
    let mut live = WeightTicketSearch::new(&task, &drawn, 2);
    while !live.advance(11) {}
    assert_eq!(live.result(), Some(whole));
    assert!(live.round == 2);
}

#[test]
fn the_animated_escape_equals_the_experiments_case() {
    let task = task();
    let config = EscapeConfig {
        search_seeds: 1,
        first_seed: 1,
        ..EscapeConfig::default()
    };
    let mut narrow = narrow_run(&task, &config, 1);
    while narrow.advance(37).is_none() {}
    let stuck = narrow.outcome().expect("finished").clone();
    let case = analyse_case(&task, &config, 1, stuck.params.clone());
    let net = escape_dims::core::network::Network {
        shape: narrow.trainer().shape,
        activation: task.config.activation,
        params: stuck.params,
    };
    for (kind, expected) in [EmbeddingKind::Split, EmbeddingKind::ZeroOutput]
        .into_iter()
        .zip(&case.attempts)
    {
        let mut live = AttemptRun::new(&task, &config, &net, kind, 1);
        while live.run.advance(10).is_none() {}
        let got = live.result().expect("finished");
        assert_eq!(got.embedding, expected.embedding);
        assert_eq!(got.loss_after.to_bits(), expected.loss_after.to_bits());
        assert_eq!(got.escaped, expected.escaped);
        assert_eq!(
            got.at_embedding.min_eigenvalue.to_bits(),
            expected.at_embedding.min_eigenvalue.to_bits()
        );
    }
}

#[test]
fn a_subspace_run_stepped_a_little_at_a_time_equals_the_run_in_one_call() {
    use escape_dims::experiments::subspace::{run_in_subspace, SubspaceConfig, SubspaceRun};
    let task = task();
    let config = SubspaceConfig {
        run: short(),
        ..SubspaceConfig::default()
    };
    for (dimension, seed) in [(8, 1), (33, 2)] {
        let whole = run_in_subspace(&task, &config, dimension, seed);
        let mut live = SubspaceRun::new(&task, &config, dimension, seed);
        let got = loop {
            if let Some(l) = live.advance(9) {
                break l;
            }
        };
        assert_eq!(
            got.to_bits(),
            whole.to_bits(),
            "D = {dimension}, seed {seed}"
        );
    }
}
