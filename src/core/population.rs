//! The population loss: the expected squared error over infinitely many standard Gaussian
//! inputs, `L = E_x[(f(x) - f*(x))^2]`, `x ~ N(0, I_d)`, in closed form for networks without
//! biases (no hidden biases, no output bias), `f(x) = sum_j a_j s(w_j . x)`.
//!
//! Everything reduces to the kernel `K(u, v) = E[s(u . x) s(v . x)]`:
//!
//! - erf (`s = erf`, the arcsine formula of Saad and Solla 1995):
//!   `K = (2/pi) asin(2 u.v / sqrt((1 + 2|u|^2)(1 + 2|v|^2)))`;
//! - ReLU (the arc-cosine kernel of degree 1, Cho and Saul 2009):
//!   `K = |u||v| (sin t + (pi - t) cos t) / (2 pi)`, `t` the angle between `u` and `v`.
//!
//! `L = sum_jj' a_j a_j' K(w_j, w_j') - 2 sum_jk a_j b_k K(w_j, v_k) + sum_kk' b_k b_k' K(v_k, v_k')`.
//!
//! The gradient is written once, generic over a [`Scalar`]; the exact Hessian is that gradient
//! evaluated in forward-mode dual numbers, one column per parameter (exact to rounding, not a
//! finite difference). Parameters are laid out `[w_1 .. w_n (d each), a_1 .. a_n]`.

use crate::core::activation::Activation;
use crate::core::flow::GradientSystem;
use ndarray::Array2;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// Numbers the population gradient is computed in: `f64`, and [`Dual`] for the Hessian.
pub trait Scalar:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    /// A constant.
    fn constant(v: f64) -> Self;
    /// The value part.
    fn value(self) -> f64;
    /// Square root.
    fn sqrt(self) -> Self;
    /// Arcsine.
    fn asin(self) -> Self;
    /// Arccosine.
    fn acos(self) -> Self;
}

impl Scalar for f64 {
    fn constant(v: f64) -> f64 {
        v
    }
    fn value(self) -> f64 {
        self
    }
    fn sqrt(self) -> f64 {
        f64::sqrt(self)
    }
    fn asin(self) -> f64 {
        f64::asin(self)
    }
    fn acos(self) -> f64 {
        f64::acos(self)
    }
}

/// A forward-mode dual number `value + slope * eps`, `eps^2 = 0`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dual {
    /// The value.
    pub value: f64,
    /// The derivative along the seeded direction.
    pub slope: f64,
}

impl Add for Dual {
    type Output = Dual;
    fn add(self, o: Dual) -> Dual {
        Dual {
            value: self.value + o.value,
            slope: self.slope + o.slope,
        }
    }
}
impl Sub for Dual {
    type Output = Dual;
    fn sub(self, o: Dual) -> Dual {
        Dual {
            value: self.value - o.value,
            slope: self.slope - o.slope,
        }
    }
}
impl Mul for Dual {
    type Output = Dual;
    fn mul(self, o: Dual) -> Dual {
        Dual {
            value: self.value * o.value,
            slope: self.slope * o.value + self.value * o.slope,
        }
    }
}
impl Div for Dual {
    type Output = Dual;
    fn div(self, o: Dual) -> Dual {
        Dual {
            value: self.value / o.value,
            slope: (self.slope * o.value - self.value * o.slope) / (o.value * o.value),
        }
    }
}
impl Neg for Dual {
    type Output = Dual;
    fn neg(self) -> Dual {
        Dual {
            value: -self.value,
            slope: -self.slope,
        }
    }
}

impl Scalar for Dual {
    fn constant(v: f64) -> Dual {
        Dual {
            value: v,
            slope: 0.0,
        }
    }
    fn value(self) -> f64 {
        self.value
    }
    fn sqrt(self) -> Dual {
        let r = self.value.sqrt();
        Dual {
            value: r,
            slope: self.slope / (2.0 * r),
        }
    }
    fn asin(self) -> Dual {
        Dual {
            value: self.value.asin(),
            slope: self.slope / (1.0 - self.value * self.value).sqrt(),
        }
    }
    fn acos(self) -> Dual {
        Dual {
            value: self.value.acos(),
            slope: -self.slope / (1.0 - self.value * self.value).sqrt(),
        }
    }
}

