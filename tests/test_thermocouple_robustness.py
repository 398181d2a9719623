"""Issue 11, items 2, 3, 7, 8, 13 for the thermocouple: one regression test per kind, each checked against an
independent higher-precision computation (50+ digit mpmath: the engine's LU solver or numerical derivatives of the
nonlinear currents), never against symqd's own earlier output."""

from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest

from symqd.models import thermocouple as tc


def _mp(params):
    return {k: (mpmath.mpf(v) if isinstance(v, float) else v) for k, v in params.items()}


def _probe_residual_mp(params, T, mu):
    """I^N_P, J_P and the gross scale gamma_P from the 50-digit LU solver (independent of the closed form)."""
    with mpmath.workdps(50):
        o = tc.evaluate({**_mp(params), "T_P": mpmath.mpf(T), "mu_P": mpmath.mpf(mu)}, method="solver")
        return abs(o["IN_P"]), abs(o["J_P"])


def test_item2_probe_scalar_input_on_the_fallback_path_equals_array_input():
    p = {**tc.FIG2, "gamma_P": 0.1, "mu_R": 10.0}  # Newton fails here; the bracketing fallback solves it
    T, mu = tc.self_consistent_probe(p)
    Ta, mua = tc.self_consistent_probe({**p, "T_C": np.array([8.0])})
    assert isinstance(T, float) and Ta.shape == (1,)
    assert Ta[0] == pytest.approx(T, rel=1e-12) and mua[0] == pytest.approx(mu, rel=1e-12)
    rN, rE = _probe_residual_mp(p, T, mu)
    assert rN < 1e-13 * 0.1 and rE < 1e-13 * 0.1 * 1000


@pytest.mark.parametrize("extra", [{"mu_R": 10.0}, {"eps_M": 500.0}, {"T_C": 3.0, "mu_R": -6.0}])
def test_item3_ill_conditioned_probe_points_have_the_50_digit_solution(extra):
    """Points where the old fixed tol = 1e-11 was never met and "no solution" was raised: the result agrees with
    a 50-digit mpmath.findroot solution (whose residual is checked in the independent 50-digit LU solver)."""
    p = {**tc.FIG2, "gamma_P": 0.1, **extra}
    T, mu = tc.self_consistent_probe(p)
    with mpmath.workdps(50):
        Tm, mum = tc.self_consistent_probe(_mp(p))
        o = tc.evaluate({**_mp(p), "T_P": Tm, "mu_P": mum}, method="solver")
        assert abs(o["IN_P"]) < mpmath.mpf(10) ** -40 and abs(o["J_P"]) < mpmath.mpf(10) ** -38
    assert T == pytest.approx(float(Tm), rel=1e-8)
    assert mu == pytest.approx(float(mum), rel=1e-7, abs=1e-7 * float(Tm))


def test_item3_no_overflow_and_genuine_no_solution_still_raises():
    with pytest.raises(tc.ProbeNotConvergedError, match="no solution"):
        tc.self_consistent_probe({**tc.FIG2, "gamma_P": 0.1, "mu_R": 30.0})


def test_item7_presets_exact_and_mpmath_in_mpmath_out():
    assert tc.coupling_preset("eq17", "R")[(0, 0)] * 3 == 2  # exact rational, not 0.666...
    p = _mp({**tc.FIG4, "U_HC": math.inf, "T_C": 4.0, "mu_R": 0.3})
    with mpmath.workdps(50):
        a = tc.evaluate(p)
        # independent: the same point with the Eq. (17) table typed in as exact mpmath fractions
        q = {**p, "gamma_L": {k: mpmath.mpf(2 + (k == (0, 0))) / 3 for k in tc.HC_KEYS},
             "gamma_R": {k: mpmath.mpf(3 - (k == (0, 0))) / 3 for k in tc.HC_KEYS}}
        b = tc.evaluate(q, method="solver")
        assert abs(a["IN_R"] - b["IN_R"]) <= mpmath.mpf(10) ** -45 * abs(b["IN_R"])
        mu, P = tc.optimal_bias(_mp({**tc.FIG2, "T_C": 4.0}))
        T_M = tc.effective_temperature(_mp({**tc.FIG2, "T_C": 4.0}))
        T, m = tc.self_consistent_probe(_mp({**tc.FIG2, "T_C": 4.0, "gamma_P": 0.5}))
        D = tc.nonthermality(_mp({**tc.FIG2, "T_C": 4.0, "gamma_P": 0.5}))
        L = tc.onsager_matrix(_mp(tc.FIG2))
        for v in (mu, P, T_M, T, m, *D.values(), L[0, 0]):
            assert isinstance(v, mpmath.mpf)
        # the optimum: dP/dmu = 0 to high precision, and P(mu) >= P(mu +- 1e-10)
        dP = mpmath.diff(lambda x: tc.evaluate(_mp({**tc.FIG2, "T_C": 4.0, "mu_R": x}))["P_gen"], mu)
        assert abs(dP) < mpmath.mpf(10) ** -30
    mu_f, P_f = tc.optimal_bias({**tc.FIG2, "T_C": 4.0})
    assert mu_f == pytest.approx(float(mu), rel=1e-7) and P_f == pytest.approx(float(P), rel=1e-12)


