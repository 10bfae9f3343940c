//! Embedding a network into a wider one (Fukumizu & Amari 2000): splitting a neuron, adding a
//! neuron with zero output weight, or adding neurons at a chosen scale.

use crate::core::network::{Network, Shape};
use crate::core::rng::SeededRng;

/// Copies `net` into a network of width `net.width + extra` whose first neurons are `net`'s and
/// whose new neurons are all zero (so the function is unchanged).
pub fn widen(net: &Network, extra: usize) -> Network {
    let old = net.shape;
    let shape = Shape::new(old.input_dim, old.width + extra);
    let mut params = vec![0.0; shape.num_params()];
    for j in 0..old.width {
        for k in 0..old.input_dim {
            params[shape.input_weight(j, k)] = net.params[old.input_weight(j, k)];
        }
        params[shape.bias(j)] = net.params[old.bias(j)];
        params[shape.output_weight(j)] = net.params[old.output_weight(j)];
    }
    params[shape.output_bias()] = net.params[old.output_bias()];
    Network {
        shape,
        activation: net.activation,
        params,
    }
}

/// Splits neuron `j` into two with identical incoming weights and output weights `mu * a_j` and
/// `(1 - mu) * a_j`: the function, and so the loss, is unchanged for every `mu`.
pub fn split_neuron(net: &Network, j: usize, mu: f64) -> Network {
    let mut wide = widen(net, 1);
    let s = wide.shape;
    let new = s.width - 1;
    for k in 0..s.input_dim {
        wide.params[s.input_weight(new, k)] = wide.params[s.input_weight(j, k)];
    }
    wide.params[s.bias(new)] = wide.params[s.bias(j)];
    let a = wide.params[s.output_weight(j)];
    wide.params[s.output_weight(j)] = mu * a;
    wide.params[s.output_weight(new)] = (1.0 - mu) * a;
    wide
}

/// Adds one neuron with zero output weight and random input weights `w ~ N(0, 1/d)`, bias 0:
/// the function is unchanged.
pub fn add_silent_neuron(net: &Network, rng: &mut SeededRng) -> Network {
    add_scaled_neurons(net, 1, 0.0, 1.0, rng)
}

/// Adds `extra` neurons drawn like a fresh student of the new width (`w ~ N(0, 1/d)`,
/// `a ~ N(0, 1/n)`, bias 0), with input weights scaled by `input_scale` and output weights by
/// `output_scale`.
pub fn add_scaled_neurons(
    net: &Network,
    extra: usize,
    output_scale: f64,
    input_scale: f64,
    rng: &mut SeededRng,
) -> Network {
    let mut wide = widen(net, extra);
    let s = wide.shape;
    let sw = 1.0 / (s.input_dim as f64).sqrt();
    let sa = 1.0 / (s.width as f64).sqrt();
    for j in net.shape.width..s.width {
        for k in 0..s.input_dim {
            wide.params[s.input_weight(j, k)] = input_scale * sw * rng.normal();
        }
        wide.params[s.output_weight(j)] = output_scale * sa * rng.normal();
    }
    wide
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::activation::Activation;
    use crate::core::rng::Stream;

    fn net() -> Network {
        let mut rng = SeededRng::new(5, Stream::Student);
        let mut n = Network::student_init(Shape::new(2, 3), Activation::Tanh, &mut rng);
        for p in &mut n.params[n.shape.biases()] {
            *p = 0.2 * rng.normal();
        }
        n
    }

    #[test]
    fn embeddings_preserve_the_function() {
        let base = net();
        let mut rng = SeededRng::new(1, Stream::Perturbation);
        let wider = [
            split_neuron(&base, 1, 0.5),
            split_neuron(&base, 0, -0.7),
            add_silent_neuron(&base, &mut rng),
            widen(&base, 2),
        ];
        for x in [[0.3, -1.2], [1.5, 0.4], [-0.8, -0.1]] {
            let f = base.output(&x);
            for w in &wider {
                assert!((w.output(&x) - f).abs() < 1e-14);
            }
        }
        assert_eq!(wider[0].shape.width, 4);
        assert_eq!(wider[3].shape.width, 5);
    }

    #[test]
    fn scaled_neurons_change_the_function_in_proportion() {
        let base = net();
        let x = [0.5, 0.5];
        let small = add_scaled_neurons(
            &base,
            2,
            0.1,
            1.0,
            &mut SeededRng::new(2, Stream::Perturbation),
        );
        let large = add_scaled_neurons(
            &base,
            2,
            1.0,
            1.0,
            &mut SeededRng::new(2, Stream::Perturbation),
        );
        let ds = small.output(&x) - base.output(&x);
        let dl = large.output(&x) - base.output(&x);
        assert!(ds != 0.0 && (dl - 10.0 * ds).abs() < 1e-12);
    }
}
