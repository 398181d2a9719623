"""Fuzz suite over the thermocouple's public API (issue 11): every bad input is a ValueError naming the parameter;
every good input — including extremes (T ratios to 1e-3, energies to 200 T, couplings to 1e-12, both signs of bias,
U_HC finite and infinite) — gives finite results that conserve particles and energy and satisfy the second law,
with closed form, solver and mpmath agreeing to the precision each can deliver (relative to the gross fluxes).
"""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symqd.models import thermocouple as tc

FLOWS = ("IN_L", "IN_R", "IN_H", "IN_C", "J_L", "J_R", "J_H", "J_C")


@st.composite
def good_points(draw):
    T0 = draw(st.floats(0.5, 20.0))
    ratio = st.floats(1e-3, 1e3).map(lambda r: r)
    energy = st.floats(-200.0, 200.0)
    coupling = st.one_of(st.floats(1e-12, 10.0), st.sampled_from([1e-12, 1.0]))
    p = {
        "T_0": T0, "T_H": T0 * draw(ratio), "T_C": T0 * draw(ratio),
        "eps_M": draw(energy) * T0 / 20, "eps_H": draw(energy) * T0 / 20, "eps_C": draw(energy) * T0 / 20,
        "U_MH": draw(st.floats(0.0, 20.0)), "U_MC": draw(st.floats(0.0, 20.0)),
        "U_HC": draw(st.one_of(st.just(math.inf), st.floats(0.0, 50.0))),
        "mu_R": draw(st.floats(-10.0, 10.0)),
        "gamma_H": draw(coupling), "gamma_C": draw(coupling),
        "gamma_L": draw(st.sampled_from(["eq16", "eq17"])), "gamma_R": draw(st.sampled_from(["eq16", "eq17"])),
    }
    return p


def scales(p):
    """One-way flux scale (rates are at most the largest coupling; the Eq. (16)/(17) tables are <= 1) and energy
    scale: double precision delivers net flows to ~1e-16 of the one-way fluxes, relative accuracy where the
    engine detects cancellation (it recomputes those points in mpmath)."""
    flux = max(1.0, p["gamma_H"], p["gamma_C"])
    energy = max(1.0, p["T_H"], p["T_C"], p["T_0"], abs(p["mu_R"]), abs(p["eps_M"]), abs(p["eps_H"]),
                 abs(p["eps_C"]), p["U_MH"], p["U_MC"], p["U_HC"] if math.isfinite(p["U_HC"]) else 0.0)
    return flux, energy


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(good_points())
def test_good_inputs_are_finite_conserving_second_law_and_methods_agree(p):
    a = tc.evaluate(p)
    b = tc.evaluate(p, method="solver")
    flux, energy = scales(p)
    for k in FLOWS + ("P_gen", "dS_dt"):
        va, vb = float(a[k]), float(b[k])
        assert math.isfinite(va), k
        tol = 1e-9 * abs(va) + 1e-13 * flux * energy * (energy / min(p["T_0"], p["T_H"], p["T_C"]) if k == "dS_dt" else 1)
        assert abs(va - vb) <= tol, (k, va, vb)
    assert abs(float(a["IN_L"]) + float(a["IN_R"])) <= 1e-13 * flux
    assert abs(sum(float(a[f"IE_{x}"]) for x in "LRHC")) <= 1e-13 * flux * energy
    assert float(a["dS_dt"]) >= -1e-13 * flux * energy / min(p["T_0"], p["T_H"], p["T_C"])
    assert sum(float(v) for v in a["p"].values()) == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(good_points())
def test_good_inputs_agree_with_50_digit_mpmath(p):
    a = tc.evaluate(p)
    with mpmath.workdps(50):
        m = tc.evaluate({k: (mpmath.mpf(v) if isinstance(v, float) and math.isfinite(v) else v)
                         for k, v in p.items()}, backend="mpmath")
    flux, energy = scales(p)
    for k in FLOWS:
        assert abs(float(a[k]) - float(m[k])) <= 1e-9 * abs(float(m[k])) + 1e-13 * flux * energy, k


BAD = [
    ({"T_C": -1.0}, "T_C"), ({"T_H": 0.0}, "T_H"), ({"T_0": math.nan}, "T_0"), ({"eps_M": math.inf}, "eps_M"),
    ({"gamma_H": -1e-3}, "gamma_H"), ({"gamma_L": "eq99"}, "gamma_L"), ({"U_MH": math.nan}, "U_MH"),
    ({"mu_R": "0.3"}, "mu_R"), ({"nope": 1.0}, "nope"), ({"T_C": np.ones(3), "mu_R": np.zeros(2)}, "mu_R|T_C"),
    ({"gamma_R": {(0, 0): 1.0}}, "gamma_R"),
]


@pytest.mark.parametrize("change, name", BAD)
def test_bad_inputs_raise_value_error_naming_the_parameter(change, name):
    with pytest.raises(ValueError, match=name):
        tc.evaluate({**tc.FIG2, **change})


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["T_C", "T_H", "T_0", "gamma_H", "gamma_C", "eps_M", "U_MC", "mu_R"]),
       st.sampled_from([math.nan, math.inf, -math.inf, "1", None, [1.0, "x"]]))
def test_fuzzed_bad_values_are_value_errors_naming_the_parameter(name, value):
    if name == "mu_R" and value in (math.inf, -math.inf):
        value = math.nan
    with pytest.raises(ValueError, match=name):
        tc.evaluate({**tc.FIG2, name: value})


def test_zero_coupling_that_decouples_a_dot_is_refused_by_every_method():
    for method in ("closed_form", "solver"):
        with pytest.raises(ValueError, match="gamma_H"):
            tc.evaluate({**tc.FIG2, "gamma_H": 0.0}, method=method)
    with pytest.raises(ValueError, match="gamma_H"):
        tc.evaluate({**tc.FIG2, "gamma_H": mpmath.mpf(0)}, backend="mpmath")


def test_issue11_item4_cancellation_regression_against_mpmath():
    p = {**tc.FIG2, "T_C": 4.0, "mu_R": -0.3, "eps_H": -200.0, "eps_C": -200.0}
    a = tc.evaluate(p)
    with mpmath.workdps(60):
        m = tc.evaluate({k: (mpmath.mpf(v) if isinstance(v, float) else v) for k, v in p.items()}, backend="mpmath")
    assert abs(float(a["IN_R"]) - float(m["IN_R"])) <= 1e-10 * abs(float(m["IN_R"]))
    assert float(a["IN_L"]) + float(a["IN_R"]) == 0.0


def test_issue11_item6_solver_at_extreme_parameters_matches_mpmath():
    p = {**tc.FIG2, "eps_M": 320.0, "U_HC": math.inf}
    s = tc.evaluate(p, method="solver")
    with mpmath.workdps(60):
        m = tc.evaluate({k: (mpmath.mpf(v) if isinstance(v, float) and math.isfinite(v) else v)
                         for k, v in p.items()}, backend="mpmath", method="solver")
    assert abs(float(s["IN_R"]) - float(m["IN_R"])) <= 1e-9 * abs(float(m["IN_R"]))
    assert sum(float(v) for v in s["p"].values()) == pytest.approx(1.0, abs=1e-14)
    assert all(float(v) >= 0 for v in s["p"].values())
