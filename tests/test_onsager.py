"""Paper 2 Onsager algebra: table 3.14 P2-1..P2-4, operational definitions vs closed forms, bad input."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from symqd import onsager as o

T, e = sp.symbols("T e", positive=True)
Lsym = sp.zeros(4, 4)
for _i in range(1, 5):
    for _j in range(_i, 5):
        _s = sp.Symbol(f"L{_i}{_j}", real=True)
        Lsym[_i - 1, _j - 1] = _s
        Lsym[_j - 1, _i - 1] = _s
X1m, X1T, X2m, X2T = sp.symbols("X1mu X1T X2mu X2T", real=True)
dT1, dT2, dmu1, dmu2 = sp.symbols("dT1 dT2 dmu1 dmu2", real=True)


def zero(expr):
    if isinstance(expr, sp.MatrixBase):
        return all(sp.cancel(sp.together(x)) == 0 for x in expr)
    return sp.cancel(sp.together(expr)) == 0


def _currents(dmu, dT):
    J = Lsym * sp.Matrix([dmu[0] / T, dT[0] / T**2, dmu[1] / T, dT[1] / T**2])
    return J


# ---------------- operational definitions (Secs. 3.2-3.5) vs the closed forms --------------------------------
def test_thermopower_is_the_constrained_solve_of_eq_thermopower():
    S_op = sp.zeros(2, 2)
    for j in range(2):
        dT = [dT1, 0] if j == 0 else [0, dT2]
        J = _currents([dmu1, dmu2], dT)
        sol = sp.solve([J[0], J[2]], [dmu1, dmu2], dict=True)[0]
        S_op[0, j] = -(sol[dmu1] / e) / (dT1 if j == 0 else dT2)
        S_op[1, j] = -(sol[dmu2] / e) / (dT1 if j == 0 else dT2)
    assert zero(o.thermopower(Lsym, T, e) - S_op)


def test_conductance_is_current_response_at_equal_temperatures():
    J = _currents([dmu1, dmu2], [0, 0])
    G_op = sp.Matrix(2, 2, lambda i, j: sp.diff(e * J[2 * i], dmu2 if j else dmu1) * e)  # V = mu/e
    assert zero(o.conductance(Lsym, T, e) - G_op)


def test_thermal_conductance_at_zero_particle_currents_and_symmetric():
    K_op = sp.zeros(2, 2)
    for j in range(2):
        dT = [dT1, 0] if j == 0 else [0, dT2]
        J = _currents([dmu1, dmu2], dT)
        sol = sp.solve([J[0], J[2]], [dmu1, dmu2], dict=True)[0]
        for i in range(2):
            K_op[i, j] = J[2 * i + 1].subs(sol) / (dT1 if j == 0 else dT2)
    K = o.thermal_conductance(Lsym, T)
    assert zero(K - K_op)
    assert zero(K[0, 1] - K[1, 0])


def test_peltier_operational_and_onsager_kelvin_Pi_equals_T_S_transpose():
    # Pi_ij = J^Q_i/(e J_j) at equal T with J_k = 0 for k != j
    Pi_op = sp.zeros(2, 2)
    for j in range(2):
        J = _currents([dmu1, dmu2], [0, 0])
        other = 2 if j == 0 else 0
        sol = sp.solve([J[other]], [dmu2 if j == 0 else dmu1], dict=True)[0]
        for i in range(2):
            Pi_op[i, j] = J[2 * i + 1].subs(sol) / (e * J[2 * j].subs(sol))
    Pi = o.peltier(Lsym, T, e)
    assert zero(Pi - Pi_op)
    assert zero(Pi - T * o.thermopower(Lsym, T, e).T)


def test_S12_closed_form_sloc1():
    S = o.thermopower(Lsym, T, e)
    L = lambda i, j: Lsym[i - 1, j - 1]  # noqa: E731
    Delta = L(1, 1) * L(3, 3) - L(1, 3) ** 2
    assert zero(S[0, 1] - (L(1, 4) * L(3, 3) - L(1, 3) * L(3, 4)) / (e * T * Delta))
    assert zero(S[1, 0] - (L(1, 1) * L(3, 2) - L(3, 1) * L(1, 2)) / (e * T * Delta))


# ---------------- P2-1 two-terminal limits (as limits) --------------------------------------------------------
def test_P2_1_two_terminal_limits():
    L = lambda i, j: Lsym[i - 1, j - 1]  # noqa: E731
    S = o.two_terminal_limit(o.thermopower, Lsym, T, e)
    assert zero(S[0, 0] - L(1, 2) / (e * T * L(1, 1)))
    assert S[0, 1] == 0
    assert zero(S[1, 0] - (L(1, 1) * L(2, 3) - L(1, 2) * L(1, 3)) / (e * T * L(1, 1) * L(3, 3)))
    assert S[1, 0] != 0  # S_21 stays finite
    G = o.two_terminal_limit(o.conductance, Lsym, T, e)
    assert zero(G - sp.Matrix([[e**2 * L(1, 1) / T, 0], [0, 0]]))
    K = o.two_terminal_limit(o.thermal_conductance, Lsym, T)
    det2 = L(1, 1) * L(2, 2) - L(1, 2) ** 2
    assert zero(K[0, 0] - det2 / (T**2 * L(1, 1)))
    M = o.two_terminal_limit(o.m_matrix, Lsym)
    assert zero(M[0, 0] - L(1, 2) ** 2 / L(1, 1))
    zt = o.two_terminal_limit(o.generalized_figures_of_merit, Lsym)
    assert zero(zt["ZT_1"] - L(1, 2) ** 2 / det2)
    assert zt["ZT_12"] == 0 and zt["ZT_2"] == 0
    two = o.two_terminal_coefficients(Lsym[:2, :2], T, e)
    assert zero(two["ZT"] - L(1, 2) ** 2 / det2)
    assert zero(two["S"] - S[0, 0])


# ---------------- P2-2 M = T^3 S^T G S, W_max, heat at W_max -------------------------------------------------
def test_P2_2_M_equals_T3_StGS_and_K_equals_LTT_minus_M():
    S, G = o.thermopower(Lsym, T, e), o.conductance(Lsym, T, e)
    M = o.m_matrix(Lsym)
    assert zero(M - T**3 * S.T * G * S)
    assert zero(T**2 * o.thermal_conductance(Lsym, T) - (Lsym[1::2, 1::2] - M))


def test_max_power_is_stationary_maximum_of_W():
    W = o.power(Lsym, T, [X1m, X2m], [X1T, X2T])
    sol = sp.solve([sp.diff(W, X1m), sp.diff(W, X2m)], [X1m, X2m], dict=True)[0]
    Wmax, Xopt = o.max_power(Lsym, T, [X1T, X2T])
    assert zero(W.subs(sol) - Wmax)
    assert zero(Xopt[0] - sol[X1m]) and zero(Xopt[1] - sol[X2m])
    JQ = o.heat_currents_at_max_power(Lsym, [X1T, X2T])
    x = sp.Matrix([X1T, X2T])
    assert zero(sp.Matrix(JQ[:2]) - (Lsym[1::2, 1::2] - o.m_matrix(Lsym) / 2) * x)


def test_entropy_production_and_power_conservation():
    J, JQ = o.currents(Lsym, [X1m, X2m], [X1T, X2T])
    X = sp.Matrix([X1m, X1T, X2m, X2T])
    assert zero(X1m * J[0] + X1T * JQ[0] + X2m * J[1] + X2T * JQ[1] - (X.T * Lsym * X)[0])
    assert zero(o.power(Lsym, T, [X1m, X2m], [X1T, X2T]) + T * (X1m * J[0] + X2m * J[1]))


# ---------------- P2-3 the Z/(Z+2) law in all three cases ------------------------------------------------------
@pytest.mark.parametrize("case", [(1,), (2,), (1, 2)])
def test_P2_3_eta_at_max_power_equals_half_carnot_Z_over_Z_plus_2(case):
    XT = [X1T, X2T]
    eta = o.efficiency_at_max_power(Lsym, T, XT, case=case)
    etaC = o.carnot_efficiency(Lsym, T, XT, case=case)
    Z = o.figure_of_merit(Lsym, XT)
    assert zero(eta / etaC - Z / (2 * (Z + 2)))


@pytest.mark.parametrize("case,key,dsub", [((1,), "1", X2T / X1T), ((2,), "2", X1T / X2T), ((1, 2), "12", X2T / X1T)])
def test_paper_style_constants_C_and_Z_reproduce_eta(case, key, dsub):
    XT = [X1T, X2T]
    c = o.efficiency_constants(Lsym, sp.Symbol("delta"))
    c = {k: v.subs(sp.Symbol("delta"), dsub) for k, v in c.items()}
    eta = o.efficiency_at_max_power(Lsym, T, XT, case=case)
    etaC = o.carnot_efficiency(Lsym, T, XT, case=case)
    Zk, Ck = c[f"Z_{key}"], c[f"C_{key}"]
    assert zero(eta / etaC - Zk / (2 * (Zk + Ck)))


def test_P2_4_C1_C2_equal_two_at_zero_delta_and_ZT1_forms():
    c = o.efficiency_constants(Lsym, 0)
    assert c["C_1"] == 2 and c["C_2"] == 2
    zt = o.generalized_figures_of_merit(Lsym)
    S, G, K = o.thermopower(Lsym, T, e), o.conductance(Lsym, T, e), o.thermal_conductance(Lsym, T)
    SGS = S.T * G * S
    assert zero(zt["ZT_1"] - T * SGS[0, 0] / K[0, 0])
    assert zero(zt["ZT_12"] - T * SGS[0, 1] / K[0, 0])


def test_carnot_case_formulas_match_exact_temperature_forms_linearised():
    # eta_C^(1) = (1 - T3/T1) + (1 - T3/T2) Q2/Q1 with 1 - T3/Ti -> T X^T_i
    Q1, Q2 = sp.symbols("Q1 Q2")
    Lq = sp.Matrix([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
    eta = o.carnot_efficiency_linear(Lq, T, [0, 0], [X1T, X2T], case=(1,))
    assert zero(eta - (T * X1T + T * X2T * X2T / X1T))


# ---------------- numeric: same functions, batches, power factor, hypothesis ---------------------------------
def _random_psd(rng, shape=()):
    A = rng.normal(size=shape + (4, 4))
    return A @ np.swapaxes(A, -1, -2) + 1e-3 * np.eye(4)


def test_numeric_matches_symbolic_at_random_rational_point():
    rng = np.random.default_rng(1)
    A = sp.Matrix(4, 4, lambda i, j: sp.Rational(int(rng.integers(-9, 10)), int(rng.integers(1, 7))))
    Lq = A * A.T + sp.eye(4) / 3
    Tq = sp.Rational(3, 2)
    Ln = np.array(Lq.evalf(), dtype=float)
    for f in (o.thermopower, o.conductance, o.peltier):
        assert np.allclose(np.array(f(Lq, Tq).evalf(), dtype=float), f(Ln, 1.5), rtol=1e-12)
    assert np.allclose(np.array(o.thermal_conductance(Lq, Tq).evalf(), float), o.thermal_conductance(Ln, 1.5))
    W, X = o.max_power(Lq, Tq, [sp.Rational(1, 10), sp.Rational(-1, 30)])
    Wn, Xn = o.max_power(Ln, 1.5, [0.1, -1 / 30])
    assert np.isclose(float(W), Wn, rtol=1e-12) and np.allclose(np.array(X.evalf(), float).ravel(), Xn)


def test_batched_equals_loop():
    rng = np.random.default_rng(2)
    L = _random_psd(rng, (7,))
    XT = rng.normal(size=(7, 2))
    batch = o.efficiency_at_max_power(L, 1.3, XT)
    loop = [o.efficiency_at_max_power(L[k], 1.3, XT[k]) for k in range(7)]
    assert np.allclose(batch, loop, rtol=1e-13)
    assert o.thermopower(L, 1.3).shape == (7, 2, 2)


def test_power_factor_bounds_Wmax():
    rng = np.random.default_rng(3)
    L = _random_psd(rng)
    T0 = 1.7
    lm, lp, th = o.power_factor(L, T0)
    M = o.m_matrix(L) / T0**3
    assert np.allclose(sorted(np.linalg.eigvalsh(M)), [lm, lp])
    v = np.array([np.cos(th), np.sin(th)])
    assert np.allclose(M @ v, lp * v)
    dT = np.array([0.03, -0.02])
    Wmax, _ = o.max_power(L, T0, dT / T0**2)
    phi = np.arctan2(dT[1], dT[0])
    Qbar = lp * np.cos(phi - th) ** 2 + lm * np.sin(phi - th) ** 2
    assert np.isclose(Wmax, Qbar * (dT @ dT) / 4, rtol=1e-12)


def test_optimum_is_a_maximum_by_perturbation():
    rng = np.random.default_rng(4)
    L = _random_psd(rng)
    XT = np.array([0.02, 0.01])
    Wmax, Xopt = o.max_power(L, 1.0, XT)
    for _ in range(50):
        d = rng.normal(size=2) * 1e-3
        assert o.power(L, 1.0, Xopt + d, XT) <= Wmax + 1e-15
    assert np.isclose(o.power(L, 1.0, Xopt, XT), Wmax, rtol=1e-12)


psd_matrices = arrays(np.float64, (4, 4), elements=st.floats(-3, 3, allow_nan=False)).map(
    lambda A: A @ A.T + 1e-6 * np.eye(4))
forces = arrays(np.float64, (2,), elements=st.floats(-1, 1, allow_nan=False)).filter(
    lambda x: np.linalg.norm(x) > 1e-3)


@settings(max_examples=200, deadline=None)
@given(L=psd_matrices, XT=forces, T0=st.floats(0.1, 10))
def test_hypothesis_eta_at_max_power_below_half_carnot(L, XT, T0):
    Wmax, _ = o.max_power(L, T0, XT)
    assert Wmax >= -1e-12 * np.abs(L).max()
    if Wmax > 1e-9 * np.abs(L).max() * (XT @ XT):
        eta = o.efficiency_at_max_power(L, T0, XT)
        etaC = o.carnot_efficiency(L, T0, XT)
        assert eta <= etaC / 2 * (1 + 1e-7) + 1e-12


@settings(max_examples=200, deadline=None)
@given(L=psd_matrices, T0=st.floats(0.1, 10))
def test_hypothesis_K_and_M_positive_semidefinite(L, T0):
    K = o.thermal_conductance(L, T0)
    M = o.m_matrix(L)
    scale = np.abs(L).max() + 1e-300
    assert np.linalg.eigvalsh(K).min() >= -1e-8 * scale / T0**2
    assert np.linalg.eigvalsh(M).min() >= -1e-8 * scale


# ---------------- bad input ------------------------------------------------------------------------------------
def test_bad_input_messages():
    good = np.eye(4)
    with pytest.raises(ValueError, match="not symmetric"):
        o.thermopower(good + np.triu(np.ones((4, 4)), 1) * 0.1, 1.0)
    with pytest.raises(ValueError, match="not positive semidefinite"):
        o.thermopower(np.diag([1.0, -0.5, 1.0, 1.0]), 1.0)
    with pytest.raises(ValueError, match="shape"):
        o.conductance(np.eye(3), 1.0)
    with pytest.raises(ValueError, match="T must be > 0"):
        o.thermal_conductance(good, 0.0)
    with pytest.raises(ValueError, match="T must be > 0"):
        o.max_power(good, -1.0, [0.1, 0.1])
    with pytest.raises(ValueError, match="singular"):
        o.thermopower(np.diag([1.0, 1.0, 0.0, 0.0]), 1.0)
    # round-off asymmetry is accepted
    o.thermopower(good + 1e-14 * np.triu(np.ones((4, 4)), 1), 1.0)


# ---------------- issue 11 item 9: validation, checked against exact / high-precision values -------------------
def test_issue11_item9_bad_e_forces_case_refused():
    L = np.diag([2.0, 1.0, 2.0, 1.0]) + 0.5 * np.eye(4)[[1, 0, 3, 2]]
    with pytest.raises(ValueError, match="'e'"):
        o.thermopower(L, 1.0, e=0)
    with pytest.raises(ValueError, match="'XT'"):
        o.max_power(L, 1.0, [np.nan, 0.0])
    with pytest.raises(ValueError, match="'Xmu'"):
        o.power(L, 1.0, [np.nan, 0.0], [0.1, 0.0])
    for case in [(0,), (4,), (), (1, 1)]:
        with pytest.raises(ValueError, match="'case'"):
            o.efficiency(L, 1.0, [0.0, 0.0], [0.1, 0.0], case=case)


def test_issue11_item9_sympy_L_checked_and_strings_never_parsed():
    with pytest.raises(ValueError, match="not symmetric"):
        o.thermopower(sp.Matrix([[1, 2, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]), 1)
    with pytest.raises(ValueError, match="positive semidefinite"):   # exact numbers: eigenvalues 3 and -1
        o.thermopower(sp.Matrix([[1, 2, 0, 0], [2, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]), 1)
    with pytest.raises(ValueError, match="'T'"):
        o.thermopower(sp.eye(4), '__import__("os").getcwd()')
    S = o.thermopower(Lsym, "T", e="e")          # identifiers become symbols
    assert zero(S - o.thermopower(Lsym, sp.Symbol("T", real=True), sp.Symbol("e", real=True)))


def test_issue11_item9_entries_near_float_max_exact_rational_reference():
    Lq = sp.Matrix([[2, 1, 1, 0], [1, 3, 0, 1], [1, 0, 2, 1], [0, 1, 1, 3]]) / 4   # PSD, exact
    S_exact = np.array(o.thermopower(Lq, 1).evalf(30), dtype=float)
    Ln = np.array(Lq.evalf(), dtype=float) * 1.5e308
    assert np.allclose(o.thermopower(Ln, 1.0), S_exact, rtol=1e-14)
    r_exact = float((o.efficiency_at_max_power(Lq, 1, [sp.Rational(1, 100), 0], case=(1,))
                     / o.carnot_efficiency(Lq, 1, [sp.Rational(1, 100), 0], case=(1,))).evalf(30))
    r = (o.efficiency_at_max_power(Ln, 1.0, [0.01, 0.0], case=(1,))
         / o.carnot_efficiency(Ln, 1.0, [0.01, 0.0], case=(1,)))
    assert np.isclose(r, r_exact, rtol=1e-13)


def test_issue11_item9_four_terminal_L_refused_where_three_terminal_only():
    rng = np.random.default_rng(7)
    A = rng.normal(size=(6, 6))
    L6 = A @ A.T + np.eye(6)
    for f in (o.generalized_figures_of_merit, lambda L: o.efficiency_constants(L, 0.3), lambda L: o.power_factor(L, 1)):
        with pytest.raises(ValueError, match="three terminals"):
            f(L6)
    # the direction-dependent Z is general: it equals x^T M x / x^T (L_TT - M) x for all three channels
    XT = np.array([0.01, -0.02, 0.005])
    Lmm, LmT, LTT = L6[0::2, 0::2], L6[0::2, 1::2], L6[1::2, 1::2]
    M = LmT.T @ np.linalg.solve(Lmm, LmT)
    assert np.isclose(o.figure_of_merit(L6, XT), XT @ M @ XT / (XT @ (LTT - M) @ XT), rtol=1e-12)