def test_item8_frozen_dots_onsager_matrix_has_relative_accuracy():
    """L00 = T0 dI^N_R/dmu_R at mu_R = 0: 60-digit numerical derivative of the LU-solved nonlinear current."""
    p = {**tc.FIG2, "eps_H": -800.0, "eps_C": -800.0}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        L = tc.onsager_matrix(p)
    with mpmath.workdps(60):
        q = {**_mp(p), "T_C": mpmath.mpf(8), "T_H": mpmath.mpf(8)}
        d = mpmath.diff(lambda x: tc.evaluate({**q, "mu_R": x}, method="solver")["IN_R"], mpmath.mpf(0))
        L00 = 8 * d
    assert float(L00) == pytest.approx(8.4e-83, rel=0.01)
    assert L[0, 0] == pytest.approx(float(L00), rel=1e-12)
    assert np.all(np.linalg.eigvalsh(L / np.sqrt(np.outer(np.diag(L), np.diag(L)))) > -1e-9)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: tc.evaluate([("T_C", 4.0)]), "params must be a mapping"),
        (lambda: tc.evaluate({**tc.FIG2, "T_C": "4.0"}), "T_C.*string"),
        (lambda: tc.evaluate({**tc.FIG2, "T_C": 5e-324}), "T_C.*subnormal"),
        (lambda: tc.evaluate({**tc.FIG2, "gamma_L": {(0, 0): "1", (0, 1): 0, (1, 0): 0, (1, 1): 0}}),
         r"gamma_L\[\(0, 0\)\].*string"),
        (lambda: tc.self_consistent_probe({**tc.FIG2, "gamma_P": 1.0}, tol=0.0), "tol"),
        (lambda: tc.self_consistent_probe({**tc.FIG2, "gamma_P": 1.0}, maxiter=2.5), "maxiter"),
        (lambda: tc.optimal_bias(tc.FIG2, xtol=float("nan")), "xtol"),
        (lambda: tc.onsager_matrix({**tc.FIG2, "T_0": -1.0}), "T_0"),
        (lambda: tc.onsager_matrix({**tc.FIG2, "U_MH": np.ones(2), "U_MC": np.ones(3)}), "U_M[HC].*shape"),
    ],
)
def test_item13_bad_input_is_a_value_error_naming_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_item13_tiny_normal_temperature_is_finite_and_matches_mpmath():
    p = {**tc.FIG2, "T_C": 1e-300, "mu_R": 0.3}
    o = tc.evaluate(p)
    with mpmath.workdps(50):
        b = tc.evaluate(_mp(p), method="solver")
    assert o["IN_R"] == pytest.approx(float(b["IN_R"]), rel=1e-10)


def test_item13_no_generated_power_is_said_not_a_noise_optimum():
    p = {**tc.FIG2, "T_H": 8.0, "T_C": 8.0}  # equilibrium: P_gen = -G mu^2 <= 0 for every bias (exact)
    with pytest.warns(tc.NoGeneratedPowerWarning, match="no generated power"):
        mu, P = tc.optimal_bias(p)
    assert mu == 0.0 and P == 0.0
    with mpmath.workdps(50):
        for x in (-1, -0.1, 0.1, 1):
            assert tc.evaluate(_mp({**p, "mu_R": float(x)}), method="solver")["P_gen"] < 0


