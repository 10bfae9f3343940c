//! The experiments run stage by stage, with every stage's jobs run in reverse order (as a
//! cluster returns them in any order), give exactly the tables of the one-machine runs.

#![cfg(not(target_arch = "wasm32"))]

use escape_dims::experiments::staged::{run_work, Experiment, Finished, StagedRun};
use escape_dims::experiments::{census, escape, subspace, sweep, tickets};
use escape_dims::figures::presets::{Plan, Preset};
use escape_dims::tables;
use std::sync::Arc;

/// The experiment run stage by stage, each stage's jobs computed last to first on a fresh task
/// (as a remote worker would), then put back in job order.
fn staged_in_reverse(experiment: Experiment) -> (Finished, usize) {
    let mut run = StagedRun::new(experiment.clone());
    let task = Arc::new(experiment.task());
    let mut stages = 0;
    while run.result().is_none() {
        let mut outputs: Vec<_> = run
            .jobs()
            .iter()
            .rev()
            .map(|w| run_work(&experiment, &task, w))
            .collect();
        outputs.reverse();
        run.accept(outputs).expect("one output per job");
        stages += 1;
    }
    (run.result().cloned().expect("finished"), stages)
}

#[test]
fn staged_runs_equal_the_one_machine_runs() {
    let plan = Plan::of(Preset::Tiny);
    let (f, n) = staged_in_reverse(Experiment::Sweep(plan.sweep.clone()));
    let Finished::Sweep(r) = f else { panic!() };
    assert_eq!(n, 1);
    let direct = sweep::run_sweep(&plan.sweep);
    assert_eq!(
        tables::width_sweep_runs(&r),
        tables::width_sweep_runs(&direct)
    );
    assert_eq!(tables::width_sweep(&r), tables::width_sweep(&direct));

    let (f, _) = staged_in_reverse(Experiment::NeuronTickets(plan.neuron_tickets.clone()));
    let Finished::NeuronTickets(nt) = f else {
        panic!()
    };
    let (f, _) = staged_in_reverse(Experiment::WeightTickets(plan.weight_tickets.clone()));
    let Finished::WeightTickets(wt) = f else {
        panic!()
    };
    let direct_nt = tickets::run_neuron_tickets(&plan.neuron_tickets);
    let direct_wt = tickets::run_weight_tickets(&plan.weight_tickets);
    // (Rates of no runs are NaN, so the results compare by their runs and their table.)
    assert_eq!(nt.tickets, direct_nt.tickets);
    assert_eq!(wt.runs, direct_wt.runs);
    assert_eq!(
        tables::tickets(&nt, &wt),
        tables::tickets(&direct_nt, &direct_wt)
    );

    let (f, n) = staged_in_reverse(Experiment::Escape(plan.escape.clone()));
    let Finished::Escape(e) = f else { panic!() };
    let direct = escape::run_escape(&plan.escape);
    assert!(!e.cases.is_empty(), "the tiny plan finds a stuck student");
    assert_eq!(n, 3, "search, analysis, mu sweep");
    assert_eq!(tables::escape(&e), tables::escape(&direct));
    assert_eq!(tables::escape_mu(&e), tables::escape_mu(&direct));
    assert_eq!(e.searched, direct.searched);

    let (f, _) = staged_in_reverse(Experiment::Subspace(plan.subspace.clone()));
    let Finished::Subspace(s) = f else { panic!() };
    assert_eq!(s, subspace::run_subspace(&plan.subspace));

    let (f, n) = staged_in_reverse(Experiment::Census(plan.census.clone()));
    let Finished::Census(c) = f else { panic!() };
    let direct = census::run_census(&plan.census);
    assert_eq!(n, 2, "end points, then widening");
    assert_eq!(tables::census(&c), tables::census(&direct));
    assert_eq!(
        tables::census_widening(&c),
        tables::census_widening(&direct)
    );
}

#[test]
fn an_escape_without_stuck_students_ends_after_its_search() {
    let mut config = Plan::of(Preset::Tiny).escape;
    config.stuck_factor = f64::INFINITY;
    let (f, n) = staged_in_reverse(Experiment::Escape(config));
    let Finished::Escape(e) = f else { panic!() };
    assert_eq!(n, 1);
    assert!(e.cases.is_empty() && e.mu_sweep.is_empty());
    assert_eq!(e.searched.len(), 4);
}

#[test]
fn outputs_of_the_wrong_number_or_kind_are_refused() {
    let plan = Plan::of(Preset::Tiny);
    let experiment = Experiment::Sweep(plan.sweep.clone());
    let mut run = StagedRun::new(experiment.clone());
    let task = Arc::new(experiment.task());
    let one = run_work(&experiment, &task, &run.jobs()[0]);
    let err = run.accept(vec![one]).unwrap_err();
    assert!(err.contains("1 outputs for 9 jobs"), "{err}");
    let tickets = Experiment::Subspace(plan.subspace.clone());
    let other = run_work(
        &tickets,
        &Arc::new(tickets.task()),
        &StagedRun::new(tickets.clone()).jobs()[0],
    );
    let err = run.accept(vec![other; 9]).unwrap_err();
    assert!(err.contains("another kind"), "{err}");
    let err = escape_dims::experiments::staged::try_run_work(&tickets, &task, &run.jobs()[0])
        .unwrap_err();
    assert!(
        err.contains("not a job of the subspace experiment"),
        "{err}"
    );
    assert!(run.result().is_none());
}
