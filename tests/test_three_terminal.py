"""Paper 2 models: single dot (P2-6, P2-7, P2-8, P2-10, P2-11) and double dot (P2-9, Sec. 3.13)."""
import mpmath
import numpy as np
import pytest
import sympy as sp

from symqd import landauer as la
from symqd import onsager as o
from symqd.models import three_terminal as tt

T, e = sp.symbols("T e", positive=True)


# ---------------- closed-form I_n vs quadrature ----------------------------------------------------------------
@pytest.mark.parametrize("Ed,Gamma,T0,mu", [(2.0, 0.2, 1.0, 0.0), (-0.7, 1.5, 0.3, 0.1), (0.05, 0.02, 2.0, -0.3),
                                            (5.0, 3.0, 1.0, 0.0)])
def test_polygamma_integrals_match_quadrature_to_1e12(Ed, Gamma, T0, mu):
    closed = tt.lorentzian_integrals(Ed, Gamma, T0, mu)
    lo, hi = mu - 60 * T0, mu + 60 * T0
    from scipy import integrate
    for n, val in enumerate(closed):
        q, _ = integrate.quad(lambda E: la.minus_dfermi_dE(E, mu, T0) * (E - mu) ** n
                              / ((E - Ed) ** 2 + Gamma**2 / 4), lo, hi, points=[Ed], epsabs=0, epsrel=2e-14,
                              limit=1000)
        q *= T0 / (2 * np.pi)
        assert abs(val - q) <= 1e-12 * max(abs(q), 1e-3), (n, val, q)


def test_numpy_trigamma_matches_mpmath_to_1e14():
    rng = np.random.default_rng(0)
    w = 0.5 + rng.uniform(0, 30, 50) + 1j * rng.uniform(-50, 50, 50)
    ref = np.array([complex(mpmath.psi(1, complex(x))) for x in w])
    assert np.max(np.abs(tt.trigamma(w) - ref) / np.abs(ref)) < 1e-14


def test_mpmath_backend_agrees_with_numpy_and_high_precision_quadrature():
    with mpmath.workdps(30):
        I = tt.lorentzian_integrals(mpmath.mpf("1.3"), mpmath.mpf("0.4"), mpmath.mpf("0.8"), 0, backend="mpmath")
        Ed, a, T0 = mpmath.mpf("1.3"), mpmath.mpf("0.2"), mpmath.mpf("0.8")
        for n in range(3):
            q = mpmath.quad(lambda E: E**n / (4 * T0 * mpmath.cosh(E / (2 * T0)) ** 2) / ((E - Ed) ** 2 + a**2),
                            [-40, 0, Ed, 40]) * T0 / (2 * mpmath.pi)
            assert abs(I[n] - q) < mpmath.mpf(10) ** -22 * abs(q)
    In = tt.lorentzian_integrals(1.3, 0.4, 0.8, 0.0)
    assert np.allclose([float(x) for x in I], In, rtol=1e-14)


def test_single_dot_closed_form_equals_quadrature_onsager():
    L = tt.single_dot_onsager(0.3, 0.2, 0.5, 1.1, T=0.7, mu=0.1)
    Lq = tt.single_dot_onsager(0.3, 0.2, 0.5, 1.1, T=0.7, mu=0.1, method="quadrature")
    assert np.max(np.abs(L - Lq)) < 1e-12 * np.max(np.abs(L))


def test_single_dot_broadcasts():
    g2 = np.linspace(0.01, 1, 5)
    L = tt.single_dot_onsager(0.1, g2, 0.1, 2.0)
    assert L.shape == (5, 4, 4)
    assert np.allclose(L[3], tt.single_dot_onsager(0.1, g2[3], 0.1, 2.0))


# ---------------- P2-6 symbolic single-dot statements ------------------------------------------------------------
def test_P2_6_single_dot_nonlocal_thermopowers_vanish_local_equal():
    L, (I0, I1, I2) = tt.single_dot_onsager_symbolic()
    S = o.thermopower(L, T, e)
    assert sp.cancel(S[0, 1]) == 0 and sp.cancel(S[1, 0]) == 0
    assert sp.cancel(S[0, 0] - S[1, 1]) == 0
    assert sp.cancel(S[0, 0] - I1 / (e * T * I0)) == 0


