//! Branch-free `exp` and `tanh` on SIMD vectors (`wide`), in 64 and 32 bits.
//!
//! `tanh` dominates both training and slicing; `libm::tanh` branches on its argument and runs
//! one value at a time, and the compiler does not vectorise a loop of scalar calls on its own.
//! These versions use only `+ - * /`, compare-and-select and integer bit operations on SIMD
//! vectors (SSE2 natively, `simd128` in WebAssembly, and AVX2 natively where the CPU has it:
//! the 64-bit ones are generic over [`Lanes`], see [`crate::core::simd`]). Every lane performs
//! the same IEEE operations in the same order on every target (no fused multiply-add), and the
//! scalar versions are one lane of the vector ones, so native and wasm results agree to the bit.
//!
//! `e^y = 2^k e^r` with `k = round(y / ln 2)` and `|r| <= ln(2) / 2`; `2^k` is built in the
//! exponent bits of the float that rounded `k` (adding `1.5 * 2^52`, resp. `1.5 * 2^23`, leaves
//! `k` in its low mantissa bits). Then `tanh(x) = sign(x) (1 - 2 / (e^{2|x|} + 1))`.

#[cfg(target_arch = "x86_64")]
use crate::core::simd::Avx;
use crate::core::simd::{dispatch, Lanes, Lanes32, Lanes4, Simd};
use wide::{f32x4, f32x8, f64x2, f64x4};

/// The constants of the 64-bit functions.
mod c64 {
    /// `1.5 * 2^52`: adding and subtracting it rounds an `f64` of magnitude below `2^51` to the
    /// nearest integer, which then sits in the low bits of the sum.
    pub const ROUND: f64 = 6_755_399_441_055_744.0;
    /// `ln 2` split in a high part with trailing zero bits (so `k * LN2_HI` is exact for small
    /// `k`) and the remainder (the constants of fdlibm's `exp`).
    pub const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    pub const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    pub const LOG2_E: f64 = std::f64::consts::LOG2_E;
    /// `1/0!, 1/1!, ..., 1/13!`: the Taylor polynomial of `e^r` of degree 13, whose truncation
    /// error on `|r| <= ln(2)/2` is below `6e-18`.
    pub const TAYLOR: [f64; 14] = [
        1.0,
        1.0,
        0.5,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5_040.0,
        1.0 / 40_320.0,
        1.0 / 362_880.0,
        1.0 / 3_628_800.0,
        1.0 / 39_916_800.0,
        1.0 / 479_001_600.0,
        1.0 / 6_227_020_800.0,
    ];
    /// Beyond this magnitude `tanh` rounds to `±1` (`1 - tanh(19.1) < 2^-54`).
    pub const TANH_CLAMP: f64 = 19.1;
    /// Mantissa bits and exponent bias: `2^k` has bits `(k + BIAS) << MANTISSA_BITS`.
    pub const MANTISSA_BITS: u32 = 52;
    pub const BIAS: u64 = 1023;
}

/// The constants of the 32-bit functions (see [`c64`]).
mod c32 {
    pub const ROUND: f32 = 12_582_912.0;
    /// fdlibm's `expf` split: `k * LN2_HI` is exact for `|k| < 2^9`.
    pub const LN2_HI: f32 = f32::from_bits(0x3f31_7200);
    pub const LN2_LO: f32 = f32::from_bits(0x35bf_be8e);
    pub const LOG2_E: f32 = std::f32::consts::LOG2_E;
    /// Degree-6 Taylor polynomial of `e^r` (relative error about 2e-7 in `f32`).
    pub const TAYLOR: [f32; 7] = [
        1.0,
        1.0,
        0.5,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
    ];
    /// Beyond this magnitude `tanh` is `±1` to `f32` precision.
    pub const TANH_CLAMP: f32 = 9.0;
    pub const MANTISSA_BITS: u32 = 23;
    pub const BIAS: u32 = 127;
}

/// `sum_i c[i] r^i` for 14 coefficients by Estrin's scheme.
macro_rules! estrin_degree_13 {
    ($c:expr, $r:expr, $splat:expr) => {{
        let (c, r, s) = ($c, $r, $splat);
        let r2 = r * r;
        let r4 = r2 * r2;
        let r8 = r4 * r4;
        let q0 = s(c[0]) + s(c[1]) * r;
        let q1 = s(c[2]) + s(c[3]) * r;
        let q2 = s(c[4]) + s(c[5]) * r;
        let q3 = s(c[6]) + s(c[7]) * r;
        let q4 = s(c[8]) + s(c[9]) * r;
        let q5 = s(c[10]) + s(c[11]) * r;
        let q6 = s(c[12]) + s(c[13]) * r;
        let u0 = (q0 + q1 * r2) + (q2 + q3 * r2) * r4;
        let u1 = (q4 + q5 * r2) + q6 * r4;
        u0 + u1 * r8
    }};
}

