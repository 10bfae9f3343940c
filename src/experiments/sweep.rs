//! Experiment 1, the width sweep: success rate against student width over many seeds, with the
//! distribution of final losses and the two lottery-ticket predictions.

use crate::core::network::{Network, Shape};
use crate::core::rng::{SeededRng, Stream};
use crate::core::task::{Task, TaskConfig};
use crate::experiments::outcome::{run, RunSettings};
use crate::experiments::parallel::par_map;
use crate::experiments::stats::{
    lottery_combinatorial, lottery_disjoint, median, wilson_interval, Z95,
};
use std::sync::Arc;

/// Edges of the final-loss histogram, as powers of ten: bins `[1e-16, 1e-14)`, ... `[1e-2, 1e0)`
/// plus an underflow bin below 1e-16 and an overflow bin at or above 1.
pub const HISTOGRAM_LOG_EDGES: [i32; 9] = [-16, -14, -12, -10, -8, -6, -4, -2, 0];

/// Settings of a width sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepConfig {
    /// The teacher and data.
    pub task: TaskConfig,
    /// Student widths to try.
    pub widths: Vec<usize>,
    /// Number of student seeds per width (seeds `first_seed ..`).
    pub seeds: u64,
    /// First student seed.
    pub first_seed: u64,
    /// Training and success criterion.
    pub run: RunSettings,
}

impl Default for SweepConfig {
    /// The science notes' sweep: widths 3–16 on the default teacher, 40 seeds.
    fn default() -> SweepConfig {
        SweepConfig {
            task: TaskConfig::default(),
            widths: vec![3, 4, 5, 6, 8, 16],
            seeds: 40,
            first_seed: 1,
            run: RunSettings::default(),
        }
    }
}

/// One run of a sweep.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SweepRun {
    /// Student width.
    pub width: usize,
    /// Student seed.
    pub seed: u64,
    /// Loss when training stopped.
    pub trained_loss: f64,
    /// Loss after polishing.
    pub final_loss: f64,
    /// Whether it reached the threshold.
    pub success: bool,
    /// Whether training diverged (never a success; named as such on the page).
    pub diverged: bool,
}

/// Everything measured at one width.
#[derive(Clone, Debug, PartialEq)]
pub struct WidthSummary {
    /// Student width.
    pub width: usize,
    /// Runs.
    pub runs: usize,
    /// Successful runs.
    pub successes: usize,
    /// `successes / runs`.
    pub success_rate: f64,
    /// 95% Wilson interval of the rate.
    pub ci: (f64, f64),
    /// Median final loss.
    pub median_final_loss: f64,
    /// Lottery prediction with disjoint tickets, from the rate at the teacher's width.
    pub lottery_disjoint: f64,
    /// Lottery prediction with every k-subset a ticket.
    pub lottery_combinatorial: f64,
    /// Final-loss histogram over [`HISTOGRAM_LOG_EDGES`] (underflow first, overflow last).
    pub histogram: Vec<usize>,
    /// Final losses of every run, by seed.
    pub final_losses: Vec<f64>,
}

/// A finished sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepResult {
    /// Its settings.
    pub config: SweepConfig,
    /// Success rate at the teacher's width, if that width was swept (the lottery's `p_k`).
    pub p_teacher_width: Option<f64>,
    /// One summary per width, in the order of `config.widths`.
    pub widths: Vec<WidthSummary>,
}

/// The `(width, seed)` jobs of a sweep, in order.
pub fn jobs(config: &SweepConfig) -> Vec<(usize, u64)> {
    config
        .widths
        .iter()
        .flat_map(|&w| (0..config.seeds).map(move |i| (w, config.first_seed + i)))
        .collect()
}

/// The initial student of width `width` and seed `seed` on `task` (as every experiment and
/// the playground draw it).
pub fn student(task: &Task, width: usize, seed: u64) -> Network {
    let shape = Shape::new(task.config.input_dim, width);
    let mut rng = SeededRng::new(seed, Stream::Student);
    Network::student_init(shape, task.config.activation, &mut rng)
}

/// Runs one job of the sweep.
pub fn run_job(task: &Arc<Task>, config: &SweepConfig, width: usize, seed: u64) -> SweepRun {
    let outcome = run(task, student(task, width, seed), None, &config.run);
    SweepRun {
        width,
        seed,
        trained_loss: outcome.trained_loss,
        final_loss: outcome.final_loss,
        success: outcome.success,
        diverged: outcome.diverged,
    }
}

