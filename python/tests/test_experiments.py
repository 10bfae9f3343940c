"""Every experiment from Python: the values of the one-machine run, stage by stage in any job
order, on a Dask cluster (with a worker killed), and the figures command's files from a client
byte for byte; slices against the loss; bad input as ValueError."""

import os
import pathlib
import signal
import time

import numpy as np
import pytest

import escape_dims as ed

distributed = pytest.importorskip("distributed")
import escape_dims.distributed as edd


def staged_by_hand(name, **kwargs):
    """The experiment stage by stage, each stage's jobs run last to first."""
    run = ed.Staged(name, **kwargs)
    while not run.done:
        jobs = run.jobs()
        outputs = [ed.run_job(run.spec, j) for j in reversed(jobs)]
        run.accept(list(reversed(outputs)))
    return run


@pytest.mark.parametrize("name", ["neuron_tickets", "weight_tickets", "escape", "subspace", "census"])
def test_staged_in_reverse_order_equals_the_whole_run(name):
    whole = ed.experiment(name, preset="tiny")
    staged = staged_by_hand(name, preset="tiny")
    a, b = ed._with_rows(staged.result()), whole
    assert a.keys() == b.keys()
    for key in a:
        if key.endswith("csv"):
            assert a[key] == b[key], key
    if name == "escape":
        assert staged.stages == 3, "search, analysis, mu sweep"
        assert len(a["attempts"]) == 2 * len(a["stuck_params"]) > 0
    if name == "census":
        assert staged.stages == 2


def test_the_tickets_table_counts_its_tickets():
    r = ed.tickets(runs=12, alpha=1.0)
    assert r["level"] == "neuron" and len(r["tickets"]) == 12
    wins = [t for t in r["tickets"] if t["wins_alone"]]
    row = r["alphas"][0]
    assert row["winning_runs"] == len(wins)
    assert row["winning_successes"] == sum(t["wins_embedded"] for t in wins)
    assert row["losing_runs"] == 12 - len(wins)
    assert r["p_win_alone"] == pytest.approx(len(wins) / 12)
    w = ed.tickets(runs=2, gran="weight", width=6, rounds=1, esteps=600)
    assert w["level"] == "weight" and {t["seed"] for t in w["tickets"]} == {1, 2}
    assert all(0 < t["density"] < 1 for t in w["tickets"])


def test_one_escape_analyses_each_stuck_student():
    r = ed.escape(runs=3, case=12)
    assert [s["seed"] for s in r["searched"]] == [12, 13, 14]
    stuck = [s for s in r["searched"] if s["analysed"]]
    assert len(r["stuck_params"]) == len(stuck)
    for params, s in zip(r["stuck_params"], stuck):
        # The stuck point is the polished end point: the loss there is its final loss.
        # (Stuck students have the teacher's width, 4.)
        assert ed.loss(params, width=4) == pytest.approx(s["final_loss"], rel=1e-12)
        assert ed.classify_point(params, width=4)["kind"] in ("minimum", "degenerate minimum")
    for a in r["attempts"]:
        assert a["embedded_loss"] == pytest.approx(a["stuck_loss"], rel=1e-9)
        assert a["escaped"] == (a["loss_after"] < 1e-5 and not a["diverged"])
    assert r["mu"].shape == r["mu_min_eigenvalue"].shape


def test_subspaces_reach_the_full_dimension():
    r = ed.subspace(width=4, runs=3)
    dims = [row["dimension"] for row in r["rows"]]
    assert dims == [4, 8, 12, 16, 17]
    assert all(row["runs"] == 3 for row in r["rows"])
    with pytest.raises(ValueError, match="subspace dimension 40 refused"):
        ed.subspace(width=4, dimensions=[4, 40])


