//! Jobs of the browser's experiment workers, as plain text messages, and the code that runs
//! them. A job carries the page's settings as a URL hash (the format of [`crate::settings`]),
//! so a worker computes exactly what the visitor's URL describes. Pure Rust: the protocol is
//! tested natively; the worker binary and the page only move strings.

mod census_jobs;
mod slice_rows;
mod validate;

use crate::core::network::Shape;
use crate::core::objective::Objective;
use crate::core::plane::Plane;
use crate::core::task::Task;
use crate::core::train::TrainConfig;
use crate::experiments::census::{self, Embedding, EndPoint, WideningOutcome, WideningStart};
use crate::experiments::escape::EscapeConfig;
use crate::experiments::outcome::RunSettings;
use crate::experiments::subspace::SubspaceConfig;
use crate::experiments::sweep::{self, SweepConfig, SweepRun};
use crate::experiments::tickets::{self, NeuronTicketConfig, TicketOutcome, WeightTicketConfig};
use crate::settings::{Granularity, SceneKind, Settings};
use std::sync::Arc;

pub use census_jobs::census_config;
pub use slice_rows::SliceRows;
pub use validate::{
    error_reply, max_message_bytes, max_params, ERROR_PREFIX, MAX_ERROR_BYTES, QUOTE_CHARS,
};

/// Polishing steps after each experiment run (as in the figures command).
pub const POLISH_STEPS: usize = 30;

/// One unit of work for a worker.
#[derive(Clone, Debug, PartialEq)]
pub enum Job {
    /// One run of a width sweep.
    Sweep {
        /// Student width.
        width: usize,
        /// Student seed.
        seed: u64,
    },
    /// One neuron-level ticket, alone and embedded at the settings' alpha.
    NeuronTicket {
        /// Ticket seed.
        seed: u64,
    },
    /// One weight-level ticket (pruning, alone, embedded at the settings' alpha).
    WeightTicket {
        /// Dense student seed.
        seed: u64,
    },
    /// Rows of a landscape slice.
    SliceRows(SliceRows),
    /// The plane of the two lowest Hessian eigenvectors at `centre` for a width-`width`
    /// student on the settings' task ([`Plane::hessian`] with eigenvectors 0 and 1, as the
    /// playground's Hessian plane).
    HessianPlane {
        /// Student width.
        width: usize,
        /// The point whose Hessian is taken (the slice's centre).
        centre: Vec<f64>,
    },
    /// Levenberg–Marquardt polishing of the playground's end point `params` (a width-`width`
    /// student on the settings' task) for up to `steps` steps, to the end: what
    /// [`crate::experiments::outcome::SteppedRun`] does in place, handed to a worker where one
    /// step (an exact Hessian and its eigen-decomposition) costs more than a frame.
    Polish {
        /// Student width.
        width: usize,
        /// Steps allowed (at most [`MAX_POLISH_JOB_STEPS`]).
        steps: usize,
        /// The end point of training.
        params: Vec<f64>,
    },
    /// One seed of the census of minima: gradient flow and the finish from the width-`width`
    /// student of seed `seed` ([`census::end_point`]).
    CensusEnd {
        /// Student width.
        width: usize,
        /// Student seed.
        seed: u64,
    },
    /// One embedding of a bad minimum of the census into the next width, classified and flowed
    /// on from ([`census::widen_by`]).
    Widening {
        /// The bad minimum.
        start: WideningStart,
        /// How it is embedded.
        embedding: Embedding,
    },
    /// Panics on purpose (message `panic;;`), so that tests can check that a panic inside a
    /// job becomes an error reply and the worker answers the next job.
    Panic,
}

/// Most polishing steps a [`Job::Polish`] may ask for.
pub const MAX_POLISH_JOB_STEPS: usize = 100;

