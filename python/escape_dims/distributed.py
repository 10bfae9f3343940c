"""Experiments across a Dask cluster.

Every experiment is rounds of independent jobs (:class:`escape_dims.Staged`: one round for the
sweep, the tickets and the subspaces, two for the census, three for the escape); this module maps
each round over a ``dask.distributed`` client (a ``LocalCluster``, or SLURM and Kubernetes
through dask-jobqueue and dask-kubernetes) and hands the outputs back to the engine, which
summarises them with its own code. The result for the same settings is identical, bit for bit,
to the one-machine run. A worker lost mid-run loses no job: Dask reruns its tasks elsewhere, and
each job is pure (the same job gives the same output), so every seed is counted exactly once.

>>> from dask.distributed import Client, LocalCluster
>>> import escape_dims.distributed as edd
>>> with Client(LocalCluster(n_workers=2, threads_per_worker=1)) as client:
...     result = edd.sweep(client, widths=[3, 4, 8], runs=10)
...     tickets = edd.run(client, "neuron_tickets", runs=20)
...     edd.figures(client, "figures-out", preset="quick")
"""

import time

from . import _engine, _with_rows


def _run(job, settings):
    return _engine.sweep_job(tuple(job), **settings)


def _run_job(job, spec):
    return _engine.run_job(spec, job)


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


def run_staged(client, runs, on_submit=None):
    """Runs every stage of the :class:`escape_dims.Staged` ``runs`` on the client, the current
    stages of all of them at once (so that the cluster stays busy), until all are done.
    ``on_submit`` is called with each round's futures. Returns, for each run, the seconds from
    the start until it was done (the runs share the cluster, so these overlap)."""
    started = time.perf_counter()
    seconds = [0.0] * len(runs)
    while not all(r.done for r in runs):
        round_ = []
        for i, r in enumerate(runs):
            if not r.done:
                futures = client.map(_run_job, r.jobs(), spec=r.spec, pure=True)
                round_.append((i, r, futures))
        if on_submit is not None:
            on_submit([f for _, _, fs in round_ for f in fs])
        for i, r, futures in round_:
            r.accept(client.gather(futures))
            if r.done:
                seconds[i] = time.perf_counter() - started
    return seconds


def run(client, experiment, preset=None, dimensions=None, on_submit=None, **settings):
    """The experiment ``experiment`` (``sweep``, ``neuron_tickets``, ``weight_tickets``,
    ``escape``, ``subspace``, ``census``) of a figures ``preset`` or of the settings, on the
    client: what :func:`escape_dims.experiment` returns for the same arguments, bit for bit."""
    staged = _engine.Staged(experiment, preset=preset, dimensions=dimensions, **settings)
    run_staged(client, [staged], on_submit)
    return _with_rows(staged.result())


EXPERIMENTS = ("sweep", "neuron_tickets", "weight_tickets", "escape", "subspace", "census")


def figures(client, out, preset="quick", on_submit=None):
    """The ``figures`` command on the client: every experiment of ``preset`` (``tiny``,
    ``quick``, ``full``), then its tables, figures and summary written into ``out``, each file
    but the summary's timings identical to ``figures --<preset> --out <out>``. Returns the file
    names written."""
    runs = [_engine.Staged(name, preset=preset) for name in EXPERIMENTS]
    seconds = run_staged(client, runs, on_submit)
    return _engine.write_figures(runs, str(out), preset, seconds)
