"""The engine from Python: the same numbers as the Rust engine, bit for bit, and clear errors."""

import math
import pathlib

import numpy as np
import pytest

import escape_dims as ed

ROOT = pathlib.Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "native.txt"


def golden():
    """The native reference values (tests/golden.rs writes and checks them)."""
    values = {}
    for line in GOLDEN.read_text().splitlines():
        key, value = line.split(" ")
        values[key] = float(value)
    return values


# tests/common/mod.rs: teacher seed 3, 128 inputs, student seed 7, every activation.
CASE = dict(tseed=3, samples=128, seed=7)


@pytest.mark.parametrize("act", ["tanh", "relu", "softplus", "erf"])
@pytest.mark.parametrize("width", [1, 5, 16])
def test_loss_and_gradient_equal_the_rust_engine_bit_for_bit(act, width):
    ref = golden()
    p = ed.init(width=width, act=act, **CASE)
    loss, grad = ed.loss_and_gradient(p, width=width, act=act, **CASE)
    assert loss == ref[f"{act}/n{width}/loss"]
    want = np.array([ref[f"{act}/n{width}/grad{i}"] for i in range(len(grad))])
    assert np.array_equal(grad, want)
    assert ed.loss(p, width=width, act=act, **CASE) == loss


@pytest.mark.parametrize("act", ["tanh", "relu", "softplus", "erf"])
def test_two_hundred_adam_steps_equal_the_rust_engine_bit_for_bit(act):
    run = ed.train(width=5, act=act, steps=200, opt="adam", lr=0.01, **CASE)
    assert run["steps"] == 200
    loss = ed.loss(run["params"], width=5, act=act, **CASE)
    assert loss == golden()[f"{act}/n5/loss_after_200_adam_steps"]


def test_the_hessian_is_the_derivative_of_the_gradient():
    p = ed.init(width=4, seed=2)
    h = ed.hessian(p, width=4)
    assert h.shape == (len(p), len(p))
    assert np.array_equal(h, h.T) or np.allclose(h, h.T, rtol=0, atol=1e-14)
    eps = 1e-6
    for i in [0, 3, len(p) - 1]:
        e = np.zeros_like(p)
        e[i] = eps
        fd = (ed.loss_and_gradient(p + e, width=4)[1] - ed.loss_and_gradient(p - e, width=4)[1]) / (2 * eps)
        assert np.allclose(h[:, i], fd, rtol=1e-5, atol=1e-7)
    values, vectors = ed.spectrum(p, width=4)
    assert np.all(np.diff(values) >= 0)
    assert np.allclose(h @ vectors[:, 0], values[0] * vectors[:, 0], atol=1e-9)


def test_a_split_keeps_the_function_and_turns_a_bad_minimum_into_a_saddle():
    # Seed 12 at width 4 ends in a bad minimum (the census and the escape scene agree).
    run = ed.train(width=4, seed=12, opt="flow", steps=8000)
    point = ed.classify_point(run["params"], width=4)
    assert point["kind"] in ("minimum", "degenerate minimum"), point
    assert point["loss"] > 1e-3
    wide = ed.split(run["params"], 0, width=4, mu=0.5)
    assert len(wide) == ed.num_params(width=5)
    assert math.isclose(ed.loss(wide, width=5), point["loss"], rel_tol=1e-12)
    zero = ed.add_zero_neuron(run["params"], width=4, seed=1)
    assert math.isclose(ed.loss(zero, width=5), point["loss"], rel_tol=1e-12)
    assert min(ed.classify_point(ed.split(run["params"], j, width=4, mu=0.5), width=5)["min_eigenvalue"] for j in range(4)) < 0


