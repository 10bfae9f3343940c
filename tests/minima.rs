//! The Minima scene's census through worker messages, against the engine's own run, and the
//! golden files the end-to-end test compares the page's downloads with
//! (`tests/golden/minima_census.csv`, `tests/golden/minima_widening.csv`; rewrite them with
//! `UPDATE_GOLDEN=1 cargo test --test minima` after an intended numerical change).

use escape_dims::experiments::census::{self, run_census};
use escape_dims::jobs::{self, Job, JobResult};
use escape_dims::settings::Settings;
use escape_dims::tables;

/// The settings of the end-to-end test's census (`#scene=minima&widths=3,4&runs=6`).
const HASH: &str = "#scene=minima&widths=3,4&runs=6";
const CENSUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/golden/minima_census.csv"
);
const WIDENING: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/golden/minima_widening.csv"
);

/// Runs a job as a worker does: encoded, handled as text, decoded.
fn through_worker(settings: &Settings, job: &Job) -> JobResult {
    let reply = jobs::handle_message(&jobs::encode_job(settings, job));
    jobs::decode_result(&reply).unwrap_or_else(|e| panic!("{e}: {reply:.200}"))
}

/// The census as the page computes it: one message per seed, answered in reverse order (the
/// workers answer out of order), grouped; then one message per embedding, named.
fn census_as_the_page_does(settings: &Settings) -> census::CensusResult {
    let config = jobs::census_config(settings);
    let mut ends = Vec::new();
    for job in jobs::jobs_for(settings).iter().rev() {
        match through_worker(settings, job) {
            JobResult::CensusEnd(end) => ends.push(end),
            other => panic!("a census job answered {other:?}"),
        }
    }
    let widths = census::census_of(&config, ends);
    let mut widening: Vec<_> = census::widening_jobs(&widths, &config)
        .into_iter()
        .map(|(start, embedding)| {
            match through_worker(settings, &Job::Widening { start, embedding }) {
                JobResult::Widening(o) => o,
                other => panic!("a widening job answered {other:?}"),
            }
        })
        .collect();
    census::name_ends(&mut widening, &widths, &config);
    census::CensusResult {
        config,
        widths,
        widening,
    }
}

#[test]
fn the_census_through_worker_messages_is_the_engines_census_bit_for_bit() {
    let (settings, notices) = Settings::from_hash(HASH);
    assert!(notices.is_empty(), "{notices:?}");
    let paged = census_as_the_page_does(&settings);
    let native = run_census(&jobs::census_config(&settings));
    assert_eq!(tables::census(&paged), tables::census(&native));
    assert_eq!(
        tables::census_widening(&paged),
        tables::census_widening(&native)
    );
    // Every seed counted once, and the widening has work to show.
    for w in &native.widths {
        let seeds: usize = w.points.iter().map(|p| p.seeds.len()).sum();
        assert_eq!(seeds, 6, "width {}", w.width);
    }
    assert!(
        !native.widening.is_empty(),
        "no bad minimum to widen at these settings"
    );
    let census_text = tables::census(&native);
    let widening_text = tables::census_widening(&native);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(CENSUS, &census_text).expect("write census golden");
        std::fs::write(WIDENING, &widening_text).expect("write widening golden");
    }
    assert_eq!(
        std::fs::read_to_string(CENSUS).expect("census golden exists"),
        census_text,
        "tests/golden/minima_census.csv is stale (UPDATE_GOLDEN=1 rewrites it)"
    );
    assert_eq!(
        std::fs::read_to_string(WIDENING).expect("widening golden exists"),
        widening_text,
        "tests/golden/minima_widening.csv is stale (UPDATE_GOLDEN=1 rewrites it)"
    );
}

#[test]
fn census_messages_refuse_what_the_page_never_sends() {
    let (settings, _) = Settings::from_hash(HASH);
    let hash = settings.to_hash();
    for bad in [
        format!("census;99,1;{hash}"),
        format!("census;3;{hash}"),
        format!("widen;3,0,1,1e-2,split:7:5e-1/1 2 3;{hash}"),
        format!("widen;3,0,1,1e-2,silent/1 2 3;{hash}"),
        format!("widen;3,0,1,NaN,silent/{};{hash}", ["0"; 13].join(" ")),
    ] {
        let reply = jobs::handle_message(&bad);
        assert!(
            reply.starts_with(jobs::ERROR_PREFIX),
            "{bad:.80} answered {reply:.120}"
        );
    }
}

#[test]
fn a_population_census_finds_critical_points_of_the_population_loss_not_of_the_sample() {
    use escape_dims::core::critical::CriticalKind;
    use escape_dims::core::objective::Objective;
    use escape_dims::core::task::Task;
    use escape_dims::experiments::census::DataModel;
    let (settings, notices) =
        Settings::from_hash("#scene=minima&act=erf&data=population&widths=3,4&runs=6");
    assert!(notices.is_empty(), "{notices:?}");
    let config = jobs::census_config(&settings);
    assert_eq!(config.data, DataModel::Population);
    let result = run_census(&config);
    let task = Task::generate(config.task);
    let mut converged = 0;
    for w in &result.widths {
        let seeds: usize = w.points.iter().map(|p| p.seeds.len()).sum();
        assert_eq!(seeds, 6, "width {}: every seed once", w.width);
        for p in &w.points {
            let rep = &p.representative;
            let shape = escape_dims::core::network::Shape::new(2, w.width);
            // Bias-free: every bias and the output bias stay 0.
            for i in shape.biases().chain([shape.output_bias()]) {
                assert_eq!(
                    rep.params[i], 0.0,
                    "width {} point {}: bias {i}",
                    w.width, p.id
                );
            }
            if p.point.kind == CriticalKind::NotConverged {
                continue;
            }
            converged += 1;
            // A critical point of the population loss (the census's criterion) ...
            assert!(p.point.gradient_norm < 1e-10, "{:?}", p.point);
            // ... is not one of the loss on the 256 training inputs: there its gradient is
            // far from zero.
            let sample = Objective::new(&task, w.width);
            let mut g = vec![0.0; rep.params.len()];
            sample.loss_and_gradient(&rep.params, &mut g);
            let norm = g.iter().map(|x| x * x).sum::<f64>().sqrt();
            assert!(
                norm > 1e-4,
                "width {} point {}: sample gradient norm {norm:e}",
                w.width,
                p.id
            );
        }
    }
    assert!(
        converged >= 2,
        "only {converged} converged population points"
    );
}

#[test]
fn the_population_model_is_refused_for_activations_without_a_closed_form() {
    use escape_dims::core::activation::Activation;
    use escape_dims::experiments::census::DataModel;
    assert!(DataModel::Population.supports(Activation::Erf));
    assert!(DataModel::Population.supports(Activation::Relu));
    assert!(!DataModel::Population.supports(Activation::Tanh));
    assert!(DataModel::Sample.supports(Activation::Tanh));
    // A worker refuses a population job for tanh with a message, never a crash.
    let (settings, _) = Settings::from_hash("#scene=minima&data=population&widths=3&runs=1");
    let reply = jobs::handle_message(&jobs::encode_job(
        &settings,
        &Job::CensusEnd { width: 3, seed: 1 },
    ));
    assert!(reply.starts_with(jobs::ERROR_PREFIX), "{reply:.200}");
    assert!(reply.contains("erf and ReLU"), "{reply}");
}
