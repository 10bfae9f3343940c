//! Every experiment from Python, whole (`experiment`) or stage by stage (`Staged`, whose jobs
//! are bytes that any machine with the package turns into output bytes with `run_job`), and
//! the `figures` command's tables, figures and summary written from finished runs.

use crate::{array, settings_of};
use escape_dims::core::newton::EndPoint;
use escape_dims::experiments::escape::{Embedding, EscapeResult};
use escape_dims::experiments::staged::{
    run_staged, try_run_work, Experiment, Finished, Output, StagedRun, Work,
};
use escape_dims::experiments::sweep::SweepResult;
use escape_dims::experiments::tickets::{AlphaRow, Rate, TicketOutcome};
use escape_dims::figures::presets::{Plan, Preset};
use escape_dims::jobs;
use escape_dims::settings::Granularity;
use escape_dims::tables;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use std::sync::Arc;

/// The experiments' names, in the figures command's order.
const NAMES: [&str; 6] = [
    "sweep",
    "neuron_tickets",
    "weight_tickets",
    "escape",
    "subspace",
    "census",
];

/// What a worker needs to rebuild an experiment: its name, a figures preset or the settings
/// (as a URL hash), and the subspace dimensions. Written as one line of text.
#[derive(Clone, Debug)]
struct Spec {
    name: String,
    preset: Option<String>,
    dimensions: Option<Vec<usize>>,
    hash: String,
}

impl Spec {
    fn text(&self) -> String {
        let dims = self.dimensions.as_ref().map_or(String::new(), |d| {
            d.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        });
        format!(
            "{}|{}|{dims}|{}",
            self.name,
            self.preset.as_deref().unwrap_or(""),
            self.hash
        )
    }

