//! `escape_dims._engine`: the Escape Dimensions engine for Python, numpy arrays in and out.
//!
//! Every function takes the page's settings as keyword arguments named by their URL keys
//! (`width`, `teacher`, `dim`, `samples`, `act`, `opt`, `lr`, `seed`, `tseed`, `steps`, `thr`,
//! `widths`, `runs`, `esteps`, ...: the one table in `escape_dims::settings`), so a Python call
//! computes exactly what the same link computes on the page. A value outside its range, an
//! unknown key, or an array of the wrong shape, dtype or with a NaN raises `ValueError` with
//! the message the page would show; the engine never crashes the interpreter. Long computations
//! release the GIL, and the experiments use every core (rayon), as the `figures` command does.

mod experiments;
mod landscape;

use escape_dims::core::critical::classify;
use escape_dims::core::embed::{add_silent_neuron, split_neuron};
use escape_dims::core::network::{Network, Shape};
use escape_dims::core::objective::Objective;
use escape_dims::core::rng::{SeededRng, Stream};
use escape_dims::core::spectrum::Spectrum;
use escape_dims::core::task::Task;
use escape_dims::core::train::{TrainConfig, Trainer};
use escape_dims::experiments::parallel::par_map;
use escape_dims::experiments::sweep::{self, SweepRun};
use escape_dims::jobs;
use escape_dims::settings::{Settings, PROPERTIES};
use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::sync::Arc;

/// The settings of the keyword arguments, or `ValueError` saying what is wrong with them.
pub(crate) fn settings_of(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Settings> {
    let mut hash = String::new();
    if let Some(kw) = kwargs {
        for (k, v) in kw.iter() {
            let key: String = k.extract()?;
            if !PROPERTIES.iter().any(|p| p.key == key) {
                let known: Vec<&str> = PROPERTIES.iter().map(|p| p.key).collect();
                return Err(PyValueError::new_err(format!(
                    "unknown setting '{key}'; the settings are {}",
                    known.join(", ")
                )));
            }
            let value = if let Ok(b) = v.extract::<bool>() {
                if b { "1" } else { "0" }.to_string()
            } else if let Ok(list) = v.extract::<Vec<i64>>() {
                list.iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            } else {
                v.str()?.to_string()
            };
            if value.contains(['&', '=', '#']) {
                return Err(PyValueError::new_err(format!(
                    "{key}={value:?} refused: not a value of this setting"
                )));
            }
            hash.push_str(&format!("{key}={value}&"));
        }
    }
    let (settings, notices) = Settings::from_hash(&hash);
    if let Some(n) = notices.first() {
        return Err(PyValueError::new_err(format!("{}: {}", n.key, n.message)));
    }
    Ok(settings)
}

/// The task of the settings.
pub(crate) fn task_of(s: &Settings) -> Arc<Task> {
    Arc::new(Task::generate(s.task_config()))
}

/// A data set given from Python: inputs (N x d) and targets (N), or neither.
type Data = Option<(numpy::ndarray::Array2<f64>, Vec<f64>)>;

/// The `inputs` and `targets` arguments: both or neither; N x `dim` and N finite float64.
fn data_of(
    s: &Settings,
    inputs: Option<&Bound<'_, PyAny>>,
    targets: Option<&Bound<'_, PyAny>>,
) -> PyResult<Data> {
    let (inputs, targets) = match (inputs, targets) {
        (None, None) => return Ok(None),
        (Some(x), Some(y)) => (x, y),
        _ => {
            return Err(PyValueError::new_err(
                "give inputs and targets together (or neither, for the settings' task)",
            ))
        }
    };
    let d = s.input_dim as usize;
    let x: numpy::PyReadonlyArray2<'_, f64> = inputs.extract().map_err(|_| {
        PyValueError::new_err(format!(
            "inputs must be a 2-D numpy array of float64, N x {d}"
        ))
    })?;
    let y: PyReadonlyArray1<'_, f64> = targets
        .extract()
        .map_err(|_| PyValueError::new_err("targets must be a 1-D numpy array of float64"))?;
    let x = x.as_array().to_owned();
    let y = y.as_array().to_vec();
    if x.ncols() != d || x.nrows() != y.len() || y.is_empty() {
        return Err(PyValueError::new_err(format!(
            "inputs are {} x {} and targets have {} entries: need N x {d} (dim = {d}) and N",
            x.nrows(),
            x.ncols(),
            y.len()
        )));
    }
    if x.iter().chain(&y).any(|v| !v.is_finite()) {
        return Err(PyValueError::new_err("inputs and targets must be finite"));
    }
    Ok(Some((x, y)))
}

