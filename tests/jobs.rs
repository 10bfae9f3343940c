//! The workers' protocol refuses what the page would never send (with short error replies),
//! survives a panicking job, and computes the Hessian plane exactly as the page does.

use escape_dims::core::network::{Network, Shape};
use escape_dims::core::objective::Objective;
use escape_dims::core::plane::Plane;
use escape_dims::core::rng::{SeededRng, Stream};
use escape_dims::core::task::Task;
use escape_dims::jobs::{self, Job, JobResult, SliceRows, ERROR_PREFIX, MAX_ERROR_BYTES};
use escape_dims::settings::{SceneKind, Settings};
use std::time::Instant;

fn small() -> Settings {
    Settings {
        scene: SceneKind::Sweep,
        experiment_steps: 300,
        ..Settings::default()
    }
}

/// Asserts that `message` gets a short error reply, and returns it.
fn refused(message: &str) -> String {
    let reply = jobs::handle_message(message);
    let head: String = message.chars().take(60).collect();
    assert!(
        reply.starts_with(ERROR_PREFIX),
        "{head:?}… was not refused: {}",
        &reply[..reply.len().min(200)]
    );
    assert!(
        reply.len() <= MAX_ERROR_BYTES,
        "reply of {} bytes to {head:?}…",
        reply.len()
    );
    reply
}

fn student(settings: &Settings, seed: u64) -> (Task, Vec<f64>) {
    let task = Task::generate(settings.task_config());
    let shape = Shape::new(task.config.input_dim, settings.width as usize);
    let net = Network::student_init(
        shape,
        task.config.activation,
        &mut SeededRng::new(seed, Stream::Student),
    );
    (task, net.params)
}

fn slice_job(settings: &Settings, width: usize, resolution: usize) -> String {
    let params = Shape::new(settings.input_dim as usize, width).num_params();
    let centre: Vec<f64> = (0..params).map(|i| (i as f64 * 0.37).sin()).collect();
    let job = Job::SliceRows(SliceRows {
        width,
        resolution,
        extent: 1.0,
        first: 0,
        end: 1,
        plane: Plane {
            centre: centre.clone(),
            u: centre.clone(),
            v: centre,
            u_label: String::new(),
            v_label: String::new(),
        },
    });
    jobs::encode_job(settings, &job)
}

#[test]
fn malformed_oversized_and_out_of_range_messages_get_short_error_replies() {
    let s = small();
    let hash = s.to_hash();
    // The cases: a width of a million, of 2^32 - 1, a huge slice, a huge message.
    let reply = refused("sweep;1000000,1;esteps=100");
    assert!(reply.contains("width"), "{reply}");
    refused("sweep;4294967295,1;");
    refused(&format!("sweep;4294967295,1;{hash}"));
    let wide = Settings {
        width: 64,
        ..Settings::default()
    };
    refused(&slice_job(&wide, 64, 201).replacen("slice;64,", "slice;100000,", 1));
    refused(&"x".repeat(20_000_000));
    let echo = refused(&format!("sweep;5,1;{}", "a".repeat(20_000_000)));
    assert!(echo.contains("limit"), "{echo}");
    refused(&format!("nonsense{}", "z".repeat(10_000)));
    // Malformed.
    for m in [
        "",
        ";",
        ";;",
        "sweep",
        "sweep;x;",
        "sweep;5;",
        "sweep;5,1,2;",
        "sweep;5,-1;",
        "sweep;5,1e400;",
        "sweep;NaN,1;",
        "neuron;1,2;",
        "weight;;",
        "unknown;1;",
        "hessian;5;",
        "hessian;5/1 2 3;",
        "slice;5,11,0,1;",
        "panic;1;",
    ] {
        refused(m);
    }
    // Out-of-range settings in the hash, the way the URL parser reads them.
    for bad in [
        "width=0",
        "samples=1000000",
        "lr=abc",
        "act=sigmoid",
        "dim=9",
    ] {
        refused(&format!("sweep;5,1;{hash}&{bad}"));
    }
    // Slice jobs: resolution, rows, extent and plane checked.
    let good = slice_job(&s, 5, 11);
    assert!(jobs::decode_job(&good).is_ok());
    refused(&good.replacen("slice;5,11,", "slice;5,100000,", 1));
    refused(&good.replacen("slice;5,11,", "slice;5,3,", 1));
    refused(&good.replacen("slice;5,11,0,1/", "slice;5,11,0,12/", 1));
    refused(&good.replacen("slice;5,11,0,1/", "slice;5,11,4,4/", 1));
    refused(&good.replacen("/1e0/", "/1e9/", 1));
    refused(&good.replacen("/1e0/", "/NaN/", 1));
    refused(&good.replacen("slice;5,", "slice;6,", 1));
    let nan = good.replacen("/0e0 ", "/NaN ", 1);
    assert_ne!(nan, good);
    refused(&nan);
    let inf = good.replacen("/0e0 ", "/inf ", 1);
    refused(&inf);
    // A 20 MB string of digits in a field is refused by its size, not parsed.
    refused(&format!("sweep;{},1;{hash}", "9".repeat(20_000_000)));
    // Quotes are short: a 10 KB field is quoted by its first characters.
    let long_field = refused(&format!("sweep;{},1;{hash}", "7".repeat(10_000)));
    assert!(long_field.contains('…'), "{long_field}");
}