    fn parse(text: &str) -> PyResult<Spec> {
        let bad = || PyValueError::new_err(format!("not an experiment spec: {text:?}"));
        let mut parts = text.splitn(4, '|');
        let (Some(name), Some(preset), Some(dims), Some(hash)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let dimensions = if dims.is_empty() {
            None
        } else {
            Some(
                dims.split(',')
                    .map(|d| d.parse().map_err(|_| bad()))
                    .collect::<PyResult<Vec<usize>>>()?,
            )
        };
        Ok(Spec {
            name: name.into(),
            preset: (!preset.is_empty()).then(|| preset.to_string()),
            dimensions,
            hash: hash.into(),
        })
    }

    /// The experiment the spec names.
    fn experiment(&self) -> PyResult<Experiment> {
        if !NAMES.contains(&self.name.as_str()) {
            return Err(PyValueError::new_err(format!(
                "unknown experiment '{}'; the experiments are {}",
                self.name,
                NAMES.join(", ")
            )));
        }
        if let Some(preset) = &self.preset {
            let plan = Plan::of(preset_of(preset)?);
            return Ok(match self.name.as_str() {
                "sweep" => Experiment::Sweep(plan.sweep),
                "neuron_tickets" => Experiment::NeuronTickets(plan.neuron_tickets),
                "weight_tickets" => Experiment::WeightTickets(plan.weight_tickets),
                "escape" => Experiment::Escape(plan.escape),
                "subspace" => Experiment::Subspace(plan.subspace),
                _ => Experiment::Census(plan.census),
            });
        }
        let (s, notices) = escape_dims::settings::Settings::from_hash(&self.hash);
        if let Some(n) = notices.first() {
            return Err(PyValueError::new_err(format!("{}: {}", n.key, n.message)));
        }
        Ok(match self.name.as_str() {
            "sweep" => Experiment::Sweep(jobs::sweep_config(&s)),
            "neuron_tickets" => Experiment::NeuronTickets(jobs::neuron_ticket_config(&s)),
            "weight_tickets" => Experiment::WeightTickets(jobs::weight_ticket_config(&s)),
            "escape" => Experiment::Escape(jobs::escape_search_config(&s)),
            "subspace" => {
                let config = jobs::subspace_config(&s, self.dimensions.clone());
                let p = escape_dims::core::network::Shape::new(config.task.input_dim, config.width)
                    .num_params();
                if let Some(d) = config.dimensions.iter().find(|&&d| d == 0 || d > p) {
                    return Err(PyValueError::new_err(format!(
                        "subspace dimension {d} refused: the width-{} student has {p} parameters",
                        config.width
                    )));
                }
                Experiment::Subspace(config)
            }
            _ => {
                if let Some(why) = s.data.refusal(s.activation) {
                    return Err(PyValueError::new_err(why));
                }
                Experiment::Census(jobs::census_config(&s))
            }
        })
    }
}

/// The figures preset named `name`, or `ValueError`.
fn preset_of(name: &str) -> PyResult<Preset> {
    Preset::from_name(name).ok_or_else(|| {
        PyValueError::new_err(format!(
            "unknown preset '{name}'; the presets are tiny, quick and full"
        ))
    })
}

/// The spec of a Python call (`name`, `preset` or settings, `dimensions`) and its experiment.
fn spec_of(
    name: &str,
    preset: Option<String>,
    dimensions: Option<Vec<usize>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<(Spec, Experiment)> {
    if preset.is_some() && kwargs.is_some_and(|k| !k.is_empty()) {
        return Err(PyValueError::new_err(
            "a preset fixes every setting: give a preset or settings, not both",
        ));
    }
    if dimensions.is_some() && name != "subspace" {
        return Err(PyValueError::new_err(format!(
            "dimensions are a setting of the subspace experiment, not of {name}"
        )));
    }
    let spec = Spec {
        name: name.into(),
        preset,
        dimensions,
        hash: settings_of(kwargs)?.to_hash(),
    };
    let experiment = spec.experiment()?;
    Ok((spec, experiment))
}

fn encode<T: serde::Serialize>(x: &T) -> Vec<u8> {
    postcard::to_allocvec(x).unwrap_or_else(|e| unreachable!("serialising: {e}"))
}

fn decode<'a, T: serde::Deserialize<'a>>(bytes: &'a [u8], what: &str) -> PyResult<T> {
    postcard::from_bytes(bytes)
        .map_err(|e| PyValueError::new_err(format!("not a {what} of this engine: {e}")))
}

/// An experiment run stage by stage: `jobs()` gives the current stage's jobs as bytes, anything
/// that runs `run_job(spec, job)` on each (a Dask cluster, a pool) gives back output bytes,
/// and `accept(outputs)` (in job order) moves to the next stage until `done`. The result is
/// bit for bit the one-machine result.
#[pyclass(module = "escape_dims._engine")]
pub struct Staged {
    spec: Spec,
    run: StagedRun,
    stages: usize,
}

#[pymethods]
impl Staged {
    /// The experiment `experiment` (`sweep`, `neuron_tickets`, `weight_tickets`, `escape`,
    /// `subspace`, `census`) of a figures `preset` (`tiny`, `quick`, `full`) or of the settings.
    #[new]
    #[pyo3(signature = (experiment, preset=None, dimensions=None, **kwargs))]
    fn new(
        experiment: &str,
        preset: Option<String>,
        dimensions: Option<Vec<usize>>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Staged> {
        let (spec, experiment) = spec_of(experiment, preset, dimensions, kwargs)?;
        let run = StagedRun::new(experiment);
        Ok(Staged {
            spec,
            run,
            stages: 0,
        })
    }

    /// The text a worker rebuilds the experiment from (the first argument of `run_job`).
    #[getter]
    fn spec(&self) -> String {
        self.spec.text()
    }

    /// The experiment's name.
    #[getter]
    fn name(&self) -> &'static str {
        self.run.experiment().name()
    }

    /// Stages finished so far.
    #[getter]
    fn stages(&self) -> usize {
        self.stages
    }

    /// True once every stage is done.
    #[getter]
    fn done(&self) -> bool {
        self.run.result().is_some()
    }

    /// The current stage's jobs, as bytes (empty once done).
    fn jobs<'py>(&self, py: Python<'py>) -> Vec<Bound<'py, PyBytes>> {
        self.run
            .jobs()
            .iter()
            .map(|w| PyBytes::new(py, &encode(w)))
            .collect()
    }

    /// Takes the outputs of `run_job`, one per job in the order of `jobs()`.
    fn accept(&mut self, outputs: Vec<Vec<u8>>) -> PyResult<()> {
        let outputs = outputs
            .iter()
            .map(|b| decode::<Output>(b, "job output"))
            .collect::<PyResult<Vec<_>>>()?;
        self.run.accept(outputs).map_err(PyValueError::new_err)?;
        self.stages += 1;
        Ok(())
    }

