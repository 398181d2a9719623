"""Landauer-Buttiker currents and Onsager coefficients (spec 3.11)."""
import mpmath as mp
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
    """energy-dependent, non-factorising test transmission (rational; symmetric); scalar only (E -> (3, 3)), so
    :func:`landauer.currents` takes its one-call-per-node path."""
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


# ---- issue 12: Gauss-Legendre panel currents against 30-digit mpmath quadrature ---------------------------------
def _lorentzian_transmission(g, Ed):
    """single level coupled to len(g) leads: tau_ij = g_i g_j / ((E - Ed)^2 + Gamma^2/4), vectorised."""
    g = np.asarray(g, float)
    G = g.sum()

    def tau(E):
        t = 1.0 / ((np.asarray(E, float) - Ed) ** 2 + G**2 / 4)
        return np.multiply.outer(t, np.outer(g, g) * (1 - np.eye(len(g))))
    return tau


def _mp_currents_1(g, Ed, mus, Ts):
    """(J_1, J^Q_1) by 30-digit tanh-sinh quadrature (mpmath), written independently of symqd.landauer: break points
    at E_d +- Gamma 4^k and at mu_j +- (0..40) T_j and +- (8..40) max T; h = 2 pi."""
    with mp.workdps(30):
        g = [mp.mpf(float(x)) for x in g]
        G, Ed = sum(g), mp.mpf(float(Ed))
        mus, Ts = [mp.mpf(float(x)) for x in mus], [mp.mpf(float(x)) for x in Ts]

        def dn(E):
            f = [1 / (mp.exp((E - m) / t) + 1) for m, t in zip(mus, Ts)]
            return sum(g[0] * g[j] * (f[0] - f[j]) for j in range(1, len(g))) / ((E - Ed) ** 2 + G**2 / 4)
        lo, hi = min(mus) - 60 * max(Ts), max(mus) + 60 * max(Ts)
        pts = {lo, hi, Ed} | {Ed + s * G * mp.mpf(4) ** k for s in (-1, 1) for k in range(-1, 60)}
        pts |= {m + s * k * t for m, t in zip(mus, Ts) for s in (-1, 1) for k in (0, 1, 3, 8, 20, 40)}
        pts |= {m + s * k * max(Ts) for m in mus for s in (-1, 1) for k in (8, 20, 40)}
        pts = sorted(p for p in pts if lo <= p <= hi)
        J = mp.quad(dn, pts) / (2 * mp.pi)
        JQ = mp.quad(lambda E: (E - mus[0]) * dn(E), pts) / (2 * mp.pi)
        return float(J), float(JQ)


@pytest.mark.parametrize("Gamma", [1e-7, 1e-3, 0.3, 3.0, 40.0])
def test_panel_currents_agree_with_mpmath_narrow_and_broad_levels(Gamma):
    rng = np.random.default_rng(int(-np.log10(Gamma) * 10) + 100)
    g = rng.uniform(0.2, 1.0, 3)
    g *= Gamma / g.sum()
    Ed, mus, Ts = rng.uniform(-3, 3), rng.uniform(-0.5, 0.5, 3), rng.uniform(0.5, 2.0, 3)
    J, JQ = la.currents(_lorentzian_transmission(g, Ed), mus, Ts, points=[Ed])
    Jr, JQr = _mp_currents_1(g, Ed, mus, Ts)
    # 1e-10, or the conditioning of a peak of width Gamma at |E_d| in double precision (the energies handed to the
    # transmission are rounded to eps |E_d|, a relative shift eps |E_d| / Gamma of the narrow peak)
    tol = 1e-10 + 50 * np.finfo(float).eps * abs(Ed) / Gamma
    assert abs(J[0] - Jr) < tol * abs(Jr) and abs(JQ[0] - JQr) < tol * abs(JQr)
    assert abs(J.sum()) < 1e-12 * np.abs(J).max()  # particle conservation (tau symmetric)


def test_panel_currents_disparate_temperatures_against_mpmath():
    # T from 0.02 to 5: panels of T_i/2 only near mu_i (bounded node count), still 1e-10 against mpmath
    g, Ed, mus, Ts = np.array([0.3, 0.5, 0.2]), 0.4, [0.1, -0.2, 0.0], [5.0, 0.02, 1.0]
    tau = _lorentzian_transmission(g, Ed)
    J, JQ = la.currents(tau, mus, Ts, points=[Ed])
    Jr, JQr = _mp_currents_1(g, Ed, mus, Ts)
    assert abs(J[0] - Jr) < 1e-10 * abs(Jr) and abs(JQ[0] - JQr) < 1e-10 * abs(JQr)
    E = la._current_panel_edges(min(mus) - 300, max(mus) + 300, np.array(mus), np.array(Ts), [Ed])
    assert len(E) < 2000  # not 600 / 0.01 = 60 000 panels of the smallest temperature


