//! SIMD vectors for the hot loops, and the choice at run time of the instructions that carry
//! them.
//!
//! The numerical kernels (`tanh` and `exp`, the objective's loss and gradient, the Hessian's
//! per-sample loop, the fast slice evaluator's losses) are written once, generic over
//! [`Lanes`] (`f64`) or [`Lanes32`] (`f32`), and compiled twice natively on x86-64:
//!
//! - [`Simd::Baseline`]: `wide`'s vectors, two SSE2 registers per four `f64` (or eight `f32`)
//!   lanes natively and one `simd128` register in wasm32. This is the path of every target, and
//!   the one the golden values of `tests/golden.rs` (and the wasm test that compares against
//!   them) come from.
//! - [`Simd::Avx2`] (x86-64 only, when the CPU has AVX2 and FMA): the same kernels on `Avx`
//!   and `Avx32` (crate-private: their operations are AVX instructions), one 256-bit register
//!   per vector, in functions compiled with
//!   `#[target_feature(enable = "avx2,fma")]`.
//!
//! Both paths perform the same IEEE operations in the same order on every lane: additions,
//! subtractions, multiplications, divisions, compares and selects, and integer bit operations,
//! with no fused multiply-add (Rust never contracts `a * b + c` on its own, and these types have
//! no FMA operation; `fma` is part of the test only because every AVX2 CPU has it). Every result
//! is therefore bit-identical on both paths, natively and in wasm (`tests/simd.rs` checks
//! losses, gradients, Hessians, 200-step Adam runs and slice rows); the AVX2 path only needs
//! half as many instructions. The objective also runs several groups of samples side by side
//! ([`Interleaved`]), which changes no sum's order.
//!
//! The path is detected once per process ([`Simd::detected`]); the environment variable
//! `ESCAPE_DIMS_SIMD=sse2` (or `baseline`) forces the baseline path, and the `*_on` methods
//! ([`crate::core::objective::Objective::loss_and_gradient_on`],
//! [`crate::core::objective::Objective::hessian_on`],
//! [`crate::core::fast_slice::PlaneEvaluator::row_losses_on`]) take a path explicitly, so
//! that both can be compared and timed in one process.

use std::ops::{Add, AddAssign, Div, Mul, Sub};
use std::sync::OnceLock;
use wide::{f32x4, f32x8, f64x2, f64x4, u32x4, u32x8, u64x2, u64x4, CmpGt};

/// A vector of `f64` lanes with the operations the kernels use, each lane by lane and exactly
/// as IEEE 754 rounds it.
pub trait Lanes:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self> + AddAssign
{
    /// Every lane `v`.
    fn splat(v: f64) -> Self;
    /// `|x|` (the sign bit cleared).
    fn abs(self) -> Self;
    /// The magnitude of `self` with the sign bit of `sign`.
    fn copysign(self, sign: Self) -> Self;
    /// `if self > limit { then } else { otherwise }` (false, so `otherwise`, for NaN).
    fn select_gt(self, limit: Self, then: Self, otherwise: Self) -> Self;
    /// The float whose bits are `(bits(self) + bias) << shift` (64-bit integer arithmetic
    /// on the bits of each lane; `shift` below 64).
    fn shifted_bits(self, bias: u64, shift: u32) -> Self;
    /// `if self > limit { limit } else { self }`: [`Lanes::select_gt`]'s result, in one
    /// instruction where there is one (NaN stays NaN).
    #[inline(always)]
    fn at_most(self, limit: Self) -> Self {
        self.select_gt(limit, limit, self)
    }
}

/// [`Lanes`] of exactly four lanes, to and from arrays.
pub trait Lanes4: Lanes {
    /// The vector of these four lanes.
    fn from_array(lanes: [f64; 4]) -> Self;
    /// The four lanes.
    fn to_array(self) -> [f64; 4];
}

