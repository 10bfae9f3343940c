//! Statistics of success rates: Wilson intervals and the lottery-ticket predictions.

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval for `successes` out of `runs` at normal quantile `z`.
/// Returns `(0, 1)` for zero runs.
pub fn wilson_interval(successes: usize, runs: usize, z: f64) -> (f64, f64) {
    if runs == 0 {
        return (0.0, 1.0);
    }
    let n = runs as f64;
    let p = successes as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    // Exact ends for all-fail and all-succeed (the formula gives them up to rounding).
    let lo = if successes == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if successes == runs {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (lo, hi)
}

/// Natural log of the binomial coefficient `C(n, k)` (0 for k > n is not used: returns -inf).
pub fn ln_binomial(n: usize, k: usize) -> f64 {
    if k > n {
        return f64::NEG_INFINITY;
    }
    let k = k.min(n - k);
    (0..k)
        .map(|i| ((n - i) as f64).ln() - ((i + 1) as f64).ln())
        .sum()
}

/// Success predicted by the lottery picture with `tickets` independent tickets, each winning
/// with probability `p`: `1 - (1 - p)^tickets`, computed stably for huge ticket counts given as
/// a natural log.
fn one_minus_power(p: f64, ln_tickets: f64) -> f64 {
    if p <= 0.0 || ln_tickets == f64::NEG_INFINITY {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    // (1-p)^T = exp(T * ln(1-p))
    let exponent = ln_tickets.exp() * (-p).ln_1p();
    -exponent.exp_m1()
}

/// Disjoint restarts: a width-`n` net holds `floor(n/k)` disjoint width-`k` tickets.
pub fn lottery_disjoint(p: f64, n: usize, k: usize) -> f64 {
    let tickets = n / k.max(1);
    if tickets == 0 {
        return 0.0;
    }
    one_minus_power(p, (tickets as f64).ln())
}

/// Every `k`-subset of the `n` neurons is a ticket: `C(n, k)` tickets.
pub fn lottery_combinatorial(p: f64, n: usize, k: usize) -> f64 {
    one_minus_power(p, ln_binomial(n, k))
}

/// Median of finite values (NaN if none).
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        0.5 * (v[m - 1] + v[m])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_a_textbook_value() {
        // 8 of 10 at 95%: (0.490, 0.943) (Wilson 1927; e.g. Agresti & Coull 1998).
        let (lo, hi) = wilson_interval(8, 10, Z95);
        assert!(
            (lo - 0.4902).abs() < 1e-3 && (hi - 0.9433).abs() < 1e-3,
            "{lo} {hi}"
        );
        let (lo, hi) = wilson_interval(0, 40, Z95);
        assert_eq!(lo, 0.0);
        assert!(hi > 0.05 && hi < 0.1);
        assert_eq!(wilson_interval(0, 0, Z95), (0.0, 1.0));
    }

    #[test]
    fn lottery_predictions_follow_their_formulas() {
        let p = 0.42;
        assert_eq!(lottery_disjoint(p, 3, 4), 0.0);
        assert!((lottery_disjoint(p, 4, 4) - p).abs() < 1e-12);
        assert!((lottery_disjoint(p, 9, 4) - (1.0 - 0.58f64.powi(2))).abs() < 1e-12);
        assert!((lottery_combinatorial(p, 6, 4) - (1.0 - 0.58f64.powi(15))).abs() < 1e-12);
        // The science notes: with p_4 = 0.42 the combinatorial count predicts ~1 at width 6.
        assert!(lottery_combinatorial(p, 6, 4) > 0.9997);
        assert!((lottery_combinatorial(p, 64, 4) - 1.0).abs() < 1e-12);
        assert!((ln_binomial(10, 3) - 120f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0, f64::NAN]), 2.5);
        assert!(median(&[]).is_nan());
    }
}
