//! One-hidden-layer networks `f(x) = sum_j a_j s(w_j . x + b_j) + c` stored as flat parameter vectors.
//!
//! Landscape slices, Hessians and optimisers all work on flat vectors, so the parameters of a
//! network live in one `[f64]` laid out as
//! `[ w (width x input_dim, row-major) | b (width) | a (width) | c ]`,
//! and [`Shape`] gives named views into it.

use crate::core::activation::Activation;
use crate::core::rng::SeededRng;
use std::ops::Range;

/// Input dimension and hidden width of a one-hidden-layer network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Dimension `d` of an input.
    pub input_dim: usize,
    /// Number `n` of hidden neurons.
    pub width: usize,
}

impl Shape {
    /// A shape of the given input dimension and hidden width.
    pub fn new(input_dim: usize, width: usize) -> Shape {
        Shape { input_dim, width }
    }

    /// Total number of parameters, `width * (input_dim + 2) + 1`.
    pub fn num_params(&self) -> usize {
        self.width * (self.input_dim + 2) + 1
    }

    /// Where the input weights lie (row `j` holds neuron `j`'s weights).
    pub fn input_weights(&self) -> Range<usize> {
        0..self.width * self.input_dim
    }

    /// Where the hidden biases lie.
    pub fn biases(&self) -> Range<usize> {
        let s = self.width * self.input_dim;
        s..s + self.width
    }

    /// Where the output weights lie.
    pub fn output_weights(&self) -> Range<usize> {
        let s = self.width * (self.input_dim + 1);
        s..s + self.width
    }

    /// Index of the output bias (the last parameter).
    pub fn output_bias(&self) -> usize {
        self.width * (self.input_dim + 2)
    }

    /// Index of input weight `k` of neuron `j`.
    pub fn input_weight(&self, j: usize, k: usize) -> usize {
        j * self.input_dim + k
    }

    /// Index of the bias of neuron `j`.
    pub fn bias(&self, j: usize) -> usize {
        self.width * self.input_dim + j
    }

    /// Index of the output weight of neuron `j`.
    pub fn output_weight(&self, j: usize) -> usize {
        self.width * (self.input_dim + 1) + j
    }

    /// The hidden neuron parameter `i` belongs to (its input weights, bias and output
    /// weight); `None` for the output bias.
    pub fn neuron_of(&self, i: usize) -> Option<usize> {
        if self.input_weights().contains(&i) {
            Some(i / self.input_dim)
        } else if self.biases().contains(&i) {
            Some(i - self.biases().start)
        } else if self.output_weights().contains(&i) {
            Some(i - self.output_weights().start)
        } else {
            None
        }
    }
}

/// A network: shape, activation and parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    /// Input dimension and width.
    pub shape: Shape,
    /// Hidden nonlinearity.
    pub activation: Activation,
    /// Flat parameters, laid out as described in the module documentation.
    pub params: Vec<f64>,
}

impl Network {
    /// A student initialised as in the science notes: `w ~ N(0, 1/d)`, `a ~ N(0, 1/n)`,
    /// biases zero.
    pub fn student_init(shape: Shape, activation: Activation, rng: &mut SeededRng) -> Network {
        let mut params = vec![0.0; shape.num_params()];
        let sw = 1.0 / (shape.input_dim as f64).sqrt();
        for p in &mut params[shape.input_weights()] {
            *p = sw * rng.normal();
        }
        let sa = 1.0 / (shape.width as f64).sqrt();
        for p in &mut params[shape.output_weights()] {
            *p = sa * rng.normal();
        }
        Network {
            shape,
            activation,
            params,
        }
    }

    /// The network's output at one input `x` (of length `input_dim`).
    pub fn output(&self, x: &[f64]) -> f64 {
        output(self.shape, self.activation, &self.params, x)
    }
}

/// The output of the network with these parameters at one input `x`.
#[inline]
pub fn output(shape: Shape, activation: Activation, params: &[f64], x: &[f64]) -> f64 {
    let d = shape.input_dim;
    let (w, rest) = params.split_at(shape.width * d);
    let (b, rest) = rest.split_at(shape.width);
    let (a, c) = rest.split_at(shape.width);
    let mut f = c[0];
    for j in 0..shape.width {
        let wj = &w[j * d..(j + 1) * d];
        let z = b[j] + wj.iter().zip(x).map(|(wi, xi)| wi * xi).sum::<f64>();
        f += a[j] * activation.value(z);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::Stream;

    #[test]
    fn every_parameter_but_the_output_bias_belongs_to_its_neuron() {
        let s = Shape::new(3, 4);
        for j in 0..4 {
            for k in 0..3 {
                assert_eq!(s.neuron_of(s.input_weight(j, k)), Some(j));
            }
            assert_eq!(s.neuron_of(s.bias(j)), Some(j));
            assert_eq!(s.neuron_of(s.output_weight(j)), Some(j));
        }
        assert_eq!(s.neuron_of(s.output_bias()), None);
    }

    #[test]
    fn layout_ranges_tile_the_vector() {
        let s = Shape::new(3, 5);
        assert_eq!(s.num_params(), 26);
        assert_eq!(s.input_weights(), 0..15);
        assert_eq!(s.biases(), 15..20);
        assert_eq!(s.output_weights(), 20..25);
        assert_eq!(s.output_bias(), 25);
        assert_eq!(s.input_weight(2, 1), 7);
        assert_eq!(s.bias(4), 19);
        assert_eq!(s.output_weight(0), 20);
    }

    #[test]
    fn output_is_the_sum_over_neurons() {
        let s = Shape::new(2, 2);
        // w = [[1, 2], [-1, 0.5]], b = [0.1, -0.2], a = [3, -1], c = 0.5
        let p = vec![1.0, 2.0, -1.0, 0.5, 0.1, -0.2, 3.0, -1.0, 0.5];
        let x = [0.3, -0.4];
        let z0: f64 = 0.3 - 0.8 + 0.1;
        let z1: f64 = -0.3 - 0.2 - 0.2;
        let expected = 3.0 * z0.tanh() - z1.tanh() + 0.5;
        let got = output(s, Activation::Tanh, &p, &x);
        assert!((got - expected).abs() < 1e-14);
    }

    #[test]
    fn student_init_has_zero_biases_and_scaled_weights() {
        let s = Shape::new(2, 400);
        let mut rng = SeededRng::new(3, Stream::Student);
        let net = Network::student_init(s, Activation::Tanh, &mut rng);
        assert!(net.params[s.biases()].iter().all(|&b| b == 0.0));
        assert_eq!(net.params[s.output_bias()], 0.0);
        let var_a: f64 = net.params[s.output_weights()]
            .iter()
            .map(|a| a * a)
            .sum::<f64>()
            / 400.0;
        // E[a^2] = 1/400 = 0.0025; 400 draws give a relative standard error of 7%.
        assert!((var_a - 0.0025).abs() < 0.0008, "var_a {var_a}");
    }
}