/// A vector of `f32` lanes with the operations of the slice evaluator's kernels: [`Lanes`] in
/// 32 bits.
pub trait Lanes32:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self> + AddAssign
{
    /// Every lane `v`.
    fn splat(v: f32) -> Self;
    /// `|x|` (the sign bit cleared).
    fn abs(self) -> Self;
    /// The magnitude of `self` with the sign bit of `sign`.
    fn copysign(self, sign: Self) -> Self;
    /// `if self > limit { then } else { otherwise }` (false, so `otherwise`, for NaN).
    fn select_gt(self, limit: Self, then: Self, otherwise: Self) -> Self;
    /// The float whose bits are `(bits(self) + bias) << shift` (32-bit integer arithmetic on
    /// the bits of each lane; `shift` below 32).
    fn shifted_bits(self, bias: u32, shift: u32) -> Self;
    /// `if self > limit { limit } else { self }`, as [`Lanes::at_most`].
    #[inline(always)]
    fn at_most(self, limit: Self) -> Self {
        self.select_gt(limit, limit, self)
    }
}

/// [`Lanes32`] of exactly eight lanes, from `wide`'s vectors (the evaluator's storage) and to
/// arrays.
pub trait Lanes32x8: Lanes32 {
    /// The vector of the lanes of `v`.
    fn from_wide(v: f32x8) -> Self;
    /// The eight lanes.
    fn to_array(self) -> [f32; 8];
}

/// `wide`'s vectors implement [`Lanes`] with their own operations (SSE2 natively, `simd128`
/// in wasm).
macro_rules! wide_lanes {
    ($trait:ident, $f:ty, $u:ty, $float:ty, $int:ty) => {
        impl $trait for $f {
            #[inline(always)]
            fn splat(v: $float) -> Self {
                <$f>::splat(v)
            }
            #[inline(always)]
            fn abs(self) -> Self {
                <$f>::abs(self)
            }
            #[inline(always)]
            fn copysign(self, sign: Self) -> Self {
                <$f>::copysign(self, sign)
            }
            #[inline(always)]
            fn select_gt(self, limit: Self, then: Self, otherwise: Self) -> Self {
                self.cmp_gt(limit).blend(then, otherwise)
            }
            #[inline(always)]
            fn shifted_bits(self, bias: $int, shift: u32) -> Self {
                let bits: $u = bytemuck::cast(self);
                bytemuck::cast((bits + <$u>::splat(bias)) << shift)
            }
        }
    };
}

wide_lanes!(Lanes, f64x2, u64x2, f64, u64);
wide_lanes!(Lanes, f64x4, u64x4, f64, u64);
wide_lanes!(Lanes32, f32x4, u32x4, f32, u32);
wide_lanes!(Lanes32, f32x8, u32x8, f32, u32);

impl Lanes32x8 for f32x8 {
    #[inline(always)]
    fn from_wide(v: f32x8) -> Self {
        v
    }
    #[inline(always)]
    fn to_array(self) -> [f32; 8] {
        f32x8::to_array(self)
    }
}

impl Lanes4 for f64x4 {
    #[inline(always)]
    fn from_array(lanes: [f64; 4]) -> Self {
        f64x4::new(lanes)
    }
    #[inline(always)]
    fn to_array(self) -> [f64; 4] {
        f64x4::to_array(self)
    }
}

/// `G` independent vectors whose operations run step by step side by side: a kernel written
/// for one vector, run on this type, computes `G` of them with `G` independent chains of
/// operations (each lane's operations and their order unchanged), which keeps more of a CPU's
/// arithmetic units busy than one chain of dependent operations.
#[derive(Clone, Copy, Debug)]
pub struct Interleaved<V, const G: usize>(pub [V; G]);

impl<V: Lanes, const G: usize> Interleaved<V, G> {
    #[inline(always)]
    fn map(self, op: impl Fn(V) -> V) -> Self {
        let mut out = self.0;
        for v in &mut out {
            *v = op(*v);
        }
        Interleaved(out)
    }

    #[inline(always)]
    fn zip(self, other: Self, op: impl Fn(V, V) -> V) -> Self {
        let mut out = self.0;
        for (v, o) in out.iter_mut().zip(other.0) {
            *v = op(*v, o);
        }
        Interleaved(out)
    }
}

macro_rules! interleaved_binary {
    ($trait:ident, $method:ident) => {
        impl<V: Lanes, const G: usize> $trait for Interleaved<V, G> {
            type Output = Self;
            #[inline(always)]
            fn $method(self, rhs: Self) -> Self {
                self.zip(rhs, V::$method)
            }
        }
    };
}