/// Cosines are kept strictly inside (-1, 1) so that the kernels' slopes stay finite where two
/// weight vectors are parallel (they are then one neuron, a measure-zero set).
const COSINE_LIMIT: f64 = 1.0 - 1e-15;

/// The population loss of a bias-free student of width `width` against a bias-free teacher.
#[derive(Clone, Debug)]
pub struct PopulationObjective {
    /// Input dimension `d`.
    pub input_dim: usize,
    /// Student width `n`.
    pub width: usize,
    /// Erf or ReLU (the kernels with a closed form).
    pub activation: Activation,
    /// Teacher input weights, one vector of length `d` per teacher neuron.
    pub teacher_w: Vec<Vec<f64>>,
    /// Teacher output weights.
    pub teacher_a: Vec<f64>,
}

impl PopulationObjective {
    /// The objective, if `activation` has a closed-form kernel (erf or ReLU).
    pub fn new(
        activation: Activation,
        teacher_w: Vec<Vec<f64>>,
        teacher_a: Vec<f64>,
        width: usize,
    ) -> Option<PopulationObjective> {
        let input_dim = teacher_w.first().map_or(0, |w| w.len());
        let closed_form = matches!(activation, Activation::Erf | Activation::Relu);
        (closed_form && teacher_w.len() == teacher_a.len()).then_some(PopulationObjective {
            input_dim,
            width,
            activation,
            teacher_w,
            teacher_a,
        })
    }

    /// Number of parameters, `n (d + 1)`.
    pub fn num_params(&self) -> usize {
        self.width * (self.input_dim + 1)
    }

    /// The student's output at one input (for Monte Carlo checks).
    pub fn student_output(&self, params: &[f64], x: &[f64]) -> f64 {
        let d = self.input_dim;
        (0..self.width)
            .map(|j| {
                let z: f64 = (0..d).map(|k| params[j * d + k] * x[k]).sum();
                params[self.width * d + j] * self.activation.value(z)
            })
            .sum()
    }

    /// The teacher's output at one input.
    pub fn teacher_output(&self, x: &[f64]) -> f64 {
        self.teacher_w
            .iter()
            .zip(&self.teacher_a)
            .map(|(w, a)| {
                a * self
                    .activation
                    .value(w.iter().zip(x).map(|(p, q)| p * q).sum())
            })
            .sum()
    }

    /// `K(u, v)` and its gradient in `u`, in any [`Scalar`].
    fn kernel<T: Scalar>(&self, u: &[T], v: &[T]) -> (T, Vec<T>) {
        let dot = |p: &[T], q: &[T]| {
            p.iter()
                .zip(q)
                .fold(T::constant(0.0), |s, (&a, &b)| s + a * b)
        };
        let (uv, uu, vv) = (dot(u, v), dot(u, u), dot(v, v));
        let one = T::constant(1.0);
        let two = T::constant(2.0);
        let pi = T::constant(std::f64::consts::PI);
        match self.activation {
            Activation::Relu => {
                // |u||v| (sin t + (pi - t) cos t) / (2 pi) = (|u||v| sin t + (pi - t) u.v) / (2 pi).
                let (nu, nv) = (uu.sqrt(), vv.sqrt());
                let c = clamp(uv / (nu * nv));
                let t = c.acos();
                let sin = (one - c * c).sqrt();
                let k = (nu * nv * sin + (pi - t) * uv) / (two * pi);
                // dK/du = ((pi - t) v + |v| sin t u / |u|) / (2 pi) (the angle's terms cancel).
                let grad = u
                    .iter()
                    .zip(v)
                    .map(|(&ui, &vi)| ((pi - t) * vi + nv * sin * ui / nu) / (two * pi))
                    .collect();
                (k, grad)
            }
            _ => {
                let (pu, pv) = (one + two * uu, one + two * vv);
                let denom = (pu * pv).sqrt();
                let s = clamp(two * uv / denom);
                let k = two / pi * s.asin();
                let outer = two / pi / (one - s * s).sqrt();
                let grad = u
                    .iter()
                    .zip(v)
                    .map(|(&ui, &vi)| outer * (two * vi / denom - s * two * ui / pu))
                    .collect();
                (k, grad)
            }
        }
    }