#[test]
fn the_message_cap_admits_the_largest_valid_job_and_nothing_much_larger() {
    let cap = jobs::max_message_bytes();
    // Width 64 and dim 8 are the table's largest: 64 * (8 + 2) + 1 parameters.
    assert_eq!(jobs::max_params(), 641);
    assert_eq!(cap, 3 * 641 * 25 + 4096);
    // Settings whose hash is as long as valid values make it (long floats, 12 widths).
    let s = Settings {
        width: 64,
        input_dim: 8,
        samples: 2048,
        resolution: 201,
        learning_rate: 0.001_234_567_890_123_456_7,
        extent: 4.999_999_999_999_999,
        threshold: 1.234_567_890_123_456_7e-12,
        alpha: 31.999_999_999_999_996,
        prune: 0.012_345_678_901_234_567,
        mu: -0.999_999_999_999_999_9,
        seed: 4_294_967_295,
        teacher_seed: 4_294_967_295,
        case: 4_294_967_295,
        widths: vec![53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64],
        ..Settings::default()
    };
    assert!(s.to_hash().len() < 1024, "{}", s.to_hash().len());
    let longest = -2.225_073_858_507_201_4e-308_f64;
    assert_eq!(format!("{longest:e}").len(), 24);
    let plane = vec![longest; 641];
    let job = Job::SliceRows(SliceRows {
        width: 64,
        resolution: 201,
        extent: s.extent,
        first: 190,
        end: 201,
        plane: Plane {
            centre: plane.clone(),
            u: plane.clone(),
            v: plane,
            u_label: String::new(),
            v_label: String::new(),
        },
    });
    let message = jobs::encode_job(&s, &job);
    assert!(message.len() <= cap, "{} > {cap}", message.len());
    assert!(message.len() > cap * 9 / 10, "the cap is tight");
    assert_eq!(jobs::decode_job(&message), Ok((s.clone(), job)));
    // One byte over the cap is refused unread.
    let over = format!("{message}{}", " ".repeat(cap + 1 - message.len()));
    let reply = refused(&over);
    assert!(reply.contains("limit"), "{reply}");
}

#[test]
fn a_panicking_job_gets_an_error_reply_and_the_next_job_its_answer() {
    let s = small();
    let panic = jobs::encode_job(&s, &Job::Panic);
    assert_eq!(jobs::decode_job(&panic), Ok((s.clone(), Job::Panic)));
    let reply = refused(&panic);
    assert!(reply.contains("panicked"), "{reply}");
    assert!(reply.contains("on purpose"), "{reply}");
    assert!(refused("panic;;").contains("panicked"));
    let job = Job::Sweep { width: 4, seed: 2 };
    let after = jobs::handle_message(&jobs::encode_job(&s, &job));
    assert_eq!(jobs::decode_result(&after), Ok(jobs::run(&s, &job)));
}