interleaved_binary!(Add, add);
interleaved_binary!(Sub, sub);
interleaved_binary!(Mul, mul);
interleaved_binary!(Div, div);

impl<V: Lanes, const G: usize> AddAssign for Interleaved<V, G> {
    #[inline(always)]
    fn add_assign(&mut self, rhs: Self) {
        *self = *self + rhs;
    }
}

impl<V: Lanes, const G: usize> Lanes for Interleaved<V, G> {
    #[inline(always)]
    fn splat(v: f64) -> Self {
        Interleaved([V::splat(v); G])
    }
    #[inline(always)]
    fn abs(self) -> Self {
        self.map(V::abs)
    }
    #[inline(always)]
    fn copysign(self, sign: Self) -> Self {
        self.zip(sign, V::copysign)
    }
    #[inline(always)]
    fn select_gt(self, limit: Self, then: Self, otherwise: Self) -> Self {
        let mut out = self.0;
        for (i, v) in out.iter_mut().enumerate() {
            *v = v.select_gt(limit.0[i], then.0[i], otherwise.0[i]);
        }
        Interleaved(out)
    }
    #[inline(always)]
    fn shifted_bits(self, bias: u64, shift: u32) -> Self {
        self.map(|v| v.shifted_bits(bias, shift))
    }
    #[inline(always)]
    fn at_most(self, limit: Self) -> Self {
        self.zip(limit, V::at_most)
    }
}

#[cfg(target_arch = "x86_64")]
pub(crate) use avx::{Avx, Avx32};

#[cfg(target_arch = "x86_64")]
mod avx {
    use super::{Lanes, Lanes32, Lanes32x8, Lanes4};
    use std::arch::x86_64::*;
    use std::ops::{Add, AddAssign, Div, Mul, Sub};
    use wide::f32x8;

    /// Four `f64` lanes in one AVX register.
    ///
    /// Its operations are AVX instructions, so a value of this type may only be made and used
    /// on a CPU that has AVX2 and FMA: in this crate, only inside the functions compiled with
    /// `#[target_feature(enable = "avx2,fma")]` that [`super::Simd::Avx2`] selects after
    /// detecting those features. Every operation is `#[inline(always)]`, so that it becomes a
    /// single instruction inside those functions.
    #[derive(Clone, Copy, Debug)]
    #[repr(transparent)]
    pub struct Avx(__m256d);

    // SAFETY (every `unsafe` block below): the AVX and AVX2 instructions exist, since an `Avx`
    // value is only made after the CPU was found to have them (see the type's documentation).
    macro_rules! binary {
        ($type:ident, $trait:ident, $method:ident, $intrinsic:ident) => {
            impl $trait for $type {
                type Output = $type;
                #[inline(always)]
                fn $method(self, rhs: $type) -> $type {
                    $type(unsafe { $intrinsic(self.0, rhs.0) })
                }
            }
        };
    }

    binary!(Avx, Add, add, _mm256_add_pd);
    binary!(Avx, Sub, sub, _mm256_sub_pd);
    binary!(Avx, Mul, mul, _mm256_mul_pd);
    binary!(Avx, Div, div, _mm256_div_pd);

    impl AddAssign for Avx {
        #[inline(always)]
        fn add_assign(&mut self, rhs: Avx) {
            *self = *self + rhs;
        }
    }

