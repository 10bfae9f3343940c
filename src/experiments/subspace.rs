//! Experiment 5, training in random subspaces (Li et al. 2018, intrinsic dimension): the
//! student's parameters are restricted to `theta0 + P z` with a random `P` of `D` unit columns,
//! and only `z` is trained. Success jumps from 0 to 1 around a threshold dimension.

use crate::core::network::{Network, Shape};
use crate::core::newton::Polisher;
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

/// One student trained inside a random `dimension`-dimensional subspace, advanced a bounded
/// amount at a time like every run of the engine: optimiser steps on `z` until the step limit
/// or until the loss is below the threshold (the engine's one rule, see
/// [`crate::experiments::outcome::CONVERGED_FRACTION`]), then Levenberg–Marquardt polishing
/// inside the subspace, one step per call.
#[derive(Clone, Debug)]
pub struct SubspaceRun {
    task: Arc<Task>,
    config: SubspaceConfig,
    theta0: Vec<f64>,
    basis: Vec<Vec<f64>>,
    z: Vec<f64>,
    gz: Vec<f64>,
    theta: Vec<f64>,
    grad: Vec<f64>,
    optimizer: Optimizer,
    step: u64,
    loss: f64,
    polisher: Option<Polisher>,
    /// The final loss once the run is over (infinite if it diverged).
    pub final_loss: Option<f64>,
}

impl SubspaceRun {
    /// The run of seed `seed` in a subspace of `dimension` dimensions.
    pub fn new(task: &Arc<Task>, config: &SubspaceConfig, dimension: usize, seed: u64) -> Self {
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
        SubspaceRun {
            task: task.clone(),
            config: config.clone(),
            theta: theta0.clone(),
            theta0,
            basis,
            z: vec![0.0; dimension],
            gz: vec![0.0; dimension],
            grad: vec![0.0; p],
            optimizer: Optimizer::new(config.run.train.optimizer, dimension),
            step: 0,
            loss: f64::NAN,
            polisher: None,
            final_loss: None,
        }
    }

    /// Advances by up to `steps` optimiser steps, or one polishing step; returns the final
    /// loss once the run is over.
    pub fn advance(&mut self, steps: u64) -> Option<f64> {
        if self.final_loss.is_some() {
            return self.final_loss;
        }
        let objective = Objective::new(&self.task, self.config.width);
        if let Some(polisher) = &mut self.polisher {
            if !polisher.step(&objective, &mut self.theta) {
                self.final_loss = Some(polisher.loss());
            }
            return self.final_loss;
        }
        let stop_below = self.config.run.training().converged_loss;
        for _ in 0..steps {
            self.loss = objective.loss_and_gradient(&self.theta, &mut self.grad);
            if !self.loss.is_finite() {
                self.final_loss = Some(f64::INFINITY);
                return self.final_loss;
            }
            if self.step >= self.config.run.train.max_steps || self.loss < stop_below {
                let p = self.theta.len();
                let columns = Array2::from_shape_fn((p, self.z.len()), |(i, j)| self.basis[j][i]);
                self.polisher = Some(Polisher::new(
                    &objective,
                    &self.theta,
                    self.config.run.polish_steps,
                    Some(columns),
                ));
                return None;
            }
            for (g, col) in self.gz.iter_mut().zip(&self.basis) {
                *g = col.iter().zip(&self.grad).map(|(a, b)| a * b).sum();
            }
            self.optimizer.step(&mut self.z, &self.gz);
            self.theta.copy_from_slice(&self.theta0);
            for (zi, col) in self.z.iter().zip(&self.basis) {
                for (t, c) in self.theta.iter_mut().zip(col) {
                    *t += zi * c;
                }
            }
            self.step += 1;
        }
        None
    }
}

/// Trains one student inside a random `dimension`-dimensional subspace; returns the final loss.
pub fn run_in_subspace(
    task: &Arc<Task>,
    config: &SubspaceConfig,
    dimension: usize,
    seed: u64,
) -> f64 {
    let mut run = SubspaceRun::new(task, config, dimension, seed);
    loop {
        if let Some(loss) = run.advance(1024) {
            return loss;
        }
    }
}

/// The subspace experiment's jobs: (dimension, seed), dimension by dimension.
pub fn jobs(config: &SubspaceConfig) -> Vec<(usize, u64)> {
    config
        .dimensions
        .iter()
        .flat_map(|&d| (0..config.seeds).map(move |i| (d, config.first_seed + i)))
        .collect()
}

/// Tabulates the final losses of [`jobs`] (in job order).
pub fn summarise(config: &SubspaceConfig, losses: &[f64]) -> SubspaceResult {
    let jobs = jobs(config);
    let rows = config
        .dimensions
        .iter()
        .map(|&d| {
            let these: Vec<f64> = jobs
                .iter()
                .zip(losses)
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

/// Runs the subspace experiment.
pub fn run_subspace(config: &SubspaceConfig) -> SubspaceResult {
    let task = Arc::new(Task::generate(config.task));
    let losses = par_map(&jobs(config), |&(d, s)| {
        run_in_subspace(&task, config, d, s)
    });
    summarise(config, &losses)
}