def test_panel_currents_narrow_level_at_exact_energy_to_1e_14():
    # E_d = 0: node energies near the peak are exact to eps * Gamma, so even Gamma = 1e-7 agrees to ~1e-14
    g, mus, Ts = np.array([0.3, 0.5, 0.2]) * 1e-7, [0.1, -0.2, 0.0], [1.0, 1.3, 0.8]
    J, JQ = la.currents(_lorentzian_transmission(g, 0.0), mus, Ts, points=[0.0])
    Jr, JQr = _mp_currents_1(g, 0.0, mus, Ts)
    assert abs(J[0] - Jr) < 1e-12 * abs(Jr) and abs(JQ[0] - JQr) < 1e-12 * abs(JQr)


def test_panel_currents_refine_adaptively_where_an_unlisted_peak_sits():
    # a level of width 1e-6 at E = 0.3 that is not passed as a point: the 12- and 24-point rules disagree on its
    # panel, which is halved until they agree; the result matches 30-digit mpmath to ~1e-13
    g = np.array([0.5e-6, 0.5e-6])
    tau = _lorentzian_transmission(g, 0.3)
    J, JQ = la.currents(tau, [0.05, 0.0], [1.0, 1.0])
    Jr, JQr = _mp_currents_1(g, 0.3, [0.05, 0.0], [1.0, 1.0])
    assert abs(J[0] - Jr) < 1e-12 * abs(Jr) and abs(JQ[0] - JQr) < 1e-12 * abs(JQr)


def test_panel_currents_refuse_a_transmission_they_cannot_resolve():
    # a transmission that is not a function of E (fresh noise at every call): the rules never agree, and the
    # refinement stops at its panel budget with IntegrationNotConverged instead of returning a number
    rng = np.random.default_rng(0)

    def noise(E):
        t = rng.uniform(0, 1, np.shape(E))
        return np.multiply.outer(t, 1 - np.eye(2))

    with pytest.raises(la.IntegrationNotConverged, match="did not converge"):
        la.currents(noise, [0.05, 0.0], [1.0, 1.0])


def test_panel_currents_vectorised_and_scalar_callables_agree():
    def scalar_only(E):
        if np.ndim(E):
            raise TypeError("scalar energies only")
        return _lorentzian_transmission([0.2, 0.1, 0.3], 0.7)(E)
    args = ([0.2, -0.1, 0.0], [1.1, 0.9, 1.0])
    Jv, Qv = la.currents(_lorentzian_transmission([0.2, 0.1, 0.3], 0.7), *args, points=[0.7])
    Js, Qs = la.currents(scalar_only, *args, points=[0.7])
    assert np.allclose(Jv, Js, rtol=1e-14, atol=0) and np.allclose(Qv, Qs, rtol=1e-14, atol=0)


def test_panel_currents_double_dot_heat_current_against_mpmath():
    # issue 12: at gamma ~ 1e-3 the former scalar adaptive quad (error estimate dropped) returned J^Q_1 26% too
    # small (5.547e-5); reference: 20-digit tanh-sinh of the seed transmissions (paper 2, Sec. 4)
    import sympy as sp

    from symqd.models import three_terminal as tt
    p, mus, Ts = (1e-3, 0.5e-3, 2e-3, 1.0, 1.5, 0.3), [0.3, -0.2, 0.0], [1.5, 0.7, 1.0]
    args = (tt.E_s, *tt.g_s, tt.EL_s, tt.ER_s, tt.t_s)
    seed = {k: sp.lambdify(args, v, "mpmath") for k, v in tt.SEED_DOUBLE_DOT_TRANSMISSIONS.items()}
    levels = tt.double_dot_levels(*p[3:])
    with mp.workdps(20):
        pm = [mp.mpf(x) for x in p]
        f = [lambda E, m=m, t=t: 1 / (mp.exp((E - m) / t) + 1) for m, t in zip(mus, Ts)]

        def dq(E):
            return (E - mus[0]) * (seed[(1, 2)](E, *pm) * (f[0](E) - f[1](E))
                                   + seed[(1, 3)](E, *pm) * (f[0](E) - f[2](E)))
        lo, hi = min(mus) - 60 * max(Ts), max(mus) + 60 * max(Ts)
        pts = {lo, hi} | set(levels) | {lv + s * 1e-3 * 4.0**k for lv in levels for s in (-1, 1) for k in range(-1, 8)}
        pts |= {m + s * k for m in mus for s in (-1, 1) for k in (0, 2, 8, 30)}
        JQ1 = float(mp.quad(dq, sorted(x for x in pts if lo <= x <= hi)) / (2 * mp.pi))
    _, JQ = la.currents(tt.double_dot_transmission(*p), mus, Ts, points=list(levels))
    assert abs(JQ[0] - JQ1) < 1e-10 * abs(JQ1)
    assert abs(JQ1 - 7.5312798889811e-05) < 1e-15  # the reference itself (26% above the former quad value)