/// The task of the settings, or the given data with the settings' activation (targets used as
/// given, no teacher).
fn task_with(s: &Settings, data: Data) -> Arc<Task> {
    match data {
        None => task_of(s),
        Some((inputs, targets)) => Arc::new(Task {
            config: escape_dims::core::task::TaskConfig {
                samples: targets.len(),
                ..s.task_config()
            },
            inputs,
            targets,
            teacher: Vec::new(),
            target_mean: 0.0,
            target_std: 1.0,
        }),
    }
}

/// A parameter vector: a 1-D float64 array of `n` finite numbers, or `ValueError`.
pub(crate) fn params_of(array: &Bound<'_, PyAny>, n: usize, what: &str) -> PyResult<Vec<f64>> {
    let arr: PyReadonlyArray1<'_, f64> = array.extract().map_err(|_| {
        PyValueError::new_err(format!(
            "{what} must be a 1-D numpy array of float64 with {n} entries"
        ))
    })?;
    if arr.len() != n {
        return Err(PyValueError::new_err(format!(
            "{what} has {} entries; this student has {n} parameters",
            arr.len()
        )));
    }
    let v = arr.as_array().to_vec();
    if let Some(i) = v.iter().position(|x| !x.is_finite()) {
        return Err(PyValueError::new_err(format!(
            "{what}[{i}] is {}: parameters must be finite",
            v[i]
        )));
    }
    Ok(v)
}

/// A numpy vector of `v`.
pub(crate) fn array<'py>(py: Python<'py>, v: Vec<f64>) -> Bound<'py, PyArray1<f64>> {
    PyArray1::from_vec(py, v)
}

/// A numpy `rows` x `cols` matrix of the row-major `flat`.
pub(crate) fn matrix<'py>(
    py: Python<'py>,
    flat: Vec<f64>,
    rows: usize,
    cols: usize,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(PyArray1::from_vec(py, flat)
        .reshape([rows, cols])?
        .into_any())
}

/// The student shape of the settings.
pub(crate) fn shape_of(s: &Settings) -> Shape {
    Shape::new(s.input_dim as usize, s.width as usize)
}

/// The settings as a dict of URL values (every key, defaults filled in).
#[pyfunction]
#[pyo3(signature = (**kwargs))]
fn settings<'py>(
    py: Python<'py>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let s = settings_of(kwargs)?;
    let d = PyDict::new(py);
    for p in PROPERTIES {
        d.set_item(p.key, s.text(p.key))?;
    }
    Ok(d)
}

/// The task: inputs (N x d), standardised targets (N) and the teacher's parameters.
#[pyfunction]
#[pyo3(signature = (**kwargs))]
fn task<'py>(py: Python<'py>, kwargs: Option<&Bound<'py, PyDict>>) -> PyResult<Bound<'py, PyDict>> {
    let s = settings_of(kwargs)?;
    let t = task_of(&s);
    let d = PyDict::new(py);
    let (n, dim) = t.inputs.dim();
    d.set_item(
        "inputs",
        matrix(py, t.inputs.iter().copied().collect(), n, dim)?,
    )?;
    d.set_item("targets", array(py, t.targets.clone()))?;
    d.set_item("teacher", array(py, t.teacher.clone()))?;
    d.set_item("target_mean", t.target_mean)?;
    d.set_item("target_std", t.target_std)?;
    Ok(d)
}

/// The initial parameters of the student of `width` and `seed` (the page's initialisation).
#[pyfunction]
#[pyo3(signature = (**kwargs))]
fn init<'py>(
    py: Python<'py>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let s = settings_of(kwargs)?;
    let net = Network::student_init(
        shape_of(&s),
        s.activation,
        &mut SeededRng::new(s.seed as u64, Stream::Student),
    );
    Ok(array(py, net.params))
}

