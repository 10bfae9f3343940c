//! Symmetric eigen-decomposition (of Hessians and Gram matrices) with nalgebra.

use nalgebra::{DMatrix, SymmetricEigen};
use ndarray::Array2;

/// Eigenvalues in ascending order with their unit eigenvectors.
#[derive(Clone, Debug)]
pub struct Spectrum {
    /// Eigenvalues, smallest first.
    pub values: Vec<f64>,
    /// `vectors[i]` is the unit eigenvector of `values[i]`.
    pub vectors: Vec<Vec<f64>>,
}

impl Spectrum {
    /// Decomposes a symmetric matrix (only its symmetric part is used).
    pub fn of_symmetric(m: &Array2<f64>) -> Spectrum {
        let n = m.nrows();
        let mat = DMatrix::from_fn(n, n, |i, j| 0.5 * (m[[i, j]] + m[[j, i]]));
        let eig = SymmetricEigen::new(mat);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&i, &j| eig.eigenvalues[i].total_cmp(&eig.eigenvalues[j]));
        let values = order.iter().map(|&i| eig.eigenvalues[i]).collect();
        let vectors = order
            .iter()
            .map(|&i| eig.eigenvectors.column(i).iter().copied().collect())
            .collect();
        Spectrum { values, vectors }
    }

    /// Number of eigenvalues below `-tolerance`.
    pub fn count_negative(&self, tolerance: f64) -> usize {
        self.values.iter().filter(|&&v| v < -tolerance).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eigenpairs_satisfy_the_definition_and_are_sorted() {
        let m = ndarray::arr2(&[[2.0, 1.0, 0.0], [1.0, -1.0, 0.5], [0.0, 0.5, 3.0]]);
        let s = Spectrum::of_symmetric(&m);
        assert!(s.values.windows(2).all(|w| w[0] <= w[1]));
        for (lambda, v) in s.values.iter().zip(&s.vectors) {
            let mv = m.dot(&ndarray::Array1::from(v.clone()));
            for i in 0..3 {
                assert!((mv[i] - lambda * v[i]).abs() < 1e-12);
            }
            let norm: f64 = v.iter().map(|x| x * x).sum();
            assert!((norm - 1.0).abs() < 1e-12);
        }
        assert_eq!(s.count_negative(1e-9), 1);
    }
}