    /// The result as plain data (see `experiment`); `ValueError` before it is done.
    fn result<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        match self.run.result() {
            Some(f) => finished_dict(py, f),
            None => Err(PyValueError::new_err(format!(
                "the {} experiment has {} jobs to run in its stage {}",
                self.name(),
                self.run.jobs().len(),
                self.stages + 1
            ))),
        }
    }
}

/// Runs one job of the experiment of `spec` (a `Staged`'s `spec`): output bytes for `accept`.
#[pyfunction]
pub fn run_job<'py>(py: Python<'py>, spec: &str, job: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    let experiment = Spec::parse(spec)?.experiment()?;
    let work: Work = decode(job, "job")?;
    let out = py
        .detach(|| {
            let task = Arc::new(experiment.task());
            try_run_work(&experiment, &task, &work)
        })
        .map_err(PyValueError::new_err)?;
    Ok(PyBytes::new(py, &encode(&out)))
}

/// Runs the experiment `experiment` of a figures `preset` or of the settings on this machine's
/// cores, and returns its result as plain data: lists of dicts (one per row, for
/// `pandas.DataFrame`) and the figures command's CSV text.
#[pyfunction]
#[pyo3(signature = (experiment, preset=None, dimensions=None, **kwargs))]
pub fn experiment<'py>(
    py: Python<'py>,
    experiment: &str,
    preset: Option<String>,
    dimensions: Option<Vec<usize>>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let (_, e) = spec_of(experiment, preset, dimensions, kwargs)?;
    let f = py.detach(|| run_staged(e));
    finished_dict(py, &f)
}

/// The tickets experiment of the settings' granularity (`gran`): `neuron_tickets` or
/// `weight_tickets`.
#[pyfunction]
#[pyo3(signature = (**kwargs))]
pub fn tickets_experiment(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<&'static str> {
    Ok(match settings_of(kwargs)?.granularity {
        Granularity::Weight => "weight_tickets",
        Granularity::Neuron => "neuron_tickets",
    })
}

/// Writes the figures command's tables, figures and summary into `out` from six finished
/// `Staged` runs (one per experiment, any order) of the same `preset`; `seconds` is each
/// experiment's wall time in the figures order. Returns the file names written.
#[pyfunction]
#[pyo3(signature = (runs, out, preset, seconds=None))]
pub fn write_figures(
    runs: Vec<PyRef<'_, Staged>>,
    out: &str,
    preset: &str,
    seconds: Option<[f64; 6]>,
) -> PyResult<Vec<String>> {
    let find = |name: &str| -> PyResult<&Finished> {
        let run = runs
            .iter()
            .find(|r| r.run.experiment().name() == name)
            .ok_or_else(|| PyValueError::new_err(format!("no {name} run among the runs")))?;
        if run.spec.preset.as_deref() != Some(preset) {
            return Err(PyValueError::new_err(format!(
                "the {name} run is not of the {preset} preset"
            )));
        }
        run.run
            .result()
            .ok_or_else(|| PyValueError::new_err(format!("the {name} run is not done")))
    };
    macro_rules! get {
        ($name:expr, $variant:ident) => {
            match find($name)? {
                Finished::$variant(r) => r.clone(),
                _ => unreachable!("the run named {} is of its experiment", $name),
            }
        };
    }
    let results = escape_dims::figures::Results {
        sweep: get!("sweep", Sweep),
        neuron_tickets: get!("neuron_tickets", NeuronTickets),
        weight_tickets: get!("weight_tickets", WeightTickets),
        escape: get!("escape", Escape),
        subspace: get!("subspace", Subspace),
        census: get!("census", Census),
        seconds: seconds.unwrap_or([f64::NAN; 6]),
    };
    escape_dims::figures::write_all(&results, preset, std::path::Path::new(out))
        .map_err(PyValueError::new_err)
}

/// Runs every experiment of `preset` on this machine's cores, as the `figures` command does,
/// and writes its files into `out`. Returns the file names written.
#[pyfunction]
#[pyo3(signature = (out, preset="quick"))]
pub fn figures(py: Python<'_>, out: &str, preset: &str) -> PyResult<Vec<String>> {
    let plan = Plan::of(preset_of(preset)?);
    let results = py.detach(|| escape_dims::figures::run_all(&plan, |_| {}));
    escape_dims::figures::write_all(&results, preset, std::path::Path::new(out))
        .map_err(PyValueError::new_err)
}