/// The number of parameters of the width-`width` student.
#[pyfunction]
#[pyo3(signature = (**kwargs))]
fn num_params(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<usize> {
    Ok(shape_of(&settings_of(kwargs)?).num_params())
}

/// The training loss (mean squared error on standardised targets) at `params`: on the
/// settings' task, or on `inputs` (N x `dim`) and `targets` (N) when given (as the gradient,
/// Hessian, spectrum and classification are).
#[pyfunction]
#[pyo3(signature = (params, inputs=None, targets=None, **kwargs))]
fn loss(
    py: Python<'_>,
    params: &Bound<'_, PyAny>,
    inputs: Option<&Bound<'_, PyAny>>,
    targets: Option<&Bound<'_, PyAny>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<f64> {
    let (l, _) = loss_and_gradient_impl(py, params, inputs, targets, kwargs)?;
    Ok(l)
}

fn loss_and_gradient_impl(
    py: Python<'_>,
    params: &Bound<'_, PyAny>,
    inputs: Option<&Bound<'_, PyAny>>,
    targets: Option<&Bound<'_, PyAny>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<(f64, Vec<f64>)> {
    let s = settings_of(kwargs)?;
    let data = data_of(&s, inputs, targets)?;
    let x = params_of(params, shape_of(&s).num_params(), "params")?;
    Ok(py.detach(|| {
        let t = task_with(&s, data);
        let o = Objective::new(&t, s.width as usize);
        let mut g = vec![0.0; x.len()];
        let l = o.loss_and_gradient(&x, &mut g);
        (l, g)
    }))
}

/// The loss and its gradient at `params`.
#[pyfunction]
#[pyo3(signature = (params, inputs=None, targets=None, **kwargs))]
fn loss_and_gradient<'py>(
    py: Python<'py>,
    params: &Bound<'py, PyAny>,
    inputs: Option<&Bound<'py, PyAny>>,
    targets: Option<&Bound<'py, PyAny>>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<(f64, Bound<'py, PyArray1<f64>>)> {
    let (l, g) = loss_and_gradient_impl(py, params, inputs, targets, kwargs)?;
    Ok((l, array(py, g)))
}

/// The exact Hessian of the loss at `params` (p x p).
#[pyfunction]
#[pyo3(signature = (params, inputs=None, targets=None, **kwargs))]
fn hessian<'py>(
    py: Python<'py>,
    params: &Bound<'py, PyAny>,
    inputs: Option<&Bound<'py, PyAny>>,
    targets: Option<&Bound<'py, PyAny>>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let s = settings_of(kwargs)?;
    let data = data_of(&s, inputs, targets)?;
    let n = shape_of(&s).num_params();
    let x = params_of(params, n, "params")?;
    let h = py.detach(|| {
        let t = task_with(&s, data);
        Objective::new(&t, s.width as usize).hessian(&x)
    });
    matrix(py, h.iter().copied().collect(), n, n)
}

/// The Hessian's eigenvalues (ascending) and unit eigenvectors (as columns) at `params`.
#[pyfunction]
#[pyo3(signature = (params, inputs=None, targets=None, **kwargs))]
fn spectrum<'py>(
    py: Python<'py>,
    params: &Bound<'py, PyAny>,
    inputs: Option<&Bound<'py, PyAny>>,
    targets: Option<&Bound<'py, PyAny>>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<(Bound<'py, PyArray1<f64>>, Bound<'py, PyAny>)> {
    let s = settings_of(kwargs)?;
    let data = data_of(&s, inputs, targets)?;
    let n = shape_of(&s).num_params();
    let x = params_of(params, n, "params")?;
    let sp = py.detach(|| {
        let t = task_with(&s, data);
        Spectrum::of_symmetric(&Objective::new(&t, s.width as usize).hessian(&x))
    });
    let mut cols = vec![0.0; n * n];
    for (j, v) in sp.vectors.iter().enumerate() {
        for (i, x) in v.iter().enumerate() {
            cols[i * n + j] = *x;
        }
    }
    Ok((array(py, sp.values), matrix(py, cols, n, n)?))
}

/// The critical-point type of `params` by the Hessian spectrum: loss, gradient norm, smallest
/// and largest eigenvalue, tolerance and kind (`minimum`, `degenerate minimum`, `saddle`, `not
/// converged`) with the saddle's index.
#[pyfunction]
#[pyo3(signature = (params, inputs=None, targets=None, **kwargs))]
fn classify_point<'py>(
    py: Python<'py>,
    params: &Bound<'py, PyAny>,
    inputs: Option<&Bound<'py, PyAny>>,
    targets: Option<&Bound<'py, PyAny>>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let s = settings_of(kwargs)?;
    let data = data_of(&s, inputs, targets)?;
    let x = params_of(params, shape_of(&s).num_params(), "params")?;
    let c = py.detach(|| {
        let t = task_with(&s, data);
        classify(&Objective::new(&t, s.width as usize), &x)
    });
    let d = PyDict::new(py);
    d.set_item("loss", c.loss)?;
    d.set_item("gradient_norm", c.gradient_norm)?;
    d.set_item("min_eigenvalue", c.min_eigenvalue)?;
    d.set_item("max_eigenvalue", c.max_eigenvalue)?;
    d.set_item("tolerance", c.tolerance)?;
    d.set_item("kind", c.kind.name())?;
    d.set_item("index", c.kind.index())?;
    d.set_item("flat", c.kind.flat())?;
    Ok(d)
}

