"""Landauer-Buttiker currents and Onsager coefficients (spec 3.11)."""
import numpy as np
import pytest

from symqd import landauer as la
from symqd import onsager as o


def test_fermi_is_overflow_safe():
    with np.errstate(over="raise"):
        f = la.fermi(np.array([-1e5, 0.0, 1e5]), 0.0, 1e-3)
        d = la.minus_dfermi_dE(np.array([-1e5, 0.0, 1e5]), 0.0, 1e-3)
    assert np.allclose(f, [1, 0.5, 0]) and np.allclose(d, [0, 250.0, 0])


def _structured_transmission(E):
    """energy-dependent, non-factorising test transmission (rational; symmetric)."""
    t12 = 0.3 / (1 + (E - 1.0) ** 2)
    t13 = 0.5 / (1 + 0.5 * (E + 0.5) ** 2)
    t23 = 0.2 * np.exp(-((E - 2.0) ** 2))
    return np.array([[0, t12, t13], [t12, 0, t23], [t13, t23, 0]])


def test_current_conservation_and_zero_at_equilibrium():
    J, JQ = la.currents(_structured_transmission, [0.1, -0.05, 0.0], [1.2, 0.9, 1.0])
    assert abs(J.sum()) < 1e-12
    JE = JQ + np.array([0.1, -0.05, 0.0]) * J
    assert abs(JE.sum()) < 1e-12
    J0, JQ0 = la.currents(_structured_transmission, [0.0] * 3, [1.0] * 3)
    assert np.allclose(J0, 0) and np.allclose(JQ0, 0)


def test_onsager_matrix_equals_derivative_of_nonlinear_currents():
    L = la.onsager_matrix(_structured_transmission, 3, 0.0, 1.0, points=[1.0, -0.5, 2.0])
    Ld = la.onsager_by_differentiation(_structured_transmission, 3, 0.0, 1.0, points=[1.0, -0.5, 2.0])
    assert np.max(np.abs(L - Ld)) < 1e-7 * np.max(np.abs(L))
    assert o.is_symmetric(L) and o.is_positive_semidefinite(L)


def test_second_law_nonlinear_entropy_production_positive():
    mus, Ts = np.array([0.3, -0.2, 0.0]), np.array([1.5, 0.7, 1.0])
    J, JQ = la.currents(_structured_transmission, mus, Ts)
    assert -np.sum(JQ / Ts) > 0


def test_bad_input():
    with pytest.raises(ValueError, match="'T'"):
        la.onsager_matrix(_structured_transmission, 3, 0.0, -1.0)
    with pytest.raises(ValueError, match="'Ts'"):
        la.currents(_structured_transmission, [0, 0, 0], [1, 0, 1])