/// What a job found.
#[derive(Clone, Debug, PartialEq)]
pub enum JobResult {
    /// A sweep run.
    Sweep(SweepRun),
    /// A ticket, alone and embedded at the settings' alpha.
    Ticket(TicketOutcome),
    /// Losses of slice rows starting at `first`, row-major.
    SliceRows {
        /// First row.
        first: usize,
        /// The losses.
        values: Vec<f64>,
    },
    /// The Hessian plane of a [`Job::HessianPlane`], exactly as [`Plane::hessian`] gives it
    /// (centre, directions and axis labels).
    HessianPlane {
        /// The plane.
        plane: Plane,
        /// The smallest Hessian eigenvalue at the centre.
        min_eigenvalue: f64,
    },
    /// The polished point of a [`Job::Polish`], its loss and the accepted steps' losses.
    Polish {
        /// The polished parameters.
        params: Vec<f64>,
        /// Their loss.
        loss: f64,
        /// The loss after each accepted step.
        losses: Vec<f64>,
    },
    /// The end point of a [`Job::CensusEnd`].
    CensusEnd(EndPoint),
    /// The outcome of a [`Job::Widening`] (its end not yet named by the wider census).
    Widening(WideningOutcome),
}

/// The run settings of experiment jobs under `settings`.
pub fn run_settings(settings: &Settings) -> RunSettings {
    RunSettings {
        train: TrainConfig {
            max_steps: settings.experiment_steps as u64,
            snapshot_capacity: 2,
            history_capacity: 2,
            ..settings.train_config()
        },
        polish_steps: POLISH_STEPS,
        threshold: settings.threshold,
    }
}

/// The sweep that `settings` describe.
pub fn sweep_config(settings: &Settings) -> SweepConfig {
    SweepConfig {
        task: settings.task_config(),
        widths: settings.widths.iter().map(|&w| w as usize).collect(),
        seeds: settings.runs as u64,
        first_seed: 1,
        run: run_settings(settings),
    }
}

/// The neuron-level ticket experiment that `settings` describe (one alpha).
pub fn neuron_ticket_config(settings: &Settings) -> NeuronTicketConfig {
    let run = run_settings(settings);
    NeuronTicketConfig {
        task: settings.task_config(),
        extra: settings.extra as usize,
        alphas: vec![settings.alpha],
        tickets: settings.runs as u64,
        first_seed: 1,
        alone: run,
        embedded: run,
    }
}

/// The weight-level ticket experiment that `settings` describe (one alpha).
pub fn weight_ticket_config(settings: &Settings) -> WeightTicketConfig {
    WeightTicketConfig {
        task: settings.task_config(),
        width: settings.width as usize,
        prune_fraction: settings.prune,
        rounds: settings.rounds as usize,
        rewind_steps: settings.rewind as u64,
        alphas: vec![settings.alpha],
        seeds: settings.runs as u64,
        first_seed: 1,
        run: run_settings(settings),
    }
}

/// The escape experiment that `settings` describe: the scene's stuck student (seed `case`, the
/// teacher's width) trained with the settings' optimiser for the experiment's 8000 steps, then
/// widened with the settings' mu and trained on.
pub fn escape_config(settings: &Settings) -> EscapeConfig {
    let d = EscapeConfig::default();
    let train = TrainConfig {
        max_steps: d.train.max_steps,
        snapshot_capacity: 2,
        history_capacity: 2,
        ..settings.train_config()
    };
    EscapeConfig {
        task: settings.task_config(),
        width: settings.teacher_width as usize,
        first_seed: settings.case as u64,
        search_seeds: 1,
        max_cases: 1,
        train,
        threshold: settings.threshold,
        mu: settings.mu,
        continue_run: RunSettings {
            train: TrainConfig {
                max_steps: d.continue_run.train.max_steps,
                ..train
            },
            threshold: settings.threshold,
            ..d.continue_run
        },
        ..d
    }
}

/// The escape experiment of `settings` over `runs` seeds from `case`, every stuck one analysed:
/// with `runs = 1` exactly the escape scene's one student ([`escape_config`]).
pub fn escape_search_config(settings: &Settings) -> EscapeConfig {
    EscapeConfig {
        search_seeds: settings.runs as u64,
        max_cases: settings.runs as usize,
        ..escape_config(settings)
    }
}