/// Index of the histogram bin of `loss`.
pub fn histogram_bin(loss: f64) -> usize {
    // Zero and NaN losses go to the underflow bin.
    if loss.is_nan() || loss <= 0.0 {
        return 0;
    }
    let l = loss.log10();
    HISTOGRAM_LOG_EDGES
        .iter()
        .position(|&e| l < e as f64)
        .unwrap_or(HISTOGRAM_LOG_EDGES.len())
}

/// Summarises finished runs (in any order) into per-width statistics and lottery predictions.
pub fn summarise(config: &SweepConfig, runs: &[SweepRun]) -> SweepResult {
    let k = config.task.teacher_width;
    let rate_at = |w: usize| {
        let r: Vec<&SweepRun> = runs.iter().filter(|r| r.width == w).collect();
        (!r.is_empty()).then(|| r.iter().filter(|r| r.success).count() as f64 / r.len() as f64)
    };
    let p = rate_at(k);
    let widths = config
        .widths
        .iter()
        .map(|&w| {
            let mut these: Vec<&SweepRun> = runs.iter().filter(|r| r.width == w).collect();
            these.sort_by_key(|r| r.seed);
            let successes = these.iter().filter(|r| r.success).count();
            let n = these.len();
            let final_losses: Vec<f64> = these.iter().map(|r| r.final_loss).collect();
            let mut histogram = vec![0; HISTOGRAM_LOG_EDGES.len() + 1];
            for &l in &final_losses {
                histogram[histogram_bin(l)] += 1;
            }
            WidthSummary {
                width: w,
                runs: n,
                successes,
                success_rate: if n > 0 {
                    successes as f64 / n as f64
                } else {
                    f64::NAN
                },
                ci: wilson_interval(successes, n, Z95),
                median_final_loss: median(&final_losses),
                lottery_disjoint: p.map_or(f64::NAN, |p| lottery_disjoint(p, w, k)),
                lottery_combinatorial: p.map_or(f64::NAN, |p| lottery_combinatorial(p, w, k)),
                histogram,
                final_losses,
            }
        })
        .collect();
    SweepResult {
        config: config.clone(),
        p_teacher_width: p,
        widths,
    }
}

/// Runs the whole sweep (all cores natively).
pub fn run_sweep(config: &SweepConfig) -> SweepResult {
    let task = Arc::new(Task::generate(config.task));
    let runs = par_map(&jobs(config), |&(w, s)| run_job(&task, config, w, s));
    summarise(config, &runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_bins_cover_every_loss() {
        assert_eq!(histogram_bin(1e-20), 0);
        assert_eq!(histogram_bin(0.0), 0);
        assert_eq!(histogram_bin(3e-15), 1);
        assert_eq!(histogram_bin(4e-3), 7);
        assert_eq!(histogram_bin(0.5), 8);
        assert_eq!(histogram_bin(2.0), 9);
    }

    #[test]
    fn summary_counts_and_predicts_from_the_teacher_width() {
        let config = SweepConfig {
            widths: vec![4, 8],
            seeds: 4,
            ..SweepConfig::default()
        };
        let mk = |width, seed, loss: f64| SweepRun {
            width,
            seed,
            trained_loss: loss,
            final_loss: loss,
            success: loss < 1e-5,
            diverged: false,
        };
        let runs = vec![
            mk(4, 1, 1e-9),
            mk(4, 2, 4e-3),
            mk(4, 3, 4e-3),
            mk(4, 4, 1e-12),
            mk(8, 1, 1e-9),
            mk(8, 2, 1e-9),
            mk(8, 3, 1e-9),
            mk(8, 4, 4e-3),
        ];
        let r = summarise(&config, &runs);
        assert_eq!(r.p_teacher_width, Some(0.5));
        assert_eq!(r.widths[0].successes, 2);
        assert_eq!(r.widths[1].success_rate, 0.75);
        assert!((r.widths[1].lottery_disjoint - 0.75).abs() < 1e-12);
        assert!((r.widths[1].lottery_combinatorial - (1.0 - 0.5f64.powi(70))).abs() < 1e-12);
        assert_eq!(r.widths[0].histogram.iter().sum::<usize>(), 4);
        assert_eq!(jobs(&config).len(), 8);
    }
}