/// `sum_i c[i] r^i` for 7 coefficients by Estrin's scheme.
macro_rules! estrin_degree_6 {
    ($c:expr, $r:expr, $splat:expr) => {{
        let (c, r, s) = ($c, $r, $splat);
        let r2 = r * r;
        let r4 = r2 * r2;
        let q0 = s(c[0]) + s(c[1]) * r;
        let q1 = s(c[2]) + s(c[3]) * r;
        let q2 = s(c[4]) + s(c[5]) * r;
        (q0 + q1 * r2) + (q2 + s(c[6]) * r2) * r4
    }};
}

/// `e^y` lane by lane for any vector of `f64` lanes (see the module documentation), for `y`
/// in the range where `2^k` is a normal float. [`exp_f64x4`] and [`exp_f64x2`] are this
/// function on `wide`'s vectors; the objective's AVX2 path runs it on
/// `core::simd`'s AVX vectors, with the same operations, so the same bits.
#[inline(always)]
pub fn exp_lanes<V: Lanes>(y: V) -> V {
    let splat = V::splat;
    let t = y * splat(c64::LOG2_E) + splat(c64::ROUND);
    let k = t - splat(c64::ROUND);
    let r = (y - k * splat(c64::LN2_HI)) - k * splat(c64::LN2_LO);
    // Estrin's scheme (depth log2 of the degree, where Horner's rule is a chain of dependent
    // steps that leaves the SIMD units waiting).
    let p = estrin_degree_13!(c64::TAYLOR, r, splat);
    // `t`'s low bits hold k (two's complement); shifting `k + bias` into the exponent field
    // pushes everything else out.
    p * t.shifted_bits(c64::BIAS, c64::MANTISSA_BITS)
}

/// `tanh` lane by lane for any vector of `f64` lanes: `sign(x) (1 - 2 / (e^{2|x|} + 1))` with
/// `|x|` clamped where `tanh` rounds to 1. NaN stays NaN (the clamp is a select, not a `min`).
#[inline(always)]
pub fn tanh_lanes<V: Lanes>(x: V) -> V {
    let splat = V::splat;
    let m = x.abs();
    let clamp = splat(c64::TANH_CLAMP);
    let m = m.at_most(clamp);
    let one = splat(1.0);
    (one - splat(2.0) / (exp_lanes(splat(2.0) * m) + one)).copysign(x)
}

/// [`exp_lanes`] on four lanes.
#[inline(always)]
pub fn exp_f64x4(y: f64x4) -> f64x4 {
    exp_lanes(y)
}

/// [`exp_lanes`] on two lanes.
#[inline(always)]
pub fn exp_f64x2(y: f64x2) -> f64x2 {
    exp_lanes(y)
}

/// [`tanh_lanes`] on four lanes.
#[inline(always)]
pub fn tanh_f64x4(x: f64x4) -> f64x4 {
    tanh_lanes(x)
}

/// [`tanh_lanes`] on two lanes.
#[inline(always)]
pub fn tanh_f64x2(x: f64x2) -> f64x2 {
    tanh_lanes(x)
}

/// `e^y` lane by lane in `f32` for any vector of `f32` lanes, as [`exp_lanes`] with the
/// 32-bit constants, for `y` in the range where `2^k` is a normal float.
#[inline(always)]
pub fn exp_lanes32<V: Lanes32>(y: V) -> V {
    let splat = V::splat;
    let t = y * splat(c32::LOG2_E) + splat(c32::ROUND);
    let k = t - splat(c32::ROUND);
    let r = (y - k * splat(c32::LN2_HI)) - k * splat(c32::LN2_LO);
    let p = estrin_degree_6!(c32::TAYLOR, r, splat);
    p * t.shifted_bits(c32::BIAS, c32::MANTISSA_BITS)
}

/// `tanh` lane by lane in `f32`, as [`tanh_lanes`].
#[inline(always)]
pub fn tanh_lanes32<V: Lanes32>(x: V) -> V {
    let splat = V::splat;
    let m = x.abs();
    let clamp = splat(c32::TANH_CLAMP);
    let m = m.at_most(clamp);
    let one = splat(1.0);
    (one - splat(2.0) / (exp_lanes32(splat(2.0) * m) + one)).copysign(x)
}

/// [`exp_lanes32`] on eight lanes.
#[inline(always)]
pub fn exp_f32x8(y: f32x8) -> f32x8 {
    exp_lanes32(y)
}

/// [`exp_lanes32`] on four lanes.
#[inline(always)]
pub fn exp_f32x4(y: f32x4) -> f32x4 {
    exp_lanes32(y)
}

