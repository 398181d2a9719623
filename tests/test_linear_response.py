"""Issue 5: the linear-response Onsager matrix of the thermocouple, from its master equation.

Independent routes: (i) the network (Laplacian) form of :mod:`symqd.linear_response`; (ii) the chain-rule
derivative of the matrix-tree closed-form currents at exact rational equilibrium rates; (iii) numerical derivatives
(50 digits) of the full nonlinear currents of :func:`symqd.models.thermocouple.evaluate`; (iv) the structured
U_HC -> oo closed form of :mod:`symqd.models.thermocouple.linear_response`. Route (iv) == route (i) at exact
rationals and the symmetry of (i) are checks of the derivation ``bridge_onsager`` (run by
``tests/test_derivations.py``), not repeated here.
"""

from __future__ import annotations

import math
import random

import mpmath
import numpy as np
import pytest
import sympy as sp

from symqd.linear_response import boltzmann_state, network, onsager_matrix as generic_onsager
from symqd.models import thermocouple as tcm
from symqd.models.thermocouple.linear_response import T0, closed_form, drag_coefficients, generic, onsager_matrix

FORCE_PARAMS = ("mu_R", "T_R", "T_H", "T_C")


def _random_params(rng, uhc_inf=True):
    p = {
        "eps_M": rng.uniform(-3, 3), "eps_H": rng.uniform(-3, 3), "eps_C": rng.uniform(-3, 3),
        "U_MH": rng.uniform(0.5, 6), "U_MC": rng.uniform(0.5, 6),
        "U_HC": math.inf if uhc_inf else rng.uniform(0.5, 6),
        "T_0": rng.uniform(1, 5), "gamma_H": rng.uniform(0.2, 2), "gamma_C": rng.uniform(0.2, 2),
        "gamma_L": {k: rng.uniform(0.1, 2) for k in tcm.HC_KEYS},
        "gamma_R": {k: rng.uniform(0.1, 2) for k in tcm.HC_KEYS},
        "gamma_P": 0.0,
    }  # fmt: skip
    p["T_H"] = p["T_C"] = p["T_L"] = p["T_R"] = p["T_0"]
    p["mu_R"] = 0.0
    return p


# ------------------------------------------------------------------------------------------------------------------
# exact rational equilibrium: Boltzmann weights z = exp(-E/T) chosen rational, energies kept as symbols in drives
# ------------------------------------------------------------------------------------------------------------------
def _rational_equilibrium(me, T, seed):
    rnd = random.Random(seed)
    weights = {}
    energy_syms = set()
    for s in me.states:
        energy_syms |= me.system.energy(s).free_symbols
    for sym in sorted(energy_syms, key=str):
        weights[sym] = sp.Rational(rnd.randint(1, 9), rnd.randint(1, 9))

    def boltz(E):  # exp(-E/T) for E linear in the energy symbols
        out = sp.S.One
        for sym, c in sp.expand(E).as_coefficients_dict().items():
            if sym == 1:
                assert c == 0
                continue
            out *= weights[sym] ** int(c)
        return out

    gammas = {}
    rates = {}
    for t in me.transitions:
        for g in t.gamma.free_symbols:
            gammas.setdefault(g, sp.Rational(rnd.randint(1, 9), rnd.randint(1, 9)))
        z = boltz(t.dE)  # exp(-dE/T): f(dE/T) = z/(1+z)
        rates[t.symbol] = t.gamma.xreplace(gammas) * z / (1 + z)
    w = {s: boltz(me.system.energy(s)) for s in me.states}
    Z = sum(w.values())
    return rates, {s: v / Z for s, v in w.items()}, boltz, gammas


@pytest.mark.parametrize("uhc_inf", [True, False])
def test_equilibrium_is_boltzmann_against_tree_form(uhc_inf):
    tc = tcm.symbolic(uhc_infinite=uhc_inf)
    rates, p_boltz, _, _ = _rational_equilibrium(tc.me, T0, seed=3)
    for s, p in tc.steady.probabilities().items():
        assert sp.nsimplify(p.xreplace(rates)) == p_boltz[s]
    # and boltzmann_state is that form: exp(-E_s/T)/Z
    pb = boltzmann_state(tc.me, T0)
    assert sp.simplify(sum(pb.values()) - 1) == 0


