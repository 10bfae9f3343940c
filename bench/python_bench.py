"""The engine called from Python against JAX on the same data (scripts/bench.sh runs it).

What a researcher pays per call from Python, call overhead included: ``escape_dims`` (the
package, numpy arrays in and out) against JAX (``jit``, 64-bit floats, arrays already on the
device) on the same inputs, targets and parameters, at widths 8, 32 and 64 and N = 256 and
10 000 inputs (d = 2, tanh):
  * the loss and its gradient: ``ed.loss_and_gradient(p, x, y)`` against
    ``jit(value_and_grad(loss))(p)``;
  * the exact Hessian: ``ed.hessian(p, x, y)`` against ``jit(hessian(loss))(p)``;
  * the Hessian and its eigen-decomposition: ``ed.spectrum(p, x, y)`` against
    ``jit(lambda p: eigh(hessian(loss)(p)))(p)``.
Each time is the median over about a second of calls (at least 5) after a warm-up (JAX's
compilation is not counted). Both run on one core (bench.sh pins the process). The values are
checked against each other (float64; the sums run in another order): the run fails if the loss,
gradient, Hessian or eigenvalues differ by more than TOLERANCE relative to their largest entry.

Usage: python bench/python_bench.py OUT_JSON   (adds "python_vs_jax" to the JSON file)
"""

import json
import os
import statistics
import sys
import time

import numpy as np

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402

import escape_dims as ed  # noqa: E402

TOLERANCE = 1e-9
WIDTHS = (8, 32, 64)
SAMPLES = (256, 10_000)


def median_seconds(f, budget=1.0, least=5):
    t = time.perf_counter()
    f()
    if time.perf_counter() - t > 0.3:
        least = 3  # JAX's Hessian at N = 10 000 takes seconds a call
    times = []
    start = time.perf_counter()
    while len(times) < least or (time.perf_counter() - start < budget and len(times) < 100_000):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def make_loss(x, y, d, n):
    """The engine's loss: mean squared error of sum_j a_j tanh(w_j . x + b_j) + c; parameter
    layout w (n x d) | b (n) | a (n) | c."""

    def loss(p):
        w = p[: n * d].reshape(n, d)
        b = p[n * d : n * d + n]
        a = p[n * d + n : n * d + 2 * n]
        c = p[n * d + 2 * n]
        return jnp.mean((jnp.tanh(x @ w.T + b) @ a + c - y) ** 2)

    return loss


def data(samples, d=2):
    """N inputs and the settings' teacher's standardised targets: for N = 256 exactly the
    engine's task, beyond it standard normal inputs through the same teacher."""
    t = ed.task(samples=256, dim=d)
    if samples == 256:
        return t["inputs"], t["targets"]
    rng = np.random.default_rng(1)
    x = rng.normal(size=(samples, d))
    k = 4
    teacher = t["teacher"]
    w, b, a = teacher[: k * d].reshape(k, d), teacher[k * d : k * d + k], teacher[k * d + k : k * d + 2 * k]
    f = np.tanh(x @ w.T + b) @ a
    return x, (f - f.mean()) / f.std()


def main():
    out_path = sys.argv[1]
    results = {
        "jax_version": jax.__version__,
        "cpu_affinity": sorted(os.sched_getaffinity(0)),
        "tolerance": TOLERANCE,
        "cases": {},
    }
    failures = []
    for samples in SAMPLES:
        x, y = data(samples)
        xj, yj = jnp.asarray(x), jnp.asarray(y)
        for n in WIDTHS:
            key = f"w{n}_n{samples}"
            p = ed.init(width=n, seed=1)
            pj = jnp.asarray(p)
            loss = make_loss(xj, yj, 2, n)
            vg = jax.jit(jax.value_and_grad(loss))
            hess = jax.jit(jax.hessian(loss))
            eig = jax.jit(lambda q, loss=loss: jnp.linalg.eigh(jax.hessian(loss)(q)))
            kw = dict(width=n)
            case = {
                "ours_gradient_us": median_seconds(lambda: ed.loss_and_gradient(p, x, y, **kw)) * 1e6,
                "jax_gradient_us": median_seconds(lambda: jax.block_until_ready(vg(pj))) * 1e6,
                "ours_hessian_us": median_seconds(lambda: ed.hessian(p, x, y, **kw)) * 1e6,
                "jax_hessian_us": median_seconds(lambda: hess(pj).block_until_ready()) * 1e6,
                "ours_spectrum_us": median_seconds(lambda: ed.spectrum(p, x, y, **kw)) * 1e6,
                "jax_spectrum_us": median_seconds(lambda: jax.block_until_ready(eig(pj))) * 1e6,
            }
            for part in ("gradient", "hessian", "spectrum"):
                case[f"jax_over_ours_{part}"] = case[f"jax_{part}_us"] / case[f"ours_{part}_us"]
            # Agreement.
            l, g = ed.loss_and_gradient(p, x, y, **kw)
            lj, gj = vg(pj)
            h, hj = ed.hessian(p, x, y, **kw), np.asarray(hess(pj))
            values, _ = ed.spectrum(p, x, y, **kw)
            values_j = np.asarray(eig(pj)[0])
            diffs = {
                "loss": abs(l - float(lj)) / abs(l),
                "gradient": float(np.max(np.abs(g - np.asarray(gj))) / np.max(np.abs(g))),
                "hessian": float(np.max(np.abs(h - hj)) / np.max(np.abs(h))),
                "eigenvalues": float(np.max(np.abs(values - values_j)) / np.max(np.abs(values))),
            }
            case["rel_diff"] = diffs
            for what, v in diffs.items():
                if not v <= TOLERANCE:
                    failures.append(f"{key} {what} {v:.2e}")
            results["cases"][key] = case
            print(
                f"python width {n}, N = {samples}: gradient {case['ours_gradient_us']:.1f} us "
                f"(JAX {case['jax_gradient_us']:.1f}), Hessian {case['ours_hessian_us']:.0f} us "
                f"(JAX {case['jax_hessian_us']:.0f}), Hessian + eigh {case['ours_spectrum_us']:.0f} us "
                f"(JAX {case['jax_spectrum_us']:.0f})",
                flush=True,
            )
    results["agrees"] = not failures
    try:
        with open(out_path) as fh:
            everything = json.load(fh)
    except FileNotFoundError:
        everything = {}
    everything["python_vs_jax"] = results
    with open(out_path, "w") as fh:
        json.dump(everything, fh, indent=2)
        fh.write("\n")
    if failures:
        print("python_bench.py: THE ENGINE AND JAX DISAGREE: " + "; ".join(failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
