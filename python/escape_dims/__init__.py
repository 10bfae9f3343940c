"""The Escape Dimensions engine from Python.

Every function takes the explorer's settings as keyword arguments named by their URL keys
(``width``, ``teacher``, ``dim``, ``samples``, ``act``, ``opt``, ``lr``, ``seed``, ``tseed``,
``steps``, ``thr``, ``widths``, ``runs``, ``esteps``, ``data``, ...), so a call computes exactly
what the same link computes in the browser. Arrays are float64 numpy arrays; bad input raises
``ValueError`` with the page's message.

>>> import escape_dims as ed
>>> p = ed.init(width=5, seed=3)
>>> loss, grad = ed.loss_and_gradient(p, width=5)
>>> values, vectors = ed.spectrum(p, width=5)
>>> grid = ed.slice(p, width=5, plane="hessian", res=41)

Every experiment returns plain data: lists of dicts (``pandas.DataFrame(result["rows"])``) and the
``figures`` command's CSV text. :class:`Staged` runs one stage by stage for a cluster
(:mod:`escape_dims.distributed`).
"""

import csv as _csv
import io as _io

from ._engine import experiment as _experiment
from ._engine import (
    Staged,
    add_zero_neuron,
    classify_point,
    figures,
    hessian,
    init,
    loss,
    loss_and_gradient,
    num_params,
    run_job,
    run_sweep,
    settings,
    slice,
    spectrum,
    split,
    summarise_sweep,
    sweep_job,
    sweep_jobs,
    task,
    train,
    write_figures,
)
from ._engine import tickets_experiment as _tickets_experiment


def _value(text):
    """A CSV field as Python: bool, int, float, None (empty) or the text."""
    if text in ("true", "false"):
        return text == "true"
    if text == "":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _rows(text):
    return [{k: _value(v) for k, v in row.items()} for row in _csv.DictReader(_io.StringIO(text))]


def _with_rows(result):
    if "census_csv" in result:
        result["points"] = _rows(result["census_csv"])
        result["widening"] = _rows(result["widening_csv"])
    return result


def experiment(experiment, preset=None, dimensions=None, **settings):
    """The experiment ``experiment`` (``sweep``, ``neuron_tickets``, ``weight_tickets``,
    ``escape``, ``subspace``, ``census``) of a figures ``preset`` (``tiny``, ``quick``, ``full``)
    or of the settings, on every core: lists of dicts (one per row, for ``pandas.DataFrame``)
    and the figures command's CSV text."""
    return _with_rows(_experiment(experiment, preset=preset, dimensions=dimensions, **settings))


def census(**settings):
    """The census of minima of the settings (``widths``, ``runs``, ``data``): ``points`` (one
    dict per distinct critical point of each width) and ``widening`` (one per embedding of a
    bad minimum), and the figures command's ``census_csv`` and ``widening_csv``."""
    return _with_rows(_experiment("census", **settings))


def tickets(**settings):
    """The lottery-ticket experiment of the settings' granularity (``gran``: ``neuron`` or
    ``weight``), ``runs`` tickets at the setting ``alpha``: ``tickets`` (one dict per ticket),
    ``alphas`` (success embedded given the ticket wins or loses alone) and ``csv``."""
    return experiment(_tickets_experiment(**settings), **settings)


def escape(**settings):
    """Escape by embedding: ``runs`` students of the teacher's width from seed ``case`` trained
    (``opt``, ``lr``) and polished; each stuck one split (share ``mu``, the best neuron) and
    given a zero-output neuron, and trained on. ``searched``, ``attempts`` (one dict per
    embedding), ``stuck_params``, the mu sweep of the first case and the CSV text. With
    ``runs=1`` this is the page's Escape scene for the seed ``case``."""
    return experiment("escape", **settings)


def subspace(dimensions=None, **settings):
    """Training the width-``width`` student in random subspaces of ``dimensions`` (by default
    4, 8, ... and the full parameter count), ``runs`` seeds each: ``rows`` and ``csv``."""
    return experiment("subspace", dimensions=dimensions, **settings)

__all__ = [
    "Staged",
    "add_zero_neuron",
    "census",
    "classify_point",
    "escape",
    "experiment",
    "figures",
    "hessian",
    "init",
    "loss",
    "loss_and_gradient",
    "num_params",
    "run_job",
    "run_sweep",
    "settings",
    "slice",
    "spectrum",
    "split",
    "subspace",
    "summarise_sweep",
    "sweep_job",
    "sweep_jobs",
    "task",
    "tickets",
    "train",
    "write_figures",
]