def test_network_form_equals_tree_derivative_exactly_and_is_symmetric():
    """L (network form, in fluxes) == chain-rule derivative of the matrix-tree currents, exact rationals."""
    tc = tcm.symbolic(uhc_infinite=True)
    me = tc.me
    lr = generic(True)
    rates, p_eq, boltz, _ = _rational_equilibrium(me, T0, seed=11)
    # route (ii): d current / dX = sum_k dJ/dk * dk/dX; dk/dx = -k(1-f) with k = gamma f; dx/dX^mu=-dN, dx/dX^T=-dE
    slots = {"Xmu_R": ("R", "mu"), "XT_R": ("R", "T"), "XT_H": ("H", "T"), "XT_C": ("C", "T")}
    Lder = sp.zeros(4, 4)
    closed = {n: tc.current(n, "rates") for n in ("IN_R", "IE_R", "IE_H", "IE_C")}
    rows = ["IN_R", "IE_R", "IE_H", "IE_C"]
    for t in me.transitions:
        z = boltz(t.dE)
        f = z / (1 + z)
        dk_dx = -rates[t.symbol] * (1 - f)
        for j, lab in enumerate(lr.force_labels):
            res, kind = slots[lab]
            if t.reservoir != res:
                continue
            dx = -t.dN if kind == "mu" else -t.dE
            for i, name in enumerate(rows):
                Lder[i, j] += sp.diff(closed[name], t.symbol).xreplace(rates) * dk_dx * dx
    Lder = Lder.applyfunc(sp.expand)
    # route (i): network form with the same rational fluxes phi_e = k_in p_eq(source)
    phis = {e.flux: rates[e.rate_in] * p_eq[e.source] for e in lr.edges}
    Lnet = lr.L.xreplace(phis).applyfunc(sp.expand)
    assert (Lder - Lnet).applyfunc(sp.expand) == sp.zeros(4, 4)
    assert (Lder - Lder.T).applyfunc(sp.expand) == sp.zeros(4, 4)  # Onsager reciprocity of the tree route
    assert Lder != sp.zeros(4, 4)


def _numeric_derivative_L(params, dps=50):
    """L_ij = dJ_i/dX_j by central differences of the nonlinear currents (thermocouple.evaluate, mpmath)."""
    T = mpmath.mpf(params["T_0"])
    out = mpmath.matrix(4, 4)
    h = mpmath.mpf("1e-15")
    with mpmath.workdps(dps):
        for j, name in enumerate(FORCE_PARAMS):
            scale = T if name == "mu_R" else T**2  # dX^mu = dmu/T, dX^T = dT/T^2
            vals = []
            for sgn in (1, -1):
                p = dict(params)
                base = mpmath.mpf(0) if name == "mu_R" else T
                p[name] = base + sgn * h
                if name == "T_R":
                    p["T_R"] = base + sgn * h
                r = tcm.evaluate(p, backend="mpmath")
                vals.append([r["IN_R"], r["J_R"], r["J_H"], r["J_C"]])
            for i in range(4):
                out[i, j] = (vals[0][i] - vals[1][i]) / (2 * h) * scale
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_linearization_matches_mpmath_derivative_of_nonlinear_currents(seed):
    rng = np.random.default_rng(seed)
    p = _random_params(rng, uhc_inf=True)
    Lnum = _numeric_derivative_L(p)
    # closed form at 50 digits (lambdified to mpmath: same expression as the float API)
    from symqd.models.thermocouple.linear_response import _compiled

    names, _, fn, _ = _compiled(True, "mpmath")
    rp = tcm.resolve_parameters(p)
    with mpmath.workdps(50):
        L50 = fn(*[mpmath.mpf(rp[n]) for n in names])
        for k, x in enumerate(L50):
            i, j = divmod(k, 4)
            assert abs(x - Lnum[i, j]) < mpmath.mpf("1e-22") * (1 + abs(Lnum[i, j]))
    Lf = onsager_matrix(p)
    assert np.allclose(Lf, np.array(Lnum.tolist(), dtype=float), rtol=1e-10, atol=1e-14)