/// Trains the student of the settings (`width`, `seed`, `opt`, `lr`) for `steps` steps (or
/// until it diverges), from its initialisation or from `params`: the loss after every step
/// (the first is the starting loss) and the final parameters.
#[pyfunction]
#[pyo3(signature = (params=None, **kwargs))]
fn train<'py>(
    py: Python<'py>,
    params: Option<&Bound<'py, PyAny>>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let s = settings_of(kwargs)?;
    let start = match params {
        Some(p) => Some(params_of(p, shape_of(&s).num_params(), "params")?),
        None => None,
    };
    let (losses, params, steps, stop) = py.detach(|| {
        let config = TrainConfig {
            history_capacity: s.max_steps as usize + 2,
            ..s.train_config()
        };
        let mut t = match start {
            Some(params) => Trainer::from_network(
                task_of(&s),
                Network {
                    shape: shape_of(&s),
                    activation: s.activation,
                    params,
                },
                config,
            ),
            None => Trainer::new(task_of(&s), s.width as usize, s.seed as u64, config),
        };
        let stop = t.run(s.max_steps as u64);
        (
            t.history.values.clone(),
            t.params().to_vec(),
            t.step(),
            stop.map(|r| format!("{r:?}")),
        )
    });
    let d = PyDict::new(py);
    d.set_item("losses", array(py, losses))?;
    d.set_item("params", array(py, params))?;
    d.set_item("steps", steps)?;
    d.set_item("stopped", stop)?;
    Ok(d)
}

/// `params` with neuron `neuron` split in two, output weight shared `mu` / `1 - mu` (the
/// setting `mu`; the function is unchanged; width + 1).
#[pyfunction]
#[pyo3(signature = (params, neuron, **kwargs))]
fn split<'py>(
    py: Python<'py>,
    params: &Bound<'py, PyAny>,
    neuron: usize,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let s = settings_of(kwargs)?;
    let mu = s.mu;
    let shape = shape_of(&s);
    if neuron >= shape.width || !mu.is_finite() {
        return Err(PyValueError::new_err(format!(
            "split of neuron {neuron} at mu = {mu} refused: neurons are 0..{} and mu must be finite",
            shape.width
        )));
    }
    let net = Network {
        shape,
        activation: s.activation,
        params: params_of(params, shape.num_params(), "params")?,
    };
    Ok(array(py, split_neuron(&net, neuron, mu).params))
}

/// `params` with one neuron added with zero output weight and random input weights drawn from
/// `seed` (the function is unchanged; width + 1).
#[pyfunction]
#[pyo3(signature = (params, **kwargs))]
fn add_zero_neuron<'py>(
    py: Python<'py>,
    params: &Bound<'py, PyAny>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let s = settings_of(kwargs)?;
    let shape = shape_of(&s);
    let net = Network {
        shape,
        activation: s.activation,
        params: params_of(params, shape.num_params(), "params")?,
    };
    let mut rng = SeededRng::new(s.seed as u64, Stream::Directions);
    Ok(array(py, add_silent_neuron(&net, &mut rng).params))
}

/// The independent jobs of the width sweep of the settings (`widths`, `runs`): (width, seed).
#[pyfunction]
#[pyo3(signature = (**kwargs))]
fn sweep_jobs(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Vec<(usize, u64)>> {
    let s = settings_of(kwargs)?;
    Ok(sweep::jobs(&jobs::sweep_config(&s)))
}

fn run_dict<'py>(py: Python<'py>, r: &SweepRun) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("width", r.width)?;
    d.set_item("seed", r.seed)?;
    d.set_item("trained_loss", r.trained_loss)?;
    d.set_item("final_loss", r.final_loss)?;
    d.set_item("success", r.success)?;
    d.set_item("diverged", r.diverged)?;
    Ok(d)
}

