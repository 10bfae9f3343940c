//! A run's state in words and as chart points, shared by the scenes that show runs side by
//! side (tickets, compare). The words read the engine's outcome; divergence is named as such.

use crate::experiments::outcome::{Curve, RunPhase, SteppedRun};

/// A run's verdict in words: the engine's outcome (`success` or `failure` after its final
/// loss), divergence named as such.
pub fn verdict(run: &SteppedRun, success: &str, failure: &str) -> String {
    match (run.phase(), run.outcome()) {
        (_, Some(o)) if o.diverged => format!(
            "diverged ({})",
            run.trainer()
                .stopped()
                .map(|r| r.to_string())
                .unwrap_or_default()
        ),
        (_, Some(o)) if o.success => format!("loss {:.1e}, {success}", o.final_loss),
        (_, Some(o)) => format!("loss {:.1e}, {failure}", o.final_loss),
        (RunPhase::Polishing, None) => format!("polishing, loss {:.1e}", run.loss()),
        _ => format!("training, loss {:.1e}", run.loss()),
    }
}

/// A curve as chart points.
pub fn points(c: &Curve) -> Vec<(f64, f64)> {
    c.points.iter().map(|&(s, l)| (s as f64, l)).collect()
}
