"""Type stubs of the native module (python/src/lib.rs). Settings are keyword arguments named by
the explorer's URL keys; see the README's settings table."""

from typing import Any, Optional, Sequence, Tuple

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
Setting = Any  # int, float, str, bool, or a list of ints (widths)

def settings(**settings: Setting) -> dict[str, str]:
    """Every setting's URL value, defaults filled in."""

def task(**settings: Setting) -> dict[str, Any]:
    """inputs (N x d), targets (N, standardised), teacher parameters, target_mean, target_std."""

def init(**settings: Setting) -> Array:
    """The initial parameters of the student of `width` and `seed`."""

def num_params(**settings: Setting) -> int: ...
# loss, gradient, Hessian, spectrum and classification: on the settings' task, or on `inputs`
# (N x dim) and `targets` (N) when given.
def loss(
    params: Array, inputs: Optional[Array] = None, targets: Optional[Array] = None, **settings: Setting
) -> float: ...
def loss_and_gradient(
    params: Array, inputs: Optional[Array] = None, targets: Optional[Array] = None, **settings: Setting
) -> Tuple[float, Array]: ...
def hessian(
    params: Array, inputs: Optional[Array] = None, targets: Optional[Array] = None, **settings: Setting
) -> Array:
    """The exact Hessian, p x p."""

def spectrum(
    params: Array, inputs: Optional[Array] = None, targets: Optional[Array] = None, **settings: Setting
) -> Tuple[Array, Array]:
    """Eigenvalues ascending, unit eigenvectors as columns."""

def classify_point(
    params: Array, inputs: Optional[Array] = None, targets: Optional[Array] = None, **settings: Setting
) -> dict[str, Any]:
    """loss, gradient_norm, min_eigenvalue, max_eigenvalue, tolerance, kind, index, flat."""

def train(params: Optional[Array] = None, **settings: Setting) -> dict[str, Any]:
    """From the initialisation or `params`: losses (one per step), params, steps, stopped."""

def split(params: Array, neuron: int, **settings: Setting) -> Array:
    """Neuron `neuron` split with output-weight share `mu` (a setting): width + 1."""

def add_zero_neuron(params: Array, **settings: Setting) -> Array:
    """A neuron with zero output weight and input weights drawn from `seed`: width + 1."""

def sweep_jobs(**settings: Setting) -> list[Tuple[int, int]]: ...
def sweep_job(job: Tuple[int, int], **settings: Setting) -> dict[str, Any]:
    """width, seed, trained_loss, final_loss, success, diverged."""

def summarise_sweep(results: Sequence[dict[str, Any]], **settings: Setting) -> dict[str, Any]:
    """csv and runs_csv (the figures command's text), widths (one dict per width)."""

def run_sweep(**settings: Setting) -> dict[str, Any]:
    """summarise_sweep of every job, on every core, with the runs in job order."""

def slice(params: Array, trajectory: Optional[Array] = None, **settings: Setting) -> dict[str, Any]:
    """The loss on the res x res grid of the plane `plane` (random, pca, hessian) through
    `params`: a, b (coordinates), losses[i, j] at centre + a[j] u + b[i] v, centre, u, v,
    u_label, v_label, plane, min_eigenvalue (Hessian plane). PCA needs `trajectory` (rows)."""

def experiment(
    experiment: str,
    preset: Optional[str] = None,
    dimensions: Optional[Sequence[int]] = None,
    **settings: Setting,
) -> dict[str, Any]:
    """sweep, neuron_tickets, weight_tickets, escape, subspace or census of a figures preset
    (tiny, quick, full) or of the settings, on every core: lists of dicts and CSV text."""

def tickets_experiment(**settings: Setting) -> str:
    """neuron_tickets or weight_tickets, by the setting `gran`."""

def run_job(spec: str, job: bytes) -> bytes:
    """One job of a Staged run (its `spec`), anywhere: output bytes for Staged.accept."""

def write_figures(
    runs: Sequence["Staged"], out: str, preset: str, seconds: Optional[Sequence[float]] = None
) -> list[str]:
    """The figures command's files from six finished Staged runs of `preset`."""

def figures(out: str, preset: str = "quick") -> list[str]:
    """The figures command on this machine: every experiment of `preset`, files into `out`."""

class Staged:
    """An experiment run stage by stage: jobs() as bytes, run_job(spec, job) anywhere,
    accept(outputs) in job order, until done; then result()."""

    def __init__(
        self,
        experiment: str,
        preset: Optional[str] = None,
        dimensions: Optional[Sequence[int]] = None,
        **settings: Setting,
    ) -> None: ...
    @property
    def spec(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def stages(self) -> int: ...
    @property
    def done(self) -> bool: ...
    def jobs(self) -> list[bytes]: ...
    def accept(self, outputs: Sequence[bytes]) -> None: ...
    def result(self) -> dict[str, Any]: ...