fn rate_into(d: &Bound<'_, PyDict>, prefix: &str, r: &Rate) -> PyResult<()> {
    d.set_item(format!("{prefix}runs"), r.runs)?;
    d.set_item(format!("{prefix}successes"), r.successes)?;
    d.set_item(format!("{prefix}rate"), r.rate)?;
    d.set_item(format!("{prefix}ci_low"), r.ci.0)?;
    d.set_item(format!("{prefix}ci_high"), r.ci.1)?;
    Ok(())
}

fn alpha_rows<'py>(py: Python<'py>, rows: &[AlphaRow]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for row in rows {
        let d = PyDict::new(py);
        d.set_item("alpha", row.alpha)?;
        rate_into(&d, "winning_", &row.given_winning)?;
        rate_into(&d, "losing_", &row.given_losing)?;
        list.append(d)?;
    }
    Ok(list)
}

/// One dict per width of a sweep.
pub fn sweep_widths<'py>(py: Python<'py>, r: &SweepResult) -> PyResult<Bound<'py, PyList>> {
    let widths = PyList::empty(py);
    for w in &r.widths {
        let row = PyDict::new(py);
        row.set_item("width", w.width)?;
        row.set_item("runs", w.runs)?;
        row.set_item("successes", w.successes)?;
        row.set_item("success_rate", w.success_rate)?;
        row.set_item("ci_low", w.ci.0)?;
        row.set_item("ci_high", w.ci.1)?;
        row.set_item("median_final_loss", w.median_final_loss)?;
        row.set_item("lottery_disjoint", w.lottery_disjoint)?;
        row.set_item("lottery_combinatorial", w.lottery_combinatorial)?;
        widths.append(row)?;
    }
    Ok(widths)
}

fn end_point_into(d: &Bound<'_, PyDict>, prefix: &str, e: &EndPoint) -> PyResult<()> {
    d.set_item(format!("{prefix}loss"), e.loss)?;
    d.set_item(format!("{prefix}gradient_norm"), e.gradient_norm)?;
    d.set_item(format!("{prefix}min_eigenvalue"), e.min_eigenvalue)?;
    d.set_item(
        format!("{prefix}negative_eigenvalues"),
        e.negative_eigenvalues,
    )?;
    d.set_item(format!("{prefix}kind"), e.kind.name())?;
    Ok(())
}

fn escape_dict<'py>(py: Python<'py>, r: &EscapeResult) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let stuck: Vec<u64> = r.cases.iter().map(|c| c.seed).collect();
    let searched = PyList::empty(py);
    for (seed, loss) in &r.searched {
        let row = PyDict::new(py);
        row.set_item("seed", seed)?;
        row.set_item("final_loss", loss)?;
        row.set_item("analysed", stuck.contains(seed))?;
        searched.append(row)?;
    }
    let attempts = PyList::empty(py);
    for c in &r.cases {
        for a in &c.attempts {
            let row = PyDict::new(py);
            row.set_item("seed", c.seed)?;
            let (name, neuron, mu) = match a.embedding {
                Embedding::Split { neuron, mu } => ("split", Some(neuron), Some(mu)),
                Embedding::ZeroOutput => ("zero-output", None, None),
            };
            row.set_item("embedding", name)?;
            row.set_item("neuron", neuron)?;
            row.set_item("mu", mu)?;
            end_point_into(&row, "stuck_", &c.stuck)?;
            end_point_into(&row, "embedded_", &a.at_embedding)?;
            row.set_item("loss_after", a.loss_after)?;
            row.set_item("escaped", a.escaped)?;
            row.set_item("diverged", a.diverged)?;
            attempts.append(row)?;
        }
    }
    d.set_item("searched", searched)?;
    d.set_item("attempts", attempts)?;
    let cases = PyList::empty(py);
    for c in &r.cases {
        cases.append(array(py, c.params.clone()))?;
    }
    d.set_item("stuck_params", cases)?;
    d.set_item("mu", array(py, r.mu_sweep.iter().map(|m| m.0).collect()))?;
    d.set_item(
        "mu_min_eigenvalue",
        array(py, r.mu_sweep.iter().map(|m| m.1).collect()),
    )?;
    d.set_item("csv", tables::escape(r))?;
    d.set_item("mu_csv", tables::escape_mu(r))?;
    Ok(d)
}

