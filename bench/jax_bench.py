"""JAX peer of the native benchmark (scripts/bench.sh runs it after `cargo bench --bench hot_paths`).

Trains from exactly the engine's data and initial weights (the reference the native benchmark
writes, target/bench-data.json): the same inputs, standardised targets, seed-1 students at widths
8, 32 and 64, the same Adam settings and the same loss (mean squared error of
f(x) = sum_j a_j tanh(w_j . x + b_j) + c over the full batch), in 64-bit floats.

Times, on one CPU core (bench.sh pins the process and XLA's threads to one):
  * the full-batch Adam step: `jit` of a `lax.fori_loop` over the reference's steps (1000),
    median of 5 timed runs after a warm-up, per step, at widths 8, 32, 64;
  * the exact Hessian and its eigen-decomposition: `jit` of `jnp.linalg.eigh(jax.hessian(loss))`
    at widths 32 and 64, median over about a second of repeats (and each part alone);
and checks against ours: the loss at the init and after the steps (relative difference), and the
Hessian's eigenvalues (largest difference relative to the largest magnitude). Exits with status 1,
after writing its results, if any of them disagree by more than TOLERANCE.

Usage: python bench/jax_bench.py REFERENCE_JSON OUT_JSON
"""

import json
import os
import statistics
import sys
import time

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402  (after x64 is on)
from jax import lax  # noqa: E402

# Agreement required with the engine (float64 throughout; the sums run in another order and
# tanh is another implementation, so the last bits differ).
TOLERANCE = 1e-9


def unpack(p, d, n):
    """The parameter layout of core::network::Shape: w (n x d, row-major) | b (n) | a (n) | c."""
    w = p[: n * d].reshape(n, d)
    b = p[n * d : n * d + n]
    a = p[n * d + n : n * d + 2 * n]
    c = p[n * d + 2 * n]
    return w, b, a, c


def make_loss(x, y, d, n):
    def loss(p):
        w, b, a, c = unpack(p, d, n)
        f = jnp.tanh(x @ w.T + b) @ a + c
        return jnp.mean((f - y) ** 2)

    return loss


def make_train(loss, adam, steps):
    """`steps` Adam steps from `p`, exactly as core::optim::Optimizer (bias-corrected)."""
    lr, b1, b2, eps = adam["learning_rate"], adam["beta1"], adam["beta2"], adam["epsilon"]
    grad = jax.grad(loss)

    def body(i, state):
        p, m, v = state
        t = (i + 1).astype(jnp.float64)
        g = grad(p)
        bc1 = 1.0 - b1**t
        bc2 = 1.0 - b2**t
        step = lr / bc1
        m = b1 * m + (1.0 - b1) * g
        v = b2 * v + (1.0 - b2) * g * g
        p = p - step * m / (jnp.sqrt(v / bc2) + eps)
        return p, m, v

    def train(p):
        z = jnp.zeros_like(p)
        return lax.fori_loop(0, steps, body, (p, z, z))[0]

    return jax.jit(train)


def median_seconds(f, budget=1.0, least=5):
    f()
    times = []
    start = time.perf_counter()
    while len(times) < least or (time.perf_counter() - start < budget and len(times) < 10_000):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def rel(a, b):
    return abs(a - b) / abs(b)


def main():
    ref_path, out_path = sys.argv[1:3]
    with open(ref_path) as fh:
        ref = json.load(fh)
    assert ref["activation"] == "tanh", ref["activation"]
    d, samples, steps = ref["input_dim"], ref["samples"], ref["steps"]
    x = jnp.asarray(ref["inputs"], dtype=jnp.float64).reshape(samples, d)
    y = jnp.asarray(ref["targets"], dtype=jnp.float64)
    out = {
        "jax_version": jax.__version__,
        "jax_devices": [str(dv) for dv in jax.devices()],
        "jax_cpu_affinity": sorted(os.sched_getaffinity(0)),
        "jax_xla_flags": os.environ.get("XLA_FLAGS", ""),
        "jax_reference_steps": steps,
        "checks": {},
    }
    checks = out["checks"]
    failures = []

    def check(key, value):
        checks[key] = value
        if not value <= TOLERANCE:
            failures.append(f"{key} = {value:.3e} > {TOLERANCE:.0e}")

    for n in (8, 32, 64):
        r = ref["widths"][str(n)]
        p0 = jnp.asarray(r["init"], dtype=jnp.float64)
        assert p0.shape == (n * (d + 2) + 1,), p0.shape
        loss = jax.jit(make_loss(x, y, d, n))
        train = make_train(make_loss(x, y, d, n), ref["adam"], steps)
        train(p0).block_until_ready()  # compile
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            p = train(p0).block_until_ready()
            runs.append((time.perf_counter() - t) / steps)
        out[f"jax_step_w{n}_us"] = statistics.median(runs) * 1e6
        loss_init = float(loss(p0))
        loss_after = float(loss(p))
        checks[f"jax_loss_init_w{n}"] = loss_init
        checks[f"jax_loss_after_w{n}"] = loss_after
        checks[f"native_loss_after_w{n}"] = r["loss_after"]
        check(f"jax_loss_init_rel_diff_w{n}", rel(loss_init, r["loss_init"]))
        check(f"jax_loss_after_rel_diff_w{n}", rel(loss_after, r["loss_after"]))

        if "hessian_eigenvalues" in r:
            eig = jax.jit(lambda q, loss=make_loss(x, y, d, n): jnp.linalg.eigh(jax.hessian(loss)(q)))
            values = eig(p0)[0].block_until_ready()
            ours = jnp.asarray(r["hessian_eigenvalues"], dtype=jnp.float64)
            out[f"jax_hessian_eigen_w{n}_ms"] = (
                median_seconds(lambda: jax.block_until_ready(eig(p0))) * 1e3
            )
            # Its two parts apart: the Hessian alone and the eigen-decomposition of a fixed one.
            hess = jax.jit(jax.hessian(make_loss(x, y, d, n)))
            h0 = hess(p0).block_until_ready()
            eigh = jax.jit(jnp.linalg.eigh)
            out[f"jax_hessian_only_w{n}_ms"] = median_seconds(lambda: hess(p0).block_until_ready()) * 1e3
            out[f"jax_eigh_only_w{n}_ms"] = median_seconds(lambda: jax.block_until_ready(eigh(h0))) * 1e3
            scale = float(jnp.max(jnp.abs(ours)))
            check(f"jax_hessian_eigen_rel_diff_w{n}", float(jnp.max(jnp.abs(values - ours))) / scale)
            checks[f"jax_hessian_smallest_w{n}"] = float(values[0])
            checks[f"native_hessian_smallest_w{n}"] = float(ours[0])
        print(
            f"jax width {n}: step {out[f'jax_step_w{n}_us']:.1f} us"
            + (f", hessian+eigh {out[f'jax_hessian_eigen_w{n}_ms']:.2f} ms" if f"jax_hessian_eigen_w{n}_ms" in out else "")
            + f"; loss after {steps} steps {loss_after!r} (ours {r['loss_after']!r})",
            flush=True,
        )

    out["jax_agrees"] = not failures
    with open(out_path, "w") as fh:
        json.dump(out, fh, indent=2)
        fh.write("\n")
    if failures:
        print("jax_bench.py: JAX DISAGREES WITH THE ENGINE: " + "; ".join(failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
