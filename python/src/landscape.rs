//! Loss-landscape slices from Python: the page's planes (random, PCA of a trajectory, the two
//! lowest Hessian eigenvectors) through a point, with exact 64-bit losses on the grid.

use crate::{array, matrix, params_of, settings_of, shape_of, task_of};
use escape_dims::core::objective::Objective;
use escape_dims::core::plane::{Plane, PlaneKind};
use escape_dims::core::slice::Slice;
use numpy::{PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The trajectory of a PCA plane: a 2-D float64 array of finite points, one per row.
fn trajectory_of(t: &Bound<'_, PyAny>, n: usize) -> PyResult<Vec<Vec<f64>>> {
    let arr: PyReadonlyArray2<'_, f64> = t.extract().map_err(|_| {
        PyValueError::new_err(format!(
            "trajectory must be a 2-D numpy array of float64, one point of {n} parameters a row"
        ))
    })?;
    if arr.shape()[1] != n {
        return Err(PyValueError::new_err(format!(
            "trajectory rows have {} entries; this student has {n} parameters",
            arr.shape()[1]
        )));
    }
    let rows: Vec<Vec<f64>> = arr
        .as_array()
        .rows()
        .into_iter()
        .map(|r| r.to_vec())
        .collect();
    if rows.iter().flatten().any(|x| !x.is_finite()) {
        return Err(PyValueError::new_err("trajectory points must be finite"));
    }
    Ok(rows)
}

/// The loss on the `res` x `res` grid of the plane `plane` (a setting: `random`, `pca`,
/// `hessian`) through `params`, coordinates in [-`extent`, `extent`]: `losses[i, j]` is the
/// loss at `centre + a[j] u + b[i] v`. The random plane is drawn from `seed` (biases moved when
/// `biases` is on), as on the page; the PCA plane needs `trajectory` (points as rows).
#[pyfunction]
#[pyo3(name = "slice", signature = (params, trajectory=None, **kwargs))]
pub fn landscape_slice<'py>(
    py: Python<'py>,
    params: &Bound<'py, PyAny>,
    trajectory: Option<&Bound<'py, PyAny>>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let s = settings_of(kwargs)?;
    let shape = shape_of(&s);
    let n = shape.num_params();
    let centre = params_of(params, n, "params")?;
    let trajectory = match trajectory {
        Some(t) => Some(trajectory_of(t, n)?),
        None => None,
    };
    let kind = s.plane_kind();
    if kind == PlaneKind::Pca && trajectory.is_none() {
        return Err(PyValueError::new_err(
            "the PCA plane needs a trajectory: pass trajectory= (points as rows)",
        ));
    }
    let (res, extent) = (s.resolution as usize, s.extent);
    let (slice, min_eigenvalue) = py
        .detach(|| -> Result<(Slice, Option<f64>), String> {
            let task = task_of(&s);
            let objective = Objective::new(&task, s.width as usize);
            let (plane, min) = match kind {
                PlaneKind::Random => (
                    Plane::random(shape, &centre, s.seed as u64, s.random_plane_moves_biases()),
                    None,
                ),
                PlaneKind::Pca => (
                    Plane::pca(trajectory.as_deref().unwrap_or_default(), &centre).ok_or(
                        "the trajectory spans less than two dimensions: no PCA plane".to_string(),
                    )?,
                    None,
                ),
                PlaneKind::Hessian => {
                    let (plane, min) = escape_dims::jobs::hessian_plane(&objective, &centre);
                    (plane, Some(min))
                }
            };
            let mut slice = Slice::new(plane, res, extent);
            slice.compute_all(&objective);
            Ok((slice, min))
        })
        .map_err(PyValueError::new_err)?;
    let r = slice.resolution;
    let coords: Vec<f64> = (0..r).map(|i| slice.coord(i)).collect();
    let d = PyDict::new(py);
    d.set_item("a", array(py, coords.clone()))?;
    d.set_item("b", array(py, coords))?;
    d.set_item("losses", matrix(py, slice.values.clone(), r, r)?)?;
    d.set_item("centre", array(py, slice.plane.centre.clone()))?;
    d.set_item("u", array(py, slice.plane.u.clone()))?;
    d.set_item("v", array(py, slice.plane.v.clone()))?;
    d.set_item("u_label", slice.plane.u_label.clone())?;
    d.set_item("v_label", slice.plane.v_label.clone())?;
    d.set_item("plane", kind.name())?;
    d.set_item("min_eigenvalue", min_eigenvalue)?;
    Ok(d)
}