def test_P2_6_single_dot_Z_is_ZT_in_every_direction():
    L, (I0, I1, I2) = tt.single_dot_onsager_symbolic()
    x1, x2 = sp.symbols("x1 x2", real=True)
    Z = o.figure_of_merit(L, [x1, x2])
    assert sp.cancel(Z - I1**2 / (I0 * I2 - I1**2)) == 0


def test_P2_6_Wmax_closed_form_single_dot():
    L, (I0, I1, I2) = tt.single_dot_onsager_symbolic()
    g1, g2, g3 = sp.symbols("gamma_1 gamma_2 gamma_3", positive=True)
    x1, x2 = sp.symbols("x1 x2", real=True)
    W, Xmu = o.max_power(L, T, [x1, x2])
    ref = T / 4 * I1**2 / I0 * (g1 * g3 * x1**2 + g2 * g3 * x2**2 + g1 * g2 * (x1 - x2) ** 2)
    assert sp.cancel(W - ref) == 0
    # P2-11: Delta mu_i* = -(1/2) e S dT_i; with X^T_2 = 0, X^mu_2* = 0
    assert sp.cancel(Xmu[1].subs(x2, 0)) == 0
    assert sp.cancel(Xmu[0] + I1 / I0 * x1 / 2) == 0


def test_P2_7_heat_current_sign_boundaries_equal_couplings():
    L, (I0, I1, I2) = tt.single_dot_onsager_symbolic(1, 1, 1)
    a = sp.Symbol("alpha")
    JQ = o.heat_currents_at_max_power(L, [1, a])
    sols = [sp.solve(sp.cancel(q), a) for q in JQ]
    assert sols == [[2], [sp.Rational(1, 2)], [-1]]


def test_P2_11_only_JQ1_positive_with_dT2_zero():
    L = tt.single_dot_onsager(0.1, 0.05, 0.1, 2.0)
    JQ = o.heat_currents_at_max_power(L, [0.01, 0.0])
    assert JQ[0] > 0 and JQ[1] < 0 and JQ[2] < 0
    assert abs(o.optimal_potentials(L, [0.01, 0.0])[1]) < 1e-16


# ---------------- P2-8 limits ------------------------------------------------------------------------------------
def test_P2_8_narrow_level_reaches_curzon_ahlborn_and_zero_power():
    XT = [0.01, 0.0]
    ratios, powers = [], []
    for g in (1e-1, 1e-2, 1e-3):
        L = tt.single_dot_onsager(g, 0.5 * g, g, 2.0)
        ratios.append(o.efficiency_at_max_power(L, 1.0, XT) / o.carnot_efficiency(L, 1.0, XT))
        powers.append(o.max_power(L, 1.0, XT)[0])
    assert ratios[0] < ratios[1] < ratios[2] < 0.5 and ratios[2] > 0.499
    assert powers[0] > powers[1] > powers[2]
    Lb = tt.single_dot_onsager(100.0, 50.0, 100.0, 2.0)
    assert all(abs(v) < 1e-3 for v in o.generalized_figures_of_merit(Lb).values())


# ---------------- P2-10 regression ------------------------------------------------------------------------------
def test_P2_10_regression_numbers_with_T_over_h_equal_one():
    I0, I1, I2 = tt.lorentzian_integrals(2.0, 0.2, 1.0, 0.0, h=1.0)
    assert np.allclose([I0, I1, I2], [3.3072425, 6.1892033, 12.494771], rtol=3e-8)
    L2 = tt.single_dot_onsager(0.1, 0.0, 0.1, 2.0, h=1.0)[:2, :2]  # gamma_2 = 0: two-terminal block
    assert np.isclose(o.thermopower(L2, 1.0)[0, 0], 1.871409, rtol=1e-6)
    assert np.isclose(o.two_terminal_coefficients(L2, 1.0)["ZT"], 12.696799, rtol=1e-7)
    XT1 = [0.01]
    assert np.isclose(o.efficiency_at_max_power(L2, 1.0, XT1) / o.carnot_efficiency(L2, 1.0, XT1), 0.431958,
                      rtol=1e-6)
    for g, zt, ratio in (((0.1, 0.1, 0.1), 8.2990871, 0.402904), ((1, 1, 1), 0.45731852, 0.0930523)):
        L = tt.single_dot_onsager(*g, 2.0)
        assert np.isclose(o.figure_of_merit(L, [0.01, 0.0]), zt, rtol=1e-7)
        r = o.efficiency_at_max_power(L, 1.0, [0.01, 0]) / o.carnot_efficiency(L, 1.0, [0.01, 0])
        assert np.isclose(r, ratio, rtol=1e-5)


