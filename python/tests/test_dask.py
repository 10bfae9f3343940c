"""Sweeps on a Dask LocalCluster: the same summary as one machine, bit for bit, also when a
worker is killed mid-sweep."""

import os
import signal
import time

import pytest

distributed = pytest.importorskip("distributed")

import escape_dims as ed
import escape_dims.distributed as edd

SETTINGS = dict(widths=[3, 4, 5, 6, 8, 16], runs=40, esteps=6000)


@pytest.fixture(scope="module")
def single():
    return ed.run_sweep(**SETTINGS)


def test_a_sweep_on_two_workers_equals_the_single_machine_sweep(client, single):
    result = edd.sweep(client, **SETTINGS)
    assert result["csv"] == single["csv"]
    assert result["runs"] == single["runs"]


def test_a_worker_killed_mid_sweep_loses_no_job(client, single):
    client.restart()
    seen = {}

    def kill_one_when_started(futures):
        # Wait until a few jobs are done, then kill one worker's process outright (SIGKILL):
        # its nanny starts a new one and the scheduler reruns the lost tasks.
        deadline = time.time() + 60
        while sum(f.done() for f in futures) < 10 and time.time() < deadline:
            time.sleep(0.05)
        pids = client.run(os.getpid)
        address, pid = sorted(pids.items())[0]
        seen["killed"] = (address, pid, sum(f.done() for f in futures), len(futures))
        os.kill(pid, signal.SIGKILL)

    result = edd.sweep(client, on_submit=kill_one_when_started, **SETTINGS)
    address, pid, done, total = seen["killed"]
    assert done < total, f"the sweep was over ({done} of {total}) before the kill"
    keys = [(r["width"], r["seed"]) for r in result["runs"]]
    assert len(keys) == len(set(keys)) == 240, "every seed counted once"
    assert result["csv"] == single["csv"]
    assert result["runs"] == single["runs"]
    # The nanny restarted the killed worker's process.
    deadline = time.time() + 30
    while len(client.run(os.getpid)) < 2 and time.time() < deadline:
        time.sleep(0.2)
    assert pid not in client.run(os.getpid).values()
