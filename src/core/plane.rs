//! Planes through parameter space, `centre + a*u + b*v`, for 2-D slices of the loss landscape:
//! filter-normalised random directions, the PCA plane of a trajectory, and the plane of two
//! Hessian eigenvectors.

use crate::core::network::Shape;
use crate::core::objective::Objective;
use crate::core::rng::{SeededRng, Stream};
use crate::core::spectrum::Spectrum;
use ndarray::Array2;

/// How a slice plane's directions are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaneKind {
    /// Two filter-normalised random directions (Li et al. 2018).
    Random,
    /// The first two principal components of the trajectory.
    Pca,
    /// Two Hessian eigenvectors (the lowest two by default).
    Hessian,
}

impl PlaneKind {
    /// Every kind, in menu order.
    pub const ALL: [PlaneKind; 3] = [PlaneKind::Random, PlaneKind::Pca, PlaneKind::Hessian];

    /// Short name used in URLs.
    pub fn name(self) -> &'static str {
        match self {
            PlaneKind::Random => "random",
            PlaneKind::Pca => "pca",
            PlaneKind::Hessian => "hessian",
        }
    }

    /// Parses a name produced by [`PlaneKind::name`].
    pub fn from_name(name: &str) -> Option<PlaneKind> {
        PlaneKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// A plane `centre + a*u + b*v` in parameter space, with axis names for plots.
#[derive(Clone, Debug, PartialEq)]
pub struct Plane {
    /// The point at `(0, 0)`.
    pub centre: Vec<f64>,
    /// Direction of the first coordinate.
    pub u: Vec<f64>,
    /// Direction of the second coordinate.
    pub v: Vec<f64>,
    /// Label of the first axis.
    pub u_label: String,
    /// Label of the second axis.
    pub v_label: String,
}

fn dot(x: &[f64], y: &[f64]) -> f64 {
    x.iter().zip(y).map(|(a, b)| a * b).sum()
}

fn norm(x: &[f64]) -> f64 {
    dot(x, x).sqrt()
}

impl Plane {
    /// The point with plane coordinates `(a, b)`, written into `out`.
    pub fn point_into(&self, a: f64, b: f64, out: &mut [f64]) {
        for (((o, c), u), v) in out.iter_mut().zip(&self.centre).zip(&self.u).zip(&self.v) {
            *o = c + a * u + b * v;
        }
    }

    /// The point with plane coordinates `(a, b)`.
    pub fn point(&self, a: f64, b: f64) -> Vec<f64> {
        let mut out = vec![0.0; self.centre.len()];
        self.point_into(a, b, &mut out);
        out
    }

    /// Plane coordinates of the orthogonal projection of `p` onto the plane (least squares, so
    /// `u` and `v` need not be orthogonal). A point in the plane projects to its own coordinates.
    pub fn project(&self, p: &[f64]) -> (f64, f64) {
        let diff: Vec<f64> = p.iter().zip(&self.centre).map(|(x, c)| x - c).collect();
        let (uu, uv, vv) = (
            dot(&self.u, &self.u),
            dot(&self.u, &self.v),
            dot(&self.v, &self.v),
        );
        let (du, dv) = (dot(&diff, &self.u), dot(&diff, &self.v));
        let det = uu * vv - uv * uv;
        if det.abs() <= 1e-300 {
            return if uu > 0.0 { (du / uu, 0.0) } else { (0.0, 0.0) };
        }
        ((vv * du - uv * dv) / det, (uu * dv - uv * du) / det)
    }

    /// Two filter-normalised random directions through `centre` (Li et al. 2018): each hidden
    /// neuron's incoming weights, and the output neuron's incoming weights, are rescaled to the
    /// norm of that neuron's weights at `centre`. Biases are included in a neuron's incoming
    /// vector if `include_biases`, otherwise their direction components are zero.
    pub fn random(shape: Shape, centre: &[f64], seed: u64, include_biases: bool) -> Plane {
        let mut rng = SeededRng::new(seed, Stream::Directions);
        let u = filter_normalised_direction(shape, centre, &mut rng, include_biases);
        let v = filter_normalised_direction(shape, centre, &mut rng, include_biases);
        Plane {
            centre: centre.to_vec(),
            u,
            v,
            u_label: "random direction 1 (filter-normalised)".into(),
            v_label: "random direction 2 (filter-normalised)".into(),
        }
    }

    /// The plane through `centre` spanned by the first two principal components of the points
    /// `trajectory - centre` (Li et al. 2018 use the final point as centre). Each direction is
    /// scaled to 1.25 times the trajectory's largest excursion along it, so that coordinates in
    /// [-1, 1] frame the whole path. `None` if the trajectory spans less than two dimensions.
    pub fn pca(trajectory: &[Vec<f64>], centre: &[f64]) -> Option<Plane> {
        let diffs: Vec<Vec<f64>> = trajectory
            .iter()
            .map(|p| p.iter().zip(centre).map(|(x, c)| x - c).collect())
            .collect();
        let m = diffs.len();
        if m < 2 {
            return None;
        }
        // Eigenvectors of the small m x m Gram matrix give the principal directions.
        let mut gram = Array2::zeros((m, m));
        for i in 0..m {
            for j in i..m {
                let g = dot(&diffs[i], &diffs[j]);
                gram[(i, j)] = g;
                gram[(j, i)] = g;
            }
        }
        let spectrum = Spectrum::of_symmetric(&gram);
        let total: f64 = spectrum.values.iter().map(|v| v.max(0.0)).sum();
        let mut dirs = Vec::new();
        let mut explained = Vec::new();
        for (value, coeffs) in spectrum.values.iter().zip(&spectrum.vectors).rev().take(2) {
            if *value <= 1e-24 * total.max(1e-300) || *value <= 0.0 {
                return None;
            }
            let mut dir = vec![0.0; centre.len()];
            for (c, d) in coeffs.iter().zip(&diffs) {
                for (o, x) in dir.iter_mut().zip(d) {
                    *o += c * x;
                }
            }
            let n = norm(&dir);
            dir.iter_mut().for_each(|x| *x /= n);
            let reach = diffs.iter().map(|d| dot(d, &dir).abs()).fold(0.0, f64::max);
            dir.iter_mut().for_each(|x| *x *= 1.25 * reach);
            dirs.push(dir);
            explained.push(100.0 * value / total);
        }
        let v = dirs.pop()?;
        let u = dirs.pop()?;
        Some(Plane {
            centre: centre.to_vec(),
            u,
            v,
            u_label: format!("PC1 ({:.1}% of path variance)", explained[0]),
            v_label: format!("PC2 ({:.1}% of path variance)", explained[1]),
        })
    }

    /// The plane through `centre` of Hessian eigenvectors `first` and `second` (indices into
    /// the ascending spectrum: 0 and 1 are the lowest two). Unit eigenvectors are scaled to the
    /// norm of `centre`, the same units as the filter-normalised random plane.
    pub fn hessian(
        objective: &Objective<'_>,
        centre: &[f64],
        first: usize,
        second: usize,
    ) -> (Plane, Spectrum) {
        let spectrum = Spectrum::of_symmetric(&objective.hessian(centre));
        let last = spectrum.values.len().saturating_sub(1);
        let (i, j) = (first.min(last), second.min(last));
        let scale = norm(centre).max(1e-12);
        let scaled = |k: usize| spectrum.vectors[k].iter().map(|x| x * scale).collect();
        let plane = Plane {
            centre: centre.to_vec(),
            u: scaled(i),
            v: scaled(j),
            u_label: format!("eigenvector {} (λ = {:.1e})", i + 1, spectrum.values[i]),
            v_label: format!("eigenvector {} (λ = {:.1e})", j + 1, spectrum.values[j]),
        };
        (plane, spectrum)
    }
}

/// Largest plane coordinate of the start of an escape plane (its end is at the centre; the
/// slice is drawn over `[-1, 1]²`, so the start keeps a margin).
pub const ESCAPE_START_SPAN: f64 = 0.7;

impl Plane {
    /// The plane that contains an escape: through `start` (the widened point) and `end` (where
    /// training on from it ended, or is now), spanned by the escape `direction` (the lowest
    /// Hessian eigenvector at `start`, oriented towards `end`) and the part of `end - start`
    /// orthogonal to it. The centre is `end` (so the grid point at the centre of an odd grid
    /// shows its loss exactly); both axes have the same unit, chosen so that `start` lies
    /// within `[-ESCAPE_START_SPAN, ESCAPE_START_SPAN]²`. Both ends project exactly onto
    /// themselves. `lambda` labels the escape axis.
    pub fn escape(start: &[f64], end: &[f64], direction: &[f64], lambda: f64) -> Plane {
        let d: Vec<f64> = end.iter().zip(start).map(|(e, s)| e - s).collect();
        let mut u: Vec<f64> = direction.to_vec();
        let un = norm(&u).max(1e-300);
        u.iter_mut().for_each(|x| *x /= un);
        if dot(&d, &u) < 0.0 {
            u.iter_mut().for_each(|x| *x = -*x);
        }
        let a = dot(&d, &u);
        let mut v: Vec<f64> = d.iter().zip(&u).map(|(x, ui)| x - a * ui).collect();
        let mut b = norm(&v);
        if b <= 1e-12 * norm(&d).max(1e-300) {
            // The path runs along the escape direction: any orthogonal axis will do.
            let k = (0..u.len())
                .min_by(|&i, &j| u[i].abs().total_cmp(&u[j].abs()))
                .unwrap_or(0);
            v = (0..u.len())
                .map(|i| if i == k { 1.0 } else { 0.0 } - u[k] * u[i])
                .collect();
            b = 0.0;
        }
        let vn = norm(&v).max(1e-300);
        v.iter_mut().for_each(|x| *x /= vn);
        let unit = (a.max(b) / ESCAPE_START_SPAN).max(1e-6);
        Plane {
            centre: end.to_vec(),
            u: u.iter().map(|x| x * unit).collect(),
            v: v.iter().map(|x| x * unit).collect(),
            u_label: format!("escape direction (λ = {lambda:.1e})"),
            v_label: "towards the end point".into(),
        }
    }
}

/// A random direction with each neuron's incoming block rescaled to that block's norm in `centre`.
fn filter_normalised_direction(
    shape: Shape,
    centre: &[f64],
    rng: &mut SeededRng,
    include_biases: bool,
) -> Vec<f64> {
    let mut dir: Vec<f64> = (0..shape.num_params()).map(|_| rng.normal()).collect();
    if !include_biases {
        for j in 0..shape.width {
            dir[shape.bias(j)] = 0.0;
        }
        dir[shape.output_bias()] = 0.0;
    }
    // Index sets of each neuron's incoming weights: hidden neurons, then the output neuron.
    let mut blocks: Vec<Vec<usize>> = (0..shape.width)
        .map(|j| {
            let mut b: Vec<usize> = (0..shape.input_dim)
                .map(|k| shape.input_weight(j, k))
                .collect();
            if include_biases {
                b.push(shape.bias(j));
            }
            b
        })
        .collect();
    let mut out_block: Vec<usize> = shape.output_weights().collect();
    if include_biases {
        out_block.push(shape.output_bias());
    }
    blocks.push(out_block);
    for block in blocks {
        let target = block
            .iter()
            .map(|&i| centre[i] * centre[i])
            .sum::<f64>()
            .sqrt();
        let have = block.iter().map(|&i| dir[i] * dir[i]).sum::<f64>().sqrt();
        let factor = if have > 0.0 { target / have } else { 0.0 };
        for i in block {
            dir[i] *= factor;
        }
    }
    dir
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::task::{Task, TaskConfig};

    #[test]
    fn the_escape_plane_contains_both_ends_inside_the_frame() {
        let start: Vec<f64> = (0..9).map(|i| (i as f64 * 0.7).cos()).collect();
        let end: Vec<f64> = start
            .iter()
            .enumerate()
            .map(|(i, s)| s + 0.3 * (i as f64).sin() - 0.1)
            .collect();
        let mut direction = vec![0.0; 9];
        direction[2] = -2.0; // not unit, pointing away from the end: both are corrected
        direction[5] = 0.5;
        let plane = Plane::escape(&start, &end, &direction, -0.01);
        let (sa, sb) = plane.project(&start);
        let (ea, eb) = plane.project(&end);
        assert!(sa.abs() <= ESCAPE_START_SPAN + 1e-12 && sb.abs() <= ESCAPE_START_SPAN + 1e-12);
        assert!(
            ea.abs() < 1e-12 && eb.abs() < 1e-12,
            "the end is the centre"
        );
        assert!(
            ea > sa,
            "the escape axis points towards the end: {sa} -> {ea}"
        );
        // Both ends are in the plane: their projections map back onto them.
        for (p, (a, b)) in [(&start, (sa, sb)), (&end, (ea, eb))] {
            let back = plane.point(a, b);
            let err = back
                .iter()
                .zip(p)
                .map(|(x, y)| (x - y).abs())
                .fold(0.0, f64::max);
            assert!(err < 1e-12, "{err}");
        }
        assert!(dot(&plane.u, &plane.v).abs() < 1e-12);
        // A path straight along the escape direction still gives a plane.
        let along: Vec<f64> = start.iter().zip(&direction).map(|(s, d)| s + d).collect();
        let p2 = Plane::escape(&start, &along, &direction, -0.01);
        assert!(norm(&p2.v) > 0.0 && dot(&p2.u, &p2.v).abs() < 1e-12);
    }

    #[test]
    fn points_in_the_plane_project_exactly() {
        let shape = Shape::new(2, 3);
        let centre: Vec<f64> = (0..shape.num_params())
            .map(|i| (i as f64 * 0.37).sin())
            .collect();
        let plane = Plane::random(shape, &centre, 9, true);
        for &(a, b) in &[(0.0, 0.0), (0.3, -0.7), (-1.0, 1.0), (0.125, 0.5)] {
            let (pa, pb) = plane.project(&plane.point(a, b));
            assert!(
                (pa - a).abs() < 1e-12 && (pb - b).abs() < 1e-12,
                "({a},{b}) -> ({pa},{pb})"
            );
        }
    }

    #[test]
    fn filter_normalisation_matches_each_neuron_norm() {
        let shape = Shape::new(2, 4);
        let centre: Vec<f64> = (0..shape.num_params())
            .map(|i| 0.1 + (i as f64).cos())
            .collect();
        for include_biases in [false, true] {
            let plane = Plane::random(shape, &centre, 3, include_biases);
            for j in 0..shape.width {
                let mut idx = vec![shape.input_weight(j, 0), shape.input_weight(j, 1)];
                if include_biases {
                    idx.push(shape.bias(j));
                } else {
                    assert_eq!(plane.u[shape.bias(j)], 0.0);
                }
                let n_dir: f64 = idx.iter().map(|&i| plane.u[i].powi(2)).sum::<f64>().sqrt();
                let n_c: f64 = idx.iter().map(|&i| centre[i].powi(2)).sum::<f64>().sqrt();
                assert!((n_dir - n_c).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn pca_plane_of_a_straight_line_contains_it() {
        let dim = 7;
        let start: Vec<f64> = (0..dim).map(|i| i as f64).collect();
        let dir: Vec<f64> = (0..dim).map(|i| ((i * i) as f64).sin()).collect();
        // A straight path with a small bend so that two components exist.
        let bend: Vec<f64> = (0..dim).map(|i| if i == 3 { 1e-3 } else { 0.0 }).collect();
        let path: Vec<Vec<f64>> = (0..20)
            .map(|t| {
                let t = t as f64 / 19.0;
                (0..dim)
                    .map(|i| start[i] + t * dir[i] + t * (1.0 - t) * bend[i])
                    .collect()
            })
            .collect();
        let centre = path.last().cloned().unwrap_or_default();
        let plane = Plane::pca(&path, &centre).expect("two components");
        for p in &path {
            let (a, b) = plane.project(p);
            let back = plane.point(a, b);
            let err: f64 = back
                .iter()
                .zip(p)
                .map(|(x, y)| (x - y).powi(2))
                .sum::<f64>()
                .sqrt();
            assert!(err < 1e-9, "residual {err}");
            assert!(
                a.abs() <= 0.81 && b.abs() <= 0.81,
                "path fits the frame: {a} {b}"
            );
        }
        assert!(plane.u_label.starts_with("PC1"));
    }

    #[test]
    fn pca_of_a_single_point_is_none() {
        assert!(Plane::pca(&[vec![1.0, 2.0]], &[1.0, 2.0]).is_none());
    }

    #[test]
    fn hessian_plane_uses_the_lowest_eigenvectors() {
        let task = Task::generate(TaskConfig {
            samples: 64,
            ..TaskConfig::default()
        });
        let obj = Objective::new(&task, 3);
        let centre: Vec<f64> = (0..obj.num_params())
            .map(|i| (i as f64 * 0.9).sin())
            .collect();
        let (plane, spectrum) = Plane::hessian(&obj, &centre, 0, 1);
        let hess = obj.hessian(&centre);
        let u = ndarray::Array1::from(plane.u.clone());
        let hu = hess.dot(&u);
        for i in 0..u.len() {
            assert!((hu[i] - spectrum.values[0] * u[i]).abs() < 1e-9);
        }
        assert!(spectrum.values[0] <= spectrum.values[1]);
    }
}