@pytest.mark.slow
def test_finite_uhc_matches_mpmath_derivative():
    rng = np.random.default_rng(7)
    p = _random_params(rng, uhc_inf=False)
    Lnum = np.array(_numeric_derivative_L(p).tolist(), dtype=float)
    Lf = onsager_matrix(p)
    assert np.allclose(Lf, Lnum, rtol=1e-9, atol=1e-13)
    assert np.allclose(Lf, Lf.T)


def test_positive_semidefinite_at_random_points():
    rng = np.random.default_rng(0)
    for k in range(20):
        L = onsager_matrix(_random_params(rng, uhc_inf=(k % 2 == 0)))
        assert np.allclose(L, L.T, atol=1e-14)
        ev = np.linalg.eigvalsh(L)
        assert ev.min() > -1e-12 * ev.max()


def test_psd_by_sum_of_squares_structure():
    """L = sum sigma a a^T + B^T R^{-1} B with sigma > 0 and R positive definite (2x2: R_HH > 0, det R > 0)."""
    cf = closed_form()
    s = cf.symbols
    detR = drag_coefficients()["det_R"].xreplace(cf.definitions).xreplace(cf.definitions)
    # det R = (r00 + rest_H)(r00 + rest_C) - r00^2 = r00(rest_H + rest_C) + rest_H rest_C: a positive polynomial
    expanded = sp.expand(detR)
    assert all(term.as_coeff_Mul()[0] > 0 for term in expanded.as_ordered_terms())
    for k in ("sigma_00", "sigma_10", "sigma_01", "R_HH", "R_CC"):
        assert s[k].is_positive


def _lambda_eq12(p, h, c):
    gl, gr = p["gamma_L"], p["gamma_R"]
    return (gl[(h, c)] * gr[(0, 0)] - gl[(0, 0)] * gr[(h, c)]) / (
        (gl[(0, 0)] + gr[(0, 0)]) * (gl[(h, c)] + gr[(h, c)])
    )


def test_eq13_in_linear_response_relates_rows_of_L():
    """I^N_R(X_R=0) = Lambda_H J_H/U_MH + Lambda_C J_C/U_MC: columns X^T_H, X^T_C of row I^N_R (U_HC -> oo)."""
    rng = np.random.default_rng(3)
    for _ in range(5):
        p = _random_params(rng, uhc_inf=True)
        L = onsager_matrix(p)
        lh, lc = _lambda_eq12(p, 1, 0), _lambda_eq12(p, 0, 1)
        for col in (2, 3):
            rhs = lh / p["U_MH"] * L[2, col] + lc / p["U_MC"] * L[3, col]
            assert L[0, col] == pytest.approx(rhs, rel=1e-10, abs=1e-15)
        # not for the local column X^mu_R (the direct L-R conductance sigma terms)
        assert abs(L[0, 0] - (lh / p["U_MH"] * L[2, 0] + lc / p["U_MC"] * L[3, 0])) > 1e-6 * abs(L[0, 0])


def test_eq13_fails_for_finite_uhc():
    rng = np.random.default_rng(4)
    p = _random_params(rng, uhc_inf=False)
    L = onsager_matrix(p)
    lh, lc = _lambda_eq12(p, 1, 0), _lambda_eq12(p, 0, 1)
    rhs = lh / p["U_MH"] * L[2, 2] + lc / p["U_MC"] * L[3, 2]
    assert abs(L[0, 2] - rhs) > 1e-6 * abs(L[0, 2])


def test_drag_closed_form_symbolic_identity():
    """L_{J_H,T_H} from drag_coefficients() equals the matrix entry, and the Eq. (13) identity holds symbolically in
    the intermediates (L_{N,TH}, L_{N,TC} are checks #3, #4 of the derivation bridge_onsager)."""
    cf, d = closed_form(), drag_coefficients()
    assert sp.cancel(cf.L[2, 2] - d["L_JH_TH"]) == 0
    g = tcm.symbolic(uhc_infinite=True).symbol
    s = cf.symbols
    rel = s["Lambda_H"] / g("U_MH") * cf.L[2, 2] + s["Lambda_C"] / g("U_MC") * cf.L[3, 2]
    assert sp.cancel(cf.L[0, 2] - rel) == 0