/// One ticket at one alpha, as a row.
fn ticket_dict<'py>(
    py: Python<'py>,
    o: &TicketOutcome,
    alpha: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let row = PyDict::new(py);
    row.set_item("seed", o.seed)?;
    row.set_item("alpha", alpha)?;
    row.set_item("wins_alone", o.wins_alone)?;
    row.set_item("loss_alone", o.loss_alone)?;
    row.set_item("diverged_alone", o.diverged_alone)?;
    row.set_item("wins_embedded", o.wins_embedded)?;
    row.set_item("loss_embedded", o.loss_embedded)?;
    row.set_item("diverged_embedded", o.diverged_embedded)?;
    Ok(row)
}

/// A finished experiment as plain data.
fn finished_dict<'py>(py: Python<'py>, f: &Finished) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    match f {
        Finished::Sweep(r) => {
            d.set_item("csv", tables::width_sweep(r))?;
            d.set_item("runs_csv", tables::width_sweep_runs(r))?;
            d.set_item("widths", sweep_widths(py, r)?)?;
        }
        Finished::NeuronTickets(r) => {
            let tickets = PyList::empty(py);
            for t in &r.tickets {
                for (i, alpha) in r.config.alphas.iter().enumerate() {
                    let o = TicketOutcome {
                        seed: t.seed,
                        wins_alone: t.wins_alone,
                        loss_alone: t.loss_alone,
                        diverged_alone: t.alone_diverged,
                        wins_embedded: t.embedded_success[i],
                        loss_embedded: t.embedded_loss[i],
                        diverged_embedded: t.embedded_diverged[i],
                    };
                    tickets.append(ticket_dict(py, &o, *alpha)?)?;
                }
            }
            d.set_item("level", "neuron")?;
            d.set_item("tickets", tickets)?;
            d.set_item("alphas", alpha_rows(py, &r.rows)?)?;
            d.set_item("p_win_alone", r.p_win_alone.rate)?;
            d.set_item("csv", tables::ticket_level("neuron", &r.rows))?;
        }
        Finished::WeightTickets(r) => {
            let tickets = PyList::empty(py);
            for t in &r.runs {
                for (i, alpha) in r.config.alphas.iter().enumerate() {
                    let o = TicketOutcome {
                        seed: t.seed,
                        wins_alone: t.ticket_alone_success,
                        loss_alone: t.ticket_alone_loss,
                        diverged_alone: t.alone_diverged,
                        wins_embedded: t.embedded_success[i],
                        loss_embedded: t.embedded_loss[i],
                        diverged_embedded: t.embedded_diverged[i],
                    };
                    let row = ticket_dict(py, &o, *alpha)?;
                    row.set_item("dense_success", t.dense_success)?;
                    row.set_item("density", t.density)?;
                    tickets.append(row)?;
                }
            }
            d.set_item("level", "weight")?;
            d.set_item("tickets", tickets)?;
            d.set_item("alphas", alpha_rows(py, &r.rows)?)?;
            d.set_item("p_dense", r.dense.rate)?;
            d.set_item("p_win_alone", r.ticket_alone.rate)?;
            d.set_item("csv", tables::ticket_level("weight", &r.rows))?;
        }
        Finished::Escape(r) => return escape_dict(py, r),
        Finished::Subspace(r) => {
            let rows = PyList::empty(py);
            for row in &r.rows {
                let x = PyDict::new(py);
                x.set_item("dimension", row.dimension)?;
                rate_into(&x, "", &row.success)?;
                x.set_item("median_final_loss", row.median_final_loss)?;
                rows.append(x)?;
            }
            d.set_item("width", r.config.width)?;
            d.set_item("rows", rows)?;
            d.set_item("csv", tables::subspace(r))?;
        }
        Finished::Census(r) => {
            d.set_item("census_csv", tables::census(r))?;
            d.set_item("widening_csv", tables::census_widening(r))?;
        }
    }
    Ok(d)
}