def test_bad_input_raises_value_error_with_the_pages_message():
    p = ed.init(width=5)
    with pytest.raises(ValueError, match="width"):
        ed.init(width=99)
    with pytest.raises(ValueError, match="unknown setting 'wdth'"):
        ed.init(wdth=5)
    with pytest.raises(ValueError, match="41 parameters"):
        ed.loss(p[:-1], width=10)
    with pytest.raises(ValueError, match="1-D numpy array of float64"):
        ed.loss(p.astype(np.float32), width=5)
    with pytest.raises(ValueError, match="1-D numpy array of float64"):
        ed.loss(p.reshape(1, -1), width=5)
    bad = p.copy()
    bad[3] = np.nan
    with pytest.raises(ValueError, match=r"params\[3\] is NaN"):
        ed.loss(bad, width=5)
    with pytest.raises(ValueError, match="act"):
        ed.loss(p, width=5, act="sigmoid")
    with pytest.raises(ValueError, match="erf and ReLU only"):
        ed.census(data="population", act="tanh", widths=[3], runs=1)


def test_a_sweep_from_python_equals_the_figures_command():
    # docs/figures/width_sweep.csv is the figures command's quick preset: the default teacher,
    # widths 3-16, 40 seeds, 6000 Adam steps.
    settings = dict(widths=[3, 4, 5, 6, 8, 16], runs=40, esteps=6000)
    result = ed.run_sweep(**settings)
    assert result["csv"] == (ROOT / "docs" / "figures" / "width_sweep.csv").read_text()
    assert result["runs_csv"] == (ROOT / "docs" / "figures" / "width_sweep_runs.csv").read_text()
    # Job by job, in any order, the same summary.
    jobs = ed.sweep_jobs(**settings)
    assert len(jobs) == 240
    parts = [ed.sweep_job(j, **settings) for j in jobs[:12]]
    assert parts == result["runs"][:12]
    assert ed.summarise_sweep(list(reversed(result["runs"])), **settings)["csv"] == result["csv"]


def test_a_researchers_own_data_gives_the_loss_numpy_computes():
    # The settings' task given back as data gives the same bits.
    t = ed.task(width=5)
    p = ed.init(width=5, seed=2)
    assert ed.loss(p, t["inputs"], t["targets"], width=5) == ed.loss(p, width=5)
    # Ten thousand inputs of one's own: the loss is numpy's, the gradient and Hessian the
    # loss's derivatives (central differences).
    rng = np.random.default_rng(7)
    x = rng.normal(size=(10_000, 3))
    y = np.sin(x @ np.array([1.0, -0.5, 0.25]))
    p = ed.init(width=6, dim=3, seed=1)
    n, d = 6, 3
    w, b, a, c = p[: n * d].reshape(n, d), p[n * d : n * d + n], p[n * d + n : n * d + 2 * n], p[-1]
    ours, g = ed.loss_and_gradient(p, x, y, width=6, dim=3)
    assert ours == pytest.approx(np.mean((np.tanh(x @ w.T + b) @ a + c - y) ** 2), rel=1e-12)
    h = ed.hessian(p, x, y, width=6, dim=3)
    for i in (0, 7, n * d + n + 2, p.size - 1):
        e = np.zeros_like(p)
        e[i] = 1e-5
        lp, gp = ed.loss_and_gradient(p + e, x, y, width=6, dim=3)
        lm, gm = ed.loss_and_gradient(p - e, x, y, width=6, dim=3)
        assert g[i] == pytest.approx((lp - lm) / 2e-5, rel=1e-6, abs=1e-10)
        assert h[:, i] == pytest.approx((gp - gm) / 2e-5, rel=1e-5, abs=1e-8)
    with pytest.raises(ValueError, match="need N x 3"):
        ed.loss(p, x[:, :2], y, width=6, dim=3)
    with pytest.raises(ValueError, match="together"):
        ed.loss(p, x, width=6, dim=3)
    bad = x.copy()
    bad[5, 1] = np.nan
    with pytest.raises(ValueError, match="finite"):
        ed.loss(p, bad, y, width=6, dim=3)