/// The subspace experiment of `settings`: the width-`width` student of the settings' task,
/// trained with the experiment's optimiser and steps in random subspaces of `dimensions`
/// (by default the science notes' 4, 8, ... below the student's parameter count, and the count
/// itself), `runs` seeds each.
pub fn subspace_config(settings: &Settings, dimensions: Option<Vec<usize>>) -> SubspaceConfig {
    let width = settings.width as usize;
    let p = Shape::new(settings.input_dim as usize, width).num_params();
    let dimensions = dimensions.unwrap_or_else(|| {
        let mut d: Vec<usize> = (1..).map(|k| 4 * k).take_while(|&d| d < p).collect();
        d.push(p);
        d
    });
    SubspaceConfig {
        task: settings.task_config(),
        width,
        dimensions,
        seeds: settings.runs as u64,
        first_seed: 1,
        run: run_settings(settings),
    }
}

/// The jobs of the sweep or ticket experiment of `settings` (empty for other scenes).
pub fn jobs_for(settings: &Settings) -> Vec<Job> {
    match settings.scene {
        SceneKind::Sweep => sweep::jobs(&sweep_config(settings))
            .into_iter()
            .map(|(width, seed)| Job::Sweep { width, seed })
            .collect(),
        SceneKind::Tickets => (1..=settings.runs as u64)
            .map(|seed| {
                if settings.granularity == Granularity::Weight {
                    Job::WeightTicket { seed }
                } else {
                    Job::NeuronTicket { seed }
                }
            })
            .collect(),
        SceneKind::Minima => census::end_point_jobs(&census_config(settings))
            .into_iter()
            .map(|(width, seed)| Job::CensusEnd { width, seed })
            .collect(),
        _ => Vec::new(),
    }
}

/// Runs a job under `settings`.
pub fn run(settings: &Settings, job: &Job) -> JobResult {
    let task = Arc::new(Task::generate(settings.task_config()));
    match *job {
        Job::SliceRows(ref rows) => rows.run(&task),
        Job::HessianPlane { width, ref centre } => {
            let (plane, min_eigenvalue) = hessian_plane(&Objective::new(&task, width), centre);
            JobResult::HessianPlane {
                plane,
                min_eigenvalue,
            }
        }
        Job::Polish {
            width,
            steps,
            ref params,
        } => {
            let (params, loss, losses) =
                crate::experiments::outcome::polish_end_point(&task, width, params.clone(), steps);
            JobResult::Polish {
                params,
                loss,
                losses,
            }
        }
        Job::Panic => panic!("a job that panics on purpose"),
        Job::CensusEnd { width, seed } => JobResult::CensusEnd(census::end_point(
            &task,
            width,
            seed,
            &census_config(settings),
        )),
        Job::Widening {
            ref start,
            embedding,
        } => JobResult::Widening(census::widen_by(
            &task,
            start,
            embedding,
            &census_config(settings),
        )),
        Job::Sweep { width, seed } => {
            JobResult::Sweep(sweep::run_job(&task, &sweep_config(settings), width, seed))
        }
        Job::NeuronTicket { seed } => {
            let t = tickets::run_neuron_ticket(&task, &neuron_ticket_config(settings), seed);
            JobResult::Ticket(TicketOutcome {
                seed,
                wins_alone: t.wins_alone,
                loss_alone: t.loss_alone,
                diverged_alone: t.alone_diverged,
                wins_embedded: t.embedded_success[0],
                loss_embedded: t.embedded_loss[0],
                diverged_embedded: t.embedded_diverged[0],
            })
        }
        Job::WeightTicket { seed } => {
            let t = tickets::run_weight_ticket(&task, &weight_ticket_config(settings), seed);
            JobResult::Ticket(TicketOutcome {
                seed,
                wins_alone: t.ticket_alone_success,
                loss_alone: t.ticket_alone_loss,
                diverged_alone: t.alone_diverged,
                wins_embedded: t.embedded_success[0],
                loss_embedded: t.embedded_loss[0],
                diverged_embedded: t.embedded_diverged[0],
            })
        }
    }
}

