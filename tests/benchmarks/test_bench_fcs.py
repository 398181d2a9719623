"""Counting-statistics benchmarks (pytest-benchmark; ``pytest tests/benchmarks/test_bench_fcs.py --benchmark-enable``).

Zero-frequency noise c_2 of I^N_R of the 8-state thermocouple: compiled closed form (symqd.fcs through
CompiledModel(observables=...)) at 10^5 parameter points, against a per-point numeric route (the eigenvalue of the
tilted generator W(chi) closest to 0, second derivative by a 5-point central difference in numpy, timed on 10^2
points; multiply by 1000 to compare). Also the symbolic cost: building the cumulant program up to order 3.
"""

import numpy as np
import pytest

from symqd import CompiledModel, fcs
from symqd.models import thermocouple as tc


@pytest.fixture(scope="module")
def setup():
    me = tc.symbolic(uhc_infinite=False).me
    cm = CompiledModel(me, observables=fcs.observables(me, "R", 2))
    rng = np.random.default_rng(0)
    n = 10**5
    vals = tc.resolve_parameters({**tc.FIG2, "T_C": rng.uniform(2, 10, n), "mu_R": rng.uniform(-2, 2, n)})
    vals = {k: vals[k] for k in cm.parameter_names}
    cm.evaluate({k: (v[:10] if np.ndim(v) else v) for k, v in vals.items()})  # compile
    return me, cm, vals


def eigen_noise(me, rates, w, h=1e-3):
    n = me.n
    tr = [(me.index[t.source], me.index[t.target], w.get(t.symbol, 0)) for t in me.transitions]

    def lam(chi):
        A = np.zeros((n, n))
        for (i, j, d), k in zip(tr, rates):
            A[j, i] += k * np.exp(chi * d)
            A[i, i] -= k
        ev = np.linalg.eigvals(A)
        return ev[np.argmin(np.abs(ev))].real

    f = [lam(c * h) for c in (-2, -1, 0, 1, 2)]
    return (-f[0] + 16 * f[1] - 30 * f[2] + 16 * f[3] - f[4]) / (12 * h * h)


def test_compiled_noise_1e5_points(benchmark, setup):
    me, cm, vals = setup
    r = benchmark(cm.evaluate, vals)
    assert r["C2_N_R"].shape == (10**5,) and np.all(r["C2_N_R"] > 0)


def test_per_point_eigenvalue_noise_1e2_points(benchmark, setup):
    me, cm, vals = setup
    w = {k: float(v) for k, v in fcs.counting_weights(me, "R", "N").items()}
    idx = range(100)
    rates = cm.rates(vals)
    pts = [[float(k[i]) for k in rates] for i in idx]
    out = benchmark(lambda: [eigen_noise(me, p, w) for p in pts])
    ref = cm.evaluate({k: (v[:100] if np.ndim(v) else v) for k, v in vals.items()})["C2_N_R"]
    assert np.allclose(out, ref, rtol=1e-5)


def test_build_cumulant_program_order3(benchmark):
    me = tc.symbolic(uhc_infinite=False).me
    prog = benchmark(fcs.cumulant_program, me, fcs.counting_weights(me, "R", "N"), 3)
    assert len(prog.outputs) == 3