def test_equal_lambda_over_u_kills_power_at_zero_heat_input():
    """With Lambda_H/U_MH = Lambda_C/U_MC (U_MH = U_MC, Eq. (16)) the N row is parallel to the J_in row and the
    maximum power at J_in = 0 vanishes; otherwise it is positive (exotic power generation in linear response)."""
    from symqd.models.thermocouple.linear_response import power_at_zero_heat_input

    base = {"eps_M": 0.0, "eps_H": 0.5, "eps_C": -0.5, "U_HC": math.inf, "T_0": 2.0, "gamma_L": "eq17",
            "gamma_R": "eq17", "gamma_H": 1.0, "gamma_C": 0.5}  # fmt: skip
    P_eq = power_at_zero_heat_input({**base, "U_MH": 3.0, "U_MC": 3.0})
    P_ne = power_at_zero_heat_input({**base, "U_MH": 3.0, "U_MC": 6.0})
    assert abs(P_eq) < 1e-12 * P_ne
    assert P_ne > 0


def test_energy_only_reduction_and_bad_input():
    tc = tcm.symbolic(uhc_infinite=True)
    net = network(tc.me, "L")
    assert net["current_labels"] == ("IN_R", "J_R", "J_H", "J_C")
    assert net["energy_only"] == ("H", "C")
    with pytest.raises(ValueError, match="reference"):
        generic_onsager(tc.me, "X")
    with pytest.raises(ValueError, match="terminals"):
        network(tc.me, "L", ["L", "R"])
    with pytest.raises(ValueError, match="bogus"):
        onsager_matrix({"bogus": 1.0})
    with pytest.raises(ValueError, match="T_0"):
        onsager_matrix({"T_0": -1.0})
    with pytest.raises(ValueError, match="gamma_H"):
        onsager_matrix({"gamma_H": -1.0})
    with pytest.raises(ValueError, match="gamma_P"):
        onsager_matrix({"gamma_P": 0.1})
    with pytest.raises(ValueError, match="gamma_L"):
        onsager_matrix({"gamma_L": {(0, 0): 1.0}})


def test_api_shapes_and_symbolic():
    L = tcm.onsager_matrix({**tcm.FIG2, "U_HC": math.inf})
    assert L.shape == (4, 4)
    Ls = tcm.onsager_matrix({**tcm.FIG4, "U_HC": math.inf}, symbolic=True)
    assert isinstance(Ls, sp.MatrixBase)
    assert np.allclose(np.array(Ls.applyfunc(lambda x: x.rewrite(sp.exp)).evalf(), dtype=float), tcm.onsager_matrix({**tcm.FIG4, "U_HC": math.inf}))
    Lb = onsager_matrix({**tcm.FIG2, "U_MH": np.array([2.0, 3.0])})
    assert Lb.shape == (2, 4, 4)
    assert np.allclose(Lb[1], onsager_matrix(tcm.FIG2))


def test_ring_form_is_the_matrix_and_detects_asymmetry():
    """LinearResponse.ring_form (numerator over det Lg, polynomials over ZZ) represents L exactly (checked at an
    exact random point against the cancelled entries of generic(True)); the reciprocity test on it is symmetric for
    the model and fails for a perturbed numerator (negative control)."""
    lr = generic(True)
    num, den = lr.ring_form
    R = num.domain.ring
    rnd = random.Random(5)
    pt = {g: sp.Rational(rnd.randint(1, 10**6), rnd.randint(1, 10**6)) for g in R.symbols}
    d = den.as_expr().xreplace(pt)
    for i in range(4):
        for j in range(4):
            assert num[i, j].element.as_expr().xreplace(pt) / d == lr.L[i, j].xreplace(pt)
    assert num == num.transpose()
    bad = num.to_Matrix()
    bad[0, 1] += R.symbols[0]
    assert bad != bad.T
