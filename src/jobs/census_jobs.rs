//! The census's jobs as text: one seed's end point ([`crate::experiments::census::end_point`])
//! and one embedding of a bad minimum ([`crate::experiments::census::widen_by`]), and their
//! results. Numbers are written in Rust's shortest round-trip form, so a result read back is
//! the worker's value bit for bit.

use super::slice_rows::{join_numbers, parse_numbers};
use super::validate;
use crate::core::critical::{Convergence, CriticalKind, CriticalPoint};
use crate::core::network::Shape;
use crate::experiments::census::{
    CensusConfig, Embedding, EndPoint, WideningOutcome, WideningStart,
};
use crate::settings::Settings;

/// The census the settings describe: their task, widths and seeds (`runs`, from seed 1),
/// success threshold and data model, with the census's own flow and finish settings.
pub fn census_config(settings: &Settings) -> CensusConfig {
    CensusConfig {
        task: settings.task_config(),
        widths: settings.widths.iter().map(|&w| w as usize).collect(),
        seeds: settings.runs as u64,
        first_seed: 1,
        success_threshold: settings.threshold,
        data: settings.data,
        ..CensusConfig::default()
    }
}

/// The fields of a widening job: `WIDTH,ID,SEED,LOSS,EMBEDDING/PARAMS`.
pub fn widening_fields(start: &WideningStart, embedding: Embedding) -> String {
    format!(
        "{},{},{},{:e},{}/{}",
        start.from.0,
        start.from.1,
        start.seed,
        start.loss,
        embedding_text(embedding),
        join_numbers(&start.params)
    )
}

/// Reads the fields of [`widening_fields`] for a student of input dimension `dim`.
pub fn parse_widening(fields: &str, dim: usize) -> Result<(WideningStart, Embedding), String> {
    let malformed = || format!("malformed widening job {}", validate::quote(fields));
    let (head, params) = fields.split_once('/').ok_or_else(malformed)?;
    let [width, id, seed, loss, embedding] = head.split(',').collect::<Vec<_>>()[..] else {
        return Err(malformed());
    };
    let width = validate::int_field("width", width)? as usize;
    let loss = loss
        .parse::<f64>()
        .ok()
        .filter(|l| l.is_finite())
        .ok_or_else(malformed)?;
    let embedding = parse_embedding(embedding, width).ok_or_else(malformed)?;
    let n = Shape::new(dim, width).num_params();
    Ok((
        WideningStart {
            from: (width, validate::index_field("point id", id, 10_000)?),
            seed: validate::int_field("seed", seed)? as u64,
            loss,
            params: validate::vector("bad minimum", params, n)?,
        },
        embedding,
    ))
}

fn embedding_text(e: Embedding) -> String {
    match e {
        Embedding::Split { neuron, mu } => format!("split:{neuron}:{mu:e}"),
        Embedding::Silent => "silent".into(),
    }
}

fn parse_embedding(text: &str, width: usize) -> Option<Embedding> {
    if text == "silent" {
        return Some(Embedding::Silent);
    }
    let mut parts = text.split(':');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("split"), Some(n), Some(mu), None) => {
            let neuron = n.parse::<usize>().ok().filter(|&n| n < width)?;
            let mu = validate::float_field("mu", mu).ok()?;
            Some(Embedding::Split { neuron, mu })
        }
        _ => None,
    }
}

fn kind_text(k: CriticalKind) -> String {
    match k {
        CriticalKind::Minimum => "min".into(),
        CriticalKind::DegenerateMinimum { flat } => format!("degenerate:{flat}"),
        CriticalKind::Saddle { index, flat } => format!("saddle:{index}:{flat}"),
        CriticalKind::NotConverged => "nc".into(),
    }
}

fn parse_kind(text: &str) -> Option<CriticalKind> {
    let parts: Vec<&str> = text.split(':').collect();
    let n = |s: &str| s.parse::<usize>().ok();
    match parts[..] {
        ["min"] => Some(CriticalKind::Minimum),
        ["degenerate", f] => Some(CriticalKind::DegenerateMinimum { flat: n(f)? }),
        ["saddle", i, f] => Some(CriticalKind::Saddle {
            index: n(i)?,
            flat: n(f)?,
        }),
        ["nc"] => Some(CriticalKind::NotConverged),
        _ => None,
    }
}

