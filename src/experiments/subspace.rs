//! Experiment 5, training in random subspaces (Li et al. 2018, intrinsic dimension): the
//! student's parameters are restricted to `theta0 + P z` with a random `P` of `D` unit columns,
//! and only `z` is trained. Success jumps from 0 to 1 around a threshold dimension.

use crate::core::network::{Network, Shape};
use crate::core::newton::polish_in;
use crate::core::objective::Objective;
use crate::core::optim::Optimizer;
use crate::core::rng::{SeededRng, Stream};
use crate::core::task::{Task, TaskConfig};
use crate::experiments::outcome::RunSettings;
use crate::experiments::parallel::par_map;
use crate::experiments::tickets::Rate;
use ndarray::Array2;
use std::sync::Arc;

/// Settings of the subspace experiment.
#[derive(Clone, Debug, PartialEq)]
pub struct SubspaceConfig {
    /// Teacher and data.
    pub task: TaskConfig,
    /// Student width.
    pub width: usize,
    /// Subspace dimensions tried.
    pub dimensions: Vec<usize>,
    /// Seeds per dimension (`first_seed ..`).
    pub seeds: u64,
    /// First seed.
    pub first_seed: u64,
    /// Training and success criterion (polishing stays inside the subspace).
    pub run: RunSettings,
}

impl Default for SubspaceConfig {
    /// A width-8 student (33 parameters) of the default teacher, subspaces of 4 to 33 dimensions.
    fn default() -> SubspaceConfig {
        SubspaceConfig {
            task: TaskConfig::default(),
            width: 8,
            dimensions: vec![4, 8, 12, 16, 20, 24, 28, 33],
            seeds: 20,
            first_seed: 1,
            run: RunSettings::default(),
        }
    }
}

/// Success at one subspace dimension.
#[derive(Clone, Debug, PartialEq)]
pub struct SubspaceRow {
    /// Dimension D.
    pub dimension: usize,
    /// Success rate over seeds.
    pub success: Rate,
    /// Median final loss.
    pub median_final_loss: f64,
}

/// Results of the subspace experiment.
#[derive(Clone, Debug, PartialEq)]
pub struct SubspaceResult {
    /// Settings.
    pub config: SubspaceConfig,
    /// One row per dimension.
    pub rows: Vec<SubspaceRow>,
}

/// Trains one student inside a random `dimension`-dimensional subspace; returns the final loss.
pub fn run_in_subspace(task: &Task, config: &SubspaceConfig, dimension: usize, seed: u64) -> f64 {
    let shape = Shape::new(task.config.input_dim, config.width);
    let theta0 = Network::student_init(
        shape,
        task.config.activation,
        &mut SeededRng::new(seed, Stream::Student),
    )
    .params;
    let p = theta0.len();
    let mut rng = SeededRng::new(seed, Stream::Directions);
    // Columns of P, each a unit vector.
    let basis: Vec<Vec<f64>> = (0..dimension)
        .map(|_| {
            let v: Vec<f64> = (0..p).map(|_| rng.normal()).collect();
            let n = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            v.into_iter().map(|x| x / n).collect()
        })
        .collect();
    let objective = Objective::new(task, config.width);
    let mut z = vec![0.0; dimension];
    let mut gz = vec![0.0; dimension];
    let mut theta = theta0.clone();
    let mut grad = vec![0.0; p];
    let mut opt = Optimizer::new(config.run.train.optimizer, dimension);
    for _ in 0..config.run.train.max_steps {
        let loss = objective.loss_and_gradient(&theta, &mut grad);
        if !loss.is_finite() {
            return f64::INFINITY;
        }
        for (g, col) in gz.iter_mut().zip(&basis) {
            *g = col.iter().zip(&grad).map(|(a, b)| a * b).sum();
        }
        opt.step(&mut z, &gz);
        theta.copy_from_slice(&theta0);
        for (zi, col) in z.iter().zip(&basis) {
            for (t, c) in theta.iter_mut().zip(col) {
                *t += zi * c;
            }
        }
    }
    let columns = Array2::from_shape_fn((p, dimension), |(i, j)| basis[j][i]);
    polish_in(
        &objective,
        &mut theta,
        config.run.polish_steps,
        Some(&columns),
    )
}

/// Runs the subspace experiment.
pub fn run_subspace(config: &SubspaceConfig) -> SubspaceResult {
    let task = Arc::new(Task::generate(config.task));
    let jobs: Vec<(usize, u64)> = config
        .dimensions
        .iter()
        .flat_map(|&d| (0..config.seeds).map(move |i| (d, config.first_seed + i)))
        .collect();
    let losses = par_map(&jobs, |&(d, s)| run_in_subspace(&task, config, d, s));
    let rows = config
        .dimensions
        .iter()
        .map(|&d| {
            let these: Vec<f64> = jobs
                .iter()
                .zip(&losses)
                .filter(|((dd, _), _)| *dd == d)
                .map(|(_, &l)| l)
                .collect();
            SubspaceRow {
                dimension: d,
                success: Rate::of(these.iter().map(|&l| l < config.run.threshold)),
                median_final_loss: crate::experiments::stats::median(&these),
            }
        })
        .collect();
    SubspaceResult {
        config: config.clone(),
        rows,
    }
}
