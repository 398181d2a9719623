"""Parameter sweeps: local chunked grid = direct evaluation; dask (threads and a local cluster of processes) =
local; memory of large evaluations measured in a subprocess."""

import json
import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from symqd import BosonicBath, CompiledModel, MasterEquation, Reservoir, System
from symqd.sweep import sweep


@pytest.fixture(scope="module")
def cm():
    return CompiledModel(MasterEquation(System.build(
        ["A", "B"], {("A", "B"): math.inf},
        [Reservoir("L", "A", mu=0), Reservoir("R", "B"), BosonicBath("ph", ("A", "B"))])))


FIXED = dict(T_L=1.0, T_R=1.0, T_ph=1.7, eps_A=0.0, gamma_L=1.0, gamma_R=0.5, g_ph=0.3)


def direct(cm, grid, keys):
    mesh = np.meshgrid(*[np.asarray(v, float) for v in grid.values()], indexing="ij")
    return cm.evaluate({**FIXED, **dict(zip(grid, mesh))}, outputs=keys)


def test_local_sweep_equals_direct_evaluation_and_validates(cm):
    grid = {"eps_B": np.linspace(-2, 2, 23), "mu_R": np.linspace(-1, 1, 7)}
    out = sweep(cm, grid, fixed=FIXED, outputs=["IN_R", "J_ph", "p"], chunk_size=10)
    ref = direct(cm, grid, ["IN_R", "J_ph", "p"])
    assert out["IN_R"].shape == (23, 7)
    assert np.array_equal(out["IN_R"], ref["IN_R"]) and np.array_equal(out["J_ph"], ref["J_ph"])
    assert all(np.array_equal(out["p"][s], ref["p"][s]) for s in cm.me.states)
    with pytest.raises(ValueError, match="both in grid and in fixed"):
        sweep(cm, grid, fixed={**FIXED, "mu_R": 0.0})
    with pytest.raises(ValueError, match="'T_L'.*> 0"):
        sweep(cm, {**grid, "T_L": [1.0, -1.0]}, fixed={k: v for k, v in FIXED.items() if k != "T_L"})
    with pytest.raises(ValueError, match="1-D"):
        sweep(cm, {"eps_B": [[1.0]], "mu_R": [0.0]}, fixed=FIXED)


def test_dask_sweep_threads_equals_local(cm):
    pytest.importorskip("dask")
    grid = {"eps_B": np.linspace(-2, 2, 31), "mu_R": np.linspace(-1, 1, 5)}
    lazy = sweep(cm, grid, fixed=FIXED, outputs=["IN_R"], chunk_size=17, dask=True)
    local = sweep(cm, grid, fixed=FIXED, outputs=["IN_R"])
    assert np.array_equal(lazy["IN_R"].compute(scheduler="threads"), local["IN_R"])


@pytest.mark.slow
def test_dask_sweep_on_a_local_cluster_of_processes_equals_local(cm):
    distributed = pytest.importorskip("distributed")
    grid = {"eps_B": np.linspace(-2, 2, 64), "mu_R": np.linspace(-1, 1, 16)}
    local = sweep(cm, grid, fixed=FIXED, outputs=["IN_R", "J_ph"])
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc, \
            distributed.Client(lc) as client:
        lazy = sweep(cm, grid, fixed=FIXED, outputs=["IN_R", "J_ph"], chunk_size=200, dask=True)
        got = client.compute([lazy["IN_R"], lazy["J_ph"]], sync=True)
    assert np.array_equal(got[0], local["IN_R"]) and np.array_equal(got[1], local["J_ph"])


MEMORY_SCRIPT = textwrap.dedent("""
    import json, resource, sys, numpy as np
    from symqd import System, Reservoir, MasterEquation, CompiledModel
    me = MasterEquation(System.build(["M", "H", "C"], {("M", "H"): None, ("M", "C"): None, ("H", "C"): None},
        [Reservoir("L", "M", mu=0), Reservoir("R", "M"), Reservoir("H", "H", mu=0), Reservoir("C", "C", mu=0)]))
    cm = CompiledModel(me)
    N, backend = int(sys.argv[1]), sys.argv[2]
    vals = {n: 1.0 for n in cm.parameter_names}
    vals.update(T_C=np.linspace(0.5, 2.0, N))
    cm.evaluate({**vals, "T_C": 1.0}, backend=backend)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    r = cm.evaluate(vals, outputs=["IN_R"], backend=backend)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"extra_MiB": (peak - base) / 1024, "finite": bool(np.all(np.isfinite(r["IN_R"])))}))
""")


def _extra_memory(n, backend="numpy"):
    res = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(n), backend], capture_output=True, text=True,
                         check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


BACKENDS = ["numpy", pytest.param("c", marks=pytest.mark.skipif(
    __import__("symqd.kernels").kernels.compiler_available() is None, reason="no C compiler"))]


@pytest.mark.parametrize("backend", BACKENDS)
def test_memory_of_a_large_evaluation_is_bounded_by_its_outputs(backend):
    """2e6 points of the 8-state model: input (16 MB) + one output (16 MB) + chunk temporaries, not 2.4 GB (the C
    kernel with cancellation refinement on keeps the other currents and gross fluxes in chunk-sized scratch)."""
    r = _extra_memory(2_000_000, backend)
    assert r["finite"] and r["extra_MiB"] < 200, r


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_memory_of_1e7_points_is_below_1_GiB(backend):
    r = _extra_memory(10_000_000, backend)
    assert r["finite"] and r["extra_MiB"] < 1024, r
