//! Colour maps: viridis (perceptually uniform, colour-blind safe) and a log-scale mapping.

/// Polynomial fit of matplotlib's viridis (Matt Zucker's degree-6 fit, error < 1/255-ish).
const VIRIDIS: [[f64; 3]; 7] = [
    [
        0.277_727_327_223_417_7,
        0.005_407_344_544_966_578,
        0.334_099_805_335_306_1,
    ],
    [
        0.105_093_043_108_577_4,
        1.404_613_529_898_575,
        1.384_590_162_594_685,
    ],
    [
        -0.330_861_828_725_556_3,
        0.214_847_559_468_213,
        0.095_095_163_028_236_59,
    ],
    [
        -4.634_230_498_983_486,
        -5.799_100_973_351_585,
        -19.332_440_956_279_87,
    ],
    [
        6.228_269_936_347_081,
        14.179_933_366_805_09,
        56.690_552_600_681_05,
    ],
    [
        4.776_384_997_670_288,
        -13.745_145_377_746_01,
        -65.353_032_633_372_34,
    ],
    [
        -5.435_455_855_934_631,
        4.645_852_612_178_535,
        26.312_435_249_583_2,
    ],
];

/// The viridis colour at `t` in `[0, 1]` (clamped), as RGB bytes.
pub fn viridis(t: f64) -> [u8; 3] {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mut rgb = [0u8; 3];
    for (ch, out) in rgb.iter_mut().enumerate() {
        let mut acc = VIRIDIS[6][ch];
        for k in (0..6).rev() {
            acc = VIRIDIS[k][ch] + t * acc;
        }
        *out = (acc.clamp(0.0, 1.0) * 255.0).round() as u8;
    }
    rgb
}

/// Maps positive values to `[0, 1]` on a logarithmic scale between `lo` and `hi`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogScale {
    log_lo: f64,
    log_hi: f64,
}

impl LogScale {
    /// A scale from `lo` to `hi` (both positive; widened if equal).
    pub fn new(lo: f64, hi: f64) -> LogScale {
        let lo = lo.max(f64::MIN_POSITIVE);
        let hi = hi.max(lo);
        let (mut log_lo, mut log_hi) = (lo.log10(), hi.log10());
        if log_hi - log_lo < 1e-9 {
            log_lo -= 0.5;
            log_hi += 0.5;
        }
        LogScale { log_lo, log_hi }
    }

    /// Position of `v` in `[0, 1]` (values outside are clamped; non-positive maps to 0).
    pub fn position(&self, v: f64) -> f64 {
        if v <= 0.0 || !v.is_finite() {
            return if v == f64::INFINITY { 1.0 } else { 0.0 };
        }
        ((v.log10() - self.log_lo) / (self.log_hi - self.log_lo)).clamp(0.0, 1.0)
    }

    /// The value at position `t` in `[0, 1]`.
    pub fn value_at(&self, t: f64) -> f64 {
        10f64.powf(self.log_lo + t * (self.log_hi - self.log_lo))
    }

    /// Log10 of the lower end.
    pub fn log_lo(&self) -> f64 {
        self.log_lo
    }

    /// Log10 of the upper end.
    pub fn log_hi(&self) -> f64 {
        self.log_hi
    }
}

/// Fills an RGBA buffer (`rows x cols`, row 0 at the top of the image) with viridis colours of
/// `values` on `scale`. `values` is row-major with row 0 at the *bottom* (plot convention); NaN
/// cells are drawn mid-grey.
pub fn heatmap_rgba(values: &[f64], rows: usize, cols: usize, scale: &LogScale) -> Vec<u8> {
    let mut out = vec![0u8; rows * cols * 4];
    for r in 0..rows {
        let img_row = rows - 1 - r;
        for c in 0..cols {
            let v = values[r * cols + c];
            let px = &mut out[(img_row * cols + c) * 4..(img_row * cols + c) * 4 + 4];
            let rgb = if v.is_nan() {
                [128, 128, 128]
            } else {
                viridis(scale.position(v))
            };
            px[..3].copy_from_slice(&rgb);
            px[3] = 255;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(c: [u8; 3]) -> f64 {
        0.2126 * c[0] as f64 + 0.7152 * c[1] as f64 + 0.0722 * c[2] as f64
    }

    #[test]
    fn viridis_endpoints_and_monotone_lightness() {
        let lo = viridis(0.0);
        let hi = viridis(1.0);
        assert!(
            lo.iter()
                .zip([68, 1, 84])
                .all(|(a, b)| (*a as i32 - b).abs() <= 3),
            "{lo:?}"
        );
        assert!(
            hi.iter()
                .zip([253, 231, 37])
                .all(|(a, b)| (*a as i32 - b).abs() <= 5),
            "{hi:?}"
        );
        let l: Vec<f64> = (0..=50)
            .map(|i| luminance(viridis(i as f64 / 50.0)))
            .collect();
        assert!(l.windows(2).all(|w| w[1] > w[0]), "{l:?}");
    }

    #[test]
    fn log_scale_positions() {
        let s = LogScale::new(1e-4, 1.0);
        assert!((s.position(1e-2) - 0.5).abs() < 1e-12);
        assert_eq!(s.position(1e-9), 0.0);
        assert_eq!(s.position(10.0), 1.0);
        assert_eq!(s.position(f64::NAN), 0.0);
        assert!((s.value_at(0.25) - 1e-3).abs() < 1e-15);
        let flat = LogScale::new(2.0, 2.0);
        assert!((flat.position(2.0) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn heatmap_flips_rows_and_is_opaque() {
        let values = vec![1.0, 1.0, 100.0, f64::NAN];
        let img = heatmap_rgba(&values, 2, 2, &LogScale::new(1.0, 100.0));
        assert_eq!(&img[8..11], &viridis(0.0));
        assert_eq!(&img[0..3], &viridis(1.0));
        assert_eq!(&img[4..7], &[128, 128, 128]);
        assert!(img.chunks(4).all(|p| p[3] == 255));
    }
}