/// A classified point as two `;` fields: `LOSS,GRADIENT,MIN,MAX,TOL,KIND` and its lowest
/// direction.
fn point_text(p: &CriticalPoint) -> String {
    format!(
        "{:e},{:e},{:e},{:e},{:e},{};{}",
        p.loss,
        p.gradient_norm,
        p.min_eigenvalue,
        p.max_eigenvalue,
        p.tolerance,
        kind_text(p.kind),
        join_numbers(&p.lowest_direction)
    )
}

fn parse_point(head: &str, direction: &str) -> Option<CriticalPoint> {
    let f: Vec<&str> = head.split(',').collect();
    let [loss, g, min, max, tol, kind] = f[..] else {
        return None;
    };
    let x = |s: &str| s.parse::<f64>().ok();
    Some(CriticalPoint {
        loss: x(loss)?,
        gradient_norm: x(g)?,
        min_eigenvalue: x(min)?,
        max_eigenvalue: x(max)?,
        tolerance: x(tol)?,
        kind: parse_kind(kind)?,
        lowest_direction: parse_numbers(direction).ok()?,
    })
}

fn convergence_text(c: Convergence) -> String {
    match c {
        Convergence::Converged { steps } => format!("converged:{steps}"),
        Convergence::NoProgress { steps } => format!("noprogress:{steps}"),
        Convergence::IterationLimit => "limit".into(),
    }
}

fn parse_convergence(text: &str) -> Option<Convergence> {
    match text.split_once(':') {
        Some(("converged", n)) => Some(Convergence::Converged {
            steps: n.parse().ok()?,
        }),
        Some(("noprogress", n)) => Some(Convergence::NoProgress {
            steps: n.parse().ok()?,
        }),
        None if text == "limit" => Some(Convergence::IterationLimit),
        _ => None,
    }
}

/// An end point as nine `;` fields.
pub fn end_point_text(e: &EndPoint) -> String {
    format!(
        "{};{};{:e};{};{};{};{};{}",
        e.width,
        e.seed,
        e.flow_time,
        e.flow_steps,
        convergence_text(e.convergence),
        point_text(&e.point),
        join_numbers(&e.params),
        join_numbers(&e.outputs)
    )
}

/// Reads the nine fields of [`end_point_text`].
pub fn parse_end_point(f: &[&str]) -> Option<EndPoint> {
    let [width, seed, time, steps, convergence, head, direction, params, outputs] = f[..] else {
        return None;
    };
    Some(EndPoint {
        width: width.parse().ok()?,
        seed: seed.parse().ok()?,
        flow_time: time.parse().ok()?,
        flow_steps: steps.parse().ok()?,
        convergence: parse_convergence(convergence)?,
        point: parse_point(head, direction)?,
        params: parse_numbers(params).ok()?,
        outputs: parse_numbers(outputs).ok()?,
    })
}

/// A widening's outcome (its end not yet named) as `;` fields: the bad minimum's width and
/// id, the embedding, escaped and reached-global flags, the embedded point, then its end.
pub fn widening_text(o: &WideningOutcome) -> String {
    format!(
        "{};{};{};{};{};{};{}",
        o.from.0,
        o.from.1,
        embedding_text(o.embedding),
        o.escaped as u8,
        o.reached_global as u8,
        point_text(&o.embedded),
        end_point_text(&o.end)
    )
}

/// Reads the fields of [`widening_text`].
pub fn parse_widening_outcome(f: &[&str]) -> Option<WideningOutcome> {
    let [width, id, embedding, escaped, global, head, direction, end @ ..] = f else {
        return None;
    };
    let width: usize = width.parse().ok()?;
    Some(WideningOutcome {
        from: (width, id.parse().ok()?),
        embedding: parse_embedding(embedding, width)?,
        embedded: parse_point(head, direction)?,
        end: parse_end_point(end)?,
        escaped: *escaped == "1",
        reached_global: *global == "1",
        end_id: None,
    })
}
