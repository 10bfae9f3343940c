//! Activation functions of teacher and student, with their first and second derivatives.
//!
//! `tanh` is the branch-free SIMD one of [`crate::core::fast_math`] (a scalar call is one lane of
//! it); the other transcendental functions come from `libm`, a pure-Rust library. Either way the
//! same input gives the same bits natively and in WebAssembly.

use crate::core::fast_math::{tanh_f64, tanh_lanes};
use crate::core::simd::{Interleaved, Lanes, Lanes4};
use std::fmt;
use wide::f64x4;

/// A hidden-unit nonlinearity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Activation {
    /// Hyperbolic tangent.
    Tanh,
    /// Rectified linear unit, `max(0, z)` (derivative 0 at the kink).
    Relu,
    /// Softplus, `ln(1 + e^z)`.
    Softplus,
    /// Gauss error function.
    Erf,
}

/// `2 / sqrt(pi)`, the derivative of `erf` at zero.
const TWO_OVER_SQRT_PI: f64 = std::f64::consts::FRAC_2_SQRT_PI;

impl Activation {
    /// Every activation, in the order the UI lists them.
    pub const ALL: [Activation; 4] = [
        Activation::Tanh,
        Activation::Relu,
        Activation::Softplus,
        Activation::Erf,
    ];

    /// The short lowercase name used in URLs and menus.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::Softplus => "softplus",
            Activation::Erf => "erf",
        }
    }

    /// Parses a name produced by [`Activation::name`].
    pub fn from_name(name: &str) -> Option<Activation> {
        Activation::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The value `s(z)`.
    #[inline]
    pub fn value(self, z: f64) -> f64 {
        match self {
            Activation::Tanh => tanh_f64(z),
            Activation::Relu => z.max(0.0),
            Activation::Softplus => softplus(z),
            Activation::Erf => libm::erf(z),
        }
    }

    /// The first derivative `s'(z)`.
    #[inline]
    pub fn derivative(self, z: f64) -> f64 {
        match self {
            Activation::Tanh => {
                let t = tanh_f64(z);
                1.0 - t * t
            }
            Activation::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Softplus => sigmoid(z),
            Activation::Erf => TWO_OVER_SQRT_PI * libm::exp(-z * z),
        }
    }

    /// The second derivative `s''(z)` (zero for ReLU away from its kink).
    #[inline]
    pub fn second_derivative(self, z: f64) -> f64 {
        match self {
            Activation::Tanh => {
                let t = tanh_f64(z);
                -2.0 * t * (1.0 - t * t)
            }
            Activation::Relu => 0.0,
            Activation::Softplus => {
                let s = sigmoid(z);
                s * (1.0 - s)
            }
            Activation::Erf => -2.0 * z * TWO_OVER_SQRT_PI * libm::exp(-z * z),
        }
    }

    /// Value and first derivative of four pre-activations at once, lane by lane equal to
    /// [`Activation::value`] and [`Activation::derivative`]. `tanh` runs as SIMD code; the
    /// others call the scalar functions per lane.
    #[inline]
    pub fn value_and_slope_x4(self, z: f64x4) -> (f64x4, f64x4) {
        self.value_and_slope_lanes(z)
    }

    /// [`Activation::value_and_slope_x4`] on any four-lane vector (`wide`'s, or AVX's inside
    /// the objective's AVX2 path): the same operations, so the same bits.
    #[inline(always)]
    pub fn value_and_slope_lanes<V: Lanes4>(self, z: V) -> (V, V) {
        match self {
            Activation::Tanh => {
                let t = tanh_lanes(z);
                (t, V::splat(1.0) - t * t)
            }
            Activation::Relu => {
                let (zero, one) = (V::splat(0.0), V::splat(1.0));
                (z.select_gt(zero, z, zero), z.select_gt(zero, one, zero))
            }
            act => {
                let z = z.to_array();
                (
                    V::from_array(z.map(|z| act.value(z))),
                    V::from_array(z.map(|z| act.derivative(z))),
                )
            }
        }
    }

    /// [`Activation::value_and_slope_lanes`] of `G` vectors at once, their operations
    /// interleaved ([`Interleaved`]): the same bits as `G` separate calls.
    #[inline(always)]
    pub fn values_and_slopes<V: Lanes4, const G: usize>(self, z: [V; G]) -> ([V; G], [V; G]) {
        match self {
            Activation::Tanh => {
                let t = tanh_lanes(Interleaved(z));
                (t.0, (Interleaved::splat(1.0) - t * t).0)
            }
            Activation::Relu => {
                let z = Interleaved(z);
                let (zero, one) = (Interleaved::splat(0.0), Interleaved::splat(1.0));
                (z.select_gt(zero, z, zero).0, z.select_gt(zero, one, zero).0)
            }
            act => {
                let mut out = (z, z);
                for (g, z) in z.into_iter().enumerate() {
                    (out.0[g], out.1[g]) = act.value_and_slope_lanes(z);
                }
                out
            }
        }
    }

    /// Value, first and second derivative at once (one `tanh` or `exp` instead of three).
    #[inline]
    pub fn all_derivatives(self, z: f64) -> (f64, f64, f64) {
        match self {
            Activation::Tanh => {
                let t = tanh_f64(z);
                let d = 1.0 - t * t;
                (t, d, -2.0 * t * d)
            }
            Activation::Erf => {
                let g = TWO_OVER_SQRT_PI * libm::exp(-z * z);
                (libm::erf(z), g, -2.0 * z * g)
            }
            _ => (self.value(z), self.derivative(z), self.second_derivative(z)),
        }
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Numerically stable `ln(1 + e^z)`.
#[inline]
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + libm::log1p(libm::exp(-z))
    } else {
        libm::log1p(libm::exp(z))
    }
}