/// The playground's Hessian plane at `centre` (eigenvectors 0 and 1) and the smallest
/// eigenvalue: what the page computes without workers and a [`Job::HessianPlane`] returns.
pub fn hessian_plane(objective: &Objective<'_>, centre: &[f64]) -> (Plane, f64) {
    let (plane, spectrum) = Plane::hessian(objective, centre, 0, 1);
    let min = spectrum.values.first().copied().unwrap_or(f64::NAN);
    (plane, min)
}

/// Encodes a job and its settings as one message: `KIND;FIELDS;HASH`.
pub fn encode_job(settings: &Settings, job: &Job) -> String {
    let (kind, fields) = match job {
        Job::Sweep { width, seed } => ("sweep", format!("{width},{seed}")),
        Job::NeuronTicket { seed } => ("neuron", seed.to_string()),
        Job::WeightTicket { seed } => ("weight", seed.to_string()),
        Job::SliceRows(rows) => ("slice", rows.fields()),
        Job::HessianPlane { width, centre } => (
            "hessian",
            format!("{width}/{}", slice_rows::join_numbers(centre)),
        ),
        Job::Polish {
            width,
            steps,
            params,
        } => (
            "polish",
            format!("{width},{steps}/{}", slice_rows::join_numbers(params)),
        ),
        Job::Panic => ("panic", String::new()),
        Job::CensusEnd { width, seed } => ("census", format!("{width},{seed}")),
        Job::Widening { start, embedding } => {
            ("widen", census_jobs::widening_fields(start, *embedding))
        }
    };
    format!("{kind};{fields};{}", settings.to_hash())
}

/// Decodes a message of [`encode_job`], refusing (with a short reason) anything the page would
/// never send: a message over [`max_message_bytes`], an unknown kind, settings that the URL
/// parser would clamp or replace, a width, seed, resolution or extent outside its URL range,
/// rows outside the grid, or a vector that is not exactly one finite number per parameter.
pub fn decode_job(message: &str) -> Result<(Settings, Job), String> {
    let cap = max_message_bytes();
    if message.len() > cap {
        return Err(format!(
            "message of {} bytes refused: the limit is {cap}",
            message.len()
        ));
    }
    let mut parts = message.splitn(3, ';');
    let (kind, fields, hash) = match (parts.next(), parts.next(), parts.next()) {
        (Some(k), Some(f), Some(h)) => (k, f, h),
        _ => return Err(format!("malformed job {}", validate::quote(message))),
    };
    let known = [
        "sweep", "neuron", "weight", "slice", "hessian", "polish", "panic", "census", "widen",
    ];
    if !known.contains(&kind) {
        return Err(format!("unknown job {}", validate::quote(kind)));
    }
    let settings = validate::job_settings(hash)?;
    if matches!(kind, "census" | "widen") {
        if let Some(why) = settings.data.refusal(settings.activation) {
            return Err(why);
        }
    }
    let fields_list: Vec<&str> = fields.split(',').collect();
    let seed = |raw: &str| validate::int_field("seed", raw).map(|s| s as u64);
    let job = match (kind, fields_list.as_slice()) {
        ("slice", _) => Job::SliceRows(SliceRows::from_fields(fields, &settings)?),
        ("hessian", _) => {
            let Some((width, centre)) = fields.split_once('/') else {
                return Err(format!("malformed Hessian job {}", validate::quote(fields)));
            };
            let width = validate::int_field("width", width)? as usize;
            let params = Shape::new(settings.input_dim as usize, width).num_params();
            Job::HessianPlane {
                width,
                centre: validate::vector("Hessian centre", centre, params)?,
            }
        }
        ("polish", _) => {
            let Some((head, params)) = fields.split_once('/') else {
                return Err(format!("malformed polish job {}", validate::quote(fields)));
            };
            let Some((width, steps)) = head.split_once(',') else {
                return Err(format!("malformed polish job {}", validate::quote(head)));
            };
            let width = validate::int_field("width", width)? as usize;
            let n = Shape::new(settings.input_dim as usize, width).num_params();
            Job::Polish {
                width,
                steps: validate::index_field("polishing steps", steps, MAX_POLISH_JOB_STEPS)?,
                params: validate::vector("polish point", params, n)?,
            }
        }
        ("panic", [""]) => Job::Panic,
        ("census", [w, s]) => Job::CensusEnd {
            width: validate::int_field("width", w)? as usize,
            seed: seed(s)?,
        },
        ("widen", _) => {
            let (start, embedding) =
                census_jobs::parse_widening(fields, settings.input_dim as usize)?;
            Job::Widening { start, embedding }
        }
        ("sweep", [w, s]) => Job::Sweep {
            width: validate::int_field("width", w)? as usize,
            seed: seed(s)?,
        },
        ("neuron", [s]) => Job::NeuronTicket { seed: seed(s)? },
        ("weight", [s]) => Job::WeightTicket { seed: seed(s)? },
        _ => {
            return Err(format!(
                "{kind} job with fields {} refused",
                validate::quote(fields)
            ))
        }
    };
    Ok((settings, job))
}

