"""Paper 2 benchmarks: closed-form (polygamma) vs quadrature single-dot L; batched vs looped Onsager algebra.

Run with ``pytest tests/benchmarks/test_bench_paper2.py --benchmark-enable``.
"""
import numpy as np
import pytest

from symqd import onsager
from symqd.models import three_terminal as tt

N_BATCH = 10_000


def test_bench_single_dot_closed_form(benchmark):
    L = benchmark(tt.single_dot_onsager, 0.1, 0.05, 0.1, 2.0)
    assert L.shape == (4, 4)


def test_bench_single_dot_quadrature(benchmark):
    L = benchmark(tt.single_dot_onsager, 0.1, 0.05, 0.1, 2.0, method="quadrature")
    assert L.shape == (4, 4)


def test_bench_single_dot_closed_form_vectorized_1000(benchmark):
    g2 = np.linspace(0.0, 0.2, 1000)
    L = benchmark(tt.single_dot_onsager, 0.1, g2, 0.1, 2.0)
    assert L.shape == (1000, 4, 4)


@pytest.fixture(scope="module")
def many_L():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(N_BATCH, 4, 4))
    return A @ np.swapaxes(A, -1, -2) + 1e-3 * np.eye(4), rng.normal(size=(N_BATCH, 2))


def _all_numbers(L, XT):
    return (onsager.thermopower(L, 1.0), onsager.max_power(L, 1.0, XT)[0],
            onsager.efficiency_at_max_power(L, 1.0, XT))


def test_bench_onsager_batched(benchmark, many_L):
    L, XT = many_L
    S, W, eta = benchmark(_all_numbers, L, XT)
    assert W.shape == (N_BATCH,)


def test_bench_onsager_loop(benchmark, many_L):
    L, XT = many_L
    n = 1000  # loop over 1000 points (scale by 10 to compare with the batched 10 000)
    out = benchmark.pedantic(lambda: [_all_numbers(L[k], XT[k]) for k in range(n)], rounds=3, iterations=1)
    assert len(out) == n


# ---------------- double dot: closed form (partial fractions + trigamma) vs quadrature -----------------------------
DD = (0.2, 0.1, 0.2, 2.0, 3.0, 0.5)
DD_NARROW = (1e-5, 0.5e-5, 2e-5, 1.0, 1.5, 0.3)   # issue 11 item 1


def _old_adaptive_quadrature(p):
    """The previous default: scipy quad of the transmissions with the levels as break points (now it checks its
    error estimate and refuses instead of returning a wrong number)."""
    from symqd import landauer
    return landauer.onsager_matrix(tt.double_dot_transmission(*p), 3, 0.0, 1.0,
                                   points=list(tt.double_dot_levels(*p[3:])))


def test_bench_double_dot_closed_form(benchmark):
    L = benchmark(tt.double_dot_onsager, *DD)
    assert L.shape == (4, 4)


def test_bench_double_dot_closed_form_narrow(benchmark):
    L = benchmark(tt.double_dot_onsager, *DD_NARROW)
    assert L.shape == (4, 4)


def test_bench_double_dot_closed_form_vectorized_1000(benchmark):
    g2 = np.logspace(-3, 0, 1000)
    L = benchmark(tt.double_dot_onsager, 0.2, g2, 0.2, 2.0, 3.0, 0.5)
    assert L.shape == (1000, 4, 4)


def test_bench_double_dot_panel_quadrature(benchmark):
    L = benchmark(tt.double_dot_onsager, *DD, method="quadrature")
    assert L.shape == (4, 4)


def test_bench_double_dot_panel_quadrature_narrow(benchmark):
    L = benchmark(tt.double_dot_onsager, *DD_NARROW, method="quadrature")
    assert L.shape == (4, 4)


def test_bench_double_dot_old_adaptive_quadrature(benchmark):
    L = benchmark.pedantic(_old_adaptive_quadrature, args=(DD,), rounds=5, iterations=1)
    assert L.shape == (4, 4)


# ---------------- nonlinear Landauer-Buttiker currents (issue 12): Gauss-Legendre panels on arrays -----------------
def _double_dot_currents(p):
    from symqd import landauer
    return landauer.currents(tt.double_dot_transmission(*p), [0.01, -0.02, 0.0], [1.01, 0.99, 1.0],
                             points=list(tt.double_dot_levels(*p[3:])))


def test_bench_double_dot_nonlinear_currents_panels(benchmark):
    J, JQ = benchmark(_double_dot_currents, DD)
    assert J.shape == (3,)


def test_bench_double_dot_nonlinear_currents_panels_narrow(benchmark):
    J, JQ = benchmark(_double_dot_currents, DD_NARROW)
    assert J.shape == (3,)


def test_bench_double_dot_onsager_by_differentiation(benchmark):
    from symqd import landauer
    tau = tt.double_dot_transmission(*DD)
    L = benchmark.pedantic(landauer.onsager_by_differentiation, args=(tau, 3, 0.0, 1.0),
                           kwargs=dict(points=list(tt.double_dot_levels(*DD[3:]))), rounds=3, iterations=1)
    assert L.shape == (4, 4)
