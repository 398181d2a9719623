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