/// Encodes a result as one message.
pub fn encode_result(result: &JobResult) -> String {
    match result {
        JobResult::Sweep(r) => format!(
            "sweep;{};{};{:e};{:e};{};{}",
            r.width, r.seed, r.trained_loss, r.final_loss, r.success as u8, r.diverged as u8
        ),
        JobResult::Ticket(TicketOutcome {
            seed,
            wins_alone,
            loss_alone,
            wins_embedded,
            loss_embedded,
            diverged_alone,
            diverged_embedded,
        }) => format!(
            "ticket;{seed};{};{loss_alone:e};{};{loss_embedded:e};{};{}",
            *wins_alone as u8,
            *wins_embedded as u8,
            *diverged_alone as u8,
            *diverged_embedded as u8
        ),
        JobResult::SliceRows { first, values } => {
            format!("slicerows;{first};{}", slice_rows::join_numbers(values))
        }
        JobResult::HessianPlane {
            plane,
            min_eigenvalue,
        } => format!(
            "hessian;{min_eigenvalue:e};{};{};{};{};{}",
            plane.u_label.replace(';', ","),
            plane.v_label.replace(';', ","),
            slice_rows::join_numbers(&plane.centre),
            slice_rows::join_numbers(&plane.u),
            slice_rows::join_numbers(&plane.v)
        ),
        JobResult::Polish {
            params,
            loss,
            losses,
        } => format!(
            "polished;{loss:e};{};{}",
            slice_rows::join_numbers(params),
            slice_rows::join_numbers(losses)
        ),
        JobResult::CensusEnd(end) => format!("censusend;{}", census_jobs::end_point_text(end)),
        JobResult::Widening(o) => format!("widened;{}", census_jobs::widening_text(o)),
    }
}

/// Decodes a message of [`encode_result`].
pub fn decode_result(message: &str) -> Result<JobResult, String> {
    let f: Vec<&str> = message.split(';').collect();
    let bad = || format!("malformed result {}", validate::quote(message));
    let num = |s: &str| s.parse::<f64>().map_err(|_| bad());
    let int = |s: &str| s.parse::<u64>().map_err(|_| bad());
    match f.as_slice() {
        ["sweep", w, s, t, l, ok, div] => Ok(JobResult::Sweep(SweepRun {
            width: int(w)? as usize,
            seed: int(s)?,
            trained_loss: num(t)?,
            final_loss: num(l)?,
            success: *ok == "1",
            diverged: *div == "1",
        })),
        ["ticket", s, a, l, e, le, da, de] => Ok(JobResult::Ticket(TicketOutcome {
            seed: int(s)?,
            wins_alone: *a == "1",
            loss_alone: num(l)?,
            wins_embedded: *e == "1",
            loss_embedded: num(le)?,
            diverged_alone: *da == "1",
            diverged_embedded: *de == "1",
        })),
        ["slicerows", first, values] => Ok(JobResult::SliceRows {
            first: int(first)? as usize,
            values: slice_rows::parse_numbers(values)?,
        }),
        ["hessian", min, u_label, v_label, centre, u, v] => Ok(JobResult::HessianPlane {
            plane: Plane {
                centre: slice_rows::parse_numbers(centre)?,
                u: slice_rows::parse_numbers(u)?,
                v: slice_rows::parse_numbers(v)?,
                u_label: u_label.to_string(),
                v_label: v_label.to_string(),
            },
            min_eigenvalue: num(min)?,
        }),
        ["polished", loss, params, losses] => Ok(JobResult::Polish {
            params: slice_rows::parse_numbers(params)?,
            loss: num(loss)?,
            losses: slice_rows::parse_numbers(losses)?,
        }),
        ["censusend", rest @ ..] => census_jobs::parse_end_point(rest)
            .map(JobResult::CensusEnd)
            .ok_or_else(bad),
        ["widened", rest @ ..] => census_jobs::parse_widening_outcome(rest)
            .map(JobResult::Widening)
            .ok_or_else(bad),
        _ => Err(bad()),
    }
}