    /// The loss and its gradient (laid out like the parameters), in any [`Scalar`].
    fn loss_and_gradient_in<T: Scalar>(&self, params: &[T]) -> (T, Vec<T>) {
        let (d, n) = (self.input_dim, self.width);
        let w: Vec<&[T]> = (0..n).map(|j| &params[j * d..(j + 1) * d]).collect();
        let a = &params[n * d..n * d + n];
        let teacher_w: Vec<Vec<T>> = self
            .teacher_w
            .iter()
            .map(|v| v.iter().map(|&x| T::constant(x)).collect())
            .collect();
        let teacher_a: Vec<T> = self.teacher_a.iter().map(|&x| T::constant(x)).collect();
        let zero = T::constant(0.0);
        let two = T::constant(2.0);
        let mut loss = zero;
        let mut grad = vec![zero; params.len()];
        for j in 0..n {
            for jj in 0..n {
                let (k, dk) = self.kernel(w[j], w[jj]);
                loss = loss + a[j] * a[jj] * k;
                grad[n * d + j] = grad[n * d + j] + two * a[jj] * k;
                for (i, g) in dk.iter().enumerate() {
                    grad[j * d + i] = grad[j * d + i] + two * a[j] * a[jj] * *g;
                }
            }
            for (v, &b) in teacher_w.iter().zip(&teacher_a) {
                let (k, dk) = self.kernel(w[j], v);
                loss = loss - two * a[j] * b * k;
                grad[n * d + j] = grad[n * d + j] - two * b * k;
                for (i, g) in dk.iter().enumerate() {
                    grad[j * d + i] = grad[j * d + i] - two * a[j] * b * *g;
                }
            }
        }
        for (v, &b) in teacher_w.iter().zip(&teacher_a) {
            for (vv, &bb) in teacher_w.iter().zip(&teacher_a) {
                loss = loss + b * bb * self.kernel(v, vv).0;
            }
        }
        (loss, grad)
    }
}

/// `c` kept inside `[-COSINE_LIMIT, COSINE_LIMIT]` (the slope passes through unchanged).
fn clamp<T: Scalar>(c: T) -> T {
    let v = c.value();
    if v > COSINE_LIMIT {
        c - T::constant(v - COSINE_LIMIT)
    } else if v < -COSINE_LIMIT {
        c - T::constant(v + COSINE_LIMIT)
    } else {
        c
    }
}

impl GradientSystem for PopulationObjective {
    fn loss_and_gradient(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        let (loss, g) = self.loss_and_gradient_in(x);
        grad.copy_from_slice(&g);
        loss
    }

    /// The exact Hessian: column `i` is the gradient's derivative along parameter `i`, in
    /// forward-mode dual numbers; symmetrised (the two halves agree to rounding).
    fn hessian(&self, x: &[f64]) -> Array2<f64> {
        let p = x.len();
        let mut h = Array2::<f64>::zeros((p, p));
        for i in 0..p {
            let seeded: Vec<Dual> = x
                .iter()
                .enumerate()
                .map(|(j, &v)| Dual {
                    value: v,
                    slope: if i == j { 1.0 } else { 0.0 },
                })
                .collect();
            let (_, g) = self.loss_and_gradient_in(&seeded);
            for (j, gj) in g.iter().enumerate() {
                h[[j, i]] = gj.slope;
            }
        }
        for i in 0..p {
            for j in 0..i {
                let m = 0.5 * (h[[i, j]] + h[[j, i]]);
                h[[i, j]] = m;
                h[[j, i]] = m;
            }
        }
        h
    }
}
