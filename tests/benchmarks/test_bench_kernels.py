"""Throughput of the compiled C kernel vs the numpy closed form and the per-point solver (8-state thermocouple).

Run with ``pytest tests/benchmarks/test_bench_kernels.py --benchmark-enable``; points/s = N / time.
"""

import numpy as np
import pytest

from symqd.kernels import KernelModel, compiler_available
from symqd.master import MasterEquation
from symqd.models.thermocouple import build_system
from symqd.numeric import CompiledModel, solve_rate_matrix_numpy

N = 32768 * 8


@pytest.fixture(scope="module")
def setup():
    cm = CompiledModel(MasterEquation(build_system(uhc_infinite=False, probe=False)))
    cm.refine = False
    rng = np.random.default_rng(0)
    vals = {n: (rng.uniform(0.5, 2.0, N) if n.startswith(("T", "gamma")) else rng.uniform(-1, 1, N))
            for n in cm.parameter_names}
    return cm, vals


@pytest.mark.skipif(compiler_available() is None, reason="no C compiler")
def test_bench_c_kernel_currents(benchmark, setup):
    cm, vals = setup
    km = KernelModel(cm)
    benchmark(km.evaluate, vals, outputs=["IN_R", "J_H", "J_C"])


def test_bench_numpy_closed_form_currents(benchmark, setup):
    cm, vals = setup
    benchmark(cm.evaluate, vals, outputs=["IN_R", "J_H", "J_C"])


def test_bench_per_point_solve_1000_points(benchmark, setup):
    cm, vals = setup
    small = {k: v[:1000] for k, v in vals.items()}
    ks = cm.rates(small)

    def loop():
        return [solve_rate_matrix_numpy(cm.me.n, cm._pairs, [k[i] for k in ks]) for i in range(1000)]

    benchmark(loop)


def test_bench_per_point_numpy_linalg_solve_1000_points(benchmark, setup):
    """What a user's notebook does: per point, build the 8x8 rate matrix, replace a row by the normalization and
    call numpy.linalg.solve (the reference of issue 12: 0.8-1.6e4 points/s)."""
    cm, vals = setup
    small = {k: v[:1000] for k, v in vals.items()}
    ks = np.stack(cm.rates(small), axis=1)
    n = cm.me.n
    src = np.array([a for a, _ in cm._pairs])
    dst = np.array([b for _, b in cm._pairs])

    def loop():
        out = []
        for row in ks:
            W = np.zeros((n, n))
            np.add.at(W, (dst, src), row)
            W[np.diag_indices(n)] -= W.sum(axis=0)
            W[0] = 1.0
            b = np.zeros(n)
            b[0] = 1.0
            out.append(np.linalg.solve(W, b))
        return out

    res = benchmark(loop)
    ref = cm.evaluate({k: v[:3] for k, v in small.items()}, outputs=["p"])["p"]
    assert np.allclose([r[0] for r in res[:3]], ref[cm.me.states[0]], rtol=1e-10)
