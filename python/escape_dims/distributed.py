"""Sweeps across a Dask cluster.

A sweep is independent jobs, one per (width, seed) (:func:`escape_dims.sweep_jobs`); this module
maps them over a ``dask.distributed`` client (a ``LocalCluster``, or SLURM and Kubernetes through
dask-jobqueue and dask-kubernetes) and summarises the results with the engine's own summary, so
the result for the same settings is identical, bit for bit, to :func:`escape_dims.run_sweep` on
one machine. A worker lost mid-sweep loses no job: Dask reruns its tasks elsewhere, and each
job is pure (the same seed gives the same run), so every seed is counted exactly once.

>>> from dask.distributed import Client, LocalCluster
>>> import escape_dims.distributed as edd
>>> with Client(LocalCluster(n_workers=2, threads_per_worker=1)) as client:
...     result = edd.sweep(client, widths=[3, 4, 8], runs=10)
"""

from . import _engine


def _run(job, settings):
    return _engine.sweep_job(tuple(job), **settings)


def sweep(client, on_submit=None, **settings):
    """The width sweep of ``settings`` with one Dask task per (width, seed) job.

    ``on_submit``, if given, is called with the list of futures once they are submitted (for a
    progress bar: ``dask.distributed.progress``). Returns what :func:`escape_dims.run_sweep`
    returns: the summary, its CSV text and the runs in job order."""
    jobs = _engine.sweep_jobs(**settings)
    futures = client.map(_run, jobs, settings=settings, pure=True)
    if on_submit is not None:
        on_submit(futures)
    runs = client.gather(futures)
    result = _engine.summarise_sweep(runs, **settings)
    result["runs"] = runs
    return result
