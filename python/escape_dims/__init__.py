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
"""

from ._engine import (
    add_zero_neuron,
    census,
    classify_point,
    hessian,
    init,
    loss,
    loss_and_gradient,
    num_params,
    run_sweep,
    settings,
    spectrum,
    split,
    summarise_sweep,
    sweep_job,
    sweep_jobs,
    task,
    train,
)

__all__ = [
    "add_zero_neuron",
    "census",
    "classify_point",
    "hessian",
    "init",
    "loss",
    "loss_and_gradient",
    "num_params",
    "run_sweep",
    "settings",
    "spectrum",
    "split",
    "summarise_sweep",
    "sweep_job",
    "sweep_jobs",
    "task",
    "train",
]