# ---------------- double dot (Sec. 3.13, P2-9) ------------------------------------------------------------------
def test_double_dot_fisher_lee_reproduces_seed_transmissions():
    taus = tt.double_dot_transmissions_symbolic()
    for k, seed in tt.SEED_DOUBLE_DOT_TRANSMISSIONS.items():
        assert sp.cancel(taus[k] - seed) == 0
    # and the check can fail: swapping the roles of E_L and E_R is detected
    swapped = tt.SEED_DOUBLE_DOT_TRANSMISSIONS[(1, 2)].subs({tt.ER_s: tt.EL_s, tt.EL_s: tt.ER_s}, simultaneous=True)
    assert sp.cancel(taus[(1, 2)] - swapped) != 0


def test_double_dot_onsager_is_derivative_of_nonlinear_currents():
    args = (0.2, 0.1, 0.2, 2.0, 3.0, 0.5)
    L = tt.double_dot_onsager(*args)
    tau = tt.double_dot_transmission(*args)
    Ld = la.onsager_by_differentiation(tau, 3, 0.0, 1.0, points=list(tt.double_dot_levels(2.0, 3.0, 0.5)))
    assert np.max(np.abs(L - Ld)) < 1e-7 * np.max(np.abs(L))


P2_9 = {0.5: ("0.510", "0.057", "2.93", "-2.63", "5.32"), 0.1: ("0.346", "0.150", "7.06", "-4.51", "8.96"),
        0.01: ("0.062", "0.240", "10.64", "-1.65", "3.25"), 0.001: ("0.0067", "0.2565", "11.47", "-0.21", "0.41")}


@pytest.mark.parametrize("g2", sorted(P2_9))
def test_P2_9_double_dot_regression(g2):
    L = tt.double_dot_onsager(0.2, g2, 0.2, 2.0, 3.0, 0.5)
    S = o.thermopower(L, 1.0)
    zt = o.generalized_figures_of_merit(L)
    got = (S[0, 1], S[1, 0], zt["ZT_1"], zt["ZT_12"], zt["ZT_2"])
    ref = P2_9[g2]
    for x, r in zip(got, ref):  # agreement to the quoted digits (half a unit of the last digit)
        decimals = len(r.split(".")[1])
        assert abs(x - float(r)) <= 0.5 * 10.0**-decimals, (got, ref)
    assert abs(S[0, 0] - S[1, 1]) > 1e-3


def test_P2_9_gamma2_to_zero_limits():
    L2 = tt.double_dot_onsager(0.2, 0.0, 0.2, 2.0, 3.0, 0.5)[:2, :2]
    ZT = o.two_terminal_coefficients(L2, 1.0)["ZT"]
    assert np.isclose(ZT, 11.579, rtol=1e-4)
    L = tt.double_dot_onsager(0.2, 1e-6, 0.2, 2.0, 3.0, 0.5)
    S = o.thermopower(L, 1.0)
    zt = o.generalized_figures_of_merit(L)
    assert abs(S[0, 1]) < 1e-4 and S[1, 0] > 0.25
    assert np.isclose(zt["ZT_1"], ZT, rtol=1e-4) and abs(zt["ZT_12"]) < 1e-3 and abs(zt["ZT_2"]) < 1e-3


def test_bad_model_input():
    with pytest.raises(ValueError, match="'g2'"):
        tt.single_dot_onsager(0.1, -0.1, 0.1, 2.0)
    with pytest.raises(ValueError, match="'T'"):
        tt.single_dot_onsager(0.1, 0.1, 0.1, 2.0, T=0)
    with pytest.raises(ValueError, match="method"):
        tt.single_dot_onsager(0.1, 0.1, 0.1, 2.0, method="magic")
    with pytest.raises(ValueError, match="'g1'"):
        tt.double_dot_onsager(0.0, 0.1, 0.1, 2.0, 3.0, 0.5)


