"""Engine benchmarks (pytest-benchmark; run with ``pytest tests/benchmarks --benchmark-enable``).

Symbolic: closed-form steady state of the generic 8-state triple dot by spanning trees and by state elimination,
against sympy's own solver on a 4-state model (where it finishes; on the 8-state model ``linsolve`` does not
finish in 15 min). Numeric: currents at 10^6 random parameter points, closed form vs batched solver vs a
per-point loop (the loop timed on 10^3 points; multiply by 1000).
"""

import numpy as np
import pytest
import sympy as sp

from symqd.graph import steady_state
from symqd.master import MasterEquation
from symqd.models.interacting_dots import interacting_dots
from symqd.models.thermocouple import build_system
from symqd.numeric import CompiledModel, solve_rate_matrix_numpy
from symqd.system import Reservoir, System


def four_state():
    return MasterEquation(
        System.build(["A", "B"], {("A", "B"): None},
                     [Reservoir("L", "A", mu=0), Reservoir("R", "A", depends_on=("B",)), Reservoir("H", "B", mu=0)])
    )


@pytest.fixture(scope="module")
def me8():
    return MasterEquation(build_system(uhc_infinite=False, probe=False))


def test_symbolic_steady_state_8_states_spanning_trees(benchmark, me8):
    ss = benchmark(steady_state, me8, method="trees")
    assert len(ss.numerators) == 8


def test_symbolic_steady_state_8_states_elimination(benchmark, me8):
    ss = benchmark(steady_state, me8, method="elimination")
    assert len(ss.numerators) == 8


def test_symbolic_steady_state_4_states_spanning_trees(benchmark):
    me = four_state()
    benchmark(steady_state, me, method="trees")


def test_symbolic_steady_state_4_states_sympy_solve(benchmark):
    me = four_state()
    W = me.rate_matrix()
    p = sp.symbols("q0:4")
    eqs = list(W * sp.Matrix(p))[:-1] + [sum(p) - 1]
    benchmark.pedantic(sp.solve, args=(eqs, p), kwargs={"dict": True}, rounds=1, iterations=1)


N = 10**6


@pytest.fixture(scope="module")
def points(me8):
    cm = CompiledModel(me8)
    rng = np.random.default_rng(0)
    vals = {}
    for n in cm.parameter_names:
        vals[n] = rng.uniform(0.3, 3, N) if n.startswith(("T_", "gamma")) else rng.uniform(-2, 2, N)
    cm.evaluate({k: v[:2] for k, v in vals.items()})
    return cm, vals


def test_numeric_1e6_closed_form(benchmark, points):
    cm, vals = points
    benchmark.pedantic(cm.evaluate, args=(vals,), rounds=3, iterations=1)


def test_numeric_1e6_closed_form_tree_sums(benchmark, points, me8):
    cm, vals = points
    trees = CompiledModel(me8, steady_method="trees")
    trees.evaluate({k: v[:2] for k, v in vals.items()})
    benchmark.pedantic(trees.evaluate, args=(vals,), rounds=1, iterations=1)


def test_numeric_1e6_batched_solver(benchmark, points):
    cm, vals = points
    benchmark.pedantic(cm.evaluate, args=(vals,), kwargs={"method": "solver"}, rounds=3, iterations=1)


def test_numeric_1e3_per_point_loop(benchmark, points):
    """The naive approach: one dense solve per parameter point (x1000 for 10^6 points)."""
    cm, vals = points
    small = {k: v[:1000] for k, v in vals.items()}
    ks = cm.rates(small)

    def loop():
        out = []
        for i in range(1000):
            out.append(solve_rate_matrix_numpy(cm.me.n, cm._pairs, [k[i] for k in ks]))
        return out

    benchmark.pedantic(loop, rounds=3, iterations=1)


def _vals(cm, n):
    rng = np.random.default_rng(0)
    return {k: rng.uniform(0.5, 2.0, n) if k.startswith(("T", "gamma")) else rng.uniform(-1, 1, n)
            for k in cm.parameter_names}


@pytest.mark.parametrize("nd", [4, 5])
def test_bench_build_and_compile_16_32_states(benchmark, nd):
    def build():
        cm = CompiledModel(interacting_dots(nd))
        cm.evaluate({k: v[:2] for k, v in _vals(cm, 2).items()})
        return cm

    benchmark.pedantic(build, rounds=1, iterations=1)


@pytest.mark.parametrize("nd", [4, 5])
@pytest.mark.parametrize("method", ["closed_form", "solver"])
def test_bench_16_32_states_10k_points(benchmark, nd, method):
    cm = CompiledModel(interacting_dots(nd))
    cm.refine = False
    vals = _vals(cm, 10000)
    cm.evaluate({k: v[:2] for k, v in vals.items()})
    benchmark(cm.evaluate, vals, method=method, outputs=["IN_R"])


@pytest.mark.parametrize("nd", [4, 5])
def test_bench_16_32_states_10k_points_c_kernel(benchmark, nd):
    from symqd.kernels import compiler_available

    if compiler_available() is None:
        pytest.skip("no C compiler")
    cm = CompiledModel(interacting_dots(nd))
    vals = _vals(cm, 10000)
    cm.evaluate(vals, backend="c", outputs=["IN_R"], refine=False)  # compile (cached on disk afterwards)
    benchmark(cm.evaluate, vals, backend="c", outputs=["IN_R"], refine=False)


@pytest.mark.parametrize("nd", [4, 5])
def test_bench_16_32_states_kernel_generation_and_compilation(benchmark, nd, tmp_path, monkeypatch):
    """Cold: C source from the closed form plus gcc, with an empty kernel cache."""
    from symqd.kernels import KernelModel, compiler_available

    if compiler_available() is None:
        pytest.skip("no C compiler")
    monkeypatch.setenv("SYMQD_CACHE", str(tmp_path))
    cm = CompiledModel(interacting_dots(nd))
    vals = _vals(cm, 4)

    def cold():
        return KernelModel(cm).evaluate(vals, outputs=["IN_R"], refine=False)

    benchmark.pedantic(cold, rounds=1, iterations=1)