def test_a_slice_is_the_loss_on_its_plane():
    p = ed.init(width=4, seed=3)
    for plane in ("random", "hessian"):
        g = ed.slice(p, width=4, plane=plane, res=11, extent=0.5)
        assert g["losses"].shape == (11, 11)
        assert g["a"][0] == -0.5 and g["a"][-1] == 0.5
        for i, j in [(0, 0), (3, 7), (10, 2), (5, 5)]:
            x = g["centre"] + g["a"][j] * g["u"] + g["b"][i] * g["v"]
            assert g["losses"][i, j] == pytest.approx(ed.loss(x, width=4), rel=1e-12)
    values, _ = ed.spectrum(p, width=4)
    assert g["min_eigenvalue"] == values[0]
    with pytest.raises(ValueError, match="PCA plane needs a trajectory"):
        ed.slice(p, width=4, plane="pca")
    rng = np.random.default_rng(0)
    path = p + rng.normal(size=(20, p.size)) * 0.1
    g = ed.slice(p, trajectory=path, width=4, plane="pca", res=11)
    assert np.isfinite(g["losses"]).all() and g["plane"] == "pca"
    with pytest.raises(ValueError, match="trajectory rows have 3 entries"):
        ed.slice(p, trajectory=np.zeros((4, 3)), width=4, plane="pca")


def test_bad_experiment_calls_raise_value_errors():
    with pytest.raises(ValueError, match="unknown experiment 'sweeps'"):
        ed.experiment("sweeps")
    with pytest.raises(ValueError, match="a preset or settings, not both"):
        ed.experiment("sweep", preset="tiny", runs=3)
    with pytest.raises(ValueError, match="unknown preset 'huge'"):
        ed.Staged("sweep", preset="huge")
    with pytest.raises(ValueError, match="runs"):
        ed.experiment("sweep", runs=0)
    run = ed.Staged("sweep", preset="tiny")
    with pytest.raises(ValueError, match="not a job of this engine"):
        ed.run_job(run.spec, b"\xff\xff\xff")
    other = ed.Staged("subspace", preset="tiny")
    with pytest.raises(ValueError, match="not a job of the subspace experiment"):
        ed.run_job(other.spec, run.jobs()[0])
    with pytest.raises(ValueError, match="1 outputs for 9 jobs"):
        run.accept([ed.run_job(run.spec, run.jobs()[0])])
    with pytest.raises(ValueError, match="has 9 jobs to run"):
        run.result()


def test_an_experiment_on_the_cluster_equals_the_one_machine_run(client):
    local = ed.experiment("escape", preset="tiny")
    remote = edd.run(client, "escape", preset="tiny")
    assert remote["csv"] == local["csv"] and remote["mu_csv"] == local["mu_csv"]
    assert remote["searched"] == local["searched"]


def test_figures_from_a_client_equal_the_figures_command(client, tmp_path):
    here, there = tmp_path / "local", tmp_path / "cluster"
    names = ed.figures(str(here), preset="tiny")
    client.restart()
    seen = {}

    def kill_one_worker(futures):
        # Once in the first round: wait for a few jobs, then SIGKILL one worker's process.
        if seen:
            return
        deadline = time.time() + 60
        while sum(f.done() for f in futures) < 4 and time.time() < deadline:
            time.sleep(0.02)
        address, pid = sorted(client.run(os.getpid).items())[0]
        seen["killed"] = (pid, sum(f.done() for f in futures), len(futures))
        os.kill(pid, signal.SIGKILL)

    written = edd.figures(client, there, preset="tiny", on_submit=kill_one_worker)
    assert written == names and len(names) == 16
    pid, done, total = seen["killed"]
    assert done < total, f"the first round was over ({done} of {total}) before the kill"
    for name in names:
        a, b = (here / name).read_bytes(), (there / name).read_bytes()
        if name == "summary.md":
            # Only the headings' timings differ.
            strip = lambda t: [l for l in t.decode().splitlines() if not l.startswith("## ")]
            assert strip(a) == strip(b)
        else:
            assert a == b, name


def test_the_census_rows_are_its_tables():
    r = ed.census(widths=[3, 4], runs=6)
    assert len(r["points"]) == r["census_csv"].count("\n") - 1
    assert sum(p["seeds"] for p in r["points"] if p["width"] == 3) == 6
    assert all(isinstance(p["global"], bool) and isinstance(p["loss"], float) for p in r["points"])
    bad = {(p["width"], p["point_id"]) for p in r["points"] if p["type"] == "minimum" and not p["global"]}
    assert {(w["width"], w["point_id"]) for w in r["widening"]} <= bad