# ---------------- issue 11 items 1 and 10 ------------------------------------------------------------------------------
def _mp_single_dot_L00(g1, g2, g3, Ed, T, dps=30):
    """Independent 30-digit quadrature of <eps^0>_12 + <eps^0>_13 = L_00 for the single dot."""
    with mpmath.workdps(dps):
        g1, g2, g3, Ed, T = (mpmath.mpf(float(x)) for x in (g1, g2, g3, Ed, T))
        a = (g1 + g2 + g3) / 2
        f = lambda E: 1 / (4 * T * mpmath.cosh(E / (2 * T)) ** 2) / ((E - Ed) ** 2 + a**2)  # noqa: E731
        pts = sorted({-60 * T, 60 * T, Ed, *[Ed + s * a * 10**k for s in (1, -1) for k in range(0, 8)]})
        pts = [p for p in pts if -60 * T <= p <= 60 * T]
        I0 = mpmath.quad(f, pts) * T / (2 * mpmath.pi)
        return float(g1 * (g2 + g3) * I0)


def test_issue11_item1_single_dot_quadrature_refuses_or_agrees_narrow_level():
    g = (1e-6, 0.5e-6, 1e-6)
    ref = _mp_single_dot_L00(*g, 0.5, 1.0)
    L = tt.single_dot_onsager(*g, 0.5)
    assert abs(L[0, 0] - ref) < 1e-12 * ref
    try:
        Lq = tt.single_dot_onsager(*g, 0.5, method="quadrature")
    except RuntimeError:
        return
    assert abs(Lq[0, 0] - ref) < 1e-9 * ref


def test_issue11_item1_adaptive_quadrature_refuses_unconverged():
    # a peak of width 1e-9 that quad cannot see without break points: refused, not returned
    narrow = tt.single_dot_transmission(1e-9, 1e-9, 1e-9, 0.3)
    with pytest.raises(RuntimeError, match="did not converge"):
        la.onsager_matrix(narrow, 3, 0.0, 1.0)


def test_issue11_item10_bad_values_named():
    good = (0.2, 0.1, 0.2, 2.0, 3.0, 0.5)
    for kw, name in ((dict(T=np.inf), "'T'"), (dict(T=np.nan), "'T'"), (dict(h=-1.0), "'h'"), (dict(h=0.0), "'h'"),
                     (dict(mu=np.nan), "'mu'")):
        with pytest.raises(ValueError, match=name):
            tt.double_dot_onsager(*good, **kw)
    for k, name in ((3, "'EL'"), (4, "'ER'"), (5, "'t'")):
        for bad in (np.nan, np.inf):
            args = list(good)
            args[k] = bad
            with pytest.raises(ValueError, match=name):
                tt.double_dot_onsager(*args)
    with pytest.raises(ValueError, match="'Ed'"):
        tt.single_dot_onsager(0.1, 0.1, 0.1, np.nan)
    with pytest.raises(ValueError, match="'T'"):
        tt.single_dot_onsager(0.1, 0.1, 0.1, 2.0, T="1")


def test_issue11_item10_extreme_but_legal_inputs_match_high_precision():
    # T = 1e-300: L_00 = (T/h) sum_j tau_1j(mu) to relative O(T^2) (Sommerfeld), computed here in mpmath
    g1, g2, g3, EL, ER, t = 0.2, 0.1, 0.2, 2.0, 3.0, 0.5
    with mpmath.workdps(30):
        A, B = -EL + 0.5j * (g1 + g2), -ER + 0.5j * (g2 + g3)
        D = A * B - t * t
        tau12 = g1 * g2 * (abs(B) ** 2 + t * t) / abs(D) ** 2
        tau13 = g1 * g3 * t * t / abs(D) ** 2
        ref = float(mpmath.mpf(1e-300) / (2 * mpmath.pi) * (tau12 + tau13))
    L = tt.double_dot_onsager(g1, g2, g3, EL, ER, t, T=1e-300)
    assert np.all(np.isfinite(L)) and abs(L[0, 0] - ref) < 1e-13 * ref
    # EL = 1e300 (was OverflowError): the far level decouples; L equals dot R alone coupled to leads 2 and 3
    L = tt.double_dot_onsager(g1, g2, g3, 1e300, ER, t)
    Ls = tt.single_dot_onsager(0.0, g2, g3, ER)
    assert np.all(np.isfinite(L)) and np.allclose(L[2:, 2:], Ls[2:, 2:], rtol=1e-12, atol=0)
    # T = 1e300: the matrix itself exceeds the float range -> a clear refusal
    with pytest.raises(ValueError, match="overflows"):
        tt.double_dot_onsager(g1, g2, g3, EL, ER, t, T=1e300)