#[test]
fn the_hessian_job_gives_the_page_hessian_plane_bit_for_bit() {
    for (width, act) in [(5, "tanh"), (3, "relu"), (6, "softplus")] {
        let (s, _) = Settings::from_hash(&format!("width={width}&act={act}&dim=3&samples=64"));
        let (task, centre) = student(&s, 7);
        let objective = Objective::new(&task, width);
        let (direct, spectrum) = Plane::hessian(&objective, &centre, 0, 1);
        let job = Job::HessianPlane {
            width,
            centre: centre.clone(),
        };
        let message = jobs::encode_job(&s, &job);
        assert_eq!(jobs::decode_job(&message), Ok((s.clone(), job)));
        let reply = jobs::handle_message(&message);
        let Ok(JobResult::HessianPlane {
            plane,
            min_eigenvalue,
        }) = jobs::decode_result(&reply)
        else {
            panic!("a Hessian result: {}", &reply[..reply.len().min(200)]);
        };
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&plane.centre), bits(&direct.centre));
        assert_eq!(bits(&plane.u), bits(&direct.u));
        assert_eq!(bits(&plane.v), bits(&direct.v));
        assert_eq!(plane.u_label, direct.u_label);
        assert_eq!(plane.v_label, direct.v_label);
        assert_eq!(min_eigenvalue.to_bits(), spectrum.values[0].to_bits());
        assert_eq!(plane, direct);
        // The page's own fallback (the same function) agrees too.
        assert_eq!(
            jobs::hessian_plane(&objective, &centre),
            (direct, min_eigenvalue)
        );
    }
}

/// Times the Hessian and its eigen-decomposition at N = 2048 (the most samples) for growing
/// parameter counts: the basis of the page's limit for computing it without workers
/// (`cargo test --release --test jobs -- --ignored --nocapture hessian_timings`).
#[test]
#[ignore]
fn hessian_timings() {
    for dim in [2, 8] {
        for width in [4, 8, 12, 16, 20, 24, 32, 48, 64] {
            let (s, _) = Settings::from_hash(&format!("width={width}&dim={dim}&samples=2048"));
            let (task, centre) = student(&s, 1);
            let objective = Objective::new(&task, width);
            let mut times = Vec::new();
            for _ in 0..5 {
                let t = Instant::now();
                std::hint::black_box(jobs::hessian_plane(&objective, &centre));
                times.push(t.elapsed().as_secs_f64() * 1e3);
            }
            times.sort_by(f64::total_cmp);
            println!(
                "dim {dim} width {width:>2} params {:>3}: {:>8.2} ms",
                objective.num_params(),
                times[2]
            );
        }
    }
}

#[test]
fn the_polish_job_polishes_the_playground_run_as_it_would_itself() {
    use escape_dims::experiments::outcome::{RunPhase, SteppedRun};
    use std::sync::Arc;
    // The playground's run of the default settings, trained to its step limit.
    let mut settings = Settings {
        max_steps: 1500,
        ..Settings::default()
    };
    settings.scene = SceneKind::Playground;
    let task = Arc::new(Task::generate(settings.task_config()));
    let width = settings.width as usize;
    let run_settings = escape_dims::experiments::outcome::RunSettings {
        train: settings.train_config(),
        polish_steps: jobs::POLISH_STEPS,
        threshold: settings.threshold,
    };
    let mut polished = 0;
    for seed in [1u64, 3] {
        settings.seed = seed as i64;
        let net = escape_dims::experiments::sweep::student(&task, width, seed);
        let mut in_place = SteppedRun::new(&task, net.clone(), None, &run_settings);
        while in_place.advance(100).is_none() {}
        let mut handed = SteppedRun::new(&task, net, None, &run_settings);
        while handed.phase() == RunPhase::Training {
            handed.advance(100);
        }
        let Some((params, steps)) = handed.polishing_to_do() else {
            continue;
        };
        let message = jobs::encode_job(
            &settings,
            &Job::Polish {
                width,
                steps,
                params,
            },
        );
        let reply = jobs::handle_message(&message);
        let Ok(JobResult::Polish {
            params,
            loss,
            losses,
        }) = jobs::decode_result(&reply)
        else {
            panic!("not a polish reply: {}", &reply[..reply.len().min(120)]);
        };
        handed.complete_polishing(params, loss, losses);
        assert_eq!(handed.outcome(), in_place.outcome(), "seed {seed}");
        assert_eq!(
            handed.curve().points,
            in_place.curve().points,
            "seed {seed}"
        );
        polished += 1;
    }
    assert_eq!(polished, 2, "both runs reach polishing");
    // Out of range: too many steps, a point of the wrong length.
    let params = vec![0.1; Shape::new(2, 5).num_params()];
    let job = |steps: usize, params: Vec<f64>| {
        jobs::encode_job(
            &settings,
            &Job::Polish {
                width: 5,
                steps,
                params,
            },
        )
    };
    refused(&job(jobs::MAX_POLISH_JOB_STEPS + 1, params.clone()));
    refused(&job(30, params[1..].to_vec()));
}