/// Numerically stable logistic function.
#[inline]
fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + libm::exp(-z))
    } else {
        let e = libm::exp(z);
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivatives_match_finite_differences() {
        let h = 1e-5;
        for act in Activation::ALL {
            for &z in &[-2.3, -0.7, 0.31, 1.2, 2.9] {
                let fd1 = (act.value(z + h) - act.value(z - h)) / (2.0 * h);
                let fd2 = (act.derivative(z + h) - act.derivative(z - h)) / (2.0 * h);
                assert!((fd1 - act.derivative(z)).abs() < 1e-8, "{act} s' at {z}");
                assert!(
                    (fd2 - act.second_derivative(z)).abs() < 1e-8,
                    "{act} s'' at {z}"
                );
                let (v, d1, d2) = act.all_derivatives(z);
                assert_eq!(v, act.value(z));
                assert_eq!(d1, act.derivative(z));
                assert!((d2 - act.second_derivative(z)).abs() < 1e-15);
            }
        }
    }

    #[test]
    fn four_lanes_equal_value_and_derivative() {
        let zs: Vec<f64> = (-30..30)
            .map(|i| i as f64 * 0.173)
            .chain([0.0, -0.0])
            .collect();
        for act in Activation::ALL {
            for z in zs.chunks_exact(4) {
                let (v, d) = act.value_and_slope_x4(f64x4::new([z[0], z[1], z[2], z[3]]));
                let lanes = v.to_array().into_iter().zip(d.to_array());
                for ((value, slope), &z) in lanes.zip(z) {
                    assert_eq!(value, act.value(z), "{act} value at {z}");
                    assert_eq!(slope, act.derivative(z), "{act} slope at {z}");
                }
            }
            // Three vectors interleaved give the bits of three separate calls.
            for z in zs.chunks_exact(12) {
                let v = |i: usize| f64x4::new([z[i], z[i + 1], z[i + 2], z[i + 3]]);
                let (values, slopes) = act.values_and_slopes([v(0), v(4), v(8)]);
                for g in 0..3 {
                    let (value, slope) = act.value_and_slope_x4(v(4 * g));
                    assert_eq!(
                        values[g].to_array().map(f64::to_bits),
                        value.to_array().map(f64::to_bits)
                    );
                    assert_eq!(
                        slopes[g].to_array().map(f64::to_bits),
                        slope.to_array().map(f64::to_bits)
                    );
                }
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for act in Activation::ALL {
            assert_eq!(Activation::from_name(act.name()), Some(act));
        }
        assert_eq!(Activation::from_name("sigmoid"), None);
    }
}