/// What a worker does with a message: decode, run, encode. A refused message, or a job that
/// panics, gets a short error reply ([`error_reply`]: [`ERROR_PREFIX`] and the reason, at most
/// [`MAX_ERROR_BYTES`]). Panics are caught where panics unwind (natively); in wasm, where
/// they abort, the worker's panic hook sends the same reply ([`panic_reply`]).
pub fn handle_message(message: &str) -> String {
    let reply = std::panic::catch_unwind(|| match decode_job(message) {
        Ok((settings, job)) => encode_result(&run(&settings, &job)),
        Err(e) => error_reply(&e),
    });
    reply.unwrap_or_else(|payload| {
        let text = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
        panic_reply(text.unwrap_or("no message"))
    })
}

/// The error reply to a job that panicked with `message`.
pub fn panic_reply(message: &str) -> String {
    error_reply(&format!("the job panicked: {message}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Settings {
        Settings {
            scene: SceneKind::Sweep,
            widths: vec![3, 5],
            runs: 2,
            experiment_steps: 300,
            ..Settings::default()
        }
    }

    #[test]
    fn jobs_and_results_round_trip_through_text() {
        let s = small();
        let jobs = jobs_for(&s);
        assert_eq!(
            jobs,
            vec![
                Job::Sweep { width: 3, seed: 1 },
                Job::Sweep { width: 3, seed: 2 },
                Job::Sweep { width: 5, seed: 1 },
                Job::Sweep { width: 5, seed: 2 }
            ]
        );
        for job in &jobs {
            let (s2, j2) = decode_job(&encode_job(&s, job)).expect("decodes");
            assert_eq!(&j2, job);
            assert_eq!(s2, s);
        }
        let r = JobResult::Ticket(TicketOutcome {
            seed: 4,
            wins_alone: true,
            loss_alone: 1.25e-9,
            wins_embedded: false,
            loss_embedded: 3.5e-2,
            diverged_alone: false,
            diverged_embedded: true,
        });
        assert_eq!(decode_result(&encode_result(&r)), Ok(r));
        assert!(decode_job("nonsense").is_err());
        assert!(handle_message("sweep;x;").starts_with("error;"));
    }

    #[test]
    fn a_worker_message_gives_the_same_run_as_the_experiment_code() {
        let s = small();
        let job = Job::Sweep { width: 5, seed: 2 };
        let reply = handle_message(&encode_job(&s, &job));
        let direct = run(&s, &job);
        assert_eq!(decode_result(&reply), Ok(direct.clone()));
        let task = Arc::new(Task::generate(s.task_config()));
        let expected = sweep::run_job(&task, &sweep_config(&s), 5, 2);
        assert_eq!(direct, JobResult::Sweep(expected));
        let ticket_settings = Settings {
            scene: SceneKind::Tickets,
            runs: 1,
            ..s
        };
        let jobs = jobs_for(&ticket_settings);
        assert_eq!(jobs, vec![Job::NeuronTicket { seed: 1 }]);
        assert!(decode_result(&handle_message(&encode_job(&ticket_settings, &jobs[0]))).is_ok());
    }
}
