//! The escape scene's words: its phase (for the page's data attributes), its status line and
//! the caption of its slice, all read from the engine's state, so every number quoted is a
//! point drawn beside it.

use crate::core::newton::EndKind;
use crate::core::slice_view::FinishedSlice;
use crate::experiments::escape::{Embedding, EmbeddingKind};
use crate::experiments::outcome::RunPhase;
use crate::web::escape_scene::EscapeScene;

/// The kind of an embedding.
pub fn kind_of(e: Embedding) -> EmbeddingKind {
    match e {
        Embedding::Split { .. } => EmbeddingKind::Split,
        Embedding::ZeroOutput => EmbeddingKind::ZeroOutput,
    }
}

/// The scene's phase: training, polishing, diverged, not-stuck, stuck, escaping, escaped,
/// not-escaped or diverged-after.
pub fn phase(scene: &EscapeScene) -> &'static str {
    let Some(stuck) = &scene.stuck else {
        return match scene.narrow().phase() {
            RunPhase::Polishing => "polishing",
            _ => "training",
        };
    };
    if stuck.outcome.diverged {
        return "diverged";
    }
    if !scene.is_stuck() {
        return "not-stuck";
    }
    match scene.attempt.as_ref().map(|a| a.run.outcome()) {
        None => "stuck",
        Some(None) => "escaping",
        Some(Some(o)) if o.diverged => "diverged-after",
        Some(Some(o)) if o.success => "escaped",
        Some(Some(_)) => "not-escaped",
    }
}

/// The name of an embedding in a sentence.
fn name(e: Embedding) -> String {
    match e {
        Embedding::Split { neuron, mu } => format!("neuron {} split with mu = {mu}", neuron + 1),
        Embedding::ZeroOutput => "a neuron with zero output weight".into(),
    }
}

/// The status line; `last` is the loss of the curve's last drawn point.
pub fn status(scene: &EscapeScene, last: f64) -> String {
    let s = scene.settings();
    let k = scene.narrow().trainer().shape.width;
    let thr = s.threshold;
    let narrow = scene.narrow();
    let Some(stuck) = &scene.stuck else {
        return match narrow.phase() {
            RunPhase::Polishing => {
                format!("Polishing the end point with Levenberg–Marquardt steps: loss {last:.2e}…")
            }
            _ => format!(
                "Training a width-{k} student (seed {}): step {} of {}, loss {last:.2e}…",
                s.case,
                narrow.trainer().step(),
                narrow.trainer().config().max_steps
            ),
        };
    };
    if stuck.outcome.diverged {
        let why = narrow
            .trainer()
            .stopped()
            .map(|r| r.to_string())
            .unwrap_or_default();
        return format!("Stopped: {why}. A diverged run is not stuck anywhere.");
    }
    if !scene.is_stuck() {
        return format!(
            "This student ended at loss {last:.1e}, not 10× above the threshold {thr:e}: \
             nothing to escape from. Try another stuck-student seed."
        );
    }
    let e = &stuck.end;
    let Some(a) = &scene.attempt else {
        let what = match e.kind {
            EndKind::BadMinimum => format!(
                "every Hessian eigenvalue is positive (smallest {:+.1e}): a bad minimum of the \
                 width-{k} network, with no way down. Add a neuron.",
                e.min_eigenvalue
            ),
            _ => format!(
                "{} eigenvalue(s) are negative (smallest {:+.1e}): a saddle of the width-{k} \
                 network, not a minimum.",
                e.negative_eigenvalues, e.min_eigenvalue
            ),
        };
        return format!(
            "Stuck: loss {last:.2e}, gradient norm {:.1e}; {what}",
            e.gradient_norm
        );
    };
    let w = &a.at_embedding;
    let mut text = format!(
        "Added {}: the loss is unchanged ({:.2e}), but the smallest eigenvalue went from {:+.1e} \
         to {:+.1e} ({} negative). ",
        name(a.embedding),
        w.loss,
        e.min_eigenvalue,
        w.min_eigenvalue,
        w.negative_eigenvalues
    );
    let run = &a.run;
    text.push_str(&match (run.phase(), run.outcome()) {
        (_, Some(o)) if o.diverged => format!(
            "Training on diverged ({}).",
            run.trainer()
                .stopped()
                .map(|r| r.to_string())
                .unwrap_or_default()
        ),
        (_, Some(o)) if o.success => {
            format!("Escaped: after training and polishing the loss is {last:.1e}, below {thr:e}.")
        }
        (_, Some(_)) => format!(
            "Did not escape: training and polishing ended at {last:.1e}, above {thr:e}. Not \
             every stuck point escapes this way; try the other kind of neuron."
        ),
        (RunPhase::Polishing, None) => format!("Polishing: loss {last:.2e}…"),
        _ => format!(
            "Training on from a slightly perturbed copy: step {}, loss {last:.2e}…",
            run.trainer().step()
        ),
    });
    text
}

/// What the slice shows, in a few words for the figure caption (the axes name the plane).
pub fn slice_caption(done: &FinishedSlice) -> String {
    if done.slice.plane.v_label == "towards the end point" {
        "(the plane of the escape; square: the widened point)".into()
    } else {
        "(the two lowest Hessian eigenvectors)".into()
    }
}