    impl Lanes for Avx {
        #[inline(always)]
        fn splat(v: f64) -> Avx {
            Avx(unsafe { _mm256_set1_pd(v) })
        }
        #[inline(always)]
        fn abs(self) -> Avx {
            let magnitude = Avx::splat(f64::from_bits(u64::MAX >> 1));
            Avx(unsafe { _mm256_and_pd(self.0, magnitude.0) })
        }
        #[inline(always)]
        fn copysign(self, sign: Avx) -> Avx {
            // As `wide`: `(self & magnitude) | (sign & -0.0)`.
            let magnitude = Avx::splat(f64::from_bits(u64::MAX >> 1));
            let sign_bit = Avx::splat(-0.0);
            Avx(unsafe {
                _mm256_or_pd(
                    _mm256_and_pd(self.0, magnitude.0),
                    _mm256_and_pd(sign.0, sign_bit.0),
                )
            })
        }
        #[inline(always)]
        fn select_gt(self, limit: Avx, then: Avx, otherwise: Avx) -> Avx {
            Avx(unsafe {
                let mask = _mm256_cmp_pd::<_CMP_GT_OQ>(self.0, limit.0);
                _mm256_blendv_pd(otherwise.0, then.0, mask)
            })
        }
        #[inline(always)]
        fn shifted_bits(self, bias: u64, shift: u32) -> Avx {
            Avx(unsafe {
                let bits =
                    _mm256_add_epi64(_mm256_castpd_si256(self.0), _mm256_set1_epi64x(bias as i64));
                let count = _mm_set_epi64x(0, shift as i64);
                _mm256_castsi256_pd(_mm256_sll_epi64(bits, count))
            })
        }
        #[inline(always)]
        fn at_most(self, limit: Avx) -> Avx {
            // `vminpd limit, self` is `limit < self ? limit : self`, and `self` when either is
            // NaN: exactly `select_gt(limit, limit, self)`.
            Avx(unsafe { _mm256_min_pd(limit.0, self.0) })
        }
    }

    /// Eight `f32` lanes in one AVX register: `Avx` in 32 bits, under the same rule (made
    /// and used only inside functions compiled for AVX2 and FMA, after detection).
    #[derive(Clone, Copy, Debug)]
    #[repr(transparent)]
    pub struct Avx32(__m256);

    binary!(Avx32, Add, add, _mm256_add_ps);
    binary!(Avx32, Sub, sub, _mm256_sub_ps);
    binary!(Avx32, Mul, mul, _mm256_mul_ps);
    binary!(Avx32, Div, div, _mm256_div_ps);

    impl AddAssign for Avx32 {
        #[inline(always)]
        fn add_assign(&mut self, rhs: Avx32) {
            *self = *self + rhs;
        }
    }

    impl Lanes32 for Avx32 {
        #[inline(always)]
        fn splat(v: f32) -> Avx32 {
            Avx32(unsafe { _mm256_set1_ps(v) })
        }
        #[inline(always)]
        fn abs(self) -> Avx32 {
            let magnitude = Avx32::splat(f32::from_bits(u32::MAX >> 1));
            Avx32(unsafe { _mm256_and_ps(self.0, magnitude.0) })
        }
        #[inline(always)]
        fn copysign(self, sign: Avx32) -> Avx32 {
            let magnitude = Avx32::splat(f32::from_bits(u32::MAX >> 1));
            let sign_bit = Avx32::splat(-0.0);
            Avx32(unsafe {
                _mm256_or_ps(
                    _mm256_and_ps(self.0, magnitude.0),
                    _mm256_and_ps(sign.0, sign_bit.0),
                )
            })
        }
        #[inline(always)]
        fn select_gt(self, limit: Avx32, then: Avx32, otherwise: Avx32) -> Avx32 {
            Avx32(unsafe {
                let mask = _mm256_cmp_ps::<_CMP_GT_OQ>(self.0, limit.0);
                _mm256_blendv_ps(otherwise.0, then.0, mask)
            })
        }
        #[inline(always)]
        fn shifted_bits(self, bias: u32, shift: u32) -> Avx32 {
            Avx32(unsafe {
                let bits =
                    _mm256_add_epi32(_mm256_castps_si256(self.0), _mm256_set1_epi32(bias as i32));
                let count = _mm_set_epi64x(0, shift as i64);
                _mm256_castsi256_ps(_mm256_sll_epi32(bits, count))
            })
        }
        #[inline(always)]
        fn at_most(self, limit: Avx32) -> Avx32 {
            // As `Avx::at_most`.
            Avx32(unsafe { _mm256_min_ps(limit.0, self.0) })
        }
    }

    impl Lanes32x8 for Avx32 {
        #[inline(always)]
        fn from_wide(v: f32x8) -> Avx32 {
            let lanes = v.to_array();
            Avx32(unsafe { _mm256_loadu_ps(lanes.as_ptr()) })
        }
        #[inline(always)]
        fn to_array(self) -> [f32; 8] {
            let mut lanes = [0.0; 8];
            unsafe { _mm256_storeu_ps(lanes.as_mut_ptr(), self.0) };
            lanes
        }
    }