fn run_of(d: &Bound<'_, PyAny>) -> PyResult<SweepRun> {
    Ok(SweepRun {
        width: d.get_item("width")?.extract()?,
        seed: d.get_item("seed")?.extract()?,
        trained_loss: d.get_item("trained_loss")?.extract()?,
        final_loss: d.get_item("final_loss")?.extract()?,
        success: d.get_item("success")?.extract()?,
        diverged: d.get_item("diverged")?.extract()?,
    })
}

/// One run of the width sweep, `job = (width, seed)` of [`sweep_jobs`], as a dict.
#[pyfunction]
#[pyo3(signature = (job, **kwargs))]
fn sweep_job<'py>(
    py: Python<'py>,
    job: (usize, u64),
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let (width, seed) = job;
    let s = settings_of(kwargs)?;
    if !(1..=64).contains(&width) {
        return Err(PyValueError::new_err(format!(
            "width {width} refused: 1-64"
        )));
    }
    let r = py.detach(|| sweep::run_job(&task_of(&s), &jobs::sweep_config(&s), width, seed));
    run_dict(py, &r)
}

/// The sweep's summary of finished runs (dicts of [`sweep_job`], in any order): the
/// `figures` command's `width_sweep.csv` as text, and one dict per width.
#[pyfunction]
#[pyo3(signature = (results, **kwargs))]
fn summarise_sweep<'py>(
    py: Python<'py>,
    results: &Bound<'py, PyList>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let s = settings_of(kwargs)?;
    let mut all: Vec<SweepRun> = results
        .iter()
        .map(|r| run_of(&r))
        .collect::<PyResult<_>>()?;
    // The summary does not depend on the order the jobs came back in.
    all.sort_by_key(|r| (r.width, r.seed));
    let result = sweep::summarise(&jobs::sweep_config(&s), &all);
    let d = PyDict::new(py);
    d.set_item("csv", escape_dims::tables::width_sweep(&result))?;
    d.set_item("runs_csv", escape_dims::tables::width_sweep_runs(&result))?;
    let widths = experiments::sweep_widths(py, &result)?;
    d.set_item("widths", widths)?;
    Ok(d)
}

/// The whole width sweep on this machine's cores: the summary of [`summarise_sweep`] and the
/// runs.
#[pyfunction]
#[pyo3(signature = (**kwargs))]
fn run_sweep<'py>(
    py: Python<'py>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let s = settings_of(kwargs)?;
    let all = py.detach(|| {
        let config = jobs::sweep_config(&s);
        let task = task_of(&s);
        par_map(&sweep::jobs(&config), |&(w, seed)| {
            sweep::run_job(&task, &config, w, seed)
        })
    });
    let runs = PyList::empty(py);
    for r in &all {
        runs.append(run_dict(py, r)?)?;
    }
    let d = summarise_sweep(py, &runs, kwargs)?;
    d.set_item("runs", runs)?;
    Ok(d)
}

/// The native module.
#[pymodule]
fn _engine(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(settings, m)?)?;
    m.add_function(wrap_pyfunction!(task, m)?)?;
    m.add_function(wrap_pyfunction!(init, m)?)?;
    m.add_function(wrap_pyfunction!(num_params, m)?)?;
    m.add_function(wrap_pyfunction!(loss, m)?)?;
    m.add_function(wrap_pyfunction!(loss_and_gradient, m)?)?;
    m.add_function(wrap_pyfunction!(hessian, m)?)?;
    m.add_function(wrap_pyfunction!(spectrum, m)?)?;
    m.add_function(wrap_pyfunction!(classify_point, m)?)?;
    m.add_function(wrap_pyfunction!(train, m)?)?;
    m.add_function(wrap_pyfunction!(split, m)?)?;
    m.add_function(wrap_pyfunction!(add_zero_neuron, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_jobs, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_job, m)?)?;
    m.add_function(wrap_pyfunction!(summarise_sweep, m)?)?;
    m.add_function(wrap_pyfunction!(run_sweep, m)?)?;
    m.add_function(wrap_pyfunction!(landscape::landscape_slice, m)?)?;
    m.add_function(wrap_pyfunction!(experiments::experiment, m)?)?;
    m.add_function(wrap_pyfunction!(experiments::tickets_experiment, m)?)?;
    m.add_function(wrap_pyfunction!(experiments::run_job, m)?)?;
    m.add_function(wrap_pyfunction!(experiments::write_figures, m)?)?;
    m.add_function(wrap_pyfunction!(experiments::figures, m)?)?;
    m.add_class::<experiments::Staged>()?;
    Ok(())
}
