//! First-order optimisers: gradient descent, heavy-ball momentum and Adam.

/// Which update rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptimizerKind {
    /// Plain gradient descent, `theta -= lr * g`.
    GradientDescent,
    /// Heavy-ball momentum, `v = beta v + g; theta -= lr * v`.
    Momentum,
    /// Adam (Kingma & Ba) with bias correction.
    Adam,
    /// Gradient flow, `d theta / dt = -grad L`, integrated by [`crate::core::flow`] (an
    /// L-stable Rosenbrock method with error control; one accepted step per training step, the
    /// learning rate its first step size). [`crate::core::train::Trainer`] integrates it; a bare
    /// [`Optimizer`], which has no Hessian, takes explicit Euler steps of the flow instead.
    GradientFlow,
}

impl OptimizerKind {
    /// Every optimiser, in menu order.
    pub const ALL: [OptimizerKind; 4] = [
        OptimizerKind::Adam,
        OptimizerKind::GradientDescent,
        OptimizerKind::Momentum,
        OptimizerKind::GradientFlow,
    ];

    /// Short name used in URLs.
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::GradientDescent => "gd",
            OptimizerKind::Momentum => "momentum",
            OptimizerKind::Adam => "adam",
            OptimizerKind::GradientFlow => "flow",
        }
    }

    /// Parses a name produced by [`OptimizerKind::name`].
    pub fn from_name(name: &str) -> Option<OptimizerKind> {
        OptimizerKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// An optimiser's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OptimizerConfig {
    /// Update rule.
    pub kind: OptimizerKind,
    /// Learning rate.
    pub learning_rate: f64,
    /// Momentum coefficient (momentum) or first-moment decay (Adam).
    pub beta1: f64,
    /// Second-moment decay (Adam).
    pub beta2: f64,
    /// Adam's denominator offset.
    pub epsilon: f64,
}

impl OptimizerConfig {
    /// Adam with the usual constants and the given learning rate.
    pub fn adam(learning_rate: f64) -> OptimizerConfig {
        OptimizerConfig {
            kind: OptimizerKind::Adam,
            learning_rate,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        }
    }

    /// The same constants with another update rule.
    pub fn with_kind(self, kind: OptimizerKind) -> OptimizerConfig {
        OptimizerConfig { kind, ..self }
    }
}

impl Default for OptimizerConfig {
    /// Adam, learning rate 0.01 (the science notes' calibration).
    fn default() -> OptimizerConfig {
        OptimizerConfig::adam(0.01)
    }
}

/// An optimiser with its state (moments and step count).
#[derive(Clone, Debug)]
pub struct Optimizer {
    /// Settings.
    pub config: OptimizerConfig,
    first: Vec<f64>,
    second: Vec<f64>,
    steps: u64,
}

impl Optimizer {
    /// A fresh optimiser for `num_params` parameters.
    pub fn new(config: OptimizerConfig, num_params: usize) -> Optimizer {
        Optimizer {
            config,
            first: vec![0.0; num_params],
            second: vec![0.0; num_params],
            steps: 0,
        }
    }

    /// Applies one update to `params` given the gradient `grad`.
    pub fn step(&mut self, params: &mut [f64], grad: &[f64]) {
        let c = self.config;
        self.steps += 1;
        match c.kind {
            OptimizerKind::GradientDescent | OptimizerKind::GradientFlow => {
                for (p, g) in params.iter_mut().zip(grad) {
                    *p -= c.learning_rate * g;
                }
            }
            OptimizerKind::Momentum => {
                for ((p, g), v) in params.iter_mut().zip(grad).zip(&mut self.first) {
                    *v = c.beta1 * *v + g;
                    *p -= c.learning_rate * *v;
                }
            }
            OptimizerKind::Adam => {
                let t = self.steps as i32;
                let bc1 = 1.0 - c.beta1.powi(t);
                let bc2 = 1.0 - c.beta2.powi(t);
                let step = c.learning_rate / bc1;
                for (((p, g), m), v) in params
                    .iter_mut()
                    .zip(grad)
                    .zip(&mut self.first)
                    .zip(&mut self.second)
                {
                    *m = c.beta1 * *m + (1.0 - c.beta1) * g;
                    *v = c.beta2 * *v + (1.0 - c.beta2) * g * g;
                    *p -= step * *m / ((*v / bc2).sqrt() + c.epsilon);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Minimises the quadratic `sum_i c_i x_i^2 / 2` and returns the final point.
    fn run(kind: OptimizerKind, lr: f64, steps: usize) -> Vec<f64> {
        let curv = [1.0, 4.0];
        let mut x = vec![1.0, -1.0];
        let mut opt = Optimizer::new(OptimizerConfig::adam(lr).with_kind(kind), 2);
        for _ in 0..steps {
            let g: Vec<f64> = x.iter().zip(curv).map(|(x, c)| c * x).collect();
            opt.step(&mut x, &g);
        }
        x
    }

    #[test]
    fn every_optimiser_converges_on_a_quadratic() {
        for kind in OptimizerKind::ALL {
            let x = run(kind, 0.05, 2000);
            assert!(x.iter().all(|v| v.abs() < 1e-3), "{kind:?}: {x:?}");
        }
    }

    #[test]
    fn first_adam_step_moves_each_coordinate_by_the_learning_rate() {
        let mut x = vec![1.0, -3.0];
        let mut opt = Optimizer::new(OptimizerConfig::adam(0.1), 2);
        opt.step(&mut x, &[2.0, -0.5]);
        assert!(
            (x[0] - 0.9).abs() < 1e-7 && (x[1] + 2.9).abs() < 1e-7,
            "{x:?}"
        );
    }

    #[test]
    fn gradient_descent_takes_exact_steps() {
        let mut x = vec![1.0];
        let mut opt = Optimizer::new(
            OptimizerConfig::adam(0.25).with_kind(OptimizerKind::GradientDescent),
            1,
        );
        opt.step(&mut x, &[2.0]);
        assert_eq!(x, vec![0.5]);
    }
}