    impl Lanes4 for Avx {
        #[inline(always)]
        fn from_array(lanes: [f64; 4]) -> Avx {
            Avx(unsafe { _mm256_loadu_pd(lanes.as_ptr()) })
        }
        #[inline(always)]
        fn to_array(self) -> [f64; 4] {
            let mut lanes = [0.0; 4];
            unsafe { _mm256_storeu_pd(lanes.as_mut_ptr(), self.0) };
            lanes
        }
    }
}

/// `$avx2` (an `unsafe` call of a function compiled for AVX2 and FMA) if `$simd` is
/// [`Simd::Avx2`] and the CPU has it, `$baseline` otherwise; on other targets `$baseline`.
macro_rules! dispatch {
    ($simd:expr, $avx2:expr, $baseline:expr) => {{
        #[cfg(target_arch = "x86_64")]
        let result = if $simd.runs_avx2() {
            // SAFETY: the CPU has AVX2 and FMA (checked just above).
            unsafe { $avx2 }
        } else {
            $baseline
        };
        #[cfg(not(target_arch = "x86_64"))]
        let result = {
            let _ = $simd;
            $baseline
        };
        result
    }};
}
pub(crate) use dispatch;

/// Which instructions carry the four-lane kernels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Simd {
    /// `wide`'s portable vectors: SSE2 natively (two registers per four lanes), `simd128` in
    /// wasm32. Available everywhere; the golden values' path.
    Baseline,
    /// One AVX register per four lanes, in code compiled for AVX2 and FMA (x86-64 CPUs that
    /// have both). Bit-identical to [`Simd::Baseline`].
    Avx2,
}

/// The environment variable that forces a path: `sse2` or `baseline` for
/// [`Simd::Baseline`]; `avx2` or `auto` (or unset) for the best the CPU has.
pub const SIMD_ENV: &str = "ESCAPE_DIMS_SIMD";

impl Simd {
    /// Every path, baseline first.
    pub const ALL: [Simd; 2] = [Simd::Baseline, Simd::Avx2];

    /// A short lowercase name (`sse2` natively, `simd128` in wasm, for the baseline).
    pub fn name(self) -> &'static str {
        match self {
            Simd::Baseline if cfg!(target_arch = "wasm32") => "simd128",
            Simd::Baseline => "sse2",
            Simd::Avx2 => "avx2",
        }
    }

    /// Whether this CPU can run the path.
    pub fn is_available(self) -> bool {
        match self {
            Simd::Baseline => true,
            #[cfg(target_arch = "x86_64")]
            Simd::Avx2 => {
                std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("fma")
            }
            #[cfg(not(target_arch = "x86_64"))]
            Simd::Avx2 => false,
        }
    }

    /// The best path this CPU has, unless [`SIMD_ENV`] asks for the baseline; detected on the
    /// first call, then cached.
    pub fn detected() -> Simd {
        static DETECTED: OnceLock<Simd> = OnceLock::new();
        *DETECTED.get_or_init(|| {
            let forced = std::env::var(SIMD_ENV).unwrap_or_default();
            match forced.to_ascii_lowercase().as_str() {
                "sse2" | "baseline" | "simd128" => Simd::Baseline,
                _ if Simd::Avx2.is_available() => Simd::Avx2,
                _ => Simd::Baseline,
            }
        })
    }

    /// Whether `self` is the AVX2 path and this CPU can run it.
    #[inline]
    pub fn runs_avx2(self) -> bool {
        self == Simd::Avx2 && Simd::Avx2.is_available()
    }

    /// `self` if this CPU can run it, the baseline otherwise (so that asking for a path
    /// is always safe).
    pub fn or_baseline(self) -> Simd {
        if self.is_available() {
            self
        } else {
            Simd::Baseline
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_detected_path_is_available_and_the_baseline_always_is() {
        assert!(Simd::detected().is_available());
        assert!(Simd::Baseline.is_available());
        assert!(Simd::Avx2.or_baseline().is_available());
        if cfg!(not(target_arch = "x86_64")) {
            assert!(!Simd::Avx2.is_available());
        }
    }
}