def _heat_at_zero_particle_current(params, T_P):
    """J_P/gamma_P at the mu_P with I^N_P = 0, both from the engine's independent numeric solver (not the closed
    form) and scipy's brentq over a bracket spanning every addition energy +- 40 T_P."""
    from scipy.optimize import brentq

    dE = tc.transition_energies(params).values()
    g = params["gamma_P"]

    def currents(mu):
        o = tc.evaluate({**params, "T_P": T_P, "mu_P": mu}, method="solver")
        return float(o["IN_P"]) / g, float(o["J_P"]) / g

    mu = brentq(lambda m: currents(m)[0], min(dE) - 40 * T_P, max(dE) + 40 * T_P, xtol=1e-14 * T_P, rtol=1e-14)
    return currents(mu)[1]


def test_no_solution_verdict_heat_condition_keeps_its_sign_on_a_dense_ln_T_P_grid():
    """The shortcut "same sign of the heat condition at both ends of T_0 [1e-4, 1e4]" at the genuine no-solution
    point (mu_R = 30) and at the solvable issue point (mu_R = 10): an independent dense scan (numeric solver,
    brentq) shows no sign change at the first and one at the second."""
    p30 = {**tc.FIG2, "gamma_P": 0.1, "mu_R": 30.0}
    J = [_heat_at_zero_particle_current(p30, 8.0 * math.exp(x)) for x in np.linspace(-math.log(1e4), math.log(1e4), 25)]
    assert all(j < 0 for j in J)
    with pytest.raises(tc.ProbeNotConvergedError, match="no solution"):
        tc.self_consistent_probe(p30)
    p10 = {**tc.FIG2, "gamma_P": 0.1, "mu_R": 10.0}
    T, _ = tc.self_consistent_probe(p10)
    assert _heat_at_zero_particle_current(p10, 0.9 * T) < 0 < _heat_at_zero_particle_current(p10, 1.1 * T)


def test_probe_scan_with_continuation_solves_the_50_digit_conditions():
    """A bias scan solved with continuation (scan_axis) where Newton from (T_0, 0) fails at some points: every
    returned point satisfies I^N_P = J_P = 0 in the independent 50-digit LU solver; the first bias without a
    solution has the independent dense-scan sign pattern of no solution."""
    from symqd.models.thermocouple.probe import solve_probe
    from symqd.models.thermocouple.parameters import validate

    mu_R = np.arange(-10.0, 16.0, 2.0)
    P = validate({**tc.FIG2, "T_C": 7.52, "gamma_P": 10.0, "mu_R": mu_R})  # Newton from (T_0, 0) fails from 6
    T, mu = solve_probe(P, strict=False, scan_axis=0)
    ok = np.isfinite(T)
    assert ok[:10].all() and not ok[10:].any()
    for k in [0, 4, 8, 9]:
        p = {**tc.FIG2, "T_C": 7.52, "gamma_P": 10.0, "mu_R": float(mu_R[k])}
        rN, rE = _probe_residual_mp(p, T[k], mu[k])
        assert rN < 1e-12 * 10.0 and rE < 1e-12 * 10.0 * 1000
    k = int(np.nonzero(~ok)[0][0])
    p = {**tc.FIG2, "T_C": 7.52, "gamma_P": 10.0, "mu_R": float(mu_R[k])}
    ends = [_heat_at_zero_particle_current(p, 8.0 * f) for f in (1e-4, 1.0, 1e4)]
    assert all(j < 0 for j in ends) or all(j > 0 for j in ends)


@pytest.mark.parametrize("T_C", [2.0, 4.0, 7.0])
def test_optimal_bias_is_placed_to_1e_10_by_the_newton_polish(T_C):
    """V_opt from the bracketing maximizer alone is good to ~sqrt(rounding) ~ 1e-8 (a flat maximum); the Newton
    step on dP/dmu_R (Richardson central differences) places it to ~1e-12. Reference: the 30-digit mpmath
    maximizer (an independent code path: mpmath closed form and mpmath.findroot)."""
    p = {**tc.FIG2, "T_C": T_C}
    mu_f, P_f = tc.optimal_bias(p)
    with mpmath.workdps(30):
        mu, P = tc.optimal_bias(_mp(p))
    assert abs(mu_f / float(mu) - 1) < 1e-10
    assert abs(P_f / float(P) - 1) < 1e-13