/// [`tanh_lanes32`] on eight lanes.
#[inline(always)]
pub fn tanh_f32x8(x: f32x8) -> f32x8 {
    tanh_lanes32(x)
}

/// [`tanh_lanes32`] on four lanes.
#[inline(always)]
pub fn tanh_f32x4(x: f32x4) -> f32x4 {
    tanh_lanes32(x)
}

/// `softplus(z) = ln(1 + e^z)` in `f32`, lane by lane, for the slice evaluator: written as
/// `max(z, 0) + ln(1 + t)` with `t = e^{-|z|}` in `(0, 1]` (no overflow for large `|z|`), and
/// `ln(1 + t) = 2 atanh(s)`, `s = t / (2 + t)` in `(0, 1/3]`, by its odd series to `s^13`
/// (truncation below `1e-8`). Only `+ - * /` and selects, like [`tanh_f32x8`]; absolute error
/// about `3e-7`.
#[inline(always)]
pub fn softplus_f32x8(z: f32x8) -> f32x8 {
    softplus_lanes32(z)
}

/// [`softplus_f32x8`] on any vector of `f32` lanes.
#[inline(always)]
pub fn softplus_lanes32<V: Lanes32>(z: V) -> V {
    let splat = V::splat;
    let zero = splat(0.0);
    let positive = z.select_gt(zero, z, zero);
    // e^-87 is about 1.6e-38, the smallest normal f32: beyond it ln(1 + t) is 0 anyway.
    let m = z.abs();
    let m = m.at_most(splat(87.0));
    // `0 - m` is what `wide`'s negation computes.
    let t = exp_lanes32(zero - m);
    let s = t / (splat(2.0) + t);
    let s2 = s * s;
    let series = splat(1.0)
        + s2 * (splat(1.0 / 3.0)
            + s2 * (splat(1.0 / 5.0)
                + s2 * (splat(1.0 / 7.0)
                    + s2 * (splat(1.0 / 9.0)
                        + s2 * (splat(1.0 / 11.0) + s2 * splat(1.0 / 13.0))))));
    positive + splat(2.0) * s * series
}

/// `erf(z)` in `f32`, lane by lane, for the slice evaluator: below `|z| = 0.5` its Taylor
/// series to `z^13` (relative error below `1e-8`), above it Abramowitz and Stegun 7.1.26
/// (absolute error below `1.5e-7`), both computed and the right one selected; odd in `z`.
#[inline(always)]
pub fn erf_f32x8(z: f32x8) -> f32x8 {
    erf_lanes32(z)
}

/// [`erf_f32x8`] on any vector of `f32` lanes.
#[inline(always)]
pub fn erf_lanes32<V: Lanes32>(z: V) -> V {
    let splat = V::splat;
    let x = z.abs();
    let x2 = x * x;
    // 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)).
    let k = std::f32::consts::FRAC_2_SQRT_PI;
    let small = x
        * (splat(k)
            + x2 * (splat(-k / 3.0)
                + x2 * (splat(k / 10.0)
                    + x2 * (splat(-k / 42.0)
                        + x2 * (splat(k / 216.0)
                            + x2 * (splat(-k / 1320.0) + x2 * splat(k / 9360.0)))))));
    let t = splat(1.0) / (splat(1.0) + splat(0.327_591_1) * x);
    let poly = t
        * (splat(0.254_829_6)
            + t * (splat(-0.284_496_7)
                + t * (splat(1.421_413_8) + t * (splat(-1.453_152) + t * splat(1.061_405_4)))));
    let x2c = x2.at_most(splat(87.0));
    let large = splat(1.0) - poly * exp_lanes32(splat(0.0) - x2c);
    x.select_gt(splat(0.5), large, small).copysign(z)
}

/// `tanh` of every element of `xs` into `out` (of the same length), four at a time on the
/// given SIMD path (the baseline where the CPU lacks it): on every path, element by element the
/// bits of [`tanh_f64`].
pub fn tanh_into(simd: Simd, xs: &[f64], out: &mut [f64]) {
    assert_eq!(xs.len(), out.len(), "one output per input");
    dispatch!(
        simd,
        tanh_into_avx2(xs, out),
        tanh_into_lanes::<f64x4>(xs, out)
    )
}

/// [`tanh_into_lanes`] compiled for AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn tanh_into_avx2(xs: &[f64], out: &mut [f64]) {
    tanh_into_lanes::<Avx>(xs, out);
}

#[inline(always)]
fn tanh_into_lanes<V: Lanes4>(xs: &[f64], out: &mut [f64]) {
    for (x, out) in xs.chunks(4).zip(out.chunks_mut(4)) {
        let mut lanes = [0.0; 4];
        lanes[..x.len()].copy_from_slice(x);
        let t = tanh_lanes(V::from_array(lanes)).to_array();
        out.copy_from_slice(&t[..x.len()]);
    }
}

/// `e^y` for `y` in about `[-700, 700]`, relative error within about 2 ulp: one lane of
/// [`exp_f64x4`].
#[inline]
pub fn exp_f64(y: f64) -> f64 {
    exp_f64x2(f64x2::splat(y)).to_array()[0]
}

/// `tanh(x)` with absolute error about `2e-16` (two ulps just below 1): one lane of
/// [`tanh_f64x4`], so scalar and vector results agree to the bit.
///
/// Its relative error near 0 is larger (the formula subtracts from 1), which does not matter
/// for a network: only absolute errors reach the outputs.
#[inline]
pub fn tanh_f64(x: f64) -> f64 {
    tanh_f64x2(f64x2::splat(x)).to_array()[0]
}

/// `e^x` in `f32` for `x` in about `[-87, 88]` (relative error about 2e-7): one lane of
/// [`exp_f32x8`].
#[inline]
pub fn exp_f32(x: f32) -> f32 {
    exp_f32x4(f32x4::splat(x)).to_array()[0]
}

/// `tanh` in `f32` (absolute error about 3e-7): one lane of [`tanh_f32x8`].
#[inline]
pub fn tanh_f32(x: f32) -> f32 {
    tanh_f32x4(f32x4::splat(x)).to_array()[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Arguments from -50 to 50 in steps of about 1e-3, plus tiny ones and exact zero.
    fn arguments() -> impl Iterator<Item = f64> {
        (-50_000..=50_000)
            .map(|i| i as f64 * 1.000_37e-3)
            .chain([0.0, -0.0, 1e-300, -1e-12, 3e-8])
    }

    #[test]
    fn exp_f64_is_within_two_ulps_of_the_system_exp() {
        for y in arguments().map(|x| 14.0 * x) {
            let (ours, reference) = (exp_f64(y), y.exp());
            let rel = ((ours - reference) / reference).abs();
            assert!(
                rel <= 4.5e-16,
                "exp({y}) = {ours}, system {reference}, rel {rel:e}"
            );
        }
    }

    #[test]
    /// Against the system `tanh` (glibc's, within an ulp): the largest difference measured
    /// on a grid of step 1e-4 over [-50, 50] is 2.2e-16, two ulps just below 1.
    fn tanh_f64_is_within_3e_16_of_the_system_tanh() {
        let mut worst = 0f64;
        for x in arguments() {
            let err = (tanh_f64(x) - x.tanh()).abs();
            worst = worst.max(err);
            assert!(err < 3e-16, "tanh({x}): {} vs {}", tanh_f64(x), x.tanh());
        }
        // The comparison is not vacuous: the two functions differ somewhere.
        assert!(worst > 0.0);
        assert_eq!(tanh_f64(40.0), 1.0);
        assert_eq!(tanh_f64(-40.0), -1.0);
        assert_eq!(tanh_f64(0.0), 0.0);
        assert!(tanh_f64(-0.0).is_sign_negative());
        assert!(
            tanh_f64(f64::NAN).is_nan(),
            "NaN propagates, for divergence detection"
        );
    }

    #[test]
    fn every_lane_equals_the_scalar_function() {
        let xs: Vec<f64> = arguments().step_by(7).collect();
        for chunk in xs.chunks_exact(4) {
            let v = tanh_f64x4(f64x4::new([chunk[0], chunk[1], chunk[2], chunk[3]]));
            for (lane, &x) in v.to_array().iter().zip(chunk) {
                assert_eq!(lane.to_bits(), tanh_f64(x).to_bits(), "tanh at {x}");
            }
            let xs32: Vec<f32> = chunk.iter().map(|&x| x as f32).collect();
            let mut a = [0f32; 8];
            a[..4].copy_from_slice(&xs32);
            a[4..].copy_from_slice(&xs32);
            let v = tanh_f32x8(f32x8::new(a));
            for (lane, &x) in v.to_array().iter().zip(xs32.iter().cycle()) {
                assert_eq!(lane.to_bits(), tanh_f32(x).to_bits(), "tanh_f32 at {x}");
            }
        }
    }

    #[test]
    fn f32_versions_are_accurate() {
        assert!(tanh_f32(f32::NAN).is_nan());
        for x in arguments().map(|x| x as f32) {
            let t = tanh_f32(x) as f64;
            assert!((t - (x as f64).tanh()).abs() < 3e-7, "tanh {x}: {t}");
            let y = x.clamp(-40.0, 40.0);
            let e = exp_f32(y) as f64;
            let reference = (y as f64).exp();
            assert!(((e - reference) / reference).abs() < 5e-7, "exp {y}: {e}");
        }
    }
}
